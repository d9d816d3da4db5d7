"""Writing spoken sentences to a WAV file."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.narration.synth import SpeechAudio, Synthesizer
from kiosk.narration.wav import write_wav


@pytest.fixture(scope="module")
def clips() -> Iterator[list[SpeechAudio]]:
    synth = Synthesizer("en")
    try:
        yield [
            synth.synthesize("What is a compression spine fracture?", 150),
            synth.synthesize("Is the procedure safe?", 150),
        ]
    finally:
        synth.close()


def _read(path: Path) -> tuple[tuple[int, int, int, int], bytes]:
    """(channels, bytes per sample, sample rate, frames) and the frames of a WAV file."""
    with wave.open(str(path), "rb") as wav:
        shape = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes())
        return shape, wav.readframes(wav.getnframes())


def test_sentences_are_written_in_order_with_a_pause_between(
    clips: list[SpeechAudio], tmp_path: Path
) -> None:
    path = tmp_path / "page.wav"

    write_wav(path, clips, gap_ms=300)

    (channels, sample_bytes, rate, length), frames = _read(path)
    assert (channels, sample_bytes, rate) == (1, 2, 22050)
    first, second = clips[0].pcm, clips[1].pcm
    gap = 22050 * 300 // 1000 * 2
    assert length == (len(first) + gap + len(second)) // 2
    assert frames == first + bytes(gap) + second


def test_no_pause_runs_the_sentences_together(clips: list[SpeechAudio], tmp_path: Path) -> None:
    path = tmp_path / "page.wav"

    write_wav(path, clips, gap_ms=0)

    (_, _, rate, length), frames = _read(path)
    assert frames == clips[0].pcm + clips[1].pcm
    assert length * 1000 // rate == pytest.approx(
        clips[0].duration_ms + clips[1].duration_ms, abs=2
    )


def test_nothing_to_write_or_mixed_rates_are_refused(
    clips: list[SpeechAudio], tmp_path: Path
) -> None:
    path = tmp_path / "page.wav"
    resampled = SpeechAudio(clips[1].pcm, 16000, clips[1].words)

    with pytest.raises(ValueError, match="no audio"):
        write_wav(path, [])
    with pytest.raises(ValueError, match="mix sample rates"):
        write_wav(path, [clips[0], resampled])
    with pytest.raises(ValueError, match="negative"):
        write_wav(path, clips, gap_ms=-1)
    assert not path.exists()

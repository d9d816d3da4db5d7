"""Writing spoken sentences to a WAV file."""

from __future__ import annotations

import errno
import gc
import os
import subprocess
import sys
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.narration.synth import SpeechAudio, Synthesizer
from kiosk.narration.wav import write_wav

REPO = Path(__file__).resolve().parents[2]


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
    assert (channels, sample_bytes, rate) == (1, 2, clips[0].sample_rate)
    first, second = clips[0].pcm, clips[1].pcm
    gap = rate * 300 // 1000 * 2
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


# A child that may write files of at most FSIZE_LIMIT bytes (RLIMIT_FSIZE; Python ignores
# SIGXFSZ, so a longer write fails with EFBIG, as on a full disk), then writes a WAV longer
# than that. It prints the error number it met.
_WRITE_WITH_A_SIZE_LIMIT = """
import resource, sys
from kiosk.narration.synth import SpeechAudio
from kiosk.narration.wav import write_wav

resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), resource.RLIM_INFINITY))
try:
    write_wav(sys.argv[1], [SpeechAudio(bytes(200_000), 22050, ())])
except OSError as error:
    print(error.errno)
"""
FSIZE_LIMIT = 50_000


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_write_that_fails_half_way_leaves_no_partial_file(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    earlier = folder / "page.wav"
    earlier.write_bytes(b"an earlier file")
    result = subprocess.run(
        [sys.executable, "-c", _WRITE_WITH_A_SIZE_LIMIT, str(earlier), str(FSIZE_LIMIT)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == str(errno.EFBIG), result.stderr
    assert result.stderr == ""
    assert os.listdir(folder) == ["page.wav"], "no partial file beside it"
    assert earlier.read_bytes() == b"an earlier file", "the earlier file is as it was"


def test_a_folder_that_cannot_be_written_raises_os_error_and_nothing_else(
    clips: list[SpeechAudio], tmp_path: Path
) -> None:
    # pytest's filterwarnings = error turns the unraisable AttributeError wave.Wave_write's
    # __del__ printed (CPython gh-136523) into a failure of this test.
    with pytest.raises(FileNotFoundError):
        write_wav(tmp_path / "no such folder" / "page.wav", clips)
    gc.collect()

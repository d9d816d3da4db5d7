"""Writing spoken sentences to one WAV file, with a pause between sentences."""

from __future__ import annotations

import os
import wave
from collections.abc import Sequence

from kiosk.narration.synth import SpeechAudio

SAMPLE_WIDTH_BYTES = 2  # 16-bit


def write_wav(
    path: str | os.PathLike[str], clips: Sequence[SpeechAudio], gap_ms: int = 300
) -> None:
    """Write ``clips`` one after another, ``gap_ms`` of silence between them, as 16-bit mono.

    Raises ValueError when there are no clips, their sample rates differ, or ``gap_ms`` is
    negative.
    """
    if not clips:
        raise ValueError("no audio to write")
    sample_rate = clips[0].sample_rate
    other_rates = {clip.sample_rate for clip in clips} - {sample_rate}
    if other_rates:
        raise ValueError(f"clips mix sample rates: {sample_rate} and {sorted(other_rates)} Hz")
    if gap_ms < 0:
        raise ValueError(f"gap must not be negative, not {gap_ms} ms")
    gap = bytes(sample_rate * gap_ms // 1000 * SAMPLE_WIDTH_BYTES)
    with wave.open(os.fspath(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_WIDTH_BYTES)
        out.setframerate(sample_rate)
        for number, clip in enumerate(clips):
            if number:
                out.writeframes(gap)
            out.writeframes(clip.pcm)

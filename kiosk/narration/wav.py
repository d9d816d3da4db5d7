"""Writing spoken sentences to one WAV file, with a pause between sentences."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import wave
from collections.abc import Sequence
from pathlib import Path

from kiosk.narration.synth import SpeechAudio

SAMPLE_WIDTH_BYTES = 2  # 16-bit


def write_wav(
    path: str | os.PathLike[str], clips: Sequence[SpeechAudio], gap_ms: int = 300
) -> None:
    """Write ``clips`` one after another, ``gap_ms`` of silence between them, as 16-bit mono.

    The file appears whole or not at all: it is written next to ``path`` under another name
    and renamed when complete, so a failure leaves no partial file (and an earlier file at
    ``path`` as it was). Raises OSError when it cannot be written, or ``path`` is something
    other than a regular file (a device such as /dev/null is never replaced); ValueError
    when there are no clips, their sample rates differ, or ``gap_ms`` is negative.
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
    target = Path(path)
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISREG(target.stat().st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(target))
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    # Our own file object, not a name: wave.open(name) that cannot open the file leaves a
    # half-made Wave_write whose __del__ then prints an AttributeError traceback (CPython
    # gh-136523, fixed in 3.12 and 3.13, not in 3.11). 0o666 less the umask, as open() gives.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(partial, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as file, wave.open(file, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(SAMPLE_WIDTH_BYTES)
            out.setframerate(sample_rate)
            for number, clip in enumerate(clips):
                if number:
                    out.writeframes(gap)
                out.writeframes(clip.pcm)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise

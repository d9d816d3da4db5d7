"""A private X server (Xvfb) for the tests and benchmarks, and its screen's pixels."""

from __future__ import annotations

import mmap
import os
import select
import struct
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCREEN_SIZE = (1920, 1080)  # the default kiosk screen (config.ScreenSpec)


def read_display_number(read_end: int, timeout_s: float = 30) -> str:
    """Read the display number Xvfb writes to ``-displayfd``, up to its newline.

    Xvfb writes the number and the newline separately and exits if the second write fails,
    so the pipe must stay open until the newline has arrived.
    """
    data = b""
    deadline = time.monotonic() + timeout_s
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([read_end], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(read_end, 32) if ready else b""
        if not chunk:
            raise RuntimeError("Xvfb did not report its display number")
        data += chunk
    os.close(read_end)
    return data.decode().strip()


@dataclass
class Display:
    """A running private Xvfb: its display name and, when asked for, its screen's pixels."""

    name: str  # ":5"
    pixels: memoryview | None  # 32 bits a pixel, row by row; None without a screen file


@contextmanager
def private_xvfb(screen_folder: Path | None = None) -> Iterator[Display]:
    """A private 1920x1080 Xvfb for a ``with`` block, stopped afterwards.

    With ``screen_folder`` Xvfb keeps its screen in a memory-mapped file there (-fbdir), and
    ``Display.pixels`` reads it: what is on screen, at no cost to the X server.
    """
    width, height = SCREEN_SIZE
    read_end, write_end = os.pipe()
    command = ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x24"]
    command += ["-nocursor", "-nolisten", "tcp"]
    if screen_folder is not None:
        command += ["-fbdir", str(screen_folder)]
    server = subprocess.Popen(command, pass_fds=(write_end,), stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        name = ":" + read_display_number(read_end)
        if screen_folder is None:
            yield Display(name, None)
            return
        with (screen_folder / "Xvfb_screen0").open("rb") as file:
            screen = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        # An XWD file: a header of big-endian 32-bit fields, a colour map, then the pixels.
        fields = struct.unpack_from(">25I", screen)
        header_size, bits_per_pixel, colour_count = fields[0], fields[11], fields[19]
        if bits_per_pixel != 32:
            raise SystemExit(f"Xvfb keeps {bits_per_pixel} bits a pixel; expected 32")
        pixels = memoryview(screen)[header_size + 12 * colour_count :].cast("I")
        try:
            yield Display(name, pixels)
        finally:
            pixels.release()
            screen.close()
    finally:
        server.terminate()
        server.wait()

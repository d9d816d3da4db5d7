"""Prints the size of the standalone kiosk (kiosk.spec) and how fast it starts.

    .venv/bin/python benchmarks/build.py [--dist DIR] [--runs 5]

Without ``--dist`` it builds the kiosk with PyInstaller into a temporary folder first; with
it, it measures the one-folder build already in ``DIR`` (the folder that holds ``kiosk``).

Start-up is measured from launching the program, full screen as on a kiosk, to the first
frame of its first screen on a private Xvfb (started and stopped here). The built program
cannot be given the event filter benchmarks/figures.py installs, so this watches the screen
instead: Xvfb keeps its screen in a memory-mapped file (-fbdir), and a few thousand of its
pixels are read every 5 ms until they show a painted page: its background, its type and the
smoothed edges of the type make three colours or more, where the empty screen has one and a
window filled but not yet painted would add one more. That costs the X server nothing and
this process little, so the watching hardly slows the start it measures (reading 20,000
pixels every millisecond added 0.1 s on two cores). The first frame reaches the screen about
20 ms after the paint event figures.py stops at. The same is measured for ``python -m kiosk``
from this checkout, for comparison.
"""

from __future__ import annotations

import argparse
import mmap
import os
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.figures import read_display_number  # noqa: E402 - after the path above

# A screen counts as painted when this many of its pixels, spread over it, hold more colours
# than an empty screen and an unpainted window could.
_SAMPLES = 4_000
_UNPAINTED_MAX_COLOURS = 2
_LOOK_EVERY_S = 0.005
_START_TIMEOUT_S = 60.0


def build(work: Path) -> tuple[Path, float]:
    """Build kiosk.spec into ``work``; the one-folder build and the build's wall time."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            "kiosk.spec",
        ],
        cwd=REPO,
        check=True,
    )
    return work / "dist" / "kiosk", time.perf_counter() - started


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes and number of files in ``folder``, links not followed."""
    total = count = 0
    for root, _, files in os.walk(folder):
        for name in files:
            total += (Path(root) / name).lstat().st_size
            count += 1
    return total, count


@contextmanager
def xvfb_with_screen_file(folder: Path) -> Iterator[tuple[str, memoryview]]:
    """A private 1920x1080 Xvfb; its display and its screen's pixels (32 bits each)."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [
            *("Xvfb", "-displayfd", str(write_end), "-screen", "0", "1920x1080x24"),
            *("-fbdir", str(folder), "-nocursor", "-nolisten", "tcp"),
        ],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        display = ":" + read_display_number(read_end)
        with (folder / "Xvfb_screen0").open("rb") as file:
            screen = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        # An XWD file: a header of big-endian 32-bit fields, a colour map, then the pixels.
        fields = struct.unpack_from(">25I", screen)
        header_size, bits_per_pixel, colour_count = fields[0], fields[11], fields[19]
        if bits_per_pixel != 32:
            raise SystemExit(f"Xvfb keeps {bits_per_pixel} bits a pixel; expected 32")
        pixels = memoryview(screen)[header_size + 12 * colour_count :].cast("I")
        try:
            yield display, pixels
        finally:
            pixels.release()
            screen.close()
    finally:
        server.terminate()
        server.wait()


def startup_seconds(
    command: list[str], env: dict[str, str], pixels: memoryview, runs: int
) -> list[float]:
    """Seconds from starting ``command`` to its first painted frame, for each run."""
    step = max(1, len(pixels) // _SAMPLES) | 1  # odd, so samples do not line up in columns
    times: list[float] = []
    with tempfile.TemporaryDirectory() as away:
        for _ in range(runs):
            if len(set(pixels[::step])) > _UNPAINTED_MAX_COLOURS:
                raise SystemExit("the screen is not empty before the kiosk starts")
            started = time.perf_counter()
            kiosk = subprocess.Popen(
                command, env=env, cwd=away, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            try:
                while len(set(pixels[::step])) <= _UNPAINTED_MAX_COLOURS:
                    if kiosk.poll() is not None:
                        error = kiosk.communicate()[1].decode(errors="replace")
                        raise SystemExit(f"{command[0]} ended without showing a page:\n{error}")
                    if time.perf_counter() - started > _START_TIMEOUT_S:
                        raise SystemExit(f"{command[0]} showed no page in {_START_TIMEOUT_S} s")
                    time.sleep(_LOOK_EVERY_S)
                times.append(time.perf_counter() - started)
            finally:
                kiosk.send_signal(signal.SIGTERM)  # the kiosk quits cleanly on SIGTERM
                try:
                    kiosk.communicate(timeout=10)
                except subprocess.TimeoutExpired:
                    kiosk.kill()
                    kiosk.communicate()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, help="an existing one-folder build (holds kiosk)")
    parser.add_argument("--runs", type=int, default=5, help="start-up runs (the first is cold)")
    args = parser.parse_args()

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="kiosk-build-") as work:
        if args.dist is None:
            dist, build_s = build(Path(work))
            rows.append(("build time, pyinstaller kiosk.spec (s)", f"{build_s:.1f}"))
        else:
            dist = args.dist.resolve()
        program = dist / ("kiosk.exe" if sys.platform == "win32" else "kiosk")
        if not program.is_file():
            raise SystemExit(f"no built kiosk in {dist}")
        size, files = folder_size(dist)
        rows.append(("one-folder build, size (MiB)", f"{size / 2**20:.1f}"))
        rows.append(("one-folder build, files", f"{files}"))

        screen_folder = Path(work) / "screen"
        screen_folder.mkdir()
        with xvfb_with_screen_file(screen_folder) as (display, pixels):
            hidden = {"WAYLAND_DISPLAY", "PYTHONPATH", "QT_QPA_PLATFORM"}
            env = {name: value for name, value in os.environ.items() if name not in hidden}
            env["DISPLAY"] = display
            for name, command, command_env in (
                ("built program", [str(program)], env),
                (
                    "python -m kiosk",
                    [sys.executable, "-m", "kiosk"],
                    env | {"PYTHONPATH": str(REPO)},
                ),
            ):
                times = startup_seconds(command, command_env, pixels, args.runs)
                rows.append((f"start-up to first screen, {name}, first run (s)", f"{times[0]:.3f}"))
                if len(times) > 1:
                    rest = statistics.median(times[1:])
                    rows.append(
                        (f"start-up to first screen, {name}, median of the rest (s)", f"{rest:.3f}")
                    )

    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:{width}}  {value:>8}")


if __name__ == "__main__":
    main()

"""Prints the size of the standalone kiosk (kiosk.spec) and how fast it starts.

    .venv/bin/python benchmarks/build.py [--dist DIR] [--runs 5]

Without ``--dist`` it builds the kiosk with PyInstaller into a temporary folder first; with
it, it measures the one-folder build already in ``DIR`` (the folder that holds ``kiosk``).

Start-up is measured from launching the program, full screen as on a kiosk, to its first
screen shown on a private Xvfb (started and stopped here). The built program cannot be given
the event filter benchmarks/figures.py installs, so this watches the screen instead, through
Xvfb's memory-mapped screen file (benchmarks.common.start_up_runs): the first frame is the
first moment a few thousand pixels spread over the screen hold three colours or more, and the
screen is shown from the first moment they hold what they keep once nothing has changed for a
second. The first start is cold (the build's files, Python's and the shared system libraries
dropped from the page cache first), the others warm; before any, one unmeasured start of the
smallest PySide6 program readies the new X server (benchmarks.common.warm_up_display). The same
is measured for ``python -m kiosk`` from this checkout, for comparison.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import (  # noqa: E402 - after the path above
    SHARED_SYSTEM_FILES,
    evict_from_page_cache,
    our_files,
    start_up_runs,
    warm_up_display,
)
from harness.xvfb import private_xvfb  # noqa: E402 - after the path above


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
        with private_xvfb(screen_folder) as display:
            assert display.pixels is not None
            hidden = {"WAYLAND_DISPLAY", "PYTHONPATH", "QT_QPA_PLATFORM"}
            env = {name: value for name, value in os.environ.items() if name not in hidden}
            env["DISPLAY"] = display.name
            warm_up_display(display.pixels, env)

            def before_run(run: int, dist: Path = dist) -> None:
                if run == 0:  # the first start cold: its files, and Python's and the system's
                    evict_from_page_cache([dist, *our_files(), *SHARED_SYSTEM_FILES])

            for name, command, command_env in (
                ("built program", [str(program)], env),
                (
                    "python -m kiosk",
                    [sys.executable, "-m", "kiosk"],
                    env | {"PYTHONPATH": str(REPO)},
                ),
            ):
                runs = start_up_runs(
                    command, command_env, display.pixels, args.runs, before_run=before_run
                )
                times = [run.shown_s for run in runs]
                rows.append((f"start-up to first screen, {name}, cold (s)", f"{times[0]:.3f}"))
                if len(times) > 1:
                    rest = statistics.median(times[1:])
                    rows.append(
                        (f"start-up to first screen, {name}, warm, median (s)", f"{rest:.3f}")
                    )

    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:{width}}  {value:>8}")


if __name__ == "__main__":
    main()

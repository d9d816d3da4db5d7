"""Prints how much more slowly a program starts as the first client of a new X server.

    .venv/bin/python benchmarks/first_client.py

On a fresh private Xvfb each time, it starts the smallest PySide6 program and the kiosk
(``python -m kiosk``, full screen) cold, one order and then the other, emptying the page cache
of their files and the shared system libraries before each start (as the suite's cold starts
do), and prints each start's time to the first screen shown. Whichever comes first is slower,
whatever the page cache holds; that is why the suite readies each new Xvfb with one unmeasured
start (benchmarks.common.warm_up_display).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import (  # noqa: E402 - after the path above
    SHARED_SYSTEM_FILES,
    SMALLEST_PYSIDE6_PROGRAM,
    compile_kiosk,
    evict_from_page_cache,
    kiosk_env,
    our_files,
    start_up_runs,
)
from harness.xvfb import private_xvfb  # noqa: E402 - after the path above

PROGRAMS = {
    "the smallest PySide6 program": [sys.executable, "-c", SMALLEST_PYSIDE6_PROGRAM],
    "the kiosk": [sys.executable, "-m", "kiosk"],
}


def main() -> None:
    names = list(PROGRAMS)
    for order in (names, names[::-1]):
        with tempfile.TemporaryDirectory(prefix="kiosk-first-") as work:
            folder = Path(work)
            (folder / "screen").mkdir()
            with private_xvfb(folder / "screen") as display:
                assert display.pixels is not None
                env = kiosk_env(display.name, folder)
                compile_kiosk(env)
                cold = [*our_files(), folder / "pycache", *SHARED_SYSTEM_FILES]
                for place, name in enumerate(order, start=1):
                    evict_from_page_cache(cold)
                    runs = start_up_runs(PROGRAMS[name], env, display.pixels, 1)
                    client = "first client" if place == 1 else "after the other"
                    print(f"{name:30} {client:16} cold {runs[0].shown_s:.3f} s")


if __name__ == "__main__":
    main()

"""Prints where the kiosk's time goes until its welcome screen is first painted, step by step.

    .venv/bin/python benchmarks/startup_steps.py [--runs 6]

It runs the early start path (kiosk/ui/early.py, as ``kiosk.cli`` does) in a fresh process,
offscreen, with a bytecode cache, timing each step with ``time.perf_counter``, and prints the
median of each step over ``--runs`` starts (the first, which fills the bytecode cache, is not
counted). Python's own start, before the first line of the script, is not in the figures.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import compile_kiosk, kiosk_env  # noqa: E402 - after the path above

# The steps of kiosk.cli's _run up to the first paint, each followed by a time stamp.
_CHILD = """
import time
stamps = [("start", time.perf_counter())]
def mark(step):
    stamps.append((step, time.perf_counter()))
import kiosk.cli
mark("import kiosk.cli (argparse, the configuration, logging)")
from kiosk.config import Config
from kiosk.logs import setup_logging
mark("import kiosk.logs")
import kiosk.ui.early
mark("import Qt Widgets and the welcome screen's modules")
from kiosk.content import leaflet_header
from kiosk.fonts import load_fonts
from kiosk.ui.qtapp import application
config = Config()
logs = setup_logging(None)  # the file once the screen shows, as kiosk.cli does
mark("set up the log")
header = leaflet_header(config.content_pack, config.language)
mark("read the leaflet's header")
application()
mark("the QApplication")
load_fonts()
mark("the font files")
early = kiosk.ui.early.EarlyWelcome(header, config, True)
mark("build and show the welcome screen")
early.wait_until_painted()
mark("the first paint")
logs.open_file(config.log_folder)
mark("after the paint: the log file")
for (_, before), (step, after) in zip(stamps, stamps[1:]):
    print(f"{1000 * (after - before):.2f}\\t{step}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-steps-") as folder:
        env = kiosk_env("", Path(folder)) | {"QT_QPA_PLATFORM": "offscreen"}
        compile_kiosk(env)
        steps: dict[str, list[float]] = {}
        for run in range(args.runs):
            out = subprocess.run(
                [sys.executable, "-c", _CHILD],
                env=env,
                cwd=folder,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            if run == 0:
                continue  # it filled the bytecode cache
            for line in out.splitlines():
                ms, step = line.split("\t")
                steps.setdefault(step, []).append(float(ms))
    total = 0.0
    for step, values in steps.items():
        median = statistics.median(values)
        if not step.startswith("after the paint"):
            total += median
            print(f"{median:7.1f} ms  {step}")
    print(f"{total:7.1f} ms  to the first paint (medians of {args.runs - 1} starts)")
    for step, values in steps.items():
        if step.startswith("after the paint"):
            print(f"{statistics.median(values):7.1f} ms  {step}")


if __name__ == "__main__":
    main()

"""Prints the kiosk's headline figures: type size, touch targets, contrast and start-up time.

    .venv/bin/python benchmarks/figures.py [--runs 5]

Start-up is measured from launching ``python -m kiosk --windowed`` to the first frame of the
welcome screen painted on a private Xvfb (the benchmark starts and stops it).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import (  # noqa: E402
    FIRST_WELCOME_PAINT,
    compile_kiosk,
    kiosk_env,
)
from harness.xvfb import private_xvfb  # noqa: E402


def startup_seconds(runs: int, display: str | None = None) -> list[float]:
    """Seconds from launching the kiosk to the first Paint event of its window, each run, on
    ``display`` or on a private Xvfb."""
    if display is None:
        with private_xvfb() as server:
            return startup_seconds(runs, server.name)
    with tempfile.TemporaryDirectory(prefix="kiosk-figures-") as folder:
        env = kiosk_env(display, Path(folder))  # with a bytecode cache, as installed
        compile_kiosk(env)
        return _startup_runs(runs, env)


def _startup_runs(runs: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.time()
        child = subprocess.run(
            [sys.executable, "-c", FIRST_WELCOME_PAINT, "--windowed"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            raise SystemExit(f"the kiosk failed to start:\n{child.stderr}")
        out = child.stdout
        painted = float(
            next(line for line in out.splitlines() if line.startswith("painted")).split()[1]
        )
        times.append(painted - started)
    return times


def layout_figures() -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QFontMetricsF
    from PySide6.QtWidgets import QAbstractButton, QApplication

    from kiosk.app import build
    from kiosk.config import TEXT_SIZE_STEPS_PERCENT, Config, ScreenSpec
    from kiosk.session import HOME, Page
    from kiosk.ui.contrast import contrast_ratio
    from kiosk.ui.metrics import TextRole
    from kiosk.ui.text import TextView
    from kiosk.ui.theme import THEMES

    figures: dict[str, float] = {}
    default = ScreenSpec()
    kiosk = build(Config(), screen=default)
    kiosk.visit.begin()  # past the welcome screen
    kiosk.window.resize(default.width_px, default.height_px)
    kiosk.window.show()
    QApplication.processEvents()
    kiosk.visit.go_to(Page(1))
    QApplication.processEvents()
    body = next(
        v for v in kiosk.window.current_page().findChildren(TextView) if v.role() is TextRole.BODY
    )
    cap_px = QFontMetricsF(body.role_font()).capHeight()
    figures["body text pixel size (px)"] = body.role_font().pixelSize()
    figures["body capital height (px)"] = cap_px
    figures["body capital height (mm)"] = default.mm(cap_px)
    kiosk.close()  # the speech worker and its thread too

    smallest_mm = float("inf")
    screens = [
        ScreenSpec(1920, 1080, 21.5),
        ScreenSpec(1080, 1920, 21.5),
        ScreenSpec(1280, 800, 10.1),
    ]
    for screen in screens:
        kiosk = build(Config(), screen=screen)
        kiosk.visit.begin()  # past the welcome screen
        kiosk.window.resize(screen.width_px, screen.height_px)
        kiosk.window.show()
        pages = [HOME, *(Page(i) for i in range(len(kiosk.leaflet.sections)))]
        for step, page in itertools.product(range(len(TEXT_SIZE_STEPS_PERCENT)), pages):
            kiosk.visit.set_text_step(step)
            kiosk.visit.go_to(page)
            QApplication.processEvents()
            for button in kiosk.window.findChildren(QAbstractButton):
                if button.isVisibleTo(kiosk.window):
                    smallest_mm = min(smallest_mm, screen.mm(min(button.width(), button.height())))
        kiosk.close()  # the speech worker and its thread too
    figures["smallest touch target, any screen/size/page (mm)"] = smallest_mm
    figures["lowest text contrast, both themes (:1)"] = min(
        contrast_ratio(fg, bg)
        for theme in THEMES.values()
        for fg, bg in theme.text_pairs().values()
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="start-up runs (the first is cold)")
    args = parser.parse_args()
    for name, value in layout_figures().items():
        print(f"{name:55} {value:8.2f}")
    times = startup_seconds(args.runs)
    print(f"{'start-up to welcome screen painted, first run (s)':55} {times[0]:8.3f}")
    if len(times) > 1:
        print(
            f"{'start-up to welcome screen painted, median of the rest (s)':55} "
            f"{statistics.median(times[1:]):8.3f}"
        )


if __name__ == "__main__":
    main()

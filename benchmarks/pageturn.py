"""Prints how long a page turn takes: from a tap on Next or Back to the new page painted.

    .venv/bin/python benchmarks/pageturn.py [--turns 200] [--welcome-s 2] [--display :N] [--json]

It builds the real kiosk (with reading aloud, as in a clinic: a private PulseAudio unless one
is given) in this process on a private Xvfb (or on ``--display``), full size, past the welcome
screen, and turns pages with ``QTest.mouseClick`` on Next until the questions page, then on
Back until home, and again, ``--turns`` times. An application event filter notes the first
Paint event of any widget of the new page; the turn ends when the event-loop pass that painted
it returns, by which time the whole window has been painted and its frame handed to the X
server. Between turns the kiosk is left alone for 50 ms so that one turn's work does not spill
into the next.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import percentile  # noqa: E402
from harness.surroundings import surroundings  # noqa: E402
from harness.xvfb import SCREEN_SIZE  # noqa: E402

_PAUSE_S = 0.05
_TIMEOUT_S = 10.0


def measure(turns: int, welcome_s: float = 0.0) -> dict[str, list[float]]:
    """Milliseconds from each tap to the new page's first Paint event and to its frame done."""
    from PySide6.QtTest import QTest

    from kiosk.app import application, build
    from kiosk.config import Config
    from kiosk.session import HOME, Page

    app = application()
    kiosk = build(Config())
    window, visit = kiosk.window, kiosk.visit
    window.resize(*SCREEN_SIZE)
    window.show()
    if not QTest.qWaitForWindowExposed(window):
        raise SystemExit("the kiosk window was never shown")
    _pause(app, welcome_s)  # the patient reads the welcome screen; the kiosk builds ahead
    visit.begin()  # past the welcome screen, on the home page
    _pause(app)
    watch = _paint_watch()
    app.installEventFilter(watch)
    last = len(kiosk.leaflet.sections) - 1
    figures: dict[str, list[float]] = {"paint": [], "frame": [], "first_visit": []}
    seen: set[Page] = {HOME}
    forward = True
    for _ in range(turns):
        section = visit.page.section
        forward = section != last if forward else section is None
        position = -1 if section is None else section
        target = position + (1 if forward else -1)
        page = HOME if target < 0 else Page(target)
        # The page is found once shown, not asked for now: a section page is built on its
        # first visit, and that belongs in the figure.
        watch.target = lambda page=page: window.current_page() if visit.page == page else None
        button = window.next_button if forward else window.back_button
        paint, frame = tap_until_painted(app, watch, button, f"the page {page}")
        if visit.page != page:
            raise SystemExit(f"tapped to {page} but the kiosk shows {visit.page}")
        figures["paint"].append(paint)
        figures["frame"].append(frame)
        if page not in seen:
            seen.add(page)
            figures["first_visit"].append(figures["frame"][-1])
        watch.target = None
        _pause(app)
    app.removeEventFilter(watch)
    kiosk.close()
    return figures


def tap_until_painted(app: Any, watch: Any, button: Any, what: str) -> tuple[float, float]:
    """Tap ``button`` and run the event loop until ``watch``'s target is painted; the
    milliseconds from the tap to its first Paint event and to the end of the pass that
    painted it (the frame handed to the X server)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    watch.painted_at = None
    tapped = time.perf_counter()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    while watch.painted_at is None:
        app.processEvents()
        if time.perf_counter() - tapped > _TIMEOUT_S:
            raise SystemExit(f"{what} was never painted")
        if watch.painted_at is None:
            time.sleep(0.0002)
    frame_done = time.perf_counter()
    return 1000 * (watch.painted_at - tapped), 1000 * (frame_done - tapped)


def print_figures(figures: dict[str, list[float]], rows: tuple[tuple[str, str], ...]) -> None:
    """Median, p99 and maximum of each ``(name, key)`` of ``figures``, a line each."""
    for name, key in rows:
        values = figures[key]
        print(
            f"{name + ' (ms)':34} median {statistics.median(values):6.1f}  "
            f"p99 {percentile(values, 0.99):6.1f}  max {max(values):6.1f}  (n={len(values)})"
        )


def _paint_watch() -> Any:
    """An event filter that notes when a widget of its ``target`` is first painted."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QWidget

    class PaintWatch(QObject):
        def __init__(self) -> None:
            super().__init__()
            # The widget whose paint ends the measurement, once it is on screen.
            self.target: Callable[[], QWidget | None] | None = None
            self.painted_at: float | None = None

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                self.target is not None
                and self.painted_at is None
                and event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget)
            ):
                target = self.target()
                if target is not None and (watched is target or target.isAncestorOf(watched)):
                    self.painted_at = time.perf_counter()
            return False

    return PaintWatch()


def _pause(app: object, seconds: float = _PAUSE_S) -> None:
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        app.processEvents()
        time.sleep(0.002)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--display", help="an X display to use instead of a private Xvfb")
    parser.add_argument(
        "--welcome-s",
        type=float,
        default=2.0,
        help="seconds on the welcome screen before the first tap, as a patient reads it "
        "(the kiosk builds pages meanwhile); 0: tap at once",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with surroundings("kiosk-turns-", display=args.display, xvfb=True, audio=True):
        figures = measure(args.turns, args.welcome_s)
    if args.json:
        print(json.dumps(figures))
        return
    print_figures(
        figures, (("tap -> new page painted", "frame"), ("tap -> first Paint event", "paint"))
    )
    print(
        f"{'first visit of each page (ms)':34} "
        + " ".join(f"{v:.0f}" for v in figures["first_visit"])
    )


if __name__ == "__main__":
    main()

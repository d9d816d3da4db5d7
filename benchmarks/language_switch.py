"""Prints how long a language switch takes: from a tap on "Español" or "English" to the page,
built again in the other language, painted.

    .venv/bin/python benchmarks/language_switch.py [--switches 100] [--display :N] [--json]

It builds the real kiosk on its defaults (English and Spanish, reading aloud on a private
PulseAudio) in this process on a private Xvfb (or on ``--display``), full size, and on each
page in turn (home, every section, the questions, with two questions ticked) taps the language
button, alternately "Español" and "English", ``--switches`` times in all. The switch counts the
whole of what it does: the catalog swapped, the pages of the old language dropped and the
shown one built in the new, the place on the page found again, the narrator's voice changed.
The measurement ends as pageturn.py's does: when the event-loop pass that painted the new page
returns.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.pageturn import (  # noqa: E402
    _paint_watch,
    _pause,
    print_figures,
    tap_until_painted,
)
from harness.surroundings import surroundings  # noqa: E402
from harness.xvfb import SCREEN_SIZE  # noqa: E402


def measure(switches: int) -> dict[str, list[float]]:
    """Milliseconds from each tap to the new page's first Paint event and to its frame done."""
    from PySide6.QtTest import QTest

    from kiosk.app import application, build
    from kiosk.config import Config
    from kiosk.session import HOME, Page

    app = application()
    kiosk = build(Config())
    window, visit = kiosk.window, kiosk.visit
    if len(visit.languages) < 2:
        raise SystemExit(f"the kiosk offers only {visit.languages}: nothing to switch")
    window.resize(*SCREEN_SIZE)
    window.show()
    if not QTest.qWaitForWindowExposed(window):
        raise SystemExit("the kiosk window was never shown")
    visit.begin()
    visit.set_ticked(1, True)
    visit.set_ticked(3, True)
    pages = [HOME, *(Page(index) for index in range(len(kiosk.leaflet.sections)))]
    _pause(app)
    watch = _paint_watch()
    app.installEventFilter(watch)
    figures: dict[str, list[float]] = {"paint": [], "frame": []}
    for turn in range(switches):
        visit.go_to(pages[(turn // 2) % len(pages)])  # each page twice: there and back
        _pause(app)
        target = next(code for code in visit.languages if code != visit.language)
        button = window.bars.language_buttons[target]
        watch.target = lambda target=target: (
            window.current_page() if visit.language == target else None
        )
        paint, frame = tap_until_painted(app, watch, button, f"the page in {target!r}")
        figures["paint"].append(paint)
        figures["frame"].append(frame)
        watch.target = None
        _pause(app)
    app.removeEventFilter(watch)
    kiosk.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=100)
    parser.add_argument("--display", help="an X display to use instead of a private Xvfb")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with surroundings("kiosk-switch-", display=args.display, xvfb=True, audio=True):
        figures = measure(args.switches)
    if args.json:
        print(json.dumps(figures))
        return
    print_figures(figures, (("tap -> page painted", "frame"), ("tap -> first Paint", "paint")))


if __name__ == "__main__":
    main()

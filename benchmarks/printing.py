"""Prints printing figures: tap Print to the job accepted by CUPS, and to the job completed.

    .venv/bin/python benchmarks/printing.py [--runs 10]

It starts a private CUPS server with a PDF queue (as the tests do), drives the real kiosk
window offscreen and taps Print on the questions page.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.cups import Q_PDF  # noqa: E402 - after the path above
from harness.surroundings import surroundings  # noqa: E402


def measure(runs: int, display: str | None = None) -> tuple[list[float], list[float]]:
    """(tap → accepted, tap → completed) in milliseconds for ``runs`` prints, offscreen or on
    ``display``."""
    from PySide6.QtWidgets import QApplication

    from kiosk.app import application, build
    from kiosk.config import Config
    from kiosk.printing.service import PrintState
    from kiosk.session import Page

    accepted_ms, completed_ms = [], []
    with surroundings("kiosk-printing-", display=display, printing=True):
        application()
        kiosk = build(Config(printer=Q_PDF, clinic_name="Benchmark Clinic"), narration=False)
        kiosk.window.resize(1920, 1080)
        kiosk.window.show()
        kiosk.visit.go_to(Page(len(kiosk.leaflet.sections) - 1))
        kiosk.visit.set_ticked(1, True)
        kiosk.visit.set_ticked(4, True)
        page = kiosk.window.questions_page
        for _ in range(runs + 1):  # the first run warms up; it is not counted
            moments: dict[str, float] = {}
            kiosk.printing.job_accepted.connect(
                lambda _job, m=moments: m.setdefault("accepted", time.perf_counter())
            )
            tapped = time.perf_counter()
            page.print_button.click()
            while kiosk.printing.state is PrintState.PRINTING:
                QApplication.processEvents()
                time.sleep(0.0005)
            done = time.perf_counter()
            kiosk.printing.job_accepted.disconnect()
            if kiosk.printing.state is not PrintState.PRINTED:
                raise SystemExit(f"printing failed: {page.print_status.text()}")
            accepted_ms.append(1000 * (moments["accepted"] - tapped))
            completed_ms.append(1000 * (done - tapped))
        kiosk.close()
    return accepted_ms[1:], completed_ms[1:]


def _row(name: str, values: list[float]) -> None:
    print(
        f"{name:44} median {statistics.median(values):7.1f}  "
        f"max {max(values):7.1f}  (n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--display", help="run on this X display rather than offscreen")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    accepted, completed = measure(args.runs, args.display)
    if args.json:
        print(json.dumps({"accepted": accepted, "completed": completed}))
        return
    _row("tap Print -> job accepted by CUPS (ms)", accepted)
    _row("tap Print -> job completed on the queue (ms)", completed)


if __name__ == "__main__":
    main()

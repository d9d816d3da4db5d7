"""Prints the kiosk's start-up beside the smallest PySide6 program's and Chromium's, in one run.

    .venv/bin/python benchmarks/startup.py [--runs 6] [--no-chromium] [--json]
    .venv/bin/python benchmarks/slow.py startup --runs 6     # the slow-kiosk profile

The three are measured as the full suite (benchmarks/run.py) measures them, one after the
other on the same private Xvfb: from launch to the first screen settled, ``--runs`` starts
each, the first cold (their files dropped from the page cache), the others warm. The kiosk is
``python -m kiosk`` full screen on its built-in defaults (the shipped leaflet); Chromium shows
the same leaflet as one HTML page (benchmarks/peer.py); the smallest PySide6 program shows a
full-screen window with one label. The kiosk's first run keeps its welcome screen's picture,
which the warm runs show (kiosk/ui/snapshot.py); it is also measured with the picture removed
before every start ("drawn every time"), as the first start after a change is.
``--no-chromium`` leaves Chromium out; ``--json`` prints each program's runs (seconds to the
first screen shown, the first cold) as JSON instead, for benchmarks/run.py's slow profile.

Targets (issue 19): warm start-up at most 1.3x the smallest PySide6 program's and at most 0.5x
Chromium's, in the same run; on the slow profile at most 1.5 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import StartRun, kiosk_env, warm_up_display  # noqa: E402
from benchmarks.run import drawn_startup, floor_startup, our_startup, peer_startup  # noqa: E402
from harness.xvfb import private_xvfb  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--no-chromium", action="store_true", help="leave Chromium out")
    parser.add_argument("--json", action="store_true", help="print the runs as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-startup-") as work:
        folder = Path(work)
        page = folder / "leaflet.html"
        if not args.no_chromium:
            # In a process of its own: this one must not load Qt before the cold starts.
            peer_script = str(REPO / "benchmarks" / "peer.py")
            subprocess.run([sys.executable, peer_script, "--html", str(page)], check=True)
        (folder / "screen").mkdir()
        with private_xvfb(folder / "screen") as display:
            assert display.pixels is not None
            warm_up_display(display.pixels, kiosk_env(display.name, folder))
            ours, _ = our_startup(display.name, display.pixels, folder, args.runs)
            drawn = drawn_startup(display.name, display.pixels, folder, args.runs)
            runs = {"ours": ours, "drawn": drawn}
            if not args.no_chromium:
                runs["chromium"] = peer_startup(display, page, folder / "profile", args.runs)[
                    0
                ].runs
            runs["floor"] = floor_startup(display.name, display.pixels, folder, args.runs)
    if args.json:
        print(json.dumps({name: [run.shown_s for run in each] for name, each in runs.items()}))
        return
    warm = {name: _warm(each) for name, each in runs.items()}
    cold = {name: each[0].shown_s for name, each in runs.items()}
    names = {
        "ours": "the kiosk",
        "drawn": "the kiosk, its welcome drawn every time",
        "floor": "smallest PySide6 program",
        "chromium": "Chromium, same leaflet",
    }
    for key, name in names.items():
        if key in runs:
            print(f"{'start-up, ' + name + ' (s)':44} warm {warm[key]:.3f}  cold {cold[key]:.3f}")
    print(f"{'ours / smallest PySide6 program, warm':44} {warm['ours'] / warm['floor']:.2f}x")
    if "chromium" in runs:
        print(f"{'ours / Chromium, warm':44} {warm['ours'] / warm['chromium']:.2f}x")
    drawn_ratio = warm["drawn"] / warm["floor"]
    print(f"{'drawn every time / smallest PySide6, warm':44} {drawn_ratio:.2f}x")
    if "chromium" in runs:
        print(f"{'drawn every time / Chromium, warm':44} {warm['drawn'] / warm['chromium']:.2f}x")


def _warm(runs: list[StartRun]) -> float:
    return statistics.median(run.shown_s for run in runs[1:])


if __name__ == "__main__":
    main()

"""Prints the kiosk's start-up beside the smallest PySide6 program's and Chromium's, in one run.

    .venv/bin/python benchmarks/startup.py [--runs 6]
    .venv/bin/python benchmarks/slow.py startup --runs 6     # the slow-kiosk profile

The three are measured as the full suite (benchmarks/run.py) measures them, one after the
other on the same private Xvfb: from launch to the first screen settled, ``--runs`` starts
each, the first cold (their files dropped from the page cache), the others warm. The kiosk is
``python -m kiosk`` full screen on its built-in defaults (the shipped leaflet); Chromium shows
the same leaflet as one HTML page (benchmarks/peer.py); the smallest PySide6 program shows a
full-screen window with one label. The kiosk's first run keeps its welcome screen's picture,
which the warm runs show (kiosk/ui/snapshot.py); it is also measured with the picture removed
before every start ("drawn every time"), as the first start after a change is.

Targets (issue 19): warm start-up at most 1.3x the smallest PySide6 program's and at most 0.5x
Chromium's, in the same run; on the slow profile at most 1.5 s.
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

from benchmarks.common import StartRun, kiosk_env, start_up_runs, warm_up_display  # noqa: E402
from benchmarks.run import floor_startup, our_startup, peer_startup  # noqa: E402
from harness.xvfb import private_xvfb  # noqa: E402
from kiosk.kept_welcome import snapshot_file  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-startup-") as work:
        folder = Path(work)
        page = folder / "leaflet.html"
        # In a process of its own: this one must not load Qt before the cold starts.
        peer_script = str(REPO / "benchmarks" / "peer.py")
        subprocess.run([sys.executable, peer_script, "--html", str(page)], check=True)
        (folder / "screen").mkdir()
        with private_xvfb(folder / "screen") as display:
            assert display.pixels is not None
            warm_up_display(display.pixels, kiosk_env(display.name, folder))
            ours, _ = our_startup(display.name, display.pixels, folder, args.runs)
            drawn = drawn_startup(display.name, display.pixels, folder, args.runs)
            peer, _ = peer_startup(display, page, folder / "profile", args.runs)
            floor = floor_startup(display.name, display.pixels, folder, args.runs)
    pairs = (("ours", ours), ("drawn", drawn), ("floor", floor))
    warm = {name: _warm(runs) for name, runs in pairs}
    warm["chromium"] = _warm(peer.runs)
    cold = {name: runs[0].shown_s for name, runs in pairs} | {"chromium": peer.runs[0].shown_s}
    names = {
        "ours": "the kiosk",
        "drawn": "the kiosk, its welcome drawn every time",
        "floor": "smallest PySide6 program",
        "chromium": "Chromium, same leaflet",
    }
    for key, name in names.items():
        print(f"{'start-up, ' + name + ' (s)':44} warm {warm[key]:.3f}  cold {cold[key]:.3f}")
    print(f"{'ours / smallest PySide6 program, warm':44} {warm['ours'] / warm['floor']:.2f}x")
    print(f"{'ours / Chromium, warm':44} {warm['ours'] / warm['chromium']:.2f}x")
    drawn_ratio = warm["drawn"] / warm["floor"]
    print(f"{'drawn every time / smallest PySide6, warm':44} {drawn_ratio:.2f}x")
    print(f"{'drawn every time / Chromium, warm':44} {warm['drawn'] / warm['chromium']:.2f}x")


def drawn_startup(display_name: str, pixels: memoryview, folder: Path, runs: int) -> list[StartRun]:
    """The kiosk's start with no kept picture of its welcome screen (kiosk.ui.snapshot): the
    first start after the leaflet, the configuration or the kiosk changed. Warm only: the
    first run is as warm as the others here."""
    env = kiosk_env(display_name, folder)
    kept = Path(snapshot_file(environ=env))

    def before_run(_run: int) -> None:
        kept.unlink(missing_ok=True)

    return start_up_runs([sys.executable, "-m", "kiosk"], env, pixels, runs, before_run=before_run)


def _warm(runs: list[StartRun]) -> float:
    return statistics.median(run.shown_s for run in runs[1:])


if __name__ == "__main__":
    main()

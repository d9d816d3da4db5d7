"""Profiles page turns with py-spy and prints where their time goes, grouped, with and without
the pages built ahead while the welcome screen shows (``kiosk.ui.window``'s idle build).

    .venv/bin/python benchmarks/profile_pageturn.py [--turns 60] [--raw FOLDER]

It runs ``benchmarks/pageturn.py`` under ``py-spy record`` (1000 samples a second, Python
frames) twice: with ``--welcome-s 0`` (the first tap comes at once, so each section page is
built on its first visit, as before the idle build) and with ``--welcome-s 2`` (the patient
reads the welcome screen for 2 s first). Only the samples taken inside a turn count (from the
tap to the new page's frame: ``tap_until_painted``); each goes in the first group that matches.
``--raw`` keeps py-spy's collapsed stacks.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.xvfb import private_xvfb  # noqa: E402

TURN = "tap_until_painted ("
GROUPS: list[tuple[str, Callable[[str], bool]]] = [
    (
        "building a section page on its first visit (KioskWindow.page_widget)",
        lambda s: "page_widget (kiosk/" in s,
    ),
    (
        "the kiosk's Python paint code (paintEvent overrides)",
        lambda s: "paintEvent (kiosk/" in s,
    ),
    (
        "the kiosk's Python layout code (sizeHint, heightForWidth, resizeEvent, _arrange)",
        lambda s: (
            any(
                n in s
                for n in ("sizeHint (kiosk/", "heightForWidth (kiosk/", "resizeEvent (kiosk/")
            )
            or "_arrange (kiosk/" in s
        ),
    ),
    (
        "the page change's Python slots (visit.go_to and what it signals)",
        lambda s: "go_to (kiosk/" in s or "_on_page_changed (kiosk/" in s,
    ),
    ("the kiosk's Python event filters", lambda s: "eventFilter (kiosk/" in s),
    (
        "Qt itself (layout, painting, the X server's round trips), below the event loop",
        lambda _: True,
    ),
]


def profile(spy: str, turns: int, welcome_s: float, display: str, out: Path) -> None:
    """Record one run of the page-turn benchmark into ``out``."""
    benchmark = REPO / "benchmarks" / "pageturn.py"
    subprocess.run(
        [
            *(spy, "record", "-r", "1000", "-f", "raw", "-o", str(out), "--nonblocking", "--"),
            *(sys.executable, str(benchmark), "--turns", str(turns)),
            *("--welcome-s", str(welcome_s), "--display", display),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )


def group(raw: Path) -> tuple[Counter[str], int]:
    """Samples in each group, and all the samples taken inside turns."""
    counts: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if not number.isdigit() or TURN not in stack:
            continue
        total += int(number)
        counts[next(name for name, matches in GROUPS if matches(stack))] += int(number)
    return counts, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=60)
    parser.add_argument("--raw", type=Path, help="keep py-spy's collapsed stacks in this folder")
    args = parser.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        raise SystemExit("py-spy is not installed (./dev.sh bench installs it)")
    runs = {"pages built on first visit (--welcome-s 0)": 0.0, "built ahead (--welcome-s 2)": 2.0}
    with tempfile.TemporaryDirectory(prefix="kiosk-profile-") as work, private_xvfb() as display:
        for title, welcome_s in runs.items():
            raw = Path(work) / f"welcome-{welcome_s:g}.txt"
            profile(spy, args.turns, welcome_s, display.name, raw)
            if args.raw:
                args.raw.mkdir(parents=True, exist_ok=True)
                shutil.copy(raw, args.raw)
            counts, total = group(raw)
            print(f"{title}: {total} ms of samples in {args.turns} turns")
            for name, _ in GROUPS:
                share = 100 * counts[name] / max(total, 1)
                print(f"  {counts[name]:6d} ms  {share:5.1f} %  {name}")


if __name__ == "__main__":
    main()

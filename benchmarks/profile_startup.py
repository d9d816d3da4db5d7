"""Profiles the kiosk's start-up with py-spy and prints where the time goes, grouped.

    .venv/bin/pip install py-spy
    .venv/bin/python benchmarks/profile_startup.py [--runs 5] [--raw OUT.txt]

It starts the kiosk (``kiosk.cli.main``, full screen, on a private Xvfb, with a bytecode cache
as an installed kiosk has) ``--runs`` times under ``py-spy record`` at 1000 samples a second,
each run ending at the first Paint event of the welcome screen
(``benchmarks.common.FIRST_WELCOME_PAINT``), and sorts every sample into one group, the first
that matches in the order printed. ``--raw`` keeps py-spy's collapsed stacks.
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

from benchmarks.common import (  # noqa: E402
    FIRST_WELCOME_PAINT,
    compile_kiosk,
    kiosk_env,
)
from harness.xvfb import private_xvfb  # noqa: E402

GROUPS: list[tuple[str, Callable[[str], bool]]] = [
    (
        "PySide6's __feature__ import hook reading the source of each module imported after it",
        lambda s: "feature_imported (" in s,
    ),
    (
        "_MouseRouter.eventFilter: the pages' scrollers' one application-wide event filter",
        lambda s: "_MouseRouter.eventFilter" in s,
    ),
    ("the kiosk's other Python event filters", lambda s: ".eventFilter (kiosk/" in s),
    (
        "Python Enum classes made on first use (PySide6 makes one for each Qt enum)",
        lambda s: any(n in s for n in ("EnumType.__new__", "EnumType._create_", "_proto_member")),
    ),
    (
        "segno, xml.sax and urllib, imported by kiosk.printing.handout",
        lambda s: any(n in s for n in ("(segno/", "saxutils", "urllib/request")),
    ),
    (
        "importing PySide6 (QtCore, QtGui, QtWidgets, shiboken, its signature loader)",
        lambda s: any(
            n in s
            for n in ("PySide6/__init__", "shiboken6/__init__", "signature_bootstrap", "Extension")
        ),
    ),
    (
        "markdown_it and the leaflet's parser",
        lambda s: any(n in s for n in ("markdown_it", "mdit_py_plugins", "content/parser.py")),
    ),
    ("other imports", lambda s: "_find_and_load" in s),
    (
        "EarlyWelcome(): the welcome screen built on its own (the kiosk is built after it shows)",
        lambda s: "EarlyWelcome.__init__" in s,
    ),
    (
        "KioskWindow() and the rest of build(), when they come before the first frame",
        lambda s: "KioskWindow.__init__" in s or "build (kiosk/app" in s,
    ),
    ("Python's start, showing the window, the event loop up to the first paint", lambda _: True),
]


def group(raw: Path) -> tuple[Counter[str], int]:
    """Samples in each group, and all samples, from py-spy's collapsed stacks."""
    counts: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if not number.isdigit():
            continue
        total += int(number)
        name = next(name for name, matches in GROUPS if matches(stack))
        counts[name] += int(number)
    return counts, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--raw", type=Path, help="keep py-spy's collapsed stacks here")
    args = parser.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        raise SystemExit("py-spy is not installed (.venv/bin/pip install py-spy)")
    with tempfile.TemporaryDirectory(prefix="kiosk-profile-") as work:
        folder = Path(work)
        stacks = []
        with private_xvfb() as display:
            env = kiosk_env(display.name, folder)
            compile_kiosk(env)
            for run in range(args.runs):
                out = folder / f"run{run}.txt"
                subprocess.run(
                    [
                        *(spy, "record", "-r", "1000", "-f", "raw", "-o", str(out)),
                        *("--nonblocking", "--", sys.executable, "-c", FIRST_WELCOME_PAINT),
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    check=True,
                )
                stacks.append(out.read_text(errors="replace"))
        raw = folder / "all.txt"
        raw.write_text("".join(stacks))
        if args.raw:
            shutil.copy(raw, args.raw)
        counts, total = group(raw)
    print(
        f"{total} samples in {args.runs} starts ({total / args.runs:.0f} ms a start under py-spy)"
    )
    for name, _ in GROUPS:
        print(f"{100 * counts[name] / total:5.1f} %  {name}")


if __name__ == "__main__":
    main()

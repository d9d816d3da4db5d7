"""The kiosk as a child process for the AT-SPI tests: started as the program starts it, then
driven by a few commands on standard input where no accessible action can do the same.

    .venv/bin/python -m harness.atspi_kiosk [--idle-timeout-s S] [--idle-warning-s S]
                                          [--printer QUEUE] [--print-timeout-s S]

It shows the early welcome screen, builds the kiosk full screen behind it and hands over, as
``kiosk`` does (kiosk.cli._run), then prints {"ready": true}. Each line on standard input is a
command, answered with one JSON line:

    touch    a finger on the middle of the screen (the welcome screen has no action to do)
    tap NAME a finger on the middle of the control a screen reader calls NAME, scrolled
             into view first as a patient would
    staff    five quick taps in the top right-hand corner: the staff PIN pad
    key NAME a key press on the kiosk's keypad (a Qt.Key name without Key_: Down, Return)
    state    what the visit holds: {"ticked": [...], "section": N or null, "theme", "screen"},
             what the kiosk's own voice was handed ("said", every sentence since the start),
             and whether it is reading aloud now ("speaking")

SIGTERM ends it as it ends the kiosk (kiosk.app.quit_on_signals).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QSocketNotifier, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication

from kiosk.app import Runner, quit_on_signals
from kiosk.config import Config
from kiosk.ui.early import show_welcome_early
from kiosk.ui.scrolling import ScrollPage


def _tap(runner: Runner, x: int, y: int) -> None:
    """A tap where the patient's finger is: sent to the widget under it, as Qt would."""
    assert runner.kiosk is not None
    window = runner.kiosk.window
    point = QPoint(x, y)
    target = window.childAt(point) or window
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, point))


def _tap_control(runner: Runner, name: str) -> Any:
    assert runner.kiosk is not None
    window = runner.kiosk.window
    found = [
        button
        for button in window.findChildren(QAbstractButton)
        if button.isVisible() and button.accessibleName() == name
    ]
    if len(found) != 1:
        return {"error": f"{len(found)} controls on screen named {name!r}, not one"}
    button = found[0]
    page = button.parentWidget()
    while page is not None and not isinstance(page, ScrollPage):
        page = page.parentWidget()
    if page is not None and page.content.isAncestorOf(button):
        page.ensureWidgetVisible(button, 0, 0)
    centre = button.mapTo(window, button.rect().center())
    _tap(runner, centre.x(), centre.y())
    return {"done": True}


def _press(runner: Runner, name: str) -> Any:
    key = getattr(Qt.Key, f"Key_{name}", None)
    if key is None:
        return {"error": f"no key {name!r}"}
    assert runner.kiosk is not None
    QTest.keyClick(QApplication.focusWidget() or runner.kiosk.window, key)
    return {"done": True}


def _answer(runner: Runner, command: str, said: list[str]) -> Any:
    kiosk = runner.kiosk
    if kiosk is None:
        return {"error": "the kiosk did not start; see its log"}
    window = kiosk.window
    verb, _, argument = command.partition(" ")
    if verb == "touch":
        _tap(runner, window.width() // 2, window.height() // 2)
    elif verb == "tap":
        return _tap_control(runner, argument)
    elif verb == "key":
        return _press(runner, argument)
    elif verb == "staff":
        for _ in range(5):
            _tap(runner, window.width() - 2, 2)
    elif verb == "state":
        visit = kiosk.visit
        return {
            "ticked": sorted(visit.ticked),
            "section": visit.page.section,
            "theme": visit.theme,
            "screen": window.showing().name,
            "said": said,
            "speaking": kiosk.narrator is not None and kiosk.narrator.active,
        }
    else:
        return {"error": f"unknown command {command!r}"}
    return {"done": True}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle-timeout-s", type=float, default=Config.idle_timeout_s)
    # By default up to five minutes to answer "Are you still here?", so a slow test never sees
    # the reset; a visit that waits for the reset on purpose (benchmarks/orca_visit.py) says less.
    parser.add_argument("--idle-warning-s", type=float, default=300)
    parser.add_argument("--printer", default="", help="a CUPS queue (CUPS_SERVER says where)")
    parser.add_argument("--print-timeout-s", type=float, default=Config.print_timeout_s)
    parser.add_argument(
        "--leaflets", type=Path, nargs="+", default=(), help="a kiosk of these leaflet folders"
    )
    args = parser.parse_args()
    config = Config(
        idle_timeout_s=args.idle_timeout_s,
        idle_warning_s=args.idle_warning_s,
        printer=args.printer,
        print_timeout_s=args.print_timeout_s,
        leaflets=tuple(args.leaflets),
    )
    if args.leaflets:
        config = replace(config, content_pack=args.leaflets[0])
    early = show_welcome_early(config, windowed=False)
    runner = Runner(config, windowed=False, problems=[])
    runner.start(early)
    notifier = quit_on_signals(runner.app, runner.close)
    said: list[str] = []
    if runner.kiosk is not None:
        runner.kiosk.announcer.said.connect(said.append)

    def on_command() -> None:
        line = sys.stdin.readline()
        if not line:  # the test has gone: so does the kiosk
            runner.quit()
            return
        reply = _answer(runner, line.strip(), said)
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()

    commands = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    commands.activated.connect(on_command)
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    code = runner.app.exec()
    del notifier, commands
    return code


if __name__ == "__main__":
    sys.exit(main())

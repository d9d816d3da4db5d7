"""The real kiosk program in a process of its own, tapped from outside, as the benchmarks run it.

``LiveKiosk`` starts ``python -m kiosk --windowed`` as a clinic runs it (``kiosk.cli.main``),
in its own process group, with a few lines added in its process (``_DRIVER``): they say when
the kiosk window is first painted (after the welcome screen shown early, which is the same
picture; see kiosk/ui/early.py), read commands on standard input, and send each tap to the widget
under the button's centre as a mouse press and release, as Qt delivers a touch. They import
nothing the kiosk does not load itself, and nothing of theirs runs while no command comes.
The speech worker is started from ``-c`` code, so it does not load them either.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks.common import stop_process_group

_ANSWER_TIMEOUT_S = 30.0

# Run in the kiosk's process: the real start path (kiosk.cli.main), plus a reader of commands
# on standard input that taps the kiosk window's buttons.
_DRIVER = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QPointF, QSocketNotifier, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget
from kiosk.ui.qtapp import application

app = application()

# By name: importing kiosk.ui.window here would load, before the kiosk shows its welcome
# screen, the modules it loads only after (see kiosk.ui.early).
def is_kiosk_window(widget):
    return type(widget).__name__ == "KioskWindow"

def say(*words):
    print(*words, flush=True)

def window():
    return next(w for w in app.topLevelWidgets() if is_kiosk_window(w) and w.isVisible())

def tap(widget):
    top = widget.window()
    at = widget.mapTo(top, widget.rect().center())
    target = top.childAt(at) or top
    local = QPointF(target.mapFrom(top, at))
    screen = QPointF(target.mapToGlobal(local))
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    press, release = QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease
    for kind, buttons in ((press, left), (release, none)):
        QApplication.sendEvent(
            target, QMouseEvent(kind, local, screen, left, buttons, Qt.KeyboardModifier.NoModifier)
        )

class FirstFrame(QObject):
    def eventFilter(self, watched, event):
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and is_kiosk_window(watched.window())
        ):
            app.removeEventFilter(self)
            say("shown", time.time())
        return False

pending = b""

def on_command():
    global pending
    data = os.read(0, 4096)
    if not data:
        notifier.setEnabled(False)
        return
    pending += data
    while b"\\n" in pending:
        line, pending = pending.split(b"\\n", 1)
        verb, _, name = line.decode().partition(" ")
        kiosk = window()
        if verb == "tap":
            tap(getattr(kiosk, name))
            say("tapped", name)
        elif verb == "visible":
            say("visible", name, getattr(kiosk, name).isVisibleTo(kiosk))
        elif verb == "enabled":
            say("enabled", name, getattr(kiosk, name).isEnabled())

first_frame = FirstFrame()
app.installEventFilter(first_frame)
os.set_blocking(0, False)
notifier = QSocketNotifier(0, QSocketNotifier.Type.Read)
notifier.activated.connect(on_command)
from kiosk.cli import main
sys.exit(main(["--windowed"]))
"""


class LiveKiosk:
    """``python -m kiosk --windowed`` (through ``_DRIVER``) in its own process group."""

    def __init__(self, env: dict[str, str], stderr: Path) -> None:
        with stderr.open("wb") as errors:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _DRIVER],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                start_new_session=True,
            )
        self.started = time.time()
        self.stderr = stderr
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, name="kiosk-stdout", daemon=True).start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            self._lines.put(raw.decode(errors="replace").strip())
        self._lines.put("")  # end of output: the kiosk has ended

    def answer(self, first_word: str, timeout_s: float = _ANSWER_TIMEOUT_S) -> list[str]:
        """The next line the driver says that starts with ``first_word``, split in words."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                message = f"the kiosk did not say {first_word!r}; see {self.stderr}"
                raise SystemExit(message) from None
            if not line:
                raise SystemExit(f"the kiosk ended; see {self.stderr}")
            if line.split()[0] == first_word:
                return line.split()

    def send(self, command: str, answer: str) -> list[str]:
        assert self.process.stdin is not None
        self.process.stdin.write(command.encode() + b"\n")
        self.process.stdin.flush()
        return self.answer(answer)

    def tap(self, button: str) -> None:
        self.send(f"tap {button}", "tapped")

    def visible(self, widget: str) -> bool:
        return self.send(f"visible {widget}", "visible")[2] == "True"

    def close(self) -> None:
        stop_process_group(self.process)

    def open_first_section(self) -> None:
        """Touch the welcome screen (home), then "Start reading" (the introduction) and Next."""
        self.tap("welcome_screen")
        self.tap("next_button")
        self.tap("next_button")

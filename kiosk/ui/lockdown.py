"""A full-screen window patients cannot leave: no close, no escape key, no context menu."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger("kiosk.ui")


def is_escape_key(event: QKeyEvent) -> bool:
    """Escape, Ctrl+Q, Ctrl+W and Alt+F4: the keys that close windows or leave full screen."""
    key, modifiers = event.key(), event.modifiers()
    control = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
    alt = bool(modifiers & Qt.KeyboardModifier.AltModifier)
    return (
        key == Qt.Key.Key_Escape
        or (control and key in (Qt.Key.Key_Q, Qt.Key.Key_W))
        or (alt and key == Qt.Key.Key_F4)
    )


class LockDown(QObject):
    """Keeps ``window`` in front of patients while locked: a request to close it (the window
    manager's, Alt+F4) is refused, the keys that would leave do nothing, and a long press or
    right click opens no menu anywhere in it. Every window a patient can meet uses one (the
    kiosk's, the early welcome screen, the out-of-order screen); a developer's window is left
    unlocked and closes as usual.

    The menu watch is on the application, so widgets made later (home's rows, pages built on
    their first visit) are covered too.
    """

    # Also read while Qt tears the window down, when the Python side may be gone already.
    locked = False

    def __init__(self, window: QWidget, locked: bool = False) -> None:
        super().__init__(window)
        self._window = window
        self.locked = locked
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def release(self) -> None:
        """Unlock for good, so that the window can close (staff quitting, a test's end)."""
        self.locked = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.locked:
            return False
        kind = event.type()
        window = self._window
        if kind == QEvent.Type.Close and watched is window:
            log.info("a request to close the kiosk window was refused")
            event.ignore()
            return True
        if (
            kind == QEvent.Type.KeyPress
            and watched is window
            and isinstance(event, QKeyEvent)
            and is_escape_key(event)
        ):
            log.info("a key that would leave the kiosk was ignored")
            event.accept()
            return True
        # A long press or right click opens nothing.
        return (
            kind == QEvent.Type.ContextMenu
            and isinstance(watched, QWidget)
            and (watched is window or window.isAncestorOf(watched))
        )

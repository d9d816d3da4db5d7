"""The Qt application and the kiosk's top-level windows, without the rest of the kiosk.

Kept apart from ``kiosk.app`` so that the welcome screen can be shown (``kiosk.ui.early``)
before the modules that build the whole kiosk are even imported.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QMessageLogContext, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.ui import accessible

if TYPE_CHECKING:
    from kiosk.config import ScreenSpec

qt_log = logging.getLogger("kiosk.qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
# Said by Qt's offscreen platform for every window; it means nothing to staff.
_QT_NOISE = ("This plugin does not support propagateSizeHints",)


def application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication, created with the kiosk's style."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        accessible.install()  # an application made elsewhere (a test's) tells the same
        return existing
    qInstallMessageHandler(_log_qt_message)  # what Qt says as it starts, too
    app = QApplication(argv if argv is not None else sys.argv[:1])
    dress(app)
    return app


def dress(app: QApplication) -> None:
    """Give ``app`` the kiosk's name, style, log and accessibility: at its start, or once the
    welcome screen's picture (``kiosk.ui.snapshot``, which made it bare) is on screen."""
    qInstallMessageHandler(_log_qt_message)
    app.setApplicationName("clinic-kiosk")
    app.setStyle("Fusion")  # the same look on every platform; colours come from our palette
    accessible.install()  # before any window: a screen reader may ask about the first one


def _log_qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's own messages go to the kiosk's log, with everything else staff may read."""
    if message.startswith(_QT_NOISE):
        return
    qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def window_flags(windowed: bool) -> Qt.WindowType:
    """Full screen with no frame, on top, for patients; a normal window for development."""
    if windowed:
        return Qt.WindowType.Window
    return (
        Qt.WindowType.Window
        | Qt.WindowType.FramelessWindowHint
        | Qt.WindowType.WindowStaysOnTopHint
    )


def show_window(window: QWidget, screen: ScreenSpec, windowed: bool) -> None:
    """Show one of the kiosk's top-level windows: the configured size in a window, or the
    whole screen."""
    if windowed:
        window.resize(screen.width_px, screen.height_px)
        window.show()
        return
    # Kiosks often run X with no window manager, which ignores a full-screen request:
    # cover the screen ourselves as well.
    primary = QApplication.primaryScreen()
    if primary is not None:
        window.setGeometry(primary.geometry())
    window.showFullScreen()

"""Patients cannot close the full-screen kiosk, leave it with keys, or open a context menu."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk, build
from kiosk.config import Config
from kiosk.content import leaflet_header
from kiosk.fonts import load_fonts
from kiosk.session import Page
from kiosk.ui.early import EarlyWelcome
from kiosk.ui.metrics import Metrics
from kiosk.ui.screens import OutOfOrderScreen


@pytest.fixture
def locked_kiosk(qtbot: QtBot) -> Kiosk:
    kiosk = build(Config(), windowed=False, narration=False)  # as patients get it
    kiosk.window.resize(1920, 1080)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    kiosk.visit.go_to(Page(2))
    yield kiosk
    kiosk.close()


def test_closing_the_window_is_refused(locked_kiosk: Kiosk) -> None:
    window = locked_kiosk.window
    assert not window.close(), "a close request (the window manager's Alt+F4 too) is refused"
    assert window.isVisible()
    flags = window.windowFlags()
    assert flags & Qt.WindowType.FramelessWindowHint
    assert flags & Qt.WindowType.WindowStaysOnTopHint


@pytest.mark.parametrize(
    ("key", "modifier"),
    [
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
    ],
)
def test_keys_that_would_leave_do_nothing(
    qtbot: QtBot, locked_kiosk: Kiosk, key: Qt.Key, modifier: Qt.KeyboardModifier
) -> None:
    qtbot.keyClick(locked_kiosk.window, key, modifier)
    assert locked_kiosk.window.isVisible()
    assert locked_kiosk.visit.page == Page(2), "nothing else happened either"


class _MenuProbe(QWidget):
    """Counts the context menu requests that reach it (a real widget, not a fake)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.requests = 0

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.requests += 1
        event.accept()


def test_no_context_menu_opens_anywhere(locked_kiosk: Kiosk) -> None:
    page = locked_kiosk.window.current_page()
    probe = _MenuProbe(page.content)  # made after the lock, like home's rows
    probe.show()
    QApplication.sendEvent(probe, _right_click(probe))
    assert probe.requests == 0
    locked_kiosk.window.lock(False)
    QApplication.sendEvent(probe, _right_click(probe))
    assert probe.requests == 1, "the probe itself works"


def _right_click(widget: QWidget) -> QContextMenuEvent:
    point = QPoint(2, 2)
    return QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, widget.mapToGlobal(point))


def test_the_developers_window_closes_as_usual(qtbot: QtBot) -> None:
    kiosk = build(Config(), windowed=True, narration=False)
    qtbot.addWidget(kiosk.window)
    kiosk.window.show()
    assert kiosk.window.close()
    kiosk.close()


def test_the_out_of_order_and_early_welcome_screens_are_locked_as_the_kiosk_is(
    qtbot: QtBot,
) -> None:
    """Every window a patient can meet: no close, no leaving key, no menu."""
    metrics = Metrics.for_screen(Config().screen, load_fonts())
    out_of_order = OutOfOrderScreen("the leaflet cannot be shown", metrics)
    out_of_order.lock(True)
    early = EarlyWelcome(leaflet_header(Config().content_pack, "en"), Config(), windowed=False)
    for window in (out_of_order, early.screen):
        window.show()
        qtbot.waitExposed(window)
        qtbot.keyClick(window, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
        assert not window.close(), "a close request is refused"
        assert window.isVisible()
        probe = _MenuProbe(window)
        probe.show()
        QApplication.sendEvent(probe, _right_click(probe))
        assert probe.requests == 0
    out_of_order.close_for_good()
    early.hand_over()
    assert not out_of_order.isVisible()

"""Fixtures for UI tests: a real kiosk window on a given screen, and a patient's finger."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk, build
from kiosk.config import Config, ScreenSpec
from kiosk.ui.metrics import TextRole
from kiosk.ui.scrolling import ScrollPage
from kiosk.ui.text import TextView

LANDSCAPE = ScreenSpec(1920, 1080, 21.5)
PORTRAIT = ScreenSpec(1080, 1920, 21.5)
TABLET = ScreenSpec(1280, 800, 10.1)
SCREENS = {"landscape": LANDSCAPE, "portrait": PORTRAIT, "tablet": TABLET}

KioskFactory = Callable[..., Kiosk]


@pytest.fixture
def make_kiosk(qtbot: QtBot) -> Iterator[KioskFactory]:
    """Build a kiosk on the built-in defaults, shown on a screen of the given size, with a
    visit under way (the welcome screen has been touched)."""
    built: list[Kiosk] = []

    def make(
        screen: ScreenSpec = LANDSCAPE, config: Config | None = None, narration: bool = False
    ) -> Kiosk:
        # Narration needs the private audio server (the ``pulse`` fixture) set up first.
        kiosk = build(config or Config(), screen=screen, narration=narration)
        qtbot.addWidget(kiosk.window)
        kiosk.window.resize(screen.width_px, screen.height_px)
        kiosk.window.show()
        qtbot.waitExposed(kiosk.window)
        # Past the welcome screen, as if a patient had touched it. After the wait above, so
        # that a test's short idle times count from here, not from a slow start.
        kiosk.visit.begin()
        built.append(kiosk)
        return kiosk

    yield make
    for kiosk in built:
        kiosk.close()


@pytest.fixture
def kiosk(make_kiosk: KioskFactory) -> Kiosk:
    return make_kiosk(LANDSCAPE)


def tap(qtbot: QtBot, button: QAbstractButton) -> None:
    """Touch a control the way a patient does: scroll it into view, then tap its middle."""
    assert button.isVisible(), f"{button.text()!r} is not on screen"
    page = _scroll_page_of(button)
    if page is not None:
        page.ensureWidgetVisible(button, 0, 0)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())


def tap_at(qtbot: QtBot, widget: QWidget, point: QPoint) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=point)


def drag(qtbot: QtBot, widget: QWidget, start: QPoint, end: QPoint, steps: int = 20) -> None:
    """Drag a finger from ``start`` to ``end`` in steps, as a patient scrolls the text."""
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, steps + 1):
        point = start + (end - start) * step / steps
        qtbot.mouseMove(widget, point)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)


def _scroll_page_of(widget: QWidget) -> ScrollPage | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, ScrollPage):
        parent = parent.parentWidget()
    return parent


def page_heading(kiosk: Kiosk) -> str:
    """The big heading (or title) the patient sees at the top of the current page."""
    page = kiosk.window.current_page()
    for view in page.findChildren(TextView):
        if view.role() in (TextRole.HEADING, TextRole.TITLE) and view.isVisible():
            return view.text()
    raise AssertionError("the page shows no heading")


def button_labelled(root: QWidget, label: str) -> QAbstractButton:
    """The one visible button whose label is ``label`` (or starts with it)."""
    found = [
        b
        for b in root.findChildren(QAbstractButton)
        if b.isVisibleTo(root) and (b.text() == label or b.text().startswith(label))
    ]
    assert len(found) == 1, f"expected one button {label!r}, found {[b.text() for b in found]}"
    return found[0]

"""The patient makes the text larger or smaller and switches to high contrast, on any page."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.config import TEXT_SIZE_STEPS_PERCENT
from kiosk.session import Page
from kiosk.ui.theme import HIGH_CONTRAST, STANDARD

from .conftest import tap


def test_larger_and_smaller_step_through_every_size(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    kiosk.visit.go_to(Page(2))
    sizes = [window.current_page().font().pixelSize()]
    for _ in range(len(TEXT_SIZE_STEPS_PERCENT) - 1):
        tap(qtbot, window.larger_button)
        sizes.append(window.current_page().font().pixelSize())
    assert sizes == sorted(set(sizes)), "each tap makes the text larger"
    assert sizes[-1] >= 2 * sizes[0] - 1, "the largest step is 200 %"
    assert not window.larger_button.isEnabled()
    for size in reversed(sizes[:-1]):
        tap(qtbot, window.smaller_button)
        assert window.current_page().font().pixelSize() == size
    assert not window.smaller_button.isEnabled()


def test_contrast_switches_the_whole_screen_and_back(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    role = QPalette.ColorRole
    assert window.palette().color(role.Window).name() == STANDARD.background
    tap(qtbot, window.contrast_button)
    assert window.contrast_button.isChecked()
    for widget in (window, window.current_page().content, window.next_button):
        assert widget.palette().color(role.Window).name() == HIGH_CONTRAST.background
        assert widget.palette().color(role.WindowText).name() == HIGH_CONTRAST.text
    tap(qtbot, window.contrast_button)
    assert not window.contrast_button.isChecked()
    assert window.palette().color(role.Window).name() == STANDARD.background


def test_a_page_first_opened_after_a_change_shows_the_patients_size_and_contrast(
    qtbot: QtBot, kiosk: Kiosk
) -> None:
    """Section pages are built when first shown: one the patient has not opened yet must
    still come up in the text size and colours chosen on another page."""
    window = kiosk.window
    kiosk.visit.go_to(Page(0))
    default_size = window.current_page().font().pixelSize()
    tap(qtbot, window.larger_button)
    tap(qtbot, window.larger_button)
    tap(qtbot, window.contrast_button)
    larger = window.current_page().font().pixelSize()
    assert larger > default_size
    tap(qtbot, window.next_button)
    page = window.current_page()
    assert window.page_widget(Page(1)) is page
    assert page.font().pixelSize() == larger
    assert page.more_button.font() == window.page_widget(Page(0)).more_button.font()
    role = QPalette.ColorRole
    assert page.content.palette().color(role.Window).name() == HIGH_CONTRAST.background
    assert page.content.palette().color(role.WindowText).name() == HIGH_CONTRAST.text
    tap(qtbot, window.smaller_button)
    assert page.font().pixelSize() < larger, "and it follows later changes like the others"

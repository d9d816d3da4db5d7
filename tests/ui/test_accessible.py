"""What a screen reader gets through Qt's accessibility interfaces (AT-SPI, UI Automation)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from kiosk.app import Kiosk
from kiosk.session import HOME, Page
from kiosk.ui.buttons import QuestionRow
from kiosk.ui.text import TextView
from kiosk.ui.window import Screen

from .conftest import SCREENS, KioskFactory

NAME = QAccessible.Text.Name
Role = QAccessible.Role


def _shown(window: QWidget) -> list[QWidget]:
    return [w for w in window.findChildren(QWidget) if w.isVisibleTo(window)]


def _problems(kiosk: Kiosk, where: str) -> list[str]:
    """Every control or text on screen without a name, or with the wrong role."""
    problems = []
    for widget in _shown(kiosk.window):
        if not isinstance(widget, QAbstractButton | TextView):
            continue
        face = QAccessible.queryAccessibleInterface(widget)
        assert face is not None
        name, role = face.text(NAME), face.role()
        label = f"{where}: {type(widget).__name__} {widget.text()[:30]!r}"
        if isinstance(widget, TextView):
            if widget.text().strip() not in ("", "•") and name != widget.text():
                problems.append(f"{label} is read as {name!r}")
            if role is not Role.StaticText:
                problems.append(f"{label} has role {role}")
            continue
        if not name.strip():
            problems.append(f"{label} has no name")
        if any(symbol in name for symbol in "♪☑⌂◐▼‹›↺■❚▶"):
            problems.append(f"{label} is named with a symbol: {name!r}")
        expected = Role.CheckBox if widget.isCheckable() else Role.Button
        if role is not expected:
            problems.append(f"{label} has role {role}, not {expected}")
    return problems


@pytest.mark.parametrize("screen_name", ["landscape", "portrait"])
def test_every_control_and_text_on_every_screen_has_a_name_and_a_role(
    make_kiosk: KioskFactory, screen_name: str
) -> None:
    kiosk = make_kiosk(SCREENS[screen_name])
    window = kiosk.window
    kiosk.visit.set_ticked(2, True)
    problems: list[str] = []
    for page in [HOME, *(Page(i) for i in range(len(kiosk.leaflet.sections)))]:
        kiosk.visit.go_to(page)
        QApplication.processEvents()
        problems += _problems(kiosk, f"page {page.section}")
    window.show_idle_warning(30)
    problems += _problems(kiosk, "still here")
    window.hide_idle_warning()
    kiosk.staff.open_panel()
    problems += _problems(kiosk, "staff")
    window.show_screen(Screen.STAFF_PIN)
    problems += _problems(kiosk, "staff PIN")
    kiosk.visit.reset()
    problems += _problems(kiosk, "welcome")
    assert not problems, "\n".join(problems[:30])


def test_a_question_row_is_a_check_box_that_says_whether_it_is_ticked(kiosk: Kiosk) -> None:
    rows = kiosk.window.questions_page.rows
    kiosk.visit.set_ticked(2, True)
    states = []
    for row in rows[:2]:
        face = QAccessible.queryAccessibleInterface(row)
        assert isinstance(row, QuestionRow)
        assert face.role() is Role.CheckBox
        assert face.text(NAME) == row.text()
        states.append((face.state().checkable, face.state().checked))
    assert states == [(1, 0), (1, 1)]


def test_controls_named_with_symbols_are_read_by_their_words(kiosk: Kiosk) -> None:
    window = kiosk.window
    names = {
        QAccessible.queryAccessibleInterface(button).text(NAME)
        for button in (window.listen_button, window.questions_button, window.smaller_button)
    }
    assert names == {"Listen to this page", "My questions: 0 ticked", "Smaller text"}
    kiosk.visit.set_ticked(1, True)
    face = QAccessible.queryAccessibleInterface(window.questions_button)
    assert face.text(NAME) == "My questions: 1 ticked"

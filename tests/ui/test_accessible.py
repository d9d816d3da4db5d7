"""What a screen reader gets through Qt's accessibility interfaces (AT-SPI, UI Automation)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.config import Config
from kiosk.session import HOME, Page
from kiosk.ui.buttons import QuestionRow
from kiosk.ui.early import show_welcome_early
from kiosk.ui.metrics import Metrics
from kiosk.ui.screens import OutOfOrderScreen
from kiosk.ui.text import TextView
from kiosk.ui.window import Screen

from .conftest import LANDSCAPE, SCREENS, KioskFactory

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
            # Read as shown, less a list's bullets.
            words = "\n".join(line.removeprefix("• ") for line in widget.text().split("\n"))
            if words.strip() not in ("", "•") and name != words:
                problems.append(f"{label} is read as {name!r}")
            expected = Role.Heading if widget.heading_level() else Role.StaticText
            if role is not expected:
                problems.append(f"{label} has role {role}, not {expected}")
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


def test_every_window_is_a_frame_and_what_it_holds_is_not(kiosk: Kiosk, qtbot: QtBot) -> None:
    """Qt calls a plain top-level widget a client area ("filler" on AT-SPI); screen readers
    look for a frame (the Window role) to say which window came up."""
    early = show_welcome_early(Config(), windowed=True)
    assert early is not None
    out_of_order = OutOfOrderScreen("no leaflet", Metrics.for_screen(LANDSCAPE, "Sans"))
    qtbot.addWidget(out_of_order)
    out_of_order.show()
    for window in (kiosk.window, early.screen, out_of_order):
        assert QAccessible.queryAccessibleInterface(window).role() is Role.Window
    early.hand_over(kiosk.window)
    # Made without a parent, so a window for a moment, and then put in its place.
    for inside in (kiosk.window.home_page, kiosk.window.welcome_screen, kiosk.window.home_button):
        assert QAccessible.queryAccessibleInterface(inside).role() is not Role.Window


def test_a_text_tells_a_screen_reader_where_each_character_is(kiosk: Kiosk) -> None:
    """Orca's mouse review and a magnifier follow the character being read."""
    kiosk.visit.go_to(Page(1))
    QApplication.processEvents()
    view = max(
        (w for w in _shown(kiosk.window) if isinstance(w, TextView)), key=lambda w: len(w.text())
    )
    text = QAccessible.queryAccessibleInterface(view).textInterface()
    assert text is not None, "a Text interface"
    assert text.characterCount() == len(view.text())
    assert text.text(0, -1) == view.text()
    on_screen = view.rect().translated(view.mapToGlobal(view.rect().topLeft()))
    last = len(view.text()) - 1
    for offset in (0, 5, last):
        box = text.characterRect(offset)
        assert on_screen.contains(box), (offset, box, on_screen)
        assert text.offsetAtPoint(box.center()) == offset
    assert text.characterRect(last).top() > text.characterRect(0).top(), "it wraps"


def _tree_order(face: QAccessibleInterface) -> list[str]:
    """The names of the buttons and headings below ``face`` that show, in a screen reader's
    order (depth first, as Orca's flat review reads)."""
    names = []
    for index in range(face.childCount()):
        child = face.child(index)
        if child is None or child.state().invisible:
            continue
        if child.role() in (Role.Button, Role.CheckBox, Role.Heading):
            names.append(child.text(NAME))
        names += _tree_order(child)
    return names


def test_the_top_bar_comes_first_when_it_scrolls_with_the_page(make_kiosk: KioskFactory) -> None:
    """On a small screen at a large text size the top bar moves into the page; it is still
    read first, before the page's heading (it went in as the page's last child)."""
    kiosk = make_kiosk(SCREENS["tablet"])
    window = kiosk.window
    for step in (4, 0, 4):  # in, out and in again
        kiosk.visit.set_text_step(step)
        QApplication.processEvents()
    assert window.top_bar_scrolls()
    order = _tree_order(QAccessible.queryAccessibleInterface(window))
    heading = kiosk.leaflet.title
    assert order.index("Listen to this page") < order.index(heading) < order.index("Home")

"""The patient ticks the questions to ask the doctor by touching anywhere on a row."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QAccessible, QAccessibleActionInterface
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.ui.text import TextView

from .conftest import button_labelled, tap, tap_at


def _open_questions(qtbot: QtBot, kiosk: Kiosk) -> None:
    tap(qtbot, button_labelled(kiosk.window, "☑ My questions"))


def _count_label(kiosk: Kiosk) -> str:
    return button_labelled(kiosk.window, "☑ My questions").text()


def test_touching_anywhere_on_a_row_ticks_and_unticks_it(qtbot: QtBot, kiosk: Kiosk) -> None:
    _open_questions(qtbot, kiosk)
    rows = kiosk.window.questions_page.rows
    assert [row.text() for row in rows] == [q.text for q in kiosk.leaflet.questions]
    for row in rows:
        kiosk.window.questions_page.ensureWidgetVisible(row, 0, 0)
        left_edge = QPoint(3, row.height() // 2)  # on the tick box side
        right_edge = QPoint(row.width() - 3, row.height() // 2)  # far from the words
        tap_at(qtbot, row, left_edge)
        assert row.isChecked()
        tap_at(qtbot, row, right_edge)
        assert not row.isChecked()
        tap(qtbot, row)
        assert row.isChecked()
    assert kiosk.visit.ticked == frozenset(range(1, len(rows) + 1))


def test_the_count_follows_on_every_page(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    _open_questions(qtbot, kiosk)
    rows = window.questions_page.rows
    tap(qtbot, rows[0])
    tap(qtbot, rows[2])
    assert _count_label(kiosk) == "☑ My questions (2)"
    assert window.questions_page.count_text.text() == "Questions ticked: 2 of 5"
    tap(qtbot, window.home_button)
    assert _count_label(kiosk) == "☑ My questions (2)"
    while window.next_button.isVisible():
        tap(qtbot, window.next_button)
        assert _count_label(kiosk) == "☑ My questions (2)"
    tap(qtbot, rows[0])  # the last page is the questions page again
    assert _count_label(kiosk) == "☑ My questions (1)"


def test_clear_all_clears_every_tick(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    _open_questions(qtbot, kiosk)
    page = window.questions_page
    assert not page.clear_button.isEnabled(), "nothing to clear yet"
    for row in page.rows[1:4]:
        tap(qtbot, row)
    assert page.clear_button.isEnabled()
    tap(qtbot, page.clear_button)
    assert not any(row.isChecked() for row in page.rows)
    assert _count_label(kiosk) == "☑ My questions (0)"
    assert not page.clear_button.isEnabled()


def test_ticks_survive_changing_text_size_and_theme(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    _open_questions(qtbot, kiosk)
    tap(qtbot, window.questions_page.rows[4])
    tap(qtbot, window.larger_button)
    tap(qtbot, window.contrast_button)
    assert window.questions_page.rows[4].isChecked()
    assert _count_label(kiosk) == "☑ My questions (1)"


def _tick_then_clear_all(qtbot: QtBot, kiosk: Kiosk, numbers: tuple[int, ...]) -> None:
    page = kiosk.window.questions_page
    _open_questions(qtbot, kiosk)
    for number in numbers:
        tap(qtbot, page.rows[number - 1])
    tap(qtbot, page.clear_button)
    assert not any(row.isChecked() for row in page.rows)


def _undo_on_screen(kiosk: Kiosk) -> bool:
    page = kiosk.window.questions_page
    return page.undo_button.isVisible() and page.cleared_text.isVisible()


def test_clear_all_offers_undo_which_brings_back_exactly_the_ticks_it_cleared(
    qtbot: QtBot, kiosk: Kiosk
) -> None:
    page = kiosk.window.questions_page
    _tick_then_clear_all(qtbot, kiosk, (2, 3, 4))
    assert _count_label(kiosk) == "☑ My questions (0)"
    assert page.cleared_text.text() == "All ticks cleared."
    undo = button_labelled(kiosk.window, "Undo")
    face = QAccessible.queryAccessibleInterface(undo)
    assert face is not None
    assert (face.text(QAccessible.Text.Name), face.role()) == ("Undo", QAccessible.Role.Button)
    tap(qtbot, undo)
    assert [row.number for row in page.rows if row.isChecked()] == [2, 3, 4]
    assert _count_label(kiosk) == "☑ My questions (3)"
    assert not _undo_on_screen(kiosk), "Undo works once"
    assert page.clear_button.isEnabled()


def test_a_screen_reader_clears_and_undoes_with_the_buttons_press_action(
    qtbot: QtBot, kiosk: Kiosk
) -> None:
    page = kiosk.window.questions_page
    _open_questions(qtbot, kiosk)
    tap(qtbot, page.rows[0])
    tap(qtbot, page.rows[4])

    def press(button: QAbstractButton) -> None:
        """The Press action, as Orca does it through AT-SPI (Qt clicks a moment later)."""
        face = QAccessible.queryAccessibleInterface(button)
        assert face is not None
        actions = face.actionInterface()
        assert actions is not None
        with qtbot.waitSignal(button.clicked):
            actions.doAction(QAccessibleActionInterface.pressAction())

    press(page.clear_button)
    assert kiosk.visit.ticked == frozenset()
    assert _undo_on_screen(kiosk)
    assert kiosk.window.focusWidget() is page.undo_button, "a screen reader is taken to Undo"
    press(page.undo_button)
    assert [row.number for row in page.rows if row.isChecked()] == [1, 5]


@pytest.mark.parametrize("then", ["time runs out", "a new tick", "a page change", "visit ends"])
def test_once_the_undo_offer_ends_the_cleared_ticks_are_gone_for_good(
    qtbot: QtBot, kiosk: Kiosk, then: str
) -> None:
    window, visit = kiosk.window, kiosk.visit
    page = window.questions_page
    visit.undo_clear_s = 0.2 if then == "time runs out" else 600
    _tick_then_clear_all(qtbot, kiosk, (1, 3))
    assert _undo_on_screen(kiosk)
    with qtbot.waitSignal(visit.undo_offer_changed, timeout=5000):
        if then == "a new tick":
            tap(qtbot, page.rows[1])
        elif then == "a page change":
            tap(qtbot, window.home_button)
        elif then == "visit ends":
            visit.reset()
            visit.begin()
    if not page.isVisible():
        _open_questions(qtbot, kiosk)
    assert page.isVisible()
    assert not _undo_on_screen(kiosk)
    assert not page.undo_button.isVisibleTo(page), "no Undo left in the focus order"
    assert visit.ticked == (frozenset({2}) if then == "a new tick" else frozenset())
    assert [row.number for row in page.rows if row.isChecked()] == sorted(visit.ticked)


def test_the_last_page_names_the_publisher_and_then_the_source_it_cites(
    qtbot: QtBot, kiosk: Kiosk
) -> None:
    _open_questions(qtbot, kiosk)
    page = kiosk.window.questions_page
    shown = [view.text() for view in page.findChildren(TextView) if view.isVisibleTo(page)]
    publisher = "Published by American Academy of Family Physicians, familydoctor.org"
    source = "Source: National Institutes of Health, MedlinePlus: Vertebroplasty"
    assert publisher in shown
    assert shown.index(publisher) + 1 == shown.index(source)
    spoken = [utterance.text for utterance in page.script()]
    assert spoken.index(publisher) < spoken.index(source)

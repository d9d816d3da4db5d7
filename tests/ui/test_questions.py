"""The patient ticks the questions to ask the doctor by touching anywhere on a row."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk

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

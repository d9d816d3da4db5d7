"""A patient taps through the leaflet: home, every section, back, next and home again."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.content import SectionKind
from kiosk.session import Page
from kiosk.ui.buttons import BigButton
from kiosk.ui.text import TextView

from .conftest import TABLET, KioskFactory, button_labelled, drag, page_heading, tap


def test_home_shows_the_title_and_a_button_for_every_section(kiosk: Kiosk) -> None:
    window = kiosk.window
    assert page_heading(kiosk) == kiosk.leaflet.title
    home = window.home_page
    for section in kiosk.leaflet.sections:
        if section.kind is SectionKind.TOPIC:
            button_labelled(home, section.heading)
    button_labelled(home, "Introduction")
    button_labelled(home, "Questions to ask your doctor")


def test_every_section_opens_from_home_and_home_returns(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    for section in kiosk.leaflet.sections:
        label = "Introduction" if section.kind is SectionKind.INTRODUCTION else section.heading
        tap(qtbot, button_labelled(window.home_page, label))
        assert page_heading(kiosk) == section.heading
        tap(qtbot, window.home_button)
        assert page_heading(kiosk) == kiosk.leaflet.title


def test_next_reads_the_whole_leaflet_in_order_and_back_returns(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    headings = [section.heading for section in kiosk.leaflet.sections]
    tap(qtbot, window.next_button)  # "Start reading" on the home screen
    seen = [page_heading(kiosk)]
    while window.next_button.isVisible():
        tap(qtbot, window.next_button)
        seen.append(page_heading(kiosk))
    assert seen == headings
    for heading in reversed(headings[:-1]):
        tap(qtbot, window.back_button)
        assert page_heading(kiosk) == heading
    tap(qtbot, window.back_button)
    assert page_heading(kiosk) == kiosk.leaflet.title
    assert not window.back_button.isVisible()


def test_the_questions_button_is_on_every_page_and_opens_the_questions(
    qtbot: QtBot, kiosk: Kiosk
) -> None:
    window = kiosk.window
    questions_heading = kiosk.leaflet.questions_section.heading
    for index in range(len(kiosk.leaflet.sections)):
        tap(qtbot, window.home_button)
        for _ in range(index):
            tap(qtbot, window.next_button)
        tap(qtbot, window.next_button)
        tap(qtbot, button_labelled(window, "☑ My questions"))
        assert page_heading(kiosk) == questions_heading


def test_a_long_section_scrolls_and_says_there_is_more_below(
    qtbot: QtBot, make_kiosk: KioskFactory
) -> None:
    kiosk = make_kiosk(TABLET)
    window = kiosk.window
    kiosk.visit.set_text_step(4)
    tap(qtbot, window.next_button)
    tap(qtbot, window.next_button)  # "What is a compression spine fracture?": the longest text
    page = window.current_page()
    bar = page.verticalScrollBar()
    assert bar.maximum() > 0, "the text should be taller than this screen at 200 %"
    assert page.more_button.isVisible()
    while page.more_button.isVisible():
        before = bar.value()
        tap(qtbot, page.more_button)
        qtbot.waitUntil(lambda before=before: bar.value() > before)
        qtbot.waitUntil(lambda: not page.scroller_active())
    assert bar.value() == bar.maximum()
    # Turning the page starts the next section at its top.
    tap(qtbot, window.next_button)
    assert window.current_page().verticalScrollBar().value() == 0


def test_dragging_with_a_finger_scrolls_and_does_not_press_what_it_starts_on(
    qtbot: QtBot, make_kiosk: KioskFactory
) -> None:
    kiosk = make_kiosk(TABLET)
    kiosk.visit.set_text_step(4)  # the home page is taller than the tablet at 200 %
    page = kiosk.window.home_page
    bar = page.verticalScrollBar()
    assert bar.maximum() > 0
    viewport = page.viewport()
    button = next(
        b
        for b in page.findChildren(BigButton)
        if b.isVisible() and viewport.rect().contains(b.mapTo(viewport, b.rect().center()))
    )
    start = button.mapTo(viewport, button.rect().center())
    drag(qtbot, viewport, start, start - QPoint(0, viewport.height() // 2))
    qtbot.waitUntil(lambda: not page.scroller_active())
    assert bar.value() > 0
    assert page_heading(kiosk) == kiosk.leaflet.title, "a drag must not open a section"


def test_a_sentence_read_aloud_further_down_is_scrolled_into_view(
    qtbot: QtBot, make_kiosk: KioskFactory
) -> None:
    kiosk = make_kiosk(TABLET)
    kiosk.visit.set_text_step(4)
    kiosk.visit.go_to(Page(1))
    page = kiosk.window.current_page()
    last = page.findChildren(TextView)[-1]
    page.reveal(last, last.rect())
    qtbot.waitUntil(lambda: not page.scroller_active())
    top = last.mapTo(page.viewport(), last.rect().topLeft()).y()
    assert 0 <= top < page.viewport().height(), "the sentence is on screen"


def test_while_the_kiosk_is_idle_it_builds_every_page_ahead_and_they_follow_the_patients_size(
    qtbot: QtBot, kiosk: Kiosk
) -> None:
    """A first visit of a page then costs what a later one does (benchmarks/pageturn.py)."""
    window, sections = kiosk.window, kiosk.leaflet.sections
    qtbot.waitUntil(
        lambda: all(window.is_built(Page(index)) for index in range(len(sections))),
        timeout=10_000,
    )
    assert kiosk.visit.page.section is None, "built while the patient stayed at home"
    tap(qtbot, window.larger_button)
    larger = window.current_page().font().pixelSize()
    kiosk.visit.go_to(Page(len(sections) - 2))
    assert window.current_page().font().pixelSize() == larger

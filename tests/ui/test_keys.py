"""The kiosk by keys alone, with talking mode saying what happens, through the real voice."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from harness.audio import PulseServer
from harness.cups import Q_PDF, Q_UNREACHABLE, CupsServer, pdf_text
from kiosk.app import Kiosk
from kiosk.config import Config
from kiosk.keys import KeyAction
from kiosk.narration.narrator import NarrationState
from kiosk.session import HOME, Page
from kiosk.ui.buttons import QuestionRow
from kiosk.ui.talking import describe
from kiosk.ui.text import TextView
from kiosk.ui.window import Screen
from tests.ui.conftest import LANDSCAPE, KioskFactory, voiced_from_now


class Patient:
    """A patient at a keypad: presses keys, and hears what the kiosk says (the sentences it
    hands to the voice, and for the voice, the sentences whose sound started)."""

    def __init__(self, qtbot: QtBot, kiosk: Kiosk) -> None:
        self.qtbot = qtbot
        self.kiosk = kiosk
        self.said: list[str] = []
        kiosk.announcer.said.connect(self.said.append)

    def press(self, key: Qt.Key, times: int = 1) -> list[str]:
        """Press ``key``; what the kiosk said in answer."""
        start = len(self.said)
        for _ in range(times):
            target = QApplication.focusWidget() or self.kiosk.window
            self.qtbot.keyClick(target, key)
        return self.said[start:]

    def focused(self) -> QWidget | None:
        return QApplication.focusWidget()

    def move_to(self, label: str, limit: int = 60) -> list[str]:
        """Press Down (to the end of the page, then Up) until the item whose spoken
        description contains ``label``."""
        key = Qt.Key.Key_Down
        for _ in range(limit):
            heard = self.press(key)
            if heard and label in heard[0]:
                return heard
            if heard in (["End of the page."], ["Top of the page."]):
                key = Qt.Key.Key_Up if key == Qt.Key.Key_Down else Qt.Key.Key_Down
        raise AssertionError(f"never reached {label!r}; last heard {self.said[-3:]}")


@pytest.fixture
def welcome(make_kiosk: KioskFactory) -> Kiosk:
    kiosk = make_kiosk(LANDSCAPE)
    kiosk.visit.reset()  # back to the welcome screen, as a patient finds it
    return kiosk


def test_a_key_on_the_welcome_screen_starts_a_visit_and_talking_mode(
    qtbot: QtBot, welcome: Kiosk
) -> None:
    patient = Patient(qtbot, welcome)
    assert welcome.window.showing() is Screen.WELCOME
    heard = patient.press(Qt.Key.Key_Down)
    assert welcome.window.showing() is Screen.LEAFLET
    assert welcome.announcer.talking
    assert heard[0] == f"Page: {welcome.leaflet.title}."
    assert heard[1] == "Press the down arrow or Tab to read on, or F 1 or Help for help."
    focused = patient.focused()
    assert isinstance(focused, TextView)
    assert focused.text() == welcome.leaflet.title
    assert welcome.keys.frame.isVisible(), "the focus ring shows where the keys are"


def test_up_and_down_follow_the_reading_order_and_say_each_item(
    qtbot: QtBot, welcome: Kiosk
) -> None:
    patient = Patient(qtbot, welcome)
    patient.press(Qt.Key.Key_Space)
    heard = patient.press(Qt.Key.Key_Down)
    assert heard == [
        "Touch a topic to read about it. Tick the questions you want to ask your doctor."
    ]
    assert patient.press(Qt.Key.Key_Down) == ["Button: Introduction"]
    names = [patient.press(Qt.Key.Key_Down)[0] for _ in range(3)]
    assert names[0].startswith("Button: What is a compression spine fracture")
    assert patient.press(Qt.Key.Key_Up)[0] == names[1]
    # Tab and Shift+Tab are the same as Down and Up.
    assert patient.press(Qt.Key.Key_Tab)[0] == names[2]
    assert patient.press(Qt.Key.Key_Backtab)[0] == names[1]
    # The order is the order on screen: top bar, page top to bottom, bottom bar.
    items = welcome.keys.items()
    window = welcome.window
    top_bar = [item for item in window.top_bar_items() if item.isEnabled()]
    assert window.smaller_button not in top_bar, "a control that cannot be used is skipped"
    assert items[: len(top_bar)] == top_bar
    assert items[-2:] == [window.home_button, window.next_button]
    tops = [item.mapTo(window, item.rect().topLeft()).y() for item in items]
    assert tops == sorted(tops)


def test_a_whole_visit_by_keys_alone_read_two_sections_tick_three_questions_print(
    qtbot: QtBot,
    make_kiosk: KioskFactory,
    pulse: PulseServer,  # noqa: ARG001
    printers: CupsServer,
) -> None:
    kiosk = make_kiosk(LANDSCAPE, replace(Config(), printer=Q_PDF), narration=True)
    narrator = kiosk.narrator
    assert narrator is not None
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=10000)
    kiosk.visit.reset()
    voiced: list[int] = []
    narrator.sentence_started.connect(voiced.append)
    patient = Patient(qtbot, kiosk)
    Down, Enter, Back = Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Backspace  # noqa: N806

    patient.press(Down)  # the welcome screen: the visit begins
    # Section one: the introduction, read item by item.
    patient.move_to("Button: Introduction")
    heard = patient.press(Enter)
    assert kiosk.visit.page == Page(0)
    assert heard[0] == f"Page: {kiosk.leaflet.title}."
    paragraph = patient.press(Down)
    assert paragraph == [kiosk.leaflet.sections[0].blocks[1].text]
    with qtbot.waitSignal(narrator.sentence_started, timeout=10000):
        pass  # the real voice speaks it, and the text it reads is highlighted
    assert kiosk.window.reading_widget() is patient.focused()
    # Section two, by Next.
    patient.move_to("Button: Next page")
    heard = patient.press(Enter)
    assert kiosk.visit.page == Page(1)
    assert heard[0] == f"Page: {kiosk.leaflet.sections[1].heading}."
    assert patient.press(Down)[0] == kiosk.leaflet.sections[1].blocks[1].text
    # Back, then to the questions through the top bar's My questions.
    patient.press(Back)
    assert kiosk.visit.page == Page(0)
    for _ in range(12):
        if patient.press(Qt.Key.Key_Up) and patient.focused() is kiosk.window.questions_button:
            break
    assert patient.said[-1] == "Button: My questions: 0 ticked"
    heard = patient.press(Enter)
    assert heard[0] == "Page: Questions to ask your doctor."
    for number in (1, 3, 5):
        heard = patient.move_to(f"Question {number} of 5")
        assert heard[0].startswith(f"Question {number} of 5, not ticked: ")
        heard = patient.press(Enter)
        assert heard[0].startswith(f"Question {number} of 5, ticked: ")
    assert kiosk.visit.ticked == frozenset({1, 3, 5})
    patient.move_to("Button: Print my questions")
    patient.press(Enter)
    qtbot.waitUntil(lambda: "Your questions have printed." in " ".join(patient.said), timeout=20000)
    printed = " ".join(pdf_text(printers.last_printed(Q_PDF)).split())
    for question in kiosk.leaflet.questions:
        assert (question.text in printed) == (question.number in (1, 3, 5))
    assert voiced, "what was said went through the real voice"


def test_help_says_the_keys_and_back_on_the_first_page_says_so(
    qtbot: QtBot, welcome: Kiosk
) -> None:
    patient = Patient(qtbot, welcome)
    patient.press(Qt.Key.Key_Return)
    before = patient.focused()
    heard = patient.press(Qt.Key.Key_F1)
    assert heard[0] == f"You are on {welcome.leaflet.title}."
    assert "Press the down arrow or Tab for the next item" in heard[1]
    assert "Enter" in heard[2]
    # The same words stay on screen, for a patient who hears them poorly.
    help_panel = welcome.window.help_panel
    assert help_panel.isVisible()
    shown = help_panel.lines_view.text().splitlines()
    assert len(shown) == len(heard) - 1
    assert shown[0].startswith("Press the down arrow or Tab for the next item")
    assert shown[1] == "Press Enter or Space to choose it, and Backspace or Back to go back a page."
    assert shown[3] == "Press F1 or Help to hear this again.", "written as it is on the key"
    assert shown[-1] == "Press any other key, or touch the screen, to close this help."
    # Any other key closes it and does nothing else: the keys are back where they were.
    assert patient.press(Qt.Key.Key_Backspace) == [f"Heading: {welcome.leaflet.title}"]
    assert not help_panel.isVisible()
    assert patient.focused() is before
    assert patient.press(Qt.Key.Key_Backspace) == ["This is the first page."]


def test_a_touch_closes_the_help_and_presses_nothing_beneath(qtbot: QtBot, welcome: Kiosk) -> None:
    patient = Patient(qtbot, welcome)
    patient.press(Qt.Key.Key_Return)
    patient.press(Qt.Key.Key_F1)
    window = welcome.window
    assert window.help_panel.isVisible()
    # A finger on Next, under the help: the help goes and the page stays.
    where = window.next_button.mapTo(window, window.next_button.rect().center())
    target = window.childAt(where)
    assert target is not None
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, where))
    assert not window.help_panel.isVisible()
    assert welcome.visit.page == HOME


def test_louder_quieter_and_scrolling_by_line_and_page(qtbot: QtBot, welcome: Kiosk) -> None:
    patient = Patient(qtbot, welcome)
    patient.press(Qt.Key.Key_Return)
    assert patient.press(Qt.Key.Key_Plus) == ["Volume 100 percent."]
    assert welcome.visit.volume == 1.0
    assert patient.press(Qt.Key.Key_Minus, times=2)[-1] == "Volume 50 percent."
    welcome.visit.set_text_step(4)
    welcome.visit.go_to(Page(2))
    bar = welcome.window.current_page().verticalScrollBar()
    assert bar.maximum() > 0, "this page scrolls at 200 %"
    patient.press(Qt.Key.Key_Right)
    line = bar.value()
    assert 0 < line < welcome.window.current_page().viewport().height() / 2
    patient.press(Qt.Key.Key_PageDown)
    screenful = round(welcome.window.current_page().viewport().height() * 0.9)
    assert bar.value() == min(bar.maximum(), line + screenful)
    patient.press(Qt.Key.Key_PageUp)
    patient.press(Qt.Key.Key_Left)
    assert bar.value() == 0


def test_a_question_row_reads_its_number_state_and_text(qtbot: QtBot, welcome: Kiosk) -> None:
    patient = Patient(qtbot, welcome)
    patient.press(Qt.Key.Key_Return)
    welcome.visit.go_to(Page(welcome.leaflet.section_index(welcome.leaflet.questions_section)))
    heard = patient.move_to("Question 2 of 5")
    row = patient.focused()
    assert isinstance(row, QuestionRow)
    assert heard == [f"Question 2 of 5, not ticked: {row.text()}"]


def test_talking_mode_and_the_focus_ring_end_with_the_visit(qtbot: QtBot, welcome: Kiosk) -> None:
    patient = Patient(qtbot, welcome)
    patient.press(Qt.Key.Key_Return)
    assert welcome.announcer.talking
    welcome.visit.reset()
    assert not welcome.announcer.talking
    assert not welcome.keys.frame.isVisible()
    assert welcome.visit.page == HOME


def test_keys_can_be_changed_in_the_configuration(qtbot: QtBot, make_kiosk: KioskFactory) -> None:
    keys = {**Config().keys, KeyAction.NEXT: ("J",), KeyAction.PREVIOUS: ("K",)}
    kiosk = make_kiosk(LANDSCAPE, replace(Config(), keys=keys))
    kiosk.visit.reset()
    patient = Patient(qtbot, kiosk)
    patient.press(Qt.Key.Key_J)
    assert kiosk.window.showing() is Screen.LEAFLET
    heard = patient.press(Qt.Key.Key_J)
    assert heard[0].startswith("Touch a topic")
    assert patient.press(Qt.Key.Key_Down) == [], "Down is not a key any more"


def test_in_talking_mode_the_idle_warning_is_short_and_any_key_answers_it(
    qtbot: QtBot, make_kiosk: KioskFactory
) -> None:
    kiosk = make_kiosk(LANDSCAPE, replace(Config(), idle_timeout_s=0.3, idle_warning_s=60))
    patient = Patient(qtbot, kiosk)
    kiosk.visit.reset()
    patient.press(Qt.Key.Key_Return)
    patient.press(Qt.Key.Key_Down)
    before = kiosk.window.focusWidget()
    assert before is not None
    page = kiosk.visit.page
    with qtbot.waitSignal(kiosk.idle.warning_started, timeout=5000):
        pass
    assert patient.said[-1] == "Still here? Press any key."
    assert len(patient.said[-1].split()) <= 7, "under three seconds of speech on its own"
    assert "press a key" in kiosk.window.idle_panel.countdown_view.text(), "shown for keys too"
    patient.press(Qt.Key.Key_Backspace)
    assert not kiosk.window.idle_panel.isVisible()
    assert kiosk.visit.page == page, "the key answered the warning and did nothing else"
    assert kiosk.visit.under_way
    assert kiosk.window.focusWidget() is before, "the keys are back where they were"


def test_the_focus_ring_surrounds_the_item_and_nothing_clips_it(
    qtbot: QtBot, welcome: Kiosk
) -> None:
    patient = Patient(qtbot, welcome)
    patient.press(Qt.Key.Key_Return)
    frame = welcome.keys.frame
    window = welcome.window
    for _ in range(len(welcome.keys.items())):
        patient.press(Qt.Key.Key_Down)
        page = window.current_page()
        qtbot.waitUntil(lambda p=page: not p.scroller_active())  # it glides the item into view
        item = welcome.keys.focused_item()
        assert item is not None
        assert frame.isVisible()
        ring = frame.ring_px
        item_rect = item.rect().translated(item.mapTo(window, item.rect().topLeft()))
        frame_rect = frame.rect().translated(frame.mapTo(window, frame.rect().topLeft()))
        assert frame_rect.contains(item_rect.adjusted(-ring, -ring, ring, ring))
        if item.isVisibleTo(window) and item.visibleRegion().boundingRect() == item.rect():
            shown = frame.visibleRegion().boundingRect()
            assert shown == frame.rect(), f"the ring around {describe(item, 5)!r} is cut off"


def test_a_failed_print_by_keys_keeps_the_focus_on_print_and_every_tick(
    qtbot: QtBot, make_kiosk: KioskFactory, printers: CupsServer
) -> None:
    """The printer fails once; the patient's next Enter tries again, and no tick is lost."""
    kiosk = make_kiosk(LANDSCAPE, replace(Config(), printer=Q_PDF, print_timeout_s=5))
    kiosk.visit.reset()
    qtbot.waitUntil(kiosk.window.isActiveWindow)  # as on the kiosk: its keys have focus
    printers.disable(Q_PDF, "Out of paper")
    patient = Patient(qtbot, kiosk)
    page = kiosk.window.questions_page
    patient.press(Qt.Key.Key_Down)  # the welcome screen: the visit begins
    kiosk.visit.go_to(Page(kiosk.leaflet.section_index(kiosk.leaflet.questions_section)))
    for number in (1, 3, 5):
        patient.move_to(f"Question {number} of 5")
        patient.press(Qt.Key.Key_Return)
    assert kiosk.visit.ticked == frozenset({1, 3, 5})
    patient.move_to("Button: Print my questions")
    assert patient.press(Qt.Key.Key_Return)[0] == "Printing your questions…"
    qtbot.waitUntil(lambda: patient.said[-1].startswith("The printer is not working"))
    assert page.print_status.text().startswith("The printer is not working")
    assert patient.focused() is page.print_button, "the keys are still on Print"
    printers.enable(Q_PDF)
    heard = patient.press(Qt.Key.Key_Return)
    assert heard[0] == "Printing your questions…", "Enter tries again"
    assert kiosk.visit.ticked == frozenset({1, 3, 5}), "every tick is kept"
    qtbot.waitUntil(lambda: "Your questions have printed." in patient.said[-1], timeout=20000)
    printed = " ".join(pdf_text(printers.last_printed(Q_PDF)).split())
    for question in kiosk.leaflet.questions:
        assert (question.text in printed) == (question.number in (1, 3, 5))


def test_clear_all_by_keys_says_how_to_undo_and_undo_is_the_next_enter(
    qtbot: QtBot, welcome: Kiosk
) -> None:
    """A stray Enter on Clear all costs no tick: the keys land on Undo, and after Undo on the
    count of ticks, never on Clear all again."""
    qtbot.waitUntil(welcome.window.isActiveWindow)  # as on the kiosk: its keys have focus
    patient = Patient(qtbot, welcome)
    page = welcome.window.questions_page
    patient.press(Qt.Key.Key_Return)
    welcome.visit.go_to(Page(welcome.leaflet.section_index(welcome.leaflet.questions_section)))
    for number in (2, 4):
        patient.move_to(f"Question {number} of 5")
        patient.press(Qt.Key.Key_Return)
    patient.move_to("Button: Clear all")
    assert patient.press(Qt.Key.Key_Return) == ["All ticks cleared. Press Undo to bring them back."]
    assert welcome.visit.ticked == frozenset()
    assert patient.focused() is page.undo_button
    assert patient.press(Qt.Key.Key_Up) == ["All ticks cleared."]
    assert patient.press(Qt.Key.Key_Down) == ["Button: Undo"], "Undo is in the reading order"
    assert patient.press(Qt.Key.Key_Return) == ["Ticks brought back. Questions ticked: 2 of 5."]
    assert welcome.visit.ticked == frozenset({2, 4})
    assert patient.focused() is page.count_text
    assert patient.press(Qt.Key.Key_Return) == ["Questions ticked: 2 of 5"]
    assert welcome.visit.ticked == frozenset({2, 4}), "a second Enter erases nothing"


def test_when_the_undo_offer_runs_out_the_keys_move_to_the_count_of_ticks(
    qtbot: QtBot, welcome: Kiosk
) -> None:
    qtbot.waitUntil(welcome.window.isActiveWindow)
    patient = Patient(qtbot, welcome)
    page = welcome.window.questions_page
    welcome.visit.undo_clear_s = 0.2
    patient.press(Qt.Key.Key_Return)
    welcome.visit.go_to(Page(welcome.leaflet.section_index(welcome.leaflet.questions_section)))
    patient.move_to("Question 3 of 5")
    patient.press(Qt.Key.Key_Return)
    patient.move_to("Button: Clear all")
    patient.press(Qt.Key.Key_Return)
    assert patient.focused() is page.undo_button
    with qtbot.waitSignal(welcome.visit.undo_offer_changed, timeout=5000):
        pass
    assert not page.undo_button.isVisible()
    assert patient.focused() is page.count_text, "not the next control in Qt's focus chain"
    assert patient.press(Qt.Key.Key_Return) == ["Questions ticked: 0 of 5"]
    assert welcome.visit.ticked == frozenset(), "the cleared tick is gone for good"


def test_printing_by_keys_is_heard_whole_not_cut_off_by_the_press_that_printed(
    qtbot: QtBot,
    make_kiosk: KioskFactory,
    pulse: PulseServer,  # noqa: ARG001
    printers: CupsServer,
) -> None:
    """The press on Print silences reading aloud, and then "Printing your questions…" plays:
    the voice really speaks it, and it is not stopped by the same press (issue 13)."""
    kiosk = make_kiosk(
        LANDSCAPE, replace(Config(), printer=Q_UNREACHABLE, print_timeout_s=30), narration=True
    )
    narrator = kiosk.narrator
    assert narrator is not None
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=10000)
    kiosk.visit.reset()
    # A printer that is switched off: the job keeps "printing", and nothing else is said.
    printers.add_unreachable_queue()
    patient = Patient(qtbot, kiosk)
    patient.press(Qt.Key.Key_Down)
    kiosk.visit.go_to(Page(kiosk.leaflet.section_index(kiosk.leaflet.questions_section)))
    patient.move_to("Question 2 of 5")
    patient.press(Qt.Key.Key_Return)
    patient.move_to("Button: Print my questions")
    qtbot.waitUntil(lambda: narrator.state is NarrationState.SPEAKING, timeout=10000)
    voiced = voiced_from_now(narrator)
    assert patient.press(Qt.Key.Key_Return) == ["Printing your questions…"]
    qtbot.waitUntil(lambda: bool(voiced), timeout=10000)
    assert voiced == ["Printing your questions…"]
    qtbot.waitUntil(lambda: not narrator.active, timeout=10000)  # said to its end
    assert voiced == ["Printing your questions…"]


def test_keys_on_the_staff_pin_pad_show_the_one_focus_ring(qtbot: QtBot, welcome: Kiosk) -> None:
    """Staff who came by touch and then use keys see where the keys are, as patients do."""
    window = welcome.window
    welcome.visit.begin()  # by touch: no talking mode
    window.show_screen(Screen.STAFF_PIN)
    assert not welcome.announcer.talking
    qtbot.keyClick(window, Qt.Key.Key_Down)
    focused = QApplication.focusWidget()
    assert focused is not None
    assert window.pin_pad.isAncestorOf(focused)
    assert welcome.keys.frame.isVisible()
    assert welcome.keys.frame.target() is focused


def test_talking_mode_calls_a_heading_what_a_screen_reader_calls_one(
    qtbot: QtBot, welcome: Kiosk
) -> None:
    """Home's part headings are headings (level 2) for a screen reader, and for the voice."""
    patient = Patient(qtbot, welcome)
    patient.press(Qt.Key.Key_Down)
    heard = patient.move_to("Path to improved health")
    assert heard[0] == "Heading: Path to improved health"

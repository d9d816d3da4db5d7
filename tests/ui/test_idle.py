"""Visits that end by themselves: the welcome screen, "Are you still here?", and the reset."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from pytestqt.qtbot import QtBot

from harness.audio import PulseServer
from harness.cups import Q_PDF, CupsServer
from kiosk.app import Kiosk, build
from kiosk.config import Config
from kiosk.logs import setup_logging
from kiosk.narration.narrator import NarrationState
from kiosk.session import HOME, Page
from kiosk.session.idle import IdleState
from kiosk.ui.text import TextView
from kiosk.ui.window import Screen
from tests.ui.conftest import LANDSCAPE, KioskFactory, tap

# Short times, so that a test waits a second or two rather than two minutes. The reader of
# the configuration file allows no less than 30 s and 20 s (WCAG 2.2.1).
QUICK = Config(idle_timeout_s=0.3, idle_warning_s=1.5)
PATIENT = Config(idle_timeout_s=0.3, idle_warning_s=60)


def _touch(qtbot: QtBot, kiosk: Kiosk, where: QPoint | None = None) -> None:
    """A finger on the screen somewhere that has no control (the middle of the window)."""
    window = kiosk.window
    target = window.childAt(where or window.rect().center()) or window
    point = target.mapFrom(window, where or window.rect().center())
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=point)


def _quiet_touch(qtbot: QtBot, kiosk: Kiosk) -> None:
    """A touch on the page's first text, which is no control: the quiet time starts again
    (and a warning already showing goes). Timers fire only in the event loop, so a wait that
    starts right after this cannot miss what the touch starts."""
    window = kiosk.window
    if window.idle_panel.isVisible():
        _touch(qtbot, kiosk)
        return
    text = window.current_page().findChildren(TextView)[0]
    qtbot.mouseClick(text, Qt.MouseButton.LeftButton, pos=text.rect().center())


def _start_a_visit(qtbot: QtBot, kiosk: Kiosk) -> None:
    """Tick two questions, make the text larger, the colours high contrast, speech slower
    and louder, and read the fourth page, scrolled down."""
    window = kiosk.window
    tap(qtbot, window.questions_button)
    tap(qtbot, window.questions_page.rows[0])
    tap(qtbot, window.questions_page.rows[2])
    tap(qtbot, window.larger_button)
    tap(qtbot, window.contrast_button)
    kiosk.visit.change_rate(-1)
    kiosk.visit.change_volume(+1)
    kiosk.visit.go_to(Page(3))
    page = window.current_page()
    page.verticalScrollBar().setValue(page.verticalScrollBar().maximum())


def test_the_kiosk_starts_on_a_still_welcome_screen_that_a_touch_opens(qtbot: QtBot) -> None:
    kiosk = build(Config(), screen=LANDSCAPE, narration=False)
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(LANDSCAPE.width_px, LANDSCAPE.height_px)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    welcome = kiosk.window.welcome_screen
    assert kiosk.window.showing() is Screen.WELCOME
    assert welcome.isVisible()
    assert welcome.invitation_view.text() == "Touch the screen to learn about vertebroplasty"
    assert welcome.title_view.text() == kiosk.leaflet.title
    # Still: nothing counts down and no animation runs while nobody is there.
    assert kiosk.idle.state is IdleState.OFF
    running = [t for t in kiosk.window.findChildren(QTimer) if t.isActive()]
    assert running == []
    _touch(qtbot, kiosk, QPoint(40, LANDSCAPE.height_px - 40))
    assert kiosk.window.showing() is Screen.LEAFLET
    assert kiosk.window.home_page.isVisible(), "the touch opens the leaflet's first page"
    assert kiosk.idle.state is IdleState.WATCHING
    kiosk.close()


def test_a_quiet_spell_asks_are_you_still_here_and_a_touch_keeps_the_visit(
    qtbot: QtBot, make_kiosk: KioskFactory
) -> None:
    kiosk = make_kiosk(LANDSCAPE, PATIENT)
    _start_a_visit(qtbot, kiosk)
    panel = kiosk.window.idle_panel
    _quiet_touch(qtbot, kiosk)
    for _ in range(3):  # as often as the patient likes
        with qtbot.waitSignal(kiosk.idle.warning_started, timeout=5000):
            pass
        assert panel.isVisible()
        assert panel.question_view.text() == "Are you still here?"
        assert "60 seconds" in panel.countdown_view.text()
        assert panel.stay_button.isVisible()
        _touch(qtbot, kiosk)
        assert not panel.isVisible()
        assert kiosk.window.showing() is Screen.LEAFLET
        assert kiosk.visit.ticked == frozenset({1, 3}), "the visit goes on as it was"
        assert kiosk.visit.page == Page(3)
    # The button says the same thing.
    with qtbot.waitSignal(kiosk.idle.warning_started, timeout=5000):
        pass
    tap(qtbot, panel.stay_button)
    assert not panel.isVisible()
    assert kiosk.visit.ticked == frozenset({1, 3})


def test_the_touch_that_answers_the_warning_presses_nothing_beneath_it(
    qtbot: QtBot, make_kiosk: KioskFactory
) -> None:
    kiosk = make_kiosk(LANDSCAPE, PATIENT)
    home = kiosk.window.home_button
    kiosk.visit.go_to(Page(2))
    _quiet_touch(qtbot, kiosk)
    with qtbot.waitSignal(kiosk.idle.warning_started, timeout=5000):
        pass
    centre = home.mapTo(kiosk.window, home.rect().center())
    _touch(qtbot, kiosk, centre)
    assert kiosk.visit.page == Page(2), "Home, under the panel, was not pressed"


def test_the_countdown_ends_the_visit_and_nothing_of_it_remains(
    qtbot: QtBot, make_kiosk: KioskFactory
) -> None:
    kiosk = make_kiosk(LANDSCAPE, QUICK)
    _start_a_visit(qtbot, kiosk)
    window = kiosk.window
    counted: list[int] = []
    kiosk.idle.countdown_changed.connect(counted.append)
    _quiet_touch(qtbot, kiosk)
    with qtbot.waitSignal(kiosk.idle.warning_started, timeout=5000) as warning:
        pass
    assert warning.args == [2]
    with qtbot.waitSignal(kiosk.visit.was_reset, timeout=5000):
        pass
    assert counted == [1], "the countdown showed each second"
    # On screen: the welcome screen, and behind it the defaults.
    assert window.showing() is Screen.WELCOME
    assert not window.idle_panel.isVisible()
    assert window.welcome_screen.isVisible()
    # In the visit and everything that shows it.
    visit = kiosk.visit
    assert visit.ticked == frozenset()
    assert not visit.under_way
    assert visit.page == HOME
    assert (visit.text_step, visit.theme) == (0, "standard")
    assert (visit.rate_wpm, visit.volume) == (135, 0.75)
    assert not window.contrast_button.isChecked()
    assert "(0)" in window.questions_button.text()
    assert [row.isChecked() for row in window.questions_page.rows] == [False] * 5
    assert window.questions_page.print_status.text() == ""
    for page in (window.home_page, *[window.page_widget(Page(i)) for i in range(8)]):
        assert page.verticalScrollBar().value() == 0, "every page is back at its top"
    assert window.reading_widget() is None
    assert kiosk.idle.state is IdleState.OFF
    assert [t for t in window.findChildren(QTimer) if t.isActive()] == []
    # The next patient starts afresh.
    _touch(qtbot, kiosk)
    assert window.showing() is Screen.LEAFLET
    assert window.home_page.isVisible()


def test_the_warning_is_spoken_and_a_touch_silences_it(
    qtbot: QtBot,
    make_kiosk: KioskFactory,
    pulse: PulseServer,  # noqa: ARG001
) -> None:
    kiosk = make_kiosk(LANDSCAPE, PATIENT, narration=True)
    narrator = kiosk.narrator
    assert narrator is not None
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=10000)
    _quiet_touch(qtbot, kiosk)  # a warning that came before the voice was ready goes
    with qtbot.waitSignal(narrator.sentence_started, timeout=10000) as started:
        pass  # the warning comes, and is read aloud
    assert kiosk.window.idle_panel.isVisible()
    said = narrator.utterance(started.args[0])
    assert said is not None
    assert said.text == "Still here? Touch the screen."
    # Said with no touch just before it: under three seconds (EN 301 549 5.1.3.10).
    qtbot.waitUntil(lambda: narrator.state is NarrationState.SPEAKING, timeout=5000)
    duration_ms = narrator.duration_ms(started.args[0])
    assert duration_ms is not None
    assert duration_ms < 3000
    _touch(qtbot, kiosk)
    assert not narrator.active, "the touch that answers the warning silences it"


def test_the_log_of_a_visit_holds_none_of_the_patients_choices(
    qtbot: QtBot,
    make_kiosk: KioskFactory,
    printers: CupsServer,  # noqa: ARG001
    tmp_path: Path,
) -> None:
    logs = setup_logging(tmp_path / "logs", console=False)
    try:
        # Long enough to print before the visit ends, short enough to wait for.
        kiosk = make_kiosk(LANDSCAPE, replace(QUICK, idle_timeout_s=3, printer=Q_PDF))
        _start_a_visit(qtbot, kiosk)
        window = kiosk.window
        window.questions_button.click()
        tap(qtbot, window.questions_page.print_button)
        qtbot.waitUntil(
            lambda: "have printed" in window.questions_page.print_status.text(), timeout=20000
        )
        with qtbot.waitSignal(kiosk.visit.was_reset, timeout=10000):
            pass
    finally:
        logs.close()
    assert logs.file is not None
    text = logs.file.read_text(encoding="utf-8")
    assert "print job" in text, "the log is written"
    for question in kiosk.leaflet.questions:
        assert question.text not in text
    for section in kiosk.leaflet.sections[1:]:  # the first is headed by the leaflet's title
        assert section.heading not in text, "nor which pages were read"

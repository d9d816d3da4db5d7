"""Random use of the real kiosk: patients and staff tap, press keys, wait, read aloud and break
the printer in random order, and what must always hold is checked after every step; then a
storm of a thousand taps."""

from __future__ import annotations

import itertools
import logging
import random
import re
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any

import pytest
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from PySide6.QtCore import QPoint, Qt
from PySide6.QtMultimedia import QAudioSink, QtAudio
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from pytestqt.qtbot import QtBot

from harness.audio import PulseServer
from harness.cups import Q_PDF, CupsServer
from kiosk.app import Kiosk, build
from kiosk.config import Config
from kiosk.narration.narrator import NarrationState
from kiosk.printing.service import PrintState
from kiosk.session import HOME, Page
from kiosk.session.idle import IdleState
from kiosk.staff.pin import hash_pin
from kiosk.ui.buttons import BigButton, QuestionRow
from kiosk.ui.scrolling import ScrollPage
from kiosk.ui.text import TextView
from kiosk.ui.window import KioskWindow, Screen
from tests.ui.conftest import LANDSCAPE

PIN = "2468"
WRONG_PIN = "1357"
# Short quiet spells, so that the idle warning and the end of a visit come within a step or
# two (the configuration file allows no less than 30 s and 20 s). The printer gives up on a
# job after 5 s, so a kiosk closed while its job waits on a paused queue closes soon.
CONFIG = Config(
    idle_timeout_s=0.4,
    idle_warning_s=0.3,
    printer=Q_PDF,
    print_timeout_s=5,
    staff_pin_hash=hash_pin(PIN, salt=b"random-use-salt!"),
)
# For the tests of one sequence each: no idle warning unless they wait two minutes.
STEADY = replace(CONFIG, idle_timeout_s=120, idle_warning_s=30)
# The keys a keypad or keyboard sends: every bound action, a digit for the PIN pad, and
# Escape, which must do nothing.
KEYS = (
    "Down",
    "Up",
    "Tab",
    "Return",
    "Space",
    "Backspace",
    "F1",
    "Plus",
    "Minus",
    "Left",
    "Right",
    "PageDown",
    "PageUp",
    "5",
    "Escape",
)
_KEY_CODES = {name: getattr(Qt.Key, f"Key_{name}") for name in KEYS}
# The controls a patient goes for on purpose, besides random taps.
NAMED_CONTROLS = (
    "My questions",
    "Listen",
    "Stop",
    "Pause",
    "Repeat",
    "Larger",
    "Smaller",
    "Contrast",
    "Back",
    "Home",
    "Next",
)
_COUNT = re.compile(r"\((\d+)\)")
_READABLE = (TextView, BigButton, QuestionRow)
_QT_WARNINGS = frozenset({"QtWarningMsg", "QtCriticalMsg", "QtFatalMsg"})

# The same examples on every run and every machine, and nothing kept between runs. Each
# example builds a kiosk (about half a second) and runs up to 40 steps.
RANDOM_USE = settings(
    max_examples=25,
    stateful_step_count=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
STORM_TAPS = 1000


@dataclass
class Problems:
    """What went wrong while the kiosk ran: errors in the kiosk's log, Qt warnings, and
    exceptions that reached ``sys.excepthook`` (PySide6 hands it those raised in slots and
    event handlers, and carries on)."""

    caplog: pytest.LogCaptureFixture
    qtlog: Any  # pytest-qt's capture of Qt messages, with the ignore patterns applied
    unexpected: list[str] = field(default_factory=list)
    # Where the current example's records start: each example is judged on its own, so that
    # Hypothesis can replay and shrink a failing one.
    _since: tuple[int, int, int] = (0, 0, 0)

    def hook(
        self, kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        self.unexpected.append("".join(traceback.format_exception(kind, error, trace)))

    def start(self) -> None:
        """From now on: what went wrong before does not count (it failed its own example)."""
        self._since = (len(self.caplog.records), len(self.qtlog.records), len(self.unexpected))

    def assert_none(self) -> None:
        logged, qt, raised = self._since
        errors = [
            record.getMessage()
            for record in self.caplog.records[logged:]
            if record.name.startswith("kiosk") and record.levelno >= logging.ERROR
        ]
        assert errors == [], "errors were logged"
        warnings = [
            record.message
            for record in self.qtlog.records[qt:]
            if record.type_name in _QT_WARNINGS and not record.ignored
        ]
        assert warnings == [], "Qt warned"
        assert self.unexpected[raised:] == [], "\n".join(self.unexpected[raised:])


@pytest.fixture
def problems(
    caplog: pytest.LogCaptureFixture, qtlog: Any, monkeypatch: pytest.MonkeyPatch
) -> Problems:
    found = Problems(caplog, qtlog)
    monkeypatch.setattr(sys, "excepthook", found.hook)
    return found


def kiosk_for_random_use(qtbot: QtBot, config: Config) -> Kiosk:
    """The kiosk as patients get it (full screen and locked), reading aloud and printing, on
    the welcome screen, with its voice ready."""
    kiosk = build(config, screen=LANDSCAPE, windowed=False, narration=True)
    kiosk.window.resize(LANDSCAPE.width_px, LANDSCAPE.height_px)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    narrator = kiosk.narrator
    assert narrator is not None
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=10000)
    return kiosk


def close(kiosk: Kiosk) -> None:
    """Close the kiosk and let Qt delete its window, so that its application-wide event
    filters do not pile up over the examples."""
    kiosk.close()
    kiosk.window.deleteLater()


# What a patient does ----------------------------------------------------------------------------


def name_of(widget: QWidget) -> str:
    if isinstance(widget, QAbstractButton):
        return repr(widget.accessibleName() or widget.text())
    if isinstance(widget, TextView):
        return f"text {widget.text()[:30]!r}"
    return type(widget).__name__


def touch(qtbot: QtBot, window: KioskWindow, point: QPoint) -> QWidget:
    """A finger on the window at ``point``: whatever is on top there takes the tap (an overlay
    such as "Are you still here?" included). Returns what was touched."""
    target = window.childAt(point) or window
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, point))
    return target


def tap(qtbot: QtBot, window: KioskWindow, control: QWidget) -> QWidget:
    """Scroll ``control`` into view, as a patient drags the page, and touch its middle."""
    page = _scroll_page_of(control)
    if page is not None:
        page.ensureWidgetVisible(control, 0, 0)
    return touch(qtbot, window, control.mapTo(window, control.rect().center()))


def _scroll_page_of(widget: QWidget) -> ScrollPage | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, ScrollPage):
        parent = parent.parentWidget()
    return parent


def controls(window: KioskWindow) -> list[QWidget]:
    """What a patient could tap now: every control on screen that can be used, "Are you still
    here?" when it shows, and the welcome screen. Not "Quit the kiosk": it ends the program."""
    screen = window.screen_widget(window.showing())
    found: list[QWidget] = [
        button
        for button in screen.findChildren(QAbstractButton)
        if button.isVisible()
        and button.isEnabled()
        and button is not window.staff_panel.quit_button
    ]
    if window.idle_panel.isVisible():
        found += [window.idle_panel.stay_button, window.idle_panel]
    if window.showing() is Screen.WELCOME:
        found.append(window.welcome_screen)
    return found


def named_control(window: KioskWindow, name: str) -> QWidget:
    return {
        "My questions": window.questions_button,
        "Listen": window.listen_button,
        "Stop": window.stop_button,
        "Pause": window.pause_button,
        "Repeat": window.repeat_button,
        "Larger": window.larger_button,
        "Smaller": window.smaller_button,
        "Contrast": window.contrast_button,
        "Back": window.back_button,
        "Home": window.home_button,
        "Next": window.next_button,
    }[name]


def press(qtbot: QtBot, window: KioskWindow, key: str) -> None:
    """A key, sent where the keyboard's focus is (as a keypad's keys arrive)."""
    focus = QApplication.focusWidget()
    target = focus if focus is not None and focus.window() is window else window
    qtbot.keyClick(target, _KEY_CODES[key])


def corner_gesture(qtbot: QtBot, window: KioskWindow) -> None:
    """Five quick taps in the top right-hand corner: staff asking for the PIN pad."""
    for _ in range(5):
        touch(qtbot, window, QPoint(window.width() - 8, 8))


def pages(kiosk: Kiosk) -> list[ScrollPage]:
    window = kiosk.window
    return [window.home_page] + [
        window.page_widget(Page(index)) for index in range(len(kiosk.leaflet.sections))
    ]


# What must always hold --------------------------------------------------------------------------


def assert_consistent(kiosk: Kiosk, problems: Problems, *, stray_streams: int = 0) -> None:
    """What holds after any step, whatever the patient or staff did. ``stray_streams``: sound
    streams that were playing on the audio server before this kiosk was built (a test before
    this one may have left one)."""
    assert_counts_agree(kiosk)
    assert_screen_follows_the_visit(kiosk)
    assert_one_narration_at_most(kiosk, stray_streams)
    assert_highlight_on_screen(kiosk)
    problems.assert_none()
    if kiosk.window.showing() is Screen.WELCOME:
        assert_no_visit_remains(kiosk)


def assert_counts_agree(kiosk: Kiosk) -> None:
    """The question count shown equals the questions ticked, everywhere it shows."""
    window, ticked = kiosk.window, kiosk.visit.ticked
    page = window.questions_page
    label = _COUNT.search(window.questions_button.text())
    assert label is not None, window.questions_button.text()
    assert int(label.group(1)) == len(ticked), "My questions (N) on the top bar"
    # In the words of the visit's language (a random tap may have been on "Español").
    translate = QApplication.translate
    assert window.questions_button.accessibleName() == translate(
        "KioskWindow", "My questions: {0} ticked"
    ).format(len(ticked))
    assert {row.number for row in page.rows if row.isChecked()} == set(ticked), "ticked rows"
    assert page.count_text.text() == translate(
        "QuestionsPage", "Questions ticked: {0} of {1}"
    ).format(len(ticked), len(page.rows))
    assert [row.text() for row in page.rows] == [
        question.text for question in kiosk.leaflets[kiosk.visit.language].questions
    ], "the questions in the visit's language"
    shown = [row.text() for row in page.rows if row.isChecked()]
    assert page.preview.text() == "\n".join(f"• {text}" for text in shown), "what will print"


def assert_screen_follows_the_visit(kiosk: Kiosk) -> None:
    """What the screen shows is what the visit holds, and a visit on screen always ends by
    itself: its idle watch runs, and "Are you still here?" shows exactly while it warns."""
    visit, window, idle = kiosk.visit, kiosk.window, kiosk.idle
    if window.showing() is Screen.LEAFLET:
        assert visit.under_way
        assert window.current_page() is window.page_widget(visit.page)
    if visit.under_way:
        assert idle.state is not IdleState.OFF, "a visit nobody watches never ends"
    assert window.idle_panel.isVisible() == (idle.state is IdleState.WARNING)
    assert window.contrast_button.isChecked() == (visit.theme == "high_contrast")
    assert window.smaller_button.isEnabled() == (visit.text_step > 0)
    assert window.larger_button.isEnabled() == (visit.text_step < 4)
    assert window.slower_button.isEnabled() == visit.can_change_rate(-1)
    assert window.faster_button.isEnabled() == visit.can_change_rate(+1)
    assert window.quieter_button.isEnabled() == visit.can_change_volume(-1)
    assert window.louder_button.isEnabled() == visit.can_change_volume(+1)


def playing_streams() -> list[str]:
    """The playback streams of the private audio server that are not corked (paused)."""
    said = subprocess.run(
        ["pactl", "list", "sink-inputs"], capture_output=True, text=True, check=True, timeout=10
    ).stdout
    return [line for line in said.splitlines() if line.strip() == "Corked: no"]


def assert_one_narration_at_most(kiosk: Kiosk, stray_streams: int = 0) -> None:
    """At most one sound plays, at the kiosk and at the audio server, and none while nothing
    is being read; the speech controls show exactly while something is."""
    narrator = kiosk.narrator
    assert narrator is not None
    most = 1 if narrator.active else 0
    open_sinks = [
        sink.state()
        for sink in narrator.findChildren(QAudioSink)
        if sink.state() is not QtAudio.State.StoppedState
    ]
    assert len(open_sinks) <= most, f"audio outputs open while {narrator.state}: {open_sinks}"
    streams = playing_streams()
    assert len(streams) <= most + stray_streams, (
        f"streams playing on the audio server while {narrator.state}"
    )
    window = kiosk.window
    if window.showing() is Screen.LEAFLET:
        assert window.stop_button.isVisible() == narrator.active, "the speech controls"
    if narrator.active:  # what is read aloud is on the screen shown now
        screen = window.screen_widget(window.showing())
        for index in itertools.count():
            utterance = narrator.utterance(index)
            if utterance is None:
                break
            target = utterance.target
            if isinstance(target, QWidget):
                assert screen.isAncestorOf(target), (
                    f"reading {name_of(target)} aloud, which is not on {window.showing()}"
                )


def assert_highlight_on_screen(kiosk: Kiosk) -> None:
    """At most one thing is highlighted as being read, and it is on the screen shown now: on
    the current page or its bars, never on a page the patient has left."""
    window = kiosk.window
    reading = window.reading_widget()
    highlighted = [
        widget
        for widget in window.findChildren(QWidget)
        if isinstance(widget, _READABLE) and widget.reading() is not None
    ]
    assert highlighted == ([reading] if reading is not None else []), [
        name_of(widget) for widget in highlighted
    ]
    if reading is None:
        return
    assert kiosk.narrator is not None
    assert kiosk.narrator.active, "a highlight only while something is read"
    screen = window.screen_widget(window.showing())
    assert screen.isAncestorOf(reading), f"{name_of(reading)} is not on {window.showing()}"
    for page in pages(kiosk):
        if page is not window.current_page():
            assert not page.isAncestorOf(reading), f"{name_of(reading)} is on another page"


def assert_no_visit_remains(kiosk: Kiosk) -> None:
    """The welcome screen, and behind it the clinic's defaults: nothing of the last visit."""
    visit, window = kiosk.visit, kiosk.window
    assert not visit.under_way
    assert visit.ticked == frozenset()
    assert visit.page == HOME
    assert (visit.text_step, visit.theme) == (0, "standard"), "text size and colours"
    assert (visit.rate_wpm, visit.volume) == (135, 0.75), "speech rate and volume"
    assert visit.language == "en", "the clinic's default language"
    assert window.welcome_screen.title_view.text() == kiosk.leaflets["en"].title
    assert window.showing() is Screen.WELCOME
    assert window.welcome_screen.isVisible()
    assert not window.idle_panel.isVisible()
    assert not kiosk.announcer.talking, "talking mode ends with the visit"
    assert not kiosk.keys.frame.isVisible(), "no focus ring"
    assert window.reading_widget() is None
    assert kiosk.narrator is not None
    assert not kiosk.narrator.active, "the welcome screen is silent"
    assert kiosk.idle.state is IdleState.OFF
    assert not window.contrast_button.isChecked()
    assert window.questions_page.print_status.text() == "", "how the last printing went"
    for page in pages(kiosk):
        assert page.verticalScrollBar().value() == 0, "every page is back at its top"


# The state machine ------------------------------------------------------------------------------


def random_use_machine(
    qtbot: QtBot, printers: CupsServer, problems: Problems
) -> type[RuleBasedStateMachine]:
    """A state machine driving one real kiosk per run, with the test's fixtures.

    Every rule can be chosen at any time and does nothing when what it does is not on screen:
    a precondition on the kiosk's state would depend on timing (the idle timer, the voice),
    and Hypothesis needs the same choices to lead to the same steps.
    """

    class RandomUse(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            printers.enable(Q_PDF)  # every run starts with a printer that works
            printers.accept(Q_PDF)
            problems.start()
            self.stray_streams = len(playing_streams())
            self.kiosk = kiosk_for_random_use(qtbot, CONFIG)

        def teardown(self) -> None:
            close(self.kiosk)

        @property
        def window(self) -> KioskWindow:
            return self.kiosk.window

        def _tap_if_there(self, control: QWidget) -> None:
            if control.isVisible() and control.isEnabled():
                touched = tap(qtbot, self.window, control)
                note(f"tapped {name_of(control)}, touching {name_of(touched)}")
            else:
                note(f"{name_of(control)} is not there to tap")

        def _begin(self) -> None:
            """A patient who came for something touches the welcome screen first."""
            if self.window.showing() is Screen.WELCOME:
                self._tap_if_there(self.window.welcome_screen)

        def _open_my_questions(self) -> None:
            self._begin()
            if not self.window.questions_page.isVisible():
                self._tap_if_there(self.window.questions_button)

        # A patient's taps and keys -----------------------------------------------------------

        @rule(pick=st.integers(min_value=0, max_value=999))
        def tap_a_control(self, pick: int) -> None:
            found = controls(self.window)
            self._tap_if_there(found[pick % len(found)])

        @rule(x=st.integers(0, 99), y=st.integers(0, 99))
        def tap_anywhere(self, x: int, y: int) -> None:
            window = self.window
            point = QPoint(window.width() * x // 100, window.height() * y // 100)
            if window.childAt(point) is window.staff_panel.quit_button:
                note("not 'Quit the kiosk': it ends the program")
                return
            note(f"touched {name_of(touch(qtbot, window, point))}")

        @rule(name=st.sampled_from(NAMED_CONTROLS))
        def tap_the_control(self, name: str) -> None:
            self._begin()
            self._tap_if_there(named_control(self.window, name))

        @rule(number=st.integers(1, 5))
        def tick_a_question(self, number: int) -> None:
            self._open_my_questions()
            self._tap_if_there(self.window.questions_page.rows[number - 1])

        @rule(number=st.integers(1, 5))
        def print_my_questions(self, number: int) -> None:
            """A patient who came to print ticks a question first if none is ticked."""
            self._open_my_questions()
            if not self.kiosk.visit.ticked:
                self._tap_if_there(self.window.questions_page.rows[number - 1])
            self._tap_if_there(self.window.questions_page.print_button)

        @rule(then_ms=st.sampled_from([0, 100, 300]))
        def listen(self, then_ms: int) -> None:
            self._begin()
            self._tap_if_there(self.window.listen_button)
            qtbot.wait(then_ms)

        @rule(key=st.sampled_from(KEYS), times=st.integers(1, 3), then_ms=st.sampled_from([0, 250]))
        def press_a_key(self, key: str, times: int, then_ms: int) -> None:
            """Keys, then (in talking mode) hearing what the kiosk says about them."""
            for _ in range(times):
                press(qtbot, self.window, key)
            qtbot.wait(then_ms)

        @rule(ms=st.sampled_from([10, 50, 250]))
        def time_passes(self, ms: int) -> None:
            qtbot.wait(ms)

        # The end of a visit nobody finishes --------------------------------------------------

        @rule(until=st.sampled_from(["the warning", "the end of the visit"]))
        def nobody_touches(self, until: str) -> None:
            idle = self.kiosk.idle
            if idle.state is IdleState.OFF:
                note("no visit: nothing counts down")
            elif until == "the end of the visit":
                with qtbot.waitSignal(self.kiosk.visit.was_reset, timeout=5000):
                    pass
                assert_no_visit_remains(self.kiosk)
            elif idle.state is IdleState.WATCHING:
                with qtbot.waitSignal(idle.warning_started, timeout=5000):
                    pass
                assert self.window.idle_panel.isVisible()
            else:
                note("the warning shows already")

        @rule()
        def the_visit_is_reset(self) -> None:
            self.kiosk.visit.reset()  # what the end of the countdown and the crash guard do
            assert_no_visit_remains(self.kiosk)

        # Staff and the printer ---------------------------------------------------------------

        @rule(action=st.sampled_from(["corner gesture", "right PIN", "wrong PIN", "back"]))
        def staff(self, action: str) -> None:
            """Staff at the kiosk: the corner gesture, then a PIN (the gesture first if the
            PIN pad is not showing), or back to the leaflet."""
            window = self.window
            if action == "back":
                if window.showing() is Screen.STAFF:
                    self._tap_if_there(window.staff_panel.close_button)
                elif window.showing() is Screen.STAFF_PIN:
                    self._tap_if_there(window.pin_pad.cancel_button)
                else:
                    note("not in staff mode")
                return
            if window.showing() is not Screen.STAFF_PIN:
                corner_gesture(qtbot, window)
            if action != "corner gesture" and window.showing() is Screen.STAFF_PIN:
                for digit in PIN if action == "right PIN" else WRONG_PIN:
                    tap(qtbot, window, window.pin_pad.digit_buttons[digit])
                tap(qtbot, window, window.pin_pad.ok_button)

        @rule(state=st.sampled_from(["paused", "rejecting jobs", "ready"]))
        def the_printer_becomes(self, state: str) -> None:
            if state == "paused":
                printers.disable(Q_PDF)
            elif state == "rejecting jobs":
                printers.reject(Q_PDF)
            else:
                printers.enable(Q_PDF)
                printers.accept(Q_PDF)

        @invariant()
        def everything_agrees(self) -> None:
            assert_consistent(
                self.kiosk,
                problems,
                stray_streams=self.stray_streams,
            )

    return RandomUse


def test_random_use_by_patients_and_staff_keeps_the_kiosk_consistent(
    qtbot: QtBot,
    pulse: PulseServer,  # noqa: ARG001 - the kiosk reads aloud
    printers: CupsServer,
    problems: Problems,
) -> None:
    run_state_machine_as_test(random_use_machine(qtbot, printers, problems), settings=RANDOM_USE)


# The tap storm ----------------------------------------------------------------------------------


@pytest.fixture
def storm_kiosk(
    qtbot: QtBot,
    pulse: PulseServer,  # noqa: ARG001 - the kiosk reads aloud
    printers: CupsServer,  # noqa: ARG001 - and prints on the private CUPS
) -> Iterator[Kiosk]:
    kiosk = kiosk_for_random_use(qtbot, Config(printer=Q_PDF, print_timeout_s=5))
    yield kiosk
    close(kiosk)


def test_a_storm_of_a_thousand_taps_leaves_the_kiosk_responsive_and_consistent(
    qtbot: QtBot, storm_kiosk: Kiosk, problems: Problems
) -> None:
    kiosk, window = storm_kiosk, storm_kiosk.window
    stray = len(playing_streams())  # left by an earlier test, if any: this kiosk is silent
    chance = random.Random(1000)
    touched: dict[str, int] = {}
    for _ in range(STORM_TAPS):
        point = QPoint(chance.randrange(window.width()), chance.randrange(window.height()))
        kind = type(touch(qtbot, window, point)).__name__
        touched[kind] = touched.get(kind, 0) + 1
        QApplication.processEvents()  # as fast as the event loop takes them, no pause
    controls_hit = touched.get(BigButton.__name__, 0) + touched.get(QuestionRow.__name__, 0)
    assert controls_hit > 100, f"the storm hardly touched a control: {touched}"
    assert_consistent(kiosk, problems, stray_streams=stray)
    # Still responsive: the next taps on known controls do what they say.
    if window.idle_panel.isVisible():
        tap(qtbot, window, window.idle_panel.stay_button)
    if window.showing() is Screen.WELCOME:
        tap(qtbot, window, window.welcome_screen)
    assert window.showing() is Screen.LEAFLET
    tap(qtbot, window, window.questions_button)
    questions = Page(kiosk.leaflet.section_index(kiosk.leaflet.questions_section))
    assert kiosk.visit.page == questions
    ticked = kiosk.visit.is_ticked(1)
    tap(qtbot, window, window.questions_page.rows[0])
    assert kiosk.visit.is_ticked(1) is not ticked
    assert_consistent(kiosk, problems, stray_streams=stray)


# What the random use found, each on its own (fixed since, in 28ca8e5 and cd4e5db) --------------


def test_the_staff_gesture_silences_the_page_read_aloud(
    qtbot: QtBot,
    pulse: PulseServer,  # noqa: ARG001 - the kiosk reads aloud
) -> None:
    kiosk = kiosk_for_random_use(qtbot, STEADY)
    try:
        narrator = kiosk.narrator
        assert narrator is not None
        kiosk.visit.begin()
        kiosk.visit.go_to(Page(1))
        tap(qtbot, kiosk.window, kiosk.window.listen_button)
        qtbot.waitUntil(lambda: narrator.state is NarrationState.SPEAKING, timeout=10000)
        corner_gesture(qtbot, kiosk.window)
        assert kiosk.window.showing() is Screen.STAFF_PIN
        # The PIN pad has no Stop button: whatever plays now plays on (WCAG 1.4.2).
        assert not narrator.active, "the page is still being read aloud behind the PIN pad"
        assert kiosk.window.reading_widget() is None
    finally:
        close(kiosk)


def test_talking_mode_on_a_bar_button_leaves_the_page_where_it_is(
    qtbot: QtBot,
    pulse: PulseServer,  # noqa: ARG001 - talking mode speaks
) -> None:
    kiosk = kiosk_for_random_use(qtbot, STEADY)
    try:
        narrator = kiosk.narrator
        assert narrator is not None
        window = kiosk.window
        press(qtbot, window, "Down")  # a key starts the visit, in talking mode
        window.questions_button.click()  # the longest page on this screen
        page = window.current_page()
        press(qtbot, window, "PageDown")
        scrolled = page.verticalScrollBar().value()
        assert scrolled > 0
        with qtbot.waitSignal(narrator.sentence_started, timeout=10000):
            press(qtbot, window, "Up")  # from the page's heading up to the top bar's last button
        assert kiosk.keys.focused_item() is window.bars.language_buttons["es"]  # "Español"
        qtbot.waitUntil(lambda: not page.scroller_active(), timeout=5000)
        assert page.verticalScrollBar().value() == scrolled, "the page jumped to its top"
        # Before the fix Qt also warned "QWidget::mapTo(): parent must be in parent hierarchy",
        # which fails any test here (qt_log_level_fail) and went to the kiosk's log.
    finally:
        close(kiosk)


def test_a_job_printing_when_the_visit_ends_is_not_shown_to_the_next_patient(
    qtbot: QtBot,
    pulse: PulseServer,  # noqa: ARG001 - the kiosk reads aloud
    printers: CupsServer,  # noqa: ARG001 - and prints on the private CUPS
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.printing")
    kiosk = kiosk_for_random_use(qtbot, STEADY)
    try:
        window, page = kiosk.window, kiosk.window.questions_page
        tap(qtbot, window, window.welcome_screen)
        tap(qtbot, window, window.questions_button)
        tap(qtbot, window, page.rows[0])
        tap(qtbot, window, page.print_button)
        assert page.print_status.text() == "Printing your questions…"
        kiosk.visit.reset()  # the visit ends (as it does when nobody answers the warning)
        qtbot.waitUntil(  # the job printed in time or was withdrawn, and staff can read which
            lambda: any(
                record.name == "kiosk.printing"
                and (
                    record.getMessage().endswith(" completed") or "withdrawn" in record.getMessage()
                )
                for record in caplog.records
            ),
            timeout=20000,
        )
        tap(qtbot, window, window.welcome_screen)  # the next patient
        tap(qtbot, window, window.questions_button)
        assert kiosk.visit.ticked == frozenset()
        assert page.print_status.text() == "", "the next patient is told to collect a handout"
    finally:
        close(kiosk)


def test_a_closed_kiosk_opens_no_sound_output(
    qtbot: QtBot,
    pulse: PulseServer,  # noqa: ARG001 - the kiosk reads aloud
    printers: CupsServer,  # noqa: ARG001 - and prints on the private CUPS
) -> None:
    kiosk = kiosk_for_random_use(qtbot, STEADY)
    narrator = kiosk.narrator
    assert narrator is not None
    window, page = kiosk.window, kiosk.window.questions_page
    press(qtbot, window, "Down")  # a key starts the visit, in talking mode
    tap(qtbot, window, window.questions_button)
    tap(qtbot, window, page.rows[0])
    tap(qtbot, window, page.print_button)
    assert kiosk.printing.state is PrintState.PRINTING
    kiosk.close()  # as staff reloading the leaflet or quitting do; the job goes on to its end
    kiosk.window.deleteLater()
    # The job's outcome arrives, and talking mode would say it.
    qtbot.waitUntil(lambda: kiosk.printing.state is not PrintState.PRINTING, timeout=20000)
    try:
        assert not narrator.active, f"the closed kiosk's narrator is {narrator.state}"
        assert playing_streams() == [], "a sound output is open"
    finally:
        narrator.stop()  # closes the output it opened, for the tests after this one

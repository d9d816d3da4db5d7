"""The kiosk window: the same bars on every page around the page the patient is reading."""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAccessible, QMouseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QStackedLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import TEXT_SIZE_STEPS_PERCENT
from kiosk.content import ContentError, Leaflet, SectionKind
from kiosk.content.languages import language
from kiosk.content.library import Library, LibraryLeaflet, missing_language
from kiosk.narration.narrator import NarrationState, Narrator
from kiosk.session import HOME, ONLY_LEAFLET, TOPICS, Page, Visit
from kiosk.staff.gesture import CORNER_MM, CornerTaps
from kiosk.ui.accessible import set_role
from kiosk.ui.bars import Bars
from kiosk.ui.lockdown import LockDown
from kiosk.ui.metrics import Metrics
from kiosk.ui.pages import HomePage, QuestionsPage, SectionPage, Topic, TopicsPage
from kiosk.ui.reading import Readable, ReadingHighlight
from kiosk.ui.screens import HelpPanel, IdlePanel, WelcomeScreen
from kiosk.ui.scrolling import ScrollPage
from kiosk.ui.staff import PinPad, StaffPanel
from kiosk.ui.theme import THEMES

log = logging.getLogger("kiosk.ui")


# The bars may take at most this share of the window's height before the top one scrolls.
_MAX_BARS_SHARE = 0.4


class Screen(enum.Enum):
    """What fills the window."""

    WELCOME = enum.auto()  # between visits
    LEAFLET = enum.auto()  # a visit: the leaflet's pages with their bars
    STAFF_PIN = enum.auto()
    STAFF = enum.auto()


# After the window first shows, the section pages not built yet are built while the kiosk is
# idle, one small step per pass of the event loop: the welcome screen's first frames come first,
# and a patient's first visit of a page then costs what a later one does (benchmarks/pageturn.py).
IDLE_BUILD_DELAY_MS = 400
# In a kiosk of several leaflets, the home pages of the menu's first few topics are built
# ahead too (a patient's first tap is likely among them), and the section pages of each
# leaflet the patient opens; never every leaflet's, so that neither start-up nor memory grows
# with the number of leaflets.
HOMES_AHEAD = 3


@dataclass
class _LeafletPages:
    """One leaflet's pages in one language of the visit: home, and each section's once
    built (its questions section is the visit's questions page)."""

    leaflet: Leaflet  # as shown: in the visit's language, or the leaflet's own if it lacks it
    home: HomePage
    sections: list[ScrollPage | None]
    notice: str  # on each page when the leaflet is not in the visit's language; else ""


class KioskWindow(QWidget):
    """The whole patient-facing screen.

    Between visits it shows the welcome screen. During a visit, a bar at the top (my
    questions, text size, contrast) and one at the bottom (back, home, next) stay in the same
    place on every page. The window shows what the visit says and turns the patient's taps
    into changes of the visit; it keeps no state of its own.

    The leaflet is shown in the visit's language, and so are the kiosk's own words (the
    catalog installed for it, see ``kiosk.catalogs``): when the patient picks another
    language, the pages are built again from that language's leaflet, in the same place.

    Given a ``Library`` of several leaflets, the visit starts on a topic menu (``TOPICS``),
    a "Topics" button beside Home comes back to it, and one questions page holds the
    questions of every leaflet, each under its title. A leaflet's pages are built when first
    shown (or ahead, while the kiosk is idle, for the few it is likely to show next), in the
    visit's language, or, with a notice saying so, in the leaflet's own when it lacks that.

    Signals:
        staff_gesture_made: five quick taps in the top right-hand corner (see ``CornerTaps``).
        listen_requested(list): Listen was touched; the current page's script to read aloud.
        print_requested: Print was touched on the questions page while it was not printing.
        announced(str): the questions page said what its own controls did.
        leaflet_left_out(str, str): a leaflet of the menu was found broken and is left out
            (its id, and the problem for staff: file, line and what is wrong).
    """

    staff_gesture_made = Signal()
    listen_requested = Signal(list)  # the page's script: list[Utterance]
    print_requested = Signal()
    announced = Signal(str)  # the sentence
    leaflet_left_out = Signal(str, str)  # leaflet id, the problem

    def __init__(
        self,
        leaflets: Mapping[str, Leaflet] | Leaflet | Library,
        visit: Visit,
        metrics: Metrics,
        narrator: Narrator | None = None,
    ) -> None:
        """``leaflets``: the leaflet in each language the visit may take (by code); one
        leaflet alone for a kiosk with one language; or a library of leaflets, each of which
        the visit knows by its id (``Visit({id: question count}, first_page=TOPICS)``)."""
        super().__init__()
        self._library, self._leaflets = _library_or_leaflets(leaflets, visit.languages)
        self._visit = visit
        self._metrics = metrics
        self._narrator = narrator
        self._highlight: ReadingHighlight | None = None  # while reading aloud works
        self._before_warning: QWidget | None = None  # what had the focus when it showed
        self._lockdown = LockDown(self)
        self._corner_taps = CornerTaps(metrics.screen.px(CORNER_MM))
        self._last_press_ms = -1
        self.setAutoFillBackground(True)

        # The bars' controls, the same on every page (see ``Bars``).
        codes = visit.languages if self._library is not None else tuple(self._leaflets)
        names = {code: language(code).name for code in codes}
        self.bars = bars = Bars(metrics, names, self, topics=self._library is not None)
        self._name_controls(bars)
        self._stack = QStackedWidget()
        # Only a holder of pages: as a "layered pane" (Qt's role for it), Orca said so before
        # every page's heading.
        set_role(self._stack, QAccessible.Role.Client)
        # Each leaflet's pages in each language (by leaflet id, then the visit's language):
        # home and the questions now, each section's when first shown. Then the questions
        # page and the topic menu of each language.
        self._page_sets: dict[tuple[str, str], _LeafletPages] = {}
        self._questions_pages: dict[str, QuestionsPage] = {}
        self._topics_pages: dict[str, TopicsPage] = {}
        self._opened: list[str] = []  # the leaflets shown in this visit, in that order
        # The leaflets not yet read whole: each is, one per idle step, before the menu.
        self._unchecked: list[str] = [] if self._library is None else list(self._library.ids)
        self._build_pages()
        self.welcome_screen = WelcomeScreen("", None, metrics, languages=names)
        self._show_kiosk_title(visit.language)
        bars.show_language(visit.language)
        self.pin_pad = PinPad(metrics)
        self.staff_panel = StaffPanel(metrics)
        self._build_layout()
        self.idle_panel = IdlePanel(metrics, self)
        self.help_panel = HelpPanel(metrics, self)
        self._connect()
        self._on_theme_changed(visit.theme)
        self._on_text_step_changed(visit.text_step)
        self._on_ticked_changed()
        if self._library is None or visit.under_way:
            self._on_page_changed(visit.page)
        # (else the menu is built once the welcome screen shows, or the visit begins)
        # Section pages built ahead, one step per timeout: a zero timer fires only once the
        # events waiting (a touch among them) have been handled, so a step never delays one.
        # The pages still to build (False), then to lay out (True).
        self._idle_steps: list[tuple[Page, bool]] = []
        self._idle_build = QTimer(self)
        self._idle_build.setInterval(0)
        self._idle_build.timeout.connect(self._on_idle_build_due)
        self._idle_build_started = False
        app = QApplication.instance()
        if app is not None:
            # For the staff gesture; installed last, so that the events of building the
            # window do not pass through it.
            app.installEventFilter(self)

    def _name_controls(self, bars: Bars) -> None:
        """The bars' controls as the window's own (``window.home_button``)."""
        self.home_button = bars.home_button
        self.questions_button = bars.questions_button
        self.smaller_button = bars.smaller_button
        self.larger_button = bars.larger_button
        self.contrast_button = bars.contrast_button
        self.listen_button = bars.listen_button
        self.pause_button = bars.pause_button
        self.stop_button = bars.stop_button
        self.repeat_button = bars.repeat_button
        self.slower_button = bars.slower_button
        self.faster_button = bars.faster_button
        self.quieter_button = bars.quieter_button
        self.louder_button = bars.louder_button
        self.back_button = bars.back_button
        self.next_button = bars.next_button
        self.topics_button = bars.topics_button  # in a kiosk of several leaflets

    @property
    def several(self) -> bool:
        """Whether the kiosk offers several leaflets (a topic menu)."""
        return self._library is not None

    def _build_pages(self) -> None:
        """The pages of the visit's language that come first: in a kiosk of one leaflet, its
        home and the questions, the other sections' pages when first shown (page_widget); in
        a kiosk of several, the questions page, the menu when first shown. The welcome screen,
        which comes first, needs none of them, and the kiosk shows it sooner. Each language's
        pages are kept once built, so that switching back and forth builds nothing again."""
        if self._library is None:
            self._pages_of(ONLY_LEAFLET)
        else:
            self._questions_page(self._visit.language)

    def _pages_of(self, leaflet_id: str) -> _LeafletPages:
        """A leaflet's pages in the visit's language (home built now if need be)."""
        code = self._visit.language
        pages = self._page_sets.get((leaflet_id, code))
        if pages is not None:
            return pages
        started = time.perf_counter()
        leaflet, notice = self._shown_leaflet(leaflet_id, code)
        home = HomePage(leaflet, self._metrics, notice=notice)
        questions = self._questions_page(code, leaflet if self._library is None else None)
        sections: list[ScrollPage | None] = [
            questions if section.kind is SectionKind.QUESTIONS else None
            for section in leaflet.sections
        ]
        pages = self._page_sets[leaflet_id, code] = _LeafletPages(leaflet, home, sections, notice)
        self._stack.addWidget(home)
        if self._library is None:
            self._stack.addWidget(questions)  # after home, as it always was
        else:
            self._new_page(home)
        home.section_chosen.connect(lambda index: self._visit.go_to(Page(index, leaflet_id)))
        if self._library is not None:
            log.debug(
                "%s: home built in %.0f ms", leaflet_id, (time.perf_counter() - started) * 1000
            )
        return pages

    def _new_page(self, page: ScrollPage) -> None:
        """A page built after the window: it takes the text size and reading state now."""
        page.set_cue_font(self._metrics.control_font(self._visit.text_step))
        if self._narrator is not None:
            page.set_cue_allowed(not self._narrator.active)

    def _questions_page(self, code: str, leaflet: Leaflet | None = None) -> QuestionsPage:
        """The questions page of language ``code``: of the one leaflet, or of them all."""
        page = self._questions_pages.get(code)
        if page is not None:
            return page
        visit = self._visit
        if self._library is None:
            assert leaflet is not None
            page = QuestionsPage(leaflet, self._metrics)
        else:
            page = QuestionsPage(None, self._metrics, order=self._library.ids)
            self._stack.addWidget(page)
            self._new_page(page)
        self._questions_pages[code] = page
        page.question_toggled.connect(visit.toggle)
        page.clear_requested.connect(visit.clear_ticked)
        page.undo_requested.connect(visit.restore_ticked)
        page.print_requested.connect(self.print_requested)
        page.announced.connect(self.announced)
        return page

    def _topics_page(self) -> TopicsPage:
        """The topic menu in the visit's language, built from the leaflets' headers."""
        assert self._library is not None
        code = self._visit.language
        page = self._topics_pages.get(code)
        if page is not None:
            return page
        started = time.perf_counter()
        topics = [t for entry in self._library if (t := self._topic(entry, code)) is not None]
        page = self._topics_pages[code] = TopicsPage(topics, self._metrics)
        self._stack.addWidget(page)
        self._new_page(page)
        page.topic_chosen.connect(self._on_topic_chosen)
        log.info(
            "topic menu of %d leaflets built in %.0f ms",
            len(topics),
            (time.perf_counter() - started) * 1000,
        )
        return page

    def _topic(self, entry: LibraryLeaflet, code: str) -> Topic | None:
        """A leaflet on the menu: in ``code`` if it has it, else in its own language, saying
        so; ``None`` if not even that can be read (the log says why)."""
        shown = code if entry.has_language(code) else entry.default_language
        for attempt in dict.fromkeys((shown, entry.default_language)):
            try:
                header = entry.header(attempt)
                summary = entry.summary(attempt)
            except ContentError as error:
                log.warning("%s", error)
                continue
            note = ""
            if attempt != code:
                note = self.tr("Only in {0}").format(self._language_in_words(attempt))
            return Topic(entry.id, header.title, summary, note)
        return None

    @property
    def library(self) -> Library | None:
        """The leaflets of the topic menu, without any left out; None in a kiosk of one."""
        return self._library

    def _on_topic_chosen(self, leaflet_id: str) -> None:
        """A topic tapped: its home; a leaflet found broken only now (before the idle check
        reached it) is left out, and the menu stays, without it."""
        if self._library is None or leaflet_id not in self._library:
            return
        entry = self._library[leaflet_id]
        try:
            entry.leaflet(entry.default_language)
        except ContentError as error:
            self.leave_out(leaflet_id, error)
            return
        self._visit.go_to(Page(None, leaflet_id))

    def leave_out(self, leaflet_id: str, problem: ContentError) -> None:
        """Take a leaflet found broken off the menu (a menu on screen is built again at
        once, without it) and say so (``leaflet_left_out``)."""
        if self._library is None or leaflet_id not in self._library:
            return
        log.warning("%s is left out of the topic menu: %s", leaflet_id, problem)
        self._library = self._library.without(leaflet_id, problem)
        stale = list(self._topics_pages.values())
        self._topics_pages.clear()
        if self._stack.currentWidget() in stale:
            self._show_page(TOPICS)
        for page in stale:
            self._stack.removeWidget(page)
            page.deleteLater()
        self.leaflet_left_out.emit(leaflet_id, str(problem))

    def _check_next_leaflet(self) -> bool:
        """One idle step: read the next leaflet not read whole yet, and leave it out if it
        cannot be shown in its own language. False when every one has been."""
        while self._unchecked:
            leaflet_id = self._unchecked.pop(0)
            if self._library is None or leaflet_id not in self._library:
                continue
            entry = self._library[leaflet_id]
            problems = entry.check()
            if entry.default_language in problems:
                self.leave_out(leaflet_id, problems[entry.default_language])
            return True
        return False

    def _shown_leaflet(self, leaflet_id: str, code: str) -> tuple[Leaflet, str]:
        """The leaflet as shown in language ``code``, and the notice its pages carry when it
        is not in that language ("" when it is)."""
        if self._library is None:
            return self._leaflets[code], ""
        entry = self._library[leaflet_id]
        if entry.has_language(code):
            try:
                return entry.leaflet(code), ""
            except ContentError:
                pass  # told below, and shown in its own language
        log.warning("%s", missing_language(entry, code))
        leaflet = entry.leaflet(entry.default_language)
        notice = self.tr("This topic is not available in {0}. It is shown in {1}.").format(
            self._language_in_words(code), self._language_in_words(leaflet.language)
        )
        return leaflet, notice

    def _language_in_words(self, code: str) -> str:
        """A language's name in the words shown now ("inglés" to a Spanish reader), not in
        its own ("English"), which the language buttons use; its own for a language the
        catalogs do not name."""
        names = {"en": self.tr("English"), "es": self.tr("Spanish")}
        return names.get(code, language(code).name)

    def shown_leaflet(self, leaflet_id: str = ONLY_LEAFLET) -> Leaflet:
        """A leaflet (by its id in a kiosk of several) as the visit's language shows it."""
        return self._shown_leaflet(leaflet_id, self._visit.language)[0]

    def _current_leaflet_id(self) -> str:
        """The leaflet of the page shown, or read last from the menu (the first if none)."""
        if self._library is None:
            return ONLY_LEAFLET
        page = self._visit.page
        leaflet_id = self._visit.leaflet if page.topics else page.leaflet
        return leaflet_id or self._library.ids[0]

    @property
    def home_page(self) -> HomePage:
        """The home page of the leaflet shown now (or read last), in the visit's language."""
        return self._pages_of(self._current_leaflet_id()).home

    @property
    def questions_page(self) -> QuestionsPage:
        """The questions page in the visit's language."""
        if self._library is None:
            self._pages_of(ONLY_LEAFLET)
        return self._questions_page(self._visit.language)

    @property
    def topics_page(self) -> TopicsPage | None:
        """The topic menu in the visit's language (built now if need be); ``None`` in a kiosk
        of one leaflet."""
        return None if self._library is None else self._topics_page()

    def _show_kiosk_title(self, code: str) -> None:
        """The window's title and the welcome screen's, in language ``code``: the leaflet's
        in a kiosk of one, the kiosk's own words in a kiosk of several."""
        if self._library is None:
            leaflet = self._leaflets[code]
            self.setWindowTitle(leaflet.title)
            self.welcome_screen.show_leaflet(leaflet.title, leaflet.welcome, code)
            return
        title = self.tr("Patient information")
        self.setWindowTitle(title)
        self.welcome_screen.show_leaflet(title, None, code)

    def _build_layout(self) -> None:
        bars = self.bars
        self._top_bar, self._speech_bar, self._bottom_bar = bars.top, bars.speech, bars.bottom
        self._leaflet_area = QWidget()
        self._column = column = QVBoxLayout(self._leaflet_area)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(bars.top)
        column.addWidget(self._stack, 1)
        column.addWidget(bars.speech)
        column.addWidget(bars.bottom)
        self._top_bar_page: ScrollPage | None = None  # the page the top bar scrolls with
        self._screens = QStackedLayout(self)
        self._screen_widgets = {
            Screen.WELCOME: self.welcome_screen,
            Screen.LEAFLET: self._leaflet_area,
            Screen.STAFF_PIN: self.pin_pad,
            Screen.STAFF: self.staff_panel,
        }
        for widget in self._screen_widgets.values():
            self._screens.addWidget(widget)
        self._screens.setCurrentWidget(
            self._leaflet_area if self._visit.under_way else self.welcome_screen
        )

    def _connect(self) -> None:
        visit = self._visit
        visit.page_changed.connect(self._on_page_changed)
        visit.ticked_changed.connect(self._on_ticked_changed)
        visit.text_step_changed.connect(self._on_text_step_changed)
        visit.theme_changed.connect(self._on_theme_changed)
        visit.began.connect(self._on_visit_began)
        visit.was_reset.connect(self._on_visit_reset)
        self.welcome_screen.touched.connect(visit.begin)
        self.welcome_screen.language_chosen.connect(self._on_language_chosen)
        for code, button in self.bars.language_buttons.items():
            button.clicked.connect(lambda _=False, c=code: visit.set_language(c))
        visit.language_changed.connect(self._on_language_changed)
        self.home_button.clicked.connect(self._on_home_clicked)
        self.questions_button.clicked.connect(lambda: visit.go_to(self._questions_target()))
        if self.topics_button is not None:
            self.topics_button.clicked.connect(lambda: visit.go_to(TOPICS))
        self.smaller_button.clicked.connect(visit.smaller_text)
        self.larger_button.clicked.connect(visit.larger_text)
        self.contrast_button.clicked.connect(self._on_contrast_clicked)
        self.back_button.clicked.connect(lambda: self._step(-1))
        self.next_button.clicked.connect(lambda: self._step(+1))
        self.slower_button.clicked.connect(lambda: visit.change_rate(-1))
        self.faster_button.clicked.connect(lambda: visit.change_rate(+1))
        self.quieter_button.clicked.connect(lambda: visit.change_volume(-1))
        self.louder_button.clicked.connect(lambda: visit.change_volume(+1))
        visit.rate_changed.connect(self._on_speech_settings_changed)
        visit.volume_changed.connect(self._on_speech_settings_changed)
        self._on_speech_settings_changed()
        self.listen_button.clicked.connect(self.listen)
        if self._narrator is not None:
            narrator = self._narrator
            self.pause_button.clicked.connect(narrator.toggle_pause)
            self.stop_button.clicked.connect(narrator.stop)
            self.repeat_button.clicked.connect(narrator.repeat)
            narrator.state_changed.connect(self._on_narration_changed)
            narrator.availability_changed.connect(self._on_narration_changed)
            self._highlight = ReadingHighlight(narrator, self, self.current_page, self)
            self._on_narration_changed()
        visit.undo_offer_changed.connect(self._on_undo_offer_changed)

    def _on_undo_offer_changed(self, offered: bool) -> None:
        self.questions_page.show_undo(offered)  # the page of the language shown now

    def _on_visit_began(self) -> None:
        if self._library is not None and (
            not self.is_built(self._visit.page)
            or self._stack.currentWidget() is not self.page_widget(self._visit.page)
        ):
            self._show_page(self._visit.page)  # the menu, not shown before the first visit
        self.show_screen(Screen.LEAFLET)

    def _on_home_clicked(self) -> None:
        """Home: the home page of the leaflet shown, or of the one read last (on the menu)."""
        if self._library is None:
            self._visit.go_to(HOME)
        elif self._visit.leaflet:
            self._visit.go_to(Page(None, self._visit.leaflet))

    def _questions_target(self) -> Page:
        """Where My questions goes: the questions section of the leaflet shown or read last
        (or the first with ticks, or the first), which is the one questions page."""
        leaflet_id = self._current_leaflet_id()
        if self._library is not None and not self._visit.leaflet:
            leaflet_id = next(iter(self._visit.ticked_by_leaflet()), leaflet_id)
        leaflet, _ = self._shown_leaflet(leaflet_id, self._visit.language)
        return Page(leaflet.section_index(leaflet.questions_section), leaflet_id)

    def can_go_back(self) -> bool:
        """Whether Back leads anywhere from the page shown (a leaflet's home goes back to the
        menu in a kiosk of several)."""
        page = self._visit.page
        if page.topics:
            return False
        return page.section is not None or self._library is not None

    # What the patient sees -------------------------------------------------------------------

    @property
    def metrics(self) -> Metrics:
        return self._metrics

    def screen_widget(self, screen: Screen) -> QWidget:
        return self._screen_widgets[screen]

    def top_bar_items(self) -> list[QWidget]:
        """The top bar's controls on screen, in order (for moving through them by keys)."""
        return [b for b in self.bars.top_buttons if b.isVisibleTo(self)]

    def bottom_items(self) -> list[QWidget]:
        """The speech bar's and the bottom bar's controls on screen, in order."""
        topics = [] if self.topics_button is None else [self.topics_button]
        buttons = [
            *self.bars.speech_buttons,
            self.back_button,
            *topics,
            self.home_button,
            self.next_button,
        ]
        return [b for b in buttons if b.isVisibleTo(self)]

    def showing(self) -> Screen:
        widget = self._screens.currentWidget()
        return next(screen for screen, w in self._screen_widgets.items() if w is widget)

    def show_screen(self, screen: Screen) -> None:
        """Fill the window with ``screen``. The leaflet's pages leave the focus to whoever
        shows the page (its heading, or the keys' first item)."""
        self._drop_focus()
        self._screens.setCurrentWidget(self._screen_widgets[screen])
        if screen is not Screen.LEAFLET:
            self.hide_idle_warning()  # it belongs to the visit's pages
            self._screen_widgets[screen].setFocus()

    def _drop_focus(self) -> None:
        """Before what has the focus is hidden: Qt would hand the focus on to the next
        control in its chain and on, and a screen reader would say each one on the way
        ("Home", an unnamed filler) before the new page's heading."""
        focus = self.focusWidget()
        if focus is not None:
            focus.clearFocus()

    def show_idle_warning(self, seconds_left: int) -> None:
        """ "Are you still here?" over whatever is on screen; the focus goes to its button
        (a screen reader then says the whole warning) and comes back when it is answered."""
        focus = self.focusWidget()
        if not self.idle_panel.isVisible():
            self._before_warning = None if focus is None or focus.window() is not self else focus
        self.idle_panel.show_seconds_left(seconds_left)
        self.idle_panel.cover(self)
        self.idle_panel.stay_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def hide_idle_warning(self) -> None:
        if not self.idle_panel.isVisible():
            return
        back, self._before_warning = self._before_warning, None
        self._drop_focus()  # or Qt hands it on to the first control it finds (Listen)
        self.idle_panel.hide()
        if back is not None and back.isVisible():
            back.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_visit_reset(self) -> None:
        """Nothing of the last visit stays on screen: every page back at its top, no
        highlight, no warning; then the welcome screen."""
        for page in self._built_pages():
            page.to_top()
        self._clear_highlight()
        self.hide_idle_warning()
        self.help_panel.hide()
        self.pin_pad.clear()
        self.staff_panel.show_result("")
        if self._library is not None:
            self._opened.clear()  # the next patient's questions page shows none of these
            self._on_ticked_changed()
            self._show_bottom_controls(self._visit.page)  # Home: no leaflet read yet
        self.show_screen(Screen.WELCOME)

    # Languages ------------------------------------------------------------------------------

    @property
    def leaflet(self) -> Leaflet:
        """The leaflet shown now (or read last, or the menu's first), in the visit's language
        (or its own, if it lacks that one)."""
        return self._shown_leaflet(self._current_leaflet_id(), self._visit.language)[0]

    def _on_language_chosen(self, code: str) -> None:
        """A language button on the welcome screen: the visit begins in that language."""
        self._visit.set_language(code)
        self._visit.begin()

    def _on_language_changed(self, code: str) -> None:
        """Everything in ``code`` now (its catalog is already installed): the pages of its
        leaflet (built on its first use), in the same place on the page."""
        started = time.perf_counter()
        place = self.current_page().place()
        focus: QWidget | None = self.focusWidget()
        if focus is not None and self._stack.isAncestorOf(focus):
            self._drop_focus()  # its page goes out of view
            focus = None
        if self._top_bar_page is not None:  # the top bar scrolls with a page that goes
            self._top_bar_page.set_header(None)
            self._top_bar_page = None
            self._column.insertWidget(0, self._top_bar)
        self._clear_highlight()
        self._build_pages()
        if self._idle_build_started:
            self._build_ahead()  # this language's pages too, once the patient settles
        self._show_kiosk_title(code)
        self.bars.retranslate()
        self.bars.show_language(code)
        for widget in (self.idle_panel, self.help_panel, self.pin_pad, self.staff_panel):
            widget.retranslate()
        self._on_text_step_changed(self._visit.text_step)
        self._on_ticked_changed()
        self.questions_page.show_undo(self._visit.undo_offered)
        if self._narrator is not None:
            self._on_narration_changed()
        self._show_page(self._visit.page)
        self.current_page().go_to_place(place)
        if focus is not None and focus.isVisible():
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        log.info(
            "now in %s: %s (%.0f ms)",
            language(code).english_name,
            self.windowTitle(),
            (time.perf_counter() - started) * 1000,
        )

    def show_print_status(self, message: str, busy: bool) -> None:
        """How printing goes, on the questions page (see ``QuestionsPage.show_print_status``)."""
        self.questions_page.show_print_status(message, busy)

    def current_page(self) -> ScrollPage:
        page = self._stack.currentWidget()
        assert isinstance(page, ScrollPage)
        return page

    def page_widget(self, page: Page) -> ScrollPage:
        """The page's widget, built now if it has not been shown before."""
        if page.topics:
            return self._topics_page()
        pages = self._pages_of(page.leaflet)
        if page.section is None:
            return pages.home
        widget = pages.sections[page.section]
        if widget is None:
            section = pages.leaflet.sections[page.section]
            widget = SectionPage(section, self._metrics, notice=pages.notice)
            pages.sections[page.section] = widget
            self._stack.addWidget(widget)  # takes the window's font and colours from here
            self._new_page(widget)
        return widget

    def is_built(self, page: Page) -> bool:
        """Whether the page's widget exists yet (in the visit's language)."""
        code = self._visit.language
        if page.topics:
            return code in self._topics_pages
        pages = self._page_sets.get((page.leaflet, code))
        return pages is not None and (
            page.section is None or pages.sections[page.section] is not None
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._idle_build_started:
            self._idle_build_started = True
            QTimer.singleShot(IDLE_BUILD_DELAY_MS, self, self._build_ahead)

    def _build_ahead(self) -> None:
        """Build, while the kiosk is idle, the pages of the visit's language not built yet:
        a kiosk of one leaflet, all of them; a kiosk of several, the menu, the homes of its
        first few topics (``HOMES_AHEAD``), and the sections of each leaflet opened in this
        visit, never every leaflet's."""
        # A page not built yet is built, then laid out; one built already (the questions)
        # only laid out.
        if self._library is None:
            pages = [Page(i) for i in range(len(self._pages_of(ONLY_LEAFLET).sections))]
        else:
            firsts = [Page(None, i) for i in self._library.ids[:HOMES_AHEAD]]
            pages = [TOPICS, *firsts]
            for leaflet_id in self._opened:
                count = len(self._pages_of(leaflet_id).sections)
                pages += [Page(None, leaflet_id), *(Page(i, leaflet_id) for i in range(count))]
        self._idle_steps = [(page, self.is_built(page)) for page in dict.fromkeys(pages)]
        if self._idle_steps or self._unchecked:
            self._idle_build.start()

    def _on_idle_build_due(self) -> None:
        """One step: read the next leaflet of the menu not read yet; or build the next page,
        or lay out one built but never shown at the stack's size, so that showing it later
        only paints."""
        if self._check_next_leaflet():
            return
        while self._idle_steps:
            target, built = self._idle_steps.pop(0)
            if self._library is not None and target.leaflet not in ("", *self._library.ids):
                continue  # left out since
            if not built:
                if not self.is_built(target):  # not opened by the patient in the meantime
                    self.page_widget(target)
                    self._idle_steps.insert(0, (target, True))  # its layout, in the next step
                    return
                continue
            page = self.page_widget(target) if self.is_built(target) else None
            if page is not None and not page.isVisible():
                page.resize(self._stack.size())
                page.ensurePolished()
                layout = page.layout()
                if layout is not None:
                    layout.activate()
                return
        self._idle_build.stop()

    def _built_pages(self) -> list[ScrollPage]:
        """Every page built so far, in every language."""
        pages: list[ScrollPage | None] = [
            page for pages in self._page_sets.values() for page in (pages.home, *pages.sections)
        ]
        pages += [*self._questions_pages.values(), *self._topics_pages.values()]
        return list(dict.fromkeys(page for page in pages if page is not None))

    def top_bar_scrolls(self) -> bool:
        """Whether the top bar scrolls with the page instead of staying in place.

        On a small screen at a large text size, fixed bars would leave too little room for the
        text; then the top bar sits at the top of each page and scrolls away with it.
        """
        return self._fixed_bars_height(top=True) > self.height() * _MAX_BARS_SHARE

    def _fixed_bars_height(self, *, top: bool, bottom: bool = True) -> int:
        width = self.width()
        bars = [self._speech_bar] if self._speech_bar.isVisibleTo(self) else []
        bars += [self._top_bar] if top else []
        bars += [self._bottom_bar] if bottom else []
        return sum(bar.heightForWidth(width) for bar in bars)

    def _place_top_bar(self) -> None:
        """Arrange the bars so the text keeps room, on any screen at any text size.

        First the top bar scrolls away with the page; if the speech controls and Back/Home/Next
        together are still too tall, Back/Home/Next step aside while the page is read aloud
        (any of them would stop the reading anyway) and come back when it ends.
        """
        speaking = self._speech_bar.isVisibleTo(self)
        budget = self.height() * _MAX_BARS_SHARE
        self._bottom_bar.setVisible(not speaking or self._fixed_bars_height(top=False) <= budget)
        target = self.current_page() if self.top_bar_scrolls() else None
        if target is self._top_bar_page and (target or self._column.indexOf(self._top_bar) == 0):
            return
        if self._top_bar_page is not None:
            self._top_bar_page.set_header(None)
        else:
            self._column.removeWidget(self._top_bar)
        if target is None:
            self._column.insertWidget(0, self._top_bar)
            self._top_bar.lower()  # first of the area's children too: a screen reader's order
        else:
            target.set_header(self._top_bar)
        self._top_bar.show()
        self._top_bar_page = target

    # Locked down for patients --------------------------------------------------------------

    def lock(self, locked: bool) -> None:
        """While locked, patients cannot close the window, leave it by a key, or open a
        context menu (see ``LockDown``)."""
        self._lockdown.locked = locked

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(event, QMouseEvent)  # first: cheaper than event.type()'s enum
            and event.type() == QEvent.Type.MouseButtonPress
            and isinstance(watched, QWidget)
            and watched.window() is self
        ):
            self._note_press(event)
        return super().eventFilter(watched, event)

    def _note_press(self, event: QMouseEvent) -> None:
        """Count taps in the staff corner. A press the first widget ignores is offered to
        its parents as a copy of the same event; the timestamp tells the copies apart from
        a new tap."""
        if event.timestamp() == self._last_press_ms:
            return
        self._last_press_ms = event.timestamp()
        where = self.mapFromGlobal(event.globalPosition().toPoint())
        if not self.rect().contains(where):
            return
        if self._corner_taps.tap(where.x(), where.y(), self.width(), time.monotonic()):
            log.info("staff gesture made: asking for the staff PIN")
            self.staff_gesture_made.emit()

    def close_for_good(self) -> None:
        """Close the window even while locked (staff quitting, or the end of a test)."""
        self._lockdown.release()
        self.close()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_top_bar()
        self.idle_panel.setGeometry(self.rect())
        self.help_panel.setGeometry(self.rect())

    def _step(self, direction: int) -> None:
        page = self._visit.page
        if page.topics:
            return  # neither Back nor Next shows on the menu
        if page.section is None and direction < 0 and self._library is not None:
            self._visit.go_to(TOPICS)
            return
        position = -1 if page.section is None else page.section
        target = position + direction
        last = len(self._pages_of(page.leaflet).sections) - 1
        self._visit.go_to(Page(None if target < 0 else min(target, last), page.leaflet))

    def _on_page_changed(self, page: Page) -> None:
        self.help_panel.hide()
        if self._library is not None and not page.topics and page.leaflet not in self._opened:
            self._opened.append(page.leaflet)
            if self._idle_build_started:
                self._build_ahead()  # its sections, once the patient settles
        self.page_widget(page).to_top()
        self._drop_focus()
        self._show_page(page)

    def _show_bottom_controls(self, page: Page) -> None:
        """Back, Home, Topics and Next as they are on ``page``."""
        if page.topics:
            self.back_button.setVisible(False)
            self.next_button.setVisible(False)
        else:
            last = len(self._pages_of(page.leaflet).sections) - 1
            self.back_button.setVisible(self.can_go_back())
            self.next_button.setVisible(page.section is None or page.section < last)
        if self.topics_button is not None:
            self.home_button.setVisible(not page.topics or bool(self._visit.leaflet))
            self.topics_button.setVisible(not page.topics)

    def _show_page(self, page: Page) -> None:
        widget = self.page_widget(page)
        if self._library is not None and isinstance(widget, QuestionsPage):
            self._show_question_groups(widget)
        self._stack.setCurrentWidget(widget)
        self._place_top_bar()
        self._show_bottom_controls(page)
        self.next_button.set_label(
            self.tr("Start reading ›") if page.section is None else self.tr("Next ›")
        )
        self.next_button.setAccessibleName(
            self.tr("Start reading") if page.section is None else self.tr("Next page")
        )
        # Laid out now, not in later passes: a label that wraps ("Empezar a leer ›" at 200 %)
        # makes the bar taller, and the page's first frame must show it whole.
        bottom = self.bars.bottom.layout()
        if bottom is not None:
            bottom.activate()
        self._column.activate()
        if (
            self._library is not None
            and isinstance(widget, QuestionsPage)
            and page.section is not None
        ):
            widget.show_group(page.leaflet)  # this leaflet's questions, at the top of the view

    def _show_question_groups(self, page: QuestionsPage) -> None:
        """The questions of each leaflet opened in this visit, or ticked in, or shown now,
        each under its title, in the clinic's order."""
        assert self._library is not None
        visit = self._visit
        ticked = visit.ticked_by_leaflet()
        now = {visit.page.leaflet} if not visit.page.topics and visit.under_way else set()
        shown = [i for i in self._library.ids if i in self._opened or i in ticked or i in now]
        for leaflet_id in shown:
            if not page.has_group(leaflet_id):
                leaflet, notice = self._shown_leaflet(leaflet_id, visit.language)
                page.add_group(leaflet_id, leaflet, notice)
        page.show_groups(shown)
        page.show_ticks(ticked)

    def _on_ticked_changed(self) -> None:
        count = self._visit.tick_count
        label = self.tr("☑ My questions ({0})").format(count)
        self.questions_button.set_label(label)
        self.questions_button.setAccessibleName(self.tr("My questions: {0} ticked").format(count))
        if self._library is None:
            self.questions_page.show_ticked(self._visit.ticked)
        else:
            self._show_question_groups(self.questions_page)

    def _on_text_step_changed(self, step: int) -> None:
        self.setFont(self._metrics.body_font(step))
        controls = self._metrics.control_font(step)
        overlays = (self.idle_panel, self.help_panel)
        for widget in (self._top_bar, self._bottom_bar, self._speech_bar, *overlays):
            widget.setFont(controls)
        for page in self._built_pages():
            page.set_cue_font(controls)
        self._place_top_bar()
        last = len(TEXT_SIZE_STEPS_PERCENT) - 1
        self.smaller_button.setEnabled(step > 0)
        self.larger_button.setEnabled(step < last)

    def _on_theme_changed(self, name: str) -> None:
        self.setPalette(THEMES[name].palette())
        self.contrast_button.setChecked(name == "high_contrast")

    # Reading aloud ---------------------------------------------------------------------------

    def listen(self) -> None:
        """Ask for the current page to be read aloud from its top."""
        if self._narrator is None:
            return
        self.listen_requested.emit(self.current_page().script())

    def reading_widget(self) -> Readable | None:
        """The text or control highlighted as being read aloud, if any."""
        return None if self._highlight is None else self._highlight.widget()

    def _on_narration_changed(self) -> None:
        narrator = self._narrator
        assert narrator is not None
        state = narrator.state
        available = state is not NarrationState.UNAVAILABLE
        self.listen_button.setEnabled(available)
        self.listen_button.set_label(
            self.tr("♪ Listen") if available else self.tr("♪ Listen: sound is off")
        )
        self.listen_button.setAccessibleName(
            self.tr("Listen to this page") if available else self.tr("Listen: sound is off")
        )
        self._speech_bar.setVisible(narrator.active)
        for page in self._built_pages():
            page.set_cue_allowed(not narrator.active)
        paused = state is NarrationState.PAUSED
        self.pause_button.set_label(self.tr("▶ Resume") if paused else self.tr("❚❚ Pause"))
        self.pause_button.setAccessibleName(self.tr("Resume") if paused else self.tr("Pause"))
        self.pause_button.setEnabled(state is not NarrationState.PREPARING)
        if not narrator.active:
            self._clear_highlight()
        self._place_top_bar()

    def _on_speech_settings_changed(self) -> None:
        visit = self._visit
        self.slower_button.setEnabled(visit.can_change_rate(-1))
        self.faster_button.setEnabled(visit.can_change_rate(+1))
        self.quieter_button.setEnabled(visit.can_change_volume(-1))
        self.louder_button.setEnabled(visit.can_change_volume(+1))

    def _clear_highlight(self) -> None:
        if self._highlight is not None:
            self._highlight.clear()

    def _on_contrast_clicked(self) -> None:
        self._visit.set_theme(
            "standard" if self._visit.theme == "high_contrast" else "high_contrast"
        )


def _library_or_leaflets(
    leaflets: Mapping[str, Leaflet] | Leaflet | Library, codes: tuple[str, ...]
) -> tuple[Library | None, dict[str, Leaflet]]:
    """A library of several leaflets, or else the one leaflet by language."""
    if isinstance(leaflets, Library):
        if len(leaflets) > 1:
            return leaflets, {}
        return None, _only_leaflet(leaflets, codes)  # shown as a kiosk of one shows it
    if isinstance(leaflets, Leaflet):
        return None, {leaflets.language: leaflets}
    return None, dict(leaflets)


def _only_leaflet(library: Library, codes: tuple[str, ...]) -> dict[str, Leaflet]:
    """The one leaflet of ``library`` in each of ``codes`` it has, by code (as a kiosk of one
    leaflet takes it); a language it lacks shows its own, with a warning in the log (the
    kiosk should not offer it)."""
    (entry,) = library
    leaflets: dict[str, Leaflet] = {}
    for code in codes:
        if entry.has_language(code):
            try:
                leaflets[code] = entry.leaflet(code)
                continue
            except ContentError:
                pass  # told below
        log.warning("%s", missing_language(entry, code))
        leaflets[code] = entry.leaflet(entry.default_language)
    return leaflets

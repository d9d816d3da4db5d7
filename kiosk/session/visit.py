"""The visit model: ticked questions, text size, theme and current page of one patient."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.config import SPEECH_RATES_WPM, TEXT_SIZE_STEPS_PERCENT, THEMES, VOLUMES_PERCENT

# The leaflet of a kiosk that has one: its pages need not name it.
ONLY_LEAFLET = ""


@dataclass(frozen=True)
class Page:
    """A screen of the kiosk: a leaflet's home (``section is None``) or one of its sections,
    or, in a kiosk of several leaflets, the topic menu (``topics``). ``leaflet`` is the
    leaflet's id (kiosk.content.library); a kiosk of one leaflet leaves it empty."""

    section: int | None = None
    leaflet: str = ONLY_LEAFLET
    topics: bool = False


HOME = Page()  # the home page of a kiosk's one leaflet
TOPICS = Page(topics=True)  # the menu of leaflets

# How long Undo can bring back the ticks Clear all took away: twice the 10 s a patient needs
# at the least to hear "All ticks cleared. Press Undo to bring them back." and press it, and
# the 20 s WCAG 2.2.1 takes as enough time to act.
UNDO_CLEAR_S = 20.0


@dataclass(frozen=True)
class VisitDefaults:
    """What every visit starts with, as the clinic configured it."""

    text_step: int = 0  # index into TEXT_SIZE_STEPS_PERCENT
    theme: str = "standard"
    rate_step: int = 1  # index into SPEECH_RATES_WPM
    volume_step: int = 2  # index into VOLUMES_PERCENT
    language: str = "en"  # the clinic's default; the patient may pick another it offers
    languages: tuple[str, ...] = ("en",)  # what the kiosk offers, the default first or not
    first_page: Page = HOME  # where a visit starts: TOPICS in a kiosk of several leaflets

    @classmethod
    def from_settings(
        cls,
        text_size_percent: int,
        theme: str,
        speech_rate_wpm: int,
        volume_percent: int,
        *,
        language: str = "en",
        languages: tuple[str, ...] = ("en",),
        first_page: Page = HOME,
    ) -> VisitDefaults:
        return cls(
            TEXT_SIZE_STEPS_PERCENT.index(text_size_percent),
            theme,
            SPEECH_RATES_WPM.index(speech_rate_wpm),
            VOLUMES_PERCENT.index(volume_percent),
            language,
            languages if language in languages else (language, *languages),
            first_page,
        )


class Visit(QObject):
    """Everything one patient's visit holds. Nothing else keeps a copy of it.

    Ticks are kept per leaflet (by its id; ``ONLY_LEAFLET`` in a kiosk of one), by question
    number; the end of a visit clears them all.

    Signals:
        ticked_changed: the set of ticked questions changed, in any leaflet.
        undo_offer_changed(bool): Undo began (``True``) or stopped (``False``) being able to
            bring back the ticks Clear all took away.
        page_changed(Page): the patient moved to another page.
        text_step_changed(int): the text size step changed (index into the steps).
        theme_changed(str): the colour theme changed.
        rate_changed(int): the speech rate changed (words per minute).
        volume_changed(float): the speech volume changed (0 to 1).
        language_changed(str): the patient chose another language (its code, "es"), or the
            visit's end brought back the clinic's default.
        began: a patient touched the welcome screen; the visit is under way.
        was_reset: the visit was reset to the clinic's defaults; the welcome screen shows.
    """

    ticked_changed = Signal()
    undo_offer_changed = Signal(bool)  # whether Undo can bring back the cleared ticks
    page_changed = Signal(object)  # Page
    text_step_changed = Signal(int)  # step index
    theme_changed = Signal(str)  # theme name
    rate_changed = Signal(int)  # speech rate in words per minute
    volume_changed = Signal(float)  # speech volume, 0 to 1
    language_changed = Signal(str)  # language code
    began = Signal()
    was_reset = Signal()

    def __init__(
        self,
        question_count: int | Mapping[str, int],
        defaults: VisitDefaults,
        parent: QObject | None = None,
        *,
        undo_clear_s: float = UNDO_CLEAR_S,
    ):
        """``question_count``: how many questions each leaflet has, by id (a number alone for
        a kiosk of one leaflet)."""
        super().__init__(parent)
        if isinstance(question_count, int):
            question_count = {ONLY_LEAFLET: question_count}
        # Kept as given, not copied: a library counts a leaflet's questions when first asked.
        self._question_counts = question_count
        self._defaults = defaults
        self._ticked: set[tuple[str, int]] = set()  # (leaflet id, question number)
        self._cleared: frozenset[tuple[str, int]] = frozenset()  # what Undo brings back
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self._withdraw_undo)
        self.undo_clear_s = undo_clear_s  # how long Undo is offered after Clear all
        self._page = defaults.first_page
        self._leaflet = defaults.first_page.leaflet  # the leaflet read now, or last
        self._text_step = defaults.text_step
        self._theme = defaults.theme
        self._rate_step = defaults.rate_step
        self._volume_step = defaults.volume_step
        self._language = defaults.language
        self._under_way = False

    # Beginning ---------------------------------------------------------------------------------

    @property
    def under_way(self) -> bool:
        """Whether a patient is using the kiosk (``False``: the welcome screen shows)."""
        return self._under_way

    def begin(self) -> None:
        """A patient has touched the welcome screen."""
        if not self._under_way:
            self._under_way = True
            self.began.emit()

    # Questions -------------------------------------------------------------------------------

    @property
    def ticked(self) -> frozenset[int]:
        """The 1-based numbers of the ticked questions of a kiosk's one leaflet."""
        return self.ticked_in(ONLY_LEAFLET)

    def ticked_in(self, leaflet: str) -> frozenset[int]:
        """The 1-based numbers of the ticked questions of ``leaflet`` (its id)."""
        return frozenset(number for where, number in self._ticked if where == leaflet)

    @property
    def tick_count(self) -> int:
        """How many questions are ticked, in every leaflet together ("My questions (N)")."""
        return len(self._ticked)

    def ticked_by_leaflet(self) -> dict[str, frozenset[int]]:
        """The ticked questions of each leaflet that has any, in the order of ``question_count``."""
        return {
            leaflet: numbers
            for leaflet in self._question_counts
            if (numbers := self.ticked_in(leaflet))
        }

    def is_ticked(self, number: int, leaflet: str = ONLY_LEAFLET) -> bool:
        return (leaflet, number) in self._ticked

    def set_ticked(self, number: int, ticked: bool, leaflet: str = ONLY_LEAFLET) -> None:
        if leaflet not in self._question_counts:
            raise ValueError(
                f"no leaflet {leaflet!r}; there are {', '.join(self._question_counts)}"
            )
        count = self._question_counts[leaflet]
        if not 1 <= number <= count:
            raise ValueError(f"no question {number}; there are {count}")
        if ticked == ((leaflet, number) in self._ticked):
            return
        if ticked:
            self._ticked.add((leaflet, number))
        else:
            self._ticked.discard((leaflet, number))
        self.ticked_changed.emit()
        self._withdraw_undo()  # a new choice: Undo would overwrite it

    def toggle(self, number: int, leaflet: str = ONLY_LEAFLET) -> None:
        self.set_ticked(number, not self.is_ticked(number, leaflet), leaflet)

    def clear_ticked(self) -> frozenset[int]:
        """Untick every question of every leaflet (Clear all) and return what was ticked in a
        kiosk's one leaflet. For ``undo_clear_s`` seconds, or until a question is ticked, the
        page changes or the visit ends, ``restore_ticked`` brings them back: no single press
        erases a choice for good."""
        cleared = frozenset(self._ticked)
        if not cleared:
            return frozenset()
        only = self.ticked
        self._ticked.clear()
        self._cleared = cleared
        self._undo_timer.start(round(self.undo_clear_s * 1000))
        self.ticked_changed.emit()
        self.undo_offer_changed.emit(True)
        return only

    @property
    def undo_offered(self) -> bool:
        """Whether ``restore_ticked`` can bring back the ticks Clear all took away."""
        return bool(self._cleared)

    def restore_ticked(self) -> None:
        """Undo Clear all: tick again exactly the questions it cleared (nothing if the offer
        has ended)."""
        cleared = self._cleared
        if not cleared:
            return
        self._withdraw_undo()
        self._ticked = set(cleared)
        self.ticked_changed.emit()

    def _withdraw_undo(self) -> None:
        """The undo offer ends; the cleared ticks are forgotten for good."""
        self._undo_timer.stop()
        if self._cleared:
            self._cleared = frozenset()
            self.undo_offer_changed.emit(False)

    # Page ------------------------------------------------------------------------------------

    @property
    def page(self) -> Page:
        return self._page

    @property
    def leaflet(self) -> str:
        """The id of the leaflet the patient is reading, or read last before going to the
        topic menu (``ONLY_LEAFLET`` in a kiosk of one)."""
        return self._leaflet

    @property
    def first_page(self) -> Page:
        """Where a visit starts: the home page, or the topic menu of a kiosk of several."""
        return self._defaults.first_page

    def go_to(self, page: Page) -> None:
        if page != self._page:
            self._withdraw_undo()  # Undo is offered on the questions page only
            self._page = page
            if not page.topics:
                self._leaflet = page.leaflet
            self.page_changed.emit(page)

    # Text size and theme ---------------------------------------------------------------------

    @property
    def text_step(self) -> int:
        return self._text_step

    @property
    def text_size_percent(self) -> int:
        return TEXT_SIZE_STEPS_PERCENT[self._text_step]

    def set_text_step(self, step: int) -> None:
        step = max(0, min(step, len(TEXT_SIZE_STEPS_PERCENT) - 1))
        if step != self._text_step:
            self._text_step = step
            self.text_step_changed.emit(step)

    def larger_text(self) -> None:
        self.set_text_step(self._text_step + 1)

    def smaller_text(self) -> None:
        self.set_text_step(self._text_step - 1)

    @property
    def theme(self) -> str:
        return self._theme

    def set_theme(self, theme: str) -> None:
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}; use one of {', '.join(THEMES)}")
        if theme != self._theme:
            self._theme = theme
            self.theme_changed.emit(theme)

    # Speech rate and volume ------------------------------------------------------------------

    @property
    def rate_wpm(self) -> int:
        return SPEECH_RATES_WPM[self._rate_step]

    @property
    def volume(self) -> float:
        return VOLUMES_PERCENT[self._volume_step] / 100

    def can_change_rate(self, direction: int) -> bool:
        return 0 <= self._rate_step + direction < len(SPEECH_RATES_WPM)

    def can_change_volume(self, direction: int) -> bool:
        return 0 <= self._volume_step + direction < len(VOLUMES_PERCENT)

    def change_rate(self, direction: int) -> None:
        """One step slower (-1) or faster (+1), within the steps."""
        step = max(0, min(self._rate_step + direction, len(SPEECH_RATES_WPM) - 1))
        if step != self._rate_step:
            self._rate_step = step
            self.rate_changed.emit(self.rate_wpm)

    def change_volume(self, direction: int) -> None:
        """One step quieter (-1) or louder (+1), within the steps."""
        step = max(0, min(self._volume_step + direction, len(VOLUMES_PERCENT) - 1))
        if step != self._volume_step:
            self._volume_step = step
            self.volume_changed.emit(self.volume)

    # Language --------------------------------------------------------------------------------

    @property
    def language(self) -> str:
        return self._language

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the kiosk offers, in the clinic's order."""
        return self._defaults.languages

    def set_language(self, language: str) -> None:
        """Show, say and print everything in ``language`` from now on; page, scroll and ticks
        stay (the leaflets match question by question)."""
        if language not in self._defaults.languages:
            offered = ", ".join(self._defaults.languages)
            raise ValueError(f"the kiosk does not offer {language!r}; it offers {offered}")
        if language != self._language:
            self._language = language
            self.language_changed.emit(language)

    # The end of a visit ----------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the visit: clear the questions (with no undo), restore the clinic's
        defaults, go home, and show the welcome screen. Everything else that holds visit state
        listens to ``was_reset``."""
        self._withdraw_undo()
        if self._ticked:
            self._ticked.clear()
            self.ticked_changed.emit()
        self.set_text_step(self._defaults.text_step)
        self.set_theme(self._defaults.theme)
        self.change_rate(self._defaults.rate_step - self._rate_step)
        self.change_volume(self._defaults.volume_step - self._volume_step)
        self.set_language(self._defaults.language)
        self.go_to(self._defaults.first_page)
        self._leaflet = self._defaults.first_page.leaflet
        self._under_way = False
        self.was_reset.emit()

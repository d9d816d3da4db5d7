"""The visit model: ticked questions, text size, theme and current page of one patient."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from kiosk.config import TEXT_SIZE_STEPS_PERCENT, THEMES


@dataclass(frozen=True)
class Page:
    """A screen of the kiosk: the home screen (``section is None``) or a leaflet section."""

    section: int | None = None


HOME = Page()


@dataclass(frozen=True)
class VisitDefaults:
    """What every visit starts with, as the clinic configured it."""

    text_step: int = 0  # index into TEXT_SIZE_STEPS_PERCENT
    theme: str = "standard"

    @classmethod
    def from_percent(cls, text_size_percent: int, theme: str) -> VisitDefaults:
        return cls(TEXT_SIZE_STEPS_PERCENT.index(text_size_percent), theme)


class Visit(QObject):
    """Everything one patient's visit holds. Nothing else keeps a copy of it.

    Signals:
        ticked_changed: the set of ticked questions changed.
        page_changed(Page): the patient moved to another page.
        text_step_changed(int): the text size step changed (index into the steps).
        theme_changed(str): the colour theme changed.
        was_reset: the visit was reset to the clinic's defaults.
    """

    ticked_changed = Signal()
    page_changed = Signal(object)  # Page
    text_step_changed = Signal(int)  # step index
    theme_changed = Signal(str)  # theme name
    was_reset = Signal()

    def __init__(self, question_count: int, defaults: VisitDefaults, parent: QObject | None = None):
        super().__init__(parent)
        self._question_count = question_count
        self._defaults = defaults
        self._ticked: set[int] = set()
        self._page = HOME
        self._text_step = defaults.text_step
        self._theme = defaults.theme

    # Questions -------------------------------------------------------------------------------

    @property
    def ticked(self) -> frozenset[int]:
        """The 1-based numbers of the ticked questions."""
        return frozenset(self._ticked)

    def is_ticked(self, number: int) -> bool:
        return number in self._ticked

    def set_ticked(self, number: int, ticked: bool) -> None:
        if not 1 <= number <= self._question_count:
            raise ValueError(f"no question {number}; there are {self._question_count}")
        if ticked == (number in self._ticked):
            return
        if ticked:
            self._ticked.add(number)
        else:
            self._ticked.discard(number)
        self.ticked_changed.emit()

    def toggle(self, number: int) -> None:
        self.set_ticked(number, not self.is_ticked(number))

    def clear_ticked(self) -> None:
        if self._ticked:
            self._ticked.clear()
            self.ticked_changed.emit()

    # Page ------------------------------------------------------------------------------------

    @property
    def page(self) -> Page:
        return self._page

    def go_to(self, page: Page) -> None:
        if page != self._page:
            self._page = page
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

    # The end of a visit ----------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the visit: clear the questions, restore the clinic's defaults, go home."""
        self.clear_ticked()
        self.set_text_step(self._defaults.text_step)
        self.set_theme(self._defaults.theme)
        self.go_to(HOME)
        self.was_reset.emit()

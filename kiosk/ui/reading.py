"""The reading highlight: the text being read aloud, and in it the word being spoken."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from kiosk.narration.narrator import Narrator
from kiosk.ui.buttons import BigButton, QuestionRow
from kiosk.ui.scrolling import ScrollPage
from kiosk.ui.text import TextView

# What can be highlighted while it is read aloud.
Readable = TextView | BigButton | QuestionRow
_READABLE = (TextView, BigButton, QuestionRow)


class ReadingHighlight(QObject):
    """Follows the narrator's script (Listen's, or what talking mode says): the sentence being
    read is highlighted on screen, word by word where the voice reports its words, and the
    page scrolls to keep it in view. Nothing off screen is highlighted, and the highlight goes
    when reading ends (``clear``)."""

    def __init__(
        self,
        narrator: Narrator,
        window: QWidget,
        current_page: Callable[[], ScrollPage],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._narrator = narrator
        self._window = window
        self._current_page = current_page
        self._reading: Readable | None = None
        narrator.sentence_started.connect(self._on_sentence_started)
        narrator.word_started.connect(self._on_word_started)

    def widget(self) -> Readable | None:
        """The text or control highlighted now, if any."""
        return self._reading

    def clear(self) -> None:
        self._set(None)

    def _on_sentence_started(self, index: int) -> None:
        utterance = self._narrator.utterance(index)
        if utterance is None:
            return
        target = utterance.target
        if not isinstance(target, _READABLE) or not target.isVisibleTo(self._window):
            self._set(None)
            return
        self._set(target)
        target.show_reading(utterance.start, utterance.end)
        page = self._current_page()
        if page.content.isAncestorOf(target):  # a bar's button is in view already
            page.reveal(target, target.reading_rect())

    def _on_word_started(self, index: int, start: int, end: int) -> None:
        reading = self._reading
        utterance = self._narrator.utterance(index)
        if reading is not None and utterance is not None and utterance.target is reading:
            reading.show_word(start, end)

    def _set(self, target: Readable | None) -> None:
        if self._reading is not None and self._reading is not target:
            self._reading.clear_reading()
        self._reading = target

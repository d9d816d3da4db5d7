"""The one way the kiosk tells a patient what changed: its own voice, or the screen reader's."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QWidget

from kiosk.narration.narrator import Narrator
from kiosk.narration.script import Utterance
from kiosk.ui.screen_reader import ScreenReaderWatch
from kiosk.ui.text import TextView

log = logging.getLogger("kiosk.ui")


class Announcer(QObject):
    """Everything the kiosk says of its own accord goes through here: talking mode (what the
    keys moved to, what they did), the idle warning, print results and page changes.

    One rule, whatever order the signals were connected in: a patient's action silences
    reading aloud at once (``interrupt``), and what the kiosk has to say about that action
    plays after it. Sentences said while one event is handled are spoken together when it
    has been handled (a zero timer), so a stop that comes later in the same action cannot cut
    them off. (Before, "Printing your questions..." was stopped by the stop that the same tap
    set off, because that stop had been connected later.)

    Two listeners. Talking mode starts at a patient's first key and ends with the visit. When
    a screen reader runs (``ScreenReaderWatch``), it speaks the interface and the kiosk's voice
    keeps quiet, so two voices never talk over each other; Listen still reads the page. The
    screen reader is told through the accessible tree, in the ways Orca 43 speaks (it ignores
    announcement events): the focus on a page's heading, a notification shown afresh for each
    print result, and the "Are you still here?" alert, which takes the focus.

    Signals:
        said(str): a sentence was handed to the kiosk's voice (the spoken-text log).
    """

    said = Signal(str)  # the sentence

    def __init__(
        self,
        narrator: Narrator | None,
        screen_reader: ScreenReaderWatch | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._narrator = narrator
        self._screen_reader = screen_reader
        self.talking = False
        self._pending: list[Utterance] = []
        self._heading: QWidget | None = None  # to take the focus when this event is handled
        self._turn_end = QTimer(self)
        self._turn_end.setSingleShot(True)
        self._turn_end.setInterval(0)
        self._turn_end.timeout.connect(self._on_turn_ended)

    # Who listens ------------------------------------------------------------------------------

    @property
    def screen_reader_running(self) -> bool:
        return self._screen_reader is not None and self._screen_reader.enabled

    @property
    def voice_speaks_interface(self) -> bool:
        """Whether the kiosk's own voice says what changes (talking mode, no screen reader)."""
        return self.talking and not self.screen_reader_running

    def start_talking(self) -> None:
        if not self.talking:
            self.talking = True
            log.info("talking mode on")

    def stop_talking(self) -> None:
        self.talking = False
        self._forget_pending()

    # The voice -------------------------------------------------------------------------------

    def new_action(self) -> None:
        """A patient's key, handled next: what earlier keys left unsaid is dropped, as new
        speech replaces older speech (two quick keys can be handled before either's sentences
        are spoken)."""
        self._forget_pending()

    def interrupt(self) -> None:
        """A patient's action: reading aloud stops now. What is to be said about the action
        (said before or after this, in the same event) still plays."""
        if self._narrator is not None:
            self._narrator.stop()

    def silence(self) -> None:
        """Staff take over the screen: reading aloud stops, and nothing the patient's last
        actions left unsaid plays over the staff's screens."""
        self._forget_pending()
        self.interrupt()

    def say(self, *sentences: str, target: QWidget | None = None) -> None:
        """Say ``sentences`` in talking mode, after anything said in the same event, instead of
        anything being said. The first is about ``target``, highlighted while it is said."""
        if self.voice_speaks_interface:
            self._queue(sentences, target)

    def say_to_everyone(self, *sentences: str) -> None:
        """Say ``sentences`` to whoever stands here, in talking mode or not (the idle warning),
        unless a screen reader speaks for the kiosk."""
        if not self.screen_reader_running:
            self._queue(sentences, None)

    def read(self, script: list[Utterance]) -> None:
        """Read a page aloud (Listen), screen reader or not: the patient asked for it, so it
        replaces whatever the kiosk was about to say."""
        self._forget_pending()
        if self._narrator is not None:
            self._narrator.speak(script)

    def _queue(self, sentences: tuple[str, ...], target: QWidget | None) -> None:
        for index, text in enumerate(sentences):
            if text:
                self._pending.append(_utterance(text, target if index == 0 else None))
                self.said.emit(text)
        if self._pending:
            self._turn_end.start()

    def _forget_pending(self) -> None:
        self._pending.clear()
        self._heading = None
        self._turn_end.stop()

    def _on_turn_ended(self) -> None:
        heading, self._heading = self._heading, None
        if heading is not None and heading.isVisible() and not heading.hasFocus():
            heading.setFocus(Qt.FocusReason.OtherFocusReason)
        # Nothing is said about what has gone from the screen since it was asked for.
        script = [
            u for u in self._pending if not isinstance(u.target, QWidget) or u.target.isVisible()
        ]
        self._pending = []
        if self._narrator is not None and script:
            self._narrator.speak(script)

    # The screen reader ------------------------------------------------------------------------

    def show_page(self, heading: QWidget) -> None:
        """A new page shows after a touch: a screen reader follows the focus, so the focus
        goes to its heading once the touch has been handled (whatever else the touch moved it
        to), where a touch would otherwise leave it on the control touched, or nowhere. A touch
        shows no focus ring, so patients who do not use one see nothing of it."""
        self._heading = heading
        self._turn_end.start()

    def alert(self, widget: QWidget) -> None:
        """``widget`` (a notification, see ``accessible.set_role``) now says something a
        screen reader must speak at once, wherever the focus is (the print result). Orca 43
        speaks a notification when it shows, and not when its words change, so it is shown
        afresh; Qt sends nothing for an alert event, and Orca ignores announcements (both
        measured)."""
        if QAccessible.isActive() and widget.isVisible():
            widget.hide()
            widget.show()


def _utterance(text: str, target: QWidget | None) -> Utterance:
    """A sentence about ``target``: a text is highlighted whole, word by word when the voice
    reads its own words; a control is highlighted whole."""
    if isinstance(target, TextView):
        shown = target.text()
        return Utterance(shown, target, 0, len(shown), spoken=None if text == shown else text)
    if isinstance(target, QAbstractButton):
        shown = target.text()
        return Utterance(shown, target, 0, len(shown), spoken=text)
    return Utterance(text)

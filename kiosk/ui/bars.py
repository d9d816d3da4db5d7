"""The bars around every page: the same controls in the same place on every page."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.ui.buttons import BigButton, ButtonStyle
from kiosk.ui.flow import FlowLayout
from kiosk.ui.metrics import Metrics


class _Bar(QWidget):
    """The background of the top and bottom bars, set apart from the page by a rule."""

    def __init__(self, rule_at_top: bool) -> None:
        super().__init__()
        self._rule_at_top = rule_at_top

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        rule = max(2, self.fontMetrics().height() // 16)
        y = 0 if self._rule_at_top else self.height() - rule
        painter.fillRect(0, y, self.width(), rule, palette.color(QPalette.ColorRole.Mid))


class Bars(QObject):
    """The top bar (Listen, My questions, text size, contrast), the speech bar that shows while
    a page is read aloud (pause, stop, repeat, rate, volume), and the bottom bar (Back, Home,
    Next), with their controls. The window puts them around the page and decides where they
    go on a small screen; what the controls do is wired there too."""

    def __init__(
        self,
        metrics: Metrics,
        languages: Mapping[str, str] | None = None,
        parent: QObject | None = None,
        *,
        topics: bool = False,
    ) -> None:
        """``languages``: the codes of the languages offered and each one's own name.
        ``topics``: a kiosk of several leaflets, with a Topics button beside Home."""
        super().__init__(parent)
        languages = languages or {}
        self.home_button = BigButton("", metrics)
        self.topics_button = BigButton("", metrics) if topics else None
        self.questions_button = BigButton("", metrics)
        self.smaller_button = BigButton("", metrics, ButtonStyle.SECONDARY)
        self.larger_button = BigButton("", metrics, ButtonStyle.SECONDARY)
        self.contrast_button = BigButton("", metrics, ButtonStyle.SECONDARY)
        self.contrast_button.setCheckable(True)
        self.listen_button = BigButton("", metrics)
        self.pause_button = BigButton("", metrics)
        self.stop_button = BigButton("", metrics)
        self.repeat_button = BigButton("", metrics, ButtonStyle.SECONDARY)
        self.slower_button = BigButton("", metrics, ButtonStyle.SECONDARY)
        self.faster_button = BigButton("", metrics, ButtonStyle.SECONDARY)
        self.quieter_button = BigButton("", metrics, ButtonStyle.SECONDARY)
        self.louder_button = BigButton("", metrics, ButtonStyle.SECONDARY)
        self.back_button = BigButton("", metrics)
        self.next_button = BigButton("", metrics)
        # One button for each language the kiosk offers, labelled in that language's own
        # words ("Español"), so that a patient who reads only it finds it; the current
        # language's own button hides. None with one language.
        self.language_buttons: dict[str, BigButton] = {}
        if len(languages) > 1:
            for code, name in languages.items():
                button = BigButton(name, metrics, ButtonStyle.SECONDARY)
                button.setAccessibleName(name)
                self.language_buttons[code] = button
        self.retranslate()

        gap = metrics.gap_px
        self.top = top = _Bar(rule_at_top=False)
        top_flow = FlowLayout(top, spacing=gap * 2)
        top_flow.setContentsMargins(gap * 2, gap * 2, gap * 2, gap * 2)
        self.top_buttons = (
            self.listen_button,
            self.questions_button,
            self.smaller_button,
            self.larger_button,
            self.contrast_button,
            *self.language_buttons.values(),
        )
        for button in self.top_buttons:
            top_flow.addWidget(button)
        self.bottom = self._bottom_bar(gap)
        # While a page is read aloud, its controls appear above the bottom bar, in the same
        # place on every page.
        self.speech = speech_bar = _Bar(rule_at_top=True)
        speech_flow = FlowLayout(speech_bar, spacing=gap * 2)
        speech_flow.setContentsMargins(gap * 2, gap * 2, gap * 2, gap)
        self.speech_buttons = (
            self.pause_button,
            self.stop_button,
            self.repeat_button,
            self.slower_button,
            self.faster_button,
            self.quieter_button,
            self.louder_button,
        )
        for button in self.speech_buttons:
            speech_flow.addWidget(button)
        speech_bar.hide()

    def _bottom_bar(self, gap: int) -> _Bar:
        """Back, Home (and Topics beside it) and Next."""
        bottom_bar = _Bar(rule_at_top=True)
        bottom = QHBoxLayout(bottom_bar)
        bottom.setContentsMargins(gap * 2, gap * 2, gap * 2, gap * 2)
        bottom.setSpacing(gap * 2)
        bottom.addWidget(self.back_button)
        bottom.addStretch(1)
        steady = [self.back_button, self.next_button]
        if self.topics_button is not None:
            bottom.addWidget(self.topics_button)
            # Each hides where it leads nowhere (Topics on the menu, Home before a topic).
            steady += [self.topics_button, self.home_button]
        bottom.addWidget(self.home_button)
        bottom.addStretch(1)
        bottom.addWidget(self.next_button)
        for button in steady:
            policy = button.sizePolicy()
            policy.setRetainSizeWhenHidden(True)  # the other buttons never jump around
            button.setSizePolicy(policy)
        return bottom_bar

    def retranslate(self) -> None:
        """The controls' words in the language now installed (the window sets those that
        change with the visit: My questions, Next, Listen, Pause)."""
        for button, label, name in (
            (self.home_button, self.tr("⌂ Home"), self.tr("Home")),
            (self.smaller_button, self.tr("A− Smaller"), self.tr("Smaller text")),
            (self.larger_button, self.tr("A+ Larger"), self.tr("Larger text")),
            (self.contrast_button, self.tr("◐ Contrast"), self.tr("High contrast")),
            (self.listen_button, self.tr("♪ Listen"), self.tr("Listen to this page")),
            (self.pause_button, self.tr("❚❚ Pause"), self.tr("Pause")),
            (self.stop_button, self.tr("■ Stop"), self.tr("Stop")),
            (self.repeat_button, self.tr("↺ Repeat"), self.tr("Repeat the sentence")),
            (self.slower_button, self.tr("− Slower"), self.tr("Slower")),
            (self.faster_button, self.tr("+ Faster"), self.tr("Faster")),
            (self.quieter_button, self.tr("− Quieter"), self.tr("Quieter")),
            (self.louder_button, self.tr("+ Louder"), self.tr("Louder")),
            (self.back_button, self.tr("‹ Back"), self.tr("Back")),
            (self.next_button, self.tr("Next ›"), self.tr("Next page")),
        ):
            button.set_label(label)
            # What screen readers and talking mode say: the words without the symbols.
            button.setAccessibleName(name)
        if self.topics_button is not None:
            self.topics_button.set_label(self.tr("☰ Topics"))
            self.topics_button.setAccessibleName(self.tr("Topics"))

    def show_language(self, code: str) -> None:
        """Offer every language but ``code``, the one shown now."""
        for other, button in self.language_buttons.items():
            button.setVisible(other != code)

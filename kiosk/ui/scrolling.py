"""A page body that scrolls by dragging with a finger and shows when there is more below."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QFont, QLinearGradient, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.buttons import BigButton, ButtonStyle
from kiosk.ui.drag import DragScroller, DragState
from kiosk.ui.metrics import Metrics

if TYPE_CHECKING:  # the welcome screen, shown before the rest is imported, reads nothing aloud
    from kiosk.narration.script import Utterance

PAGE_DOWN_MS = 350


class ScrollPage(QScrollArea):
    """A vertically scrolling page body with kinetic finger scrolling and no horizontal scroll.

    While text is hidden below the visible part, the page behind the bottom of the text fades
    to a shade (the theme's ``fade``; the words themselves keep their full contrast) and a
    "More below" button floats over the fade; tapping it scrolls on by most of a screen, for
    patients who cannot drag.
    """

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metrics = metrics
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.viewport().setAutoFillBackground(False)
        self.content = QWidget()
        self.column = QVBoxLayout(self.content)
        self.setWidget(self.content)
        # setWidget turns the content's own background on; off, the window's shows through,
        # and the viewport's fade (paintEvent) with it, behind the text.
        self.content.setAutoFillBackground(False)
        # A finger drag scrolls (touch screens send it as a mouse drag when nothing else takes
        # the touch); a tap still reaches the control under the finger.
        viewport = self.viewport()
        self.dragging = DragScroller(viewport, self.verticalScrollBar(), metrics.screen.px(2.5))
        self._header: QWidget | None = None
        self._cue_allowed = True
        self._cue_shown = False
        self._fade_height = 0
        self._place: tuple[int, float] | None = None  # where to scroll once laid out
        self.more_button = BigButton("", metrics, ButtonStyle.SECONDARY, self)
        self.more_button.clicked.connect(self.page_down)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._update_cue)
        bar.rangeChanged.connect(self._update_cue)
        bar.rangeChanged.connect(self._go_to_place)
        ScrollPage.retranslate(self)
        viewport.installEventFilter(self)
        self._update_cue()

    def retranslate(self) -> None:
        """The page's own words in the language now installed."""
        self.more_button.set_label(self.tr("▼ More below"))
        # A screen reader's flat review meets it beside the page: "Position on the page, scroll
        # bar, 40 percent" tells a patient how far down they are, as the bar shows the eye.
        self.verticalScrollBar().setAccessibleName(self.tr("Position on the page"))
        self._update_cue()

    def place(self) -> tuple[int, float]:
        """Where the reader is: the item of the page's column at the top of the view, and how
        far into it (0 to 1). The same page in another language has the same items (the
        leaflets match paragraph by paragraph), so ``go_to_place`` finds the same text there."""
        top = self.verticalScrollBar().value()
        if top <= 0:
            return (0, 0.0)
        for index in range(self.column.count()):
            item = self.column.itemAt(index)
            geometry = item.geometry() if item is not None else None
            if geometry is not None and geometry.height() > 0 and geometry.bottom() >= top:
                return (index, (top - geometry.top()) / geometry.height())
        return (self.column.count(), 0.0)

    def go_to_place(self, place: tuple[int, float]) -> None:
        """Scroll to ``place`` (from ``place()``), now or as soon as the page is laid out."""
        self._place = place if place != (0, 0.0) else None
        self.dragging.stop()
        self.verticalScrollBar().setValue(0)
        self.column.activate()
        self._go_to_place()

    def _go_to_place(self) -> None:
        if self._place is None or self.verticalScrollBar().maximum() <= 0:
            return
        index, into = self._place
        item = self.column.itemAt(min(index, self.column.count() - 1))
        if item is None or item.geometry().height() <= 0:
            return  # not laid out yet: the range's change will bring it back here
        self._place = None
        geometry = item.geometry()
        self.verticalScrollBar().setValue(geometry.top() + round(into * geometry.height()))

    @property
    def more_below(self) -> bool:
        """Whether text is hidden below the visible part of the page."""
        bar = self.verticalScrollBar()
        return bar.value() < bar.maximum()

    def script(self) -> list[Utterance]:
        """What Listen reads on this page, in reading order, as it is shown right now."""
        return []

    def set_header(self, header: QWidget | None) -> None:
        """Put ``header`` at the top of the page, scrolling with it; ``None`` takes it away."""
        if self._header is not None:
            self.column.removeWidget(self._header)
        self._header = header
        if header is not None:
            self.column.insertWidget(0, header)
            header.lower()  # first of the content's children too: a screen reader's order

    def set_cue_font(self, font: QFont) -> None:
        """The "More below" button is a control: it takes the bars' size, not the text's."""
        self.more_button.setFont(font)
        self._update_cue()

    def page_down(self) -> None:
        """Scroll down by most of a screen, so the last visible line stays in view."""
        bar = self.verticalScrollBar()
        self.dragging.glide_to(bar.value() + round(self.viewport().height() * 0.75), PAGE_DOWN_MS)

    def reveal(self, widget: QWidget, rect: QRect) -> None:
        """Scroll so that ``rect`` of ``widget`` (the sentence being read) is in view.

        Nothing moves while it is already fully visible; otherwise it glides to a third of the
        way down, so the patient sees a little of what came before.
        """
        if rect.isNull():
            rect = widget.rect()
        top = widget.mapTo(self.content, rect.topLeft()).y()
        bar = self.verticalScrollBar()
        visible_top, height = bar.value(), self.viewport().height()
        cue = self.more_button.height() if self.more_below else 0
        if top >= visible_top and top + rect.height() <= visible_top + height - cue:
            return
        # A third of the way down when the sentence fits there, higher when it is tall.
        above = max(0, min(height // 3, height - rect.height() - cue))
        self.dragging.glide_to(top - above, PAGE_DOWN_MS)

    def set_cue_allowed(self, allowed: bool) -> None:
        """Hide the "More below" cue while the page is read aloud: the page follows the voice,
        and the cue would cover the words being read."""
        self._cue_allowed = allowed
        self._update_cue()

    def scroller_active(self) -> bool:
        """Whether the page is still moving from a drag, a flick or a "More below" tap."""
        return self.dragging.state is not DragState.IDLE

    def to_top(self) -> None:
        self._place = None
        self.dragging.stop()
        self.verticalScrollBar().setValue(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self._update_cue()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        """The viewport's background, under the text: the fade, while there is more below."""
        if not self._cue_shown:
            return
        viewport = self.viewport()
        painter = QPainter(viewport)
        top = viewport.height() - self._fade_height
        gradient = QLinearGradient(0, top, 0, viewport.height())
        palette = self.palette()
        gradient.setColorAt(0.0, palette.color(QPalette.ColorRole.Window))
        gradient.setColorAt(1.0, palette.color(QPalette.ColorRole.Midlight))  # Theme.fade
        painter.fillRect(0, top, viewport.width(), self._fade_height, gradient)

    def _update_cue(self) -> None:
        shown = self.more_below and self._cue_allowed
        viewport = self.viewport().geometry()
        button = self.more_button
        width = min(viewport.width(), button.sizeHint().width())
        height = button.heightForWidth(width)
        gap = self.metrics.gap_px
        fade_height = min(viewport.height() // 3, height * 2)
        button.setGeometry(
            viewport.x() + (viewport.width() - width) // 2,
            viewport.bottom() + 1 - height - gap,
            width,
            height,
        )
        button.setVisible(shown)
        button.raise_()
        if (shown, fade_height) != (self._cue_shown, self._fade_height):
            self._cue_shown, self._fade_height = shown, fade_height
            self.viewport().update()


def scroll_page_of(widget: QWidget) -> ScrollPage | None:
    """The scrolling page ``widget`` is on, if it is on one."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, ScrollPage):
            return parent
        parent = parent.parentWidget()
    return None

"""A page body that scrolls by dragging with a finger and shows when there is more below."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QScrollArea, QScroller, QVBoxLayout, QWidget

SCROLL_ANIMATION_MS = 350


class _Fade(QWidget):
    """A gradient over the bottom of the text: the words fade out where more follows."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        base = self.palette().color(QPalette.ColorRole.Window)
        clear = QColor(base)
        clear.setAlpha(0)
        gradient = QLinearGradient(0, 0, 0, self.height())
        gradient.setColorAt(0.0, clear)
        gradient.setColorAt(1.0, base)
        painter.fillRect(self.rect(), gradient)


class ScrollPage(QScrollArea):
    """A vertically scrolling page body with kinetic finger scrolling and no horizontal scroll.

    Signals:
        more_below_changed(bool): whether text is hidden below the visible part changed.
    """

    more_below_changed = Signal(bool)  # more below

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.viewport().setAutoFillBackground(False)
        self.content = QWidget()
        self.content.setAutoFillBackground(False)
        self.column = QVBoxLayout(self.content)
        self.setWidget(self.content)
        # A finger drag scrolls (touch screens also send it as a mouse drag); a tap still
        # reaches the button under the finger.
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        self._fade = _Fade(self)
        self._more_below = False
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scroll_changed)
        bar.rangeChanged.connect(self._on_scroll_changed)
        self.viewport().installEventFilter(self)

    @property
    def more_below(self) -> bool:
        return self._more_below

    def page_down(self) -> None:
        """Scroll down by most of a screen, so the last visible line stays in view."""
        bar = self.verticalScrollBar()
        target = min(bar.maximum(), bar.value() + round(self.viewport().height() * 0.8))
        QScroller.scroller(self.viewport()).scrollTo(QPointF(0, target), SCROLL_ANIMATION_MS)

    def to_top(self) -> None:
        QScroller.scroller(self.viewport()).stop()
        self.verticalScrollBar().setValue(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self._place_fade()
        return False

    def _place_fade(self) -> None:
        viewport = self.viewport().geometry()
        height = min(viewport.height() // 4, self.fontMetrics().height() * 2)
        self._fade.setGeometry(
            viewport.x(), viewport.bottom() - height + 1, viewport.width(), height
        )

    def _on_scroll_changed(self) -> None:
        bar = self.verticalScrollBar()
        more = bar.value() < bar.maximum()
        self._place_fade()
        self._fade.setVisible(more)
        self._fade.raise_()
        if more != self._more_below:
            self._more_below = more
            self.more_below_changed.emit(more)

"""The focus ring: where the keys are, shown around the item outside its words."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QWidget

from kiosk.ui.metrics import Metrics
from kiosk.ui.scrolling import ScrollPage, scroll_page_of


class FocusFrame(QWidget):
    """The focus indicator: a thick ring around the item the keys are on, outside it, so that
    it never covers the item's words. Two colours (the theme's focus colour, and the page
    colour inside it) keep it visible on any background."""

    def __init__(self, metrics: Metrics) -> None:
        super().__init__()
        self._metrics = metrics
        self._target: QWidget | None = None
        self._scrolling: ScrollPage | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    @property
    def ring_px(self) -> int:
        return max(4, self._metrics.screen.px(1.0))  # 1 mm: far past WCAG 2.4.13's 2 px

    @property
    def outset_px(self) -> int:
        """How far the ring reaches outside its item."""
        return self.ring_px + max(1, self.ring_px // 2)

    def follow(self, target: QWidget | None) -> None:
        """Ring ``target`` (``None``: no ring). The ring lives in the scrolling page's viewport
        (or the bar) around it, so that no narrow container between them clips it, and it
        moves when the page scrolls."""
        if self._target is not None:
            self._target.removeEventFilter(self)
        if self._scrolling is not None:
            self._scrolling.verticalScrollBar().valueChanged.disconnect(self._place)
            self._scrolling = None
        self._target = target
        if target is None or target.parentWidget() is None:
            self.hide()
            return
        self._scrolling = scroll_page_of(target)
        container = (
            self._scrolling.viewport() if self._scrolling is not None else target.parentWidget()
        )
        self.setParent(container)
        target.installEventFilter(self)
        if self._scrolling is not None:
            self._scrolling.verticalScrollBar().valueChanged.connect(self._place)
        self._place()
        self.raise_()

    def target(self) -> QWidget | None:
        return self._target

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._target and event.type() in (
            QEvent.Type.Move,
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.Hide,
        ):
            self._place()
        return False

    def _place(self) -> None:
        target, container = self._target, self.parentWidget()
        if target is None or container is None:
            return
        out = self.outset_px
        corner = target.mapTo(container, QPoint(0, 0))
        self.setGeometry(QRect(corner, target.size()).adjusted(-out, -out, out, out))
        self.setVisible(target.isVisible())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        ring = self.ring_px
        inner = max(1, ring // 2)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Accent), ring))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = ring / 2
        radius = self._metrics.screen.px(2) + ring
        painter.drawRoundedRect(
            self.rect().toRectF().adjusted(half, half, -half, -half), radius, radius
        )
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Window), inner))
        edge = ring + inner / 2
        painter.drawRoundedRect(
            self.rect().toRectF().adjusted(edge, edge, -edge, -edge), radius, radius
        )

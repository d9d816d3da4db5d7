"""Large touch buttons whose labels wrap, and the full-width question row."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QWidget

from kiosk.ui.metrics import Metrics, TextRole
from kiosk.ui.text import WrappedText

_ROLE = QPalette.ColorRole


# Symbols that help the eye find a control but mean nothing read aloud ("▼ More below").
_SYMBOLS = "♪☑⌂◐▼‹›↺■❚▶ "


def spoken_label(text: str) -> str:
    """A control's label as a screen reader or talking mode should say it."""
    return text.strip(_SYMBOLS)


class ButtonStyle(Enum):
    PRIMARY = "primary"  # filled: moving around the leaflet
    SECONDARY = "secondary"  # outlined: settings and less frequent actions


class _TouchControl(QAbstractButton):
    """What every touch control shares: a wrapping label that follows the inherited font, a
    height that follows the width. The keys' focus ring is drawn around it by ``FocusFrame``.

    A checkable one (a question row, High contrast) is a view of the visit: it never ticks
    itself. A touch, a key or the accessible Press emits ``clicked`` and leaves the state alone;
    the accessible Toggle (Qt's ``toggle()``, which flips the state and emits no ``clicked``)
    emits ``clicked`` too. Whatever owns the state answers ``clicked`` by calling ``setChecked``;
    a change nobody confirms is undone. So every way of pressing it does what a touch does
    (issue 13: Toggle showed a question ticked that the visit never recorded).
    """

    def __init__(
        self,
        text: str,
        metrics: Metrics,
        *,
        role: TextRole,
        alignment: Qt.AlignmentFlag,
        horizontal: QSizePolicy.Policy,
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self._metrics = metrics
        self._role = role
        self._reading = False
        self._label = WrappedText(text, alignment)
        self._name: str | None = None  # set by setAccessibleName; else the label's words
        self._following = False  # setChecked is showing the owner's state
        self._confirmed = False  # the owner set the state while clicked was being handled
        self.setText(text)
        QAbstractButton.setAccessibleName(self, spoken_label(text))
        self.toggled.connect(self._on_toggled)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # touch leaves no focus ring behind
        # Not Fixed vertically: a layout caps a Fixed widget at its one-line size hint, which
        # would cut off a label that wraps.
        policy = QSizePolicy(horizontal, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._apply_font()

    def set_label(self, text: str) -> None:
        """Change the visible label, and the accessible name unless one was given."""
        self.setText(text)
        if self._name is None:
            QAbstractButton.setAccessibleName(self, spoken_label(text))
        self._label.set_text(text)
        self.updateGeometry()
        self.update()

    def setAccessibleName(self, name: str) -> None:
        """The name a screen reader says, kept through label changes; setting the same name
        again tells it nothing (Listen's name stays put while narration changes its label)."""
        self._name = name
        if name != self.accessibleName():
            super().setAccessibleName(name)

    def setChecked(self, checked: bool) -> None:
        """Show the owner's state (the only way the state changes for good)."""
        self._following = True
        try:
            super().setChecked(checked)
        finally:
            self._following = False
        self._confirmed = True

    def nextCheckState(self) -> None:
        """A click leaves the state to the owner, who answers ``clicked``."""

    def _on_toggled(self, checked: bool) -> None:
        if self._following:
            return
        # Qt's toggle(): the accessible Toggle action. Ask the owner, as a touch does.
        self._confirmed = False
        self.clicked.emit()
        if not self._confirmed:
            self.setChecked(not checked)  # nobody took it: back to what the owner shows

    def _apply_font(self) -> None:
        self._label.set_font(self._role.font(self.font()))
        self.updateGeometry()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._apply_font()
        super().changeEvent(event)

    def hasHeightForWidth(self) -> bool:
        return True

    # Reading aloud: a control being read is highlighted as a whole ----------------------------

    def show_reading(self, start: int, end: int) -> None:
        del start, end
        self._reading = True
        self.update()

    def show_word(self, start: int, end: int) -> None:
        """Words are not marked on controls; the whole control stays highlighted."""

    def clear_reading(self) -> None:
        if self._reading:
            self._reading = False
            self.update()

    def reading(self) -> tuple[int, int] | None:
        return (0, len(self.text())) if self._reading else None

    def reading_rect(self) -> QRect:
        return self.rect() if self._reading else QRect()

    def _reading_colors(self) -> tuple[QColor, QColor]:
        palette = self.palette()
        return palette.color(_ROLE.Highlight), palette.color(_ROLE.HighlightedText)


class BigButton(_TouchControl):
    """A touch button at least 15 mm square whose label wraps instead of being cut off."""

    def __init__(
        self,
        text: str,
        metrics: Metrics,
        style: ButtonStyle = ButtonStyle.PRIMARY,
        parent: QWidget | None = None,
    ) -> None:
        self._style = style
        super().__init__(
            text,
            metrics,
            role=TextRole.LABEL,
            alignment=Qt.AlignmentFlag.AlignCenter,
            horizontal=QSizePolicy.Policy.Preferred,
            parent=parent,
        )

    def _padding(self) -> tuple[int, int]:
        em = self.font().pixelSize()
        screen = self._metrics.screen
        return max(screen.px(3), em // 2), max(screen.px(2.5), round(em * 0.3))

    def heightForWidth(self, width: int) -> int:
        pad_x, pad_y = self._padding()
        text_height = self._label.height_for_width(width - 2 * pad_x)
        return max(self._metrics.min_target_px, text_height + 2 * pad_y)

    def sizeHint(self) -> QSize:
        pad_x, _ = self._padding()
        width = max(self._metrics.min_target_px, self._label.natural_width() + 2 * pad_x)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        pad_x, _ = self._padding()
        word = min(self._label.longest_word_width(), self._label.natural_width())
        width = max(self._metrics.min_target_px, word + 2 * pad_x)
        return QSize(width, self._metrics.min_target_px)

    def label_fits(self) -> bool:
        """Whether the whole label fits inside the button as it is laid out now."""
        pad_x, pad_y = self._padding()
        inner = self.width() - 2 * pad_x
        return (
            self._label.longest_word_width() <= inner
            and self._label.height_for_width(inner) <= self.height() - 2 * pad_y
        )

    def colors(self) -> tuple[QColor, QColor, QColor]:
        """Background, text and border colours for the button's current state."""
        palette = self.palette()
        if self._reading:
            background, text = self._reading_colors()
            return background, text, text
        if not self.isEnabled():
            group = QPalette.ColorGroup.Disabled
            return (
                palette.color(group, _ROLE.Button),
                palette.color(group, _ROLE.ButtonText),
                (palette.color(group, _ROLE.ButtonText)),
            )
        if self.isDown() or self.isChecked():
            # A switch that is on (Contrast) looks pressed in, in either theme.
            border = _ROLE.Dark if self.isDown() else _ROLE.Mid
            return (
                palette.color(_ROLE.Dark),
                palette.color(_ROLE.BrightText),
                palette.color(border),
            )
        if self._style is ButtonStyle.SECONDARY:
            return palette.color(_ROLE.Base), palette.color(_ROLE.Text), palette.color(_ROLE.Mid)
        return (
            palette.color(_ROLE.Button),
            palette.color(_ROLE.ButtonText),
            palette.color(_ROLE.Mid),
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        background, text, border = self.colors()
        border_px = max(2, self._metrics.screen.px(0.6))
        rect = QRectF(self.rect()).adjusted(
            border_px / 2, border_px / 2, -border_px / 2, -border_px / 2
        )
        radius = self._metrics.screen.px(2)
        painter.setPen(QPen(border, border_px))
        painter.setBrush(background)
        painter.drawRoundedRect(rect, radius, radius)
        pad_x, _ = self._padding()
        width = self.width() - 2 * pad_x
        height = self._label.height_for_width(width)
        self._label.draw(painter, pad_x, (self.height() - height) // 2, width, text)


class TopicButton(BigButton):
    """One leaflet on the topic menu: its title, and under it the one line that says what it is
    about (and, when it is not in the patient's language, which language it is shown in). A
    screen reader says the title as its name and the rest as its description."""

    def __init__(
        self, title: str, summary: str, metrics: Metrics, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, metrics, ButtonStyle.PRIMARY, parent)
        self.title = title
        self.summary = summary
        self.show_topic(title, summary)

    def show_topic(self, title: str, summary: str) -> None:
        self.title, self.summary = title, summary
        self.set_label("\n".join(line for line in (title, summary) if line))
        if summary:  # the title stands out in the label's bold; what it is about, in plain
            self._label.set_weight(len(title) + 1, QFont.Weight.Normal)
        self.setAccessibleName(title)
        self.setAccessibleDescription(summary)


class QuestionRow(_TouchControl):
    """One question as a full-width row: touching anywhere on it ticks or unticks it."""

    def __init__(self, number: int, text: str, metrics: Metrics, parent: QWidget | None = None):
        super().__init__(
            text,
            metrics,
            role=TextRole.BODY,
            alignment=Qt.AlignmentFlag.AlignLeft,
            horizontal=QSizePolicy.Policy.Expanding,
            parent=parent,
        )
        self.number = number
        self.setCheckable(True)

    def _box_px(self) -> int:
        return max(self._metrics.screen.px(12), round(self.font().pixelSize() * 1.4))

    def _padding(self) -> int:
        return max(self._metrics.screen.px(4), self.font().pixelSize() // 2)

    def _text_x(self) -> int:
        return 2 * self._padding() + self._box_px()

    def heightForWidth(self, width: int) -> int:
        pad = self._padding()
        text_height = self._label.height_for_width(width - self._text_x() - pad)
        return max(self._metrics.min_target_px, self._box_px(), text_height) + 2 * pad

    def sizeHint(self) -> QSize:
        width = self._text_x() + self._label.natural_width() + self._padding()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        word = min(self._label.longest_word_width(), self._label.natural_width())
        width = self._text_x() + word + self._padding()
        return QSize(width, self._metrics.min_target_px)

    def label_fits(self) -> bool:
        inner = self.width() - self._text_x() - self._padding()
        return (
            self._label.longest_word_width() <= inner
            and self._label.height_for_width(inner) <= self.height() - 2 * self._padding()
        )

    def colors(self) -> tuple[QColor, QColor]:
        """Background and text colours for the row's current state."""
        palette = self.palette()
        if self._reading:
            return self._reading_colors()
        if self.isDown():
            return palette.color(_ROLE.Dark), palette.color(_ROLE.BrightText)
        background = _ROLE.AlternateBase if self.isChecked() else _ROLE.Base
        return palette.color(background), palette.color(_ROLE.Text)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        background, text = self.colors()
        checked = self.isChecked()
        screen = self._metrics.screen
        border_px = screen.px(1.2) if checked else max(2, screen.px(0.6))
        half = border_px / 2
        rect = QRectF(self.rect()).adjusted(half, half, -half, -half)
        radius = screen.px(2)
        painter.setPen(QPen(palette.color(_ROLE.Mid), border_px))
        painter.setBrush(background)
        painter.drawRoundedRect(rect, radius, radius)

        pad, box = self._padding(), self._box_px()
        box_rect = QRectF(pad, (self.height() - box) / 2, box, box)
        box_border = max(3, screen.px(0.9))
        ink = text if self.isDown() else palette.color(_ROLE.Mid)
        painter.setPen(QPen(ink, box_border))
        painter.setBrush(palette.color(_ROLE.Button) if checked else palette.color(_ROLE.Base))
        painter.drawRoundedRect(box_rect.adjusted(half, half, -half, -half), radius / 2, radius / 2)
        if checked:
            _draw_tick(painter, box_rect, palette.color(_ROLE.ButtonText), box_border * 1.6)

        width = self.width() - self._text_x() - pad
        height = self._label.height_for_width(width)
        self._label.draw(painter, self._text_x(), (self.height() - height) // 2, width, text)


def _draw_tick(painter: QPainter, box: QRectF, color: QColor, width: float) -> None:
    path = QPainterPath(QPointF(box.left() + box.width() * 0.22, box.top() + box.height() * 0.52))
    path.lineTo(QPointF(box.left() + box.width() * 0.42, box.top() + box.height() * 0.72))
    path.lineTo(QPointF(box.left() + box.width() * 0.78, box.top() + box.height() * 0.28))
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)

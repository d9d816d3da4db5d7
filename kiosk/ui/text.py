"""Plain text that wraps to any width: the one way the kiosk draws words."""

from __future__ import annotations

import math
from typing import cast

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QAccessible,
    QAccessibleTextUpdateEvent,
    QColor,
    QFont,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from kiosk.ui.metrics import TextRole


class WrappedText:
    """A plain-text document laid out to a width.

    The text is set with ``setPlainText``: markup or HTML in leaflet text is shown literally and
    never interpreted (unlike ``QLabel``, which guesses rich text). Long words break anywhere
    rather than run off the edge.
    """

    def __init__(self, text: str, alignment: Qt.AlignmentFlag) -> None:
        self._doc = QTextDocument()
        self._doc.setDocumentMargin(0)
        self._doc.setUndoRedoEnabled(False)
        option = QTextOption(alignment)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._doc.setDefaultTextOption(option)
        self._doc.setPlainText(text)
        self._text = text
        self._font: QFont | None = None
        # Measures at each width asked for, until the text, font or weight change: a layout
        # asks the same ones many times, and each costs a QTextDocument layout (a page's
        # first show asked 500 times, most of them twice or more).
        self._heights: dict[int, int] = {}
        self._widths: dict[int, int] = {}  # -1: on one line; 1: the longest word

    @property
    def text(self) -> str:
        return self._text

    def shown_text(self) -> str:
        """The characters actually laid out on screen."""
        return self._doc.toPlainText()

    def set_text(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self._doc.setPlainText(text)
            self._forget_measures()

    def set_font(self, font: QFont) -> None:
        if self._font is not None and font == self._font:
            return
        self._font = QFont(font)
        self._doc.setDefaultFont(font)
        self._forget_measures()

    def _forget_measures(self) -> None:
        self._heights.clear()
        self._widths.clear()

    def set_weight(self, start: int, weight: QFont.Weight) -> None:
        """Draw the text from character ``start`` on in ``weight`` (until the text changes),
        whatever the font's own weight."""
        cursor = QTextCursor(self._doc)
        cursor.setPosition(start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        char_format = QTextCharFormat()
        char_format.setFontWeight(weight)
        cursor.mergeCharFormat(char_format)
        self._forget_measures()

    def height_for_width(self, width: int) -> int:
        width = max(1, width)
        height = self._heights.get(width)
        if height is None:
            self._doc.setTextWidth(width)
            height = self._heights[width] = math.ceil(self._doc.size().height())
        return height

    def natural_width(self) -> int:
        """The width of the text on one line (its longest line)."""
        return self._ideal_width(-1)

    def longest_word_width(self) -> int:
        return self._ideal_width(1)

    def _ideal_width(self, text_width: int) -> int:
        width = self._widths.get(text_width)
        if width is None:
            self._doc.setTextWidth(text_width)
            width = self._widths[text_width] = math.ceil(self._doc.idealWidth())
        return width

    def range_rect(self, start: int, end: int, width: int) -> QRect:
        """The rectangle covering the lines that characters ``start`` to ``end`` sit on."""
        self._doc.setTextWidth(max(1, width))
        top, bottom = None, 0.0
        block = self._doc.begin()
        while block.isValid():
            layout = block.layout()
            origin = self._doc.documentLayout().blockBoundingRect(block).top()
            for index in range(layout.lineCount()):
                line = layout.lineAt(index)
                first = block.position() + line.textStart()
                if first + line.textLength() > start and first < end:
                    top = origin + line.y() if top is None else top
                    bottom = origin + line.y() + line.height()
            block = block.next()
        if top is None:
            return QRect()
        return QRect(0, int(top), width, math.ceil(bottom - top))

    def character_rect(self, offset: int, width: int) -> QRect:
        """Where character ``offset`` is drawn (null when there is no such character)."""
        if not 0 <= offset < len(self._doc.toPlainText()):
            return QRect()
        self._doc.setTextWidth(max(1, width))
        block = self._doc.findBlock(offset)
        origin = self._doc.documentLayout().blockBoundingRect(block).topLeft()  # lays it out
        position = offset - block.position()
        line = block.layout().lineForTextPosition(position)
        if not line.isValid():
            return QRect()
        left = _x_of(line, position)
        right = _x_of(line, position + 1) if position < block.length() - 1 else left
        x, y = origin.x() + min(left, right), origin.y() + line.y()
        return QRect(int(x), int(y), max(1, math.ceil(abs(right - left))), math.ceil(line.height()))

    def offset_at(self, point: QPoint, width: int) -> int:
        """The character drawn at ``point``, or -1 where there is none."""
        self._doc.setTextWidth(max(1, width))
        return self._doc.documentLayout().hitTest(QPointF(point), Qt.HitTestAccuracy.ExactHit)

    def draw(
        self,
        painter: QPainter,
        x: int,
        y: int,
        width: int,
        color: QColor,
        *,
        marks: list[tuple[int, int, QTextCharFormat]] | None = None,
    ) -> None:
        """Draw the text; ``marks`` are (start, end, format) ranges painted over it."""
        self._doc.setTextWidth(max(1, width))
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(context.palette.ColorRole.Text, color)
        selections = []
        for start, end, char_format in marks or []:
            cursor = QTextCursor(self._doc)
            cursor.setPosition(max(0, start))
            cursor.setPosition(min(end, len(self._text)), QTextCursor.MoveMode.KeepAnchor)
            selection = QAbstractTextDocumentLayout.Selection()
            selection.cursor = cursor
            selection.format = char_format
            selections.append(selection)
        context.selections = selections
        painter.save()
        painter.translate(x, y)
        self._doc.documentLayout().draw(painter, context)
        painter.restore()


def _x_of(line: QTextLine, position: int) -> float:
    """Where the caret would be before ``position`` on ``line`` (PySide6 returns the x with
    the position Qt may have moved it to, and types it as a bare object)."""
    x, _ = cast(tuple[float, int], line.cursorToX(position))
    return x


# A title or a heading is a heading to a screen reader, at this level unless told otherwise.
_HEADING_LEVELS = {TextRole.TITLE: 1, TextRole.HEADING: 1}


class TextView(QLabel):
    """A block of plain text in one of the kiosk's text roles, wrapped to the widget's width.

    Its font follows the inherited font (the body size the patient chose) scaled by its role, so
    changing the window's font resizes every text at once. It paints and sizes itself; it is a
    ``QLabel`` so that screen readers meet it as text, and ``kiosk.ui.accessible`` tells them
    the rest: a heading with its level (``heading_level``; a title or heading is one at level 1
    unless told otherwise, 0 for none), and the text itself, by character, word or sentence.
    """

    def __init__(
        self,
        text: str,
        role: TextRole = TextRole.BODY,
        parent: QWidget | None = None,
        alignment: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        *,
        heading_level: int | None = None,
    ) -> None:
        super().__init__(parent)
        # Everything kiosk.ui.accessible reads comes first: with a screen reader listening,
        # QLabel.setText asks for this text's role at once (Orca 43 made the kiosk fail to
        # start when it came later).
        self._role = role
        self._heading_level = (
            _HEADING_LEVELS.get(role, 0) if heading_level is None else heading_level
        )
        self._text = WrappedText(text, alignment)
        self.setTextFormat(Qt.TextFormat.PlainText)
        QLabel.setText(self, text)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName(text)
        self._reading: tuple[int, int] | None = None
        self._word: tuple[int, int] | None = None
        self._apply_font()

    def text(self) -> str:
        return self._text.text

    def setText(self, text: str, spoken: str | None = None) -> None:
        """Show ``text``; a screen reader's name for it is ``spoken``, when the text has
        symbols only there for the eye (a list's bullets), or else the text itself."""
        before = self._text.shown_text()
        QLabel.setText(self, text)
        self._text.set_text(text)
        self.setAccessibleName(text if spoken is None else spoken)
        if QAccessible.isActive() and self._text.shown_text() != before:
            # What lets a screen reader's Text interface follow the change (AT-SPI's
            # object:text-changed), as it does for Qt's own text widgets.
            change = QAccessibleTextUpdateEvent(self, 0, before, self._text.shown_text())
            QAccessible.updateAccessibility(change)
        self.updateGeometry()
        self.update()

    def shown_text(self) -> str:
        """What the patient sees, character for character (markup is never interpreted)."""
        return self._text.shown_text()

    def role(self) -> TextRole:
        return self._role

    def heading_level(self) -> int:
        """1 for the title or heading of what is on screen, 2 below it; 0 for no heading (as
        for a blank text: a heading that says nothing would only be a stop on the way)."""
        return self._heading_level if self._text.text.strip() else 0

    def character_rect(self, offset: int) -> QRect:
        """Where character ``offset`` of the shown text is, in this widget's coordinates."""
        return self._text.character_rect(offset, self.width())

    def offset_at(self, point: QPoint) -> int:
        """The character of the shown text at ``point`` (this widget's coordinates), or -1."""
        return self._text.offset_at(point, self.width())

    def role_font(self) -> QFont:
        return self._role.font(self.font())

    def _apply_font(self) -> None:
        self._text.set_font(self.role_font())
        self.updateGeometry()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._apply_font()
        super().changeEvent(event)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._text.height_for_width(width)

    def sizeHint(self) -> QSize:
        width = self._text.natural_width()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        # The height comes from heightForWidth at the width the layout gives; reporting the
        # height at the narrowest width here would make every page scroll needlessly.
        width = min(self._text.longest_word_width(), self._text.natural_width())
        return QSize(width, self.fontMetrics().height())

    # Reading aloud ---------------------------------------------------------------------------

    def show_reading(self, start: int, end: int) -> None:
        """Highlight the sentence from ``start`` to ``end`` being read aloud."""
        self._reading = (start, end)
        self._word = None
        self.update()

    def show_word(self, start: int, end: int) -> None:
        """Mark the word being heard, inside the highlighted sentence."""
        self._word = (start, end)
        self.update()

    def clear_reading(self) -> None:
        if self._reading or self._word:
            self._reading = self._word = None
            self.update()

    def reading(self) -> tuple[int, int] | None:
        """The highlighted sentence's offsets, or ``None``."""
        return self._reading

    def reading_rect(self) -> QRect:
        """Where the highlighted sentence is, in this widget's coordinates."""
        if self._reading is None:
            return QRect()
        return self._text.range_rect(*self._reading, self.width())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        color = palette.color(self.foregroundRole())
        marks = []
        if self._reading is not None:
            sentence = QTextCharFormat()
            sentence.setBackground(palette.color(QPalette.ColorRole.Highlight))
            sentence.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
            marks.append((*self._reading, sentence))
        if self._word is not None:
            word = QTextCharFormat()
            word.setBackground(palette.color(QPalette.ColorRole.Highlight))
            word.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
            word.setFontUnderline(True)
            word.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            word.setUnderlineColor(palette.color(QPalette.ColorRole.HighlightedText))
            marks.append((*self._word, word))
        self._text.draw(painter, 0, 0, self.width(), color, marks=marks)

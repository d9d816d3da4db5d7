"""Plain text that wraps to any width: the one way the kiosk draws words."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
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

    def set_font(self, font: QFont) -> None:
        self._doc.setDefaultFont(font)

    def height_for_width(self, width: int) -> int:
        self._doc.setTextWidth(max(1, width))
        return math.ceil(self._doc.size().height())

    def natural_width(self) -> int:
        """The width of the text on one line (its longest line)."""
        self._doc.setTextWidth(-1)
        return math.ceil(self._doc.idealWidth())

    def longest_word_width(self) -> int:
        self._doc.setTextWidth(1)
        return math.ceil(self._doc.idealWidth())

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


class TextView(QLabel):
    """A block of plain text in one of the kiosk's text roles, wrapped to the widget's width.

    Its font follows the inherited font (the body size the patient chose) scaled by its role, so
    changing the window's font resizes every text at once. It paints and sizes itself; it is a
    ``QLabel`` only so that screen readers meet it as text (Qt's accessibility gives a label
    the static-text role, and a plain widget a nameless "client" area).
    """

    def __init__(
        self,
        text: str,
        role: TextRole = TextRole.BODY,
        parent: QWidget | None = None,
        alignment: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    ) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        QLabel.setText(self, text)
        self._role = role
        self._text = WrappedText(text, alignment)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName(text)
        self._reading: tuple[int, int] | None = None
        self._word: tuple[int, int] | None = None
        self._apply_font()

    def text(self) -> str:
        return self._text.text

    def setText(self, text: str) -> None:
        QLabel.setText(self, text)
        self._text.set_text(text)
        self.setAccessibleName(text)
        self.updateGeometry()
        self.update()

    def shown_text(self) -> str:
        """What the patient sees, character for character (markup is never interpreted)."""
        return self._text.shown_text()

    def role(self) -> TextRole:
        return self._role

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

"""A layout that places controls in rows and wraps to a new row when the width runs out."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """Rows of controls that wrap, so a bar of buttons never runs off a narrow screen.

    An item wider than the row is given the row's width (its label then wraps). With
    ``justify`` every row is stretched to the full width, sharing the extra space evenly.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 0, justify: bool = False):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._justify = justify
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _arrange(self, rect: QRect, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        gap = self.spacing()
        rows: list[list[tuple[QLayoutItem, int]]] = [[]]
        used = 0
        for item in self._visible():
            width = min(item.sizeHint().width(), area.width())
            if rows[-1] and used + gap + width > area.width():
                rows.append([])
                used = 0
            used += (gap if rows[-1] else 0) + width
            rows[-1].append((item, width))
        y = area.y()
        for row in rows:
            if not row:
                continue
            widths = [width for _, width in row]
            if self._justify:
                spare = area.width() - sum(widths) - gap * (len(row) - 1)
                widths = [
                    w + spare // len(row) + (1 if i < spare % len(row) else 0)
                    for i, w in enumerate(widths)
                ]
            heights = [
                item.heightForWidth(w) if item.hasHeightForWidth() else item.sizeHint().height()
                for (item, _), w in zip(row, widths, strict=True)
            ]
            row_height = max(heights)
            x = area.x()
            for (item, _), width in zip(row, widths, strict=True):
                if apply:
                    item.setGeometry(QRect(QPoint(x, y), QSize(width, row_height)))
                x += width + gap
            y += row_height + gap
        return y - gap - area.y() + margins.top() + margins.bottom()

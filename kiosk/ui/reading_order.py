"""The reading order: the texts and controls of a screen, as the keys move through them."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QWidget

from kiosk.ui.buttons import BigButton
from kiosk.ui.scrolling import ScrollPage
from kiosk.ui.text import TextView

# What the keys can rest on.
ITEM_TYPES = (TextView, QAbstractButton)


def items_in(root: QWidget) -> list[QWidget]:
    """The text and controls inside ``root`` that are on screen, top to bottom, left to right."""
    found = [
        widget
        for widget in root.findChildren(QWidget)
        if isinstance(widget, ITEM_TYPES)
        and widget.isVisibleTo(root)
        and widget.isEnabled()  # a control that cannot be used cannot take the focus either
        and (widget.accessibleName() or isinstance(widget, QAbstractButton))
        and not (isinstance(widget, TextView) and not widget.text().strip())
        and not _is_more_below(widget)
    ]

    def position(widget: QWidget) -> tuple[int, int]:
        point = widget.mapTo(root, widget.rect().topLeft())
        return point.y(), point.x()

    return sorted(found, key=position)


def _is_more_below(widget: QWidget) -> bool:
    return isinstance(widget, BigButton) and isinstance(widget.parentWidget(), ScrollPage)

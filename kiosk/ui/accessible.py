"""What screen readers are told beyond Qt's own accessibility: windows, headings and text.

Qt gives a plain top-level ``QWidget`` the role of a nameless-looking "filler" and a
``QLabel`` the role of a label with no Text interface, whatever it says. Here the kiosk's own
accessibility factory tells the truth instead: a window is a frame, a heading is a heading
with its level, and every text can be read by word, sentence and character. Installed once,
as the application starts (``install``), before the first screen reader asks.

PySide6 keeps every interface this factory makes until the application ends (its glue holds
a reference to each); the kiosk makes its texts and windows once, so that is a few hundred.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QPoint, QRect, Qt
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAttributesInterface,
    QAccessibleInterface,
    QAccessibleTextInterface,
)
from PySide6.QtWidgets import QAccessibleWidget, QDialog, QMainWindow, QScrollArea, QWidget

from kiosk.ui.scrolling import ScrollPage
from kiosk.ui.text import TextView

_Kind = QAccessible.InterfaceType
_installed = False


def install() -> None:
    """Answer Qt's accessibility questions about the kiosk's windows and texts (once)."""
    global _installed  # noqa: PLW0603 - Qt keeps one list of factories per process, as this flag
    if not _installed:
        QAccessible.installFactory(_interface_for)
        _installed = True


# A widget's own role, where Qt's widgets have no setter for one (see ``set_role``).
_ROLE_PROPERTY = "kiosk_accessible_role"


def set_role(widget: QWidget, role: QAccessible.Role) -> None:
    """Tell screen readers what ``widget`` is where Qt cannot: the "Are you still here?" card
    is an alert (Orca says "alert", its name and every text in it when the focus moves into
    it), a message that must be heard at once is a notification (Orca speaks one each time it
    shows, wherever the focus is). Set before the widget is first shown: Qt asks once."""
    widget.setProperty(_ROLE_PROPERTY, role.value)


def _own_role(widget: QWidget) -> QAccessible.Role | None:
    value = widget.property(_ROLE_PROPERTY)
    return None if value is None else QAccessible.Role(value)


def _interface_for(class_name: str, thing: QObject) -> QAccessibleInterface | None:
    """The interface for ``thing``, or None to let Qt's own factories answer.

    Qt asks for the most derived class first, then for each base class in turn, and asks this
    factory before its own; so a ``TextView`` or a ``ScrollPage`` is answered at once, and
    any other window at the base class for which Qt would have made it a client area. Qt keeps
    an interface for as long as its object lives.
    """
    if isinstance(thing, TextView):
        return _TextViewInterface(thing)
    if isinstance(thing, QWidget) and (role := _own_role(thing)) is not None:
        return QAccessibleWidget(thing, role)
    if isinstance(thing, ScrollPage):
        return _PageInterface(thing)
    if class_name == "QWidget" and isinstance(thing, QWidget) and _is_plain_window(thing):
        return _AreaInterface(thing)
    return None


def _is_plain_window(widget: QWidget) -> bool:
    """A top-level window that Qt would call a filler: not a dialog, popup or tooltip."""
    return (
        widget.isWindow()
        and widget.windowType() == Qt.WindowType.Window
        and not isinstance(widget, QDialog | QMainWindow)
    )


class _AreaInterface(QAccessibleWidget):
    """A plain widget or scroll area that is a frame while it is a window.

    Qt's AT-SPI bridge calls the Window role a frame, as screen readers expect of an
    application's window (Orca reads its name as the window's title). The role is asked each
    time: a widget made without a parent is a window until it is put in its place, and Qt may
    have asked about it by then.
    """

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget, QAccessible.Role.Client)

    def role(self) -> QAccessible.Role:
        if _is_plain_window(self.widget()):
            return QAccessible.Role.Window
        return QAccessible.Role.Client


class _PageInterface(_AreaInterface):
    """A scrolling page: its viewport (the page's content), then its "More below" button,
    then its scroll bar, in that order.

    Qt's own scroll area shows a screen reader only the viewport and the scroll bars, so the
    "More below" button, which floats over the viewport, was missing from the tree. Every
    child is listed whether it shows or not; a screen reader asks each whether it is showing.
    """

    def __init__(self, page: ScrollPage) -> None:
        super().__init__(page)
        self._page = page

    def _children(self) -> list[QObject]:
        page = self._page
        children: list[QObject] = [page.viewport(), page.more_button]
        bar = page.verticalScrollBar().parentWidget()  # Qt's container of the scroll bar
        if bar is not None and bar is not page:
            children.append(bar)
        return children

    def childCount(self) -> int:
        return len(self._children())

    # Qt's contract is a null pointer for an index out of range; PySide6's stub has no None.
    def child(self, index: int) -> QAccessibleInterface | None:  # type: ignore[override]
        children = self._children()
        if not 0 <= index < len(children):
            return None
        return QAccessible.queryAccessibleInterface(children[index])

    def indexOfChild(self, child: QAccessibleInterface | None) -> int:
        children = self._children()
        thing = child.object() if child is not None else None
        return children.index(thing) if thing in children else -1


def _address(
    interface: QAccessibleTextInterface | QAccessibleAttributesInterface | None,
) -> shiboken6.VoidPtr:
    """``interface`` as the C++ pointer ``interface_cast`` must return.

    PySide6 6.11 types the result as ``int``, but an ``int`` (or ``None``) handed back from a
    Python ``interface_cast`` crashes Qt; only a ``VoidPtr`` works, and a null one for "no".
    """
    return shiboken6.VoidPtr(shiboken6.getCppPointer(interface)[0] if interface else 0)


class _TextViewInterface(QAccessibleWidget):
    """A ``TextView`` as a screen reader meets it: a heading with its level, or a label, with
    its text readable through the Text interface."""

    def __init__(self, view: TextView) -> None:
        super().__init__(view, QAccessible.Role.StaticText)
        self._view = view
        # Kept here: Qt holds only the pointers interface_cast gives it.
        self._text = _ViewText(view)
        self._attributes = _HeadingLevel(view)

    def role(self) -> QAccessible.Role:
        own = _own_role(self._view)
        if own is not None:
            return own
        if self._view.heading_level():
            return QAccessible.Role.Heading
        return QAccessible.Role.StaticText

    def interface_cast(self, kind: QAccessible.InterfaceType) -> Any:  # a VoidPtr (see _address)
        if kind == _Kind.TextInterface:
            return _address(self._text)
        if kind == _Kind.AttributesInterface:
            return _address(self._attributes if self._view.heading_level() else None)
        cast = super().interface_cast(kind)
        return _address(None) if cast is None else cast


class _HeadingLevel(QAccessibleAttributesInterface):
    """A heading's level (1 for a page's title), which AT-SPI gives as the "level" attribute
    that screen readers' heading navigation uses (Orca: 1 to 6 jump to that level)."""

    def __init__(self, view: TextView) -> None:
        super().__init__()
        self._view = view

    def attributeKeys(self) -> list[QAccessible.Attribute]:
        return [QAccessible.Attribute.Level] if self._view.heading_level() else []

    def attributeValue(self, key: QAccessible.Attribute) -> Any:  # a QVariant
        if key == QAccessible.Attribute.Level and self._view.heading_level():
            return self._view.heading_level()
        return None


class _ViewText(QAccessibleTextInterface):
    """The text a ``TextView`` shows, character for character, for reading by character, word,
    sentence or paragraph (Qt's own textAtOffset finds those boundaries from ``text``). Nothing
    can be selected, and there is no caret: it stays at the start."""

    def __init__(self, view: TextView) -> None:
        super().__init__()
        self._view = view

    def text(self, startOffset: int, endOffset: int) -> str:  # noqa: N803 - Qt's names
        shown = self._view.shown_text()
        end = len(shown) if endOffset < 0 else endOffset
        return shown[max(0, startOffset) : end]

    def characterCount(self) -> int:
        return len(self._view.shown_text())

    def characterRect(self, offset: int) -> QRect:
        """Where the character is, in screen coordinates."""
        rect = self._view.character_rect(offset)
        if rect.isNull():
            return rect
        return rect.translated(self._view.mapToGlobal(QPoint(0, 0)))

    def offsetAtPoint(self, point: QPoint) -> int:
        return self._view.offset_at(self._view.mapFromGlobal(point))

    def scrollToSubstring(self, startIndex: int, endIndex: int) -> None:  # noqa: N803
        """Scroll the page so the patient sees the text a screen reader is reading."""
        view = self._view
        rect = view.character_rect(startIndex).united(view.character_rect(max(0, endIndex - 1)))
        area = _scroll_area_of(view)
        if area is None or rect.isNull():
            return
        content = area.widget()
        assert content is not None
        centre = view.mapTo(content, rect.center())
        area.ensureVisible(centre.x(), centre.y(), 0, rect.height() // 2 + 1)

    def cursorPosition(self) -> int:
        return 0

    def setCursorPosition(self, position: int) -> None:
        """There is no caret in text that cannot be edited."""

    def selectionCount(self) -> int:
        return 0

    def addSelection(self, startOffset: int, endOffset: int) -> None:  # noqa: N803
        """Nothing can be selected."""

    def removeSelection(self, selectionIndex: int) -> None:  # noqa: N803
        """Nothing can be selected."""

    def setSelection(self, selectionIndex: int, startOffset: int, endOffset: int) -> None:  # noqa: N803
        """Nothing can be selected."""


def _scroll_area_of(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        content = parent.widget() if isinstance(parent, QScrollArea) else None
        if isinstance(parent, QScrollArea) and content is not None and content.isAncestorOf(widget):
            return parent
        parent = parent.parentWidget()
    return None

"""Using the kiosk with keys alone: moving through each screen's items in reading order."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from kiosk.config import VOLUMES_PERCENT
from kiosk.keys import KeyAction
from kiosk.session import Page, Visit
from kiosk.ui.announcer import Announcer
from kiosk.ui.buttons import QuestionRow
from kiosk.ui.focus_ring import FocusFrame
from kiosk.ui.metrics import TextRole
from kiosk.ui.reading_order import ITEM_TYPES, items_in
from kiosk.ui.scrolling import ScrollPage, scroll_page_of
from kiosk.ui.talking import describe
from kiosk.ui.text import TextView
from kiosk.ui.window import KioskWindow, Screen

log = logging.getLogger("kiosk.ui")


class KeyControl(QObject):
    """Every function of the kiosk by keys: the next and previous item in reading order,
    activate, back, help, louder and quieter, and scrolling long text by line and by page.

    It filters the application's key presses for the kiosk window, so the same keys work
    whatever has focus, and turns on talking mode at the first key.
    """

    def __init__(
        self,
        window: KioskWindow,
        visit: Visit,
        announcer: Announcer,
        *,
        bindings: dict[int, KeyAction],
        help_keys: Callable[[KeyAction, bool], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._visit = visit
        self._announcer = announcer
        self._bindings = bindings
        self._help_keys = help_keys
        self.frame = FocusFrame(window.metrics)
        self._current: QWidget | None = None
        self._before_help: QWidget | None = None  # where the keys were when the help opened
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)
        visit.page_changed.connect(self._on_page_changed)
        visit.began.connect(self._on_visit_began)
        visit.was_reset.connect(self._on_visit_reset)

    # Items --------------------------------------------------------------------------------

    def items(self) -> list[QWidget]:
        """The items of the screen shown now, in reading order."""
        window = self._window
        shown = window.showing()
        if shown is Screen.LEAFLET:
            page = window.current_page()
            bars_top = [] if window.top_bar_scrolls() else window.top_bar_items()
            bars = [*bars_top, *items_in(page.content), *window.bottom_items()]
            return [item for item in bars if item.isEnabled()]
        return items_in(window.screen_widget(shown))

    def focused_item(self) -> QWidget | None:
        """The item the keys are on: the focus widget, or the item last moved to (an inactive
        window has no focus widget, but its keys still arrive)."""
        items = self.items()
        focus = QApplication.focusWidget()
        if focus is not None and focus in items:
            return focus
        return self._current if self._current in items else None

    def move(self, step: int) -> None:
        items = self.items()
        if not items:
            return
        current = self.focused_item()
        if current is None:
            index = 0 if step > 0 else len(items) - 1
        else:
            index = items.index(current) + step
            if not 0 <= index < len(items):
                self._announcer.say(
                    QApplication.translate("Talk", "End of the page.")
                    if step > 0
                    else QApplication.translate("Talk", "Top of the page.")
                )
                return
        self.focus(items[index])

    def begin_by_key(self) -> None:
        """A key on the welcome screen: the visit begins in talking mode, on the first item."""
        self._announcer.start_talking()
        self._visit.begin()
        self.focus_first_on_page()

    def focus(self, item: QWidget) -> None:
        self._set_current(item)
        page = scroll_page_of(item)
        if page is not None:
            out = self.frame.outset_px  # the ring shows in full too
            page.reveal(item, item.rect().adjusted(-out, -out, out, out))
        self._announcer.say(describe(item, self._questions_beside(item)), target=item)

    def _questions_beside(self, item: QWidget) -> int:
        """How many questions the leaflet of a question row has ("Question 2 of 5")."""
        if not isinstance(item, QuestionRow):
            return 0
        return self._window.questions_page.questions_beside(item)

    def _set_current(self, item: QWidget) -> None:
        """The keys are on ``item``: it has the focus, and the ring shows it (the one focus
        ring: controls draw none of their own)."""
        self._current = item
        item.setFocus(Qt.FocusReason.TabFocusReason)
        self.frame.setPalette(self._window.palette())
        self.frame.follow(item)

    # Keys ---------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # isinstance first: cheaper than event.type(), which makes a Python enum each call.
        if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self._window:
            return False
        repeats = (KeyAction.NEXT, KeyAction.PREVIOUS, KeyAction.LINE_DOWN, KeyAction.LINE_UP)
        if event.isAutoRepeat() and self._bindings.get(event.key()) not in repeats:
            # A key held down does its action once (WCAG 2.1.1, 508 407.4); only moving and
            # scrolling repeat. Taken here, so Qt does not move the focus its own way either.
            return self._bindings.get(event.key()) is not None
        return self._on_key(event)

    def _on_key(self, event: QKeyEvent) -> bool:
        window = self._window
        self._announcer.new_action()
        action = self._bindings.get(event.key())
        # The idle watch has seen a key over its warning: the visit goes on, and nothing else.
        if window.idle_panel.isVisible() or self._closes_help(action):
            return True
        shown = window.showing()
        if shown is Screen.STAFF_PIN:
            return self._on_pin_key(event, action)
        if shown is Screen.WELCOME:
            if action is None and not event.text().strip():
                return False
            self.begin_by_key()
            return True
        if action is None:
            return False
        self._announcer.start_talking()
        handler: Callable[[], None] = {
            KeyAction.NEXT: lambda: self.move(+1),
            KeyAction.PREVIOUS: lambda: self.move(-1),
            KeyAction.ACTIVATE: self._activate,
            KeyAction.BACK: self._back,
            KeyAction.HELP: self._help,
            KeyAction.LOUDER: lambda: self._volume(+1),
            KeyAction.QUIETER: lambda: self._volume(-1),
            KeyAction.LINE_DOWN: lambda: self._scroll(lines=+1),
            KeyAction.LINE_UP: lambda: self._scroll(lines=-1),
            KeyAction.PAGE_DOWN: lambda: self._scroll(pages=+1),
            KeyAction.PAGE_UP: lambda: self._scroll(pages=-1),
        }[action]
        handler()
        return True

    def _on_pin_key(self, event: QKeyEvent, action: KeyAction | None) -> bool:
        """On the PIN pad digits are typed, never spoken; Back leaves it."""
        if event.text().isdigit() or event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return False  # the pad takes them
        if action in (KeyAction.NEXT, KeyAction.PREVIOUS):
            items = self.items()
            current = self.focused_item()
            index = (
                0
                if current is None
                else items.index(current) + (1 if action is KeyAction.NEXT else -1)
            )
            self._set_current(items[index % len(items)])
            return True
        if action is KeyAction.ACTIVATE:
            current = self.focused_item()
            if isinstance(current, QAbstractButton):
                current.click()
            return True
        if action is KeyAction.BACK:
            self._window.pin_pad.cancel_button.click()
            return True
        return action is not None

    def _activate(self) -> None:
        item = self.focused_item()
        if item is None:
            self.move(+1)
        elif isinstance(item, QAbstractButton):
            if not item.isEnabled():
                self._announcer.say(describe(item, self._questions_beside(item)), target=item)
                return
            item.click()
            if isinstance(item, QuestionRow) or item.isCheckable():
                self._announcer.say(describe(item, self._questions_beside(item)), target=item)
        else:
            self._announcer.say(describe(item, self._questions_beside(item)), target=item)

    def _back(self) -> None:
        window = self._window
        if window.showing() is Screen.STAFF:
            window.staff_panel.close_button.click()
            return
        if not window.can_go_back():
            self._announcer.say(QApplication.translate("Talk", "This is the first page."))
            return
        window.back_button.click()

    def _help(self) -> None:
        """What each key does, said and shown (the words stay on screen until a key or a
        touch closes them)."""
        translate = QApplication.translate
        closing = translate("Talk", "Press any other key, or touch the screen, to close this help.")
        if not self._window.help_panel.isVisible():
            self._before_help = self.focused_item()
        self._window.help_panel.show_help([*self._key_lines(shown=True), closing], self._window)
        where = translate("Talk", "You are on {0}.").format(self._where())
        self._announcer.say(where, *self._key_lines(shown=False), closing)

    def _key_lines(self, *, shown: bool) -> list[str]:
        """Which key does what, with the keys' names as said or, ``shown``, as written."""
        translate = QApplication.translate

        def keys(action: KeyAction) -> str:
            return self._help_keys(action, shown)

        return [
            translate("Talk", "Press {0} for the next item and {1} for the one before.").format(
                keys(KeyAction.NEXT), keys(KeyAction.PREVIOUS)
            ),
            translate("Talk", "Press {0} to choose it, and {1} to go back a page.").format(
                keys(KeyAction.ACTIVATE), keys(KeyAction.BACK)
            ),
            translate(
                "Talk", "Press {0} and {1} to scroll long text, {2} and {3} for louder and quieter."
            ).format(
                keys(KeyAction.LINE_DOWN),
                keys(KeyAction.LINE_UP),
                keys(KeyAction.LOUDER),
                keys(KeyAction.QUIETER),
            ),
            translate("Talk", "Press {0} to hear this again.").format(keys(KeyAction.HELP)),
        ]

    def _closes_help(self, action: KeyAction | None) -> bool:
        """While the help shows, a key other than Help closes it and does nothing else; the
        keys go back to where they were, which is said again."""
        panel = self._window.help_panel
        if not panel.isVisible() or action is KeyAction.HELP:
            return False
        panel.close_help()
        before, self._before_help = self._before_help, None
        if before is not None and before in self.items():
            self.focus(before)
        return True

    def _volume(self, direction: int) -> None:
        self._visit.change_volume(direction)
        percent = VOLUMES_PERCENT[VOLUMES_PERCENT.index(round(self._visit.volume * 100))]
        self._announcer.say(QApplication.translate("Talk", "Volume {0} percent.").format(percent))

    def _scroll(self, *, lines: int = 0, pages: int = 0) -> None:
        window = self._window
        if window.showing() is Screen.LEAFLET:
            page: ScrollPage = window.current_page()
        else:
            widget = window.screen_widget(window.showing())
            if not isinstance(widget, ScrollPage):
                return
            page = widget
        bar = page.verticalScrollBar()
        line = page.fontMetrics().lineSpacing()
        bar.setValue(bar.value() + lines * line + pages * round(page.viewport().height() * 0.9))

    # Announcements ----------------------------------------------------------------------------

    def focus_first_on_page(self) -> None:
        """After a page change by keys: focus the page's first text and say where we are."""
        window = self._window
        if window.showing() is not Screen.LEAFLET:
            items = self.items()
            if items:
                self.focus(items[0])
            return
        content = items_in(window.current_page().content)
        first = next((item for item in content if isinstance(item, TextView)), None)
        if first is None:
            return
        self._set_current(first)
        window.current_page().to_top()
        translate = QApplication.translate
        self._announcer.say(
            translate("Talk", "Page: {0}.").format(self._where()),
            translate("Talk", "Press {0} to read on, or {1} for help.").format(
                self._help_keys(KeyAction.NEXT, False), self._help_keys(KeyAction.HELP, False)
            ),
            target=first,
        )

    def _where(self) -> str:
        window = self._window
        shown = window.showing()
        if shown is Screen.STAFF:
            return QApplication.translate("Talk", "the staff panel")
        page = self._visit.page
        widget = window.page_widget(page)
        texts = [item for item in items_in(widget.content) if isinstance(item, TextView)]
        return next(
            (t.text() for t in texts if t.role() in (TextRole.HEADING, TextRole.TITLE)),
            texts[0].text() if texts else "",
        )

    def _on_page_changed(self, page: Page) -> None:
        del page
        if self._announcer.talking:
            self.focus_first_on_page()
        else:
            self._show_page_to_screen_reader()

    def _on_visit_began(self) -> None:
        if not self._announcer.talking:  # a key's start focuses the first item itself
            self._show_page_to_screen_reader()

    def _show_page_to_screen_reader(self) -> None:
        """A touch changed the page: a screen reader hears it by the focus on its heading."""
        if self._window.showing() is not Screen.LEAFLET:
            return
        content = items_in(self._window.current_page().content)
        first = next((item for item in content if isinstance(item, TextView)), None)
        if first is not None:
            self._announcer.show_page(first)

    def _on_visit_reset(self) -> None:
        self._announcer.stop_talking()
        self._current = None
        self.frame.follow(None)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A touch or Qt moved the focus: the ring follows it, or goes."""
        if new is None or new.window() is not self._window or new is self._current:
            return
        if self._announcer.talking and isinstance(new, ITEM_TYPES):
            self._current = new
            self.frame.setPalette(self._window.palette())
            self.frame.follow(new)
        else:
            self.frame.follow(None)

"""Staff mode: the corner gesture opens the PIN pad, the right PIN opens the staff panel."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from kiosk.session import Visit
from kiosk.session.idle import IdleState, IdleWatch
from kiosk.staff.pin import PinResult, StaffLock
from kiosk.ui.window import KioskWindow, Screen

log = logging.getLogger("kiosk.staff")


@dataclass(frozen=True)
class StaffActions:
    """What the staff panel shows and does, supplied by the parts of the kiosk that know."""

    printer_status: Callable[[], str]
    speech_status: Callable[[], str]
    problems: Callable[[], list[str]]  # configuration problems, one line each
    recent_log: Callable[[], list[str]]
    test_print: Callable[[], None]
    test_sentence: Callable[[], str]  # what happened, for staff
    reload: Callable[[], str]  # what happened, for staff
    quit: Callable[[], None]
    leaflets: Callable[[], str] = str  # the topic menu's leaflets, one a line; "": one leaflet


class StaffMode(QObject):
    """Decides what the PIN pad and the staff panel show, and carries out staff actions.

    An unattended PIN pad or staff panel ends like a visit: the idle warning, then the
    welcome screen, so a patient never finds the staff panel left open.

    Signals:
        opened: the right PIN was entered; the staff panel shows.
        closed: staff went back to the patient screens.
    """

    opened = Signal()
    closed = Signal()

    def __init__(
        self,
        window: KioskWindow,
        visit: Visit,
        *,
        idle: IdleWatch,
        lock: StaffLock,
        actions: StaffActions,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._visit = visit
        self._idle = idle
        self._lock = lock
        self._actions = actions
        window.staff_gesture_made.connect(self.ask_for_pin)
        pad = window.pin_pad
        pad.pin_entered.connect(self._on_pin_entered)
        pad.cancelled.connect(self.leave)
        panel = window.staff_panel
        panel.closed.connect(self.leave)
        panel.test_print_requested.connect(self._on_test_print_requested)
        panel.test_sentence_requested.connect(
            lambda: panel.show_result(self._actions.test_sentence())
        )
        panel.reload_requested.connect(self._on_reload_requested)
        panel.quit_requested.connect(self._on_quit_requested)

    def ask_for_pin(self) -> None:
        if self._window.showing() in (Screen.STAFF_PIN, Screen.STAFF):
            return
        pad = self._window.pin_pad
        pad.clear()
        pad.set_message(self._pin_prompt())
        self._window.show_screen(Screen.STAFF_PIN)
        self._idle.start()  # an abandoned PIN pad goes back to the welcome screen

    def open_panel(self, result: str = "") -> None:
        """Show the staff panel with fresh status (after the PIN, or after a reload)."""
        panel = self._window.staff_panel
        printer = self._actions.printer_status()
        panel.show_status(
            printer,
            self._actions.speech_status(),
            self._actions.problems(),
            self._actions.leaflets(),
        )
        panel.show_log(self._actions.recent_log()[-40:])
        panel.show_result(result)
        panel.to_top()
        if self._idle.state is IdleState.OFF:
            self._idle.start()
        self._window.show_screen(Screen.STAFF)
        self.opened.emit()

    def leave(self) -> None:
        """Back to where the patient screens were: the visit's page, or the welcome screen."""
        self._window.pin_pad.clear()
        self._window.staff_panel.show_result("")
        if self._visit.under_way:
            self._window.show_screen(Screen.LEAFLET)
        else:
            self._idle.stop()
            self._window.show_screen(Screen.WELCOME)
        self.closed.emit()

    def show_print_result(self, message: str) -> None:
        if self._window.showing() is Screen.STAFF:
            self._window.staff_panel.show_result(message)

    def _pin_prompt(self) -> str:
        lock = self._lock
        if not lock.has_pin:
            return self.tr(
                "Staff mode is locked: no usable staff PIN is set. "
                "Set one on this computer with: kiosk set-pin"
            )
        if lock.locked_for_s > 0:
            minutes = math.ceil(lock.locked_for_s / 60)
            # %n, not {0}: a catalog gives each number its own form ("1 minuto", "5 minutos").
            return self.tr(
                "Too many wrong PINs. Staff mode is locked for %n more minute(s).", "", minutes
            )
        return self.tr("Enter the staff PIN.")

    def _on_pin_entered(self, digits: str) -> None:
        result = self._lock.try_pin(digits)
        if result is PinResult.OPENED:
            log.info("staff mode opened")
            self.open_panel()
            return
        if result is PinResult.WRONG:
            log.warning("a wrong staff PIN was entered; %d tries left", self._lock.attempts_left)
            message = self.tr("That PIN is not right. %n tries left.", "", self._lock.attempts_left)
        else:
            if result is PinResult.LOCKED_OUT:
                log.warning("staff mode is locked after too many wrong PINs")
            message = self._pin_prompt()
        self._window.pin_pad.set_message(message)

    def _on_test_print_requested(self) -> None:
        self._window.staff_panel.show_result(self.tr("Printing a test page…"))
        self._actions.test_print()

    def _on_reload_requested(self) -> None:
        self._window.staff_panel.show_result(self.tr("Reading the leaflet again…"))
        self._window.staff_panel.show_result(self._actions.reload())

    def _on_quit_requested(self) -> None:
        log.info("staff quit the kiosk")
        self._actions.quit()

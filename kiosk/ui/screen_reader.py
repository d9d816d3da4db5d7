"""Whether a screen reader is running, as the accessibility bus tells every program."""

from __future__ import annotations

import logging

from PySide6.QtCore import SLOT, QObject, Signal, Slot
from PySide6.QtDBus import QDBus, QDBusConnection, QDBusMessage, QDBusVariant

log = logging.getLogger("kiosk.ui")

_SERVICE = "org.a11y.Bus"
_PATH = "/org/a11y/bus"
_STATUS = "org.a11y.Status"
_PROPERTIES = "org.freedesktop.DBus.Properties"
_PROPERTY = "ScreenReaderEnabled"
# The bus is on this machine and answers in about a millisecond; a wedged one must not hold
# the patient's screen for D-Bus's default 25 s.
_CALL_TIMEOUT_MS = 500


class ScreenReaderWatch(QObject):
    """Follows ``ScreenReaderEnabled`` on the AT-SPI bus (``org.a11y.Status``), which the
    desktop sets when it starts its screen reader (GNOME does, from its screen-reader setting).
    Orca 43 started on its own sets only ``IsEnabled``, which any assistive tool sets, so a
    kiosk that runs Orca sets it as it starts Orca (docs/installing.md). Without a session bus,
    or with no accessibility bus on it, no screen reader can be listening: ``enabled`` is false.

    Signals:
        changed(bool): a screen reader started (``True``) or stopped.
    """

    changed = Signal(bool)  # enabled

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bus = QDBusConnection.sessionBus()
        self._enabled = False
        if not self._bus.isConnected():
            return
        # PySide6 6.11's stubs ask for the slot as bytes; the call itself takes only str.
        self._bus.connect(  # type: ignore[call-overload]
            _SERVICE,
            _PATH,
            _PROPERTIES,
            "PropertiesChanged",
            self,
            SLOT("_on_properties_changed(QDBusMessage)"),
        )
        self._enabled = self._ask()
        if self._enabled:
            log.info("a screen reader is running: it speaks the interface")

    @property
    def enabled(self) -> bool:
        return self._enabled

    @Slot(QDBusMessage)
    def _on_properties_changed(self, message: QDBusMessage) -> None:
        arguments = message.arguments()
        if not arguments or arguments[0] != _STATUS:
            return
        enabled = self._ask()
        if enabled != self._enabled:
            self._enabled = enabled
            log.info("screen reader %s", "started" if enabled else "stopped")
            self.changed.emit(enabled)

    def _ask(self) -> bool:
        call = QDBusMessage.createMethodCall(_SERVICE, _PATH, _PROPERTIES, "Get")
        call.setArguments([_STATUS, _PROPERTY])
        reply = self._bus.call(call, QDBus.CallMode.Block, _CALL_TIMEOUT_MS)
        if reply.type() is not QDBusMessage.MessageType.ReplyMessage or not reply.arguments():
            return False  # no accessibility bus: nothing can be reading the screen
        value = reply.arguments()[0]
        if isinstance(value, QDBusVariant):
            value = value.variant()
        return value is True

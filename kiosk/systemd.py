"""Telling systemd the kiosk is up and alive: the sd_notify datagrams, with no libsystemd."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import MutableMapping

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger("kiosk.init")


class ServiceNotifier(QObject):
    """READY=1 once the kiosk's first screen shows, then WATCHDOG=1 from the Qt event loop.

    Under ``Type=notify`` with ``WatchdogSec=``, systemd restarts the kiosk when the pings stop.
    They come from a QTimer, so they stop when the event loop hangs (a slot that never returns),
    not only when the process dies. Does nothing outside systemd (no ``NOTIFY_SOCKET``).
    """

    def __init__(self, environ: MutableMapping[str, str] = os.environ) -> None:
        super().__init__()
        # Taken out of the environment, so that what the kiosk starts (its speech worker, the
        # CUPS tools) never speaks for it.
        address = environ.pop("NOTIFY_SOCKET", "")
        watchdog_us = environ.pop("WATCHDOG_USEC", "")
        # Not compared with our pid as sd_watchdog_enabled() does: systemd sets it to cage's,
        # the unit's main process, and cage hands its environment to the kiosk, its child
        # (clinic-kiosk.service has NotifyAccess=all for that).
        environ.pop("WATCHDOG_PID", None)
        self._address = "\0" + address[1:] if address.startswith("@") else address  # abstract
        self._socket: socket.socket | None = None
        self._failed = False  # said once in the log, not at every ping
        if self._address:
            self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        self._timer = QTimer(self)
        self._timer.timeout.connect(lambda: self.send("WATCHDOG=1"))
        if self._socket is not None and watchdog_us.isdigit() and int(watchdog_us) > 0:
            # Twice within each period, as sd_watchdog_enabled(3) advises.
            self._timer.setInterval(max(1, int(watchdog_us) // 2000))

    @property
    def watchdog_interval_ms(self) -> int | None:
        """How often the watchdog is pinged; None when systemd watches no watchdog."""
        return self._timer.interval() if self._timer.interval() > 0 else None

    def ready(self) -> None:
        """Say the kiosk has started (its screen shows), and start the watchdog's pings."""
        self.send("READY=1")
        if self.watchdog_interval_ms is not None:
            self._timer.start()

    def stopping(self) -> None:
        """Say the kiosk is stopping on purpose, and stop the pings."""
        self._timer.stop()
        self.send("STOPPING=1")

    def send(self, message: str) -> None:
        """One notification, such as ``READY=1``; a failure is logged, never raised."""
        if self._socket is None:
            return
        try:
            self._socket.sendto(message.encode("utf-8"), self._address)
        except OSError as error:
            if not self._failed:
                log.warning("cannot tell systemd %s at %s: %s", message, self._address, error)
            self._failed = True

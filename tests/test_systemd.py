"""The kiosk tells systemd it is up (READY=1) and alive (WATCHDOG=1) on a real notify socket."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.systemd import ServiceNotifier

REPO = Path(__file__).resolve().parents[1]
# Long enough for the kiosk to start on a busy machine; a reply that never comes fails here.
START_TIMEOUT_S = 60


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[socket.socket]:
    """A datagram socket where systemd's would be, as systemd makes it (a path in /run)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(tmp_path / "notify"))
    yield listener
    listener.close()


def _received(listener: socket.socket) -> list[str]:
    """The notifications waiting on ``listener``, without waiting for more."""
    messages = []
    listener.setblocking(False)
    while True:
        try:
            messages.append(listener.recv(4096).decode())
        except BlockingIOError:
            return messages


def test_ready_then_watchdog_pings_from_the_event_loop(
    qtbot: QtBot, notify_socket: socket.socket
) -> None:
    environ = {
        "NOTIFY_SOCKET": notify_socket.getsockname(),
        "WATCHDOG_USEC": "200000",
        "WATCHDOG_PID": "1",  # cage's pid in the unit; the kiosk pings all the same
        "HOME": "/home/kiosk",
    }
    notifier = ServiceNotifier(environ)
    assert environ == {"HOME": "/home/kiosk"}, "the kiosk's children do not speak for it"
    assert notifier.watchdog_interval_ms == 100, "twice within WatchdogSec"

    notifier.ready()
    assert _received(notify_socket) == ["READY=1"]
    # The pings come from the event loop: while it does not run, none is sent.
    assert _received(notify_socket) == []
    pings: list[str] = []

    def two_pings() -> bool:
        pings.extend(_received(notify_socket))
        return len(pings) >= 2

    qtbot.wait_until(two_pings)
    assert set(pings) == {"WATCHDOG=1"}

    notifier.stopping()
    assert _received(notify_socket) == ["STOPPING=1"]


def test_an_abstract_socket_address_starts_with_an_at_sign(qtbot: QtBot) -> None:  # noqa: ARG001
    name = f"clinic-kiosk-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(f"\0{name}")
        notifier = ServiceNotifier({"NOTIFY_SOCKET": f"@{name}"})
        assert notifier.watchdog_interval_ms is None, "no WATCHDOG_USEC: no watchdog"
        notifier.ready()
        assert _received(listener) == ["READY=1"]


def test_outside_systemd_nothing_is_sent(qtbot: QtBot) -> None:  # noqa: ARG001
    notifier = ServiceNotifier({"WATCHDOG_USEC": "200000"})
    notifier.ready()  # no NOTIFY_SOCKET: nothing to send to, and no error
    assert notifier.watchdog_interval_ms is None


def test_the_running_kiosk_says_ready_pings_and_says_it_stops(
    notify_socket: socket.socket, tmp_path: Path
) -> None:
    """The whole program as clinic-kiosk.service runs it, with systemd's variables."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(REPO),
        "XDG_STATE_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
        "NOTIFY_SOCKET": notify_socket.getsockname(),
        "WATCHDOG_USEC": "1000000",
    }
    env.pop("PULSE_SERVER", None)
    notify_socket.settimeout(START_TIMEOUT_S)
    with subprocess.Popen(
        [sys.executable, "-m", "kiosk"], env=env, stderr=subprocess.PIPE, text=True
    ) as kiosk:
        try:
            assert notify_socket.recv(4096) == b"READY=1"
            assert notify_socket.recv(4096) == b"WATCHDOG=1"
            assert notify_socket.recv(4096) == b"WATCHDOG=1", "and again"
            kiosk.send_signal(signal.SIGTERM)
            assert kiosk.wait(timeout=15) == 0
            messages = _received(notify_socket)
            assert messages[-1:] == ["STOPPING=1"], messages
        finally:
            if kiosk.poll() is None:
                kiosk.kill()

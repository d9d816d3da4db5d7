"""A private AT-SPI bus on a private X server, the kiosk on it, and a real AT-SPI client (pyatspi)
reading it as a screen reader does, for the tests and the Orca benchmark.

The bus: a session ``dbus-daemon`` of its own and ``at-spi-bus-launcher``, which starts the
accessibility bus and its registry; the X server: a private Xvfb. The kiosk runs as a child
process (``harness/atspi_kiosk.py``) on Qt's xcb platform with ``QT_LINUX_ACCESSIBILITY_ALWAYS_ON``,
and the client is ``harness/atspi_reader.py`` under Debian's ``/usr/bin/python3``, which has
pyatspi (the venv does not). Nothing here touches the machine's own session or display.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.xvfb import private_xvfb

REPO = Path(__file__).resolve().parents[1]
SYSTEM_PYTHON = "/usr/bin/python3"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
_READER = Path(__file__).with_name("atspi_reader.py")
_DRIVER = "harness.atspi_kiosk"
# Unix socket paths are limited to 108 bytes (sun_path) including the terminating zero.
_MAX_SOCKET_PATH = 100
_START_TIMEOUT_S = 30.0  # the kiosk's start, with its speech worker, on a busy machine
_ANSWER_TIMEOUT_S = 60.0  # a tree is read in well under a second; settling may take a few
_STOP_TIMEOUT_S = 10.0
WAIT_TIMEOUT_S = 10.0

# AT-SPI's names of the roles the tests look for.
BUTTON, CHECK_BOX, HEADING, LABEL = "push button", "check box", "heading", "label"
SCROLL_BAR = "scroll bar"
_POLL_S = 0.05


class AtspiError(RuntimeError):
    """The bus, the kiosk or the reader could not be started, or did not answer."""


def missing_packages() -> list[str]:
    """The Debian packages the AT-SPI tests need that are not installed."""
    missing = []
    if shutil.which("dbus-daemon") is None or shutil.which("dbus-send") is None:
        missing.append("dbus")
    if not Path(BUS_LAUNCHER).exists():
        missing.append("at-spi2-core")
    if shutil.which("Xvfb") is None:
        missing.append("xvfb")
    has_pyatspi = Path(SYSTEM_PYTHON).exists() and (
        subprocess.run(
            [SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False
        ).returncode
        == 0
    )
    if not has_pyatspi:
        missing.append("python3-pyatspi")
    return missing


@dataclass
class AtspiBus:
    """A running session bus with an accessibility bus, and an X server, for the kiosk."""

    directory: Path
    display: str  # ":5"
    address: str  # DBUS_SESSION_BUS_ADDRESS

    def env(self) -> dict[str, str]:
        """os.environ for a program on this bus and display."""
        return {**os.environ, "DISPLAY": self.display, "DBUS_SESSION_BUS_ADDRESS": self.address}

    def set_screen_reader(self, running: bool) -> None:
        """Say on the bus that a screen reader runs, or not (``org.a11y.Status``'s
        ``ScreenReaderEnabled``, which the desktop sets when it starts one)."""
        subprocess.run(
            [
                "dbus-send",
                "--session",
                "--print-reply",
                "--dest=org.a11y.Bus",
                "/org/a11y/bus",
                "org.freedesktop.DBus.Properties.Set",
                "string:org.a11y.Status",
                "string:ScreenReaderEnabled",
                f"variant:boolean:{'true' if running else 'false'}",
            ],
            env=self.env(),
            capture_output=True,
            check=True,
        )


@contextmanager
def private_atspi(directory: Path) -> Iterator[AtspiBus]:
    """Xvfb, a session bus and the accessibility bus for a ``with`` block, stopped after it."""
    directory = directory.resolve()
    socket = directory / "bus"
    if len(str(socket)) > _MAX_SOCKET_PATH:
        raise AtspiError(f"socket path too long for a unix socket: {socket}")
    runtime = directory / "runtime"  # the launcher puts the accessibility bus's socket here
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    with ExitStack() as stack:
        display = stack.enter_context(private_xvfb()).name
        address = f"unix:path={socket}"
        bus = AtspiBus(directory, display, address)
        # Whatever the session bus starts on demand finds its files here, not in the
        # machine's own home and runtime folders.
        env = {**bus.env(), "XDG_RUNTIME_DIR": str(runtime), "HOME": str(directory)}
        daemon = _start(
            ["dbus-daemon", "--session", "--nofork", f"--address={address}"],
            directory / "dbus.log",
            env,
        )
        stack.callback(_stop, daemon)
        _wait_until(lambda: _has_owner(env, "org.freedesktop.DBus"), daemon, "dbus-daemon")
        launcher = _start([BUS_LAUNCHER, "--launch-immediately"], directory / "launcher.log", env)
        stack.callback(_stop, launcher)
        _wait_until(lambda: _has_owner(env, "org.a11y.Bus"), launcher, "at-spi-bus-launcher")
        # A listener for the events a screen reader asks for, there before any kiosk starts,
        # as Orca is in a clinic: a program is then asked about each of its objects as it is
        # made (the kiosk once failed to start only under those questions).
        ready = directory / "listener.ready"
        listener = _start(
            [SYSTEM_PYTHON, "-c", _LISTENER, str(ready)],
            directory / "listener.log",
            {k: v for k, v in env.items() if not k.startswith("PYTHON")},
        )
        stack.callback(_stop, listener)
        _wait_until(ready.exists, listener, "the screen reader's stand-in listener")
        yield bus


# The events Orca 43 registers for that make Qt answer at once (names, states, text, focus).
_LISTENER = """
import sys, pathlib, pyatspi
events = ("object:property-change", "object:state-changed", "object:text-changed",
          "object:children-changed", "focus:", "window:")
pyatspi.Registry.registerEventListener(lambda event: None, *events)
pathlib.Path(sys.argv[1]).touch()
pyatspi.Registry.start()
"""


def _start(
    command: list[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output
        )


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _has_owner(env: dict[str, str], name: str) -> bool:
    """Whether something on the session bus owns ``name``. (Asked of the bus itself: a call to
    the name would have the bus start its service file's own launcher if ours is not there yet.)
    """
    ask = [
        "dbus-send",
        "--session",
        "--print-reply",
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.NameHasOwner",
        f"string:{name}",
    ]
    answer = subprocess.run(ask, env=env, capture_output=True, text=True, check=False)
    return answer.returncode == 0 and "boolean true" in answer.stdout


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], name: str) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while not ready():
        if process.poll() is not None:
            raise AtspiError(f"{name} exited with status {process.returncode}")
        if time.monotonic() > deadline:
            raise AtspiError(f"{name} did not answer within {_START_TIMEOUT_S:g} s")
        time.sleep(_POLL_S)


# The tree a screen reader sees ----------------------------------------------------------------


@dataclass
class Node:
    """One object in the kiosk's accessible tree, as the AT-SPI client read it."""

    role: str  # AT-SPI's role name: "push button", "check box", "heading", "label"
    name: str
    description: str
    states: frozenset[str]  # "showing", "focusable", "focused", "checked"
    interfaces: frozenset[str]  # "Action", "Text", "Component"
    actions: list[str]  # "Press", "Toggle", "SetFocus"
    text: str | None  # through the Text interface, when it has one
    attributes: dict[str, str]  # "level" for a heading
    extents: tuple[int, int, int, int] | None  # x, y, width, height on the screen
    children: list[Node] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Node:
        return cls(
            role=data["role"],
            name=data["name"],
            description=data["description"],
            states=frozenset(data["states"]),
            interfaces=frozenset(data["interfaces"]),
            actions=list(data["actions"]),
            text=data["text"],
            attributes=dict(data["attributes"]),
            extents=tuple(data["extents"]) if data["extents"] else None,
            children=[cls.from_json(child) for child in data["children"]],
        )

    @property
    def showing(self) -> bool:
        return "showing" in self.states

    def walk(self) -> Iterator[Node]:
        """This node and every node below it that is showing, in tree order."""
        yield self
        for child in self.children:
            if child.showing:
                yield from child.walk()

    def find(self, role: str | None = None, name: str | None = None) -> list[Node]:
        """The showing nodes with that role and name (either may be left out)."""
        return [
            node
            for node in self.walk()
            if node.showing
            and (role is None or node.role == role)
            and (name is None or node.name == name)
        ]

    def one(self, role: str | None = None, name: str | None = None) -> Node:
        """The one showing node with that role and name."""
        found = self.find(role, name)
        if len(found) != 1:
            raise AssertionError(
                f"expected one showing {role or 'node'} named {name!r}, found {len(found)}:\n"
                + self.outline()
            )
        return found[0]

    def focused(self) -> Node | None:
        return next((node for node in self.walk() if "focused" in node.states), None)

    def outline(self, depth: int = 0) -> str:
        """The tree as indented lines, for a failing test's message."""
        marks = sorted(self.states & {"focusable", "focused", "checked", "enabled"})
        line = f"{'  ' * depth}{self.role} {self.name!r} {' '.join(marks)} {self.actions or ''}"
        shown = [child.outline(depth + 1) for child in self.children if child.showing]
        return "\n".join([line.rstrip(), *shown])


# The kiosk and its reader -----------------------------------------------------------------------


class _Lines:
    """A child's standard output read line by line, with a time limit on each line."""

    def __init__(self, process: subprocess.Popen[bytes], name: str, log: Path) -> None:
        assert process.stdout is not None
        self._process = process
        self._fd = process.stdout.fileno()
        self._buffer = b""
        self._name = name
        self._log = log

    def read(self, timeout_s: float) -> Any:
        deadline = time.monotonic() + timeout_s
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._fd], [], [], max(0.0, left))
            chunk = os.read(self._fd, 65536) if ready else b""
            if not chunk:
                status = self._process.poll()
                why = "did not answer" if status is None else f"exited with status {status}"
                raise AtspiError(f"{self._name} {why}; see {self._log}")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)


class KioskOnBus:
    """The kiosk running on a private AT-SPI bus, and a screen reader's view of it.

    ``tree()`` is the kiosk's window as the client reads it; ``do()`` performs an accessible
    action (Press, Toggle) as a screen reader does; ``command()`` drives the kiosk where no
    action can (see ``harness/atspi_kiosk.py``).
    """

    def __init__(self, bus: AtspiBus, directory: Path, *driver_args: str) -> None:
        self._directory = directory
        env = {
            **bus.env(),
            "QT_QPA_PLATFORM": "xcb",
            "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
            "PYTHONPATH": str(REPO),
        }
        self.kiosk_log = directory / "kiosk.log"
        self.reader_log = directory / "reader.log"
        with self.kiosk_log.open("ab") as log:
            self._kiosk = subprocess.Popen(
                [sys.executable, "-m", _DRIVER, *driver_args],
                cwd=REPO,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
            )
        self._reader: subprocess.Popen[bytes] | None = None
        try:
            self._kiosk_lines = _Lines(self._kiosk, "the kiosk", self.kiosk_log)
            self._kiosk_lines.read(_START_TIMEOUT_S)  # {"ready": true}
            reader_env = {k: v for k, v in bus.env().items() if not k.startswith("PYTHON")}
            with self.reader_log.open("ab") as log:
                self._reader = subprocess.Popen(
                    [SYSTEM_PYTHON, str(_READER), str(self._kiosk.pid)],
                    env=reader_env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                )
            self._reader_lines = _Lines(self._reader, "the AT-SPI reader", self.reader_log)
        except BaseException:
            self.close()
            raise

    # A screen reader's requests.

    def _ask(self, request: dict[str, Any]) -> Any:
        assert self._reader is not None
        assert self._reader.stdin is not None
        self._reader.stdin.write((json.dumps(request) + "\n").encode())
        self._reader.stdin.flush()
        answer = self._reader_lines.read(_ANSWER_TIMEOUT_S)
        if isinstance(answer, dict) and "error" in answer:
            raise AssertionError(f"AT-SPI: {answer['error']}")
        return answer

    def tree(self) -> Node:
        """The kiosk's one window as a screen reader sees it now, once it has settled."""
        return Node.from_json(self._ask({"cmd": "tree"}))

    def do(self, role: str, name: str, action: str) -> None:
        """Do the accessible action (Press, Toggle, ...) of the one showing object with that
        role and name, as a screen reader does; it fails if the object has no such action."""
        self._ask({"cmd": "do", "role": role, "name": name, "action": action})

    def read(self, role: str, name: str, by: str) -> list[tuple[str, int, int]]:
        """The text of the one showing object with that role and name, read through its Text
        interface piece by piece ("char", "word", "sentence" or "line"), as a screen reader
        reads on: (text, start, end) for each."""
        return [
            (text, start, end)
            for text, start, end in self._ask({"cmd": "read", "role": role, "name": name, "by": by})
        ]

    def listen(self, *events: str) -> None:
        """Keep the AT-SPI events of these types from now on ("object:state-changed:checked")."""
        self._ask({"cmd": "listen", "events": list(events)})

    def heard(self) -> list[dict[str, Any]]:
        """The events kept since the last call: type, detail1, value, and the source's role
        and name."""
        answer: list[dict[str, Any]] = self._ask({"cmd": "heard"})
        return answer

    def wait_for(self, condition: Callable[[Node], bool], what: str) -> Node:
        """The tree, once ``condition`` holds for it: actions take effect in the kiosk's own
        time (Qt's Press is an animated click, 100 ms long)."""
        deadline = time.monotonic() + WAIT_TIMEOUT_S
        while True:
            tree = self.tree()
            if condition(tree):
                return tree
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not within {WAIT_TIMEOUT_S:g} s\n{tree.outline()}")
            time.sleep(_POLL_S)

    # The kiosk itself.

    def command(self, line: str) -> Any:
        """A command to the kiosk's driver (touch, staff, state), and its answer."""
        assert self._kiosk.stdin is not None
        self._kiosk.stdin.write((line + "\n").encode())
        self._kiosk.stdin.flush()
        answer = self._kiosk_lines.read(_ANSWER_TIMEOUT_S)
        if isinstance(answer, dict) and "error" in answer:
            raise AssertionError(f"kiosk: {answer['error']}")
        return answer

    def state(self) -> dict[str, Any]:
        """What the visit holds: ticked (numbers), section, theme, screen."""
        answer: dict[str, Any] = self.command("state")
        return answer

    def close(self) -> None:
        for process in (self._reader, self._kiosk):
            if process is None:
                continue
            if process.stdin is not None:
                process.stdin.close()
            if process is self._kiosk and process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()

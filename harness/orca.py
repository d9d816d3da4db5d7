"""Orca, the screen reader, run on a private AT-SPI bus (harness.atspi) with its debug log, and
what it said read back from that log, for the Orca benchmark (benchmarks/orca_visit.py)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from harness.atspi import AtspiBus

ORCA = "orca"
ORCA_START_TIMEOUT_S = 30.0
ORCA_STOP_TIMEOUT_S = 10.0  # Orca says "Screen reader off." and exits in about 2 s
# Orca writes some kilobytes of debug log for each event it handles; a log that stopped growing
# for this long means Orca has handled what the last key caused.
QUIET_S = 1.5
QUIET_TIMEOUT_S = 20.0
POLL_S = 0.1
_SPEECH = re.compile(
    r"^(\d\d):(\d\d):(\d\d\.\d+) - SPEECH OUTPUT: '(.*)'(?: voice=\S+)?\s*(?:\{.*\})?\s*$", re.S
)
_TIMESTAMP = re.compile(r"^\d\d:\d\d:\d\d\.\d+ - ")
# A debug line's continuation lines are indented by 18 spaces (orca/debug.py println).
_CONTINUATION = " " * 18


class OrcaError(RuntimeError):
    """Orca could not be started, or exited."""


@dataclass(frozen=True)
class Said:
    """One utterance Orca sent to its synthesizer."""

    at_s: float  # seconds since midnight, local time, as Orca stamps its log
    text: str


@dataclass(frozen=True)
class Step:
    """What the visit did: a key pressed, or something it waited for or checked."""

    at_s: float  # seconds since midnight, local time
    what: str


def seconds_of_day(moment: datetime) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def speech_output(log: str) -> list[Said]:
    """Every ``SPEECH OUTPUT`` entry of an Orca debug log, in order: the text between its
    first and last quote, without the voice that follows."""
    entries: list[str] = []
    for line in log.splitlines():
        if _TIMESTAMP.match(line):
            entries.append(line)
        elif entries and line.startswith(_CONTINUATION):
            entries[-1] += "\n" + line[len(_CONTINUATION) :]
    said = []
    for entry in entries:
        match = _SPEECH.match(entry)
        if match:
            hours, minutes, seconds, text = match.groups()
            at_s = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
            said.append(Said(at_s, text))
    return said


def transcript(steps: list[Step], said: list[Said], start_s: float, end_s: float) -> list[str]:
    """The visit's steps and Orca's utterances between ``start_s`` and ``end_s``, in time
    order, each line stamped with seconds since ``start_s``."""
    lines: list[tuple[float, int, str]] = []
    for step in steps:
        lines.append((step.at_s, 0, f"-- {step.what}"))
    for utterance in said:
        if start_s <= utterance.at_s <= end_s:
            # One line each: a line break inside an utterance is shown as \\n.
            text = utterance.text.strip().replace("\n", "\\n")
            lines.append((utterance.at_s, 1, f"   Orca: {text}"))
    return [f"{at - start_s:6.1f} {text}" for at, _, text in sorted(lines)]


class Orca:
    """Orca running on the bus in a PID namespace of its own, logging to ``log``."""

    def __init__(self, bus: AtspiBus, directory: Path) -> None:
        self.log = directory / "orca-debug.txt"
        # The session's own home and runtime folders (harness/atspi.py gives the bus's services
        # these), as in a desktop session: Orca quits when GSettings says
        # screen-reader-enabled went false, and with a home of its own it reads a GSettings
        # database that never had it true.
        env = {k: v for k, v in bus.env().items() if not k.startswith("PYTHON")}
        env.update(
            HOME=str(bus.directory),
            XDG_CONFIG_HOME=str(bus.directory / ".config"),
            XDG_DATA_HOME=str(bus.directory / ".local/share"),
            XDG_CACHE_HOME=str(bus.directory / ".cache"),
            XDG_RUNTIME_DIR=str(bus.directory / "runtime"),  # speech-dispatcher's socket too
        )
        command = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child=SIGKILL"]
        command += [ORCA, f"--debug-file={self.log}"]
        with (directory / "orca-output.txt").open("ab") as output:
            self._unshare = subprocess.Popen(
                command, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output
            )
        deadline = time.monotonic() + ORCA_START_TIMEOUT_S
        # Its first words ("Screen reader on.") come once it listens to the bus.
        while not self.said():
            if self._unshare.poll() is not None:
                raise OrcaError(
                    f"Orca exited with status {self._unshare.returncode}; see "
                    f"{directory / 'orca-output.txt'}"
                )
            if time.monotonic() > deadline:
                self.close()
                raise OrcaError(f"Orca said nothing within {ORCA_START_TIMEOUT_S:g} s")
            time.sleep(POLL_S)

    def said(self) -> list[Said]:
        if not self.log.exists():
            return []
        return speech_output(self.log.read_text(encoding="utf-8", errors="replace"))

    def _size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def wait_quiet(self, quiet_s: float = QUIET_S, timeout_s: float = QUIET_TIMEOUT_S) -> None:
        """Until Orca's log has not grown for ``quiet_s`` (or ``timeout_s`` has passed)."""
        deadline = time.monotonic() + timeout_s
        size, since = self._size(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(POLL_S)
            now = self._size()
            if now != size:
                size, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet_s:
                return

    def close(self) -> None:
        """SIGTERM to Orca itself (unshare's child), so it flushes its log; SIGKILL if it hangs."""
        if self._unshare.poll() is not None:
            return
        children = Path(f"/proc/{self._unshare.pid}/task/{self._unshare.pid}/children")
        orca = [int(pid) for pid in children.read_text().split()] if children.exists() else []
        # Without Orca's pid, unshare itself: --kill-child takes Orca with it.
        targets = orca or [self._unshare.pid]
        for pid in targets:
            os.kill(pid, signal.SIGTERM)
        try:
            self._unshare.wait(timeout=ORCA_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            for pid in targets:
                os.kill(pid, signal.SIGKILL)
            self._unshare.wait()

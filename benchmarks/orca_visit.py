"""What a real screen reader, Orca, says on a scripted visit to the kiosk made by keys alone.

    .venv/bin/python -m benchmarks.orca_visit [--out FILE] [--write]

It starts a private X server, session bus and accessibility bus (harness/atspi.py), a private
PulseAudio with a null sink (harness/audio.py) and a private CUPS whose default queue fails
every job (harness/cups.py), then Orca with ``--debug-file``, then the kiosk on the bus
(harness/atspi_kiosk.py, as the AT-SPI tests run it, with a short idle timeout). Keys go to the
X server with xdotool, as a keypad's do, so Orca hears them too. The visit: a key starts it,
Down through the home page to a section, open it, Up to My questions, tick two questions,
Print (which fails), then no key until "Are you still here?", answer it, and no key again
until the countdown ends the visit. Between keys it waits until Orca has been quiet for a
moment (its debug log stops growing), as a patient listens before the next key. Each step
finds its control by the name a screen reader reads, not by counting keys, so the visit
survives changes to the pages.

It prints, and writes to FILE (default: orca-visit.txt in the working folder), every
``SPEECH OUTPUT`` line of Orca's debug log in order, between the keys pressed; with
``--write`` it also puts that transcript into docs/accessibility.md between the
``orca-visit`` marker comments. It exits with status 1, and writes no docs, if a step could
not find its control or the kiosk lost a tick.

Orca 43 needs, measured here (see docs/accessibility.md for what it says):
- a sound server: with none, speech-dispatcher's espeak-ng module cannot open audio and after
  two utterances speech-dispatcher stops answering, and Orca blocks for good in the speechd
  client; so Orca speaks into the null sink;
- a PID namespace of its own (``unshare``, as root): Orca refuses to start while another Orca
  of the same user runs, and ``--replace`` would kill every one of them (``pgrep -x orca``);
  when Orca, pid 1 there, ends, the speech-dispatcher it started ends with it;
- no setup: with no settings file it runs with its defaults, and no wizard;
- the session's HOME and runtime folder: it quits when GSettings' screen-reader-enabled changes
  and reads false, which in a home of its own (another GSettings database) it always does;
- SIGTERM to stop it: its debug log is block-buffered, and it flushes it as it exits (2 s).
Orca does not set the accessibility bus's ``ScreenReaderEnabled`` (the desktop does, in GNOME,
before it starts Orca), so this script sets it first, as GNOME does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

from harness.atspi import (
    AtspiBus,
    AtspiError,
    KioskOnBus,
    Node,
    missing_packages,
    private_atspi,
)
from harness.orca import (
    ORCA,
    QUIET_TIMEOUT_S,
    Orca,
    OrcaError,
    Step,
    seconds_of_day,
    transcript,
)
from harness.report import replace_section

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "accessibility.md"
BEGIN = "<!-- orca-visit: begin (written by python -m benchmarks.orca_visit --write) -->"
END = "<!-- orca-visit: end -->"
COMMAND = ".venv/bin/python -m benchmarks.orca_visit --write"

IDLE_TIMEOUT_S = 30  # the config's least: "Are you still here?" after this long untouched
IDLE_WARNING_S = 20  # the config's least: the countdown
MOST_KEYS = 40  # to reach one control; more means it is not there
POLL_S = 0.1
_COMMANDS = (
    (ORCA, "orca"),
    ("speech-dispatcher", "speech-dispatcher"),
    ("xdotool", "xdotool"),
    ("unshare", "util-linux"),
)


class VisitError(RuntimeError):
    """The kiosk could not be started, or a step of the visit could not be done."""


def rewrite_section(document: str, lines: list[str], heading_note: str) -> str:
    """``document`` with the text between the two marker comments replaced by the transcript.

    Raises VisitError if the markers are missing, so a moved section is noticed, not duplicated.
    """
    note = textwrap.fill(heading_note, width=100, break_on_hyphens=False)  # as the report wraps
    try:
        return replace_section(
            document, BEGIN, END, "\n".join([note, "", "```text", *lines, "```"])
        )
    except ValueError as error:
        raise VisitError(f"{DOC}: {error}") from None


# The visit --------------------------------------------------------------------------------------


def focused(tree: Node) -> Node | None:
    """The innermost object with the focus (Qt marks the window's containers focused too)."""
    found = None
    for node in tree.walk():
        if "focused" in node.states:
            found = node
    return found


def _describe(node: Node | None) -> str:
    return "nothing" if node is None else f"{node.role} {node.name!r}"


class Visit:
    """The kiosk and Orca on one bus, keys pressed by xdotool, and a log of what was done."""

    def __init__(self, bus: AtspiBus, kiosk: KioskOnBus, orca: Orca) -> None:
        self._bus = bus
        self.kiosk = kiosk
        self.orca = orca
        self.steps: list[Step] = []
        self.problems: list[str] = []

    def note(self, what: str, at_s: float | None = None) -> None:
        self.steps.append(Step(seconds_of_day(datetime.now()) if at_s is None else at_s, what))

    def press(self, key: str, why: str) -> None:
        """One key (an X keysym name: Down, Return, space), then Orca's time to speak."""
        self.note(f"key {key}: {why}")
        subprocess.run(["xdotool", "key", key], env=self._bus.env(), check=True)
        self.orca.wait_quiet()

    def press_until(
        self, goal: Callable[[Node], bool], what: str, keys: tuple[str, str] = ("Down", "Up")
    ) -> Node | None:
        """The first of ``keys`` until the focus is on a control ``goal`` accepts (no key if it
        is there already); where that key stops (an end of the page), the other. None, and a
        problem noted, if neither gets there."""
        node = focused(self.kiosk.tree())
        for key in keys:
            for _ in range(MOST_KEYS):
                if node is not None and goal(node):
                    return node
                self.press(key, f"towards {what}")
                before, node = node, focused(self.kiosk.tree())
                if node == before:
                    break  # the end of the page that way
        if node is not None and goal(node):
            return node
        self.problems.append(f"Down and Up never reached {what}: focus on {_describe(node)}")
        self.note(f"(gave up: Down and Up did not reach {what})")
        return None

    def wait_for(self, condition: Callable[[Node], bool], what: str, timeout_s: float) -> bool:
        self.note(f"no key: wait for {what}")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if condition(self.kiosk.tree()):
                self.orca.wait_quiet()
                return True
            time.sleep(0.5)
        self.problems.append(f"{what}: not within {timeout_s:g} s")
        return False

    def ticked(self) -> list[int]:
        ticked: list[int] = self.kiosk.state()["ticked"]
        return ticked


UP_FIRST = ("Up", "Down")


def _starts(prefix: str) -> Callable[[Node], bool]:
    return lambda node: node.name.startswith(prefix)


def _section_button(node: Node) -> bool:
    # The leaflet's sections are questions ("What is a compression spine fracture?").
    return node.role == "push button" and node.name.endswith("?")


def _question(exclude: set[str]) -> Callable[[Node], bool]:
    return lambda node: (
        node.role == "check box" and node.name != "High contrast" and node.name not in exclude
    )


def _anywhere(words: str) -> Callable[[Node], bool]:
    return lambda tree: any(words in node.name.lower() for node in tree.walk())


def scripted_visit(visit: Visit) -> None:
    """Start, a section, My questions, two ticks, Print (fails), the idle warning twice."""
    try:
        screen = visit.kiosk.state()["screen"]
    except AssertionError as error:  # the driver's answer when the kiosk could not start
        raise VisitError(f"{error}; see {visit.kiosk.kiosk_log}") from None
    if screen != "WELCOME":
        raise VisitError(f"the kiosk started on {screen}, not WELCOME; see {visit.kiosk.kiosk_log}")
    visit.orca.wait_quiet()
    visit.press("Return", "start the visit on the welcome screen")
    section = visit.press_until(_section_button, "the first section named as a question")
    if section is not None:
        visit.press("Return", f"open {section.name!r}")
    # The bars at the top come first in reading order: Up from the page's heading.
    if visit.press_until(_starts("My questions"), "My questions", UP_FIRST) is not None:
        visit.press("Return", "open My questions")
    first = visit.press_until(_question(set()), "a question to tick")
    if first is not None:
        visit.press("space", f"tick {first.name!r}")
        second = visit.press_until(_question({first.name}), "another question")
        if second is not None:
            visit.press("space", f"tick {second.name!r}")
    before = visit.ticked()
    visit.note(f"(the kiosk holds {len(before)} ticks)")
    # Print is above the questions (it was skipped on the way down while nothing was ticked).
    if visit.press_until(_starts("Print"), "Print", UP_FIRST) is not None:
        visit.press("Return", "print (the printer fails every job)")
        visit.orca.wait_quiet(quiet_s=3.0)  # the failure comes once CUPS has aborted the job
    after = visit.ticked()
    visit.note(f"(the kiosk holds {len(after)} ticks)")
    if len(before) != 2 or after != before:
        visit.problems.append(f"ticks: {before} before printing, {after} after")
    warned = visit.wait_for(
        _anywhere("still here"), '"Are you still here?"', IDLE_TIMEOUT_S + QUIET_TIMEOUT_S
    )
    if warned:
        node = focused(visit.kiosk.tree())
        if node is not None and "still here" in node.name.lower():
            visit.press("Return", f"answer with {node.name!r}")
        else:
            visit.note(f"(the focus is on {_describe(node)}, not on the answer)")
            visit.press("Down", "any key, to answer")
        visit.wait_for(
            lambda tree: not _anywhere("still here")(tree), "the warning to go", QUIET_TIMEOUT_S
        )
    visit.wait_for(
        lambda _tree: visit.kiosk.state()["screen"] == "WELCOME",
        "the warning again and its countdown to end the visit",
        IDLE_TIMEOUT_S + IDLE_WARNING_S + QUIET_TIMEOUT_S,
    )


# Running it -------------------------------------------------------------------------------------


def _missing() -> list[str]:
    """The Debian packages this needs that are not installed (./dev.sh bench installs them)."""
    missing = missing_packages()
    for command, package in _COMMANDS:
        if shutil.which(command) is None:
            missing.append(package)
    return missing


@contextmanager
def _private_home(directory: Path) -> Iterator[None]:
    """The kiosk's state, logs and handouts in ``directory``, not in the machine's home."""
    saved = {name: os.environ.get(name) for name in ("HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME")}
    os.environ["HOME"] = str(directory)
    os.environ["XDG_STATE_HOME"] = str(directory / "state")
    os.environ["XDG_CONFIG_HOME"] = str(directory / "config")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_visit(directory: Path) -> tuple[list[str], list[str]]:
    """The transcript of one visit, and the problems met; everything started is stopped."""
    from harness.audio import private_pulse
    from harness.cups import Q_ABORT, private_cups

    with ExitStack() as stack:
        bus = stack.enter_context(private_atspi(directory / "bus"))
        stack.enter_context(private_pulse(directory / "pulse"))
        cups = stack.enter_context(private_cups())
        cups.set_default(Q_ABORT)  # the kiosk prints to the default queue: every job fails
        stack.enter_context(_private_home(directory / "home"))
        # As GNOME does: the setting first, then Orca.
        bus.set_screen_reader(True)
        orca = Orca(bus, directory)
        stack.callback(orca.close)
        started_s = seconds_of_day(datetime.now())
        kiosk = KioskOnBus(
            bus,
            directory,
            "--idle-timeout-s",
            str(IDLE_TIMEOUT_S),
            "--idle-warning-s",
            str(IDLE_WARNING_S),
        )
        stack.callback(kiosk.close)
        visit = Visit(bus, kiosk, orca)
        visit.note("the kiosk starts (Orca is running)", started_s)
        try:
            scripted_visit(visit)
        finally:
            ended_s = seconds_of_day(datetime.now())
            visit.note("end of the visit")
            kiosk.close()
            orca.close()  # flushes its log
        return transcript(visit.steps, orca.said(), started_s, ended_s), visit.problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("orca-visit.txt"))
    parser.add_argument("--write", action="store_true", help=f"also rewrite the section of {DOC}")
    parser.add_argument("--keep", action="store_true", help="keep the logs' folder and say where")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("needs root: Orca runs in a PID namespace of its own (unshare --pid)")
        return 2
    missing = _missing()
    if missing:
        print(f"missing: {', '.join(missing)}; ./dev.sh bench installs them")
        return 2
    directory = Path(tempfile.mkdtemp(prefix="kiosk-orca-"))
    try:
        lines, problems = run_visit(directory)
    except (VisitError, OrcaError, AtspiError) as error:
        print(f"{error}\nlogs kept in {directory}")
        return 1
    if args.keep or problems:
        print(f"logs (the kiosk's, Orca's debug log, speech-dispatcher's) kept in {directory}")
    else:
        shutil.rmtree(directory)
    version = subprocess.run([ORCA, "--version"], capture_output=True, text=True, check=False)
    note = (
        f"Written by `{COMMAND}` on {datetime.now():%Y-%m-%d} with Orca "
        f"{version.stdout.strip()}, the idle warning after {IDLE_TIMEOUT_S} s and its countdown "
        f"{IDLE_WARNING_S} s. Seconds since the kiosk started; `--` what the visit did, "
        "`Orca:` each SPEECH OUTPUT line of Orca's debug log, in order."
    )
    report = [f"PROBLEM: {problem}" for problem in problems]
    text = "\n".join([note, "", *lines, *report, ""])
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {args.out}")
    if problems:
        return 1
    if args.write:
        DOC.write_text(rewrite_section(DOC.read_text(encoding="utf-8"), lines, note), "utf-8")
        print(f"and to {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

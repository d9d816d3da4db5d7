"""The soak driver: complete visits in one kiosk, driven with real taps, and meters of what
a process holds (memory, QObjects, threads, children, files), for the soak test and benchmark.

The caller chooses the Qt platform before Qt is imported (Qt is imported inside the functions
that use it); ``benchmarks/soak.py`` runs ten thousand visits, ``tests/ui/test_soak.py`` 300.
"""

from __future__ import annotations

import ctypes
import gc
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

# Qt is imported inside the functions that use it, after the caller has chosen the platform.
if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QAbstractButton, QWidget

    from kiosk.app import Kiosk

# Growth allowed after the warm-up: memory a little (the allocator's own bookkeeping), counted
# things not at all.
RSS_GROWTH_LIMIT_KIB = 5 * 1024
FLAT = ("qobjects", "wrappers", "threads", "children", "fds", "temp_files")
# Short enough that a visit ends soon after its last tap, long enough that the quiet spells
# inside a visit (Listen to the first sound, about 50 ms; Print to printed, about 80 ms) do
# not bring the warning. If one ever does, the driver answers it like a patient and goes on.
IDLE_TIMEOUT_S = 0.3
IDLE_WARNING_S = 0.05
# Longer than anything a step should take on a slow machine.
STEP_TIMEOUT_S = 30.0


class SoakError(RuntimeError):
    """The kiosk did not do what a step of the visit expected."""


class Sample(NamedTuple):
    """What the process holds after ``visit`` complete visits."""

    visit: int
    elapsed_s: float  # since the first visit began
    rss_kib: int  # VmRSS
    heap_kib: int  # what C and C++ code holds from malloc (glibc's mallinfo2), 0 if unknown
    qobjects: int  # live QObjects (see live_qobjects)
    wrappers: int  # Python wrappers of Qt objects that are still valid
    py_objects: int  # objects the Python garbage collector tracks, less the samples
    threads: int
    children: int  # processes whose parent is this one
    fds: int  # open file descriptors
    temp_files: int  # files and folders in the watched temporary folders

    @staticmethod
    def names() -> list[str]:
        return list(Sample._fields)


@dataclass
class RunStats:
    """How the visits went."""

    visits: int = 0
    printed: int = 0
    sentences_heard: int = 0
    warnings_answered: int = 0  # "Are you still here?" came mid-visit and was answered
    elapsed_s: float = 0.0
    # The longest wait of each kind ("for Listen's first sentence", "to print"), in seconds:
    # the quiet spells within a visit, which must stay well under the idle timeout.
    longest_wait_s: dict[str, float] = field(default_factory=dict)


# Measuring ------------------------------------------------------------------------------------


def rss_kib() -> int:
    """This process's resident memory (VmRSS) in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SoakError("no VmRSS in /proc/self/status")


class _MallInfo2(ctypes.Structure):
    _fields_ = [  # the layout of glibc's struct mallinfo2
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def heap_kib() -> int:
    """The bytes malloc has handed out and not had back, in KiB, over every arena: unlike the
    resident memory, this does not move with fragmentation or with memory malloc keeps for
    reuse, so a steady rise is a leak in C or C++ code. 0 where glibc's mallinfo2 is missing.
    """
    try:
        mallinfo2 = ctypes.CDLL(None).mallinfo2
    except AttributeError:
        return 0
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return int((info.uordblks + info.hblkhd) // 1024)


def thread_count() -> int:
    return len(os.listdir("/proc/self/task"))


def fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


def child_processes() -> list[str]:
    """The command names of the processes whose parent is this process."""
    me = os.getpid()
    names = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # it ended while we looked
        # The command name is in parentheses and may hold spaces; the parent follows it.
        name, _, rest = stat.partition(" (")[2].rpartition(")")
        if int(rest.split()[1]) == me:
            names.append(name)
    return sorted(names)


def count_files(folders: Sequence[Path]) -> int:
    """Files and folders under ``folders`` (not counting the folders themselves)."""
    total = 0
    for folder in folders:
        for _root, dirs, files in os.walk(folder):
            total += len(dirs) + len(files)
    return total


def live_qobjects() -> int:
    """The QObjects alive in this process, as far as they can be found from outside.

    Qt keeps no public list of every QObject, so this counts the union, by C++ address, of
    every widget (``QApplication.allWidgets()``, parentless ones too) and every descendant of
    the application, of each top-level widget and of each parentless QObject that Python holds
    a wrapper to (the visit, the narrator, the print service, each text's QTextDocument, a
    parked audio sink). What it cannot see is a parentless QObject that only C++ knows about.

    It walks ``children()``, not ``findChildren()``: PySide6 ties each wrapper that
    ``findChildren()`` returns to its parent's wrapper for good, so a child that C++ later
    deletes (a QTextDocument's root frame, at each ``setPlainText``) would leave a dead
    wrapper behind at every sample, and the measuring would grow what it measures.
    """
    import shiboken6
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    stack: list[QObject] = [app] if app is not None else []
    stack += QApplication.topLevelWidgets()
    stack += QApplication.allWidgets()
    stack += [
        wrapper
        for wrapper in shiboken6.Shiboken.getAllValidWrappers()
        if isinstance(wrapper, QObject) and wrapper.parent() is None
    ]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        address = shiboken6.getCppPointer(item)[0]
        if address not in seen:
            seen.add(address)
            stack += item.children()
    return len(seen)


class Meter:
    """Takes samples of what the process holds; ``temp_folders`` are where its temporary
    files would be."""

    def __init__(self, temp_folders: Sequence[Path]) -> None:
        self.temp_folders = list(temp_folders)
        self._started = time.monotonic()

    def restart_clock(self) -> None:
        self._started = time.monotonic()

    def sample(self, visit: int) -> Sample:
        import shiboken6
        from PySide6.QtCore import QCoreApplication, QEvent

        # What the running kiosk's event loop would have deleted by now (deleteLater), and
        # what only Python's cycle collector frees, do not count as held.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
        elapsed_s = time.monotonic() - self._started
        wrappers = len(shiboken6.Shiboken.getAllValidWrappers())
        return Sample(
            visit=visit,
            elapsed_s=elapsed_s,
            rss_kib=rss_kib(),
            heap_kib=heap_kib(),
            qobjects=live_qobjects(),
            wrappers=wrappers,
            # The samples a caller keeps are not the kiosk's.
            py_objects=sum(type(item) is not Sample for item in gc.get_objects()),
            threads=thread_count(),
            children=len(child_processes()),
            fds=fd_count(),
            temp_files=count_files(self.temp_folders),
        )


# Judging --------------------------------------------------------------------------------------


def after_warm_up(samples: Sequence[Sample], warm_up: int) -> list[Sample]:
    return [s for s in samples if s.visit >= warm_up]


def growth(samples: Sequence[Sample], warm_up: int) -> dict[str, int]:
    """For each figure, the last sample after the warm-up less the first one."""
    kept = after_warm_up(samples, warm_up)
    if len(kept) < 2:
        raise SoakError(f"fewer than two samples from visit {warm_up} on")
    first, last = kept[0], kept[-1]
    return {
        name: int(getattr(last, name) - getattr(first, name))
        for name in Sample.names()
        if name not in ("visit", "elapsed_s")
    }


def leaks(samples: Sequence[Sample], warm_up: int) -> list[str]:
    """What broke the limits after the warm-up, in words (empty when nothing leaked)."""
    kept = after_warm_up(samples, warm_up)
    grown = growth(samples, warm_up)
    found = []
    if grown["rss_kib"] >= RSS_GROWTH_LIMIT_KIB:
        found.append(
            f"resident memory grew by {grown['rss_kib'] / 1024:.1f} MB from visit "
            f"{kept[0].visit} to {kept[-1].visit} (limit {RSS_GROWTH_LIMIT_KIB / 1024:.0f} MB)"
        )
    for name in FLAT:
        values = [getattr(s, name) for s in kept]
        if max(values) != min(values):
            found.append(
                f"{name} changed from visit {kept[0].visit} on: "
                + ", ".join(f"{s.visit}: {getattr(s, name)}" for s in kept)
            )
    return found


def table(samples: Sequence[Sample]) -> str:
    names = Sample.names()
    widths = [max(len(name), 9) for name in names]
    lines = ["  ".join(name.rjust(width) for name, width in zip(names, widths, strict=True))]
    for sample in samples:
        cells = []
        for name, width in zip(names, widths, strict=True):
            value = getattr(sample, name)
            cells.append((f"{value:.1f}" if isinstance(value, float) else str(value)).rjust(width))
        lines.append("  ".join(cells))
    return "\n".join(lines)


# Driving --------------------------------------------------------------------------------------


class _Events:
    """Counts what the kiosk reports, and wakes the driver's event loop at each report.

    Its slots are plain Python callables, disconnected again by ``detach``.
    """

    def __init__(self, kiosk: Kiosk, wake: Callable[[], None]) -> None:
        self.sentences: list[int] = []  # the sentences heard, since the driver last cleared it
        self.warnings = 0
        self.resets = 0
        self._wake = wake
        self._connections: list[tuple[SignalInstance, Callable[..., None]]] = [
            (kiosk.visit.was_reset, self._on_visit_reset),
            (kiosk.idle.warning_started, self._on_warning_started),
            (kiosk.printing.state_changed, self._on_anything),
        ]
        if kiosk.narrator is not None:
            self._connections += [
                (kiosk.narrator.sentence_started, self._on_sentence_started),
                (kiosk.narrator.state_changed, self._on_anything),
            ]
        for signal, slot in self._connections:
            signal.connect(slot)

    def detach(self) -> None:
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections = []

    def _on_visit_reset(self) -> None:
        self.resets += 1
        self._wake()

    def _on_warning_started(self, _seconds_left: int) -> None:
        self.warnings += 1
        self._wake()

    def _on_sentence_started(self, index: int) -> None:
        self.sentences.append(index)
        self._wake()

    def _on_anything(self, *_args: object) -> None:
        self._wake()


class VisitDriver:
    """A patient at the kiosk: taps the real widgets and waits, in an event loop, for what the
    kiosk does in its own time (the voice, the printer, the end of the visit).

    The waits run a real ``QEventLoop``, as the running kiosk does, not ``processEvents()``
    from outside any loop: Qt carries out ``deleteLater()`` only when control returns to an
    event loop, so a driver without one could count, as held, objects the kiosk has freed.
    """

    def __init__(
        self, kiosk: Kiosk, step_timeout_s: float = STEP_TIMEOUT_S, stats: RunStats | None = None
    ) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        from kiosk.content import SectionKind
        from kiosk.ui.buttons import BigButton

        self.kiosk = kiosk
        self.stats = stats if stats is not None else RunStats()
        self._step_timeout_ms = round(step_timeout_s * 1000)
        # One loop and one guard timer serve every wait: a report from the kiosk, or the
        # guard's time limit, ends the loop, and the wait looks at what changed.
        self._loop = QEventLoop()
        self._guard = QTimer()
        self._guard.setSingleShot(True)
        self._guard.timeout.connect(self._loop.quit)
        self._events = _Events(kiosk, self._loop.quit)
        leaflet = kiosk.leaflet
        window = kiosk.window
        buttons = {
            b.text(): b
            for b in window.home_page.findChildren(BigButton)
            if b is not window.home_page.questions_button
        }
        self._section_buttons: dict[int, QAbstractButton] = {}
        for index, section in enumerate(leaflet.sections):
            label = "Introduction" if section.kind is SectionKind.INTRODUCTION else section.heading
            if section.kind is not SectionKind.QUESTIONS and label in buttons:
                self._section_buttons[index] = buttons[label]
        # A visit opens a section from home, then the next one by Next: both must be text.
        self._first_sections = [
            index for index in self._section_buttons if index + 1 in self._section_buttons
        ]
        if not self._first_sections:
            raise SoakError("the leaflet has no two text sections in a row")

    def close(self) -> None:
        self._guard.stop()
        self._events.detach()

    # Waiting ----------------------------------------------------------------------------------

    def wait(self, done: Callable[[], bool], what: str, *, answer_warnings: bool = True) -> bool:
        """Run the event loop until ``done()``; False if the idle warning came first (and was
        answered, as a patient still at the kiosk would)."""
        warnings = self._events.warnings
        started_s = time.monotonic()
        self._guard.start(self._step_timeout_ms)
        try:
            while True:
                # The warning first: the sentence just heard may be the warning's own.
                if answer_warnings and self._events.warnings != warnings:
                    self._answer_warning()
                    return False
                if done():
                    return True
                if not self._guard.isActive():
                    raise SoakError(f"visit {self.stats.visits + 1}: timed out waiting {what}")
                self._loop.exec()
        finally:
            self._guard.stop()
            waited_s = time.monotonic() - started_s
            longest = self.stats.longest_wait_s
            longest[what] = max(longest.get(what, 0.0), waited_s)

    def _answer_warning(self) -> None:
        """ "Yes, I'm still here": the visit goes on (unless it already ended)."""
        self.stats.warnings_answered += 1
        panel = self.kiosk.window.idle_panel
        self._expect(
            self.kiosk.visit.under_way and panel.isVisible(),
            "a warning that came mid-visit could be answered before the visit ended",
        )
        self.tap(panel.stay_button)
        self._expect(not panel.isVisible(), "answering the warning hides it")

    # Tapping ----------------------------------------------------------------------------------

    def tap(self, button: QAbstractButton) -> None:
        """Touch a control as a patient does: scroll it into view, then tap its middle."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from kiosk.ui.scrolling import ScrollPage

        if not button.isVisible() or not button.isEnabled():
            raise SoakError(
                f"visit {self.stats.visits + 1}: {button.text()!r} cannot be tapped now"
            )
        parent = button.parentWidget()
        while parent is not None and not isinstance(parent, ScrollPage):
            parent = parent.parentWidget()
        if parent is not None:
            parent.ensureWidgetVisible(button, 0, 0)
        QTest.mouseClick(
            button,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            button.rect().center(),
        )

    def touch_screen(self) -> None:
        """A finger on the middle of the screen, where there is no control."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        window = self.kiosk.window
        centre = window.rect().center()
        target: QWidget = window.childAt(centre) or window
        QTest.mouseClick(
            target,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            target.mapFrom(window, centre),
        )

    # One visit --------------------------------------------------------------------------------

    def ready(self) -> None:
        """Wait until reading aloud works (the speech check at start-up), on the welcome
        screen."""
        from kiosk.narration.narrator import NarrationState

        narrator = self.kiosk.narrator
        if narrator is not None:
            self.wait(lambda: narrator.state is NarrationState.IDLE, "for the speech check")

    def visit(self, print_handout: bool = True) -> None:
        """One complete visit, from the welcome screen back to it."""
        from kiosk.printing.service import PrintState
        from kiosk.session import Page
        from kiosk.ui.window import Screen

        kiosk, window, visit = self.kiosk, self.kiosk.window, self.kiosk.visit
        number = self.stats.visits + 1
        if window.showing() is not Screen.WELCOME:
            raise SoakError(f"visit {number}: the welcome screen is not showing")
        resets = self._events.resets

        self.touch_screen()
        self._expect(visit.under_way and window.showing() is Screen.LEAFLET, "the leaflet opens")
        first = self._first_sections[number % len(self._first_sections)]
        self.tap(self._section_buttons[first])
        self._expect(visit.page == Page(first), f"section {first} opens")
        self.tap(window.next_button)
        self._expect(visit.page == Page(first + 1), f"Next opens section {first + 1}")
        self._listen()

        self.tap(window.questions_button)
        page = window.questions_page
        self._expect(window.current_page() is page, "My questions opens the questions")
        count = len(page.rows)
        picks = {number % count, (number + 2) % count}
        if number % 2:
            picks.add((number + 4) % count)
        for row in sorted(picks):
            self.tap(page.rows[row])
        ticked = frozenset(row + 1 for row in picks)
        self._expect(visit.ticked == ticked, f"questions {sorted(ticked)} are ticked")
        if print_handout:
            self.tap(page.print_button)
            printing = kiosk.printing
            while not self.wait(lambda: printing.state is not PrintState.PRINTING, "to print"):
                pass  # the warning came while it printed, and was answered: the job goes on
            if printing.state not in (PrintState.PRINTED, PrintState.SAVED):
                raise SoakError(
                    f"visit {number}: printing ended {printing.state.name}: "
                    f"{page.print_status.text()!r}"
                )
            self.stats.printed += 1

        # Nobody touches the screen: "Are you still here?", then the visit ends by itself.
        warnings = self._events.warnings
        self.wait(
            lambda: self._events.resets != resets, "for the visit to end", answer_warnings=False
        )
        self._expect(self._events.warnings > warnings, "the warning came before the end")
        self._expect(window.showing() is Screen.WELCOME, "the welcome screen is back")
        self._expect(visit.ticked == frozenset() and not visit.under_way, "the visit is forgotten")
        self.stats.visits += 1

    def _listen(self) -> None:
        """Listen until the first sentence of the page is heard, then Stop."""
        narrator = self.kiosk.narrator
        if narrator is None:
            return
        window = self.kiosk.window
        heard = self._events.sentences
        while True:
            heard.clear()
            self.tap(window.listen_button)
            if self.wait(lambda: bool(heard), "for Listen's first sentence"):
                break  # else the warning interrupted it and was answered: Listen again
        utterance = narrator.utterance(heard[0])
        target = utterance.target if utterance is not None else None
        self._expect(
            target is not None and window.current_page().isAncestorOf(target),
            "the sentence heard is on the page",
        )
        self.stats.sentences_heard += 1
        self.tap(window.stop_button)
        self._expect(not narrator.active, "Stop silences it")

    def _expect(self, condition: bool, what: str) -> None:
        if not condition:
            raise SoakError(f"visit {self.stats.visits + 1}: expected that {what}")


def run_visits(
    kiosk: Kiosk,
    count: int,
    on_sample: Callable[[Sample], None],
    *,
    meter: Meter | None = None,
    sample_every: int = 100,
    print_every: int = 1,
    stats: RunStats | None = None,
) -> RunStats:
    """Drive ``count`` complete visits of ``kiosk``, which must show the welcome screen and
    have short idle times. ``on_sample`` gets a sample before the first visit, after every
    ``sample_every`` visits and after the last; a handout is printed every ``print_every``
    visits (0: never). How the visits went is kept in ``stats`` as they go."""
    from kiosk.printing.jobs import private_folder

    meter = meter or Meter([Path(tempfile.gettempdir()), private_folder()])
    driver = VisitDriver(kiosk, stats=stats)
    try:
        driver.ready()
        meter.restart_clock()
        started_s = time.monotonic()
        on_sample(meter.sample(0))
        for number in range(1, count + 1):
            driver.visit(print_handout=bool(print_every) and number % print_every == 0)
            driver.stats.elapsed_s = time.monotonic() - started_s
            if number % sample_every == 0 or number == count:
                on_sample(meter.sample(number))
    finally:
        driver.close()
    return driver.stats

"""What the benchmarks share: a private X server, processes and their memory and CPU, start-up."""

from __future__ import annotations

import math
import os
import signal
import struct
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import zlib
from array import array
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from harness.xvfb import SCREEN_SIZE  # noqa: E402 - after the path above

_PAGE_SIZE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def save_screen(pixels: memoryview, path: Path) -> None:
    """Write what is on a private Xvfb's screen to a PNG file, to see what was measured.

    (Written by hand rather than with Qt, so that measuring never loads Qt's libraries into
    this process, where they would stay in the page cache and warm a "cold" start.)
    """
    width, height = SCREEN_SIZE
    raw = pixels.tobytes()  # B, G, R, unused: each pixel little-endian 0x00RRGGBB
    rows = bytearray()
    for y in range(height):
        row = raw[4 * width * y : 4 * width * (y + 1)]
        rgb = bytearray(3 * width)
        rgb[0::3], rgb[1::3], rgb[2::3] = row[2::4], row[1::4], row[0::4]
        rows += b"\0" + rgb

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 6))
    path.write_bytes(png + chunk(b"IEND", b""))


# Start-up to the first screen shown, watched on the screen ----------------------------------

# A screen counts as painted when this many of its pixels, spread over it, hold more colours
# than an empty screen (one) and a window filled but not yet painted (one more) could.
_SAMPLES = 4_000
_UNPAINTED_MAX_COLOURS = 2
_LOOK_EVERY_S = 0.005
_START_TIMEOUT_S = 60.0
# The screen is taken as settled once it has not changed for this long.
_QUIET_S = 1.0


def screen_sample(pixels: memoryview) -> bytes:
    """A few thousand pixels spread over the screen, in a fixed pattern."""
    step = max(1, len(pixels) // _SAMPLES) | 1  # odd, so samples do not line up in columns
    return pixels[::step].tobytes()


def screen_colours(pixels: memoryview) -> int:
    """How many colours a few thousand pixels spread over the screen hold."""
    sample = memoryview(screen_sample(pixels)).cast("I")
    return len(set(sample))


@dataclass(frozen=True)
class StartRun:
    """One start of a program, in seconds from starting it."""

    first_frame_s: float  # something painted: three colours or more on the screen
    shown_s: float  # the screen first looked as it does once settled: the first screen shown


def start_up_runs(
    command: Sequence[str],
    env: dict[str, str],
    pixels: memoryview,
    runs: int,
    *,
    before_run: Callable[[int], None] | None = None,
    after_shown: Callable[[int, Path], None] | None = None,
) -> list[StartRun]:
    """Start ``command`` ``runs`` times and time its first screen on Xvfb's screen file.

    A few thousand of the screen's pixels are read every 5 ms: that costs the X server
    nothing and this process little, so the watching hardly slows the start it measures.
    The first frame is the first moment they hold three colours or more (an empty screen has
    one, a window filled but not painted one more). The screen is shown from the first moment
    the pixels are those they keep once nothing has changed for a second: a blank window, a
    half-laid-out page or text waiting for its font do not count.

    ``before_run(run)`` is called before each start (to empty the page cache, say),
    ``after_shown(run, stderr_file)`` once the screen has settled, before the program is
    stopped. Every process the command started is ended before the next run.
    """
    results: list[StartRun] = []
    with tempfile.TemporaryDirectory() as away:
        for run in range(runs):
            if before_run is not None:
                before_run(run)
            if screen_colours(pixels) > _UNPAINTED_MAX_COLOURS:
                raise SystemExit("the screen is not empty before the program starts")
            stderr_path = Path(away) / f"stderr-{run}.txt"
            with stderr_path.open("wb") as stderr:
                started = time.perf_counter()
                process = subprocess.Popen(
                    command,
                    env=env,
                    cwd=away,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    start_new_session=True,  # its own process group, so all of it is ended
                )
            try:
                results.append(_watch_start(command[0], process, pixels, started, stderr_path))
                if after_shown is not None:
                    after_shown(run, stderr_path)
            finally:
                stop_process_group(process)
            deadline = time.monotonic() + 10
            while screen_colours(pixels) > _UNPAINTED_MAX_COLOURS:  # its window is gone
                if time.monotonic() > deadline:
                    raise SystemExit(f"{command[0]} left its window on the screen")
                time.sleep(_LOOK_EVERY_S)
    return results


def _watch_start(
    name: str,
    process: subprocess.Popen[bytes],
    pixels: memoryview,
    started: float,
    stderr: Path,
) -> StartRun:
    first_frame = None
    last_sample, last_change = b"", 0.0
    while True:
        now = time.perf_counter() - started
        sample = screen_sample(pixels)
        if first_frame is None and len(set(memoryview(sample).cast("I"))) > _UNPAINTED_MAX_COLOURS:
            first_frame = now
        if sample != last_sample:
            last_sample, last_change = sample, now
        elif first_frame is not None and now - last_change >= _QUIET_S:
            return StartRun(first_frame, last_change)
        if process.poll() is not None:
            error = stderr.read_text(errors="replace")
            raise SystemExit(f"{name} ended without showing a page:\n{error}")
        if now > _START_TIMEOUT_S:
            raise SystemExit(f"{name} showed no settled page in {_START_TIMEOUT_S} s")
        time.sleep(_LOOK_EVERY_S)


def stop_process_group(process: subprocess.Popen[bytes], grace_s: float = 10) -> None:
    """SIGTERM to a program started in its own session (as a service manager stops it), then
    SIGKILL to whatever of its process group is left. Its output must not be a pipe."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace_s)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


# System libraries and data that both programs read as they start (libc, ICU, Mesa, X and
# font libraries, the fonts and their cache, the keyboard data): emptied from the page cache
# before every cold start, ours, Chromium's and the smallest PySide6 program's alike, so that
# no program's cold start finds them cached by the one before it, as none would after a reboot.
SHARED_SYSTEM_FILES = [
    Path(root)
    for root in (
        "/usr/lib/x86_64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
        "/usr/share/fonts",
        "/var/cache/fontconfig",
        "/usr/share/X11",
    )
    if Path(root).exists()
]


# Run as ``python -c FIRST_WELCOME_PAINT [kiosk arguments]``: the kiosk's real start path
# (kiosk.cli.main), plus an application event filter that, at the first Paint event of a window
# showing the welcome screen (shown early on its own, kiosk/ui/early.py, or the kiosk window),
# prints "painted TIME" (time.time()) and ends the process at once: the rest of the start-up is
# not in question. Nothing of the kiosk is imported before kiosk.cli.main does it, so as not to
# spoil the welcome screen's head start.
FIRST_WELCOME_PAINT = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget
from kiosk.ui.qtapp import application

class FirstFrame(QObject):
    def eventFilter(self, watched, event):
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and type(watched.window()).__name__ in ("WelcomeScreen", "KioskWindow")
        ):
            print(f"painted {time.time():.6f}", flush=True)
            os._exit(0)
        return False

app = application()
first_frame = FirstFrame()
app.installEventFilter(first_frame)
from kiosk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def our_files() -> list[Path]:
    """What the kiosk reads to start: this checkout's code and leaflet, its virtual
    environment's packages (PySide6 and Qt), Python's standard library, eSpeak NG's data."""
    roots = [REPO / "kiosk", REPO / "resources", Path(sys.prefix) / "lib"]
    roots.append(Path(sysconfig.get_paths()["stdlib"]))
    roots.append(Path("/usr/lib/x86_64-linux-gnu/espeak-ng-data"))
    return [root for root in roots if root.exists()]


# The least a PySide6 program can do on this machine: a full-screen window with one line of large
# text, to tell what part of the kiosk's start-up is Python and PySide6 themselves.
SMALLEST_PYSIDE6_PROGRAM = """
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel("Vertebroplasty for Spine Fracture Pain")
label.setStyleSheet("font-size: 48px; background: #f7f4ee; color: #1b1b1b")
label.showFullScreen()
app.exec()
"""


def warm_up_display(pixels: memoryview, env: dict[str, str]) -> None:
    """Start and stop the smallest PySide6 program once, not measured.

    The first Qt client of a new Xvfb starts 0.05 to 0.16 s more slowly than it does after
    another, whatever the page cache holds (benchmarks/first_client.py measures it). Whichever
    program is measured first would pay that; after this, none does.
    """
    start_up_runs([sys.executable, "-c", SMALLEST_PYSIDE6_PROGRAM], env, pixels, 1)


def evict_from_page_cache(roots: Sequence[Path]) -> int:
    """Drop every file under ``roots`` from the page cache (posix_fadvise DONTNEED); a start
    after this reads them from the disk again, as after a reboot. Pages that a running
    process has mapped stay (shared libraries the X server also uses, say). Needs no root.
    Returns the number of files."""
    os.sync()  # dirty pages (a package just installed) cannot be dropped before they are written
    count = 0
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
                except OSError:
                    continue
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                    count += 1
                finally:
                    os.close(fd)
    return count


# Processes, their memory and CPU --------------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process descended from it, found by their parent ids in /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat_fields(int(entry))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry))
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending += children.get(current, [])
    return tree


def command_name(pid: int, *, whole: bool = False) -> str:
    """A short name for a process: its command line's first words (all of them if ``whole``)."""
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except FileNotFoundError:
        return "(gone)"
    text = " ".join(" ".join(w.decode(errors="replace").split()) for w in words if w)
    return text if whole or len(text) <= 90 else text[:87] + "..."


def memory_kib(pid: int) -> tuple[int, int] | None:
    """(RSS, PSS) of one process in KiB from /proc/PID/smaps_rollup; None once it is gone."""
    values = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                name, _, rest = line.partition(":")
                if name in ("Rss", "Pss"):
                    values[name] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        return None
    if len(values) < 2:  # a zombie has an empty rollup
        return None
    return values["Rss"], values["Pss"]


@dataclass(frozen=True)
class Memory:
    """Resident memory of a group of processes, in MB (10^6 bytes), summed."""

    rss_mb: float
    pss_mb: float
    processes: int


def tree_memory(pid: int) -> Memory:
    """RSS and PSS of ``pid`` and all its descendants, summed.

    RSS counts a shared page once in every process that maps it, so a sum over processes
    overstates; PSS shares each page out among them, so its sum is what the group costs.
    """
    rss = pss = count = 0
    for member in process_tree(pid):
        values = memory_kib(member)
        if values is not None:
            rss, pss, count = rss + values[0], pss + values[1], count + 1
    return Memory(rss * 1024 / 1e6, pss * 1024 / 1e6, count)


def distinct_pages_mb(pids: Sequence[int]) -> float | None:
    """The physical pages that ``pids`` map, each counted once however many of them (or other
    processes) map it, in MB: what the group would cost with nothing else running. PSS is
    lowered by any outside process that maps the same files (other Python programs using the
    same Qt libraries); this is not. From /proc/PID/smaps and /proc/PID/pagemap; None where the
    kernel hides physical page numbers (without CAP_SYS_ADMIN)."""
    frames: set[int] = set()
    page_size = _PAGE_SIZE_KIB * 1024
    present, number = 1 << 63, (1 << 55) - 1
    for pid in pids:
        try:
            ranges = _resident_ranges(pid)
            with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
                for start, end in ranges:
                    pagemap.seek(start // page_size * 8)
                    entries = array("Q", pagemap.read((end - start) // page_size * 8))
                    frames.update(e & number for e in entries if e & present)
        except (FileNotFoundError, ProcessLookupError):
            continue
    frames.discard(0)
    if not frames:
        return None
    return len(frames) * page_size / 1e6


@dataclass(frozen=True)
class MappingUse:
    """What one kind of mapping holds in a process, in KiB: a file (a shared library, a Python
    extension, a font) by its name, or anonymous memory by the kernel's name for it ([heap],
    [stack]) or "[anon]" for the rest (the malloc arenas of threads, Python's own arenas)."""

    name: str
    rss_kib: int
    pss_kib: int
    anonymous_kib: int  # private memory no file backs: it is this process's alone
    private_kib: int  # private clean + private dirty: pages no other process maps


def mapping_uses(pid: int) -> list[MappingUse]:
    """``pid``'s memory by mapping from /proc/PID/smaps, summed per file or kind, largest PSS
    first; empty once it is gone."""
    totals: dict[str, list[int]] = {}
    fields = {"Rss": 0, "Pss": 1, "Anonymous": 2, "Private_Clean": 3, "Private_Dirty": 3}
    current: list[int] = [0, 0, 0, 0]
    try:
        with open(f"/proc/{pid}/smaps", encoding="utf-8", errors="replace") as smaps:
            for line in smaps:
                if line[0] in "0123456789abcdef":  # a mapping's first line: range, ..., path
                    parts = line.split(maxsplit=5)
                    path = parts[5].strip() if len(parts) > 5 else ""
                    name = Path(path).name if path.startswith("/") else (path or "[anon]")
                    current = totals.setdefault(name, [0, 0, 0, 0])
                    continue
                key, _, rest = line.partition(":")
                if key in fields:
                    current[fields[key]] += int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        return []
    uses = [MappingUse(name, *values) for name, values in totals.items()]
    return sorted(uses, key=lambda use: use.pss_kib, reverse=True)


def _resident_ranges(pid: int) -> list[tuple[int, int]]:
    """The address ranges of a process's mappings that have pages in memory."""
    ranges, current = [], (0, 0)
    with open(f"/proc/{pid}/smaps", encoding="utf-8", errors="replace") as smaps:
        for line in smaps:
            if line[0] in "0123456789abcdef":  # a mapping's first line: its address range
                start, _, end = line.split(maxsplit=1)[0].partition("-")
                current = (int(start, 16), int(end, 16))
            elif line.startswith("Rss:") and int(line.split()[1]) > 0:
                ranges.append(current)
    return ranges


class PeakMemory:
    """Samples a process tree's summed RSS and PSS on a thread while a ``with`` block runs and
    keeps the highest of each (the peak of the group at one moment, not a sum of peaks), and
    each process's share at the PSS peak."""

    def __init__(self, pid: int, every_s: float = 0.05) -> None:
        self.pid = pid
        self.every_s = every_s
        self.rss_mb = 0.0
        self.pss_mb = 0.0
        self.at_peak: list[tuple[str, float, float]] = []  # name, RSS, PSS at the PSS peak
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peak-memory", daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every_s)

    def sample(self) -> None:
        rows = []
        for member in process_tree(self.pid):
            values = memory_kib(member)
            if values is not None:
                rows.append((member, values[0] * 1024 / 1e6, values[1] * 1024 / 1e6))
        rss, pss = sum(row[1] for row in rows), sum(row[2] for row in rows)
        self.rss_mb = max(self.rss_mb, rss)
        if pss > self.pss_mb:
            self.pss_mb = pss
            self.at_peak = [(command_name(pid), r, p) for pid, r, p in rows]
        self.samples += 1


def cpu_seconds(pids: Sequence[int]) -> float:
    """User and system CPU time used so far by ``pids`` (gone ones count nothing)."""
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS_PER_S


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent busy (every core, every process), from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / _TICKS_PER_S


@dataclass(frozen=True)
class IdleCpu:
    """CPU used by a process tree over a window, as a share of one core, and the machine's."""

    percent_of_core: float
    processes: int
    others_percent_of_core: float  # everything else on the machine, meanwhile


def idle_cpu(pid: int, seconds: float) -> IdleCpu:
    """The CPU ``pid`` and its descendants use over ``seconds`` while this process sleeps."""
    pids = process_tree(pid)
    before, machine_before = cpu_seconds(pids), machine_busy_seconds()
    time.sleep(seconds)
    used, machine = cpu_seconds(pids) - before, machine_busy_seconds() - machine_before
    return IdleCpu(100 * used / seconds, len(pids), 100 * max(0.0, machine - used) / seconds)


# Figures ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with ``fraction`` of them at or below."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def kiosk_env(display: str, folder: Path) -> dict[str, str]:
    """The environment for a kiosk process of this checkout on ``display``, with its log,
    configuration and cache kept in ``folder`` (the built-in defaults, nothing in the home
    folder).

    Python keeps the kiosk's compiled bytecode in ``folder`` too (PYTHONPYCACHEPREFIX), as an
    installed kiosk has it: an environment that sets PYTHONDONTWRITEBYTECODE would otherwise
    make every start compile the kiosk's sources again (a seventh of its start-up here).
    """
    hidden = {"WAYLAND_DISPLAY", "PYTHONDONTWRITEBYTECODE"}
    env = {name: value for name, value in os.environ.items() if name not in hidden}
    env |= {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(REPO)}
    env |= {"XDG_STATE_HOME": str(folder), "XDG_CONFIG_HOME": str(folder)}
    env["XDG_CACHE_HOME"] = str(folder)  # the welcome screen's picture, kept between starts
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def compile_kiosk(env: dict[str, str]) -> None:
    """Compile the kiosk's modules into the bytecode cache ``env`` names, as installing does."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "kiosk")],
        env=env,
        stdout=subprocess.DEVNULL,
        check=True,
    )

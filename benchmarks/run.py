"""Runs every benchmark once, against Chromium showing the same leaflet, and writes the figures.

    .venv/bin/python -m benchmarks [--quick] [--out docs/benchmarks.md]
    ./dev.sh bench [--quick]                     (installs what it needs first)

It starts what it needs and stops it afterwards: a private Xvfb (keeping its screen in a file
that is read to see what is shown), a private PulseAudio with a null sink, and (through
benchmarks/printing.py) a private CUPS with a PDF queue. The peer is Debian's ``chromium`` in
kiosk mode on the same Xvfb, showing the leaflet as one HTML page (benchmarks/peer.py).

Then the slow-kiosk profile (issue 19): the kiosk's own figures (start-up with the smallest
PySide6 program's, page turns, Listen to first sound) again, each benchmark script and all it
starts (its Xvfb and PulseAudio, the kiosk, its speech worker) in a cgroup held to half of one
core, made for the run and removed afterwards (harness/cpulimit.py, as benchmarks/slow.py
does; needs root, else that part is left out and the report says why).

It prints two tables (measure, ours, Chromium, ratio, target, met?; measure, normal, slow,
target, met?) and writes them, with the machine, the versions and how each figure is measured,
to ``--out`` (docs/benchmarks.md by default; with ``--quick`` only when ``--out`` is given).
Whatever follows the line ``<!-- notes -->`` in that file is kept: the notes written by hand
about the figures.

``--quick`` shortens the idle windows to 10 s and makes fewer runs, for a trial. As root the
suite runs at nice -10 (``--no-nice``: not), and so does everything it starts, the kiosk and
Chromium alike: on a shared machine other work disturbs the figures less.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks import peer  # noqa: E402 - after the path above
from benchmarks.common import (  # noqa: E402
    SHARED_SYSTEM_FILES,
    SMALLEST_PYSIDE6_PROGRAM,
    StartRun,
    compile_kiosk,
    evict_from_page_cache,
    kiosk_env,
    our_files,
    percentile,
    start_up_runs,
    warm_up_display,
)
from benchmarks.memory import LiveFigures  # noqa: E402
from benchmarks.memory import measure as measure_memory  # noqa: E402
from harness.cpulimit import CpuGroup, CpuLimitError, cpu_limited  # noqa: E402
from harness.report import LEFT, Column, markdown_table, text_table  # noqa: E402
from harness.xvfb import Display, private_xvfb  # noqa: E402
from kiosk.kept_welcome import snapshot_file  # noqa: E402 - the standard library alone

DOC = REPO / "docs" / "benchmarks.md"
NOTES_MARKER = "<!-- notes -->"
_NICE = -10
COMMAND = "./dev.sh bench"  # or: .venv/bin/python -m benchmarks
_TOOLS = ("Xvfb", "pulseaudio", "parec", "cupsd", "lpadmin", "ipptool", "fincore", peer.CHROMIUM)


@dataclass(frozen=True)
class Settings:
    startup_runs: int  # the first is cold
    idle_s: float
    listen_s: float
    turns: int
    narration_runs: int
    print_runs: int


FULL = Settings(startup_runs=6, idle_s=60, listen_s=10, turns=200, narration_runs=5, print_runs=10)
QUICK = Settings(startup_runs=3, idle_s=10, listen_s=5, turns=60, narration_runs=2, print_runs=3)


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    measure: str
    ours: float
    peer: float | None
    digits: int
    target: str
    met: bool | None
    how: str


# What the issues ask for, on this machine (issue 19; the cold start-up's from an earlier one).
STARTUP_COLD_MAX_S = 1.0
STARTUP_MAX_RATIO = 0.5  # of Chromium's, cold and warm
STARTUP_WARM_MAX_FLOOR_RATIO = 1.3  # of the smallest PySide6 program's, warm, in the same run
MEMORY_ESPEAK_MAX_MB = 100.0  # settled, PSS of all processes, with eSpeak NG
TURN_MEDIAN_MAX_MS = 16.0
TURN_P99_MAX_MS = 16.0  # one frame at 60 Hz, first visits included
IDLE_MAX_PERCENT = 1.0
# ... and on the slow kiosk profile: held to this share of one core.
SLOW_SHARE = 0.5
SLOW_STARTUP_MAX_S = 1.5  # warm
SLOW_TURN_P99_MAX_MS = 33.0  # two frames
SLOW_LISTEN_MAX_MS = 300.0  # with the default voice

# What narration.py says read (kiosk.narration.narrator.Narrator.engine), in words.
VOICES = {"neural": "natural voice", "espeak": "eSpeak NG", "silence": "no voice"}


def startup_cold_met(ours: float, peer_s: float | None) -> bool:
    return ours <= STARTUP_COLD_MAX_S and peer_s is not None and ours <= STARTUP_MAX_RATIO * peer_s


def startup_warm_met(ours: float, floor_s: float, peer_s: float | None) -> bool:
    """Issue 19's warm start-up: within 1.3x of the smallest PySide6 program and half of
    Chromium's, both measured in the same run."""
    within_floor = ours <= STARTUP_WARM_MAX_FLOOR_RATIO * floor_s
    return within_floor and peer_s is not None and ours <= STARTUP_MAX_RATIO * peer_s


def default_voice(engine: str) -> str:
    """The default voice as a row names it: "natural voice (the default)"."""
    return f"{VOICES.get(engine, engine or 'unknown voice')} (the default)"


# Measuring --------------------------------------------------------------------------------


def key_files_ours() -> list[Path]:
    """The largest files the kiosk maps when it starts: checked for being out of the cache."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")  # finds the package without importing it
    assert spec is not None
    assert spec.submodule_search_locations
    package = Path(spec.submodule_search_locations[0])
    names = ["libQt6Core.so.6", "libQt6Gui.so.6", "libQt6Widgets.so.6", "libQt6XcbQpa.so.6"]
    libpython = Path(sysconfig.get_config_var("LIBDIR") or "/") / "libpython3.11.so.1.0"
    files = [package / "Qt" / "lib" / name for name in names] + [libpython]
    return [file for file in files if file.exists()]


def resident_mb(files: Sequence[Path]) -> tuple[float, float]:
    """How much of ``files`` is in the page cache, and their size, in MB (util-linux fincore)."""
    said = subprocess.run(
        ["fincore", "--bytes", "--noheadings", "--output", "RES,SIZE", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    resident = sum(int(v) for v in said[0::2])
    size = sum(int(v) for v in said[1::2])
    return resident / 1e6, size / 1e6


@dataclass
class Cold:
    """How cold a cold start was: the program's largest files still cached after eviction."""

    files: int = 0
    resident_mb: float = 0.0
    size_mb: float = 0.0


def our_startup(
    display_name: str, pixels: memoryview, folder: Path, runs: int
) -> tuple[list[StartRun], Cold]:
    cold = Cold()

    command = [sys.executable, "-m", "kiosk"]  # full screen, as in a clinic
    env = kiosk_env(display_name, folder)
    compile_kiosk(env)

    def before_run(run: int) -> None:
        if run == 0:
            cold.files = evict_from_page_cache(
                [*our_files(), Path(env["PYTHONPYCACHEPREFIX"]), *SHARED_SYSTEM_FILES]
            )
            cold.resident_mb, cold.size_mb = resident_mb(key_files_ours())

    return start_up_runs(command, env, pixels, runs, before_run=before_run), cold


def peer_startup(
    display: Display, page: Path, profile: Path, runs: int
) -> tuple[peer.StartUp, Cold]:
    cold = Cold()

    def on_evicted(files: int) -> None:
        cold.files = files
        cold.resident_mb, cold.size_mb = resident_mb([peer.CHROMIUM_FILES / "chromium"])

    return peer.startup(display, page, profile, runs, cold=True, on_evicted=on_evicted), cold


def drawn_startup(display_name: str, pixels: memoryview, folder: Path, runs: int) -> list[StartRun]:
    """The kiosk's start with no kept picture of its welcome screen (kiosk.ui.snapshot): the
    first start after the leaflet, the configuration or the kiosk changed. Warm only: the
    first run is as warm as the others here."""
    env = kiosk_env(display_name, folder)
    kept = Path(snapshot_file(environ=env))

    def before_run(_run: int) -> None:
        kept.unlink(missing_ok=True)

    return start_up_runs([sys.executable, "-m", "kiosk"], env, pixels, runs, before_run=before_run)


def floor_startup(display_name: str, pixels: memoryview, folder: Path, runs: int) -> list[StartRun]:
    """Start-up of the smallest PySide6 program, measured as the kiosk's: the first run cold
    (the same files dropped from the page cache as for the kiosk's), the others warm."""
    env = kiosk_env(display_name, folder)

    def before_run(run: int) -> None:
        if run == 0:
            evict_from_page_cache([*our_files(), *SHARED_SYSTEM_FILES])

    command = [sys.executable, "-c", SMALLEST_PYSIDE6_PROGRAM]
    return start_up_runs(command, env, pixels, runs, before_run=before_run)


def run_json(script: str, *arguments: str, group: CpuGroup | None = None) -> dict[str, Any]:
    """Run ``benchmarks/SCRIPT.py ... --json`` in a process of its own, inside ``group`` if
    given (with all it starts); its figures (lists of numbers by name)."""
    command = [sys.executable, str(REPO / "benchmarks" / f"{script}.py"), *arguments, "--json"]
    ran = subprocess.run(
        command if group is None else group.command(command),
        capture_output=True,
        text=True,
        check=False,
    )
    lines = ran.stdout.strip().splitlines()
    if ran.returncode != 0 or not lines:
        raise SystemExit(f"benchmarks/{script}.py failed:\n{ran.stderr[-4000:]}")
    figures: dict[str, Any] = json.loads(lines[-1])
    return figures


# The machine ------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1]
        except OSError:
            pass
        return "?"

    mem_kib = int(first("/proc/meminfo", "MemTotal").split()[0])
    versions = subprocess.run(
        [
            sys.executable,
            "-c",
            "import PySide6, PySide6.QtCore as c; print(PySide6.__version__, c.qVersion())",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return {
        "cores": str(os.cpu_count()),
        "memory": f"{mem_kib / 2**20:.1f} GiB",
        "cpu": first("/proc/cpuinfo", "model name"),
        "os": first("/etc/os-release", "PRETTY_NAME").strip('"'),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "pyside6": versions[0] if versions else "?",
        "qt": versions[1] if len(versions) > 1 else "?",
        "chromium": peer.chromium_version(),
    }


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def other_qt_users(own: int) -> int:
    """Processes other than this one and its children that map the kiosk's Qt libraries:
    while they run, they share those pages, and the kiosk's PSS is lower than alone."""
    files = key_files_ours()
    if not files:
        return 0
    core = str(files[0])
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == own:
            continue
        try:
            if core in Path(f"/proc/{entry}/maps").read_text():
                count += 1
        except OSError:
            continue
    return count


# The table ---------------------------------------------------------------------------------


@dataclass
class Slow:
    """The kiosk's own figures measured again held to ``SLOW_SHARE`` of one core."""

    limit: str  # the cgroup's setting, in words (harness.cpulimit.CpuGroup.description)
    held_back: int  # how many 100 ms periods the kernel held the group back in
    startup: dict[str, list[float]]  # to the first screen shown, each run (s): ours, drawn, floor
    turns: dict[str, list[float]]
    narration: dict[str, Any]


@dataclass
class Results:
    ours_start: list[StartRun]
    ours_cold: Cold
    drawn: list[StartRun]  # ours, the welcome screen's kept picture removed before each start
    peer_start: peer.StartUp
    peer_cold: Cold
    floor: list[StartRun]  # the smallest PySide6 program
    live: LiveFigures  # the default voice
    espeak: LiveFigures  # voice_engine = "espeak"
    peer_running: peer.Running
    turns: dict[str, list[float]]
    narration: dict[str, Any]  # with "engine": the default voice's
    printing: dict[str, list[float]]
    slow: Slow | None
    slow_missing: str = ""  # why there is no slow profile, if there is none


def warm_s(runs: Sequence[StartRun]) -> float:
    """The median of a program's warm starts: all but the first, which is cold."""
    return statistics.median(run.shown_s for run in runs[1:])


def rows_of(results: Results, settings: Settings) -> list[Row]:
    r = results
    live, espeak = r.live, r.espeak
    assert live.settled
    assert espeak.settled
    assert live.idle_welcome
    assert live.idle_section
    ours_cold, ours_warm = r.ours_start[0].shown_s, warm_s(r.ours_start)
    peer_cold = r.peer_start.runs[0].shown_s
    peer_warm = warm_s(r.peer_start.runs)
    floor_warm = warm_s(r.floor)
    cold_target = f"≤ {STARTUP_COLD_MAX_S:g} s and ≤ {STARTUP_MAX_RATIO:g}×"
    floor_ratio = f"≤ {STARTUP_WARM_MAX_FLOOR_RATIO:g}×"
    warm_target = f"{floor_ratio} smallest PySide6, ≤ {STARTUP_MAX_RATIO:g}× Chromium"
    voice = default_voice(str(r.narration["engine"]))
    chromium = r.peer_running
    frame = r.turns["frame"]
    idle_target = f"≤ {IDLE_MAX_PERCENT:g} %"
    peer_idle = chromium.idle.percent_of_core
    warm_runs = settings.startup_runs - 1
    return [
        Row(
            "Start-up, cold: to the first screen shown (s)",
            ours_cold,
            peer_cold,
            2,
            cold_target,
            startup_cold_met(ours_cold, peer_cold),
            "From starting the program (ours: `python -m kiosk`, full screen; Chromium: "
            "`chromium --kiosk` with a new profile) to the first moment Xvfb's screen shows what "
            "it keeps once nothing has changed for a second (the welcome screen; the loaded "
            "page), read from Xvfb's screen file every 5 ms. Cold: the program's own files, "
            "and the system libraries, fonts and X data both programs read, were dropped from "
            "the page cache first (posix_fadvise DONTNEED). Ours has no picture of its welcome "
            "screen kept yet: it draws it in a window of its own first, then the kiosk window "
            "takes over with the same picture (kiosk/ui/early.py), and keeps the picture in its "
            "cache folder (XDG_CACHE_HOME, the run's own). The target is an earlier issue's.",
        ),
        Row(
            f"Start-up, warm: median of {warm_runs} (s)",
            ours_warm,
            peer_warm,
            2,
            warm_target,
            startup_warm_met(ours_warm, floor_warm, peer_warm),
            "As above, started again right after, its files cached (Chromium reusing the "
            "profile of the first run, as a kiosk would). Ours shows the picture of its welcome "
            "screen the first run kept (kiosk/ui/snapshot.py), as every start after the first "
            "does until the leaflet, the configuration or the kiosk changes.",
        ),
        Row(
            "Start-up, warm: ours ÷ the smallest PySide6 program's (×)",
            ours_warm / floor_warm,
            None,
            2,
            floor_ratio,
            ours_warm <= STARTUP_WARM_MAX_FLOOR_RATIO * floor_warm,
            "The warm median above divided by that of the smallest PySide6 program (a "
            "full-screen `QLabel` with the leaflet's title in 48 px type: Python and PySide6 "
            f"alone), measured the same way in the same run, {len(r.floor)} starts, the first "
            f"cold as ours (warm median {floor_warm:.3f} s; each run below).",
        ),
        Row(
            f"Start-up, warm, welcome screen drawn every time: median of {len(r.drawn) - 1} (s)",
            warm_s(r.drawn),
            peer_warm,
            2,
            "",
            None,
            "As the warm start-up, with the kept picture of the welcome screen removed before "
            "each start, as at the first start after a change: the kiosk draws its welcome "
            "screen the long way (kiosk/ui/early.py) and keeps the picture again.",
        ),
        Row(
            "Memory settled, eSpeak NG, PSS summed (MB)",
            espeak.settled.pss_mb,
            chromium.settled.pss_mb,
            0,
            f"≤ {MEMORY_ESPEAK_MAX_MB:g} MB",
            espeak.settled.pss_mb <= MEMORY_ESPEAK_MAX_MB,
            "Proportional set size from /proc/PID/smaps_rollup, summed over the process tree "
            "(by parent id) 5 s after a cold start (how much of a library a process maps "
            "depends on what of it the page cache holds, so both programs start with their "
            "files and the shared system libraries out of it): ours `python -m kiosk "
            "--windowed` on the welcome screen with its speech worker, configured with "
            '`voice_engine = "espeak"` (benchmarks/memory.py `--voice-engine espeak`); '
            "Chromium's browser, zygotes, GPU, network, storage and renderer processes on the "
            "loaded page. What each process holds is listed below.",
        ),
        Row(
            "Memory settled, eSpeak NG, each page once (MB)",
            espeak.settled_distinct_mb or 0.0,
            chromium.settled_distinct_mb,
            0,
            "",
            None,
            "Same moment and processes: every physical page they map, counted once however "
            "many processes map it (from /proc/PID/pagemap). Unlike PSS it is not lowered "
            "when other programs on the machine map the same files (the developers' own "
            "Python and Qt processes do), so it is what the group would cost alone.",
        ),
        Row(
            f"Memory settled, {voice}, PSS summed (MB)",
            live.settled.pss_mb,
            chromium.settled.pss_mb,
            0,
            "",
            None,
            "As with eSpeak NG, the kiosk on its built-in defaults (`voice_engine = "
            '"auto"`, the voice that also read in the narration rows), measured first. Its '
            "speech worker holds the voice's model.",
        ),
        Row(
            f"Memory settled, {voice}, RSS summed (MB)",
            live.settled.rss_mb,
            chromium.settled.rss_mb,
            0,
            "",
            None,
            "Resident set size, same moment and processes. A page shared by two processes "
            "counts twice, so this overstates what a group of processes costs; PSS does not.",
        ),
        Row(
            f"Memory settled, {voice}, each page once (MB)",
            live.settled_distinct_mb or 0.0,
            chromium.settled_distinct_mb,
            0,
            "",
            None,
            "Same moment and processes, each physical page counted once (as with eSpeak NG).",
        ),
        Row(
            f"Memory peak, {voice}, PSS summed (MB)",
            live.peak_pss_mb,
            chromium.peak.pss_mb,
            0,
            "",
            None,
            "The highest sum of a sample taken every 50 ms: ours while starting and while "
            f"reading a section aloud for {settings.listen_s:g} s; Chromium while starting and "
            "loading the page (5 s).",
        ),
        Row(
            f"Memory peak, {voice}, RSS summed (MB)",
            live.peak_rss_mb,
            chromium.peak.rss_mb,
            0,
            "",
            None,
            "As above, resident set size.",
        ),
        Row(
            "Page turn, median (ms)",
            statistics.median(frame),
            None,
            1,
            f"≤ {TURN_MEDIAN_MAX_MS:g} ms",
            statistics.median(frame) <= TURN_MEDIAN_MAX_MS,
            f"{len(frame)} turns in one kiosk on Xvfb, 1920x1080, narration on, after 2 s on "
            "the welcome screen: `QTest.mouseClick` on Next to the questions page, then Back "
            "to home, and again; from the click to the return of the event-loop pass in which "
            "an application event filter saw the first Paint event of the new page (the whole "
            "window painted and its frame handed to X), first visits included "
            "(benchmarks/pageturn.py). Chromium shows the leaflet as one page: no page turns.",
        ),
        Row(
            "Page turn, 99th percentile, first visits included (ms)",
            percentile(frame, 0.99),
            None,
            1,
            f"≤ {TURN_P99_MAX_MS:g} ms",
            percentile(frame, 0.99) <= TURN_P99_MAX_MS,
            "The same turns, nearest-rank 99th percentile.",
        ),
        Row(
            f"Narration: tap Listen → first sound, {voice} (ms)",
            statistics.median(r.narration["listen"]),
            None,
            0,
            "",
            None,
            f"Median of {len(r.narration['listen'])}: Listen on a section page, to the first "
            "sample above 1 % of full scale in a recording of the private PulseAudio null "
            "sink's monitor (benchmarks/narration.py), on Xvfb, the kiosk on its built-in "
            "defaults.",
        ),
        Row(
            "Narration: tap Stop → silence (ms)",
            statistics.median(r.narration["stop"]),
            None,
            0,
            "",
            None,
            "Same runs: Stop after 2.5 s of speech, to the last sound in the recording.",
        ),
        Row(
            "Printing: tap Print → job accepted (ms)",
            statistics.median(r.printing["accepted"]),
            None,
            0,
            "",
            None,
            f"Median of {len(r.printing['accepted'])} (after one not counted): Print on the "
            "questions page, two questions ticked, to the job accepted by a private cupsd with "
            "a Generic PDF queue (benchmarks/printing.py), on Xvfb.",
        ),
        Row(
            "Printing: tap Print → job completed (ms)",
            statistics.median(r.printing["completed"]),
            None,
            0,
            "",
            None,
            "Same runs, to the job completed on the queue (the kiosk says it has printed).",
        ),
        Row(
            f"Idle CPU, welcome screen, {settings.idle_s:g} s (% of a core)",
            live.idle_welcome.percent_of_core,
            peer_idle,
            2,
            idle_target,
            live.idle_welcome.percent_of_core <= IDLE_MAX_PERCENT,
            "User and system CPU time of every process of the tree (/proc/PID/stat) over the "
            "window, nobody touching it, divided by the window. Chromium: on its page, the "
            "same figure in both rows.",
        ),
        Row(
            f"Idle CPU, section page, {settings.idle_s:g} s (% of a core)",
            live.idle_section.percent_of_core,
            peer_idle,
            2,
            idle_target,
            live.idle_section.percent_of_core <= IDLE_MAX_PERCENT,
            "As above, on the first section after tapping the welcome screen, Start reading and "
            'Next (within the visit\'s 120 s before "Are you still here?").',
        ),
    ]


@dataclass(frozen=True)
class SlowRow:
    """One line of the slow profile's table: a figure of this machine and the same figure held
    to ``SLOW_SHARE`` of one core."""

    measure: str
    normal: float
    slow: float
    digits: int
    target: str  # on the slow profile
    met: bool | None
    how: str


def slow_rows_of(results: Results, slow: Slow) -> list[SlowRow]:
    """The slow profile's figures beside the same ones of the normal run."""
    r = results
    start = slow.startup
    turns, slow_turns = r.turns["frame"], slow.turns["frame"]
    slow_warm = statistics.median(start["ours"][1:])
    slow_listen = statistics.median(slow.narration["listen"])
    voice = default_voice(str(slow.narration["engine"]))
    slow_p99 = percentile(slow_turns, 0.99)
    return [
        SlowRow(
            "Start-up, cold (s)",
            r.ours_start[0].shown_s,
            start["ours"][0],
            2,
            "",
            None,
            "As the start-up rows above, on a private Xvfb inside the group "
            f"(benchmarks/startup.py --no-chromium, {len(start['ours'])} starts of each "
            "program, the first cold): the first start, no picture of the welcome screen kept.",
        ),
        SlowRow(
            f"Start-up, warm: median of {len(start['ours']) - 1} (s)",
            warm_s(r.ours_start),
            slow_warm,
            2,
            f"≤ {SLOW_STARTUP_MAX_S:g} s",
            slow_warm <= SLOW_STARTUP_MAX_S,
            "The warm starts, the kept picture of the welcome screen shown.",
        ),
        SlowRow(
            "Start-up, warm, welcome screen drawn every time (s)",
            warm_s(r.drawn),
            statistics.median(start["drawn"][1:]),
            2,
            "",
            None,
            "The kept picture removed before each start, as at the first start after a change.",
        ),
        SlowRow(
            "Start-up, warm, the smallest PySide6 program (s)",
            warm_s(r.floor),
            statistics.median(start["floor"][1:]),
            2,
            "",
            None,
            "Python and PySide6 alone (as above), the same run as the kiosk's.",
        ),
        SlowRow(
            "Page turn, median (ms)",
            statistics.median(turns),
            statistics.median(slow_turns),
            1,
            "",
            None,
            f"{len(slow_turns)} turns as above (benchmarks/pageturn.py), the kiosk, its Xvfb "
            "and its PulseAudio inside the group.",
        ),
        SlowRow(
            "Page turn, 99th percentile, first visits included (ms)",
            percentile(turns, 0.99),
            slow_p99,
            1,
            f"≤ {SLOW_TURN_P99_MAX_MS:g} ms",
            slow_p99 <= SLOW_TURN_P99_MAX_MS,
            "The same turns, nearest-rank 99th percentile.",
        ),
        SlowRow(
            "Page turn, slowest first visit of a page (ms)",
            max(r.turns["first_visit"]),
            max(slow.turns["first_visit"]),
            1,
            "",
            None,
            "The slowest of the turns that showed a page for the first time.",
        ),
        SlowRow(
            f"Narration: tap Listen → first sound, {voice} (ms)",
            statistics.median(r.narration["listen"]),
            slow_listen,
            0,
            f"≤ {SLOW_LISTEN_MAX_MS:g} ms",
            slow_listen <= SLOW_LISTEN_MAX_MS,
            f"Median of {len(slow.narration['listen'])}, as above (benchmarks/narration.py "
            "--xvfb), the kiosk with its speech worker, its Xvfb and its PulseAudio inside "
            "the group.",
        ),
    ]


def _number(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ratio(row: Row) -> str:
    if row.peer is None or row.peer == 0:
        return "—"
    return f"{row.ours / row.peer:.2f}"


def _met(met: bool | None, markdown: bool) -> str:
    if met is None:
        return "—"
    return "yes" if met else ("**no**" if markdown else "no")


COLUMNS = (
    Column("measure", LEFT),
    Column("ours"),
    Column("Chromium"),
    Column("ratio"),
    Column("target", LEFT),
    Column("met?", LEFT),
)
SLOW_COLUMNS = (
    Column("measure", LEFT),
    Column("normal"),
    Column("slow"),
    Column("target", LEFT),
    Column("met?", LEFT),
)


def table(rows: Sequence[Row], markdown: bool) -> str:
    """The rows as a Markdown table for the report, or as aligned text for the terminal."""
    cells = [
        (
            row.measure,
            _number(row.ours, row.digits),
            _number(row.peer, row.digits),
            _ratio(row),
            row.target or "—",
            _met(row.met, markdown),
        )
        for row in rows
    ]
    return markdown_table(COLUMNS, cells) if markdown else text_table(COLUMNS, cells)


def slow_table(rows: Sequence[SlowRow], markdown: bool) -> str:
    """The slow profile's rows, as ``table`` does."""
    cells = [
        (
            row.measure,
            _number(row.normal, row.digits),
            _number(row.slow, row.digits),
            row.target or "—",
            _met(row.met, markdown),
        )
        for row in rows
    ]
    return markdown_table(SLOW_COLUMNS, cells) if markdown else text_table(SLOW_COLUMNS, cells)


# The document -----------------------------------------------------------------------------


def document(
    results: Results,
    rows: Sequence[Row],
    slow_rows: Sequence[SlowRow],
    *,
    facts: dict[str, str],
    conditions: dict[str, str],
    command: str,
    notes: str,
) -> str:
    r = results
    live, espeak, chromium = r.live, r.espeak, r.peer_running
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Benchmarks",
        "",
        "The kiosk's start-up, memory, page turns, reading aloud, printing and idle CPU, and the "
        "same figures where they apply for its peer: Debian's Chromium in kiosk mode under "
        "Xvfb showing the same leaflet as one HTML page generated from the same content pack "
        "(`benchmarks/peer.py`: the kiosk's typeface embedded, its colours, 30 px body text, "
        "every section, the questions as check boxes, a Print button calling "
        "`window.print()`). Ratios are ours divided by Chromium's. The kiosk's own figures "
        "are then measured again on a slow kiosk profile, held to half of one core. This file "
        "is written by "
        f"`{COMMAND}` (`.venv/bin/python -m benchmarks`); the notes at the end are written by "
        "hand.",
        "",
        f"- **Run**: {now}, `{command}`, {conditions['duration']}",
        f"- **Machine**: {facts['cores']} cores, {facts['memory']} RAM, {facts['cpu']}; "
        f"{facts['os']}, Linux {facts['kernel']}; no GPU (Xvfb 1920x1080x24)",
        f"- **Versions**: Python {facts['python']}, PySide6 {facts['pyside6']} (Qt "
        f"{facts['qt']}), {facts['chromium']}",
        f"- **Load**: {conditions['load']}",
        "",
        table(rows, markdown=True),
        "",
        "Targets on this machine (issue 19): warm start-up at most 1.3 times the smallest "
        "PySide6 program's and at most half of Chromium's, in the same run; memory settled "
        "with eSpeak NG at most 100 MB PSS, all processes; page turns, first visits included, "
        "at most 16 ms (one frame at 60 Hz) at the 99th percentile and so at the median; idle "
        "CPU at most 1 % of a core; cold start-up at most 1.0 s and at most half of "
        "Chromium's (an earlier issue's). MB are 10⁶ bytes.",
        "",
        "## Slow kiosk profile (half of one core)",
        "",
    ]
    out += _slow_section(r, slow_rows)
    out += [
        "",
        "## How each figure is measured",
        "",
    ]
    out += [f"- **{row.measure}**: {row.how}" for row in rows]
    if slow_rows:
        out += ["", "On the slow kiosk profile:", ""]
        out += [f"- **{row.measure}**: {row.how}" for row in slow_rows]
    out += [
        "",
        "The suite starts a private Xvfb (`-fbdir`, so that its screen can be read from a "
        "file), a private PulseAudio with a null sink (`harness/audio.py`), and, for printing, a "
        "private cupsd (`harness/cups.py`), and stops them at the end. As root, Chromium runs "
        "with `--no-sandbox` (it refuses to start as root otherwise), plus `--kiosk "
        "--no-first-run --no-default-browser-check --disable-gpu --user-data-dir=TMP "
        "--enable-logging=stderr --v=0` and the flags Debian's launcher adds.",
        "",
        "## Details of this run",
        "",
        "Start-up, each run (s): first frame (anything painted) / first screen shown:",
        "",
        "- ours: " + ", ".join(f"{s.first_frame_s:.2f} / {s.shown_s:.2f}" for s in r.ours_start),
        "- ours, the welcome screen drawn every time: "
        + ", ".join(f"{s.first_frame_s:.2f} / {s.shown_s:.2f}" for s in r.drawn),
        "- Chromium: "
        + ", ".join(f"{s.first_frame_s:.2f} / {s.shown_s:.2f}" for s in r.peer_start.runs),
        "- Chromium, to its page's own marker (`load`, then two animation frames, logged on "
        "standard error): " + ", ".join(f"{v:.2f}" for v in r.peer_start.in_page_s),
        "- the smallest PySide6 program (a full-screen `QLabel` with the leaflet's title in "
        "48 px type; Python and PySide6 alone), the first run cold as ours: "
        + ", ".join(f"{s.first_frame_s:.2f} / {s.shown_s:.2f}" for s in r.floor)
        + f"; cold {r.floor[0].shown_s:.2f}, warm median {warm_s(r.floor):.3f}",
        f"- cold start: of the largest files each maps, {r.ours_cold.resident_mb:.0f} of "
        f"{r.ours_cold.size_mb:.0f} MB (ours: libQt6Core, Gui, Widgets, XcbQpa, libpython) and "
        f"{r.peer_cold.resident_mb:.0f} of {r.peer_cold.size_mb:.0f} MB (Chromium's "
        "`chromium`) were still in the page cache after eviction: pages other running "
        "processes map cannot be dropped.",
        "",
        "Memory settled, each process of ours: RSS / PSS (MB):",
        "",
    ]
    for name, figures in (("eSpeak NG", espeak), (default_voice(r.narration["engine"]), live)):
        out += [f"- {name}:"]
        out += [f"  - {rss:.1f} / {pss:.1f}: {role}" for role, rss, pss in figures.processes]
    assert live.speaking is not None
    assert espeak.speaking is not None
    out += [
        "",
        f"Ours while reading aloud: RSS {live.speaking.rss_mb:.0f} MB, PSS "
        f"{live.speaking.pss_mb:.0f} MB ({live.heard_s:.1f} s of speech heard at the sink); "
        f"with eSpeak NG RSS {espeak.speaking.rss_mb:.0f} MB, PSS "
        f"{espeak.speaking.pss_mb:.0f} MB ({espeak.heard_s:.1f} s heard), its peak PSS "
        f"{espeak.peak_pss_mb:.0f} MB. Chromium ran {chromium.settled.processes} processes.",
        "",
        "Page turns (ms): to the first Paint event of the new page, median "
        f"{statistics.median(r.turns['paint']):.1f}, p99 {percentile(r.turns['paint'], 0.99):.1f}; "
        f"to the frame done, max {max(r.turns['frame']):.1f}; the first visit of each page: "
        + ", ".join(f"{v:.0f}" for v in r.turns["first_visit"])
        + ".",
        "",
        f"Narration (ms): Listen → first sound {_spread(r.narration['listen'])}; Stop → "
        f"silence {_spread(r.narration['stop'])}; the word underlined after its sound began "
        f"{_spread(r.narration['word'])}. Printing (ms): accepted "
        f"{_spread(r.printing['accepted'])}; completed {_spread(r.printing['completed'])}.",
    ]
    if r.slow is not None:
        start = r.slow.startup
        out += [
            "",
            "Slow kiosk profile, start-up, each run (s), the first cold: ours "
            + ", ".join(f"{v:.2f}" for v in start["ours"])
            + "; drawn every time "
            + ", ".join(f"{v:.2f}" for v in start["drawn"])
            + "; the smallest PySide6 program "
            + ", ".join(f"{v:.2f}" for v in start["floor"])
            + ". Page turns (ms): the first visit of each page "
            + ", ".join(f"{v:.0f}" for v in r.slow.turns["first_visit"])
            + f". Narration (ms): Listen → first sound {_spread(r.slow.narration['listen'])}; "
            f"Stop → silence {_spread(r.slow.narration['stop'])}.",
        ]
    out += [
        "",
        f"Idle windows: the rest of the machine used {conditions['others']} of a core meanwhile.",
        "",
        NOTES_MARKER,
    ]
    return "\n".join(out) + "\n" + notes


def _slow_section(results: Results, rows: Sequence[SlowRow]) -> list[str]:
    """The slow profile's table and what held it back, or why it was not measured."""
    slow = results.slow
    if slow is None:
        return [f"Not measured in this run: {results.slow_missing}"]
    return [
        "The kiosk's own figures again, as on a small fanless kiosk computer: each benchmark "
        "script ran in a cgroup the suite made for the run and removed afterwards "
        f"(harness/cpulimit.py), held to {slow.limit}, with everything it started inside "
        "it: its private Xvfb and PulseAudio, the kiosk and its speech worker, and the "
        "script measuring them. The kernel held the group back in "
        f"{slow.held_back} periods of 100 ms. Normal: this run's figures above. "
        "`.venv/bin/python benchmarks/slow.py SCRIPT ...` measures one script so.",
        "",
        slow_table(rows, markdown=True),
        "",
        f"Targets on the slow profile (issue 19): warm start-up at most {SLOW_STARTUP_MAX_S:g} "
        f"s; page turns, first visits included, at most {SLOW_TURN_P99_MAX_MS:g} ms at the "
        f"99th percentile (two frames at 60 Hz); Listen to first sound at most "
        f"{SLOW_LISTEN_MAX_MS:g} ms with the default voice.",
    ]


def _spread(values: list[float]) -> str:
    if not values:
        return "none measured"
    return f"median {statistics.median(values):.0f}, min {min(values):.0f}, max {max(values):.0f}"


# The run -----------------------------------------------------------------------------------


def measure_all(settings: Settings, folder: Path) -> Results:
    """Every measurement, with the servers they need started here and stopped afterwards."""
    from harness.audio import private_pulse

    page = folder / "leaflet.html"
    # In a process of its own: this one must not load Qt, or its libraries would stay in the
    # page cache through the kiosk's cold start.
    peer_script = str(REPO / "benchmarks" / "peer.py")
    subprocess.run([sys.executable, peer_script, "--html", str(page)], check=True)
    (folder / "screen").mkdir()
    step = _Steps()
    with private_xvfb(folder / "screen") as display, private_pulse(folder / "pulse") as pulse:
        assert display.pixels is not None
        runs = settings.startup_runs
        warm_up_display(display.pixels, kiosk_env(display.name, folder))
        step("start-up, ours")
        ours_start, ours_cold = our_startup(display.name, display.pixels, folder, runs)
        step("start-up, ours, the welcome screen drawn every time")
        drawn = drawn_startup(display.name, display.pixels, folder, runs)
        step("start-up, Chromium")
        peer_start, peer_cold = peer_startup(display, page, folder / "profile", runs)
        step("start-up, the smallest PySide6 program")
        floor = floor_startup(display.name, display.pixels, folder, 5)
        # Each program's memory is measured from a cold start: which pages of its libraries
        # are mapped (so its RSS) depends on what of them the page cache holds.
        step(f"memory and idle CPU, ours (2 x {settings.idle_s:g} s)")
        evict_from_page_cache([*our_files(), folder / "pycache", *SHARED_SYSTEM_FILES])
        live = measure_memory(
            display.name,
            pulse,
            folder,
            listen_s=settings.listen_s,
            idle_s=settings.idle_s,
            pixels=display.pixels,
        )
        step("memory, ours with eSpeak NG")
        (folder / "espeak").mkdir()
        espeak = measure_memory(
            display.name,
            pulse,
            folder / "espeak",  # its own configuration, which names the voice
            listen_s=settings.listen_s,
            pixels=display.pixels,
            voice_engine="espeak",
            cold=True,
        )
        step(f"memory and idle CPU, Chromium ({settings.idle_s:g} s)")
        evict_from_page_cache([peer.CHROMIUM_FILES, *SHARED_SYSTEM_FILES])
        running = peer.measure_running(display, page, folder / "profile", settings.idle_s)
        on_display = ("--display", display.name)
        step(f"page turns ({settings.turns})")
        turns = run_json("pageturn", "--turns", str(settings.turns), *on_display)
        step("narration")
        narration = run_json("narration", "--runs", str(settings.narration_runs), *on_display)
        step("printing")
        printing = run_json("printing", "--runs", str(settings.print_runs), *on_display)
    # After the servers above are gone: each script starts its own inside the group.
    slow, missing = None, ""
    try:
        slow = measure_slow(settings, step)
    except CpuLimitError as error:
        missing = str(error)
        print(f"    slow profile left out: {missing}", flush=True)
    step.done()
    return Results(
        ours_start,
        ours_cold,
        drawn,
        peer_start,
        peer_cold,
        floor,
        live,
        espeak,
        running,
        turns,
        narration,
        printing,
        slow,
        missing,
    )


def measure_slow(settings: Settings, step: _Steps) -> Slow:
    """Start-up (the kiosk's, drawn every time, the smallest PySide6 program's), page turns
    and Listen to first sound, each script and all it starts held to ``SLOW_SHARE`` of one
    core; raises CpuLimitError where no cgroup can be made."""
    with cpu_limited(SLOW_SHARE) as group:
        runs = str(settings.startup_runs)
        step(f"slow profile ({group.description}): start-up")
        startup = run_json("startup", "--runs", runs, "--no-chromium", group=group)
        step(f"slow profile: page turns ({settings.turns})")
        turns = run_json("pageturn", "--turns", str(settings.turns), group=group)
        step("slow profile: narration")
        narration = run_json(
            "narration", "--runs", str(settings.narration_runs), "--xvfb", group=group
        )
        return Slow(group.description, group.throttled_periods(), startup, turns, narration)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 s idle windows, fewer runs")
    parser.add_argument("--out", type=Path, help=f"the Markdown file to write ({DOC.name})")
    parser.add_argument("--no-nice", action="store_true", help="run at normal priority (see above)")
    args = parser.parse_args()
    priority = "normal priority"
    if not args.no_nice:
        priority = _raise_priority()
    settings = QUICK if args.quick else FULL
    out = args.out if args.out or args.quick else DOC
    missing = [tool for tool in _TOOLS if shutil.which(tool, path=_sbin_path()) is None]
    if missing:
        raise SystemExit(f"not installed: {', '.join(missing)} (./dev.sh bench installs them)")
    began = time.monotonic()
    load = load_average()
    sharing = other_qt_users(os.getpid())
    facts = machine()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as work:
        results = measure_all(settings, Path(work))
    rows = rows_of(results, settings)
    slow_rows = [] if results.slow is None else slow_rows_of(results, results.slow)
    print()
    print(table(rows, markdown=False))
    print()
    if slow_rows:
        print("Slow kiosk profile (half of one core)")
        print(slow_table(slow_rows, markdown=False))
    else:
        print(f"Slow kiosk profile: not measured ({results.slow_missing})")
    if out is None:
        print("\n(trial run: nothing written; --out FILE writes the figures)")
        return
    live, running = results.live, results.peer_running
    idles = [live.idle_welcome, live.idle_section, running.idle]
    conditions = {
        "duration": f"{(time.monotonic() - began) / 60:.1f} minutes",
        "load": f"load average {load} at the start; {sharing} processes of other programs "
        "mapped the kiosk's Qt libraries (any that do share its pages and lower its PSS); "
        f"the suite ran at {priority}, and everything it started with it",
        "others": " / ".join(f"{o.others_percent_of_core:.0f} %" for o in idles if o)
        + " (welcome, section, Chromium)",
    }
    command = COMMAND + (" --quick" if args.quick else "")
    previous = out.read_text(encoding="utf-8") if out.exists() else ""
    notes = previous.split(NOTES_MARKER, 1)[1].lstrip("\n") if NOTES_MARKER in previous else ""
    text = document(
        results, rows, slow_rows, facts=facts, conditions=conditions, command=command, notes=notes
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"\nwritten to {out}")


class _Steps:
    """Says what runs now and how long the last step took."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._name: str | None = None

    def __call__(self, name: str) -> None:
        self._end()
        print(f"==> {name}", flush=True)
        self._name, self._started = name, time.monotonic()

    def _end(self) -> None:
        if self._name is not None:
            print(f"    {time.monotonic() - self._started:.0f} s", flush=True)

    def done(self) -> None:
        self._end()
        self._name = None


def _raise_priority() -> str:
    """Run this process, and so everything it starts (both programs measured, their X and
    audio servers), at nice -10 where allowed: on a shared machine other work then disturbs
    the figures less, and on a quiet one this changes nothing."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, _NICE)
    except PermissionError:
        return "normal priority (nice -10 needs root)"
    return f"nice {_NICE}"


def _sbin_path() -> str:
    path = os.environ.get("PATH", "")
    return os.pathsep.join([path, "/usr/sbin", "/sbin"])


if __name__ == "__main__":
    main()

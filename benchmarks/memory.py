"""Prints the memory of the real kiosk program, all its processes together: settled and peak.

    .venv/bin/python benchmarks/memory.py [--listen-seconds 10] [--idle-seconds 0]
        [--voice-engine auto|neural|espeak] [--mappings 20] [--cold]

It starts a private Xvfb and a private PulseAudio with a null sink (as the tests do), then the
kiosk as it runs in a clinic, ``python -m kiosk --windowed`` (see benchmarks/driven.py), and
reads what it costs from /proc: the kiosk and the speech worker it starts, found by their
parent ids. RSS counts a page shared by two of them twice;
PSS shares it out, so the PSS sum is what the kiosk costs the machine.

- settled: 5 s after start, on the welcome screen;
- reading aloud: after tapping Listen on the first section and letting it read for
  ``--listen-seconds`` (the sound is recorded from the sink, to check that it spoke);
- peak: the highest sum seen, sampled every 50 ms while it starts and while it reads aloud.

With ``--idle-seconds`` it also measures idle CPU (benchmarks/idle.py) in the same process
between the two, as the full suite does. ``--voice-engine`` sets the kiosk's ``voice_engine``
(the built-in default, "auto", speaks English with the natural voice); ``--mappings N`` says
what holds each process's memory once settled: its N largest mappings by PSS (each shared
library, Python extension or font file, the heap and the other anonymous memory), with the
anonymous memory, which is the process's own whatever else runs on the machine. ``--cold``
first drops the kiosk's files and the system libraries it shares with others from the page
cache, as the full suite does (a library's RSS depends on what of it the cache holds).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import (  # noqa: E402 - after the path above
    SHARED_SYSTEM_FILES,
    IdleCpu,
    MappingUse,
    Memory,
    PeakMemory,
    command_name,
    compile_kiosk,
    distinct_pages_mb,
    evict_from_page_cache,
    kiosk_env,
    mapping_uses,
    memory_kib,
    our_files,
    process_tree,
    save_screen,
    tree_memory,
)
from benchmarks.driven import LiveKiosk  # noqa: E402
from benchmarks.idle import SETTLE_S, idle_figures  # noqa: E402
from harness.surroundings import surroundings  # noqa: E402 - after the path above

if TYPE_CHECKING:
    from harness.audio import PulseServer


@dataclass
class LiveFigures:
    """What the real kiosk costs, all its processes together."""

    shown_s: float = 0.0  # from starting it to the first paint of its window (in passing)
    settled: Memory | None = None
    settled_distinct_mb: float | None = None  # each page once (common.distinct_pages_mb)
    speaking: Memory | None = None  # at the end of reading aloud
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    idle_welcome: IdleCpu | None = None
    idle_section: IdleCpu | None = None
    heard_s: float = 0.0  # sound heard at the sink while it read aloud
    processes: list[tuple[str, float, float]] = field(default_factory=list)  # name, RSS, PSS
    peak_when: str = ""  # "starting" or "reading aloud": when PSS peaked
    at_peak: list[tuple[str, float, float]] = field(default_factory=list)  # name, RSS, PSS
    mappings: list[tuple[str, list[MappingUse]]] = field(default_factory=list)  # settled


def measure(
    display: str,
    pulse: PulseServer,
    folder: Path,
    *,
    listen_s: float,
    idle_s: float = 0,
    pixels: memoryview | None = None,
    voice_engine: str | None = None,
    cold: bool = False,
) -> LiveFigures:
    """Start the kiosk on ``display``, with ``pulse`` as its audio server, and measure it;
    ``voice_engine`` is written to its configuration (None: the built-in default); ``cold``
    starts it with its files out of the page cache."""
    figures = LiveFigures()
    env = kiosk_env(display, folder)
    if voice_engine is not None:
        config = folder / "clinic-kiosk" / "kiosk.toml"  # XDG_CONFIG_HOME is the folder
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(f'voice_engine = "{voice_engine}"\n', encoding="utf-8")
    compile_kiosk(env)
    if cold:
        evict_from_page_cache([*our_files(), folder / "pycache", *SHARED_SYSTEM_FILES])
    kiosk = LiveKiosk(env, folder / "kiosk-stderr.txt")
    try:
        with PeakMemory(kiosk.pid) as starting:
            figures.shown_s = float(kiosk.answer("shown")[1]) - kiosk.started
            time.sleep(max(0.0, kiosk.started + SETTLE_S - time.time()))
        figures.settled = tree_memory(kiosk.pid)
        figures.settled_distinct_mb = distinct_pages_mb(process_tree(kiosk.pid))
        figures.processes = _per_process(kiosk.pid)
        figures.mappings = [
            (process_role(member, kiosk.pid), mapping_uses(member))
            for member in process_tree(kiosk.pid)
        ]
        _screenshot(pixels, "kiosk-welcome.png")
        if idle_s > 0:
            figures.idle_welcome, figures.idle_section = idle_figures(kiosk, idle_s)
        else:
            kiosk.open_first_section()
        _screenshot(pixels, "kiosk-section.png")
        with pulse.record(folder / "listen.wav") as recording, PeakMemory(kiosk.pid) as speaking:
            kiosk.tap("listen_button")
            time.sleep(listen_s)
            figures.speaking = tree_memory(kiosk.pid)
            _screenshot(pixels, "kiosk-reading-aloud.png")
            if not kiosk.visible("stop_button"):
                raise SystemExit(f"the kiosk was not reading aloud; see {kiosk.stderr}")
            kiosk.tap("stop_button")
        figures.heard_s = recording.analyse().sound_s()
        figures.peak_rss_mb = max(starting.rss_mb, speaking.rss_mb)
        figures.peak_pss_mb = max(starting.pss_mb, speaking.pss_mb)
        peak = starting if starting.pss_mb >= speaking.pss_mb else speaking
        figures.peak_when = "starting" if peak is starting else "reading aloud"
        figures.at_peak = peak.at_peak
    finally:
        kiosk.close()
    return figures


def _per_process(pid: int) -> list[tuple[str, float, float]]:
    rows = []
    for member in process_tree(pid):
        rss_kib, pss_kib = memory_kib(member) or (0, 0)
        rows.append((process_role(member, pid), rss_kib * 1024 / 1e6, pss_kib * 1024 / 1e6))
    return rows


def process_role(pid: int, kiosk: int) -> str:
    """What one of the kiosk's processes is, in words."""
    command = command_name(pid, whole=True)  # the worker's module comes late in its -c code
    if pid == kiosk:
        return "the kiosk (python -m kiosk --windowed, see benchmarks/driven.py)"
    if "child_main" in command or "spawn_main" in command:
        return "the speech worker (kiosk.narration.worker)"
    if "resource_tracker" in command:
        return "multiprocessing's resource tracker"
    return command_name(pid)


def _screenshot(pixels: memoryview | None, name: str) -> None:
    folder = os.environ.get("BENCH_SCREENSHOTS")
    if pixels is not None and folder:
        save_screen(pixels, Path(folder) / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen-seconds", type=float, default=10)
    parser.add_argument("--idle-seconds", type=float, default=0)
    parser.add_argument("--voice-engine", choices=("auto", "neural", "espeak"))
    parser.add_argument("--mappings", type=int, default=0, metavar="N")
    parser.add_argument("--cold", action="store_true")
    args = parser.parse_args()
    with surroundings("kiosk-memory-", xvfb=True, audio=True, own_audio=True) as around:
        assert around.display is not None
        assert around.pulse is not None
        figures = measure(
            around.display,
            around.pulse,
            around.folder,
            listen_s=args.listen_seconds,
            idle_s=args.idle_seconds,
            voice_engine=args.voice_engine,
            cold=args.cold,
        )
    show(figures)
    if args.mappings > 0:
        show_mappings(figures, args.mappings)


def show(figures: LiveFigures) -> None:
    assert figures.settled is not None
    assert figures.speaking is not None
    rows = [
        ("start to first paint, in passing (s)", f"{figures.shown_s:.3f}"),
        ("memory settled, RSS / PSS (MB)", _pair(figures.settled)),
        ("memory reading aloud, RSS / PSS (MB)", _pair(figures.speaking)),
        ("memory peak, RSS / PSS (MB)", f"{figures.peak_rss_mb:.1f} / {figures.peak_pss_mb:.1f}"),
        ("sound heard while reading aloud (s)", f"{figures.heard_s:.1f}"),
    ]
    for name, idle in (("welcome screen", figures.idle_welcome), ("section", figures.idle_section)):
        if idle is not None:
            rows.append((f"idle CPU, {name} (% of a core)", f"{idle.percent_of_core:.2f}"))
    for name, value in rows:
        print(f"{name:44} {value}")
    if figures.settled_distinct_mb is not None:
        print(f"{'memory settled, each page once (MB)':44} {figures.settled_distinct_mb:.1f}")
    print("settled, each process: RSS / PSS (MB)")
    for name, rss, pss in figures.processes:
        print(f"  {rss:6.1f} / {pss:5.1f}  {name}")
    print(f"at the PSS peak ({figures.peak_when}), each process: RSS / PSS (MB)")
    for name, rss, pss in figures.at_peak:
        print(f"  {rss:6.1f} / {pss:5.1f}  {name}")


def show_mappings(figures: LiveFigures, count: int) -> None:
    """Each process's ``count`` largest mappings by PSS, once settled."""
    for name, uses in figures.mappings:
        rss, pss = sum(u.rss_kib for u in uses), sum(u.pss_kib for u in uses)
        anonymous = sum(u.anonymous_kib for u in uses)
        print(
            f"{name}: RSS {_mb(rss):.1f}, PSS {_mb(pss):.1f}, anonymous {_mb(anonymous):.1f} "
            f"(MB); its {count} largest mappings by PSS: RSS / PSS / anonymous / private (MB)"
        )
        for use in uses[:count]:
            values = (use.rss_kib, use.pss_kib, use.anonymous_kib, use.private_kib)
            print("  " + " / ".join(f"{_mb(v):5.1f}" for v in values) + f"  {use.name}")
        rest = uses[count:]
        if rest:
            rss_rest, pss_rest = sum(u.rss_kib for u in rest), sum(u.pss_kib for u in rest)
            print(f"  {_mb(rss_rest):5.1f} / {_mb(pss_rest):5.1f}  the other {len(rest)} mappings")


def _mb(kib: int) -> float:
    return kib * 1024 / 1e6


def _pair(memory: Memory) -> str:
    return f"{memory.rss_mb:.1f} / {memory.pss_mb:.1f}"


if __name__ == "__main__":
    main()

"""Runs thousands of complete visits in one kiosk process and checks that nothing accumulates.

    .venv/bin/python benchmarks/soak.py [--visits 10000] [--sample-every 100] [--warm-up 100]
        [--print-every 1] [--idle-timeout-s 0.3] [--idle-warning-s 0.05]

It starts a private PulseAudio with a null sink and a private CUPS server with PDF file queues
(as the tests do), builds the real kiosk with reading aloud, offscreen, and drives it the way a
patient does, with real taps on the real widgets: touch the welcome screen, open a section and
the next one, Listen until the first sentence is heard, Stop, tick two or three questions, Print
(to the CUPS test queue) until the handout has printed, then leave it alone until "Are you
still here?" comes and the visit ends by itself.

Every ``--sample-every`` visits it records the process's resident memory, live QObjects, Python
wrappers of Qt objects, threads, child processes, open file descriptors and temporary files (and,
to tell a leak from the allocator's own ways, malloc's bytes in use and Python's objects). After
``--warm-up`` visits resident memory may grow by less than 5 MB and the counted things may not
change at all. It prints the samples, the growth and how long a visit took, and exits with
status 1 if a limit is broken, 2 if a visit did not go as a patient would expect.

The idle times are far below what the configuration file allows (30 s and 20 s), so that a
visit takes about half a second; the tests run the same visits 300 times (tests/ui/test_soak.py).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.cups import Q_PDF  # noqa: E402 - after the path above
from harness.soak import (  # noqa: E402
    IDLE_TIMEOUT_S,
    IDLE_WARNING_S,
    Meter,
    RunStats,
    Sample,
    SoakError,
    after_warm_up,
    child_processes,
    growth,
    leaks,
    run_visits,
    table,
)
from harness.surroundings import surroundings  # noqa: E402


class _CountingHandler(logging.Handler):
    """Keeps the first few warnings the kiosk logs and counts them all."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(f"{record.name}: {record.getMessage()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--sample-every", type=int, default=100)
    parser.add_argument("--warm-up", type=int, default=100, help="visits before growth counts")
    parser.add_argument("--print-every", type=int, default=1, help="print every Nth visit")
    parser.add_argument("--idle-timeout-s", type=float, default=IDLE_TIMEOUT_S)
    parser.add_argument("--idle-warning-s", type=float, default=IDLE_WARNING_S)
    args = parser.parse_args()
    if args.visits <= args.warm_up:
        parser.error("--visits must be more than --warm-up")

    logged = _CountingHandler()
    logging.getLogger("kiosk").addHandler(logged)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    samples: list[Sample] = []
    stats = RunStats()
    failure: SoakError | None = None
    with surroundings("kiosk-soak-", audio=True, printing=True, temp=True) as around:
        temp, handouts = around.folder / "tmp", around.folder / "handouts"
        handouts.mkdir()
        try:
            _soak(
                args,
                Q_PDF,
                meter=Meter([temp, handouts]),
                handouts=handouts,
                samples=samples,
                stats=stats,
            )
        except SoakError as error:
            failure = error
    return _report(samples, stats, logged, failure, args.warm_up)


def _report(
    samples: list[Sample],
    stats: RunStats,
    logged: _CountingHandler,
    failure: SoakError | None,
    warm_up: int,
) -> int:
    """Print the samples and the growth; the exit status."""
    print()
    print(table(samples))
    print()
    per_visit_ms = 1000 * stats.elapsed_s / max(stats.visits, 1)
    print(
        f"visits {stats.visits}, printed {stats.printed}, sentences heard "
        f"{stats.sentences_heard}, warnings answered mid-visit {stats.warnings_answered}"
    )
    print(f"time {stats.elapsed_s:.0f} s, {per_visit_ms:.0f} ms a visit")
    for what, longest_s in stats.longest_wait_s.items():
        print(f"  longest wait {what}: {1000 * longest_s:.0f} ms")
    print(f"warnings logged by the kiosk: {logged.count}")
    for line in logged.first:
        print(f"  {line}")
    if failure is not None:
        print(f"FAILED: {failure}")
        return 2
    kept = after_warm_up(samples, warm_up)
    print(f"growth from visit {kept[0].visit} to {kept[-1].visit}:")
    for name, value in growth(samples, warm_up).items():
        megabytes = f" ({value / 1024:+.2f} MB)" if name.endswith("_kib") else ""
        print(f"  {name:12} {value:+d}{megabytes}")
    found = leaks(samples, warm_up)
    for problem in found:
        print(f"LEAK: {problem}")
    if not found:
        print("nothing grew beyond the limits")
    return 1 if found else 0


def _soak(
    args: argparse.Namespace,
    printer: str,
    *,
    meter: Meter,
    handouts: Path,
    samples: list[Sample],
    stats: RunStats,
) -> None:
    from kiosk.app import application, build
    from kiosk.config import Config

    application()
    config = Config(
        printer=printer,
        pdf_folder=handouts,
        idle_timeout_s=args.idle_timeout_s,
        idle_warning_s=args.idle_warning_s,
    )
    kiosk = build(config, narration=True)
    kiosk.window.resize(config.screen.width_px, config.screen.height_px)
    kiosk.window.show()

    def on_sample(sample: Sample) -> None:
        samples.append(sample)
        print(
            f"visit {sample.visit:6d}  {sample.elapsed_s:6.0f} s"
            f"  rss {sample.rss_kib / 1024:6.1f} MB  qobjects {sample.qobjects}"
            f"  threads {sample.threads}  children {sample.children}  fds {sample.fds}"
            f"  temp {sample.temp_files}",
            flush=True,
        )
        if sample.visit in (0, args.visits):
            print(f"  child processes: {', '.join(child_processes())}", flush=True)

    try:
        run_visits(
            kiosk,
            args.visits,
            on_sample,
            meter=meter,
            sample_every=args.sample_every,
            print_every=args.print_every,
            stats=stats,
        )
    finally:
        kiosk.close()


if __name__ == "__main__":
    sys.exit(main())

"""Prints what a kiosk of 1, 8 and 30 leaflets costs: start-up, memory settled, and a tap on a
topic to its home painted.

    .venv/bin/python benchmarks/leaflets.py [--counts 1 8 30] [--runs 6] [--taps 30] [--json]

Each leaflet is a copy of the shipped one (English and Spanish, under its own title and
folder), so each weighs what a real leaflet does. For each count, in a private Xvfb with a
screen file:

- start-up: ``python -m kiosk --windowed`` started ``--runs`` times (the first to warm the
  page cache, left out), from launch to the welcome screen settled on the screen, as
  benchmarks/build.py measures it (benchmarks/common.py: start_up_runs);
- memory settled: the kiosk and its speech worker 5 s after the start (RSS and PSS summed over
  the process tree, and each page counted once), after the last start-up run;
- topic to home: in this process, the kiosk built from the same configuration, past the welcome
  screen with the menu built; each leaflet's topic button tapped in turn, from the tap to its
  home page painted (the home built on that first visit, as a patient meets it), ``--taps`` in
  all; the kiosk is sent back to the menu between taps. A kiosk of one leaflet has no menu.

Targets (issue 18): start-up and memory within 5 % of one leaflet's; topic to home under 50 ms
median.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import (  # noqa: E402
    compile_kiosk,
    distinct_pages_mb,
    kiosk_env,
    percentile,
    process_tree,
    start_up_runs,
    tree_memory,
    warm_up_display,
)
from benchmarks.pageturn import _paint_watch, _pause, tap_until_painted  # noqa: E402
from harness.xvfb import SCREEN_SIZE, private_xvfb  # noqa: E402

SHIPPED = REPO / "resources" / "leaflets" / "vertebroplasty"
SETTLE_S = 5.0


def write_leaflets(folder: Path, count: int) -> list[str]:
    """``count`` copies of the shipped leaflet in ``folder``, each titled "Topic N: ..."."""
    ids = []
    for number in range(1, count + 1):
        leaflet = folder / f"topic-{number}"
        shutil.copytree(SHIPPED, leaflet)
        for file in leaflet.glob("*.md"):
            text = file.read_text(encoding="utf-8")
            text = re.sub(r'^title = "', f'title = "Topic {number}: ', text, count=1, flags=re.M)
            file.write_text(text, encoding="utf-8")
        ids.append(leaflet.name)
    return ids


def write_config(config_dir: Path, leaflets: Path, ids: list[str]) -> Path:
    """kiosk.toml naming ``ids`` (in ``leaflets``), where the kiosk looks for it."""
    config = config_dir / "clinic-kiosk" / "kiosk.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    named = ", ".join(f'"{leaflets / leaflet_id}"' for leaflet_id in ids)
    config.write_text(f"leaflets = [{named}]\n", encoding="utf-8")
    return config


def start_and_memory(
    pixels: memoryview, display: str, folder: Path, config_file: Path, runs: int
) -> dict[str, Any]:
    """Start-up runs (the first left out) and the memory settled after the last."""
    env = kiosk_env(display, folder)
    compile_kiosk(env)
    memory: dict[str, float] = {}

    def after_shown(run: int, _stderr: Path) -> None:
        if run != runs - 1:
            return
        time.sleep(SETTLE_S)
        pid = _kiosk_pid(config_file)
        settled = tree_memory(pid)
        memory.update(
            rss_mb=settled.rss_mb,
            pss_mb=settled.pss_mb,
            distinct_mb=distinct_pages_mb(process_tree(pid)) or 0.0,
        )

    command = [sys.executable, "-m", "kiosk", "--config", str(config_file), "--windowed"]
    started = start_up_runs(command, env, pixels, runs, after_shown=after_shown)
    return {"start_s": [run.shown_s for run in started[1:]], **memory}


def _kiosk_pid(config_file: Path) -> int:
    """The kiosk process start_up_runs started: the one given ``config_file``."""
    import subprocess

    found = subprocess.run(
        ["pgrep", "-o", "-f", f"kiosk --config {config_file} --windowed"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    if not found:
        raise SystemExit("the kiosk process was not found")
    return int(found[-1])


def topic_taps(config_file: Path, taps: int) -> list[float]:
    """Milliseconds from a tap on a topic to its home painted, in this process."""
    from PySide6.QtTest import QTest

    from kiosk.app import application, build
    from kiosk.config import load_config
    from kiosk.session import TOPICS, Page
    from kiosk.ui.buttons import TopicButton

    app = application()
    config, problems = load_config(config_file)
    if problems:
        raise SystemExit("; ".join(str(problem) for problem in problems))
    kiosk = build(config, narration=False)
    window, visit = kiosk.window, kiosk.visit
    window.resize(*SCREEN_SIZE)
    window.show()
    if not QTest.qWaitForWindowExposed(window):
        raise SystemExit("the kiosk window was never shown")
    _pause(app, 2.0)  # the welcome screen: the kiosk reads its leaflets and builds the menu
    visit.begin()
    _pause(app)
    watch = _paint_watch()
    app.installEventFilter(watch)
    ids = list(config.leaflets)
    figures: list[float] = []
    for tap in range(taps):
        menu = window.current_page()
        buttons = [b for b in menu.findChildren(TopicButton) if b.isVisibleTo(menu)]
        index = tap % len(buttons)
        page = Page(None, ids[index].name)
        watch.target = lambda page=page: window.current_page() if visit.page == page else None
        menu.ensureWidgetVisible(buttons[index], 0, 0)
        _pause(app)
        _paint, frame = tap_until_painted(app, watch, buttons[index], f"the home of {page}")
        figures.append(frame)
        watch.target = None
        visit.go_to(TOPICS)
        _pause(app)
    app.removeEventFilter(watch)
    kiosk.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 8, 30])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--taps", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--taps-only", type=Path, help=argparse.SUPPRESS)  # a child's job
    args = parser.parse_args()
    if args.taps_only is not None:
        print(json.dumps(topic_taps(args.taps_only, args.taps)))
        return
    results: dict[int, dict[str, Any]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="kiosk-leaflets-") as work,
        private_xvfb(Path(work)) as display,
    ):
        assert display.pixels is not None
        for count in args.counts:
            folder = Path(work) / f"n{count}"
            ids = write_leaflets(folder / "leaflets", count)
            config_file = write_config(folder, folder / "leaflets", ids)
            env = kiosk_env(display.name, folder)
            warm_up_display(display.pixels, env)
            figures = start_and_memory(display.pixels, display.name, folder, config_file, args.runs)
            if count > 1:
                figures["tap_ms"] = _taps_in_child(env, config_file, args.taps)
            results[count] = figures
    if args.json:
        print(json.dumps(results))
        return
    base = results[min(results)]
    for count, figures in results.items():
        start = statistics.median(figures["start_s"])
        line = (
            f"{count:3d} leaflets: start-up {start:.3f} s "
            f"({start / statistics.median(base['start_s']):.2f}x), "
            f"memory PSS {figures['pss_mb']:.1f} MB ({figures['pss_mb'] / base['pss_mb']:.2f}x), "
            f"RSS {figures['rss_mb']:.1f} MB, each page once {figures['distinct_mb']:.1f} MB"
        )
        taps = figures.get("tap_ms")
        if taps:
            line += (
                f"; topic -> home painted median {statistics.median(taps):.1f} ms, "
                f"p99 {percentile(taps, 0.99):.1f}, max {max(taps):.1f} (n={len(taps)})"
            )
        print(line)


def _taps_in_child(env: dict[str, str], config_file: Path, taps: int) -> list[float]:
    """The taps, measured in a process of their own on the same display."""
    import subprocess

    ran = subprocess.run(
        [sys.executable, __file__, "--taps-only", str(config_file), "--taps", str(taps)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if ran.returncode != 0:
        raise SystemExit(f"the taps failed:\n{ran.stderr[-3000:]}")
    figures: list[float] = json.loads(ran.stdout.strip().splitlines()[-1])
    return figures


if __name__ == "__main__":
    main()

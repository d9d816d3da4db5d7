"""The peer the kiosk is measured against: the same leaflet as a web page in Chromium's kiosk mode.

    .venv/bin/python benchmarks/peer.py [--runs 5] [--seconds 60] [--html OUT.html]

It writes the leaflet of the content pack as one self-contained HTML page (the kiosk's
typeface embedded, the kiosk's colours, body text 30 px as the kiosk has it on its default
screen, each section, the questions as check boxes and a Print button calling
``window.print()``), then starts Debian's ``chromium --kiosk`` on a private Xvfb and prints
its start-up, memory and idle CPU, measured as for the kiosk.

Start-up is timed two ways. On the screen: from starting the program to its first painted
frame in Xvfb's screen file (benchmarks.common.first_frame_seconds, the same watch as for
the kiosk). In the page: its script, once the page has loaded and two animation frames have
passed (the first frame with the page in it has been produced), logs a marker with
``Date.now()``; Chromium prints console messages on standard error with
``--enable-logging=stderr``. As root Chromium needs ``--no-sandbox``.
"""

from __future__ import annotations

import argparse
import base64
import html
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import (  # noqa: E402 - after the path above
    SHARED_SYSTEM_FILES,
    IdleCpu,
    Memory,
    PeakMemory,
    StartRun,
    command_name,
    distinct_pages_mb,
    evict_from_page_cache,
    idle_cpu,
    process_tree,
    save_screen,
    start_up_runs,
    stop_process_group,
    tree_memory,
)
from harness.xvfb import Display, private_xvfb  # noqa: E402 - after the path above

CHROMIUM = "chromium"  # Debian's launcher, with the flags Debian sets in /etc/chromium.d
CHROMIUM_FILES = Path("/usr/lib/chromium")
MARKER = "KIOSK-PEER-PAINTED"
BODY_PX = 30  # the kiosk's body text on its default 21.5-inch 1920x1080 screen
SETTLE_S = 5.0
_LOAD_TIMEOUT_S = 60.0

_PAGE = """<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
@font-face {{ font-family: "Atkinson Hyperlegible"; font-weight: 400;
  src: url(data:font/ttf;base64,{regular}) format("truetype"); }}
@font-face {{ font-family: "Atkinson Hyperlegible"; font-weight: 700;
  src: url(data:font/ttf;base64,{bold}) format("truetype"); }}
html {{ background: {background}; color: {text}; }}
body {{ font: {body_px}px/1.45 "Atkinson Hyperlegible", sans-serif; margin: 0 auto;
  max-width: 36em; padding: 0.7em 1.2em 3em; }}
h1 {{ font-size: 1.6em; margin: 0.4em 0; }}
h2 {{ font-size: 1.35em; margin: 1.2em 0 0.4em; }}
.part {{ font-weight: bold; margin: 1.6em 0 0; }}
p, li {{ margin: 0.6em 0; }}
.questions label {{ display: flex; gap: 0.6em; align-items: flex-start; background: {card};
  border: 3px solid {border}; border-radius: 12px; padding: 0.5em 0.7em; margin: 0.6em 0;
  min-height: 2em; }}
.questions input {{ width: 1.2em; height: 1.2em; margin-top: 0.15em; flex: none; }}
button {{ font: bold {body_px}px "Atkinson Hyperlegible", sans-serif; color: {button_text};
  background: {button}; border: 0; border-radius: 12px; padding: 0.6em 1.2em;
  min-height: 2.4em; }}
</style>
</head>
<body>
<h1>{title}</h1>
{sections}
<p><button type="button" onclick="window.print()">Print my questions</button></p>
<p>Source: {source}</p>
<script>
// Once the page has loaded, two animation frames on: the first frame with it has been made.
addEventListener("load", () => requestAnimationFrame(() => requestAnimationFrame(() =>
  console.log("{marker} " + Date.now()))));
</script>
</body>
</html>
"""


def leaflet_html(content_pack: Path | None = None, language: str = "en") -> str:
    """The leaflet of ``content_pack`` (the kiosk's default one) as one self-contained page."""
    import fontpkg_atkinson_hyperlegible as fonts

    from kiosk.config import Config
    from kiosk.content import BlockKind, SectionKind, load_leaflet
    from kiosk.ui.theme import STANDARD

    leaflet = load_leaflet(content_pack or Config().content_pack, language)
    parts, part = [], None
    for section in leaflet.sections:
        if section.part != part and section.part is not None:
            parts.append(f'<p class="part">{html.escape(section.part)}</p>')
        part = section.part
        if section.kind is not SectionKind.INTRODUCTION:  # its heading is the title
            parts.append(f"<h2>{html.escape(section.heading)}</h2>")
        if section.kind is SectionKind.QUESTIONS:
            parts.append('<div class="questions">')
        items: list[str] = []
        for block in section.body:
            text = html.escape(block.text)
            if block.kind is BlockKind.LIST_ITEM:
                items.append(f"<li>{text}</li>")
                continue
            if items:
                parts.append("<ul>" + "".join(items) + "</ul>")
                items = []
            if block.kind is BlockKind.QUESTION:
                parts.append(f'<label><input type="checkbox"> {text}</label>')
            else:
                parts.append(f"<p>{text}</p>")
        if items:
            parts.append("<ul>" + "".join(items) + "</ul>")
        if section.kind is SectionKind.QUESTIONS:
            parts.append("</div>")
    font_files = Path(fonts.ROOT, "files")
    return _PAGE.format(
        language=html.escape(leaflet.language),
        title=html.escape(leaflet.title),
        source=html.escape(leaflet.source),
        sections="\n".join(parts),
        marker=MARKER,
        body_px=BODY_PX,
        regular=_base64(font_files / "AtkinsonHyperlegible-Regular.ttf"),
        bold=_base64(font_files / "AtkinsonHyperlegible-Bold.ttf"),
        background=STANDARD.background,
        text=STANDARD.text,
        card=STANDARD.card,
        border=STANDARD.border,
        button=STANDARD.button,
        button_text=STANDARD.button_text,
    )


def _base64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")


def chromium_version() -> str:
    said = subprocess.run(
        [CHROMIUM, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return said or "(not installed)"


def chromium_command(page: Path, profile: Path) -> list[str]:
    """Chromium in kiosk mode showing ``page``, as a kiosk would run it here."""
    command = [
        CHROMIUM,
        "--kiosk",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-gpu",  # Xvfb has no GPU; Chromium would try and fall back anyway
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",  # console messages, the page's marker among them
        "--v=0",
        "--window-position=0,0",
        "--window-size=1920,1080",
    ]
    if os.geteuid() == 0:
        command.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox
    return [*command, page.as_uri()]


def chromium_env(display: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name != "WAYLAND_DISPLAY"}
    return env | {"DISPLAY": display}


@dataclass(frozen=True)
class StartUp:
    runs: list[StartRun]  # on the screen, each run; the first is cold
    in_page_s: list[float]  # to the page's own marker (load + two animation frames), each run


def startup(
    display: Display,
    page: Path,
    profile: Path,
    runs: int,
    *,
    cold: bool,
    on_evicted: Callable[[int], None] | None = None,
) -> StartUp:
    """Start Chromium ``runs`` times; the first with a fresh profile and, when ``cold``, after
    emptying the page cache of Chromium's files (then ``on_evicted(files)`` is called); the
    rest with the profile the first made."""
    assert display.pixels is not None
    marker_times: list[float] = []
    started: list[float] = []

    def before_run(run: int) -> None:
        if run == 0:
            shutil.rmtree(profile, ignore_errors=True)
            if cold:
                files = evict_from_page_cache([CHROMIUM_FILES, *SHARED_SYSTEM_FILES])
                if on_evicted is not None:
                    on_evicted(files)
        started.append(time.time())

    def after_shown(run: int, stderr: Path) -> None:
        marker_times.append(wait_for_marker(stderr) - started[run])

    on_screen = start_up_runs(
        chromium_command(page, profile),
        chromium_env(display.name),
        display.pixels,
        runs,
        before_run=before_run,
        after_shown=after_shown,
    )
    return StartUp(on_screen, marker_times)


def wait_for_marker(stderr: Path) -> float:
    """The epoch time the page logged with its marker, read from Chromium's standard error."""
    deadline = time.monotonic() + _LOAD_TIMEOUT_S
    while time.monotonic() < deadline:
        for line in stderr.read_text(errors="replace").splitlines():
            if MARKER in line:
                # [..:INFO:CONSOLE(93)] "KIOSK-PEER-PAINTED 1700000000000", source: file:///...
                return int(line.split(MARKER, 1)[1].split('"', 1)[0]) / 1000
        time.sleep(0.01)
    raise SystemExit(f"Chromium never logged that the page was painted; see {stderr}")


@dataclass(frozen=True)
class Running:
    settled: Memory
    settled_distinct_mb: float | None  # each page once (common.distinct_pages_mb)
    peak: PeakMemory
    idle: IdleCpu
    processes: list[str]


@contextmanager
def running_chromium(display: Display, page: Path, profile: Path) -> Iterator[int]:
    """Chromium showing the page, until the block ends; yields the browser's process id."""
    stderr_path = profile.parent / "chromium-stderr.txt"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            chromium_command(page, profile),
            env=chromium_env(display.name),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    try:
        wait_for_marker(stderr_path)
        yield process.pid
    finally:
        stop_process_group(process)


def measure_running(display: Display, page: Path, profile: Path, idle_s: float) -> Running:
    """Memory while starting and settled, and idle CPU over ``idle_s`` on the loaded page."""
    started = time.monotonic()
    with running_chromium(display, page, profile) as pid:
        with PeakMemory(pid) as peak:
            time.sleep(max(0.0, started + SETTLE_S - time.monotonic()))
        settled = tree_memory(pid)
        distinct = distinct_pages_mb(process_tree(pid))
        names = [command_name(p) for p in process_tree(pid)]
        if display.pixels is not None and os.environ.get("BENCH_SCREENSHOTS"):
            save_screen(display.pixels, Path(os.environ["BENCH_SCREENSHOTS"]) / "chromium.png")
        idle = idle_cpu(pid, idle_s)
    return Running(settled, distinct, peak, idle, names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="start-up runs (the first is cold)")
    parser.add_argument("--seconds", type=float, default=60, help="idle CPU window")
    parser.add_argument("--html", type=Path, help="only write the page to this file")
    args = parser.parse_args()
    if args.html:
        args.html.write_text(leaflet_html(), encoding="utf-8")
        return
    if shutil.which(CHROMIUM) is None:
        raise SystemExit("chromium is not installed (apt-get install chromium; ./dev.sh bench)")
    with tempfile.TemporaryDirectory(prefix="kiosk-peer-") as work:
        folder = Path(work)
        page = folder / "leaflet.html"
        page.write_text(leaflet_html(), encoding="utf-8")
        (folder / "screen").mkdir()
        with private_xvfb(folder / "screen") as display:
            start = startup(display, page, folder / "profile", args.runs, cold=True)
            running = measure_running(display, page, folder / "profile", args.seconds)
    print(chromium_version())
    rows = [
        ("start-up to the page shown, cold (s)", start.runs[0].shown_s),
        ("start-up to the page's painted marker, cold (s)", start.in_page_s[0]),
    ]
    if args.runs > 1:
        rows += [
            (
                "start-up to the page shown, warm median (s)",
                statistics.median(run.shown_s for run in start.runs[1:]),
            ),
            (
                "start-up to the page's painted marker, warm median (s)",
                statistics.median(start.in_page_s[1:]),
            ),
        ]
    settled, peak = running.settled, running.peak
    rows += [
        ("memory settled, RSS (MB)", settled.rss_mb),
        ("memory settled, PSS (MB)", settled.pss_mb),
        ("memory settled, each page once (MB)", running.settled_distinct_mb or 0.0),
        ("memory peak while starting, RSS (MB)", peak.rss_mb),
        ("memory peak while starting, PSS (MB)", peak.pss_mb),
        ("idle CPU on the page, % of one core", running.idle.percent_of_core),
    ]
    for name, value in rows:
        print(f"{name:56} {value:8.3f}")
    print(f"{settled.processes} processes:")
    for name in running.processes:
        print(f"  {name}")


if __name__ == "__main__":
    main()

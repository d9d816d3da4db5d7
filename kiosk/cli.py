"""The ``kiosk`` command: start the kiosk, render a page to PNG, or check a content pack."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
from pathlib import Path
from typing import NoReturn

from kiosk import __version__
from kiosk.config import TEXT_SIZE_STEPS_PERCENT, THEMES, Config, load_config
from kiosk.content import ContentError, check_path

log = logging.getLogger("kiosk.init")


class _Parser(argparse.ArgumentParser):
    """Argument errors are one line and exit 2, never a usage dump or a traceback."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(2)


def _size(value: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in value.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1920x1080, not {value!r}") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"size {value} is out of range (200 to 8000 pixels)")
    return width, height


def _diagonal(value: str) -> float:
    try:
        inches = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"diagonal must be inches like 21.5, not {value!r}"
        ) from None
    if not 5.0 <= inches <= 100.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"diagonal {value} is out of range (5 to 100 inches)")
    return inches


def _ticks(value: str) -> list[int]:
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--tick takes question numbers like 1,3, not {value!r}"
        ) from None


def _parser() -> _Parser:
    parser = _Parser(prog="kiosk", description="Waiting-room kiosk for patient leaflets.")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--config", type=Path, help="configuration file (TOML)")
    parser.add_argument("--content", type=Path, help="content pack folder or leaflet file")
    parser.add_argument("--windowed", action="store_true", help="a normal window, not full screen")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    shot = commands.add_parser("screenshot", help="render one page to a PNG file")
    shot.add_argument("--page", required=True, help="home, intro, questions or section:N")
    shot.add_argument("--size", type=_size, default=None, help="WIDTHxHEIGHT in pixels")
    shot.add_argument("--out", type=Path, required=True, help="PNG file to write")
    steps = ", ".join(str(s) for s in TEXT_SIZE_STEPS_PERCENT)
    shot.add_argument(
        "--text-size",
        type=int,
        default=None,
        choices=range(1, len(TEXT_SIZE_STEPS_PERCENT) + 1),
        metavar="STEP",
        help=f"text size step from 1 to {len(TEXT_SIZE_STEPS_PERCENT)} ({steps} %%)",
    )
    shot.add_argument("--theme", choices=THEMES, default=None)
    shot.add_argument("--tick", type=_ticks, default=[], help="tick these questions, e.g. 1,3")
    shot.add_argument("--diagonal", type=_diagonal, default=None, help="screen diagonal in inches")

    speak = commands.add_parser("speak", help="write what Listen says on a page to a WAV file")
    speak.add_argument("--page", required=True, help="home, intro, questions or section:N")
    speak.add_argument("--out", type=Path, required=True, help="WAV file to write")
    speak.add_argument("--tick", type=_ticks, default=[], help="tick these questions, e.g. 1,3")

    printing = commands.add_parser("print", help="print a handout without the screens")
    printing.add_argument("--questions", type=_ticks, required=True, help="e.g. 1,3,5")
    where = printing.add_mutually_exclusive_group()
    where.add_argument("--printer", help="a printer (CUPS queue) instead of the configured one")
    where.add_argument("--pdf", type=Path, help="write the handout to this PDF instead")

    commands.add_parser("doctor", help="check everything the kiosk needs and say what is wrong")

    content = commands.add_parser("content", help="content pack tools")
    content_commands = content.add_subparsers(dest="content_command", parser_class=_Parser)
    content_commands.required = True
    check = content_commands.add_parser("check", help="validate a content pack")
    check.add_argument("path", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    # The speech worker is a spawned process: in a PyInstaller bundle it re-enters here.
    multiprocessing.freeze_support()
    parser = _parser()
    args = parser.parse_args(argv)
    # The running kiosk logs what it does for staff; one-shot commands only say what is wrong.
    level = logging.INFO if args.command is None else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "content":
        return _check_content(args.path)

    config, problems = load_config(args.config)
    for problem in problems:
        log.warning("%s", problem)
    if args.content is not None:
        config = Config(**{**config.__dict__, "content_pack": args.content})
    command = {
        "screenshot": _screenshot,
        "speak": _speak,
        "print": _print,
        "doctor": _doctor,
    }.get(args.command, _run)
    return command(args, config)


def _screenshot(args: argparse.Namespace, config: Config) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.ui.screenshot import ScreenshotError, take_screenshot

    try:
        take_screenshot(
            config,
            page=args.page,
            size=args.size,
            out=args.out,
            text_step=None if args.text_size is None else args.text_size - 1,
            theme=args.theme,
            ticks=args.tick,
            diagonal_in=args.diagonal,
        )
    except (ContentError, ScreenshotError) as error:
        sys.stderr.write(f"kiosk: {error}\n")
        return 1
    return 0


def _speak(args: argparse.Namespace, config: Config) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.ui.page_audio import SpeakError, write_page_audio

    try:
        sentences = write_page_audio(config, page=args.page, out=args.out, ticks=args.tick)
    except (ContentError, SpeakError) as error:
        sys.stderr.write(f"kiosk: {error}\n")
        return 1
    print(f"{args.out}: {len(sentences)} sentences")
    return 0


def _print(args: argparse.Namespace, config: Config) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.printing.command import print_from_command_line

    return print_from_command_line(config, args.questions, args.printer, args.pdf)


def _doctor(args: argparse.Namespace, config: Config) -> int:
    if not os.environ.get("QT_QPA_PLATFORM") and sys.platform not in ("win32", "darwin"):
        # The real screen is checked where there is one; a display that cannot be opened
        # (a stale DISPLAY) falls back to offscreen rather than Qt aborting the process.
        native = "wayland;xcb" if os.environ.get("WAYLAND_DISPLAY") else "xcb"
        has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        os.environ["QT_QPA_PLATFORM"] = f"{native};offscreen" if has_display else "offscreen"
    from kiosk.doctor import run_doctor

    # main() has logged the configuration's problems; the doctor lists them in its report.
    _, problems = load_config(args.config)
    return run_doctor(config, args.config, problems)


def _run(args: argparse.Namespace, config: Config) -> int:
    if not _has_display():
        sys.stderr.write(
            "kiosk: no display found; start it from the desktop session "
            "(or set DISPLAY, or QT_QPA_PLATFORM=offscreen for a headless run)\n"
        )
        return 1
    from kiosk.app import run

    try:
        return run(config, windowed=args.windowed)
    except ContentError as error:
        sys.stderr.write(f"kiosk: cannot show the leaflet: {error}\n")
        return 1


def _check_content(path: Path) -> int:
    try:
        leaflets = check_path(path)
    except ContentError as error:
        sys.stderr.write(f"{error}\n")
        return 1
    for leaflet in leaflets:
        print(
            f"{leaflet.path}: ok: {leaflet.title!r} ({leaflet.language}), "
            f"{len(leaflet.sections)} pages, {len(leaflet.questions)} questions"
        )
    return 0


def _has_display() -> bool:
    """Qt aborts the whole process when it finds no display, so look before starting it."""
    if os.environ.get("QT_QPA_PLATFORM") or sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))

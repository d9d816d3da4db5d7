"""The ``kiosk`` command: start the kiosk, render a page to PNG, or check a content pack."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kiosk import __version__
from kiosk.config import (
    TEXT_SIZE_STEPS_PERCENT,
    THEMES,
    Config,
    ConfigProblem,
    LoadedConfig,
    check_printer_setting,
    default_config_path,
    describe,
    read_config,
)
from kiosk.content import (
    SUPPORTED_LANGUAGES,
    ContentError,
    Leaflet,
    check_path,
    pronunciation_files,
)
from kiosk.kept_welcome import has_display
from kiosk.paths import config_file, write_config_file

if TYPE_CHECKING:
    from kiosk.ui.snapshot import SnapshotWelcome

    # kiosk.start's: the welcome screen's kept picture, shown; or None and why not.
    Snapshot = tuple[SnapshotWelcome | None, str]

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
    shot.add_argument(
        "--page",
        required=True,
        help="welcome, still-here, staff-pin, staff, topics, home, intro, questions or section:N",
    )
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
    shot.add_argument(
        "--language",
        choices=sorted(SUPPORTED_LANGUAGES),
        default=None,
        help="show the page in this language (one the configuration offers)",
    )
    shot.add_argument(
        "--leaflets",
        type=Path,
        nargs="+",
        default=(),
        metavar="FOLDER",
        help="a kiosk of these leaflet folders (two or more), with its topic menu; the page "
        "and --tick are then of the first",
    )

    speak = commands.add_parser("speak", help="write what Listen says on a page to a WAV file")
    speak.add_argument("--page", required=True, help="home, intro, questions or section:N")
    speak.add_argument("--out", type=Path, required=True, help="WAV file to write")
    speak.add_argument("--tick", type=_ticks, default=[], help="tick these questions, e.g. 1,3")
    speak.add_argument(
        "--language",
        choices=sorted(SUPPORTED_LANGUAGES),
        default=None,
        help="read the page in this language (one the configuration offers)",
    )

    printing = commands.add_parser("print", help="print a handout without the screens")
    printing.add_argument("--questions", type=_ticks, required=True, help="e.g. 1,3,5")
    where = printing.add_mutually_exclusive_group()
    where.add_argument("--printer", help="a printer (CUPS queue) instead of the configured one")
    where.add_argument("--pdf", type=Path, help="write the handout to this PDF instead")

    commands.add_parser("doctor", help="check everything the kiosk needs and say what is wrong")

    config = commands.add_parser("config", help="configuration tools")
    config_commands = config.add_subparsers(dest="config_command", parser_class=_Parser)
    config_commands.required = True
    config_commands.add_parser("show", help="the settings in use and where each one came from")

    pin = commands.add_parser("set-pin", help="set the staff PIN (stored only as a salted hash)")
    pin.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the PIN from standard input, not the terminal",
    )

    content = commands.add_parser("content", help="content pack tools")
    content_commands = content.add_subparsers(dest="content_command", parser_class=_Parser)
    content_commands.required = True
    check = content_commands.add_parser("check", help="validate a content pack")
    check.add_argument("path", type=Path)
    check.add_argument(
        "--report",
        type=Path,
        metavar="REPORT",
        help="also write a readability report (Markdown) of each leaflet to this file; its "
        "warnings do not change the exit status",
    )
    return parser


def main(argv: list[str] | None = None, snapshot: Snapshot | None = None) -> int:
    """Run the command line; return the process exit status. ``snapshot`` is from
    ``kiosk.start``: the welcome screen's kept picture, shown, or None and why not (and then
    the picture this start draws is kept); with no ``snapshot``, none is kept."""
    if sys.platform == "win32":
        # There the speech worker is a spawned process; built, it re-enters here. (Elsewhere
        # freeze_support does nothing, and multiprocessing is not worth importing for it.)
        import multiprocessing

        multiprocessing.freeze_support()
    parser = _parser()
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv
    if args.command is not None:
        # One-shot commands only say what is wrong; the running kiosk keeps a log (in _run).
        logging.basicConfig(
            level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    if args.command == "content":
        return _check_content(args.path, args.report)

    if args.config is None:
        args.config = default_config_path()  # the platform's configuration folder
    if args.command == "set-pin":
        return _set_pin(args.config or config_file(), args.pin_stdin)
    loaded = read_config(args.config)
    if args.command == "config":
        return _show_config(args, loaded)
    config = loaded.config
    if args.content is not None:
        config = Config(**{**config.__dict__, "content_pack": args.content})
    if args.command is None:
        sources = loaded.sources
        return _run(args, config, loaded.problems, snapshot, log_folder_set="log_folder" in sources)
    for problem in loaded.problems:
        log.warning("%s", problem)
    command = {
        "screenshot": _screenshot,
        "speak": _speak,
        "print": _print,
        "doctor": _doctor,
    }[args.command]
    return command(args, config)


def _show_config(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    """Print the effective configuration and where each value came from, then its problems,
    among them a printer CUPS does not have (the kiosk reports that one too)."""
    if args.config is None:
        print(f"# No configuration file ({config_file()} does not exist): built-in defaults.")
    else:
        print(f"# Configuration file: {args.config}")
    rows = describe(loaded)
    if args.content is not None:
        rows = [
            (key, f'"{args.content}"', "--content option") if key == "content_pack" else row
            for row in rows
            for key in [row[0]]
        ]
    width = max(len(f"{key} = {value}") for key, value, _ in rows)
    for key, value, source in rows:
        print(f"{f'{key} = {value}':<{width}}  # {source}")
    printer = check_printer_setting(loaded.config, args.config)
    problems = [*loaded.problems, *([printer.problem] if printer.problem else [])]
    for problem in problems:
        print(f"# Problem: {problem}")
    if printer.not_checked:
        print(f"# Not checked: printer: {printer.not_checked}")
    return 1 if problems else 0


def _set_pin(path: Path, from_stdin: bool) -> int:
    """Ask for the new staff PIN twice and store its salted hash in the configuration file."""
    from kiosk.staff.pin import hash_pin, set_pin_in_toml

    if from_stdin:
        pin = sys.stdin.readline().strip()
    else:
        try:
            pin = _ask_secretly("New staff PIN (4 to 12 digits, no pattern like 1234): ")
            again = _ask_secretly("The same PIN again: ")
        except _NoTerminalError:
            sys.stderr.write(
                "kiosk: no terminal to ask for the PIN on; use --pin-stdin to read it from "
                "standard input; nothing was changed\n"
            )
            return 1
        except (EOFError, KeyboardInterrupt):
            sys.stderr.write("\nkiosk: no PIN was entered; nothing was changed\n")
            return 1
        if again != pin:
            sys.stderr.write("kiosk: the two PINs differ; nothing was changed\n")
            return 1
    try:
        pin_hash = hash_pin(pin)
        source = path.read_text(encoding="utf-8-sig") if path.exists() else ""
        write_config_file(path, set_pin_in_toml(source, pin_hash))
    except ValueError as error:  # PinError, or a configuration file that is not TOML
        sys.stderr.write(f"kiosk: {error}; nothing was changed\n")
        return 1
    except OSError as error:
        sys.stderr.write(f"kiosk: cannot write {path}: {error.strerror or error}\n")
        return 1
    print(f"Staff PIN set in {path}. Restart the kiosk to use it.")
    return 0


class _NoTerminalError(Exception):
    """There is no terminal to read a PIN from without showing it."""


def _ask_secretly(prompt: str) -> str:
    """What is typed at the terminal after ``prompt``, without echo; ``_NoTerminalError``
    where getpass would fall back to reading standard input with echo (and, with nothing on
    it, fail with EOFError)."""
    import getpass
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            return getpass.getpass(prompt)
        except getpass.GetPassWarning:
            raise _NoTerminalError from None


def _screenshot(args: argparse.Namespace, config: Config) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.screenshot import ScreenshotError, take_screenshot

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
            language=args.language,
            leaflets=args.leaflets,
        )
    except (ContentError, ScreenshotError) as error:
        sys.stderr.write(f"kiosk: {error}\n")
        return 1
    return 0


def _speak(args: argparse.Namespace, config: Config) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.page_audio import SpeakError, write_page_audio

    try:
        sentences = write_page_audio(
            config, page=args.page, out=args.out, ticks=args.tick, language=args.language
        )
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
    from kiosk.doctor import find_kiosk_screen, run_doctor

    if not os.environ.get("QT_QPA_PLATFORM") and sys.platform not in ("win32", "darwin"):
        # Run from a shell (ssh, a text console), the screen to check is the running kiosk's.
        find_kiosk_screen()
        # The real screen is checked where there is one; a display that cannot be opened
        # (a stale DISPLAY) falls back to offscreen rather than Qt aborting the process.
        native = "wayland;xcb" if os.environ.get("WAYLAND_DISPLAY") else "xcb"
        has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        os.environ["QT_QPA_PLATFORM"] = f"{native};offscreen" if has_display else "offscreen"

    # main() has logged the configuration's problems; the doctor lists them in its report.
    return run_doctor(config, args.config, read_config(args.config).problems)


def _run(
    args: argparse.Namespace,
    config: Config,
    problems: list[ConfigProblem],
    snapshot: Snapshot | None,
    *,
    log_folder_set: bool,
) -> int:
    if not has_display():
        sys.stderr.write(
            "kiosk: no display found; start it from the desktop session "
            "(or set DISPLAY, or QT_QPA_PLATFORM=offscreen for a headless run)\n"
        )
        return 1
    from kiosk.logs import setup_logging, under_journal
    from kiosk.ui.early import KeepPicture, ShownEarly, show_welcome_early

    journal = under_journal()
    logs = setup_logging(None, journal=journal)  # the file once the welcome screen shows
    log.info(
        "kiosk %s starting; configuration: %s", __version__, args.config or "built-in defaults"
    )
    for problem in problems:
        log.warning("%s", problem)
    # The welcome screen first, on its own (its kept picture, if kiosk.start could show it);
    # only then the modules of the rest of the kiosk, which take longer to import than the
    # screen takes to show.
    shown, why = snapshot or (None, "")
    early: ShownEarly | None = shown
    if shown is not None:
        log.info("the welcome screen is shown from its picture kept at the last start")
    else:
        keep = None
        if snapshot is not None:
            log.info("the welcome screen is drawn: no picture of it to show (%s)", why)
            # The file named, and the default one (the same, or where it would be).
            looked_for = list(dict.fromkeys(p for p in (args.config, config_file()) if p))
            keep = KeepPicture(args.argv, looked_for)
        early = show_welcome_early(config, args.windowed, keep)
    # Under systemd the journal keeps the log (journalctl -u clinic-kiosk), rotated by journald:
    # a file as well only where the configuration names a log_folder. It begins with the
    # lines logged so far.
    if not journal or log_folder_set:
        logs.open_file(config.log_folder)
    if logs.file_problem is not None:  # staff see it on the staff panel too
        where = str(args.config) if args.config else "(built-in default)"
        problem = ConfigProblem(
            where, None, "log_folder", logs.file_problem, "the log goes to standard error only"
        )
        log.warning("%s", problem)
        problems = [*problems, problem]
    from kiosk.app import run

    try:
        return run(
            config,
            args.windowed,
            problems,
            args.config,
            logs.recent.lines,
            early=early,
            content=args.content,
        )
    finally:
        logs.close()


def _check_content(path: Path, report: Path | None) -> int:
    """Check a pack's leaflets and pronunciation lists, or one such file, or each leaflet
    folder of a folder of leaflets; with ``report``, write the readability report of its
    leaflets there."""
    from kiosk.content.library import leaflet_folders_in

    folders = leaflet_folders_in(path)
    if not folders:
        return _check_pack(path, report)
    # A folder of leaflets (the clinic's leaflets/): each is checked, a broken one does not
    # hide the others; the report covers the sound ones.
    failed, leaflets = 0, []
    for folder in folders:
        status, checked = _check_pack_leaflets(folder)
        failed += status
        leaflets += checked
    print(
        f"{path}: {len(folders) - failed} of {len(folders)} leaflets ok"
        + (f", {failed} with problems (above)" if failed else "")
    )
    if report is not None and leaflets:
        status = _write_readability(leaflets, report)
        return status or int(failed > 0)
    return int(failed > 0)


def _check_pack(path: Path, report: Path | None) -> int:
    status, leaflets = _check_pack_leaflets(path)
    if status == 0 and report is not None:
        return _write_readability(leaflets, report)
    return status


def _check_pack_leaflets(path: Path) -> tuple[int, list[Leaflet]]:
    """Check one pack (or file) and print what it holds: 0 and its leaflets, or 1 and none."""
    from kiosk.narration.pronounce import load_lexicon  # not on the early start path

    try:
        lists = pronunciation_files(path)
        leaflets = [] if lists == [path] else check_path(path)  # [path]: one list alone
        words = [(file, len(load_lexicon(file))) for file in lists]
    except ContentError as error:
        sys.stderr.write(f"{error}\n")
        return 1, []
    for leaflet in leaflets:
        print(
            f"{leaflet.path}: ok: {leaflet.title!r} ({leaflet.language}), "
            f"{len(leaflet.sections)} pages, {len(leaflet.questions)} questions"
        )
        note = leaflet.review_note
        if note:
            print(f"{leaflet.path}: note: {note}")
    for file, count in words:
        print(f"{file}: ok: {count} {'word' if count == 1 else 'words'}")
    return 0, leaflets


def _write_readability(leaflets: list[Leaflet], report: Path) -> int:
    """Write the readability report of ``leaflets`` to ``report``; its warnings are only
    counted, but a report that cannot be written is an error."""
    from kiosk.content.readability import ReadabilityError, analyse, report_markdown

    measured = []
    for leaflet in leaflets:
        try:
            measured.append(analyse(leaflet))
        except ReadabilityError as error:  # a language the kiosk has but no formula for
            print(f"{error}; it is left out of the report")
    try:
        report.write_text(report_markdown(measured), encoding="utf-8")
    except OSError as error:
        sys.stderr.write(
            f"kiosk: cannot write the readability report to {report}: "
            f"{error.strerror or error}; give --report a file in a folder you can write to\n"
        )
        return 1
    for result in measured:
        count = result.warnings
        print(
            f"{result.path}: readability: {count} {'warning' if count == 1 else 'warnings'} "
            f"(see {report})"
        )
    if not measured:
        print(f"{report}: no leaflet to measure")
    return 0

"""``kiosk doctor``: checks everything the kiosk needs and tells clinic staff, one line a check."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TextIO

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication

from kiosk.config import Config, ConfigProblem
from kiosk.content import ContentError, Leaflet, offered_leaflets
from kiosk.content.library import checked_library, missing_language, open_paths
from kiosk.fonts import PREFERRED_FAMILY, load_fonts
from kiosk.narration.engines import Tracking
from kiosk.narration.engines.timed_model import timed_model
from kiosk.narration.player import AudioPlayer
from kiosk.narration.synth import LANGUAGE_NAMES, NEURAL_LANGUAGES, Synthesizer
from kiosk.printing import cups
from kiosk.printing.cups import PrintFault

# The printer's own message in kiosk.printing.cups's staff message: printer-state-message 'x'.
_CUPS_SAYS = re.compile(r"printer-state-message (?P<quote>['\"])(?P<said>.*?)(?P=quote)\)")
# What a patient sees on the Listen button when speech or sound does not work.
_SOUND_OFF = 'patients will see "sound is off" on the Listen button'

qt_log = logging.getLogger("kiosk.qt")


class Status(Enum):
    """How a check came out; the value starts the line staff read."""

    OK = "ok"
    NOTE = "note"  # not broken, but worth knowing
    PROBLEM = "PROBLEM"  # something patients will miss until it is fixed


@dataclass(frozen=True)
class Finding:
    """One line of the report."""

    status: Status
    check: str  # "printer", "speech", ...
    text: str

    def __str__(self) -> str:
        return f"{self.status.value:<8}{self.check}: {self.text}"


def run_doctor(
    config: Config,
    config_path: Path | None,
    problems: list[ConfigProblem],
    out: TextIO = sys.stdout,
) -> int:
    """Run every check, print one line each as it finishes and a summary; return the exit status.

    Needs a Qt platform that can start (QT_QPA_PLATFORM=offscreen without a display): the
    fonts, screen and audio checks create a QGuiApplication.
    """
    count = 0
    with _qt_messages_kept_out():
        for finding in _findings(config, config_path, problems):
            # One line at a time, so staff see progress while the speech engine starts.
            print(finding, file=out, flush=True)
            count += finding.status is Status.PROBLEM
    if count:
        print(f"kiosk doctor: {count} problem{'s' if count != 1 else ''}", file=out)
        return 1
    print("kiosk doctor: everything the kiosk needs is working", file=out)
    return 0


@contextlib.contextmanager
def _qt_messages_kept_out() -> Iterator[None]:
    """Qt's own lines ("qt.multimedia.ffmpeg: Using Qt multimedia with FFmpeg...",
    "PulseAudioService: pa_context_connect() failed") stay out of the report: the checks say
    what they mean in staff's words. They go to the log, at debug level."""

    def to_the_log(_kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        qt_log.debug("%s", message)

    previous = qInstallMessageHandler(to_the_log)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


def find_kiosk_screen(environ: MutableMapping[str, str] = os.environ) -> str | None:
    """Where no display is named, the running kiosk's: the Wayland display cage made in the
    user's runtime folder (XDG_RUNTIME_DIR, which ``sudo -u kiosk`` leaves unset: then
    /run/user/UID). Sets WAYLAND_DISPLAY and XDG_RUNTIME_DIR in ``environ`` for Qt and the
    sound server, and returns the socket's path; None when no display answers there."""
    if environ.get("WAYLAND_DISPLAY") or environ.get("DISPLAY") or not hasattr(os, "getuid"):
        return None
    runtime = Path(environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}")
    try:
        candidates = sorted(runtime.glob("wayland-*"))
    except OSError:
        return None
    for candidate in candidates:
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as probe:
            if not stat.S_ISSOCK(candidate.stat().st_mode):
                continue  # wayland-0.lock
            probe.connect(str(candidate))  # a compositor that has ended leaves its socket
            environ["XDG_RUNTIME_DIR"] = str(runtime)
            environ["WAYLAND_DISPLAY"] = candidate.name
            return str(candidate)
    return None


def _findings(
    config: Config, config_path: Path | None, problems: list[ConfigProblem]
) -> Iterator[Finding]:
    checks: list[tuple[str, Callable[[], list[Finding]]]] = [
        ("configuration", lambda: _configuration(config_path, problems)),
        (LOG_FOLDER.check, lambda: _folder(LOG_FOLDER, config.log_folder, config_path)),
        ("content pack", lambda: _content(config)),
        ("words", lambda: _words(config)),
        ("fonts", _fonts),
        ("screen", lambda: _screen(config)),
        ("printer", lambda: _printer(config)),
        ("print spool", _print_spool),
        (PDF_FOLDER.check, lambda: _folder(PDF_FOLDER, config.pdf_folder, config_path)),
        ("speech", lambda: _speech(config)),
        ("audio", _audio),
    ]
    for name, check in checks:
        try:
            yield from check()
        except Exception as error:  # the doctor reports, it never crashes
            yield Finding(
                Status.PROBLEM,
                name,
                f"the check itself failed ({type(error).__name__}: {error}); "
                "please pass this line to whoever looks after the kiosk",
            )


def _configuration(path: Path | None, problems: list[ConfigProblem]) -> list[Finding]:
    if path is None:
        return [Finding(Status.OK, "configuration", "no file given; built-in defaults")]
    if not problems:
        return [Finding(Status.OK, "configuration", f"{path} (built-in defaults where not set)")]
    # str(problem) names the file, line, key, what is wrong and what is allowed.
    return [Finding(Status.PROBLEM, "configuration", str(problem)) for problem in problems]


@dataclass(frozen=True)
class _FolderUse:
    """A folder setting the kiosk writes into, and what staff lose when it cannot."""

    check: str
    key: str  # the configuration key that names the folder
    loss: str  # what happens while it cannot be written


LOG_FOLDER = _FolderUse(
    "log folder", "log_folder", "the kiosk's log goes to its standard error only"
)
PDF_FOLDER = _FolderUse(
    "handout folder",
    "pdf_folder",
    "with no printer, handouts cannot be saved and patients are told the printer is not working",
)


def _folder(use: _FolderUse, folder: Path, config_path: Path | None) -> list[Finding]:
    reason = folder_write_problem(folder)
    if reason is None:
        return [Finding(Status.OK, use.check, f"{use.key} {folder} can be written")]
    where = config_path or "a configuration file (kiosk config show says where it goes)"
    return [
        Finding(
            Status.PROBLEM,
            use.check,
            f"{use.key} {folder} cannot be written ({reason}) — {use.loss}; create it for the "
            f"user the kiosk runs as, or set {use.key} in {where} to a folder that user can "
            "write",
        )
    ]


def folder_write_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot be written, found by trying (root passes every permission check):
    it is made if missing, and a file made in it; whatever the try made is removed again.
    None when it can be written."""
    made: list[Path] = []
    try:
        for missing in reversed([p for p in (folder, *folder.parents) if not p.exists()]):
            missing.mkdir()
            made.append(missing)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".kiosk-doctor-"):
            pass
    except OSError as error:
        return error.strerror or str(error)
    finally:
        for path in reversed(made):
            with contextlib.suppress(OSError):
                path.rmdir()
    return None


def _content(config: Config) -> list[Finding]:
    """The leaflet in the default language, then in each other one the kiosk offers; for a
    translation, whether a medical translator has reviewed it (staff only: patients are
    offered it either way). A kiosk of several leaflets: each, in the menu's order."""
    if len(config.leaflets) > 1:
        return _library_findings(config)
    try:
        leaflets, refused = offered_leaflets(config.content_pack, config.language, config.languages)
    except ContentError as error:
        return [Finding(Status.PROBLEM, "content pack", f"cannot show the leaflet: {error}")]
    findings: list[Finding] = []
    others = [code for code in config.languages if code != config.language]
    for code in (config.language, *others):  # the default first, then in the clinic's order
        if code in leaflets:
            findings.extend(_leaflet_findings(leaflets[code]))
        elif code in refused:
            text = f"{LANGUAGE_NAMES.get(code, code)} is not offered to patients: {refused[code]}"
            findings.append(Finding(Status.PROBLEM, "content pack", text))
    return findings


def _library_findings(config: Config) -> list[Finding]:
    """Each leaflet of the topic menu: shown (in which languages) or left out, and why."""
    library = open_paths(config.leaflets, config.language, config.languages)
    checked = checked_library(library)
    shown = ", ".join(repr(leaflet.header(config.language).title) for leaflet in checked)
    findings = [
        Finding(
            Status.OK if len(checked) else Status.PROBLEM,
            "leaflets",
            f"{len(checked)} of {len(library)} leaflets in the topic menu, in this order: "
            f"{shown or 'none'}",
        )
    ]
    for leaflet in library:
        if leaflet.id not in checked:
            problem = checked.problems[leaflet.id]
            text = f"{leaflet.id} is left out of the topic menu: {problem}"
            findings.append(Finding(Status.PROBLEM, "leaflets", text))
            continue
        for code in leaflet.languages():
            findings.extend(_leaflet_findings(leaflet.leaflet(code)))
        for code in config.languages:
            if not leaflet.has_language(code):
                findings.append(Finding(Status.NOTE, "leaflets", missing_language(leaflet, code)))
    return findings


def _leaflet_findings(leaflet: Leaflet) -> list[Finding]:
    language = LANGUAGE_NAMES.get(leaflet.language, leaflet.language)
    findings = [
        Finding(
            Status.OK,
            "content pack",
            f"{leaflet.title!r} in {language}, {len(leaflet.sections)} pages and "
            f"{len(leaflet.questions)} questions ({leaflet.path})",
        )
    ]
    if leaflet.review_note:
        status = Status.NOTE if leaflet.unreviewed_translation else Status.OK
        note = f"{Path(leaflet.path).name}: {leaflet.review_note}"
        findings.append(Finding(status, "content pack", note))
    return findings


def _words(config: Config) -> list[Finding]:
    """The kiosk's own words in each language it offers other than English, the language
    they are written in: a catalog that is missing leaves the screens in English."""
    from kiosk.catalogs import SOURCE_LANGUAGE, catalog_path, catalog_problem  # noqa: PLC0415

    findings = []
    for code in config.languages:
        if code == SOURCE_LANGUAGE:
            continue
        language = LANGUAGE_NAMES.get(code, code)
        problem = catalog_problem(code)
        if problem is None:
            text = f"the screens' words in {language} ({catalog_path(code, '.qm')})"
            findings.append(Finding(Status.OK, "words", text))
        else:
            text = f"{problem} — until then patients who choose {language} read English buttons"
            findings.append(Finding(Status.PROBLEM, "words", text))
    return findings


def _fonts() -> list[Finding]:
    _application()
    family = load_fonts()
    if family == PREFERRED_FAMILY:
        return [Finding(Status.OK, "fonts", f"{family}, the typeface made for low vision")]
    return [
        Finding(
            Status.NOTE,
            "fonts",
            f"{PREFERRED_FAMILY} is not installed, so the kiosk uses the system's plain type "
            "(pip install fontpkg-atkinson-hyperlegible)",
        )
    ]


def _screen(config: Config) -> list[Finding]:
    screen = config.screen
    configured = f"{screen.width_px}x{screen.height_px}"
    findings = [
        Finding(
            Status.OK,
            "screen",
            f"set up for a {screen.diagonal_in:g}-inch screen at {configured} pixels, "
            f"{screen.px_per_mm:.2f} pixels per mm; text and buttons are sized from this",
        )
    ]
    app = _application()
    shown = app.primaryScreen()
    if app.platformName() == "offscreen" or shown is None:
        findings.append(
            Finding(
                Status.NOTE,
                "screen",
                "no display could be opened here, so the real screen's resolution was not checked "
                "(run kiosk doctor as the kiosk's user while the kiosk runs, or on its desktop, "
                "to check it)",
            )
        )
        return findings
    ratio = shown.devicePixelRatio()
    size = shown.geometry().size()
    actual = f"{round(size.width() * ratio)}x{round(size.height() * ratio)}"
    if actual != configured:
        findings.append(
            Finding(
                Status.NOTE,
                "screen",
                f"the screen shows {actual} pixels but the configuration says {configured}; "
                "if the screen is right, set screen.width_px and screen.height_px to match, "
                "or text and buttons will not have the intended size",
            )
        )
    return findings


def printer_finding(config: Config) -> Finding:
    """The printer's state, in the words staff read in the report and on the staff panel."""
    return _printer(config)[0]


def _printer(config: Config) -> list[Finding]:
    if not cups.AVAILABLE:
        return [
            Finding(
                Status.NOTE,
                "printer",
                "not checked on this system; kiosk print --questions 1 prints a test handout",
            )
        ]
    wanted = config.printer or None
    fault, staff_message, printer = cups.check_printer(wanted)
    if fault is PrintFault.NO_PRINTER and wanted is None:
        # What the kiosk itself does then (kiosk/printing/service.py): not a fault.
        return [
            Finding(
                Status.NOTE,
                "printer",
                "no printer is set up and there is no default printer, so handouts will be "
                f"saved as PDF files in {config.pdf_folder}",
            )
        ]
    if fault is not None:
        return [Finding(Status.PROBLEM, "printer", _printer_problem(fault, staff_message, printer))]
    which = "" if wanted else " (the system's default printer)"
    return [Finding(Status.OK, "printer", f"{printer!r}{which} is ready to print")]


def _print_spool() -> list[Finding]:
    """A CUPS that keeps each printed handout (PreserveJobFiles) holds patients' questions on
    disk for a day, and prints them again on ``lp -i JOB -H restart``."""
    if not cups.AVAILABLE:
        return []
    kept, setting, conf = cups.preserved_job_files()
    if kept is None:
        where = f"{conf} cannot be read" if conf else f"CUPS runs elsewhere ({cups.cups_server()})"
        return [
            Finding(
                Status.NOTE,
                "print spool",
                f"not checked: {where}; make sure its cupsd.conf says PreserveJobFiles No",
            )
        ]
    if kept:
        return [
            Finding(
                Status.PROBLEM,
                "print spool",
                f"CUPS keeps a copy of every handout after printing (PreserveJobFiles {setting} "
                f"in {conf}), so patients' questions stay on disk and can be printed again — "
                f"add the line PreserveJobFiles No to {conf} and restart CUPS "
                "(sudo systemctl restart cups)",
            )
        ]
    return [Finding(Status.OK, "print spool", f"CUPS deletes each handout once printed ({conf})")]


def _printer_problem(fault: PrintFault, staff_message: str, printer: str | None) -> str:
    """What is wrong with ``printer`` (the queue checked) and what to do, in staff's words."""
    found = _CUPS_SAYS.search(staff_message)
    said = f': "{found["said"]}"' if found and found["said"] else ""
    plain = {
        PrintFault.PRINTER_MISSING: (
            f"there is no printer called {printer!r} — check the printer setting "
            "(lpstat -p lists the printers)"
        ),
        PrintFault.QUEUE_PAUSED: f"printer {printer!r} is paused{said} — run cupsenable {printer}",
        PrintFault.NOT_ACCEPTING: (
            f"printer {printer!r} is refusing new handouts{said} — run cupsaccept {printer}"
        ),
        PrintFault.SERVER_DOWN: (
            f"the printing service (CUPS, at {cups.cups_server()}) is not running or not answering "
            "— start it (sudo systemctl start cups)"
        ),
    }.get(fault)
    if plain is None:
        return f"{staff_message} — patients will be told the printer is not working"
    return f"{plain}; until then patients are told the printer is not working"


def _speech(config: Config) -> list[Finding]:
    """Whether each language the kiosk offers has a voice that speaks, and which."""
    synthesizer = Synthesizer(config.language, engine=config.voice_engine)
    try:
        first = _voice_findings(config, config.language, synthesizer)
        if first[-1].status is Status.PROBLEM:
            return first  # the default's voice, or the engine itself: the others wait on it
        others = [code for code in config.languages if code != config.language]
        return [*first, *(f for code in others for f in _voice_findings(config, code, synthesizer))]
    finally:
        synthesizer.close()


def _voice_findings(config: Config, code: str, synthesizer: Synthesizer) -> list[Finding]:
    language = LANGUAGE_NAMES.get(code, code)
    configured = config.voice_for(code)
    synthesizer.language, synthesizer.voice = code, configured or None
    reason = synthesizer.check()
    voice = f"the voice '{configured}'" if configured else f"the usual {language} voice"
    if reason is not None:
        fix = (
            "espeak-ng --voices lists the installed voices"
            if configured
            else "check that espeak-ng is installed (apt-get install espeak-ng)"
        )
        sound_off = _SOUND_OFF if code == config.language else f"Listen is off in {language}"
        return [
            Finding(Status.PROBLEM, "speech", f"{reason} (eSpeak NG, {voice}) — {sound_off}; {fix}")
        ]
    speaking = synthesizer.speaking
    findings: list[Finding] = []
    if synthesizer.note and code in NEURAL_LANGUAGES:
        # Asked for by name, a natural voice that does not work is a fault to fix; on "auto"
        # patients still hear every page, so it is worth knowing, not broken.
        status = Status.PROBLEM if config.voice_engine == "neural" else Status.NOTE
        findings.append(
            Finding(
                status,
                "speech",
                f"{synthesizer.note} — the cause is in the log; reinstalling the kiosk "
                "(./dev.sh) puts the voice back",
            )
        )
    if speaking is not None and speaking.name == "neural":
        text = f"the {speaking.title} speaks {language}"
        if speaking.tracking is not Tracking.WORD:
            findings.append(
                Finding(
                    Status.NOTE,
                    "speech",
                    f"{text}, highlighting whole sentences: {timed_model()} is missing; make "
                    "it with 'python -m kiosk.narration.engines.timed_model build' (./dev.sh "
                    "does) so that each word is highlighted as it is heard",
                )
            )
            return findings
        return [*findings, Finding(Status.OK, "speech", f"{text}, word by word")]
    return [*findings, Finding(Status.OK, "speech", f"eSpeak NG speaks {language} with {voice}")]


def _audio() -> list[Finding]:
    _application()
    # After kiosk.narration.player, whose logging rule quietens Qt Multimedia as it loads.
    from PySide6.QtMultimedia import QMediaDevices  # noqa: PLC0415

    reason = AudioPlayer.check_output()
    if reason is not None:
        return [Finding(Status.PROBLEM, "audio", f"{reason} — {_SOUND_OFF}")]
    device = QMediaDevices.defaultAudioOutput().description()
    return [Finding(Status.OK, "audio", f"sound plays to {device!r}")]


def _application() -> QGuiApplication:
    """The process's Qt application, created on first need: fonts, screens and audio devices
    are only known to Qt once one exists."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        return app
    return QGuiApplication(["kiosk doctor"])

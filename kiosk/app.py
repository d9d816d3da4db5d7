"""Builds every part of the kiosk in one place and wires them together with signals."""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSocketNotifier, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.catalogs import use_language
from kiosk.config import (
    TEXT_SIZE_STEPS_PERCENT,
    Config,
    ConfigProblem,
    ScreenSpec,
    check_printer_setting,
    read_config,
)
from kiosk.content import ContentError, Leaflet, offered_leaflets
from kiosk.content.languages import language
from kiosk.content.library import Library, checked_library, open_paths
from kiosk.filewatch import Fingerprint, files_under, fingerprint
from kiosk.fonts import load_fonts
from kiosk.health import Health
from kiosk.keys import KeyAction
from kiosk.narration.narrator import NarrationState, Narrator
from kiosk.narration.pronounce import LexiconError, load_lexicon
from kiosk.narration.script import Utterance
from kiosk.paths import state_dir
from kiosk.printing.service import PrintService, PrintState
from kiosk.session import HOME, TOPICS, Visit, VisitDefaults
from kiosk.session.idle import IdleWatch
from kiosk.staff.pin import (
    LOCKOUT_FILE_NAME,
    LockoutFile,
    PinHashError,
    StaffLock,
    parse_pin_hash,
)
from kiosk.systemd import ServiceNotifier
from kiosk.ui.announcer import Announcer
from kiosk.ui.early import Answer, ShownEarly
from kiosk.ui.keyboard import KeyControl
from kiosk.ui.metrics import Metrics
from kiosk.ui.qtapp import application, show_window, window_flags
from kiosk.ui.screen_reader import ScreenReaderWatch
from kiosk.ui.screens import OutOfOrderScreen
from kiosk.ui.staff_mode import StaffActions, StaffMode
from kiosk.ui.window import KioskWindow, Screen

log = logging.getLogger("kiosk.init")

# How often the kiosk looks whether the clinic's tools changed its configuration or leaflets.
FILE_CHECK_S = 5.0


@dataclass
class Kiosk:
    """The running kiosk's parts, built and wired once."""

    app: QApplication
    leaflets: dict[str, Leaflet]  # in each language offered, by code
    visit: Visit
    window: KioskWindow
    narrator: Narrator | None
    printing: PrintService
    idle: IdleWatch
    staff: StaffMode
    keys: KeyControl
    announcer: Announcer

    @property
    def leaflet(self) -> Leaflet:
        """The leaflet as shown now, in the visit's language."""
        return self.window.leaflet

    def close(self) -> None:
        """Stop speaking and end the speech worker; the window closes."""
        self.idle.stop()
        if self.narrator is not None:
            self.narrator.shutdown()
        self.printing.shutdown()
        self.window.close_for_good()


@dataclass
class StaffSupport:
    """What staff mode needs from outside one built kiosk: the PIN lock (kept across a reload,
    so a reload does not reset the lockout), the configuration's problems, the recent log, and
    how to reload or quit. ``refused`` says which changed files were not taken up, and why."""

    lock: StaffLock
    problems: list[ConfigProblem] = field(default_factory=list)
    recent_log: Callable[[], list[str]] = list
    reload: Callable[[], str] | None = None
    quit: Callable[[], None] | None = None
    refused: list[str] = field(default_factory=list)


def staff_lock(config: Config, store: LockoutFile | None = None) -> StaffLock:
    """The lock on staff mode, from the configured PIN hash; a broken hash keeps it locked.

    With ``store`` the lockout survives a restart (the running kiosk); without, it lasts as
    long as the lock (screenshots, tests).
    """
    if not config.staff_pin_hash:
        return StaffLock(None, "no staff PIN is set")
    try:
        return StaffLock(parse_pin_hash(config.staff_pin_hash), store=store)
    except PinHashError as error:
        return StaffLock(None, str(error))


def build(
    config: Config,
    screen: ScreenSpec | None = None,
    windowed: bool = True,
    narration: bool = True,
    *,
    support: StaffSupport | None = None,
    leaflet: Leaflet | None = None,
    leaflets: Mapping[str, Leaflet] | None = None,
    library: Library | None = None,
) -> Kiosk:
    """Build the kiosk from its configuration. Raises ``ContentError`` for a broken pack.

    ``narration=False`` leaves out reading aloud (no speech worker, no audio device), for
    rendering screenshots; the Listen button then shows but does nothing. The kiosk starts
    on the welcome screen.
    """
    app = application()
    if library is None and leaflets is None and leaflet is None:
        library = _library(config)  # checked as it is read (KioskWindow, while idle)
    if library is not None:
        library, leaflets = _first_sound_leaflet(library, config)
    elif leaflets is None:
        leaflets = {leaflet.language: leaflet} if leaflet is not None else _offered_leaflets(config)
    leaflet = leaflets[config.language]
    family = load_fonts()
    metrics = Metrics.for_screen(screen or config.screen, family)
    visit = Visit(
        len(leaflet.questions) if library is None else library.question_counts(),
        VisitDefaults.from_settings(
            config.text_size_percent,
            config.theme,
            config.speech_rate_wpm,
            config.volume_percent,
            language=config.language,
            # A kiosk of several leaflets offers every language it is set to: a leaflet that
            # lacks one says so on its pages.
            languages=tuple(leaflets) if library is None else config.languages,
            first_page=HOME if library is None else TOPICS,
        ),
    )
    # First of all that follows the language: every other part speaks the new one at once.
    use_language(visit.language)
    visit.language_changed.connect(use_language)
    narrator = _narrator(config, visit) if narration else None
    window = KioskWindow(leaflets if library is None else library, visit, metrics, narrator)
    window.setWindowFlags(window_flags(windowed))
    window.lock(not windowed)  # patients cannot close the full-screen kiosk
    announcer = _announcer(visit, window, narrator)
    printing = _printing(config, leaflets, visit, window, announcer, library=library)
    # Before the idle watch: the application's event filters run newest first, so the idle
    # watch sees every key before the key control takes it.
    keys = _keys(config, visit, window, announcer)
    idle = _idle(config, visit, window, announcer)
    staff = _staff_mode(
        config,
        visit,
        window,
        narrator=narrator,
        announcer=announcer,
        printing=printing,
        idle=idle,
        support=support or StaffSupport(staff_lock(config)),
        leaflet=leaflet,
    )
    log.info(
        "kiosk built: %s (%s of %s), body text %d px, %d sections",
        leaflet.title,
        leaflet.language,
        ", ".join(leaflets),
        metrics.body_px,
        len(leaflet.sections),
    )
    return Kiosk(
        app, dict(leaflets), visit, window, narrator, printing, idle, staff, keys, announcer
    )


def _library(config: Config) -> Library | None:
    """The library of a kiosk of several leaflets (``leaflets = [...]``, two or more); None
    for a kiosk of one. Nothing of it is read yet."""
    if len(config.leaflets) < 2:
        return None
    return open_paths(config.leaflets, config.language, config.languages)


def _checked_content(
    config: Config, *, strict: bool
) -> tuple[dict[str, Leaflet] | None, Library | None]:
    """The leaflets ``config`` names, read whole and checked before a kiosk is built from
    them: for a kiosk of one, its leaflet in each language (for ``build(leaflets=...)``), and
    no library; for a kiosk of several, None (``build`` opens them itself) and the library as
    checked. ``ContentError`` when nothing can be shown, and, ``strict``, when any leaflet
    of several cannot (files that arrived by file must all pass)."""
    library = _library(config)
    if library is None:
        return _offered_leaflets(config), None
    checked = checked_library(library)
    if strict and checked.problems:
        raise next(iter(checked.problems.values()))
    if not len(checked):
        raise _nothing_to_show(config, checked)
    return None, checked


def _nothing_to_show(config: Config, library: Library) -> ContentError:
    problems = "; ".join(str(problem) for problem in library.problems.values())
    return ContentError(str(config.leaflets[0]), None, f"no leaflet can be shown: {problems}")


def _first_sound_leaflet(library: Library, config: Config) -> tuple[Library, dict[str, Leaflet]]:
    """The first leaflet of ``library`` that can be shown, in each language it has (for the
    staff test page and the log), and the library without any before it that cannot (each
    logged). The others are checked while the kiosk is idle (``KioskWindow``, one per pass of
    the event loop). Raises ``ContentError`` when none can be shown."""
    for entry in list(library):
        try:
            leaflets = {entry.default_language: entry.leaflet(entry.default_language)}
        except ContentError as error:
            log.warning("%s is left out of the topic menu: %s", entry.id, error)
            library = library.without(entry.id, error)
            continue
        for code in entry.languages():
            with contextlib.suppress(ContentError):  # the idle check tells staff
                leaflets[code] = entry.leaflet(code)
        if config.language not in leaflets:
            leaflets[config.language] = leaflets[entry.default_language]
        return library, leaflets
    raise _nothing_to_show(config, library)


def _offered_leaflets(config: Config) -> dict[str, Leaflet]:
    """The leaflet in each language the kiosk offers, by code, in the clinic's order. The
    default language's must be there (``ContentError`` if not); another language the pack has
    no file for is left out, with a warning in the log, and the kiosk offers the rest."""
    leaflets, refused = offered_leaflets(config.content_pack, config.language, config.languages)
    for code, error in refused.items():
        log.warning("%s is not offered: %s", language(code).english_name, error)
    for leaflet in leaflets.values():
        if leaflet.unreviewed_translation:
            log.info("%s: a translation no medical translator has reviewed yet", leaflet.path)
    return leaflets


def _announcer(visit: Visit, window: KioskWindow, narrator: Narrator | None) -> Announcer:
    """What the kiosk says of its own accord, and the rule that any other action of the
    patient silences reading aloud at once (its own announcement then plays)."""
    announcer = Announcer(narrator, ScreenReaderWatch(window), window)
    for action in (
        visit.page_changed,
        visit.ticked_changed,
        visit.text_step_changed,
        visit.theme_changed,
        visit.was_reset,
        visit.language_changed,
        window.print_requested,
    ):
        action.connect(announcer.interrupt)
    window.staff_gesture_made.connect(announcer.silence)  # the page is gone from view
    window.listen_requested.connect(announcer.read)
    # The questions page says what its own controls did ("All ticks cleared. Press Undo...").
    window.announced.connect(announcer.say)
    visit.text_step_changed.connect(
        lambda step: announcer.say(
            QApplication.translate("Talk", "Text size {0} percent.").format(
                TEXT_SIZE_STEPS_PERCENT[step]
            )
        )
    )
    visit.rate_changed.connect(
        lambda wpm: announcer.say(
            QApplication.translate("Talk", "Speech rate {0} words a minute.").format(wpm)
        )
    )
    # In the new language's voice, its own name: the patient hears that the switch took.
    visit.language_changed.connect(lambda code: announcer.say(f"{language(code).name}."))
    return announcer


def _keys(config: Config, visit: Visit, window: KioskWindow, announcer: Announcer) -> KeyControl:
    """Keys for every function; talking mode says what they do."""
    bindings = {
        getattr(Qt.Key, f"Key_{name}").value: action
        for action, names in config.keys.items()
        for name in names
    }

    def help_keys(action: KeyAction, shown: bool = False) -> str:
        """The first two keys of ``action`` by name, in the visit's language, as said or,
        ``shown``, as written."""
        spec = language(visit.language)
        name_of = spec.shown_key if shown else spec.spoken_key
        said = list(dict.fromkeys(name_of(name) for name in config.keys.get(action, ())))
        if len(said) < 2:  # Return and Enter: "Enter" once
            return "".join(said)
        return QApplication.translate("Talk", "{0} or {1}").format(said[0], said[1])

    return KeyControl(
        window, visit, announcer, bindings=bindings, help_keys=help_keys, parent=window
    )


def _idle(config: Config, visit: Visit, window: KioskWindow, announcer: Announcer) -> IdleWatch:
    """The end of a forgotten visit: the warning (spoken when reading aloud works), then a reset.

    What is said on its own, with no key or touch just before, lasts under three seconds
    (EN 301 549 5.1.3.10): the question, then in talking mode the seconds left every ten.
    """
    idle = IdleWatch(config.idle_timeout_s, config.idle_warning_s, window)
    visit.began.connect(idle.start)
    visit.was_reset.connect(idle.stop)
    idle.timed_out.connect(visit.reset)
    idle.countdown_changed.connect(window.idle_panel.show_seconds_left)
    idle.warning_ended.connect(window.hide_idle_warning)
    # A touch anywhere answers it (the watch sees every touch); a screen reader's Press on the
    # button is no touch, so the button answers it too.
    window.idle_panel.stay_button.clicked.connect(idle.touched)

    def on_warning_started(seconds_left: int) -> None:
        window.show_idle_warning(seconds_left)  # a screen reader hears it by its focus
        if announcer.talking:
            announcer.say(QApplication.translate("Talk", "Still here? Press any key."))
        else:
            announcer.say_to_everyone(
                QApplication.translate("Talk", "Still here? Touch the screen.")
            )

    def on_countdown_changed(seconds_left: int) -> None:
        if seconds_left % 10 == 0:
            announcer.say(QApplication.translate("Talk", "{0} seconds.").format(seconds_left))

    idle.warning_started.connect(on_warning_started)
    idle.countdown_changed.connect(on_countdown_changed)
    idle.warning_ended.connect(announcer.interrupt)
    return idle


def _printer_status(config: Config) -> str:
    """The printer's state in the doctor's words (imported when staff first look)."""
    from kiosk.doctor import printer_finding  # noqa: PLC0415

    return printer_finding(config).text


def _staff_mode(
    config: Config,
    visit: Visit,
    window: KioskWindow,
    *,
    leaflet: Leaflet,
    narrator: Narrator | None,
    announcer: Announcer,
    printing: PrintService,
    idle: IdleWatch,
    support: StaffSupport,
) -> StaffMode:
    """Staff mode, with what it shows and does. The test page has every question of
    ``leaflet`` (the kiosk's first, in the clinic's language)."""
    questions = frozenset(range(1, len(leaflet.questions) + 1))

    translate = QApplication.translate  # staff read it in the visit's language too

    def speech_status() -> str:
        if narrator is None:
            return translate("Staff", "off (started without reading aloud)")
        if narrator.state is NarrationState.UNAVAILABLE:
            return translate("Staff", "not working: {0}").format(narrator.note)
        if narrator.voice_note:
            return translate("Staff", "working, in {0}: {1}").format(
                narrator.voice, narrator.voice_note
            )
        if narrator.voice:
            return translate("Staff", "working, in {0}").format(narrator.voice)
        return translate("Staff", "working")

    def test_sentence() -> str:
        if narrator is None or narrator.state is NarrationState.UNAVAILABLE:
            return translate("Staff", "Reading aloud is {0}.").format(speech_status())
        # In the voice of the visit's language, in its words.
        sentence = translate("Talk", "This is the kiosk's voice. Reading aloud works.")
        narrator.speak([Utterance(sentence)])
        return translate("Staff", "Saying a test sentence.")

    def leaflets_status() -> str:
        library = window.library
        if library is None:
            return ""
        titles = []
        for entry in library:
            try:
                titles.append(entry.header(config.language).title)
            except ContentError:
                titles.append(entry.id)  # left out once the idle check reaches it
        lines = [translate("Staff", "Topics: {0}").format("; ".join(titles))]
        lines += [
            translate("Staff", "Left out of the topics: {0}").format(problem)
            for problem in library.problems.values()
        ]
        return "\n".join(lines)

    actions = StaffActions(
        printer_status=lambda: _printer_status(config),
        speech_status=speech_status,
        problems=lambda: [*(str(problem) for problem in support.problems), *support.refused],
        recent_log=support.recent_log,
        test_print=lambda: printing.print_questions(questions),
        test_sentence=test_sentence,
        reload=support.reload or (lambda: "Reloading is not available here."),
        quit=support.quit or window.close_for_good,
        leaflets=leaflets_status,
    )
    staff = StaffMode(window, visit, idle=idle, lock=support.lock, actions=actions, parent=window)
    printing.state_changed.connect(lambda _state, message: staff.show_print_result(message))
    staff.closed.connect(printing.reset)  # patients never see a test page's "printed"
    staff.opened.connect(announcer.silence)
    return staff


def _printing(
    config: Config,
    leaflets: Mapping[str, Leaflet],
    visit: Visit,
    window: KioskWindow,
    announcer: Announcer,
    *,
    library: Library | None = None,
) -> PrintService:
    """The print service, wired to the questions page: one tap prints the handout in the
    visit's language (a part for each leaflet ticked in), and it says how it went."""
    printing = PrintService(config, leaflets, library=library)

    # Each language has its own questions page, and a switch shows the other: the one shown
    # now is looked up each time, never kept.
    def on_state_changed(state: PrintState, message: str) -> None:
        window.show_print_status(message, state is PrintState.PRINTING)
        announcer.say(message)
        if message:
            announcer.alert(window.questions_page.print_status)

    window.print_requested.connect(
        lambda: printing.print_questions(
            visit.ticked if library is None else visit.ticked_by_leaflet(), visit.language
        )
    )
    printing.state_changed.connect(on_state_changed)
    # After the window's own slot (connected when it was made): the page shown after a switch
    # says how printing goes, in the new language.
    visit.language_changed.connect(printing.restate)
    visit.ticked_changed.connect(printing.reset)  # "printed" no longer says what is ticked
    visit.was_reset.connect(printing.end_visit)
    printing.start()  # cancels what an earlier run left unfinished
    return printing


def _lexicon(config: Config, code: str) -> dict[str, str]:
    """The pack's pronunciation list for language ``code`` (none if it is broken: logged); in
    a kiosk of several leaflets, every leaflet's, a word listed twice said as the first leaflet
    in the menu's order says it."""
    lexicon: dict[str, str] = {}
    for path in reversed(config.leaflets or (config.content_pack,)):
        pack = path if path.is_dir() else path.parent
        try:
            lexicon.update(load_lexicon(pack / f"pronunciation-{code}.toml"))
        except LexiconError as error:
            log.warning("pronunciation list ignored: %s", error)
    return lexicon


def _narrator(config: Config, visit: Visit) -> Narrator:
    """The narrator, speaking the visit's language at its rate and volume (``_announcer``
    silences it)."""
    code = visit.language
    narrator = Narrator(
        code,
        config.voice_for(code) or None,
        _lexicon(config, code),
        engine=config.voice_engine,
    )
    visit.language_changed.connect(
        lambda code: narrator.set_language(
            code, config.voice_for(code) or None, _lexicon(config, code)
        )
    )
    narrator.set_rate(visit.rate_wpm)
    narrator.set_volume(visit.volume)
    visit.rate_changed.connect(narrator.set_rate)
    visit.volume_changed.connect(narrator.set_volume)
    narrator.check()
    return narrator


def install_crash_guard(current: Callable[[], Kiosk | None]) -> None:
    """An unexpected error anywhere is logged with its traceback and the visit starts over.

    PySide6 hands an exception raised in a slot to ``sys.excepthook`` and carries on, so the
    hook is where a patient is spared a broken screen: the visit is reset, which brings back
    the welcome screen and stops reading aloud. No modal error box ever appears. ``current``
    gives the kiosk running now (staff may have reloaded it).
    """

    def on_unexpected(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        log.error("unexpected error; the visit was reset", exc_info=(kind, error, trace))
        try:
            kiosk = current()
            if kiosk is not None:
                kiosk.visit.reset()
        except Exception:  # the guard itself must not fail in front of a patient
            log.exception("resetting the visit after an error failed too")

    sys.excepthook = on_unexpected


def quit_on_signals(app: QApplication, close: Callable[[], None]) -> QSocketNotifier:
    """SIGTERM (``systemctl stop``, ``pkill``) and SIGINT (Ctrl+C) quit the kiosk cleanly.

    The locked window refuses to close, so these are how a service manager or a developer
    ends it. Qt's event loop never hands control back to Python, so a signal is written to a
    socket that Qt watches (``signal.set_wakeup_fd``) rather than waited for with a timer.
    """
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda _number, _frame: None)  # Python notes it; Qt wakes up
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    sockets = (reader, writer)  # held by the closure: a collected writer closes the wakeup fd

    def on_signal() -> None:
        # The wakeup fd receives each signal's number as one byte.
        numbers = sockets[0].recv(64)
        names = sorted({_signal_name(number) for number in numbers}) or ["a signal"]
        log.info("asked to stop by %s: quitting", ", ".join(names))
        close()  # first, or Qt's quit would ask the locked window to close, and be refused
        app.quit()

    notifier.activated.connect(on_signal)  # and so keeps both sockets open
    return notifier


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# How often the out-of-order screen tries to start the kiosk again, in case staff fixed it.
RETRY_START_S = 60


class Runner:
    """The kiosk program: starts the kiosk, rebuilds it when staff reload the leaflet or when
    the clinic's tools change its configuration or leaflet files (between visits, and only
    with files that pass the checks), and shows an "out of order" screen with the reason when
    it cannot start.

    ``config_path`` is the configuration file to watch (None: the built-in defaults, nothing
    to watch); ``content`` the leaflet folder given on the command line, over the file's.
    """

    def __init__(
        self,
        config: Config,
        windowed: bool,
        problems: list[ConfigProblem],
        recent_log: Callable[[], list[str]] = list,
        *,
        config_path: Path | None = None,
        content: Path | None = None,
        check_files_s: float = FILE_CHECK_S,
    ) -> None:
        self.app = application()
        self.config = config
        self.config_path = config_path
        self.content = content
        self.windowed = windowed
        self.kiosk: Kiosk | None = None
        self.out_of_order: OutOfOrderScreen | None = None
        self._lockout = LockoutFile(state_dir() / LOCKOUT_FILE_NAME)
        self.support = StaffSupport(
            staff_lock(config, self._lockout), problems, recent_log, self.reload, self.quit
        )
        self._retry = QTimer()
        self._retry.setInterval(RETRY_START_S * 1000)
        self._retry.timeout.connect(self.start)
        self._seen = self._files_now()
        self._file_check = QTimer()
        self._file_check.setInterval(round(check_files_s * 1000))
        self._file_check.timeout.connect(self.check_files)
        self._file_check.start()
        self.health: Health | None = None  # with metrics_folder set (see _follow)

    def start(self, early: ShownEarly | None = None) -> None:
        """Build and show the kiosk; on failure, show why (and try again now and then).

        ``early`` is the welcome screen already showing (see ``kiosk.ui.early``): the kiosk
        takes its place, and a touch or key it had is the visit's start.
        """
        try:
            kiosk = build(self.config, windowed=self.windowed, support=self.support)
        except ContentError as error:
            kiosk, reason = None, f"the leaflet cannot be shown: {error}"
        except Exception as error:  # whatever it is, staff see it and patients see no crash
            log.exception("the kiosk could not start")
            kiosk, reason = None, f"the kiosk could not start ({type(error).__name__}: {error})"
        if kiosk is None:
            self._show_out_of_order(reason)
            self._follow()
            if early is not None:
                early.hand_over(self.out_of_order)
            return
        self._retry.stop()
        if self.out_of_order is not None:
            self.out_of_order.close_for_good()
            self.out_of_order.deleteLater()
            self.out_of_order = None
        self.kiosk = kiosk
        self._show(kiosk.window)
        self._follow()
        if early is not None:
            answer = early.hand_over(kiosk.window)
            if early.language is not None and early.language in kiosk.visit.languages:
                kiosk.visit.set_language(early.language)
            if answer is Answer.TOUCH:
                kiosk.visit.begin()
            elif answer is Answer.KEY:
                kiosk.keys.begin_by_key()

    def reload(self) -> str:
        """Read the leaflet again; if it is sound, swap in a kiosk built from it. A kiosk of
        several leaflets reads every one: a broken one is left out of the menu, and said."""
        try:
            leaflets, library = _checked_content(self.config, strict=False)
        except ContentError as error:
            log.warning("the leaflet was not reloaded: %s", error)
            return f"Not reloaded: {error}. The kiosk keeps showing the leaflet it had."
        old = self.kiosk
        fresh = build(
            self.config,
            windowed=self.windowed,
            support=self.support,
            leaflets=leaflets,
            library=library,
        )
        self.kiosk = fresh
        self._show(fresh.window)
        self._follow()
        if library is not None:
            left_out = "".join(f" Left out: {problem}." for problem in library.problems.values())
            message = f"Reloaded {len(library)} leaflets.{left_out}"
        else:
            leaflet = fresh.leaflets[self.config.language]
            message = (
                f"Reloaded {leaflet.title!r}: {len(leaflet.sections)} pages, "
                f"{len(leaflet.questions)} questions."
            )
        log.info("%s", message)
        fresh.staff.open_panel(message)
        if old is not None:
            old.close()
            old.window.deleteLater()
        return message

    def check_files(self) -> bool:
        """Take up changed configuration or leaflet files, if any changed and no visit is
        under way (they wait for the visit's end otherwise). Files that do not pass the checks
        never replace the ones the kiosk runs on: staff and the log are told why, and the
        kiosk looks again once the files change again. Returns whether a new kiosk was built.
        """
        now = self._files_now()
        if now == self._seen or self._busy():
            return False
        self._seen = now
        loaded = read_config(self.config_path)
        where = str(self.config_path)
        if loaded.problems:
            problems = (str(replace(problem, consequence="")) for problem in loaded.problems)
            return self._refuse(where, "; ".join(problems))
        config = loaded.config
        if self.content is not None:
            config = replace(config, content_pack=self.content)
        printer = check_printer_setting(config, self.config_path).problem
        if printer is not None:
            return self._refuse(where, str(printer))
        try:
            leaflets, library = _checked_content(config, strict=True)
        except ContentError as error:
            # One leaflet: its folder changed; one of several: the file that broke it.
            changed = error.path if len(config.leaflets) > 1 else str(config.content_pack)
            return self._refuse(changed, str(error))
        self._seen = self._files_now(config)  # it may name another leaflet folder
        if self.kiosk is None:
            self.config = config
            self.support.problems, self.support.refused = [], []
            self.start()
            return self.kiosk is not None
        if config.staff_pin_hash != self.config.staff_pin_hash:
            self.support.lock = staff_lock(config, self._lockout)
        self.config = config
        self.support.problems, self.support.refused = [], []
        old = self.kiosk
        self.kiosk = build(
            config,
            windowed=self.windowed,
            support=self.support,
            leaflets=leaflets,
            library=library,
        )
        self._show(self.kiosk.window)
        self._follow()
        old.close()
        old.window.deleteLater()
        log.info(
            "took up the changed files: %s in %s",
            self.kiosk.leaflet.title,
            ", ".join(self.kiosk.leaflets),
        )
        return True

    def _files_now(self, config: Config | None = None) -> Fingerprint:
        """The state of the files the kiosk runs on: its configuration file and its leaflets."""
        config = config or self.config
        files = [] if self.config_path is None else [self.config_path]
        folders = [config.content_pack, *config.leaflets]
        if self.config_path is not None:
            # The clinic's leaflets folder: a leaflet the configuration names may arrive later.
            folders.append(self.config_path.parent / "leaflets")
        leaflet_files = (file for folder in folders for file in files_under(folder))
        return fingerprint([*files, *dict.fromkeys(leaflet_files)])

    def _busy(self) -> bool:
        """Whether changed files must wait: a patient's visit, or staff at work."""
        kiosk = self.kiosk
        if kiosk is None:
            return False
        staff = kiosk.window.showing() in (Screen.STAFF, Screen.STAFF_PIN)
        return kiosk.visit.under_way or staff

    def _refuse(self, where: str, problem: str) -> bool:
        message = f"{where} changed but was not taken up: {problem}. The kiosk keeps running "
        message += "on the files it had; correct the file and it is taken up between visits."
        log.warning("%s", message)
        self.support.refused = [message]
        if self.health is not None:
            self.health.file_refused()
        return False

    def quit(self) -> None:
        self.close()
        self.app.quit()

    def close(self) -> None:
        self._file_check.stop()
        self._retry.stop()
        if self.kiosk is not None:
            self.kiosk.close()
        if self.health is not None:
            self.health.stop()
        if self.out_of_order is not None:
            self.out_of_order.close_for_good()

    def _follow(self) -> None:
        """The health metrics follow the kiosk running now, into the metrics folder configured
        now (a new folder starts the counts again, which Prometheus's rate() takes in its
        stride)."""
        folder = self.config.metrics_folder
        if self.health is not None and self.health.folder != folder:
            self.health.stop()
            self.health = None
        if self.health is None and folder is not None:
            self.health = Health(self.config, lambda: bool(self.support.refused))
        if self.health is not None:
            self.health.follow(self.kiosk, self.config)

    def _show_out_of_order(self, reason: str) -> None:
        log.error("showing the out-of-order screen: %s", reason)
        if self.out_of_order is None:
            metrics = Metrics.for_screen(self.config.screen, load_fonts())
            use_language(self.config.language)  # the kiosk's build may not have got so far
            self.out_of_order = OutOfOrderScreen(reason, metrics)
            self.out_of_order.setWindowFlags(window_flags(self.windowed))
            self.out_of_order.lock(not self.windowed)
            self._show(self.out_of_order)
        else:
            self.out_of_order.show_reason(reason)
        self._retry.start()

    def _show(self, window: QWidget) -> None:
        show_window(window, self.config.screen, self.windowed)


def run(
    config: Config,
    windowed: bool,
    problems: list[ConfigProblem] | None = None,
    config_path: Path | None = None,
    recent_log: Callable[[], list[str]] = list,
    *,
    early: ShownEarly | None = None,
    content: Path | None = None,
) -> int:
    """Start the kiosk and run until it is quit; ``early`` is the welcome screen shown before
    the kiosk was built, if it was; ``content`` the leaflet folder given on the command line.
    """
    problems = list(problems or [])
    printer_problem = check_printer_setting(config, config_path).problem
    if printer_problem is not None:
        log.warning("%s", printer_problem)
        problems.append(printer_problem)
        config = replace(config, printer="")
    runner = Runner(
        config, windowed, problems, recent_log, config_path=config_path, content=content
    )
    install_crash_guard(lambda: runner.kiosk)
    runner.start(early)
    runner.app.aboutToQuit.connect(runner.close)
    notifier = quit_on_signals(runner.app, runner.close)
    # Under systemd (clinic-kiosk.service): ready from the running event loop, whose first
    # pass paints the screen runner.start showed; then the watchdog's pings from that loop.
    service = ServiceNotifier()
    QTimer.singleShot(0, service.ready)
    runner.app.aboutToQuit.connect(service.stopping)
    log.info(
        "kiosk running (%s); it stops on SIGTERM or Ctrl+C",
        "windowed" if windowed else "full screen",
    )
    try:
        return runner.app.exec()
    finally:
        signal.set_wakeup_fd(-1)
        del notifier

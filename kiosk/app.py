"""Builds every part of the kiosk in one place and wires them together with signals."""

from __future__ import annotations

import logging
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QSocketNotifier, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from kiosk.config import Config, ScreenSpec
from kiosk.content import Leaflet, load_leaflet
from kiosk.fonts import load_fonts
from kiosk.narration.narrator import Narrator
from kiosk.narration.pronounce import LexiconError, load_lexicon
from kiosk.printing.service import PrintService, PrintState
from kiosk.session import Visit, VisitDefaults
from kiosk.ui.metrics import Metrics
from kiosk.ui.window import KioskWindow, window_flags

log = logging.getLogger("kiosk.init")
qt_log = logging.getLogger("kiosk.qt")


@dataclass
class Kiosk:
    """The running kiosk's parts, built and wired once."""

    app: QApplication
    leaflet: Leaflet
    visit: Visit
    window: KioskWindow
    narrator: Narrator | None
    printing: PrintService

    def close(self) -> None:
        """Stop speaking and end the speech worker; the window closes."""
        if self.narrator is not None:
            self.narrator.shutdown()
        self.printing.shutdown()
        self.window.close_for_good()


def application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication, created with the kiosk's style."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    qInstallMessageHandler(_log_qt_message)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("clinic-kiosk")
    app.setStyle("Fusion")  # the same look on every platform; colours come from our palette
    return app


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
# Said by Qt's offscreen platform for every window; it means nothing to staff.
_QT_NOISE = ("This plugin does not support propagateSizeHints",)


def _log_qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's own messages go to the kiosk's log, with everything else staff may read."""
    if message.startswith(_QT_NOISE):
        return
    qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def build(
    config: Config,
    screen: ScreenSpec | None = None,
    windowed: bool = True,
    narration: bool = True,
) -> Kiosk:
    """Build the kiosk from its configuration. Raises ``ContentError`` for a broken pack.

    ``narration=False`` leaves out reading aloud (no speech worker, no audio device), for
    rendering screenshots; the Listen button then shows but does nothing.
    """
    app = application()
    leaflet = load_leaflet(config.content_pack, config.language)
    family = load_fonts()
    metrics = Metrics.for_screen(screen or config.screen, family)
    visit = Visit(
        len(leaflet.questions),
        VisitDefaults.from_settings(
            config.text_size_percent, config.theme, config.speech_rate_wpm, config.volume_percent
        ),
    )
    narrator = _narrator(config, leaflet, visit) if narration else None
    window = KioskWindow(leaflet, visit, metrics, narrator)
    window.setWindowFlags(window_flags(windowed))
    window.lock(not windowed)  # patients cannot close the full-screen kiosk
    printing = _printing(config, leaflet, visit, window)
    if narrator is not None:
        window.questions_page.print_requested.connect(narrator.stop)  # any other tap stops it
    log.info(
        "kiosk built: %s (%s), body text %d px, %d sections",
        leaflet.title,
        leaflet.language,
        metrics.body_px,
        len(leaflet.sections),
    )
    return Kiosk(app, leaflet, visit, window, narrator, printing)


def _printing(config: Config, leaflet: Leaflet, visit: Visit, window: KioskWindow) -> PrintService:
    """The print service, wired to the questions page: one tap prints, and it says how it went."""
    printing = PrintService(config, leaflet)
    page = window.questions_page
    page.print_requested.connect(lambda: printing.print_questions(visit.ticked))
    printing.state_changed.connect(
        lambda state, message: page.show_print_status(message, state is PrintState.PRINTING)
    )
    visit.ticked_changed.connect(printing.reset)  # "printed" no longer says what is ticked
    visit.was_reset.connect(printing.reset)
    return printing


def _narrator(config: Config, leaflet: Leaflet, visit: Visit) -> Narrator:
    """The narrator, wired so that any other action of the patient silences it at once."""
    pack = config.content_pack if config.content_pack.is_dir() else config.content_pack.parent
    lexicon_path = pack / f"pronunciation-{leaflet.language}.toml"
    try:
        lexicon = load_lexicon(lexicon_path)
    except LexiconError as error:
        log.warning("pronunciation list ignored: %s", error)
        lexicon = {}
    narrator = Narrator(leaflet.language, config.voice or None, lexicon)
    narrator.set_rate(visit.rate_wpm)
    narrator.set_volume(visit.volume)
    visit.rate_changed.connect(narrator.set_rate)
    visit.volume_changed.connect(narrator.set_volume)
    for interruption in (
        visit.page_changed,
        visit.ticked_changed,
        visit.text_step_changed,
        visit.theme_changed,
        visit.was_reset,
    ):
        interruption.connect(narrator.stop)
    narrator.check()
    return narrator


def install_crash_guard(kiosk: Kiosk) -> None:
    """An unexpected error anywhere is logged with its traceback and the visit starts over.

    PySide6 hands an exception raised in a slot to ``sys.excepthook`` and carries on, so the
    hook is where a patient is spared a broken screen: the visit is reset, which brings back
    the first page and stops reading aloud. No modal error box ever appears.
    """

    def on_unexpected(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        log.error("unexpected error; the visit was reset", exc_info=(kind, error, trace))
        try:
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

    def on_signal() -> None:
        reader.recv(64)
        log.info("asked to stop by a signal (%s): quitting", writer.fileno())
        close()  # first, or Qt's quit would ask the locked window to close, and be refused
        app.quit()

    notifier.activated.connect(on_signal)  # the closure keeps both sockets open
    return notifier


def run(config: Config, windowed: bool) -> int:
    """Start the kiosk and run until it is quit."""
    kiosk = build(config, windowed=windowed)
    install_crash_guard(kiosk)
    if windowed:
        kiosk.window.resize(config.screen.width_px, config.screen.height_px)
        kiosk.window.show()
    else:
        # Kiosks often run X with no window manager, which ignores a full-screen request:
        # cover the screen ourselves as well.
        screen = kiosk.app.primaryScreen()
        if screen is not None:
            kiosk.window.setGeometry(screen.geometry())
        kiosk.window.showFullScreen()
    kiosk.app.aboutToQuit.connect(kiosk.close)
    notifier = quit_on_signals(kiosk.app, kiosk.close)
    log.info(
        "kiosk running (%s); it stops on SIGTERM or Ctrl+C",
        "windowed" if windowed else "full screen",
    )
    try:
        return kiosk.app.exec()
    finally:
        signal.set_wakeup_fd(-1)
        del notifier

"""The welcome screen shown on its own as the program starts, while the kiosk is built.

Building the whole kiosk (its modules, pages, speech and printing) takes a few tenths of a
second; the welcome screen alone needs only Qt, the leaflet's header and the fonts. So the
program shows this first, then builds the kiosk, whose window shows the very same screen, and
hands over: the kiosk window comes up on top with the same pixels, and this one goes. A touch
or key given meanwhile is kept and begins the visit once the kiosk is ready.

Only what the welcome screen needs is imported here, on purpose: see ``kiosk.cli._run``.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.catalogs import catalog_dir, use_language
from kiosk.config import Config
from kiosk.content import ContentError, LeafletHeader, leaflet_header
from kiosk.content.languages import language
from kiosk.content.pack import LEAFLET_SUFFIX
from kiosk.fonts import font_files, load_fonts
from kiosk.kept_welcome import files_stamp
from kiosk.paths import resources_dir
from kiosk.session import VisitDefaults
from kiosk.ui.lockdown import LockDown
from kiosk.ui.metrics import Metrics
from kiosk.ui.qtapp import application, show_window, window_flags
from kiosk.ui.screens import WelcomeScreen
from kiosk.ui.snapshot import Answer, SnapshotWelcome, keep_snapshot
from kiosk.ui.theme import THEMES

log = logging.getLogger("kiosk.init")

# Longer than any first paint; on a platform that never paints, start-up goes on after this.
_FIRST_PAINT_TIMEOUT_MS = 2000

__all__ = ["Answer", "EarlyWelcome", "ShownEarly", "show_welcome_early"]


class EarlyWelcome(QObject):
    """The welcome screen in a window of its own, until the kiosk's window replaces it."""

    def __init__(self, header: LeafletHeader, config: Config, windowed: bool) -> None:
        super().__init__()
        self.answer: Answer | None = None
        self.language: str | None = None  # a language button was touched: this one
        metrics = Metrics.for_screen(config.screen, load_fonts())
        # As the kiosk window will show it: its palette and its body font at the clinic's
        # text size (KioskWindow applies both at the start of every visit), and its buttons
        # for the other languages.
        names = {code: language(code).name for code in offered_languages(config)}
        self.screen = WelcomeScreen(header.title, header.welcome, metrics, languages=names)
        self.screen.show_leaflet(header.title, header.welcome, config.language)
        self.screen.setWindowTitle(header.title)
        defaults = VisitDefaults.from_settings(
            config.text_size_percent, config.theme, config.speech_rate_wpm, config.volume_percent
        )
        self.screen.setPalette(THEMES[defaults.theme].palette())
        self.screen.setFont(metrics.body_font(defaults.text_step))
        self.screen.setWindowFlags(window_flags(windowed))
        # Full screen, patients cannot close or leave it, as the kiosk's.
        self._lockdown = LockDown(self.screen, locked=not windowed)
        self.screen.touched.connect(lambda: self._answered(Answer.TOUCH))
        self.screen.language_chosen.connect(self._on_language_chosen)
        self.screen.installEventFilter(self)
        self._painted = QEventLoop()
        show_window(self.screen, config.screen, windowed)

    def wait_until_painted(self) -> None:
        """Return once the screen has been painted and handed to the display."""
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)  # the paint goes to the screen's parts, not to it
        QTimer.singleShot(_FIRST_PAINT_TIMEOUT_MS, self._painted.quit)
        self._painted.exec()
        app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (
            kind == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self.screen
            and self._painted.isRunning()
        ):
            # The window is painted and then flushed to the display in the same step; the
            # loop ends in the next pass, after that.
            QTimer.singleShot(0, self._painted.quit)
        elif kind == QEvent.Type.KeyPress and watched is self.screen:
            self._answered(Answer.KEY)
            return True
        return super().eventFilter(watched, event)

    def _on_language_chosen(self, code: str) -> None:
        if self.answer is None:
            self.language = code
        self._answered(Answer.TOUCH)

    def _answered(self, answer: Answer) -> None:
        if self.answer is None:
            self.answer = answer

    def hand_over(self, window: QWidget | None = None) -> Answer | None:
        """Take in what was given while the kiosk was built, then go; ``window`` (the kiosk's,
        already shown on top) takes the screen's place. Returns the patient's answer, if any."""
        QApplication.processEvents()  # touches and keys that arrived while building
        self.screen.removeEventFilter(self)
        self._lockdown.release()
        self.screen.close()
        self.screen.deleteLater()
        if window is not None:
            window.activateWindow()
        return self.answer


def offered_languages(config: Config) -> list[str]:
    """The languages the kiosk will offer, as far as the welcome screen can tell without
    reading the leaflets: those the configuration names that the pack has a file for."""
    if len(config.leaflets) > 1:
        return list(config.languages)  # every leaflet is offered in each (or says it is not)
    pack = config.content_pack
    if not pack.is_dir():
        return [config.language]
    return [
        code
        for code in config.languages
        if code == config.language or (pack / f"{code}{LEAFLET_SUFFIX}").is_file()
    ]


# The welcome screen shown before the kiosk was built: drawn by its own widgets, or its picture.
ShownEarly = EarlyWelcome | SnapshotWelcome


class KeepPicture:
    """Where ``show_welcome_early`` keeps the picture it drew for the next start, and what
    it stamps it with: the command line, and the configuration files read or looked for."""

    def __init__(self, argv: Sequence[str], config_files: Sequence[Path]) -> None:
        self.argv = list(argv)
        self.config_files = list(config_files)


def show_welcome_early(
    config: Config, windowed: bool, keep: KeepPicture | None = None
) -> EarlyWelcome | None:
    """Show the welcome screen now, if the leaflet's header can be read; otherwise None (the
    kiosk then says what is wrong, as it does for any leaflet it cannot show). With ``keep``,
    its picture is kept for the next start (``kiosk.ui.snapshot``)."""
    stamp = files_stamp(welcome_files(config, keep.config_files)) if keep else []
    try:
        if len(config.leaflets) > 1:
            # A kiosk of several leaflets welcomes to the kiosk, not to one leaflet, in the
            # window's words (KioskWindow._show_kiosk_title).
            application()
            use_language(config.language)  # the words are the kiosk's, not a leaflet's
            title = QApplication.translate("KioskWindow", "Patient information")
            header = LeafletHeader(title, config.language, None)
        else:
            header = leaflet_header(config.content_pack, config.language)
            application()
        early = EarlyWelcome(header, config, windowed)
        early.wait_until_painted()
        if keep is not None and early.answer is None:
            _keep(early, keep, stamp, windowed)
    except ContentError as error:  # the kiosk's start says so, on the out-of-order screen
        log.info("no early welcome screen: %s", error)
        return None
    except Exception:  # the full start reports it properly; this is only a head start
        log.exception("the welcome screen could not be shown early")
        return None
    return early


def _keep(early: EarlyWelcome, keep: KeepPicture, stamp: list[str], windowed: bool) -> None:
    screen = early.screen
    try:
        keep_snapshot(
            screen,
            keep.argv,
            stamp,
            windowed=windowed,
            title=screen.windowTitle(),
            languages=dict(screen.language_buttons),
        )
    except (OSError, ValueError) as error:  # the next start goes the long way again
        log.warning("the welcome screen's picture could not be kept for the next start: %s", error)
    else:
        log.info("the welcome screen's picture is kept for the next start")


def welcome_files(config: Config, config_files: Sequence[Path]) -> Iterator[str]:
    """Every file the welcome screen is drawn from, or whose change could change it, and
    their folders (a folder's time changes when a file is added or removed)."""
    yield from (str(path) for path in config_files)
    folders = [Path(folder) for folder in config.leaflets] or [config.content_pack]
    folders += [resources_dir() / "languages", catalog_dir()]
    for folder in folders:
        yield str(folder)
        if folder.is_dir():
            yield from sorted(str(path) for path in folder.iterdir())
    yield from (str(path) for path in font_files() or [])
    # The code that draws it, and Qt's: changed by an upgrade (the built program is one file).
    yield sys.executable
    kiosk_folder = str(Path(__file__).resolve().parents[1])
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path and (path.startswith(kiosk_folder) or "PySide6" in path) and os.path.isfile(path):
            yield path

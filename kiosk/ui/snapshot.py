"""The welcome screen as the kiosk last drew it, shown before the kiosk is built.

Python and Qt Widgets alone take about 0.1 s to start here; the kiosk's own welcome screen
(``kiosk.ui.early``) needs another 0.1 s of modules, fonts and layout before its first frame.
So once it has drawn its welcome screen, the kiosk keeps the picture in its cache folder with
a stamp of everything that went into it (``kiosk.kept_welcome``): the command line, the Qt
settings of the environment, the size and time of every file it was drawn from (the
configuration, the leaflets, the fonts, the translations, the kiosk's own code) and the
screen's size. At the next start, if none of that changed, this shows the picture in a window
of its own, and the start goes on as from the early welcome screen: the kiosk's window comes
up on top with the same pixels, and a touch or key given meanwhile begins the visit. Anything
changed, or a file that cannot be read, and the start goes the long way, which keeps the new
picture.

The picture is of the welcome screen before any visit: it holds nothing of a patient.

Not even Qt's ``Qt`` namespace is imported before the first frame: PySide6 makes all its
enum classes at once (12 ms). So the window is shown full screen without the kiosk window's
frameless and on-top flags, which matter only under a desktop's window manager (a kiosk has
none, or cage), and its lock (``kiosk.ui.lockdown``) and the application's style come once it
is painted.
"""

from __future__ import annotations

import enum
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.kept_welcome import KeptPicture, snapshot_file, write_kept

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtGui import QKeyEvent, QMouseEvent, QPaintEvent

    from kiosk.ui.lockdown import LockDown

_FIRST_PAINT_TIMEOUT_MS = 2000  # longer than any first paint (as kiosk.ui.early's)
_MADE_HERE = "clinic-kiosk-bare"  # a property of the application made bare here


class Answer(enum.Enum):
    """How a patient answered the welcome screen before the kiosk was ready."""

    TOUCH = "touch"
    KEY = "key"


class _PictureWindow(QWidget):
    """A window that shows one picture and tells its welcome of the first touch or key."""

    def __init__(self, picture: KeptPicture, welcome: SnapshotWelcome) -> None:
        super().__init__()
        self.picture: KeptPicture | None = picture
        # QImage does not copy the pixels: the picture keeps them alive.
        self.image = QImage(
            picture.pixels, picture.width, picture.height, 4 * picture.width,
            QImage.Format.Format_RGB32,
        )  # fmt: skip
        self.image.setDevicePixelRatio(picture.pixel_ratio)
        self._welcome = welcome
        self.painted = QEventLoop()

    def paintEvent(self, event: QPaintEvent) -> None:  # all of it, every time
        if self.picture is None:
            return
        painter = QPainter(self)
        painter.drawImage(0, 0, self.image)
        painter.end()
        if self.painted.isRunning():
            # Painted, and flushed to the display in the same step: the wait ends in the next
            # pass, after that.
            QTimer.singleShot(0, self.painted.quit)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # a touch, too
        event.accept()
        at = event.position()
        for code, (x, y, width, height) in self.picture.languages if self.picture else []:
            if x <= at.x() < x + width and y <= at.y() < y + height:
                self._welcome.touched(code)
                return
        self._welcome.touched(None)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # the lock keeps Escape and the like
        event.accept()
        self._welcome.answered(Answer.KEY)

    def forget(self) -> None:
        self.picture = None
        self.image = QImage()


class SnapshotWelcome:
    """The welcome screen's picture in a window of its own, until the kiosk's window replaces
    it: to the kiosk's start, as ``kiosk.ui.early.EarlyWelcome``."""

    def __init__(self, picture: KeptPicture) -> None:
        self.answer: Answer | None = None
        self.language: str | None = None  # a language button was touched: this one
        self.windowed = picture.windowed
        self.screen = _PictureWindow(picture, self)
        self.screen.setWindowTitle(picture.title)
        self.screen.setAccessibleName(picture.title)
        self.screen.setAccessibleDescription(picture.description)
        self._size = (
            round(picture.width / picture.pixel_ratio),
            round(picture.height / picture.pixel_ratio),
        )
        self._lockdown: LockDown | None = None

    def show(self) -> None:
        """Show it and return once it is painted; then lock it as the kiosk's windows are."""
        screen = self.screen
        if self.windowed:
            screen.resize(*self._size)
            screen.show()
        else:
            primary = QApplication.primaryScreen()
            if primary is not None:
                screen.setGeometry(primary.geometry())
            screen.showFullScreen()
        QTimer.singleShot(_FIRST_PAINT_TIMEOUT_MS, screen.painted.quit)
        screen.painted.exec()
        # What the kiosk's own windows need, now that the patient sees something.
        from kiosk.ui.lockdown import LockDown  # noqa: PLC0415 - the Qt namespace, 12 ms
        from kiosk.ui.qtapp import dress  # noqa: PLC0415 - the kiosk's modules

        app = QApplication.instance()
        if isinstance(app, QApplication) and app.property(_MADE_HERE):
            dress(app)
        self._lockdown = LockDown(screen, locked=not self.windowed)

    def touched(self, language: str | None) -> None:
        if self.answer is None:
            self.language = language
        self.answered(Answer.TOUCH)

    def answered(self, answer: Answer) -> None:
        if self.answer is None:
            self.answer = answer

    def hand_over(self, window: QWidget | None = None) -> Answer | None:
        """Take in what was given while the kiosk was built, then go; ``window`` (the kiosk's,
        already shown on top) takes the screen's place. Returns the patient's answer, if any."""
        QApplication.processEvents()  # touches and keys that arrived while building
        if self._lockdown is not None:
            self._lockdown.release()
        self.screen.forget()  # its pixels (8 MB at 1920x1080) go now
        self.screen.close()
        self.screen.deleteLater()
        if window is not None:
            window.activateWindow()
        return self.answer


def show_snapshot(picture: KeptPicture) -> tuple[SnapshotWelcome | None, str]:
    """Show ``picture`` (read back with a true stamp) if it is of this screen: the window,
    painted, and ""; or None and why not."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
        app.setApplicationName("clinic-kiosk")
        app.setProperty(_MADE_HERE, True)  # to be given the rest of the kiosk's settings
    if not picture.windowed:
        primary = QApplication.primaryScreen()
        ratio, size = 0.0, (0, 0)
        if primary is not None:
            ratio, geometry = primary.devicePixelRatio(), primary.geometry()
            size = (round(geometry.width() * ratio), round(geometry.height() * ratio))
        if size != (picture.width, picture.height) or ratio != picture.pixel_ratio:
            if app.property(_MADE_HERE):  # the long way goes on with this application
                from kiosk.ui.qtapp import dress  # noqa: PLC0415 - the kiosk's modules

                dress(app)
            return None, f"it is of another screen ({picture.width}x{picture.height})"
    welcome = SnapshotWelcome(picture)
    welcome.show()
    return welcome, ""


def keep_snapshot(
    screen: QWidget,
    argv: Sequence[str],
    stamp: Sequence[str],
    *,
    windowed: bool,
    title: str,
    languages: dict[str, QWidget],
) -> None:
    """Keep the picture of ``screen`` (the welcome screen, drawn, before any visit) for the
    next start, stamped with ``argv`` and the files' ``stamp`` (taken before it was drawn).
    ``languages`` are its language buttons by code. Raises OSError or ValueError."""
    image = screen.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    boxes = [
        (code, (at.x(), at.y(), button.width(), button.height()))
        for code, button in languages.items()
        if button.isVisible()
        for at in [button.mapTo(screen, button.rect().topLeft())]
    ]
    picture = KeptPicture(
        bytes(image.constBits()),
        (image.width(), image.height()),
        pixel_ratio=image.devicePixelRatio(),
        windowed=windowed,
        title=title,
        description=screen.accessibleName(),
        languages=boxes,
    )
    write_kept(snapshot_file(), picture, argv, stamp)

"""The screens between visits (welcome, out of order) and the cards shown over a page."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import (
    QAccessible,
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.ui.accessible import set_role
from kiosk.ui.buttons import BigButton, ButtonStyle
from kiosk.ui.lockdown import LockDown
from kiosk.ui.metrics import Metrics, TextRole
from kiosk.ui.scrolling import ScrollPage
from kiosk.ui.text import TextView

# Lines of the welcome and warning text stop at this many "em" wide, like the pages' text.
_READING_WIDTH_EM = 30


def _centred(text: str, role: TextRole, heading_level: int | None = None) -> TextView:
    return TextView(
        text, role, alignment=Qt.AlignmentFlag.AlignHCenter, heading_level=heading_level
    )


class _Screen(ScrollPage):
    """A whole-window screen, its column centred on it; it scrolls when it does not fit (a
    small screen at a large text size) rather than make the window taller than the screen."""

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(metrics, parent)
        self.setAutoFillBackground(True)
        self.column.setSpacing(metrics.gap_px * 4)
        self.column.addStretch(1)
        self.content.installEventFilter(self)

    def finish(self) -> None:
        self.column.addStretch(1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.content and event.type() in (
            QEvent.Type.FontChange,
            QEvent.Type.Resize,
        ):
            em = self.font().pixelSize()
            side = max(self.metrics.margin_px, (self.width() - _READING_WIDTH_EM * em) // 2)
            margin = self.metrics.margin_px
            if self.column.contentsMargins().left() != side:
                self.column.setContentsMargins(side, margin, side, margin)
        return super().eventFilter(watched, event)


class WelcomeScreen(_Screen):
    """What the kiosk shows between visits: the leaflet's title and an invitation to touch,
    and, on a kiosk with more than one language, a button for each of the others in its own
    words ("Español"), which starts the visit in that language.

    It is still and silent: no animation runs while nobody is there.

    Signals:
        touched: a patient touched the screen (or pressed a key); a visit begins.
        language_chosen(str): a language button was touched (the code); a visit begins in it.
    """

    touched = Signal()
    language_chosen = Signal(str)  # language code

    def __init__(
        self,
        title: str,
        invitation: str | None,
        metrics: Metrics,
        parent: QWidget | None = None,
        *,
        languages: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(metrics, parent)
        self.title_view = _centred("", TextRole.TITLE)
        # As large as the title, but what to do, not a heading.
        self.invitation_view = _centred("", TextRole.TITLE, heading_level=0)
        self.column.addWidget(self.title_view)
        self.column.addWidget(self.invitation_view)
        self.language_buttons: dict[str, BigButton] = {}
        if languages and len(languages) > 1:
            row = QHBoxLayout()
            row.setSpacing(metrics.gap_px * 4)
            row.addStretch(1)
            for code, name in languages.items():
                button = BigButton(name, metrics, ButtonStyle.SECONDARY)
                button.setAccessibleName(name)
                button.clicked.connect(lambda _=False, c=code: self.language_chosen.emit(c))
                self.language_buttons[code] = button
                row.addWidget(button)
            row.addStretch(1)
            self.column.addLayout(row)
        self.finish()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.show_leaflet(title, invitation)

    def show_leaflet(self, title: str, invitation: str | None, language: str = "") -> None:
        """The title and invitation of the leaflet in the language now installed; the other
        languages' buttons."""
        self.title_view.setText(title)
        self.invitation_view.setText(invitation or self.tr("Touch the screen to start"))
        self.setAccessibleName(self.invitation_view.text())
        for code, button in self.language_buttons.items():
            button.setVisible(code != language)
        self.retranslate()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()
        self.touched.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            event.accept()
            self.touched.emit()
            return
        super().keyPressEvent(event)


class _Overlay(QWidget):
    """A card in the middle of the dimmed page: it speaks to the patient over whatever is on
    screen, which stays faintly in view. The card scrolls if it must (a small screen at the
    largest text size), but its text takes the controls' size, which grows at half the rate,
    so that it rarely must."""

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metrics = metrics
        self.card = ScrollPage(metrics, self)
        self.card.setAutoFillBackground(True)
        column = self.card.column
        pad = metrics.gap_px * 2
        column.setContentsMargins(pad, pad, pad, pad)
        column.setSpacing(metrics.gap_px * 2)
        self.hide()

    def cover(self, window: QWidget) -> None:
        """Show over the whole of ``window``, above everything in it."""
        self.setGeometry(window.rect())
        self.raise_()
        self.show()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._place_card()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_card()

    def _place_card(self) -> None:
        em = self.font().pixelSize()
        width = min(self.width() - 2 * self.metrics.gap_px, _READING_WIDTH_EM * em)
        height = self.card.column.totalHeightForWidth(width)
        height = min(height, self.height() - 2 * self.metrics.gap_px)
        self.card.setGeometry(
            (self.width() - width) // 2, (self.height() - height) // 2, width, height
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 170))  # the page stays faintly in view


class IdlePanel(_Overlay):
    """ "Are you still here?" over the dimmed page, with the seconds left to answer.

    A touch anywhere answers it (the idle watch sees every touch); the panel only takes the
    touch so that it does not also press whatever lies beneath.
    """

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(metrics, parent)
        self.question_view = _centred("", TextRole.HEADING)
        self.countdown_view = _centred("", TextRole.LABEL)
        self.explanation_view = _centred("", TextRole.BODY)
        self.stay_button = BigButton("", metrics)
        column = self.card.column
        for widget in (self.question_view, self.countdown_view, self.explanation_view):
            column.addWidget(widget)
        column.addWidget(self.stay_button)
        # An alert named by its question: when the focus moves to the button in it, a screen
        # reader says "alert, Are you still here?", then every text in it (the seconds left
        # and what happens at zero), then the button (Orca 43, measured).
        set_role(self, QAccessible.Role.AlertMessage)
        self._seconds_left = 0
        self.retranslate()

    def retranslate(self) -> None:
        self.question_view.setText(self.tr("Are you still here?"))
        self.explanation_view.setText(
            self.tr("If not, the screen will clear your choices for the next patient.")
        )
        self.stay_button.set_label(self.tr("Yes, I'm still here"))
        self.setAccessibleName(self.question_view.text())
        self.card.retranslate()
        if self._seconds_left:
            self.show_seconds_left(self._seconds_left)

    def show_seconds_left(self, seconds: int) -> None:
        self._seconds_left = seconds
        self.countdown_view.setText(
            self.tr("Touch the screen or press a key within 1 second to keep reading.")
            if seconds == 1
            else self.tr(
                "Touch the screen or press a key within {0} seconds to keep reading."
            ).format(seconds)
        )
        self._place_card()

    def spoken_text(self) -> str:
        return " ".join(
            view.text() for view in (self.question_view, self.countdown_view, self.explanation_view)
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()  # answered by the idle watch; nothing beneath is pressed


class HelpPanel(_Overlay):
    """The keys' help on screen, as talking mode says it (for a patient who hears it poorly,
    or not at all): which key does what, and a button that closes it. A touch anywhere, or any
    key, closes it too.

    Signals:
        closed: the patient closed it.
    """

    closed = Signal()

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(metrics, parent)
        self.heading_view = TextView("", TextRole.HEADING)
        self.lines_view = TextView("", TextRole.BODY)
        self.close_button = BigButton("", metrics)
        self.close_button.clicked.connect(self.close_help)
        column = self.card.column
        for widget in (self.heading_view, self.lines_view, self.close_button):
            column.addWidget(widget)
        # As the idle warning: when the focus moves to Close help, a screen reader says "alert,
        # Using the keys", then the lines, then the button.
        set_role(self, QAccessible.Role.AlertMessage)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading_view.setText(self.tr("Using the keys"))
        self.close_button.set_label(self.tr("Close help"))
        self.setAccessibleName(self.heading_view.text())
        self.card.retranslate()

    def show_help(self, lines: list[str], window: QWidget) -> None:
        """Show ``lines`` over ``window``; the focus goes to Close help."""
        self.lines_view.setText("\n".join(lines))
        self.cover(window)
        self._place_card()
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_help(self) -> None:
        if self.isVisible():
            self.hide()
            self.closed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()  # nothing beneath is pressed
        self.close_help()


class OutOfOrderScreen(_Screen):
    """Shown when the kiosk cannot start: a plain notice for patients, the reason for staff."""

    def __init__(self, reason: str, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(metrics, parent)
        self.notice_view = _centred(self.tr("Sorry, this screen is out of order."), TextRole.TITLE)
        self.ask_view = _centred(
            self.tr("Please ask at the front desk."), TextRole.HEADING, heading_level=2
        )
        self.reason_view = TextView("", TextRole.BODY)
        for widget in (self.notice_view, self.ask_view, self.reason_view):
            self.column.addWidget(widget)
        self.finish()
        self.show_reason(reason)
        self._lockdown = LockDown(self)

    def show_reason(self, reason: str) -> None:
        self.reason_view.setText(
            self.tr(
                "For staff: {0}. The kiosk tries again every minute; "
                "kiosk doctor on this computer checks everything it needs."
            ).format(reason.rstrip("."))
        )

    def lock(self, locked: bool) -> None:
        """While locked (full screen), it cannot be closed or left, as the kiosk's window."""
        self._lockdown.locked = locked

    def close_for_good(self) -> None:
        self._lockdown.release()
        self.close()

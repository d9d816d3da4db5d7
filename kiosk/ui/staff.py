"""Staff mode's screens: the PIN pad, and the panel with the kiosk's state and staff actions."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.ui.buttons import BigButton, ButtonStyle
from kiosk.ui.metrics import Metrics, TextRole
from kiosk.ui.screens import _centred, _Screen
from kiosk.ui.scrolling import ScrollPage
from kiosk.ui.text import TextView

MAX_PIN_DIGITS = 12


class PinPad(_Screen):
    """A large on-screen PIN pad. The digits are shown as dots and never spoken or logged.

    Signals:
        pin_entered(str): OK was pressed with these digits.
        cancelled: staff (or a curious patient) went back without a PIN.
    """

    pin_entered = Signal(str)  # the digits
    cancelled = Signal()

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(metrics, parent)
        self._digits = ""
        self.title_view = _centred("", TextRole.TITLE)
        self.message_view = _centred("", TextRole.BODY)
        # Title-sized so the dots are easy to count; what they stand for is no heading.
        self.dots_view = TextView(
            " ", TextRole.TITLE, alignment=Qt.AlignmentFlag.AlignHCenter, heading_level=0
        )
        for widget in (self.title_view, self.message_view, self.dots_view):
            self.column.addWidget(widget)
        self.digit_buttons: dict[str, BigButton] = {}
        self.clear_button = BigButton("", metrics, ButtonStyle.SECONDARY)
        self.ok_button = BigButton("", metrics)
        rows = [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"], ["clear", "0", "ok"]]
        for keys in rows:
            row = QHBoxLayout()
            row.setSpacing(metrics.gap_px * 3)
            for key in keys:
                if key == "clear":
                    button = self.clear_button
                elif key == "ok":
                    button = self.ok_button
                else:
                    button = BigButton(key, metrics, ButtonStyle.SECONDARY)
                    button.clicked.connect(lambda _=False, digit=key: self.add_digit(digit))
                    self.digit_buttons[key] = button
                row.addWidget(button, 1)
            self.column.addLayout(row)
        self.cancel_button = BigButton("", metrics)
        self.column.addWidget(self.cancel_button)
        self.finish()
        self.clear_button.clicked.connect(self.clear)
        self.ok_button.clicked.connect(self._on_ok_clicked)
        self.cancel_button.clicked.connect(self.cancelled.emit)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.title_view.setText(self.tr("Staff only"))
        self.message_view.setText(self.tr("Enter the staff PIN."))
        self.clear_button.set_label(self.tr("Clear"))
        self.ok_button.set_label(self.tr("OK"))
        self.cancel_button.set_label(self.tr("‹ Back to the leaflet"))

    def add_digit(self, digit: str) -> None:
        if len(self._digits) < MAX_PIN_DIGITS:
            self._digits += digit
            self._show_dots()

    def clear(self) -> None:
        self._digits = ""
        self._show_dots()

    def set_message(self, text: str) -> None:
        self.message_view.setText(text)

    def _show_dots(self) -> None:
        self.dots_view.setText(" ".join("●" * len(self._digits)) or " ")

    def _on_ok_clicked(self) -> None:
        digits, self._digits = self._digits, ""
        self._show_dots()
        self.pin_entered.emit(digits)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit() and text.isascii():
            self.add_digit(text)
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_ok_clicked()
        elif event.key() == Qt.Key.Key_Backspace:
            self.clear()
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class StaffPanel(ScrollPage):
    """What staff see after the PIN: the kiosk's state, its recent log, and their actions.

    Signals:
        test_print_requested: print a handout of every question on the kiosk's printer.
        test_sentence_requested: say a sentence with the kiosk's voice.
        reload_requested: read the leaflet again from its files.
        quit_requested: end the kiosk program.
        closed: staff went back to the patient screens.
    """

    test_print_requested = Signal()
    test_sentence_requested = Signal()
    reload_requested = Signal()
    quit_requested = Signal()
    closed = Signal()

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(metrics, parent)
        margin = metrics.margin_px
        self.column.setContentsMargins(margin, margin, margin, margin)
        self.column.setSpacing(metrics.gap_px * 3)
        self.title_view = TextView("", TextRole.TITLE)
        self.result_view = TextView("", TextRole.LABEL)
        self.printer_view = TextView("", TextRole.BODY)
        self.speech_view = TextView("", TextRole.BODY)
        self.config_view = TextView("", TextRole.BODY)
        self.leaflets_view = TextView("", TextRole.BODY)  # a kiosk of several leaflets only
        self.close_button = BigButton("", metrics)
        self.print_button = BigButton("", metrics)
        self.voice_button = BigButton("", metrics)
        self.reload_button = BigButton("", metrics)
        self.quit_button = BigButton("", metrics, ButtonStyle.SECONDARY)
        self.log_heading = TextView("", TextRole.HEADING, heading_level=2)
        self.log_view = TextView("", TextRole.BODY)
        self.column.addWidget(self.title_view)
        self.column.addWidget(self.close_button)
        views = (self.printer_view, self.speech_view, self.config_view, self.leaflets_view)
        for widget in (self.result_view, *views):
            self.column.addWidget(widget)
        actions = QHBoxLayout()
        actions.setSpacing(metrics.gap_px * 3)
        for button in (self.print_button, self.voice_button, self.reload_button):
            actions.addWidget(button, 1)
        self.column.addLayout(actions)
        self.column.addWidget(self.quit_button)
        self.column.addWidget(self.log_heading)
        self.column.addWidget(self.log_view)
        self.column.addStretch(1)
        self.close_button.clicked.connect(self.closed.emit)
        self.print_button.clicked.connect(self.test_print_requested.emit)
        self.voice_button.clicked.connect(self.test_sentence_requested.emit)
        self.reload_button.clicked.connect(self.reload_requested.emit)
        self.quit_button.clicked.connect(self.quit_requested.emit)
        self.show_result("")
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.title_view.setText(self.tr("Staff"))
        self.close_button.set_label(self.tr("‹ Back to the leaflet"))
        self.print_button.set_label(self.tr("Print a test page"))
        self.voice_button.set_label(self.tr("Hear a test sentence"))
        self.reload_button.set_label(self.tr("Reload the leaflet"))
        self.quit_button.set_label(self.tr("Quit the kiosk"))
        self.log_heading.setText(self.tr("Recent log"))

    def show_status(
        self, printer: str, speech: str, problems: list[str], leaflets: str = ""
    ) -> None:
        """``leaflets``: the topic menu's leaflets and any left out, one a line ("" for a kiosk
        of one leaflet, which says nothing of it)."""
        self.leaflets_view.setText(leaflets)
        self.leaflets_view.setVisible(bool(leaflets))
        self.printer_view.setText(self.tr("Printer: {0}").format(printer))
        self.speech_view.setText(self.tr("Reading aloud: {0}").format(speech))
        self.config_view.setText(
            self.tr("Configuration: no problems.")
            if not problems
            else self.tr("Configuration problems:\n{0}").format("\n".join(problems))
        )

    def show_log(self, lines: list[str]) -> None:
        self.log_view.setText("\n".join(lines) or self.tr("(nothing logged yet)"))

    def show_result(self, text: str) -> None:
        """The outcome of the last action; hidden when there is none."""
        self.result_view.setText(text)
        self.result_view.setVisible(bool(text))

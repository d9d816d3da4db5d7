"""The print service: one tap turns the ticked questions into a handout on paper, told plainly."""

from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import date, datetime
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtPrintSupport import QPrinterInfo

from kiosk.config import Config
from kiosk.content import Leaflet
from kiosk.printing import cups
from kiosk.printing.cups import JOB_TITLE
from kiosk.printing.handout import Handout, Paper, handout_for, render_pdf
from kiosk.printing.native import NativePrintError, print_natively

log = logging.getLogger("kiosk.printing")


_PAPERS = {
    "letter": Paper.LETTER,
    "a4": Paper.A4,
    "roll80": Paper.ROLL_80MM,
    "roll58": Paper.ROLL_58MM,
}


def choose_paper(setting: str, printer: str | None, language: str) -> Paper:
    """The configured paper, or (``auto``) the printer's default media: rolls by their width."""
    if setting in _PAPERS:
        return _PAPERS[setting]
    width = cups.printer_media_width_mm(printer) if printer else None
    if width is None:
        return Paper.LETTER if language == "en" else Paper.A4
    if width < 70:
        return Paper.ROLL_58MM
    if width < 120:
        return Paper.ROLL_80MM
    return Paper.LETTER if width > 212 else Paper.A4


def save_pdf(handout: Handout, folder: Path) -> Path:
    """Write the handout into ``folder`` as a dated PDF (when there is no printer at all)."""
    path = folder / f"handout-{datetime.now():%Y%m%d-%H%M%S-%f}.pdf"
    folder.mkdir(parents=True, exist_ok=True)
    render_pdf(handout, choose_paper("auto", None, handout.language), path)
    return path


class PrintState(Enum):
    IDLE = "idle"
    PRINTING = "printing"
    PRINTED = "printed"
    SAVED = "saved"  # no printer at all: the handout went to the PDF folder
    FAILED = "failed"


class _SubmitWorker(QObject):
    """Hands the PDF to CUPS and follows the job to its end, off the GUI thread.

    Signals:
        accepted(int, str): generation, CUPS job id, as soon as CUPS took the job.
        finished(int, object): generation, the job's cups.PrintOutcome.
    """

    accepted = Signal(int, str)  # generation, job id
    finished = Signal(int, object)  # generation, PrintOutcome

    @Slot(int, str, str, float)
    def submit(self, generation: int, pdf: str, printer: str, timeout_s: float) -> None:
        try:
            outcome = cups.submit(
                Path(pdf),
                printer,
                JOB_TITLE,
                timeout_s=timeout_s,
                on_accepted=lambda job: self.accepted.emit(generation, job),
            )
        finally:
            # The patient's questions do not stay on disk: the folder was made for this job.
            shutil.rmtree(Path(pdf).parent, ignore_errors=True)
        self.finished.emit(generation, outcome)


class PrintService(QObject):
    """Prints a visit's ticked questions once per tap and says how it went.

    Signals:
        state_changed(object, str): the PrintState and the message for the patient.
        job_accepted(str): CUPS accepted the job (its id), for staff tools and benchmarks.
    """

    state_changed = Signal(object, str)  # PrintState, patient message
    job_accepted = Signal(str)  # job id

    _submit_requested = Signal(int, str, str, float)  # generation, pdf, printer, timeout

    def __init__(self, config: Config, leaflet: Leaflet, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._config = config
        self._leaflet = leaflet
        self._state = PrintState.IDLE
        self._generation = 0
        # The thread starts with the first print, so a kiosk that never prints has none.
        self._thread = QThread(self)
        self._thread.setObjectName("printing")
        self._worker = _SubmitWorker()
        self._worker.moveToThread(self._thread)
        self._submit_requested.connect(self._worker.submit)
        self._worker.accepted.connect(self._on_accepted)
        self._worker.finished.connect(self._on_finished)

    @property
    def state(self) -> PrintState:
        return self._state

    def messages(self) -> dict[PrintState, str]:
        printed = self._config.printed_message or self.tr(
            "Your questions have printed. Please collect them from the printer."
        )
        return {
            PrintState.IDLE: "",
            PrintState.PRINTING: self.tr("Printing your questions…"),
            PrintState.PRINTED: printed,
            PrintState.SAVED: self.tr(
                "Your questions are saved. Please ask at the front desk for a printed copy."
            ),
            PrintState.FAILED: self.tr(
                "The printer is not working right now. Please ask at the front desk."
            ),
        }

    def print_questions(self, ticked: frozenset[int], today: date | None = None) -> None:
        """Print a handout of ``ticked``; a tap while a job runs does nothing (never twice)."""
        if self._state is PrintState.PRINTING or not ticked:
            return
        self._set_state(PrintState.PRINTING)
        handout = self.handout(ticked, today or date.today())
        wanted = self._config.printer or None
        if not cups.AVAILABLE:
            self._print_natively(handout, wanted)
            return
        fault, staff_message, printer = cups.check_printer(wanted)
        if fault is cups.PrintFault.NO_PRINTER and wanted is None:
            self._save_pdf(handout)
            return
        if fault is not None or printer is None:
            log.warning("print failed before sending: %s", staff_message)
            self._set_state(PrintState.FAILED)
            return
        folder = Path(tempfile.mkdtemp(prefix="kiosk-print-"))
        pdf = folder / "handout.pdf"
        try:
            render_pdf(handout, self._paper(printer), pdf)
        except OSError as error:
            log.warning("cannot write the handout for %s: %s", printer, error)
            shutil.rmtree(folder, ignore_errors=True)  # nothing of the visit stays behind
            self._set_state(PrintState.FAILED)
            return
        self._generation += 1
        if not self._thread.isRunning():
            self._thread.start()
        self._submit_requested.emit(
            self._generation, str(pdf), printer, float(self._config.print_timeout_s)
        )

    def handout(self, ticked: frozenset[int], today: date) -> Handout:
        return handout_for(
            self._leaflet,
            ticked,
            clinic_name=self._config.clinic_name,
            today=today,
            own_questions_label=self.tr("My own questions:"),
            date_label=self.tr("Date: {0}"),
            source_label=self.tr("Source: {0}"),
        )

    def reset(self) -> None:
        """The ticks changed: forget how the last print went (a job under way still shows)."""
        if self._state is not PrintState.PRINTING:
            self._set_state(PrintState.IDLE)

    def end_visit(self) -> None:
        """The visit ended: forget its printing. A job under way still prints, and the log
        says how it ended, but the next patient is never told about it."""
        if self._state is PrintState.PRINTING:
            self._generation += 1
        self._set_state(PrintState.IDLE)

    def shutdown(self) -> None:
        """Let a job under way reach its end (it is cancelled at its time limit), then stop."""
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait(int(self._config.print_timeout_s * 1000) + 5000)

    def _paper(self, printer: str) -> Paper:
        return choose_paper(self._config.paper, printer, self._leaflet.language)

    def _save_pdf(self, handout: Handout) -> None:
        try:
            path = save_pdf(handout, self._config.pdf_folder)
        except OSError as error:
            log.warning(
                "no printer, and the handout cannot be saved in %s: %s",
                self._config.pdf_folder,
                error,
            )
            self._set_state(PrintState.FAILED)
            return
        log.warning("no printer and no default printer: handout saved as %s", path)
        self._set_state(PrintState.SAVED)

    def _print_natively(self, handout: Handout, wanted: str | None) -> None:
        """No CUPS here (Windows): hand the handout to the printer through QPrinter."""
        if wanted is None and not QPrinterInfo.defaultPrinterName():
            self._save_pdf(handout)
            return
        paper = choose_paper(self._config.paper, None, self._leaflet.language)
        try:
            log.info("%s", print_natively(handout, paper, wanted, JOB_TITLE))
        except (NativePrintError, OSError) as error:
            log.warning("print failed: %s", error)
            self._set_state(PrintState.FAILED)
            return
        self._set_state(PrintState.PRINTED)

    def _on_accepted(self, generation: int, job: str) -> None:
        log.info("print job %s accepted", job)
        if generation == self._generation:
            self.job_accepted.emit(job)

    def _on_finished(self, generation: int, outcome: object) -> None:
        if not isinstance(outcome, cups.PrintOutcome):
            return
        if outcome.fault is None:
            log.info("print job %s completed", outcome.job_id)
        else:
            log.warning("print failed (%s): %s", outcome.fault.name, outcome.staff_message)
        if generation == self._generation:  # not a job of a visit that has ended
            self._set_state(PrintState.PRINTED if outcome.fault is None else PrintState.FAILED)

    def _set_state(self, state: PrintState) -> None:
        self._state = state
        self.state_changed.emit(state, self.messages()[state])

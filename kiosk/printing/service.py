"""The print service: one tap turns the ticked questions into a handout on paper, told plainly."""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from kiosk.config import Config
from kiosk.content import ContentError, Leaflet, languages
from kiosk.content.library import Library
from kiosk.printing import cups, jobs
from kiosk.printing.cups import JOB_TITLE
from kiosk.printing.paper import Paper
from kiosk.session import ONLY_LEAFLET

if TYPE_CHECKING:
    # The handout's layout (its QR code, PDF writer, Qt Print Support) is loaded at the first
    # print, not with the kiosk: about 3 MB that a kiosk between prints does not need.
    from kiosk.printing.handout import Handout

log = logging.getLogger("kiosk.printing")

# What a visit ticked: the numbers in a kiosk's one leaflet, or each leaflet's by its id in the
# kiosk's order (Visit.ticked_by_leaflet), ONLY_LEAFLET ("") naming a kiosk's one leaflet.
Ticked = frozenset[int] | Mapping[str, frozenset[int]]

_PAPERS = {
    "letter": Paper.LETTER,
    "a4": Paper.A4,
    "roll80": Paper.ROLL_80MM,
    "roll58": Paper.ROLL_58MM,
}


def clinic_paper(config: Config) -> Paper:
    """The sheet the clinic prints on when the printer does not say: the one its default
    language's file names (``paper`` in ``resources/languages/<code>.toml``). Never the
    visit's language: a patient who switches to Spanish in an American clinic gets Letter."""
    return _PAPERS[languages.language(config.language).paper]


def choose_paper(setting: str, printer: str | None, fallback: Paper) -> Paper:
    """The configured paper, or (``auto``) the printer's default media: rolls by their width;
    ``fallback`` (``clinic_paper``) when the printer does not say."""
    if setting in _PAPERS:
        return _PAPERS[setting]
    width = cups.printer_media_width_mm(printer) if printer else None
    if width is None:
        return fallback
    if width < 70:
        return Paper.ROLL_58MM
    if width < 120:
        return Paper.ROLL_80MM
    return Paper.LETTER if width > 212 else Paper.A4


def save_pdf(handout: Handout, folder: Path, keep_hours: float, paper: Paper) -> Path:
    """Write the handout into ``folder`` on ``paper`` as a dated PDF (when there is no printer
    at all), readable by the kiosk's user alone; saved handouts older than ``keep_hours`` go."""
    from kiosk.printing.handout import render_pdf  # noqa: PLC0415 - at the first print

    path = folder / f"handout-{datetime.now():%Y%m%d-%H%M%S-%f}.pdf"
    jobs.prepare_pdf_folder(folder)
    jobs.delete_expired_pdfs(folder, keep_hours)
    render_pdf(handout, paper, path)
    jobs.make_file_private(path)
    return path


class PrintState(Enum):
    IDLE = "idle"
    PRINTING = "printing"
    PRINTED = "printed"
    SAVED = "saved"  # no printer at all: the handout went to the PDF folder
    FAILED = "failed"


class _SubmitWorker(QObject):
    """Hands the PDF to CUPS and follows the job to its end, off the GUI thread; keeps the id
    of every job CUPS has not confirmed as over in the ledger, and cancels those it gave up on
    as soon as CUPS answers.

    Signals:
        accepted(int, str): generation, CUPS job id, as soon as CUPS took the job.
        finished(int, object): generation, the job's cups.PrintOutcome.
        settled(bool): whether jobs are still owed a cancel (CUPS did not answer).
    """

    accepted = Signal(int, str)  # generation, job id
    finished = Signal(int, object)  # generation, PrintOutcome
    settled = Signal(bool)  # jobs still owed a cancel

    def __init__(self, ledger: jobs.JobLedger) -> None:
        super().__init__()
        self.ledger = ledger

    @Slot(int, str, str, float, object)
    def submit(
        self, generation: int, pdf: str, printer: str, timeout_s: float, withdraw: object
    ) -> None:
        """``withdraw`` is the job's threading.Event: set from the GUI thread, it cancels the
        job (the visit ended, or the kiosk is stopping)."""
        assert isinstance(withdraw, threading.Event)
        folder = Path(pdf).parent

        def on_accepted(job_id: str) -> None:
            self.ledger.add(job_id)
            # CUPS holds its own copy now: the patient's questions leave this machine's disk.
            shutil.rmtree(folder, ignore_errors=True)
            self.accepted.emit(generation, job_id)

        try:
            if withdraw.is_set():
                log.info("print withdrawn before it was sent: the visit ended or the kiosk stopped")
                return
            outcome = cups.submit(
                Path(pdf),
                printer,
                JOB_TITLE,
                timeout_s=timeout_s,
                on_accepted=on_accepted,
                withdraw=withdraw,
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if outcome.job_id is not None and outcome.ended:
            self.ledger.discard(outcome.job_id)
        self.finished.emit(generation, outcome)
        self.settled.emit(bool(self.ledger.ids()))

    @Slot()
    def settle(self) -> None:
        """Cancels the jobs still owed a cancel."""
        self.settled.emit(bool(self.ledger.settle()))


class PrintService(QObject):
    """Prints a visit's ticked questions once per tap, in the visit's language, and says how
    it went.

    Its words (the messages, the handout's labels) are ``self.tr`` strings looked up each time
    they are used, so they follow the catalog installed now (``kiosk.catalogs.use_language``).

    Signals:
        state_changed(object, str): the PrintState and the message for the patient.
        job_accepted(str): CUPS accepted the job (its id), for staff tools and benchmarks.
    """

    state_changed = Signal(object, str)  # PrintState, patient message
    job_accepted = Signal(str)  # job id

    # generation, pdf, printer, timeout, the job's withdraw event
    _submit_requested = Signal(int, str, str, float, object)
    _settle_requested = Signal()

    # How often saved handouts past pdf_keep_hours are looked for while the kiosk runs.
    EXPIRY_CHECK_MS = 15 * 60 * 1000
    # While a job is owed a cancel because CUPS was down: a cupsd that comes back sends its
    # jobs at once, so it is asked again often, at about 15 ms of ipptool each time.
    SETTLE_RETRY_MS = 1000
    # How long stopping the kiosk waits for the job under way to be cancelled: within the 3 s
    # the kiosk promises, well inside systemd's TimeoutStopSec=10.
    STOP_WAIT_MS = 2500

    def __init__(
        self,
        config: Config,
        leaflets: Mapping[str, Leaflet],
        parent: QObject | None = None,
        ledger: jobs.JobLedger | None = None,
        library: Library | None = None,
    ) -> None:
        """``leaflets``: the pack's leaflet in each language the kiosk offers, by code. They
        match question by question, so a tick's number is the same question in each.
        ``library``: a kiosk of several leaflets', where the ticks of each leaflet (by id) are
        printed from."""
        super().__init__(parent)
        if not leaflets:
            raise ValueError("the print service needs the leaflet in at least one language")
        self._config = config
        self._leaflets = dict(leaflets)
        self._library = library
        self._language = config.language  # of the words shown now
        self._state = PrintState.IDLE
        self._generation = 0
        self._withdraw: threading.Event | None = None  # the job under way's
        self._stopping = False
        # The thread starts with the first print, so a kiosk that never prints has none.
        self._thread = QThread(self)
        self._thread.setObjectName("printing")
        self._worker = _SubmitWorker(ledger or jobs.JobLedger.default())
        self._worker.moveToThread(self._thread)
        self._submit_requested.connect(self._worker.submit)
        self._settle_requested.connect(self._worker.settle)
        self._worker.accepted.connect(self._on_accepted)
        self._worker.finished.connect(self._on_finished)
        self._worker.settled.connect(self._on_settled)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(self.SETTLE_RETRY_MS)
        self._retry.timeout.connect(self._settle_requested)
        self._expiry = QTimer(self)
        self._expiry.setInterval(self.EXPIRY_CHECK_MS)
        self._expiry.timeout.connect(self._delete_expired_pdfs)

    def start(self) -> None:
        """Clears up after an earlier run of the kiosk: cancels the jobs it left unfinished,
        removes the handout files it left behind and the saved handouts past their time."""
        jobs.sweep_job_folders()
        self._delete_expired_pdfs()
        self._expiry.start()
        if self._worker.ledger.ids():
            self._thread.start()
            self._settle_requested.emit()

    @property
    def state(self) -> PrintState:
        return self._state

    def messages(self) -> dict[PrintState, str]:
        # The clinic's own wording is in its default language; a patient reading another
        # one gets the kiosk's words in it.
        own = self._config.printed_message if self._language == self._config.language else ""
        printed = own or self.tr(
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

    def restate(self, language: str | None = None) -> None:
        """Emit ``state_changed`` again with the current state's message, in ``language``
        (its catalog installed now): after a switch of language, the message shown follows."""
        self._language = language or self._config.language
        self._set_state(self._state)

    def print_questions(
        self, ticked: Ticked, language: str | None = None, today: date | None = None
    ) -> None:
        """Print one handout of ``ticked`` (see ``handout``) in ``language`` (None: the
        clinic's default language, as for the staff test page); a tap while a job runs does
        nothing (never twice)."""
        if self._state is PrintState.PRINTING or not _any_ticked(ticked):
            return
        self._language = language or self._config.language
        self._set_state(PrintState.PRINTING)
        try:
            handout = self.handout(ticked, today or date.today(), language)
        except ValueError as error:  # the leaflets ticked in could not be read again
            log.warning("print failed: no handout can be made: %s", error)
            self._set_state(PrintState.FAILED)
            return
        self._print(handout)

    def _print(self, handout: Handout) -> None:
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
        try:
            folder = jobs.job_folder()
        except OSError as error:
            log.warning("cannot make a private folder for the handout: %s", error)
            self._set_state(PrintState.FAILED)
            return
        pdf = folder / "handout.pdf"
        from kiosk.printing.handout import render_pdf  # noqa: PLC0415 - at the first print

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
        self._withdraw = threading.Event()
        self._submit_requested.emit(
            self._generation,
            str(pdf),
            printer,
            float(self._config.print_timeout_s),
            self._withdraw,
        )

    def handout(self, ticked: Ticked, today: date, language: str | None = None) -> Handout:
        """The handout of ``ticked`` in ``language`` (None: the clinic's default), its labels
        in the catalog installed now: of the one leaflet's numbers, or with a part for each
        leaflet (by id, in the order given) with any ticked, each leaflet in ``language`` or,
        lacking it, in its own default language. ``ValueError`` if none can be made."""
        from kiosk.printing.handout import HandoutWords, handout_of_parts  # noqa: PLC0415

        if isinstance(ticked, Mapping) and set(ticked) <= {ONLY_LEAFLET}:
            # A kiosk of one leaflet: its handout exactly as it always was.
            ticked = ticked.get(ONLY_LEAFLET, frozenset())
        if isinstance(ticked, Mapping):
            parts = [
                (leaflet, numbers)
                for leaflet_id, numbers in ticked.items()
                if numbers and (leaflet := self._leaflet_of(leaflet_id, language)) is not None
            ]
            words_in: str | None = language or self._config.language
        else:
            parts = [(self._leaflet(language), ticked)]
            words_in = None  # the leaflet's, as it always was
        return handout_of_parts(
            parts,
            language=words_in,
            clinic_name=self._config.clinic_name,
            today=today,
            own_questions_label=self.tr("My own questions:"),
            date_label=self.tr("Printed on {0}"),
            source_label=self.tr("Source: {0}"),
            page_label=self.tr("Page {0} of {1}"),
            publisher_label=self.tr("Published by {0}"),
            qr_label=self.tr("Scan with your phone's camera to read the whole leaflet"),
            clinic_phone=self._config.clinic_phone,
            roll_answer_lines=self._config.roll_answer_lines,
            words=HandoutWords(
                bring=self.tr("Bring this to your appointment."),
                write=self.tr("Write the answers on the lines."),
                name=self.tr("Name:"),
                appointment=self.tr("Appointment date:"),
                doctor=self.tr("Doctor:"),
                phone_label=self.tr("Clinic phone: {0}"),
            ),
        )

    def _leaflet(self, language: str | None) -> Leaflet:
        """The leaflet in ``language``; the clinic's default language's (or the first) for
        None, and, with a warning, for a language there is no leaflet in."""
        default = self._leaflets.get(self._config.language) or next(iter(self._leaflets.values()))
        if language is None:
            return default
        leaflet = self._leaflets.get(language)
        if leaflet is None:
            log.warning(
                "no leaflet in %r to print (there is one in %s): printing the %r one",
                language,
                ", ".join(self._leaflets),
                default.language,
            )
            return default
        return leaflet

    def _leaflet_of(self, leaflet_id: str, language: str | None) -> Leaflet | None:
        """The library's leaflet ``leaflet_id`` in ``language`` (None: the clinic's default),
        or in its own default language if it has none in that one (the log says so); None,
        with a warning, if it cannot be read (its ticks are left off the handout)."""
        if leaflet_id == ONLY_LEAFLET:
            return self._leaflet(language)
        if self._library is None or leaflet_id not in self._library:
            log.warning(
                "no leaflet %r to print from: its ticked questions are left out", leaflet_id
            )
            return None
        entry = self._library[leaflet_id]
        code = language or self._config.language
        if not entry.has_language(code):
            log.info(
                "leaflet %r has no %r version: its part of the handout is printed in %r",
                leaflet_id,
                code,
                entry.default_language,
            )
            code = entry.default_language
        for tried in dict.fromkeys((code, entry.default_language)):
            try:
                return entry.leaflet(tried)
            except ContentError as error:
                log.warning("leaflet %r in %r cannot be printed: %s", leaflet_id, tried, error)
        log.warning("leaflet %r: its ticked questions are left out of the handout", leaflet_id)
        return None

    def reset(self) -> None:
        """The ticks changed: forget how the last print went (a job under way still shows)."""
        if self._state is not PrintState.PRINTING:
            self._set_state(PrintState.IDLE)

    def end_visit(self) -> None:
        """The visit ended: a job still under way is cancelled, so the patient's questions
        never print for the next one, and the log says how it ended; the next patient is never
        told about it."""
        if self._state is PrintState.PRINTING:
            self._generation += 1
            self._withdraw_job()
        self._set_state(PrintState.IDLE)

    def shutdown(self) -> None:
        """Cancels a job under way and stops, within STOP_WAIT_MS; a job CUPS could not be
        asked to cancel stays in the ledger for the next start."""
        self._expiry.stop()
        self._retry.stop()
        self._stopping = True
        self._withdraw_job()
        if self._thread.isRunning():
            self._thread.quit()
            if not self._thread.wait(self.STOP_WAIT_MS):
                log.warning("the print thread did not stop in time: CUPS is slow to answer")
                self._thread.wait()

    def _withdraw_job(self) -> None:
        if self._withdraw is not None:
            self._withdraw.set()
            self._withdraw = None

    def _on_settled(self, owed: bool) -> None:
        if owed and not self._stopping:
            self._retry.start()

    def _delete_expired_pdfs(self) -> None:
        jobs.delete_expired_pdfs(self._config.pdf_folder, self._config.pdf_keep_hours)

    def _paper(self, printer: str) -> Paper:
        return choose_paper(self._config.paper, printer, clinic_paper(self._config))

    def _save_pdf(self, handout: Handout) -> None:
        try:
            path = save_pdf(
                handout,
                self._config.pdf_folder,
                self._config.pdf_keep_hours,
                clinic_paper(self._config),
            )
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
        from PySide6.QtPrintSupport import QPrinterInfo  # noqa: PLC0415 - at the first print

        from kiosk.printing.native import NativePrintError, print_natively  # noqa: PLC0415

        if wanted is None and not QPrinterInfo.defaultPrinterName():
            self._save_pdf(handout)
            return
        paper = choose_paper(self._config.paper, None, clinic_paper(self._config))
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
        if outcome.file_kept:
            log.warning(
                "CUPS keeps a copy of each handout after printing (job %s), where a restart of "
                "the job prints it again: set PreserveJobFiles No in cupsd.conf",
                outcome.job_id,
            )
        if generation == self._generation:  # not a job of a visit that has ended
            self._set_state(PrintState.PRINTED if outcome.fault is None else PrintState.FAILED)

    def _set_state(self, state: PrintState) -> None:
        self._state = state
        self.state_changed.emit(state, self.messages()[state])


def _any_ticked(ticked: Ticked) -> bool:
    if isinstance(ticked, Mapping):
        return any(ticked.values())
    return bool(ticked)

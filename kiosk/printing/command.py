"""`kiosk print`: a handout without the screens, as a test page for staff and for tests."""

from __future__ import annotations

import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from kiosk.catalogs import use_language
from kiosk.config import Config
from kiosk.content import ContentError, Leaflet, load_leaflet
from kiosk.printing import cups, jobs
from kiosk.printing.cups import JOB_TITLE
from kiosk.printing.handout import Handout, render_pdf
from kiosk.printing.service import PrintService, choose_paper, clinic_paper, save_pdf


def print_from_command_line(
    config: Config, questions: list[int], printer: str | None, pdf: Path | None
) -> int:
    """Print (or write) a handout of ``questions`` in the clinic's default language (its
    leaflet and the kiosk's words); say what happened; return the exit status."""
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # fonts need it
    del app
    use_language(config.language)  # the handout's labels
    try:
        leaflet = load_leaflet(config.content_pack, config.language)
        handout = _handout(config, leaflet, questions)
        if pdf is not None:
            render_pdf(handout, choose_paper(config.paper, None, clinic_paper(config)), pdf)
            print(f"{pdf}: handout written")
            return 0
        print(_print_on_printer(config, handout, printer or config.printer or None))
    except OSError as error:
        failed = Path(error.filename) if error.filename else None
        folder = config.pdf_folder
        # The folder itself, a file in it, or a folder above it that could not be made.
        if (
            pdf is None
            and failed is not None
            and (failed == folder or folder in failed.parents or failed in folder.parents)
        ):
            return _fail(
                f"pdf_folder {folder} cannot be written ({error.strerror or error}), so the "
                "handout was not saved; set pdf_folder to a folder this user can write"
            )
        return _fail(f"{error.filename or ''} {error.strerror or error}".strip())
    except (ContentError, ValueError, _PrintFailedError) as error:
        return _fail(str(error))
    return 0


class _PrintFailedError(Exception):
    """The printer did not print; the message is the staff log line."""


def _print_on_printer(config: Config, handout: Handout, wanted: str | None) -> str:
    fault, message, resolved = cups.check_printer(wanted)
    if fault is cups.PrintFault.NO_PRINTER and wanted is None:
        saved = save_pdf(handout, config.pdf_folder, config.pdf_keep_hours, clinic_paper(config))
        return f"no printer is set up: handout saved as {saved}"
    if fault is not None or resolved is None:
        raise _PrintFailedError(message)
    # Like the kiosk: what an earlier run left behind goes first, and this job is in the
    # ledger from the moment CUPS has it until CUPS says it is over.
    ledger = jobs.JobLedger.default()
    jobs.sweep_job_folders()
    ledger.settle()
    folder = jobs.job_folder()

    def on_accepted(job_id: str) -> None:
        ledger.add(job_id)
        shutil.rmtree(folder, ignore_errors=True)  # CUPS has its own copy now

    try:
        path = folder / "handout.pdf"
        render_pdf(handout, choose_paper(config.paper, resolved, clinic_paper(config)), path)
        outcome = _submit_until_signalled(
            lambda withdraw: cups.submit(
                path,
                resolved,
                JOB_TITLE,
                timeout_s=config.print_timeout_s,
                on_accepted=on_accepted,
                withdraw=withdraw,
            )
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if outcome.job_id is not None and outcome.ended:
        ledger.discard(outcome.job_id)
    if outcome.fault is not None:
        raise _PrintFailedError(outcome.staff_message)
    return f"job {outcome.job_id} printed on {resolved}"


def _submit_until_signalled(
    submit: Callable[[threading.Event], cups.PrintOutcome],
) -> cups.PrintOutcome:
    """Runs ``submit`` on a thread of its own, so that SIGTERM and SIGINT, which Python handles
    on the main thread, can withdraw the job under way: it is cancelled and the command ends at
    once rather than at its time limit. (Setting the event from a handler on the thread that
    waits on it could deadlock on the event's own lock.)"""
    withdraw = threading.Event()
    ended: list[cups.PrintOutcome | BaseException] = []

    def run() -> None:
        try:
            ended.append(submit(withdraw))
        except BaseException as error:
            ended.append(error)

    worker = threading.Thread(target=run, name="print")
    with _signals_set(withdraw):
        worker.start()
        while worker.is_alive():
            worker.join(0.1)
    if isinstance(ended[0], BaseException):
        raise ended[0]
    return ended[0]


@contextmanager
def _signals_set(event: threading.Event) -> Iterator[None]:
    handled = (signal.SIGTERM, signal.SIGINT)
    before = {number: signal.getsignal(number) for number in handled}
    for number in handled:
        signal.signal(number, lambda _number, _frame: event.set())
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def _handout(config: Config, leaflet: Leaflet, questions: list[int]) -> Handout:
    known = {q.number for q in leaflet.questions}
    unknown = [n for n in questions if n not in known]
    if unknown:
        raise ValueError(f"no question {unknown[0]}; the leaflet has questions 1 to {len(known)}")
    service = PrintService(config, {leaflet.language: leaflet})
    return service.handout(frozenset(questions), date.today(), leaflet.language)


def _fail(message: str) -> int:
    sys.stderr.write(f"kiosk: {message}\n")
    return 1

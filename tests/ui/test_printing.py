"""Print my questions: one tap puts exactly the ticked questions on paper, or says why not."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from harness.cups import (
    BACKEND_SCHEME,
    Q_A4,
    Q_PDF,
    Q_ROLL_80,
    Q_STUCK,
    Q_UNREACHABLE,
    CupsServer,
    pdf_text,
)
from kiosk.app import Kiosk
from kiosk.config import Config
from kiosk.printing.handout import format_date
from kiosk.printing.jobs import JobLedger, private_folder
from kiosk.session import Page

from .conftest import KioskFactory, button_labelled, tap

PRINTED = "Your questions have printed. Please collect them from the printer."
NOT_WORKING = "The printer is not working right now. Please ask at the front desk."
PRINTING = "Printing your questions…"
# The same in Spanish, as a Spanish-speaking patient reads them (from the catalog, kiosk_es.ts).
PRINTED_ES = "Sus preguntas se imprimieron. Por favor, recójalas en la impresora."
SAVED_ES = "Sus preguntas están guardadas. Por favor, pida una copia impresa en la recepción."
PRINTING_ES = "Imprimiendo sus preguntas…"
MONTHS_ES = (
    *("enero", "febrero", "marzo", "abril", "mayo", "junio"),
    *("julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"),
)
LETTER_PT = (612.0, 792.0)
Q_RAW = "q_raw"
PRINT_TIMEOUT_MS = 30_000
REPO = Path(__file__).resolve().parents[2]


def _kiosk(make_kiosk: KioskFactory, tmp_path: Path, **settings: object) -> Kiosk:
    folder = tmp_path / "handouts"
    config = Config(clinic_name="Riverside Clinic", pdf_folder=folder, **settings)  # type: ignore[arg-type]
    kiosk = make_kiosk(config=config)
    kiosk.visit.go_to(Page(len(kiosk.leaflet.sections) - 1))
    return kiosk


def _tick_and_print(
    qtbot: QtBot, kiosk: Kiosk, numbers: tuple[int, ...], printing: str = PRINTING
) -> str:
    """Tick ``numbers`` on the questions page shown now and print; what the page then says
    (``printing``: what it says while it prints, in the visit's language)."""
    page = kiosk.window.questions_page
    for number in numbers:
        tap(qtbot, page.rows[number - 1])
    tap(qtbot, page.print_button)
    assert page.print_status.text(), "the patient is told at once that something happens"
    qtbot.waitUntil(lambda: page.print_status.text() != printing, timeout=PRINT_TIMEOUT_MS)
    return page.print_status.text()


def _switch(qtbot: QtBot, kiosk: Kiosk, name: str) -> None:
    """Touch the top bar's language button: "Español" or "English"."""
    tap(qtbot, button_labelled(kiosk.window.bars.top, name))


def _page_size_pt(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    width, _x, height = info.stdout.split("Page size:")[1].split()[:3]
    return float(width), float(height)


def _questions_in(text: str, kiosk: Kiosk, code: str) -> set[int]:
    """The numbers of the questions of the leaflet in ``code`` that ``text`` holds."""
    return {q.number for q in kiosk.leaflets[code].questions if q.text in text}


def test_one_tap_prints_exactly_the_ticked_questions(
    qtbot: QtBot, printers: CupsServer, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    kiosk = _kiosk(make_kiosk, tmp_path, printer=Q_PDF)
    assert _tick_and_print(qtbot, kiosk, (3, 1)) == PRINTED
    text = " ".join(pdf_text(printers.last_printed(Q_PDF)).split())
    questions = [q.text for q in kiosk.leaflet.questions]
    for expected in (
        "Riverside Clinic",
        kiosk.leaflet.title,
        format_date(date.today(), "en"),
        "Questions to ask your doctor",
        "My own questions:",
        kiosk.leaflet.source,
    ):
        assert expected in text, expected
    assert text.index(questions[0]) < text.index(questions[2]), "in the leaflet's order"
    for unticked in (questions[1], questions[3], questions[4]):
        assert unticked not in text
    assert "Complications" not in text, "nothing else of the leaflet"
    assert kiosk.visit.ticked == frozenset({1, 3}), "the choices stay"


def test_a_roll_printer_gets_a_handout_as_wide_as_its_paper(
    qtbot: QtBot, printers: CupsServer, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    kiosk = _kiosk(make_kiosk, tmp_path, printer=Q_ROLL_80)
    assert _tick_and_print(qtbot, kiosk, (2,)) == PRINTED
    info = subprocess.run(
        ["pdfinfo", str(printers.last_printed(Q_ROLL_80))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    width_pt = float(info.split("Page size:")[1].split()[0])
    assert width_pt == pytest.approx(80 / 25.4 * 72, abs=2), "80 mm wide"


def test_a_spanish_handout_prints_in_spanish(
    qtbot: QtBot, printers: CupsServer, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    """A patient ticks two questions, switches to Español and prints: the handout CUPS prints
    is the Spanish leaflet's, its words and date in Spanish."""
    kiosk = _kiosk(make_kiosk, tmp_path, printer=Q_PDF)
    page = kiosk.window.questions_page
    for number in (3, 1):
        tap(qtbot, page.rows[number - 1])
    _switch(qtbot, kiosk, "Español")
    assert _tick_and_print(qtbot, kiosk, (), printing=PRINTING_ES) == PRINTED_ES
    text = " ".join(pdf_text(printers.last_printed(Q_PDF)).split())
    spanish = kiosk.leaflets["es"]
    today = date.today()
    for expected in (
        "Riverside Clinic",
        spanish.title,
        f"Impreso el {today.day} de {MONTHS_ES[today.month - 1]} de {today.year}",
        spanish.questions_section.heading,
        "Mis propias preguntas:",
        f"Fuente: {spanish.source}",
    ):
        assert expected in text, expected
    assert _questions_in(text, kiosk, "es") == {1, 3}
    assert text.index(spanish.questions[0].text) < text.index(spanish.questions[2].text)
    assert _questions_in(text, kiosk, "en") == set(), "nothing of the English leaflet"
    for english in ("Printed on", "My own questions:", "Source:", "Page "):
        assert english not in text, english


def test_the_same_ticks_print_the_same_questions_in_english_and_in_spanish(
    qtbot: QtBot, printers: CupsServer, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    kiosk = _kiosk(make_kiosk, tmp_path, printer=Q_PDF)
    assert _tick_and_print(qtbot, kiosk, (2, 5)) == PRINTED
    english = " ".join(pdf_text(printers.last_printed(Q_PDF)).split())
    _switch(qtbot, kiosk, "Español")
    assert kiosk.visit.ticked == frozenset({2, 5}), "the ticks carry over"
    assert _tick_and_print(qtbot, kiosk, (), printing=PRINTING_ES) == PRINTED_ES
    spanish = " ".join(pdf_text(printers.last_printed(Q_PDF)).split())
    assert len(printers.printed_jobs(Q_PDF)) == 2
    assert _questions_in(english, kiosk, "en") == _questions_in(spanish, kiosk, "es") == {2, 5}
    assert kiosk.leaflets["es"].title in spanish
    assert kiosk.leaflets["en"].title in english


def test_the_print_message_follows_a_switch_of_language(
    qtbot: QtBot, printers: CupsServer, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    """The questions page is built again in the new language; it still says how printing went,
    now in that language, and back."""
    kiosk = _kiosk(make_kiosk, tmp_path, printer=Q_PDF)
    assert _tick_and_print(qtbot, kiosk, (4,)) == PRINTED
    _switch(qtbot, kiosk, "Español")
    status = kiosk.window.questions_page.print_status
    assert status.isVisible()
    assert status.text() == PRINTED_ES
    _switch(qtbot, kiosk, "English")
    assert kiosk.window.questions_page.print_status.text() == PRINTED
    assert len(printers.printed_jobs(Q_PDF)) == 1, "a switch prints nothing"


@pytest.fixture
def raw_queue(printers: CupsServer) -> Iterator[str]:
    """A raw queue (no driver): CUPS passes the PDF on as it is and cannot say what paper the
    printer holds, like a network printer set up without one."""
    device = f"{BACKEND_SCHEME}:{printers.output_of(Q_RAW)}"
    printers.run("lpadmin", "-p", Q_RAW, "-E", "-v", device)
    yield Q_RAW
    printers.delete_queue(Q_RAW)


def test_a_switch_to_spanish_in_an_american_clinic_prints_on_letter(
    qtbot: QtBot, printers: CupsServer, raw_queue: str, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    """The printer does not say its paper: the clinic's (English by default, Letter) counts,
    not the visit's language."""
    kiosk = _kiosk(make_kiosk, tmp_path, printer=raw_queue)
    _switch(qtbot, kiosk, "Español")
    assert _tick_and_print(qtbot, kiosk, (2,), printing=PRINTING_ES) == PRINTED_ES
    printed = printers.last_printed(raw_queue)
    assert _page_size_pt(printed) == pytest.approx(LETTER_PT, abs=1)
    assert kiosk.leaflets["es"].questions[1].text in " ".join(pdf_text(printed).split())


def test_a_spanish_handout_saved_for_want_of_a_printer_is_on_letter(
    qtbot: QtBot,
    printers: CupsServer,  # noqa: ARG001 - a CUPS with queues but no default printer
    make_kiosk: KioskFactory,
    tmp_path: Path,
) -> None:
    kiosk = _kiosk(make_kiosk, tmp_path)
    _switch(qtbot, kiosk, "Español")
    assert _tick_and_print(qtbot, kiosk, (5,), printing=PRINTING_ES) == SAVED_ES
    [saved] = (tmp_path / "handouts").glob("handout-*.pdf")
    assert _page_size_pt(saved) == pytest.approx(LETTER_PT, abs=1)
    assert kiosk.leaflets["es"].questions[4].text in " ".join(pdf_text(saved).split())


def test_tapping_print_twice_prints_once(
    qtbot: QtBot, printers: CupsServer, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    kiosk = _kiosk(make_kiosk, tmp_path, printer=Q_A4)
    page = kiosk.window.questions_page
    tap(qtbot, page.rows[0])
    tap(qtbot, page.print_button)
    # Print stays enabled while it prints, so the keys' focus stays on it (issue 13); a second
    # tap does nothing, and neither does a second request that got through.
    assert page.print_status.text() == "Printing your questions…"
    tap(qtbot, page.print_button)
    kiosk.printing.print_questions(kiosk.visit.ticked)
    qtbot.waitUntil(lambda: page.print_status.text() == PRINTED, timeout=PRINT_TIMEOUT_MS)
    completed = printers.run("lpstat", "-W", "completed", "-o", Q_A4).stdout.splitlines()
    assert len(completed) == 1
    assert page.print_button.isEnabled(), "printing again is one tap"


@pytest.mark.parametrize(
    "fault", ["paused", "rejecting", "deleted", "server stopped", "device broken"]
)
def test_every_printer_fault_says_so_keeps_the_choices_and_logs_why(
    qtbot: QtBot,
    printers: CupsServer,
    make_kiosk: KioskFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    queue = Q_STUCK if fault == "device broken" else Q_PDF
    kiosk = _kiosk(make_kiosk, tmp_path, printer=queue, print_timeout_s=5)
    if fault == "paused":
        printers.disable(Q_PDF, "Out of paper")
    elif fault == "rejecting":
        printers.reject(Q_PDF)
    elif fault == "deleted":
        printers.delete_queue(Q_PDF)
    elif fault == "server stopped":
        printers.stop()
    with caplog.at_level(logging.INFO, logger="kiosk"):
        assert _tick_and_print(qtbot, kiosk, (2, 4)) == NOT_WORKING
    assert kiosk.visit.ticked == frozenset({2, 4}), "the choices stay"
    assert kiosk.window.questions_page.print_button.isEnabled(), "a retry is one tap"
    staff = [r.getMessage() for r in caplog.records if r.name == "kiosk.printing"]
    assert any(queue in line for line in staff), staff
    questions = [q.text for q in kiosk.leaflet.questions]
    assert not any(q in line for q in questions for line in staff), "no patient data in the log"
    assert not printers.jobs_not_completed(), "nothing left waiting to print later"


def test_with_no_printer_at_all_the_handout_is_saved_for_staff(
    qtbot: QtBot,
    printers: CupsServer,  # noqa: ARG001 - a CUPS with queues but no default printer
    make_kiosk: KioskFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    kiosk = _kiosk(make_kiosk, tmp_path)
    with caplog.at_level(logging.INFO, logger="kiosk"):
        message = _tick_and_print(qtbot, kiosk, (5,))
    assert message == "Your questions are saved. Please ask at the front desk for a printed copy."
    saved = list((tmp_path / "handouts").glob("handout-*.pdf"))
    assert len(saved) == 1
    assert kiosk.leaflet.questions[4].text in " ".join(pdf_text(saved[0]).split())
    assert any(str(saved[0]) in r.getMessage() for r in caplog.records), "staff are told where"


def test_no_handout_is_left_in_the_temporary_folder(
    qtbot: QtBot, printers: CupsServer, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    def ours() -> set[Path]:
        temp = Path(tempfile.gettempdir())
        return {*temp.glob("kiosk-print*"), *temp.glob("clinic-kiosk*"), *temp.glob("tmp*.pdf")}

    before = ours()
    kiosk = _kiosk(make_kiosk, tmp_path, printer=Q_PDF)
    assert _tick_and_print(qtbot, kiosk, (1,)) == PRINTED
    assert len(printers.printed_jobs(Q_PDF)) == 1
    assert list(private_folder().iterdir()) == [], "the handout went as soon as CUPS had it"
    assert stat.S_IMODE(private_folder().stat().st_mode) == 0o700
    assert ours() <= before


def _ledger() -> list[str]:
    """The job ids the kiosk still owes a cancel, as the next start reads them."""
    return JobLedger.default().ids()


def test_a_job_still_waiting_when_the_visit_ends_is_cancelled(
    qtbot: QtBot, printers: CupsServer, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    """The printer is off: the job must not print later, for whoever stands there then."""
    kiosk = _kiosk(make_kiosk, tmp_path, printer=Q_UNREACHABLE)
    page = kiosk.window.questions_page
    accepted: list[str] = []
    kiosk.printing.job_accepted.connect(accepted.append)
    tap(qtbot, page.rows[0])
    tap(qtbot, page.print_button)
    qtbot.waitUntil(lambda: bool(accepted), timeout=PRINT_TIMEOUT_MS)
    assert printers.jobs_not_completed() == accepted, "the job waits for the printer"
    kiosk.visit.reset()  # nobody answered "Are you still here?"
    qtbot.waitUntil(lambda: printers.job_state(accepted[0]) == "canceled", timeout=10000)
    qtbot.waitUntil(lambda: _ledger() == [], timeout=10000)
    assert printers.jobs_not_completed() == []
    assert page.print_status.text() == "", "the next patient is told nothing of it"


def test_closing_the_kiosk_mid_job_cancels_it_and_leaves_no_file(
    qtbot: QtBot, printers: CupsServer, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    """What SIGTERM does (kiosk.app.quit_on_signals calls close): with the default 60 s time
    limit, waiting for the job would outlast systemd's 10 s TimeoutStopSec."""
    kiosk = _kiosk(make_kiosk, tmp_path, printer=Q_UNREACHABLE)
    accepted: list[str] = []
    kiosk.printing.job_accepted.connect(accepted.append)
    tap(qtbot, kiosk.window.questions_page.rows[1])
    tap(qtbot, kiosk.window.questions_page.print_button)
    qtbot.waitUntil(lambda: bool(accepted), timeout=PRINT_TIMEOUT_MS)
    kiosk.printing.shutdown()  # returns once the job is cancelled (it waits at most 2.5 s)
    assert printers.job_state(accepted[0]) == "canceled"
    assert printers.jobs_not_completed() == []
    assert _ledger() == []
    assert list(private_folder().iterdir()) == []


def test_a_kiosk_starting_cancels_the_job_a_killed_one_left(
    qtbot: QtBot, printers: CupsServer, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    """A kiosk killed mid-job (SIGKILL, a power cut) leaves its job queued; its id is in the
    ledger, and the next kiosk to start cancels it before the printer comes back."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "kiosk", "print", "--questions", "1", "--printer"]
    with subprocess.Popen([*command, Q_UNREACHABLE], cwd=REPO, env=env) as killed:
        try:
            qtbot.waitUntil(lambda: bool(_ledger()), timeout=PRINT_TIMEOUT_MS)
        finally:
            killed.kill()
    [job_id] = _ledger()
    assert printers.jobs_not_completed() == [job_id]
    _kiosk(make_kiosk, tmp_path, printer=Q_PDF)
    qtbot.waitUntil(lambda: printers.job_state(job_id) == "canceled", timeout=10000)
    qtbot.waitUntil(lambda: _ledger() == [], timeout=10000)
    assert printers.jobs_not_completed() == []
    assert list(private_folder().iterdir()) == [], "its handout file is swept too"


def test_a_job_given_up_on_while_cups_is_down_is_cancelled_when_it_answers(
    qtbot: QtBot, printers: CupsServer, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    """cupsd stopped while the job waits and started again after the patient was told it
    failed: CUPS kept the job, and would print it when the printer came back."""
    kiosk = _kiosk(make_kiosk, tmp_path, printer=Q_UNREACHABLE, print_timeout_s=2)
    accepted: list[str] = []
    kiosk.printing.job_accepted.connect(accepted.append)
    kiosk.printing.job_accepted.connect(lambda _job: printers.stop())
    assert _tick_and_print(qtbot, kiosk, (3,)) == NOT_WORKING
    assert _ledger() == accepted, "owed a cancel"
    printers.start()  # with the job: tests/printing/test_jobs.py shows CUPS keeps it
    qtbot.waitUntil(lambda: printers.job_state(accepted[0]) == "canceled", timeout=10000)
    qtbot.waitUntil(lambda: _ledger() == [], timeout=10000)
    assert printers.jobs_not_completed() == []

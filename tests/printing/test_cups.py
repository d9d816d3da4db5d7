"""Printing through a real private CUPS: jobs that complete, and every fault produced for real."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cups import (
    Q_A4,
    Q_ABORT,
    Q_HELD,
    Q_PDF,
    Q_ROLL_58,
    Q_ROLL_80,
    Q_STUCK,
    Q_UNREACHABLE,
    CupsServer,
    pdf_text,
    write_pdf,
)
from kiosk.printing.cups import (
    JOB_TITLE,
    PrintFault,
    PrintOutcome,
    check_printer,
    default_printer,
    printer_exists,
    printer_media_width_mm,
    submit,
)

# What a patient ticked: it may be printed, but never written to the staff log.
QUESTIONS = (
    "Is vertebroplasty a good choice for me?",
    "How long will the procedure take?",
    "Private marker 7431 zebra",
)
# Short limits keep the suite quick; the kiosk uses 30 s.
SHORT_LIMIT_S = 1.5


@pytest.fixture
def handout(tmp_path: Path) -> Path:
    return write_pdf(tmp_path / "handout.pdf", ["Questions for your doctor", *QUESTIONS])


def assert_private(message: str) -> None:
    """The staff message says something and holds nothing from the document."""
    assert message
    assert "\n" not in message
    lowered = message.lower()
    for question in QUESTIONS:
        assert question.lower() not in lowered
    for word in ("vertebroplasty", "zebra", "7431"):
        assert word not in lowered


def assert_cancelled(printers: CupsServer, outcome: PrintOutcome) -> None:
    assert outcome.job_id is not None
    assert printers.job_state(outcome.job_id) == "canceled"
    assert "cancelled (now canceled)" in outcome.staff_message
    assert printers.jobs_not_completed() == []


# Jobs that print.


def test_a_job_completes_and_its_pdf_reaches_the_printer(
    printers: CupsServer, handout: Path
) -> None:
    accepted: list[str] = []

    outcome = submit(handout, Q_PDF, JOB_TITLE, on_accepted=accepted.append)

    assert outcome.fault is None
    assert outcome.job_id is not None
    assert outcome.job_id.startswith(f"{Q_PDF}-")
    assert accepted == [outcome.job_id]
    assert printers.job_state(outcome.job_id) == "completed"
    assert outcome.accepted_after_s is not None
    assert outcome.completed_after_s is not None
    assert outcome.completed_after_s >= outcome.accepted_after_s
    printed = pdf_text(printers.printed(outcome.job_id))
    for question in QUESTIONS:
        assert question in printed
    assert f"job {outcome.job_id} on printer '{Q_PDF}' completed" in outcome.staff_message
    assert_private(outcome.staff_message)


def test_the_job_is_named_only_by_the_generic_title(printers: CupsServer, handout: Path) -> None:
    outcome = submit(handout, Q_PDF, JOB_TITLE)

    assert outcome.job_id is not None
    assert printers.job_attribute(outcome.job_id, "job-name") == JOB_TITLE


def test_accepted_is_reported_while_the_job_is_still_in_cups(
    printers: CupsServer, handout: Path
) -> None:
    printers.disable(Q_PDF)
    seen: list[str] = []

    def on_accepted(job_id: str) -> None:
        seen.append(printers.job_state(job_id))
        printers.enable(Q_PDF)

    outcome = submit(handout, Q_PDF, JOB_TITLE, on_accepted=on_accepted)

    assert seen == ["pending"]
    assert outcome.fault is None


def test_no_printer_named_prints_on_the_default_printer(
    printers: CupsServer, handout: Path
) -> None:
    printers.set_default(Q_ROLL_80)

    assert default_printer() == Q_ROLL_80
    assert check_printer(None) == (None, check_printer(Q_ROLL_80).staff_message, Q_ROLL_80)
    outcome = submit(handout, None, JOB_TITLE)

    assert outcome.fault is None
    assert outcome.job_id is not None
    assert outcome.job_id.startswith(f"{Q_ROLL_80}-")
    assert QUESTIONS[0] in pdf_text(printers.printed(outcome.job_id))


@pytest.mark.usefixtures("printers")
def test_a_ready_printer_passes_the_check() -> None:
    fault, message, printer = check_printer(Q_PDF)

    assert fault is None
    assert printer == Q_PDF
    assert "is ready" in message
    assert printer_exists(Q_PDF)


# Paper width, for the handout layout.


@pytest.mark.parametrize(
    ("queue", "width_mm"),
    [(Q_PDF, 215.9), (Q_A4, 209.9), (Q_ROLL_80, 80.0), (Q_ROLL_58, 58.0)],
)
@pytest.mark.usefixtures("printers")
def test_media_width_is_the_queues_default_paper(queue: str, width_mm: float) -> None:
    # A4 from a PPD is 595 points wide, which CUPS reports as 209.9 mm.
    assert printer_media_width_mm(queue) == width_mm


@pytest.mark.usefixtures("printers")
def test_media_width_of_a_missing_printer_is_unknown() -> None:
    assert printer_media_width_mm("q_gone") is None


# Faults found before anything is printed.


def test_no_default_printer(printers: CupsServer, handout: Path) -> None:
    assert default_printer() is None

    fault, message, printer = check_printer(None)
    outcome = submit(handout, None, JOB_TITLE)

    assert (fault, printer) == (PrintFault.NO_PRINTER, None)
    assert "no default printer" in message
    assert outcome.fault is PrintFault.NO_PRINTER
    assert outcome.job_id is None
    assert_private(outcome.staff_message)
    assert printers.jobs_not_completed() == []


@pytest.mark.usefixtures("printers")
def test_a_default_printer_that_does_not_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LPDEST", "q_gone")

    fault, message, _ = check_printer(None)

    assert default_printer() is None
    assert fault is PrintFault.NO_PRINTER
    assert 'LPDEST environment variable names non-existent destination "q_gone"' in message


def test_a_printer_that_does_not_exist(printers: CupsServer, handout: Path) -> None:
    printers.add_pdf_queue("q_removed")
    printers.delete_queue("q_removed")

    fault, message, printer = check_printer("q_removed")
    outcome = submit(handout, "q_removed", JOB_TITLE)

    assert (fault, printer) == (PrintFault.PRINTER_MISSING, "q_removed")
    assert "printer 'q_removed' does not exist" in message
    assert not printer_exists("q_removed")
    assert outcome.fault is PrintFault.PRINTER_MISSING
    assert outcome.job_id is None
    assert "lp said 'lp: Error - The printer or class does not exist.'" in outcome.staff_message
    assert_private(outcome.staff_message)


def test_a_rejecting_queue_takes_no_job(printers: CupsServer, handout: Path) -> None:
    printers.reject(Q_PDF, "Closed for maintenance")

    fault, message, _ = check_printer(Q_PDF)
    outcome = submit(handout, Q_PDF, JOB_TITLE)

    assert fault is PrintFault.NOT_ACCEPTING
    assert "'Closed for maintenance'" in message
    assert f"cupsaccept {Q_PDF}" in message
    assert outcome.fault is PrintFault.NOT_ACCEPTING
    assert outcome.job_id is None
    assert f'Destination "{Q_PDF}" is not accepting jobs' in outcome.staff_message
    assert_private(outcome.staff_message)
    assert printers.jobs_not_completed() == []


def test_a_paused_queue_fails_the_check(printers: CupsServer) -> None:
    printers.disable(Q_PDF, "Paper jam at reception")

    fault, message, _ = check_printer(Q_PDF)

    assert fault is PrintFault.QUEUE_PAUSED
    assert "printer-state stopped" in message
    assert "paused" in message
    assert "'Paper jam at reception'" in message
    assert f"cupsenable {Q_PDF}" in message


# Faults met while the job runs: the time limit cancels what is left.


def test_a_job_in_a_paused_queue_is_cancelled_at_the_time_limit(
    printers: CupsServer, handout: Path
) -> None:
    printers.disable(Q_PDF, "Paper jam at reception")

    outcome = submit(handout, Q_PDF, JOB_TITLE, timeout_s=2.0)

    assert outcome.fault is PrintFault.QUEUE_PAUSED
    assert outcome.completed_after_s is None
    assert "waited in a paused queue" in outcome.staff_message
    assert "'Paper jam at reception'" in outcome.staff_message
    assert_cancelled(printers, outcome)
    assert_private(outcome.staff_message)


def test_a_device_that_cannot_be_written_stops_the_job(printers: CupsServer, handout: Path) -> None:
    outcome = submit(handout, Q_STUCK, JOB_TITLE, timeout_s=SHORT_LIMIT_S)

    assert outcome.fault is PrintFault.JOB_STOPPED
    assert "was stopped by CUPS" in outcome.staff_message
    assert "job-state processing-stopped" in outcome.staff_message
    assert_cancelled(printers, outcome)
    assert_private(outcome.staff_message)


def test_a_document_the_filters_cannot_read_stops_the_job(
    printers: CupsServer, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj " + QUESTIONS[0].encode() + b"\n%%EOF\n")

    outcome = submit(broken, Q_PDF, JOB_TITLE, timeout_s=SHORT_LIMIT_S)

    assert outcome.fault is PrintFault.JOB_STOPPED
    assert "job-completed-with-errors" in outcome.staff_message
    assert "CUPS said '" in outcome.staff_message  # the filter's own error
    assert_cancelled(printers, outcome)
    assert_private(outcome.staff_message)


def test_a_failing_backend_gets_the_job_held(printers: CupsServer, handout: Path) -> None:
    outcome = submit(handout, Q_HELD, JOB_TITLE, timeout_s=SHORT_LIMIT_S)

    assert outcome.fault is PrintFault.JOB_STOPPED
    assert "was held by CUPS" in outcome.staff_message
    assert "'Unable to open parallel port: Is a directory'" in outcome.staff_message
    assert_cancelled(printers, outcome)


def test_a_failing_backend_with_abort_policy_aborts_the_job(
    printers: CupsServer, handout: Path
) -> None:
    outcome = submit(handout, Q_ABORT, JOB_TITLE)

    assert outcome.fault is PrintFault.JOB_ABORTED
    assert outcome.job_id is not None
    assert "was aborted by CUPS" in outcome.staff_message
    assert "'Unable to open parallel port: Is a directory'" in outcome.staff_message
    assert printers.job_state(outcome.job_id) == "aborted"
    assert_private(outcome.staff_message)


def test_a_job_cancelled_by_staff_is_reported(printers: CupsServer, handout: Path) -> None:
    printers.disable(Q_PDF)

    def cancel_at_the_desk(job_id: str) -> None:
        printers.run("cancel", job_id)

    outcome = submit(handout, Q_PDF, JOB_TITLE, on_accepted=cancel_at_the_desk)

    assert outcome.fault is PrintFault.JOB_ABORTED
    assert "was canceled outside the kiosk" in outcome.staff_message
    assert "job-state canceled" in outcome.staff_message
    assert printers.jobs_not_completed() == []


def test_an_unreachable_printer_times_out(printers: CupsServer, handout: Path) -> None:
    outcome = submit(handout, Q_UNREACHABLE, JOB_TITLE, timeout_s=SHORT_LIMIT_S)

    assert outcome.fault is PrintFault.TIMED_OUT
    assert "was still processing after" in outcome.staff_message
    assert_cancelled(printers, outcome)
    assert_private(outcome.staff_message)


# The server itself.


def test_a_stopped_server(printers: CupsServer, handout: Path) -> None:
    printers.set_default(Q_PDF)
    printers.stop()

    assert default_printer() is None
    assert not printer_exists(Q_PDF)
    assert printer_media_width_mm(Q_PDF) is None
    for name in (Q_PDF, None):
        fault, message, _ = check_printer(name)
        assert fault is PrintFault.SERVER_DOWN
        assert str(printers.socket) in message
    assert f"printer '{Q_PDF}' cannot be reached" in check_printer(Q_PDF).staff_message
    assert "default printer cannot be looked up" in check_printer(None).staff_message
    outcome = submit(handout, Q_PDF, JOB_TITLE)
    assert outcome.fault is PrintFault.SERVER_DOWN
    assert outcome.job_id is None
    assert f"printer '{Q_PDF}' cannot be reached" in outcome.staff_message
    assert_private(outcome.staff_message)


def test_a_server_that_stops_during_the_job(printers: CupsServer, handout: Path) -> None:
    printers.disable(Q_PDF)

    def stop_the_server(_job_id: str) -> None:
        printers.stop()

    outcome = submit(handout, Q_PDF, JOB_TITLE, timeout_s=1.0, on_accepted=stop_the_server)

    assert outcome.fault is PrintFault.SERVER_DOWN
    assert outcome.job_id is not None
    assert "CUPS stopped answering" in outcome.staff_message
    assert "could not be cancelled" in outcome.staff_message
    assert_private(outcome.staff_message)


@pytest.mark.usefixtures("printers")
def test_missing_cups_tools_are_named(
    handout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    fault, message, _ = check_printer(Q_PDF)
    outcome = submit(handout, Q_PDF, JOB_TITLE)

    assert fault is PrintFault.FAILED
    assert "ipptool is not installed (apt-get install cups-ipp-utils)" in message
    assert outcome.fault is PrintFault.FAILED
    assert "lp is not installed (apt-get install cups-client)" in outcome.staff_message


def test_a_failing_accepted_callback_leaves_no_job_behind(
    printers: CupsServer, handout: Path
) -> None:
    printers.disable(Q_PDF)
    taken: list[str] = []

    def fail(job_id: str) -> None:
        taken.append(job_id)
        raise RuntimeError("the screen went away")

    with pytest.raises(RuntimeError, match="the screen went away"):
        submit(handout, Q_PDF, JOB_TITLE, on_accepted=fail)

    assert printers.job_state(taken[0]) == "canceled"
    assert printers.jobs_not_completed() == []

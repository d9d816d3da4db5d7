"""A job the kiosk gave up on never prints later: cupsd stopped or killed mid-job, the kiosk
killed or stopped mid-job, all on the real private CUPS; and no handout file outlives its use."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from harness.cups import Q_PDF, Q_UNREACHABLE, CupsServer, write_pdf
from kiosk.paths import state_dir
from kiosk.printing import jobs
from kiosk.printing.cups import JOB_TITLE, JobEnd, PrintFault, cancel_job, submit

REPO = Path(__file__).resolve().parents[2]
QUESTION = "Private marker 5512 heron"
# What packaging/linux/clinic-kiosk.service gives the kiosk to end after SIGTERM.
SYSTEMD_STOP_TIMEOUT_S = 10


@pytest.fixture
def handout(tmp_path: Path) -> Path:
    return write_pdf(tmp_path / "handout.pdf", ["Questions for your doctor", QUESTION])


@pytest.fixture
def ledger(tmp_path: Path) -> jobs.JobLedger:
    return jobs.JobLedger(tmp_path / "state" / jobs.LEDGER_NAME)


@pytest.fixture
def kiosk_state(printers: CupsServer) -> Iterator[Path]:  # noqa: ARG001 - CUPS_SERVER set
    """The real ledger a kiosk process uses, empty at the start and the end of the test."""
    path = state_dir() / jobs.LEDGER_NAME
    path.unlink(missing_ok=True)
    yield path
    path.unlink(missing_ok=True)


def spooled_documents(printers: CupsServer) -> list[Path]:
    """The job documents (d*) in the server's spool: where a queued handout waits."""
    return sorted((printers.directory / "spool").glob("d*"))


def test_the_ledger_keeps_job_ids_only_across_a_restart(ledger: jobs.JobLedger) -> None:
    ledger.add("q_pdf-3")
    ledger.add("q_unreachable-12")
    ledger.add("q_pdf-3")
    again = jobs.JobLedger(ledger._path)
    assert again.ids() == ["q_pdf-3", "q_unreachable-12"]
    again.discard("q_pdf-3")
    assert jobs.JobLedger(ledger._path).ids() == ["q_unreachable-12"]


def test_a_damaged_ledger_keeps_its_readable_ids(tmp_path: Path) -> None:
    path = tmp_path / jobs.LEDGER_NAME
    path.write_bytes(b"q_pdf-4\n\xff\xfe garbage \x00\nq_a4-9\n")
    assert jobs.JobLedger(path).ids() == ["q_pdf-4", "q_a4-9"]


def test_a_job_given_up_on_while_cupsd_is_stopped_is_cancelled_when_it_returns(
    printers: CupsServer, handout: Path, ledger: jobs.JobLedger
) -> None:
    """cupsd stopped (SIGTERM) while the job waits, then started again: CUPS keeps the job and
    would print it when the printer came back, after the patient was told it failed."""

    def stop_cupsd(job_id: str) -> None:
        ledger.add(job_id)
        printers.stop()

    outcome = submit(handout, Q_UNREACHABLE, JOB_TITLE, timeout_s=1.0, on_accepted=stop_cupsd)
    assert outcome.fault is PrintFault.SERVER_DOWN
    assert not outcome.ended, "the job could not be cancelled"
    assert outcome.job_id is not None
    assert ledger.ids() == [outcome.job_id]
    assert ledger.settle() == [outcome.job_id], "still owed a cancel while cupsd is down"

    printers.start()
    assert outcome.job_id in printers.jobs_not_completed(), "CUPS kept the job over its restart"
    assert ledger.settle() == []
    assert printers.job_state(outcome.job_id) == "canceled"
    assert printers.jobs_not_completed() == []
    assert spooled_documents(printers) == [], "no file holds the questions"


def test_a_job_waiting_when_cupsd_is_killed_never_prints(
    printers: CupsServer, handout: Path, ledger: jobs.JobLedger
) -> None:
    """cupsd killed (SIGKILL) while the job waits in a paused queue, started again, and the
    queue resumed: nothing prints and nothing is queued.

    cupsd writes a job's control file lazily, so a killed cupsd forgets the job; its document
    stays in CUPS's spool (root and lp only), which CUPS never cleans and the kiosk cannot
    reach: docs/installing.md says how to clear it at boot.
    """
    printers.disable(Q_PDF)

    def kill_cupsd(job_id: str) -> None:
        ledger.add(job_id)
        assert printers._daemon is not None
        printers._daemon.kill()
        printers._daemon.wait()

    outcome = submit(handout, Q_PDF, JOB_TITLE, timeout_s=1.0, on_accepted=kill_cupsd)
    assert outcome.job_id is not None
    assert not outcome.ended, "no CUPS to cancel it"

    printers.stop()  # forget the dead process
    printers.start()
    assert ledger.settle() == [], "CUPS knows the job no more: nothing is owed"
    printers.enable(Q_PDF)
    probe = submit(handout, Q_PDF, JOB_TITLE)  # a job after it, to know the queue has run
    assert probe.fault is None
    assert probe.job_id is not None
    assert printers.printed_jobs(Q_PDF) == [printers.printed(probe.job_id)], "only the probe"
    assert printers.jobs_not_completed() == []


def test_a_finished_job_is_left_alone_and_forgotten(
    printers: CupsServer, handout: Path, ledger: jobs.JobLedger
) -> None:
    outcome = submit(handout, Q_PDF, JOB_TITLE)
    assert outcome.fault is None
    assert outcome.job_id is not None
    ledger.add(outcome.job_id)
    assert cancel_job(outcome.job_id) is JobEnd.ENDED
    assert ledger.settle() == []
    assert printers.job_state(outcome.job_id) == "completed"


def test_a_job_number_given_to_someone_elses_job_is_not_cancelled(
    printers: CupsServer, handout: Path
) -> None:
    """CUPS numbers jobs afresh if its job history is wiped: an old id may name another job."""
    printers.disable(Q_PDF)
    said = printers.run("lp", "-d", Q_PDF, "-t", "Payroll", str(handout)).stdout
    job_id = said.split()[3]
    assert cancel_job(job_id) is JobEnd.ENDED
    assert printers.job_state(job_id) == "pending"


def _print_in_a_child(printer: str) -> subprocess.Popen[str]:
    """``kiosk print`` as a process of its own, which a test can kill."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "print", "--questions", "1", "--printer", printer],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_a_job_in(path: Path, qtbot: QtBot) -> str:
    qtbot.waitUntil(lambda: path.exists() and path.read_text().strip() != "", timeout=30000)
    return path.read_text().split()[0]


def test_kiosk_print_killed_mid_job_leaves_nothing_after_the_next_start(
    qtbot: QtBot, printers: CupsServer, kiosk_state: Path
) -> None:
    before = set(jobs.private_folder().iterdir())
    child = _print_in_a_child(Q_UNREACHABLE)
    try:
        job_id = _wait_for_a_job_in(kiosk_state, qtbot)
        child.kill()  # SIGKILL: no chance to clean up
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
    child.communicate()
    assert job_id in printers.jobs_not_completed(), "the killed kiosk left its job queued"

    again = _print_in_a_child(Q_PDF)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert printers.job_state(job_id) == "canceled", "the next start cancelled it"
    assert printers.jobs_not_completed() == []
    assert kiosk_state.read_text() == ""
    assert set(jobs.private_folder().iterdir()) <= before, "no handout file left behind"
    assert spooled_documents(printers) == []
    assert out.startswith(f"job {Q_PDF}-")


def test_sigterm_to_kiosk_print_cancels_its_job_and_it_ends_at_once(
    qtbot: QtBot, printers: CupsServer, kiosk_state: Path
) -> None:
    """The job's time limit is the default 60 s; systemd kills what has not ended 10 s after
    SIGTERM (TimeoutStopSec), leaving the job queued."""
    before = set(jobs.private_folder().iterdir())
    child = _print_in_a_child(Q_UNREACHABLE)
    try:
        job_id = _wait_for_a_job_in(kiosk_state, qtbot)
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=SYSTEMD_STOP_TIMEOUT_S)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 1
    assert "withdrawn" in err, err
    assert job_id in err, err
    assert printers.job_state(job_id) == "canceled"
    assert printers.jobs_not_completed() == []
    assert kiosk_state.read_text() == ""
    assert set(jobs.private_folder().iterdir()) <= before
    assert spooled_documents(printers) == []


def test_the_private_folder_is_the_users_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o755)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    (runtime / "clinic-kiosk").mkdir(mode=0o755)
    folder = jobs.private_folder()
    assert folder == runtime / "clinic-kiosk"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    one = jobs.job_folder()
    assert one.parent == folder
    assert stat.S_IMODE(one.stat().st_mode) == 0o700


def test_handout_folders_of_dead_kiosks_are_swept_and_live_ones_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    left = jobs.private_folder() / f"print-{dead.stdout.strip()}-abc123"
    left.mkdir()
    (left / "handout.pdf").write_text(QUESTION, encoding="utf-8")
    mine = jobs.job_folder()
    assert jobs.sweep_job_folders() == 1
    assert not left.exists(), "a killed kiosk's handout is removed at the next start"
    assert mine.exists(), "a running kiosk's handout is not"


def test_saved_handouts_are_private_and_deleted_after_their_time(tmp_path: Path) -> None:
    folder = tmp_path / "handouts"
    jobs.prepare_pdf_folder(folder)
    old = folder / "handout-20261201-090000-000000.pdf"
    new = folder / "handout-20261203-090000-000000.pdf"
    other = folder / "notes.txt"
    for path in (old, new, other):
        path.write_text(QUESTION, encoding="utf-8")
    now_s = time.time()
    os.utime(old, (now_s - 25 * 3600, now_s - 25 * 3600))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert jobs.delete_expired_pdfs(folder, keep_hours=24, now_s=now_s) == 1
    assert not old.exists()
    assert new.exists(), "only old handouts"
    assert other.exists(), "only handouts"

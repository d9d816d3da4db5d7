"""The kiosk's log: the rotating file, the recent lines for staff, and a folder it cannot use."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.logs import RecentLines, close_logging, setup_logging, under_journal

log = logging.getLogger("kiosk.test")
REPO = Path(__file__).resolve().parents[1]
LOG_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ")


@pytest.fixture(autouse=True)
def _remove_the_kiosks_handlers() -> Iterator[None]:
    """Every test leaves the root logger as it found it: other tests must not write here."""
    yield
    close_logging()


def test_records_go_to_the_file_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "does" / "not" / "exist" / "yet"
    setup = setup_logging(folder, console=False)
    log.info("printed a handout on %s", "Front desk")
    log.debug("too detailed for the default level")

    assert setup.file == folder / "kiosk.log"
    assert setup.file_problem is None
    text = setup.file.read_text(encoding="utf-8")
    assert " INFO kiosk.test: printed a handout on Front desk\n" in text
    assert "too detailed" not in text


def test_a_file_opened_later_begins_with_the_lines_logged_before(tmp_path: Path) -> None:
    # The kiosk opens its file once the early welcome screen shows (kiosk.cli._run).
    setup = setup_logging(None, console=False)
    log.warning("the configuration names an unknown key")
    setup.open_file(tmp_path)
    log.info("the kiosk is ready")

    assert setup.file == tmp_path / "kiosk.log"
    lines = setup.file.read_text(encoding="utf-8").splitlines()
    assert [LOG_TIME.sub("", line) for line in lines] == [
        "WARNING kiosk.test: the configuration names an unknown key",
        "INFO kiosk.test: the kiosk is ready",
    ]


def test_file_rotates_and_keeps_only_the_backups_asked_for(tmp_path: Path) -> None:
    setup_logging(tmp_path, console=False, max_bytes=2_000, backups=2)
    for number in range(200):  # about 14 kB of lines: several rotations
        log.info("line %03d %s", number, "x" * 30)

    files = sorted(path.name for path in tmp_path.iterdir())
    assert files == ["kiosk.log", "kiosk.log.1", "kiosk.log.2"]
    assert all((tmp_path / name).stat().st_size <= 2_000 for name in files)
    assert "line 199 " in (tmp_path / "kiosk.log").read_text(encoding="utf-8")
    oldest = (tmp_path / "kiosk.log.2").read_text(encoding="utf-8")
    assert "line 000 " not in oldest, "the oldest lines are dropped"


def test_recent_lines_keep_the_latest_formatted(tmp_path: Path) -> None:
    setup = setup_logging(tmp_path, console=False)
    for number in range(250):
        log.warning("event %d", number)

    lines = setup.recent.lines()
    assert len(lines) == 200
    assert lines[0].endswith("WARNING kiosk.test: event 50")
    assert lines[-1].endswith("WARNING kiosk.test: event 249")


def test_recent_lines_capacity() -> None:
    recent = RecentLines(capacity=3)
    logger = logging.getLogger("kiosk.test.recent")
    logger.addHandler(recent)
    try:
        for number in range(5):
            logger.warning("event %d", number)
    finally:
        logger.removeHandler(recent)
    assert recent.lines() == ["event 2", "event 3", "event 4"]  # no formatter: the message


def test_a_folder_that_cannot_be_made_leaves_console_and_recent_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    folder = blocker / "logs"

    setup = setup_logging(folder, console=True)
    log.info("still heard")

    assert setup.file is None
    assert setup.file_problem is not None
    assert str(folder / "kiosk.log") in setup.file_problem
    assert not folder.exists()
    warning = "WARNING kiosk.init: Logs go to the console only: cannot write"
    assert any(warning in line for line in setup.recent.lines())
    assert setup.recent.lines()[-1].endswith("INFO kiosk.test: still heard")
    stderr = capsys.readouterr().err
    assert warning in stderr
    assert "still heard" in stderr


def test_no_folder_means_no_file_and_no_problem() -> None:
    setup = setup_logging(None, console=False)
    log.info("only in memory")
    assert (setup.file, setup.file_problem) == (None, None)
    assert setup.recent.lines()[-1].endswith("only in memory")


def test_console_is_optional(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging(tmp_path, console=False)
    log.warning("not on the console")
    assert "not on the console" not in capsys.readouterr().err


def test_setting_up_twice_writes_each_line_once(tmp_path: Path) -> None:
    first = setup_logging(tmp_path, console=False)
    second = setup_logging(tmp_path, console=False)
    log.info("said once")

    assert second.file is not None
    assert second.file.read_text(encoding="utf-8").count("said once") == 1
    assert [line for line in second.recent.lines() if "said once" in line] != []
    assert first.recent.lines() == [], "the first set-up's handlers are gone"


def test_close_removes_only_its_own_handlers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    setup = setup_logging(tmp_path, level=logging.DEBUG, console=True)
    assert root.level == logging.DEBUG
    setup.close()

    assert (list(root.handlers), root.level) == before
    log.warning("after close")
    assert "after close" in caplog.text, "pytest's own handler still works"
    assert setup.file is not None
    assert "after close" not in setup.file.read_text(encoding="utf-8")
    assert setup.recent.lines() == []


def test_under_the_journal_each_line_carries_its_priority_and_no_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = setup_logging(tmp_path, console=True, journal=True)
    log.info("printed a handout")
    log.warning("the printer is out of paper")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        log.exception("the visit was reset")
    log.critical("cannot start")
    log.debug("not at the default level")

    lines = capsys.readouterr().err.splitlines()
    assert lines[:3] == [
        "<6>INFO kiosk.test: printed a handout",
        "<4>WARNING kiosk.test: the printer is out of paper",
        "<3>ERROR kiosk.test: the visit was reset",
    ]
    # journald makes an entry of each line: the traceback's lines keep the error's priority.
    traceback = lines[3 : lines.index("<2>CRITICAL kiosk.test: cannot start")]
    assert traceback[0] == "<3>Traceback (most recent call last):"
    assert traceback[-1] == "<3>RuntimeError: a bug"
    assert all(line.startswith("<3>") for line in traceback)
    assert lines[-1] == "<2>CRITICAL kiosk.test: cannot start"
    # The staff panel and the file keep their time stamps, as without the journal.
    assert setup.recent.lines()[0].endswith(" INFO kiosk.test: printed a handout")
    assert LOG_TIME.match(setup.recent.lines()[0])
    assert setup.file is not None
    assert LOG_TIME.match(setup.file.read_text(encoding="utf-8"))


def test_the_journal_is_recognised_by_the_stream_itself(tmp_path: Path) -> None:
    """systemd sets JOURNAL_STREAM to the device and inode of the stream it connected; a
    program whose standard error was sent elsewhere inherits the variable all the same."""
    journal = tmp_path / "journal-stream"
    other = tmp_path / "elsewhere"
    with journal.open("w") as stream, other.open("w") as redirected:
        status = os.fstat(stream.fileno())
        environ = {"JOURNAL_STREAM": f"{status.st_dev}:{status.st_ino}"}
        assert under_journal(environ, stream.fileno())
        assert not under_journal(environ, redirected.fileno())
        assert not under_journal({}, stream.fileno())
        assert not under_journal({"JOURNAL_STREAM": "garbage"}, stream.fileno())


def test_the_kiosk_under_the_journal_logs_priorities_and_writes_no_file(tmp_path: Path) -> None:
    """The whole program with its standard error where systemd's JOURNAL_STREAM says (here a
    pipe, which has a device and inode too): the journal keeps the log, so there is no second
    copy in the default log folder."""
    reader, writer = os.pipe()
    status = os.fstat(writer)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(REPO),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "JOURNAL_STREAM": f"{status.st_dev}:{status.st_ino}",
    }
    env.pop("PULSE_SERVER", None)
    with (
        os.fdopen(reader, encoding="utf-8") as journal,
        subprocess.Popen([sys.executable, "-m", "kiosk"], env=env, stderr=writer) as kiosk,
    ):
        os.close(writer)  # the kiosk holds it; the end of its output is the end of the pipe
        try:
            lines = []
            for line in journal:  # the log says when it runs and listens for signals
                lines.append(line.rstrip("\n"))
                if "kiosk running" in line:
                    break
            kiosk.send_signal(signal.SIGTERM)
            assert kiosk.wait(timeout=15) == 0
            lines += journal.read().splitlines()
        finally:
            if kiosk.poll() is None:
                kiosk.kill()
    assert "<6>INFO kiosk.init: asked to stop by SIGTERM: quitting" in lines, lines
    ours = [line for line in lines if " kiosk." in line]
    assert len(ours) >= 3, lines
    assert all(re.match(r"<[2-7]>[A-Z]+ kiosk\.", line) for line in ours), ours
    assert list(tmp_path.rglob("kiosk.log")) == [], "no log file beside the journal"

"""What printing leaves on the machine, kept to the least: the ids of the kiosk's own unfinished
jobs, so none prints later, and the handout files, private and short-lived."""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
import time
from pathlib import Path

from kiosk.paths import APP_FOLDER, state_dir, write_state_file
from kiosk.printing import cups

log = logging.getLogger("kiosk.printing")

# One job id ("QUEUE-N") a line: never a title, a question or a time.
LEDGER_NAME = "print-jobs"
_JOB_ID = re.compile(r"\S+-\d+")
# The folders of handouts on their way to CUPS: "print-<pid>-<random>", so that a kiosk
# sweeping at start leaves alone those of another kiosk process (kiosk print) still running.
_JOB_FOLDER = re.compile(r"print-(?P<pid>\d+)-\w+")
SAVED_PDF_GLOB = "handout-*.pdf"


class JobLedger:
    """The kiosk's print jobs that CUPS has not yet confirmed as over, in a file that outlives
    the kiosk, so that a job it gave up on is cancelled even after a crash or a power cut.

    Safe to use from several threads. ``path`` None keeps the ids in memory only (no state
    folder can be written); the log says so once.
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._ids: list[str] = self._read()

    @classmethod
    def default(cls) -> JobLedger:
        """The ledger in the kiosk's state folder."""
        return cls(state_dir() / LEDGER_NAME)

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._ids)

    def add(self, job_id: str) -> None:
        with self._lock:
            if job_id not in self._ids:
                self._ids.append(job_id)
                self._write()

    def discard(self, job_id: str) -> None:
        with self._lock:
            if job_id in self._ids:
                self._ids.remove(job_id)
                self._write()

    def settle(self, confirm_s: float = cups.CANCEL_CONFIRM_S) -> list[str]:
        """Cancels every job in the ledger that has not ended and forgets those that have;
        returns the ids still owed a cancel because CUPS did not answer."""
        for job_id in self.ids():
            end = cups.cancel_job(job_id, confirm_s)
            if end is cups.JobEnd.UNREACHABLE:
                continue
            if end is cups.JobEnd.CANCELLED:
                log.warning("print job %s, which the kiosk had given up on, cancelled", job_id)
            self.discard(job_id)
        return self.ids()

    def _read(self) -> list[str]:
        if self._path is None:
            return []
        try:
            text = self._path.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            return []
        except OSError as error:
            log.warning("cannot read the print job list %s: %s", self._path, error)
            return []
        return [line for line in text.split() if _JOB_ID.fullmatch(line)]

    def _write(self) -> None:
        if self._path is None:
            return
        try:
            # A power cut leaves the old list or the new.
            write_state_file(self._path, "".join(f"{job_id}\n" for job_id in self._ids))
        except OSError as error:
            log.warning(
                "cannot write the print job list %s (%s): a job given up on now is cancelled "
                "while the kiosk runs, but not after a restart",
                self._path,
                error,
            )
            self._path = None


def private_folder() -> Path:
    """The kiosk's own temporary folder (0700), for handouts on their way to CUPS.

    In the session's runtime folder where there is one (a tmpfs the user alone can enter, emptied
    at log-out), otherwise in the system's temporary folder. A folder of that name that another
    user made is never used.
    """
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and Path(runtime).is_absolute() and Path(runtime).is_dir():
        folder = Path(runtime) / APP_FOLDER
    else:
        user = os.getuid() if hasattr(os, "getuid") else os.getlogin()
        folder = Path(tempfile.gettempdir()) / f"{APP_FOLDER}-{user}"
    folder.mkdir(mode=0o700, exist_ok=True)
    _make_private(folder)
    return folder


def job_folder() -> Path:
    """A new folder (0700) for one handout, inside ``private_folder``."""
    return Path(tempfile.mkdtemp(prefix=f"print-{os.getpid()}-", dir=private_folder()))


def sweep_job_folders() -> int:
    """Removes the handout folders that kiosk processes no longer running left behind (killed
    before they could); returns how many."""
    try:
        folder = private_folder()
        entries = list(folder.iterdir())
    except OSError as error:
        log.warning("cannot look for handouts left behind: %s", error)
        return 0
    removed = 0
    for entry in entries:
        found = _JOB_FOLDER.fullmatch(entry.name)
        if found is None or _process_alive(int(found["pid"])):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed += 1
    if removed:
        log.warning("removed %d handout folder(s) that a stopped kiosk left behind", removed)
    return removed


def prepare_pdf_folder(folder: Path) -> None:
    """Makes the folder for saved handouts, open to the kiosk's user alone (0700)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _make_private(folder)


def make_file_private(path: Path) -> None:
    """A saved handout is readable by the kiosk's user alone (0600)."""
    if sys.platform != "win32":
        path.chmod(0o600)


def delete_expired_pdfs(folder: Path, keep_hours: float, now_s: float | None = None) -> int:
    """Deletes the handouts saved in ``folder`` more than ``keep_hours`` ago; returns how many."""
    limit_s = (time.time() if now_s is None else now_s) - keep_hours * 3600
    removed = 0
    try:
        saved = list(folder.glob(SAVED_PDF_GLOB))
    except OSError:
        return 0
    for path in saved:
        try:
            if path.stat().st_mtime < limit_s:
                path.unlink()
                removed += 1
        except OSError as error:
            log.warning("cannot delete the old handout %s: %s", path, error)
    if removed:
        log.info("deleted %d saved handout(s) older than %g hours", removed, keep_hours)
    return removed


def _make_private(folder: Path) -> None:
    """Refuses a folder another user owns; makes our own one 0700."""
    if sys.platform == "win32":
        return
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(
            f"{folder} is not a folder of this user's; remove it, or give it to this user"
        )
    if stat.S_IMODE(info.st_mode) != 0o700:
        folder.chmod(0o700)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: leave its folder alone
    except OSError:
        return False
    return True

"""The kiosk's log: a rotating file in the platform's log folder, or systemd's journal, and
recent lines for staff."""

from __future__ import annotations

import logging
import os
import sys
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("kiosk.init")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_FILE_NAME = "kiosk.log"
# The journal stamps each line itself, and shows the priority it reads from a "<N>" prefix.
JOURNAL_FORMAT = "%(levelname)s %(name)s: %(message)s"
# syslog(3)'s priorities, which journald reads from a line's "<N>" prefix (sd-daemon(3)).
_PRIORITIES = (
    (logging.CRITICAL, 2),
    (logging.ERROR, 3),
    (logging.WARNING, 4),
    (logging.INFO, 6),
)
_DEBUG_PRIORITY = 7


def under_journal(environ: Mapping[str, str] = os.environ, fd: int = 2) -> bool:
    """Whether standard error (``fd``) is systemd's journal. JOURNAL_STREAM names the stream
    systemd connected; a child whose standard error went elsewhere inherits the variable, so
    it is compared with the stream itself, as systemd.exec(5) advises."""
    device, _, inode = environ.get("JOURNAL_STREAM", "").partition(":")
    try:
        stream = os.fstat(fd)
    except OSError:
        return False
    return f"{stream.st_dev}:{stream.st_ino}" == f"{device}:{inode}"


class JournalFormatter(logging.Formatter):
    """A record as journald reads it from standard error: every line with the record's
    syslog priority first (``<3>`` for an error), a traceback's lines too, and no time."""

    def __init__(self) -> None:
        super().__init__(JOURNAL_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        priority = next(
            (number for level, number in _PRIORITIES if record.levelno >= level), _DEBUG_PRIORITY
        )
        return "\n".join(f"<{priority}>{line}" for line in super().format(record).splitlines())


class RecentLines(logging.Handler):
    """The last ``capacity`` log records, formatted, for a staff screen to show.

    A record with a traceback is one entry, newlines and all.
    """

    def __init__(self, capacity: int = 200) -> None:
        super().__init__()
        self._lines: deque[str] = deque(maxlen=capacity)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # logging must never raise into the code that logged
            self.handleError(record)
            return
        self._lines.append(line)

    def lines(self) -> list[str]:
        """The kept lines, oldest first."""
        # handle() holds the handler's lock around emit(); take it too, so a line logged from
        # the narration or printing thread never lands while the deque is being copied.
        self.acquire()
        try:
            return list(self._lines)
        finally:
            self.release()


@dataclass
class LogSetup:
    """What ``setup_logging`` installed on the root logger, and whether the file is written."""

    recent: RecentLines
    file: Path | None  # None: no log file (none was asked for, or it could not be opened)
    file_problem: str | None  # why the file could not be used, for the staff screen
    _handlers: list[logging.Handler] = field(default_factory=list, repr=False)
    _previous_level: int = logging.WARNING

    def open_file(self, folder: Path, max_bytes: int = 1_000_000, backups: int = 5) -> None:
        """Write the log to ``folder``/kiosk.log too, beginning with the lines logged so far.
        A file that cannot be written is logged and kept in ``file_problem``.

        The kiosk opens its file once the early welcome screen shows: the rotating handler's
        module brings sockets and pickle, 5 ms of every start before it (issue 19)."""
        from logging.handlers import RotatingFileHandler  # noqa: PLC0415 - see above

        path = folder / LOG_FILE_NAME
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handler = RotatingFileHandler(
                path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
            )
        except OSError as error:
            self.file_problem = f"cannot write {path} ({error.strerror or error})"
            log.warning("Logs go to the console only: %s", self.file_problem)
            return
        handler.setFormatter(logging.Formatter(LOG_FORMAT))  # the recent lines' format
        stream = handler.stream
        assert stream is not None  # opened at once: it is not a delayed handler
        stream.writelines(line + "\n" for line in self.recent.lines())
        handler.flush()
        logging.getLogger().addHandler(handler)
        self._handlers.append(handler)
        self.file = path

    def close(self) -> None:
        """Remove and close the handlers this set-up added; others (pytest's) stay."""
        global _active  # noqa: PLW0603 - the one place that records what is installed
        root = logging.getLogger()
        for handler in self._handlers:
            root.removeHandler(handler)
            handler.close()
        if self._handlers:
            root.setLevel(self._previous_level)
        self._handlers.clear()
        if _active is self:
            _active = None


# The set-up currently on the root logger, so that a second call replaces it instead of
# adding a second copy of every handler (every line would be written twice).
_active: LogSetup | None = None


def setup_logging(
    folder: Path | None,
    level: int = logging.INFO,
    console: bool = True,
    max_bytes: int = 1_000_000,
    backups: int = 5,
    *,
    journal: bool = False,
) -> LogSetup:
    """Send the root logger's records to ``folder``/kiosk.log, stderr and the recent lines;
    with ``journal``, stderr is systemd's journal (see ``under_journal``) and its lines carry
    their priority and no time.

    A log file that cannot be written does not stop the kiosk: the problem is logged and kept
    in ``LogSetup.file_problem``, and the records still reach the console and the recent lines.
    """
    close_logging()
    formatter = logging.Formatter(LOG_FORMAT)
    recent = RecentLines()
    handlers: list[logging.Handler] = [recent]
    if console:
        stderr = logging.StreamHandler(sys.stderr)
        if journal:
            stderr.setFormatter(JournalFormatter())
        handlers.append(stderr)
    root = logging.getLogger()
    setup = LogSetup(recent, None, None, handlers, root.level)
    for handler in handlers:
        if handler.formatter is None:
            handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(level)
    global _active  # noqa: PLW0603 - see _active
    _active = setup
    if folder is not None:
        setup.open_file(folder, max_bytes, backups)
    return setup


def close_logging() -> None:
    """Remove the handlers of the current ``setup_logging``, if any (at exit, and in tests)."""
    if _active is not None:
        _active.close()

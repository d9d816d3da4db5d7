"""The kiosk's log: a rotating file in the platform's log folder, and recent lines for staff."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from logging.handlers import RotatingFileHandler
from pathlib import Path

log = logging.getLogger("kiosk.init")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_FILE_NAME = "kiosk.log"


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
) -> LogSetup:
    """Send the root logger's records to ``folder``/kiosk.log, stderr and the recent lines.

    A log file that cannot be written does not stop the kiosk: the problem is logged and kept
    in ``LogSetup.file_problem``, and the records still reach the console and the recent lines.
    """
    close_logging()
    formatter = logging.Formatter(LOG_FORMAT)
    recent = RecentLines()
    handlers: list[logging.Handler] = [recent]
    if console:
        handlers.append(logging.StreamHandler())  # stderr
    file: Path | None = None
    file_problem: str | None = None
    if folder is not None:
        path = folder / LOG_FILE_NAME
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handlers.append(
                RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
            )
            file = path
        except OSError as error:
            file_problem = f"cannot write {path} ({error.strerror or error})"
    root = logging.getLogger()
    setup = LogSetup(recent, file, file_problem, handlers, root.level)
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(level)
    global _active  # noqa: PLW0603 - see _active
    _active = setup
    if file_problem:
        log.warning("Logs go to the console only: %s", file_problem)
    return setup


def close_logging() -> None:
    """Remove the handlers of the current ``setup_logging``, if any (at exit, and in tests)."""
    if _active is not None:
        _active.close()

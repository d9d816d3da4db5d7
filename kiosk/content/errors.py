"""The error a broken content pack raises: it names the file, the line and the problem."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

# Before Python 3.14, TOMLDecodeError has no lineno: the position is only in the message,
# as "(at line 3, column 7)" or "(at end of document)".
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$")


class ContentError(Exception):
    """A content file that cannot be shown, with a message staff can act on."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}, line {line}" if line else self.path
        super().__init__(f"{where}: {problem}")


def toml_error_position(
    error: tomllib.TOMLDecodeError, last_line: int | None = None
) -> tuple[int | None, str]:
    """The line of a TOML syntax error and its message without the position.

    An error "at end of document" is placed on ``last_line`` when it is given.
    """
    message = str(error)
    line: int | None = getattr(error, "lineno", None)  # Python 3.14 and later
    position = _TOML_POSITION.search(message)
    if position:
        message = message[: position.start()]
        if line is None:
            line = int(position.group(1)) if position.group(1) else last_line
    return line, message

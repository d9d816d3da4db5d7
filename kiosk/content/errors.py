"""The error a broken content pack raises: it names the file, the line and the problem."""

from __future__ import annotations

from pathlib import Path


class ContentError(Exception):
    """A content file that cannot be shown, with a message staff can act on."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}, line {line}" if line else self.path
        super().__init__(f"{where}: {problem}")

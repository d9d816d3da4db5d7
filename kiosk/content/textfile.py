"""Reading a content file (a leaflet, a pronunciation list): an ordinary file of bounded size,
UTF-8 with or without a byte-order mark, free of invisible control characters."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path

from kiosk.content.errors import ContentError

# The shipped leaflet is 5 KB. Parsing a 1 MB leaflet takes 0.3 s; no section can be longer
# than the parser's limit anyway (20,000 characters), so a larger file is not a leaflet.
LEAFLET_LIMIT_BYTES = 1_000_000
# The shipped pronunciation list is 2 KB (33 lines); 100 KB is a few thousand words.
PRONUNCIATION_LIMIT_BYTES = 100_000

# os.open flags: O_NONBLOCK so that opening a FIFO that appeared after the check does not wait
# for a writer; O_NOCTTY so that a terminal never becomes ours; O_BINARY on Windows, where
# os.open would otherwise translate line ends.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)
_PERMISSION_HINT = "make it readable, and its folders openable, by the user the kiosk runs as"

# Characters that are invisible and either do nothing visible or change how the text around
# them is shown: C0 and C1 controls (tab and line ends are text), and the bidirectional
# embeddings, overrides, isolates and marks. The kiosk's languages are all written left to
# right, so none of these has a use in its text; U+202E can make a line read backwards.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class MissingFileError(ContentError):
    """The content file does not exist (a pronunciation list, for one, is optional)."""


def read_text_file(path: Path, *, limit_bytes: int, what: str) -> str:
    """The text of the content file at ``path``, with ``\\n`` line ends.

    ``what`` names the kind of file in a message ("leaflet"). Raises ``MissingFileError`` when
    there is no file, ``ContentError`` when it is not an ordinary file (a folder, a device, a
    FIFO, which would block the reader), is larger than ``limit_bytes``, cannot be read, is not
    UTF-8 or holds a control character. At most ``limit_bytes + 1`` bytes are read.
    """
    try:
        # Checked before opening: opening a FIFO waits for a writer, a device may be endless.
        _check_ordinary(path, os.stat(path))
        descriptor = os.open(path, _OPEN_FLAGS)
    except (FileNotFoundError, NotADirectoryError):
        raise MissingFileError(path, None, "the file does not exist") from None
    except OSError as error:
        raise ContentError(path, None, cannot_read("file", error)) from None
    with open(descriptor, "rb") as file:
        # Again on what was opened, in case the path was replaced in between.
        status = os.fstat(descriptor)
        _check_ordinary(path, status)
        if status.st_size > limit_bytes:
            raise ContentError(path, None, _too_large(status.st_size, limit_bytes, what))
        try:
            data = file.read(limit_bytes + 1)
        except OSError as error:
            raise ContentError(path, None, cannot_read("file", error)) from None
    if len(data) > limit_bytes:  # it grew, or says it is empty (as files in /proc do)
        raise ContentError(path, None, _too_large(len(data), limit_bytes, what))
    try:
        # utf-8-sig: editors such as Notepad put a byte-order mark at the start.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ContentError(
            path, line, "the text is not UTF-8; save the file with UTF-8 encoding"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_no_control(path, text)
    return text


def cannot_read(kind: str, error: OSError) -> str:
    """What to tell staff when the ``kind`` ("file", "folder") cannot be read."""
    reason = error.strerror or type(error).__name__
    if isinstance(error, PermissionError):
        return f"the {kind} cannot be read ({reason}); {_PERMISSION_HINT}"
    return f"the {kind} cannot be read ({reason}); check that it is sound and in its place"


def _check_ordinary(path: Path, status: os.stat_result) -> None:
    mode = status.st_mode
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        kind = "a folder"
    elif stat.S_ISFIFO(mode):
        kind = "a named pipe (FIFO)"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "a special file"
    problem = f"this is {kind}, not an ordinary file; put the text file itself here"
    raise ContentError(path, None, problem)


def _too_large(size_bytes: int, limit_bytes: int, what: str) -> str:
    return (
        f"the file is {_size(size_bytes)}, more than the {_size(limit_bytes)} a {what} may be; "
        "check that this is the right file, or shorten it"
    )


def _size(count_bytes: int) -> str:
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if count_bytes >= scale:
            return f"{count_bytes / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count_bytes} bytes"


def _check_no_control(path: Path, text: str) -> None:
    found = _CONTROL.search(text)
    if found is None:
        return
    start = found.start()
    line_start = text.rfind("\n", 0, start) + 1
    character = found.group()
    name = unicodedata.name(character, "")
    code = f"U+{ord(character):04X}" + (f" {name}" if name else "")
    raise ContentError(
        path,
        text.count("\n", 0, start) + 1,
        f"column {start - line_start + 1} holds an invisible control character ({code}), "
        "which changes or hides what is shown; delete it (retype the line if you cannot find it)",
    )

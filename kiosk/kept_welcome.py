"""The file that keeps the welcome screen's picture between starts, and its stamp.

``kiosk.ui.snapshot`` shows the picture before the kiosk is built (it says why). This part
reads and writes the file without Qt, so that a start whose picture is old or missing costs
no more than reading the file's first lines, and a command (``kiosk doctor``, ``kiosk
content check``) does not load Qt for it.

The file is a header of text lines, then the pixels (32-bit RGB, row after row):

- ``clinic-kiosk welcome snapshot 1``
- the stamp: ``program``, ``argv`` and ``env`` lines, then a ``file`` line (size, time,
  path) for every file the picture was drawn from;
- ``image`` (width, height, bytes per line, pixel ratio, windowed), ``title``,
  ``description``, a ``language`` line (code and box) for each language button shown;
- an empty line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence

# pathlib, tempfile and the rest kiosk.paths imports cost nothing here: Qt Widgets, which every
# start imports next, imports them all.
from kiosk.paths import cache_dir

FILE_NAME = "welcome-snapshot"
_MAGIC = "clinic-kiosk welcome snapshot 1"
# Environment variables that change what the welcome screen looks like, where it goes, or
# which configuration file is read, beside the command line.
_ENVIRONMENT_PREFIXES = ("QT_", "KIOSK")
_ENVIRONMENT_NAMES = ("DISPLAY", "WAYLAND_DISPLAY", "XDG_CONFIG_HOME")
_HEADER_MAX_BYTES = 1 << 20  # a stamp is a few kB; anything longer is not one of ours
_SIDE_MAX_PX = 16384


class KeptPicture:
    """The welcome screen's picture as kept: its pixels and what the window says of it."""

    def __init__(
        self,
        pixels: bytes,
        size: tuple[int, int],
        *,
        pixel_ratio: float,
        windowed: bool,
        title: str,
        description: str,
        languages: Sequence[tuple[str, tuple[int, int, int, int]]] = (),
    ) -> None:
        self.pixels = pixels
        self.width, self.height = size  # in the screen's pixels
        self.pixel_ratio = pixel_ratio
        self.windowed = windowed
        self.title = title
        self.description = description
        # Each language button shown: its code and box (x, y, width, height) in logical pixels.
        self.languages = list(languages)


def snapshot_file(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> str:
    """Where the picture is kept: in the kiosk's cache folder (``kiosk.paths.cache_dir``)."""
    return str(cache_dir(platform, environ) / FILE_NAME)


def has_display(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> bool:
    """Qt aborts the whole process when it finds no display, so look before starting it."""
    if environ.get("QT_QPA_PLATFORM") or platform in ("win32", "darwin"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def files_stamp(files: Iterable[str]) -> list[str]:
    """The stamp's lines of ``files`` as they are now: take them before the picture is drawn,
    so that a file changed meanwhile makes the stamp old, never wrongly new."""
    return [_file_line(file) for file in files]


def write_kept(
    path: str,
    picture: KeptPicture,
    argv: Sequence[str],
    files: Sequence[str],
    environ: Mapping[str, str] = os.environ,
) -> None:
    """Keep ``picture`` at ``path``, stamped with ``argv``, ``environ``'s settings and
    ``files`` (``files_stamp``'s lines). Whole or not at all. Raises OSError, or ValueError
    for a value a line cannot hold (a line break in a path)."""
    ratio, windowed = picture.pixel_ratio, int(picture.windowed)
    lines = [
        _MAGIC,
        *_fixed_lines(argv, environ),
        *files,
        f"image\t{picture.width}\t{picture.height}\t{4 * picture.width}\t{ratio!r}\t{windowed}",
        f"title\t{picture.title}",
        f"description\t{picture.description}",
        *(f"language\t{code}\t{x}\t{y}\t{w}\t{h}" for code, (x, y, w, h) in picture.languages),
    ]
    if any("\n" in line or "\r" in line for line in lines):
        raise ValueError("a line break in a value the stamp keeps")
    if len(picture.pixels) != 4 * picture.width * picture.height:
        raise ValueError("the pixels do not fill the picture")
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    # A kiosk killed while writing (a power cut, SIGKILL) left its half-written file: 8 MB.
    stale = f"{os.path.basename(path)}."
    for name in os.listdir(folder):
        if name.startswith(stale) and name.endswith(".tmp"):
            os.unlink(os.path.join(folder, name))
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(temporary, flags, 0o600), "wb") as file:  # the kiosk's alone
            file.write(("\n".join(lines) + "\n\n").encode("utf-8"))
            file.write(picture.pixels)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def read_kept(
    path: str, argv: Sequence[str], environ: Mapping[str, str] = os.environ
) -> KeptPicture:
    """The picture at ``path`` if its stamp is still true. Raises OSError if the file cannot
    be read, ValueError if it is not one of ours (broken, cut short) or its stamp is old
    (saying what changed)."""
    with open(path, "rb") as file:
        header = file.read(_HEADER_MAX_BYTES)  # the pixels are read only for a true stamp
        end = header.find(b"\n\n")
        if end < 0:
            raise ValueError("not a welcome snapshot")
        lines = header[:end].decode("utf-8").split("\n")
        if lines[0] != _MAGIC:
            raise ValueError("not a welcome snapshot of this version")
        fixed = _fixed_lines(argv, environ)
        if lines[1 : 1 + len(fixed)] != fixed:
            raise ValueError("the program, its command line or its environment changed")
        picture = _picture_of(lines[1 + len(fixed) :])
        size = 4 * picture.width * picture.height
        file.seek(end + 2)
        picture.pixels = file.read(size + 1)
    if len(picture.pixels) != size:  # Qt would read past a short buffer
        raise ValueError("the picture is cut short, or longer than its size")
    return picture


def _picture_of(lines: list[str]) -> KeptPicture:
    """The picture the header's ``lines`` after the fixed ones describe, with no pixels yet;
    ValueError if a file they name changed or a line is not one of ours."""
    shape: list[str] = []
    texts = {"title": "", "description": ""}
    languages: list[tuple[str, tuple[int, int, int, int]]] = []
    for line in lines:
        kind, _, value = line.partition("\t")
        if kind == "file":
            named = value.split("\t", 2)[-1]
            if _file_line(named) != line:
                raise ValueError(f"{named} changed")
        elif kind == "image":
            shape = value.split("\t")
        elif kind in texts:
            texts[kind] = value
        elif kind == "language":
            code, *box = value.split("\t")
            x, y, width, height = (int(number) for number in box)
            languages.append((code, (x, y, width, height)))
        else:  # an "env" line here: a setting the environment no longer has
            raise ValueError(f"the environment changed ({kind} line)")
    if len(shape) != 5:
        raise ValueError("no picture size")
    width, height, per_line, ratio = int(shape[0]), int(shape[1]), int(shape[2]), float(shape[3])
    if not (0 < width <= _SIDE_MAX_PX and 0 < height <= _SIDE_MAX_PX and per_line == 4 * width):
        raise ValueError("a picture size out of range")
    if not 0.5 <= ratio <= 8:
        raise ValueError("a pixel ratio out of range")
    return KeptPicture(
        b"",
        (width, height),
        pixel_ratio=ratio,
        windowed=shape[4] == "1",
        title=texts["title"],
        description=texts["description"],
        languages=languages,
    )


def _file_line(path: str) -> str:
    try:
        found = os.stat(path)
        size, changed = found.st_size, found.st_mtime_ns
    except OSError:
        size, changed = -1, -1  # absent (a configuration file not written yet) is a state too
    return f"file\t{size}\t{changed}\t{path}"


def _fixed_lines(argv: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """The stamp's lines that do not name files: the program, its command line, the
    environment's settings that matter."""
    settings = sorted(
        (name, value)
        for name, value in environ.items()
        if name.startswith(_ENVIRONMENT_PREFIXES) or name in _ENVIRONMENT_NAMES
    )
    return [
        f"program\t{sys.executable}\t{sys.version}",
        "argv\t" + "\x1f".join(argv),
        *(f"env\t{name}\t{value}" for name, value in settings),
    ]

"""Noticing that the clinic's tools changed the kiosk's files: its configuration, its leaflets.

A clinic group's configuration tool (ansible, or any that drops files) replaces a file by
writing a new one and renaming it over the old, which a file-system watch on the old file
misses; so the kiosk looks instead, every few seconds, at what it reads: each file's size,
modification time and inode. Looking costs a few ``stat`` calls.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

# One file's state: its path and (inode, size, modification time in ns), or None while missing.
Fingerprint = tuple[tuple[str, tuple[int, int, int] | None], ...]


def files_under(folder: Path) -> list[Path]:
    """Every file in ``folder`` and its subfolders, skipping hidden ones (an editor's or a
    copy tool's temporary files) and not following links to folders; ``folder`` itself if it
    is a file (a content pack of one leaflet file)."""
    if folder.is_file():
        return [folder]
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        found += [Path(root, name) for name in sorted(files) if not name.startswith(".")]
    return found


def fingerprint(paths: Iterable[Path]) -> Fingerprint:
    """What the files are now: a change to any of them, or one appearing or going, changes it."""
    seen: list[tuple[str, tuple[int, int, int] | None]] = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            seen.append((str(path), None))
        else:
            seen.append((str(path), (info.st_ino, info.st_size, info.st_mtime_ns)))
    return tuple(seen)

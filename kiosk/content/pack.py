"""Content packs: a folder per leaflet with one Markdown file per language (``en.md``)."""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePath

from kiosk.content.errors import ContentError
from kiosk.content.languages import supported_languages
from kiosk.content.model import Leaflet
from kiosk.content.parser import LeafletHeader, parse_leaflet, read_header
from kiosk.content.textfile import cannot_read

# Languages the kiosk has screens and voices for: one file each in resources/languages.
SUPPORTED_LANGUAGES = supported_languages()
LEAFLET_SUFFIX = ".md"
PRONUNCIATION_FILES = "pronunciation-*.toml"  # pronunciation-en.toml beside en.md


def load_leaflet(pack: Path, language: str) -> Leaflet:
    """Load the leaflet of ``pack`` (a folder, or one leaflet file) in ``language``.

    A single file must be in ``language`` too: the kiosk's own words and voice follow the
    configured language, and a leaflet in another one would not match them.
    """
    path = _leaflet_file(pack, language)
    leaflet = parse_leaflet(path, SUPPORTED_LANGUAGES, _file_language(path))
    _check_language(pack, leaflet.language, language)
    return leaflet


def leaflet_header(pack: Path, language: str) -> LeafletHeader:
    """The header of the leaflet ``load_leaflet`` would load, read and checked alone."""
    path = _leaflet_file(pack, language)
    header = read_header(path, SUPPORTED_LANGUAGES, _file_language(path))
    _check_language(pack, header.language, language)
    return header


def _leaflet_file(pack: Path, language: str) -> Path:
    return pack / f"{language}{LEAFLET_SUFFIX}" if _is_folder(pack) else pack


def _is_folder(path: Path) -> bool:
    """Whether the content pack ``path`` is a folder (else it is one file, checked when read);
    raise ``ContentError`` when it is not there or cannot be reached."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        raise ContentError(path, None, "the content pack does not exist") from None
    except OSError as error:
        raise ContentError(path, None, cannot_read("content pack", error)) from None


def _listed(folder: Path, pattern: str) -> list[Path]:
    try:
        names = os.listdir(folder)
    except OSError as error:  # Path.glob would say nothing and find nothing
        raise ContentError(folder, None, cannot_read("folder", error)) from None
    return sorted(folder / name for name in names if PurePath(name).match(pattern))


def _file_language(path: Path) -> str | None:
    return path.stem if path.stem in SUPPORTED_LANGUAGES else None


def _check_language(pack: Path, found: str, wanted: str) -> None:
    if found != wanted:
        raise ContentError(
            pack, None, f"the leaflet is in {found!r} but the kiosk is set to {wanted!r}"
        )


def _load_file(path: Path) -> Leaflet:
    return parse_leaflet(path, SUPPORTED_LANGUAGES, _file_language(path))


def check_path(path: Path) -> list[Leaflet]:
    """Validate a pack folder (every leaflet file in it) or a single leaflet file.

    Raise ``ContentError`` for the first problem found.
    """
    if not _is_folder(path):
        return [_load_file(path)]
    files = _listed(path, f"*{LEAFLET_SUFFIX}")
    if not files:
        raise ContentError(path, None, f"the folder has no leaflet files (*{LEAFLET_SUFFIX})")
    return [_load_file(file) for file in files]


def pronunciation_files(path: Path) -> list[Path]:
    """The pronunciation lists of the pack folder ``path``, or ``path`` itself when its name
    says it is one; none for a leaflet file."""
    if _is_folder(path):
        return _listed(path, PRONUNCIATION_FILES)
    return [path] if path.match(PRONUNCIATION_FILES) else []

"""Content packs: a folder per leaflet with one Markdown file per language (``en.md``)."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path, PurePath

from kiosk.content.errors import ContentError
from kiosk.content.languages import supported_languages
from kiosk.content.model import Leaflet, Section
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
    """Validate a pack folder (every leaflet file in it, and that they match one another in
    structure) or a single leaflet file.

    Raise ``ContentError`` for the first problem found.
    """
    if not _is_folder(path):
        return [_load_file(path)]
    files = _listed(path, f"*{LEAFLET_SUFFIX}")
    if not files:
        raise ContentError(path, None, f"the folder has no leaflet files (*{LEAFLET_SUFFIX})")
    leaflets = [_load_file(file) for file in files]
    # The original first (a translation names it), else the first file.
    originals = {leaflet.translated_from for leaflet in leaflets} - {None}
    first = next((x for x in leaflets if x.language in originals), leaflets[0])
    for leaflet in leaflets:
        if leaflet is not first:
            check_same_structure(first, leaflet)
    return leaflets


def load_translations(pack: Path, languages: Sequence[str]) -> dict[str, Leaflet]:
    """The pack's leaflet in each of ``languages`` (the first is the one the others must
    match), by code; ``ContentError`` for a missing or broken file or a mismatch."""
    leaflets = {code: load_leaflet(pack, code) for code in languages}
    first = leaflets[languages[0]]
    for code in languages[1:]:
        check_same_structure(first, leaflets[code])
    return leaflets


def check_same_structure(original: Leaflet, other: Leaflet) -> None:
    """Raise ``ContentError`` where ``other`` parts from ``original``: the same sections in the
    same order, each of the same kind, and the same number of questions. A tick carries
    from one language to the other by the question's number, and the patient stays on the
    page of the same number, so the two must match one to one."""
    here, there = other.sections, original.sections
    fix = f"make the two files match section by section (translate {Path(original.path).name})"
    for index, (mine, theirs) in enumerate(zip(here, there, strict=False), start=1):
        if mine.kind is not theirs.kind:
            raise ContentError(
                Path(other.path),
                mine.blocks[0].line,
                f"page {index} is {mine.heading!r} ({mine.kind.value}), but in "
                f"{_where(original, theirs)} page {index} is {theirs.heading!r} "
                f"({theirs.kind.value}); {fix}",
            )
    if len(here) != len(there):
        extra = len(here) > len(there)
        longer = other if extra else original
        section = longer.sections[min(len(here), len(there))]
        raise ContentError(
            Path(other.path),
            section.blocks[0].line if extra else None,
            f"it has {len(here)} pages and {Path(original.path).name} has {len(there)}: "
            f"{_where(longer, section)}, {section.heading!r}, has no match; {fix}",
        )
    mine_q, theirs_q = other.questions, original.questions
    if len(mine_q) != len(theirs_q):
        if len(mine_q) > len(theirs_q):
            line = mine_q[len(theirs_q)].block.line  # the first with no match
        else:
            line = (mine_q[-1].block if mine_q else other.questions_section.blocks[0]).line
        raise ContentError(
            Path(other.path),
            line,
            f"it has {len(mine_q)} questions and {Path(original.path).name} has "
            f"{len(theirs_q)}; ticks carry between languages by number, so translate "
            "every question, one for one",
        )


def _where(leaflet: Leaflet, section: Section) -> str:
    return f"{Path(leaflet.path).name}, line {section.blocks[0].line},"


def pronunciation_files(path: Path) -> list[Path]:
    """The pronunciation lists of the pack folder ``path``, or ``path`` itself when its name
    says it is one; none for a leaflet file."""
    if _is_folder(path):
        return _listed(path, PRONUNCIATION_FILES)
    return [path] if path.match(PRONUNCIATION_FILES) else []

"""Content packs: a folder per leaflet with one Markdown file per language (``en.md``)."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path, PurePath

from kiosk.content.errors import ContentError
from kiosk.content.languages import language, supported_languages
from kiosk.content.model import Block, BlockKind, Leaflet, Section, SectionKind
from kiosk.content.parser import LeafletHeader, parse_leaflet, read_header
from kiosk.content.textfile import MissingFileError, cannot_read

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
    _check_all_match(leaflets)
    return leaflets


def load_translations(pack: Path, languages: Sequence[str]) -> dict[str, Leaflet]:
    """The leaflet of the pack folder ``pack`` in each of ``languages``, by code, in that
    order; ``ContentError`` for a missing or broken file, or for languages that do not match
    one another section by section and question by question."""
    leaflets: dict[str, Leaflet] = {}
    for code in languages:
        try:
            leaflets[code] = load_leaflet(pack, code)
        except MissingFileError as error:
            others = ", ".join(f"{other}{LEAFLET_SUFFIX}" for other in languages if other != code)
            raise ContentError(
                error.path,
                None,
                f"the pack has no leaflet in {language(code).english_name} ({code}"
                f"{LEAFLET_SUFFIX}); translate {others or 'the leaflet'} into it, or leave "
                f"{code!r} out of the languages the kiosk offers",
            ) from None
    _check_all_match(list(leaflets.values()))
    return leaflets


def offered_leaflets(
    pack: Path, default: str, languages: Sequence[str]
) -> tuple[dict[str, Leaflet], dict[str, ContentError]]:
    """The leaflet in each of ``languages`` that can be offered beside the ``default``
    language's, by code in that order, and why each other one cannot (missing, broken, or not
    matching the default's section by section). The default's must load: ``ContentError``."""
    first = load_leaflet(pack, default)
    leaflets: dict[str, Leaflet] = {}
    refused: dict[str, ContentError] = {}
    for code in languages:
        if code == default:
            leaflets[code] = first
            continue
        try:
            leaflet = load_leaflet(pack, code)
            check_same_structure(first, leaflet)
        except ContentError as error:
            refused[code] = error
            continue
        leaflets[code] = leaflet
    return leaflets, refused


def _check_all_match(leaflets: list[Leaflet]) -> None:
    """Every leaflet matches the original (the one the others say they were translated
    from), else the first."""
    if not leaflets:
        return
    originals = {leaflet.translated_from for leaflet in leaflets} - {None}
    first = next((x for x in leaflets if x.language in originals), leaflets[0])
    for leaflet in leaflets:
        if leaflet is not first:
            check_same_structure(first, leaflet)


# How a block is named in a message, by its kind: one, more, and how it is written.
_BLOCK_NAMES = {
    BlockKind.HEADING: ("heading", "headings", ""),
    BlockKind.PARAGRAPH: ("paragraph", "paragraphs", ""),
    BlockKind.LIST_ITEM: ("list item", "list items", " (- ...)"),
    BlockKind.QUESTION: ("question", "questions", " (- [ ] ...)"),
}


def check_same_structure(original: Leaflet, other: Leaflet) -> None:
    """Raise ``ContentError`` where ``other`` parts from ``original``.

    The two must match one to one: the same sections in the same order, each of the same kind
    and in the same group (# heading), each with the same paragraphs and list items in the
    same order, and the same number of questions. A tick carries from one language to the
    other by the question's number, and a patient who switches language stays on the section
    of the same number, at the same paragraph. The words cannot be compared (they differ by
    language), so two sections of the same shape in swapped places are not found.
    """
    name = Path(original.path).name
    fix = (
        f"translate {name} section by section, paragraph by paragraph and item by item, so "
        "that the two files match one to one"
    )
    here, there = other.sections, original.sections
    for index in range(min(len(here), len(there))):
        if here[index].kind is SectionKind.QUESTIONS and there[index].kind is SectionKind.QUESTIONS:
            _check_same_questions(original, other)
            continue
        parted = _where_they_part(original, other, index)
        if parted is not None:
            line, problem = parted
            raise ContentError(
                Path(other.path), line, f"{problem}{_hint(original, other, index)}; {fix}"
            )
    if len(here) != len(there):
        extra = len(here) > len(there)
        longer = other if extra else original
        section = longer.sections[min(len(here), len(there))]
        raise ContentError(
            Path(other.path),
            section.blocks[0].line if extra else None,
            f"it has {len(here)} sections and {name} has {len(there)}: section "
            f"{min(len(here), len(there)) + 1}, {section.heading!r} "
            f"({Path(longer.path).name}, line {section.blocks[0].line}), has no match; {fix}",
        )


def _where_they_part(original: Leaflet, other: Leaflet, index: int) -> tuple[int, str] | None:
    """The line of ``other`` and the problem where its section ``index`` differs from the
    original's in kind, group or blocks; None if it does not."""
    mine, theirs = other.sections[index], original.sections[index]
    name, number = Path(original.path).name, index + 1
    their_line = theirs.blocks[0].line
    if mine.kind is not theirs.kind:
        return mine.blocks[0].line, (
            f"section {number} is {mine.heading!r} ({mine.kind.value}) but in {name}, "
            f"line {their_line}, it is {theirs.heading!r} ({theirs.kind.value})"
        )
    my_group, their_group = _groups(other)[index], _groups(original)[index]
    if my_group != their_group:
        return mine.blocks[0].line, (
            f"section {number}, {mine.heading!r}, is {_in_group(mine, my_group)} but in "
            f"{name}, line {their_line}, section {number}, {theirs.heading!r}, is "
            f"{_in_group(theirs, their_group)}"
        )
    for block, their_block in zip(mine.body, theirs.body, strict=False):
        if block.kind is not their_block.kind:
            return block.line, (
                f"in section {number}, {mine.heading!r}, this is {_a(block.kind)} but in "
                f"{name}, line {their_block.line}, it is {_a(their_block.kind)}, "
                f"{_opening(their_block)}"
            )
    if len(mine.body) == len(theirs.body):
        return None
    shorter = min(len(mine.body), len(theirs.body))
    if len(mine.body) > shorter:
        line, unmatched = mine.body[shorter].line, f"{_opening(mine.body[shorter])} has"
    else:
        line = (mine.body[-1] if mine.body else mine.blocks[0]).line
        missing = theirs.body[shorter]
        unmatched = f"{name}, line {missing.line}, {_opening(missing)}, has"
    return line, (
        f"section {number}, {mine.heading!r}, has {_count(mine.body)} but in {name}, line "
        f"{their_line}, section {number}, {theirs.heading!r}, has {_count(theirs.body)}: "
        f"{unmatched} no match"
    )


def _hint(original: Leaflet, other: Leaflet, index: int) -> str:
    """Where a whole section seems missing or added, going by the shapes that follow."""
    here = [_shape(section) for section in other.sections[index:]]
    there = [_shape(section) for section in original.sections[index:]]
    if here == there[1:]:
        missing = original.sections[index]
        return (
            f" (it looks as if {missing.heading!r}, {Path(original.path).name} line "
            f"{missing.blocks[0].line}, has no translation before it)"
        )
    if here[1:] == there:
        return " (it looks as if this section is one more than the original has)"
    if here[:2] == there[1::-1] and here[2:] == there[2:]:
        return f" (it looks as if sections {index + 1} and {index + 2} are in swapped places)"
    return ""


def _shape(section: Section) -> tuple[SectionKind, tuple[BlockKind, ...]]:
    return section.kind, tuple(block.kind for block in section.body)


def _check_same_questions(original: Leaflet, other: Leaflet) -> None:
    mine, theirs = other.questions, original.questions
    if len(mine) == len(theirs):
        return
    name = Path(original.path).name
    if len(mine) > len(theirs):
        line = mine[len(theirs)].block.line  # the first with no match
        unmatched = f"question {len(theirs) + 1}, {_opening(mine[len(theirs)].block)},"
    else:
        line = (mine[-1].block if mine else other.questions_section.blocks[0]).line
        missing = theirs[len(mine)]
        unmatched = (
            f"{name}'s question {missing.number}, line {missing.block.line}, "
            f"{_opening(missing.block)},"
        )
    raise ContentError(
        Path(other.path),
        line,
        f"it has {len(mine)} questions and {name} has {len(theirs)}: {unmatched} has no "
        "match; ticks carry between languages by number, so translate every question, one "
        "for one",
    )


def _groups(leaflet: Leaflet) -> list[int | None]:
    """Each section's group (the # heading above its ## heading), numbered in the order the
    home page shows them, or None for a section in no group."""
    numbers: list[int | None] = []
    count, previous = 0, None
    for section in leaflet.sections:
        if section.part is not None and section.part != previous:
            count += 1
        previous = section.part
        numbers.append(None if section.part is None else count)
    return numbers


def _in_group(section: Section, group: int | None) -> str:
    if group is None:
        return "in no group (no # heading above it)"
    return f"in group {group} ('# {section.part}')"


def _count(blocks: Sequence[Block]) -> str:
    counts: dict[BlockKind, int] = {}
    for block in blocks:
        counts[block.kind] = counts.get(block.kind, 0) + 1
    if not counts:
        return "no text"
    return " and ".join(
        f"{count} {_BLOCK_NAMES[kind][0 if count == 1 else 1]}" for kind, count in counts.items()
    )


def _a(kind: BlockKind) -> str:
    singular, _plural, written = _BLOCK_NAMES[kind]
    return f"a {singular}{written}"


def _opening(block: Block) -> str:
    """The first words of a block, to find it by."""
    words = block.text.split()
    shown = " ".join(words[:6])
    return repr(shown + (" ..." if len(words) > 6 else ""))


def pronunciation_files(path: Path) -> list[Path]:
    """The pronunciation lists of the pack folder ``path``, or ``path`` itself when its name
    says it is one; none for a leaflet file."""
    if _is_folder(path):
        return _listed(path, PRONUNCIATION_FILES)
    return [path] if path.match(PRONUNCIATION_FILES) else []

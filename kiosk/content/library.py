"""The content library: the clinic's leaflets by id, each in the languages it has, read when
first needed so that a kiosk with thirty leaflets starts as fast as one with one."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.content.errors import ContentError
from kiosk.content.languages import language
from kiosk.content.model import Leaflet, SectionKind
from kiosk.content.pack import (
    LEAFLET_SUFFIX,
    SUPPORTED_LANGUAGES,
    check_same_structure,
    leaflet_header,
    load_leaflet,
)
from kiosk.content.parser import LeafletHeader
from kiosk.content.textfile import MissingFileError

# The leaflet the kiosk ships with, and shows when the configuration names none.
SHIPPED_LEAFLET = "vertebroplasty"


@dataclass(frozen=True)
class LeafletSource:
    """Where one leaflet of the library is: its id (the folder's name, "vertebroplasty") and
    its folder, or the one leaflet file a path names."""

    id: str
    path: Path


class LibraryLeaflet:
    """One leaflet of the library, in each language of the kiosk that it has a file in.

    Its files are read when first asked for and then kept: ``header`` reads a file's header
    alone (the topic menu's title and summary), ``leaflet`` the whole file. A translation must
    match the default language's leaflet section by section and question by question, as in a
    one-leaflet kiosk.
    """

    def __init__(self, source: LeafletSource, default: str, languages: Sequence[str]) -> None:
        self.id = source.id
        self.path = source.path
        self._default = default
        self._languages = tuple(dict.fromkeys((default, *languages)))
        self._headers: dict[str, LeafletHeader] = {}
        self._leaflets: dict[str, Leaflet] = {}
        self._refused: dict[str, ContentError] = {}

    def __repr__(self) -> str:
        return f"LibraryLeaflet({self.id!r}, {str(self.path)!r})"

    @property
    def default_language(self) -> str:
        return self._default

    def has_language(self, code: str) -> bool:
        """Whether the leaflet has a file in ``code`` that has not been found broken (it may
        still be, once read whole)."""
        if code in self._refused or code not in self._languages:
            return False
        if not self.path.is_dir():
            return code == self._default
        return (self.path / f"{code}{LEAFLET_SUFFIX}").is_file()

    def languages(self) -> tuple[str, ...]:
        """The kiosk's languages this leaflet has, in the kiosk's order, the default first."""
        return tuple(code for code in self._languages if self.has_language(code))

    def header(self, code: str) -> LeafletHeader:
        """The header of the leaflet's file in ``code``; ``ContentError`` if it is missing or
        broken."""
        if code in self._refused:
            raise self._refused[code]
        if code not in self._headers:
            try:
                self._headers[code] = leaflet_header(self.path, code)
            except ContentError as error:
                self._refused[code] = error
                raise
        return self._headers[code]

    def leaflet(self, code: str) -> Leaflet:
        """The whole leaflet in ``code``, checked against the default language's;
        ``ContentError`` if it is missing, broken or does not match."""
        if code in self._refused:
            raise self._refused[code]
        if code not in self._leaflets:
            try:
                leaflet = load_leaflet(self.path, code)
                if code != self._default:
                    check_same_structure(self.leaflet(self._default), leaflet)
            except ContentError as error:
                self._refused[code] = error
                raise
            self._leaflets[code] = leaflet
        return self._leaflets[code]

    def summary(self, code: str) -> str:
        """The topic menu's one line: the header's ``summary``, else the leaflet's own first
        sentence (never words the leaflet does not say)."""
        header = self.header(code)
        if header.summary:
            return header.summary
        for section in self.leaflet(code).sections:
            if section.kind is SectionKind.INTRODUCTION:
                for block in section.body:
                    if block.sentences:
                        return block.sentences[0].text
        return ""

    def problems(self) -> dict[str, ContentError]:
        """Why each language found so far cannot be shown, by code."""
        return dict(self._refused)

    def check(self) -> dict[str, ContentError]:
        """Read every file this leaflet has in the kiosk's languages, whole, and say what is
        wrong with each, by code; the default language's missing is a problem too."""
        for code in self._languages:
            if code == self._default or self.has_language(code):
                with contextlib.suppress(ContentError):  # kept in problems()
                    self.leaflet(code)
        return self.problems()


class Library:
    """The leaflets the kiosk offers, in the clinic's order, and why any it was told to offer
    cannot be (a folder not found; in ``problems``, by id)."""

    def __init__(
        self, leaflets: Sequence[LibraryLeaflet], problems: dict[str, ContentError] | None = None
    ) -> None:
        self._leaflets = {leaflet.id: leaflet for leaflet in leaflets}
        self.problems: dict[str, ContentError] = dict(problems or {})

    def __len__(self) -> int:
        return len(self._leaflets)

    def __iter__(self) -> Iterator[LibraryLeaflet]:
        return iter(self._leaflets.values())

    def __getitem__(self, leaflet_id: str) -> LibraryLeaflet:
        return self._leaflets[leaflet_id]

    def __contains__(self, leaflet_id: object) -> bool:
        return leaflet_id in self._leaflets

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._leaflets)

    def question_counts(self) -> Mapping[str, int]:
        """How many questions each leaflet has, by id in the library's order, each counted
        when first asked for (a patient ticks only in a leaflet already open, so read)."""
        return _QuestionCounts(self)

    def without(self, leaflet_id: str, problem: ContentError) -> Library:
        """The library with ``leaflet_id`` left out, for ``problem``."""
        kept = [leaflet for leaflet in self if leaflet.id != leaflet_id]
        return Library(kept, {**self.problems, leaflet_id: problem})


class _QuestionCounts(Mapping[str, int]):
    def __init__(self, library: Library) -> None:
        self._library = library

    def __getitem__(self, leaflet_id: str) -> int:
        leaflet = self._library[leaflet_id]
        try:
            return len(leaflet.leaflet(leaflet.default_language).questions)
        except ContentError:
            return 0  # a leaflet that cannot be shown has no question to tick

    def __iter__(self) -> Iterator[str]:
        return iter(self._library.ids)

    def __len__(self) -> int:
        return len(self._library)


def find_leaflets(
    entries: Sequence[str], folders: Sequence[Path], base: Path
) -> Iterator[LeafletSource | ContentError]:
    """Each entry of ``leaflets = [...]``: a folder's name, looked up in ``folders`` in order
    (the clinic's own folder first, then the shipped one), or a path to a leaflet folder or
    file (relative to ``base``, the configuration file's folder); a ``ContentError`` for one
    not found."""
    seen: set[str] = set()
    for entry in entries:
        if _is_path(entry):
            path = Path(os.path.expanduser(entry))
            path = path if path.is_absolute() else base / path
            leaflet_id = path.stem if path.suffix == LEAFLET_SUFFIX else path.name
            found: LeafletSource | ContentError = LeafletSource(leaflet_id, path)
            if not path.exists():
                found = ContentError(path, None, "the leaflet folder does not exist")
        else:
            leaflet_id = entry
            candidates = [folder / entry for folder in folders]
            path = next(
                (c for c in candidates if c.is_dir()), candidates[0] if candidates else base
            )
            found = LeafletSource(entry, path)
            if not path.is_dir():
                looked = " or ".join(str(folder) for folder in folders)
                found = ContentError(
                    path,
                    None,
                    f"there is no leaflet folder {entry!r} in {looked}; put the leaflet's "
                    f"folder (with {language_files()}) there, or leave {entry!r} out",
                )
        if leaflet_id in seen:
            yield ContentError(
                path, None, f"the leaflet {leaflet_id!r} is named twice; name each once"
            )
            continue
        seen.add(leaflet_id)
        yield found


def open_library(
    entries: Sequence[str],
    folders: Sequence[Path],
    base: Path,
    default: str,
    languages: Sequence[str],
) -> Library:
    """The library of ``entries`` (see ``find_leaflets``), with nothing read yet but where
    each leaflet is."""
    leaflets: list[LibraryLeaflet] = []
    problems: dict[str, ContentError] = {}
    for index, found in enumerate(find_leaflets(entries, folders, base)):
        if isinstance(found, ContentError):
            problems[entries[index]] = found
        else:
            leaflets.append(LibraryLeaflet(found, default, languages))
    return Library(leaflets, problems)


def open_paths(paths: Sequence[Path], default: str, languages: Sequence[str]) -> Library:
    """The library of leaflet folders (or files) already found, as ``Config.leaflets`` holds
    them: each by its path, nothing read yet."""
    entries = [str(path.absolute()) for path in paths]  # a link keeps its own name
    return open_library(entries, [], Path.cwd(), default, languages)


def checked_library(library: Library) -> Library:
    """``library`` with every leaflet read whole: one whose default language cannot be shown
    is left out (with its problem); the others keep only their sound languages."""
    for leaflet in list(library):
        problems = leaflet.check()
        if leaflet.default_language in problems:
            library = library.without(leaflet.id, problems[leaflet.default_language])
    return library


def leaflet_folders_in(path: Path) -> list[Path]:
    """The leaflet folders in ``path`` when it is a folder of leaflets (no leaflet file of its
    own, and folders that have them, as the clinic's leaflets/ folder): by name; else none."""
    try:
        if not path.is_dir() or any(path.glob(f"*{LEAFLET_SUFFIX}")):
            return []
        return sorted(
            folder
            for folder in path.iterdir()
            if folder.is_dir() and any(folder.glob(f"*{LEAFLET_SUFFIX}"))
        )
    except OSError:
        return []  # the pack check says what is wrong with it


def language_files() -> str:
    """How the files of a leaflet folder are named, for messages: "en.md, es.md"."""
    return ", ".join(f"{code}{LEAFLET_SUFFIX}" for code in sorted(SUPPORTED_LANGUAGES))


def missing_language(leaflet: LibraryLeaflet, code: str) -> str:
    """For staff: why ``leaflet`` is not shown in ``code``."""
    problem = leaflet.problems().get(code)
    if problem is not None and not isinstance(problem, MissingFileError):
        return str(problem)
    return (
        f"{leaflet.path}: the leaflet has no {language(code).english_name} file "
        f"({code}{LEAFLET_SUFFIX}); patients who choose {language(code).english_name} are told "
        "and shown it in the clinic's language"
    )


def _is_path(entry: str) -> bool:
    return (
        "/" in entry
        or os.sep in entry
        or entry.startswith(("~", "."))
        or entry.endswith(LEAFLET_SUFFIX)
    )

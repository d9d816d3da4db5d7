"""The languages the kiosk speaks, as data: one file per language in ``resources/languages``.

A language file (``es.toml``) holds what every part of the kiosk needs to know about the
language apart from the screens' words (Qt catalogs) and the leaflets (``es.md``): its own
name, its voices, how it writes a date, the paper its clinics print on, which words end in a
full stop without ending a sentence, and how the keys' help names the keys. Adding a language
is a file here, a catalog and a leaflet, and no code. Plain Python, no Qt.
"""

from __future__ import annotations

import datetime
import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.content.errors import ContentError, toml_error_position
from kiosk.content.textfile import read_text_file
from kiosk.paths import resources_dir  # plain Python: where the program's files are


def languages_dir() -> Path:
    return resources_dir() / "languages"


@dataclass(frozen=True)
class Language:
    """One language, as its file says."""

    code: str  # "es": the file's name, the leaflet's file name and header, the catalog's
    name: str  # in its own words: "Español"
    english_name: str  # for staff: "Spanish"
    voices: tuple[str, ...]  # eSpeak NG voices, best first
    date_pattern: str  # "{day} de {month} de {year}"
    months: tuple[str, ...]  # twelve names
    # "letter" or "a4": what the clinics of the kiosks whose default language this is print
    # on, when the printer does not say (never the visit's language: see kiosk.printing)
    paper: str
    abbreviations: frozenset[str] = frozenset()
    number_abbreviations: frozenset[str] = frozenset()
    spoken_keys: Mapping[str, str] = field(default_factory=dict)
    shown_keys: Mapping[str, str] = field(default_factory=dict)

    def format_date(self, day: datetime.date) -> str:
        """The date written in full ("3 de diciembre de 2026")."""
        month = self.months[day.month - 1]
        return self.date_pattern.format(day=day.day, month=month, year=day.year)

    def spoken_key(self, key: str) -> str:
        """A key's name as the voice says it (Qt's name, as in kiosk.toml: "PageDown")."""
        if key in self.spoken_keys:
            return self.spoken_keys[key]
        if key.startswith("F") and key[1:].isdigit():
            return f"F {key[1:]}"  # "F1" is read as a word otherwise
        return key

    def shown_key(self, key: str) -> str:
        """A key's name as the help card writes it ("F1", not "F 1")."""
        if key in self.shown_keys:
            return self.shown_keys[key]
        if key.startswith("F") and key[1:].isdigit():
            return key
        return self.spoken_key(key)


# The sheets a language's clinics may print on when the printer does not say (rolls are a
# printer's, never a language's).
PAPERS = ("letter", "a4")

# What each entry must be: (type, required).
_ENTRIES: dict[str, tuple[type, bool]] = {
    "name": (str, True),
    "english_name": (str, True),
    "voices": (list, True),
    "date": (str, True),
    "months": (list, True),
    "paper": (str, True),
    "abbreviations": (list, False),
    "number_abbreviations": (list, False),
    "spoken_keys": (dict, False),
    "shown_keys": (dict, False),
}


def read_language(path: Path) -> Language:
    """Read one language file; raise ``ContentError`` naming the file, line and entry."""
    text = read_text_file(path, limit_bytes=64 * 1024, what="language file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, _column = toml_error_position(error)
        raise ContentError(path, line, f"this is not valid TOML ({error})") from None
    for key in data:
        if key not in _ENTRIES:
            known = ", ".join(_ENTRIES)
            raise ContentError(path, _line_of(text, key), f"unknown entry {key!r}; known: {known}")
    for key, (kind, required) in _ENTRIES.items():
        if key not in data:
            if required:
                raise ContentError(path, None, f"the entry {key!r} is missing")
            continue
        value = data[key]
        if not isinstance(value, kind) or (kind is not dict and not value):
            message = f"{key} must be a non-empty {_KIND[kind]}"
            raise ContentError(path, _line_of(text, key), message)
        if kind is not str and not all(isinstance(item, str) for item in _items(value)):
            raise ContentError(path, _line_of(text, key), f"every value of {key} must be text")
    if len(data["months"]) != 12:
        raise ContentError(path, _line_of(text, "months"), "months must name twelve months")
    if data["paper"] not in PAPERS:
        message = f"paper must be one of {', '.join(map(repr, PAPERS))}, not {data['paper']!r}"
        raise ContentError(path, _line_of(text, "paper"), message)
    try:
        data["date"].format(day=3, month="x", year=2026)
    except (KeyError, IndexError, ValueError) as error:
        message = f"date may use only {{day}}, {{month}} and {{year}} ({error})"
        raise ContentError(path, _line_of(text, "date"), message) from None
    return Language(
        code=path.stem,
        name=data["name"],
        english_name=data["english_name"],
        voices=tuple(data["voices"]),
        date_pattern=data["date"],
        months=tuple(data["months"]),
        paper=data["paper"],
        abbreviations=frozenset(word.casefold() for word in data.get("abbreviations", ())),
        number_abbreviations=frozenset(
            word.casefold() for word in data.get("number_abbreviations", ())
        ),
        spoken_keys=dict(data.get("spoken_keys", {})),
        shown_keys=dict(data.get("shown_keys", {})),
    )


_KIND: dict[type, str] = {str: "text", list: "list", dict: "table"}


def _items(value: Any) -> list[Any]:
    return list(value.values()) if isinstance(value, dict) else list(value)


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith((f"{key} ", f"{key}=", f"[{key}]")):
            return number
    return None


@functools.cache
def all_languages() -> Mapping[str, Language]:
    """Every language the kiosk has a file for, by code. A broken file raises
    ``ContentError``: it ships with the program, so it is a fault of the build."""
    folder = languages_dir()
    return {path.stem: read_language(path) for path in sorted(folder.glob("*.toml"))}


def language(code: str) -> Language:
    """The language ``code`` ("es"); ``KeyError`` when the kiosk has no file for it."""
    return all_languages()[code]


def supported_languages() -> frozenset[str]:
    """The codes of the languages the kiosk has a file for."""
    return frozenset(all_languages())

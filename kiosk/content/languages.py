"""The languages the kiosk speaks, as data: one file per language in ``resources/languages``.

A language file (``es.toml``) holds what every part of the kiosk needs to know about the
language apart from the screens' words (Qt catalogs) and the leaflets (``es.md``): its own
name, its voices, how it writes a date, the paper its clinics print on, which words end in a
full stop without ending a sentence, how the keys' help names the keys, and how the voice says
numbers, units and abbreviations (``[spoken]``, for kiosk.narration.spoken), and how its
leaflets' readability is measured (``[readability]``, for kiosk.content.readability). Adding a
language is a file here, a catalog and a leaflet, and no code. Plain Python, no Qt.
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
from kiosk.content.formulas import FORMULAS
from kiosk.content.textfile import read_text_file
from kiosk.paths import resources_dir  # plain Python: where the program's files are


def languages_dir() -> Path:
    return resources_dir() / "languages"


@dataclass(frozen=True)
class Unit:
    """A unit of measure as the voice says it after a number: "1 mg", "5 mg"."""

    one: str  # after exactly 1: "milligram"
    other: str  # after any other number: "milligrams"
    gender: str = ""  # "masculine" or "feminine" where the number agrees with it ("una hora")


# The forms a number's words can take where the language makes them agree with what follows.
GENDERS = ("masculine", "feminine")
ORDINAL_FORMS = ("plain", "feminine", "short")  # "first"; "primera"; "primer"


@dataclass(frozen=True)
class Agreement:
    """How a number's words change with the word after it (Spanish "un día", "una hora",
    "doscientas personas"; "1.ª" primera, "1.er" primer): word endings replaced, tried in
    the order the file lists them, the first that fits each word."""

    feminine_endings: tuple[str, ...] = ()  # a word ending so is feminine ("hora", "semanas")
    masculine_words: frozenset[str] = frozenset()  # except these ("día", "problema")
    feminine_words: frozenset[str] = frozenset()  # and these are feminine too ("vez", "mano")
    stops: frozenset[str] = frozenset()  # words before these never change ("millones")
    not_nouns: frozenset[str] = frozenset()  # no agreement before these ("1 de enero")
    masculine: Mapping[str, str] = field(default_factory=dict)  # "uno" → "un"
    feminine: Mapping[str, str] = field(default_factory=dict)  # "uno" → "una"
    ordinal_feminine: Mapping[str, str] = field(default_factory=dict)  # "o" → "a"
    ordinal_short: Mapping[str, str] = field(default_factory=dict)  # "primero" → "primer"

    def gender_of(self, word: str) -> str:
        """ "feminine", "masculine", or "" when the language has no such agreement."""
        word = word.casefold()
        if not (self.masculine or self.feminine) or word in self.not_nouns:
            return ""
        if word in self.feminine_words:
            return "feminine"
        if word in self.masculine_words:
            return "masculine"
        return "feminine" if word.endswith(self.feminine_endings) else "masculine"


@dataclass(frozen=True)
class Spoken:
    """How the voice says what a leaflet writes in figures and short forms (``[spoken]``)."""

    # num2words' code ("es"); "" (a language with no [spoken]): the text is left as written
    number_language: str = ""
    # A decimal mark and its word: "3.5" three point five; "3,5" tres coma cinco
    decimal_marks: Mapping[str, str] = field(default_factory=lambda: {".": "point"})
    group_marks: tuple[str, ...] = (",",)  # between thousands: "1,250"
    decimal_digits: str = "each"  # "each": "three point one four"; "whole": "tres coma catorce"
    minus: str = "minus"
    percent: str = "percent"
    range: str = "{low} to {high}"  # "2-3", "2–3"
    range_short: str = ""  # the range after one of range_short_after ("entre 2-3": "2 a 3")
    range_short_after: frozenset[str] = frozenset()
    drop_words: frozenset[str] = frozenset()  # left out of number words ("and")
    year_words: frozenset[str] = frozenset()  # a year follows these ("in 1990"), or a month
    ordinal_suffixes: Mapping[str, str] = field(default_factory=dict)  # "st", "ª" → form
    units: Mapping[str, Unit] = field(default_factory=dict)  # "mg", "°C"
    abbreviations: Mapping[str, str] = field(default_factory=dict)  # "e.g." → "for example"
    agreement: Agreement = field(default_factory=Agreement)


@dataclass(frozen=True)
class Readability:
    """How ``kiosk content check --report`` measures the language (``[readability]``)."""

    textstat_locale: str = ""  # "en_US"; "": the language is not measured
    formulas: tuple[str, ...] = ()  # by textstat's name, in kiosk.content.formulas.FORMULAS
    summary_headings: tuple[str, ...] = ()  # lower case: headings that announce a summary


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
    spoken: Spoken = field(default_factory=Spoken)
    readability: Readability = field(default_factory=Readability)

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
    "spoken": (dict, False),
    "readability": (dict, False),
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
        if (
            key not in ("spoken", "readability")
            and kind is not str
            and not all(isinstance(i, str) for i in _items(value))
        ):
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
    abbreviations = frozenset(word.casefold() for word in data.get("abbreviations", ()))
    number_abbreviations = frozenset(w.casefold() for w in data.get("number_abbreviations", ()))
    spoken = _read_spoken(path, text, data.get("spoken", {}), abbreviations, number_abbreviations)
    return Language(
        code=path.stem,
        name=data["name"],
        english_name=data["english_name"],
        voices=tuple(data["voices"]),
        date_pattern=data["date"],
        months=tuple(data["months"]),
        paper=data["paper"],
        abbreviations=abbreviations,
        number_abbreviations=number_abbreviations,
        spoken_keys=dict(data.get("spoken_keys", {})),
        shown_keys=dict(data.get("shown_keys", {})),
        spoken=spoken,
        readability=_read_readability(path, text, data.get("readability", {})),
    )


_READABILITY: dict[str, str] = {
    "textstat_locale": "text",
    "formulas": "list",
    "summary_headings": "list",
}


def _read_readability(path: Path, text: str, table: dict[str, Any]) -> Readability:
    """``[readability]``: a locale and formulas, both or neither, each formula one known."""
    _check_table(path, text, "readability", table, _READABILITY)
    formulas = tuple(table.get("formulas", ()))
    for name in formulas:
        if name not in FORMULAS:
            known = ", ".join(FORMULAS)
            raise ContentError(
                path,
                _line_of(text, "formulas"),
                f"readability.formulas: no formula {name!r}; known: {known}",
            )
    if bool(formulas) != bool(table.get("textstat_locale")):
        raise ContentError(
            path,
            _line_of(text, "readability"),
            "[readability] needs both textstat_locale and formulas, or neither",
        )
    return Readability(
        textstat_locale=table.get("textstat_locale", ""),
        formulas=formulas,
        summary_headings=tuple(h.casefold() for h in table.get("summary_headings", ())),
    )


# What each entry of [spoken] and [spoken.agreement] must be: text, a list of texts, or a table
# of texts; "unit" and "agreement" are tables of their own.
_SPOKEN: dict[str, str] = {
    "number_language": "text",
    "decimal_marks": "table",
    "group_marks": "list",
    "decimal_digits": "text",
    "minus": "text",
    "percent": "text",
    "range": "text",
    "range_short": "text",
    "range_short_after": "list",
    "drop_words": "list",
    "year_words": "list",
    "ordinal_suffixes": "table",
    "units": "units",
    "abbreviations": "table",
    "agreement": "agreement",
}
_AGREEMENT: dict[str, str] = {
    "feminine_endings": "list",
    "masculine_words": "list",
    "feminine_words": "list",
    "stops": "list",
    "not_nouns": "list",
    "masculine": "table",
    "feminine": "table",
    "ordinal_feminine": "table",
    "ordinal_short": "table",
}


def _read_spoken(
    path: Path,
    text: str,
    table: dict[str, Any],
    abbreviations: frozenset[str],
    number_abbreviations: frozenset[str],
) -> Spoken:
    """The ``[spoken]`` table; ``ContentError`` naming the entry and its line for a bad one."""
    if not table:
        return Spoken()
    _check_table(path, text, "spoken", table, _SPOKEN)
    if "number_language" not in table:
        message = 'spoken.number_language is missing: the language\'s code for num2words ("es")'
        raise ContentError(path, _line_of(text, "spoken"), message)
    agreement_table = table.get("agreement", {})
    _check_table(path, text, "spoken.agreement", agreement_table, _AGREEMENT)
    units = _read_units(path, text, table.get("units", {}))
    for suffix, form in table.get("ordinal_suffixes", {}).items():
        if form not in ORDINAL_FORMS:
            message = f"spoken.ordinal_suffixes: {suffix} must be one of {', '.join(ORDINAL_FORMS)}"
            raise ContentError(path, _line_of_key(text, suffix), message)
    for written in table.get("abbreviations", {}):
        # The sentence splitter must not end a sentence inside it, or it is never seen whole.
        stem = written.casefold().removesuffix(".")
        if written.endswith(".") and stem not in abbreviations | number_abbreviations:
            message = (
                f"spoken.abbreviations: {written} ends a sentence where it is written, since"
                f" it is not in abbreviations: add {stem!r} to abbreviations"
            )
            raise ContentError(path, _line_of_key(text, written), message)
    for key in ("range", "range_short"):
        pattern = table.get(key, "{low} {high}")
        if (
            pattern.count("{low}") != 1
            or pattern.count("{high}") != 1
            or (pattern.index("{low}") > pattern.index("{high}"))
        ):
            example = '"{low} to {high}"'
            message = f"spoken.{key} must hold {{low}} and then {{high}}, once each: {example}"
            raise ContentError(path, _line_of_key(text, key), message)
    if table.get("decimal_digits", "each") not in ("each", "whole"):
        message = 'spoken.decimal_digits must be "each" or "whole"'
        raise ContentError(path, _line_of_key(text, "decimal_digits"), message)
    words = {
        key: table[key] for key in ("range_short_after", "drop_words", "year_words") if key in table
    }
    defaults = Spoken()
    return Spoken(
        number_language=table.get("number_language", ""),
        decimal_marks=dict(table.get("decimal_marks", defaults.decimal_marks)),
        group_marks=tuple(table.get("group_marks", defaults.group_marks)),
        decimal_digits=table.get("decimal_digits", defaults.decimal_digits),
        minus=table.get("minus", defaults.minus),
        percent=table.get("percent", defaults.percent),
        range=table.get("range", defaults.range),
        range_short=table.get("range_short", ""),
        range_short_after=frozenset(w.casefold() for w in words.get("range_short_after", ())),
        drop_words=frozenset(w.casefold() for w in words.get("drop_words", ())),
        year_words=frozenset(w.casefold() for w in words.get("year_words", ())),
        ordinal_suffixes=dict(table.get("ordinal_suffixes", {})),
        units=units,
        abbreviations=dict(table.get("abbreviations", {})),
        agreement=Agreement(
            feminine_endings=tuple(agreement_table.get("feminine_endings", ())),
            masculine_words=frozenset(agreement_table.get("masculine_words", ())),
            feminine_words=frozenset(agreement_table.get("feminine_words", ())),
            stops=frozenset(agreement_table.get("stops", ())),
            not_nouns=frozenset(w.casefold() for w in agreement_table.get("not_nouns", ())),
            masculine=dict(agreement_table.get("masculine", {})),
            feminine=dict(agreement_table.get("feminine", {})),
            ordinal_feminine=dict(agreement_table.get("ordinal_feminine", {})),
            ordinal_short=dict(agreement_table.get("ordinal_short", {})),
        ),
    )


def _read_units(path: Path, text: str, table: dict[str, Any]) -> dict[str, Unit]:
    """``[spoken.units]``: each unit's forms after one and after any other number."""
    units: dict[str, Unit] = {}
    for written, forms in table.items():
        if not isinstance(forms, dict) or not {"one", "other"} <= forms.keys() <= {
            "one",
            "other",
            "gender",
        }:
            message = f'spoken.units: {written} needs {{ one = "…", other = "…" }} (and gender)'
            raise ContentError(path, _line_of_key(text, written), message)
        if not all(isinstance(form, str) and form.strip() for form in forms.values()):
            message = f"spoken.units: every form of {written} must be text"
            raise ContentError(path, _line_of_key(text, written), message)
        if forms.get("gender", "") not in ("", *GENDERS):
            message = f"spoken.units: {written}'s gender must be one of {', '.join(GENDERS)}"
            raise ContentError(path, _line_of_key(text, written), message)
        units[written] = Unit(forms["one"], forms["other"], forms.get("gender", ""))
    return units


def _check_table(
    path: Path, text: str, name: str, table: object, entries: Mapping[str, str]
) -> None:
    """Each entry of the table ``name`` is known and of its kind (text not empty)."""
    if not isinstance(table, dict):
        raise ContentError(path, _line_of(text, name), f"{name} must be a table: [{name}]")
    for key, value in table.items():
        kind = entries.get(key)
        if kind is None:
            known = ", ".join(entries)
            where = _line_of_key(text, key)
            raise ContentError(path, where, f"unknown entry {key!r} in [{name}]; known: {known}")
        if kind in ("units", "agreement"):
            ok = isinstance(value, dict)
        elif kind == "text":
            ok = isinstance(value, str) and bool(value.strip())
        else:
            items = (
                value if kind == "list" else (value.values() if isinstance(value, dict) else None)
            )
            ok = isinstance(value, list if kind == "list" else dict) and all(
                isinstance(item, str) and item != "" for item in items or ()
            )
        if not ok:
            what = {"text": "text", "list": "list of texts", "table": "table of texts"}
            message = f"{name}.{key} must be {what.get(kind, 'a table')}, and no text empty"
            raise ContentError(path, _line_of_key(text, key), message)


_KIND: dict[type, str] = {str: "text", list: "list", dict: "table"}


def _items(value: Any) -> list[Any]:
    return list(value.values()) if isinstance(value, dict) else list(value)


def _line_of_key(text: str, key: str) -> int | None:
    """The line that sets ``key``, bare or quoted, or opens its table."""
    for form in (key, f'"{key}"', f"'{key}'"):
        line = _line_of(text, form)
        if line is not None:
            return line
    return None


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

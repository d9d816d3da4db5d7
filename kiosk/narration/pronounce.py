"""Pronunciation lists: words the speech engine says wrong, respelled so that it says them right."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from kiosk.content.errors import ContentError, toml_error_position
from kiosk.content.textfile import PRONUNCIATION_LIMIT_BYTES, MissingFileError, read_text_file


class LexiconError(ContentError):
    """A pronunciation file (part of the content pack) that cannot be used; the message names
    the file and the line."""


def load_lexicon(path: Path) -> dict[str, str]:
    """The ``[words]`` table of a pronunciation file: written word → spoken form.

    A missing file is an empty list. Raises LexiconError for a file that cannot be read as the
    leaflet beside it is (an ordinary UTF-8 file of bounded size), that is not TOML, has keys
    besides ``[words]``, or a word whose spoken form is not text.
    """
    try:
        source = read_text_file(
            path, limit_bytes=PRONUNCIATION_LIMIT_BYTES, what="pronunciation list"
        )
    except MissingFileError:
        return {}
    except ContentError as error:
        raise LexiconError(error.path, error.line, error.problem) from None
    try:
        document = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        line_number, message = toml_error_position(error)
        raise LexiconError(path, line_number, f"not valid TOML ({message})") from None
    return _checked_words(path, document, source.split("\n"))


def _checked_words(path: Path, document: dict[str, object], lines: list[str]) -> dict[str, str]:
    for key in document:
        if key != "words":
            problem = f"unknown key '{key}'; the list goes under [words]"
            raise LexiconError(path, _line_of(lines, key), problem)
    words = document.get("words", {})
    if not isinstance(words, dict):
        raise LexiconError(path, _line_of(lines, "words"), "'words' must be a table: [words]")
    checked: dict[str, str] = {}
    seen: dict[str, str] = {}  # lower case → as written, since matching ignores case
    for written, spoken in words.items():
        line = _line_of(lines, written)
        if not isinstance(spoken, str) or not spoken.strip():
            raise LexiconError(path, line, f"'{written}' needs its spoken form in quotes")
        if not re.search(r"\w", written) or written != written.strip():
            raise LexiconError(path, line, f"'{written}' is not a word")
        if written.lower() in seen:
            problem = f"'{written}' is listed twice (also as '{seen[written.lower()]}')"
            raise LexiconError(path, line, problem)
        seen[written.lower()] = written
        checked[written] = spoken
    return checked


def _line_of(lines: Sequence[str], key: str) -> int | None:
    """The first line that sets ``key`` (bare or quoted), or opens a ``[key]`` table."""
    pattern = re.compile(
        rf"""^\s*(?:\[\s*)?(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*[=\]]"""
    )
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return number
    return None


def respell(text: str, lexicon: Mapping[str, str]) -> tuple[str, list[int]]:
    """``text`` with every listed word replaced by its spoken form, and where each character
    came from.

    Words match whole and ignoring case; everything else is kept exactly. The list has one
    entry per character of the spoken text: the index of the character of ``text`` it came
    from. A replacement's characters are spread evenly over the word they replace, so that
    its first maps to the word's first character and its last to the word's last.
    """
    if not lexicon:
        return text, list(range(len(text)))
    spoken_forms = {written.lower(): spoken for written, spoken in lexicon.items()}
    # Longest first, so that a listed phrase wins over a listed word inside it.
    alternatives = "|".join(re.escape(w) for w in sorted(lexicon, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    pieces: list[str] = []
    index_map: list[int] = []
    done = 0  # characters of ``text`` already copied or replaced
    for match in pattern.finditer(text):
        spoken = spoken_forms.get(match.group().lower())
        if spoken is None:  # a case that only the regular expression folds; leave it be
            continue
        start, end = match.span()
        pieces.append(text[done:start])
        index_map.extend(range(done, start))
        pieces.append(spoken)
        last = max(len(spoken) - 1, 1)
        index_map.extend(start + i * (end - 1 - start) // last for i in range(len(spoken)))
        done = end
    pieces.append(text[done:])
    index_map.extend(range(done, len(text)))
    return "".join(pieces), index_map


def shown_span(index_map: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """The span of the shown text that the spoken span ``start:end`` (not empty) came from."""
    if end <= start:
        raise ValueError(f"empty span {start}:{end}")
    return index_map[start], index_map[end - 1] + 1

"""What the voice says for a line of the leaflet: the same words for every speech engine.

The clinic's pronunciation list is applied first, then numbers, units and abbreviations are
written out in words by the language's rules (``[spoken]`` in resources/languages/<code>.toml),
so that eSpeak NG and the natural voice, whose own normalisers disagree, say "forty million",
"twenty-four hours", "de dos a tres días". The list comes first because a clinic writes its
entries as the screen shows the word: an entry for "T12" or "mg" must find "T12" and "mg",
not "T twelve" and "milligrams"; its spoken forms then go through the rules like any text
("T 12" is said "T twelve"). For each character of the spoken text, the map says which
character of the shown text it reads, so the word highlight lights "40" while "forty" is said.
Plain Python, no Qt.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

from kiosk.content.languages import Language, Spoken, language
from kiosk.narration.pronounce import respell

# Past this many digits a number is read digit by digit (an identifier, not a quantity); the
# number words stop well short of it anyway (num2words' Spanish ends below 10**27).
MAX_DIGITS = 15

_SPACE = "[ \u00a0\u202f]"  # between a number and its unit or %: a space, or a non-breaking one
_DASHES = r"\-–—"  # for a character class: hyphen, en dash, em dash
_CLOSERS = "\"')]”’»"


def spoken_text(text: str, language_code: str, lexicon: Mapping[str, str]) -> tuple[str, list[int]]:
    """``text`` as the voice should say it, and, for each of its characters, the index of the
    character of ``text`` it reads (as ``respell``'s map: a replacement's first character maps
    to the first of what it replaces, its last to the last).

    The pronunciation list is applied first, then the language's rules. A language without a
    file, or without ``[spoken]``, gets the list only.
    """
    respelled, to_shown = respell(text, lexicon)
    try:
        rules = _rules(language_code)
    except KeyError:
        return respelled, to_shown
    if rules is None:
        return respelled, to_shown
    said, to_respelled = rules.normalise(respelled)
    return said, [to_shown[index] for index in to_respelled]


@functools.cache
def _rules(code: str) -> _Normaliser | None:
    spec = language(code)
    return _Normaliser(spec) if spec.spoken.number_language else None


# A piece of spoken text and the span of the text it reads.
_Piece = tuple[str, int, int]


class _Normaliser:
    """One language's rules, compiled once."""

    def __init__(self, spec: Language) -> None:
        self._rules: Spoken = spec.spoken
        self._months = frozenset(month.casefold() for month in spec.months)
        rules = self._rules
        marks = sorted({*rules.group_marks, *rules.decimal_marks})
        mark = f"[{''.join(re.escape(m) for m in marks)}]" if marks else "(?!)"
        group = "|".join(re.escape(m) for m in rules.group_marks) or "(?!)"
        decimal = "|".join(re.escape(m) for m in rules.decimal_marks) or "(?!)"
        # One number: whole part (grouped in thousands or not), optional decimals. Never read
        # from inside another number ("1.2.3", "12:30", "1/2" are left for the voice, whole).
        parts = (
            rf"(?P<whole>\d{{1,3}}(?:(?:{group})\d{{3}})+(?!\d)|\d+)"
            rf"(?:(?P<mark>{decimal})(?P<decimals>\d+))?"
        )
        self._number_parts = re.compile(parts)
        number = (
            rf"(?<![\d/:])(?<!\d{mark})"
            rf"(?:\d{{1,3}}(?:(?:{group})\d{{3}})+(?!\d)|\d+)(?:(?:{decimal})\d+)?"
            rf"(?!\d|{mark}\d|[/:]\d)"  # never part of a number: "1990s" is not "199"
        )
        units = "|".join(re.escape(u) for u in sorted(rules.units, key=len, reverse=True))
        ordinals = "|".join(
            re.escape(s) for s in sorted(rules.ordinal_suffixes, key=len, reverse=True)
        )

        def suffix(kind: str) -> str:  # after a number ("n_") or a range ("r_")
            return (
                rf"(?:(?P<{kind}ordinal>{ordinals or '(?!)'})(?!\w)"
                rf"|(?P<{kind}percent>{_SPACE}?%)"
                rf"|(?P<{kind}unit>{_SPACE}?(?:{units or '(?!)'}))(?![\w/])"
                r"|(?![^\W\d_]))"  # a number glued to other letters ("1990s", "3D") is left be
            )

        abbreviations = "|".join(
            _abbreviation_pattern(a) for a in sorted(rules.abbreviations, key=len, reverse=True)
        )
        self._abbreviations = {_abbreviation_key(a): s for a, s in rules.abbreviations.items()}
        self._pattern = re.compile(
            rf"(?P<abbreviation>(?<!\w)(?:{abbreviations or '(?!)'})(?!\w))"
            # A telephone number, read digit by digit: "555-1234", "1-800-555-1234".
            rf"|(?P<phone>(?<![\w.,{_DASHES}])(?:1-)?(?:\(\d{{3}}\) ?|\d{{3}}-)?\d{{3}}-\d{{4}}"
            rf"(?![\w{_DASHES}]))"
            rf"|(?P<range>(?P<low>{number})(?P<dash>-| ?[{_DASHES}] ?)"
            rf"(?P<high>{number}){suffix('r_')})"
            rf"|(?P<minus>−)?(?P<number>{number}){suffix('n_')}"
            # Numbers that share marks but make no one number ("1,2,3"): each on its own.
            rf"|(?P<list>(?<![\d/:])\d+(?:{mark}\d+)+(?![\w/:]))"
        )

    def normalise(self, text: str) -> tuple[str, list[int]]:
        """``text`` with the language's rules applied, and where each character came from."""
        pieces: list[str] = []
        index_map: list[int] = []
        done = 0
        for match in self._pattern.finditer(text):
            replacement = self._replace(match, text)
            if replacement is None:
                continue
            start, end = match.span()
            pieces.append(text[done:start])
            index_map.extend(range(done, start))
            for words, piece_start, piece_end in replacement:
                pieces.append(words)
                index_map.extend(_spread(words, piece_start, piece_end))
            done = end
        pieces.append(text[done:])
        index_map.extend(range(done, len(text)))
        return "".join(pieces), index_map

    # What each kind of match is said as ---------------------------------------------------

    def _replace(self, match: re.Match[str], text: str) -> list[_Piece] | None:
        start, end = match.span()
        if match["abbreviation"]:
            spoken = self._abbreviations.get(_abbreviation_key(match["abbreviation"]))
            if spoken is None:
                return None
            pieces: list[_Piece] = [(spoken, start, end)]
            if match["abbreviation"].endswith(".") and not text[end:].strip(_CLOSERS + " "):
                pieces.append((".", end - 1, end))  # it also ended the sentence
            return pieces
        if match["phone"]:
            return self._digits_each(match.group(), start)
        if match["list"]:
            return self._list(match.group(), start)
        pieces = []
        glued = start > 0 and text[start - 1].isalpha()  # "T12": said "T twelve"
        if match["range"]:
            pieces = self._range(match, text)
        else:
            value = match["number"]
            if match["minus"]:
                pieces.append((self._rules.minus + " ", start, start + 1))
            gender = self._gender_after(match, text)
            ordinal = _suffix(match, "ordinal")
            pieces.append(
                (
                    self._said(value, text, match.start("number"), gender, ordinal),
                    *match.span("number"),
                )
            )
        if _suffix(match, "ordinal"):
            pieces[-1] = (pieces[-1][0], pieces[-1][1], end)  # "1st": "first" lights all of it
        elif _suffix(match, "percent"):
            pieces.extend(self._after(match, "percent", self._rules.percent))
        elif _suffix(match, "unit"):
            unit = self._rules.units[_suffix(match, "unit").lstrip(" \u00a0\u202f")]
            value = match["high"] if match["range"] else match["number"]
            pieces.extend(self._after(match, "unit", unit.one if value == "1" else unit.other))
        if glued:
            first_words, first_start, first_end = pieces[0]
            pieces[0] = (" " + first_words, first_start, first_end)
        return pieces

    def _range(self, match: re.Match[str], text: str) -> list[_Piece]:
        low, high = match["low"], match["high"]
        gender = self._gender_after(match, text)
        low_words = self._said(low, text, match.start("low"), gender, "")
        high_words = self._said(high, text, match.start("high"), gender, "")
        dash_start, dash_end = match.span("dash")
        if not _value(low, self._rules) < _value(high, self._rules):
            # Not a range ("3-2", a score): each number, and the dash as it is.
            return [
                (low_words, *match.span("low")),
                (match["dash"], dash_start, dash_end),
                (high_words, *match.span("high")),
            ]
        pattern = self._rules.range
        if self._rules.range_short and _word_before(text, match.start()) in (
            self._rules.range_short_after
        ):
            pattern = self._rules.range_short
        before, rest = pattern.split("{low}")
        between, after = rest.split("{high}")
        return [
            (before + low_words, *match.span("low")),
            (between, dash_start, dash_end),
            (high_words + after, *match.span("high")),
        ]

    def _after(self, match: re.Match[str], group: str, words: str) -> list[_Piece]:
        """The words of a percent sign or a unit, after a space whether or not one is written."""
        name = f"r_{group}" if match[f"r_{group}"] is not None else f"n_{group}"
        start, end = match.span(name)
        written = match[name]
        if written[0] in " \u00a0\u202f":
            return [(" ", start, start + 1), (words, start + 1, end)]
        return [(" " + words, start, end)]

    def _list(self, written: str, start: int) -> list[_Piece]:
        pieces: list[_Piece] = []
        for part in re.finditer(r"\d+|\D", written):
            at = start + part.start()
            if part.group().isdigit():
                pieces.append((self._whole(part.group()), at, at + len(part.group())))
            else:
                pieces.append((part.group() + " " if part.group() == "," else " ", at, at + 1))
        return pieces

    def _digits_each(self, written: str, start: int) -> list[_Piece]:
        pieces: list[_Piece] = []
        for offset, char in enumerate(written):
            at = start + offset
            if char.isdigit():
                space = " " if pieces and pieces[-1][0] != ", " else ""
                pieces.append((space + self._cardinal(int(char)), at, at + 1))
            elif char in "-) ":  # "555-1234", "(555) 123": a pause between the groups
                pieces.append((", ", at, at + 1))
        return pieces

    # Numbers in words -----------------------------------------------------------------------

    def _said(self, written: str, text: str, start: int, gender: str, ordinal: str) -> str:
        parts = self._number_parts.fullmatch(written)
        assert parts is not None  # the same expression found it
        digits = "".join(char for char in parts["whole"] if char.isdigit())
        if ordinal:
            return self._ordinal(digits, self._rules.ordinal_suffixes[ordinal])
        if parts["decimals"]:
            mark_word = self._rules.decimal_marks[parts["mark"]]
            return f"{self._whole(digits)} {mark_word} {self._decimals(parts['decimals'])}"
        if self._is_year(digits, text, start):
            return self._words(int(digits), to="year")
        said = self._whole(digits)
        return self._agree(said, gender) if gender else said

    def _whole(self, digits: str) -> str:
        if len(digits) > MAX_DIGITS or (len(digits) > 1 and digits.startswith("0")):
            return " ".join(self._cardinal(int(d)) for d in digits)  # "007", an identifier
        return self._cardinal(int(digits))

    def _decimals(self, digits: str) -> str:
        if self._rules.decimal_digits == "each" or len(digits) > MAX_DIGITS:
            return " ".join(self._cardinal(int(d)) for d in digits)
        zeros = len(digits) - len(digits.lstrip("0"))
        said = [self._cardinal(0)] * zeros
        if digits.lstrip("0"):
            said.append(self._cardinal(int(digits)))
        return " ".join(said)

    def _cardinal(self, value: int) -> str:
        return self._words(value, to="cardinal")

    def _ordinal(self, digits: str, form: str) -> str:
        if len(digits) > 6:
            return self._whole(digits)  # no one says "the millionth"; nor reads a serial number
        said = self._words(int(digits), to="ordinal")
        agreement = self._rules.agreement
        if form == "feminine":
            return _with_endings(said, agreement.ordinal_feminine)
        if form == "short":
            return _with_endings(said, agreement.ordinal_short)
        return said

    def _words(self, value: int, to: str) -> str:
        # Imported at the first number read aloud, not with the kiosk: num2words loads all its
        # 60 languages at once, 3.6 MB of Python objects the kiosk holds for as long as it runs
        # though many leaflets are never read aloud; the import takes about 12 ms, once.
        from num2words import num2words  # type: ignore[import-untyped]  # noqa: PLC0415

        try:
            said = str(num2words(value, lang=self._rules.number_language, to=to))
        except (OverflowError, NotImplementedError, ValueError, TypeError):
            return " ".join(self._cardinal(int(d)) for d in str(value)) if value > 9 else str(value)
        said = said.replace(",", "")
        words = [w for w in said.split() if w.casefold() not in self._rules.drop_words]
        return " ".join(words)

    def _is_year(self, digits: str, text: str, start: int) -> bool:
        if len(digits) != 4 or not 1100 <= int(digits) <= 2099 or digits != text[start : start + 4]:
            return False
        word = _word_before(text, start)
        return word in self._rules.year_words or word in self._months

    def _gender_after(self, match: re.Match[str], text: str) -> str:
        agreement = self._rules.agreement
        if _suffix(match, "unit"):
            return self._rules.units[_suffix(match, "unit").lstrip(" \u00a0\u202f")].gender
        if _suffix(match, "percent") or _suffix(match, "ordinal"):
            return ""
        following = re.match(r"[ \u00a0]+([^\W\d_]+)", text[match.end() :])
        return agreement.gender_of(following.group(1)) if following else ""

    def _agree(self, said: str, gender: str) -> str:
        agreement = self._rules.agreement
        endings = agreement.feminine if gender == "feminine" else agreement.masculine
        if not endings:
            return said
        words = said.split(" ")
        last_stop = max((i for i, w in enumerate(words) if w in agreement.stops), default=-1)
        head, tail = words[: last_stop + 1], words[last_stop + 1 :]
        return " ".join([*head, *(_with_endings(w, endings) for w in tail)]).strip()


def _suffix(match: re.Match[str], kind: str) -> str:
    """What follows the number or the range: its ordinal ending, % or unit ("" if none)."""
    return match[f"r_{kind}"] or match[f"n_{kind}"] or ""


def _with_endings(said: str, endings: Mapping[str, str]) -> str:
    """Each word of ``said`` with the first of ``endings`` that fits it replaced."""
    words = []
    for word in said.split(" "):
        fitting = next((e for e in endings if word.endswith(e)), None)
        words.append(word if fitting is None else word[: -len(fitting)] + endings[fitting])
    return " ".join(words)


def _value(written: str, rules: Spoken) -> float:
    digits = "".join(c if c.isdigit() else "." if c in rules.decimal_marks else "" for c in written)
    try:
        return float(digits)
    except ValueError:
        return 0.0


def _word_before(text: str, start: int) -> str:
    # "in 1990", and "March 3, 1990": a day may stand between.
    found = re.search(r"([^\W\d_]+)\W*(?:\d{1,2}\W+)?$", text[:start])
    return found.group(1).casefold() if found else ""


def _abbreviation_pattern(written: str) -> str:
    """As written, or with its first letter's case changed; a space in it may be left out."""
    first, rest = written[0], written[1:]
    head = (
        f"[{re.escape(first.lower())}{re.escape(first.upper())}]"
        if first.isalpha()
        else re.escape(first)
    )
    return head + r"\ ?".join(re.escape(part) for part in rest.split(" "))


def _abbreviation_key(written: str) -> str:
    return written[:1].casefold() + written[1:].replace(" ", "")


def _spread(words: str, start: int, end: int) -> Sequence[int]:
    """Where each character of ``words`` reads, for words that read ``text[start:end]``: each
    word's characters over the whole span (first to its first character, last to its last),
    so that every word said for "1,250" lights "1,250"; the spaces between to its start."""
    last = max(end - 1, start)
    placed = [start] * len(words)
    for word in re.finditer(r"\S+", words):
        length = len(word.group())
        step = max(length - 1, 1)
        for i in range(length):
            placed[word.start() + i] = start + i * (last - start) // step
    return placed

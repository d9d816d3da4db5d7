"""Splits a block of text into sentences with character offsets, for narration and highlighting."""

from __future__ import annotations

from kiosk.content import languages
from kiosk.content.model import Sentence

_ENDINGS = ".?!"
_CLOSERS = "\"')]”’»"
_OPENERS = "(\"'“‘¿¡«"  # before a word: "(Dr." "¿Sra." are still "dr" and "sra"


def split_sentences(text: str, language: str = "en") -> tuple[Sentence, ...]:
    """Return the sentences of ``text``; each keeps its end punctuation, none has edge spaces.

    A sentence ends at ``.``, ``?`` or ``!``, plus any closing quotes or brackets, when
    white space follows and the full stop does not close an abbreviation of ``language``
    (its file in resources/languages: "Dr.", "Sra.", "p. ej.") or a decimal. Spanish opening
    marks (¿ ¡) start the sentence they belong to, and are skipped before an abbreviation.
    """
    spec = languages.language(language)
    abbreviations, before_numbers = spec.abbreviations, spec.number_abbreviations
    sentences: list[Sentence] = []
    start = _skip_space(text, 0)
    index = start
    while index < len(text):
        char = text[index]
        if char in _ENDINGS:
            end = index + 1
            while end < len(text) and text[end] in _CLOSERS:
                end += 1
            at_break = end == len(text) or text[end].isspace()
            if at_break and not _is_abbreviation(text, start, index, abbreviations, before_numbers):
                sentences.append(Sentence(text[start:end], start, end))
                start = _skip_space(text, end)
                index = start
                continue
        index += 1
    tail = text[start:].rstrip()
    if tail:
        sentences.append(Sentence(tail, start, start + len(tail)))
    return tuple(sentences)


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def _is_abbreviation(
    text: str,
    start: int,
    stop_index: int,
    abbreviations: frozenset[str],
    before_numbers: frozenset[str],
) -> bool:
    if text[stop_index] != ".":
        return False
    word_start = stop_index
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:stop_index].lstrip(_OPENERS).lower()
    if word in before_numbers:
        after = _skip_space(text, stop_index + 1)
        return after < len(text) and text[after].isdigit()
    return word in abbreviations or _in_spaced_abbreviation(text, stop_index, abbreviations)


def _in_spaced_abbreviation(text: str, stop_index: int, abbreviations: frozenset[str]) -> bool:
    """Whether the full stop at ``stop_index`` is one of those of an abbreviation written with
    a space ("p. ej." is listed as "p. ej", "a. m." as "a. m"), which then ends no sentence."""
    for abbreviation in abbreviations:
        if " " not in abbreviation:
            continue
        written = f"{abbreviation}."
        for offset, char in enumerate(written):
            begin = stop_index - offset
            if char != "." or begin < 0:
                continue
            at_word_start = begin == 0 or text[begin - 1].isspace() or text[begin - 1] in _OPENERS
            if at_word_start and text[begin : begin + len(written)].lower() == written:
                return True
    return False

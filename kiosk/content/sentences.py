"""Splits a block of text into sentences with character offsets, for narration and highlighting."""

from __future__ import annotations

from kiosk.content.model import Sentence

_ENDINGS = ".?!"
_CLOSERS = "\"')]”’»"
# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "st", "vs", "etc", "e.g", "i.e", "u.s", "approx", "sr", "dra"}
)
# Words that are abbreviations only before a number: "No. 5", but "Does it hurt? No. Most ..."
_NUMBER_ABBREVIATIONS = frozenset({"no"})


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Return the sentences of ``text``; each keeps its end punctuation, none has edge spaces.

    A sentence ends at ``.``, ``?`` or ``!``, plus any closing quotes or brackets, when
    white space follows and the full stop does not close a known abbreviation or a decimal.
    """
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
            if at_break and not _is_abbreviation(text, start, index):
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


def _is_abbreviation(text: str, start: int, stop_index: int) -> bool:
    if text[stop_index] != ".":
        return False
    word_start = stop_index
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:stop_index].lstrip("(\"'“‘").lower()
    if word in _NUMBER_ABBREVIATIONS:
        after = _skip_space(text, stop_index + 1)
        return after < len(text) and text[after].isdigit()
    return word in _ABBREVIATIONS

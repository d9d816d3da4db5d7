"""The readability report: grades, long sentences, unexplained long words and PEMAT items.

The leaflets here are test data about a library visit, written so that every figure can be
worked out by hand: words of one syllable, and a few whose syllables the CMU Pronouncing
Dictionary (English) and Spanish hyphenation agree on.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.content import ContentError, Leaflet, load_leaflet
from kiosk.content.languages import languages_dir, read_language
from kiosk.content.readability import (
    ReadabilityReport,
    TextReport,
    analyse,
    report_markdown,
)
from tests.content.conftest import SHIPPED_PACK

PackWriter = Callable[..., Path]
REPO = Path(__file__).resolve().parents[2]

LONG = " ".join(["the cat sat"] * 10) + "."  # 30 words of one syllable
JUST_25 = " ".join(["the dog ran far on"] * 5) + "."  # 25 words: not over 25

ENGLISH = f"""\
+++
title = "Test leaflet: a visit to the library"
language = "en"
source = "Test data written by tests/content/test_readability.py"
+++

The cat sat on the mat. The dog ran far.

## What is there to see?

We watch television at the library. The red hat is big.

## How do we get there?

We use the elevator (a small room that takes us up and down) to get there. The people who
live near us (our community) go too. {JUST_25}

## Is it a long walk?

{LONG}

## Questions to ask your doctor

- [ ] Is this right for me?
"""

# Section 1 (the introduction), by hand: 10 words, 10 syllables, 2 sentences.
# Section 2: "We watch television at the library." 6 words, 1+1+4+1+1+3 = 11 syllables, two of
# three or more (SMOG's polysyllables); "The red hat is big." 5 words, 5 syllables.


def _fk(words: int, sentences: int, syllables: int) -> float:
    return 0.39 * words / sentences + 11.8 * syllables / words - 15.59


def _smog(polysyllables: int, sentences: int) -> float:
    return 1.043 * math.sqrt(30 * polysyllables / sentences) + 3.1291


def _load(write_pack: PackWriter, text: str, name: str = "en.md") -> Leaflet:
    file = write_pack(text, name)
    return load_leaflet(file.parent, file.stem)


def _part(report: ReadabilityReport, name: str) -> TextReport:
    return next(part for part in report.sections if part.name == name)


def _scores(part: TextReport) -> dict[str, float]:
    return {score.formula.name: score.value for score in part.scores}


def test_english_grades_are_the_formulas_on_counted_words_and_syllables(
    write_pack: PackWriter,
) -> None:
    report = analyse(_load(write_pack, ENGLISH))
    intro = _part(report, "Introduction")
    assert (intro.words, intro.sentences) == (10, 2)
    assert _scores(intro) == pytest.approx(
        {"Flesch-Kincaid grade": _fk(10, 2, 10), "SMOG grade": _smog(0, 2)}
    )
    seeing = _part(report, "What is there to see?")
    assert (seeing.words, seeing.sentences) == (11, 2)
    assert _scores(seeing) == pytest.approx(
        {"Flesch-Kincaid grade": _fk(11, 2, 16), "SMOG grade": _smog(2, 2)}
    )
    # SMOG 8.8 is over NIH's 8th grade: a warning; the intro's grades are not.
    assert [s.meets_target for s in seeing.scores] == [True, False]
    assert all(s.meets_target for s in intro.scores)


def test_the_sentence_that_raises_the_grade_most_comes_first_with_how_much(
    write_pack: PackWriter,
) -> None:
    seeing = _part(analyse(_load(write_pack, ENGLISH)), "What is there to see?")
    hardest = seeing.hardest[0]
    assert hardest.text == "We watch television at the library."
    assert hardest.line == 11
    # Without it the section is "The red hat is big.": 5 words, 5 syllables, 1 sentence.
    assert hardest.effect == pytest.approx(_fk(11, 2, 16) - _fk(5, 1, 5), abs=0.01)
    assert all(note.text != "The red hat is big." for note in seeing.hardest)


def test_sentences_over_25_words_are_listed_with_their_line_and_length(
    write_pack: PackWriter,
) -> None:
    report = analyse(_load(write_pack, ENGLISH))
    assert [(n.text, n.line, n.words) for n in report.whole.long_sentences] == [(LONG, 20, 30)]
    assert _part(report, "How do we get there?").long_sentences == ()  # 25 words is not over


def test_long_words_count_as_explained_by_a_parenthesis_either_way(
    write_pack: PackWriter,
) -> None:
    report = analyse(_load(write_pack, ENGLISH))
    # "elevator (a small room ...)": explained after it; "the people who live near us (our
    # community)": the parenthesis names what the words before it explain. "television" has
    # no explanation; "library" has three syllables, not more.
    unexplained = [(w.word, w.syllables, w.line) for w in report.whole.unexplained]
    assert unexplained == [("television", 4, 11)]
    assert _part(report, "How do we get there?").unexplained == ()


def test_a_term_explained_once_is_explained_wherever_else_it_is_used(
    write_pack: PackWriter,
) -> None:
    text = ENGLISH.replace("The red hat is big.", "The elevator is big. Television is fun.")
    report = analyse(_load(write_pack, text))
    words = {w.word: w for w in report.whole.unexplained}
    assert "elevator" not in words  # explained in the next section
    assert words["television"].uses == 2
    assert words["television"].line == 11


def test_the_pemat_items_a_program_can_check_pass_or_fail_with_what_was_looked_at(
    write_pack: PackWriter,
) -> None:
    items = {item.number: item for item in analyse(_load(write_pack, ENGLISH)).pemat}
    assert sorted(items) == [8, 9, 11, 12, 20, 23]
    assert items[8].passed
    assert "the longest, 'How do we get there?', has 51 words" in items[8].looked_at
    assert items[9].passed
    assert not items[11].passed  # no summary
    assert items[11].looked_at.endswith("none")
    assert items[23].passed
    assert "1 questions" in items[23].looked_at


def test_a_long_section_fails_chunking_and_a_summary_heading_passes(
    write_pack: PackWriter,
) -> None:
    text = ENGLISH.replace(LONG, " ".join([LONG] * 6)).replace(
        "## Questions to ask your doctor",
        "## Key points\n\nThe dog ran far.\n\n## Questions to ask your doctor",
    )
    items = {item.number: item for item in analyse(_load(write_pack, text)).pemat}
    assert not items[8].passed
    assert "over it: 'Is it a long walk?'" in items[8].looked_at
    assert items[11].passed
    assert "found 'Key points'" in items[11].looked_at


SPANISH = """\
+++
title = "Folleto de prueba: una visita a la biblioteca"
language = "es"
source = "Datos de prueba de tests/content/test_readability.py"
+++

El gato come pan. El perro come pan.

## ¿Qué hay en la biblioteca?

La biblioteca tiene información. Hay un ascensor (un cuarto pequeño que sube y baja).

## Preguntas para hacerle a su médico

- [ ] ¿Es bueno para mí?
"""


def test_spanish_is_measured_with_spanish_syllables(write_pack: PackWriter) -> None:
    report = analyse(_load(write_pack, SPANISH, "es.md"))
    intro = _part(report, "Introduction")
    # el 1, ga-to 2, co-me 2, pan 1, pe-rro 2: 8 words, 12 syllables, 2 sentences.
    assert (intro.words, intro.sentences) == (8, 2)
    assert _scores(intro) == pytest.approx(
        {
            "INFLESZ (Szigriszt-Pazos)": 206.84 - 62.3 * 12 / 8 - 8 / 2,
            "Fernández-Huerta": 206.84 - 60 * 12 / 8 - 1.02 * 8 / 2,
        }
    )
    # bi-blio-te-ca and in-for-ma-ción have four; as-cen-sor three and is explained anyway.
    unexplained = [(w.word, w.syllables) for w in report.whole.unexplained]
    assert unexplained == [("biblioteca", 4), ("información", 4)]


def test_spanish_and_english_syllables_differ_where_the_languages_do(
    write_pack: PackWriter,
) -> None:
    """pro-ce-di-mien-to is five syllables in Spanish; English patterns find four. A report
    that measured Spanish with English rules would say four."""
    word = "procedimiento"
    spanish = SPANISH.replace("El perro come pan.", f"El {word} es fácil y corto.")
    english = ENGLISH.replace("The dog ran far.", f"The {word} is here.")
    in_spanish = analyse(_load(write_pack, spanish, "es.md")).whole.unexplained
    in_english = analyse(_load(write_pack, english)).whole.unexplained
    assert [(w.word, w.syllables) for w in in_spanish if w.word == word] == [(word, 5)]
    assert [(w.word, w.syllables) for w in in_english if w.word == word] == [(word, 4)]


def test_english_syllables_come_from_the_pronouncing_dictionary(write_pack: PackWriter) -> None:
    """a-re-a is three syllables in the CMU dictionary; hyphenation alone gives one, which is
    what textstat falls back to when nltk's copy of the dictionary is missing."""
    text = ENGLISH.replace("The red hat is big.", "The area is big.")
    seeing = _part(analyse(_load(write_pack, text)), "What is there to see?")
    # 11 words; 1+1+4+1+1+3 + 1+3+1+1 = 17 syllables; polysyllables: television, library, area.
    assert _scores(seeing) == pytest.approx(
        {"Flesch-Kincaid grade": _fk(10, 2, 17), "SMOG grade": _smog(3, 2)}
    )


def test_the_report_lists_each_leaflet_with_its_warnings(write_pack: PackWriter) -> None:
    english = analyse(_load(write_pack, ENGLISH))
    spanish = analyse(_load(write_pack, SPANISH, "es.md"))
    text = report_markdown([english, spanish])
    assert "## en.md: Test leaflet: a visit to the library (en)" in text
    assert "## es.md: Folleto de prueba: una visita a la biblioteca (es)" in text
    assert f"- line 20, 30 words: “{LONG}”" in text
    assert "- television (4 syllables), line 11" in text
    assert "- FAIL: item 11. The material provides a summary." in text
    assert "### PEMAT-P items for a person to judge" in text
    assert "- item 5. The material uses the active voice." in text
    # SMOG over 8 in one section, one long sentence, one word, one PEMAT item (no summary).
    assert english.warnings == 1 + 1 + 1 + 1
    assert "4 warnings." in text


def test_docs_readability_is_the_shipped_leaflets_report_as_the_check_writes_it() -> None:
    """docs/readability.md carries the report of the shipped leaflet; a change to the
    leaflet's words must come with the report of the new words
    (kiosk content check resources/leaflets/vertebroplasty --report docs/readability.md)."""
    reports = [analyse(load_leaflet(SHIPPED_PACK, code)) for code in ("en", "es")]
    written = report_markdown(reports)
    doc = (REPO / "docs" / "readability.md").read_text(encoding="utf-8")
    body = written.split("\n", 1)[1]  # after its own "# Readability report"
    assert body in doc


def test_a_language_file_names_an_unknown_formula_with_its_line(tmp_path: Path) -> None:
    text = (languages_dir() / "en.toml").read_text(encoding="utf-8")
    wrong = tmp_path / "en.toml"
    wrong.write_text(text.replace('"smog_index"]', '"smog"]'), encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("formulas"))
    with pytest.raises(ContentError) as caught:
        read_language(wrong)
    assert str(caught.value) == (
        f"{wrong}, line {line}: readability.formulas: no formula 'smog'; known: "
        "flesch_kincaid_grade, smog_index, szigriszt_pazos, fernandez_huerta"
    )
    half = tmp_path / "half" / "en.toml"
    half.parent.mkdir()
    half.write_text(text.replace('textstat_locale = "en_US"\n', ""), encoding="utf-8")
    with pytest.raises(ContentError, match="needs both textstat_locale and formulas"):
        read_language(half)

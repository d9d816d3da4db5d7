"""A leaflet's languages match one to one, and a translation says who reviewed it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.content import (
    ContentError,
    check_path,
    leaflet_header,
    load_leaflet,
    load_translations,
)
from kiosk.content.languages import language
from kiosk.content.sentences import split_sentences
from kiosk.narration.pronounce import load_lexicon

from .conftest import SHIPPED_PACK


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(SHIPPED_PACK, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_the_shipped_spanish_leaflet_matches_the_english_one_page_by_page() -> None:
    leaflets = load_translations(SHIPPED_PACK, ["en", "es"])
    english, spanish = leaflets["en"], leaflets["es"]
    assert [s.kind for s in spanish.sections] == [s.kind for s in english.sections]
    assert [len(s.blocks) for s in spanish.sections] == [len(s.blocks) for s in english.sections]
    assert len(spanish.questions) == len(english.questions) == 5
    assert spanish.questions[0].text == "¿Es la vertebroplastia una buena opción para mí?"
    assert spanish.translated_from == "en"
    assert spanish.unreviewed_translation
    assert spanish.publisher == "American Academy of Family Physicians, es.familydoctor.org"
    assert english.translated_from is None
    assert not english.unreviewed_translation


def _cut(text: str, start: str, end: str) -> str:
    return text[: text.index(start)] + text[text.index(end) :]


def _swap(text: str, first: str, second: str, end: str) -> str:
    """``text`` with the section from ``first`` to ``second`` and the one from ``second`` to
    ``end`` in each other's place."""
    a, b, c = text.index(first), text.index(second), text.index(end)
    return text[:a] + text[b:c] + text[a:b] + text[c:]


FIX = (
    "translate en.md section by section, paragraph by paragraph and item by item, so that "
    "the two files match one to one"
)


def test_a_translation_with_a_section_missing_is_refused_where_they_part(pack: Path) -> None:
    spanish, english = pack / "es.md", pack / "en.md"
    text = spanish.read_text(encoding="utf-8")
    spanish.write_text(
        _cut(text, "## ¿Cómo es la recuperación?", "# Cosas que debe tener en cuenta"),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as caught:
        check_path(pack)
    # Sections are told apart by kind, group and shape (the words differ by language): they
    # part where the Spanish goes on to the next group one section early.
    assert str(caught.value) == (
        f"{spanish}, line {_line(spanish, '## ¿Es seguro')}: section 5, '¿Es seguro el "
        "procedimiento?', is in group 2 ('# Cosas que debe tener en cuenta') but in en.md, "
        f"line {_line(english, '## What is recovery like?')}, section 5, 'What is recovery "
        "like?', is in group 1 ('# Path to improved health') (it looks as if 'What is "
        f"recovery like?', en.md line {_line(english, '## What is recovery like?')}, has no "
        f"translation before it); {FIX}"
    )


def test_a_translation_with_two_sections_swapped_is_refused(pack: Path) -> None:
    spanish, english = pack / "es.md", pack / "en.md"
    text = spanish.read_text(encoding="utf-8")
    spanish.write_text(
        _swap(text, "## ¿Cómo se hace", "## ¿Cómo es la recuperación?", "# Cosas que debe"),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as caught:
        load_translations(pack, ["en", "es"])
    assert str(caught.value) == (
        f"{spanish}, line {_line(spanish, 'La mayoría de las personas')}: section 4, '¿Cómo es "
        f"la recuperación?', has 1 paragraph but in en.md, line {_line(english, '## How is')}, "
        "section 4, 'How is vertebroplasty done?', has 2 paragraphs: en.md, line "
        f"{_line(english, 'Once the needle')}, 'Once the needle is in position, ...', has no "
        f"match (it looks as if sections 4 and 5 are in swapped places); {FIX}"
    )


def test_a_list_item_written_as_a_paragraph_is_refused_on_its_line(pack: Path) -> None:
    spanish, english = pack / "es.md", pack / "en.md"
    _edit(
        spanish, "- Reacción alérgica a las medicinas.\n", "Reacción alérgica a las medicinas.\n\n"
    )
    with pytest.raises(ContentError) as caught:
        check_path(pack)
    assert str(caught.value) == (
        f"{spanish}, line {_line(spanish, 'Reacción alérgica')}: in section 6, '¿Es seguro el "
        f"procedimiento?', this is a paragraph but in en.md, line {_line(english, '- Allergic')}, "
        f"it is a list item (- ...), 'Allergic reaction to the medicines.'; {FIX}"
    )


def test_a_translation_with_one_question_fewer_is_refused(pack: Path) -> None:
    spanish, english = pack / "es.md", pack / "en.md"
    _edit(spanish, "- [ ] ¿Cuánto tiempo tardará mi recuperación?\n", "")
    with pytest.raises(ContentError) as caught:
        load_translations(pack, ["en", "es"])
    assert str(caught.value) == (
        f"{spanish}, line {_line(spanish, '¿Esto curará')}: it has 4 questions and en.md has "
        f"5: en.md's question 5, line {_line(english, 'Will this take care')}, 'Will this take "
        "care of my ...', has no match; ticks carry between languages by number, so "
        "translate every question, one for one"
    )


def test_a_questions_section_in_another_place_is_refused(pack: Path) -> None:
    spanish = pack / "es.md"
    text = spanish.read_text(encoding="utf-8")
    questions = text[text.index("# Preguntas para hacerle") :]
    body = text[: text.index("# Preguntas para hacerle")]
    at = body.index("# Cosas que debe tener en cuenta")
    spanish.write_text(body[:at] + questions + "\n" + body[at:], encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        check_path(pack)
    assert str(caught.value).startswith(
        f"{spanish}, line {_line(spanish, '# Preguntas para hacerle')}: section 6 is 'Preguntas "
        "para hacerle a su médico' (questions) but in en.md, line "
    )
    assert "it is 'Is the procedure safe?' (topic)" in str(caught.value)


def test_the_translations_asked_for_must_all_be_there(pack: Path) -> None:
    (pack / "es.md").unlink()
    with pytest.raises(ContentError) as caught:
        load_translations(pack, ["en", "es"])
    assert str(caught.value) == (
        f"{pack / 'es.md'}: the pack has no leaflet in Spanish (es.md); translate en.md into "
        "it, or leave 'es' out of the languages the kiosk offers"
    )
    assert list(load_translations(pack, ["en"])) == ["en"]


def test_each_translation_is_held_to_the_original_it_names(pack: Path) -> None:
    # Asked for Spanish first, the English is still the one the Spanish must match.
    spanish = pack / "es.md"
    _edit(spanish, "- [ ] ¿Cuánto tiempo tardará mi recuperación?\n", "")
    with pytest.raises(
        ContentError, match=r"es\.md, line \d+: it has 4 questions and en\.md has 5"
    ):
        load_translations(pack, ["es", "en"])


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            'translated_from = "es"',
            "translated_from is 'es', the file's own language; name the language of the file "
            "it was translated from (en), or remove the line if this file is the original",
        ),
        (
            'translated_from = "fr"',
            "translated_from is 'fr', not a language the kiosk has; name the language of the "
            "file it was translated from (en)",
        ),
        ('translated_from = ""', "header key 'translated_from' must be non-empty text"),
        (
            "reviewed_by = 2026",
            "header key 'reviewed_by' must be text in quotation marks, such as "
            'reviewed_by = "Ana Pérez, 2026-12-01", or "" until a medical translator has '
            "checked it",
        ),
    ],
)
def test_a_translation_header_that_cannot_be_right_is_refused_on_its_line(
    pack: Path, line: str, problem: str
) -> None:
    spanish = pack / "es.md"
    key = line.split(" =", maxsplit=1)[0]
    _edit(spanish, next(x for x in spanish.read_text().splitlines() if x.startswith(key)), line)
    for read in (load_leaflet, leaflet_header):
        with pytest.raises(ContentError) as caught:
            read(pack, "es")
        assert str(caught.value) == f"{spanish}, line {_line(spanish, line)}: {problem}"


def test_only_a_translation_says_who_reviewed_it(pack: Path) -> None:
    english = pack / "en.md"
    _edit(english, 'welcome = "', 'reviewed_by = "Ana Pérez, 2026-12-01"\nwelcome = "')
    with pytest.raises(ContentError) as caught:
        load_leaflet(pack, "en")
    assert str(caught.value) == (
        f"{english}, line {_line(english, 'reviewed_by =')}: reviewed_by is for a translation, "
        "and this file does not say it is one; add translated_from with the original's "
        "language (es), or remove reviewed_by"
    )


def test_the_header_alone_says_whether_it_is_a_translation(pack: Path) -> None:
    assert leaflet_header(pack, "en").translated_from is None
    header = leaflet_header(pack, "es")
    assert (header.translated_from, header.reviewed_by) == ("en", "")
    _edit(pack / "es.md", 'reviewed_by = ""', 'reviewed_by = "  Ana Pérez, 2026-12-01 "')
    assert leaflet_header(pack, "es").reviewed_by == "Ana Pérez, 2026-12-01"


def test_a_reviewed_translation_says_who_reviewed_it(pack: Path) -> None:
    _edit(pack / "es.md", 'reviewed_by = ""', 'reviewed_by = "Ana Pérez, 2026-12-01"')
    spanish = load_leaflet(pack, "es")
    assert not spanish.unreviewed_translation
    assert spanish.review_note == "translated from en.md, reviewed by Ana Pérez, 2026-12-01"


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("¿Le duele? ¡Llame hoy! Gracias.", ["¿Le duele?", "¡Llame hoy!", "Gracias."]),
        ("Si duele, ¿por qué esperar? Llame.", ["Si duele, ¿por qué esperar?", "Llame."]),
        ("¡Qué alivio! ¿Verdad?", ["¡Qué alivio!", "¿Verdad?"]),
        ("«¿Es para mí?» Pregunte.", ["«¿Es para mí?»", "Pregunte."]),
        ("¿Sra. Díaz? Pase.", ["¿Sra. Díaz?", "Pase."]),
        ("La Dra. Gómez y el Sr. Ruiz la verán.", ["La Dra. Gómez y el Sr. Ruiz la verán."]),
        ("Hable con la Sra. Díaz. Ella ayuda.", ["Hable con la Sra. Díaz.", "Ella ayuda."]),
        ("Llame al Dr. Ruiz. Él sabe.", ["Llame al Dr. Ruiz.", "Él sabe."]),
        ("Use medicinas, p. ej. calcitonina. Luego descanse.",
         ["Use medicinas, p. ej. calcitonina.", "Luego descanse."]),
        ("En EE. UU. es común. Mucho.", ["En EE. UU. es común.", "Mucho."]),
        ("Vive en EE.UU. y trabaja.", ["Vive en EE.UU. y trabaja."]),
        ("Dura aprox. una hora. Luego descanse.", ["Dura aprox. una hora.", "Luego descanse."]),
        ("Tómela a las 8 a. m. y a las 8 p. m. cada día.",
         ["Tómela a las 8 a. m. y a las 8 p. m. cada día."]),
        # A letter alone still ends a sentence: only "a. m." is listed, not "a".
        ("Su sangre es del grupo A. Es común.", ["Su sangre es del grupo A.", "Es común."]),
        ("Vaya a la sala núm. 5 hoy. Espere.", ["Vaya a la sala núm. 5 hoy.", "Espere."]),
        ("Tome 1.5 mg al día. Descanse.", ["Tome 1.5 mg al día.", "Descanse."]),
    ],
)  # fmt: skip
def test_spanish_sentences_split_where_a_reader_stops(text: str, sentences: list[str]) -> None:
    result = split_sentences(text, "es")
    assert [s.text for s in result] == sentences
    assert all(text[s.start : s.end] == s.text for s in result)


def test_english_keeps_its_own_abbreviations() -> None:
    # "Sra." is Spanish: in English it ends a sentence, and "p. ej." is not an abbreviation.
    assert len(split_sentences("Ask Sra. Díaz. Then rest.", "en")) == 3
    assert len(split_sentences("Ask Sra. Díaz. Then rest.", "es")) == 2
    assert len(split_sentences("Take it at 8 a. m. and rest.", "en")) == 3


def test_a_spanish_leaflet_is_split_by_spanish_rules(pack: Path) -> None:
    # "Sra." goes on in Spanish; English would end the sentence there.
    spanish = pack / "es.md"
    _edit(
        spanish, "Hable con su médico sobre si", "Hable con la Sra. Díaz o con su médico sobre si"
    )
    block = load_leaflet(pack, "es").sections[2].body[0]
    assert (
        "Hable con la Sra. Díaz o con su médico sobre si un corsé es un buen tratamiento para "
        "usted." in [s.text for s in block.sentences]
    )


def test_the_spanish_pronunciation_list_fixes_what_espeak_says_wrong() -> None:
    lexicon = load_lexicon(SHIPPED_PACK / "pronunciation-es.toml")
    assert lexicon == {"MedlinePlus": "Médlain plus"}
    spanish = load_leaflet(SHIPPED_PACK, "es")
    read_aloud = " ".join(
        [spanish.title, spanish.source]
        + [block.text for section in spanish.sections for block in section.blocks]
    )
    espeak = shutil.which("espeak-ng")
    assert espeak is not None, "the espeak-ng package is not installed"
    for written, spoken in lexicon.items():
        assert re.search(rf"\b{re.escape(written)}\b", read_aloud), f"{written} is not in es.md"
        before, after = (
            subprocess.run(
                [espeak, "-v", language("es").voices[0], "-x", "-q", word],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            for word in (written, spoken)
        )
        assert before != after, f"{written}: the respelling changes nothing ({before})"
    # "line" as in English (laI), no longer the Spanish "li-ne".
    assert "medl'ine" in before
    assert "laI" in after

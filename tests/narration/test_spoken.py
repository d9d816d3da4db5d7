"""The words every voice says for the leaflet's text, and what the highlight lights meanwhile."""

from __future__ import annotations

import re

import pytest

from kiosk.config import resources_dir
from kiosk.content import load_leaflet
from kiosk.narration.pronounce import load_lexicon
from kiosk.narration.spoken import spoken_text

PACK = resources_dir() / "leaflets" / "vertebroplasty"


def said(text: str, language: str = "en", lexicon: dict[str, str] | None = None) -> str:
    return spoken_text(text, language, lexicon or {})[0]


def lit(text: str, word: str, language: str = "en", lexicon: dict[str, str] | None = None) -> str:
    """What the screen highlights while the voice says ``word`` (its first time), as the
    narrator finds it: the shown characters of the spoken word's first and last."""
    spoken, to_shown = spoken_text(text, language, lexicon or {})
    assert len(to_shown) == len(spoken)
    found = re.search(rf"(?<![^\s(]){re.escape(word)}(?=[\s,.;:!?)]|$)", spoken)
    assert found, f"{word!r} is not said in {spoken!r}"
    return text[to_shown[found.start()] : to_shown[found.end() - 1] + 1]


# English ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("More than 40 million people", "More than forty million people"),
        ("stay in bed for 24 hours", "stay in bed for twenty-four hours"),
        ("better within 48 hours.", "better within forty-eight hours."),
        ("1,250 patients", "one thousand two hundred fifty patients"),
        ("a 3.5 cm needle", "a three point five centimeters needle"),
        ("the 1st, 2nd, 3rd and 21st", "the first, second, third and twenty-first"),
        ("10% or 10 % of them", "ten percent or ten percent of them"),
        ("for 2-3 days", "for two to three days"),
        ("for 2–3 days", "for two to three days"),
        ("10-20% of people", "ten to twenty percent of people"),
        ("5mg, 1 mg, 0.5 mL, 70 kg, 4 mm", None),
        ("37 °C or 100°F", "thirty-seven degrees Celsius or one hundred degrees Fahrenheit"),
        (
            "1 h, 24h, 1.5 hrs, 10 min",
            "one hour, twenty-four hours, one point five hours, ten minutes",
        ),
        ("in 1990, and 1500 people", "in nineteen ninety, and one thousand five hundred people"),
        ("on March 3, 2024", "on March three, twenty twenty-four"),
        ("Question 2 of 5: Ticked.", "Question two of five: Ticked."),
    ],
)
def test_english_numbers_units_and_ranges_are_said_in_words(text: str, words: str | None) -> None:
    if words is None:
        words = (
            "five milligrams, one milligram, zero point five milliliters, seventy kilograms,"
            " four millimeters"
        )
    assert said(text) == words


def test_english_abbreviations_are_said_in_full_and_a_sentence_still_ends() -> None:
    assert said("Ask Dr. Lee, e.g. about pain, i.e. how much, approx. 5 vs. 6.") == (
        "Ask Doctor Lee, for example about pain, that is how much, approximately five versus six."
    )
    assert said("Bring your pills, forms, etc.") == "Bring your pills, forms, et cetera."
    assert said("Etc. is last") == "et cetera is last"
    # Only as written: "MS." (a disease, ending a sentence) is not "Ms.".
    assert said("She has MS.") == "She has MS."


def test_the_word_said_lights_what_the_screen_shows_for_it() -> None:
    text = "More than 40 million people stay 2–3 days, 10 % pay 1,250 and take 5mg (Dr. Lee)."

    assert lit(text, "forty") == "40"
    assert lit(text, "million") == "million"
    assert lit(text, "two") == "2"
    assert lit(text, "to") == "–"
    assert lit(text, "three") == "3"
    assert lit(text, "days") == "days"
    assert lit(text, "ten") == "10"
    assert lit(text, "percent") == "%"
    # Every word said for a number lights the whole number.
    for word in ("one", "thousand", "hundred", "fifty"):
        assert lit(text, word) == "1,250"
    assert lit(text, "five") == "5"
    assert lit(text, "milligrams") == "mg"
    assert lit(text, "Doctor") == "Dr."
    assert lit(text, "Lee") == "Lee"
    assert lit(text, "take") == "take"


def test_the_pronunciation_list_comes_first_so_an_entry_for_what_the_screen_shows_still_works() -> (
    None
):
    lexicon = {"T12": "tee 12", "vertebroplasty": "vertebroh-plassty"}
    text = "A T12 fracture, and vertebroplasty in 2 hours."

    spoken, _ = spoken_text(text, "en", lexicon)

    # The entry's own figures are said in words too, and light their part of the shown word.
    assert spoken == "A tee twelve fracture, and vertebroh-plassty in two hours."
    assert lit(text, "tee", lexicon=lexicon) == "T"
    assert lit(text, "twelve", lexicon=lexicon) == "12"
    assert lit(text, "vertebroh-plassty", lexicon=lexicon) == "vertebroplasty"
    assert lit(text, "two", lexicon=lexicon) == "2"


# Spanish ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Más de 40 millones de personas", "Más de cuarenta millones de personas"),
        ("durante 24 horas", "durante veinticuatro horas"),
        ("en menos de 48 horas.", "en menos de cuarenta y ocho horas."),
        ("1.250 pacientes", "mil doscientos cincuenta pacientes"),
        ("3,5 cm o 1.5 mg", "tres coma cinco centímetros o uno punto cinco miligramos"),
        ("1,05 ml", "uno coma cero cinco mililitros"),
        ("el 1.º, la 1.ª, el 1.er día", "el primero, la primera, el primer día"),
        ("la 2.ª dosis", "la segunda dosis"),
        ("10 % o 10%", "diez por ciento o diez por ciento"),
        ("Tome 2-3 pastillas", "Tome de dos a tres pastillas"),
        ("durante 2–3 días", "durante dos a tres días"),
        ("1 hora, 21 horas, 1 h", "una hora, veintiuna horas, una hora"),
        ("1 día, 21 días, 1 mg", "un día, veintiún días, un miligramo"),
        (
            "200 personas, 200 millones de personas",
            "doscientas personas, doscientos millones de personas",
        ),
        ("el 1 de enero, 1 o 2 veces", "el uno de enero, uno o dos veces"),
        ("en 1990", "en mil novecientos noventa"),
        ("−5 °C", "menos cinco grados Celsius"),
    ],
)
def test_spanish_numbers_agree_and_ranges_read_as_spanish(text: str, words: str) -> None:
    assert said(text, "es") == words


def test_spanish_abbreviations_with_or_without_their_space() -> None:
    assert said("La Dra. Ruiz y el Dr. Pérez, p. ej. hoy, p.ej. mañana, etc.", "es") == (
        "La doctora Ruiz y el doctor Pérez, por ejemplo hoy, por ejemplo mañana, etcétera."
    )
    assert said("En EE. UU. pesa aprox. 5 kg", "es") == (
        "En Estados Unidos pesa aproximadamente cinco kilogramos"
    )


def test_spanish_highlight_lights_the_figures() -> None:
    text = "Tome 2-3 pastillas durante 24 h."

    assert lit(text, "de", "es") == "2"
    assert lit(text, "dos", "es") == "2"
    assert lit(text, "a", "es") == "-"
    assert lit(text, "tres", "es") == "3"
    assert lit(text, "veinticuatro", "es") == "24"
    assert lit(text, "horas", "es") == "h"


# Hostile text ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "text",
    [
        "",
        "%",
        "100 %%",
        "1,2,3",
        "T12",
        "1990s",
        "3D",
        "H2O",
        "12:30",
        "24/7",
        "1/2",
        "1.2.3",
        "9" * 400,
        "1" + ",000" * 40,
        "1.ª" * 5,
        "--5--",
        "2-3-4",
        "−",
        "Dr.",
        "5 mg/kg",
        "555-1234",
        "\u00a0%\u00a0",
        "007",
        "0",
    ],
)
def test_hostile_text_is_said_without_failing_and_maps_onto_the_screen(
    text: str, language: str
) -> None:
    spoken, to_shown = spoken_text(text, language, {"T12": "T 12"})

    assert len(to_shown) == len(spoken)
    assert all(0 <= index < len(text) for index in to_shown)
    assert bool(spoken.strip()) == bool(text.strip())


def test_hostile_numbers_are_said_sensibly() -> None:
    assert said("") == ""
    assert said("1,2,3") == "one, two, three"
    assert said("a lone % sign") == "a lone % sign"
    assert said("T12 and B12") == "T twelve and B twelve"
    # Letters after the digits that are no unit: left as they are, not "one hundred ninety-nine0s".
    assert said("the 1990s, 3D, H2O") == "the 1990s, 3D, H2O"
    assert said("12:30 or 24/7") == "12:30 or 24/7"
    # A huge figure is an identifier: digit by digit, every digit said.
    huge = "9" * 40
    assert said(huge) == " ".join(["nine"] * 40)
    assert said("007") == "zero zero seven"
    assert said("call 555-1234") == "call five five five, one two three four"
    assert said("3-2 down") == "three-two down"  # not a range: "three to two"
    assert said("1.º", "es") == "primero"
    assert said("T12", "es") == "T doce"


def test_a_language_without_rules_gets_the_pronunciation_list_only() -> None:
    spoken, to_shown = spoken_text("Take 5 mg, Dr. Lee.", "xx", {"lee": "lay"})

    assert spoken == "Take 5 mg, Dr. lay."
    assert len(to_shown) == len(spoken)


# The shipped leaflets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "figures"),
    [
        ("en", {"forty": "40", "twenty-four": "24", "forty-eight": "48"}),
        ("es", {"cuarenta": "40", "veinticuatro": "24", "ocho": "48"}),
    ],
)
def test_the_shipped_leaflets_figures_are_said_and_lit(
    language: str, figures: dict[str, str]
) -> None:
    leaflet = load_leaflet(PACK, language)
    lexicon = load_lexicon(PACK / f"pronunciation-{language}.toml")
    seen: dict[str, str] = {}
    for section in leaflet.sections:
        for _block, sentence in section.sentences():
            spoken, to_shown = spoken_text(sentence.text, language, lexicon)
            assert len(to_shown) == len(spoken)
            assert not re.search(r"\d", spoken), spoken  # every figure is said in words
            for word in figures:
                if word not in seen and re.search(rf"(?<!\S){word}(?=[\s,.]|$)", spoken):
                    seen[word] = lit(sentence.text, word, language, lexicon)
    assert seen == figures

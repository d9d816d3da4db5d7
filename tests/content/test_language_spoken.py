"""A language file's ``[spoken]`` rules: the shipped ones load, and a broken one is refused on its
line with what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.content import ContentError
from kiosk.content.languages import languages_dir, read_language


def test_the_shipped_languages_say_their_units_and_short_forms() -> None:
    english = read_language(languages_dir() / "en.toml").spoken
    spanish = read_language(languages_dir() / "es.toml").spoken

    assert english.units["mg"].other == "milligrams"
    assert english.abbreviations["e.g."] == "for example"
    assert spanish.units["h"].gender == "feminine"
    assert spanish.abbreviations["p. ej."] == "por ejemplo"
    assert spanish.agreement.gender_of("horas") == "feminine"
    assert spanish.agreement.gender_of("días") == "masculine"
    assert spanish.agreement.gender_of("de") == ""


@pytest.fixture
def english(tmp_path: Path) -> Path:
    file = tmp_path / "en.toml"
    shutil.copy(languages_dir() / "en.toml", file)
    return file


@pytest.mark.parametrize(
    ("written", "replacement", "said"),
    [
        (
            'percent = "percent"',
            'percent = "percent"\nper_cent = "x"',
            "unknown entry 'per_cent' in [spoken]",
        ),
        ('percent = "percent"', 'percent = ""', "spoken.percent must be text"),
        (
            'range = "{low} to {high}"',
            'range = "{low} to"',
            "spoken.range must hold {low} and then {high}",
        ),
        (
            'mg = { one = "milligram", other = "milligrams" }',
            'mg = { one = "milligram" }',
            'spoken.units: mg needs { one = "…", other = "…" }',
        ),
        (
            'mg = { one = "milligram", other = "milligrams" }',
            'mg = { one = "milligram", other = "milligrams", gender = "neuter" }',
            "spoken.units: mg's gender must be one of masculine, feminine",
        ),
        (
            '"vs." = "versus"',
            '"vs." = "versus"\n"wk." = "week"',
            "spoken.abbreviations: wk. ends a sentence where it is written, since it is not in"
            " abbreviations: add 'wk' to abbreviations",
        ),
        ('st = "plain"', 'st = "first"', "spoken.ordinal_suffixes: st must be one of plain"),
        ('number_language = "en"', "", "spoken.number_language is missing"),
    ],
)
def test_a_broken_spoken_rule_is_refused_on_its_line(
    english: Path, written: str, replacement: str, said: str
) -> None:
    text = english.read_text(encoding="utf-8")
    assert written in text
    broken = text.replace(written, replacement, 1)
    english.write_text(broken, encoding="utf-8")
    lines = broken.splitlines()
    key = (replacement.splitlines() or ["[spoken]"])[-1].split(" =")[0]
    expected_line = next(n for n, line in enumerate(lines, 1) if line.startswith(key))

    with pytest.raises(ContentError) as raised:
        read_language(english)

    assert said in str(raised.value)
    assert f"{english}, line {expected_line}:" in str(raised.value)

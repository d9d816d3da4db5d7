"""The paper a handout is printed on when the printer does not say: the clinic's, never the
visit's language's."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.content import ContentError
from kiosk.content.languages import read_language
from kiosk.printing.paper import Paper
from kiosk.printing.service import choose_paper, clinic_paper


@pytest.mark.parametrize("code", ["en", "es"])
def test_the_kiosks_languages_clinics_print_on_letter(code: str) -> None:
    """Both are American clinics' languages here: a Spanish kiosk in Puerto Rico or Texas."""
    assert clinic_paper(Config(language=code)) is Paper.LETTER


def test_the_paper_comes_from_the_clinics_default_languages_file(language_files: Path) -> None:
    spanish = language_files / "es.toml"
    spanish.write_text(
        spanish.read_text(encoding="utf-8").replace('paper = "letter"', 'paper = "a4"'),
        encoding="utf-8",
    )
    assert clinic_paper(Config(language="es", languages=("es", "en"))) is Paper.A4
    assert clinic_paper(Config(language="en", languages=("en", "es"))) is Paper.LETTER


def test_a_printer_that_says_and_a_configured_paper_come_first() -> None:
    assert choose_paper("a4", None, Paper.LETTER) is Paper.A4
    assert choose_paper("roll80", None, Paper.LETTER) is Paper.ROLL_80MM
    assert choose_paper("auto", None, Paper.A4) is Paper.A4, "no printer: the fallback"


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ('paper = "legal"', "line {line}: paper must be one of 'letter', 'a4', not 'legal'"),
        ('paper = "roll80"', "line {line}: paper must be one of 'letter', 'a4', not 'roll80'"),
        ("", "en.toml: the entry 'paper' is missing"),
    ],
)
def test_a_language_file_without_a_sheet_it_knows_is_refused(
    language_files: Path, entry: str, said: str
) -> None:
    english = language_files / "en.toml"
    text = english.read_text(encoding="utf-8")
    line = text.splitlines().index('paper = "letter"') + 1
    english.write_text(text.replace('paper = "letter"', entry), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        read_language(english)
    assert str(raised.value).startswith(str(english))
    assert said.format(line=line) in str(raised.value)

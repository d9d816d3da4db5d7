"""`kiosk print`: the staff's test page, in the clinic's default language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cups import pdf_text
from kiosk.catalogs import use_language
from kiosk.config import Config
from kiosk.content import load_leaflet
from kiosk.paths import resources_dir
from kiosk.printing.command import print_from_command_line


@pytest.fixture
def english_afterwards(qapp: object) -> Iterator[None]:  # noqa: ARG001 - catalogs need it
    """The kiosk's words in English again for the tests that follow (the command installs
    the clinic's language's catalog on the application, as it does in its own process)."""
    yield
    use_language("en")


@pytest.mark.usefixtures("english_afterwards")
def test_a_spanish_clinics_test_page_is_all_in_spanish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = Config(language="es", languages=("es", "en"), clinic_name="Clínica Riverside")
    pdf = tmp_path / "prueba.pdf"
    assert print_from_command_line(config, [2, 4], None, pdf) == 0
    assert capsys.readouterr().out == f"{pdf}: handout written\n"
    text = " ".join(pdf_text(pdf).split())
    spanish = load_leaflet(resources_dir() / "leaflets" / "vertebroplasty", "es")
    for expected in (
        spanish.title,
        spanish.questions[1].text,
        spanish.questions[3].text,
        "Mis propias preguntas:",
        f"Fuente: {spanish.source}",
        f"Publicado por {spanish.publisher}",
        "Impreso el ",
        "Traiga esta hoja a su cita.",
        "Nombre:",
        "Fecha de la cita:",
        "Escanee con la cámara de su teléfono para leer el folleto completo",
    ):
        assert expected in text, expected
    assert spanish.questions[0].text not in text
    for english in ("My own questions:", "Source:", "Printed on", "Name:", "Scan with"):
        assert english not in text, english

"""The print service with a kiosk of several leaflets: one Print, one handout with a part per
leaflet, sent through a real private CUPS and read back."""

from __future__ import annotations

import datetime
import logging
import re
import subprocess
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from harness.cups import Q_PDF, Q_ROLL_58, CupsServer, pdf_text
from harness.leaflets import write_leaflet
from kiosk.config import Config
from kiosk.content.library import Library, open_library
from kiosk.printing.handout import handout_for
from kiosk.printing.jobs import JobLedger
from kiosk.printing.service import PrintService, PrintState
from kiosk.session import ONLY_LEAFLET

TODAY = datetime.date(2026, 11, 26)
PRINT_TIMEOUT_MS = 30_000

pytestmark = pytest.mark.usefixtures("qapp")


def url(number: int) -> str:
    return f"https://example.org/test-topic-{number}"


@pytest.fixture
def library(tmp_path: Path) -> Library:
    """Three test leaflets (test data); the second has no Spanish file."""
    folder = tmp_path / "leaflets"
    for number in (1, 2, 3):
        languages = ("en",) if number == 2 else ("en", "es")
        write_leaflet(folder, number, languages, url=url(number), publisher=f"Publisher {number}")
    return open_library(["test-1", "test-2", "test-3"], [folder], tmp_path, "en", ["en", "es"])


def service(library: Library, tmp_path: Path, **settings: object) -> PrintService:
    config = Config(clinic_name="Riverside Clinic", pdf_folder=tmp_path / "saved", **settings)  # type: ignore[arg-type]
    first = library["test-1"]
    return PrintService(
        config,
        {code: first.leaflet(code) for code in first.languages()},
        ledger=JobLedger(tmp_path / "state" / "jobs"),
        library=library,
    )


def test_the_ticks_of_several_leaflets_make_one_handout_with_a_part_each(
    library: Library, tmp_path: Path
) -> None:
    printing = service(library, tmp_path)
    ticked = {"test-1": frozenset({3}), "test-2": frozenset(), "test-3": frozenset({1, 2})}
    handout = printing.handout(ticked, TODAY, "en")
    assert [part.title for part in handout.parts] == ["Test topic 1", "Test topic 3"]
    assert [part.questions for part in handout.parts] == [
        ("Test question 3 of leaflet 1?",),
        ("Test question 1 of leaflet 3?", "Test question 2 of leaflet 3?"),
    ]
    assert [part.url for part in handout.parts] == [url(1), url(3)]
    assert handout.heading == handout.page_title == "Questions to ask your doctor"
    assert handout.clinic_name == "Riverside Clinic"


def test_a_leaflet_lacking_the_language_prints_its_part_in_its_own_and_says_so(
    library: Library, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    printing = service(library, tmp_path)
    ticked = {"test-1": frozenset({1}), "test-2": frozenset({2})}
    with caplog.at_level(logging.INFO, logger="kiosk.printing"):
        handout = printing.handout(ticked, TODAY, "es")
    assert [part.title for part in handout.parts] == ["Tema de prueba 1", "Test topic 2"]
    assert handout.parts[1].questions == ("Test question 2 of leaflet 2?",)
    assert handout.heading == "Preguntas para hacerle a su médico"
    assert handout.language == "es"
    assert "leaflet 'test-2' has no 'es' version: its part of the handout is printed in 'en'" in (
        caplog.text
    )


def test_a_kiosk_of_one_leaflet_prints_as_it_always_did(library: Library, tmp_path: Path) -> None:
    printing = service(library, tmp_path)
    alone = printing.handout(frozenset({1, 3}), TODAY, "en")
    assert alone == printing.handout({ONLY_LEAFLET: frozenset({1, 3})}, TODAY, "en")
    # Its ticks by leaflet (Visit.ticked_by_leaflet) make the same handout as its numbers,
    # even in a language its leaflet lacks (printed in the leaflet's, dated in it too).
    english_only = PrintService(
        Config(clinic_name="Riverside Clinic"),
        {"en": library["test-2"].leaflet("en")},
        ledger=JobLedger(tmp_path / "state" / "jobs"),
    )
    numbers = english_only.handout(frozenset({2}), TODAY, "es")
    assert numbers == english_only.handout({ONLY_LEAFLET: frozenset({2})}, TODAY, "es")
    assert (numbers.title, numbers.language) == ("Test topic 2", "en")
    assert (
        alone.parts
        == handout_for(
            library["test-1"].leaflet("en"),
            [1, 3],
            clinic_name="Riverside Clinic",
            today=TODAY,
            own_questions_label="My own questions:",
            date_label="Printed on {0}",
            source_label="Source: {0}",
        ).parts
    )
    assert alone.page_title == "Test topic 1"


def test_a_leaflet_the_kiosk_no_longer_has_is_left_out_with_a_warning(
    library: Library, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    printing = service(library, tmp_path)
    ticked = {"test-1": frozenset({2}), "gone": frozenset({1})}
    with caplog.at_level(logging.WARNING, logger="kiosk.printing"):
        handout = printing.handout(ticked, TODAY, "en")
    assert [part.title for part in handout.parts] == ["Test topic 1"]
    assert "no leaflet 'gone' to print from: its ticked questions are left out" in caplog.text


def test_nothing_to_print_of_any_leaflet_fails_plainly(
    qtbot: QtBot, library: Library, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    printing = service(library, tmp_path)
    printing.print_questions({"test-1": frozenset()}, "en")
    assert printing.state is PrintState.IDLE, "nothing ticked: a tap does nothing"
    with (
        caplog.at_level(logging.WARNING, logger="kiosk.printing"),
        qtbot.wait_signal(printing.state_changed),
    ):
        printing.print_questions({"gone": frozenset({1})}, "en")
    assert printing.state is PrintState.FAILED
    assert "print failed: no handout can be made: no question is ticked" in caplog.text


def _print(qtbot: QtBot, printing: PrintService, ticked: dict[str, frozenset[int]]) -> None:
    printing.print_questions(ticked, "en", TODAY)
    qtbot.waitUntil(lambda: printing.state is not PrintState.PRINTING, timeout=PRINT_TIMEOUT_MS)
    assert printing.state is PrintState.PRINTED


@pytest.mark.parametrize("queue", [Q_PDF, Q_ROLL_58])
def test_one_print_of_two_leaflets_comes_out_of_the_printer_as_one_handout(
    qtbot: QtBot, printers: CupsServer, library: Library, tmp_path: Path, queue: str
) -> None:
    printing = service(library, tmp_path, printer=queue)
    try:
        _print(qtbot, printing, {"test-1": frozenset({1, 3}), "test-3": frozenset({2})})
        jobs = printers.printed_jobs(queue)
        assert len(jobs) == 1, "one handout"
        printed = printers.last_printed(queue)
    finally:
        printing.shutdown()
    text = " ".join(pdf_text(printed).split())
    assert text.count("Questions to ask your doctor") == 1
    assert text.index("Test topic 1") < text.index("1. Test question 1 of leaflet 1?")
    assert text.index("2. Test question 3 of leaflet 1?") < text.index("Test topic 3")
    assert text.index("Test topic 3") < text.index("3. Test question 2 of leaflet 3?")
    assert "Test topic 2" not in text
    assert text.count("My own questions:") == 1
    for number in (1, 3):
        assert f"Published by Publisher {number}" in text
    assert text.count("Source: Test data written by the kiosk's tests") == 2
    # The codes of both parts, read from the printed page.
    page = tmp_path / "printed"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "200", "-singlefile", str(printed), str(page)], check=True
    )
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", f"{page}.pgm"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert sorted(decoded) == [url(1), url(3)]
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True)
    width_pt = float(re.findall(r"Page size:\s+([\d.]+) x", info.stdout)[0])
    assert width_pt == pytest.approx(612.0 if queue == Q_PDF else 58 / 25.4 * 72, abs=1.5)

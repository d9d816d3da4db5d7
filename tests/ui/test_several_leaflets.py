"""The kiosk built from a configuration of several leaflets, as a clinic runs it: the topic
menu after the welcome screen, ticks in two leaflets printed as one handout on the real CUPS,
and a broken leaflet left out of the menu with staff told."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from harness.cups import Q_PDF, CupsServer, pdf_text
from harness.leaflets import write_leaflet
from kiosk.app import Kiosk, build
from kiosk.config import load_config
from kiosk.session import TOPICS, Page
from kiosk.staff.pin import hash_pin
from kiosk.ui.buttons import TopicButton
from kiosk.ui.window import Screen
from tests.ui.conftest import LANDSCAPE, button_labelled, tap

PIN = "2468"
PRINT_TIMEOUT_MS = 30_000


@pytest.fixture
def several(qtbot: QtBot, tmp_path: Path) -> Iterator[Kiosk]:
    """A kiosk of the shipped leaflet and two test leaflets, from its configuration file."""
    write_leaflet(tmp_path / "leaflets", 1, ("en", "es"))
    write_leaflet(tmp_path / "leaflets", 2, ("en",))
    config_file = tmp_path / "kiosk.toml"
    config_file.write_text(
        'leaflets = ["test-1", "vertebroplasty", "test-2"]\n'
        f'printer = "{Q_PDF}"\nclinic_name = "Riverside Clinic"\n'
        f'staff_pin_hash = "{hash_pin(PIN)}"\n',
        encoding="utf-8",
    )
    config, problems = load_config(config_file)
    assert problems == []
    kiosk = build(config, screen=LANDSCAPE, narration=False)
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(LANDSCAPE.width_px, LANDSCAPE.height_px)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    try:
        yield kiosk
    finally:
        kiosk.close()


def _topics(kiosk: Kiosk) -> list[str]:
    page = kiosk.window.current_page()
    buttons = page.findChildren(TopicButton)
    return [" ".join(b.accessibleName().split()) for b in buttons if b.isVisibleTo(page)]


def test_the_welcome_screen_leads_to_the_topic_menu_in_the_clinics_order(several: Kiosk) -> None:
    assert several.window.showing() is Screen.WELCOME
    several.visit.begin()
    assert several.visit.page == TOPICS
    titles = _topics(several)
    assert len(titles) == 3, titles
    assert titles[0].startswith("Test topic 1")
    assert titles[1].startswith("Vertebroplasty for Spine Fracture Pain")
    assert titles[2].startswith("Test topic 2")


def test_ticks_in_two_leaflets_print_as_one_handout(
    qtbot: QtBot, several: Kiosk, printers: CupsServer
) -> None:
    several.visit.begin()
    tap(qtbot, button_labelled(several.window.current_page(), "Test topic 1"))
    assert several.visit.page == Page(None, "test-1")
    several.visit.toggle(2, "test-1")
    several.visit.go_to(TOPICS)
    several.visit.go_to(Page(None, "vertebroplasty"))
    several.visit.toggle(4, "vertebroplasty")
    tap(qtbot, several.window.questions_button)
    assert "(2)" in several.window.questions_button.text()
    page = several.window.questions_page
    tap(qtbot, button_labelled(page, "Print"))
    qtbot.waitUntil(lambda: "printed" in page.print_status.text().lower(), timeout=PRINT_TIMEOUT_MS)
    text = " ".join(pdf_text(printers.last_printed(Q_PDF)).split())
    vertebroplasty = several.window.shown_leaflet("vertebroplasty")
    for expected in (
        "Riverside Clinic",
        "Questions to ask your doctor",
        "Test topic 1",
        "1. Test question 2 of leaflet 1?",
        vertebroplasty.title,
        f"2. {vertebroplasty.questions[3].text}",
    ):
        assert expected in text, (expected, text)
    assert "Test topic 2" not in text, "a leaflet with no tick has no part"

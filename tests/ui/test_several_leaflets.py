"""The kiosk built from a configuration of several leaflets, as a clinic runs it: the topic
menu after the welcome screen, ticks in two leaflets printed as one handout on the real CUPS,
and a broken leaflet left out of the menu with staff told."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from harness.audio import PulseServer
from harness.cups import Q_PDF, CupsServer, pdf_text
from harness.leaflets import write_leaflet
from kiosk.app import Kiosk, Runner, build
from kiosk.config import load_config
from kiosk.session import TOPICS, Page
from kiosk.staff.pin import hash_pin
from kiosk.ui import window as window_module
from kiosk.ui.buttons import TopicButton
from kiosk.ui.window import Screen
from tests.ui.conftest import LANDSCAPE, button_labelled, tap
from tests.ui.test_dropped_files import drop

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
    kiosk = _built(qtbot, config_file)
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


def _with_broken_leaflet(tmp_path: Path) -> Path:
    """A configuration of three leaflets, the second broken in its body (its header, and so
    its menu entry, reads well): its file."""
    for number in (1, 2, 3):
        write_leaflet(tmp_path / "leaflets", number, ("en",))
    broken = tmp_path / "leaflets" / "test-2" / "en.md"
    broken.write_text(broken.read_text("utf-8").replace("## Test page", "### Test page"), "utf-8")
    (tmp_path / "kiosk.toml").write_text(
        'leaflets = ["test-1", "test-2", "test-3"]\nlanguages = ["en"]\n'
        f'staff_pin_hash = "{hash_pin(PIN)}"\n',
        encoding="utf-8",
    )
    return broken


def _built(qtbot: QtBot, config_file: Path) -> Kiosk:
    config, problems = load_config(config_file)
    assert problems == []
    kiosk = build(config, screen=LANDSCAPE, narration=False)
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(LANDSCAPE.width_px, LANDSCAPE.height_px)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    return kiosk


def test_a_broken_leaflet_is_left_out_of_the_menu_while_idle_and_staff_are_told(
    qtbot: QtBot, tmp_path: Path
) -> None:
    broken = _with_broken_leaflet(tmp_path)
    kiosk = _built(qtbot, tmp_path / "kiosk.toml")
    try:
        with qtbot.waitSignal(kiosk.window.leaflet_left_out, timeout=10_000) as left:
            pass  # the welcome screen shows; idle time reads every leaflet
        assert left.args[0] == "test-2"
        kiosk.visit.begin()
        titles = _topics(kiosk)
        assert [title.split(".")[0] for title in titles] == ["Test topic 1", "Test topic 3"]
        kiosk.staff.open_panel()
        shown = kiosk.window.staff_panel.leaflets_view.text()
        assert shown.startswith("Topics: Test topic 1; Test topic 3\n"), shown
        assert f"Left out of the topics: {broken}, line " in shown
    finally:
        kiosk.close()


def test_a_broken_leaflet_tapped_before_the_check_stays_on_the_menu_without_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A patient quicker than the idle check: the tap finds the leaflet broken, and the menu
    is shown again at once without it; no error reaches the screen."""
    _with_broken_leaflet(tmp_path)
    monkeypatch.setattr(window_module, "IDLE_BUILD_DELAY_MS", 600_000)  # the patient is first
    kiosk = _built(qtbot, tmp_path / "kiosk.toml")
    try:
        kiosk.visit.begin()
        with qtbot.waitSignal(kiosk.window.leaflet_left_out, timeout=5000):
            tap(qtbot, button_labelled(kiosk.window.current_page(), "Test topic 2"))
        assert kiosk.visit.page == TOPICS
        assert [title.split(".")[0] for title in _topics(kiosk)] == ["Test topic 1", "Test topic 3"]
        tap(qtbot, button_labelled(kiosk.window.current_page(), "Test topic 3"))
        assert kiosk.visit.page == Page(None, "test-3")
    finally:
        kiosk.close()


def test_leaflets_dropped_between_visits_are_taken_up_and_a_broken_one_refused(
    qtbot: QtBot,
    tmp_path: Path,
    pulse: PulseServer,  # noqa: ARG001 - the runner's kiosk reads aloud
) -> None:
    for number in (1, 2, 3):
        write_leaflet(tmp_path / "leaflets", number, ("en",))
    config_file = tmp_path / "kiosk.toml"
    config_file.write_text(
        'leaflets = ["test-1", "test-2", "test-3"]\nlanguages = ["en"]\n'
        f"[screen]\nwidth_px = {LANDSCAPE.width_px}\nheight_px = {LANDSCAPE.height_px}\n",
        encoding="utf-8",
    )
    config, problems = load_config(config_file)
    assert problems == []
    runner = Runner(config, windowed=True, problems=[], config_path=config_file)
    runner.start()
    try:
        first = runner.kiosk
        assert first is not None
        first.visit.begin()
        renamed = tmp_path / "leaflets" / "test-3" / "en.md"
        drop(renamed, renamed.read_text("utf-8").replace("Test topic 3", "Renamed topic 3"))
        assert not runner.check_files(), "not in the middle of a visit"
        first.visit.reset()
        assert runner.check_files()
        second = runner.kiosk
        assert second is not None
        assert second is not first
        qtbot.addWidget(first.window)
        second.visit.begin()
        assert [t.split(".")[0] for t in _topics(second)][2] == "Renamed topic 3"
        second.visit.reset()
        broken = tmp_path / "leaflets" / "test-2" / "en.md"
        drop(broken, broken.read_text("utf-8").replace("## Test page", "### Test page"))
        assert not runner.check_files()
        assert runner.kiosk is second, "a broken leaflet never replaces the working one"
        second.visit.begin()
        assert [t.split(".")[0] for t in _topics(second)] == [
            "Test topic 1",
            "Test topic 2",
            "Renamed topic 3",
        ]
        second.staff.open_panel()
        shown = second.window.staff_panel.config_view.text()
        assert f"{broken} changed but was not taken up: {broken}, line " in shown
    finally:
        runner.close()
        if runner.kiosk is not None:
            qtbot.addWidget(runner.kiosk.window)


def test_a_staff_reload_reads_every_leaflet_and_says_which_is_left_out(
    qtbot: QtBot,
    tmp_path: Path,
    pulse: PulseServer,  # noqa: ARG001 - the runner's kiosk reads aloud
) -> None:
    broken = _with_broken_leaflet(tmp_path)
    good = broken.read_text("utf-8").replace("### Test page", "## Test page")
    broken.write_text(good, "utf-8")  # sound at the start
    config, _ = load_config(tmp_path / "kiosk.toml")
    runner = Runner(config, windowed=True, problems=[], config_path=tmp_path / "kiosk.toml")
    runner.start()
    try:
        first = runner.kiosk
        assert first is not None
        qtbot.addWidget(first.window)
        broken.write_text(good.replace("## Test page", "### Test page"), "utf-8")
        message = runner.reload()
        assert message.startswith(f"Reloaded 2 leaflets. Left out: {broken}, line "), message
        fresh = runner.kiosk
        assert fresh is not None
        assert fresh is not first
        fresh.visit.begin()
        assert [t.split(".")[0] for t in _topics(fresh)] == ["Test topic 1", "Test topic 3"]
    finally:
        runner.close()
        if runner.kiosk is not None:
            qtbot.addWidget(runner.kiosk.window)

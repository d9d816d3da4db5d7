"""Staff mode: the corner gesture, the PIN pad, the lockout, and what staff can do."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from harness.audio import PulseServer
from harness.cups import Q_PDF, CupsServer, pdf_text
from kiosk.app import Kiosk, Runner
from kiosk.config import Config, check_printer_setting, read_config, resources_dir
from kiosk.narration.narrator import NarrationState
from kiosk.session import Page
from kiosk.session.idle import IdleState
from kiosk.staff.pin import hash_pin
from kiosk.ui.window import Screen
from tests.ui.conftest import LANDSCAPE, KioskFactory, tap

PIN = "2468"
WITH_PIN = Config(staff_pin_hash=hash_pin(PIN))


def _corner_taps(qtbot: QtBot, kiosk: Kiosk, count: int = 5) -> None:
    """Taps in the top right-hand corner, where no control is."""
    window = kiosk.window
    corner = QPoint(window.width() - 8, 8)
    for _ in range(count):
        target = window.childAt(corner) or window
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, corner))


def _enter(qtbot: QtBot, kiosk: Kiosk, digits: str) -> None:
    pad = kiosk.window.pin_pad
    for digit in digits:
        tap(qtbot, pad.digit_buttons[digit])
    tap(qtbot, pad.ok_button)


def test_five_quick_taps_in_the_corner_ask_for_the_pin(
    qtbot: QtBot, make_kiosk: KioskFactory
) -> None:
    kiosk = make_kiosk(LANDSCAPE, WITH_PIN)
    _corner_taps(qtbot, kiosk, 4)
    assert kiosk.window.showing() is Screen.LEAFLET, "four taps are not enough"
    tap(qtbot, kiosk.window.next_button)  # a tap elsewhere starts the count again
    _corner_taps(qtbot, kiosk, 4)
    assert kiosk.window.showing() is Screen.LEAFLET
    _corner_taps(qtbot, kiosk, 1)
    assert kiosk.window.showing() is Screen.STAFF_PIN
    pad = kiosk.window.pin_pad
    assert pad.message_view.text() == "Enter the staff PIN."
    assert sorted(pad.digit_buttons) == list("0123456789")
    tap(qtbot, pad.cancel_button)
    assert kiosk.window.showing() is Screen.LEAFLET
    assert kiosk.visit.page == Page(0), "the patient's page is where it was"


def test_the_right_pin_opens_the_staff_panel_with_the_kiosks_state(
    qtbot: QtBot, make_kiosk: KioskFactory
) -> None:
    kiosk = make_kiosk(LANDSCAPE, WITH_PIN)
    _corner_taps(qtbot, kiosk)
    pad = kiosk.window.pin_pad
    for digit in PIN:
        tap(qtbot, pad.digit_buttons[digit])
    assert pad.dots_view.text() == "● ● ● ●", "digits show as dots, never as digits"
    tap(qtbot, pad.ok_button)
    panel = kiosk.window.staff_panel
    assert kiosk.window.showing() is Screen.STAFF
    assert panel.printer_view.text().startswith("Printer: ")
    assert panel.speech_view.text() == "Reading aloud: off (started without reading aloud)"
    assert panel.config_view.text() == "Configuration: no problems."
    assert "staff mode opened" in panel.log_view.text() or panel.log_view.text()
    for button in (panel.print_button, panel.voice_button, panel.reload_button):
        assert button.isVisible()
    tap(qtbot, panel.close_button)
    assert kiosk.window.showing() is Screen.LEAFLET


def test_five_wrong_pins_lock_staff_mode_even_against_the_right_one(
    qtbot: QtBot, make_kiosk: KioskFactory
) -> None:
    kiosk = make_kiosk(LANDSCAPE, WITH_PIN)
    _corner_taps(qtbot, kiosk)
    pad = kiosk.window.pin_pad
    _enter(qtbot, kiosk, "1111")
    assert pad.message_view.text() == "That PIN is not right. 4 tries left."
    for _ in range(4):
        _enter(qtbot, kiosk, "1111")
    assert "locked for 5 more minute" in pad.message_view.text()
    _enter(qtbot, kiosk, PIN)
    assert kiosk.window.showing() is Screen.STAFF_PIN, "the right PIN waits out the lockout"
    tap(qtbot, pad.cancel_button)
    _corner_taps(qtbot, kiosk)
    assert "locked for 5 more minute" in pad.message_view.text(), "coming back does not unlock"


@pytest.mark.parametrize(
    "setting",
    ["", 'staff_pin_hash = "scrypt$n=16384,r=8,p=1$not-base64!$xx"\n'],
    ids=["no PIN set", "broken PIN hash"],
)
def test_without_a_usable_pin_staff_mode_stays_locked(
    qtbot: QtBot, make_kiosk: KioskFactory, tmp_path: Path, setting: str
) -> None:
    file = tmp_path / "kiosk.toml"
    file.write_text(setting, encoding="utf-8")
    loaded = read_config(file)
    if setting:
        [problem] = loaded.problems
        assert problem.key == "staff_pin_hash"
        assert "staff mode stays locked" in str(problem)
    kiosk = make_kiosk(LANDSCAPE, loaded.config)
    _corner_taps(qtbot, kiosk)
    pad = kiosk.window.pin_pad
    assert "no usable staff PIN is set" in pad.message_view.text()
    assert "kiosk set-pin" in pad.message_view.text()
    for guess in ("0000", "1234", ""):
        _enter(qtbot, kiosk, guess)
        assert kiosk.window.showing() is Screen.STAFF_PIN


def test_an_abandoned_pin_pad_ends_like_a_visit(qtbot: QtBot, make_kiosk: KioskFactory) -> None:
    kiosk = make_kiosk(LANDSCAPE, replace(WITH_PIN, idle_timeout_s=0.3, idle_warning_s=0.5))
    _corner_taps(qtbot, kiosk)
    assert kiosk.window.showing() is Screen.STAFF_PIN
    assert kiosk.idle.state is IdleState.WATCHING
    qtbot.waitUntil(
        lambda: kiosk.window.showing() is Screen.WELCOME,
        timeout=10000,
    )
    assert not kiosk.visit.under_way


def test_staff_print_a_test_page_on_the_kiosks_printer(
    qtbot: QtBot, make_kiosk: KioskFactory, printers: CupsServer
) -> None:
    kiosk = make_kiosk(LANDSCAPE, replace(WITH_PIN, printer=Q_PDF))
    _corner_taps(qtbot, kiosk)
    _enter(qtbot, kiosk, PIN)
    panel = kiosk.window.staff_panel
    assert panel.printer_view.text() == f"Printer: {Q_PDF!r} is ready to print"
    tap(qtbot, panel.print_button)
    qtbot.waitUntil(lambda: "have printed" in panel.result_view.text(), timeout=20000)
    printed = " ".join(pdf_text(printers.last_printed(Q_PDF)).split())
    for question in kiosk.leaflet.questions:
        assert question.text in printed, "the test page is the handout with every question"
    tap(qtbot, panel.close_button)
    kiosk.window.questions_button.click()
    assert kiosk.window.questions_page.print_status.text() == "", (
        "the patient is not told that the test page printed"
    )


def test_staff_hear_a_test_sentence(
    qtbot: QtBot,
    make_kiosk: KioskFactory,
    pulse: PulseServer,  # noqa: ARG001
) -> None:
    kiosk = make_kiosk(LANDSCAPE, WITH_PIN, narration=True)
    narrator = kiosk.narrator
    assert narrator is not None
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=10000)
    _corner_taps(qtbot, kiosk)
    _enter(qtbot, kiosk, PIN)
    panel = kiosk.window.staff_panel
    assert panel.speech_view.text() == (
        "Reading aloud: working, in natural voice (hibari-tts 0.2.1, voice heart)"
    )
    with qtbot.waitSignal(narrator.sentence_started, timeout=10000):
        tap(qtbot, panel.voice_button)
    assert panel.result_view.text() == "Saying a test sentence."


def _runner(qtbot: QtBot, config: Config) -> Runner:
    runner = Runner(config, windowed=True, problems=[])
    runner.start()
    for window in (runner.kiosk and runner.kiosk.window, runner.out_of_order):
        if window is not None:
            qtbot.addWidget(window)
    return runner


def test_five_wrong_pins_keep_staff_mode_locked_when_the_kiosk_starts_again(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pulse: PulseServer,  # noqa: ARG001 - the runner's kiosk reads aloud
) -> None:
    """Pulling the plug, or a restart by the service, gives no fresh guesses."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))  # the state folder (kiosk.paths)
    config = replace(WITH_PIN, screen=LANDSCAPE)
    runner = _runner(qtbot, config)
    try:
        assert runner.kiosk is not None
        _corner_taps(qtbot, runner.kiosk)
        for _ in range(5):
            _enter(qtbot, runner.kiosk, "1111")
        assert "locked for 5 more minute" in runner.kiosk.window.pin_pad.message_view.text()
    finally:
        runner.close()
    again = _runner(qtbot, config)
    try:
        kiosk = again.kiosk
        assert kiosk is not None
        _corner_taps(qtbot, kiosk)
        assert "locked for 5 more minute" in kiosk.window.pin_pad.message_view.text()
        _enter(qtbot, kiosk, PIN)
        assert kiosk.window.showing() is Screen.STAFF_PIN, "the right PIN waits out the lockout"
    finally:
        again.close()


def test_staff_reload_the_leaflet_and_a_broken_one_is_refused(
    qtbot: QtBot,
    tmp_path: Path,
    pulse: PulseServer,  # noqa: ARG001 - the runner's kiosk reads aloud
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(resources_dir() / "leaflets/vertebroplasty", pack)
    leaflet_file = pack / "en.md"
    runner = _runner(qtbot, replace(WITH_PIN, content_pack=pack, screen=LANDSCAPE))
    try:
        old = runner.kiosk
        assert old is not None
        source = leaflet_file.read_text(encoding="utf-8")
        leaflet_file.write_text(source.replace("+++\n", "+++\n[broken\n", 1), encoding="utf-8")
        message = runner.reload()
        assert message.startswith("Not reloaded: ")
        assert "en.md, line" in message
        assert runner.kiosk is old, "a broken leaflet leaves the kiosk as it was"
        leaflet_file.write_text(
            source.replace('title = "Vertebroplasty', 'title = "Revised: Vertebroplasty'),
            encoding="utf-8",
        )
        message = runner.reload()
        fresh = runner.kiosk
        assert fresh is not None
        assert fresh is not old
        qtbot.addWidget(fresh.window)
        assert fresh.leaflet.title.startswith("Revised: ")
        assert fresh.window.showing() is Screen.STAFF
        assert fresh.window.staff_panel.result_view.text() == message
        assert not old.window.isVisible()
    finally:
        runner.close()


def test_a_kiosk_that_cannot_start_says_out_of_order_and_starts_once_fixed(
    qtbot: QtBot,
    tmp_path: Path,
    pulse: PulseServer,  # noqa: ARG001 - the runner's kiosk reads aloud
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(resources_dir() / "leaflets/vertebroplasty", pack)
    good = (pack / "en.md").read_text(encoding="utf-8")
    (pack / "en.md").write_text(good.replace("title =", "titel ="), encoding="utf-8")
    runner = _runner(qtbot, Config(content_pack=pack, screen=LANDSCAPE))
    try:
        screen = runner.out_of_order
        assert runner.kiosk is None
        assert screen is not None
        assert screen.isVisible()
        assert screen.notice_view.text() == "Sorry, this screen is out of order."
        assert "unknown header key 'titel'" in screen.reason_view.text()
        (pack / "en.md").write_text(good, encoding="utf-8")
        runner.start()  # what the out-of-order screen does every minute
        assert runner.kiosk is not None
        qtbot.addWidget(runner.kiosk.window)
        assert runner.kiosk.window.isVisible()
        assert runner.out_of_order is None
    finally:
        runner.close()


def test_a_printer_the_configuration_names_but_cups_lacks_is_reported_to_staff(
    qtbot: QtBot,
    printers: CupsServer,  # noqa: ARG001
    pulse: PulseServer,  # noqa: ARG001 - the runner's kiosk reads aloud
) -> None:
    assert check_printer_setting(replace(WITH_PIN, printer=Q_PDF), None).problem is None
    problem = check_printer_setting(replace(WITH_PIN, printer="front_desk"), None).problem
    assert problem is not None
    assert str(problem) == (
        "(configuration): printer: there is no printer called 'front_desk' "
        "(lpstat -p lists the printers); using the system's default printer"
    )
    runner = Runner(replace(WITH_PIN, screen=LANDSCAPE), windowed=True, problems=[problem])
    runner.start()
    try:
        kiosk = runner.kiosk
        assert kiosk is not None
        qtbot.addWidget(kiosk.window)
        kiosk.staff.open_panel()
        shown = kiosk.window.staff_panel.config_view.text()
        assert shown == f"Configuration problems:\n{problem}"
    finally:
        runner.close()

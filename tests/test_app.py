"""The kiosk as a whole: an unexpected error during a visit never leaves a broken screen."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from harness.leaflets import write_leaflet
from kiosk.app import _lexicon, build, install_crash_guard
from kiosk.config import Config
from kiosk.session import HOME, Page
from kiosk.ui.window import Screen

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.qt_no_exception_capture
def test_an_error_inside_a_slot_is_logged_and_the_visit_starts_over(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    kiosk = build(Config(), narration=False)
    qtbot.addWidget(kiosk.window)
    install_crash_guard(lambda: kiosk)
    kiosk.window.show()
    kiosk.visit.begin()
    kiosk.visit.set_ticked(2, True)
    kiosk.visit.go_to(Page(3))

    def broken_slot() -> None:
        raise RuntimeError("a bug in a slot")

    kiosk.window.listen_button.clicked.connect(broken_slot)
    with caplog.at_level(logging.ERROR, logger="kiosk"):
        kiosk.window.listen_button.click()
    assert kiosk.window.showing() is Screen.WELCOME, "back to the welcome screen"
    assert kiosk.visit.page == HOME
    assert kiosk.visit.ticked == frozenset(), "nothing of the visit stays"
    assert kiosk.window.isVisible(), "no crash, no error box: the kiosk goes on"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors, "the error is logged"
    assert errors[0].exc_info is not None
    assert "a bug in a slot" in caplog.text
    kiosk.close()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_the_locked_kiosk_quits_cleanly_on_a_stop_signal(
    stop: signal.Signals, tmp_path: Path
) -> None:
    """How a service manager (SIGTERM) or a developer (Ctrl+C) ends the full-screen kiosk."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(REPO),
        "XDG_STATE_HOME": str(tmp_path),  # its log, not in the home folder
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    env.pop("PULSE_SERVER", None)
    with subprocess.Popen(
        [sys.executable, "-m", "kiosk"], env=env, stderr=subprocess.PIPE, text=True
    ) as kiosk:
        assert kiosk.stderr is not None
        try:
            for line in kiosk.stderr:  # the log says when it runs and listens for signals
                if "kiosk running" in line:
                    break
            kiosk.send_signal(stop)
            assert kiosk.wait(timeout=15) == 0
            said = kiosk.stderr.read()
            assert f"asked to stop by {stop.name}: quitting" in said, "the log says why it stopped"
            assert "Traceback" not in said
        finally:
            if kiosk.poll() is None:
                kiosk.kill()


def test_a_kiosk_of_several_leaflets_says_each_leaflets_words_as_its_list_says(
    tmp_path: Path,
) -> None:
    """Each leaflet's pronunciation list counts; a word in two is said as the first leaflet
    of the menu says it."""
    first = write_leaflet(tmp_path, 1, ("en",))
    second = write_leaflet(tmp_path, 2, ("en",))
    (first / "pronunciation-en.toml").write_text('[words]\nTKR = "total knee"\n', "utf-8")
    (second / "pronunciation-en.toml").write_text(
        '[words]\nTKR = "tee kay are"\nPRP = "platelet rich plasma"\n', "utf-8"
    )
    config = Config(leaflets=(first, second), content_pack=first)
    assert _lexicon(config, "en") == {"TKR": "total knee", "PRP": "platelet rich plasma"}
    assert _lexicon(Config(content_pack=second), "en")["TKR"] == "tee kay are"

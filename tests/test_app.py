"""The kiosk as a whole: an unexpected error during a visit never leaves a broken screen."""

from __future__ import annotations

import logging
import sys

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import build, install_crash_guard
from kiosk.config import Config
from kiosk.session import HOME, Page


@pytest.mark.qt_no_exception_capture
def test_an_error_inside_a_slot_is_logged_and_the_visit_starts_over(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    kiosk = build(Config(), narration=False)
    qtbot.addWidget(kiosk.window)
    install_crash_guard(kiosk)
    kiosk.window.show()
    kiosk.visit.set_ticked(2, True)
    kiosk.visit.go_to(Page(3))

    def broken_slot() -> None:
        raise RuntimeError("a bug in a slot")

    kiosk.window.listen_button.clicked.connect(broken_slot)
    with caplog.at_level(logging.ERROR, logger="kiosk"):
        kiosk.window.listen_button.click()
    assert kiosk.visit.page == HOME, "back to the first page"
    assert kiosk.visit.ticked == frozenset(), "nothing of the visit stays"
    assert kiosk.window.isVisible(), "no crash, no error box: the kiosk goes on"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors, "the error is logged"
    assert errors[0].exc_info is not None
    assert "a bug in a slot" in caplog.text
    kiosk.close()

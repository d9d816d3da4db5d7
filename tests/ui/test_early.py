"""The welcome screen shown on its own while the kiosk is built (kiosk/ui/early.py).

The patient must not see the hand-over, and a touch or key given before the kiosk was ready
must not be lost.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from harness.leaflets import write_leaflet
from kiosk.app import Runner
from kiosk.config import Config, resources_dir
from kiosk.session.idle import IdleState
from kiosk.ui.early import EarlyWelcome, show_welcome_early
from kiosk.ui.window import Screen
from tests.ui.conftest import (
    LANDSCAPE,
    UNSEEN,
    WELCOME_SCREENS,
    largest_difference,
    picture,
    post_touch,
    start_runner,
)

pytestmark = pytest.mark.usefixtures("pulse")  # the runner's kiosk reads aloud


def _early(config: Config) -> EarlyWelcome:
    early = show_welcome_early(config, windowed=True)
    assert early is not None
    assert early.screen.isVisible(), "it is on screen before anything else is built"
    return early


@WELCOME_SCREENS
def test_the_kiosk_takes_over_from_the_early_welcome_screen_without_a_visible_change(
    runners: list[Runner], config: Config
) -> None:
    early = _early(config)
    before = picture(early.screen)
    screen = early.screen
    runner = start_runner(runners, config, early)
    kiosk = runner.kiosk
    assert kiosk is not None
    assert kiosk.window.isVisible()
    assert kiosk.window.showing() is Screen.WELCOME
    assert not kiosk.visit.under_way
    after = picture(kiosk.window)
    assert after.size() == before.size()
    assert largest_difference(after, before) <= UNSEEN, "the kiosk shows the same welcome"
    assert not screen.isVisible(), "the early screen is gone"
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [kiosk.window]


@pytest.mark.parametrize("code", ["en", "es"])
def test_a_kiosk_of_several_leaflets_takes_over_from_its_early_welcome_unchanged(
    runners: list[Runner], tmp_path: Path, code: str
) -> None:
    """The early screen of a kiosk of several leaflets welcomes to the kiosk, in the clinic's
    language, as its window then does; no leaflet's title shows and then changes."""
    leaflets = tuple(write_leaflet(tmp_path, n, ("en", "es")) for n in (1, 2))
    config = Config(screen=LANDSCAPE, leaflets=leaflets, content_pack=leaflets[0], language=code)
    early = _early(config)
    before = picture(early.screen)
    runner = start_runner(runners, config, early)
    kiosk = runner.kiosk
    assert kiosk is not None
    assert kiosk.window.showing() is Screen.WELCOME
    assert largest_difference(picture(kiosk.window), before) <= UNSEEN
    title = kiosk.window.welcome_screen.title_view.text()
    assert title == {"en": "Patient information", "es": "Información para pacientes"}[code]


def test_a_touch_before_the_kiosk_is_ready_begins_the_visit(runners: list[Runner]) -> None:
    config = Config(screen=LANDSCAPE)
    early = _early(config)
    post_touch(early.screen)
    runner = start_runner(runners, config, early)
    kiosk = runner.kiosk
    assert kiosk is not None
    assert kiosk.visit.under_way
    assert kiosk.window.showing() is Screen.LEAFLET
    assert not kiosk.announcer.talking, "a touch does not start talking mode"
    assert kiosk.idle.state is IdleState.WATCHING, "the visit's idle watch runs"


def test_a_key_before_the_kiosk_is_ready_begins_the_visit_in_talking_mode(
    runners: list[Runner],
) -> None:
    config = Config(screen=LANDSCAPE)
    early = _early(config)
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(kind, Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier)
        QApplication.postEvent(early.screen, event)
    runner = start_runner(runners, config, early)
    kiosk = runner.kiosk
    assert kiosk is not None
    assert kiosk.visit.under_way
    assert kiosk.announcer.talking, "as a key on the kiosk's own welcome screen does"


def test_no_touch_leaves_the_kiosk_on_the_welcome_screen_with_no_timer(
    runners: list[Runner],
) -> None:
    config = Config(screen=LANDSCAPE)
    runner = start_runner(runners, config, _early(config))
    kiosk = runner.kiosk
    assert kiosk is not None
    assert not kiosk.visit.under_way
    assert kiosk.idle.state is IdleState.OFF


def test_a_leaflet_whose_header_cannot_be_read_shows_no_early_screen(
    qtbot: QtBot,  # noqa: ARG001 - Qt's application
    tmp_path: Path,
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(resources_dir() / "leaflets/vertebroplasty", pack)
    good = (pack / "en.md").read_text(encoding="utf-8")
    (pack / "en.md").write_text(good.replace("title =", "titel ="), encoding="utf-8")
    assert show_welcome_early(Config(content_pack=pack, screen=LANDSCAPE), windowed=True) is None
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_a_leaflet_broken_below_its_header_hands_over_to_the_out_of_order_screen(
    runners: list[Runner], tmp_path: Path
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(resources_dir() / "leaflets/vertebroplasty", pack)
    good = (pack / "en.md").read_text(encoding="utf-8")
    (pack / "en.md").write_text(good + "\n```\ncode\n```\n", encoding="utf-8")
    config = replace(Config(screen=LANDSCAPE), content_pack=pack)
    early = _early(config)
    assert early.screen.title_view.text() == "Vertebroplasty for Spine Fracture Pain"
    screen = early.screen
    runner = start_runner(runners, config, early)
    assert runner.kiosk is None
    assert runner.out_of_order is not None
    assert runner.out_of_order.isVisible()
    assert "code blocks" in runner.out_of_order.reason_view.text()
    assert not screen.isVisible()

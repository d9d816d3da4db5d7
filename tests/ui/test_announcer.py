"""What the kiosk says of its own accord, through the real voice: the patient's action first
silences reading aloud, then its own announcement plays, whatever order things happen in."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from harness.audio import PulseServer
from kiosk.app import Kiosk
from kiosk.narration.narrator import NarrationState
from tests.ui.conftest import LANDSCAPE, KioskFactory, voiced_from_now


@pytest.fixture
def talking(make_kiosk: KioskFactory, pulse: PulseServer) -> Kiosk:  # noqa: ARG001
    """A visit in talking mode, with the real voice ready."""
    kiosk = make_kiosk(LANDSCAPE, narration=True)
    narrator = kiosk.narrator
    assert narrator is not None
    kiosk.visit.begin()
    kiosk.announcer.start_talking()
    return kiosk


def test_an_announcement_made_before_the_stop_of_the_same_action_still_plays(
    qtbot: QtBot, talking: Kiosk
) -> None:
    """The order of issue 13's defect 7: the print service speaks, then the same tap's stop
    arrives. The stop silences what was playing before, never what the tap itself said."""
    narrator = talking.narrator
    assert narrator is not None
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=10000)
    talking.window.listen()  # the page is being read aloud
    qtbot.waitUntil(lambda: narrator.state is NarrationState.SPEAKING, timeout=10000)
    voiced = voiced_from_now(narrator)
    talking.announcer.say("Printing your questions…")
    talking.announcer.interrupt()
    qtbot.waitUntil(lambda: bool(voiced), timeout=10000)
    assert voiced == ["Printing your questions…"]


def test_what_one_action_says_plays_in_order_and_a_new_key_replaces_what_is_unsaid(
    qtbot: QtBot, talking: Kiosk
) -> None:
    narrator = talking.narrator
    assert narrator is not None
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=10000)
    voiced = voiced_from_now(narrator)
    announcer = talking.announcer
    announcer.say("Volume 80 percent.")
    announcer.new_action()  # the next key came before the first was spoken
    announcer.say("Text size 150 percent.")
    announcer.say("Speech rate 130 words a minute.")
    qtbot.waitUntil(lambda: len(voiced) == 2, timeout=15000)
    assert voiced == ["Text size 150 percent.", "Speech rate 130 words a minute."]


def test_listen_replaces_what_the_kiosk_was_about_to_say(qtbot: QtBot, talking: Kiosk) -> None:
    narrator = talking.narrator
    assert narrator is not None
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=10000)
    voiced = voiced_from_now(narrator)
    talking.announcer.say("Volume 80 percent.")
    talking.window.listen()
    qtbot.waitUntil(lambda: bool(voiced), timeout=10000)
    assert voiced[0] == talking.leaflet.title
    assert "Volume 80 percent." not in voiced


def test_outside_talking_mode_nothing_of_the_interface_is_said(talking: Kiosk) -> None:
    said: list[str] = []
    talking.announcer.said.connect(said.append)
    talking.announcer.stop_talking()
    talking.announcer.say("Volume 80 percent.")
    talking.announcer.say_to_everyone("Still here? Touch the screen.")
    assert said == ["Still here? Touch the screen."]

"""The visit model: one object holds a patient's choices, and one call forgets them."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import TEXT_SIZE_STEPS_PERCENT
from kiosk.session import HOME, Page, Visit, VisitDefaults


def _visit() -> Visit:
    return Visit(5, VisitDefaults(text_step=1, theme="standard"))


def test_ticking_is_per_question_and_reported(qtbot: QtBot) -> None:
    visit = _visit()
    with qtbot.waitSignal(visit.ticked_changed):
        visit.toggle(3)
    assert visit.ticked == frozenset({3})
    with qtbot.assertNotEmitted(visit.ticked_changed):
        visit.set_ticked(3, True)  # no change, no signal
    visit.toggle(3)
    assert visit.ticked == frozenset()
    with pytest.raises(ValueError, match="no question 6"):
        visit.set_ticked(6, True)


def test_text_size_stays_within_its_steps() -> None:
    visit = _visit()
    for _ in range(10):
        visit.larger_text()
    assert visit.text_size_percent == TEXT_SIZE_STEPS_PERCENT[-1]
    for _ in range(10):
        visit.smaller_text()
    assert visit.text_size_percent == TEXT_SIZE_STEPS_PERCENT[0]


def test_reset_forgets_everything_and_restores_the_clinics_defaults(qtbot: QtBot) -> None:
    visit = _visit()
    visit.toggle(1)
    visit.toggle(4)
    visit.set_text_step(4)
    visit.set_theme("high_contrast")
    visit.go_to(Page(3))
    with qtbot.waitSignal(visit.was_reset):
        visit.reset()
    assert visit.ticked == frozenset()
    assert visit.text_step == 1
    assert visit.theme == "standard"
    assert visit.page == HOME


def test_unknown_theme_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown theme"):
        _visit().set_theme("neon")


def test_speech_rate_and_volume_step_and_reset_to_the_clinics_defaults(qtbot: QtBot) -> None:
    visit = Visit(5, VisitDefaults(rate_step=1, volume_step=2))
    assert (visit.rate_wpm, visit.volume) == (135, 0.75)
    with qtbot.waitSignal(visit.rate_changed) as rate:
        visit.change_rate(+1)
    assert rate.args == [160]
    for _ in range(5):
        visit.change_rate(-1)
        visit.change_volume(+1)
    assert (visit.rate_wpm, visit.volume) == (110, 1.0)
    assert not visit.can_change_rate(-1)
    assert not visit.can_change_volume(+1)
    visit.reset()
    assert (visit.rate_wpm, visit.volume) == (135, 0.75)

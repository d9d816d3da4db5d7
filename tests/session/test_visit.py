"""The visit model: one object holds a patient's choices, and one call forgets them."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import TEXT_SIZE_STEPS_PERCENT
from kiosk.session import HOME, TOPICS, Page, Visit, VisitDefaults


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


def test_clear_all_can_be_undone_with_exactly_the_ticks_it_cleared(qtbot: QtBot) -> None:
    visit = _visit()
    for number in (2, 3, 5):
        visit.toggle(number)
    assert not visit.undo_offered
    with qtbot.waitSignal(visit.undo_offer_changed) as offered:
        assert visit.clear_ticked() == frozenset({2, 3, 5})
    assert offered.args == [True]
    assert visit.ticked == frozenset()
    assert visit.undo_offered
    with qtbot.waitSignals([visit.ticked_changed, visit.undo_offer_changed]):
        visit.restore_ticked()
    assert visit.ticked == frozenset({2, 3, 5})
    assert not visit.undo_offered, "Undo works once"
    visit.toggle(2)
    visit.restore_ticked()  # nothing on offer: nothing happens
    assert visit.ticked == frozenset({3, 5})


def test_clearing_nothing_offers_no_undo(qtbot: QtBot) -> None:
    visit = _visit()
    with qtbot.assertNotEmitted(visit.undo_offer_changed):
        assert visit.clear_ticked() == frozenset()
    assert not visit.undo_offered


def test_the_undo_offer_ends_after_its_time(qtbot: QtBot) -> None:
    visit = Visit(5, VisitDefaults(), undo_clear_s=0.05)
    visit.toggle(1)
    visit.clear_ticked()
    with qtbot.waitSignal(visit.undo_offer_changed, timeout=5000) as ended:
        pass
    assert ended.args == [False]
    visit.restore_ticked()
    assert visit.ticked == frozenset(), "the cleared ticks are gone for good"


def test_the_undo_offer_lasts_at_least_ten_seconds() -> None:
    assert Visit(5, VisitDefaults()).undo_clear_s >= 10


@pytest.mark.parametrize("then", ["a new tick", "a page change", "the end of the visit"])
def test_a_new_tick_a_page_change_or_the_visits_end_ends_the_undo_offer(
    qtbot: QtBot, then: str
) -> None:
    visit = _visit()
    visit.go_to(Page(4))
    visit.toggle(1)
    visit.toggle(4)
    visit.clear_ticked()
    with qtbot.waitSignal(visit.undo_offer_changed) as ended:
        if then == "a new tick":
            visit.toggle(2)
        elif then == "a page change":
            visit.go_to(HOME)
        else:
            visit.reset()
    assert ended.args == [False]
    assert not visit.undo_offered
    visit.restore_ticked()
    assert visit.ticked == (frozenset({2}) if then == "a new tick" else frozenset())


def test_the_end_of_a_visit_clears_the_ticks_with_no_undo(qtbot: QtBot) -> None:
    visit = _visit()
    visit.toggle(3)
    with qtbot.assertNotEmitted(visit.undo_offer_changed):
        visit.reset()
    assert not visit.undo_offered
    visit.restore_ticked()
    assert visit.ticked == frozenset(), "nothing of the visit stays behind"


def _visit_of_leaflets() -> Visit:
    """A visit of a kiosk with three leaflets, starting at the topic menu."""
    return Visit({"knee": 3, "hip": 5, "spine": 2}, VisitDefaults(first_page=TOPICS))


def test_each_leaflet_keeps_its_own_ticks_and_the_count_is_of_them_all() -> None:
    visit = _visit_of_leaflets()
    visit.toggle(1, "hip")
    visit.toggle(2, "knee")
    visit.toggle(5, "hip")
    assert visit.ticked_in("hip") == {1, 5}
    assert visit.ticked_in("knee") == {2}
    assert visit.is_ticked(2, "knee")
    assert not visit.is_ticked(2, "hip")
    assert visit.tick_count == 3
    assert visit.ticked_by_leaflet() == {"knee": {2}, "hip": {1, 5}}  # the kiosk's order
    with pytest.raises(ValueError, match="no question 4; there are 3"):
        visit.toggle(4, "knee")
    with pytest.raises(ValueError, match="no leaflet 'eye'"):
        visit.toggle(1, "eye")


def test_clear_all_and_undo_take_every_leaflets_ticks() -> None:
    visit = _visit_of_leaflets()
    visit.toggle(1, "hip")
    visit.toggle(2, "spine")
    visit.clear_ticked()
    assert visit.tick_count == 0
    visit.restore_ticked()
    assert visit.ticked_by_leaflet() == {"hip": {1}, "spine": {2}}


def test_a_visit_of_several_leaflets_starts_and_ends_at_the_topic_menu() -> None:
    visit = _visit_of_leaflets()
    assert visit.page == TOPICS
    visit.begin()
    visit.go_to(Page(None, "hip"))
    visit.go_to(Page(2, "hip"))
    assert visit.leaflet == "hip"
    visit.go_to(TOPICS)
    assert visit.leaflet == "hip", "Home on the menu goes back to the leaflet read last"
    visit.toggle(3, "knee")
    visit.reset()
    assert visit.page == TOPICS
    assert visit.leaflet == ""
    assert visit.tick_count == 0

"""Colour contrast: every text colour pair of both themes reaches 7:1 (WCAG 1.4.6)."""

from __future__ import annotations

import pytest

from kiosk.app import Kiosk
from kiosk.ui.buttons import BigButton, QuestionRow
from kiosk.ui.contrast import contrast_ratio
from kiosk.ui.theme import THEMES, Theme

AAA_TEXT = 7.0


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#595959", "#ffffff") == pytest.approx(7.0, abs=0.01)


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
def test_every_text_colour_pair_reaches_7_to_1(theme: Theme) -> None:
    low = {
        name: round(contrast_ratio(fg, bg), 2)
        for name, (fg, bg) in theme.text_pairs().items()
        if contrast_ratio(fg, bg) < AAA_TEXT
    }
    assert not low, f"{theme.name}: below 7:1: {low}"


@pytest.mark.parametrize("theme_name", list(THEMES))
def test_controls_paint_only_with_the_themes_text_pairs(kiosk: Kiosk, theme_name: str) -> None:
    """Every state a control can be in (normal, pressed, ticked, off) draws a checked pair."""
    theme = THEMES[theme_name]
    kiosk.visit.set_theme(theme_name)
    allowed = set(theme.text_pairs().values())
    window = kiosk.window
    seen: set[tuple[str, str]] = set()
    controls = [*window.findChildren(BigButton), *window.findChildren(QuestionRow)]
    for control in controls:
        for down in (False, True):
            for checked in (False, True) if control.isCheckable() else (False,):
                for enabled in (True, False):
                    control.setEnabled(enabled)
                    control.setChecked(checked)
                    control.setDown(down and enabled)
                    background, text = control.colors()[:2]
                    pair = (text.name(), background.name())
                    assert pair in allowed, f"{control.text()!r} draws {pair}"
                    seen.add(pair)
        control.setDown(False)
        control.setEnabled(True)
    assert len(seen) >= 4, "normal, pressed, ticked and disabled states were all drawn"


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
def test_the_focus_ring_stands_out_from_everything_it_is_drawn_on(theme: Theme) -> None:
    """WCAG 1.4.11 and 2.4.13 ask 3:1; the ring is drawn on the page and on the bars."""
    for ground in (theme.background, theme.card):
        assert contrast_ratio(theme.focus, ground) >= 4.5, (theme.name, ground)
    # Its inner edge is drawn in the page colour, so it shows on a focus-coloured control too.
    assert contrast_ratio(theme.focus, theme.background) >= 4.5

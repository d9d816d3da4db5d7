"""Colour contrast: every text colour pair of both themes reaches 7:1 (WCAG 1.4.6)."""

from __future__ import annotations

import bisect

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from kiosk.app import Kiosk
from kiosk.session import Page
from kiosk.ui.buttons import BigButton, QuestionRow
from kiosk.ui.contrast import contrast_ratio
from kiosk.ui.scrolling import ScrollPage
from kiosk.ui.text import TextView
from kiosk.ui.theme import THEMES, Theme

from .conftest import TABLET, KioskFactory

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
    for ground in (theme.background, theme.card, theme.fade):
        assert contrast_ratio(theme.focus, ground) >= 4.5, (theme.name, ground)
    # Its inner edge is drawn in the page colour, so it shows on a focus-coloured control too.
    assert contrast_ratio(theme.focus, theme.background) >= 4.5


def _weakest_words(page: ScrollPage, plain: QImage, faded: QImage) -> tuple[float, str]:
    """The lowest contrast of words against what is actually behind them on screen, with the
    "More below" cue showing (``faded``), and which words those are.

    The same screen without the cue (``plain``) says which pixels are words (a stroke's core,
    drawn in the text's own colour) and which are what lies behind them (the background the
    text is drawn on) in each row of each text and control; the contrast is then measured
    between those same pixels on the screen with the cue, each word pixel against the nearest
    background pixel in its row. The cue's own button is left out: it has colours of its own,
    checked with the others.
    """
    window = page.window()
    viewport = page.viewport()
    shown = QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size())
    cue = page.more_button
    covered = QRect(cue.mapTo(window, QPoint(0, 0)), cue.size())
    # Inside a control's rounded border, which is drawn in its text's colour when disabled.
    inset = page.metrics.min_target_px // 8
    readable: list[tuple[QWidget, QColor, QColor, int]] = []
    for view in page.findChildren(TextView):
        if view.isVisible() and view.text().strip():
            palette = view.palette()
            colours = palette.color(view.foregroundRole()), palette.color(view.backgroundRole())
            readable.append((view, *colours, 0))
    for control in [*page.findChildren(BigButton), *page.findChildren(QuestionRow)]:
        if control.isVisible() and control is not cue:
            background, text = control.colors()[:2]
            readable.append((control, text, background, inset))
    ratios: dict[tuple[int, int], float] = {}
    weakest, which = 21.0, ""
    for widget, ink, ground, margin in readable:
        box = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        box = box.adjusted(margin, margin, -margin, -margin).intersected(shown)
        for y in range(box.top(), box.bottom() + 1):
            xs = [x for x in range(box.left(), box.right() + 1) if not covered.contains(x, y)]
            words = [x for x in xs if plain.pixel(x, y) == ink.rgb()]
            behind = [x for x in xs if plain.pixel(x, y) == ground.rgb()]
            for x in words if behind else []:
                at = bisect.bisect_left(behind, x)
                nearest = min(behind[max(0, at - 1) : at + 1], key=lambda b, x=x: abs(b - x))
                pair = faded.pixel(x, y), faded.pixel(nearest, y)
                if pair not in ratios:
                    ratios[pair] = contrast_ratio(*(QColor(rgb).name() for rgb in pair))
                if ratios[pair] < weakest:
                    label = widget.text() if isinstance(widget, TextView | QAbstractButton) else ""
                    weakest, which = ratios[pair], f"{label[:30]!r} at y={y}"
    return weakest, which


@pytest.mark.parametrize("theme_name", list(THEMES))
def test_words_under_the_more_below_fade_keep_7_to_1(
    make_kiosk: KioskFactory, theme_name: str
) -> None:
    """The fade tells a patient the text goes on: it fades what is behind the words, never
    the words (issue 13: they fell to 2.84:1 and down to 1.45:1 under it)."""
    kiosk = make_kiosk(TABLET)
    kiosk.visit.set_theme(theme_name)
    last = Page(len(kiosk.leaflet.sections) - 1)
    # At 200 % the top bar scrolls with the page, its buttons under the fade too.
    for step, page in ((4, Page(1)), (0, Page(1)), (0, last)):
        kiosk.visit.set_text_step(step)
        kiosk.visit.go_to(page)
        QApplication.processEvents()
        shown = kiosk.window.current_page()
        assert shown.more_below, "the text goes on below the screen"
        shown.set_cue_allowed(False)
        plain = kiosk.window.grab().toImage()
        shown.set_cue_allowed(True)
        assert shown.more_button.isVisible(), "the cue shows"
        faded = kiosk.window.grab().toImage()
        weakest, which = _weakest_words(shown, plain, faded)
        assert weakest >= AAA_TEXT, f"{theme_name}: words at {weakest:.2f}:1: {which}"
        bottom = shown.viewport().mapTo(kiosk.window, QPoint(1, shown.viewport().height() - 1))
        assert faded.pixelColor(bottom) != plain.pixelColor(bottom), "the page fades behind"

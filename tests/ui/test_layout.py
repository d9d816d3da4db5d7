"""Every page, screen size, text size and theme: nothing clipped, big targets, room to read."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from pytestqt.qtbot import QtBot

from harness.audio import PulseServer
from kiosk.app import Kiosk
from kiosk.config import TEXT_SIZE_STEPS_PERCENT, THEMES, Config, ScreenSpec
from kiosk.narration.narrator import NarrationState
from kiosk.session import HOME, Page
from kiosk.ui.buttons import BigButton, QuestionRow
from kiosk.ui.metrics import MIN_CAP_HEIGHT_MM, MIN_GAP_MM, MIN_TARGET_MM, TextRole
from kiosk.ui.screens import IdlePanel
from kiosk.ui.scrolling import ScrollPage
from kiosk.ui.text import TextView
from kiosk.ui.window import Screen

from .conftest import SCREENS, KioskFactory


def _pages(kiosk: Kiosk) -> list[Page]:
    return [HOME, *(Page(i) for i in range(len(kiosk.leaflet.sections)))]


def _settle(kiosk: Kiosk, page: Page) -> None:
    kiosk.visit.go_to(page)
    QApplication.processEvents()  # lets the layouts run, as the next frame would


def _in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def _shown(root: QWidget, kind: type[QWidget]) -> list[QWidget]:
    return [w for w in root.findChildren(kind) if w.isVisibleTo(root)]


def _problems(kiosk: Kiosk, screen: ScreenSpec, min_lines: float = 3) -> list[str]:
    """Everything a patient would notice is wrong with the page as it is laid out now."""
    page = kiosk.window.current_page()
    problems: list[str] = []
    # No horizontal scrolling, and the text column fits the screen.
    if page.horizontalScrollBar().maximum() > 0 or page.content.width() > page.viewport().width():
        problems.append("the page scrolls sideways")
    # Room to read: the scrolling area shows at least three lines of body text.
    line = QFontMetricsF(page.font()).lineSpacing()
    if page.viewport().height() < min_lines * line:
        problems.append(f"only {page.viewport().height()} px left to read in")
    return problems + _text_problems(kiosk, screen) + _button_problems(kiosk, screen)


def _text_problems(kiosk: Kiosk, screen: ScreenSpec) -> list[str]:
    window = kiosk.window
    problems: list[str] = []
    min_cap = screen.px_per_mm * MIN_CAP_HEIGHT_MM
    for view in _shown(window, TextView):
        assert isinstance(view, TextView)
        name = f"text {view.text()[:30]!r}"
        if view.heightForWidth(view.width()) > view.height():
            problems.append(f"{name} is cut off at the bottom")
        if view.minimumSizeHint().width() > view.width():
            problems.append(f"{name} has a word wider than its box")
        if view.text() and QFontMetricsF(view.role_font()).capHeight() < min_cap - 0.01:
            problems.append(f"{name} has capitals under {MIN_CAP_HEIGHT_MM} mm")
        rect = _in_window(view, window)
        if rect.left() < 0 or rect.right() >= window.width():
            problems.append(f"{name} runs off the side of the screen")
    return problems


def _button_problems(kiosk: Kiosk, screen: ScreenSpec) -> list[str]:
    window = kiosk.window
    page = window.current_page()
    problems: list[str] = []
    min_cap = screen.px_per_mm * MIN_CAP_HEIGHT_MM
    target = screen.px(MIN_TARGET_MM)
    buttons = [b for b in _shown(window, QAbstractButton) if isinstance(b, BigButton | QuestionRow)]
    for button in buttons:
        name = f"button {button.text()[:30]!r}"
        if not button.label_fits():
            problems.append(f"{name}: its label is cut off")
        if button.width() < target or button.height() < target:
            problems.append(f"{name} is {button.width()}x{button.height()} px, under {target} px")
        cap = QFontMetricsF(TextRole.LABEL.font(button.font())).capHeight()
        if cap < min_cap - 0.01:
            problems.append(f"{name} has capitals under {MIN_CAP_HEIGHT_MM} mm")
        rect = _in_window(button, window)
        if rect.left() < 0 or rect.right() >= window.width():
            problems.append(f"{name} runs off the side of the screen")

    # At least 3 mm between any two targets the patient can touch on the same surface (the
    # fixed bars, or the scrolling page; the floating "More below" sits over the text fade).
    gap = screen.px(MIN_GAP_MM)
    surfaces: dict[QWidget | None, list[QAbstractButton]] = {}
    for button in buttons:
        if button is page.more_button or isinstance(button.parentWidget(), ScrollPage):
            continue  # a "More below" floats over its page's text fade
        owner = next((p for p in _ancestors(button) if isinstance(p, ScrollPage | IdlePanel)), None)
        surfaces.setdefault(owner, []).append(button)
    for group in surfaces.values():
        for a, b in itertools.combinations(group, 2):
            ra, rb = _in_window(a, window), _in_window(b, window)
            dx = max(rb.left() - ra.right() - 1, ra.left() - rb.right() - 1)
            dy = max(rb.top() - ra.bottom() - 1, ra.top() - rb.bottom() - 1)
            if max(dx, dy) < gap:
                problems.append(
                    f"{a.text()[:20]!r} and {b.text()[:20]!r} are {max(dx, dy)} px apart"
                )
    return problems


def _ancestors(widget: QWidget) -> list[QWidget]:
    found = []
    parent = widget.parentWidget()
    while parent is not None:
        found.append(parent)
        parent = parent.parentWidget()
    return found


# Every theme in English; Spanish, which runs about a quarter longer, in the standard one (the
# high-contrast theme changes colours and borders, not the words' room).
LOOKS = [*((theme, "en") for theme in THEMES), ("standard", "es")]


@pytest.mark.parametrize(("theme", "language"), LOOKS)
@pytest.mark.parametrize("screen_name", list(SCREENS))
def test_every_page_fits_at_every_text_size(
    make_kiosk: KioskFactory, screen_name: str, theme: str, language: str
) -> None:
    screen = SCREENS[screen_name]
    kiosk = make_kiosk(screen)
    kiosk.visit.set_language(language)
    kiosk.visit.set_theme(theme)
    kiosk.visit.set_ticked(2, True)  # a ticked row is drawn bolder: check it too
    problems: list[str] = []
    for step, page in itertools.product(range(len(TEXT_SIZE_STEPS_PERCENT)), _pages(kiosk)):
        kiosk.visit.set_text_step(step)
        _settle(kiosk, page)
        where = f"{screen_name} {TEXT_SIZE_STEPS_PERCENT[step]} % page {page.section}"
        problems += [f"{where}: {problem}" for problem in _problems(kiosk, screen)]
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize(("theme", "language"), LOOKS)
@pytest.mark.parametrize("screen_name", list(SCREENS))
def test_the_welcome_warning_and_staff_screens_fit_at_every_text_size(
    make_kiosk: KioskFactory, screen_name: str, theme: str, language: str
) -> None:
    screen = SCREENS[screen_name]
    kiosk = make_kiosk(screen)
    kiosk.visit.set_language(language)
    kiosk.visit.set_theme(theme)
    window = kiosk.window
    window.staff_panel.show_status("'office' is ready to print", "working", [])
    window.staff_panel.show_log(["2026-11-26 10:00:00 INFO kiosk.init: kiosk running"] * 3)
    window.staff_panel.show_result("Saying a test sentence.")
    window.pin_pad.set_message("That PIN is not right. 4 tries left.")
    problems: list[str] = []
    for step in range(len(TEXT_SIZE_STEPS_PERCENT)):
        kiosk.visit.set_text_step(step)
        for shown in (Screen.WELCOME, Screen.STAFF_PIN, Screen.STAFF, "warning"):
            if shown == "warning":
                window.show_screen(Screen.LEAFLET)
                window.show_idle_warning(30)
            else:
                assert isinstance(shown, Screen)
                window.show_screen(shown)
            QApplication.processEvents()
            if window.height() > screen.height_px:
                problems.append(f"{shown}: makes the window {window.height()} px tall")
            where = f"{screen_name} {TEXT_SIZE_STEPS_PERCENT[step]} % {shown}"
            found = _text_problems(kiosk, screen) + _button_problems(kiosk, screen)
            if shown == "warning" and window.idle_panel.card.verticalScrollBar().maximum() > 0:
                found.append("the warning does not fit without scrolling")
            problems += [f"{where}: {problem}" for problem in found]
            window.hide_idle_warning()
    assert not problems, "\n".join(problems[:40])


def test_body_text_capitals_are_at_least_4_8_mm_on_the_default_screen(kiosk: Kiosk) -> None:
    kiosk.visit.go_to(Page(1))
    body = next(
        v for v in _shown(kiosk.window.current_page(), TextView) if v.role() is TextRole.BODY
    )
    cap_px = QFontMetricsF(body.role_font()).capHeight()
    screen = ScreenSpec()
    assert screen.mm(cap_px) >= MIN_CAP_HEIGHT_MM
    assert 26 <= body.role_font().pixelSize() <= 32  # "about 28 px" on a 21.5 inch 1080p screen


def test_text_size_grows_the_text_and_the_buttons_with_it(kiosk: Kiosk) -> None:
    kiosk.visit.go_to(HOME)
    button = kiosk.window.home_page.questions_button
    assert button is not None
    QApplication.processEvents()
    small_text, small_height = button.font().pixelSize(), button.height()
    kiosk.visit.set_text_step(len(TEXT_SIZE_STEPS_PERCENT) - 1)
    QApplication.processEvents()
    assert button.font().pixelSize() >= 2 * small_text - 1
    assert button.height() > small_height


LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2


def test_a_word_longer_than_the_screen_wraps_instead_of_running_off(
    make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "en.md").write_text(
        f'+++\ntitle = "{LONG_WORD}"\nlanguage = "en"\nsource = "S"\n+++\n\n'
        f"## {LONG_WORD}\n\nA {LONG_WORD} word.\n\n- {LONG_WORD}\n\n"
        f"## Questions\n\n- [ ] Is {LONG_WORD} a question?\n",
        encoding="utf-8",
    )
    screen = SCREENS["portrait"]
    kiosk = make_kiosk(screen, Config(content_pack=pack))
    kiosk.visit.set_text_step(len(TEXT_SIZE_STEPS_PERCENT) - 1)
    problems: list[str] = []
    for page in _pages(kiosk):
        _settle(kiosk, page)
        problems += _problems(kiosk, screen)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("screen_name", list(SCREENS))
def test_every_page_fits_while_it_is_read_aloud(
    qtbot: QtBot,
    pulse: PulseServer,  # noqa: ARG001 - narration plays to the private audio server
    make_kiosk: KioskFactory,
    screen_name: str,
    language: str,
) -> None:
    """The speech controls appear above Back/Home/Next; the page must still fit and be read."""
    screen = SCREENS[screen_name]
    kiosk = make_kiosk(screen, narration=True)
    narrator = kiosk.narrator
    assert narrator is not None
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=15_000)
    kiosk.visit.set_language(language)
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=15_000)
    problems: list[str] = []
    for step, page in itertools.product(range(len(TEXT_SIZE_STEPS_PERCENT)), _pages(kiosk)):
        kiosk.visit.set_text_step(step)
        _settle(kiosk, page)
        kiosk.window.listen()
        assert kiosk.window.stop_button.isVisible()
        QApplication.processEvents()
        where = f"{screen_name} {TEXT_SIZE_STEPS_PERCENT[step]} % page {page.section}, speaking"
        # While it reads, the page follows the voice: two and a half lines are enough (a 10.1
        # inch tablet at 200 % shows 2.9 with the speech controls).
        problems += [f"{where}: {p}" for p in _problems(kiosk, screen, min_lines=2.5)]
        narrator.stop()
    assert not problems, "\n".join(problems[:40])

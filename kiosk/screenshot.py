"""Renders one page of the kiosk to a PNG, for the README, reviews and layout checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtTest import QTest

from kiosk.app import build
from kiosk.catalogs import use_language
from kiosk.config import Config, ScreenSpec
from kiosk.content import Leaflet, SectionKind
from kiosk.content.library import checked_library, open_paths
from kiosk.fonts import load_fonts
from kiosk.session import ONLY_LEAFLET, TOPICS, Page, Visit, VisitDefaults
from kiosk.ui.metrics import Metrics
from kiosk.ui.qtapp import application, window_flags
from kiosk.ui.window import KioskWindow, Screen


class ScreenshotError(Exception):
    """The screenshot request cannot be met (unknown page, bad question number, write failed)."""


# Screens that are not pages of the leaflet.
OTHER_SCREENS = ("welcome", "still-here", "staff-pin", "staff")


def parse_page(name: str, leaflet: Leaflet, leaflet_id: str = ONLY_LEAFLET) -> Page:
    """``home``, ``intro``, ``questions`` or ``section:N`` (N from 1, not counting the intro)
    of ``leaflet`` (by its id in a kiosk of several); ``topics``, the menu of a kiosk of
    several."""
    if name == "topics":
        if leaflet_id == ONLY_LEAFLET:
            raise ScreenshotError(
                "the topic menu shows in a kiosk of several leaflets: name their folders "
                "with --leaflets"
            )
        return TOPICS
    if name == "home" or name in OTHER_SCREENS:
        return Page(None, leaflet_id)
    sections = list(leaflet.sections)
    if name == "questions":
        return Page(sections.index(leaflet.questions_section), leaflet_id)
    if name == "intro":
        for index, section in enumerate(sections):
            if section.kind is SectionKind.INTRODUCTION:
                return Page(index, leaflet_id)
        raise ScreenshotError("this leaflet has no introduction")
    kind, _, number = name.partition(":")
    numbered = [i for i, s in enumerate(sections) if s.kind is not SectionKind.INTRODUCTION]
    if kind == "section" and number.isdigit() and 1 <= int(number) <= len(numbered):
        return Page(numbered[int(number) - 1], leaflet_id)
    menu = "" if leaflet_id == ONLY_LEAFLET else " topics,"
    raise ScreenshotError(
        f"unknown page {name!r}; use {', '.join(OTHER_SCREENS)},{menu} home, intro, "
        f"questions or section:1 to section:{len(numbered)}"
    )


def take_screenshot(
    config: Config,
    *,
    page: str,
    size: tuple[int, int] | None,
    out: Path,
    text_step: int | None = None,
    theme: str | None = None,
    ticks: list[int] | None = None,
    diagonal_in: float | None = None,
    language: str | None = None,
    leaflets: Sequence[Path] = (),
) -> None:
    """Render ``page`` at ``size`` and write it to ``out``: of the configuration's leaflet, or
    of a kiosk of the ``leaflets`` folders (two or more; ``page`` and ``ticks`` are then of
    the first, or the topic menu)."""
    screen = config.screen
    if size is not None:
        screen = screen.with_size(*size)
    if diagonal_in is not None:
        screen = replace(screen, diagonal_in=diagonal_in)
    if leaflets:
        visit, window, first = _several_leaflets(config, screen, leaflets)
        staff = None
    else:
        kiosk = build(config, screen=screen, windowed=True, narration=False)
        visit, window, first, staff = kiosk.visit, kiosk.window, ONLY_LEAFLET, kiosk.staff
    _choose(
        visit, language=language, ticks=ticks or [], text_step=text_step, theme=theme, leaflet=first
    )
    target = parse_page(page, window.shown_leaflet(first), first)
    visit.go_to(target)
    if page != "welcome":
        visit.begin()
    if page == "staff-pin":
        window.show_screen(Screen.STAFF_PIN)
    elif page == "staff":
        if staff is None:
            raise ScreenshotError("the staff panel is not shown with --leaflets yet")
        staff.open_panel()
    window.resize(screen.width_px, screen.height_px)
    window.show()
    QTest.qWaitForWindowExposed(window)
    if page == "still-here":
        window.show_idle_warning(round(config.idle_warning_s))
    pixmap = _grab(window)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(out), "PNG"):
        raise ScreenshotError(f"cannot write {out}")


def _several_leaflets(
    config: Config, screen: ScreenSpec, folders: Sequence[Path]
) -> tuple[Visit, KioskWindow, str]:
    """A kiosk window of the leaflets in ``folders``, as a kiosk of several shows them, and
    the first one's id. (Until the configuration names several leaflets.)"""
    application()
    library = checked_library(open_paths(folders, config.language, config.languages))
    if library.problems:
        raise ScreenshotError("; ".join(str(problem) for problem in library.problems.values()))
    if len(library) < 2:
        raise ScreenshotError("--leaflets needs the folders of two or more leaflets")
    counts = {i: len(library[i].leaflet(config.language).questions) for i in library.ids}
    defaults = VisitDefaults.from_settings(
        config.text_size_percent,
        config.theme,
        config.speech_rate_wpm,
        config.volume_percent,
        language=config.language,
        languages=config.languages,
        first_page=TOPICS,
    )
    visit = Visit(counts, defaults)
    use_language(visit.language)
    visit.language_changed.connect(use_language)
    window = KioskWindow(library, visit, Metrics.for_screen(screen, load_fonts()))
    window.setWindowFlags(window_flags(True))
    return visit, window, library.ids[0]


def _choose(
    visit: Visit,
    *,
    language: str | None,
    ticks: list[int],
    text_step: int | None,
    theme: str | None,
    leaflet: str = ONLY_LEAFLET,
) -> None:
    """What the patient chose before the screenshot: language, ticks, text size, colours."""
    if language is not None:
        try:
            visit.set_language(language)
        except ValueError as error:
            raise ScreenshotError(f"{error} (see languages in the configuration)") from None
    for number in ticks:
        try:
            visit.set_ticked(number, True, leaflet)
        except ValueError as error:
            raise ScreenshotError(str(error)) from None
    if text_step is not None:
        visit.set_text_step(text_step)
    if theme is not None:
        visit.set_theme(theme)


def _grab(window: KioskWindow) -> QPixmap:
    """On a real display, read the pixels back from the display server; offscreen, render."""
    QGuiApplication.processEvents()
    if QGuiApplication.platformName() == "xcb":
        screen = window.screen()
        return screen.grabWindow(window.winId())
    return window.grab()

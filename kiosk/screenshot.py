"""Renders one page of the kiosk to a PNG, for the README, reviews and layout checks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtTest import QTest

from kiosk.app import build
from kiosk.config import Config
from kiosk.content import Leaflet, SectionKind
from kiosk.session import HOME, Page, Visit
from kiosk.ui.window import KioskWindow, Screen


class ScreenshotError(Exception):
    """The screenshot request cannot be met (unknown page, bad question number, write failed)."""


# Screens that are not pages of the leaflet.
OTHER_SCREENS = ("welcome", "still-here", "staff-pin", "staff")


def parse_page(name: str, leaflet: Leaflet) -> Page:
    """``home``, ``intro``, ``questions`` or ``section:N`` (N from 1, not counting the intro)."""
    if name == "home" or name in OTHER_SCREENS:
        return HOME
    sections = list(leaflet.sections)
    if name == "questions":
        return Page(sections.index(leaflet.questions_section))
    if name == "intro":
        for index, section in enumerate(sections):
            if section.kind is SectionKind.INTRODUCTION:
                return Page(index)
        raise ScreenshotError("this leaflet has no introduction")
    kind, _, number = name.partition(":")
    numbered = [i for i, s in enumerate(sections) if s.kind is not SectionKind.INTRODUCTION]
    if kind == "section" and number.isdigit() and 1 <= int(number) <= len(numbered):
        return Page(numbered[int(number) - 1])
    raise ScreenshotError(
        f"unknown page {name!r}; use {', '.join(OTHER_SCREENS)}, home, intro, questions "
        f"or section:1 to section:{len(numbered)}"
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
) -> None:
    """Render ``page`` at ``size`` and write it to ``out``."""
    screen = config.screen
    if size is not None:
        screen = screen.with_size(*size)
    if diagonal_in is not None:
        screen = replace(screen, diagonal_in=diagonal_in)
    kiosk = build(config, screen=screen, windowed=True, narration=False)
    visit, window = kiosk.visit, kiosk.window
    _choose(visit, language=language, ticks=ticks or [], text_step=text_step, theme=theme)
    target = parse_page(page, kiosk.leaflet)
    visit.go_to(target)
    if page != "welcome":
        visit.begin()
    if page == "staff-pin":
        window.show_screen(Screen.STAFF_PIN)
    elif page == "staff":
        kiosk.staff.open_panel()
    window.resize(screen.width_px, screen.height_px)
    window.show()
    QTest.qWaitForWindowExposed(window)
    if page == "still-here":
        window.show_idle_warning(round(config.idle_warning_s))
    pixmap = _grab(window)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(out), "PNG"):
        raise ScreenshotError(f"cannot write {out}")


def _choose(
    visit: Visit,
    *,
    language: str | None,
    ticks: list[int],
    text_step: int | None,
    theme: str | None,
) -> None:
    """What the patient chose before the screenshot: language, ticks, text size, colours."""
    if language is not None:
        try:
            visit.set_language(language)
        except ValueError as error:
            raise ScreenshotError(f"{error} (see languages in the configuration)") from None
    for number in ticks:
        try:
            visit.set_ticked(number, True)
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

"""Painting all day must not wear the process down (a Qt binding bug did, on Python 3.11)."""

from __future__ import annotations

import sys

from kiosk.app import Kiosk
from kiosk.session import Page

REPAINTS = 200


def test_repainting_every_page_keeps_pythons_none_alive(kiosk: Kiosk) -> None:
    """PySide6 6.12.0 released ``None`` once per ``QPainter.setPen`` and text draw on Python
    3.11, so the kiosk crashed ("deallocating None") after enough repaints. Each repaint here
    draws dozens of pens and texts: with the bug, ``None``'s count drops by thousands.
    """
    kiosk.visit.set_theme("high_contrast")
    kiosk.visit.go_to(Page(5))
    before = sys.getrefcount(None)
    for _ in range(REPAINTS):
        kiosk.window.grab()
    assert sys.getrefcount(None) >= before - REPAINTS // 2

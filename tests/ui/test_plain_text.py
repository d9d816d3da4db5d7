"""Markup in a content file is shown as the characters staff typed, never interpreted by Qt."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.app import build
from kiosk.config import Config
from kiosk.session import Page
from kiosk.ui.text import TextView

HOSTILE = '<img src="x" onerror="alert(1)"> and <a href="http://example.com">a link</a> &amp; <b>'
LEAFLET = f"""+++
title = "Test <i>leaflet</i>"
language = "en"
source = "Test source"
+++

## A section

{HOSTILE}

## Questions

- [ ] Is <b>this</b> bold?
"""


def test_html_in_content_is_shown_literally(qtbot: QtBot, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "en.md").write_text(LEAFLET, encoding="utf-8")
    kiosk = build(Config(content_pack=pack), narration=False)
    qtbot.addWidget(kiosk.window)
    kiosk.window.show()
    kiosk.visit.go_to(Page(0))
    shown = [v.shown_text() for v in kiosk.window.current_page().findChildren(TextView)]
    assert HOSTILE in shown
    home_texts = [v.shown_text() for v in kiosk.window.home_page.findChildren(TextView)]
    assert "Test <i>leaflet</i>" in home_texts
    assert kiosk.window.questions_page.rows[0].text() == "Is <b>this</b> bold?"

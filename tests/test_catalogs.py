"""Every word of the kiosk in every catalog, with the same placeholders, and shown at run time."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.catalogs import KIOSK, _tool, catalog_path, catalogs, use_language
from kiosk.config import ScreenSpec
from kiosk.content.languages import supported_languages
from kiosk.fonts import load_fonts
from kiosk.ui.bars import Bars
from kiosk.ui.metrics import Metrics

_PLACEHOLDER = re.compile(r"\{\d+\}|%n|%\d")


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    return {
        (context.findtext("name") or "", message.findtext("source") or ""): message
        for context in root.iter("context")
        for message in context.iter("message")
    }


@pytest.fixture(scope="module")
def in_the_code(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str]]:
    """Every (context, source) the code asks to translate, as lupdate finds them now."""
    fresh = tmp_path_factory.mktemp("lupdate") / "fresh.ts"
    sources = [str(path) for path in sorted(KIOSK.rglob("*.py"))]
    subprocess.run(
        [_tool("lupdate"), "-silent", "-locations", "none", *sources, "-ts", str(fresh)],
        check=True,
    )
    return set(_messages(fresh))


def test_every_language_but_english_has_a_catalog() -> None:
    assert {path.stem.removeprefix("kiosk_") for path in catalogs()} == supported_languages() - {
        "en"
    }


@pytest.mark.parametrize("ts", catalogs(), ids=lambda path: path.name)
def test_every_catalog_has_every_word_of_the_code_translated(
    ts: Path, in_the_code: set[tuple[str, str]]
) -> None:
    messages = _messages(ts)
    missing = sorted(in_the_code - set(messages))
    assert not missing, f"{ts.name} lacks {missing}: run python -m kiosk.catalogs update"
    vanished = sorted(set(messages) - in_the_code)
    assert not vanished, f"{ts.name} still has {vanished}, which the code no longer uses"
    untranslated = [
        key
        for key, message in messages.items()
        if not (message.findtext("translation") or "").strip()
        or message.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
    ]
    assert not untranslated, f"{ts.name}: not translated yet: {untranslated}"


@pytest.mark.parametrize("ts", catalogs(), ids=lambda path: path.name)
def test_every_translation_keeps_the_placeholders_of_its_source(ts: Path) -> None:
    wrong = [
        (context, source, translation)
        for (context, source), message in _messages(ts).items()
        for translation in [message.findtext("translation") or ""]
        if sorted(_PLACEHOLDER.findall(source)) != sorted(_PLACEHOLDER.findall(translation))
    ]
    assert not wrong, f"{ts.name}: placeholders differ: {wrong}"


def test_the_kiosk_words_follow_the_installed_language(qapp: QApplication) -> None:  # noqa: ARG001
    metrics = Metrics.for_screen(ScreenSpec(), load_fonts())
    try:
        use_language("es")
        bars = Bars(metrics)
        assert bars.home_button.text() == "⌂ Inicio"
        assert bars.home_button.accessibleName() == "Inicio"
        assert QApplication.translate("Talk", "{0} seconds.").format(5) == "5 segundos."
        use_language("en")
        bars.retranslate()
        assert bars.home_button.text() == "⌂ Home"
        assert QApplication.translate("Talk", "{0} seconds.").format(5) == "5 seconds."
    finally:
        use_language("en")


def test_a_missing_catalog_leaves_english_and_says_so(
    qapp: QApplication,  # noqa: ARG001
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    resources = tmp_path / "resources"
    shutil.copytree(catalog_path("es").parent.parent / "languages", resources / "languages")
    (resources / "translations").mkdir()
    monkeypatch.setattr("kiosk.catalogs.resources_dir", lambda: resources)
    with caplog.at_level(logging.WARNING, logger="kiosk.init"):
        use_language("es")
    assert QApplication.translate("Talk", "{0} seconds.") == "{0} seconds."
    assert "kiosk_es.qm is missing" in caplog.text
    assert "python -m kiosk.catalogs build" in caplog.text

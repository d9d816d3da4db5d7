"""Every word of the kiosk in every catalog, with the same placeholders, and shown at run time."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.catalogs import (
    KIOSK,
    CatalogError,
    _tool,
    catalog_path,
    catalog_problem,
    catalogs,
    compile_catalogs,
    use_language,
)
from kiosk.config import ScreenSpec
from kiosk.content import load_leaflet
from kiosk.content.languages import supported_languages
from kiosk.fonts import load_fonts
from kiosk.paths import resources_dir
from kiosk.ui.bars import Bars
from kiosk.ui.metrics import Metrics
from kiosk.ui.pages import SectionPage

_PLACEHOLDER = re.compile(r"\{\d+\}|%n|%\d")


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    return {
        (context.findtext("name") or "", message.findtext("source") or ""): message
        for context in root.iter("context")
        for message in context.iter("message")
    }


def _translations(message: ET.Element) -> list[str]:
    """A message's translation, or each of its forms by number (``%n``: "1 intento", "4
    intentos")."""
    translation = message.find("translation")
    assert translation is not None
    forms = [form.text or "" for form in translation.iter("numerusform")]
    return forms if message.get("numerus") == "yes" else [translation.text or ""]


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
        if not all(form.strip() for form in _translations(message))
        or message.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
    ]
    assert not untranslated, f"{ts.name}: not translated yet: {untranslated}"


@pytest.mark.parametrize("ts", catalogs(), ids=lambda path: path.name)
def test_every_translation_keeps_the_placeholders_of_its_source(ts: Path) -> None:
    wrong = [
        (context, source, translation)
        for (context, source), message in _messages(ts).items()
        for translation in _translations(message)
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


def test_words_of_an_inherited_method_are_found_in_its_own_class(qapp: QApplication) -> None:  # noqa: ARG001
    """PySide6 6.11's ``self.tr()`` takes the class that defines the method as the context,
    as lupdate does: ScrollPage's "More below" shows in Spanish on a SectionPage too (an
    older PySide took the instance's class, and the words stayed English)."""
    metrics = Metrics.for_screen(ScreenSpec(), load_fonts())
    section = load_leaflet(resources_dir() / "leaflets" / "vertebroplasty", "en").sections[0]
    try:
        use_language("es")
        page = SectionPage(section, metrics)
        assert page.more_button.text() == "▼ Hay más abajo"
        assert page.verticalScrollBar().accessibleName() == "Posición en la página"
    finally:
        use_language("en")


def test_a_number_gets_its_own_form(qapp: QApplication) -> None:  # noqa: ARG001
    """The staff's PIN pad says "Le queda 1 intento" and "Le quedan 4 intentos"."""
    source = "That PIN is not right. %n tries left."
    try:
        use_language("es")
        assert QApplication.translate("StaffMode", source, "", 1).endswith("Le queda 1 intento.")
        assert QApplication.translate("StaffMode", source, "", 4).endswith("Le quedan 4 intentos.")
        # Qt's own words (its dialogs, a text field's menu) follow too: qtbase_es.qm.
        assert QApplication.translate("QPlatformTheme", "Cancel") == "Cancelar"
    finally:
        use_language("en")
    assert (
        QApplication.translate("StaffMode", source, "", 4) == "That PIN is not right. 4 tries left."
    )


@pytest.mark.parametrize("compiled", [None, b"not a catalog"], ids=["missing", "unreadable"])
def test_a_missing_catalog_leaves_english_and_says_so(
    qapp: QApplication,  # noqa: ARG001
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    compiled: bytes | None,
) -> None:
    resources = tmp_path / "resources"
    shutil.copytree(catalog_path("es").parent.parent / "languages", resources / "languages")
    (resources / "translations").mkdir()
    if compiled is not None:
        (resources / "translations" / "kiosk_es.qm").write_bytes(compiled)
    use_language("es")  # the real catalog, installed first: the failed switch removes it
    assert QApplication.translate("Talk", "{0} seconds.") == "{0} segundos."
    monkeypatch.setattr("kiosk.catalogs.resources_dir", lambda: resources)
    with caplog.at_level(logging.WARNING, logger="kiosk.init"):
        use_language("es")
    assert QApplication.translate("Talk", "{0} seconds.") == "{0} seconds."
    said = "is missing" if compiled is None else "cannot be read"
    assert f"kiosk_es.qm {said}" in caplog.text
    assert "python -m kiosk.catalogs build" in caplog.text
    assert [record.levelno for record in caplog.records] == [logging.WARNING]
    assert catalog_problem("es") is not None


def test_a_broken_catalog_stops_the_build_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "translations").mkdir()
    broken = tmp_path / "translations" / "kiosk_es.ts"
    broken.write_text('<?xml version="1.0"?>\n<TS version="2.1" language="es">\n<context>\n')
    monkeypatch.setattr("kiosk.catalogs.resources_dir", lambda: tmp_path)
    with pytest.raises(CatalogError) as raised:
        compile_catalogs()
    assert str(broken) in str(raised.value)
    assert "Premature end of document" in str(raised.value)  # what lrelease said
    assert not broken.with_suffix(".qm").exists()


def test_a_catalog_is_compiled_only_when_its_source_is_newer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "translations").mkdir()
    source = tmp_path / "translations" / "kiosk_es.ts"
    shutil.copy(catalog_path("es"), source)
    monkeypatch.setattr("kiosk.catalogs.resources_dir", lambda: tmp_path)
    assert compile_catalogs() == [source.with_suffix(".qm")]
    assert compile_catalogs() == []
    os.utime(source, (source.stat().st_atime, source.with_suffix(".qm").stat().st_mtime + 1))
    assert compile_catalogs() == [source.with_suffix(".qm")]

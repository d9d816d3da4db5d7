"""A patient picks Español (or English) on any page: the whole kiosk follows, in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from harness.audio import PulseServer
from kiosk.app import Kiosk
from kiosk.config import Config
from kiosk.content import load_leaflet
from kiosk.content.languages import language
from kiosk.narration.narrator import NarrationState
from kiosk.narration.synth import NEURAL_VOICE
from kiosk.printing.service import PrintState
from kiosk.session import HOME, Page
from kiosk.ui.window import Screen

from .conftest import KioskFactory, button_labelled, page_heading, tap

SPEAK_TIMEOUT_MS = 15_000

# Test data, not medical content: two leaflets that match section by section and question by
# question, as a pack's languages must. The long paragraphs make the pages scroll.
_LONG_EN = " ".join(
    f"This is sentence {n} of a long paragraph that fills the page." for n in range(40)
)
_LONG_ES = " ".join(
    f"Esta es la oración {n} de un párrafo largo que llena la página." for n in range(40)
)
EN = f"""+++
title = "Test leaflet"
language = "en"
source = "Test source"
+++

An opening paragraph of the test leaflet.

## First topic

{_LONG_EN}

{_LONG_EN}

## Second topic

The cat sat on the mat. The dog ran in the park.

## Questions

- [ ] Is this the first question?
- [ ] Is this the second question?
- [ ] Is this the third question?
"""
ES = f"""+++
title = "Folleto de prueba"
language = "es"
source = "Fuente de prueba"
+++

Un párrafo inicial del folleto de prueba.

## Primer tema

{_LONG_ES}

{_LONG_ES}

## Segundo tema

El gato se sentó en la alfombra. El perro corrió en el parque.

## Preguntas

- [ ] ¿Es esta la primera pregunta?
- [ ] ¿Es esta la segunda pregunta?
- [ ] ¿Es esta la tercera pregunta?
"""


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "en.md").write_text(EN, encoding="utf-8")
    (pack / "es.md").write_text(ES, encoding="utf-8")
    return pack


@pytest.fixture
def two_languages(make_kiosk: KioskFactory, pack: Path) -> Kiosk:
    return make_kiosk(config=Config(content_pack=pack, languages=("en", "es")))


def _switch(qtbot: QtBot, kiosk: Kiosk, name: str) -> None:
    tap(qtbot, button_labelled(kiosk.window.bars.top, name))


def test_a_kiosk_with_one_language_shows_no_language_button(
    make_kiosk: KioskFactory, pack: Path
) -> None:
    kiosk = make_kiosk(config=Config(content_pack=pack, languages=("en",)))
    labels = [b.text() for b in kiosk.window.bars.top_buttons if b.isVisibleTo(kiosk.window)]
    assert not [label for label in labels if label in ("Español", "English")]
    kiosk.visit.reset()
    assert kiosk.window.welcome_screen.language_buttons == {}


def test_the_button_says_the_other_language_in_its_own_words(
    qtbot: QtBot, two_languages: Kiosk
) -> None:
    kiosk = two_languages
    button = button_labelled(kiosk.window.bars.top, "Español")
    assert button.accessibleName() == "Español"
    _switch(qtbot, kiosk, "Español")
    assert kiosk.visit.language == "es"
    english = button_labelled(kiosk.window.bars.top, "English")
    assert english.isVisible()
    assert not button.isVisible()


@pytest.mark.parametrize("section", [None, 0, 1, 2, 3])
def test_switching_keeps_the_page_the_place_on_it_and_every_tick(
    qtbot: QtBot, two_languages: Kiosk, pack: Path, section: int | None
) -> None:
    kiosk, window = two_languages, two_languages.window
    spanish = load_leaflet(pack, "es")
    kiosk.visit.set_ticked(1, True)
    kiosk.visit.set_ticked(3, True)
    page = HOME if section is None else Page(section)
    kiosk.visit.go_to(page)
    scroll = window.current_page().verticalScrollBar()
    if scroll.maximum() > 0:
        scroll.setValue(scroll.maximum() // 2)  # half way down the long first topic
    before = window.current_page().place()

    _switch(qtbot, kiosk, "Español")

    assert kiosk.visit.page == page
    assert kiosk.visit.ticked == {1, 3}
    heading = page_heading(kiosk)
    if section is None:
        assert heading == spanish.title
    else:
        assert heading == spanish.sections[section].heading
    rows = window.questions_page.rows
    assert [row.text() for row in rows] == [q.text for q in spanish.questions]
    assert [row.isChecked() for row in rows] == [True, False, True]
    qtbot.waitUntil(lambda: window.current_page().place()[0] == before[0])
    if before != (0, 0.0):
        assert window.current_page().verticalScrollBar().value() > 0

    _switch(qtbot, kiosk, "English")
    assert kiosk.visit.page == page
    assert kiosk.visit.ticked == {1, 3}
    assert page_heading(kiosk) == (
        kiosk.leaflets["en"].title
        if section is None
        else kiosk.leaflets["en"].sections[section].heading
    )
    qtbot.waitUntil(lambda: window.current_page().place()[0] == before[0])


def test_the_welcome_screen_starts_the_visit_in_the_language_touched(
    qtbot: QtBot, two_languages: Kiosk, pack: Path
) -> None:
    kiosk = two_languages
    kiosk.visit.reset()
    welcome = kiosk.window.welcome_screen
    assert kiosk.window.showing() is Screen.WELCOME
    assert welcome.title_view.text() == "Test leaflet"
    assert not welcome.language_buttons["en"].isVisible()
    tap(qtbot, welcome.language_buttons["es"])
    assert kiosk.visit.under_way
    assert kiosk.visit.language == "es"
    assert kiosk.window.showing() is Screen.LEAFLET
    assert page_heading(kiosk) == load_leaflet(pack, "es").title


def test_the_end_of_the_visit_brings_back_the_clinic_default_language(
    qtbot: QtBot, two_languages: Kiosk
) -> None:
    kiosk = two_languages
    _switch(qtbot, kiosk, "Español")
    kiosk.visit.set_ticked(2, True)
    kiosk.visit.reset()
    assert kiosk.visit.language == "en"
    assert kiosk.visit.ticked == frozenset()
    assert kiosk.window.welcome_screen.title_view.text() == "Test leaflet"
    assert kiosk.window.welcome_screen.language_buttons["es"].isVisible()
    kiosk.visit.begin()
    assert page_heading(kiosk) == "Test leaflet"


def test_a_clinic_may_start_every_visit_in_spanish(make_kiosk: KioskFactory, pack: Path) -> None:
    kiosk = make_kiosk(config=Config(content_pack=pack, language="es", languages=("en", "es")))
    assert kiosk.visit.language == "es"
    assert page_heading(kiosk) == "Folleto de prueba"
    kiosk.visit.set_language("en")
    kiosk.visit.reset()
    assert kiosk.visit.language == "es"


def test_a_language_the_pack_lacks_is_not_offered(make_kiosk: KioskFactory, pack: Path) -> None:
    (pack / "es.md").unlink()
    kiosk = make_kiosk(config=Config(content_pack=pack, languages=("en", "es")))
    assert kiosk.visit.languages == ("en",)
    assert kiosk.window.bars.language_buttons == {}


def test_switching_stops_reading_and_listen_then_reads_in_spanish(
    qtbot: QtBot,
    pulse: PulseServer,
    make_kiosk: KioskFactory,
    pack: Path,
    tmp_path: Path,
) -> None:
    kiosk = make_kiosk(config=Config(content_pack=pack, languages=("en", "es")), narration=True)
    narrator = kiosk.narrator
    assert narrator is not None
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=SPEAK_TIMEOUT_MS)
    kiosk.visit.go_to(Page(2))  # "Second topic": two short sentences
    window = kiosk.window
    tap(qtbot, window.listen_button)
    qtbot.waitUntil(lambda: narrator.state is NarrationState.SPEAKING, timeout=SPEAK_TIMEOUT_MS)
    english = narrator.audio(0)
    assert english is not None
    assert (english.engine, english.voice) == ("neural", NEURAL_VOICE)  # English's natural voice

    _switch(qtbot, kiosk, "Español")
    assert not narrator.active  # the English reading stopped at the tap

    with pulse.record(tmp_path / "spanish.wav") as recording:
        qtbot.waitUntil(window.listen_button.isEnabled, timeout=SPEAK_TIMEOUT_MS)
        tap(qtbot, window.listen_button)
        qtbot.waitUntil(lambda: narrator.state is NarrationState.SPEAKING, timeout=SPEAK_TIMEOUT_MS)
        qtbot.waitUntil(lambda: recording.analyse().sound_s() > 0.5, timeout=SPEAK_TIMEOUT_MS)
    first = narrator.utterance(0)
    assert first is not None
    assert first.text == "Segundo tema"
    spanish = narrator.audio(0)
    assert spanish is not None
    assert (spanish.engine, spanish.voice) == ("espeak", language("es").voices[0])


def test_undo_after_clear_all_survives_a_switch(qtbot: QtBot, two_languages: Kiosk) -> None:
    kiosk, window = two_languages, two_languages.window
    kiosk.visit.set_ticked(2, True)
    kiosk.visit.go_to(Page(3))
    tap(qtbot, window.questions_page.clear_button)
    assert kiosk.visit.ticked == frozenset()
    _switch(qtbot, kiosk, "Español")
    spanish_page = window.questions_page
    assert spanish_page.undo_button.isVisible()
    tap(qtbot, spanish_page.undo_button)
    assert kiosk.visit.ticked == {2}
    assert [row.isChecked() for row in spanish_page.rows] == [False, True, False]
    _switch(qtbot, kiosk, "English")
    assert [row.isChecked() for row in window.questions_page.rows] == [False, True, False]
    assert not window.questions_page.undo_button.isVisible()


def test_the_clinic_printed_message_is_for_its_own_language_only(
    make_kiosk: KioskFactory, pack: Path
) -> None:
    config = Config(content_pack=pack, printed_message="Collect it at desk 3.")
    kiosk = make_kiosk(config=config)
    assert kiosk.printing.messages()[PrintState.PRINTED] == "Collect it at desk 3."
    kiosk.visit.set_language("es")
    assert kiosk.printing.messages()[PrintState.PRINTED] == (
        "Sus preguntas se imprimieron. Por favor, recójalas en la impresora."
    )
    kiosk.visit.reset()
    assert kiosk.printing.messages()[PrintState.PRINTED] == "Collect it at desk 3."

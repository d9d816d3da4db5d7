"""A kiosk of several leaflets: the topic menu, moving between leaflets, one questions page for
them all, the end of a visit, languages a leaflet lacks, and the menu by keys."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from harness.leaflets import write_library
from kiosk.catalogs import use_language
from kiosk.config import Config
from kiosk.content.library import Library, checked_library, open_library
from kiosk.fonts import load_fonts
from kiosk.session import TOPICS, Page, Visit, VisitDefaults
from kiosk.ui.announcer import Announcer
from kiosk.ui.buttons import QuestionRow, TopicButton
from kiosk.ui.keyboard import KeyControl
from kiosk.ui.metrics import Metrics
from kiosk.ui.pages import QuestionsPage, TopicsPage
from kiosk.ui.screen_reader import ScreenReaderWatch
from kiosk.ui.text import TextView
from kiosk.ui.theme import THEMES
from kiosk.ui.window import KioskWindow, Screen
from tests.ui.conftest import LANDSCAPE, button_labelled, tap


@dataclass
class Several:
    """A kiosk of several leaflets as a patient meets it: the window on screen, the visit,
    and the keys with what talking mode says."""

    library: Library
    visit: Visit
    window: KioskWindow
    keys: KeyControl
    said: list[str]


SeveralFactory = Callable[..., Several]


@pytest.fixture
def make_several(qtbot: QtBot, tmp_path: Path) -> Iterator[SeveralFactory]:
    """Build a kiosk of ``count`` test leaflets, in ``languages`` (the first the clinic's),
    with ``lacking`` leaflets (by number) missing the other languages; shown on a landscape
    screen on its welcome screen, or with a visit under way (``begun``)."""
    windows: list[KioskWindow] = []

    def make(
        count: int = 2,
        languages: tuple[str, ...] = ("en",),
        lacking: tuple[int, ...] = (),
        *,
        begun: bool = True,
    ) -> Several:
        folder = tmp_path / "leaflets"
        ids = write_library(folder, count, languages)
        for number in lacking:
            for code in languages[1:]:
                (folder / f"test-{number}" / f"{code}.md").unlink()
        library = checked_library(open_library(ids, [folder], tmp_path, languages[0], languages))
        counts = {i: len(library[i].leaflet(languages[0]).questions) for i in library.ids}
        if count == 1:  # a kiosk of one leaflet knows it by no id, and has no menu
            defaults = VisitDefaults(language=languages[0], languages=languages)
            visit = Visit(*counts.values(), defaults)
        else:
            defaults = VisitDefaults(language=languages[0], languages=languages, first_page=TOPICS)
            visit = Visit(counts, defaults)
        use_language(visit.language)
        visit.language_changed.connect(use_language)
        metrics = Metrics.for_screen(LANDSCAPE, load_fonts())
        window = KioskWindow(library, visit, metrics)
        announcer = Announcer(None, ScreenReaderWatch(window), window)
        visit.page_changed.connect(announcer.interrupt)
        bindings = {
            getattr(Qt.Key, f"Key_{name}").value: action
            for action, names in Config().keys.items()
            for name in names
        }
        keys = KeyControl(
            window,
            visit,
            announcer,
            bindings=bindings,
            help_keys=lambda action, _shown: " or ".join(Config().keys[action][:2]),
            parent=window,
        )
        visit.was_reset.connect(lambda: use_language(visit.language))
        said: list[str] = []
        announcer.said.connect(said.append)
        qtbot.addWidget(window)
        window.resize(LANDSCAPE.width_px, LANDSCAPE.height_px)
        window.show()
        qtbot.waitExposed(window)
        if begun:
            visit.begin()
        windows.append(window)
        return Several(library, visit, window, keys, said)

    yield make
    for window in windows:
        window.close_for_good()
    use_language("en")


def menu(kiosk: Several) -> TopicsPage:
    page = kiosk.window.current_page()
    assert isinstance(page, TopicsPage), f"the menu does not show: {type(page).__name__}"
    return page


def heading(kiosk: Several) -> str:
    """The title or heading at the top of the page shown."""
    page = kiosk.window.current_page()
    texts = [v for v in page.findChildren(TextView) if v.isVisible() and v.heading_level() == 1]
    texts.sort(key=lambda v: v.mapTo(page.content, v.rect().topLeft()).y())
    return texts[0].text()


def open_topic(qtbot: QtBot, kiosk: Several, title: str) -> None:
    """Touch the topic of ``title`` on the menu."""
    (button,) = [b for b in menu(kiosk).buttons if b.title == title]
    tap(qtbot, button)


def visible_texts(kiosk: Several) -> list[str]:
    page = kiosk.window.current_page()
    return [v.text() for v in page.findChildren(TextView) if v.isVisible()]


def tick(qtbot: QtBot, kiosk: Several, question: str) -> None:
    page = kiosk.window.current_page()
    (row,) = [r for r in page.findChildren(QuestionRow) if r.isVisible() and r.text() == question]
    tap(qtbot, row)


# The menu --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 8])
def test_the_menu_shows_every_topic_with_its_summary_in_the_clinics_order(
    make_several: SeveralFactory, count: int
) -> None:
    kiosk = make_several(count)
    assert kiosk.window.showing() is Screen.LEAFLET
    page = menu(kiosk)
    assert heading(kiosk) == "Choose a topic"
    shown = [(b.title, b.summary) for b in page.buttons if b.isVisible()]
    assert shown == [
        (f"Test topic {n}", f"Test leaflet number {n}, for trying the kiosk.")
        for n in range(1, count + 1)
    ]
    for button in page.buttons:
        assert button.text() == f"{button.title}\n{button.summary}", "both on the button"
        assert button.accessibleName() == button.title
        assert button.accessibleDescription() == button.summary
        assert button.height() >= kiosk.window.metrics.min_target_px
        assert button.label_fits()
    # Nothing leads nowhere: no Back, no Next, no Topics on the menu, and no Home before a
    # topic has been read.
    window = kiosk.window
    assert window.topics_button is not None
    for button in (window.back_button, window.next_button, window.home_button):
        assert not button.isVisible()
    assert not window.topics_button.isVisible()


def test_the_welcome_screen_invites_to_the_kiosk_not_to_one_leaflet(
    make_several: SeveralFactory,
) -> None:
    kiosk = make_several(3, begun=False)
    assert kiosk.window.showing() is Screen.WELCOME
    welcome = kiosk.window.welcome_screen
    assert welcome.title_view.text() == "Patient information"
    assert welcome.invitation_view.text() == "Touch the screen to start"
    kiosk.visit.begin()
    assert heading(kiosk) == "Choose a topic"


def test_a_kiosk_of_one_leaflet_has_no_menu_and_no_topics_button(
    make_several: SeveralFactory,
) -> None:
    kiosk = make_several(1)
    window = kiosk.window
    assert not window.several
    assert window.topics_button is None
    assert window.topics_page is None
    assert heading(kiosk) == "Test topic 1"


# Moving between leaflets ---------------------------------------------------------------------


def test_a_topic_leads_to_its_home_and_topics_and_back_lead_to_the_menu(
    qtbot: QtBot, make_several: SeveralFactory
) -> None:
    kiosk = make_several(8)
    window, visit = kiosk.window, kiosk.visit
    open_topic(qtbot, kiosk, "Test topic 5")
    assert visit.page == Page(None, "test-5")
    assert heading(kiosk) == "Test topic 5"
    assert window.back_button.isVisible(), "Back leads to the menu from a leaflet's home"
    assert window.topics_button is not None
    assert button_labelled(window, "☰ Topics") is window.topics_button
    assert window.topics_button.accessibleName() == "Topics"
    tap(qtbot, window.next_button)
    assert visit.page == Page(0, "test-5")
    tap(qtbot, window.topics_button)
    assert visit.page == TOPICS
    menu(kiosk)
    # Home on the menu: the leaflet read last.
    assert window.home_button.isVisible()
    tap(qtbot, window.home_button)
    assert visit.page == Page(None, "test-5")
    # Back from a leaflet's home: the menu.
    tap(qtbot, window.back_button)
    assert visit.page == TOPICS
    open_topic(qtbot, kiosk, "Test topic 2")
    tap(qtbot, window.next_button)
    tap(qtbot, window.home_button)
    assert visit.page == Page(None, "test-2"), "Home: this leaflet's home"


def test_each_leaflet_is_built_when_first_shown_not_at_the_start(
    qtbot: QtBot, make_several: SeveralFactory
) -> None:
    kiosk = make_several(8, begun=False)
    window = kiosk.window
    assert not any(window.is_built(Page(None, i)) for i in kiosk.library.ids)
    assert not window.is_built(TOPICS), "the welcome screen needs no menu"
    kiosk.visit.begin()
    assert window.is_built(TOPICS)
    open_topic(qtbot, kiosk, "Test topic 7")
    assert [i for i in kiosk.library.ids if window.is_built(Page(None, i))] == ["test-7"]
    assert not window.is_built(Page(1, "test-7"))
    # Once the patient settles, its sections are built ahead, and the first topics' homes,
    # never every leaflet's.
    qtbot.wait_until(lambda: window.is_built(Page(1, "test-7")), timeout=5000)
    qtbot.wait_until(lambda: window.is_built(Page(None, "test-3")), timeout=5000)
    built = [i for i in kiosk.library.ids if window.is_built(Page(None, i))]
    assert built == ["test-1", "test-2", "test-3", "test-7"]
    assert not window.is_built(Page(1, "test-1"))


# Questions -----------------------------------------------------------------------------------


def test_ticks_in_two_leaflets_are_counted_together_and_grouped_under_their_titles(
    qtbot: QtBot, make_several: SeveralFactory
) -> None:
    kiosk = make_several(8)
    window, visit = kiosk.window, kiosk.visit
    open_topic(qtbot, kiosk, "Test topic 1")
    tap(qtbot, window.questions_button)
    assert heading(kiosk) == "Questions to ask your doctor"
    tick(qtbot, kiosk, "Test question 2 of leaflet 1?")
    assert window.questions_button.text() == "☑ My questions (1)"
    assert window.topics_button is not None
    for title in ("Test topic 2", "Test topic 3"):  # read, not ticked
        tap(qtbot, window.topics_button)
        open_topic(qtbot, kiosk, title)
    tap(qtbot, window.topics_button)
    open_topic(qtbot, kiosk, "Test topic 4")
    # The leaflet's own last section, by Next: the same questions page, at this leaflet's.
    for _ in range(4):  # its introduction, two pages, its questions
        tap(qtbot, window.next_button)
    page = window.current_page()
    assert isinstance(page, QuestionsPage)
    assert visit.page.leaflet == "test-4"
    group = page.group_heading("test-4")
    assert group is not None
    bar = page.verticalScrollBar()
    qtbot.wait_until(lambda: bar.value() > 0, timeout=1000)  # once laid out, before painting
    for shown in (group, page.rows[-1]):
        top = shown.mapTo(page.content, shown.rect().topLeft()).y() - bar.value()
        assert 0 <= top <= page.viewport().height() - shown.height(), "its questions in view"
    assert not window.next_button.isVisible(), "the leaflet's last page"
    tick(qtbot, kiosk, "Test question 3 of leaflet 4?")
    assert window.questions_button.text() == "☑ My questions (2)"
    assert window.questions_button.accessibleName() == "My questions: 2 ticked"
    assert visit.ticked_by_leaflet() == {"test-1": frozenset({2}), "test-4": frozenset({3})}
    # Only the leaflets opened, each under its title, in the clinic's order (not 5 to 8).
    assert page.group_titles() == ["Test topic 1", "Test topic 2", "Test topic 3", "Test topic 4"]
    assert page.count_text.text() == "Questions ticked: 2 of 12"
    assert page.preview.text() == (
        "Test topic 1\n• Test question 2 of leaflet 1?\n"
        "Test topic 4\n• Test question 3 of leaflet 4?"
    )
    # Unticking there names the right leaflet.
    tick(qtbot, kiosk, "Test question 2 of leaflet 1?")
    assert visit.ticked_by_leaflet() == {"test-4": frozenset({3})}
    # Print on it asks for the handout, as in a kiosk of one.
    with qtbot.wait_signal(window.print_requested, timeout=1000):
        tap(qtbot, page.print_button)


def test_clear_all_and_undo_cover_every_leaflet(qtbot: QtBot, make_several: SeveralFactory) -> None:
    kiosk = make_several(3)
    visit = kiosk.visit
    visit.toggle(1, "test-1")
    visit.toggle(2, "test-3")
    open_topic(qtbot, kiosk, "Test topic 2")
    tap(qtbot, kiosk.window.questions_button)
    page = kiosk.window.current_page()
    assert isinstance(page, QuestionsPage)
    assert page.group_titles() == ["Test topic 1", "Test topic 2", "Test topic 3"]
    tap(qtbot, page.clear_button)
    assert visit.tick_count == 0
    assert not any(row.isChecked() for row in page.rows)
    tap(qtbot, page.undo_button)
    assert visit.ticked_by_leaflet() == {"test-1": frozenset({1}), "test-3": frozenset({2})}


def test_the_end_of_a_visit_brings_back_the_menu_with_no_ticks(
    qtbot: QtBot, make_several: SeveralFactory
) -> None:
    kiosk = make_several(3)
    window, visit = kiosk.window, kiosk.visit
    open_topic(qtbot, kiosk, "Test topic 2")
    tap(qtbot, window.questions_button)
    tick(qtbot, kiosk, "Test question 1 of leaflet 2?")
    visit.reset()
    assert window.showing() is Screen.WELCOME
    assert window.questions_button.text() == "☑ My questions (0)"
    visit.begin()
    menu(kiosk)
    assert not window.home_button.isVisible(), "the next patient has read nothing yet"
    open_topic(qtbot, kiosk, "Test topic 3")
    tap(qtbot, window.questions_button)
    page = window.current_page()
    assert isinstance(page, QuestionsPage)
    assert page.group_titles() == ["Test topic 3"], "nothing of the last patient's reading"
    assert not any(row.isChecked() for row in page.rows)


# Languages -----------------------------------------------------------------------------------


def test_a_leaflet_lacking_the_chosen_language_says_so_on_its_pages(
    qtbot: QtBot, make_several: SeveralFactory
) -> None:
    kiosk = make_several(3, ("en", "es"), lacking=(2,))
    window, visit = kiosk.window, kiosk.visit
    open_topic(qtbot, kiosk, "Test topic 2")
    tap(qtbot, window.bars.language_buttons["es"])
    assert visit.language == "es"
    # The languages named in the reader's words, as Spanish writes them.
    notice = "Este tema no está disponible en español. Se muestra en inglés."
    assert heading(kiosk) == "Test topic 2", "shown in English"
    assert notice in visible_texts(kiosk)
    tap(qtbot, window.next_button)
    assert notice in visible_texts(kiosk), "on each of its pages"
    # Every other leaflet switched with it, and says nothing.
    assert window.topics_button is not None
    tap(qtbot, window.topics_button)
    page = menu(kiosk)
    titles = [b.title for b in page.buttons]
    assert titles == ["Tema de prueba 1", "Test topic 2", "Tema de prueba 3"]
    only = "Solo en inglés"
    assert page.buttons[1].summary.endswith(only)
    open_topic(qtbot, kiosk, "Tema de prueba 3")
    assert heading(kiosk) == "Tema de prueba 3"
    assert notice not in visible_texts(kiosk)
    # And back in English, no notice anywhere.
    tap(qtbot, window.bars.language_buttons["en"])
    tap(qtbot, window.topics_button)
    open_topic(qtbot, kiosk, "Test topic 2")
    assert not any("not available" in text for text in visible_texts(kiosk))


# Keys ----------------------------------------------------------------------------------------


def press(qtbot: QtBot, kiosk: Several, key: Qt.Key) -> list[str]:
    start = len(kiosk.said)
    qtbot.keyClick(QApplication.focusWidget() or kiosk.window, key)
    return kiosk.said[start:]


def test_keys_reach_the_menu_and_talking_mode_reads_it(
    qtbot: QtBot, make_several: SeveralFactory
) -> None:
    kiosk = make_several(3, begun=False)
    heard = press(qtbot, kiosk, Qt.Key.Key_Down)
    assert heard[0] == "Page: Choose a topic."
    topic = "Topic: Test topic 2. Test leaflet number 2, for trying the kiosk."
    for _ in range(20):
        heard = press(qtbot, kiosk, Qt.Key.Key_Down)
        if heard == [topic]:
            break
    else:
        raise AssertionError(f"the keys never reached topic 2; heard {kiosk.said[-5:]}")
    assert isinstance(kiosk.keys.focused_item(), TopicButton)
    heard = press(qtbot, kiosk, Qt.Key.Key_Return)
    assert kiosk.visit.page == Page(None, "test-2")
    assert heard[0] == "Page: Test topic 2."
    press(qtbot, kiosk, Qt.Key.Key_Backspace)
    assert kiosk.visit.page == TOPICS, "Back from a leaflet's home: the menu"
    assert press(qtbot, kiosk, Qt.Key.Key_Backspace) == ["This is the first page."]
    # The questions page by keys: each row is counted within its own leaflet.
    kiosk.visit.go_to(Page(3, "test-2"))
    heard = []
    for _ in range(30):
        heard = press(qtbot, kiosk, Qt.Key.Key_Down)
        if heard and heard[0].startswith("Question 1 of 3"):
            break
    assert heard == ["Question 1 of 3, not ticked: Test question 1 of leaflet 2?"]


def test_listen_reads_the_menu(make_several: SeveralFactory) -> None:
    kiosk = make_several(2)
    said = [u.spoken or u.text for u in kiosk.window.current_page().script()]
    assert said[0] == "Choose a topic"
    assert said[-4:] == [
        "Test topic 1",
        "Test leaflet number 1, for trying the kiosk.",
        "Test topic 2",
        "Test leaflet number 2, for trying the kiosk.",
    ]


# The screenshot command ------------------------------------------------------------------------


def test_the_screenshot_command_renders_the_menu_of_the_leaflets_named(tmp_path: Path) -> None:
    ids = write_library(tmp_path, 3)
    out = tmp_path / "topics.png"
    command = [
        sys.executable, "-m", "kiosk", "screenshot", "--page", "topics", "--size", "1080x1920",
        "--out", str(out), "--leaflets", *(str(tmp_path / i) for i in ids),
    ]  # fmt: skip
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1080, 1920)
    # Each topic is a button in the theme's button colour, with white words on it.
    button = THEMES["standard"].palette().color(QPalette.ColorRole.Button)
    column = [image.pixelColor(image.width() // 4, y) for y in range(image.height())]
    assert sum(1 for c in column if c == button) > 200, "no topic button in the picture"
    # Without the leaflets, there is no menu to show, and the command says why.
    alone = subprocess.run(command[:10], env=env, capture_output=True, text=True, check=False)
    assert alone.returncode == 1
    assert "--leaflets" in alone.stderr

"""What a screen reader meets through a real AT-SPI bus: names, roles, actions, structure.

The kiosk runs as the program does (early welcome screen, then the full kiosk, full screen) on
a private X server and accessibility bus; a real AT-SPI client (pyatspi, Debian's) reads its
tree and does its actions, as Orca does (see harness/atspi.py).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from harness.atspi import BUTTON, CHECK_BOX, HEADING, LABEL, SCROLL_BAR, KioskOnBus, Node
from harness.leaflets import write_leaflet
from tests.ui.conftest import KioskStarter

_CONTROL_ROLES = {BUTTON, CHECK_BOX, "toggle button", SCROLL_BAR}
# A name is read aloud: words, digits and the punctuation of a sentence, never a symbol that
# is only there for the eye (•, arrows, ☑, ♪, emoji).
_SPOKEN_PUNCTUATION = set(" .,:;'’?!()-/")


@pytest.fixture
def kiosk(start_kiosk: KioskStarter) -> KioskOnBus:
    """The kiosk on its welcome screen, settled on the bus."""
    on_bus = start_kiosk()
    on_bus.tree()
    return on_bus


def _begin(kiosk: KioskOnBus) -> Node:
    """Touch the welcome screen; the home page's tree."""
    kiosk.command("touch")
    return kiosk.wait_for(lambda tree: bool(tree.find(BUTTON, "Home")), "the home page shows")


def _to_questions(kiosk: KioskOnBus) -> Node:
    _begin(kiosk)
    kiosk.do(BUTTON, "My questions: 0 ticked", "Press")
    return kiosk.wait_for(
        lambda tree: bool(tree.find(CHECK_BOX)), "the questions page shows its questions"
    )


def _symbols(name: str) -> str:
    return "".join(c for c in name if not (c.isalnum() or c in _SPOKEN_PUNCTUATION))


def _control_problems(tree: Node, where: str) -> list[str]:
    problems = []
    for node in tree.walk():
        actions = [a for a in node.actions if a != "SetFocus"]
        if node.role not in _CONTROL_ROLES and not actions:
            continue
        label = f"{where}: {node.role} {node.name!r}"
        if node.role not in _CONTROL_ROLES:
            problems.append(f"{label} has actions {actions} but is not a control")
        if not node.name.strip():
            problems.append(f"{label} has no name")
        if _symbols(node.name):
            problems.append(f"{label} is named with {_symbols(node.name)!r}")
        if "enabled" in node.states and not actions:
            problems.append(f"{label} can be used but has no action")
    return problems


def _question_names(tree: Node) -> list[str]:
    return [node.name for node in tree.find(CHECK_BOX) if node.name != "High contrast"]


def _print_list(tree: Node) -> str:
    """What the questions page says the handout will list ("" when nothing is ticked)."""
    labels = [node for node in tree.walk() if node.role == LABEL]
    heading = next(
        i for i, node in enumerate(labels) if node.name == "Your printed questions will be:"
    )
    return labels[heading + 1].name


# Names and roles ------------------------------------------------------------------------------


def test_every_control_on_every_screen_has_a_role_and_a_name_without_symbols(
    kiosk: KioskOnBus,
) -> None:
    problems = _control_problems(kiosk.tree(), "welcome")
    home = _begin(kiosk)
    problems += _control_problems(home, "home")
    kiosk.do(BUTTON, "Start reading", "Press")
    problems += _control_problems(
        kiosk.wait_for(lambda t: bool(t.find(BUTTON, "Back")), "a section shows"), "a section"
    )
    kiosk.do(BUTTON, "My questions: 0 ticked", "Press")
    questions = kiosk.wait_for(lambda t: bool(t.find(CHECK_BOX)), "the questions page shows")
    kiosk.do(CHECK_BOX, _question_names(questions)[0], "Press")
    problems += _control_problems(
        kiosk.wait_for(lambda t: bool(t.find(BUTTON, "My questions: 1 ticked")), "a tick"),
        "questions",
    )
    kiosk.command("staff")
    problems += _control_problems(
        kiosk.wait_for(lambda t: bool(t.find(BUTTON, "OK")), "the PIN pad shows"), "staff PIN"
    )
    assert not problems, "\n".join(problems)


def test_the_still_here_warning_offers_a_named_button(start_kiosk: KioskStarter) -> None:
    """Its Press answers the warning as a touch does (nothing was connected to it: only the
    touch or key that pressed it was seen by the idle watch)."""
    kiosk = start_kiosk("--idle-timeout-s", "3")
    _begin(kiosk)
    tree = kiosk.wait_for(
        lambda t: bool(t.find(BUTTON, "Yes, I'm still here")), "the still-here warning shows"
    )
    assert not _control_problems(tree, "still here")
    kiosk.do(BUTTON, "Yes, I'm still here", "Press")
    kiosk.wait_for(lambda t: not t.find(BUTTON, "Yes, I'm still here"), "the warning goes")
    assert kiosk.state()["screen"] == "LEAFLET"


# Every action does what a touch does ----------------------------------------------------------


@pytest.mark.parametrize("action", ["Toggle", "Press"])
def test_each_action_of_a_question_ticks_it_as_a_touch_does(kiosk: KioskOnBus, action: str) -> None:
    tree = _to_questions(kiosk)
    first, second = _question_names(tree)[:2]
    kiosk.do(CHECK_BOX, second, action)
    tree = kiosk.wait_for(
        lambda t: "checked" in t.one(CHECK_BOX, second).states, f"{action} ticks the row"
    )
    assert kiosk.state()["ticked"] == [2]
    assert tree.find(BUTTON, "My questions: 1 ticked")
    assert tree.find(LABEL, "Questions ticked: 1 of 5")
    assert _print_list(tree) == second

    kiosk.do(CHECK_BOX, first, action)
    tree = kiosk.wait_for(lambda t: bool(t.find(BUTTON, "My questions: 2 ticked")), "two ticks")
    assert kiosk.state()["ticked"] == [1, 2]
    assert _print_list(tree) == f"{first}\n{second}"

    kiosk.do(CHECK_BOX, second, action)
    tree = kiosk.wait_for(
        lambda t: "checked" not in t.one(CHECK_BOX, second).states, f"{action} unticks it"
    )
    assert kiosk.state()["ticked"] == [1]
    assert tree.find(LABEL, "Questions ticked: 1 of 5")
    assert _print_list(tree) == first


def test_a_tap_on_a_question_ticks_it_once(kiosk: KioskOnBus) -> None:
    tree = _to_questions(kiosk)
    name = _question_names(tree)[0]
    kiosk.command(f"tap {name}")
    tree = kiosk.wait_for(lambda t: bool(t.find(BUTTON, "My questions: 1 ticked")), "a tick")
    assert "checked" in tree.one(CHECK_BOX, name).states
    assert kiosk.state()["ticked"] == [1]
    kiosk.command(f"tap {name}")
    tree = kiosk.wait_for(lambda t: bool(t.find(BUTTON, "My questions: 0 ticked")), "no tick")
    assert "checked" not in tree.one(CHECK_BOX, name).states


@pytest.mark.parametrize("action", ["Toggle", "Press"])
def test_each_action_of_high_contrast_switches_the_theme_as_a_touch_does(
    kiosk: KioskOnBus, action: str
) -> None:
    _begin(kiosk)
    kiosk.do(CHECK_BOX, "High contrast", action)
    kiosk.wait_for(
        lambda t: "checked" in t.one(CHECK_BOX, "High contrast").states, f"{action} turns it on"
    )
    assert kiosk.state()["theme"] == "high_contrast"
    kiosk.do(CHECK_BOX, "High contrast", action)
    kiosk.wait_for(
        lambda t: "checked" not in t.one(CHECK_BOX, "High contrast").states,
        f"{action} turns it off",
    )
    assert kiosk.state()["theme"] == "standard"


def test_pressing_a_topic_and_the_bars_buttons_moves_as_a_touch_does(kiosk: KioskOnBus) -> None:
    home = _begin(kiosk)
    topic = next(n.name for n in home.find(BUTTON) if n.name.startswith("What is"))
    kiosk.do(BUTTON, topic, "Press")
    section = kiosk.wait_for(lambda t: bool(t.find(HEADING, topic)), "the topic's page shows")
    assert kiosk.state()["section"] is not None
    assert section.find(BUTTON, "Next page")
    kiosk.do(BUTTON, "Home", "Press")
    kiosk.wait_for(lambda t: bool(t.find(BUTTON, "Start reading")), "home again")
    assert kiosk.state()["section"] is None


# Structure: what a screen reader navigates by -------------------------------------------------


def test_the_window_is_a_frame_named_by_the_leaflet(kiosk: KioskOnBus) -> None:
    """Screen readers say a frame's name as the window's title when it comes up; a filler is
    only a box to them."""
    welcome = kiosk.tree()
    home = _begin(kiosk)
    title = home.find(HEADING)[0].name
    assert (welcome.role, welcome.name) == ("frame", title)
    assert (home.role, home.name) == ("frame", title)


def test_headings_are_headings_with_their_levels(kiosk: KioskOnBus) -> None:
    """Orca's H key moves from heading to heading, and 1 or 2 to the next of that level."""
    home = _begin(kiosk)
    headings = [(node.name, node.attributes.get("level")) for node in home.find(HEADING)]
    title, *parts = headings
    assert title == (home.name, "1")
    assert parts, "home shows the leaflet's parts"
    assert {level for _, level in parts} == {"2"}
    assert not {name for name, _ in parts} & {node.name for node in home.find(LABEL)}
    kiosk.do(BUTTON, "Start reading", "Press")
    section = kiosk.wait_for(lambda t: bool(t.find(BUTTON, "Back")), "a section shows")
    assert [node.attributes.get("level") for node in section.find(HEADING)] == ["1"]


def test_every_text_can_be_read_word_by_word_through_its_text_interface(
    kiosk: KioskOnBus,
) -> None:
    _begin(kiosk)
    kiosk.do(BUTTON, "Start reading", "Press")
    section = kiosk.wait_for(lambda t: bool(t.find(BUTTON, "Back")), "a section shows")
    texts = [node for node in section.walk() if node.role in (HEADING, LABEL) and node.name]
    assert texts
    unreadable = [node.name[:30] for node in texts if node.text != node.name]
    assert not unreadable, f"no Text interface with the words shown: {unreadable}"
    paragraph = max(texts, key=lambda node: len(node.name))
    words = kiosk.read(LABEL, paragraph.name, "word")
    assert "".join(word for word, _, _ in words) == paragraph.name
    # Qt gives the spaces between words as pieces of their own (QTextBoundaryFinder's words).
    spoken = [word for word, _, _ in words if word.strip()]
    assert spoken[:4] == paragraph.name.split()[:4]
    sentences = kiosk.read(LABEL, paragraph.name, "sentence")
    assert len(sentences) > 1
    assert sentences[0][0].rstrip().endswith(".")


def test_more_below_is_there_for_a_screen_reader_while_it_shows(kiosk: KioskOnBus) -> None:
    """The cue floats over the page; Qt's scroll area showed a screen reader nothing of it."""
    home = _begin(kiosk)  # taller than the screen: it shows More below
    page_text = [node for node in home.walk() if node.role in (HEADING, LABEL)]
    cue = home.one(BUTTON, "More below")
    assert cue.actions[:1] == ["Press"]
    order = list(home.walk())
    assert order.index(cue) > max(order.index(node) for node in page_text), "after the page"
    assert order.index(cue) < order.index(home.one(BUTTON, "Home")), "before the bottom bar"
    kiosk.do(BUTTON, "More below", "Press")
    kiosk.wait_for(lambda t: not t.find(BUTTON, "More below"), "the end of the page: no cue")


def test_the_page_scroll_bar_says_where_on_the_page_it_is_and_scrolls(kiosk: KioskOnBus) -> None:
    home = _begin(kiosk)
    bar = home.one(SCROLL_BAR)
    assert bar.name == "Position on the page"
    title = home.find(HEADING)[0]
    assert title.extents is not None
    kiosk.do(SCROLL_BAR, bar.name, "Increase")
    kiosk.wait_for(
        lambda t: (t.find(HEADING)[0].extents or (0, 0))[1] < title.extents[1],
        "Increase scrolls the page as a drag does",
    )


def _on_screen_in_tree_order(tree: Node) -> list[Node]:
    """The controls and texts a patient sees, in a screen reader's order: each whose middle
    is inside every box it sits in (a page's viewport clips what is scrolled out of view).
    "More below" floats over the page and the scroll bar runs beside it, so neither has a
    place among the rows; the More below test checks where the cue comes."""
    found: list[Node] = []

    def visit(node: Node, clip: tuple[int, int, int, int]) -> None:
        if node.extents is not None and node.extents[2] > 0 and node.extents[3] > 0:
            x, y, width, height = node.extents
            left, top = max(clip[0], x), max(clip[1], y)
            right = min(clip[0] + clip[2], x + width)
            bottom = min(clip[1] + clip[3], y + height)
            middle_x, middle_y = x + width // 2, y + height // 2
            inside = (
                clip[0] <= middle_x < clip[0] + clip[2] and clip[1] <= middle_y < clip[1] + clip[3]
            )
            is_item = node.role in (*_CONTROL_ROLES, HEADING, LABEL) and node.name.strip()
            if is_item and inside and node.role != SCROLL_BAR and node.name != "More below":
                found.append(node)
            clip = (left, top, max(0, right - left), max(0, bottom - top))
        for child in node.children:
            if child.showing:
                visit(child, clip)

    assert tree.extents is not None
    visit(tree, tree.extents)
    return found


def _out_of_reading_order(tree: Node, where: str) -> list[str]:
    """Pairs the tree puts in another order than the screen: top to bottom, and left to
    right along a row (two items share a row when their heights overlap)."""
    items = _on_screen_in_tree_order(tree)
    assert len(items) > 1, f"{where}: nothing to compare\n{tree.outline()}"
    problems = []
    for first, second in itertools.combinations(items, 2):
        assert first.extents is not None
        assert second.extents is not None
        x1, y1, _, h1 = first.extents
        x2, y2, _, h2 = second.extents
        above = y2 + h2 <= y1  # the later one is wholly above the earlier one
        same_row = y2 < y1 + h1 and y1 < y2 + h2
        if above or (same_row and x2 < x1):
            where_it_is = "above" if above else "to its left"
            problems.append(
                f"{where}: {first.role} {first.name[:30]!r} comes before "
                f"{second.role} {second.name[:30]!r}, which is {where_it_is}"
            )
    return problems


def test_a_screen_reader_meets_everything_in_the_order_it_is_on_screen(kiosk: KioskOnBus) -> None:
    """Top bar, page, speech bar, bottom bar; within each, top to bottom and left to right.
    (Home's top bar came after the page and the bottom bar, and its part headings before
    all its topics. The top bar scrolling with the page, on a small screen, is checked in
    tests/ui/test_accessible.py: this screen is too tall for it.)"""
    problems = _out_of_reading_order(kiosk.tree(), "welcome")
    problems += _out_of_reading_order(_begin(kiosk), "home")
    kiosk.do(BUTTON, "Start reading", "Press")
    section = kiosk.wait_for(lambda t: bool(t.find(BUTTON, "Back")), "a section shows")
    problems += _out_of_reading_order(section, "a section")
    kiosk.do(BUTTON, "Listen to this page", "Press")
    reading = kiosk.wait_for(lambda t: bool(t.find(BUTTON, "Stop")), "the speech bar shows")
    problems += _out_of_reading_order(reading, "reading aloud")
    kiosk.do(BUTTON, "Stop", "Press")
    kiosk.do(BUTTON, "My questions: 0 ticked", "Press")
    questions = kiosk.wait_for(lambda t: bool(t.find(CHECK_BOX)), "the questions page shows")
    problems += _out_of_reading_order(questions, "questions")
    kiosk.command("staff")
    problems += _out_of_reading_order(
        kiosk.wait_for(lambda t: bool(t.find(BUTTON, "OK")), "the PIN pad shows"), "staff PIN"
    )
    assert not problems, "\n".join(problems)


def test_listens_name_stays_put_while_a_page_is_read_aloud(kiosk: KioskOnBus) -> None:
    """A screen reader says a focused control's new name whenever it changes: Listen's went
    "Listen", "Listen to this page" on every change of narration, while its label changed."""
    _begin(kiosk)
    kiosk.listen("object:property-change:accessible-name")
    kiosk.do(BUTTON, "Listen to this page", "Press")
    kiosk.wait_for(lambda t: bool(t.find(BUTTON, "Pause")), "the page is read aloud")
    kiosk.do(BUTTON, "Pause", "Press")
    kiosk.wait_for(lambda t: bool(t.find(BUTTON, "Resume")), "paused")
    kiosk.do(BUTTON, "Resume", "Press")
    kiosk.wait_for(lambda t: bool(t.find(BUTTON, "Pause")), "reading again")
    kiosk.do(BUTTON, "Stop", "Press")
    tree = kiosk.wait_for(lambda t: not t.find(BUTTON, "Stop"), "the reading stops")
    renamed = [(e["name"], e["value"]) for e in kiosk.heard() if e["role"] == BUTTON]
    assert "Resume" in {value for _, value in renamed}, f"name changes are heard: {renamed}"
    assert [change for change in renamed if "Listen" in f"{change}"] == [], "Listen kept its name"
    assert tree.one(BUTTON, "Listen to this page")


def test_a_screen_reader_meets_the_topic_menu_as_any_page(
    start_kiosk: KioskStarter, tmp_path: Path
) -> None:
    """A kiosk of several leaflets: each topic is a push button named by its title, its
    summary as the description, pressed by the screen reader's action to the leaflet's home,
    where Topics leads back."""
    folders = [str(write_leaflet(tmp_path / "leaflets", n, ("en",))) for n in (1, 2, 3)]
    kiosk = start_kiosk("--leaflets", *folders)
    kiosk.tree()
    kiosk.command("touch")
    tree = kiosk.wait_for(
        lambda tree: bool(tree.find(BUTTON, "Test topic 2")), "the topic menu shows"
    )
    assert tree.find(HEADING, "Choose a topic")
    topics = [n for n in tree.walk() if n.role == BUTTON and n.name.startswith("Test topic")]
    assert [n.name for n in topics] == ["Test topic 1", "Test topic 2", "Test topic 3"]
    assert topics[1].description == "Test leaflet number 2, for trying the kiosk."
    assert "Press" in topics[1].actions
    assert not _control_problems(tree, "the topic menu")
    kiosk.do(BUTTON, "Test topic 2", "Press")
    home = kiosk.wait_for(
        lambda tree: bool(tree.find(BUTTON, "Topics")), "the leaflet's home shows"
    )
    assert home.find(HEADING, "Test topic 2")
    kiosk.do(BUTTON, "Topics", "Press")
    kiosk.wait_for(lambda tree: bool(tree.find(BUTTON, "Test topic 3")), "back on the menu")

"""What a screen reader is told, through a real AT-SPI bus and client: the focus moves to
what changed, and the kiosk's own voice keeps quiet while a screen reader speaks."""

from __future__ import annotations

from harness.atspi import BUTTON, CHECK_BOX, AtspiBus, Node
from harness.cups import Q_UNREACHABLE, CupsServer
from tests.ui.conftest import KioskStarter


def test_a_touch_start_and_each_page_change_put_the_focus_on_the_new_page_s_heading(
    start_kiosk: KioskStarter,
) -> None:
    kiosk = start_kiosk()
    kiosk.tree()
    kiosk.listen("focus:")
    kiosk.command("touch")
    home = kiosk.wait_for(lambda t: bool(t.find(BUTTON, "Start reading")), "the home page shows")
    title = home.find(name="Vertebroplasty for Spine Fracture Pain")
    assert title, home.outline()
    # A holder of pages is no stop for a screen reader ("layered pane" before each heading).
    assert not home.find(role="layered pane"), home.outline()
    kiosk.wait_for(
        lambda t: (t.focused() or t).name == "Vertebroplasty for Spine Fracture Pain",
        "the focus on the home page's title",
    )
    kiosk.do(BUTTON, "Start reading", "Press")
    kiosk.wait_for(
        lambda t: (t.focused() or t).name == "Introduction" or bool(t.find(BUTTON, "Back")),
        "the first section shows",
    )
    section = kiosk.wait_for(
        lambda t: t.focused() is not None and t.focused().role in ("heading", "label"),
        "the focus on the section's heading",
    )
    focused = section.focused()
    assert focused is not None
    assert focused.name, "the focus is on the heading, with its words"
    # Every object the focus passed through on the way said what it was: no unnamed filler.
    names = [event["name"] for event in kiosk.heard() if event["type"].startswith("focus")]
    assert names, "the screen reader was told of the focus"
    assert all(names), f"the focus passed through something unnamed: {names}"
    assert names[-1] == focused.name


def test_with_a_screen_reader_talking_mode_leaves_the_interface_to_it_and_listen_reads(
    start_kiosk: KioskStarter,
    atspi_bus: AtspiBus,
) -> None:
    on_bus = start_kiosk()
    on_bus.tree()
    on_bus.command("key Down")  # a key starts the visit, in talking mode
    on_bus.wait_for(lambda t: bool(t.find(BUTTON, "Start reading")), "the home page shows")
    said = on_bus.state()["said"]
    assert said, "without a screen reader, the kiosk's voice says where the keys are"

    atspi_bus.set_screen_reader(True)
    try:
        on_bus.command("key Down")
        on_bus.command("key Down")
        state = on_bus.state()
        assert state["said"] == said, "with a screen reader running, the kiosk says nothing"
        on_bus.do(BUTTON, "Listen to this page", "Press")
        on_bus.wait_for(lambda _t: on_bus.state()["speaking"], "Listen reads the page aloud")
    finally:
        atspi_bus.set_screen_reader(False)
    on_bus.command("key Down")
    assert len(on_bus.state()["said"]) > len(said), "the kiosk speaks again once it stops"


def _ancestors_of_focus(tree: Node) -> list[Node]:
    """The nodes from the window down to the focused one."""

    def path(node: Node) -> list[Node] | None:
        if "focused" in node.states:
            return [node]
        for child in node.children:
            found = path(child)
            if found is not None:
                return [node, *found]
        return None

    return path(tree) or []


def test_the_still_here_warning_is_an_alert_that_takes_the_focus_and_says_everything(
    start_kiosk: KioskStarter,
) -> None:
    """What Orca 43 speaks when the focus moves into an alert: "alert", its name, every text
    in it, then the focused button. So the question, the seconds left and what happens at
    zero are all heard."""
    on_bus = start_kiosk("--idle-timeout-s", "1")
    on_bus.tree()
    on_bus.command("touch")
    tree = on_bus.wait_for(
        lambda t: (t.focused() or t).name == "Yes, I'm still here", "the warning has the focus"
    )
    alert = next(node for node in _ancestors_of_focus(tree) if node.role == "alert")
    assert alert.name == "Are you still here?"
    texts = " ".join(node.name for node in alert.walk() if node.role in ("label", "heading"))
    assert "within" in texts
    assert "seconds" in texts
    assert "clear your choices for the next patient" in texts


def test_the_print_result_is_a_notification_a_screen_reader_speaks_where_the_focus_is(
    start_kiosk: KioskStarter,
    printers: CupsServer,
) -> None:
    """Orca 43 speaks a notification each time it shows, not when its words change: first
    "Printing your questions…", then, when the switched-off printer is given up on, the
    failure."""
    printers.add_unreachable_queue(Q_UNREACHABLE)
    on_bus = start_kiosk("--printer", Q_UNREACHABLE, "--print-timeout-s", "2")
    on_bus.tree()
    on_bus.command("touch")
    on_bus.wait_for(lambda t: bool(t.find(BUTTON, "My questions: 0 ticked")), "home shows")
    on_bus.do(BUTTON, "My questions: 0 ticked", "Press")
    tree = on_bus.wait_for(lambda t: bool(t.find(CHECK_BOX)), "the questions page shows")
    first = next(n.name for n in tree.find(CHECK_BOX) if n.name != "High contrast")
    on_bus.do(CHECK_BOX, first, "Press")
    on_bus.wait_for(lambda t: bool(t.find(BUTTON, "My questions: 1 ticked")), "a tick")
    before = on_bus.tree().focused()
    on_bus.listen("object:state-changed:showing")
    on_bus.do(BUTTON, "Print my questions", "Press")
    tree = on_bus.wait_for(
        lambda t: any(n.name.startswith("The printer is not working") for n in t.walk()),
        "the print result shows",
    )
    shown = [
        event["name"]
        for event in on_bus.heard()
        if event["role"] == "notification" and event["detail1"] == 1
    ]
    assert shown[0] == "Printing your questions…"
    assert shown[-1].startswith("The printer is not working"), shown
    after = tree.focused()
    assert before is not None
    assert after is not None
    assert after.name == before.name, "heard wherever the focus is, which stays put"


def test_moving_by_keys_fires_focus_events_in_reading_order(
    start_kiosk: KioskStarter,
) -> None:
    """What a screen reader hears as the keys move: each item once, top bar, page, bottom bar,
    the order of the tree it reads."""
    on_bus = start_kiosk()
    on_bus.tree()
    on_bus.command("key Down")  # the visit starts on the page's first text
    home = on_bus.wait_for(lambda t: bool(t.find(BUTTON, "Start reading")), "home shows")
    on_bus.listen("focus:")
    presses = 12
    for _ in range(presses):
        on_bus.command("key Down")
    on_bus.wait_for(lambda _t: True, "the kiosk has settled")
    heard = [e["name"] for e in on_bus.heard() if e["type"].startswith("focus")]
    assert len(heard) == presses, heard
    assert all(heard), f"an unnamed stop: {heard}"
    # The same names in the order the tree holds them, after the title the visit began on.
    order = [n.name for n in home.walk() if n.name in heard]
    start = order.index(heard[0])
    assert heard == order[start : start + presses]


def test_the_keys_help_is_an_alert_a_screen_reader_reads_whole(
    start_kiosk: KioskStarter,
) -> None:
    on_bus = start_kiosk()
    on_bus.tree()
    on_bus.command("key Down")
    on_bus.wait_for(lambda t: bool(t.find(BUTTON, "Start reading")), "home shows")
    on_bus.command("key F1")
    tree = on_bus.wait_for(
        lambda t: (t.focused() or t).name == "Close help", "the help has the focus"
    )
    alert = next(node for node in _ancestors_of_focus(tree) if node.role == "alert")
    assert alert.name == "Using the keys"
    texts = " ".join(node.name for node in alert.walk() if node.role in ("label", "heading"))
    assert "Press F1 or Help to hear this again." in texts

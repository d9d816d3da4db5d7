"""What a screen reader is told, through a real AT-SPI bus and client: the focus moves to
what changed, and the kiosk's own voice keeps quiet while a screen reader speaks."""

from __future__ import annotations

from tests.atspi import AtspiBus, KioskOnBus
from tests.ui.test_atspi import (  # noqa: F401 - the fixtures, shared with the tree's tests
    BUTTON,
    KioskStarter,
    atspi_bus,
    kiosk,
    start_kiosk,
)


def test_a_touch_start_and_each_page_change_put_the_focus_on_the_new_page_s_heading(
    kiosk: KioskOnBus,  # noqa: F811
) -> None:
    kiosk.listen("focus:")
    kiosk.command("touch")
    home = kiosk.wait_for(lambda t: bool(t.find(BUTTON, "Start reading")), "the home page shows")
    title = home.find(name="Vertebroplasty for Spine Fracture Pain")
    assert title, home.outline()
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
    start_kiosk: KioskStarter,  # noqa: F811
    atspi_bus: AtspiBus,  # noqa: F811
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

"""Fixtures for UI tests: a real kiosk window on a given screen, a patient's finger, and the
kiosk on a real accessibility bus."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from pytestqt.qtbot import QtBot

from harness.atspi import AtspiBus, KioskOnBus, missing_packages, private_atspi
from harness.audio import PulseServer
from kiosk.app import Kiosk, Runner, build
from kiosk.config import Config, ScreenSpec
from kiosk.narration.narrator import Narrator
from kiosk.ui.early import ShownEarly
from kiosk.ui.metrics import TextRole
from kiosk.ui.scrolling import ScrollPage
from kiosk.ui.text import TextView

LANDSCAPE = ScreenSpec(1920, 1080, 21.5)
PORTRAIT = ScreenSpec(1080, 1920, 21.5)
TABLET = ScreenSpec(1280, 800, 10.1)
SCREENS = {"landscape": LANDSCAPE, "portrait": PORTRAIT, "tablet": TABLET}

KioskFactory = Callable[..., Kiosk]


@pytest.fixture
def make_kiosk(qtbot: QtBot) -> Iterator[KioskFactory]:
    """Build a kiosk on the built-in defaults, shown on a screen of the given size, with a
    visit under way (the welcome screen has been touched)."""
    built: list[Kiosk] = []

    def make(
        screen: ScreenSpec = LANDSCAPE, config: Config | None = None, narration: bool = False
    ) -> Kiosk:
        # Narration needs the private audio server (the ``pulse`` fixture) set up first.
        kiosk = build(config or Config(), screen=screen, narration=narration)
        qtbot.addWidget(kiosk.window)
        kiosk.window.resize(screen.width_px, screen.height_px)
        kiosk.window.show()
        qtbot.waitExposed(kiosk.window)
        # Past the welcome screen, as if a patient had touched it. After the wait above, so
        # that a test's short idle times count from here, not from a slow start.
        kiosk.visit.begin()
        built.append(kiosk)
        return kiosk

    yield make
    for kiosk in built:
        kiosk.close()


@pytest.fixture
def kiosk(make_kiosk: KioskFactory) -> Kiosk:
    return make_kiosk(LANDSCAPE)


@pytest.fixture
def runners(qtbot: QtBot) -> Iterator[list[Runner]]:  # noqa: ARG001 - Qt's application
    """Runners (the kiosk's start, as ``kiosk.app.run`` makes it) made by a test, closed at its
    end."""
    made: list[Runner] = []
    yield made
    for runner in made:
        runner.close()
        if runner.kiosk is not None:
            runner.kiosk.window.close_for_good()
            runner.kiosk.window.deleteLater()
        if runner.out_of_order is not None:
            runner.out_of_order.deleteLater()


def start_runner(runners: list[Runner], config: Config, early: ShownEarly | None) -> Runner:
    """Start the kiosk windowed, as from the welcome screen ``early`` shown first."""
    runner = Runner(config, windowed=True, problems=[])
    runners.append(runner)
    runner.start(early)
    return runner


# The welcome screens a hand-over test compares: landscape, and portrait at 150 % in high
# contrast (text wrapped, another palette).
WELCOME_SCREENS = pytest.mark.parametrize(
    "config",
    [
        Config(screen=LANDSCAPE),
        Config(screen=PORTRAIT, text_size_percent=150, theme="high_contrast"),
    ],
    ids=["landscape", "portrait-150-high-contrast"],
)


def picture(widget: QWidget) -> QImage:
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


# How far a colour channel may differ and no one see it. With a language button on the
# welcome screen, the edges of the titles' letters come out up to 24 levels apart (of 255)
# in the kiosk's window, at 150 % in portrait, from the same font, size and place: the
# anti-aliasing of a glyph drawn a fraction of a pixel apart (measured). A moved, changed or
# missing word differs by far more (well over 100).
UNSEEN = 32


def largest_difference(one: QImage, other: QImage) -> int:
    """The largest difference of any colour channel of any pixel, 0 to 255."""
    return max(
        (abs(a - b) for a, b in zip(bytes(one.constBits()), bytes(other.constBits()), strict=True)),
        default=0,
    )


def post_touch(widget: QWidget, at: QPointF | None = None) -> None:
    """A touch at ``at`` (the middle by default) that arrives while the kiosk is being built:
    queued, not yet delivered."""
    if at is None:
        at = QPointF(widget.width() / 2, widget.height() / 2)
    screen_at = QPointF(widget.mapToGlobal(at))
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    no_modifier = Qt.KeyboardModifier.NoModifier
    for kind, buttons in (
        (QEvent.Type.MouseButtonPress, left),
        (QEvent.Type.MouseButtonRelease, none),
    ):
        target = widget.childAt(at.toPoint()) or widget
        local = QPointF(target.mapFrom(widget, at.toPoint()))
        QApplication.postEvent(
            target, QMouseEvent(kind, local, screen_at, left, buttons, no_modifier)
        )


def tap(qtbot: QtBot, button: QAbstractButton) -> None:
    """Touch a control the way a patient does: scroll it into view, then tap its middle."""
    assert button.isVisible(), f"{button.text()!r} is not on screen"
    page = _scroll_page_of(button)
    if page is not None:
        page.ensureWidgetVisible(button, 0, 0)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())


def tap_at(qtbot: QtBot, widget: QWidget, point: QPoint) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=point)


def drag(qtbot: QtBot, widget: QWidget, start: QPoint, end: QPoint, steps: int = 20) -> None:
    """Drag a finger from ``start`` to ``end`` in steps, as a patient scrolls the text."""
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, steps + 1):
        point = start + (end - start) * step / steps
        qtbot.mouseMove(widget, point)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)


def _scroll_page_of(widget: QWidget) -> ScrollPage | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, ScrollPage):
        parent = parent.parentWidget()
    return parent


def page_heading(kiosk: Kiosk) -> str:
    """The big heading (or title) the patient sees at the top of the current page."""
    page = kiosk.window.current_page()
    for view in page.findChildren(TextView):
        if view.role() in (TextRole.HEADING, TextRole.TITLE) and view.isVisible():
            return view.text()
    raise AssertionError("the page shows no heading")


def button_labelled(root: QWidget, label: str) -> QAbstractButton:
    """The one visible button whose label is ``label`` (or starts with it)."""
    found = [
        b
        for b in root.findChildren(QAbstractButton)
        if b.isVisibleTo(root) and (b.text() == label or b.text().startswith(label))
    ]
    assert len(found) == 1, f"expected one button {label!r}, found {[b.text() for b in found]}"
    return found[0]


def voiced_from_now(narrator: Narrator) -> list[str]:
    """The sentences whose sound starts from now on, as the voice says them."""
    voiced: list[str] = []

    def on_sentence_started(index: int) -> None:
        utterance = narrator.utterance(index)
        if utterance is not None:
            voiced.append(utterance.spoken or utterance.text)

    narrator.sentence_started.connect(on_sentence_started)
    return voiced


# A real AT-SPI bus, and the kiosk on it as a child process ---------------------------------

KioskStarter = Callable[..., KioskOnBus]


@pytest.fixture(scope="session")
def atspi_bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AtspiBus]:
    """A private X server, session bus and accessibility bus, started once for the session."""
    missing = missing_packages()
    if missing:
        pytest.fail(
            f"the AT-SPI tests need a real accessibility bus and client, but {', '.join(missing)} "
            "is not installed: apt-get install at-spi2-core python3-pyatspi dbus xvfb "
            "(./dev.sh test does)",
            pytrace=False,
        )
    with private_atspi(tmp_path_factory.mktemp("atspi")) as bus:
        yield bus


@pytest.fixture
def start_kiosk(
    atspi_bus: AtspiBus,
    pulse: PulseServer,  # noqa: ARG001 - the kiosk reads aloud, as in the clinic
    tmp_path: Path,
) -> Iterator[KioskStarter]:
    """Start the kiosk on the bus (``harness/atspi_kiosk.py`` arguments), stopped after the test."""
    started: list[KioskOnBus] = []

    def start(*arguments: str) -> KioskOnBus:
        kiosk = KioskOnBus(atspi_bus, tmp_path, *arguments)
        started.append(kiosk)
        return kiosk

    yield start
    for kiosk in started:
        kiosk.close()

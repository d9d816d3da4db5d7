"""The welcome screen's picture, kept for the next start (kiosk/ui/snapshot.py).

The patient must see the kiosk's own welcome screen, as it is now: never an old picture of
it, and never a different one at the hand-over; a touch or key given to the picture must not
be lost; a broken file must cost nothing but the long way.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QImage, QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from harness.xvfb import private_xvfb
from kiosk.app import Runner
from kiosk.config import Config, resources_dir
from kiosk.kept_welcome import KeptPicture, read_kept, snapshot_file
from kiosk.ui.early import KeepPicture, show_welcome_early
from kiosk.ui.snapshot import SnapshotWelcome, show_snapshot
from kiosk.ui.window import Screen
from tests.ui.conftest import (
    LANDSCAPE,
    UNSEEN,
    WELCOME_SCREENS,
    largest_difference,
    picture,
    post_touch,
    start_runner,
)

pytestmark = pytest.mark.usefixtures("pulse")  # the runner's kiosk reads aloud

REPO = Path(__file__).resolve().parents[2]
ARGV = ["--windowed", "--config", "kiosk.toml"]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The kiosk's cache folder, the test's own; the picture's file in it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return Path(snapshot_file())


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A copy of the shipped leaflet, to change."""
    folder = tmp_path / "pack"
    shutil.copytree(resources_dir() / "leaflets/vertebroplasty", folder)
    return folder


def _kept(config: Config, config_file: Path) -> None:
    """Start the long way, once: draw the welcome screen and keep its picture."""
    early = show_welcome_early(config, windowed=True, keep=KeepPicture(ARGV, [config_file]))
    assert early is not None
    early.hand_over()


def _shown(cache: Path) -> SnapshotWelcome:
    picture = read_kept(str(cache), ARGV)
    welcome, why = show_snapshot(picture)
    assert welcome is not None, why
    assert welcome.screen.isVisible()
    return welcome


@WELCOME_SCREENS
def test_the_next_start_shows_the_kept_picture_and_the_kiosk_takes_over_unchanged(
    runners: list[Runner], cache: Path, tmp_path: Path, config: Config
) -> None:
    _kept(config, tmp_path / "kiosk.toml")
    assert cache.is_file()
    assert cache.stat().st_mode & 0o077 == 0, "the kiosk's user's alone"
    welcome = _shown(cache)
    before = picture(welcome.screen)
    size = (config.screen.width_px, config.screen.height_px)
    assert (before.width(), before.height()) == size
    assert welcome.screen.accessibleName() == "Vertebroplasty for Spine Fracture Pain"
    assert (
        welcome.screen.accessibleDescription() == "Touch the screen to learn about vertebroplasty"
    )
    runner = start_runner(runners, config, welcome)
    kiosk = runner.kiosk
    assert kiosk is not None
    assert kiosk.window.showing() is Screen.WELCOME
    assert not kiosk.visit.under_way
    assert largest_difference(picture(kiosk.window), before) <= UNSEEN
    assert not welcome.screen.isVisible()
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [kiosk.window]


def test_a_touch_on_the_picture_begins_the_visit(
    runners: list[Runner], cache: Path, tmp_path: Path
) -> None:
    config = Config(screen=LANDSCAPE)
    _kept(config, tmp_path / "kiosk.toml")
    welcome = _shown(cache)
    post_touch(welcome.screen)
    kiosk = start_runner(runners, config, welcome).kiosk
    assert kiosk is not None
    assert kiosk.visit.under_way
    assert kiosk.window.showing() is Screen.LEAFLET
    assert kiosk.visit.language == "en"
    assert not kiosk.announcer.talking


def test_a_touch_on_a_language_button_of_the_picture_begins_the_visit_in_that_language(
    runners: list[Runner], cache: Path, tmp_path: Path
) -> None:
    config = Config(screen=LANDSCAPE)
    _kept(config, tmp_path / "kiosk.toml")
    welcome = _shown(cache)
    boxes = dict(read_kept(str(cache), ARGV).languages)
    assert list(boxes) == ["es"], "the Español button, where the welcome screen has it"
    x, y, width, height = boxes["es"]
    post_touch(welcome.screen, QPointF(x + width / 2, y + height / 2))
    kiosk = start_runner(runners, config, welcome).kiosk
    assert kiosk is not None
    assert kiosk.visit.under_way
    assert kiosk.visit.language == "es"


def test_a_key_on_the_picture_begins_the_visit_in_talking_mode(
    runners: list[Runner], cache: Path, tmp_path: Path
) -> None:
    config = Config(screen=LANDSCAPE)
    _kept(config, tmp_path / "kiosk.toml")
    welcome = _shown(cache)
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(kind, Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier)
        QApplication.postEvent(welcome.screen, event)
    kiosk = start_runner(runners, config, welcome).kiosk
    assert kiosk is not None
    assert kiosk.visit.under_way
    assert kiosk.announcer.talking


def test_a_changed_leaflet_configuration_command_line_or_setting_is_never_shown_old(
    qtbot: QtBot,  # noqa: ARG001 - Qt's application
    cache: Path,
    pack: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config_file = tmp_path / "kiosk.toml"
    config = replace(Config(screen=LANDSCAPE), content_pack=pack)
    _kept(config, config_file)
    assert isinstance(read_kept(str(cache), ARGV), KeptPicture), "true as kept"

    leaflet = pack / "en.md"
    text = leaflet.read_text(encoding="utf-8")
    leaflet.write_text(text.replace("Spine Fracture Pain", "Spine Fracture"), encoding="utf-8")
    with pytest.raises(ValueError, match=f"{leaflet} changed"):
        read_kept(str(cache), ARGV)

    _kept(config, config_file)
    config_file.write_text('language = "es"\n', encoding="utf-8")  # written since: not absent
    with pytest.raises(ValueError, match=f"{config_file} changed"):
        read_kept(str(cache), ARGV)

    _kept(config, config_file)
    (pack / "fr.md").write_text(text, encoding="utf-8")  # a language more to offer
    with pytest.raises(ValueError, match=f"{pack} changed"):
        read_kept(str(cache), ARGV)

    _kept(config, config_file)
    with pytest.raises(ValueError, match="command line"):
        read_kept(str(cache), ["--config", "other.toml"])
    monkeypatch.setenv("QT_SCALE_FACTOR", "1.5")
    with pytest.raises(ValueError, match="environment"):
        read_kept(str(cache), ARGV)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[:100], id="cut-in-its-header"),
        pytest.param(lambda data: data[:-1], id="a-pixel-short"),
        pytest.param(lambda data: data + b"x", id="a-byte-long"),
        pytest.param(lambda _: b"\x00\xff" * 5000, id="not-ours"),
        pytest.param(
            lambda data: data.replace(b"image\t1920\t1080", b"image\t99999\t1080", 1),
            id="an-impossible-size",
        ),
        pytest.param(lambda data: data.replace(b"\n\n", b"\nextra\n\n", 1), id="a-strange-line"),
    ],
)
def test_a_broken_picture_file_is_refused_and_the_start_goes_the_long_way(
    qtbot: QtBot,  # noqa: ARG001 - Qt's application
    cache: Path,
    tmp_path: Path,
    damage: object,
) -> None:
    config = Config(screen=LANDSCAPE)
    _kept(config, tmp_path / "kiosk.toml")
    assert callable(damage)
    cache.write_bytes(damage(cache.read_bytes()))
    with pytest.raises(ValueError, match=r"welcome snapshot|picture|line"):
        read_kept(str(cache), ARGV)
    half_written = cache.with_name(f"{cache.name}.4242.tmp")  # a kiosk killed as it wrote
    half_written.write_bytes(b"clinic-kiosk welcome snapshot 1\n")
    _kept(config, tmp_path / "kiosk.toml")  # the long way keeps a good one again
    assert isinstance(read_kept(str(cache), ARGV), KeptPicture)
    assert sorted(path.name for path in cache.parent.iterdir()) == [cache.name]


def test_a_picture_of_another_screen_size_is_not_shown(
    qtbot: QtBot,  # noqa: ARG001 - Qt's application
    cache: Path,
    tmp_path: Path,
) -> None:
    """Kept of a windowed kiosk of 1920x1080, it is of no use to a full-screen one: the
    picture is shown full screen only if the screen is of its size."""
    _kept(Config(screen=LANDSCAPE), tmp_path / "kiosk.toml")
    picture = read_kept(str(cache), ARGV)
    picture.windowed = False
    screen = QApplication.primaryScreen()
    assert screen is not None
    assert screen.geometry().size().toTuple() != (1920, 1080), "the offscreen screen"
    welcome, why = show_snapshot(picture)
    assert welcome is None
    assert "another screen" in why
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_the_application_made_for_the_picture_gets_the_kiosks_style_once_it_is_shown(
    qtbot: QtBot,  # noqa: ARG001 - Qt's application
    cache: Path,
    tmp_path: Path,
) -> None:
    """In a process of its own, as at a start: the application made bare for the picture is
    given the kiosk's name and style after the first frame, so the kiosk's window then drawn
    is the picture's."""
    _kept(Config(screen=LANDSCAPE), tmp_path / "kiosk.toml")
    probe = (
        "import logging, os\n"
        "from kiosk.kept_welcome import read_kept\n"
        "from kiosk.ui.snapshot import show_snapshot\n"
        "from PySide6.QtCore import qWarning\n"
        "from PySide6.QtWidgets import QApplication\n"
        "logging.basicConfig(format='%(name)s: %(message)s')\n"
        "as_kept = {k: v for k, v in os.environ.items() if k != 'QT_STYLE_OVERRIDE'}\n"
        f"welcome, why = show_snapshot(read_kept({str(cache)!r}, {ARGV!r}, as_kept))\n"
        "assert welcome is not None, why\n"
        "print(QApplication.style().name(), QApplication.applicationName())\n"
        "qWarning('a word from Qt')\n"
    )
    # A style Qt would otherwise take, to tell the kiosk's from it.
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_STYLE_OVERRIDE": "windows"}
    ran = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert ran.stdout.split() == ["fusion", "clinic-kiosk"]
    assert "kiosk.qt: a word from Qt" in ran.stderr, "Qt's messages go to the kiosk's log"


def test_the_program_keeps_the_picture_it_showed_on_a_real_screen_and_shows_it_next_time(
    tmp_path: Path,
) -> None:
    """The real program, full screen on a real X server, started twice: the first start
    draws its welcome screen and keeps its picture, which is the welcome screen as the kiosk
    renders it; the second start shows that picture."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    env.pop("QT_QPA_PLATFORM")
    env.pop("PULSE_SERVER", None)
    with private_xvfb() as display:
        env["DISPLAY"] = display.name
        for _ in range(2):
            _start_until_ready(env, tmp_path / "notify")
    log = (tmp_path / "state/clinic-kiosk/logs/kiosk.log").read_text(encoding="utf-8")
    first, second = log.split("kiosk 0.1.0 starting")[1:]
    assert "the welcome screen is drawn: no picture of it to show (none kept yet" in first
    assert "the welcome screen's picture is kept for the next start" in first
    assert "the welcome screen is shown from its picture kept at the last start" in second
    assert "kept for the next start" not in second, "a true picture is not written again"
    kept_file = tmp_path / "cache/clinic-kiosk/welcome-snapshot"
    assert not list(kept_file.parent.glob("*.tmp"))

    picture = read_kept(str(kept_file), [], env)
    kept = QImage(picture.pixels, picture.width, picture.height, QImage.Format.Format_RGB32)
    rendered = tmp_path / "welcome.png"
    screenshot = [sys.executable, "-m", "kiosk", "screenshot", "--page", "welcome"]
    env["QT_QPA_PLATFORM"] = "offscreen"
    subprocess.run(
        [*screenshot, "--size", "1920x1080", "--out", str(rendered)], env=env, check=True
    )
    expected = QImage(str(rendered)).convertToFormat(QImage.Format.Format_RGB32)
    assert (kept.width(), kept.height()) == (1920, 1080), "the whole screen"
    assert largest_difference(kept, expected) <= UNSEEN


def _start_until_ready(env: dict[str, str], notify_path: Path) -> None:
    """Start ``python -m kiosk``, wait for its READY=1 (its window shown, taken over from the
    welcome screen shown first), and stop it as systemd would."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(str(notify_path))
        notify.settimeout(60)
        try:
            with subprocess.Popen(
                [sys.executable, "-m", "kiosk"], env={**env, "NOTIFY_SOCKET": str(notify_path)}
            ) as kiosk:
                try:
                    assert notify.recv(4096) == b"READY=1"
                finally:
                    kiosk.send_signal(signal.SIGTERM)
                assert kiosk.wait(timeout=30) == 0
        finally:
            notify_path.unlink()

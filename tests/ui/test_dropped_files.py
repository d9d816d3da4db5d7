"""Configuration and leaflet files that the clinic's tools drop in place while the kiosk runs:
taken up between visits, never in the middle of one, and only when they pass the checks."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from harness.audio import PulseServer
from harness.leaflets import write_leaflet
from kiosk.app import Runner
from kiosk.config import Config, resources_dir
from kiosk.session import Page
from kiosk.staff.pin import hash_pin
from tests.ui.conftest import LANDSCAPE

PIN = "2468"
SETTINGS = f"""\
staff_pin_hash = "{hash_pin(PIN)}"
clinic_name = "Riverside Spine Clinic"
[screen]
width_px = {LANDSCAPE.width_px}
height_px = {LANDSCAPE.height_px}
"""


def settings(pack: Path, more: str = "") -> str:
    """A configuration file's text: the leaflet folder, ``more`` keys, then the rest."""
    return f'content_pack = "{pack}"\n{more}{SETTINGS}'


def drop(path: Path, text: str) -> None:
    """Write ``path`` as a configuration tool does: a new file renamed over the old one."""
    new = path.with_name(f".{path.name}.new")
    new.write_text(text, encoding="utf-8")
    os.replace(new, path)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """A configuration file and the leaflet folder it names, copied from the shipped one."""
    pack = tmp_path / "leaflets" / "vertebroplasty"
    shutil.copytree(resources_dir() / "leaflets/vertebroplasty", pack)
    config = tmp_path / "kiosk.toml"
    config.write_text(settings(pack), encoding="utf-8")
    return config, pack


@pytest.fixture
def runner(
    qtbot: QtBot,
    files: tuple[Path, Path],
    pulse: PulseServer,  # noqa: ARG001 - the runner's kiosk reads aloud
) -> Iterator[Runner]:
    config_path, pack = files
    config = Config(content_pack=pack, staff_pin_hash=hash_pin(PIN), screen=LANDSCAPE)
    runner = Runner(config, windowed=True, problems=[], config_path=config_path)
    runner.start()
    try:
        yield runner
    finally:
        runner.close()
        if runner.kiosk is not None:
            qtbot.addWidget(runner.kiosk.window)


def retitled(title: str) -> str:
    """The shipped English leaflet under another title."""
    source = (resources_dir() / "leaflets/vertebroplasty/en.md").read_text(encoding="utf-8")
    return source.replace('title = "Vertebroplasty for Spine Fracture Pain"', f'title = "{title}"')


def test_a_changed_leaflet_waits_for_the_visits_end(
    qtbot: QtBot, runner: Runner, files: tuple[Path, Path]
) -> None:
    _, pack = files
    old = runner.kiosk
    assert old is not None
    old.visit.begin()
    old.visit.go_to(Page(2))
    drop(pack / "en.md", retitled("Revised leaflet"))
    assert not runner.check_files(), "not in the middle of a visit"
    assert runner.kiosk is old
    assert old.window.isVisible()
    assert old.visit.page == Page(2), "the patient stays where they were"
    assert old.leaflet.title == "Vertebroplasty for Spine Fracture Pain"
    old.visit.reset()  # the visit ends
    assert runner.check_files()
    fresh = runner.kiosk
    assert fresh is not None
    assert fresh is not old
    qtbot.addWidget(fresh.window)
    assert fresh.leaflet.title == "Revised leaflet"
    assert fresh.window.isVisible()
    assert not old.window.isVisible()
    assert not runner.check_files(), "nothing changed since"


def test_a_broken_leaflet_never_replaces_the_working_one_and_staff_are_told(
    qtbot: QtBot, runner: Runner, files: tuple[Path, Path]
) -> None:
    _, pack = files
    old = runner.kiosk
    assert old is not None
    good = (pack / "en.md").read_text(encoding="utf-8")
    drop(pack / "en.md", good.replace("+++\n", "+++\n[broken\n", 1))
    assert not runner.check_files()
    assert runner.kiosk is old
    assert old.leaflet.title == "Vertebroplasty for Spine Fracture Pain"
    old.staff.open_panel()
    shown = old.window.staff_panel.config_view.text()
    assert f"{pack} changed but was not taken up: " in shown
    assert "en.md, line" in shown
    old.staff.leave()
    assert not runner.check_files(), "the same broken file is not tried again and again"
    drop(pack / "en.md", retitled("Corrected leaflet"))
    assert runner.check_files()
    fresh = runner.kiosk
    assert fresh is not None
    qtbot.addWidget(fresh.window)
    assert fresh.leaflet.title == "Corrected leaflet"
    fresh.staff.open_panel()
    assert "not taken up" not in fresh.window.staff_panel.config_view.text()


def test_a_changed_configuration_is_taken_up_and_a_broken_one_refused(
    qtbot: QtBot, runner: Runner, files: tuple[Path, Path]
) -> None:
    config_path, pack = files
    old = runner.kiosk
    assert old is not None
    drop(config_path, settings(pack, "text_size_percent = 150\n"))
    assert runner.check_files()
    fresh = runner.kiosk
    assert fresh is not None
    qtbot.addWidget(fresh.window)
    assert fresh.visit.text_size_percent == 150
    assert runner.config.clinic_name == "Riverside Spine Clinic"
    # A value out of range would fall back to its default at start-up; here the kiosk keeps
    # the whole file it had instead.
    drop(config_path, settings(pack, "text_size_percent = 900\n"))
    assert not runner.check_files()
    assert runner.kiosk is fresh
    assert runner.config.text_size_percent == 150
    fresh.staff.open_panel()
    shown = fresh.window.staff_panel.config_view.text()
    assert f"{config_path} changed but was not taken up: " in shown
    assert "text_size_percent" in shown


def test_the_kiosk_looks_for_changed_files_by_itself(
    qtbot: QtBot,
    files: tuple[Path, Path],
    pulse: PulseServer,  # noqa: ARG001 - the runner's kiosk reads aloud
) -> None:
    config_path, pack = files
    config = Config(content_pack=pack, screen=LANDSCAPE)
    runner = Runner(config, True, [], config_path=config_path, check_files_s=0.05)
    runner.start()
    try:
        drop(pack / "en.md", retitled("Picked up by the kiosk"))
        qtbot.waitUntil(
            lambda: (
                runner.kiosk is not None and runner.kiosk.leaflet.title == "Picked up by the kiosk"
            ),
            timeout=5000,
        )
    finally:
        runner.close()
        if runner.kiosk is not None:
            qtbot.addWidget(runner.kiosk.window)


def test_a_leaflet_folder_the_configuration_names_is_taken_up_when_it_arrives(
    qtbot: QtBot, runner: Runner, files: tuple[Path, Path], tmp_path: Path
) -> None:
    """The clinic's tool sends the configuration first and the leaflet's folder after: the
    kiosk keeps what it had until the folder is there, then takes both up."""
    config_path, _ = files
    old = runner.kiosk
    assert old is not None
    drop(config_path, 'leaflets = ["test-1"]\n' + SETTINGS)
    assert not runner.check_files(), "the folder it names is not there yet"
    assert runner.kiosk is old
    old.staff.open_panel()
    assert "there is no leaflet folder 'test-1'" in old.window.staff_panel.config_view.text()
    old.staff.leave()
    made = write_leaflet(tmp_path / "incoming", 1)
    os.replace(made, tmp_path / "leaflets" / "test-1")  # moved in whole, as a tool does
    assert runner.check_files()
    fresh = runner.kiosk
    assert fresh is not None
    qtbot.addWidget(fresh.window)
    assert fresh.leaflet.title == "Test topic 1"
    assert runner.config.content_pack == tmp_path / "leaflets" / "test-1"

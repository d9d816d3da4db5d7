"""Test set-up shared by every test: Qt offscreen, and the private audio server for sound."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from harness.audio import SINK_DESCRIPTION, PulseServer, missing_commands, private_pulse
from harness.build import Build, build_kiosk
from harness.cups import CupsServer, private_cups
from harness.cups import missing_commands as missing_cups_commands
from kiosk.catalogs import compile_catalogs

# Qt aborts the process without a display; tests render offscreen, and the screenshot tests
# start their own Xvfb for the real thing.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_sessionstart(session: pytest.Session) -> None:  # noqa: ARG001 - pytest's hook
    """The kiosk's catalogs compiled (.ts to .qm) as ./dev.sh does, for a bare pytest run."""
    compile_catalogs()


@pytest.fixture(scope="session", autouse=True)
def private_folders(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The kiosk's configuration, log and cache folders (kiosk/paths.py, the welcome screen's
    kept picture) point into the test's own temporary folder: no test reads the machine's
    configuration or writes its logs or its cache."""
    base = tmp_path_factory.mktemp("xdg")
    os.environ["XDG_CONFIG_HOME"] = str(base / "config")
    os.environ["XDG_STATE_HOME"] = str(base / "state")
    os.environ["XDG_CACHE_HOME"] = str(base / "cache")


@pytest.fixture(scope="session")
def pulse(
    tmp_path_factory: pytest.TempPathFactory,
    qapp: QApplication,  # noqa: ARG001 - Qt Multimedia lists devices only with an application
) -> Iterator[PulseServer]:
    """A private PulseAudio with a null sink, started once for the session; Qt plays to it.

    Qt Multimedia connects to an audio server the first time it lists devices or opens a sink,
    and keeps that connection for the life of the process. So every test that touches Qt
    Multimedia (an ``AudioPlayer``, ``QMediaDevices``, a kiosk with narration) must request this
    fixture, directly or through another fixture, before it does: the server's variables
    (``PULSE_SERVER``, ``PULSE_RUNTIME_PATH``, ``XDG_RUNTIME_DIR``, ``QT_AUDIO_BACKEND``) are set
    in ``os.environ`` here. Importing Qt Multimedia is harmless; using it is not.

    UI tests that need sound should use this same fixture: move it to ``tests/conftest.py``
    rather than defining a second one (``harness.audio`` refuses a second server per process,
    since Qt would still play to the first).
    """
    missing = missing_commands()
    if missing:
        pytest.fail(
            f"the audio tests need a real PulseAudio, but {', '.join(missing)} is not "
            "installed: apt-get install pulseaudio pulseaudio-utils (./dev.sh test does)",
            pytrace=False,
        )
    from kiosk.narration.player import (  # after its logging rule for PipeWire
        QMediaDevices,
        audio_without_media_backend,
    )

    with private_pulse(tmp_path_factory.mktemp("pulse")) as server:
        audio_without_media_backend()  # as the kiosk plays: first, before anything else asks
        default = QMediaDevices.defaultAudioOutput().description()
        if default != SINK_DESCRIPTION:
            pytest.fail(
                f"Qt plays to {default!r}, not the private server's {SINK_DESCRIPTION!r}: "
                "something used Qt Multimedia before the pulse fixture set up the environment",
                pytrace=False,
            )
        yield server


@pytest.fixture(scope="session")
def cups() -> Iterator[CupsServer]:
    """A private cupsd with the standard test queues (``harness.cups.Q_*``), started once.

    ``CUPS_SERVER`` in ``os.environ`` points at it while it runs, so the kiosk's printing
    code and every CUPS tool it starts talk to it and never to the machine's own printers.
    Use ``printers`` in a test: it resets the server first.
    """
    missing = missing_cups_commands()
    if missing:
        pytest.fail(
            f"the printing tests need a real CUPS, but {', '.join(missing)} is not installed: "
            "apt-get install cups cups-client cups-ipp-utils cups-filters poppler-utils "
            "(./dev.sh test does)",
            pytrace=False,
        )
    # Not in tmp_path: pytest's base folder is closed to the lp user that CUPS filters run as.
    with private_cups() as server:
        yield server


@pytest.fixture
def printers(cups: CupsServer, monkeypatch: pytest.MonkeyPatch) -> CupsServer:
    """The private CUPS server, running, with no jobs, every queue enabled and accepting, and
    no default printer.

    The user's own default printer choices (``LPDEST``, ``PRINTER``, ``~/.cups/lpoptions``)
    are hidden, since ``lpstat -d`` and ``lp`` honour them before the server's default.
    """
    home = cups.directory / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("LPDEST", raising=False)
    monkeypatch.delenv("PRINTER", raising=False)
    cups.reset()
    return cups


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The kiosk built once for the whole run, as `pyinstaller kiosk.spec` builds it: the
    packaging, Debian package and cage tests share it."""
    return build_kiosk(tmp_path_factory.mktemp("build"))

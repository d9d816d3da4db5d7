"""The kiosk's surroundings for a benchmark run in this process, set up in one call: the Qt
platform, a private X server, audio server and CUPS, and private configuration, state and
temporary folders, all undone afterwards."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness.audio import PulseServer, private_pulse
from harness.cups import CupsServer, private_cups
from harness.xvfb import private_xvfb


@dataclass(frozen=True)
class Surroundings:
    """What ``surroundings()`` set up."""

    folder: Path  # private, removed afterwards: config/, state/ (the kiosk's), pulse/, tmp/
    display: str | None  # the X display Qt shows on (":5"); None: Qt's offscreen platform
    pulse: PulseServer | None  # None without audio, or when PULSE_SERVER's is played to
    cups: CupsServer | None  # with the standard queues (harness.cups.Q_*); None without printing


@contextmanager
def surroundings(
    prefix: str,
    *,
    display: str | None = None,
    xvfb: bool = False,
    audio: bool = False,
    own_audio: bool = False,
    printing: bool = False,
    temp: bool = False,
) -> Iterator[Surroundings]:
    """The kiosk's surroundings for a ``with`` block, in a new folder named from ``prefix``.

    Qt shows on ``display`` if given, else on a private Xvfb with ``xvfb``, else offscreen; call
    this before anything imports Qt's GUI modules, which read the platform once. ``audio``
    starts a private PulseAudio with a null sink, unless ``PULSE_SERVER`` is set (a benchmark
    started by benchmarks/run.py then plays to the suite's) and not ``own_audio`` (one that
    records what was played needs its own); ``printing`` a private CUPS; ``temp``
    points TMPDIR and Python's tempfile at the folder's tmp/, so that files others write to
    /tmp are not counted. The kiosk's configuration, state and cache (XDG_CONFIG_HOME,
    XDG_STATE_HOME, XDG_CACHE_HOME) are always the folder's own: the built-in defaults, no
    machine's settings, no picture of the welcome screen kept by another run.
    ``os.environ`` is put back afterwards.
    """
    with tempfile.TemporaryDirectory(prefix=prefix) as work, ExitStack() as stack:
        folder = Path(work)
        env = {"XDG_CONFIG_HOME": str(folder / "config"), "XDG_STATE_HOME": str(folder / "state")}
        env["XDG_CACHE_HOME"] = str(folder / "cache")
        if display is None and xvfb:
            display = stack.enter_context(private_xvfb()).name
        if display is None:
            env["QT_QPA_PLATFORM"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")
        else:
            env |= {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        # The servers first: CUPS makes its folder with tempfile, where its lp user can read
        # it, and neither server's files are the kiosk's temporary files.
        cups = stack.enter_context(private_cups()) if printing else None
        pulse = None
        if audio and (own_audio or "PULSE_SERVER" not in os.environ):
            pulse = stack.enter_context(private_pulse(folder / "pulse"))
        if temp:
            (folder / "tmp").mkdir()
            env["TMPDIR"] = str(folder / "tmp")
        stack.enter_context(_environment(env))
        if temp:
            stack.enter_context(_tempfile_folder(folder / "tmp"))
        yield Surroundings(folder, display, pulse, cups)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _tempfile_folder(folder: Path) -> Iterator[None]:
    """Python's tempfile in ``folder``: it reads TMPDIR once and keeps what it found."""
    saved, tempfile.tempdir = tempfile.tempdir, str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = saved

"""The built kiosk under cage, as the system unit runs it: as a user other than root, with no
locale set, its welcome screen shows, systemd hears READY=1 and the watchdog's pings, and
packaging/linux/clinic-kiosk-stop (the unit's ExecStop) ends it cleanly before cage, which
itself aborts on SIGTERM (cage-kiosk/cage#339)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from harness import cage
from harness.build import Build
from harness.cups import Q_PDF, CupsServer
from kiosk.paths import log_dir

REPO = Path(__file__).resolve().parents[1]
STOP = REPO / "packaging/linux/clinic-kiosk-stop"
# What cage's headless backend shows (wlroots' headless output), set as the configured screen
# too, so that the kiosk lays its pages out as `kiosk screenshot` does.
CAGE_SIZE = (1280, 720)
START_TIMEOUT_S = 60
RUN_TIMEOUT_S = 60
# The one thing the kiosk under cage here lacks: a sound server (the tests' private one is in
# pytest's folder, closed to the kiosk's user).
NO_SOUND = (
    "WARNING kiosk.qt: PulseAudioService: pa_context_connect() failed",
    "WARNING kiosk.narration: Listen is off: no audio output device",
)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)


@pytest.fixture(scope="module")
def installed(build: Build) -> Iterator[Path]:
    """The built program where the kiosk's user can run it, root's and readable by all as the
    package's /opt/clinic-kiosk is: the build fixture's folder is inside pytest's, which root
    alone may enter. Hard links, so no second copy of its 300 MB."""
    folder = Path(tempfile.mkdtemp(prefix="clinic-kiosk-opt-"))
    try:
        folder.chmod(0o755)
        shutil.copytree(
            build.program.parent, folder / "kiosk", symlinks=True, copy_function=_link_or_copy
        )
        yield folder / "kiosk" / build.program.name
    finally:
        shutil.rmtree(folder)


@dataclass
class Place:
    """What the kiosk's user has: a configuration, a home and a temporary folder, and the
    socket systemd would listen on for the kiosk's notifications (NOTIFY_SOCKET)."""

    config: Path
    home: Path
    temp: Path
    notify: socket.socket
    notify_path: Path

    def environment(self) -> dict[str, str]:
        """The kiosk's environment under cage, as the unit gives it, less LANG: the program
        must not need one."""
        return {
            "HOME": str(self.home),
            "TMPDIR": str(self.temp),
            "NOTIFY_SOCKET": str(self.notify_path),
            "CUPS_SERVER": os.environ["CUPS_SERVER"],
            "QT_QPA_PLATFORM": "wayland",  # not X11 through cage's Xwayland
        }

    def log(self) -> list[str]:
        log_file = log_dir("linux", {"HOME": str(self.home)}) / "kiosk.log"
        return log_file.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def place(printers: CupsServer) -> Iterator[Place]:  # noqa: ARG001 - CUPS_SERVER is set
    """A folder of root's (0755) with the configuration (the private CUPS's Q_PDF printer,
    cage's screen size), and the kiosk user's home and temporary folder in it."""
    folder = Path(tempfile.mkdtemp(prefix="clinic-kiosk-place-"))
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        folder.chmod(0o755)
        config = folder / "kiosk.toml"
        width, height = CAGE_SIZE
        config.write_text(
            f'printer = "{Q_PDF}"\n\n[screen]\nwidth_px = {width}\nheight_px = {height}\n',
            encoding="utf-8",
        )
        config.chmod(0o644)
        for name in ("home", "tmp"):
            (folder / name).mkdir()
            shutil.chown(folder / name, cage.USER, cage.GROUP)
        notify_path = folder / "notify"
        notify.bind(str(notify_path))
        notify_path.chmod(0o666)  # as systemd's /run/systemd/notify: every service may write
        notify.settimeout(START_TIMEOUT_S)
        yield Place(config, folder / "home", folder / "tmp", notify, notify_path)
    finally:
        notify.close()
        shutil.rmtree(folder)


def _missing() -> None:
    missing = cage.missing_commands()
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: {cage.PACKAGES}", pytrace=False)


@contextmanager
def _kiosk_under_cage(
    program: Path, place: Place, env: dict[str, str] | None = None
) -> Iterator[cage.Cage]:
    """The built kiosk full screen under a headless cage, as ``cage.USER``, until the block
    ends (cage is killed then if it still runs). Rotated twice (180 degrees): grim can only
    copy an output that cage composites, and grim turns the picture back upright."""
    _missing()
    command = [str(program), "--config", str(place.config)]
    with cage.headless_cage(command, {**place.environment(), **(env or {})}, rotations=2) as shown:
        yield shown


def _notification(place: Place, running: cage.Cage) -> str:
    """The next message the kiosk sent to the notify socket; fails with cage's output when
    none comes in time."""
    try:
        return place.notify.recv(4096).decode("utf-8")
    except TimeoutError:
        running.process.kill()
        out, err = running.process.communicate()
        pytest.fail(f"no notification from the kiosk under cage:\n{out}\n{err}", pytrace=False)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # gone meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _kiosk_pid(running: cage.Cage, program: Path) -> int:
    """The kiosk's pid: cage's one child, the built program."""
    children = _children(running.process.pid)
    assert len(children) == 1, children
    assert Path(f"/proc/{children[0]}/exe").resolve() == program.resolve()
    return children[0]


def _stop(running: cage.Cage, *args: str) -> subprocess.CompletedProcess[str]:
    """packaging/linux/clinic-kiosk-stop CAGE_PID as the unit's ExecStop runs it: as the
    kiosk's user, with $MAINPID (cage's pid)."""
    return subprocess.run(
        [*cage.as_user(), str(STOP), str(running.process.pid), *args],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


def _pixels(path: Path) -> bytes:
    """The picture's pixels, 32-bit RGB, row by row."""
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    assert (image.width(), image.height()) == CAGE_SIZE, path
    return bytes(image.constBits())  # a copy: the image's own memory goes with it


def _left_behind(folder: Path) -> list[Path]:
    """Every file under ``folder``, at any depth; folders are not counted (the kiosk keeps its
    private folder for handouts, empty, in the runtime folder)."""
    return sorted(path for path in folder.rglob("*") if not path.is_dir())


def _problems(log: list[str]) -> list[str]:
    """The log's warnings and errors, but for the missing sound server's."""
    return [
        line
        for line in log
        if (" WARNING " in line or " ERROR " in line or "Traceback" in line)
        and not any(expected in line for expected in NO_SOUND)
    ]


def _screenshot(program: Path, config: Path, out: Path, env: dict[str, str], *args: str) -> str:
    """`kiosk screenshot` of the built program, offscreen; its standard error."""
    rendered = subprocess.run(
        [str(program), "--config", str(config), "screenshot", *args, "--out", str(out)],
        env={"PATH": os.environ["PATH"], "QT_QPA_PLATFORM": "offscreen", **env},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    assert rendered.returncode == 0, rendered.stderr
    return rendered.stderr


@pytest.mark.build
def test_the_built_kiosk_under_cage_shows_its_welcome_screen_and_stops_cleanly(
    installed: Path, place: Place, tmp_path: Path
) -> None:
    # The welcome screen as `kiosk screenshot` renders it in a UTF-8 locale ("Español" on its
    # button has an accent).
    expected = tmp_path / "welcome.png"
    environ = {"HOME": str(tmp_path), "LANG": "C.UTF-8"}
    _screenshot(installed, place.config, expected, environ, "--page", "welcome")

    shot = tmp_path / "cage.png"
    with _kiosk_under_cage(installed, place) as running:
        # systemd's Type=notify: the kiosk says it is ready once its screen shows.
        assert _notification(place, running) == "READY=1"
        grabbed = running.screenshot(shot)
        assert grabbed.returncode == 0, grabbed.stderr
        kiosk = _kiosk_pid(running, installed)

        stopped = _stop(running)
        assert (stopped.returncode, stopped.stderr) == (
            0,
            f"clinic-kiosk-stop: asked the kiosk (pid {kiosk}) to quit\n",
        )
        # The script returns once cage has gone: cage exited by itself, with 0, not 134 (its
        # abort on SIGTERM).
        assert running.process.poll() == 0, running.process.communicate()
        assert _notification(place, running) == "STOPPING=1"
        # grim's copy is cage.screenshot's, taken above.
        left_in_runtime = [
            path for path in _left_behind(running.runtime) if path.name != "screenshot.png"
        ]

    # The kiosk's screen, pixel for pixel.
    actual, wanted = _pixels(shot), _pixels(expected)
    pairs = zip(memoryview(actual).cast("I"), memoryview(wanted).cast("I"), strict=True)
    differing = sum(1 for a, b in pairs if a != b)
    assert differing == 0, f"{differing} pixels differ from the welcome page: see {shot}"

    log = place.log()
    assert log[-1].endswith("INFO kiosk.init: asked to stop by SIGTERM: quitting"), log
    assert _problems(log) == [], log  # no 'Detected locale "C"' from Qt either
    # The handouts' private folder (kept, empty) and the temporary folder hold nothing of the
    # kiosk's; cage's Wayland socket has gone too.
    assert left_in_runtime == []
    assert _left_behind(place.temp) == []


@pytest.mark.build
def test_the_built_kiosk_under_cage_pings_the_watchdog(installed: Path, place: Place) -> None:
    """WatchdogSec=: systemd sets WATCHDOG_USEC, and the kiosk pings twice a period."""
    with _kiosk_under_cage(installed, place, {"WATCHDOG_USEC": "400000"}) as running:
        assert _notification(place, running) == "READY=1"
        pings = [_notification(place, running) for _ in range(3)]
        assert pings == ["WATCHDOG=1"] * 3
        assert _stop(running).returncode == 0
        assert running.process.poll() == 0


@pytest.mark.build
def test_the_stop_script_gives_up_on_a_kiosk_that_hangs(installed: Path, place: Place) -> None:
    """A kiosk that cannot answer SIGTERM (stopped with SIGSTOP, as a hung one) leaves cage
    running: the script says so and fails after its bound, for systemd's kill to finish."""
    with _kiosk_under_cage(installed, place) as running:
        assert _notification(place, running) == "READY=1"
        kiosk = _kiosk_pid(running, installed)
        os.kill(kiosk, signal.SIGSTOP)
        stopped = _stop(running, "1")
        assert stopped.returncode == 1
        assert stopped.stderr.splitlines()[-1] == (
            f"clinic-kiosk-stop: cage (pid {running.process.pid}) is still running after 1 s; "
            "leaving it to systemd"
        )
        assert running.process.poll() is None
        # Woken, the kiosk takes the SIGTERM it was sent and quits; cage follows.
        os.kill(kiosk, signal.SIGCONT)
        assert running.process.wait(RUN_TIMEOUT_S) == 0
    assert place.log()[-1].endswith("asked to stop by SIGTERM: quitting")


def test_the_stop_script_has_nothing_to_do_when_cage_has_gone() -> None:
    """systemd leaves $MAINPID empty once the main process has ended."""
    for args in ([], [str(_ended_pid())]):
        stopped = subprocess.run([str(STOP), *args], capture_output=True, text=True, check=False)
        assert (stopped.returncode, stopped.stderr) == (0, "")
    wrong = subprocess.run([str(STOP), "cage"], capture_output=True, text=True, check=False)
    assert wrong.returncode == 2
    assert "'cage' is not a process id" in wrong.stderr


def _ended_pid() -> int:
    ended = subprocess.run(["sh", "-c", "echo $$"], capture_output=True, text=True, check=True)
    return int(ended.stdout)


@pytest.mark.build
def test_the_built_kiosk_with_no_locale_set_says_nothing_of_it_and_keeps_its_accents(
    build: Build, tmp_path: Path
) -> None:
    """Qt wants a UTF-8 locale and warned 'Detected locale "C"' where none was set (the
    bootloader does not do PEP 538's coercion as the python program does); the built program
    now takes C.UTF-8 itself, and renders Spanish as in a UTF-8 locale."""
    config = tmp_path / "kiosk.toml"
    width, height = CAGE_SIZE
    config.write_text(f"[screen]\nwidth_px = {width}\nheight_px = {height}\n", encoding="utf-8")
    page = ("--page", "home", "--language", "es")
    expected = tmp_path / "utf8.png"
    _screenshot(build.program, config, expected, {"HOME": str(tmp_path), "LANG": "C.UTF-8"}, *page)
    for locale in ({}, {"LANG": "C"}, {"LC_ALL": "POSIX"}, {"LC_CTYPE": "C", "LANG": "C.UTF-8"}):
        shot = tmp_path / "shot.png"
        errors = _screenshot(build.program, config, shot, {"HOME": str(tmp_path), **locale}, *page)
        assert "Detected locale" not in errors, (locale, errors)
        assert _pixels(shot) == _pixels(expected), locale

"""The Debian package (packaging/build_deb.py): what it declares and holds, its system unit as
systemd reads it, and installing, upgrading and removing it on this machine as apt would, with
the installed kiosk's doctor run as the kiosk user."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.build import Build
from harness.cups import Q_PDF, CupsServer
from kiosk.systemd import ServiceNotifier

pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "clinic-kiosk"
UNIT = "lib/systemd/system/clinic-kiosk.service"
STOP = "usr/lib/clinic-kiosk/clinic-kiosk-stop"
CONFIG = Path("/etc/clinic-kiosk/kiosk.toml")
LEAFLETS = Path("/etc/clinic-kiosk/leaflets")
ENABLED = Path("/etc/systemd/system/multi-user.target.wants/clinic-kiosk.service")
# What a kiosk machine must have (docs/installing.md's table), each a Depends clause.
DEPENDS = {
    "adduser",
    "libpam-systemd",
    "cage",
    "xwayland",
    "libespeak-ng1",
    "cups-client",
    "cups-ipp-utils",
    "libegl1",
    "libgl1",
    "libdrm2",
    "libxcb1",
    "libwayland-client0",
    "libwayland-cursor0",
    "libwayland-egl1",
    "fontconfig",
    "fonts-dejavu-core",
    "pipewire-pulse | pulseaudio",
    "wireplumber | pulseaudio",
}


def _run(
    *command: str | Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def _build_deb(build: Build, out: Path, version: str | None = None) -> Path:
    """The package as `python packaging/build_deb.py dist/kiosk OUT` makes it, with zstd's
    quickest level instead of xz (3 s instead of a minute for 330 MB)."""
    command = [sys.executable, REPO / "packaging/build_deb.py", build.program.parent, out]
    command += ["-Zzstd", "-z1", *(["--version", version] if version else [])]
    built = _run(*command)
    assert built.returncode == 0, built.stderr
    deb = Path(built.stdout.strip())
    assert deb.is_file(), built.stdout
    return deb


@pytest.fixture(scope="module")
def deb(build: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_deb(build, tmp_path_factory.mktemp("deb"))


def _fields(deb: Path) -> dict[str, str]:
    """The control fields of ``deb``, continuation lines joined."""
    shown = _run("dpkg-deb", "--field", deb)
    assert shown.returncode == 0, shown.stderr
    fields: dict[str, str] = {}
    name = ""
    for line in shown.stdout.splitlines():
        if line.startswith(" "):
            fields[name] += " " + line.strip()
        else:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return fields


def test_the_package_declares_what_a_kiosk_machine_needs_and_holds_the_program(
    deb: Path,
) -> None:
    fields = _fields(deb)
    version = fields["Version"]
    assert deb.name == f"{PACKAGE}_{version}_amd64.deb"
    assert (fields["Package"], fields["Architecture"]) == (PACKAGE, "amd64")
    with (REPO / "pyproject.toml").open("rb") as file:
        assert version == tomllib.load(file)["project"]["version"]
    clauses = {clause.strip() for clause in fields["Depends"].split(",")}
    assert clauses >= DEPENDS, DEPENDS - clauses
    assert any(clause.startswith("libc6 (>= 2.") for clause in clauses), clauses

    info = _run("dpkg-deb", "--info", deb).stdout
    for script in ("postinst", "prerm", "postrm", "conffiles"):
        assert f" {script} " in info, info
    listing = _run("dpkg-deb", "--contents", deb).stdout.splitlines()
    modes = {line.split()[-1].removeprefix("./"): line.split()[0] for line in listing}
    for path in ("opt/clinic-kiosk/kiosk", STOP):
        assert modes[path] == "-rwxr-xr-x", path
    assert modes[UNIT] == "-rw-r--r--"
    assert "etc/pam.d/clinic-kiosk" in modes
    assert any(path.startswith("opt/clinic-kiosk/_internal/PySide6/") for path in modes)
    # Every file is root's (dpkg-deb --root-owner-group), whoever built it.
    assert all(line.split()[1] == "root/root" for line in listing), listing[:3]
    # The clinic's files are never the package's: dpkg would remove or replace them.
    assert not any(path.startswith("etc/clinic-kiosk") for path in modes)


def _unit_settings(text: str) -> dict[str, list[str]]:
    """``Section.Key`` -> every value given to it, in order (a unit may repeat a key)."""
    settings: dict[str, list[str]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        settings.setdefault(f"{section}.{key}", []).append(value)
    return settings


@pytest.mark.usefixtures("qapp")  # ServiceNotifier's QTimer
def test_its_unit_passes_systemd_analyze_verify_and_runs_cage_as_the_issue_asks(
    deb: Path, tmp_path: Path
) -> None:
    # The package unpacked over this machine's own units and cage: verify then checks every
    # unit it names and every program it runs (the stop helper included) under that root.
    root = tmp_path / "root"
    assert _run("dpkg-deb", "-x", deb, root).returncode == 0
    shutil.copytree(
        "/lib/systemd/system", root / "lib/systemd/system", symlinks=True, dirs_exist_ok=True
    )
    (root / "usr/bin").mkdir()
    shutil.copy2("/usr/bin/cage", root / "usr/bin/cage")
    verified = _run("systemd-analyze", "verify", f"--root={root}", f"/{UNIT}")
    # A misspelt key is only a warning (exit 0), so any word from verify fails the test.
    assert (verified.returncode, verified.stdout, verified.stderr) == (0, "", "")

    unit = _unit_settings((root / UNIT).read_text(encoding="utf-8"))
    service = {key.removeprefix("Service."): values for key, values in unit.items()}
    for key, value in {
        "Type": "notify",
        "NotifyAccess": "all",
        "User": "kiosk",
        "PAMName": "clinic-kiosk",
        "TTYPath": "/dev/tty1",
        "StandardInput": "tty-fail",
        "Restart": "always",
        "RestartSec": "2",
        "KillMode": "mixed",
    }.items():
        assert service[key] == [value], key
    assert "LANG=C.UTF-8" in service["Environment"]
    assert '"QT_QPA_PLATFORM=wayland;xcb"' in service["Environment"]
    assert unit["Unit.Conflicts"] == ["getty@tty1.service"]
    assert unit["Unit.StartLimitIntervalSec"] == ["0"]
    (start,) = service["ExecStart"]
    assert start.split()[:2] == ["/usr/bin/cage", "--"], "no -s: no switching to a console"
    assert "--config /etc/clinic-kiosk/kiosk.toml" in start
    (stop,) = service["ExecStop"]
    assert stop.startswith(f"/{STOP} $MAINPID")
    assert os.access(root / STOP, os.X_OK)

    # The kiosk pings the watchdog often enough: twice within WatchdogSec.
    (watchdog_s,) = service["WatchdogSec"]
    environ = {"NOTIFY_SOCKET": "@clinic-kiosk-test", "WATCHDOG_USEC": f"{watchdog_s}000000"}
    interval_ms = ServiceNotifier(environ).watchdog_interval_ms
    assert interval_ms is not None
    assert interval_ms <= int(watchdog_s) * 1000 // 2


def _installed_version() -> str | None:
    shown = _run("dpkg-query", "-W", "-f=${Status} ${Version}", PACKAGE)
    if shown.returncode != 0 or not shown.stdout.startswith("install ok installed"):
        return None
    return shown.stdout.split()[-1]


def _status() -> str:
    return _run("dpkg-query", "-W", "-f=${Status}", PACKAGE).stdout


@pytest.fixture
def machine() -> Iterator[None]:
    """This machine, with the package installed for real by the test and purged afterwards
    (and the kiosk user removed, if the test made it). Refuses a machine where the package
    or its configuration is already there, rather than remove someone's kiosk."""
    if os.geteuid() != 0:
        pytest.fail("installing the package needs root (CI runs the tests as root)")
    if _status() or Path("/etc/clinic-kiosk").exists() or Path("/opt/clinic-kiosk").exists():
        pytest.fail(
            "clinic-kiosk is installed here, or /etc/clinic-kiosk or /opt/clinic-kiosk is: "
            "this test installs and purges the package, so it runs only where neither is"
        )
    had_user = _run("getent", "passwd", "kiosk").returncode == 0
    try:
        yield
    finally:
        _run("dpkg", "--purge", PACKAGE)
        shutil.rmtree("/etc/clinic-kiosk", ignore_errors=True)
        if not had_user:
            _run("deluser", "--system", "--quiet", "kiosk")
            _run("delgroup", "--system", "--quiet", "kiosk")


def _as_kiosk(
    *command: str | Path, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``command`` as the kiosk user with its groups, as the service runs it."""
    setpriv = ("setpriv", "--reuid=kiosk", "--regid=kiosk", "--init-groups")
    return _run(*setpriv, *command, env=env, stdin=stdin)


def test_installing_upgrading_and_removing_keep_the_clinics_files(
    deb: Path,
    build: Build,
    printers: CupsServer,  # noqa: ARG001 - CUPS_SERVER in os.environ names it
    machine: None,  # noqa: ARG001 - installs for real, purges afterwards
    tmp_path: Path,
) -> None:
    installed = _run("dpkg", "-i", deb)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    # The kiosk user, in the groups of a seat, and the unit enabled for the next boot.
    user = pwd.getpwnam("kiosk")
    assert user.pw_dir == "/var/lib/clinic-kiosk"
    assert user.pw_shell == "/usr/sbin/nologin"
    groups = {group.gr_name for group in grp.getgrall() if "kiosk" in group.gr_mem}
    present = {name for name in ("video", "input", "render", "audio") if _has_group(name)}
    assert groups >= present, present - groups
    assert os.readlink(ENABLED) == "/lib/systemd/system/clinic-kiosk.service"
    # kiosk.toml: root's, readable by the kiosk's group alone (it holds the PIN's hash).
    info = CONFIG.stat()
    assert (oct(info.st_mode & 0o777), info.st_uid, grp.getgrgid(info.st_gid).gr_name) == (
        "0o640",
        0,
        "kiosk",
    )
    state = Path("/var/lib/clinic-kiosk").stat()
    assert (state.st_uid, oct(state.st_mode & 0o777)) == (user.pw_uid, "0o750")
    assert LEAFLETS.is_dir()

    # IT sets the PIN as root and names the printer, as docs/installing.md says; the clinic's
    # tool drops a leaflet of its own into /etc/clinic-kiosk/leaflets and points kiosk.toml
    # at it (a path relative to kiosk.toml's folder).
    pinned = _run(
        "/opt/clinic-kiosk/kiosk", "--config", CONFIG, "set-pin", "--pin-stdin", stdin="2468\n"
    )
    assert pinned.returncode == 0, pinned.stderr
    shipped = build.bundle / "resources/leaflets/vertebroplasty"
    pack = LEAFLETS / "knee"
    shutil.copytree(shipped, pack)
    leaflet = pack / "en.md"
    text = CONFIG.read_text(encoding="utf-8")
    for line, setting in {
        'printer = ""\n': f'printer = "{Q_PDF}"\n',
        '# content_pack = "/opt/kiosk/resources/leaflets/vertebroplasty"\n': (
            'content_pack = "leaflets/knee"\n'
        ),
    }.items():
        assert line in text
        text = text.replace(line, setting)
    CONFIG.write_text(text, encoding="utf-8")  # in place: mode and group stay

    # The installed kiosk's doctor, as the kiosk user: it reads kiosk.toml through its group.
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/var/lib/clinic-kiosk",
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "CUPS_SERVER": os.environ["CUPS_SERVER"],
    }
    doctor = _as_kiosk("/opt/clinic-kiosk/kiosk", "--config", CONFIG, "doctor", env=env)
    report = doctor.stdout.splitlines()
    assert "Traceback" not in doctor.stderr, doctor.stderr
    assert f"ok      configuration: {CONFIG} (built-in defaults where not set)" in report, report
    assert any(
        line.startswith("ok      content pack: ") and line.endswith(f"({leaflet})")
        for line in report
    ), report
    assert "ok      fonts: Atkinson Hyperlegible, the typeface made for low vision" in report
    assert any(line.startswith("ok      printer: ") for line in report), report
    # ... and the kiosk user cannot change its own PIN.
    before = CONFIG.read_bytes()
    changed = _as_kiosk(
        "/opt/clinic-kiosk/kiosk",
        "--config",
        CONFIG,
        "set-pin",
        "--pin-stdin",
        env=env,
        stdin="1357\n",
    )
    assert changed.returncode == 1
    assert f"cannot write {CONFIG}" in changed.stderr
    assert CONFIG.read_bytes() == before

    # An upgrade in place: the program replaced, the clinic's files as they were.
    version = _installed_version()
    assert version is not None
    newer = _build_deb(build, tmp_path, f"{version}+upgrade1")
    upgraded = _run("dpkg", "-i", newer)
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    assert _installed_version() == f"{version}+upgrade1"
    assert CONFIG.read_bytes() == before
    assert oct(CONFIG.stat().st_mode & 0o777) == "0o640"
    assert leaflet.read_bytes() == (shipped / "en.md").read_bytes()
    assert ENABLED.is_symlink()

    # Removed (apt remove): the program and the unit go, the clinic's files and state stay.
    removed = _run("dpkg", "-r", PACKAGE)
    assert removed.returncode == 0, removed.stderr
    assert _status() == "deinstall ok config-files"
    assert not Path("/opt/clinic-kiosk").exists()
    assert not ENABLED.is_symlink()
    assert CONFIG.read_bytes() == before
    assert leaflet.is_file()
    assert Path("/var/lib/clinic-kiosk").is_dir()

    # Purged: what the package made goes, the clinic's leaflets and the kiosk user stay.
    cache = Path("/var/cache/clinic-kiosk")  # systemd's CacheDirectory=, at the first start
    cache.mkdir(mode=0o700)
    (cache / "welcome-snapshot").write_bytes(b"a picture")
    purged = _run("dpkg", "--purge", PACKAGE)
    assert purged.returncode == 0, purged.stderr
    assert not CONFIG.exists()
    assert not Path("/var/lib/clinic-kiosk").exists()
    assert not cache.exists(), "the welcome screen's kept picture goes too"
    assert leaflet.is_file()
    assert "holds the clinic's leaflets; left in place" in purged.stderr
    assert _run("getent", "passwd", "kiosk").returncode == 0


def _has_group(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True

"""Where the kiosk keeps its configuration and its logs on each platform."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path, PureWindowsPath

APP_FOLDER = "clinic-kiosk"


def resources_dir() -> Path:
    """The ``resources/`` folder, in a source checkout or a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def config_dir(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> Path:
    """The folder that holds ``kiosk.toml``."""
    if platform == "win32":
        return _windows_base(environ, "APPDATA", "Roaming") / APP_FOLDER
    if platform == "darwin":
        return _home(platform, environ) / "Library" / "Application Support" / APP_FOLDER
    return _xdg_base(environ, "XDG_CONFIG_HOME", ".config") / APP_FOLDER


def config_file(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> Path:
    """The configuration file the kiosk reads when the command line names none."""
    return config_dir(platform, environ) / "kiosk.toml"


def log_dir(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> Path:
    """The folder for the kiosk's rotating log files."""
    if platform == "win32":
        return _windows_base(environ, "LOCALAPPDATA", "Local") / APP_FOLDER / "Logs"
    if platform == "darwin":
        return _home(platform, environ) / "Library" / "Logs" / APP_FOLDER
    # Logs are state, not configuration or cache: they should survive a cache clean-up.
    return _xdg_base(environ, "XDG_STATE_HOME", ".local/state") / APP_FOLDER / "logs"


def state_dir(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> Path:
    """The folder for what the kiosk must remember across restarts (never anything of a
    patient's): the print jobs it still owns, the staff PIN's lockout."""
    if platform == "win32":
        return _windows_base(environ, "LOCALAPPDATA", "Local") / APP_FOLDER / "State"
    if platform == "darwin":
        return _home(platform, environ) / "Library" / "Application Support" / APP_FOLDER
    return _xdg_base(environ, "XDG_STATE_HOME", ".local/state") / APP_FOLDER


def cache_dir(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> Path:
    """The folder for what the kiosk may lose and make again (never anything of a patient):
    the welcome screen's kept picture. Under systemd, the unit's ``CacheDirectory``."""
    if environ.get("CACHE_DIRECTORY"):  # systemd, for a unit with CacheDirectory=
        return Path(environ["CACHE_DIRECTORY"].split(":")[0])
    if platform == "win32":
        return _windows_base(environ, "LOCALAPPDATA", "Local") / APP_FOLDER / "Cache"
    if platform == "darwin":
        return _home(platform, environ) / "Library" / "Caches" / APP_FOLDER
    return _xdg_base(environ, "XDG_CACHE_HOME", ".cache") / APP_FOLDER


def write_state_file(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``, whole or not at all and durably (a state file must
    survive a power cut), readable by the kiosk's user alone (0600, in a 0700 folder).
    Raises OSError."""
    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:  # mkstemp made it 0600
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    if os.name == "posix":  # the rename itself reaches the disk only with its folder
        folder_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(folder_fd)
        finally:
            os.close(folder_fd)


# A configuration file holds the staff PIN's hash: readable by its group (the package's
# /etc/clinic-kiosk/kiosk.toml is root:kiosk), never by every user of the machine.
CONFIG_FILE_MODE = 0o640


def write_config_file(path: Path, text: str) -> None:
    """Write the configuration file ``path``. An existing file is rewritten in place, so it
    keeps its mode, owner and group; a new one is made with ``CONFIG_FILE_MODE`` (less what
    the umask takes away). Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    with os.fdopen(os.open(path, flags, CONFIG_FILE_MODE), "w", encoding="utf-8") as file:
        file.write(text)


def _home(platform: str, environ: Mapping[str, str]) -> Path:
    # Read from ``environ`` rather than Path.home() alone, so a test can check any platform.
    home = environ.get("USERPROFILE" if platform == "win32" else "HOME", "")
    return Path(home) if home else Path.home()


def _xdg_base(environ: Mapping[str, str], variable: str, default: str) -> Path:
    # The XDG Base Directory spec: an empty or relative value is invalid and must be ignored.
    value = environ.get(variable, "")
    if value and Path(value).is_absolute():
        return Path(value)
    return _home("linux", environ) / default


def _windows_base(environ: Mapping[str, str], variable: str, under_app_data: str) -> Path:
    # Windows sets APPDATA and LOCALAPPDATA for every interactive user, but a service account
    # or a stripped environment may lack them; the profile's usual folders are the fallback.
    # PureWindowsPath judges "C:\..." as absolute even when the check runs on another platform.
    value = environ.get(variable, "")
    if value and PureWindowsPath(value).is_absolute():
        return Path(value)
    return _home("win32", environ) / "AppData" / under_app_data

"""Where the configuration and the logs live, on each platform the kiosk runs on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kiosk.paths import cache_dir, config_dir, config_file, log_dir

HOME = "/home/ana"
WIN_HOME = r"C:\Users\ana"


def test_linux_follows_xdg() -> None:
    environ = {"HOME": HOME, "XDG_CONFIG_HOME": "/cfg", "XDG_STATE_HOME": "/state"}
    assert config_dir("linux", environ) == Path("/cfg/clinic-kiosk")
    assert config_file("linux", environ) == Path("/cfg/clinic-kiosk/kiosk.toml")
    assert log_dir("linux", environ) == Path("/state/clinic-kiosk/logs")


def test_linux_without_xdg_uses_the_homes_usual_folders() -> None:
    environ = {"HOME": HOME}
    assert config_dir("linux", environ) == Path(HOME, ".config", "clinic-kiosk")
    assert log_dir("linux", environ) == Path(HOME, ".local", "state", "clinic-kiosk", "logs")


@pytest.mark.parametrize("value", ["", "relative/cfg", "./cfg"])
def test_empty_or_relative_xdg_values_are_ignored(value: str) -> None:
    environ = {"HOME": HOME, "XDG_CONFIG_HOME": value, "XDG_STATE_HOME": value}
    assert config_dir("linux", environ) == Path(HOME, ".config", "clinic-kiosk")
    assert log_dir("linux", environ) == Path(HOME, ".local", "state", "clinic-kiosk", "logs")


def test_other_unix_platforms_follow_xdg_too() -> None:
    environ = {"HOME": HOME, "XDG_CONFIG_HOME": "/cfg"}
    assert config_dir("freebsd14", environ) == Path("/cfg/clinic-kiosk")


def test_windows_uses_appdata_and_localappdata() -> None:
    environ = {
        "USERPROFILE": WIN_HOME,
        "APPDATA": rf"{WIN_HOME}\AppData\Roaming",
        "LOCALAPPDATA": r"D:\Local",
        "XDG_CONFIG_HOME": "/cfg",  # not a Windows convention: ignored
    }
    assert config_dir("win32", environ) == Path(rf"{WIN_HOME}\AppData\Roaming", "clinic-kiosk")
    assert config_file("win32", environ) == config_dir("win32", environ) / "kiosk.toml"
    assert log_dir("win32", environ) == Path(r"D:\Local", "clinic-kiosk", "Logs")


@pytest.mark.parametrize("appdata", [None, "", r"relative\Roaming"])
def test_windows_without_usable_appdata_falls_back_to_the_profile(appdata: str | None) -> None:
    environ = {"USERPROFILE": WIN_HOME}
    if appdata is not None:
        environ["APPDATA"] = appdata
        environ["LOCALAPPDATA"] = appdata
    assert config_dir("win32", environ) == Path(WIN_HOME, "AppData", "Roaming", "clinic-kiosk")
    assert log_dir("win32", environ) == Path(WIN_HOME, "AppData", "Local", "clinic-kiosk", "Logs")


def test_macos_uses_library() -> None:
    environ = {"HOME": "/Users/ana", "XDG_CONFIG_HOME": "/cfg"}
    assert config_dir("darwin", environ) == Path(
        "/Users/ana/Library/Application Support/clinic-kiosk"
    )
    assert log_dir("darwin", environ) == Path("/Users/ana/Library/Logs/clinic-kiosk")


def test_the_cache_folder_is_systemds_or_the_platforms_per_user_cache() -> None:
    """Where the welcome screen's kept picture goes (kiosk/kept_welcome.py)."""
    unit = {"HOME": "/var/lib/clinic-kiosk", "CACHE_DIRECTORY": "/var/cache/clinic-kiosk"}
    assert cache_dir("linux", unit) == Path("/var/cache/clinic-kiosk")
    assert cache_dir("linux", {"HOME": HOME, "XDG_CACHE_HOME": "/c"}) == Path("/c/clinic-kiosk")
    assert cache_dir("linux", {"HOME": HOME, "XDG_CACHE_HOME": "rel"}) == Path(
        HOME, ".cache", "clinic-kiosk"
    )
    windows = {"USERPROFILE": WIN_HOME, "LOCALAPPDATA": r"D:\Local"}
    assert cache_dir("win32", windows) == Path(r"D:\Local", "clinic-kiosk", "Cache")
    assert cache_dir("darwin", {"HOME": "/Users/ana"}) == Path(
        "/Users/ana/Library/Caches/clinic-kiosk"
    )


@pytest.mark.skipif(sys.platform in {"win32", "darwin"}, reason="checks the XDG platforms")
def test_defaults_read_this_process_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert config_file() == tmp_path / "cfg" / "clinic-kiosk" / "kiosk.toml"
    assert log_dir() == tmp_path / "state" / "clinic-kiosk" / "logs"

"""The standalone kiosk, built by PyInstaller from kiosk.spec as a kiosk machine gets it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.cups import Q_PDF

REPO = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT_S = 600


@dataclass(frozen=True)
class Build:
    program: Path  # dist/kiosk/kiosk
    bundle: Path  # dist/kiosk/_internal, sys._MEIPASS of the built program
    elsewhere: Path  # a folder away from the checkout's resources/, with kiosk.toml in it
    config: Path


def build_kiosk(folder: Path) -> Build:
    """Run `pyinstaller kiosk.spec` into ``folder`` (dist/, build/ and its cache there).
    Raises AssertionError with PyInstaller's last words when the build fails."""
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(folder / "dist"),
            "--workpath",
            str(folder / "build"),
            "kiosk.spec",
        ],
        cwd=REPO,
        # PyInstaller's cache of analysed libraries goes here, not into the user's home.
        env={**os.environ, "PYINSTALLER_CONFIG_DIR": str(folder / "pyinstaller-cache")},
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    elsewhere = folder / "elsewhere"  # run away from the checkout's resources/
    elsewhere.mkdir()
    config = elsewhere / "kiosk.toml"
    config.write_text(f'printer = "{Q_PDF}"\n', encoding="utf-8")
    return Build(folder / "dist/kiosk/kiosk", folder / "dist/kiosk/_internal", elsewhere, config)

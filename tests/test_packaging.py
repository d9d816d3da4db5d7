"""The PyInstaller build (kiosk.spec): the built program runs its checks, prints and renders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.audio import PulseServer
from tests.cups import Q_PDF, CupsServer, pdf_text

REPO = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT_S = 600
RUN_TIMEOUT_S = 60


def _run(program: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the built program as it would run on a kiosk with no display: nothing from this
    checkout or its virtual environment on any path."""
    hidden = {"DISPLAY", "WAYLAND_DISPLAY", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    env = {name: value for name, value in os.environ.items() if name not in hidden}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [str(program), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


@pytest.mark.build
def test_the_built_kiosk_passes_its_doctor_prints_and_renders_a_page(
    pulse: PulseServer,  # noqa: ARG001 - its variables are in os.environ while it runs
    printers: CupsServer,
    tmp_path: Path,
) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "build"),
            "kiosk.spec",
        ],
        cwd=REPO,
        # PyInstaller's cache of analysed libraries goes here, not into the user's home.
        env={**os.environ, "PYINSTALLER_CONFIG_DIR": str(tmp_path / "pyinstaller-cache")},
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    program = tmp_path / "dist/kiosk/kiosk"
    bundle = tmp_path / "dist/kiosk/_internal"  # sys._MEIPASS of the built program
    elsewhere = tmp_path / "elsewhere"  # run away from the checkout's resources/
    elsewhere.mkdir()
    config = elsewhere / "kiosk.toml"
    config.write_text(f'printer = "{Q_PDF}"\n', encoding="utf-8")

    # Healthy content, font, printer, speech (its worker is the built program started again)
    # and sound, from the bundle.
    doctor = _run(program, "--config", str(config), "doctor", cwd=elsewhere)
    report = doctor.stdout.splitlines()
    assert "Traceback" not in doctor.stderr, doctor.stderr
    assert doctor.returncode == 0, report
    pack = bundle / "resources/leaflets/vertebroplasty/en.md"
    assert any(
        line.startswith("ok      content pack: ") and line.endswith(f"({pack})") for line in report
    ), report
    assert "ok      fonts: Atkinson Hyperlegible, the typeface made for low vision" in report
    assert {line.split(":")[0] for line in report if line.startswith("ok")} >= {
        f"ok      {check}" for check in ("printer", "speech", "audio")
    }, report

    # A handout through the CUPS tools, started by the built program.
    printed = _run(program, "--config", str(config), "print", "--questions", "1", cwd=elsewhere)
    assert printed.returncode == 0, printed.stderr
    assert "Questions to ask your doctor" in pdf_text(printers.last_printed(Q_PDF))

    # A page rendered to a portrait PNG.
    png = elsewhere / "home.png"
    shot = _run(
        program,
        *("screenshot", "--page", "home", "--size", "1080x1920", "--out", str(png)),
        cwd=elsewhere,
    )
    assert shot.returncode == 0, shot.stderr
    image = QImage(str(png)).convertToFormat(QImage.Format.Format_RGB32)
    assert (image.width(), image.height()) == (1080, 1920)
    pixels = memoryview(image.constBits()).cast("I")
    # A blank or single-colour page has one or two; text and buttons bring hundreds of shades.
    assert len(set(pixels)) > 50

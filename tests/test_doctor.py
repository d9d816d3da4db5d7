"""``kiosk doctor`` on real CUPS, eSpeak NG and PulseAudio: healthy, and with one fault each."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import cage
from harness.audio import SINK_DESCRIPTION, PulseServer
from harness.cups import Q_PDF, CupsServer, private_cups, write_pdf
from harness.leaflets import write_leaflet
from kiosk import doctor
from kiosk.config import Config, load_config
from kiosk.printing.cups import JOB_TITLE, submit

REPO = Path(__file__).resolve().parents[1]
# What staff read for the natural voice (hibari-tts, pinned in pyproject.toml).
NATURAL_TITLE = "natural voice (hibari-tts 0.2.1, voice heart)"
NATURAL = f"the {NATURAL_TITLE}"
PACK = REPO / "resources/leaflets/vertebroplasty"
CHECKS = (
    "configuration",
    "log folder",
    "content pack",  # English
    "content pack",  # Spanish
    "words",  # Spanish
    "fonts",
    "screen",
    "printer",
    "print spool",
    "handout folder",
    "speech",  # English
    "speech",  # Spanish
    "audio",
)
NO_DISPLAY_NOTE = (
    "note    screen: no display could be opened here, so the real screen's resolution was not "
    "checked (run kiosk doctor as the kiosk's user while the kiosk runs, or on its desktop, to "
    "check it)"
)


@pytest.fixture
def healthy(
    pulse: PulseServer,  # noqa: ARG001 - its variables are in os.environ while it runs
    printers: CupsServer,  # noqa: ARG001 - likewise
    tmp_path: Path,
) -> Path:
    """A configuration file naming a working printer, with the private audio and print
    servers running (their variables are in os.environ, which the doctor inherits)."""
    config = tmp_path / "kiosk.toml"
    config.write_text(f'printer = "{Q_PDF}"\n', encoding="utf-8")
    return config


def _doctor(
    *args: str, env: dict[str, str] | None = None, cwd: Path = REPO
) -> tuple[int, list[str]]:
    """Run ``python -m kiosk ... doctor`` with no display; its exit status and report lines."""
    hidden = {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}
    environ = {name: value for name, value in os.environ.items() if name not in hidden}
    environ |= {"PYTHONPATH": str(REPO), **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", *args, "doctor"],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout.splitlines()


def _problems(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("PROBLEM")]


def test_a_healthy_kiosk_passes_every_check(healthy: Path, printers: CupsServer) -> None:
    status, lines = _doctor("--config", str(healthy))
    conf = printers.directory / "etc" / "cupsd.conf"
    assert status == 0, lines
    defaults = Config()
    assert lines[0] == f"ok      configuration: {healthy} (built-in defaults where not set)"
    assert lines[1] == f"ok      log folder: log_folder {defaults.log_folder} can be written"
    assert lines[2] == (
        "ok      content pack: 'Vertebroplasty for Spine Fracture Pain' in English, "
        f"8 pages and 5 questions ({PACK / 'en.md'})"
    )
    assert lines[3] == (
        "ok      content pack: 'Vertebroplastia para el dolor por fractura de la columna' in "
        f"Spanish, 8 pages and 5 questions ({PACK / 'es.md'})"
    )
    # Staff are told, patients never see it.
    assert lines[4] == (
        "note    content pack: es.md: translated from en.md and not yet reviewed by a medical "
        "translator (patients are offered it all the same); once one has, put their name and "
        "the date in reviewed_by"
    )
    catalog = REPO / "resources" / "translations" / "kiosk_es.qm"
    assert lines[5] == f"ok      words: the screens' words in Spanish ({catalog})"
    assert lines[6] == "ok      fonts: Atkinson Hyperlegible, the typeface made for low vision"
    assert lines[7] == (
        "ok      screen: set up for a 21.5-inch screen at 1920x1080 pixels, 4.03 pixels per mm; "
        "text and buttons are sized from this"
    )
    assert lines[8] == NO_DISPLAY_NOTE
    assert lines[9:] == [
        f"ok      printer: '{Q_PDF}' is ready to print",
        f"ok      print spool: CUPS deletes each handout once printed ({conf})",
        f"ok      handout folder: pdf_folder {defaults.pdf_folder} can be written",
        f"ok      speech: {NATURAL} speaks English, word by word",
        "ok      speech: eSpeak NG speaks Spanish with the usual Spanish voice",
        f"ok      audio: sound plays to '{SINK_DESCRIPTION}'",
        "kiosk doctor: everything the kiosk needs is working",
    ]
    # Every check, in order, each with an ok line.
    assert [line.split(":")[0].split(maxsplit=1)[1] for line in lines if line[:2] == "ok"] == [
        *CHECKS
    ]


@pytest.mark.usefixtures("healthy")
def test_no_printer_at_all_is_a_note_about_pdf_files(tmp_path: Path) -> None:
    config = tmp_path / "no-printer.toml"
    config.write_text(f'pdf_folder = "{tmp_path / "handouts"}"\n', encoding="utf-8")
    status, lines = _doctor("--config", str(config))
    assert status == 0, lines
    assert (
        "note    printer: no printer is set up and there is no default printer, so handouts "
        f"will be saved as PDF files in {tmp_path / 'handouts'}"
    ) in lines
    assert lines[-1] == "kiosk doctor: everything the kiosk needs is working"


def test_folders_that_cannot_be_written_are_problems_naming_the_key(
    healthy: Path, tmp_path: Path
) -> None:
    """Tried for real: the tests run as root, whom no permission bit stops, but nobody can
    make a folder in /proc or one where a file is."""
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("not a folder\n", encoding="utf-8")
    healthy.write_text(
        f'printer = "{Q_PDF}"\npdf_folder = "/proc/nope"\nlog_folder = "{in_the_way}"\n',
        encoding="utf-8",
    )
    status, lines = _doctor("--config", str(healthy))
    assert status == 1
    fix = (
        "create it for the user the kiosk runs as, or set {} in "
        f"{healthy} to a folder that user can write"
    )
    assert _problems(lines) == [
        f"PROBLEM log folder: log_folder {in_the_way} cannot be written (Not a directory) — "
        f"the kiosk's log goes to its standard error only; {fix.format('log_folder')}",
        "PROBLEM handout folder: pdf_folder /proc/nope cannot be written (No such file or "
        "directory) — with no printer, handouts cannot be saved and patients are told the "
        f"printer is not working; {fix.format('pdf_folder')}",
    ]
    assert lines[-1] == "kiosk doctor: 2 problems"


@pytest.mark.usefixtures("healthy")
def test_a_folder_that_can_be_made_is_ok_and_the_check_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    config = tmp_path / "kiosk.toml"
    handouts = tmp_path / "not yet" / "handouts"
    config.write_text(f'printer = "{Q_PDF}"\npdf_folder = "{handouts}"\n', encoding="utf-8")
    status, lines = _doctor("--config", str(config))
    assert status == 0, lines
    assert f"ok      handout folder: pdf_folder {handouts} can be written" in lines
    assert not (tmp_path / "not yet").exists(), "the doctor made it to try, then removed it"


def test_a_missing_print_server_is_a_printer_problem(healthy: Path, tmp_path: Path) -> None:
    socket = tmp_path / "no-cups.sock"
    status, lines = _doctor("--config", str(healthy), env={"CUPS_SERVER": str(socket)})
    assert status == 1
    assert _problems(lines) == [
        f"PROBLEM printer: the printing service (CUPS, at {socket}) is not running or not "
        "answering — start it (sudo systemctl start cups); until then patients are told the "
        "printer is not working"
    ]
    assert lines[-1] == "kiosk doctor: 1 problem"


def test_a_paused_printer_says_why_and_how_to_resume(healthy: Path, printers: CupsServer) -> None:
    printers.disable(Q_PDF, "Out of paper")
    status, lines = _doctor("--config", str(healthy))
    assert status == 1
    assert _problems(lines) == [
        f"PROBLEM printer: printer '{Q_PDF}' is paused: \"Out of paper\" — run cupsenable "
        f"{Q_PDF}; until then patients are told the printer is not working"
    ]


def _pack_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the shipped pack with ``old`` replaced by ``new`` in its es.md."""
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    spanish = pack / "es.md"
    text = spanish.read_text(encoding="utf-8")
    assert old in text
    spanish.write_text(text.replace(old, new, 1), encoding="utf-8")
    return pack


def test_a_reviewed_translation_says_who_reviewed_it(healthy: Path, tmp_path: Path) -> None:
    pack = _pack_with(tmp_path, 'reviewed_by = ""', 'reviewed_by = "Ana Pérez, 2026-12-01"')
    status, lines = _doctor("--config", str(healthy), "--content", str(pack))
    assert status == 0, lines
    assert lines[3:5] == [
        "ok      content pack: 'Vertebroplastia para el dolor por fractura de la columna' in "
        f"Spanish, 8 pages and 5 questions ({pack / 'es.md'})",
        "ok      content pack: es.md: translated from en.md, reviewed by Ana Pérez, 2026-12-01",
    ]
    assert not [line for line in lines if "not yet reviewed" in line]


def test_an_unreviewed_default_language_is_noted_too(healthy: Path) -> None:
    # A Spanish-default clinic: the translation it starts in is the one to review first.
    healthy.write_text(f'printer = "{Q_PDF}"\nlanguage = "es"\n', encoding="utf-8")
    status, lines = _doctor("--config", str(healthy))
    assert status == 0, lines
    assert lines[2].startswith("ok      content pack: 'Vertebroplastia para el dolor")
    assert lines[3].startswith(
        "note    content pack: es.md: translated from en.md and not yet reviewed by a medical "
        "translator"
    )
    assert lines[4].startswith("ok      content pack: 'Vertebroplasty for Spine Fracture Pain'")


def test_a_translation_that_does_not_match_is_not_offered(healthy: Path, tmp_path: Path) -> None:
    pack = _pack_with(tmp_path, "- [ ] ¿Cuánto tiempo tardará mi recuperación?\n", "")
    status, lines = _doctor("--config", str(healthy), "--content", str(pack))
    assert status == 1
    problems = _problems(lines)
    assert len(problems) == 1, lines
    assert problems[0].startswith(
        f"PROBLEM content pack: Spanish is not offered to patients: {pack / 'es.md'}, line "
    )
    assert ": it has 4 questions and en.md has 5: en.md's question 5, line " in problems[0]


def test_a_missing_speech_engine_is_a_speech_problem(healthy: Path, tmp_path: Path) -> None:
    empty = tmp_path / "espeak-data"
    empty.mkdir()
    with healthy.open("a", encoding="utf-8") as file:
        file.write('voice_engine = "espeak"\n')
    # libespeak-ng finds no data there and exits the worker process.
    status, lines = _doctor("--config", str(healthy), env={"ESPEAK_DATA_PATH": str(empty)})
    assert status == 1
    problems = _problems(lines)
    assert len(problems) == 1, lines
    assert problems[0].startswith("PROBLEM speech: the speech engine ")
    assert problems[0].endswith(
        '(eSpeak NG, the usual English voice) — patients will see "sound is off" on the Listen '
        "button; check that espeak-ng is installed (apt-get install espeak-ng)"
    )
    assert lines[-1] == "kiosk doctor: 1 problem"


def test_without_espeak_ng_english_is_still_read_and_spanish_is_off(
    healthy: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "espeak-data"
    empty.mkdir()
    status, lines = _doctor("--config", str(healthy), env={"ESPEAK_DATA_PATH": str(empty)})
    assert status == 1
    assert f"ok      speech: {NATURAL} speaks English, word by word" in lines
    problems = _problems(lines)
    assert len(problems) == 1, lines
    assert problems[0].startswith("PROBLEM speech: the speech engine ")
    assert "(eSpeak NG, the usual Spanish voice) — Listen is off in Spanish" in problems[0]


def _kiosk_copy(tmp_path: Path, ignore: str) -> Path:
    """The kiosk copied as a careless install would, without files matching ``ignore``."""
    copy = tmp_path / "kiosk-copy"
    shutil.copytree(REPO / "kiosk", copy / "kiosk", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "resources", copy / "resources", ignore=shutil.ignore_patterns(ignore))
    return copy


def test_a_damaged_natural_voice_is_a_note_and_espeak_ng_reads_english(
    healthy: Path, tmp_path: Path
) -> None:
    copy = _kiosk_copy(tmp_path, "__pycache__")
    model = copy / "resources" / "voices" / "hibari-heart.timed.onnx"
    model.write_bytes(model.read_bytes()[:500_000])  # a disk error, an interrupted copy
    status, lines = _doctor("--config", str(healthy), env={"PYTHONPATH": str(copy)}, cwd=copy)
    assert status == 0, lines
    assert (
        "note    speech: the natural voice does not work (the speech engine could not start); "
        "eSpeak NG reads English instead — the cause is in the log; reinstalling the kiosk "
        "(./dev.sh) puts the voice back"
    ) in lines
    assert "ok      speech: eSpeak NG speaks English with the usual English voice" in lines

    with healthy.open("a", encoding="utf-8") as file:
        file.write('voice_engine = "neural"\n')
    status, lines = _doctor("--config", str(healthy), env={"PYTHONPATH": str(copy)}, cwd=copy)
    assert status == 1
    assert _problems(lines)[0].startswith("PROBLEM speech: the natural voice does not work")


def test_a_kiosk_set_up_without_the_timed_model_highlights_sentences(
    healthy: Path, tmp_path: Path
) -> None:
    copy = _kiosk_copy(tmp_path, "*.onnx")
    status, lines = _doctor("--config", str(healthy), env={"PYTHONPATH": str(copy)}, cwd=copy)
    assert status == 0, lines
    model = copy / "resources" / "voices" / "hibari-heart.timed.onnx"
    assert (
        f"note    speech: the {NATURAL_TITLE} speaks English, highlighting whole sentences: "
        f"{model} is missing; make it with 'python -m kiosk.narration.engines.timed_model "
        "build' (./dev.sh does) so that each word is highlighted as it is heard"
    ) in lines


def test_a_catalog_never_compiled_is_a_problem_for_the_screens_words(
    healthy: Path, tmp_path: Path
) -> None:
    """A kiosk copied without running the set-up has the .ts in git but no .qm."""
    copy = _kiosk_copy(tmp_path, "*.qm")
    status, lines = _doctor("--config", str(healthy), env={"PYTHONPATH": str(copy)}, cwd=copy)
    assert status == 1
    qm = copy / "resources" / "translations" / "kiosk_es.qm"
    assert _problems(lines) == [
        f"PROBLEM words: {qm} is missing: compile the catalogs with 'python -m kiosk.catalogs "
        "build' (./dev.sh does) — until then patients who choose Spanish read English buttons"
    ]


def test_a_voice_missing_for_one_language_is_a_problem_for_that_language_alone(
    healthy: Path,
) -> None:
    with healthy.open("a", encoding="utf-8") as file:
        file.write('[voices]\nes = "no-such-voice"\n')
    status, lines = _doctor("--config", str(healthy))
    assert status == 1
    assert f"ok      speech: {NATURAL} speaks English, word by word" in lines
    assert _problems(lines) == [
        "PROBLEM speech: the voice 'no-such-voice' is not installed (eSpeak NG, the voice "
        "'no-such-voice') — Listen is off in Spanish; espeak-ng --voices lists the installed "
        "voices"
    ]


def test_a_missing_audio_server_is_an_audio_problem(healthy: Path, tmp_path: Path) -> None:
    env = {"PULSE_SERVER": f"unix:{tmp_path / 'no-pulse'}", "QT_AUDIO_BACKEND": "pulseaudio"}
    status, lines = _doctor("--config", str(healthy), env=env)
    assert status == 1
    assert _problems(lines) == [
        "PROBLEM audio: no audio output device (is the sound server running?) — patients will "
        'see "sound is off" on the Listen button'
    ]
    assert lines[-1] == "kiosk doctor: 1 problem"


def test_a_bad_configuration_value_names_the_key_and_line(healthy: Path) -> None:
    healthy.write_text(f'printer = "{Q_PDF}"\n[screen]\ndiagonal_in = 2\n', encoding="utf-8")
    status, lines = _doctor("--config", str(healthy))
    assert status == 1
    assert _problems(lines) == [
        f"PROBLEM configuration: {healthy}, line 3: screen.diagonal_in: 2 is out of range; "
        "allowed 5.0 to 100.0; using the built-in default"
    ]
    # The rest of the checks still run, on the defaults.
    assert "ok      content pack" in "\n".join(lines)
    assert lines[-1] == "kiosk doctor: 1 problem"


def test_a_check_that_crashes_is_a_problem_and_the_rest_still_run(
    healthy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fake: no real content pack raises anything but ContentError, which is reported as such.
    def explode(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(doctor, "offered_leaflets", explode)
    config, problems = load_config(healthy)
    out = io.StringIO()
    assert doctor.run_doctor(config, healthy, problems, out) == 1
    lines = out.getvalue().splitlines()
    assert _problems(lines) == [
        "PROBLEM content pack: the check itself failed (RuntimeError: disk on fire); please pass "
        "this line to whoever looks after the kiosk"
    ]
    assert lines[-2] == f"ok      audio: sound plays to '{SINK_DESCRIPTION}'"


@pytest.mark.usefixtures("printers")
def test_a_cups_that_keeps_printed_handouts_is_a_problem_saying_how_to_stop_it(
    healthy: Path, tmp_path: Path
) -> None:
    """CUPS's default PreserveJobFiles keeps each document a day, where a restart of the job
    prints it again; the shipped Debian cupsd.conf does not change it."""
    with private_cups(preserve_job_files=None) as keeping:
        status, report = _doctor("--config", str(healthy))
        handout = write_pdf(tmp_path / "handout.pdf", ["Questions for your doctor"])
        outcome = submit(handout, Q_PDF, JOB_TITLE)
        spooled = sorted((keeping.directory / "spool").glob("d*"))
    assert status == 1, report
    [line] = [line for line in report if line.startswith("PROBLEM print spool: ")]
    conf = keeping.directory / "etc" / "cupsd.conf"
    assert f"add the line PreserveJobFiles No to {conf} and restart CUPS" in line
    assert outcome.fault is None
    assert outcome.file_kept, "CUPS says so of the job too"
    assert spooled, "the document is still in the spool after printing"


def test_a_cups_that_deletes_printed_handouts_is_ok(healthy: Path, printers: CupsServer) -> None:
    status, report = _doctor("--config", str(healthy))
    conf = printers.directory / "etc" / "cupsd.conf"
    assert f"ok      print spool: CUPS deletes each handout once printed ({conf})" in report
    assert status == 0, report


def test_from_a_shell_the_doctor_checks_the_running_kiosks_screen(healthy: Path) -> None:
    """As staff run it over ssh: no display named, only the kiosk user's runtime folder, where
    the running cage has its Wayland display. Qt's own lines stay out of the report."""
    missing = cage.missing_commands()
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: {cage.PACKAGES}", pytrace=False)
    waiting = ["sh", "-c", "echo shown; read _"]  # a stand-in for the kiosk, until told to end
    with cage.headless_cage(waiting) as running:
        assert running.process.stdout is not None
        assert running.process.stdout.readline() == "shown\n", running.process.stderr
        config = running.runtime / "kiosk.toml"
        shutil.copyfile(healthy, config)
        hidden = {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_STATE_HOME"}
        environ = {name: value for name, value in os.environ.items() if name not in hidden}
        result = subprocess.run(
            [*cage.as_user(), sys.executable, "-m", "kiosk", "--config", str(config), "doctor"],
            cwd=REPO,
            env={**environ, "PYTHONPATH": str(REPO), **running.environment()},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    lines = result.stdout.splitlines()
    assert NO_DISPLAY_NOTE not in lines, lines
    # cage's headless output is 1280x720, not the configured 1920x1080: the real screen was
    # measured.
    assert any(
        line.startswith("note    screen: the screen shows 1280x720 pixels but the configuration")
        for line in lines
    ), lines
    for qt_line in ("qt.multimedia", "PulseAudioService", "qt.qpa"):
        assert qt_line not in result.stdout + result.stderr, result.stderr


def test_the_doctor_lists_the_leaflets_of_the_topic_menu(healthy: Path) -> None:
    """A kiosk of several leaflets: each in the menu's order; one without Spanish is a note
    (patients are told), a broken one is left out of the menu with its file and line."""
    folder = healthy.parent / "leaflets"
    write_leaflet(folder, 1, ("en", "es"))
    write_leaflet(folder, 2, ("en",))
    broken = write_leaflet(folder, 3, ("en", "es")) / "en.md"
    broken.write_text(broken.read_text("utf-8").replace("## Test page", "### Test page"), "utf-8")
    healthy.write_text(
        healthy.read_text("utf-8")
        + 'leaflets = ["test-1", "vertebroplasty", "test-2", "test-3"]\n',
        encoding="utf-8",
    )
    status, lines = _doctor("--config", str(healthy))
    assert (
        "ok      leaflets: 3 of 4 leaflets in the topic menu, in this order: 'Test topic 1', "
        "'Vertebroplasty for Spine Fracture Pain', 'Test topic 2'"
    ) in lines
    assert (
        f"note    leaflets: {folder / 'test-2'}: the leaflet has no Spanish file (es.md); "
        "patients who choose Spanish are told and shown it in the clinic's language"
    ) in lines
    assert any(
        line.startswith(f"PROBLEM leaflets: test-3 is left out of the topic menu: {broken}, line ")
        for line in lines
    ), lines
    assert status == 1

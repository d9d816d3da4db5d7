"""The ``kiosk`` command as staff run it: exit codes and one-line messages, never a traceback."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
import wave
from array import array
from collections.abc import Sequence
from pathlib import Path

import pytest

from harness.cups import Q_PDF, CupsServer, pdf_text
from harness.leaflets import write_library
from kiosk.staff.pin import parse_pin_hash

REPO = Path(__file__).resolve().parents[1]
PACK = "resources/leaflets/vertebroplasty"
# What logging.basicConfig writes: "2026-01-01 10:00:00,000 INFO kiosk.init: ..."
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ")


def _kiosk(
    *args: str,
    env: dict[str, str] | None = None,
    runner: Sequence[str] = (),
    timeout_s: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m kiosk`` in the repository root, with no display unless ``env`` gives one;
    ``runner`` is a command to run it through (such as setpriv)."""
    hidden = {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}
    environ = {name: value for name, value in os.environ.items() if name not in hidden}
    environ |= {"PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(
        [*runner, sys.executable, "-m", "kiosk", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


def test_content_check_of_the_shipped_pack_needs_no_display() -> None:
    result = _kiosk("content", "check", PACK)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"{PACK}/en.md: ok: 'Vertebroplasty for Spine Fracture Pain' (en), 8 pages, 5 questions",
        f"{PACK}/es.md: ok: 'Vertebroplastia para el dolor por fractura de la columna' (es), "
        "8 pages, 5 questions",
        f"{PACK}/es.md: note: translated from en.md and not yet reviewed by a medical "
        "translator (patients are offered it all the same); once one has, put their name and "
        "the date in reviewed_by",
        f"{PACK}/pronunciation-en.toml: ok: 3 words",
        f"{PACK}/pronunciation-es.toml: ok: 1 word",
    ]


def test_content_check_says_who_reviewed_a_translation(tmp_path: Path) -> None:
    shutil.copytree(REPO / PACK, tmp_path, dirs_exist_ok=True)
    spanish = tmp_path / "es.md"
    text = spanish.read_text(encoding="utf-8")
    spanish.write_text(
        text.replace('reviewed_by = ""', 'reviewed_by = "Ana Pérez, 2026-12-01"'),
        encoding="utf-8",
    )
    for checked in (tmp_path, spanish):  # the pack, and the file alone
        result = _kiosk("content", "check", str(checked))
        assert (result.returncode, result.stderr) == (0, "")
        assert f"{spanish}: note: translated from en.md, reviewed by Ana Pérez, 2026-12-01" in (
            result.stdout.splitlines()
        )
        assert "not yet reviewed" not in result.stdout


def test_content_check_of_the_spanish_leaflet_alone_says_it_is_not_reviewed() -> None:
    result = _kiosk("content", "check", f"{PACK}/es.md")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1].startswith(
        f"{PACK}/es.md: note: translated from en.md and not yet reviewed by a medical translator"
    )


def test_content_check_of_a_broken_pack_prints_file_line_and_problem(tmp_path: Path) -> None:
    leaflet = REPO / PACK / "en.md"
    broken = tmp_path / "en.md"
    broken.write_text(
        leaflet.read_text(encoding="utf-8").replace("- Nerve injuries.", "- [ ] Nerve injuries."),
        encoding="utf-8",
    )
    # The list that holds the question, where the problem is found.
    lines = broken.read_text(encoding="utf-8").split("\n")
    line = lines.index("- Allergic reaction to the medicines.") + 1
    result = _kiosk("content", "check", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{broken}, line {line}: questions (- [ ] ...) cannot go in the section 'Is the procedure "
        "safe?', which has other text; put them under a heading of their own, such as "
        "# Questions to ask your doctor, with nothing else under it"
    ]


def test_content_check_of_a_folder_of_leaflets_checks_each(tmp_path: Path) -> None:
    """The clinic's leaflets/ folder: every leaflet is checked, and a broken one is named with
    its file and line without hiding the others."""
    write_library(tmp_path, 3)
    broken = tmp_path / "test-2" / "en.md"
    text = broken.read_text(encoding="utf-8").replace("## Test page 2.1", "### Test page 2.1")
    broken.write_text(text, encoding="utf-8")
    line = text.split("\n").index("### Test page 2.1") + 1
    result = _kiosk("content", "check", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'test-1' / 'en.md'}: ok: 'Test topic 1' (en), 4 pages, 3 questions",
        f"{tmp_path / 'test-3' / 'en.md'}: ok: 'Test topic 3' (en), 4 pages, 3 questions",
        f"{tmp_path}: 2 of 3 leaflets ok, 1 with problems (above)",
    ]
    assert result.stderr.startswith(f"{broken}, line {line}: only # and ## headings"), result.stderr


def test_content_check_writes_the_readability_report_of_each_language(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    home = tmp_path / "home"  # textstat's nltk would put a downloaded dictionary here
    home.mkdir()
    result = _kiosk("content", "check", PACK, "--report", str(report), env={"HOME": str(home)})
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[:5] == _kiosk("content", "check", PACK).stdout.splitlines()
    assert lines[5:] == [
        f"{PACK}/en.md: readability: 23 warnings (see {report})",
        f"{PACK}/es.md: readability: 28 warnings (see {report})",
    ]
    text = report.read_text(encoding="utf-8")
    assert "## en.md: Vertebroplasty for Spine Fracture Pain (en)" in text
    assert "| **The whole leaflet** | 1 | 640 | 57 | 6.6 | 9.5 ⚠ |" in text
    assert "## es.md: Vertebroplastia para el dolor por fractura de la columna (es)" in text
    assert "| **The whole leaflet** | 1 | 734 | 58 | 76.5 | 80.6 |" in text
    assert list(home.iterdir()) == []  # nothing was downloaded


def test_readability_warnings_leave_the_exit_status_and_errors_stay_errors(
    tmp_path: Path,
) -> None:
    leaflet = tmp_path / "en.md"
    long_sentence = " ".join(["the cat sat"] * 10) + "."  # 30 words: a warning
    leaflet.write_text(
        '+++\ntitle = "Test leaflet"\nlanguage = "en"\nsource = "Test data"\n+++\n\n'
        f"The cat sat on the mat.\n\n## A long walk\n\n{long_sentence}\n\n"
        "## Questions to ask your doctor\n\n- [ ] Is this right for me?\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.md"
    result = _kiosk("content", "check", str(leaflet), "--report", str(report))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1] == f"{leaflet}: readability: 2 warnings (see {report})"
    text = report.read_text(encoding="utf-8")
    assert f"- line 11, 30 words: “{long_sentence}”" in text
    assert "- FAIL: item 11. The material provides a summary." in text

    report.unlink()
    leaflet.write_text(leaflet.read_text(encoding="utf-8").replace('"en"', '"fr"'), "utf-8")
    broken = _kiosk("content", "check", str(leaflet), "--report", str(report))
    assert broken.returncode == 1
    assert broken.stderr.startswith(f"{leaflet}, line 3: unknown language 'fr'")
    assert not report.exists()


@pytest.mark.parametrize("where", ["missing folder", "a folder"])
def test_a_report_that_cannot_be_written_names_its_path(tmp_path: Path, where: str) -> None:
    report = tmp_path / "nosuch" / "report.md" if where == "missing folder" else tmp_path
    reason = "No such file or directory" if where == "missing folder" else "Is a directory"
    result = _kiosk("content", "check", PACK, "--report", str(report))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"kiosk: cannot write the readability report to {report}: {reason}; give --report a "
        "file in a folder you can write to"
    ]


def test_content_check_of_a_missing_pack(tmp_path: Path) -> None:
    result = _kiosk("content", "check", str(tmp_path / "nosuch"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{tmp_path / 'nosuch'}: the content pack does not exist"]


def test_content_check_of_a_broken_pronunciation_list_names_its_line(tmp_path: Path) -> None:
    shutil.copytree(REPO / PACK, tmp_path, dirs_exist_ok=True)
    listing = tmp_path / "pronunciation-en.toml"
    listing.write_text("[words]\nkyphoplasty = 3\n", encoding="utf-8")
    result = _kiosk("content", "check", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{listing}, line 2: 'kyphoplasty' needs its spoken form in quotes"
    ]
    single = _kiosk("content", "check", str(listing))
    assert (single.returncode, single.stderr) == (1, result.stderr)


@pytest.mark.parametrize(
    ("name", "checked"),
    [
        pytest.param("en.md", "pack", id="leaflet in a pack"),
        pytest.param("en.md", "file", id="leaflet file"),
        pytest.param("pronunciation-en.toml", "pack", id="pronunciation list"),
    ],
)
def test_content_check_refuses_a_named_pipe_without_waiting_on_it(
    tmp_path: Path, name: str, checked: str
) -> None:
    """Opening a FIFO waits until something writes to it: the check must not open it. Should it
    do so, the time limit ends the child and fails the test instead of hanging it."""
    pack = tmp_path / "pack"
    shutil.copytree(REPO / PACK, pack)
    fifo = pack / name
    fifo.unlink()
    os.mkfifo(fifo)
    result = _kiosk("content", "check", str(pack if checked == "pack" else fifo), timeout_s=30)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{fifo}: this is a named pipe (FIFO), not an ordinary file; put the text file itself here"
    ]


def _without_power_to_read_everything() -> list[str]:
    """A command prefix under which a child meets file permissions as staff do.

    Root reads every file: as root, the child runs without the capabilities that let it
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), through setpriv."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    prefix = [setpriv or "setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    if setpriv is None or subprocess.run([*prefix, "true"], check=False).returncode != 0:
        pytest.skip("running as root, and setpriv cannot drop root's power to read any file")
    return prefix


def test_content_check_in_an_unreadable_folder_says_so_in_one_line(tmp_path: Path) -> None:
    locked = tmp_path / "pack"
    shutil.copytree(REPO / PACK, locked)
    locked.chmod(0)
    try:
        runner = _without_power_to_read_everything()
        of_file = _kiosk("content", "check", str(locked / "en.md"), runner=runner)
        of_folder = _kiosk("content", "check", str(locked), runner=runner)
        locked.chmod(0o755)
        (locked / "en.md").chmod(0)
        of_unreadable_file = _kiosk("content", "check", str(locked), runner=runner)
    finally:
        locked.chmod(0o755)
    hint = "make it readable, and its folders openable, by the user the kiosk runs as"
    assert (of_file.returncode, of_file.stdout) == (1, "")
    assert of_file.stderr.splitlines() == [
        f"{locked / 'en.md'}: the content pack cannot be read (Permission denied); {hint}"
    ]
    assert (of_folder.returncode, of_folder.stdout) == (1, "")
    assert of_folder.stderr.splitlines() == [
        f"{locked}: the folder cannot be read (Permission denied); {hint}"
    ]
    assert of_unreadable_file.stderr.splitlines() == [
        f"{locked / 'en.md'}: the file cannot be read (Permission denied); {hint}"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--bogus"], "unrecognized arguments: --bogus", id="unknown option"),
        pytest.param(["frobnicate"], "invalid choice: 'frobnicate'", id="unknown command"),
        pytest.param(["content"], "required: content_command", id="content without command"),
        pytest.param(["content", "check"], "required: path", id="check without path"),
        pytest.param(
            ["screenshot", "--out", "x.png"], "required: --page", id="screenshot without page"
        ),
        pytest.param(
            ["screenshot", "--page", "home", "--out", "x.png", "--size", "banana"],
            "size must look like 1920x1080, not 'banana'",
            id="size banana",
        ),
        pytest.param(
            ["screenshot", "--page", "home", "--out", "x.png", "--text-size", "9"],
            "argument --text-size: invalid choice: 9",
            id="text size 9",
        ),
    ],
)
def test_wrong_arguments_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = _kiosk(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_screenshot_of_an_unknown_page_exits_1_with_one_line(tmp_path: Path) -> None:
    out = tmp_path / "page.png"
    result = _kiosk(
        "screenshot", "--page", "nosuch", "--out", str(out), env={"QT_QPA_PLATFORM": "offscreen"}
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    messages = [line for line in result.stderr.splitlines() if not LOG_RECORD.match(line)]
    assert len(messages) == 1, result.stderr
    assert messages[0].startswith(
        "kiosk: unknown page 'nosuch'; use welcome, still-here, staff-pin, staff, home, intro, "
        "questions"
    )
    assert not out.exists()


def test_start_without_a_display_exits_1_with_one_line() -> None:
    result = _kiosk()
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kiosk: no display found")


def test_speak_writes_what_listen_says_on_a_page_to_a_wav(tmp_path: Path) -> None:
    out = tmp_path / "questions.wav"
    result = _kiosk("speak", "--page", "questions", "--tick", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    # Heading, the instruction's two sentences, the count, five questions, what will print
    # (its heading and the one ticked question), the publisher and the source.
    assert result.stdout.strip() == f"{out}: 13 sentences"
    with wave.open(str(out)) as audio:
        assert (audio.getnchannels(), audio.getsampwidth()) == (1, 2)
        seconds = audio.getnframes() / audio.getframerate()
        samples = array("h", audio.readframes(audio.getnframes()))
    assert 20 < seconds < 90, f"{seconds:.1f} s for thirteen sentences"
    rms = (sum(s * s for s in samples) / len(samples)) ** 0.5 / 32768
    assert rms > 0.02, "the file holds speech, not silence"


def test_the_natural_voice_leaves_nothing_in_home_or_the_temporary_folder(tmp_path: Path) -> None:
    # onnxruntime's telemetry, on unless turned off, keeps a device id under ~/.cache and a
    # ".ses" file in the temporary folder; the variable is emptied here as on a fresh machine.
    home, temp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    temp.mkdir()
    out = tmp_path / "out" / "home.wav"
    out.parent.mkdir()
    env = {
        "HOME": str(home),
        "TMPDIR": str(temp),
        "XDG_CACHE_HOME": "",
        "ORT_DISABLE_TELEMETRY": "",
    }
    result = _kiosk("speak", "--page", "home", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    with wave.open(str(out)) as audio:
        assert audio.getframerate() == 24000, "the natural voice read it"
    assert not (home / ".cache").exists()
    files = [p.relative_to(tmp_path) for p in tmp_path.rglob("*") if not p.is_dir()]
    assert files == [Path("out/home.wav")]


def test_speak_of_an_unknown_page_exits_1_with_one_line(tmp_path: Path) -> None:
    result = _kiosk("speak", "--page", "nosuch", "--out", str(tmp_path / "x.wav"))
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if not LOG_RECORD.match(line)] == [
        "kiosk: unknown page 'nosuch'; use welcome, still-here, staff-pin, staff, home, intro, "
        "questions or section:1 to section:7"
    ]


def test_print_writes_a_handout_pdf_without_the_screens(tmp_path: Path) -> None:
    out = tmp_path / "handout.pdf"
    result = _kiosk("print", "--questions", "1,3", "--pdf", str(out))
    assert (result.returncode, result.stdout.strip()) == (0, f"{out}: handout written")
    text = " ".join(pdf_text(out).split())
    assert "Is vertebroplasty a good choice for me?" in text
    assert "Will I receive local or general anesthesia?" in text
    assert "How long will the procedure take?" not in text


def test_print_on_a_printer_follows_the_job_to_its_end(printers: CupsServer) -> None:
    result = _kiosk("print", "--questions", "2", "--printer", Q_PDF)
    assert result.returncode == 0, result.stderr
    said = re.fullmatch(rf"job ({Q_PDF}-\d+) printed on {Q_PDF}", result.stdout.strip())
    assert said is not None, result.stdout
    assert "How long will the procedure take?" in pdf_text(printers.printed(said[1]))
    printers.disable(Q_PDF, "Out of paper")
    failed = _kiosk("print", "--questions", "2", "--printer", Q_PDF)
    assert failed.returncode == 1
    assert len(failed.stderr.strip().splitlines()) == 1, failed.stderr
    assert Q_PDF in failed.stderr


def test_print_of_a_question_that_does_not_exist_exits_1_with_one_line(tmp_path: Path) -> None:
    result = _kiosk("print", "--questions", "9", "--pdf", str(tmp_path / "x.pdf"))
    assert result.returncode == 1
    assert result.stderr.strip() == "kiosk: no question 9; the leaflet has questions 1 to 5"


def test_config_show_prints_every_value_and_where_it_came_from(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('clinic_name = "Riverside Clinic"\nidle_timeout_s = 10\n', encoding="utf-8")
    result = _kiosk("--config", str(config), "config", "show")
    assert result.returncode == 1, "a problem in the file makes it exit 1"
    lines = result.stdout.splitlines()
    assert lines[0] == f"# Configuration file: {config}"
    shown = {line.split(" = ")[0]: line for line in lines if " = " in line}
    assert shown["clinic_name"].startswith('clinic_name = "Riverside Clinic"')
    assert shown["clinic_name"].endswith(f"# {config}, line 1")
    assert shown["idle_timeout_s"].startswith("idle_timeout_s = 120")
    assert shown["idle_timeout_s"].endswith("# built-in default")
    assert shown["screen.diagonal_in"].endswith("# built-in default")
    assert f"# Problem: {config}, line 2: idle_timeout_s: 10 is out of range" in result.stdout


def test_config_show_without_a_file_says_where_it_looked(tmp_path: Path) -> None:
    result = _kiosk("config", "show", env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 0
    first = result.stdout.splitlines()[0]
    assert first == (
        f"# No configuration file ({tmp_path / 'clinic-kiosk' / 'kiosk.toml'} does not exist): "
        "built-in defaults."
    )


def test_the_configuration_folder_is_read_without_config(tmp_path: Path) -> None:
    folder = tmp_path / "clinic-kiosk"
    folder.mkdir()
    (folder / "kiosk.toml").write_text('theme = "high_contrast"\n', encoding="utf-8")
    result = _kiosk("config", "show", env={"XDG_CONFIG_HOME": str(tmp_path)})
    [theme] = [line for line in result.stdout.splitlines() if line.startswith("theme = ")]
    assert theme.startswith('theme = "high_contrast" ')
    assert theme.endswith(f"  # {folder / 'kiosk.toml'}, line 1")


def test_set_pin_stores_only_a_salted_hash_and_keeps_the_rest(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('# our kiosk\nclinic_name = "Riverside"\n\n[screen]\nwidth_px = 1080\n')
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "set-pin", "--pin-stdin"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        input="97531\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Staff PIN set in {config}. Restart the kiosk to use it.\n"
    text = config.read_text(encoding="utf-8")
    assert "97531" not in text
    assert text.startswith('# our kiosk\nclinic_name = "Riverside"\n')
    loaded = tomllib.loads(text)
    assert loaded["screen"] == {"width_px": 1080}
    assert parse_pin_hash(loaded["staff_pin_hash"]).matches("97531")


@pytest.mark.parametrize("pin", ["12", "12a4", "1234567890123"])
def test_set_pin_refuses_a_pin_that_is_not_4_to_12_digits(tmp_path: Path, pin: str) -> None:
    config = tmp_path / "kiosk.toml"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "set-pin", "--pin-stdin"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        input=f"{pin}\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "4 to 12 digits" in result.stderr
    assert "nothing was changed" in result.stderr
    assert not config.exists()


def test_set_pin_refuses_a_pin_anyone_would_try_first(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "set-pin", "--pin-stdin"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        input="1111\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "kiosk: That PIN is too easy to guess (one digit repeated, which anyone would try "
        "first); choose 4 to 12 digits with no pattern, such as 6 digits picked at random; "
        "nothing was changed\n"
    )
    assert not config.exists()


def test_set_pin_without_a_terminal_says_to_use_pin_stdin(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "set-pin"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        start_new_session=True,  # no controlling terminal: /dev/tty cannot be opened
    )
    assert result.returncode == 1
    assert result.stderr == (
        "kiosk: no terminal to ask for the PIN on; use --pin-stdin to read it from standard "
        "input; nothing was changed\n"
    )
    assert result.stdout == ""
    assert not config.exists()


def test_speak_into_a_folder_that_cannot_be_written_says_so_in_one_line() -> None:
    result = _kiosk("speak", "--page", "home", "--out", "/proc/x.wav")
    assert result.returncode == 1
    assert result.stderr == "kiosk: cannot write /proc/x.wav (No such file or directory)\n"


def test_print_with_no_printer_and_a_pdf_folder_that_cannot_be_written_names_the_key(
    printers: CupsServer,  # noqa: ARG001 - a print server with no printer at all
    tmp_path: Path,
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('pdf_folder = "/proc/nope"\n', encoding="utf-8")
    result = _kiosk("--config", str(config), "print", "--questions", "1")
    assert result.returncode == 1
    assert result.stderr == (
        "kiosk: pdf_folder /proc/nope cannot be written (No such file or directory), so the "
        "handout was not saved; set pdf_folder to a folder this user can write\n"
    )


def test_config_show_reports_a_printer_cups_does_not_have(
    printers: CupsServer,  # noqa: ARG001 - its queues are the printers that exist
    tmp_path: Path,
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('clinic_name = "Riverside"\nprinter = "front_desk"\n', encoding="utf-8")
    result = _kiosk("--config", str(config), "config", "show")
    assert result.returncode == 1, "the README counts it as a configuration problem"
    assert result.stdout.splitlines()[-1] == (
        f"# Problem: {config}, line 2: printer: there is no printer called 'front_desk' "
        "(lpstat -p lists the printers); using the system's default printer"
    )
    config.write_text(f'printer = "{Q_PDF}"\n', encoding="utf-8")
    found = _kiosk("--config", str(config), "config", "show")
    assert found.returncode == 0, found.stdout
    assert "# Problem" not in found.stdout
    assert "# Not checked" not in found.stdout


def test_config_show_with_cups_not_running_says_so_not_printer_missing(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('printer = "front_desk"\n', encoding="utf-8")
    socket = tmp_path / "no-cups.sock"
    result = _kiosk("--config", str(config), "config", "show", env={"CUPS_SERVER": str(socket)})
    assert result.returncode == 0, "a print server that is down is not the setting's fault"
    assert result.stdout.splitlines()[-1] == (
        f"# Not checked: printer: the printing service (CUPS, at {socket}) is not answering, "
        "so whether it has printer 'front_desk' is not known"
    )
    assert "# Problem" not in result.stdout


def _set_pin(config: Path) -> subprocess.CompletedProcess[str]:
    """``kiosk set-pin`` with the usual umask, which leaves new files readable by everyone."""
    return subprocess.run(
        [
            *("sh", "-c", 'umask 022 && exec "$@"', "sh"),
            *(sys.executable, "-m", "kiosk", "--config", str(config), "set-pin", "--pin-stdin"),
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        input="97531\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_set_pin_makes_a_new_configuration_that_other_users_cannot_read(tmp_path: Path) -> None:
    config = tmp_path / "clinic-kiosk" / "kiosk.toml"
    result = _set_pin(config)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(config.stat().st_mode) == 0o640, "the PIN's hash is not for every user"


def test_set_pin_keeps_the_mode_owner_and_group_of_an_existing_configuration(
    tmp_path: Path,
) -> None:
    """As the package's /etc/clinic-kiosk/kiosk.toml: root's, readable by the kiosk's group."""
    config = tmp_path / "kiosk.toml"
    config.write_text('clinic_name = "Riverside"\n', encoding="utf-8")
    os.chown(config, 0, 4321)  # the tests run as root
    config.chmod(0o600)
    result = _set_pin(config)
    assert result.returncode == 0, result.stderr
    after = config.stat()
    assert (stat.S_IMODE(after.st_mode), after.st_uid, after.st_gid) == (0o600, 0, 4321)
    assert "staff_pin_hash" in config.read_text(encoding="utf-8")

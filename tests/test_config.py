"""The kiosk configuration: defaults, a file's overrides, and bad values falling back one by one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from harness.leaflets import write_library
from kiosk.config import (
    BUILT_IN,
    Config,
    ConfigProblem,
    ScreenSpec,
    describe,
    load_config,
    read_config,
    resources_dir,
)
from kiosk.keys import DEFAULT_KEYS, KEY_NAMES, KeyAction
from kiosk.staff.pin import hash_pin

# Every key set to something other than its default, so that each one visibly applies.
# Lines: 1 content_pack, 2 language, 3 text_size_percent, 4 theme, 6 [screen], 7-9 its keys.
VALID = """\
content_pack = "leaflets/knee"
language = "es"
text_size_percent = 150
theme = "high_contrast"

[screen]
width_px = 1280
height_px = 800
diagonal_in = 10.1
"""


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "leaflets" / "knee").mkdir(parents=True, exist_ok=True)  # VALID's content pack
    file = tmp_path / "kiosk.toml"
    file.write_text(text, encoding="utf-8")
    return file


def _with_line(number: int, text: str) -> str:
    """VALID with line ``number`` (1-based) replaced by ``text``, or ``text`` added at the end."""
    lines = VALID.splitlines()
    if number <= len(lines):
        lines[number - 1] = text
    else:
        lines.append(text)
    return "\n".join(lines) + "\n"


def _with_default(config: Config, key: str) -> Config:
    """``config`` with ``key`` ("theme", "screen.width_px") at its default, if it is a setting."""
    table, _, name = key.rpartition(".")
    if table == "screen" and name in ScreenSpec.__dataclass_fields__:
        default = getattr(ScreenSpec(), name)
        return replace(config, screen=replace(config.screen, **{name: default}))
    if not table and name in Config.__dataclass_fields__:
        return replace(config, **{name: getattr(Config(), name)})
    return config  # an unknown key changes nothing


def test_no_file_gives_the_defaults() -> None:
    config, problems = load_config(None)
    assert problems == []
    assert config.screen == ScreenSpec(width_px=1920, height_px=1080, diagonal_in=21.5)
    assert config.language == "en"
    assert config.text_size_percent == 100
    assert config.theme == "standard"
    assert config.content_pack == resources_dir() / "leaflets" / "vertebroplasty"
    assert (config.content_pack / "en.md").is_file()


def test_valid_file_overrides_every_key(tmp_path: Path) -> None:
    config, problems = load_config(_write(tmp_path, VALID))
    assert problems == []
    assert config == Config(
        content_pack=tmp_path / "leaflets" / "knee",  # relative to the file's folder
        language="es",
        screen=ScreenSpec(width_px=1280, height_px=800, diagonal_in=10.1),
        text_size_percent=150,
        theme="high_contrast",
    )


def test_absolute_content_pack_is_kept(tmp_path: Path) -> None:
    pack = tmp_path / "elsewhere"
    pack.mkdir()
    config, problems = load_config(_write(tmp_path, f'content_pack = "{pack}"\n'))
    assert problems == []
    assert config.content_pack == pack


@pytest.mark.parametrize(
    ("at", "line", "key", "problem"),
    [
        pytest.param(2, "language = 7", "language", "7 is not allowed", id="language number"),
        pytest.param(2, 'language = "fr"', "language", "'fr' is not allowed", id="language fr"),
        pytest.param(3, "text_size_percent = 90", "text_size_percent", "90", id="size 90"),
        pytest.param(3, "text_size_percent = 150.0", "text_size_percent", "150.0", id="size float"),
        pytest.param(3, 'text_size_percent = "150"', "text_size_percent", "'150'", id="size text"),
        pytest.param(4, 'theme = "dark"', "theme", "'dark' is not allowed", id="unknown theme"),
        pytest.param(1, "content_pack = 5", "content_pack", "text in quotes", id="pack number"),
        pytest.param(5, 'colour = "red"', "colour", "unknown key", id="unknown key"),
        pytest.param(7, 'width_px = "wide"', "screen.width_px", "whole number", id="width text"),
        pytest.param(7, "width_px = 1280.5", "screen.width_px", "whole number", id="width float"),
        pytest.param(8, "height_px = 100", "screen.height_px", "out of range", id="height small"),
        pytest.param(9, "diagonal_in = 500", "screen.diagonal_in", "out of range", id="diag big"),
        pytest.param(9, "diagonal_in = true", "screen.diagonal_in", "must be", id="diag bool"),
        pytest.param(10, "depth_mm = 40", "screen.depth_mm", "unknown key", id="screen key"),
        # Found in [screen], not at the top-level key of the same name on line 4.
        pytest.param(10, "theme = 1", "screen.theme", "unknown key", id="screen.theme"),
    ],
)
def test_bad_value_names_key_file_and_line_and_keeps_the_rest(
    tmp_path: Path, at: int, line: str, key: str, problem: str
) -> None:
    file = _write(tmp_path, _with_line(at, line))
    config, problems = load_config(file)

    assert [(p.path, p.line, p.key) for p in problems] == [(str(file), at, key)]
    assert problem in problems[0].problem
    assert str(problems[0]).startswith(f"{file}, line {at}: {key}: ")
    # The bad key falls back to its default; every other key still applies.
    assert config == _with_default(load_config(_write(tmp_path, VALID))[0], key)


def test_screen_that_is_not_a_table_keeps_the_default_screen(tmp_path: Path) -> None:
    file = _write(tmp_path, 'theme = "high_contrast"\nscreen = "big"\n')
    config, problems = load_config(file)
    assert [(p.line, p.key) for p in problems] == [(2, "screen")]
    assert "must be a [table]" in problems[0].problem
    assert config == replace(Config(), theme="high_contrast")


def test_invalid_toml_names_the_file_and_line_and_gives_the_defaults(tmp_path: Path) -> None:
    file = _write(tmp_path, 'language = "es"\ntheme = high_contrast\n')
    config, problems = load_config(file)
    assert problems == [ConfigProblem(str(file), 2, "(file)", "not valid TOML (Invalid value)")]
    assert str(problems[0]).startswith(f"{file}, line 2: ")
    assert config == Config()


def test_text_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    file = tmp_path / "kiosk.toml"
    file.write_bytes(b'language = "es"\n# caf\xe9\n')
    config, problems = load_config(file)
    assert [(p.path, p.line) for p in problems] == [(str(file), 2)]
    assert config == Config()


def test_missing_file_is_one_problem_and_gives_the_defaults(tmp_path: Path) -> None:
    file = tmp_path / "nosuch.toml"
    config, problems = load_config(file)
    assert [(p.path, p.line) for p in problems] == [(str(file), None)]
    assert "cannot read" in str(problems[0])
    assert config == Config()


def test_default_screen_scale_and_physical_sizes() -> None:
    screen = ScreenSpec()
    assert screen.orientation == "landscape"
    assert screen.px_per_mm == pytest.approx(4.034, abs=5e-4)
    assert screen.px(15) == 61  # 60.5 pixels: rounded up, never below the minimum
    assert screen.mm(screen.px(15)) >= 15


def test_portrait_is_the_same_screen_turned() -> None:
    portrait = ScreenSpec().with_size(1080, 1920)
    assert portrait.orientation == "portrait"
    assert portrait.px_per_mm == pytest.approx(ScreenSpec().px_per_mm)
    assert portrait.diagonal_in == 21.5


def test_smaller_screen_has_more_pixels_per_mm() -> None:
    tablet = ScreenSpec(width_px=1280, height_px=800, diagonal_in=10.1)
    assert tablet.px_per_mm > ScreenSpec().px_per_mm
    assert tablet.px_per_mm == pytest.approx(5.884, abs=5e-4)
    assert tablet.px(15) == 89


def test_narration_settings_are_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        'voice = "en-gb"\nspeech_rate_wpm = 110\nvolume_percent = 30\n', encoding="utf-8"
    )
    config, problems = load_config(path)
    assert config.voice == "en-gb"
    assert config.speech_rate_wpm == 110
    assert config.volume_percent == 75, "a bad value keeps the default"
    assert [(p.key, p.line) for p in problems] == [("volume_percent", 3)]
    assert "25, 50, 75, 100" in problems[0].problem


def test_the_example_configuration_is_valid() -> None:
    config, problems = load_config(resources_dir() / "kiosk.example.toml")
    assert problems == []
    assert config == replace(Config(), content_pack=config.content_pack)


def test_a_content_pack_that_does_not_exist_keeps_the_built_in_leaflet(tmp_path: Path) -> None:
    file = _write(tmp_path, 'theme = "high_contrast"\ncontent_pack = "leaflets/hip"\n')
    config, problems = load_config(file)
    assert [(p.line, p.key) for p in problems] == [(2, "content_pack")]
    assert f"{tmp_path / 'leaflets' / 'hip'} does not exist" in str(problems[0])
    assert str(problems[0]).endswith("; using the built-in default")
    assert config == replace(Config(), theme="high_contrast")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("idle_timeout_s = 10", "10 is out of range; allowed 30 to 3600"),
        ("idle_timeout_s = 90.5", "must be a whole number"),
        ("idle_warning_s = 5", "5 is out of range; allowed 20 to 300"),
        ('idle_warning_s = "30"', "must be a whole number"),
        ("log_folder = 3", "must be text in quotes"),
        ("roll_answer_lines = 5", "5 is out of range; allowed 0 to 4"),
    ],
)
def test_idle_times_and_folders_are_checked(tmp_path: Path, line: str, problem: str) -> None:
    key = line.split(" ", maxsplit=1)[0]
    config, problems = load_config(_write(tmp_path, line + "\n"))
    assert [(p.line, p.key) for p in problems] == [(1, key)]
    assert problem in problems[0].problem
    assert getattr(config, key) == getattr(Config(), key)


def test_metrics_folder_is_off_when_empty_and_relative_to_the_file(tmp_path: Path) -> None:
    assert Config().metrics_folder is None
    config, problems = load_config(_write(tmp_path, 'metrics_folder = ""\n'))
    assert (config.metrics_folder, problems) == (None, [])
    (tmp_path / "textfile").mkdir()
    config, problems = load_config(_write(tmp_path, 'metrics_folder = "textfile"\n'))
    assert (config.metrics_folder, problems) == (tmp_path / "textfile", [])


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"missing"', "does not exist; give node_exporter's textfile folder"),
        ('"a-file"', "is a file, not a folder"),
        ("7", "must be text in quotes"),
    ],
)
def test_a_bad_metrics_folder_names_the_key_and_what_to_do(
    tmp_path: Path, value: str, problem: str
) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    config, problems = load_config(
        _write(tmp_path, f'theme = "standard"\nmetrics_folder = {value}\n')
    )
    assert config.metrics_folder is None
    assert [(p.line, p.key) for p in problems] == [(2, "metrics_folder")]
    assert problem in problems[0].problem
    if value != "7":
        assert str(tmp_path / value.strip('"')) in problems[0].problem
        assert problems[0].consequence == "the kiosk writes no metrics"


def test_idle_times_and_log_folder_apply(tmp_path: Path) -> None:
    file = _write(tmp_path, 'idle_timeout_s = 300\nidle_warning_s = 20\nlog_folder = "logs"\n')
    config, problems = load_config(file)
    assert problems == []
    assert (config.idle_timeout_s, config.idle_warning_s) == (300, 20)
    assert config.log_folder == tmp_path / "logs"


def test_a_broken_pin_hash_keeps_staff_mode_locked_not_open(tmp_path: Path) -> None:
    file = _write(tmp_path, 'staff_pin_hash = "1234"\n')
    config, problems = load_config(file)
    [problem] = problems
    assert (problem.line, problem.key) == (1, "staff_pin_hash")
    assert str(problem).endswith(
        "; staff mode stays locked until it is set again with kiosk set-pin"
    )
    assert "1234" not in str(problem), "the message does not repeat the setting"
    assert config.staff_pin_hash == "1234", "kept, so that nothing falls back to an open default"


def test_a_good_pin_hash_is_accepted(tmp_path: Path) -> None:
    pin_hash = hash_pin("40721")
    config, problems = load_config(_write(tmp_path, f'staff_pin_hash = "{pin_hash}"\n'))
    assert problems == []
    assert config.staff_pin_hash == pin_hash


def test_each_value_says_where_it_came_from(tmp_path: Path) -> None:
    file = _write(tmp_path, VALID)
    loaded = read_config(file)
    rows = {key: (value, source) for key, value, source in describe(loaded)}
    assert rows["theme"] == ('"high_contrast"', f"{file}, line 4")
    assert rows["screen.diagonal_in"] == ("10.1", f"{file}, line 9")
    assert rows["idle_timeout_s"] == ("120", BUILT_IN)
    assert rows["staff_pin_hash"] == ("(not set)", BUILT_IN)
    assert set(rows) >= {"printer", "paper", "log_folder", "pdf_folder", "screen.width_px"}


def test_keys_can_be_rebound_per_action(tmp_path: Path) -> None:
    file = _write(tmp_path, '[keys]\nnext = ["J", "Down"]\nhelp = "H"\n')
    config, problems = load_config(file)
    assert problems == []
    assert config.keys[KeyAction.NEXT] == ("J", "Down")
    assert config.keys[KeyAction.HELP] == ("H",)
    assert config.keys[KeyAction.ACTIVATE] == DEFAULT_KEYS[KeyAction.ACTIVATE]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('jump = ["J"]', "unknown action; allowed: next, previous"),
        ('next = ["Escape"]', "Escape cannot be used: it would leave the kiosk"),
        ('next = ["Dwon"]', "unknown key 'Dwon'"),
        ('next = ["Right"]', "Right is already the line_down key"),
        ("next = []", "must be a key name or a list of them"),
        ("next = 3", "must be a key name or a list of them"),
    ],
)
def test_a_bad_key_binding_keeps_that_actions_default(
    tmp_path: Path, line: str, problem: str
) -> None:
    file = _write(tmp_path, f"[keys]\n{line}\n")
    config, problems = load_config(file)
    [found] = problems
    assert found.line == 2
    assert problem in found.problem
    assert config.keys == DEFAULT_KEYS


def test_every_key_name_the_configuration_allows_is_a_qt_key() -> None:
    from PySide6.QtCore import Qt  # here: kiosk.config itself has no Qt

    missing = [name for name in KEY_NAMES if not hasattr(Qt.Key, f"Key_{name}")]
    assert missing == []


@pytest.mark.parametrize(
    ("line", "phone"),
    [
        ('clinic_phone = "(555) 010-0100"', "(555) 010-0100"),
        ('clinic_phone = "  +1 555  010 0100 ext. 12 "', "+1 555 010 0100 ext. 12"),
        ('clinic_phone = ""', ""),
    ],
)
def test_the_clinic_phone_is_read(tmp_path: Path, line: str, phone: str) -> None:
    config, problems = load_config(_write(tmp_path, line + "\n"))
    assert problems == []
    assert config.clinic_phone == phone


@pytest.mark.parametrize(
    "line",
    [
        'clinic_phone = "call us"',
        'clinic_phone = "555 <b>0100</b>"',
        'clinic_phone = "' + "5" * 31 + '"',
        "clinic_phone = 5550100",
    ],
)
def test_a_phone_number_the_handout_cannot_print_is_refused_on_its_line(
    tmp_path: Path, line: str
) -> None:
    config, problems = load_config(_write(tmp_path, 'clinic_name = "Riverside"\n' + line + "\n"))
    assert [(p.line, p.key) for p in problems] == [(2, "clinic_phone")]
    assert config.clinic_phone == ""
    assert config.clinic_name == "Riverside"


def test_leaflets_are_found_in_the_clinics_folder_then_the_shipped_one(tmp_path: Path) -> None:
    write_library(tmp_path / "leaflets", 2)
    config, problems = load_config(
        _write(tmp_path, 'leaflets = ["test-2", "vertebroplasty", "test-1"]\n')
    )
    assert problems == []
    assert config.leaflets == (
        tmp_path / "leaflets" / "test-2",
        resources_dir() / "leaflets" / "vertebroplasty",
        tmp_path / "leaflets" / "test-1",
    )
    assert config.content_pack == tmp_path / "leaflets" / "test-2"


def test_one_leaflet_is_a_kiosk_of_one(tmp_path: Path) -> None:
    write_library(tmp_path / "leaflets", 1)
    config, problems = load_config(_write(tmp_path, 'leaflets = ["test-1"]\n'))
    assert problems == []
    assert config.leaflets == ()
    assert config.content_pack == tmp_path / "leaflets" / "test-1"


def test_a_leaflet_not_found_is_left_out_and_named_with_its_line(tmp_path: Path) -> None:
    write_library(tmp_path / "leaflets", 2)
    path = _write(tmp_path, 'language = "en"\nleaflets = ["test-1", "hip", "test-2"]\n')
    config, problems = load_config(path)
    assert config.leaflets == (tmp_path / "leaflets" / "test-1", tmp_path / "leaflets" / "test-2")
    [problem] = problems
    assert (problem.path, problem.line, problem.key) == (str(path), 2, "leaflets")
    assert "there is no leaflet folder 'hip' in" in str(problem)
    assert str(problem).endswith("; leaving it out")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('leaflets = "test-1"', "must be a list of leaflet folder names"),
        ("leaflets = []", "must be a list of leaflet folder names"),
        ('leaflets = ["hip"]', "there is no leaflet folder 'hip'"),
    ],
)
def test_leaflets_that_name_none_keep_the_built_in_leaflet(
    tmp_path: Path, text: str, said: str
) -> None:
    config, problems = load_config(_write(tmp_path, text + "\n"))
    assert config.leaflets == ()
    assert config.content_pack == Config().content_pack
    assert any(said in str(problem) for problem in problems), problems


def test_leaflets_and_content_pack_together_use_leaflets(tmp_path: Path) -> None:
    write_library(tmp_path / "leaflets", 2)
    config, problems = load_config(
        _write(tmp_path, 'content_pack = "leaflets/test-2"\nleaflets = ["test-1", "test-2"]\n')
    )
    assert config.content_pack == tmp_path / "leaflets" / "test-1"
    assert [(p.key, p.consequence) for p in problems] == [
        ("content_pack", "using leaflets; take content_pack out")
    ]

"""The kiosk's configuration: built-in defaults, optionally overridden by a TOML file."""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from kiosk.content import SUPPORTED_LANGUAGES
from kiosk.content.errors import ContentError, toml_error_position
from kiosk.keys import DEFAULT_KEYS, KeyAction, key_problems
from kiosk.narration.engines import ENGINE_CHOICES
from kiosk.paths import config_file, log_dir, resources_dir

TEXT_SIZE_STEPS_PERCENT = (100, 125, 150, 175, 200)
SPEECH_RATES_WPM = (110, 135, 160, 185)  # slower and faster step through these
VOLUMES_PERCENT = (25, 50, 75, 100)  # quieter and louder step through these
PAPERS = ("auto", "letter", "a4", "roll80", "roll58")


def default_handout_folder() -> Path:
    """Where handouts go as PDF files when there is no printer at all."""
    return Path.home() / "kiosk-handouts"


THEMES = ("standard", "high_contrast")


@dataclass(frozen=True)
class ScreenSpec:
    """The physical screen the kiosk runs on.

    Kiosk screens often report a wrong physical size to Qt, so every physical minimum (type
    height, touch target size) is computed from this instead.
    """

    width_px: int = 1920
    height_px: int = 1080
    diagonal_in: float = 21.5

    @property
    def px_per_mm(self) -> float:
        return math.hypot(self.width_px, self.height_px) / (self.diagonal_in * 25.4)

    def px(self, mm: float) -> int:
        """The whole number of pixels that covers at least ``mm`` millimetres."""
        return math.ceil(mm * self.px_per_mm - 1e-9)

    def mm(self, px: float) -> float:
        return px / self.px_per_mm

    @property
    def orientation(self) -> str:
        return "portrait" if self.height_px > self.width_px else "landscape"

    def with_size(self, width_px: int, height_px: int) -> ScreenSpec:
        """The same physical screen driven at another resolution or turned."""
        return replace(self, width_px=width_px, height_px=height_px)


@dataclass(frozen=True)
class Config:
    """Everything staff can set; every field has a built-in default."""

    content_pack: Path = field(default_factory=lambda: resources_dir() / "leaflets/vertebroplasty")
    # The clinic's leaflets, in its order (``leaflets = [...]``), each a leaflet folder or file
    # found (kiosk.content.library); empty: ``content_pack`` alone. With one, it is
    # ``content_pack`` too, and the kiosk is as one of one leaflet.
    leaflets: tuple[Path, ...] = ()
    language: str = "en"  # the default: each visit starts in it and goes back to it
    languages: tuple[str, ...] = ("en", "es")  # what a patient may choose, in this order
    screen: ScreenSpec = field(default_factory=ScreenSpec)
    text_size_percent: int = 100
    theme: str = "standard"
    voice: str = ""  # an eSpeak NG voice name; empty: the language's usual voice
    voices: dict[str, str] = field(default_factory=dict)  # per language; over ``voice``
    voice_engine: str = "auto"  # auto: the natural voice for English where it works
    speech_rate_wpm: int = 135
    volume_percent: int = 75
    clinic_name: str = ""
    clinic_phone: str = ""  # printed on the handout; empty leaves the line out
    roll_answer_lines: int = 0  # ruled lines under each question on roll paper
    printer: str = ""  # a CUPS queue name; empty: the system's default printer
    paper: str = "auto"  # auto: from the printer's default media
    print_timeout_s: int = 60
    printed_message: str = ""  # empty: "Your questions have printed. Please collect them ..."
    pdf_folder: Path = field(default_factory=default_handout_folder)
    pdf_keep_hours: int = 24  # a handout saved as a PDF is deleted after this long
    idle_timeout_s: float = 120  # no touch for this long: "Are you still here?"
    idle_warning_s: float = 30  # then this long to answer before the visit ends
    staff_pin_hash: str = ""  # made by ``kiosk set-pin``; empty: staff mode stays locked
    log_folder: Path = field(default_factory=log_dir)
    # node_exporter's textfile folder, for clinic_kiosk.prom (kiosk/health.py); None: off
    metrics_folder: Path | None = None
    keys: dict[KeyAction, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_KEYS))

    def voice_for(self, language: str) -> str:
        """The voice configured for ``language`` ("": the language's usual one). ``voice``
        is the default language's, for configurations written before ``[voices]``."""
        if language in self.voices:
            return self.voices[language]
        return self.voice if language == self.language else ""


# Where each value came from, for ``kiosk config show``.
BUILT_IN = "built-in default"


@dataclass(frozen=True)
class ConfigProblem:
    """A bad value in the configuration file; the kiosk uses the default for that key instead."""

    path: str
    line: int | None
    key: str
    problem: str
    consequence: str = "using the built-in default"

    def __str__(self) -> str:
        where = f"{self.path}, line {self.line}" if self.line else self.path
        what = f"{where}: {self.key}: {self.problem}"
        return f"{what}; {self.consequence}" if self.consequence else what


@dataclass(frozen=True)
class LoadedConfig:
    """A configuration as read, with its problems and where each key's value came from."""

    config: Config
    problems: list[ConfigProblem]
    sources: dict[str, str]  # key ("theme", "screen.width_px") -> "FILE, line N"; absent: default

    def source_of(self, key: str) -> str:
        return self.sources.get(key, BUILT_IN)


_SCREEN_KEYS = {
    "width_px": (int, 320, 16384),
    "height_px": (int, 320, 16384),
    "diagonal_in": (float, 5.0, 100.0),
}
_CHOICES: dict[str, tuple[Any, ...]] = {
    "language": tuple(sorted(SUPPORTED_LANGUAGES)),
    "text_size_percent": TEXT_SIZE_STEPS_PERCENT,
    "theme": THEMES,
    "speech_rate_wpm": SPEECH_RATES_WPM,
    "volume_percent": VOLUMES_PERCENT,
    "paper": PAPERS,
    "voice_engine": ENGINE_CHOICES,
}
_TOP_KEYS = (
    "content_pack",
    "leaflets",
    "language",
    "languages",
    "text_size_percent",
    "theme",
    "voice",
    "voices",
    "voice_engine",
    "speech_rate_wpm",
    "volume_percent",
    "clinic_name",
    "clinic_phone",
    "roll_answer_lines",
    "printer",
    "paper",
    "print_timeout_s",
    "printed_message",
    "pdf_folder",
    "pdf_keep_hours",
    "idle_timeout_s",
    "idle_warning_s",
    "staff_pin_hash",
    "log_folder",
    "metrics_folder",
    "screen",
    "keys",
)
# Whole-number keys and their allowed ranges. The warning lasts at least 20 s: WCAG 2.2.1
# asks for that long to answer "Are you still here?".
MAX_PHONE_CHARS = 30  # one line of the handout, on 58 mm roll paper too

_RANGES = {
    "print_timeout_s": (5, 600),
    "pdf_keep_hours": (1, 720),
    "roll_answer_lines": (0, 4),
    "idle_timeout_s": (30, 3600),
    "idle_warning_s": (20, 300),
}


def default_config_path() -> Path | None:
    """The configuration file in the platform's configuration folder, if there is one."""
    path = config_file()
    return path if path.is_file() else None


def load_config(path: Path | None) -> tuple[Config, list[ConfigProblem]]:
    """Read ``path`` (or nothing) into a ``Config``; bad values fall back to their defaults."""
    loaded = read_config(path)
    return loaded.config, loaded.problems


def read_config(path: Path | None) -> LoadedConfig:
    """Read ``path`` (or nothing), noting problems and where each value came from.

    A file that cannot be read or parsed at all is one problem and gives the built-in defaults.
    """
    defaults = Config()
    if path is None:
        return LoadedConfig(defaults, [], {})

    def unreadable(line: int | None, problem: str) -> LoadedConfig:
        return LoadedConfig(defaults, [ConfigProblem(str(path), line, "(file)", problem)], {})

    try:
        source = path.read_text(encoding="utf-8-sig")  # Notepad may save a byte-order mark
        raw = tomllib.loads(source)
    except OSError as error:
        return unreadable(None, f"cannot read ({error.strerror or error})")
    except UnicodeDecodeError as error:
        return unreadable(error.object.count(b"\n", 0, error.start) + 1, "not UTF-8 text")
    except tomllib.TOMLDecodeError as error:
        line, message = toml_error_position(error)
        return unreadable(line, f"not valid TOML ({message})")
    reader = _Reader(str(path), source)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        checked = reader.read(key, value, path.parent, defaults)
        if checked is not _INVALID:
            values[key] = checked
            reader.note_source(key)
    if "leaflets" in values:
        if "content_pack" in values:
            reader.problem(
                "content_pack",
                "leaflets names the kiosk's leaflets; content_pack is for a kiosk of one",
                "using leaflets; take content_pack out",
            )
        leaflets = values["leaflets"]
        values["content_pack"] = leaflets[0]
        if len(leaflets) == 1:
            values["leaflets"] = ()  # as a kiosk of one leaflet: nothing new to see
    config = replace(defaults, **values)
    if config.language not in config.languages:
        # The default is always offered: a visit starts in it.
        reader.problem(
            "languages" if "languages" in values else "language",
            f"the default language {config.language!r} is not among languages "
            f"{list(config.languages)!r}",
            f"offering {config.language!r} too",
        )
        config = replace(config, languages=(config.language, *config.languages))
    return LoadedConfig(config, reader.problems, reader.sources)


_INVALID = object()  # a value that was reported and falls back to its default


class _Reader:
    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.lines = source.split("\n")
        self.problems: list[ConfigProblem] = []
        self.sources: dict[str, str] = {}

    def note_source(self, key: str) -> None:
        line = self.line_of(key)
        self.sources[key] = f"{self.path}, line {line}" if line else self.path

    def line_of(self, key: str) -> int | None:
        """The line that sets ``key``: ``theme``, or ``screen.width_px`` in its ``[screen]``."""
        table, _, name = key.rpartition(".")
        current = ""  # the [table] the line is in; "" before the first one
        parent_line = None
        for number, line in enumerate(self.lines, start=1):
            text = line.strip()
            if text.startswith("["):
                current = text.split("]", 1)[0].lstrip("[").strip()
                if current == key:
                    return number
                continue
            if "=" not in text:
                continue
            left = text.split("=", 1)[0].strip()
            if (current == table and left == name) or (current == "" and left == key):
                return number
            if current == "" and table and left == table:
                parent_line = number  # an inline table: screen = { width_px = ... }
        return parent_line

    def read(self, key: str, value: Any, base: Path, defaults: Config) -> Any:
        """The checked value of a top-level key, or ``_INVALID`` after reporting a problem."""
        if key in _CHOICES:
            return value if self.check_choice(key, value, list(_CHOICES[key])) else _INVALID
        read_value: Callable[[], Any] | None = {
            "content_pack": lambda: self._content_pack(key, value, base),
            "leaflets": lambda: self._leaflets(key, value, base),
            "pdf_folder": lambda: self._folder(key, value, base),
            "log_folder": lambda: self._folder(key, value, base),
            "metrics_folder": lambda: self._metrics_folder(key, value, base),
            "staff_pin_hash": lambda: self._pin_hash(key, value),
            "screen": lambda: (
                self.screen(value, defaults.screen)
                if self.check_type(key, value, dict)
                else _INVALID
            ),
            "keys": lambda: (
                self.keys(value, defaults.keys) if self.check_type(key, value, dict) else _INVALID
            ),
            "languages": lambda: self._languages(key, value),
            "clinic_phone": lambda: (
                self._phone(key, value) if self.check_type(key, value, str) else _INVALID
            ),
            "voices": lambda: (
                self._voices(key, value) if self.check_type(key, value, dict) else _INVALID
            ),
            **dict.fromkeys(_RANGES, lambda: self._whole_number(key, value, *_RANGES[key])),
            **dict.fromkeys(
                ("voice", "clinic_name", "printer", "printed_message"),
                lambda: value.strip() if self.check_type(key, value, str) else _INVALID,
            ),
        }.get(key)
        if read_value is None:
            self.problem(key, f"unknown key; allowed: {', '.join(_TOP_KEYS)}")
            return _INVALID
        return read_value()

    def _phone(self, key: str, value: str) -> Any:
        phone = " ".join(value.split())
        # Digits and what people write between them; an extension as "ext. 12" or "x12".
        if phone and not (
            re.fullmatch(r"[0-9+()./ -]*(?:(?:ext\.?|x) ?[0-9]+)?", phone, re.IGNORECASE)
            and any(c.isdigit() for c in phone)
            and len(phone) <= MAX_PHONE_CHARS
        ):
            self.problem(
                key,
                f"{value!r} is not a phone number the handout can print; write digits with "
                f'spaces, + ( ) - . between them, such as "(555) 010-0100" or "+1 555 010 0100", '
                f'at most {MAX_PHONE_CHARS} characters, or "" to leave it off',
            )
            return _INVALID
        return phone

    def _languages(self, key: str, value: Any) -> Any:
        supported = sorted(SUPPORTED_LANGUAGES)
        example = "[" + ", ".join(f'"{code}"' for code in supported) + "]"
        if not (isinstance(value, list) and value and all(isinstance(code, str) for code in value)):
            self.problem(key, f"must be a list of language codes, like {example}, not {value!r}")
            return _INVALID
        unknown = [code for code in value if code not in SUPPORTED_LANGUAGES]
        if unknown:
            self.problem(
                key, f"unknown language {unknown[0]!r}; use codes from {', '.join(supported)}"
            )
            return _INVALID
        if len(set(value)) != len(value):
            self.problem(key, f"a language is listed twice in {value!r}")
            return _INVALID
        return tuple(value)

    def _voices(self, key: str, table: dict[str, Any]) -> dict[str, str]:
        voices: dict[str, str] = {}
        for code, value in table.items():
            full = f"{key}.{code}"
            if code not in SUPPORTED_LANGUAGES:
                supported = ", ".join(sorted(SUPPORTED_LANGUAGES))
                self.problem(full, f"unknown language; use codes from {supported}")
            elif self.check_type(full, value, str):
                if value.strip():  # empty: not set, as if the line were not there
                    voices[code] = value.strip()
                self.note_source(full)
        return voices

    def _folder(self, key: str, value: Any, base: Path) -> Any:
        if not self.check_type(key, value, str):
            return _INVALID
        folder = Path(value).expanduser()
        return folder if folder.is_absolute() else base / folder

    def _metrics_folder(self, key: str, value: Any, base: Path) -> Any:
        """Empty: no metrics; else a folder that is there and the kiosk can write into (the
        kiosk does not make it: it is node_exporter's, and a typo would go unwatched)."""
        if isinstance(value, str) and not value.strip():
            return None
        folder = self._folder(key, value, base)
        if folder is _INVALID:
            return _INVALID
        consequence = "the kiosk writes no metrics"
        if not folder.is_dir():
            what = "is a file, not a folder" if folder.exists() else "does not exist"
            self.problem(
                key,
                f"{folder} {what}; give node_exporter's textfile folder "
                '(its --collector.textfile.directory), or "" for no metrics',
                consequence,
            )
            return _INVALID
        if not os.access(folder, os.W_OK | os.X_OK):
            self.problem(
                key,
                f"the kiosk cannot write into {folder}; let the kiosk's user write there "
                "(chown, chmod or setfacl), or give another folder",
                consequence,
            )
            return _INVALID
        return folder

    def _content_pack(self, key: str, value: Any, base: Path) -> Any:
        folder = self._folder(key, value, base)
        if folder is not _INVALID and not folder.exists():
            self.problem(
                key, f"{folder} does not exist; give a content pack folder or leaflet file"
            )
            return _INVALID
        return folder

    def _leaflets(self, key: str, value: Any, base: Path) -> Any:
        """Each a name of a folder in the clinic's leaflets folder (``leaflets/`` beside this
        file) or in the shipped one, or a path; one not found is left out, with a problem."""
        example = '["vertebroplasty", "our-own-leaflet"]'
        if not (isinstance(value, list) and value and all(isinstance(name, str) for name in value)):
            self.problem(
                key, f"must be a list of leaflet folder names, like {example}, not {value!r}"
            )
            return _INVALID
        # Here and in _pin_hash, not with the module: a kiosk configured without them does
        # not import these before its first screen (issue 19).
        from kiosk.content.library import find_leaflets  # noqa: PLC0415

        folders = [base / "leaflets", resources_dir() / "leaflets"]
        found: list[Path] = []
        for entry in find_leaflets([name.strip() for name in value], folders, base):
            if isinstance(entry, ContentError):
                self.problem(key, str(entry), "leaving it out")
            else:
                found.append(entry.path)
        if not found:
            return _INVALID
        return tuple(found)

    def _pin_hash(self, key: str, value: Any) -> Any:
        """A broken PIN hash is kept (so staff mode knows why it is locked), never dropped:
        dropping it must not fall back to anything that opens staff mode."""
        locked = "staff mode stays locked until it is set again with kiosk set-pin"
        if not isinstance(value, str):
            self.problem(key, f"must be text in quotes, not {value!r}", locked)
            return ""
        if value.strip():
            from kiosk.staff.pin import PinHashError, parse_pin_hash  # noqa: PLC0415 - see above

            try:
                parse_pin_hash(value.strip())
            except PinHashError as error:
                self.problem(key, str(error), locked)
        return value.strip()

    def _whole_number(self, key: str, value: Any, low: int, high: int) -> Any:
        if not self.check_type(key, value, int):
            return _INVALID
        if not low <= value <= high:
            self.problem(key, f"{value} is out of range; allowed {low} to {high}")
            return _INVALID
        return value

    def problem(self, key: str, text: str, consequence: str = "") -> None:
        where = self.line_of(key)
        if consequence:
            self.problems.append(ConfigProblem(self.path, where, key, text, consequence))
        else:
            self.problems.append(ConfigProblem(self.path, where, key, text))

    def check_type(self, key: str, value: object, kind: type) -> bool:
        ok = isinstance(value, kind) and not isinstance(value, bool)
        if kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok:
            names = {str: "text in quotes", dict: "a [table]", int: "a whole number"}
            self.problem(key, f"must be {names.get(kind, kind.__name__)}, not {value!r}")
        return ok

    def check_choice(self, key: str, value: object, allowed: list[Any]) -> bool:
        # The type must match too: 100.0 == 100, but a text size of 100.0 is a typo to report.
        if type(value) in {type(choice) for choice in allowed} and value in allowed:
            return True
        self.problem(key, f"{value!r} is not allowed; use one of {', '.join(map(str, allowed))}")
        return False

    def keys(
        self, table: dict[str, Any], default: dict[KeyAction, tuple[str, ...]]
    ) -> dict[KeyAction, tuple[str, ...]]:
        """The ``[keys]`` table: each action's keys replace its default ones."""
        actions = {action.value: action for action in KeyAction}
        merged = dict(default)
        for name, value in table.items():
            full = f"keys.{name}"
            if name not in actions:
                self.problem(full, f"unknown action; allowed: {', '.join(actions)}")
                continue
            names = [value] if isinstance(value, str) else value
            if not (isinstance(names, list) and names and all(isinstance(n, str) for n in names)):
                self.problem(
                    full, f'must be a key name or a list of them, like ["Down"], not {value!r}'
                )
                continue
            action = actions[name]
            others = {a: keys for a, keys in merged.items() if a is not action}
            problems = key_problems({action: tuple(names)}) + [
                (action, f"{key} is already the {other.value} key")
                for key in names
                for other, keys in others.items()
                if key in keys
            ]
            if problems:
                self.problem(full, problems[0][1])
                continue
            trial = {**merged, action: tuple(names)}
            merged = trial
            self.note_source(full)
        return merged

    def screen(self, table: dict[str, Any], default: ScreenSpec) -> ScreenSpec:
        values: dict[str, Any] = {}
        for key, value in table.items():
            full = f"screen.{key}"
            if key not in _SCREEN_KEYS:
                self.problem(full, f"unknown key; allowed: {', '.join(_SCREEN_KEYS)}")
                continue
            kind, low, high = _SCREEN_KEYS[key]
            if not self.check_type(full, value, kind):
                continue
            if not low <= value <= high:
                self.problem(full, f"{value} is out of range; allowed {low} to {high}")
                continue
            values[key] = kind(value)
            self.note_source(full)
        return replace(default, **values)


def describe(loaded: LoadedConfig) -> list[tuple[str, str, str]]:
    """Each key of the effective configuration: its name, its value as TOML, where it came from."""
    rows = []
    config = loaded.config
    for key in _TOP_KEYS:
        if key == "keys":
            for action, names in config.keys.items():
                full = f"keys.{action.value}"
                shown = "[" + ", ".join(f'"{name}"' for name in names) + "]"
                rows.append((full, shown, loaded.source_of(full)))
            continue
        if key == "voices":
            for code in sorted(SUPPORTED_LANGUAGES):
                full = f"voices.{code}"
                rows.append((full, _as_toml(config.voices.get(code, "")), loaded.source_of(full)))
            continue
        if key == "screen":
            for name in _SCREEN_KEYS:
                full = f"screen.{name}"
                rows.append((full, _as_toml(getattr(config.screen, name)), loaded.source_of(full)))
            continue
        value = getattr(config, key)
        if key == "staff_pin_hash":
            broken = any(problem.key == key for problem in loaded.problems)
            shown = "(broken: staff mode locked)" if broken else "(set)" if value else "(not set)"
            rows.append((key, shown, loaded.source_of(key)))
            continue
        rows.append((key, _as_toml(value), loaded.source_of(key)))
    return rows


def _as_toml(value: object) -> str:
    if value is None:  # a folder that is off (metrics_folder)
        return '""'
    if isinstance(value, tuple):
        return "[" + ", ".join(_as_toml(item) for item in value) + "]"
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class PrinterSetting(NamedTuple):
    """What CUPS says about the configured ``printer``."""

    problem: ConfigProblem | None  # CUPS has no such printer: the kiosk uses the default one
    not_checked: str | None  # why CUPS could not say (not running, say); not the setting's fault


def check_printer_setting(config: Config, path: Path | None) -> PrinterSetting:
    """Ask CUPS whether it has the printer ``config`` names (nothing to ask when none is named,
    or on Windows). Only callers that want it ask: reading the configuration never waits on a
    print server."""
    from kiosk.printing import cups  # noqa: PLC0415 - see above

    if not config.printer or not cups.AVAILABLE:
        return PrinterSetting(None, None)
    fault, staff_message, _ = cups.check_printer(config.printer)
    if fault is cups.PrintFault.PRINTER_MISSING:
        where = str(path) if path else "(configuration)"
        problem = ConfigProblem(
            where,
            _line_of(path, "printer") if path else None,
            "printer",
            f"there is no printer called {config.printer!r} (lpstat -p lists the printers)",
            "using the system's default printer",
        )
        return PrinterSetting(problem, None)
    if fault is cups.PrintFault.SERVER_DOWN:
        return PrinterSetting(
            None,
            f"the printing service (CUPS, at {cups.cups_server()}) is not answering, so "
            f"whether it has printer {config.printer!r} is not known",
        )
    if fault is cups.PrintFault.FAILED:
        return PrinterSetting(None, staff_message)
    return PrinterSetting(None, None)  # it exists; paused or not is the printer check's to say


def _line_of(path: Path, key: str) -> int | None:
    try:
        source = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    return _Reader(str(path), source).line_of(key)

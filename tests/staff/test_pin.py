"""The staff PIN: its salted hash, reading hashes from the configuration, and the lockout."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import stat
import tomllib
from pathlib import Path

import pytest

from kiosk.config import resources_dir
from kiosk.staff.pin import (
    LockoutFile,
    PinError,
    PinHash,
    PinHashError,
    PinResult,
    StaffLock,
    hash_pin,
    parse_pin_hash,
    set_pin_in_toml,
)

PIN = "48213"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt_text(params: str = "n=16384,r=8,p=1", salt: str = "", digest: str = "") -> str:
    return f"scrypt${params}${salt or _b64(b's' * 16)}${digest or _b64(b'h' * 32)}"


def _pbkdf2_text(pin: str, salt: str, iterations: int) -> str:
    """Django's form of a PBKDF2 hash: the salt as plain text, the hash in base64."""
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${_b64(digest)}"


@pytest.fixture(scope="module")
def pin_hash() -> PinHash:
    # One hash for the module: scrypt is slow on purpose.
    return parse_pin_hash(hash_pin(PIN))


# Hashing ---------------------------------------------------------------------------------------


def test_hash_has_the_documented_form_and_round_trips(pin_hash: PinHash) -> None:
    text = hash_pin(PIN, salt=b"0123456789abcdef")
    scheme, params, salt, digest = text.split("$")
    assert (scheme, params) == ("scrypt", "n=16384,r=8,p=1")
    assert base64.b64decode(salt) == b"0123456789abcdef"
    expected = hashlib.scrypt(PIN.encode(), salt=b"0123456789abcdef", n=2**14, r=8, p=1, dklen=32)
    assert base64.b64decode(digest) == expected
    assert parse_pin_hash(text).matches(PIN)
    assert pin_hash.matches(PIN)


@pytest.mark.parametrize("guess", ["48214", "4821", "482130", "", "48213 ", "abcde"])
def test_other_pins_do_not_match(pin_hash: PinHash, guess: str) -> None:
    assert not pin_hash.matches(guess)


def test_each_hash_has_its_own_salt() -> None:
    first, second = hash_pin(PIN), hash_pin(PIN)
    assert first.split("$")[2] != second.split("$")[2]
    assert first != second
    assert parse_pin_hash(second).matches(PIN)


@pytest.mark.parametrize(
    "pin",
    [
        "123",
        "1234567890123",
        "12a4",
        "12 34",
        "",
        "١٢٣٤",  # Arabic-Indic digits: str.isdigit() says yes, a keypad cannot type them
        "１２３４",  # full-width digits
    ],
)
def test_pin_must_be_4_to_12_ascii_digits(pin: str) -> None:
    with pytest.raises(PinError, match=r"^The PIN must be 4 to 12 digits$"):
        hash_pin(pin)


def test_shortest_and_longest_pins_are_accepted() -> None:
    assert parse_pin_hash(hash_pin("5081")).matches("5081")
    assert parse_pin_hash(hash_pin("902718364521")).matches("902718364521")


@pytest.mark.parametrize(
    ("pin", "reason"),
    [
        ("0000", "one digit repeated"),
        ("1111", "one digit repeated"),
        ("999999", "one digit repeated"),
        ("1234", "digits in order"),
        ("4321", "digits in order"),
        ("123456", "digits in order"),
        ("2345", "digits in order"),
        ("9876", "digits in order"),
        ("012345", "digits in order"),
        ("7890", "digits in order"),
        ("123456789012", "digits in order"),
        ("1212", "a few digits repeated"),
        ("123123", "a few digits repeated"),
        ("2000", "one of the most common PINs"),
        ("2580", "one of the most common PINs"),
    ],
)
def test_pins_anyone_would_try_first_are_refused_with_why_and_what_to_choose(
    pin: str, reason: str
) -> None:
    with pytest.raises(PinError) as refused:
        hash_pin(pin)
    message = str(refused.value)
    assert message.startswith(f"That PIN is too easy to guess ({reason}")
    assert message.endswith(
        "; choose 4 to 12 digits with no pattern, such as 6 digits picked at random"
    )


@pytest.mark.parametrize("pin", ["2468", "1357", "48213", "97531", "1235", "8642", "121213"])
def test_pins_with_no_obvious_pattern_are_accepted(pin: str) -> None:
    assert parse_pin_hash(hash_pin(pin, salt=b"fixed-salt-here!")).matches(pin)


def test_a_hash_of_an_easy_pin_made_elsewhere_still_opens() -> None:
    """Refusing easy PINs is for new ones: a clinic's existing hash must not lock staff out."""
    digest = hashlib.scrypt(b"1234", salt=b"s" * 16, n=2**14, r=8, p=1, dklen=32)
    text = f"scrypt$n=16384,r=8,p=1${_b64(b's' * 16)}${_b64(digest)}"
    assert parse_pin_hash(text).matches("1234")


def test_hash_is_not_in_the_repr(pin_hash: PinHash) -> None:
    assert _b64(pin_hash.digest) not in repr(pin_hash)
    assert _b64(pin_hash.salt) not in repr(pin_hash)


# Reading hashes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "not in the form", id="empty"),
        pytest.param("48213", "not in the form", id="a PIN, not a hash"),
        pytest.param("bcrypt$2b$12$abcdefgh", "not in the form", id="other scheme"),
        pytest.param(_scrypt_text() + "$extra", "not in the form", id="five parts"),
        pytest.param(_scrypt_text("n=16384,r=8"), "scrypt parameters", id="no p"),
        pytest.param(_scrypt_text("n=16384,r=8,p=1,q=2"), "scrypt parameters", id="extra q"),
        pytest.param(_scrypt_text("n=16384,n=8,p=1"), "scrypt parameters", id="n twice"),
        pytest.param(_scrypt_text("n=lots,r=8,p=1"), "scrypt parameters", id="n not a number"),
        pytest.param(_scrypt_text("n=-16384,r=8,p=1"), "scrypt parameters", id="n negative"),
        pytest.param(_scrypt_text("n=10000,r=8,p=1"), "power of two", id="n not power of 2"),
        pytest.param(_scrypt_text("n=512,r=8,p=1"), "from 1024 to 1048576", id="n too small"),
        pytest.param(_scrypt_text("n=2097152,r=1,p=1"), "from 1024", id="n too large"),
        pytest.param(_scrypt_text("n=16384,r=0,p=1"), "scrypt r must be", id="r zero"),
        pytest.param(_scrypt_text("n=16384,r=8,p=99"), "scrypt p must be", id="p large"),
        pytest.param(_scrypt_text("n=1048576,r=8,p=1"), "more than 256 MiB", id="1 GiB"),
        pytest.param(_scrypt_text(salt="!!!!"), "salt is not valid base64", id="salt base64"),
        pytest.param(_scrypt_text(digest="abc*"), "hash is not valid", id="hash b64"),
        pytest.param(_scrypt_text(salt=_b64(b"1234567")), "salt is too short", id="short salt"),
        pytest.param(_scrypt_text(digest=_b64(b"h" * 16)), "must be 32 bytes", id="short hash"),
        pytest.param(_scrypt_text(digest=_b64(b"h" * 64)), "must be 32 bytes", id="long hash"),
        pytest.param("pbkdf2_sha256$1000$saltsalt$" + _b64(b"h" * 32), "from 100000", id="few"),
        pytest.param("pbkdf2_sha256$many$saltsalt$" + _b64(b"h" * 32), "whole number", id="it"),
        pytest.param("pbkdf2_sha256$100000$salt$" + _b64(b"h" * 32), "too short", id="pb salt"),
        pytest.param("pbkdf2_sha256$100000$saltsalt$" + _b64(b"h"), "32 bytes", id="pb hash"),
    ],
)
def test_bad_hash_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(PinHashError, match=message) as raised:
        parse_pin_hash(text)
    assert isinstance(raised.value, ValueError)
    digest = text.rpartition("$")[2]
    if len(digest) > 8:
        assert digest not in str(raised.value), "the hash is never repeated in a message"


def test_hash_without_base64_padding_or_with_spaces_around_is_read() -> None:
    text = hash_pin(PIN)
    assert text.endswith("=")
    assert parse_pin_hash(f"  {text.rstrip('=')}\n").matches(PIN)


def test_smallest_scrypt_cost_is_accepted() -> None:
    salt = b"salt-for-n-1024!"
    digest = hashlib.scrypt(PIN.encode(), salt=salt, n=1024, r=1, p=1, dklen=32)
    pin_hash = parse_pin_hash(f"scrypt$n=1024,r=1,p=1${_b64(salt)}${_b64(digest)}")
    assert (pin_hash.n, pin_hash.r, pin_hash.p) == (1024, 1, 1)
    assert pin_hash.matches(PIN)
    assert not pin_hash.matches("48214")


def test_pbkdf2_hash_from_another_system_is_accepted() -> None:
    pin_hash = parse_pin_hash(_pbkdf2_text(PIN, "Zm9yY2xpbmljcw", 100_000))
    assert (pin_hash.scheme, pin_hash.iterations) == ("pbkdf2_sha256", 100_000)
    assert pin_hash.salt == b"Zm9yY2xpbmljcw", "the salt is the text itself, as Django writes it"
    assert pin_hash.matches(PIN)
    assert not pin_hash.matches("48214")


# The lockout -----------------------------------------------------------------------------------


class FakeClock:
    """A monotonic clock the test moves by hand, so a 300 s lockout takes no time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _wrong(lock: StaffLock, times: int) -> list[PinResult]:
    return [lock.try_pin("00000") for _ in range(times)]


def test_correct_pin_opens(pin_hash: PinHash) -> None:
    lock = StaffLock(pin_hash, clock=FakeClock())
    assert lock.has_pin
    assert lock.try_pin(PIN) is PinResult.OPENED
    assert lock.attempts_left == 5
    assert lock.locked_for_s == 0


def test_fifth_wrong_pin_locks_for_five_minutes(pin_hash: PinHash) -> None:
    clock = FakeClock()
    lock = StaffLock(pin_hash, clock=clock)
    assert _wrong(lock, 4) == [PinResult.WRONG] * 4
    assert lock.attempts_left == 1
    assert lock.try_pin("00000") is PinResult.LOCKED_OUT
    assert lock.attempts_left == 0
    assert lock.locked_for_s == 300

    clock.now += 299.5
    assert lock.locked_for_s == pytest.approx(0.5)
    assert lock.try_pin(PIN) is PinResult.LOCKED_OUT, "not even the right PIN while locked"
    assert lock.locked_for_s == pytest.approx(0.5), "a try while locked does not extend it"


def test_after_the_lockout_the_right_pin_opens_and_attempts_start_again(
    pin_hash: PinHash,
) -> None:
    clock = FakeClock()
    lock = StaffLock(pin_hash, clock=clock)
    _wrong(lock, 5)
    clock.now += 300
    assert lock.locked_for_s == 0
    assert lock.attempts_left == 5
    assert lock.try_pin(PIN) is PinResult.OPENED


def test_after_the_lockout_five_more_wrong_pins_lock_again(pin_hash: PinHash) -> None:
    clock = FakeClock()
    lock = StaffLock(pin_hash, clock=clock)
    _wrong(lock, 5)
    clock.now += 301
    assert _wrong(lock, 5) == [PinResult.WRONG] * 4 + [PinResult.LOCKED_OUT]
    assert lock.locked_for_s == 300


def test_correct_pin_resets_the_count(pin_hash: PinHash) -> None:
    lock = StaffLock(pin_hash, clock=FakeClock())
    _wrong(lock, 4)
    assert lock.try_pin(PIN) is PinResult.OPENED
    assert lock.attempts_left == 5
    assert _wrong(lock, 4) == [PinResult.WRONG] * 4
    assert lock.attempts_left == 1


def test_attempts_and_lockout_time_are_settable(pin_hash: PinHash) -> None:
    clock = FakeClock()
    lock = StaffLock(pin_hash, clock=clock, max_attempts=2, lockout_s=60)
    assert _wrong(lock, 2) == [PinResult.WRONG, PinResult.LOCKED_OUT]
    assert lock.locked_for_s == 60
    with pytest.raises(ValueError, match="max_attempts"):
        StaffLock(pin_hash, max_attempts=0)


@pytest.mark.parametrize("problem", [None, "scrypt n must be a power of two"])
def test_no_hash_keeps_staff_mode_closed(
    problem: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    lock = StaffLock(None, problem, clock=FakeClock())
    with caplog.at_level(logging.WARNING, logger="kiosk.session"):
        results = {lock.try_pin(pin) for pin in ("0000", "1234", "48213", "")}
    assert results == {PinResult.NO_PIN}
    assert not lock.has_pin
    assert lock.problem == problem
    assert (problem or "no staff_pin_hash is set") in caplog.text
    assert lock.locked_for_s == 0


def test_pin_digits_are_never_logged(pin_hash: PinHash, caplog: pytest.LogCaptureFixture) -> None:
    lock = StaffLock(pin_hash, clock=FakeClock())
    guesses = ["73916482", "58210937", "66120384", "90817263", "31415926", PIN]
    with caplog.at_level(logging.DEBUG):
        results = [lock.try_pin(guess) for guess in guesses]
    assert results[-2:] == [PinResult.LOCKED_OUT, PinResult.LOCKED_OUT]
    assert "locked" in caplog.text, "the lockout itself is logged"
    for guess in guesses:
        assert guess not in caplog.text


# The lockout across restarts ------------------------------------------------------------------


class Machine:
    """A kiosk computer's two clocks, moved by hand: the monotonic one starts again at every
    boot, the wall clock goes on (or is set back or forward)."""

    def __init__(self) -> None:
        self.monotonic = FakeClock()
        self.wall = FakeClock()
        self.wall.now = 1_750_000_000.0

    def wait(self, seconds: float) -> None:
        self.monotonic.now += seconds
        self.wall.now += seconds

    def reboot(self, off_s: float = 0) -> None:
        self.monotonic = FakeClock()
        self.monotonic.now = 5.0
        self.wall.now += off_s

    def lock(self, pin_hash: PinHash, store: LockoutFile) -> StaffLock:
        return StaffLock(pin_hash, clock=self.monotonic, wall_clock=self.wall, store=store)


@pytest.fixture
def store(tmp_path: Path) -> LockoutFile:
    return LockoutFile(tmp_path / "state" / "staff-lockout.json")


def test_pulling_the_plug_gives_no_fresh_guesses(pin_hash: PinHash, store: LockoutFile) -> None:
    machine = Machine()
    lock = machine.lock(pin_hash, store)
    assert _wrong(lock, 5)[-1] is PinResult.LOCKED_OUT
    machine.wait(60)
    machine.reboot(off_s=30)  # the plug pulled a minute in, back on 30 s later

    lock = machine.lock(pin_hash, store)
    assert lock.locked_for_s == pytest.approx(210)
    assert lock.attempts_left == 0
    assert lock.try_pin(PIN) is PinResult.LOCKED_OUT, "not even the right PIN"
    machine.wait(210)
    assert lock.try_pin(PIN) is PinResult.OPENED


def test_wrong_pins_short_of_the_lockout_count_after_a_restart(
    pin_hash: PinHash, store: LockoutFile
) -> None:
    machine = Machine()
    _wrong(machine.lock(pin_hash, store), 3)
    machine.reboot()
    lock = machine.lock(pin_hash, store)
    assert lock.attempts_left == 2
    assert _wrong(lock, 2) == [PinResult.WRONG, PinResult.LOCKED_OUT]


def test_the_right_pin_clears_the_saved_count(pin_hash: PinHash, store: LockoutFile) -> None:
    machine = Machine()
    _wrong(machine.lock(pin_hash, store), 4)
    machine.reboot()
    lock = machine.lock(pin_hash, store)
    assert lock.attempts_left == 1
    assert lock.try_pin(PIN) is PinResult.OPENED
    machine.reboot()
    assert machine.lock(pin_hash, store).attempts_left == 5


def test_a_lockout_that_ended_while_the_kiosk_was_off_is_over(
    pin_hash: PinHash, store: LockoutFile
) -> None:
    machine = Machine()
    _wrong(machine.lock(pin_hash, store), 5)
    machine.reboot(off_s=100)
    assert machine.lock(pin_hash, store).locked_for_s == pytest.approx(200)
    machine.reboot(off_s=201)
    lock = machine.lock(pin_hash, store)
    assert (lock.locked_for_s, lock.attempts_left) == (0, 5)
    assert lock.try_pin(PIN) is PinResult.OPENED


def test_a_lockout_far_in_the_future_lasts_no_longer_than_a_lockout(
    pin_hash: PinHash, store: LockoutFile, caplog: pytest.LogCaptureFixture
) -> None:
    machine = Machine()
    _wrong(machine.lock(pin_hash, store), 5)
    machine.reboot(off_s=-30 * 86400)  # the wall clock set a month back (a flat clock battery)
    with caplog.at_level(logging.WARNING, logger="kiosk.staff"):
        lock = machine.lock(pin_hash, store)
    assert lock.locked_for_s == 300
    assert "later than a lockout lasts" in caplog.text
    machine.wait(100)
    machine.reboot()
    assert machine.lock(pin_hash, store).locked_for_s == pytest.approx(200), "not renewed"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\x00\x00\x00",
        b"{not json",
        b"[]",
        b'{"wrong_pins": 0}',
        b'{"wrong_pins": -1, "locked_until": null}',
        b'{"wrong_pins": "0", "locked_until": null}',
        b'{"wrong_pins": true, "locked_until": null}',
        b'{"wrong_pins": 0, "locked_until": "tomorrow"}',
        b'{"wrong_pins": 0, "locked_until": NaN}',
        b'{"wrong_pins": 5, "locked_until": null}',
        b'{"wrong_pins": 0, "locked_until": null, "pin": "1"}',
        b" " * 5000,
    ],
    ids=lambda content: repr(content[:50]),
)
def test_a_damaged_lockout_file_locks_staff_mode_for_the_lockout_time(
    pin_hash: PinHash, store: LockoutFile, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    store.path.parent.mkdir()
    store.path.write_bytes(content)
    machine = Machine()
    with caplog.at_level(logging.WARNING, logger="kiosk.staff"):
        lock = machine.lock(pin_hash, store)
    assert lock.locked_for_s == 300
    assert lock.try_pin(PIN) is PinResult.LOCKED_OUT
    assert f"the lockout file {store.path} is unreadable or damaged: " in caplog.text
    machine.wait(300)
    assert lock.try_pin(PIN) is PinResult.OPENED, "after the lockout, staff get in"
    machine.reboot()
    assert machine.lock(pin_hash, store).locked_for_s == 0, "and the file is sound again"


def test_a_lockout_file_that_cannot_be_read_locks_staff_mode(
    pin_hash: PinHash, store: LockoutFile, caplog: pytest.LogCaptureFixture
) -> None:
    """A folder in its place: unreadable as a file even for root, which permissions are not."""
    store.path.mkdir(parents=True)
    with caplog.at_level(logging.WARNING, logger="kiosk.staff"):
        lock = Machine().lock(pin_hash, store)
    assert lock.locked_for_s == 300
    assert f"the lockout file {store.path} is unreadable or damaged: " in caplog.text
    assert "will not survive a restart" in caplog.text, "nor can it be written: that is logged"


def test_a_fifo_in_place_of_the_lockout_file_does_not_hang_the_start(
    pin_hash: PinHash, store: LockoutFile
) -> None:
    store.path.parent.mkdir()
    os.mkfifo(store.path)
    assert Machine().lock(pin_hash, store).locked_for_s == 300


def test_a_state_folder_that_cannot_be_written_is_logged_and_the_lock_still_works(
    pin_hash: PinHash, caplog: pytest.LogCaptureFixture
) -> None:
    store = LockoutFile(Path("/proc/nope/staff-lockout.json"))
    with caplog.at_level(logging.WARNING, logger="kiosk.staff"):
        lock = Machine().lock(pin_hash, store)
        assert _wrong(lock, 5)[-1] is PinResult.LOCKED_OUT
    assert lock.locked_for_s == 300
    assert "will not survive a restart: cannot write /proc/nope/staff-lockout.json" in caplog.text


def test_the_lockout_file_holds_two_numbers_for_its_user_only(
    pin_hash: PinHash, store: LockoutFile
) -> None:
    machine = Machine()
    _wrong(machine.lock(pin_hash, store), 5)
    assert json.loads(store.path.read_text(encoding="utf-8")) == {
        "wrong_pins": 5,
        "locked_until": machine.wall.now + 300,
    }
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    assert os.listdir(store.path.parent) == [store.path.name], "no temporary file left"


# Writing the hash into the configuration -------------------------------------------------------

NEW = "scrypt$n=16384,r=8,p=1$" + _b64(b"n" * 16) + "$" + _b64(b"H" * 32)


def test_empty_file_gets_just_the_key() -> None:
    result = set_pin_in_toml("", NEW)
    assert result == f'staff_pin_hash = "{NEW}"\n'
    assert tomllib.loads(result) == {"staff_pin_hash": NEW}


def test_existing_key_is_replaced_in_place_with_its_comment() -> None:
    source = (
        "# Kiosk settings\n"
        'language = "es"\n'
        'staff_pin_hash = "scrypt$old"   # set by kiosk set-pin\n'
        "theme = 'high_contrast'\n"
        "\n"
        "[screen]\n"
        "width_px = 1280\n"
    )
    result = set_pin_in_toml(source, NEW)
    assert result == source.replace('"scrypt$old"', f'"{NEW}"')
    assert tomllib.loads(result) == {
        "language": "es",
        "staff_pin_hash": NEW,
        "theme": "high_contrast",
        "screen": {"width_px": 1280},
    }


def test_quoted_key_and_no_final_newline_are_kept() -> None:
    result = set_pin_in_toml('language = "en"\n"staff_pin_hash" = ""', NEW)
    assert result == f'language = "en"\nstaff_pin_hash = "{NEW}"'


def test_file_with_tables_only_gets_the_key_above_them() -> None:
    source = "[screen]\nwidth_px = 1280\n\n[other]\nstaff_pin_hash = 'not top level'\n"
    result = set_pin_in_toml(source, NEW)
    assert result == f'staff_pin_hash = "{NEW}"\n\n' + source
    parsed = tomllib.loads(result)
    assert parsed["staff_pin_hash"] == NEW
    assert parsed["other"] == {"staff_pin_hash": "not top level"}


def test_file_without_tables_gets_the_key_at_the_end() -> None:
    source = '# Kiosk settings\nlanguage = "es"  # Spanish\n'
    result = set_pin_in_toml(source, NEW)
    assert result == source + f'staff_pin_hash = "{NEW}"\n'
    assert tomllib.loads(result) == {"language": "es", "staff_pin_hash": NEW}


def test_the_key_goes_above_the_comment_that_describes_the_first_table() -> None:
    source = 'language = "es"\n\n# The screen.\n# Its size.\n[screen]\nwidth_px = 1280\n'
    result = set_pin_in_toml(source, NEW)
    assert result == (
        f'language = "es"\n\nstaff_pin_hash = "{NEW}"\n\n# The screen.\n# Its size.\n'
        "[screen]\nwidth_px = 1280\n"
    )


def test_lines_inside_a_multi_line_value_are_not_mistaken_for_keys_or_tables() -> None:
    source = (
        'printed_message = """\n'
        "[Please collect your questions]\n"
        'staff_pin_hash = "not a key"\n'
        '"""\n'
        "sizes = [\n"
        "  [1, 2],\n"
        "]\n"
        "[screen]\n"
        "width_px = 1280\n"
    )
    result = set_pin_in_toml(source, NEW)
    parsed = tomllib.loads(result)
    assert parsed["staff_pin_hash"] == NEW
    assert parsed["printed_message"].startswith("[Please collect")
    assert parsed["sizes"] == [[1, 2]]
    lines = source.splitlines()
    assert result.splitlines() == [*lines[:7], f'staff_pin_hash = "{NEW}"', "", *lines[7:]]


def test_windows_line_endings_are_kept() -> None:
    source = 'language = "es"\r\n[screen]\r\nwidth_px = 1280\r\n'
    result = set_pin_in_toml(source, NEW)
    assert (
        result
        == f'language = "es"\r\nstaff_pin_hash = "{NEW}"\r\n\r\n[screen]\r\nwidth_px = 1280\r\n'
    )


def test_the_example_configuration_keeps_every_line() -> None:
    source = (resources_dir() / "kiosk.example.toml").read_text(encoding="utf-8")
    result = set_pin_in_toml(source, NEW)
    before, after = tomllib.loads(source), tomllib.loads(result)
    assert after == {**before, "staff_pin_hash": NEW}
    added = [line for line in result.splitlines() if line not in source.splitlines()]
    assert added == [f'staff_pin_hash = "{NEW}"']
    assert result.index("staff_pin_hash") < result.index("\n[")


def test_a_real_hash_written_and_read_back_opens() -> None:
    text = hash_pin(PIN)
    result = set_pin_in_toml('theme = "standard"\n', text)
    assert parse_pin_hash(tomllib.loads(result)["staff_pin_hash"]).matches(PIN)


def test_a_bad_hash_is_not_written() -> None:
    with pytest.raises(PinHashError):
        set_pin_in_toml("", "48213")


def test_a_file_that_is_not_toml_is_refused() -> None:
    with pytest.raises(ValueError, match="not valid TOML"):
        set_pin_in_toml("theme = standard\n", NEW)


def test_a_key_this_cannot_find_safely_is_refused_not_duplicated() -> None:
    # "staff\u005fpin_hash" is the same key to TOML, but the line scan does not see it.
    with pytest.raises(ValueError, match="edit it by hand"):
        set_pin_in_toml('"staff\\u005fpin_hash" = "old"\n', NEW)

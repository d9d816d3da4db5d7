"""The staff PIN: a salted scrypt hash, and the lockout after wrong guesses, kept on disk."""

from __future__ import annotations

import base64
import binascii
import itertools
import logging
import math
import os
import re
import stat
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from kiosk.paths import write_state_file

log = logging.getLogger("kiosk.staff")

PIN_KEY = "staff_pin_hash"  # the configuration key that holds the hash
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
HASH_BYTES = 32
SALT_BYTES = 16
MIN_SALT_BYTES = 8
MIN_PBKDF2_ITERATIONS = 100_000
# Beyond these a single check would take seconds or gigabytes on a kiosk PC; a hash that asks
# for more is a typo or a hostile file, not a clinic's choice.
MAX_PBKDF2_ITERATIONS = 10_000_000
MIN_SCRYPT_N = 2**10
MAX_SCRYPT_N = 2**20
MAX_SCRYPT_R = 32
MAX_SCRYPT_P = 16
MAX_SCRYPT_MEMORY_BYTES = 256 * 2**20

_PIN = re.compile(r"[0-9]{4,12}")  # not \d: that also takes Arabic-Indic and other digits
# Common PINs that the patterns in _guessable do not catch: from DataGenetics' analysis of
# 3.4 million leaked 4-digit PINs (2012), the top twenty's others, and 2580, a keypad's
# middle column.
_COMMON_PINS = frozenset({"1004", "2000", "2001", "1122", "2580", "112233"})
_CHOOSE = "choose 4 to 12 digits with no pattern, such as 6 digits picked at random"


class PinError(ValueError):
    """A PIN that cannot be a staff PIN; the message is for the person who typed it."""


class PinHashError(ValueError):
    """A ``staff_pin_hash`` that cannot be read; the message names what is wrong with it.

    The message never repeats the hash: anyone holding it can try all 4-digit PINs offline.
    """


def _check_pin(pin: str) -> None:
    """Refuse what cannot be typed on the PIN pad, and what anyone would try first."""
    if not _PIN.fullmatch(pin):
        raise PinError("The PIN must be 4 to 12 digits")
    reason = _guessable(pin)
    if reason is not None:
        # The message never repeats the PIN: set-pin's output may end up in a log.
        raise PinError(
            f"That PIN is too easy to guess ({reason}, which anyone would try first); {_CHOOSE}"
        )


def _guessable(pin: str) -> str | None:
    """Why ``pin`` (4 to 12 ASCII digits) is among the first PINs a stranger would try."""
    if len(set(pin)) == 1:
        return "one digit repeated"
    steps = {(int(after) - int(before)) % 10 for before, after in itertools.pairwise(pin)}
    if steps in ({1}, {9}):  # 9: one down, as in 9876; 7890 and 0987 count too
        return "digits in order, like 1234 or 9876"
    for size in range(2, len(pin) // 2 + 1):
        if len(pin) % size == 0 and pin == pin[:size] * (len(pin) // size):
            return "a few digits repeated, like 1212 or 123123"
    if pin in _COMMON_PINS:
        return "one of the most common PINs"
    return None


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64decode(text: str, what: str) -> bytes:
    try:
        # Padding is optional: some tools leave it off, and it carries no information.
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise PinHashError(f"the {what} is not valid base64") from None


def _scrypt(pin: str, salt: bytes, *, n: int, r: int, p: int, length: int) -> bytes:
    # OpenSSL refuses anything above 32 MiB unless maxmem says otherwise; its own sum is
    # 128·r·(n + 2) for the work area plus 128·r·p for the blocks.
    maxmem = 128 * r * (n + 2 + p) + 2**20
    # Here, not with the module: OpenSSL (_hashlib) costs every start of the kiosk 3 ms.
    import hashlib  # noqa: PLC0415

    return hashlib.scrypt(
        pin.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=length
    )


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """``pin`` as ``scrypt$n=16384,r=8,p=1$<salt>$<hash>`` (base64), ready for the config file.

    ``salt`` is for tests that need a fixed result; leave it out to get a fresh random one.
    """
    _check_pin(pin)
    if salt is None:
        import secrets  # noqa: PLC0415 - it brings hashlib: see _scrypt

        salt = secrets.token_bytes(SALT_BYTES)
    elif len(salt) < MIN_SALT_BYTES:
        raise ValueError(f"the salt must be at least {MIN_SALT_BYTES} bytes")
    digest = _scrypt(pin, salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, length=HASH_BYTES)
    params = f"n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P}"
    return f"scrypt${params}${_b64encode(salt)}${_b64encode(digest)}"


@dataclass(frozen=True)
class PinHash:
    """A parsed staff PIN hash: scrypt (what ``hash_pin`` makes) or PBKDF2-SHA256."""

    scheme: str  # "scrypt" or "pbkdf2_sha256"
    salt: bytes = field(repr=False)
    digest: bytes = field(repr=False)
    n: int = 0  # scrypt's cost parameters; 0 for PBKDF2
    r: int = 0
    p: int = 0
    iterations: int = 0  # PBKDF2's; 0 for scrypt

    def matches(self, pin: str) -> bool:
        """Whether ``pin`` is the PIN this hash was made from."""
        import hashlib  # noqa: PLC0415 - see _scrypt
        import hmac  # noqa: PLC0415

        if not _PIN.fullmatch(pin):
            return False  # it cannot match, and hashing it would only spend time
        if self.scheme == "scrypt":
            derived = _scrypt(pin, self.salt, n=self.n, r=self.r, p=self.p, length=len(self.digest))
        else:
            derived = hashlib.pbkdf2_hmac(
                "sha256", pin.encode("ascii"), self.salt, self.iterations, len(self.digest)
            )
        return hmac.compare_digest(derived, self.digest)


_FORMS = "scrypt$n=…,r=…,p=…$salt$hash or pbkdf2_sha256$iterations$salt$hash"


def parse_pin_hash(text: str) -> PinHash:
    """Read a ``staff_pin_hash`` value; ``PinHashError`` says what is wrong with a bad one."""
    parts = text.strip().split("$")
    if len(parts) != 4 or parts[0] not in {"scrypt", "pbkdf2_sha256"}:
        raise PinHashError(f"the staff PIN hash is not in the form {_FORMS}")
    scheme, params, salt_text, digest_text = parts
    if scheme == "scrypt":
        n, r, p = _scrypt_params(params)
        salt = _b64decode(salt_text, "salt")
    else:
        iterations = _pbkdf2_iterations(params)
        # Django's form, which clinics are most likely to have: the salt is the text itself,
        # not base64, and only the hash is encoded.
        if not salt_text.isascii() or not salt_text.isprintable():
            raise PinHashError("the salt must be plain ASCII text")
        salt = salt_text.encode("ascii")
    digest = _b64decode(digest_text, "hash")
    if len(salt) < MIN_SALT_BYTES:
        raise PinHashError(
            f"the salt is too short ({len(salt)} bytes; at least {MIN_SALT_BYTES} are needed)"
        )
    if len(digest) != HASH_BYTES:
        raise PinHashError(f"the hash must be {HASH_BYTES} bytes, not {len(digest)}")
    if scheme == "scrypt":
        return PinHash(scheme, salt, digest, n=n, r=r, p=p)
    return PinHash(scheme, salt, digest, iterations=iterations)


def _scrypt_params(text: str) -> tuple[int, int, int]:
    fields = [item.partition("=") for item in text.split(",")]
    values = {name: value for name, _, value in fields}
    if (
        len(fields) != 3
        or set(values) != {"n", "r", "p"}
        or not all(value.isascii() and value.isdigit() for value in values.values())
    ):
        raise PinHashError("the scrypt parameters must be n=…,r=…,p=… with whole numbers")
    n, r, p = int(values["n"]), int(values["r"]), int(values["p"])
    if not (MIN_SCRYPT_N <= n <= MAX_SCRYPT_N and n & (n - 1) == 0):
        raise PinHashError(
            f"scrypt n must be a power of two from {MIN_SCRYPT_N} to {MAX_SCRYPT_N}, not {n}"
        )
    if not 1 <= r <= MAX_SCRYPT_R:
        raise PinHashError(f"scrypt r must be from 1 to {MAX_SCRYPT_R}, not {r}")
    if not 1 <= p <= MAX_SCRYPT_P:
        raise PinHashError(f"scrypt p must be from 1 to {MAX_SCRYPT_P}, not {p}")
    if 128 * r * n > MAX_SCRYPT_MEMORY_BYTES:
        raise PinHashError(
            f"scrypt n={n} with r={r} needs more than {MAX_SCRYPT_MEMORY_BYTES // 2**20} MiB"
        )
    return n, r, p


def _pbkdf2_iterations(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise PinHashError("the PBKDF2 iterations must be a whole number")
    iterations = int(text)
    if not MIN_PBKDF2_ITERATIONS <= iterations <= MAX_PBKDF2_ITERATIONS:
        raise PinHashError(
            f"the PBKDF2 iterations must be from {MIN_PBKDF2_ITERATIONS} to "
            f"{MAX_PBKDF2_ITERATIONS}, not {iterations}"
        )
    return iterations


class PinResult(Enum):
    """What came of one PIN entered on the staff screen."""

    OPENED = "opened"
    WRONG = "wrong"
    LOCKED_OUT = "locked out"  # too many wrong PINs; the PIN was not checked, or was the last
    NO_PIN = "no pin"  # no usable hash is configured: staff mode stays closed


LOCKOUT_FILE_NAME = "staff-lockout.json"  # in the state folder (kiosk.paths.state_dir)
_LOCKOUT_MAX_BYTES = 4096  # the file holds two numbers; anything longer is not ours


@dataclass(frozen=True)
class LockoutState:
    """What the lockout keeps across a restart. Nothing of a PIN, nothing of a patient."""

    wrong_pins: int  # wrong PINs in a row since the last right one or the last lockout
    locked_until: float | None  # wall-clock time (time.time()) the lockout ends; None: not locked


class LockoutFileError(Exception):
    """The lockout file is there but cannot be read or is damaged; the message says how."""


class LockoutFile:
    """The lockout's small JSON file, so that pulling the plug gives no fresh guesses.

    Written whole or not at all (a temporary file, then ``os.replace``), readable only by the
    kiosk's user (0600).
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> LockoutState | None:
        """The saved state; None when there is no file yet. Raises ``LockoutFileError``."""
        try:
            # Non-blocking, so that a FIFO in its place cannot hang the kiosk's start.
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            return None
        except OSError as error:
            raise LockoutFileError(f"cannot read it ({error.strerror or error})") from None
        try:
            with os.fdopen(fd, "rb") as file:
                if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                    raise LockoutFileError("it is not a regular file")
                data = file.read(_LOCKOUT_MAX_BYTES + 1)
        except OSError as error:
            raise LockoutFileError(f"cannot read it ({error.strerror or error})") from None
        return _parse_lockout(data)

    def write(self, state: LockoutState) -> None:
        """Replace the file with ``state``, durably (it must survive a power cut). OSError."""
        import json  # noqa: PLC0415 - as hashlib in _scrypt: the kiosk's start needs neither

        text = json.dumps({"wrong_pins": state.wrong_pins, "locked_until": state.locked_until})
        write_state_file(self.path, text + "\n")


def _parse_lockout(data: bytes) -> LockoutState:
    if len(data) > _LOCKOUT_MAX_BYTES:
        raise LockoutFileError(f"it is longer than {_LOCKOUT_MAX_BYTES} bytes")
    import json  # noqa: PLC0415 - see LockoutFile.write

    try:
        saved = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise LockoutFileError("it is not the JSON the kiosk writes") from None
    if not isinstance(saved, dict) or set(saved) != {"wrong_pins", "locked_until"}:
        raise LockoutFileError("it does not hold wrong_pins and locked_until")
    wrong, until = saved["wrong_pins"], saved["locked_until"]
    if isinstance(wrong, bool) or not isinstance(wrong, int) or wrong < 0:
        raise LockoutFileError(f"wrong_pins must be a whole number from 0, not {wrong!r}")
    if until is not None and (
        isinstance(until, bool) or not isinstance(until, int | float) or not math.isfinite(until)
    ):
        raise LockoutFileError(f"locked_until must be a time or null, not {until!r}")
    return LockoutState(wrong, None if until is None else float(until))


class StaffLock:
    """The door to staff mode: checks PINs and locks for a while after repeated wrong ones.

    The digits of a PIN are never logged or kept; only the count of wrong ones is. With a
    ``store``, the count and the lockout survive a restart: they are read when the lock is
    made and written after every wrong PIN, before its result is shown. A store that cannot
    be read locks staff mode for ``lockout_s``, since it may hide a lockout.

    Times in memory come from ``clock`` (monotonic, so a clock change while the kiosk runs
    neither ends nor stretches a lockout); the store holds wall-clock times from
    ``wall_clock``, the only clock that means anything after a restart. A saved lockout that
    would last longer than ``lockout_s`` (the wall clock was set back) is cut to ``lockout_s``.
    """

    def __init__(
        self,
        pin_hash: PinHash | None,
        problem: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_attempts: int = 5,
        lockout_s: float = 300,
        *,
        store: LockoutFile | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, not {max_attempts}")
        if lockout_s < 0:
            raise ValueError(f"lockout_s must not be negative, not {lockout_s}")
        self._pin_hash = pin_hash
        self._problem = problem
        self._clock = clock
        self._wall_clock = wall_clock
        self._max_attempts = max_attempts
        self._lockout_s = lockout_s
        self._store = store
        self._wrong = 0
        self._locked_until: float | None = None
        if store is not None and pin_hash is not None:
            self._restore(store)

    def try_pin(self, pin: str) -> PinResult:
        if self._pin_hash is None:
            log.warning("Staff mode stays closed: %s", self._problem or f"no {PIN_KEY} is set")
            return PinResult.NO_PIN
        now = self._clock()
        self._end_lockout_if_over(now)
        if self._locked_until is not None:
            return PinResult.LOCKED_OUT
        # Opened and wrong are the caller's to log, with what the screen showed; the lock logs
        # only what the caller cannot see: why there is no PIN, and the lockout starting.
        if self._pin_hash.matches(pin):
            if self._wrong:
                self._wrong = 0
                self._save()
            return PinResult.OPENED
        self._wrong += 1
        if self._wrong >= self._max_attempts:
            self._lock(now)
            log.warning(
                "Staff mode locked for %g s after %d wrong PINs", self._lockout_s, self._wrong
            )
            return PinResult.LOCKED_OUT
        self._save()
        return PinResult.WRONG

    @property
    def has_pin(self) -> bool:
        """Whether a usable PIN hash is set; without one staff mode cannot open."""
        return self._pin_hash is not None

    @property
    def problem(self) -> str | None:
        """Why there is no usable PIN hash, as given when the lock was made."""
        return self._problem

    @property
    def attempts_left(self) -> int:
        """How many wrong PINs may still be entered before the lock engages; 0 while locked."""
        self._end_lockout_if_over(self._clock())
        if self._locked_until is not None:
            return 0
        return self._max_attempts - self._wrong

    @property
    def locked_for_s(self) -> float:
        """Seconds until PINs are checked again; 0 when they are checked now."""
        now = self._clock()
        self._end_lockout_if_over(now)
        if self._locked_until is None:
            return 0.0
        return self._locked_until - now

    def _end_lockout_if_over(self, now: float) -> None:
        # The store needs no update: a saved lockout that is over reads as no wrong PINs.
        if self._locked_until is not None and now >= self._locked_until:
            self._locked_until = None
            self._wrong = 0

    def _lock(self, now: float, for_s: float | None = None) -> None:
        self._wrong = max(self._wrong, self._max_attempts)
        self._locked_until = now + (self._lockout_s if for_s is None else for_s)
        self._save()

    def _restore(self, store: LockoutFile) -> None:
        try:
            saved = store.read()
            if saved is not None and saved.locked_until is None:
                if saved.wrong_pins >= self._max_attempts:
                    raise LockoutFileError(f"{saved.wrong_pins} wrong PINs but no lockout time")
                self._wrong = saved.wrong_pins
        except LockoutFileError as error:
            log.warning(
                "Staff mode locked for %g s to be safe: the lockout file %s is unreadable or "
                "damaged: %s",
                self._lockout_s,
                store.path,
                error,
            )
            self._lock(self._clock())
            return
        if saved is None or saved.locked_until is None:
            return
        left_s = saved.locked_until - self._wall_clock()
        if left_s <= 0:
            return  # it ended while the kiosk was off: the count starts again
        if left_s > self._lockout_s:
            log.warning(
                "The staff lockout saved in %s ends %.0f s from now, later than a lockout "
                "lasts (the clock was changed?): staff mode locked for %g s",
                store.path,
                left_s,
                self._lockout_s,
            )
            self._lock(self._clock())  # saved again, so that a restart does not renew it
            return
        self._lock(self._clock(), left_s)
        log.warning("Staff mode still locked for %.0f s after wrong PINs before a restart", left_s)

    def _save(self) -> None:
        if self._store is None:
            return
        until = None
        if self._locked_until is not None:
            until = self._wall_clock() + (self._locked_until - self._clock())
        try:
            self._store.write(LockoutState(self._wrong, until))
        except OSError as error:
            log.warning(
                "The staff lockout will not survive a restart: cannot write %s (%s)",
                self._store.path,
                error.strerror or error,
            )


# set_pin_in_toml ------------------------------------------------------------------------------

_KEY_LINE = re.compile(
    r"""^[ \t]*(?:staff_pin_hash|"staff_pin_hash"|'staff_pin_hash')[ \t]*=""", re.ASCII
)


def set_pin_in_toml(source: str, pin_hash: str) -> str:
    """``source`` with its top-level ``staff_pin_hash`` set to ``pin_hash``; nothing else changes.

    An existing top-level key is replaced in place (its trailing comment kept); otherwise the
    key goes just above the first ``[table]`` (and the comment block directly above it), or at
    the end when there is no table. Raises ``PinHashError`` for a bad ``pin_hash`` and
    ``ValueError`` for a ``source`` that is not valid TOML or that this cannot edit safely.
    """
    parse_pin_hash(pin_hash)
    try:
        before = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"the configuration is not valid TOML ({error})") from None
    newline = "\r\n" if "\r\n" in source else "\n"
    lines = source.splitlines(keepends=True)
    starts = _statement_starts(lines)
    escaped = pin_hash.replace("\\", "\\\\").replace('"', '\\"')
    assignment = f'{PIN_KEY} = "{escaped}"'

    header = next(
        (i for i, line in enumerate(lines) if starts[i] and line.lstrip().startswith("[")),
        len(lines),
    )
    existing = next(
        (i for i in range(header) if starts[i] and _KEY_LINE.match(lines[i])),
        None,
    )
    if existing is not None:
        end = next((i for i in range(existing + 1, len(lines)) if starts[i]), len(lines))
        comment = _trailing_comment(lines[existing]) if end == existing + 1 else ""
        ending = newline if lines[end - 1].endswith(("\n", "\r")) else ""
        lines[existing:end] = [f"{assignment}{comment}{ending}"]
    elif header < len(lines):
        at = header
        # A comment block right above a table usually describes that table: stay above it.
        while at > 0 and starts[at - 1] and lines[at - 1].lstrip().startswith("#"):
            at -= 1
        lines[at:at] = [assignment + newline, newline]
    else:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        lines.append(assignment + newline)
    result = "".join(lines)

    # Cheap insurance before a caller overwrites the clinic's file: the edit did what it says.
    try:
        after = tomllib.loads(result)
    except tomllib.TOMLDecodeError:
        after = {}
    if after.get(PIN_KEY) != pin_hash or {k: v for k, v in after.items() if k != PIN_KEY} != {
        k: v for k, v in before.items() if k != PIN_KEY
    }:
        raise ValueError(f"cannot set {PIN_KEY} in this file safely; edit it by hand")
    return result


def _trailing_comment(line: str) -> str:
    """The spaces and ``# comment`` after the value on ``line``, without the line ending."""
    text = line.rstrip("\r\n")
    at = _scan(text, None, 0)[2]
    if at is None:
        return ""
    return text[len(text[:at].rstrip(" \t")) :]


def _statement_starts(lines: list[str]) -> list[bool]:
    """For each line, whether it begins outside any multi-line string, array or inline table.

    Only such lines can be a table header or the start of a key; a line inside a multi-line
    value that happens to start with "[" or "staff_pin_hash =" is part of that value.
    """
    starts: list[bool] = []
    string: str | None = None
    depth = 0
    for line in lines:
        starts.append(string is None and depth == 0)
        string, depth, _ = _scan(line.rstrip("\r\n"), string, depth)
    return starts


def _scan(text: str, string: str | None, depth: int) -> tuple[str | None, int, int | None]:
    """The open multi-line string and bracket depth after ``text``, and where its comment is."""
    i = 0
    while i < len(text):
        if string is not None:
            if string.startswith('"') and text[i] == "\\":
                i += 2  # an escape: \" does not close the string
                continue
            if text.startswith(string, i):
                i += len(string)
                string = None
                continue
            i += 1
            continue
        if text[i] == "#":
            return None, depth, i
        if text.startswith(('"""', "'''"), i):
            string = text[i : i + 3]
            i += 3
            continue
        if text[i] in "\"'":
            string = text[i]
        elif text[i] in "[{":
            depth += 1
        elif text[i] in "]}":
            depth -= 1
        i += 1
    # A one-line string cannot run on to the next line.
    return (string if string in {'"""', "'''"} else None), depth, None

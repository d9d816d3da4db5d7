"""A private PulseAudio with a null sink, and recordings of what it played: tests, benchmarks."""

from __future__ import annotations

import atexit
import math
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import wave
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import numpy as np

SINK = "kiosk_null"
MONITOR = f"{SINK}.monitor"
# The null sink's description; Qt lists the output under this name.
SINK_DESCRIPTION = "KioskNull"
RATE_HZ = 22050
FULL_SCALE = 32768
# Unix socket paths are limited to 108 bytes (sun_path) including the terminating zero.
_MAX_SOCKET_PATH = 100
_COMMANDS = ("pulseaudio", "pactl", "parec")
_READY_TIMEOUT_S = 10.0
# While idle the null sink sleeps with a 2 s latency, so the first sound after the keep-alive
# reader attaches can come up to 2 s late; one wait this long lets it settle to real time.
_WARM_UP_S = 2.2

# What start_pulse() sets in os.environ, for this process and every child it starts.
_CLIENT_VARIABLES = (
    "XDG_RUNTIME_DIR",
    "PULSE_RUNTIME_PATH",
    "PULSE_STATE_PATH",
    "PULSE_SERVER",
    "QT_AUDIO_BACKEND",
)
# The servers start_pulse() started in this process and stop_pulse() has not stopped yet.
_running: list[PulseServer] = []

_CONFIG = """\
load-module module-null-sink sink_name={sink} \
sink_properties=device.description={description} rate={rate} channels=1
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
set-default-sink {sink}
"""


class AudioServerError(RuntimeError):
    """The private audio server could not be started or is missing."""


def missing_commands() -> list[str]:
    """The PulseAudio programs the helpers need that are not installed."""
    return [name for name in _COMMANDS if shutil.which(name) is None]


@dataclass(eq=False)
class PulseServer:
    """A running private PulseAudio with a 22 050 Hz mono null sink, private to one directory.

    While it runs, ``os.environ`` points every PulseAudio client of this process (Qt Multimedia
    included) and every child process at it.
    """

    directory: Path
    env: dict[str, str]  # os.environ with the server's variables, for child processes
    _daemon: subprocess.Popen[bytes]
    _keep_alive: subprocess.Popen[bytes] | None = None
    _saved_environ: dict[str, str | None] = field(default_factory=dict)

    @property
    def log(self) -> Path:
        return self.directory / "pa.log"

    def record(self, path: Path) -> Recording:
        """A recording of the null sink's monitor into the WAV file ``path`` (use with ``with``)."""
        return Recording(path, self.env)


def start_pulse(directory: Path, warm_up: bool = True) -> PulseServer:
    """Starts a private PulseAudio in ``directory`` and points ``os.environ`` at it.

    Set the environment before Qt Multimedia first lists audio devices in this process: Qt
    connects to the audio server once, when it first needs it, and keeps that connection for the
    life of the process.
    """
    if _running:
        raise AudioServerError(
            f"a private PulseAudio already runs in {_running[0].directory}: Qt keeps the first "
            "server it connects to, so share that one"
        )
    missing = missing_commands()
    if missing:
        raise AudioServerError(
            f"{', '.join(missing)} not found; install pulseaudio and pulseaudio-utils "
            "(./dev.sh test does)"
        )
    directory = directory.resolve()
    socket = directory / "native"
    if len(str(socket)) > _MAX_SOCKET_PATH:
        raise AudioServerError(f"socket path too long for a unix socket: {socket}")
    runtime = directory / "runtime"
    state = directory / "state"
    for folder in (runtime, state):
        folder.mkdir(parents=True, exist_ok=True)
        # PulseAudio (and Qt, for XDG_RUNTIME_DIR) refuse a runtime directory others can read.
        folder.chmod(0o700)
    config = directory / "kiosk.pa"
    config.write_text(
        _CONFIG.format(sink=SINK, description=SINK_DESCRIPTION, rate=RATE_HZ, socket=socket),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "XDG_RUNTIME_DIR": str(runtime),
        "PULSE_RUNTIME_PATH": str(runtime),
        "PULSE_STATE_PATH": str(state),
        "PULSE_SERVER": f"unix:{socket}",
        # Qt 6.10 and later can play through PipeWire instead; naming the backend keeps a
        # developer's desktop sound server out of the tests.
        "QT_AUDIO_BACKEND": "pulseaudio",
    }
    daemon_env = {**env, "HOME": str(state)}
    daemon = subprocess.Popen(
        [
            "pulseaudio",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--use-pid-file=no",
            "-n",
            "-F",
            str(config),
            f"--log-target=file:{directory / 'pa.log'}",
        ],
        env=daemon_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = PulseServer(directory, env, daemon)
    try:
        _wait_until_ready(server)
        server._keep_alive = subprocess.Popen(
            ["parec", "-d", MONITOR, "--latency-msec=10", "--raw"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if warm_up:
            _warm_up(server)
    except BaseException:
        stop_pulse(server)
        raise
    for name in _CLIENT_VARIABLES:
        server._saved_environ[name] = os.environ.get(name)
        os.environ[name] = env[name]
    _running.append(server)
    return server


def stop_pulse(server: PulseServer) -> None:
    """Stops the keep-alive reader and the server, and restores ``os.environ``."""
    if server in _running:
        _running.remove(server)
    for name, value in server._saved_environ.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    server._saved_environ.clear()
    for process in (server._keep_alive, server._daemon):
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@atexit.register
def _stop_left_running() -> None:
    """A script that died before stop_pulse() still leaves no server or reader behind."""
    for server in list(_running):
        stop_pulse(server)


@contextmanager
def private_pulse(directory: Path, warm_up: bool = True) -> Iterator[PulseServer]:
    """A private PulseAudio for the duration of a ``with`` block (see ``start_pulse``)."""
    server = start_pulse(directory, warm_up)
    try:
        yield server
    finally:
        stop_pulse(server)


def _wait_until_ready(server: PulseServer) -> None:
    deadline = time.monotonic() + _READY_TIMEOUT_S
    while True:
        answered = subprocess.run(
            ["pactl", "info"], env=server.env, capture_output=True, timeout=5, check=False
        )
        if answered.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise AudioServerError(f"PulseAudio did not answer; see {server.log}")
        try:
            # Waiting on the daemon paces the polling and notices at once if it died.
            code = server._daemon.wait(timeout=0.02)
        except subprocess.TimeoutExpired:
            continue
        raise AudioServerError(f"PulseAudio exited with status {code}; see {server.log}")


def _warm_up(server: PulseServer) -> None:
    assert server._keep_alive is not None
    try:
        code = server._keep_alive.wait(timeout=_WARM_UP_S)
    except subprocess.TimeoutExpired:
        return
    raise AudioServerError(f"the keep-alive parec exited with status {code}")


class Recording:
    """Records the null sink's monitor to a WAV file while a ``with`` block runs.

    Every chunk parec delivers is stamped with ``time.monotonic()`` on arrival, so a moment in
    the test (``time.monotonic()`` when something was called) can be placed on the recording's
    own time axis with ``at()``, to within a few ms. After the block, ``analyse()`` describes
    what was heard; convert moments after the block too, when the time axis is settled.
    """

    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path = path
        self._env = env
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._first_chunk = threading.Event()
        self._frames = 0
        # The recording's first sample in time.monotonic() seconds, from the least-delayed chunk.
        self._start_monotonic_s = math.inf
        self._data = bytearray()

    def __enter__(self) -> Recording:
        self._process = subprocess.Popen(
            [
                "parec",
                "-d",
                MONITOR,
                f"--rate={RATE_HZ}",
                "--channels=1",
                "--format=s16le",
                "--latency-msec=10",
                "--raw",
            ],
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
        )
        self._reader = threading.Thread(target=self._read, name="recording", daemon=True)
        self._reader.start()
        # Only return once sound is flowing, so nothing the test plays next can be missed.
        if not self._first_chunk.wait(timeout=_READY_TIMEOUT_S):
            self._stop()
            raise AudioServerError("parec delivered no audio from the monitor")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop()
        with wave.open(str(self.path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE_HZ)
            out.writeframes(bytes(self._data))

    def now(self) -> float:
        """The current moment on the recording's time axis, in seconds."""
        return self.at(time.monotonic())

    def at(self, monotonic_s: float) -> float:
        """Where ``time.monotonic()`` value ``monotonic_s`` falls in the recording, in seconds."""
        return monotonic_s - self._start_monotonic_s

    def analyse(self, threshold: float = 0.01, window_s: float = 0.005) -> Analysis:
        """What the recording holds (after the ``with`` block); see ``analyse``."""
        return analyse(samples_of(bytes(self._data)), RATE_HZ, threshold, window_s)

    def _read(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        stream = self._process.stdout
        pending = b""
        while chunk := stream.read(4096):
            arrived_s = time.monotonic()
            pending += chunk
            whole = len(pending) - len(pending) % 2
            self._data += pending[:whole]
            pending = pending[whole:]
            self._frames += whole // 2
            # A chunk arrives after its last sample was played, never before; the smallest
            # difference is the best estimate of when sample 0 was played.
            self._start_monotonic_s = min(
                self._start_monotonic_s, arrived_s - self._frames / RATE_HZ
            )
            self._first_chunk.set()

    def _stop(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            # parec finishes cleanly on SIGINT, as on Ctrl+C.
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process = None


@dataclass(frozen=True)
class Span:
    """A stretch of the recording that is all sound or all silence."""

    start_s: float
    end_s: float
    sound: bool

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Analysis:
    """A recording's length, loudness, and where it holds sound or silence.

    Levels are fractions of full scale (1.0 is the loudest 16-bit sample).
    """

    samples: array[int] = field(repr=False)
    rate_hz: int
    duration_s: float
    rms: float
    spans: tuple[Span, ...]

    def sounds(self, min_s: float = 0.0) -> list[Span]:
        return [s for s in self.spans if s.sound and s.duration_s >= min_s]

    def silences(self, min_s: float = 0.0) -> list[Span]:
        return [s for s in self.spans if not s.sound and s.duration_s >= min_s]

    def sound_s(self) -> float:
        """How long the recording holds sound, in seconds, all spans together."""
        return sum(s.duration_s for s in self.sounds())

    def sound_starts(self) -> list[float]:
        """Where each stretch of sound begins, in seconds."""
        return [s.start_s for s in self.sounds()]

    def silent_from(self, time_s: float) -> float | None:
        """When the sound at or after ``time_s`` stops for good, or None if it never does.

        ``time_s`` itself if the recording is already silent there and stays silent.
        """
        last = self.spans[-1] if self.spans else None
        if last is None or last.sound:
            return None
        return max(time_s, last.start_s)

    def rms_between(self, start_s: float, end_s: float) -> float:
        """The RMS level of the recording from ``start_s`` to ``end_s``."""
        first = max(0, round(start_s * self.rate_hz))
        last = min(len(self.samples), round(end_s * self.rate_hz))
        return _rms(self.samples[first:last])

    def frequency_between(self, start_s: float, end_s: float) -> float:
        """The frequency of the tone from ``start_s`` to ``end_s``, in Hz, from its zero crossings.

        Each upward crossing is placed between its two samples, so a 0.4 s stretch of a steady
        tone gives its frequency to within about 0.1 Hz.
        """
        first = max(0, round(start_s * self.rate_hz))
        last = min(len(self.samples), round(end_s * self.rate_hz))
        samples = np.asarray(self.samples[first:last], dtype=np.float64)
        rising = np.flatnonzero((samples[:-1] < 0) & (samples[1:] >= 0))
        if len(rising) < 2:
            raise ValueError(f"no tone between {start_s:.3f} and {end_s:.3f} s")
        before, after = samples[rising], samples[rising + 1]
        crossings = rising + before / (before - after)
        return float((len(crossings) - 1) * self.rate_hz / (crossings[-1] - crossings[0]))


def samples_of(pcm: bytes) -> array[int]:
    """16-bit little-endian PCM as an array of ints."""
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    if sys.byteorder != "little":
        samples.byteswap()
    return samples


def read_wav(path: Path) -> tuple[array[int], int]:
    """The samples and sample rate of a 16-bit mono WAV file."""
    with wave.open(str(path), "rb") as source:
        if source.getsampwidth() != 2 or source.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono")
        return samples_of(source.readframes(source.getnframes())), source.getframerate()


def analyse(
    samples: array[int], rate_hz: int, threshold: float = 0.01, window_s: float = 0.005
) -> Analysis:
    """Splits ``samples`` into sound and silence.

    A window of ``window_s`` is sound when its loudest sample exceeds ``threshold`` (a fraction
    of full scale), so span edges are accurate to one window.
    """
    window = max(1, round(window_s * rate_hz))
    limit = threshold * FULL_SCALE
    spans: list[Span] = []
    for first in range(0, len(samples), window):
        chunk = samples[first : first + window]
        sound = max(chunk) > limit or -min(chunk) > limit
        start_s = first / rate_hz
        end_s = (first + len(chunk)) / rate_hz
        if spans and spans[-1].sound == sound:
            spans[-1] = Span(spans[-1].start_s, end_s, sound)
        else:
            spans.append(Span(start_s, end_s, sound))
    return Analysis(samples, rate_hz, len(samples) / rate_hz, _rms(samples), tuple(spans))


def _rms(samples: array[int]) -> float:
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples)) / FULL_SCALE


def sine_pcm(
    duration_s: float, frequency_hz: float = 440.0, level: float = 0.5, rate_hz: int = RATE_HZ
) -> bytes:
    """A sine tone as 16-bit little-endian mono PCM at ``rate_hz``; ``level`` is its peak."""
    count = round(duration_s * rate_hz)
    amplitude = level * (FULL_SCALE - 1)
    step = 2 * math.pi * frequency_hz / rate_hz
    samples = array("h", (round(amplitude * math.sin(step * i)) for i in range(count)))
    if sys.byteorder != "little":
        samples.byteswap()
    return samples.tobytes()

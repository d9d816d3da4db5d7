"""The speech worker: a child process that runs pyttsx3 and eSpeak NG, supervised by the kiosk."""

from __future__ import annotations

import contextlib
import ctypes
import enum
import itertools
import logging
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger("kiosk.narration")

# An idle worker leaves by itself this soon after the parent closes the pipe.
LEAVE_GRACE_S = 0.2
# A stopped or stuck worker gets this long to end after SIGTERM before it gets SIGKILL.
TERMINATE_GRACE_S = 0.5
# Reaping a killed process is immediate unless the kernel holds it in uninterruptible sleep.
REAP_TIMEOUT_S = 5.0
# eSpeak NG and pyttsx3 write 16-bit samples at this rate unless eSpeak reports another.
DEFAULT_SAMPLE_RATE = 22050
# The built (PyInstaller) program starts its speech worker as itself with this first argument;
# packaging/launcher.py hands such a start to ``child_main`` before anything else is imported.
WORKER_FLAG = "--speech-worker"

_ESPEAK_EVENT_LIST_TERMINATED = 0
_ESPEAK_EVENT_WORD = 1
_ESPEAK_EVENT_MSG_TERMINATED = 6
_ESPEAK_EVENT_SAMPLERATE = 8


@dataclass(frozen=True)
class VoiceInfo:
    """An eSpeak NG voice the worker can use."""

    identifier: str  # what selects it: "gmw/en-US"
    name: str  # "English (America)"
    language: str  # its main language: "en-us"


@dataclass(frozen=True)
class Request:
    """Parent to child: speak ``text`` with ``voice`` (an identifier) at ``rate_wpm``."""

    request_id: int
    text: str
    voice: str
    rate_wpm: int


@dataclass(frozen=True)
class Reply:
    """Child to parent: the audio for a request and eSpeak's word events.

    ``words`` holds (0-based character offset, length in characters, milliseconds into the
    audio), one per eSpeak word event, in the order eSpeak sent them.
    """

    request_id: int
    pcm: bytes
    sample_rate: int
    words: tuple[tuple[int, int, int], ...]
    voice: str  # the identifier of the voice that spoke, as eSpeak reports it


@dataclass(frozen=True)
class Failure:
    """Child to parent: a request failed; the worker itself is still usable."""

    request_id: int
    error: str


@dataclass(frozen=True)
class Ready:
    """Child to parent, once: the engine is up and has these voices."""

    voices: tuple[VoiceInfo, ...]


@dataclass(frozen=True)
class Unavailable:
    """Child to parent, instead of Ready: the engine cannot be used at all."""

    no_engine: bool  # True when eSpeak NG or pyttsx3 is not installed
    error: str


class Fault(enum.Enum):
    """What went wrong with a worker."""

    NO_ENGINE = "no_engine"  # pyttsx3 or the eSpeak NG library is not installed
    START_FAILED = "start_failed"  # the worker died or gave up while starting the engine
    CRASHED = "crashed"  # the worker died while working on a request
    TIMED_OUT = "timed_out"  # the worker did not answer in time and was killed
    FAILED = "failed"  # the engine refused the request; the worker lives on
    CLOSED = "closed"  # the worker was stopped on purpose


class WorkerError(Exception):
    """A worker fault; ``str(self)`` is technical, for the log."""

    def __init__(self, fault: Fault, detail: str) -> None:
        super().__init__(detail)
        self.fault = fault


class Worker:
    """One supervised speech process at a time; after a crash or a timeout the next call
    starts a fresh one.

    Not thread-safe: one thread makes requests (the owner serialises them). ``kill`` may be
    called from any thread to end a request in progress at once.
    """

    def __init__(self) -> None:
        self._process: _Process | None = None
        self._conn: Connection | None = None
        self._voices: tuple[VoiceInfo, ...] = ()
        self._request_ids = itertools.count(1)

    @property
    def pid(self) -> int | None:
        """The worker's process id while one runs."""
        process = self._process
        return process.pid if process is not None else None

    def start(self, timeout_s: float) -> tuple[VoiceInfo, ...]:
        """Start the worker unless it runs, and return its voices; raises WorkerError."""
        if self._process is not None:
            if self._process.is_alive():
                return self._voices
            # It died between sentences; start afresh instead of failing the next one.
            code = self.stop(patient=False)
            log.warning("speech worker had ended while idle (%s)", _exit_status(code))
        process, parent_conn = _launch()
        self._process, self._conn = process, parent_conn
        log.info("speech worker started (pid %s)", process.pid)

        if not parent_conn.poll(timeout_s):
            self.stop(patient=False)
            raise WorkerError(
                Fault.START_FAILED, f"the speech worker did not start within {timeout_s:g} s"
            )
        try:
            message = parent_conn.recv()
        except (EOFError, OSError):
            code = self.stop(patient=False)
            raise WorkerError(
                Fault.START_FAILED,
                f"the speech worker ended during start-up ({_exit_status(code)}); the cause is "
                "on standard error (eSpeak NG exits when espeak-ng-data is missing)",
            ) from None
        if isinstance(message, Unavailable):
            self.stop()
            raise WorkerError(
                Fault.NO_ENGINE if message.no_engine else Fault.START_FAILED, message.error
            )
        assert isinstance(message, Ready), message  # the child sends nothing else first
        self._voices = message.voices
        return self._voices

    def request(self, text: str, voice: str, rate_wpm: int, timeout_s: float) -> Reply:
        """Synthesize ``text`` in the running worker; raises WorkerError.

        A crash or a timeout stops the worker; the next ``start`` begins a fresh one.
        """
        conn = self._conn
        if conn is None:
            raise WorkerError(Fault.CLOSED, "the speech worker is not running")
        request_id = next(self._request_ids)
        deadline = time.monotonic() + timeout_s
        try:
            conn.send(Request(request_id, text, voice, rate_wpm))
        except (OSError, ValueError) as error:  # a dead child's socket, or closed by kill()
            code = self.stop(patient=False)
            raise WorkerError(
                Fault.CRASHED, f"the speech worker was gone ({_exit_status(code)}): {error}"
            ) from None
        while True:
            remaining_s = deadline - time.monotonic()
            try:
                answered = remaining_s > 0 and conn.poll(remaining_s)
                message = conn.recv() if answered else None
            except (EOFError, OSError, ValueError):
                code = self.stop(patient=False)
                raise WorkerError(
                    Fault.CRASHED, f"the speech worker died mid-sentence ({_exit_status(code)})"
                ) from None
            if message is None:
                self.stop(patient=False)
                raise WorkerError(
                    Fault.TIMED_OUT,
                    f"the speech worker gave no answer within {timeout_s:g} s and was killed",
                )
            if getattr(message, "request_id", None) != request_id:
                # An answer to an earlier request that was given up on; never show it.
                log.debug("dropped a stale speech reply: %r", type(message).__name__)
                continue
            if isinstance(message, Failure):
                raise WorkerError(Fault.FAILED, message.error)
            assert isinstance(message, Reply), message
            return message

    def kill(self) -> None:
        """Kill the worker now without waiting; safe from another thread. Call ``stop`` after."""
        process = self._process
        if process is not None:
            # ValueError: the owning thread has just reaped and closed it.
            with contextlib.suppress(ValueError, OSError):
                process.kill()

    def stop(self, *, patient: bool = True) -> int | None:
        """Stop the worker, reap it, and return its exit code.

        A ``patient`` stop lets an idle worker leave on its own first; then, or at once,
        SIGTERM, then SIGKILL.
        """
        process, conn = self._process, self._conn
        self._process, self._conn = None, None
        if conn is not None:
            conn.close()  # the child reads end-of-file and leaves on its own
        if process is None:
            return None
        process.join(LEAVE_GRACE_S if patient else 0)
        if process.exitcode is None:
            process.terminate()
            process.join(TERMINATE_GRACE_S)
        if process.exitcode is None:
            process.kill()
            process.join(REAP_TIMEOUT_S)
        code = process.exitcode
        if code is None:
            log.error("speech worker %s did not end after SIGKILL", process.pid)
        else:
            log.info("speech worker %s stopped (%s)", process.pid, _exit_status(code))
        if code is not None or isinstance(process, _Child):
            process.close()  # a multiprocessing.Process refuses while it still runs
        return code


class _Process(Protocol):
    """What the worker needs of its child process: ``multiprocessing.Process`` or ``_Child``."""

    @property
    def pid(self) -> int | None: ...
    @property
    def exitcode(self) -> int | None: ...
    def is_alive(self) -> bool: ...
    def join(self, timeout: float | None = None) -> None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...
    def close(self) -> None: ...


class _Child:
    """A worker started as a plain program (see ``_launch``), with ``multiprocessing.Process``'s
    ways; its exit code is negative when a signal ended it, as there."""

    def __init__(self, popen: subprocess.Popen[bytes], lifeline: int) -> None:
        self._popen = popen
        self._lifeline = lifeline  # the write end of the pipe the child watches (see child_main)

    @property
    def pid(self) -> int | None:
        return self._popen.pid

    @property
    def exitcode(self) -> int | None:
        return self._popen.poll()

    def is_alive(self) -> bool:
        return self._popen.poll() is None

    def join(self, timeout: float | None = None) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._popen.wait(timeout)

    def terminate(self) -> None:
        self._popen.terminate()  # does nothing once the child is reaped

    def kill(self) -> None:
        self._popen.kill()

    def close(self) -> None:
        if self._lifeline >= 0:
            os.close(self._lifeline)
            self._lifeline = -1


def _launch() -> tuple[_Process, Connection]:
    """Start a worker process; return it and the kiosk's end of the connection to it.

    Never a fork: the kiosk is a Qt application with threads, and a forked copy of a threaded
    process can deadlock on a lock another thread held at the fork. On POSIX systems the worker
    is a fresh interpreter (or, built, the kiosk program itself) handed one end of a socket
    pair. ``multiprocessing``'s spawn would do the same but always starts its resource tracker
    too, a third Python process of 13 MB that the worker has no use for. Windows has no such
    tracker, and no way to hand a socket to a plain child, so there spawn it is.
    """
    if os.name != "posix":
        context = multiprocessing.get_context("spawn")
        parent_conn, child_conn = context.Pipe()
        process = context.Process(
            target=_serve_spawned, args=(child_conn,), name="kiosk-speech", daemon=True
        )
        process.start()
        # Only the child may hold its end, so that the child's death reads as end-of-file.
        child_conn.close()
        return process, parent_conn
    parent_sock, child_sock = socket.socketpair()
    # The child watches this pipe's read end; the kiosk alone holds the write end (not
    # inherited by anything it starts), so it reads end-of-file exactly when the kiosk is gone.
    watch_end, lifeline = os.pipe()
    try:
        popen = subprocess.Popen(
            [*_worker_command(), str(child_sock.fileno()), str(watch_end)],
            pass_fds=(child_sock.fileno(), watch_end),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # pyttsx3 prints "Audio saved to ..." for every sentence
        )
    except OSError:
        parent_sock.close()
        os.close(lifeline)
        raise
    finally:
        child_sock.close()
        os.close(watch_end)
    return _Child(popen, lifeline), Connection(parent_sock.detach())


def _worker_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, WORKER_FLAG]
    # This copy of the kiosk, wherever it was started from and whatever the current folder.
    root = str(Path(__file__).resolve().parents[2])
    code = (
        f"import sys; sys.path.insert(0, {root!r}); "
        "from kiosk.narration.worker import child_main; "
        "raise SystemExit(child_main(sys.argv[1:]))"
    )
    return [sys.executable, "-c", code]


def _exit_status(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


# ---------------------------------------------------------------------------------------------
# Everything below runs in the child process only.


def child_main(argv: list[str]) -> int:
    """The worker started by ``_launch`` on POSIX: ``argv`` holds the file descriptors of its
    end of the socket pair and of the pipe that ends when the kiosk does."""
    conn_fd, watch_fd = (int(arg) for arg in argv)

    def watch() -> None:
        os.read(watch_fd, 1)  # end-of-file: the kiosk has closed its end, or is gone
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    _serve(Connection(conn_fd))
    return 0


def _serve_spawned(conn: Connection) -> None:
    """The worker started by ``multiprocessing`` (Windows)."""
    _exit_with_parent()
    _serve(conn)


def _serve(conn: Connection) -> None:
    """The child's main loop: answer requests until the parent closes the pipe or dies."""
    # Ctrl-C in a terminal reaches the whole process group; the parent decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # pyttsx3 prints "Audio saved to ..." for every sentence; that is not the kiosk's output.
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives as long as we do)
    try:
        engine = _Engine()
    except _EngineUnavailableError as error:
        conn.send(Unavailable(error.no_engine, str(error)))
        return
    conn.send(Ready(engine.voices))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(engine.synthesize(request))
        except Exception as error:  # whatever the engine raises is the request's failure
            conn.send(Failure(request.request_id, f"{type(error).__name__}: {error}"))


def _exit_with_parent() -> None:
    """End this process when the kiosk dies, even while eSpeak hangs inside a call."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        wait_for([sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class _EngineUnavailableError(Exception):
    def __init__(self, no_engine: bool, detail: str) -> None:
        super().__init__(detail)
        self.no_engine = no_engine


@dataclass
class _Take:
    """What eSpeak delivered for one utterance; filled on eSpeak's own thread."""

    pcm: bytearray = field(default_factory=bytearray)
    words: list[tuple[int, int, int]] = field(default_factory=list)
    finished: threading.Event = field(default_factory=threading.Event)


class _Engine:
    """pyttsx3's eSpeak NG engine with a driver that keeps the audio and real word times."""

    def __init__(self) -> None:
        try:
            # Imported here, in the child only: libespeak-ng calls exit() when its data is
            # missing and can hang mid-sentence, and either must only ever end this process.
            import pyttsx3  # type: ignore[import-untyped]  # noqa: PLC0415
            from pyttsx3.drivers import espeak  # type: ignore[import-untyped]  # noqa: PLC0415
        except (ImportError, OSError, RuntimeError) as error:
            # pyttsx3 raises RuntimeError when it finds no libespeak-ng to load.
            raise _EngineUnavailableError(True, f"{type(error).__name__}: {error}") from None

        self._take = _Take()
        self._sample_rate = DEFAULT_SAMPLE_RATE
        owner = self

        class TimedDriver(espeak.EspeakDriver):  # type: ignore[misc]
            """pyttsx3's eSpeak driver, also keeping the audio and each word's time in it.

            pyttsx3 announces words ('started-word') while eSpeak synthesizes, tens of
            milliseconds for a whole paragraph, and drops the ``audio_position`` that eSpeak's
            word event carries: the word's start in the audio, which is what the screen needs
            to follow the voice. It also only hands audio out as a file, written after
            runAndWait() has returned. So this keeps both, straight from eSpeak's callback.
            """

            def _onSynth(self, wav: Any, numsamples: int, events: Any) -> int:
                take = owner._take
                finished = False
                if self._speaking:  # pyttsx3 itself ignores callbacks outside an utterance
                    index = 0
                    while (event := events[index]).type != _ESPEAK_EVENT_LIST_TERMINATED:
                        if event.type == _ESPEAK_EVENT_WORD:
                            take.words.append(
                                (event.text_position - 1, event.length, event.audio_position)
                            )
                        elif event.type == _ESPEAK_EVENT_SAMPLERATE:
                            # eSpeak reports this once, before its first sentence only.
                            owner._sample_rate = event.id.number
                        elif event.type == _ESPEAK_EVENT_MSG_TERMINATED:
                            finished = True
                        index += 1
                    if numsamples > 0:
                        take.pcm += ctypes.string_at(
                            wav, numsamples * ctypes.sizeof(ctypes.c_short)
                        )
                # pyttsx3 collects its own copy of the audio by concatenating bytes, which
                # takes quadratic time (3600 words: 18 s instead of 1.1 s); here that copy only
                # goes to /dev/null, so it starts empty each time.
                self._data_buffer = b""
                status: int = super()._onSynth(wav, numsamples, events)
                if finished:
                    take.finished.set()
                return status

        # pyttsx3 builds its driver through this module function; this process is ours alone.
        espeak.buildDriver = TimedDriver
        try:
            self._pyttsx3 = pyttsx3.init("espeak")
            self._synchronize = espeak._espeak.Synchronize
            self._current_voice = espeak._espeak.GetCurrentVoice
            self._driver_class = TimedDriver
            self.voices = tuple(_voice_info(voice) for voice in espeak._espeak.ListVoices(None))
        except RuntimeError as error:  # "could not initialize espeak"
            raise _EngineUnavailableError(False, f"{type(error).__name__}: {error}") from None
        self._errors: list[BaseException] = []
        # pyttsx3 catches what its queued commands raise and only reports it to this callback.
        self._pyttsx3.connect("error", self._on_error)

    def _on_error(self, name: object, exception: BaseException) -> None:
        self._errors.append(exception)

    def synthesize(self, request: Request) -> Reply:
        if not request.text.strip():
            raise ValueError("nothing to say")
        self._errors.clear()
        take = self._take = _Take()
        # Set on the driver directly rather than through pyttsx3's command queue, which runs
        # queued commands only inside runAndWait(), just before the sentence, and reports
        # their errors (an unknown voice) only to the 'error' callback.
        self._driver_class.setProperty("voice", request.voice)
        self._driver_class.setProperty("rate", request.rate_wpm)
        # eSpeak applies the rate on its own thread, and a sentence started before it has
        # done so now and then comes back with no audio at all (measured: 76 of 1000
        # back-to-back sentences; none of 1000 once this waits for eSpeak to be idle).
        self._synchronize()
        # The audio comes from the driver's callback; the file pyttsx3 insists on writing is
        # thrown away, and naming it each time stops pyttsx3 reusing an earlier file or text.
        self._pyttsx3.save_to_file(request.text, os.devnull)
        self._pyttsx3.runAndWait()
        # runAndWait() returns while eSpeak still works on its own thread; the parent's time
        # limit covers a wait that never ends. After an error, eSpeak may not run at all.
        take.finished.wait(1.0 if self._errors else None)
        if self._errors:
            error = self._errors[0]
            raise RuntimeError(f"{type(error).__name__}: {error}")
        voice = self._current_voice().contents.identifier.decode("utf-8", "replace")
        return Reply(
            request.request_id, bytes(take.pcm), self._sample_rate, tuple(take.words), voice
        )


def _voice_info(voice: Any) -> VoiceInfo:
    """A VoiceInfo from eSpeak's espeak_VOICE structure."""
    # ``languages`` is a priority byte followed by the language name ("\x02en-us").
    languages: bytes = voice.languages or b"\x00"
    return VoiceInfo(
        identifier=voice.identifier.decode("utf-8", "replace"),
        name=voice.name.decode("utf-8", "replace"),
        language=languages[1:].decode("utf-8", "replace").lower(),
    )

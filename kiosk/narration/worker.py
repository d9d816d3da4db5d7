"""The speech worker: a child process that runs one speech engine, supervised by the kiosk."""

from __future__ import annotations

import contextlib
import enum
import itertools
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kiosk.narration.engines import EngineInfo, EngineOptions
from kiosk.narration.wire import Pipe
from kiosk.narration.worker_child import (
    WORKER_FLAG,
    Failure,
    Ready,
    Reply,
    Request,
    Unavailable,
    serve,
)

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

log = logging.getLogger("kiosk.narration")

# An idle worker leaves by itself this soon after the parent closes the pipe.
LEAVE_GRACE_S = 0.2
# A stopped or stuck worker gets this long to end after SIGTERM before it gets SIGKILL.
TERMINATE_GRACE_S = 0.5
# Reaping a killed process is immediate unless the kernel holds it in uninterruptible sleep.
REAP_TIMEOUT_S = 5.0


class Fault(enum.Enum):
    """What went wrong with a worker."""

    NO_ENGINE = "no_engine"  # the engine's library (pyttsx3 and eSpeak NG, hibari-tts) is missing
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
    """One supervised speech process at a time for one engine; after a crash or a timeout
    the next call starts a fresh one.

    Not thread-safe: one thread makes requests (the owner serialises them). ``kill`` may be
    called from any thread to end a request in progress at once.
    """

    def __init__(self, engine: str = "espeak", options: EngineOptions | None = None) -> None:
        self.engine = engine  # what the child loads: a name for kiosk.narration.engines.load
        self._options = options or EngineOptions()
        self._process: _Process | None = None
        self._conn: Pipe | Connection | None = None
        self._info: EngineInfo | None = None
        self._request_ids = itertools.count(1)

    @property
    def pid(self) -> int | None:
        """The worker's process id while one runs."""
        process = self._process
        return process.pid if process is not None else None

    @property
    def running(self) -> bool:
        """Whether a worker process has been started and not stopped (it may have died)."""
        return self._process is not None

    def start(self, timeout_s: float) -> EngineInfo:
        """Start the worker unless it runs, and return what its engine can do; raises
        WorkerError."""
        if self._process is not None and self._info is not None:
            if self._process.is_alive():
                return self._info
            # It died between sentences; start afresh instead of failing the next one.
            code = self.stop(patient=False)
            log.warning("speech worker had ended while idle (%s)", _exit_status(code))
        process, parent_conn = _launch(self.engine, self._options)
        self._process, self._conn = process, parent_conn
        log.info("speech worker for %s started (pid %s)", self.engine, process.pid)

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
        self._info = message.engine
        return self._info

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


def _launch(engine: str, options: EngineOptions) -> tuple[_Process, Pipe | Connection]:
    """Start a worker process; return it and the kiosk's end of the connection to it.

    Never a fork: the kiosk is a Qt application with threads, and a forked copy of a threaded
    process can deadlock on a lock another thread held at the fork. On POSIX systems the worker
    is a fresh interpreter (or, built, the kiosk program itself) handed one end of a socket
    pair. ``multiprocessing``'s spawn would do the same but always starts its resource tracker
    too, a third Python process of 13 MB that the worker has no use for. Windows has no such
    tracker, and no way to hand a socket to a plain child, so there spawn it is, and only there
    is multiprocessing imported: on POSIX both ends speak over a ``Pipe`` (kiosk/narration/wire.py).
    """
    if os.name != "posix":
        import multiprocessing  # noqa: PLC0415 - see above

        context = multiprocessing.get_context("spawn")
        parent_conn, child_conn = context.Pipe()
        process = context.Process(
            target=_serve_spawned,
            args=(child_conn, engine, options),
            name=f"kiosk-speech-{engine}",
            daemon=True,
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
            [
                *_worker_command(),
                str(child_sock.fileno()),
                str(watch_end),
                engine,
                str(options.neural_model or ""),
            ],
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
    return _Child(popen, lifeline), Pipe(parent_sock.detach())


def _worker_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, WORKER_FLAG]
    # This copy of the kiosk, wherever it was started from and whatever the current folder.
    root = str(Path(__file__).resolve().parents[2])
    code = (
        f"import sys; sys.path.insert(0, {root!r}); "
        "from kiosk.narration.worker_child import child_main; "
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
# Everything below runs in the child process only (and kiosk/narration/worker_child.py).


def _serve_spawned(conn: Connection, engine: str, options: EngineOptions) -> None:
    """The worker started by ``multiprocessing`` (Windows)."""
    _exit_with_parent()
    serve(conn, engine, options)


def _exit_with_parent() -> None:
    """End this process when the kiosk dies, even while eSpeak hangs inside a call."""
    import multiprocessing  # noqa: PLC0415 - only the Windows worker, which it started, has it
    from multiprocessing.connection import wait as wait_for  # noqa: PLC0415

    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        wait_for([sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()

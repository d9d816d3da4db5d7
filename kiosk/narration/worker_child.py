"""The speech worker's own side: the messages it trades with the kiosk, and its main loop.

The worker process imports this module and the engines, nothing else of the kiosk's: no
multiprocessing, socket or dataclasses, which with what they bring held 2 MB of its 13 MB
of anonymous memory. Both ends speak over kiosk/narration/wire.py's ``Pipe``.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from typing import NamedTuple, Protocol

from kiosk.narration.engines import EngineInfo, EngineOptions, EngineUnavailableError, load
from kiosk.narration.wire import Pipe

# The built (PyInstaller) program starts its speech worker as itself with this first argument;
# packaging/launcher.py hands such a start to ``child_main`` before anything else is imported.
WORKER_FLAG = "--speech-worker"


class Request(NamedTuple):
    """Parent to child: speak ``text`` with ``voice`` (an identifier) at ``rate_wpm``."""

    request_id: int
    text: str
    voice: str
    rate_wpm: int


class Reply(NamedTuple):
    """Child to parent: the audio for a request and the engine's word events.

    ``words`` holds (0-based character offset, length in characters, milliseconds into the
    audio), one per word event, in the order the engine sent them.
    """

    request_id: int
    pcm: bytes
    sample_rate: int
    words: tuple[tuple[int, int, int], ...]
    voice: str  # the identifier of the voice that spoke, as the engine reports it


class Failure(NamedTuple):
    """Child to parent: a request failed; the worker itself is still usable."""

    request_id: int
    error: str


class Ready(NamedTuple):
    """Child to parent, once: the engine is up and can do this."""

    engine: EngineInfo


class Unavailable(NamedTuple):
    """Child to parent, instead of Ready: the engine cannot be used at all."""

    no_engine: bool  # True when the engine's library is not installed at all
    error: str


class Channel(Protocol):
    """The child's end of the connection: a ``Pipe``, or multiprocessing's on Windows."""

    def send(self, obj: object) -> None: ...
    def recv(self) -> object: ...


def child_main(argv: list[str]) -> int:
    """The worker started by ``worker._launch`` on POSIX: ``argv`` holds the file descriptors
    of its end of the socket pair and of the pipe that ends when the kiosk does, the engine's
    name and the neural model's path ("" for the usual one)."""
    conn_fd, watch_fd = int(argv[0]), int(argv[1])
    engine = argv[2] if len(argv) > 2 else "espeak"
    options = EngineOptions(Path(argv[3]) if len(argv) > 3 and argv[3] else None)

    def watch() -> None:
        os.read(watch_fd, 1)  # end-of-file: the kiosk has closed its end, or is gone
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    serve(Pipe(conn_fd), engine, options)
    return 0


def serve(conn: Channel, name: str, options: EngineOptions) -> None:
    """The child's main loop: answer requests until the parent closes the pipe or dies."""
    # Ctrl-C in a terminal reaches the whole process group; the parent decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # pyttsx3 prints "Audio saved to ..." for every sentence; that is not the kiosk's output.
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives as long as we do)
    try:
        engine = load(name, options)
    except EngineUnavailableError as error:
        conn.send(Unavailable(error.not_installed, str(error)))
        return
    conn.send(Ready(engine.info))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        assert isinstance(request, Request), request  # the kiosk sends nothing else
        try:
            speech = engine.synthesize(request.text, request.voice, request.rate_wpm)
            reply = Reply(
                request.request_id, speech.pcm, speech.sample_rate, speech.words, speech.voice
            )
            conn.send(reply)
        except Exception as error:  # whatever the engine raises is the request's failure
            conn.send(Failure(request.request_id, f"{type(error).__name__}: {error}"))

"""The speech worker's wire: messages framed as ``multiprocessing.connection`` frames them.

Both ends on POSIX, the kiosk's (kiosk/narration/worker.py) and the worker's
(kiosk/narration/worker_child.py), use ``Pipe`` over their end of a socket pair instead of
``multiprocessing.connection.Connection``: multiprocessing and what it brings held 1.5 MB of
each process's anonymous memory. The framing is the same, so the Windows worker, which
multiprocessing starts, speaks it too.
"""

from __future__ import annotations

import os
import pickle
import select
import struct


class Pipe:
    """A signed 4-byte big-endian length (-1, then an 8-byte one, past 2 GiB), then the pickle,
    over a file descriptor this object owns. Errors are Connection's: EOFError when the other
    end has closed, OSError when it is gone or this end was closed."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def send(self, obj: object) -> None:
        data = pickle.dumps(obj)
        if len(data) > 0x7FFFFFFF:
            header = struct.pack("!i", -1) + struct.pack("!Q", len(data))
        else:
            header = struct.pack("!i", len(data))
        self._write(header + data)

    def recv(self) -> object:
        (size,) = struct.unpack("!i", self._read(4))
        if size == -1:
            (size,) = struct.unpack("!Q", self._read(8))
        return pickle.loads(self._read(size))

    def poll(self, timeout_s: float) -> bool:
        """Whether a message, or the other end's end-of-file, can be read within ``timeout_s``."""
        if self._fd < 0:
            raise OSError("the connection is closed")
        readable, _, _ = select.select([self._fd], [], [], max(0.0, timeout_s))
        return bool(readable)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]

    def _read(self, size: int) -> bytes:
        chunks, left = [], size
        while left:
            chunk = os.read(self._fd, min(left, 1 << 20))
            if not chunk:
                raise EOFError("the other end closed the connection")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

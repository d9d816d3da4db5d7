"""Plays synthesized speech clips back to back and reports which clip the patient hears."""

from __future__ import annotations

import logging
import math
import sys
import time
from collections import deque
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import (
    QCoreApplication,
    QIODevice,
    QLoggingCategory,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    Signal,
    Slot,
    qInstallMessageHandler,
)

# Qt Multimedia looks for PipeWire as it loads and warns on stderr when it is not there; the
# kiosk plays through PulseAudio, so that is no news for staff.
QLoggingCategory.setFilterRules("qt.multimedia.symbolsresolver.warning=false")

from PySide6.QtMultimedia import (  # noqa: E402 - after the logging rule above
    QAudio,
    QAudioFormat,
    QAudioSink,
    QMediaDevices,
    QtAudio,
)

log = logging.getLogger("kiosk.narration")

# How often the sink is topped up and its progress read while sound is moving. Qt's own
# buffer holds 250 ms, so 10 ms leaves a wide margin and keeps the reported clip boundaries
# within 10 ms of the sink's count.
_TICK_MS = 10
# Silence written after the last clip once the queue is finished. Qt counts a frame as
# processed when it hands it to PulseAudio, which still holds up to 1024 frames (46 ms at
# 22 050 Hz, 43 ms at 24 000 Hz; pa_buffer_attr.maxlength in qpulseaudiosink.cpp) before they
# are heard; without this tail, closing the sink at the end would cut off the last words.
_TAIL_S = 0.06
# Qt does not notice when the audio server dies or hangs mid-stream: the sink stays Active
# with NoError and simply stops counting (Qt 6.11 with PulseAudio). A sink that has audio to
# play but makes no progress for this long is treated as failed. It is longer than the 2 s a
# sleeping PulseAudio sink can take to wake up.
_STALL_TIMEOUT_S = 3.0
# A sink that makes no progress for this long is checked for a lost server connection (a
# normal one counts on every 20 ms or so the server asks for).
_LOSS_CHECK_S = 0.1


# Said once by Qt when it finds no media backend plugin; the kiosk keeps it from loading one.
_NO_BACKEND_WARNING = "No QtMultimedia backends found."


def audio_without_media_backend() -> None:
    """Have Qt Multimedia serve audio outputs and sinks without loading a media backend.

    The kiosk uses only ``QMediaDevices`` and ``QAudioSink``, which Qt Multimedia itself
    provides (its PulseAudio code is in the library). The one backend of the PySide6 wheels, the
    FFmpeg plugin, decodes and plays media files; loaded, it brings Qt Quick, QML, Qt Network
    and FFmpeg's libraries, 51 libraries and 13 MB that play nothing here (benchmarks/memory.py;
    docs/benchmarks.md). Qt picks the backend once, the first time anything of Qt Multimedia
    asks for it; so this asks with no plugin folders to look in, and Qt settles for the audio
    it has of its own ("Only QMediaDevices, QAudioDevice, QSoundEffect, QAudioSink, and
    QAudioSource are available", which it warns once: dropped here). Call it before anything
    else of Qt Multimedia, with the application made; later calls do nothing.
    """
    if _AudioServer.backend_chosen:
        return
    _AudioServer.backend_chosen = True
    folders = QCoreApplication.libraryPaths()
    previous = None

    def drop_the_warning(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message.startswith(_NO_BACKEND_WARNING):
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(drop_the_warning)
    QCoreApplication.setLibraryPaths([])
    try:
        QMediaDevices.audioOutputs()
    finally:
        QCoreApplication.setLibraryPaths(folders)
        qInstallMessageHandler(previous)


class PlayerState(Enum):
    """What the player is doing."""

    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"
    WAITING = "waiting"  # playing, but the queue ran dry before finish_queue()


class _AudioServer:
    """What the player has learnt about the audio server that Qt does not say.

    Both facts hold for the whole process, as Qt's one connection to the server does.
    """

    # When the server goes away, Qt ends its PulseAudio thread and drops its context, yet keeps
    # listing the old devices; opening a sink before it reconnects then aborts the process
    # (Qt 6.11.3 passes the null context to pa_context_get_state, a libpulse assertion). Qt
    # offers no way to ask, but it names that thread (pa_threaded_mainloop_set_name in
    # qpulseaudio_contextmanager.cpp) and starts it again when it reconnects. Until the thread
    # has been seen once nothing is concluded, so another backend (or a renamed thread) is never
    # taken for a lost server.
    THREAD_NAME = "QPulseAudioEngi"
    _TASKS = Path("/proc/self/task")
    thread_seen: ClassVar[bool] = False
    backend_chosen: ClassVar[bool] = False  # see audio_without_media_backend
    # Sinks of a server that stopped answering. Closing one, or opening another, blocks the
    # GUI thread for 30 s (libpulse's timeout), so they are silenced and kept, never closed.
    hung_sinks: ClassVar[list[QAudioSink]] = []

    @classmethod
    def connection_lost(cls) -> bool:
        try:
            tasks = list(cls._TASKS.iterdir())
        except OSError:
            return False  # no /proc: nothing to go by
        for task in tasks:
            try:
                name = (task / "comm").read_text(encoding="utf-8").strip()
            except OSError:
                continue  # the thread ended while we looked
            if name == cls.THREAD_NAME:
                cls.thread_seen = True
                return False
        return cls.thread_seen


@dataclass
class _Clip:
    clip_id: int
    start_frame: int  # position in the sink's stream since it opened, at the sink's rate
    end_frame: int
    started: bool = False


class AudioPlayer(QObject):
    """Plays queued PCM clips back to back through a QAudioSink and reports which clip is audible.

    Clips are 16-bit little-endian mono PCM, each at its own sample rate (eSpeak NG speaks at
    22 050 Hz, the neural voice at 24 000 Hz). A narration opens its sink at the rate of its first
    clip, and a later clip at another rate (the neural voice failed and eSpeak NG took over) is
    resampled to it as it is queued, so one sink and one count of frames serve the whole
    narration: clip boundaries, positions, pause and the stall watch all work in the sink's
    frames. Reopening the sink at a change of rate would leave a gap while the old one plays out
    (Qt does not say when pushed audio has been heard), and each opening is one more chance to
    block for 30 s on a server that has just hung.

    The sink runs in push mode, topped up by a timer that runs only while sound is moving. Clip
    boundaries come from the sink's ``processedUSecs()``, which counts the frames Qt has handed
    to the audio server; the server plays them a little later, so a signal comes about 10 ms (at
    most some 20 ms) before the sound it reports.

    Everything here runs on the thread the player lives in (the GUI thread). Code on another
    thread (a synthesis worker) must reach it through queued signals, never by calling methods.

    Signals:
        clip_started(int): the first sample of clip <id> is being heard now (derived from the
            sink's processedUSecs, not from when it was queued)
        clip_finished(int): the last sample of clip <id> has been heard
        drained(): every clip queued before finish_queue() has been heard
        failed(str): the audio output failed (technical reason); the player has stopped
    """

    clip_started = Signal(int)  # clip id
    clip_finished = Signal(int)  # clip id
    drained = Signal()
    failed = Signal(str)  # technical reason, for the log

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sample_rate = 0  # the open sink's, in Hz; 0 while none is open
        self._volume = 1.0
        self._state = PlayerState.STOPPED
        self._sink: QAudioSink | None = None
        self._device: QIODevice | None = None
        self._pending = bytearray()  # queued PCM the sink has no room for yet
        self._clips: deque[_Clip] = deque()  # queued clips not yet heard to the end
        self._queued_frames = 0  # frames queued since start(), tail included
        self._end_frame: int | None = None  # set by finish_queue()
        self._resume_state = PlayerState.PLAYING
        self._paused_frames: int | None = None  # where pause() kept the place
        # Bumped by start() and stop(), so a tick that emitted a signal whose handler started
        # or stopped the player does not go on reporting the old narration.
        self._generation = 0
        self._last_processed_us = 0
        self._last_progress_s = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    @staticmethod
    def check_output() -> str | None:
        """None if there is an audio output to play to, else the reason there is none."""
        audio_without_media_backend()
        if not QMediaDevices.audioOutputs():
            return "no audio output device (is the sound server running?)"
        if QMediaDevices.defaultAudioOutput().isNull():
            return "no default audio output device"
        if _AudioServer.hung_sinks:
            return "the sound server stopped responding"
        if _AudioServer.connection_lost():
            return "the connection to the sound server was lost"
        return None

    @property
    def state(self) -> PlayerState:
        return self._state

    def start(self) -> None:
        """Begins a new narration, dropping the previous one without a signal.

        The sink opens with the first clip, at its rate. Without a usable output, ``failed`` is
        emitted before this returns and the player stays stopped.
        """
        self.stop()
        reason = self.check_output()
        if reason is not None:
            self._fail(reason)
            return
        self._state = PlayerState.WAITING

    def enqueue(self, clip_id: int, pcm: bytes, sample_rate: int) -> None:
        """Queues ``pcm`` (16-bit LE mono at ``sample_rate`` Hz) to play after what is queued.

        The narration's first clip opens the sink; if it cannot be opened, ``failed`` is emitted
        before this returns.
        """
        if len(pcm) % 2:
            raise ValueError(f"clip {clip_id}: 16-bit PCM needs an even number of bytes")
        if sample_rate <= 0:
            raise ValueError(f"clip {clip_id}: the sample rate must be positive, not {sample_rate}")
        if self._state is PlayerState.STOPPED or self._end_frame is not None:
            log.debug("clip %d dropped: the player is %s", clip_id, self._state.value)
            return
        if self._sink is None and not self._open_sink(sample_rate):
            return
        if sample_rate != self._sample_rate:
            log.debug("clip %d: %d Hz resampled to %d Hz", clip_id, sample_rate, self._sample_rate)
            # Imported only now: numpy costs the kiosk process 18 MB, and a narration stays at
            # one rate unless the natural voice failed midway.
            from kiosk.narration.resample import resample_pcm  # noqa: PLC0415

            pcm = resample_pcm(pcm, sample_rate, self._sample_rate)
        frames = len(pcm) // 2
        self._clips.append(_Clip(clip_id, self._queued_frames, self._queued_frames + frames))
        self._queued_frames += frames
        self._pending += pcm
        self._wake()

    def finish_queue(self) -> None:
        """No more clips follow: ``drained`` comes once everything queued has been heard."""
        if self._state is PlayerState.STOPPED or self._end_frame is not None:
            return
        # At the sink's rate; with no clip queued there is no sink and no tail, and drained
        # comes from the next tick.
        tail_frames = round(_TAIL_S * self._sample_rate)
        self._pending += bytes(2 * tail_frames)
        self._queued_frames += tail_frames
        self._end_frame = self._queued_frames
        self._wake()

    def pause(self) -> None:
        """Silences the output at once, keeping the place; clips may still be queued."""
        if self._state not in (PlayerState.PLAYING, PlayerState.WAITING):
            return
        if self._sink is None:
            self._paused_frames = 0  # before the first clip
        else:
            # The place kept: the server may still count a few ms it had been handed before the
            # suspend reached it, so what it counts later is not where the patient paused.
            self._paused_frames = self._heard_frames()
            self._sink.suspend()
        self._timer.stop()
        self._resume_state = self._state
        self._state = PlayerState.PAUSED

    def resume(self) -> None:
        """Goes on from where pause() stopped."""
        if self._state is not PlayerState.PAUSED:
            return
        if self._sink is not None:
            self._sink.resume()
        self._paused_frames = None
        self._state = self._resume_state
        if self._state is PlayerState.PLAYING:
            self._start_ticking()

    def stop(self) -> None:
        """Silences the output at once and drops every clip; no signal about them follows."""
        self._generation += 1
        self._timer.stop()
        self._close_sink()
        self._pending.clear()
        self._clips.clear()
        self._queued_frames = 0
        self._end_frame = None
        self._paused_frames = None
        self._last_processed_us = 0
        self._state = PlayerState.STOPPED

    def set_volume(self, volume: float) -> None:
        """Sets the linear volume (0.0 to 1.0) now and for every later narration."""
        if math.isnan(volume):
            raise ValueError("volume is not a number")
        self._volume = min(1.0, max(0.0, volume))
        if self._sink is not None:
            self._sink.setVolume(self._volume)

    def position(self) -> tuple[int, int] | None:
        """The clip heard now and how far into it, in ms; None while no queued clip is heard."""
        if self._sink is None or self._state is PlayerState.STOPPED:
            return None
        heard = self._paused_frames
        if self._state is not PlayerState.PAUSED or heard is None:
            heard = self._heard_frames()
        for clip in self._clips:
            if clip.start_frame <= heard < clip.end_frame:
                return clip.clip_id, (heard - clip.start_frame) * 1000 // self._sample_rate
        return None

    def _open_sink(self, sample_rate: int) -> bool:
        """Opens the narration's sink at ``sample_rate``; False (after ``failed``) if it cannot."""
        # Checked again: the server may have gone since start(), and opening a sink then would
        # abort the process (see _AudioServer).
        reason = self.check_output()
        if reason is not None:
            self._fail(reason)
            return False
        audio_format = QAudioFormat()
        audio_format.setSampleRate(sample_rate)
        audio_format.setChannelCount(1)
        audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        device = QMediaDevices.defaultAudioOutput()
        sink = QAudioSink(device, audio_format, self)
        sink.setVolume(self._volume)
        sink.stateChanged.connect(self._on_sink_state_changed)
        io = sink.start()
        error = sink.error()
        if io is None or error != QtAudio.Error.NoError:
            sink.stateChanged.disconnect(self._on_sink_state_changed)
            sink.deleteLater()
            self._fail(f"cannot open {device.description()!r} at {sample_rate} Hz: {error.name}")
            return False
        if self._state is PlayerState.PAUSED:
            sink.suspend()  # paused before the first clip came: the sink opens paused
        self._sink = sink
        self._device = io
        self._sample_rate = sample_rate
        log.debug("audio output %r opened at %d Hz", device.description(), sample_rate)
        return True

    def _wake(self) -> None:
        """New audio was queued: play it unless the patient paused."""
        if self._state is PlayerState.WAITING:
            self._state = PlayerState.PLAYING
            self._start_ticking()
        elif self._state is PlayerState.PAUSED:
            self._resume_state = PlayerState.PLAYING

    def _start_ticking(self) -> None:
        self._last_progress_s = time.monotonic()
        self._feed()
        self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._feed()
        self._report_progress()

    def _feed(self) -> None:
        if self._sink is None or self._device is None or not self._pending:
            return
        free = self._sink.bytesFree()
        free -= free % 2
        if free <= 0:
            return
        written = self._device.write(bytes(self._pending[:free]))
        if written > 0:
            del self._pending[:written]

    def _heard_frames(self) -> int:
        assert self._sink is not None
        # Qt floors frames * 1e6 / rate to whole microseconds; rounding up recovers the frames.
        return -(-self._sink.processedUSecs() * self._sample_rate // 1_000_000)

    def _report_progress(self) -> None:
        if self._sink is None:
            if self._end_frame is not None:  # finished with no clip at all
                self.stop()
                self.drained.emit()
            return
        generation = self._generation
        processed_us = self._sink.processedUSecs()
        heard = self._heard_frames()
        while self._clips:
            clip = self._clips[0]
            if not clip.started and heard >= clip.start_frame:
                clip.started = True
                self.clip_started.emit(clip.clip_id)
                if generation != self._generation:
                    return
            if heard < clip.end_frame:
                break
            self._clips.popleft()
            self.clip_finished.emit(clip.clip_id)
            if generation != self._generation:
                return
        if self._end_frame is not None and heard >= self._end_frame:
            self.stop()
            self.drained.emit()
            return
        if heard >= self._queued_frames and not self._pending:
            # Everything queued has been heard and more is on its way: nothing to watch until
            # the next clip comes, so the timer rests.
            self._timer.stop()
            self._state = PlayerState.WAITING
            return
        now = time.monotonic()
        if processed_us != self._last_processed_us:
            self._last_processed_us = processed_us
            self._last_progress_s = now
            return
        idle_s = now - self._last_progress_s
        if idle_s > _LOSS_CHECK_S and _AudioServer.connection_lost():
            self._fail("the connection to the sound server was lost")
        elif idle_s > _STALL_TIMEOUT_S:
            self._park_hung_sink()
            self._fail(f"audio output stalled: no progress for {_STALL_TIMEOUT_S:.0f} s")

    @Slot(QAudio.State)
    def _on_sink_state_changed(self, _state: QAudio.State) -> None:
        # The slot reads the sink rather than its argument: stateChanged carries QAudio::State,
        # which PySide6 6.11 converts only after the QAudio namespace has been touched (as the
        # decorator above does), while the sink's getters return QtAudio values.
        if self._sink is None:
            return
        error = self._sink.error()
        if error not in (QtAudio.Error.NoError, QtAudio.Error.UnderrunError):
            self._fail(f"audio output error: {error.name}")

    def _fail(self, reason: str) -> None:
        log.warning("audio output failed: %s", reason)
        self.stop()
        self.failed.emit(reason)

    def _park_hung_sink(self) -> None:
        sink, self._sink, self._device = self._sink, None, None
        self._sample_rate = 0
        if sink is None:
            return
        sink.stateChanged.disconnect(self._on_sink_state_changed)
        # Corking returns at once even from a server that does not answer, and keeps the
        # rest of the clip from bursting out if it ever does.
        sink.suspend()
        sink.setParent(None)
        _AudioServer.hung_sinks.append(sink)

    def _close_sink(self) -> None:
        sink, self._sink, self._device = self._sink, None, None
        self._sample_rate = 0
        if sink is None:
            return
        sink.stateChanged.disconnect(self._on_sink_state_changed)
        # reset() discards what is buffered and corks the stream: silence at once, where stop()
        # would first hand the rest of Qt's buffer to the server.
        sink.reset()
        sink.deleteLater()

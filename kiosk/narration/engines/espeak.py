"""eSpeak NG through pyttsx3: the first voice, and the one for every language but English."""

from __future__ import annotations

import ctypes
import os
import threading
from typing import Any

from kiosk.narration.engines import (
    EngineInfo,
    EngineUnavailableError,
    Speech,
    Tracking,
    VoiceInfo,
)

# eSpeak NG and pyttsx3 write 16-bit samples at this rate unless eSpeak reports another.
DEFAULT_SAMPLE_RATE = 22050

_ESPEAK_EVENT_LIST_TERMINATED = 0
_ESPEAK_EVENT_WORD = 1
_ESPEAK_EVENT_MSG_TERMINATED = 6
_ESPEAK_EVENT_SAMPLERATE = 8


class _Take:
    """What eSpeak delivered for one utterance; filled on eSpeak's own thread.

    A plain class: the worker imports no dataclasses (kiosk/narration/worker_child.py).
    """

    def __init__(self) -> None:
        self.pcm = bytearray()
        self.words: list[tuple[int, int, int]] = []
        self.finished = threading.Event()


class EspeakEngine:
    """pyttsx3's eSpeak NG engine with a driver that keeps the audio and real word times."""

    def __init__(self) -> None:
        try:
            # Imported here, in the child only: libespeak-ng calls exit() when its data is
            # missing and can hang mid-sentence, and either must only ever end this process.
            import pyttsx3  # type: ignore[import-untyped]  # noqa: PLC0415
            from pyttsx3.drivers import espeak  # type: ignore[import-untyped]  # noqa: PLC0415
        except (ImportError, OSError, RuntimeError) as error:
            # pyttsx3 raises RuntimeError when it finds no libespeak-ng to load.
            raise EngineUnavailableError(True, f"{type(error).__name__}: {error}") from None

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
            voices = tuple(_voice_info(voice) for voice in espeak._espeak.ListVoices(None))
        except RuntimeError as error:  # "could not initialize espeak"
            raise EngineUnavailableError(False, f"{type(error).__name__}: {error}") from None
        self.info = EngineInfo(
            name="espeak",
            title="eSpeak NG",
            sample_rate=DEFAULT_SAMPLE_RATE,
            tracking=Tracking.WORD,
            voices=voices,
        )
        self._errors: list[BaseException] = []
        # pyttsx3 catches what its queued commands raise and only reports it to this callback.
        self._pyttsx3.connect("error", self._on_error)

    def _on_error(self, name: object, exception: BaseException) -> None:
        self._errors.append(exception)

    def synthesize(self, text: str, voice: str, rate_wpm: int) -> Speech:
        if not text.strip():
            raise ValueError("nothing to say")
        self._errors.clear()
        take = self._take = _Take()
        # Set on the driver directly rather than through pyttsx3's command queue, which runs
        # queued commands only inside runAndWait(), just before the sentence, and reports
        # their errors (an unknown voice) only to the 'error' callback.
        self._driver_class.setProperty("voice", voice)
        self._driver_class.setProperty("rate", rate_wpm)
        # eSpeak applies the rate on its own thread, and a sentence started before it has
        # done so now and then comes back with no audio at all (measured: 76 of 1000
        # back-to-back sentences; none of 1000 once this waits for eSpeak to be idle).
        self._synchronize()
        # The audio comes from the driver's callback; the file pyttsx3 insists on writing is
        # thrown away, and naming it each time stops pyttsx3 reusing an earlier file or text.
        self._pyttsx3.save_to_file(text, os.devnull)
        self._pyttsx3.runAndWait()
        # runAndWait() returns while eSpeak still works on its own thread; the parent's time
        # limit covers a wait that never ends. After an error, eSpeak may not run at all.
        take.finished.wait(1.0 if self._errors else None)
        if self._errors:
            error = self._errors[0]
            raise RuntimeError(f"{type(error).__name__}: {error}")
        spoke = self._current_voice().contents.identifier.decode("utf-8", "replace")
        return Speech(bytes(take.pcm), self._sample_rate, tuple(take.words), spoke)


def _voice_info(voice: Any) -> VoiceInfo:
    """A VoiceInfo from eSpeak's espeak_VOICE structure."""
    # ``languages`` is a priority byte followed by the language name ("\x02en-us").
    languages: bytes = voice.languages or b"\x00"
    return VoiceInfo(
        identifier=voice.identifier.decode("utf-8", "replace"),
        name=voice.name.decode("utf-8", "replace"),
        language=languages[1:].decode("utf-8", "replace").lower(),
    )

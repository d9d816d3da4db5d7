"""Text to speech audio with word timings, from speech engines in supervised worker processes."""

from __future__ import annotations

import atexit
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.content.languages import all_languages
from kiosk.narration.engines import ENGINE_CHOICES, EngineInfo, EngineOptions, VoiceInfo
from kiosk.narration.engines.silence import SilenceEngine
from kiosk.narration.worker import Fault, Worker, WorkerError

log = logging.getLogger("kiosk.narration")

# Each language's name for staff, and the voices it gets when none is configured, best
# first: both from its file in resources/languages.
LANGUAGE_NAMES = {code: spec.english_name for code, spec in all_languages().items()}
PREFERRED_VOICES = {code: spec.voices for code, spec in all_languages().items()}
# eSpeak's slowest rate is 80 words per minute. From 450 it switches to another speed-up whose
# word positions do not match the audio (measured: a last word "at" 1647 ms in 1574 ms of
# audio), so the kiosk stays well below; patients hear 110 to 185.
MIN_RATE_WPM = 80
MAX_RATE_WPM = 400
# eSpeak NG 1.51 crashes (SIGSEGV) on texts of about 19,000 characters and more; a sentence,
# or even a whole leaflet section, is far shorter.
MAX_TEXT_CHARS = 10_000
# Starting the worker imports pyttsx3 and loads eSpeak's data (about 0.06 s when warm); a cold
# disk after boot can take much longer, and a first start must not count as a hang.
START_TIMEOUT_S = 15.0
# The languages the natural voice speaks (hibari-tts's voice "heart": American English).
NEURAL_LANGUAGES = frozenset({"en"})
NEURAL_VOICE = "heart"
# A natural voice that crashes or hangs this many times in one run is given up for eSpeak NG.
NEURAL_CRASH_LIMIT = 3
# What check() has spoken to prove speech works: a digit, which every voice can say.
_PROBE_TEXT = "1"
_PROBE_RATE_WPM = 175

# A word as the screen shows it: letters and digits, joined by inner hyphens, apostrophes and
# the separators of numbers ("X-ray", "patient's", "1,250", "3.5").
_WORD = re.compile(r"\w+(?:['’\-.,/]\w+)*")


@dataclass(frozen=True)
class WordTiming:
    """A word of the synthesized text and when it starts in the audio."""

    start: int  # character offset of the word in the text that was synthesized (0-based)
    end: int  # offset just after the word
    at_ms: int  # when the word starts in the audio


@dataclass(frozen=True)
class SpeechAudio:
    """A sentence's audio and the time of each of its words."""

    pcm: bytes = field(repr=False)  # signed 16-bit little-endian mono samples, no WAV header
    sample_rate: int  # Hz
    words: tuple[WordTiming, ...]
    voice: str = ""  # the voice that spoke it ("roa/es-419", "heart")
    engine: str = ""  # the engine that spoke it ("neural", "espeak")

    @property
    def duration_ms(self) -> int:
        return len(self.pcm) // 2 * 1000 // self.sample_rate


class SynthesisError(Exception):
    """Synthesis failed; .message is plain words for the screen/staff, str(self) is technical,
    .fault what kind of failure it was."""

    def __init__(self, message: str, detail: str, fault: Fault = Fault.FAILED) -> None:
        super().__init__(detail)
        self.message = message
        self.fault = fault


_PLAIN_FAULTS = {
    Fault.NO_ENGINE: "no speech engine installed",
    Fault.START_FAILED: "the speech engine could not start",
    Fault.CRASHED: "the speech engine stopped unexpectedly",
    Fault.TIMED_OUT: "the speech engine stopped responding",
    Fault.FAILED: "the speech engine could not read this",
    Fault.CLOSED: "speech is switched off",
}


class Synthesizer:
    """Speech for one language, made in worker processes (one per engine) so that an engine's
    crash or hang never takes the kiosk down with it.

    English is read by the natural voice where it loads (``engine`` "auto" or "neural"), every
    other language, and English when the natural voice fails, by eSpeak NG: a sentence it
    cannot read is read by eSpeak NG at once. A natural voice that cannot start, or crashes or
    hangs three times, is given up for the rest of the run, its worker ended, and ``note`` says
    so for staff.

    Every call blocks until the audio is ready or ``timeout_s`` has passed; call it from a
    worker thread, never the GUI thread. Calls from several threads take turns. ``close()``
    may be called from any thread and ends a call in progress.
    """

    def __init__(
        self,
        language: str,
        voice: str | None = None,
        timeout_s: float = 10.0,
        engine: str = "auto",
        neural_model: Path | None = None,
    ) -> None:
        if engine not in ENGINE_CHOICES:
            raise ValueError(f"no speech engine choice {engine!r}: {', '.join(ENGINE_CHOICES)}")
        self.language = language
        self.voice = voice
        self.timeout_s = timeout_s
        self.engine_choice = engine
        self._options = EngineOptions(neural_model)
        self._workers: dict[str, Worker] = {}
        self._given_up: dict[str, str] = {}  # engine name → the plain reason, for staff
        self._neural_crashes = 0
        self._speaking: EngineInfo | None = None  # the engine that spoke last
        self._lock = threading.Lock()
        self._closed = False
        # So that no worker outlives the kiosk even if nobody calls close().
        atexit.register(self.close)

    @property
    def worker_pid(self) -> int | None:
        """The process id of the worker that speaks this language now, for the log and tests."""
        worker = self._workers.get(self._candidates()[0])
        return worker.pid if worker is not None else None

    @property
    def worker_pids(self) -> tuple[int, ...]:
        """Every worker process this synthesizer runs now."""
        return tuple(pid for worker in self._workers.values() if (pid := worker.pid))

    @property
    def speaking(self) -> EngineInfo | None:
        """The engine that spoke last (after ``check``: the one that will speak next)."""
        return self._speaking

    @property
    def note(self) -> str:
        """For staff: why the natural voice is not reading ("" while all is as configured)."""
        reason = self._given_up.get("neural")
        if reason is None or self.engine_choice == "espeak":
            return ""
        return f"the natural voice does not work ({reason}); eSpeak NG reads English instead"

    def check(self) -> str | None:
        """None when speech works for this language and voice, else a short plain reason.

        Starts the worker if needed and speaks a probe word (which also warms the engine up,
        so that the first Listen is as quick as any).
        """
        try:
            self.synthesize(_PROBE_TEXT, _PROBE_RATE_WPM)
        except SynthesisError as error:
            if error.fault is not Fault.CLOSED:  # closing the kiosk is no fault of speech
                log.warning("speech does not work: %s", error)
            return error.message
        return None

    def synthesize(self, text: str, rate_wpm: int) -> SpeechAudio:
        """The audio for ``text`` at ``rate_wpm`` words per minute, with its word timings.

        Raises SynthesisError when no engine can read it: a worker crashes, takes longer than
        ``timeout_s`` (it is then killed; the next call starts a fresh one) or produces no
        audio. Raises ValueError for blank text, text over 10,000 characters, or a rate
        outside 80 to 400.
        """
        if not text.strip():
            raise ValueError("nothing to synthesize: the text is blank")
        if len(text) > MAX_TEXT_CHARS:
            raise ValueError(f"text of {len(text)} characters is over {MAX_TEXT_CHARS}")
        if not MIN_RATE_WPM <= rate_wpm <= MAX_RATE_WPM:
            raise ValueError(f"rate {rate_wpm} wpm is outside {MIN_RATE_WPM} to {MAX_RATE_WPM}")
        with self._lock:
            if self._closed:
                closed = _PLAIN_FAULTS[Fault.CLOSED]
                raise SynthesisError(closed, "the synthesizer was closed", Fault.CLOSED)
            last: SynthesisError | None = None
            for name in self._candidates():
                try:
                    audio = self._speak(name, text, rate_wpm)
                except SynthesisError as error:
                    if self._closed:  # close() killed the worker this call waited on
                        closed = _PLAIN_FAULTS[Fault.CLOSED]
                        detail = "the synthesizer was closed"
                        raise SynthesisError(closed, detail, Fault.CLOSED) from error
                    if name != "neural":
                        if error.fault is not Fault.FAILED:
                            # Nothing speaks: staff are shown "no voice" until one does.
                            self._speaking = SilenceEngine().info
                        raise
                    last = error
                    self._neural_failed(error)
                    continue
                return audio
            assert last is not None  # eSpeak NG is always the last candidate
            raise last

    def close(self) -> None:
        """Stop every worker process and refuse further calls; safe to call twice."""
        self._closed = True
        atexit.unregister(self.close)
        if not self._lock.acquire(blocking=False):
            # A call is waiting on a worker: kill them, so that the call ends now.
            for worker in list(self._workers.values()):
                worker.kill()
            self._lock.acquire()
        try:
            for worker in self._workers.values():
                worker.stop()
        finally:
            self._lock.release()

    def _candidates(self) -> list[str]:
        """The engines that may read this language, best first."""
        explicit = self.voice and self.voice.casefold() != NEURAL_VOICE
        if (
            self.engine_choice != "espeak"
            and self.language in NEURAL_LANGUAGES
            and not explicit  # a clinic that names an eSpeak NG voice gets that voice
            and "neural" not in self._given_up
        ):
            return ["neural", "espeak"]
        return ["espeak"]

    def _neural_failed(self, error: SynthesisError) -> None:
        """The natural voice failed a sentence, which eSpeak NG now reads. One that cannot
        start is given up at once; one that crashed or hung gets a fresh worker for the next
        sentence, until it has done so NEURAL_CRASH_LIMIT times."""
        if error.fault is Fault.FAILED:
            log.warning("the natural voice refused a sentence: %s", error)
            return
        if error.fault in (Fault.CRASHED, Fault.TIMED_OUT):
            self._neural_crashes += 1
            if self._neural_crashes < NEURAL_CRASH_LIMIT:
                log.warning("the natural voice failed; eSpeak NG read the sentence: %s", error)
                return
        log.warning("the natural voice is given up until the kiosk restarts: %s", error)
        self._given_up["neural"] = error.message
        worker = self._workers.pop("neural", None)
        if worker is not None:
            worker.stop(patient=False)  # its memory back

    def _speak(self, name: str, text: str, rate_wpm: int) -> SpeechAudio:
        worker = self._workers.get(name)
        if worker is None:
            worker = self._workers[name] = Worker(name, self._options)
        try:
            engine = worker.start(max(self.timeout_s, START_TIMEOUT_S))
            voice = self._choose_voice(engine)
            reply = worker.request(text, voice.identifier, rate_wpm, self.timeout_s)
        except WorkerError as error:
            message = _PLAIN_FAULTS[error.fault]
            if error.fault is Fault.FAILED and self.voice and name == "espeak":
                message = f"the voice '{self.voice}' does not work"
            raise SynthesisError(message, f"{name}: {error}", error.fault) from error
        if reply.voice.casefold() != voice.identifier.casefold():
            # eSpeak keeps its previous voice when it cannot load the one asked for.
            message = f"the voice '{self.voice or voice.identifier}' does not work"
            detail = f"asked for {voice.identifier}, {reply.voice} spoke"
            raise SynthesisError(message, detail, Fault.FAILED)
        if not reply.pcm:
            raise SynthesisError(
                "the speech engine made no sound", f"{name}: no audio for {text!r}", Fault.FAILED
            )
        if not engine.audible:
            raise SynthesisError(_PLAIN_FAULTS[Fault.NO_ENGINE], "only silence", Fault.NO_ENGINE)
        self._speaking = engine
        duration_ms = len(reply.pcm) // 2 * 1000 // reply.sample_rate
        words = word_timings(text, reply.words, duration_ms)
        return SpeechAudio(reply.pcm, reply.sample_rate, words, voice.identifier, engine.name)

    def _choose_voice(self, engine: EngineInfo) -> VoiceInfo:
        """The configured voice, or the language's usual one; raises SynthesisError."""
        if engine.name != "espeak":
            return engine.voices[0]
        voices = engine.voices
        language_name = LANGUAGE_NAMES.get(self.language, f"language '{self.language}'")
        if self.voice and self.voice.casefold() != NEURAL_VOICE:
            voice = find_voice(self.voice, voices)
            if voice is None:
                message = f"the voice '{self.voice}' is not installed"
                raise SynthesisError(
                    message, f"eSpeak NG has no voice {self.voice!r}", Fault.FAILED
                )
            if not _speaks(voice, self.language):
                message = f"the voice '{self.voice}' does not speak {language_name}"
                detail = f"{voice.identifier} speaks {voice.language!r}, not {self.language!r}"
                raise SynthesisError(message, detail, Fault.FAILED)
            return voice
        voice = default_voice(self.language, voices)
        if voice is None:
            message = f"no voice for {language_name}"
            raise SynthesisError(
                message, f"eSpeak NG has no voice for {self.language!r}", Fault.FAILED
            )
        return voice


def find_voice(wanted: str, voices: Iterable[VoiceInfo]) -> VoiceInfo | None:
    """The voice ``wanted`` names by identifier ("gmw/en-US"), its last part ("en-us") or its
    name ("English (America)"), ignoring case."""
    key = wanted.strip().casefold()
    for voice in voices:
        names = (voice.identifier, voice.identifier.rpartition("/")[2], voice.name)
        if key in (name.casefold() for name in names):
            return voice
    return None


def default_voice(language: str, voices: Sequence[VoiceInfo]) -> VoiceInfo | None:
    """The usual eSpeak NG voice for ``language``."""
    for identifier in PREFERRED_VOICES.get(language, ()):
        voice = find_voice(identifier, voices)
        if voice is not None:
            return voice
    return next((voice for voice in voices if _speaks(voice, language)), None)


def _speaks(voice: VoiceInfo, language: str) -> bool:
    return voice.language == language or voice.language.startswith(f"{language}-")


def word_timings(
    text: str, events: Iterable[tuple[int, int, int]], duration_ms: int
) -> tuple[WordTiming, ...]:
    """One timing per word of ``text`` that eSpeak announced, from its word events.

    ``events`` are (offset, length, milliseconds) in eSpeak's order. eSpeak's events do not
    line up with the words a reader sees: a number gets one per part it reads ("1,250" gives
    four), a hyphenated word one for its first part only, a dash an empty one. So each event
    times the screen word it starts in, the first event of a word wins, and an event outside
    every word (a dash, a "%") times nothing.
    """
    spans = [match.span() for match in _WORD.finditer(text)]
    timings: list[WordTiming] = []
    index = 0  # the screen word the events have reached; eSpeak reads forwards
    last_ms = 0
    for offset, length, at_ms in events:
        if length <= 0:
            continue
        while index < len(spans) and spans[index][1] <= offset:
            index += 1
        if index == len(spans):
            break
        start, end = spans[index]
        if offset < start or (timings and timings[-1].start == start):
            continue
        last_ms = min(max(at_ms, last_ms), duration_ms)
        timings.append(WordTiming(start, end, last_ms))
    return tuple(timings)

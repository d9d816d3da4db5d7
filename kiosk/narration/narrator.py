"""The narrator: reads a page's sentences aloud in order and says which one is being heard."""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from kiosk.narration.player import AudioPlayer
from kiosk.narration.script import Utterance
from kiosk.narration.spoken import spoken_text
from kiosk.narration.synth import SpeechAudio, SynthesisError, Synthesizer

log = logging.getLogger("kiosk.narration")

RETRY_UNAVAILABLE_MS = 60_000  # a speaker may be plugged in, a voice installed
WORD_POLL_MS = 40  # how often the word highlight follows the audio, only while speaking
PREFETCH = 2  # sentences synthesized ahead of the one being heard


class NarrationState(Enum):
    UNAVAILABLE = "unavailable"  # no speech engine, voice or audio output: Listen is off
    IDLE = "idle"
    PREPARING = "preparing"  # Listen was tapped; the first sentence is being synthesized
    SPEAKING = "speaking"
    PAUSED = "paused"


class _SynthesisWorker(QObject):
    """Runs the blocking synthesizer on its own thread and reports back by queued signals.

    Signals:
        synthesized(int, int, object): generation, sentence index, SpeechAudio.
        failed(int, int, str): generation, sentence index, plain reason.
        checked(object): None when speech works, else a plain reason.
        voice_changed(str, str, str): the engine that speaks now ("neural", "espeak",
            "silence"), its voice (for staff), and why it is not the configured one ("" when
            it is).
    """

    synthesized = Signal(int, int, object)  # generation, sentence index, SpeechAudio
    failed = Signal(int, int, str)  # generation, sentence index, reason
    checked = Signal(object)  # reason or None
    voice_changed = Signal(str, str, str)  # engine name, voice title, staff note

    def __init__(
        self, language: str, voice: str | None, engine: str, neural_model: Path | None
    ) -> None:
        super().__init__()
        self._language = language
        self._voice = voice
        self._engine_choice = engine
        self._neural_model = neural_model
        self._synthesizer: Synthesizer | None = None
        self._closed = False
        self._told = ("", "", "")  # the engine, voice and note last reported

    def _engine(self) -> Synthesizer:
        if self._synthesizer is None:
            self._synthesizer = Synthesizer(
                self._language,
                self._voice,
                engine=self._engine_choice,
                neural_model=self._neural_model,
            )
            if self._closed:  # closed from the GUI thread while this one was starting it
                self._synthesizer.close()
        return self._synthesizer

    def _tell_voice(self) -> None:
        synthesizer = self._synthesizer
        if synthesizer is None or synthesizer.speaking is None:
            return
        told = (synthesizer.speaking.name, synthesizer.speaking.title, synthesizer.note)
        if told != self._told:
            self._told = told
            self.voice_changed.emit(*told)

    @Slot(str, str)
    def use_language(self, language: str, voice: str) -> None:
        """Speak ``language`` with ``voice`` ("": its usual one) from the next request on."""
        self._language, self._voice = language, voice or None
        if self._synthesizer is not None:
            self._synthesizer.language, self._synthesizer.voice = self._language, self._voice

    @Slot()
    def check(self) -> None:
        try:
            reason = self._engine().check()
        except Exception as error:  # the engine must never take the kiosk down
            log.exception("speech check failed")
            reason = self.tr("speech engine error ({0})").format(error)
        self._tell_voice()
        self.checked.emit(reason)

    @Slot(int, int, str, int)
    def synthesize(self, generation: int, index: int, text: str, rate_wpm: int) -> None:
        try:
            audio = self._engine().synthesize(text, rate_wpm)
        except SynthesisError as error:
            log.warning("synthesis failed: %s", error)
            self._tell_voice()
            self.failed.emit(generation, index, error.message)
            return
        except Exception as error:
            log.exception("synthesis failed unexpectedly")
            self.failed.emit(generation, index, str(error))
            return
        self._tell_voice()
        self.synthesized.emit(generation, index, audio)

    def close(self) -> None:
        """End the worker process for good; safe from any thread, mid-synthesis too."""
        self._closed = True
        if self._synthesizer is not None:
            self._synthesizer.close()


@dataclass
class _Sentence:
    utterance: Utterance
    spoken: str
    to_shown: list[int]  # for each character of ``spoken``, the character of ``text`` it reads
    audio: SpeechAudio | None = None


class Narrator(QObject):
    """Reads a script of sentences aloud, one sentence synthesized ahead of the one heard.

    Every event from the synthesis thread carries the narration's generation; events of a
    narration that was stopped or restarted are dropped, so they never move the highlight.

    Signals:
        state_changed(object): the NarrationState changed.
        sentence_started(int): sentence <index> of the script is being heard now.
        word_started(int, int, int): sentence index, start and end of the word being heard, as
            offsets in the sentence's target text.
        availability_changed(bool, str): whether Listen works, and if not a plain note.
        voice_changed(str, str): the voice that reads now, for staff ("natural voice
            (hibari-tts 0.2.1, voice heart)", "eSpeak NG"), and why it is not the one
            configured ("" when it is).
    """

    state_changed = Signal(object)  # NarrationState
    sentence_started = Signal(int)  # sentence index
    word_started = Signal(int, int, int)  # sentence index, start, end
    availability_changed = Signal(bool, str)  # available, note
    voice_changed = Signal(str, str)  # voice title, staff note

    _synthesis_requested = Signal(int, int, str, int)  # generation, index, text, rate
    _check_requested = Signal()
    _language_requested = Signal(str, str)  # language, voice

    def __init__(
        self,
        language: str,
        voice: str | None,
        lexicon: dict[str, str],
        parent: QObject | None = None,
        *,
        engine: str = "auto",
        neural_model: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._language = language
        self._engine = ""
        self._voice_title = ""
        self._voice_note = ""
        self._lexicon = lexicon
        self._state = NarrationState.UNAVAILABLE
        self._note = self.tr("Checking the sound…")
        self._generation = 0
        self._sentences: list[_Sentence] = []
        self._shut_down = False
        self._offset = 0  # the sentence this narration (re)started from
        self._requested = 0  # sentences asked of the synthesizer so far
        self._queued = 0  # sentences handed to the player so far
        self._heard = -1  # the sentence being heard
        self._word = (-1, -1)
        self._rate_wpm = 135
        self._player = AudioPlayer(parent=self)
        self._player.clip_started.connect(self._on_clip_started)
        self._player.drained.connect(self._on_drained)
        self._player.failed.connect(self._on_player_failed)
        self._word_timer = QTimer(self)
        self._word_timer.setInterval(WORD_POLL_MS)
        self._word_timer.timeout.connect(self._on_word_tick)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_UNAVAILABLE_MS)
        self._retry.timeout.connect(self.check)

        self._thread = QThread(self)
        self._thread.setObjectName("speech synthesis")
        self._worker = _SynthesisWorker(language, voice or None, engine, neural_model)
        self._worker.moveToThread(self._thread)
        self._synthesis_requested.connect(self._worker.synthesize)
        self._check_requested.connect(self._worker.check)
        self._language_requested.connect(self._worker.use_language)
        self._worker.synthesized.connect(self._on_synthesized)
        self._worker.failed.connect(self._on_synthesis_failed)
        self._worker.checked.connect(self._on_checked)
        self._worker.voice_changed.connect(self._on_voice_changed)
        self._thread.start()

    # Public controls -------------------------------------------------------------------------

    @property
    def state(self) -> NarrationState:
        return self._state

    @property
    def note(self) -> str:
        """Why Listen is off, in plain words ("" when it works)."""
        return self._note if self._state is NarrationState.UNAVAILABLE else ""

    @property
    def engine(self) -> str:
        """The engine that reads ("neural", "espeak"; "silence" when none can), "" until
        speech has been checked."""
        return self._engine

    @property
    def voice(self) -> str:
        """For staff: the voice that reads ("" until speech has been checked)."""
        return self._voice_title

    @property
    def voice_note(self) -> str:
        """For staff: why the voice that reads is not the configured one ("" when it is)."""
        return self._voice_note

    @property
    def active(self) -> bool:
        return self._state in (
            NarrationState.PREPARING,
            NarrationState.SPEAKING,
            NarrationState.PAUSED,
        )

    def check(self) -> None:
        """Find out (again) whether speech and an audio output are there."""
        reason = AudioPlayer.check_output()
        if reason is not None:
            self._on_checked(reason)
            return
        self._check_requested.emit()

    def utterance(self, index: int) -> Utterance | None:
        """Sentence ``index`` of what is being read now (as ``sentence_started`` numbers it)."""
        if 0 <= index < len(self._sentences):
            return self._sentences[index].utterance
        return None

    def audio(self, index: int) -> SpeechAudio | None:
        """The sound of sentence ``index``, once it has been synthesized."""
        if 0 <= index < len(self._sentences):
            return self._sentences[index].audio
        return None

    def duration_ms(self, index: int) -> int | None:
        """How long sentence ``index`` sounds, once it has been synthesized."""
        if 0 <= index < len(self._sentences):
            audio = self._sentences[index].audio
            return audio.duration_ms if audio is not None else None
        return None

    def speak(self, script: list[Utterance]) -> None:
        """Read ``script`` from its first sentence, instead of whatever is being read."""
        if self._state is NarrationState.UNAVAILABLE or self._shut_down or not script:
            return
        self._sentences = [self._prepare(u) for u in script]
        self._start_from(0)

    def stop(self) -> None:
        """Silence at once; nothing of this narration will be heard or highlighted again."""
        if not self.active:
            return
        self._generation += 1
        self._player.stop()
        self._word_timer.stop()
        self._heard = -1
        self._set_state(NarrationState.IDLE)

    def toggle_pause(self) -> None:
        if self._state is NarrationState.SPEAKING:
            self._player.pause()
            self._word_timer.stop()
            self._set_state(NarrationState.PAUSED)
        elif self._state is NarrationState.PAUSED:
            self._player.resume()
            self._word_timer.start()
            self._set_state(NarrationState.SPEAKING)

    def repeat(self) -> None:
        """Hear the current sentence again (the first one if none has started yet)."""
        if self.active:
            self._start_from(max(self._heard, 0))

    def set_rate(self, rate_wpm: int) -> None:
        """Speak at ``rate_wpm`` from now on; a narration restarts at its current sentence."""
        if rate_wpm == self._rate_wpm:
            return
        self._rate_wpm = rate_wpm
        if self.active:
            self._start_from(max(self._heard, 0))

    @property
    def language(self) -> str:
        return self._language

    def set_language(self, language: str, voice: str | None, lexicon: dict[str, str]) -> None:
        """Read in ``language`` from now on: what is being read stops (it is the other
        language's text), and whether the language's voice works is checked again."""
        if language == self._language:
            return
        self.stop()
        self._language, self._lexicon = language, lexicon
        self._sentences = []
        # Queued to the synthesis thread before any later request, so none of those is read
        # in the old language.
        self._language_requested.emit(language, voice or "")
        if self._shut_down:
            return
        if self._state is NarrationState.UNAVAILABLE:
            self.check()  # the sound output too: it may be what was missing
        else:
            # The voice only, on the synthesis thread: the sound output worked, and asking Qt
            # for it here would hold up the switch on the screen.
            self._check_requested.emit()

    def set_volume(self, volume: float) -> None:
        self._player.set_volume(volume)

    def shutdown(self) -> None:
        """Stop speaking and end the synthesis worker (and its process). It never speaks
        again: a late event (a print outcome in talking mode) must not open a sound output."""
        self._shut_down = True
        self.stop()
        self._retry.stop()
        # Called directly, not queued: a queued close could be left behind when the thread's
        # loop quits, and the worker process with it. Closing is safe from any thread and ends
        # a synthesis in progress, so the thread then finishes at once.
        self._worker.close()
        self._thread.quit()
        self._thread.wait(5000)

    # The narration ---------------------------------------------------------------------------

    def _prepare(self, utterance: Utterance) -> _Sentence:
        text = utterance.spoken or utterance.text
        spoken, to_shown = spoken_text(text, self._language, self._lexicon)
        return _Sentence(utterance, spoken, to_shown)

    def _start_from(self, index: int) -> None:
        self._generation += 1
        self._player.stop()
        self._word_timer.stop()
        self._player.start()
        self._heard = -1
        self._word = (-1, -1)
        self._requested = self._queued = index
        self._offset = index  # clip ids are sentence indexes
        for sentence in self._sentences:
            sentence.audio = None
        self._set_state(NarrationState.PREPARING)
        self._request_more()

    def _request_more(self) -> None:
        while self._requested < len(self._sentences) and (
            self._requested - max(self._heard, self._offset) <= PREFETCH
        ):
            sentence = self._sentences[self._requested]
            self._synthesis_requested.emit(
                self._generation, self._requested, sentence.spoken, self._rate_wpm
            )
            self._requested += 1

    def _on_synthesized(self, generation: int, index: int, audio: object) -> None:
        if generation != self._generation or not isinstance(audio, SpeechAudio):
            return  # a stopped or restarted narration: drop it
        self._sentences[index].audio = audio
        # Clips go to the player in order, whatever order the audio arrives in.
        while self._queued < len(self._sentences) and self._sentences[self._queued].audio:
            clip = self._sentences[self._queued].audio
            assert clip is not None
            self._player.enqueue(self._queued, clip.pcm, clip.sample_rate)
            self._queued += 1
        if self._queued == len(self._sentences):
            self._player.finish_queue()

    def _on_synthesis_failed(self, generation: int, index: int, reason: str) -> None:
        if generation != self._generation:
            return
        log.warning("narration stopped at sentence %d: %s", index, reason)
        self.stop()
        self.check()  # is the engine still there at all?

    def _on_clip_started(self, index: int) -> None:
        if not self.active or index >= len(self._sentences):
            return
        self._heard = index
        self._word = (-1, -1)
        if self._state is NarrationState.PREPARING:
            self._set_state(NarrationState.SPEAKING)
        if self._state is NarrationState.SPEAKING:
            self._word_timer.start()
        self.sentence_started.emit(index)
        self._request_more()

    def _on_word_tick(self) -> None:
        position = self._player.position()
        if position is None or self._state is not NarrationState.SPEAKING:
            return
        index, at_ms = position
        if index != self._heard or not 0 <= index < len(self._sentences):
            return
        sentence = self._sentences[index]
        if sentence.audio is None or not sentence.utterance.words_follow_text:
            return
        words = sentence.audio.words
        current = bisect.bisect_right([w.at_ms for w in words], at_ms) - 1
        if current < 0:
            return
        word = words[current]
        shown = sentence.to_shown
        start = shown[min(word.start, len(shown) - 1)]
        end = shown[min(max(word.end - 1, word.start), len(shown) - 1)] + 1
        if (start, end) != self._word:
            self._word = (start, end)
            base = sentence.utterance.start
            self.word_started.emit(index, base + start, base + end)

    def _on_drained(self) -> None:
        if self.active:
            self._word_timer.stop()
            self._heard = -1
            self._set_state(NarrationState.IDLE)

    def _on_player_failed(self, reason: str) -> None:
        log.warning("audio output failed: %s", reason)
        self._generation += 1
        self._word_timer.stop()
        self._on_checked(self.tr("The sound is not working."))
        self.check()

    def _on_voice_changed(self, engine: str, title: str, note: str) -> None:
        if note and note != self._voice_note:
            log.warning("voice: %s", note)
        self._engine, self._voice_title, self._voice_note = engine, title, note
        self.voice_changed.emit(title, note)

    def _on_checked(self, reason: object) -> None:
        if reason is None:
            if self._state is NarrationState.UNAVAILABLE:
                self._retry.stop()
                self._set_state(NarrationState.IDLE)
                self.availability_changed.emit(True, "")
            return
        if self._shut_down:  # the kiosk is closing: its speech ended on purpose
            return
        note = str(reason)
        log.warning("Listen is off: %s", note)
        self._note = note
        if self.active:
            self._generation += 1
            self._player.stop()
        self._set_state(NarrationState.UNAVAILABLE)
        self.availability_changed.emit(False, note)
        self._retry.start()

    def _set_state(self, state: NarrationState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state)

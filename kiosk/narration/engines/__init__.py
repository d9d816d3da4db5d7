"""Speech engines: each says what it can do as data and turns a sentence into PCM and timings.

They run only inside the speech worker process (kiosk/narration/worker.py), never in the kiosk
itself: an engine that crashes or hangs takes only the worker down. ``load`` builds one by name;
the Synthesizer in the kiosk picks which one speaks each language (kiosk/narration/synth.py).
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import NamedTuple, Protocol

# What the configuration's voice_engine may say: "auto" (the natural voice where it loads and
# speaks the language, else eSpeak NG), "neural" (the same, but a natural voice that does not
# work is a problem for staff, not a note) or "espeak" (eSpeak NG only, the natural voice never
# loaded).
ENGINE_CHOICES = ("auto", "neural", "espeak")

# The records below are NamedTuples, not dataclasses: the speech worker imports this module,
# and dataclasses (with inspect, ast and dis) would add 1.1 MB to its memory.


class Tracking(enum.Enum):
    """How closely an engine says where each part of the text is heard."""

    WORD = "word"  # a time for each word
    SENTENCE = "sentence"  # the sentence only: the highlight stays on the whole sentence
    NONE = "none"


class VoiceInfo(NamedTuple):
    """A voice an engine can use."""

    identifier: str  # what selects it: "gmw/en-US", "heart"
    name: str  # "English (America)"
    language: str  # its main language: "en-us"


class EngineInfo(NamedTuple):
    """What an engine can do, sent from the worker to the kiosk."""

    name: str  # "neural", "espeak", "silence": what the configuration's voice_engine says
    title: str  # for staff: "natural voice (hibari-tts 0.2.1, voice heart)"
    sample_rate: int  # Hz of the PCM it returns
    tracking: Tracking
    voices: tuple[VoiceInfo, ...]
    audible: bool = True  # False for silence, which is there so the worker always answers


class Speech(NamedTuple):
    """One sentence as an engine spoke it.

    ``words`` holds (0-based character offset, length in characters, milliseconds into the
    audio) in the order spoken; the kiosk maps them onto the words a reader sees
    (``synth.word_timings``). An engine that tracks sentences only gives none.
    """

    pcm: bytes  # signed 16-bit little-endian mono samples, no header
    sample_rate: int
    words: tuple[tuple[int, int, int], ...]
    voice: str  # the identifier of the voice that spoke


class Engine(Protocol):
    """A speech engine inside the worker."""

    info: EngineInfo

    def synthesize(self, text: str, voice: str, rate_wpm: int) -> Speech:
        """``text`` spoken by ``voice`` (an identifier from ``info.voices``) at ``rate_wpm``."""
        ...


class EngineUnavailableError(Exception):
    """An engine cannot be loaded; ``str(self)`` is technical, for the log."""

    def __init__(self, not_installed: bool, detail: str) -> None:
        super().__init__(detail)
        self.not_installed = not_installed  # True when its library is missing altogether


class EngineOptions(NamedTuple):
    """What the kiosk tells the worker about its engines."""

    neural_model: Path | None = None  # None: the timed model the set-up made, else the stock one


def load(name: str, options: EngineOptions) -> Engine:
    """The engine called ``name``; raises EngineUnavailableError (and ValueError for a name
    that is no engine)."""
    # Each engine's libraries are imported only when it is asked for: the worker that speaks
    # Spanish with eSpeak NG alone never loads onnxruntime.
    if name == "espeak":
        from kiosk.narration.engines.espeak import EspeakEngine  # noqa: PLC0415

        return EspeakEngine()
    if name == "neural":
        from kiosk.narration.engines.neural import NeuralEngine  # noqa: PLC0415

        return NeuralEngine(options.neural_model)
    if name == "silence":
        from kiosk.narration.engines.silence import SilenceEngine  # noqa: PLC0415

        return SilenceEngine()
    raise ValueError(f"no speech engine called {name!r}")

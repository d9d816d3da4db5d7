"""The natural voice: hibari-tts's "heart" (American English), word times from the model itself."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
from pathlib import Path
from typing import Any

from kiosk.narration.engines import (
    EngineInfo,
    EngineUnavailableError,
    Speech,
    Tracking,
    VoiceInfo,
)
from kiosk.narration.engines.g2p_tables import compact_g2p, tables_path
from kiosk.narration.engines.timed_model import DURATIONS_OUTPUT, source_model, timed_model

SAMPLE_RATE = 24000
VOICE = VoiceInfo("heart", "Heart (American English)", "en-us")
# The model reads at most this many phonemes at once (hibari's own limit); a longer sentence
# is spoken in parts, cut after a comma or other pause where there is one.
MAX_PHONEMES = 400
# The voice's own pace at speed 1.0, in the words per minute the kiosk's rates are given in
# (measured on the leaflet's sections: see benchmarks/narration.py); rates map onto hibari's
# speed by this, within its 0.5 to 2.0.
NATURAL_WPM = 170
# Each part begins with the silence the model puts before its first phoneme (about 0.4 s);
# this much of it is kept, so that Listen is heard at once and the words do not run together.
LEAD_IN_S = 0.04
# How much earlier a word is heard than its first phoneme's frames (see synthesize).
ADVANCE_SAMPLES = SAMPLE_RATE * 50 // 1000
# Without the model's durations the silence is found in the sound: samples under this are quiet.
QUIET = 0.004
_PAUSES = frozenset(",;:—….!?")


class NeuralEngine:
    """hibari-tts in the worker: text (already normalised by the kiosk) to 24 kHz PCM.

    Built from hibari's parts rather than its Hibari class, to hold less memory: its model in
    an onnxruntime session of our own options, and its G2P with the tables the set-up step
    put in SQLite (g2p_tables.py).

    The phonemes come from hibari's own G2P with its text normaliser off, so that every token
    it reads can be found in the text the kiosk sent and timed: each word starts where the
    model's duration output says its first phoneme starts. With the stock model (the set-up
    step not run) it speaks with the sentence highlighted instead.
    """

    def __init__(self, model: Path | None = None, tables: Path | None = None) -> None:
        # numpy's OpenBLAS starts a thread (and its buffers) per core; the voice needs none.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        try:
            # Only the worker of the natural voice loads these.
            import hibari  # noqa: PLC0415
            import numpy  # noqa: PLC0415
            import onnxruntime  # noqa: PLC0415
            from hibari import dsp  # noqa: PLC0415
            from hibari.tts import ASSETS  # noqa: PLC0415
        except (ImportError, OSError) as error:  # hibari raises OSError for missing assets
            detail = f"{type(error).__name__}: {error}"
            raise EngineUnavailableError(isinstance(error, ImportError), detail) from None
        self._np = numpy
        self._dsp = dsp
        path = model
        if path is None:
            path = timed_model()
            if not path.is_file():
                path = source_model()
        tables = tables or tables_path()
        try:
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = options.inter_op_num_threads = 1
            options.log_severity_level = 3
            # onnxruntime's arena keeps the largest sentence's working memory for good
            # (measured: 290 MB after a 400-phoneme sentence; 72 MB without it, trimmed).
            options.enable_cpu_mem_arena = False
            self._session = onnxruntime.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
            self._outputs = [output.name for output in self._session.get_outputs()]
            with Path(ASSETS, "vocab.json").open(encoding="utf-8") as file:
                self._vocab: dict[str, int] = json.load(file)
            if tables.is_file():
                self._g2p = compact_g2p(tables)
            else:
                from hibari.g2p import G2P  # noqa: PLC0415 - 97 MB of tables in memory

                self._g2p = G2P()
            # The lexicon, tagger and out-of-vocabulary net load now, not at the first word.
            self._g2p("kiosk", normalize_text=False)
            self._g2p.oov("kiosk")
        except Exception as error:  # onnxruntime and sqlite raise their own types
            raise EngineUnavailableError(
                False, f"{path}: {type(error).__name__}: {error}"
            ) from None
        timed = DURATIONS_OUTPUT in self._outputs
        version = getattr(hibari, "__version__", "?")  # importlib.metadata would cost 4 MB
        self.info = EngineInfo(
            name="neural",
            title=f"natural voice (hibari-tts {version}, voice heart)",
            sample_rate=SAMPLE_RATE,
            tracking=Tracking.WORD if timed else Tracking.SENTENCE,
            voices=(VOICE,),
        )
        self.model = path
        self._trim()

    def synthesize(self, text: str, voice: str, rate_wpm: int) -> Speech:
        if voice != VOICE.identifier:
            raise ValueError(f"the neural engine has only the voice {VOICE.identifier!r}")
        if not text.strip():
            raise ValueError("nothing to say")
        np = self._np
        speed = min(2.0, max(0.5, rate_wpm / NATURAL_WPM))
        rng = np.random.default_rng(0)  # the same sentence sounds the same each time
        tokens = self._g2p.phonemize_tokens(self._g2p.tokenize(text))
        parts: list[Any] = []
        words: list[tuple[int, int, int]] = []
        heard = 0  # samples of the sentence so far
        for part in _parts(_placed(text, tokens)):
            ids: list[int] = [0]
            starts: list[tuple[int, int, int]] = []  # (offset, length, first id)
            for offset, length, phonemes, space in part:
                if offset >= 0 and phonemes.strip():
                    starts.append((offset, length, len(ids)))
                ids += [self._vocab[c] for c in phonemes + space if c in self._vocab]
            while len(ids) > 1 and ids[-1] == self._vocab.get(" "):
                ids.pop()
            ids.append(0)
            if len(ids) < 3:
                continue
            wav, unit_starts = self._speak(ids, speed, rng)
            lead = self._lead_in(wav, unit_starts)
            for offset, length, first in starts:
                if unit_starts is not None:
                    # The sound of a phoneme begins a little before the frames the durations
                    # give it (measured: vowels 45 to 55 ms, "m" about 110 ms early, at every
                    # speed); never before the pause ahead of the word, though.
                    start = int(unit_starts[first]) - ADVANCE_SAMPLES
                    if first > 1:
                        start = max(start, int(unit_starts[first - 1]))
                    at = heard + max(0, start - lead)
                    words.append((offset, length, at * 1000 // SAMPLE_RATE))
            parts.append(wav[lead:])
            heard += len(wav) - lead
        if not parts:
            raise ValueError(f"no sound for {text!r}")
        audio = np.concatenate(parts)
        pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        del parts, audio
        self._trim()
        return Speech(pcm, SAMPLE_RATE, tuple(words), VOICE.identifier)

    @staticmethod
    def _trim() -> None:
        """Give the sentence's working memory back to the system: glibc keeps freed memory
        for the next allocation, and the worker idles far longer than it speaks."""
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).malloc_trim(0)

    def _speak(self, ids: list[int], speed: float, rng: Any) -> tuple[Any, Any | None]:
        """The sound of ``ids`` and, with the timed model, the sample each id starts at."""
        np = self._np
        feeds = {"ids": np.asarray([ids], np.int64), "speed": np.asarray([speed], np.float32)}
        out = dict(zip(self._outputs, self._session.run(None, feeds), strict=True))
        parts = (out[name][0] for name in ("lh", "theta", "ln", "lr", "phi", "f0"))
        wav = self._dsp.synth(*parts, rng)
        durations = out.get(DURATIONS_OUTPUT)
        if durations is None or durations.sum() <= 0:
            return wav, None
        # The durations count model units; the sound has a fixed number of samples per unit
        # (600 for hibari 0.2.1: two 12.5 ms frames), whatever the speed.
        per_unit = len(wav) / float(durations.sum())
        starts = np.concatenate(([0], np.cumsum(durations)[:-1])) * per_unit
        return wav, starts

    def _lead_in(self, wav: Any, unit_starts: Any | None) -> int:
        """How many samples of silence to drop from the start of ``wav``."""
        keep = int(LEAD_IN_S * SAMPLE_RATE)
        if unit_starts is not None and len(unit_starts) > 1:
            first_sound = int(unit_starts[1])  # the first phoneme, after the pad
        else:
            loud = self._np.flatnonzero(self._np.abs(wav) > QUIET)
            first_sound = int(loud[0]) if len(loud) else 0
        return max(0, first_sound - keep)


def _placed(text: str, tokens: list[Any]) -> list[tuple[int, int, str, str]]:
    """Each token as (offset in ``text`` or -1, length, phonemes, the space after it)."""
    placed = []
    cursor = 0
    for token in tokens:
        phonemes = token.phonemes or ""
        offset = text.find(token.text, cursor) if token.text else -1
        if offset >= 0:
            cursor = offset + len(token.text)
        placed.append((offset, len(token.text), phonemes, " " if token.whitespace else ""))
    return placed


def _parts(
    placed: list[tuple[int, int, str, str]],
) -> list[list[tuple[int, int, str, str]]]:
    """``placed`` cut into runs of at most MAX_PHONEMES, after a pause where possible."""
    parts: list[list[tuple[int, int, str, str]]] = [[]]
    size = 0
    pause = -1  # the last token of the current part after which it may be cut
    for token in placed:
        cost = len(token[2]) + len(token[3])
        if parts[-1] and size + cost > MAX_PHONEMES:
            current = parts[-1]
            cut = pause + 1 if pause >= 0 else len(current)
            parts[-1], rest = current[:cut], current[cut:]
            parts.append(rest)
            size = sum(len(t[2]) + len(t[3]) for t in rest)
            pause = -1
        parts[-1].append(token)
        size += cost
        if token[2] and token[2][-1] in _PAUSES:
            pause = len(parts[-1]) - 1
    return [part for part in parts if part]

"""Prints how far each engine's word times are from where the words are heard in its audio.

    .venv/bin/python benchmarks/word_timing.py [--sentences 80] [--rate 135] [--json]

The underline follows a word time; this measures the times themselves against the sound.
Every sentence of the shipped leaflet (English by each engine, Spanish by eSpeak NG) is
synthesized, and each rise of the sound out of at least 60 ms of near-silence (in a 5 ms
loudness envelope) is taken as the start of the word whose time is nearest (within 150 ms),
and the two compared. Positive: the time (and so the underline) comes after the sound. Words inside
running speech have no visible start and are not counted; the count is printed. The rest of the
underline's delay (the time the screen takes to follow the player) is in benchmarks/narration.py.
"""

from __future__ import annotations

import argparse
import array
import json
import math
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

_WINDOW_MS = 5
_QUIET_BEFORE_MS = 60
_SEARCH_MS = 150  # a rise this close to a word time is taken as that word's start


def _envelope(pcm: bytes, rate: int) -> list[float]:
    samples = array.array("h")
    samples.frombytes(pcm)
    step = rate * _WINDOW_MS // 1000
    return [
        math.sqrt(sum(s * s for s in samples[i : i + step]) / step) / 32768
        for i in range(0, len(samples) - step, step)
    ]


def _rises_ms(envelope: list[float]) -> list[int]:
    """Where the sound rises out of at least 60 ms of near-silence."""
    quiet, loud = 0.004, 0.02
    before = _QUIET_BEFORE_MS // _WINDOW_MS
    return [
        i * _WINDOW_MS
        for i in range(before, len(envelope))
        if envelope[i] > loud and max(envelope[i - before : i]) < quiet
    ]


def measure(sentences: int, rate_wpm: int) -> dict[str, list[float]]:
    from kiosk.content.pack import load_leaflet
    from kiosk.narration.synth import Synthesizer
    from kiosk.paths import resources_dir

    pack = resources_dir() / "leaflets" / "vertebroplasty"
    figures: dict[str, list[float]] = {}
    for language, engine in (("en", "neural"), ("en", "espeak"), ("es", "espeak")):
        leaflet = load_leaflet(pack, language)
        texts = [s.text for section in leaflet.sections for _, s in section.sentences()]
        synthesizer = Synthesizer(language, engine="auto" if engine == "neural" else engine)
        offsets: list[float] = []
        try:
            for text in texts[:sentences]:
                audio = synthesizer.synthesize(text, rate_wpm)
                if audio.engine != engine:
                    raise SystemExit(f"{engine} did not speak: {synthesizer.note}")
                rises = _rises_ms(_envelope(audio.pcm, audio.sample_rate))
                times = [word.at_ms for word in audio.words]
                for rise in rises:  # each rise out of silence is the start of the nearest word
                    nearest = min(times, key=lambda t: abs(t - rise), default=None)
                    if nearest is not None and abs(nearest - rise) <= _SEARCH_MS:
                        offsets.append(nearest - rise)
        finally:
            synthesizer.close()
        figures[f"{engine} {language}"] = offsets
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=80, help="per language (of about 90)")
    parser.add_argument("--rate", type=int, default=135, help="words per minute")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = measure(args.sentences, args.rate)
    if args.json:
        print(json.dumps(figures))
        return
    for name, offsets in figures.items():
        if not offsets:
            print(f"{name:12} no word start could be seen")
            continue
        ordered = sorted(abs(o) for o in offsets)
        p95 = ordered[round(0.95 * (len(ordered) - 1))]
        close = 100 * sum(o <= 50 for o in ordered) / len(ordered)
        print(
            f"word time after the word's sound, {name:10} median {statistics.median(offsets):6.1f}"
            f" ms, within 50 ms {close:5.1f} %, |p95| {p95:6.1f} ms  (n={len(offsets)} words)"
        )


if __name__ == "__main__":
    main()

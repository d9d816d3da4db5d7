"""The natural voice (hibari-tts) through its supervised worker, and eSpeak NG taking over."""

from __future__ import annotations

import array
import os
import re
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.narration.engines import Tracking
from kiosk.narration.engines.timed_model import source_model, timed_model
from kiosk.narration.synth import NEURAL_CRASH_LIMIT, SpeechAudio, Synthesizer
from tests.narration.test_synth import (
    SENTENCE,
    _process_exists,
    _rms,
    _running_worker_pids,
    _wait_until_waiting_for_the_worker,
)


@pytest.fixture(scope="module")
def natural() -> Iterator[Synthesizer]:
    synth = Synthesizer("en")
    assert synth.check() is None
    yield synth
    synth.close()


def _peak_ms(audio: SpeechAudio) -> int:
    samples = array.array("h")
    samples.frombytes(audio.pcm)
    loud = [i for i, s in enumerate(samples) if abs(s) > 1000]
    return loud[0] * 1000 // audio.sample_rate if loud else -1


def test_english_is_read_by_the_natural_voice_at_24_khz(natural: Synthesizer) -> None:
    audio = natural.synthesize(SENTENCE, 150)

    assert (audio.engine, audio.voice, audio.sample_rate) == ("neural", "heart", 24000)
    assert natural.speaking is not None
    assert natural.speaking.tracking is Tracking.WORD
    assert natural.speaking.title.startswith("natural voice (hibari-tts 0.2.1")
    assert natural.note == ""
    # 12 words at 150 words per minute is about 4.8 s.
    assert 3000 <= audio.duration_ms <= 6500
    assert _rms(audio, 0, audio.duration_ms) > 1000
    # The model's lead-in silence is cut: the voice is heard at once when Listen is tapped.
    assert 0 <= _peak_ms(audio) < 150


def test_every_word_is_timed_in_order_within_the_clip(natural: Synthesizer) -> None:
    text = "A well-being X-ray, follow-up of Dr. Smith's patients; about forty of them."
    audio = natural.synthesize(text, 135)

    assert [text[w.start : w.end] for w in audio.words] == [
        *("A", "well-being", "X-ray", "follow-up", "of", "Dr", "Smith's", "patients"),
        *("about", "forty", "of", "them"),
    ]
    times = [w.at_ms for w in audio.words]
    assert times == sorted(set(times))
    assert 0 <= times[0] < times[-1] < audio.duration_ms


def test_word_times_are_where_the_words_sound(natural: Synthesizer) -> None:
    """The times come from the model's own phoneme durations: each word after a sentence
    pause starts where the pause ends, not where the text's length would put it. (Words that
    begin with a vowel: the model's pauses are short, and its consonants blur into them.)"""
    text = "Apple. Orange. Umbrella. Ice. Ocean. Eagle."
    audio = natural.synthesize(text, 80)

    words = [text[w.start : w.end] for w in audio.words]
    assert words == ["Apple", "Orange", "Umbrella", "Ice", "Ocean", "Eagle"]
    for word, shown in zip(audio.words[1:], words[1:], strict=True):
        assert _rms(audio, word.at_ms - 60, word.at_ms - 15) < 300, shown
        assert _rms(audio, word.at_ms + 10, word.at_ms + 200) > 1000, shown


def test_a_faster_rate_gives_shorter_audio(natural: Synthesizer) -> None:
    slow = natural.synthesize(SENTENCE, 110)
    fast = natural.synthesize(SENTENCE, 185)

    assert fast.duration_ms < 0.75 * slow.duration_ms


def test_a_sentence_longer_than_the_model_reads_at_once_is_read_whole(
    natural: Synthesizer,
) -> None:
    # About 900 phonemes: the model reads 400 at a time, so it is read in parts.
    text = ", ".join(["the bone cement hardens in the spine within an hour"] * 12) + "."
    audio = natural.synthesize(text, 185)

    words = re.findall(r"\w+", text)
    assert [text[w.start : w.end] for w in audio.words] == words
    times = [w.at_ms for w in audio.words]
    assert times == sorted(set(times))
    assert times[-1] < audio.duration_ms
    assert audio.duration_ms > len(words) * 60_000 // 185 * 0.6


def test_spanish_is_read_by_espeak_ng() -> None:
    synth = Synthesizer("es")
    try:
        assert synth.check() is None
        audio = synth.synthesize("La vertebroplastia alivia el dolor.", 150)
    finally:
        synth.close()

    assert (audio.engine, audio.sample_rate) == ("espeak", 22050)
    assert audio.voice == "roa/es-419"


def test_espeak_ng_only_never_starts_the_natural_voice() -> None:
    synth = Synthesizer("en", engine="espeak")
    try:
        audio = synth.synthesize(SENTENCE, 150)
        assert len(synth.worker_pids) == 1
    finally:
        synth.close()

    assert audio.engine == "espeak"


def test_a_clinic_that_names_an_espeak_voice_for_english_gets_it() -> None:
    synth = Synthesizer("en", voice="English (Great Britain)")
    try:
        audio = synth.synthesize(SENTENCE, 150)
    finally:
        synth.close()

    assert (audio.engine, audio.voice) == ("espeak", "gmw/en")


@pytest.mark.parametrize("damage", ["corrupt", "missing", "truncated"])
def test_a_broken_model_hands_english_to_espeak_ng_with_a_note_for_staff(
    damage: str, tmp_path: Path
) -> None:
    model = tmp_path / "hibari.onnx"
    if damage == "corrupt":
        model.write_bytes(b"\x08\x07this is not a model" * 100)
    elif damage == "truncated":
        model.write_bytes(source_model().read_bytes()[:1_000_000])
    synth = Synthesizer("en", neural_model=model)
    try:
        assert synth.check() is None  # Listen works
        audio = synth.synthesize(SENTENCE, 150)
        assert len(synth.worker_pids) == 1  # the natural voice's worker is gone
    finally:
        synth.close()

    assert audio.engine == "espeak"
    assert synth.speaking is not None
    assert synth.speaking.title == "eSpeak NG"
    assert synth.note.startswith("the natural voice does not work")
    assert "eSpeak NG reads English instead" in synth.note


def test_the_stock_model_speaks_with_the_sentence_highlighted() -> None:
    """Without the set-up step's timed model the voice still speaks; no word times are made
    up from the text."""
    synth = Synthesizer("en", neural_model=source_model())
    try:
        audio = synth.synthesize(SENTENCE, 150)
        assert synth.speaking is not None
        assert synth.speaking.tracking is Tracking.SENTENCE
    finally:
        synth.close()

    assert audio.engine == "neural"
    assert audio.words == ()
    assert 0 <= _peak_ms(audio) < 150


def test_the_set_up_made_the_timed_model() -> None:
    assert timed_model().is_file(), "run: python -m kiosk.narration.engines.timed_model build"


def test_a_natural_voice_killed_mid_sentence_is_covered_by_espeak_ng_then_restarted() -> None:
    """The worker is stopped (SIGSTOP) so that it is surely killed with a sentence
    outstanding, then killed for real with SIGKILL."""
    synth = Synthesizer("en", timeout_s=30.0)
    try:
        assert synth.check() is None
        pid = synth.worker_pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)
        thread, errors, results = _speak_in_thread(synth)
        _wait_until_waiting_for_the_worker(thread)

        os.kill(pid, signal.SIGKILL)
        thread.join(10.0)

        assert not thread.is_alive()
        assert errors == []
        assert [audio.engine for audio in results] == ["espeak"]  # the patient heard it
        assert not _process_exists(pid)
        again = synth.synthesize(SENTENCE, 150)
        assert again.engine == "neural"
        assert synth.worker_pid not in (None, pid)
        assert synth.note == ""
    finally:
        synth.close()


def test_a_hanging_natural_voice_is_killed_at_the_time_limit_and_espeak_ng_reads() -> None:
    """The hang is real: the worker is stopped with SIGSTOP and never answers."""
    synth = Synthesizer("en", timeout_s=1.0)
    try:
        assert synth.check() is None
        pid = synth.worker_pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)

        audio = synth.synthesize(SENTENCE, 150)

        assert audio.engine == "espeak"
        assert not _process_exists(pid)
        assert synth.synthesize(SENTENCE, 150).engine == "neural"
    finally:
        synth.close()


def test_a_natural_voice_that_keeps_crashing_is_given_up() -> None:
    synth = Synthesizer("en")
    try:
        for _ in range(NEURAL_CRASH_LIMIT):
            assert synth.check() is None
            pid = synth.worker_pid
            assert pid is not None
            os.kill(pid, signal.SIGSTOP)
            thread, errors, results = _speak_in_thread(synth)
            _wait_until_waiting_for_the_worker(thread)
            os.kill(pid, signal.SIGKILL)
            thread.join(10.0)
            assert (errors, [a.engine for a in results]) == ([], ["espeak"])

        assert synth.synthesize(SENTENCE, 150).engine == "espeak"
        assert "stopped unexpectedly" in synth.note
        assert len(synth.worker_pids) == 1
    finally:
        synth.close()


def test_close_leaves_no_process_of_either_engine_behind() -> None:
    english, spanish = Synthesizer("en"), Synthesizer("es")
    assert english.check() is None
    assert spanish.check() is None
    pids = {*english.worker_pids, *spanish.worker_pids}
    assert len(pids) == 2
    assert pids <= _running_worker_pids()

    english.close()
    spanish.close()

    assert not any(_process_exists(pid) for pid in pids)


def _speak_in_thread(
    synth: Synthesizer,
) -> tuple[threading.Thread, list[BaseException], list[SpeechAudio]]:
    errors: list[BaseException] = []
    results: list[SpeechAudio] = []

    def run() -> None:
        try:
            results.append(synth.synthesize(SENTENCE, 150))
        except BaseException as error:  # the test inspects whatever it was
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors, results


def test_the_compact_pronouncing_tables_give_hibaris_own_phonemes() -> None:
    """The worker reads hibari's tables from SQLite to hold 97 MB less; what it says must not
    change: every sentence of the shipped leaflet, phoneme for phoneme."""
    from hibari.g2p import G2P

    from kiosk.narration.engines.g2p_tables import compact_g2p, tables_path
    from kiosk.paths import resources_dir

    text = (resources_dir() / "leaflets" / "vertebroplasty" / "en.md").read_text("utf-8")
    sentences = [s for s in re.split(r"(?<=[.?!:])\s+|\n+", text) if re.search(r"\w", s)]
    assert len(sentences) > 60
    compact, stock = compact_g2p(tables_path()), G2P()
    for sentence in sentences:
        assert compact(sentence, normalize_text=False) == stock(sentence, normalize_text=False)

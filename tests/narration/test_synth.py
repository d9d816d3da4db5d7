"""Speech synthesis through the real eSpeak NG and pyttsx3, in its supervised worker process."""

from __future__ import annotations

import array
import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.narration.synth import (
    SpeechAudio,
    SynthesisError,
    Synthesizer,
    default_voice,
    find_voice,
    word_timings,
)
from kiosk.narration.worker import Fault, Worker, WorkerError

SENTENCE = "Your doctor may suggest this treatment when back pain lasts for weeks."  # 12 words
PAUSED = "One. Two. Three. Four. Five."  # a sentence pause before every word but the first


@pytest.fixture(scope="module")
def english() -> Iterator[Synthesizer]:
    """eSpeak NG's English: what these tests measure is eSpeak's (the natural voice's own
    tests are in test_neural.py)."""
    synth = Synthesizer("en", engine="espeak")
    yield synth
    synth.close()


def _rms(audio: SpeechAudio, start_ms: int, end_ms: int) -> float:
    """The loudness of the audio between two times, as the root mean square sample value."""
    samples = array.array("h")
    first, last = (max(0, ms) * audio.sample_rate // 1000 * 2 for ms in (start_ms, end_ms))
    samples.frombytes(audio.pcm[first:last])
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0


def _process_exists(pid: int) -> bool:
    """Whether ``pid`` is a live process (an orphan that has ended may wait as a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _children_of(parent_pid: int) -> set[int]:
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # ended while we looked
            continue
        if int(fields[1]) == parent_pid:
            children.add(int(stat.parent.name))
    return children


def _running_worker_pids() -> set[int]:
    return _children_of(os.getpid())


def _wait_until_waiting_for_the_worker(thread: threading.Thread) -> None:
    """Return once ``thread`` sits in poll(), its request sent, waiting for the answer."""
    wchan = Path(f"/proc/self/task/{thread.native_id}/wchan")
    deadline = time.monotonic() + 10.0
    while "poll" not in wchan.read_text():
        assert thread.is_alive(), "the call ended before it waited for the worker"
        assert time.monotonic() < deadline, "the request never reached the point of waiting"
        threading.Event().wait(0.002)


def _synthesize_in_thread(
    synth: Synthesizer,
) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            synth.synthesize(SENTENCE, 150)
        except BaseException as error:  # the test inspects whatever it was
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def test_a_sentence_becomes_audible_speech_of_a_plausible_length(english: Synthesizer) -> None:
    audio = english.synthesize(SENTENCE, 150)

    assert audio.sample_rate == 22050
    assert len(audio.pcm) % 2 == 0
    # 12 words at 150 words per minute is about 4.8 s; eSpeak measures 4.7 s.
    assert 1500 <= audio.duration_ms <= 6000
    assert _rms(audio, 0, audio.duration_ms) > 1000  # about 2650; silence is 0


def test_a_faster_rate_gives_shorter_audio(english: Synthesizer) -> None:
    slow = english.synthesize(SENTENCE, 110)
    fast = english.synthesize(SENTENCE, 185)

    assert fast.duration_ms < 0.75 * slow.duration_ms  # 3.8 s against 6.4 s


def test_every_word_is_timed_in_order_within_the_audio(english: Synthesizer) -> None:
    audio = english.synthesize(SENTENCE, 150)

    assert [SENTENCE[w.start : w.end] for w in audio.words] == re.findall(r"\w+", SENTENCE)
    times = [w.at_ms for w in audio.words]
    assert times == sorted(set(times))
    assert 0 <= times[0] < times[-1] < audio.duration_ms


def test_word_times_are_where_the_words_sound(english: Synthesizer) -> None:
    # Each word after the first follows a sentence pause: its time must be the end of that
    # silence, not the moment eSpeak synthesized it (all within the first few milliseconds).
    audio = english.synthesize(PAUSED, 150)

    assert [PAUSED[w.start : w.end] for w in audio.words] == ["One", "Two", "Three", "Four", "Five"]
    for word in audio.words[1:]:
        assert _rms(audio, word.at_ms - 100, word.at_ms) < 100, PAUSED[word.start : word.end]
        assert _rms(audio, word.at_ms, word.at_ms + 300) > 1000, PAUSED[word.start : word.end]


def test_back_to_back_sentences_all_have_their_audio(english: Synthesizer) -> None:
    # eSpeak used to lose about one sentence in thirteen when another followed at once.
    durations = [english.synthesize(SENTENCE, 150).duration_ms for _ in range(60)]

    # eSpeak's output varies by a few milliseconds from one run to the next.
    assert min(durations) > 0.95 * max(durations)


def test_words_are_the_words_on_screen_whatever_espeak_reports(english: Synthesizer) -> None:
    text = "A well-being X-ray, follow-up of 1,250 people (about 3.5%) — Dr. Smith's T12."

    audio = english.synthesize(text, 150)

    timed = [text[w.start : w.end] for w in audio.words]
    assert timed == [
        *("A", "well-being", "X-ray", "follow-up", "of", "1,250", "people", "about", "3.5"),
        *("Dr", "Smith's", "T12"),
    ]
    times = [w.at_ms for w in audio.words]
    assert times == sorted(times)
    assert times[-1] < audio.duration_ms


def test_word_timings_take_the_first_event_inside_each_word() -> None:
    text = "Take calsa-toenin, 1,250 — now."
    events = [
        (0, 4, 0),  # Take
        (5, 5, 300),  # calsa: eSpeak times a hyphenated word by its first part only
        (19, 2, 900),  # 1,
        (20, 2, 1100),  # ,2 repeats the number
        (25, 0, 1500),  # the dash: empty
        (27, 3, 1600),  # now
    ]

    timings = word_timings(text, events, duration_ms=2000)

    assert [(text[t.start : t.end], t.at_ms) for t in timings] == [
        ("Take", 0),
        ("calsa-toenin", 300),
        ("1,250", 900),
        ("now", 1600),
    ]


def test_spanish_is_spoken_with_a_spanish_voice() -> None:
    text = "La vertebroplastia alivia el dolor de muchas personas mayores, según los médicos."
    spanish = Synthesizer("es")
    try:
        assert spanish.check() is None
        audio = spanish.synthesize(text, 150)
    finally:
        spanish.close()

    # Offsets count characters, not UTF-8 bytes: "según" and "médicos" come out whole.
    assert [text[w.start : w.end] for w in audio.words] == re.findall(r"\w+", text)
    assert 2000 <= audio.duration_ms <= 9000
    assert _rms(audio, 0, audio.duration_ms) > 1000


def test_each_language_gets_a_voice_of_its_own_from_those_installed() -> None:
    worker = Worker("espeak")
    try:
        voices = worker.start(timeout_s=15.0).voices
    finally:
        worker.stop()

    english, spanish = default_voice("en", voices), default_voice("es", voices)
    assert english is not None
    assert (english.identifier, english.language) == ("gmw/en-US", "en-us")
    assert spanish is not None
    assert spanish.language.startswith("es")
    assert default_voice("xx", voices) is None
    assert find_voice("English (America)", voices) == english
    assert find_voice("EN-US", voices) == english


def test_a_configured_voice_works() -> None:
    british = Synthesizer("en", voice="English (Great Britain)")
    try:
        assert british.check() is None
        assert british.synthesize(SENTENCE, 150).duration_ms > 1500
    finally:
        british.close()


def test_the_worker_speaks_with_the_voice_asked_for_or_refuses() -> None:
    worker = Worker()
    try:
        worker.start(timeout_s=15.0)
        british = worker.request(SENTENCE, "gmw/en", 150, timeout_s=10.0)
        american = worker.request(SENTENCE, "gmw/en-US", 150, timeout_s=10.0)
        with pytest.raises(WorkerError) as raised:
            worker.request(SENTENCE, "no-such-voice", 150, timeout_s=10.0)
        after = worker.request(SENTENCE, "gmw/en", 150, timeout_s=10.0)
    finally:
        worker.stop()

    assert (british.voice, american.voice, after.voice) == ("gmw/en", "gmw/en-US", "gmw/en")
    assert raised.value.fault is Fault.FAILED
    assert "no-such-voice" in str(raised.value)


def test_an_unknown_voice_gives_a_plain_reason() -> None:
    synth = Synthesizer("en", voice="no-such-voice")
    try:
        assert synth.check() == "the voice 'no-such-voice' is not installed"
        with pytest.raises(SynthesisError) as raised:
            synth.synthesize(SENTENCE, 150)
    finally:
        synth.close()

    assert raised.value.message == "the voice 'no-such-voice' is not installed"


def test_a_voice_for_another_language_gives_a_plain_reason() -> None:
    synth = Synthesizer("es", voice="en-us")
    try:
        assert synth.check() == "the voice 'en-us' does not speak Spanish"
    finally:
        synth.close()


def test_a_worker_killed_mid_sentence_fails_that_sentence_only() -> None:
    """The worker is stopped (SIGSTOP) so that it is surely killed with a sentence
    outstanding, then killed for real with SIGKILL. (eSpeak NG's worker: with nothing behind
    it the sentence fails; the natural voice's is in test_neural.py.)"""
    synth = Synthesizer("en", timeout_s=30.0, engine="espeak")
    try:
        assert synth.check() is None
        pid = synth.worker_pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)
        thread, errors = _synthesize_in_thread(synth)
        _wait_until_waiting_for_the_worker(thread)

        os.kill(pid, signal.SIGKILL)
        thread.join(10.0)  # far less than the 30 s time limit: the death is noticed at once

        assert not thread.is_alive()
        assert len(errors) == 1
        assert isinstance(errors[0], SynthesisError)
        assert errors[0].message == "the speech engine stopped unexpectedly"
        assert "SIGKILL" in str(errors[0])
        assert not _process_exists(pid)

        audio = synth.synthesize(SENTENCE, 150)
        assert audio.duration_ms > 1500
        assert synth.worker_pid not in (None, pid)
    finally:
        synth.close()


def test_a_worker_that_died_between_sentences_is_replaced_unnoticed() -> None:
    synth = Synthesizer("en", engine="espeak")
    try:
        assert synth.check() is None
        pid = synth.worker_pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        # Until every thread of it has ended, the kernel still counts the worker as running.
        deadline = time.monotonic() + 10.0
        while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            assert time.monotonic() < deadline, "SIGKILL did not end the worker"
            threading.Event().wait(0.002)

        assert synth.synthesize(SENTENCE, 150).duration_ms > 1500
        assert synth.worker_pid not in (None, pid)
    finally:
        synth.close()


def test_a_hanging_worker_is_killed_at_the_time_limit_and_replaced() -> None:
    """The hang is real: the worker is stopped with SIGSTOP and never answers."""
    synth = Synthesizer("en", timeout_s=1.0, engine="espeak")
    try:
        assert synth.check() is None
        pid = synth.worker_pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)

        with pytest.raises(SynthesisError) as raised:
            synth.synthesize(SENTENCE, 150)

        assert raised.value.message == "the speech engine stopped responding"
        assert "within 1 s" in str(raised.value)
        assert not _process_exists(pid)
        assert synth.synthesize(SENTENCE, 150).duration_ms > 1500
    finally:
        synth.close()


def test_missing_engine_data_gives_a_reason_and_the_kiosk_lives_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # With no data where ESPEAK_DATA_PATH points, libespeak-ng calls exit() in the worker.
    monkeypatch.setenv("ESPEAK_DATA_PATH", str(tmp_path))
    synth = Synthesizer("en", engine="espeak")
    try:
        assert synth.check() == "the speech engine could not start"
        with pytest.raises(SynthesisError) as raised:
            synth.synthesize(SENTENCE, 150)
        assert "exit code 1" in str(raised.value)
        assert synth.worker_pid is None

        monkeypatch.delenv("ESPEAK_DATA_PATH")
        assert synth.check() is None  # once the data is back, the next call starts afresh
    finally:
        synth.close()


def test_close_leaves_no_process_behind() -> None:
    synth = Synthesizer("en")
    assert synth.check() is None
    pid = synth.worker_pid
    assert pid is not None
    assert pid in _running_worker_pids()

    synth.close()

    assert pid not in _running_worker_pids()
    assert not _process_exists(pid)
    assert synth.check() == "speech is switched off"
    synth.close()  # a second close does nothing


def test_a_killed_kiosk_leaves_no_worker_behind(tmp_path: Path) -> None:
    """The kiosk is a real second Python process, killed with SIGKILL while its worker idles."""
    script = tmp_path / "kiosk_stand_in.py"
    script.write_text(
        "import sys\n"
        "from kiosk.narration.synth import Synthesizer\n"
        "if __name__ == '__main__':\n"
        "    synth = Synthesizer('en')\n"
        "    assert synth.check() is None\n"
        "    print(synth.worker_pid, flush=True)\n"
        "    sys.stdin.read()\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    with subprocess.Popen(
        [sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
    ) as kiosk:
        assert kiosk.stdout is not None
        worker_pid = int(kiosk.stdout.readline())
        helpers = _children_of(kiosk.pid)
        # The worker alone: no helper of multiprocessing's (its resource tracker, 13 MB).
        assert helpers == {worker_pid}

        kiosk.kill()

    deadline = time.monotonic() + 10.0
    while alive := [pid for pid in helpers if _process_exists(pid)]:
        assert time.monotonic() < deadline, f"processes {alive} outlived the kiosk"
        threading.Event().wait(0.005)


def test_close_ends_a_sentence_in_progress() -> None:
    """The worker is stopped (SIGSTOP) so that the sentence is surely still in progress."""
    synth = Synthesizer("en", timeout_s=30.0, engine="espeak")
    assert synth.check() is None
    pid = synth.worker_pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)
    thread, errors = _synthesize_in_thread(synth)
    _wait_until_waiting_for_the_worker(thread)

    synth.close()
    thread.join(10.0)

    assert not thread.is_alive()
    assert [type(e) for e in errors] == [SynthesisError]
    assert not _process_exists(pid)


def test_blank_text_and_impossible_rates_are_refused(english: Synthesizer) -> None:
    with pytest.raises(ValueError, match="blank"):
        english.synthesize("  \n", 150)
    with pytest.raises(ValueError, match="over 10000"):
        english.synthesize("a " * 5001, 150)  # eSpeak itself crashes at about 19,000
    with pytest.raises(ValueError, match="outside"):
        english.synthesize(SENTENCE, 79)
    with pytest.raises(ValueError, match="outside"):
        english.synthesize(SENTENCE, 401)

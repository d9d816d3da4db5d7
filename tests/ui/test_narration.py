"""Listen: every page read aloud through real eSpeak NG into a real audio server, in step."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from harness.audio import PulseServer
from kiosk.app import Kiosk
from kiosk.config import Config
from kiosk.narration.engines.timed_model import timed_model
from kiosk.narration.narrator import NarrationState, Narrator
from kiosk.narration.script import Utterance
from kiosk.narration.worker_child import child_main
from kiosk.session import HOME, Page
from kiosk.ui.text import TextView

from .conftest import KioskFactory, button_labelled, tap


def _speech_workers() -> list[int]:
    """The process ids of this process's children that are speech workers."""
    workers = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line
            )
            command = (status.parent / "cmdline").read_bytes()
        except OSError:  # ended while we looked
            continue
        if int(fields["PPid"]) == os.getpid() and child_main.__name__.encode() in command:
            workers.append(int(status.parent.name))
    return workers


SPEAK_TIMEOUT_MS = 15_000
SHORT_PACK = """+++
title = "Short leaflet"
language = "en"
source = "Test source"
+++

## First topic

The cat sat on the mat. The dog ran in the park. Birds sang in the tall green trees.

## Questions

- [ ] Is this a question?
- [ ] Is this another question?
"""


@pytest.fixture
def short_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "en.md").write_text(SHORT_PACK, encoding="utf-8")
    return pack


@pytest.fixture
def talking_kiosk(
    pulse: PulseServer,  # noqa: ARG001 - Qt must find the private audio server first
    make_kiosk: KioskFactory,
    short_pack: Path,
    qtbot: QtBot,
) -> Kiosk:
    kiosk = make_kiosk(config=Config(content_pack=short_pack), narration=True)
    assert kiosk.narrator is not None
    narrator = kiosk.narrator
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=SPEAK_TIMEOUT_MS)
    kiosk.visit.go_to(Page(0))
    return kiosk


def _wait_state(qtbot: QtBot, kiosk: Kiosk, state: NarrationState) -> None:
    narrator = kiosk.narrator
    assert narrator is not None
    qtbot.waitUntil(lambda: narrator.state is state, timeout=SPEAK_TIMEOUT_MS)


def test_listen_reads_the_page_aloud_and_highlights_the_sentence_being_heard(
    qtbot: QtBot, talking_kiosk: Kiosk, pulse: PulseServer, tmp_path: Path
) -> None:
    kiosk = talking_kiosk
    narrator = kiosk.narrator
    assert narrator is not None
    heard: list[tuple[float, str]] = []  # (recording time, highlighted sentence)

    def on_sentence(_index: int) -> None:
        reading = kiosk.window.reading_widget()
        assert isinstance(reading, TextView)
        span = reading.reading()
        assert span is not None
        heard.append((recording.now(), reading.text()[span[0] : span[1]]))

    narrator.sentence_started.connect(on_sentence)
    with pulse.record(tmp_path / "listen.wav") as recording:
        tap(qtbot, kiosk.window.listen_button)
        assert kiosk.window.stop_button.isVisible(), "the speech controls appear at once"
        _wait_state(qtbot, kiosk, NarrationState.SPEAKING)
        _wait_state(qtbot, kiosk, NarrationState.IDLE)
    analysis = recording.analyse()
    assert [text for _, text in heard] == [
        "First topic",
        "The cat sat on the mat.",
        "The dog ran in the park.",
        "Birds sang in the tall green trees.",
    ]
    sounds = analysis.sounds(min_s=0.15)
    assert 4.0 < analysis.sound_s() < 12.0, f"{analysis.sound_s():.1f} s of speech"
    # Each highlight starts when its sentence's sound starts (within a tenth of a second).
    starts = analysis.sound_starts()
    for moment, text in heard:
        nearest = min(starts, key=lambda s: abs(s - moment))
        assert abs(nearest - moment) < 0.1, f"{text!r} lit at {moment:.2f}s, sound {nearest:.2f}s"
    assert sounds, "something was heard"
    # In the natural voice, at its own 24 kHz: played at another rate, the highlights above
    # would drift from the sound sentence by sentence.
    clips = [narrator.audio(i) for i in range(4)]
    assert {(c.engine, c.sample_rate) for c in clips if c is not None} == {("neural", 24000)}
    assert kiosk.window.reading_widget() is None, "the highlight goes when reading ends"
    assert not kiosk.window.stop_button.isVisible()


def test_pause_leaves_a_silence_and_resume_goes_on(
    qtbot: QtBot, talking_kiosk: Kiosk, pulse: PulseServer, tmp_path: Path
) -> None:
    kiosk = talking_kiosk
    window = kiosk.window
    with pulse.record(tmp_path / "pause.wav") as recording:
        tap(qtbot, window.listen_button)
        _wait_state(qtbot, kiosk, NarrationState.SPEAKING)
        qtbot.waitUntil(lambda: recording.analyse().sound_s() > 0.5, timeout=SPEAK_TIMEOUT_MS)
        tap(qtbot, window.pause_button)
        paused_at = recording.now()
        assert window.pause_button.text() == "▶ Resume"
        qtbot.wait(1000)  # the patient pauses for a second
        resumed_at = recording.now()
        tap(qtbot, window.pause_button)
        _wait_state(qtbot, kiosk, NarrationState.IDLE)
    gaps = [
        s
        for s in recording.analyse().silences(min_s=0.8)
        if s.start_s < resumed_at and s.end_s > paused_at
    ]
    assert gaps, "pausing left no silence"
    assert gaps[0].start_s - paused_at < 0.1, "the sound went on after Pause"


@pytest.mark.parametrize("interruption", ["stop", "home", "larger text", "tick"])
def test_stop_and_any_other_action_silence_it_within_100_ms(
    qtbot: QtBot, talking_kiosk: Kiosk, pulse: PulseServer, tmp_path: Path, interruption: str
) -> None:
    kiosk = talking_kiosk
    window = kiosk.window
    with pulse.record(tmp_path / "stop.wav") as recording:
        tap(qtbot, window.listen_button)
        _wait_state(qtbot, kiosk, NarrationState.SPEAKING)
        qtbot.waitUntil(lambda: recording.analyse().sound_s() > 0.5, timeout=SPEAK_TIMEOUT_MS)
        tapped_at = recording.now()
        if interruption == "stop":
            tap(qtbot, window.stop_button)
        elif interruption == "home":
            tap(qtbot, window.home_button)
        elif interruption == "larger text":
            tap(qtbot, window.larger_button)
        else:
            kiosk.visit.set_ticked(1, True)  # as the questions page's row does
        assert kiosk.narrator is not None
        assert kiosk.narrator.state is NarrationState.IDLE
        qtbot.wait(600)  # listen on: nothing more may be heard
    silent = recording.analyse().silent_from(tapped_at)
    assert silent is not None, "the sound went on"
    assert silent - tapped_at < 0.1, f"silence came {1000 * (silent - tapped_at):.0f} ms after"
    assert window.reading_widget() is None


def test_louder_and_quieter_change_the_level_heard(
    qtbot: QtBot, talking_kiosk: Kiosk, pulse: PulseServer, tmp_path: Path
) -> None:
    kiosk = talking_kiosk
    window = kiosk.window
    energies = []
    for button, taps in ((window.quieter_button, 2), (window.louder_button, 3)):
        # Step the volume with the buttons while it speaks, then hear the page at that level.
        tap(qtbot, window.listen_button)
        _wait_state(qtbot, kiosk, NarrationState.SPEAKING)
        for _ in range(taps):
            tap(qtbot, button)
        tap(qtbot, window.stop_button)
        with pulse.record(tmp_path / "level.wav") as recording:
            tap(qtbot, window.listen_button)
            _wait_state(qtbot, kiosk, NarrationState.SPEAKING)
            _wait_state(qtbot, kiosk, NarrationState.IDLE)
        analysis = recording.analyse()
        energies.append(analysis.rms**2 * analysis.duration_s)
    assert kiosk.visit.volume == 1.0
    # The same words at 25 % and at 100 %: the level heard follows the volume.
    assert (energies[0] / energies[1]) ** 0.5 == pytest.approx(0.25, rel=0.1)


def test_slower_makes_the_speech_longer(
    qtbot: QtBot, talking_kiosk: Kiosk, pulse: PulseServer, tmp_path: Path
) -> None:
    kiosk = talking_kiosk
    durations = []
    for rate_step in (+1, -3):
        kiosk.visit.change_rate(rate_step)
        with pulse.record(tmp_path / "rate.wav") as recording:
            tap(qtbot, kiosk.window.listen_button)
            _wait_state(qtbot, kiosk, NarrationState.SPEAKING)
            _wait_state(qtbot, kiosk, NarrationState.IDLE)
        durations.append(recording.analyse().sound_s())
    assert durations[1] > durations[0] * 1.3, f"{durations} s at 160 and 110 words a minute"


def test_the_questions_page_says_each_question_and_whether_it_is_ticked(
    talking_kiosk: Kiosk,
) -> None:
    kiosk = talking_kiosk
    kiosk.visit.set_ticked(2, True)
    kiosk.visit.go_to(Page(1))
    spoken = [u.spoken or u.text for u in kiosk.window.current_page().script()]
    assert "Question 1 of 2: Is this a question? Not ticked." in spoken
    assert "Question 2 of 2: Is this another question? Ticked." in spoken
    kiosk.visit.go_to(HOME)
    home = [u.text for u in kiosk.window.current_page().script()]
    assert home[0] == "Short leaflet"
    assert "First topic" in home
    assert "Questions" in home


def test_a_storm_of_listen_and_stop_taps_leaves_it_working(
    qtbot: QtBot, talking_kiosk: Kiosk
) -> None:
    kiosk = talking_kiosk
    window = kiosk.window
    for _ in range(50):
        tap(qtbot, window.listen_button)
        if window.stop_button.isVisible():
            tap(qtbot, window.stop_button)
    assert kiosk.narrator is not None
    assert kiosk.narrator.state is NarrationState.IDLE
    assert len(_speech_workers()) <= 1, "one speech worker at most"
    tap(qtbot, window.listen_button)
    _wait_state(qtbot, kiosk, NarrationState.SPEAKING)
    started = time.monotonic()
    tap(qtbot, window.stop_button)
    assert time.monotonic() - started < 0.1


def test_a_voice_that_does_not_exist_turns_listen_off_with_a_note(
    qtbot: QtBot,
    pulse: PulseServer,  # noqa: ARG001 - the audio output is there; the voice is not
    make_kiosk: KioskFactory,
    short_pack: Path,
) -> None:
    kiosk = make_kiosk(
        config=Config(content_pack=short_pack, voice="no-such-voice"), narration=True
    )
    button = button_labelled(kiosk.window, "♪ Listen")
    qtbot.waitUntil(lambda: button.text() == "♪ Listen: sound is off", timeout=SPEAK_TIMEOUT_MS)
    assert not button.isEnabled()
    tap(qtbot, kiosk.window.next_button)  # the rest of the kiosk works as before
    assert kiosk.visit.page == Page(0)


def test_a_speech_worker_killed_mid_sentence_does_not_take_the_kiosk_down(
    qtbot: QtBot, talking_kiosk: Kiosk
) -> None:
    kiosk = talking_kiosk
    window = kiosk.window
    tap(qtbot, window.listen_button)
    _wait_state(qtbot, kiosk, NarrationState.SPEAKING)
    workers = _speech_workers()
    assert workers, "synthesis runs in a worker process"
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    # Whatever was synthesized plays out or stops; then Listen works again with a new worker.
    _wait_state(qtbot, kiosk, NarrationState.IDLE)
    tap(qtbot, window.listen_button)
    _wait_state(qtbot, kiosk, NarrationState.SPEAKING)
    tap(qtbot, window.stop_button)
    assert kiosk.narrator is not None
    assert kiosk.narrator.state is NarrationState.IDLE


def test_the_word_being_heard_is_marked_on_the_shown_word_even_when_respelled(
    qtbot: QtBot,
    pulse: PulseServer,  # noqa: ARG001 - Qt must find the private audio server first
    make_kiosk: KioskFactory,
    tmp_path: Path,
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "en.md").write_text(
        SHORT_PACK.replace("The cat sat on the mat.", "Ask about vertebroplasty today."),
        encoding="utf-8",
    )
    (pack / "pronunciation-en.toml").write_text(
        '[words]\nvertebroplasty = "vertebroh-plassty"\n', encoding="utf-8"
    )
    kiosk = make_kiosk(config=Config(content_pack=pack), narration=True)
    narrator = kiosk.narrator
    assert narrator is not None
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=SPEAK_TIMEOUT_MS)
    kiosk.visit.go_to(Page(0))
    marked: list[str] = []

    def on_word(_index: int, start: int, end: int) -> None:
        reading = kiosk.window.reading_widget()
        assert isinstance(reading, TextView)
        marked.append(reading.text()[start:end])

    narrator.word_started.connect(on_word)
    tap(qtbot, kiosk.window.listen_button)
    qtbot.waitUntil(lambda: "today." in marked or "today" in marked, timeout=SPEAK_TIMEOUT_MS)
    tap(qtbot, kiosk.window.stop_button)
    assert "vertebroplasty" in marked, marked
    assert "Ask" in marked


def test_repeat_reads_the_current_sentence_again(qtbot: QtBot, talking_kiosk: Kiosk) -> None:
    kiosk = talking_kiosk
    narrator = kiosk.narrator
    assert narrator is not None
    started: list[int] = []
    narrator.sentence_started.connect(started.append)
    tap(qtbot, kiosk.window.listen_button)
    qtbot.waitUntil(lambda: len(started) >= 2, timeout=SPEAK_TIMEOUT_MS)  # the first sentence
    tap(qtbot, kiosk.window.repeat_button)
    qtbot.waitUntil(lambda: len(started) >= 3, timeout=SPEAK_TIMEOUT_MS)
    tap(qtbot, kiosk.window.stop_button)
    assert started[:3] == [0, 1, 1], "Repeat starts the sentence being heard again"


NO_AUDIO_SERVER = """
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from kiosk.app import application, build
from kiosk.config import Config
from kiosk.narration.engines.timed_model import timed_model
from kiosk.narration.narrator import NarrationState, Narrator
from kiosk.narration.script import Utterance
from kiosk.narration.worker_child import child_main

if __name__ == "__main__":
    application()
    kiosk = build(Config())
    deadline = time.monotonic() + 20
    while kiosk.narrator.state is not NarrationState.UNAVAILABLE and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    button = kiosk.window.listen_button
    print(button.text(), button.isEnabled(), kiosk.window.next_button.isEnabled(), sep="|")
    kiosk.close()
"""


def test_without_an_audio_server_listen_is_off_and_the_kiosk_works(tmp_path: Path) -> None:
    script = tmp_path / "no_audio.py"
    script.write_text(NO_AUDIO_SERVER, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "PULSE_SERVER": f"unix:{tmp_path}/no-such-socket",
        "QT_AUDIO_BACKEND": "pulseaudio",
    }
    result = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "♪ Listen: sound is off|False|True"
    assert "Listen is off" in result.stderr, "the reason goes to the log"


def test_tapping_print_silences_the_reading(
    qtbot: QtBot,
    pulse: PulseServer,  # noqa: ARG001 - Qt must find the private audio server first
    make_kiosk: KioskFactory,
    short_pack: Path,
    tmp_path: Path,
) -> None:
    config = Config(content_pack=short_pack, pdf_folder=tmp_path / "handouts")
    kiosk = make_kiosk(config=config, narration=True)
    narrator = kiosk.narrator
    assert narrator is not None
    qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=SPEAK_TIMEOUT_MS)
    kiosk.visit.go_to(Page(1))
    kiosk.visit.set_ticked(1, True)
    tap(qtbot, kiosk.window.listen_button)
    _wait_state(qtbot, kiosk, NarrationState.SPEAKING)
    tap(qtbot, kiosk.window.questions_page.print_button)
    assert narrator.state is NarrationState.IDLE


def test_a_broken_natural_voice_hands_over_to_espeak_ng_and_the_page_is_read(
    qtbot: QtBot, pulse: PulseServer, tmp_path: Path
) -> None:
    """The model file is damaged for real (cut short, as by a failed copy); eSpeak NG reads,
    every sentence is heard and highlighted, and staff are told which voice reads and why."""
    broken = tmp_path / "hibari.onnx"
    broken.write_bytes(timed_model().read_bytes()[:400_000])
    narrator = Narrator("en", None, {}, engine="auto", neural_model=broken)
    try:
        narrator.check()
        qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=SPEAK_TIMEOUT_MS)
        assert narrator.voice == "eSpeak NG"
        assert narrator.voice_note.startswith("the natural voice does not work")
        started: list[int] = []
        narrator.sentence_started.connect(started.append)
        script = [Utterance("The cat sat on the mat."), Utterance("The dog ran in the park.")]
        with pulse.record(tmp_path / "fallback.wav") as recording:
            narrator.speak(script)
            qtbot.waitUntil(lambda: narrator.state is NarrationState.SPEAKING, timeout=10_000)
            qtbot.waitUntil(lambda: narrator.state is NarrationState.IDLE, timeout=20_000)
        assert started == [0, 1]
        assert [narrator.audio(i).engine for i in (0, 1)] == ["espeak", "espeak"]  # type: ignore[union-attr]
        assert 1.5 < recording.analyse().sound_s() < 6.0
    finally:
        narrator.shutdown()

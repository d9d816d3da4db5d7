"""The audio player, heard through a real PulseAudio null sink and checked against recordings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from harness.audio import RATE_HZ, PulseServer, sine_pcm
from kiosk.narration.player import AudioPlayer, PlayerState

ROOT = Path(__file__).resolve().parents[2]
# Two levels far apart, so a recording analysed above the quieter one shows only the louder.
QUIET = 0.3
LOUD = 0.6
BETWEEN = 0.45
# How far a reported clip boundary may be from where the recording hears it: the player polls
# every 10 ms and Qt counts frames when it hands them to the server, about 20 ms before they
# are heard.
SIGNAL_TOLERANCE_S = 0.06


class Reports:
    """Everything the player reported, each with the time.monotonic() it arrived at."""

    def __init__(self, player: AudioPlayer) -> None:
        self.log: list[tuple[str, int | str | None, float]] = []
        player.clip_started.connect(lambda clip: self._add("started", clip))
        player.clip_finished.connect(lambda clip: self._add("finished", clip))
        player.drained.connect(lambda: self._add("drained", None))
        player.failed.connect(lambda reason: self._add("failed", reason))

    def _add(self, name: str, value: int | str | None) -> None:
        self.log.append((name, value, time.monotonic()))

    def names(self) -> list[tuple[str, int | str | None]]:
        return [(name, value) for name, value, _ in self.log]

    def time_of(self, name: str, value: int | None = None) -> float:
        return next(t for n, v, t in self.log if n == name and v == value)


@pytest.fixture
def player(pulse: PulseServer) -> Iterator[AudioPlayer]:  # noqa: ARG001
    # Requesting pulse first points Qt Multimedia at the private server.
    player = AudioPlayer()
    yield player
    player.stop()
    player.deleteLater()


def ticking(player: AudioPlayer) -> bool:
    """Whether any timer of the player runs (the kiosk must idle at no CPU cost)."""
    return any(timer.isActive() for timer in player.findChildren(QTimer))


def heard_ms(player: AudioPlayer, clip_id: int) -> int:
    position = player.position()
    return position[1] if position is not None and position[0] == clip_id else -1


def test_two_clips_are_heard_back_to_back_and_reported_as_heard(
    player: AudioPlayer, pulse: PulseServer, qtbot: QtBot, tmp_path: Path
) -> None:
    reports = Reports(player)
    with pulse.record(tmp_path / "two-clips.wav") as recording:
        player.start()
        player.enqueue(0, sine_pcm(1.0, level=QUIET), RATE_HZ)
        player.enqueue(1, sine_pcm(1.0, level=LOUD), RATE_HZ)
        assert player.state is PlayerState.PLAYING
        with qtbot.waitSignal(player.drained, timeout=5000):
            player.finish_queue()
    assert player.state is PlayerState.STOPPED
    assert not ticking(player)

    assert reports.names() == [
        ("started", 0),
        ("finished", 0),
        ("started", 1),
        ("finished", 1),
        ("drained", None),
    ]
    heard = recording.analyse()
    assert len(heard.sounds()) == 1, heard.spans
    assert heard.sound_s() == pytest.approx(2.0, abs=0.03)
    loud = recording.analyse(threshold=BETWEEN).sounds()
    assert len(loud) == 1
    assert loud[0].duration_s == pytest.approx(1.0, abs=0.03)

    started_0 = recording.at(reports.time_of("started", 0))
    started_1 = recording.at(reports.time_of("started", 1))
    assert started_0 == pytest.approx(heard.sounds()[0].start_s, abs=SIGNAL_TOLERANCE_S)
    assert started_1 == pytest.approx(loud[0].start_s, abs=SIGNAL_TOLERANCE_S)
    assert started_1 - started_0 == pytest.approx(1.0, abs=SIGNAL_TOLERANCE_S)
    # drained means the last sample has been heard, not merely handed over.
    assert recording.at(reports.time_of("drained")) >= loud[0].end_s


def test_pause_leaves_a_silence_and_playback_then_continues(
    player: AudioPlayer, pulse: PulseServer, qtbot: QtBot, tmp_path: Path
) -> None:
    with pulse.record(tmp_path / "pause.wav") as recording:
        player.start()
        player.enqueue(0, sine_pcm(1.2), RATE_HZ)
        qtbot.waitUntil(lambda: heard_ms(player, 0) >= 400, timeout=3000)
        paused_at = time.monotonic()
        player.pause()
        assert player.state is PlayerState.PAUSED
        assert not ticking(player)
        position = player.position()
        with qtbot.assertNotEmitted(player.clip_finished, wait=800):
            pass
        assert player.position() == position
        resumed_at = time.monotonic()
        player.resume()
        assert player.state is PlayerState.PLAYING
        with qtbot.waitSignal(player.drained, timeout=5000):
            player.finish_queue()

    heard = recording.analyse()
    gaps = heard.silences(min_s=0.7)
    first_sound = heard.sounds()[0]
    interior = [gap for gap in gaps if first_sound.end_s <= gap.start_s < heard.spans[-1].start_s]
    assert len(interior) == 1, heard.spans
    assert interior[0].start_s == pytest.approx(recording.at(paused_at), abs=0.1)
    assert interior[0].duration_s >= 0.7
    assert interior[0].duration_s == pytest.approx(resumed_at - paused_at, abs=0.05)
    # Nothing was lost or repeated across the pause.
    assert heard.sound_s() == pytest.approx(1.2, abs=0.03)


def test_stop_silences_at_once_and_nothing_about_old_clips_follows(
    player: AudioPlayer, pulse: PulseServer, qtbot: QtBot, tmp_path: Path
) -> None:
    reports = Reports(player)
    with pulse.record(tmp_path / "stop.wav") as recording:
        player.start()
        player.enqueue(0, sine_pcm(1.0), RATE_HZ)
        player.enqueue(1, sine_pcm(1.0), RATE_HZ)
        player.finish_queue()
        qtbot.waitUntil(lambda: heard_ms(player, 0) >= 400, timeout=3000)
        stopped_at = time.monotonic()
        player.stop()
        assert player.state is PlayerState.STOPPED
        assert player.position() is None
        assert not ticking(player)
        reported = len(reports.log)
        with qtbot.assertNotEmitted(player.clip_finished, wait=600):
            pass

    assert reports.names()[reported:] == []
    assert reports.names() == [("started", 0)]
    heard = recording.analyse()
    assert len(heard.sounds()) == 1
    silent_from = heard.silent_from(recording.at(stopped_at))
    assert silent_from is not None, "sound went on after stop()"
    assert silent_from - recording.at(stopped_at) < 0.1


def test_volume_scales_the_sound_at_once_and_is_kept_for_the_next_narration(
    player: AudioPlayer, pulse: PulseServer, qtbot: QtBot, tmp_path: Path
) -> None:
    with pulse.record(tmp_path / "volume.wav") as recording:
        player.start()
        player.enqueue(0, sine_pcm(1.0), RATE_HZ)
        player.finish_queue()
        qtbot.waitUntil(lambda: heard_ms(player, 0) >= 450, timeout=3000)
        changed_at = time.monotonic()
        player.set_volume(0.25)
        with qtbot.waitSignal(player.drained, timeout=5000):
            pass
        player.start()
        player.enqueue(1, sine_pcm(0.4), RATE_HZ)
        with qtbot.waitSignal(player.drained, timeout=5000):
            player.finish_queue()

    heard = recording.analyse()
    first, second = heard.sounds()
    changed_s = recording.at(changed_at)
    full = heard.rms_between(first.start_s + 0.05, changed_s - 0.05)
    quarter = heard.rms_between(changed_s + 0.1, first.end_s - 0.05)
    again = heard.rms_between(second.start_s + 0.05, second.end_s - 0.05)
    assert full == pytest.approx(0.5 / 2**0.5, rel=0.05)
    assert quarter / full == pytest.approx(0.25, rel=0.1)
    assert again / full == pytest.approx(0.25, rel=0.1)


def test_start_after_stop_plays_a_new_narration_without_stale_reports(
    player: AudioPlayer, pulse: PulseServer, qtbot: QtBot, tmp_path: Path
) -> None:
    reports = Reports(player)
    with pulse.record(tmp_path / "restart.wav") as recording:
        player.start()
        player.enqueue(7, sine_pcm(1.0, level=QUIET), RATE_HZ)
        with qtbot.waitSignal(player.clip_started, timeout=3000):
            pass
        player.stop()
        restarted = len(reports.log)
        player.start()
        assert player.state is PlayerState.WAITING
        player.enqueue(8, sine_pcm(0.4, level=LOUD), RATE_HZ)
        with qtbot.waitSignal(player.drained, timeout=5000):
            player.finish_queue()

    assert reports.names()[restarted:] == [("started", 8), ("finished", 8), ("drained", None)]
    loud = recording.analyse(threshold=BETWEEN).sounds()
    assert len(loud) == 1
    assert loud[0].duration_s == pytest.approx(0.4, abs=0.03)
    assert recording.at(reports.time_of("started", 8)) == pytest.approx(
        loud[0].start_s, abs=SIGNAL_TOLERANCE_S
    )


def test_a_dry_queue_waits_without_ticking_then_plays_the_next_clip(
    player: AudioPlayer, pulse: PulseServer, qtbot: QtBot, tmp_path: Path
) -> None:
    reports = Reports(player)
    with pulse.record(tmp_path / "underrun.wav") as recording:
        player.start()
        player.enqueue(0, sine_pcm(0.5), RATE_HZ)
        with qtbot.waitSignal(player.clip_finished, timeout=3000):
            pass
        qtbot.waitUntil(lambda: player.state is PlayerState.WAITING, timeout=1000)
        assert not ticking(player)
        with qtbot.assertNotEmitted(player.clip_started, wait=500):
            pass
        player.enqueue(1, sine_pcm(0.5), RATE_HZ)
        assert player.state is PlayerState.PLAYING
        with qtbot.waitSignal(player.drained, timeout=5000):
            player.finish_queue()

    assert reports.names() == [
        ("started", 0),
        ("finished", 0),
        ("started", 1),
        ("finished", 1),
        ("drained", None),
    ]
    first, second = recording.analyse().sounds()
    assert first.duration_s == pytest.approx(0.5, abs=0.03)
    assert second.duration_s == pytest.approx(0.5, abs=0.03)
    # The clip was queued 0.5 s after clip_finished(0), which comes up to 20 ms early.
    assert second.start_s - first.end_s >= 0.45
    assert recording.at(reports.time_of("started", 1)) == pytest.approx(
        second.start_s, abs=SIGNAL_TOLERANCE_S
    )


# The neural voice speaks at 24 000 Hz, eSpeak NG at 22 050 Hz (the null sink's rate). Played at
# the wrong one of the two, a tone is 8.1 % off in pitch and length (440 Hz heard as 404 or 479 Hz).
NEURAL_HZ = 24000
PITCH_TOLERANCE_HZ = 2.0


def test_a_24_khz_clip_is_heard_at_its_own_pitch_and_length(
    player: AudioPlayer, pulse: PulseServer, qtbot: QtBot, tmp_path: Path
) -> None:
    reports = Reports(player)
    with pulse.record(tmp_path / "24khz.wav") as recording:
        player.start()
        player.enqueue(0, sine_pcm(1.0, 440.0, rate_hz=NEURAL_HZ), NEURAL_HZ)
        with qtbot.waitSignal(player.drained, timeout=5000):
            player.finish_queue()

    assert reports.names() == [("started", 0), ("finished", 0), ("drained", None)]
    (sound,) = recording.analyse().sounds()
    assert sound.duration_s == pytest.approx(1.0, abs=0.03)
    heard = recording.analyse()
    frequency = heard.frequency_between(sound.start_s + 0.05, sound.end_s - 0.05)
    assert frequency == pytest.approx(440.0, abs=PITCH_TOLERANCE_HZ)
    played_s = reports.time_of("finished", 0) - reports.time_of("started", 0)
    assert played_s == pytest.approx(1.0, abs=SIGNAL_TOLERANCE_S)


@pytest.mark.parametrize(
    ("first_hz", "second_hz"),
    [(RATE_HZ, NEURAL_HZ), (NEURAL_HZ, RATE_HZ)],
    ids=["espeak-then-neural", "neural-then-espeak"],
)
def test_clips_at_two_rates_in_one_narration_each_play_at_their_own(
    player: AudioPlayer,
    pulse: PulseServer,
    qtbot: QtBot,
    tmp_path: Path,
    first_hz: int,
    second_hz: int,
) -> None:
    # The second case is the neural voice failing midway and eSpeak NG taking over.
    reports = Reports(player)
    with pulse.record(tmp_path / "two-rates.wav") as recording:
        player.start()
        player.enqueue(0, sine_pcm(0.8, 440.0, level=QUIET, rate_hz=first_hz), first_hz)
        player.enqueue(1, sine_pcm(0.8, 660.0, level=LOUD, rate_hz=second_hz), second_hz)
        player.finish_queue()
        qtbot.waitUntil(lambda: heard_ms(player, 1) >= 400, timeout=5000)
        at_400_ms = time.monotonic()
        with qtbot.waitSignal(player.drained, timeout=5000):
            pass

    assert reports.names() == [
        ("started", 0),
        ("finished", 0),
        ("started", 1),
        ("finished", 1),
        ("drained", None),
    ]
    heard = recording.analyse()
    (sound,) = heard.sounds()
    assert sound.duration_s == pytest.approx(1.6, abs=0.03)
    (loud,) = recording.analyse(threshold=BETWEEN).sounds()
    assert loud.duration_s == pytest.approx(0.8, abs=0.03)
    first = heard.frequency_between(sound.start_s + 0.05, loud.start_s - 0.05)
    second = heard.frequency_between(loud.start_s + 0.05, loud.end_s - 0.05)
    assert first == pytest.approx(440.0, abs=PITCH_TOLERANCE_HZ)
    assert second == pytest.approx(660.0, abs=PITCH_TOLERANCE_HZ)
    assert recording.at(reports.time_of("started", 1)) == pytest.approx(
        loud.start_s, abs=SIGNAL_TOLERANCE_S
    )
    assert recording.at(at_400_ms) == pytest.approx(loud.start_s + 0.4, abs=SIGNAL_TOLERANCE_S)


def test_position_in_a_24_khz_clip_is_the_ms_of_it_being_heard(
    player: AudioPlayer, pulse: PulseServer, qtbot: QtBot, tmp_path: Path
) -> None:
    # One clip, quiet for 1.5 s and then loud: the 1500 ms that position() reports must come as
    # the loud part is heard (played at 22 050 Hz it would come 133 ms before).
    clip = sine_pcm(1.5, level=QUIET, rate_hz=NEURAL_HZ) + sine_pcm(
        0.5, level=LOUD, rate_hz=NEURAL_HZ
    )
    with pulse.record(tmp_path / "position.wav") as recording:
        player.start()
        player.enqueue(0, clip, NEURAL_HZ)
        player.finish_queue()
        qtbot.waitUntil(lambda: heard_ms(player, 0) >= 1500, timeout=5000)
        at_1500_ms = time.monotonic()
        with qtbot.waitSignal(player.drained, timeout=5000):
            pass

    (loud,) = recording.analyse(threshold=BETWEEN).sounds()
    assert recording.at(at_1500_ms) == pytest.approx(loud.start_s, abs=SIGNAL_TOLERANCE_S)


def test_a_paused_player_takes_new_clips_without_playing_them(
    player: AudioPlayer, qtbot: QtBot
) -> None:
    player.start()
    player.pause()
    player.enqueue(0, sine_pcm(0.2), RATE_HZ)
    with qtbot.assertNotEmitted(player.clip_started, wait=200):
        pass
    assert player.state is PlayerState.PAUSED
    assert not ticking(player)
    with qtbot.waitSignal(player.clip_started, timeout=3000):
        player.resume()


def test_the_player_is_at_rest_before_start(player: AudioPlayer) -> None:
    assert player.state is PlayerState.STOPPED
    assert player.position() is None
    assert not ticking(player)
    player.enqueue(0, sine_pcm(0.1), RATE_HZ)
    player.finish_queue()
    assert player.state is PlayerState.STOPPED
    assert not ticking(player)


def test_pcm_must_be_whole_samples(player: AudioPlayer) -> None:
    player.start()
    with pytest.raises(ValueError, match="needs an even number of bytes"):
        player.enqueue(0, b"\x00\x01\x02", RATE_HZ)


def test_a_clip_needs_a_real_sample_rate(player: AudioPlayer) -> None:
    player.start()
    with pytest.raises(ValueError, match="clip 3: the sample rate must be positive, not 0"):
        player.enqueue(3, sine_pcm(0.1), 0)


@pytest.mark.usefixtures("pulse")
def test_check_output_finds_the_audio_server() -> None:
    assert AudioPlayer.check_output() is None


# Runs in a child process: Qt connects to one audio server per process, and this test's
# process already plays to the private one.
_WITHOUT_SERVER = """
import json
from PySide6.QtCore import QCoreApplication, QTimer
from kiosk.narration.player import AudioPlayer

app = QCoreApplication([])
reason = AudioPlayer.check_output()
player = AudioPlayer()
failures = []
player.failed.connect(failures.append)
player.start()
player.enqueue(0, bytes(4410), 22050)
player.finish_queue()
QTimer.singleShot(200, app.quit)
app.exec()
print(json.dumps({"reason": reason, "failures": failures, "state": player.state.value}))
"""


def test_without_an_audio_server_the_player_says_why_and_stops(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PULSE_SERVER": f"unix:{tmp_path / 'no-such-socket'}",
        "PULSE_RUNTIME_PATH": str(tmp_path),
        "XDG_RUNTIME_DIR": str(tmp_path),
        "QT_AUDIO_BACKEND": "pulseaudio",
        "PYTHONPATH": str(ROOT),
    }
    tmp_path.chmod(0o700)
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_SERVER],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["reason"]
    assert result["failures"] == [result["reason"]]
    assert result["state"] == "stopped"


# Runs in a child process with a server of its own, which it then kills or freezes.
_SERVER_FAILS = textwrap.dedent(
    """
    import json, signal, sys, time
    from pathlib import Path
    from PySide6.QtCore import QCoreApplication, QTimer
    from harness.audio import RATE_HZ, start_pulse, stop_pulse, sine_pcm
    from kiosk.narration.player import AudioPlayer

    directory, fault = Path(sys.argv[1]), sys.argv[2]
    server = start_pulse(directory, warm_up=False)
    app = QCoreApplication([])
    player = AudioPlayer()
    reports = []

    def on_started(clip):
        reports.append("started")
        if fault == "kill":
            server._daemon.kill()
        else:
            server._daemon.send_signal(signal.SIGSTOP)

    player.clip_started.connect(on_started)
    player.failed.connect(lambda reason: (reports.append(reason), app.quit()))
    player.start()
    player.enqueue(0, sine_pcm(10.0), RATE_HZ)
    QTimer.singleShot(15000, app.quit)
    app.exec()
    after = {"state": player.state.value, "check": AudioPlayer.check_output()}
    if fault == "kill":
        # Opening a sink now would abort the process inside Qt; the player must refuse.
        player.start()
        after["restart"] = player.state.value
    else:
        # Opening a sink on a server that does not answer blocks for 30 s; the player must not.
        started_at = time.monotonic()
        player.start()
        after["restart_s"] = time.monotonic() - started_at
        server._daemon.send_signal(signal.SIGCONT)
    stop_pulse(server)
    print(json.dumps({"reports": reports, **after}))
    """
)


def run_server_fault(fault: str, directory: Path) -> dict[str, object]:
    return _run_script(_SERVER_FAILS, str(directory), fault)[0]


def _run_script(script: str, *arguments: str) -> tuple[dict[str, object], str]:
    """Run ``script`` in a Python process of its own: the JSON it prints, and its standard
    error."""
    done = subprocess.run(
        [sys.executable, "-c", script, *arguments],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result, done.stderr


def test_an_audio_server_that_goes_away_is_a_failure_and_no_sink_is_opened_again(
    tmp_path: Path,
) -> None:
    result = run_server_fault("kill", tmp_path)
    lost = "the connection to the sound server was lost"
    # The reason repeats when start() refuses to open a sink.
    assert result["reports"] == ["started", lost, lost]
    assert result["state"] == "stopped"
    assert result["check"] == lost
    assert result["restart"] == "stopped"


def test_an_audio_server_that_hangs_is_a_failure_and_nothing_waits_for_it(
    tmp_path: Path,
) -> None:
    result = run_server_fault("freeze", tmp_path)
    hung = "the sound server stopped responding"
    assert result["reports"] == ["started", "audio output stalled: no progress for 3 s", hung]
    assert result["state"] == "stopped"
    assert result["check"] == hung
    assert isinstance(result["restart_s"], float)
    assert result["restart_s"] < 5.0


# Runs in a child process, so that nothing else of Qt Multimedia has been used first.
_WITHOUT_BACKEND = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from PySide6.QtCore import QCoreApplication, QTimer
    from harness.audio import RATE_HZ, start_pulse, stop_pulse, sine_pcm
    from kiosk.narration.player import AudioPlayer

    server = start_pulse(Path(sys.argv[1]))
    app = QCoreApplication([])
    player = AudioPlayer()
    reports = []
    player.clip_finished.connect(lambda clip: reports.append(f"finished {clip}"))
    player.failed.connect(lambda reason: (reports.append(reason), app.quit()))
    player.drained.connect(app.quit)
    player.start()
    player.enqueue(0, sine_pcm(0.3), RATE_HZ)
    player.finish_queue()
    QTimer.singleShot(10000, app.quit)
    app.exec()
    mapped = Path("/proc/self/maps").read_text()
    stop_pulse(server)
    print(json.dumps({"reports": reports, "ffmpeg": "libavcodec" in mapped}))
    """
)


def test_the_player_plays_without_loading_qt_multimedias_media_backend(tmp_path: Path) -> None:
    # The FFmpeg plugin, with Qt Quick, QML and FFmpeg's libraries, would cost 13 MB.
    result, stderr = _run_script(_WITHOUT_BACKEND, str(tmp_path))
    assert result == {"reports": ["finished 0"], "ffmpeg": False}
    assert "QtMultimedia backends" not in stderr

"""Prints narration figures: Listen to first sound, Stop to silence, word highlight lag, memory.

    .venv/bin/python benchmarks/narration.py [--runs 10] [--display :N | --xvfb] [--json]

It starts a private PulseAudio with a null sink (as the tests do), drives the real kiosk
window offscreen (on ``--display``, or on a private Xvfb with ``--xvfb``), and times everything
against a recording of what the sink played. The kiosk reads with its default voice; ``--json``
prints the figures as JSON, with the engine that read under "engine" ("neural", "espeak").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.surroundings import surroundings  # noqa: E402 - after the path above

TIMEOUT_S = 20


def _wait(condition: object, timeout_s: float = TIMEOUT_S) -> None:
    from PySide6.QtWidgets import QApplication

    assert callable(condition)
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the kiosk")
        QApplication.processEvents()
        time.sleep(0.002)


def _memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB, from /proc."""
    values = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                values[name] = int(rest.split()[0])
    return values["Rss"], values["Pss"]


def _family_memory_mib() -> tuple[float, float]:
    """RSS and PSS of this process and all its children (the speech worker), in MiB."""
    pids = [os.getpid()]
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    pids += [int(p) for p in children.read_text().split()]
    rss = pss = 0
    for pid in pids:
        r, p = _memory_kib(pid)
        rss, pss = rss + r, pss + p
    return rss / 1024, pss / 1024


def _leading_silence_s(pcm: bytes, rate: int, threshold: float = 0.01) -> float:
    """How long a clip is silent before its first sound, as the recording analysis sees it."""
    from array import array

    samples = array("h")
    samples.frombytes(pcm)
    limit = threshold * 32768
    for index, sample in enumerate(samples):
        if abs(sample) > limit:
            return index / rate
    return 0.0


def measure(
    runs: int, display: str | None = None, xvfb: bool = False
) -> tuple[dict[str, list[float]], str]:
    """Listen and Stop ``runs`` times on a section page, offscreen, on ``display`` or (with
    ``xvfb``) on a private Xvfb; every figure in milliseconds or MiB, and the engine that read
    ("neural", "espeak")."""
    from PySide6.QtWidgets import QApplication

    figures: dict[str, list[float]] = {"listen": [], "stop": [], "word": [], "memory": []}
    with surroundings(
        "kiosk-narration-", display=display, xvfb=xvfb, audio=True, own_audio=True
    ) as around:
        folder, pulse = around.folder, around.pulse
        assert pulse is not None
        from kiosk.app import application, build
        from kiosk.config import Config
        from kiosk.narration.narrator import NarrationState
        from kiosk.session import Page

        application()
        kiosk = build(Config())
        window, narrator = kiosk.window, kiosk.narrator
        assert narrator is not None
        window.resize(1920, 1080)
        window.show()
        _wait(lambda: narrator.state is NarrationState.IDLE)
        kiosk.visit.go_to(Page(1))
        QApplication.processEvents()
        figures["memory"] += _family_memory_mib()
        for run in range(runs):
            words: list[float] = []
            narrator.word_started.connect(lambda *_, words=words: words.append(recording.now()))
            with pulse.record(folder / f"run{run}.wav") as recording:
                tapped = recording.now()
                window.listen_button.click()
                _wait(lambda: recording.analyse().sound_s() > 2.5)
                if run == 0:
                    figures["memory"] += _family_memory_mib()
                stopped = recording.now()
                window.stop_button.click()
                end = time.monotonic() + 0.5
                while time.monotonic() < end:  # listen on: nothing more may be heard
                    QApplication.processEvents()
            narrator.word_started.disconnect()
            analysis = recording.analyse()
            first = analysis.sounds()[0].start_s
            figures["listen"].append(1000 * (first - tapped))
            silent = analysis.silent_from(stopped)
            figures["stop"].append(1000 * ((silent if silent is not None else 99) - stopped))
            # The word highlight against the word's sound: eSpeak's own word times place each
            # word of the first sentence after the moment its clip started to be heard.
            audio = narrator._sentences[0].audio
            if audio is not None:
                clip_start = first - _leading_silence_s(audio.pcm, audio.sample_rate)
                for moment, word in zip(words, audio.words, strict=False):
                    figures["word"].append(1000 * (moment - (clip_start + word.at_ms / 1000)))
        engine = narrator.engine
        kiosk.close()
    return figures, engine


def _row(name: str, values: list[float]) -> None:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    print(
        f"{name:46} median {statistics.median(values):7.1f}  p95 {p95:7.1f}  "
        f"max {values[-1]:7.1f}  (n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--display", help="run on this X display rather than offscreen")
    parser.add_argument("--xvfb", action="store_true", help="run on a private Xvfb")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures, engine = measure(args.runs, args.display, args.xvfb)
    if args.json:
        print(json.dumps({**figures, "engine": engine}))
        return
    _row("tap Listen -> first sound at the sink (ms)", figures["listen"])
    _row("tap Stop -> silence at the sink (ms)", figures["stop"])
    if figures["word"]:
        _row("word highlight after the word's sound (ms)", figures["word"])
    idle_rss, idle_pss, speaking_rss, speaking_pss = figures["memory"]
    print(f"{'memory, narration idle: RSS / PSS (MiB)':46} {idle_rss:7.1f} / {idle_pss:7.1f}")
    print(f"{'memory, speaking: RSS / PSS (MiB)':46} {speaking_rss:7.1f} / {speaking_pss:7.1f}")


if __name__ == "__main__":
    main()

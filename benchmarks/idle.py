"""Prints the CPU the kiosk uses while nobody touches it, over a minute on the welcome screen.

    .venv/bin/python benchmarks/idle.py [--seconds 60]

It starts the real kiosk (``python -m kiosk --windowed``) on a private Xvfb with a private
PulseAudio (so narration is available, as in a clinic), waits for it to settle, then reads the
CPU time of the kiosk and its speech worker from /proc.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.figures import _start_xvfb  # noqa: E402 - after the path above


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _family(pid: int) -> list[int]:
    """The kiosk and its children: the speech worker is started by a thread, so every task."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return [pid, *children]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    seconds = parser.parse_args().seconds
    from tests.audio import private_pulse

    server, display = _start_xvfb()
    try:
        with tempfile.TemporaryDirectory() as folder, private_pulse(Path(folder)):
            env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
            env["PYTHONPATH"] = str(REPO)
            env["XDG_STATE_HOME"] = folder  # its log, not in the home folder
            env["XDG_CONFIG_HOME"] = folder  # the built-in defaults
            kiosk = subprocess.Popen(
                [sys.executable, "-m", "kiosk", "--windowed"],
                env=env,
                stderr=subprocess.DEVNULL,
            )
            try:
                time.sleep(5)  # start-up, the speech check and the audio warm-up settle
                pids = _family(kiosk.pid)
                before = _cpu_seconds(pids)
                time.sleep(seconds)
                used = _cpu_seconds(pids) - before
            finally:
                kiosk.terminate()
                kiosk.wait(10)
    finally:
        server.terminate()
        server.wait()
    print(f"{'idle CPU on the welcome screen, % of one core':46} {100 * used / seconds:7.2f}")
    print(f"{'processes measured (kiosk and its children)':46} {len(pids):7d}")


if __name__ == "__main__":
    main()

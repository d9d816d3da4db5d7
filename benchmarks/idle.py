"""Prints the CPU the kiosk uses while nobody touches it: a minute on the welcome screen, then a
minute on a section page.

    .venv/bin/python benchmarks/idle.py [--seconds 60]

It starts the real kiosk (``python -m kiosk --windowed``, see benchmarks/driven.py) on a
private Xvfb with a private PulseAudio (so narration is available, as in a clinic), waits for
it to settle, then reads the CPU time of the kiosk and its speech worker from /proc while this
process sleeps.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import (  # noqa: E402 - after the path above
    IdleCpu,
    compile_kiosk,
    idle_cpu,
    kiosk_env,
)
from benchmarks.driven import LiveKiosk  # noqa: E402
from harness.surroundings import surroundings  # noqa: E402 - after the path above

SETTLE_S = 5.0  # after start: the speech check and the audio warm-up are done
PAGE_SETTLE_S = 3.0
IDLE_TIMEOUT_S = 120  # the kiosk's default: "Are you still here?" after this long untouched


def idle_figures(kiosk: LiveKiosk, seconds: float) -> tuple[IdleCpu, IdleCpu]:
    """Idle CPU on the welcome screen, then on the first section, ``seconds`` each.

    The kiosk must be on its welcome screen, settled. The section window must end before the
    visit's idle timeout, or "Are you still here?" would be measured too.
    """
    if PAGE_SETTLE_S + seconds >= IDLE_TIMEOUT_S:
        raise SystemExit(f"the section page window must end within {IDLE_TIMEOUT_S} s")
    welcome = idle_cpu(kiosk.pid, seconds)
    kiosk.open_first_section()
    time.sleep(PAGE_SETTLE_S)
    section = idle_cpu(kiosk.pid, seconds)
    return welcome, section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    seconds = parser.parse_args().seconds
    with surroundings("kiosk-idle-", xvfb=True, audio=True) as around:
        folder, display = around.folder, around.display
        assert display is not None
        env = kiosk_env(display, folder)
        compile_kiosk(env)
        kiosk = LiveKiosk(env, folder / "kiosk-stderr.txt")
        try:
            kiosk.answer("shown")
            time.sleep(max(0.0, kiosk.started + SETTLE_S - time.time()))
            welcome, section = idle_figures(kiosk, seconds)
        finally:
            kiosk.close()
    for name, figure in (("welcome screen", welcome), ("section page", section)):
        print(
            f"{'idle CPU on the ' + name + ', % of one core':46} {figure.percent_of_core:7.2f}"
            f"   ({figure.processes} processes; the rest of the machine meanwhile: "
            f"{figure.others_percent_of_core:.0f} %)"
        )


if __name__ == "__main__":
    main()

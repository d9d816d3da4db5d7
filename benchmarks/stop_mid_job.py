"""Prints how long the kiosk takes to end after SIGTERM while a job waits for a printer that is
off, and what it left in CUPS: for ``kiosk print`` and for the full kiosk.

    .venv/bin/python benchmarks/stop_mid_job.py [--runs 3]

It starts a private CUPS server (as the tests do) whose network queue refuses connections, so
the job stays processing; systemd allows 10 s (TimeoutStopSec) before it kills the kiosk.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.cups import Q_UNREACHABLE  # noqa: E402 - after the path above
from harness.surroundings import surroundings  # noqa: E402

# The full kiosk, printing question 1 as soon as it is built, and quitting on SIGTERM as the
# real one does (kiosk.app.quit_on_signals).
_GUI = """
from kiosk.app import build, quit_on_signals
from kiosk.config import Config
kiosk = build(Config(printer={printer!r}), narration=False)
kiosk.window.show()
kiosk.visit.begin()
kiosk.printing.print_questions(frozenset({{1}}))
notifier = quit_on_signals(kiosk.app, kiosk.close)
kiosk.app.exec()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    commands = {
        "kiosk print": [
            *(sys.executable, "-m", "kiosk", "print"),
            *("--questions", "1", "--printer", Q_UNREACHABLE),
        ],
        "kiosk": [sys.executable, "-c", _GUI.format(printer=Q_UNREACHABLE)],
    }
    with surroundings("kiosk-stop-mid-job-", printing=True) as around:
        server = around.cups
        assert server is not None
        ledger = around.folder / "state" / "clinic-kiosk" / "print-jobs"
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        for name, command in commands.items():
            for _ in range(args.runs):
                child = subprocess.Popen(
                    command,
                    cwd=REPO,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                while not (ledger.exists() and ledger.read_text().strip()):
                    if child.poll() is not None:
                        raise SystemExit(
                            f"{name} ended before its job reached CUPS: {child.communicate()[1]}"
                        )
                    time.sleep(0.02)
                time.sleep(0.3)  # the job is being retried by CUPS's socket backend
                signalled = time.perf_counter()
                child.send_signal(signal.SIGTERM)
                child.wait()
                took_s = time.perf_counter() - signalled
                print(
                    f"{name:<12} SIGTERM to exit {took_s:5.2f} s, exit status {child.returncode}, "
                    f"jobs left in CUPS {server.jobs_not_completed()}, "
                    f"ids kept {ledger.read_text().split()}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())

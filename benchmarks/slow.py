"""Runs a benchmark as on a slow kiosk computer: it and all it starts held to part of one core.

    .venv/bin/python benchmarks/slow.py [--share 0.5] BENCHMARK [ITS ARGUMENTS...]
    .venv/bin/python benchmarks/slow.py pageturn --turns 100
    .venv/bin/python benchmarks/slow.py narration --runs 10
    .venv/bin/python benchmarks/slow.py figures --runs 6

BENCHMARK is a script of this folder (pageturn, narration, figures, memory, ...). It runs in a
cgroup made for the run (harness.cpulimit: v2 cpu.max or v1 cpu.cfs_quota_us, whichever the
machine has; 50 ms of each 100 ms by default) and removed afterwards, with everything it starts
from inside: the kiosk, its speech worker, the private Xvfb and PulseAudio. Needs root. Its
figure lines are printed as it prints them, after one line naming the limit; the exit code is
the benchmark's. The full suite (benchmarks/run.py) measures start-up, page turns and Listen
this way after its normal figures and reports both side by side.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.cpulimit import CpuLimitError, cpu_limited  # noqa: E402

HERE = Path(__file__).resolve().parent


def run_slow(benchmark: str, arguments: list[str], share: float) -> int:
    """Runs benchmarks/``benchmark``.py with ``arguments`` held to ``share`` of one core."""
    script = HERE / f"{benchmark}.py"
    if not script.is_file() or benchmark in ("slow", "run", "common", "__init__", "__main__"):
        choices = sorted(path.stem for path in HERE.glob("*.py") if not path.stem.startswith("_"))
        raise SystemExit(f"no benchmark {benchmark!r} in {HERE}: one of {', '.join(choices)}")
    try:
        with cpu_limited(share) as group:
            print(f"{'slow profile':44} {group.description}", flush=True)
            command = group.command([sys.executable, str(script), *arguments])
            child = subprocess.run(command, check=False)
            print(f"{'slow profile: periods held back':44} {group.throttled_periods()}")
    except CpuLimitError as error:
        raise SystemExit(f"slow profile: {error}") from None
    return child.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--share", type=float, default=0.5, help="of one core (default 0.5: half of one)"
    )
    parser.add_argument("benchmark", help="a script of benchmarks/, without .py")
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help="passed to the benchmark")
    args = parser.parse_args()
    return run_slow(args.benchmark, args.arguments, args.share)


if __name__ == "__main__":
    sys.exit(main())

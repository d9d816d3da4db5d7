"""The slow-kiosk profile's cgroup: what runs in it is held back, and it leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cpulimit import cpu_limited

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="making a cgroup needs root")

# Spins until it has used this much CPU time: at half of one core that takes at least
# three of the kernel's 100 ms periods, so it must be held back in two of them at least.
_BUSY = "import time\nwhile time.process_time() < 0.3: pass\n"
_STARTS_ONE = (
    "import subprocess, sys\n"
    "subprocess.run([sys.executable, '-c', 'import sys; sys.stdin.read()'], stdin=sys.stdin)\n"
)


def _cgroup_of(pid: int) -> set[str]:
    return set(Path(f"/proc/{pid}/cgroup").read_text().splitlines())


def test_a_busy_process_in_the_group_is_held_to_half_a_core() -> None:
    with cpu_limited(0.5) as group:
        subprocess.run(group.command([sys.executable, "-c", _BUSY]), check=True)
        assert group.throttled_periods() >= 2
        assert "0.5 of one core" in group.description


def test_what_a_process_in_the_group_starts_is_in_it_too_and_all_go_back_after() -> None:
    mine = _cgroup_of(os.getpid())
    with cpu_limited(0.5) as group:
        # A child that starts one of its own, which reads stdin until it is closed.
        parent = subprocess.Popen(
            group.command([sys.executable, "-c", _STARTS_ONE]), stdin=subprocess.PIPE
        )
        try:
            group_path = group.path
            while len(group.pids()) < 2:
                assert parent.poll() is None, "the child ended before starting its own"
            assert parent.pid in group.pids()
            inside = group.pids()
            assert all(_cgroup_of(pid) != mine for pid in inside)
        except BaseException:
            parent.kill()
            raise
    try:
        assert not group_path.exists()
        assert all(_cgroup_of(pid) == mine for pid in inside)
    finally:
        assert parent.stdin is not None
        parent.stdin.close()
        parent.wait(timeout=10)


def test_a_share_outside_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"), cpu_limited(0):
        pass

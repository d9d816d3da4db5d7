"""A slow kiosk computer for the benchmarks: a cgroup that holds processes to a share of one core.

Kiosk computers are small fanless boxes, slower than the machines we build on. The kernel's CPU
bandwidth control stands in for one: a process in the group (and every process it starts
afterwards, which inherits the group) runs for at most ``share`` x 100 ms of each 100 ms. The
group is made under the machine's cgroup file system, v2 (``cpu.max``) where the unified
hierarchy has the cpu controller, else v1's ``cpu`` hierarchy (``cpu.cfs_quota_us`` of
``cpu.cfs_period_us``), and removed afterwards, its processes moved back to where the caller
is. Making a group needs root (or a delegated cgroup); CpuLimitError says what is missing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
PERIOD_US = 100_000


class CpuLimitError(RuntimeError):
    """No cgroup could be made here; the message says why and what to do."""


@dataclass(frozen=True)
class CpuGroup:
    """A cgroup holding its processes to ``share`` of one core (see ``cpu_limited``)."""

    path: Path  # the group's folder
    parent: Path  # the folder processes go back to
    share: float
    version: int  # 1 or 2

    @property
    def description(self) -> str:
        """What the limit is, for a benchmark's figure lines."""
        quota = round(self.share * PERIOD_US)
        if self.version == 2:
            setting = f"cgroup v2 cpu.max {quota} {PERIOD_US}"
        else:
            setting = f"cgroup v1 cpu.cfs_quota_us {quota} of cpu.cfs_period_us {PERIOD_US}"
        return f"{self.share:g} of one core ({setting})"

    def add(self, pid: int) -> None:
        """Move process ``pid`` into the group; what it starts from now on is in it too."""
        (self.path / "cgroup.procs").write_text(f"{pid}\n")

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` run inside the group: a shell joins it, then execs the program, so that
        nothing runs between fork and exec in the caller (``preexec_fn`` is unsafe with
        threads)."""
        join = 'echo $$ > "$0/cgroup.procs" && exec "$@"'
        return ["/bin/sh", "-c", join, str(self.path), *argv]

    def pids(self) -> list[int]:
        """The processes in the group now."""
        return [int(line) for line in (self.path / "cgroup.procs").read_text().split()]

    def throttled_periods(self) -> int:
        """How many 100 ms periods the kernel has held the group back in so far."""
        for line in (self.path / "cpu.stat").read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == "nr_throttled":
                return int(value)
        raise CpuLimitError(f"{self.path / 'cpu.stat'} has no nr_throttled line")


def _hierarchy() -> tuple[Path, int]:
    """Where to make a group: the caller's own cgroup folder, and the cgroup version."""
    own = Path("/proc/self/cgroup").read_text().splitlines()
    controllers = CGROUP_ROOT / "cgroup.controllers"
    if controllers.is_file() and "cpu" in controllers.read_text().split():
        relative = next(line.split(":", 2)[2] for line in own if line.startswith("0::"))
        return CGROUP_ROOT / relative.lstrip("/"), 2
    for line in own:
        _, names, relative = line.split(":", 2)
        if "cpu" in names.split(","):
            mount = CGROUP_ROOT / names  # "cpu", or "cpu,cpuacct" where they share a mount
            if not mount.is_dir():
                mount = CGROUP_ROOT / "cpu"
            return mount / relative.lstrip("/"), 1
    raise CpuLimitError(
        "this machine has no cgroup cpu controller (neither cgroup v2's cpu.max nor v1's cpu "
        "hierarchy under /sys/fs/cgroup): the slow profile cannot be measured here"
    )


@contextlib.contextmanager
def cpu_limited(share: float = 0.5, name: str = "kiosk-slow") -> Iterator[CpuGroup]:
    """A cgroup named ``name``-<pid> that holds its processes to ``share`` of one core, for a
    ``with`` block; afterwards its processes are moved back to the caller's group and it is
    removed."""
    if not 0.01 <= share <= 64:
        raise ValueError(f"a share of {share} cores is outside 0.01 to 64")
    parent, version = _hierarchy()
    path = parent / f"{name}-{os.getpid()}"
    quota = round(share * PERIOD_US)
    try:
        path.mkdir()
        if version == 2:
            (path / "cpu.max").write_text(f"{quota} {PERIOD_US}\n")
        else:
            (path / "cpu.cfs_period_us").write_text(f"{PERIOD_US}\n")
            (path / "cpu.cfs_quota_us").write_text(f"{quota}\n")
    except OSError as error:
        with contextlib.suppress(OSError):
            path.rmdir()
        raise CpuLimitError(
            f"cannot make the cgroup {path} ({error.strerror}): run the slow profile as root, "
            "or in a cgroup delegated to this user"
        ) from error
    group = CpuGroup(path, parent, share, version)
    try:
        yield group
    finally:
        # A group with processes in it cannot be removed: send them back first.
        for pid in group.pids():
            with contextlib.suppress(OSError):  # it may have ended in the meantime
                (parent / "cgroup.procs").write_text(f"{pid}\n")
        path.rmdir()

"""cage, the kiosk's Wayland compositor, on wlroots' headless backend, for tests: as a user
other than root (cage refuses root) with a runtime folder of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# A user every Debian system has, with no files of its own to touch.
USER = "nobody"
GROUP = "nogroup"
PACKAGES = "apt-get install cage xwayland grim (./dev.sh test does)"


def missing_commands() -> list[str]:
    return [name for name in ("cage", "grim", "setpriv") if shutil.which(name) is None]


def as_user() -> list[str]:
    """The command prefix that runs a program as ``USER``, as the kiosk's user runs it."""
    return ["setpriv", f"--reuid={USER}", f"--regid={GROUP}", "--clear-groups"]


@dataclass
class Cage:
    """A running cage and the folder its Wayland socket is in (its XDG_RUNTIME_DIR)."""

    process: subprocess.Popen[str]
    runtime: Path

    def environment(self) -> dict[str, str]:
        """What a program started by ``USER`` needs to find this cage's screen by itself."""
        return {"XDG_RUNTIME_DIR": str(self.runtime), "HOME": str(self.runtime)}

    def screenshot(self, out: Path) -> subprocess.CompletedProcess[str]:
        """grim's PNG of the whole output, taken as ``USER``, written to ``out``."""
        taken = self.runtime / "screenshot.png"
        result = subprocess.run(
            [*as_user(), "grim", str(taken)],
            env={"PATH": os.environ["PATH"], **self.environment(), "WAYLAND_DISPLAY": "wayland-0"},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if result.returncode == 0:
            shutil.copyfile(taken, out)
        return result


@contextmanager
def headless_cage(
    command: Sequence[str], env: dict[str, str] | None = None, *, rotations: int = 0
) -> Iterator[Cage]:
    """cage showing ``command`` (run as ``USER``) on a headless output; its standard output
    is ``Cage.process.stdout``, and closing its standard input is up to ``command``.

    ``rotations`` passes cage's -r that many times: grim can only copy an output that cage
    composites, and cage hands an unrotated full-screen window straight to the output.
    """
    runtime = Path(tempfile.mkdtemp(prefix="clinic-kiosk-cage-"))
    shutil.chown(runtime, USER, GROUP)
    runtime.chmod(0o700)
    environ = {
        "PATH": os.environ["PATH"],
        "XDG_RUNTIME_DIR": str(runtime),
        "HOME": str(runtime),
        "WLR_BACKENDS": "headless",
        "WLR_LIBINPUT_NO_DEVICES": "1",
        "WLR_RENDERER": "pixman",
        **(env or {}),
    }
    process = subprocess.Popen(
        [*as_user(), "cage", *["-r"] * rotations, "--", *command],
        env=environ,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield Cage(process, runtime)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
        shutil.rmtree(runtime, ignore_errors=True)

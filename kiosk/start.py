"""The program's start: the welcome screen's kept picture first, when it is still true, then
the command line (``kiosk.cli``), which builds the kiosk behind it.

Run before anything else of the kiosk is imported (``python -m kiosk``, and the built
program's entry script): see ``kiosk.ui.snapshot`` for why.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from kiosk import kept_welcome

if TYPE_CHECKING:
    from kiosk.ui.snapshot import SnapshotWelcome


def main(argv: list[str] | None = None) -> int:
    """Run the program; return its exit status."""
    argv = sys.argv[1:] if argv is None else argv
    snapshot = None  # no screen to show a picture on, nor to keep one of
    if kept_welcome.has_display() and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        snapshot = _kept_welcome_shown(argv)
    from kiosk.cli import main as command_line  # noqa: PLC0415 - after the first frame

    return command_line(argv, snapshot=snapshot)


def _kept_welcome_shown(argv: list[str]) -> tuple[SnapshotWelcome | None, str]:
    """The welcome screen's kept picture shown, if it is still true; or None and why not."""
    path = kept_welcome.snapshot_file()
    try:
        picture = kept_welcome.read_kept(path, argv)
    except FileNotFoundError:
        return None, f"none kept yet ({path})"
    except (OSError, ValueError, UnicodeDecodeError) as error:
        return None, f"{path} not used: {error}"
    from kiosk.ui.snapshot import show_snapshot  # noqa: PLC0415 - Qt, only for a true picture

    return show_snapshot(picture)

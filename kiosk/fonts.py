"""Loads Atkinson Hyperlegible, the typeface designed for readers with low vision."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from PySide6.QtGui import QFontDatabase

log = logging.getLogger("kiosk.init")

PREFERRED_FAMILY = "Atkinson Hyperlegible"
FALLBACK_FAMILY = "Sans Serif"


@functools.cache
def load_fonts() -> str:
    """Register the bundled typeface with Qt and return the family to use.

    Falls back to the system's sans-serif family, with a log line for staff, if the font
    package is missing or its files cannot be loaded. Loads the files once per process.
    """
    files = font_files()
    if files is None:
        log.warning("font package fontpkg-atkinson-hyperlegible is missing; using sans-serif")
        return FALLBACK_FAMILY
    loaded = [QFontDatabase.addApplicationFont(str(path)) for path in files]
    if not loaded or min(loaded) < 0:
        where = files[0].parent if files else "its package"
        log.warning("cannot load %s from %s; using sans-serif", PREFERRED_FAMILY, where)
        return FALLBACK_FAMILY
    return PREFERRED_FAMILY


def font_files() -> list[Path] | None:
    """The bundled typeface's files; None if its package is missing."""
    try:
        import fontpkg_atkinson_hyperlegible as package  # noqa: PLC0415 - optional
    except ImportError:
        return None
    return sorted(Path(package.ROOT, "files").glob("*.ttf"))

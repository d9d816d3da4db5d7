"""Keeps PySide6 from holding the source text of every module imported after it.

PySide6 checks each module imported after it for the word "PySide6", so that ``from
__feature__ import snake_case`` can switch features per module (PYSIDE-2029, in
shibokensupport/feature.py: ``_mod_uses_pyside``). It reads the source with
``inspect.getsource``, which goes through ``linecache`` and keeps every line of every file it
read for the rest of the run: in the kiosk started from its sources (``python -m kiosk``),
about 250 files, 6 MB of Python objects that no one reads again (benchmarks/memory.py:
anonymous memory 55.1 MB before, 49.2 after; see docs/benchmarks.md). Clearing the cache
afterwards gives none of it back (the freed lines are scattered among live objects), so this
replaces the check with the same test on the file's bytes, read and let go. The built program
has no source files to read; there the check answers as before.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

import PySide6  # noqa: F401 - loads shibokensupport.feature, whose check is replaced

_FEATURE_MODULE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"


def read_sources_once() -> None:
    """Replace PySide6's per-module check with one that keeps nothing; safe to call again."""
    feature = sys.modules.get(_FEATURE_MODULE)
    upstream = getattr(feature, _CHECK, None)
    if feature is None or upstream is None or getattr(upstream, "keeps_nothing", False):
        return  # another PySide6 that works otherwise, or already done

    def uses_pyside(module: ModuleType) -> bool:
        origin = getattr(getattr(module, "__spec__", None), "origin", None)
        if isinstance(origin, str) and origin.endswith(".py"):
            try:
                with open(origin, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass  # no file there (a frozen module): upstream's answer, as before
        return bool(upstream(module))

    check: Callable[[ModuleType], bool] = uses_pyside
    check.keeps_nothing = True  # type: ignore[attr-defined]
    setattr(feature, _CHECK, check)

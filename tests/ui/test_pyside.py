"""PySide6's check of each imported module keeps no source text (kiosk/ui/pyside.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Imports the kiosk as it starts (the early screen, then the rest) in a fresh interpreter and
# says which source files linecache holds and how PySide6 judged two modules.
_PROBE = """
import json, linecache, sys
import kiosk.cli, kiosk.ui.early, kiosk.app
feature = sys.modules["shibokensupport.feature"]
print(json.dumps({
    "cached": [name for name, entry in linecache.cache.items() if len(entry) > 2],
    "window": feature.pyside_feature_dict.get("kiosk.ui.window"),
    "synth": feature.pyside_feature_dict.get("kiosk.narration.synth"),
}))
"""


def test_importing_the_kiosk_keeps_no_module_source_in_memory() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    probe = json.loads(result.stdout)
    # Without the replacement check: some 250 files, the kiosk's own among them.
    kiosk_sources = [name for name in probe["cached"] if str(ROOT / "kiosk") in name]
    assert kiosk_sources == []
    assert len(probe["cached"]) < 20, probe["cached"]
    # The check still answers as PySide6's own: 0 for a module that uses PySide6 (features
    # may be switched in it), -1 for one that does not.
    assert probe["window"] == 0
    assert probe["synth"] == -1

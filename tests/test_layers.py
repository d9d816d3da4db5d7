"""The import layers: content is plain Python, only the UI touches widgets, config has no Qt."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

KIOSK = Path(__file__).resolve().parents[1] / "kiosk"
# The composition root creates the QApplication; every other widget import belongs in kiosk/ui.
QTWIDGETS_OUTSIDE_UI = {"kiosk/app.py"}


def _module_name(file: Path) -> str:
    parts = file.relative_to(KIOSK.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(nodes: Iterable[ast.AST], file: Path) -> set[str]:
    """Every module the import statements among ``nodes`` name, relative ones resolved."""
    package = (
        _module_name(file) if file.name == "__init__.py" else _module_name(file).rpartition(".")[0]
    )
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.add(base)
            # "from PySide6 import QtWidgets" imports the module PySide6.QtWidgets.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _imports() -> dict[str, set[str]]:
    """Each kiosk source file ("kiosk/ui/pages.py") and every module it imports, anywhere in it."""
    files = sorted(KIOSK.rglob("*.py"))
    return {
        file.relative_to(KIOSK.parent).as_posix(): _imported(
            ast.walk(ast.parse(file.read_text(encoding="utf-8"))), file
        )
        for file in files
    }


def _within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in packages)


IMPORTS = _imports()


def test_the_scan_sees_the_layers() -> None:
    assert any(path.startswith("kiosk/content/") for path in IMPORTS)
    assert "PySide6.QtWidgets" in IMPORTS["kiosk/ui/window.py"]
    assert "kiosk.content" in IMPORTS["kiosk/ui/window.py"]


@pytest.mark.parametrize("path", [p for p in IMPORTS if p.startswith("kiosk/content/")])
def test_content_is_plain_python(path: str) -> None:
    # kiosk.paths, plain Python too, says where the program's own files are (languages).
    kiosk_outside_content = {
        m
        for m in IMPORTS[path]
        if _within(m, "kiosk") and not _within(m, "kiosk.content", "kiosk.paths")
    }
    assert kiosk_outside_content == set()
    assert {m for m in IMPORTS[path] if _within(m, "PySide6", "shiboken6")} == set()


def test_only_the_ui_imports_widgets() -> None:
    importers = {path for path, modules in IMPORTS.items() if "PySide6.QtWidgets" in modules}
    outside_ui = {path for path in importers if not path.startswith("kiosk/ui/")}
    assert outside_ui <= QTWIDGETS_OUTSIDE_UI


def test_config_imports_no_qt() -> None:
    assert {m for m in IMPORTS["kiosk/config.py"] if _within(m, "PySide6", "shiboken6")} == set()


@pytest.mark.parametrize("path", [p for p in IMPORTS if p.startswith("kiosk/ui/")])
def test_the_ui_does_not_reach_up_into_the_composition_root(path: str) -> None:
    """kiosk.app builds the UI and wires it; what builds a whole kiosk (the screenshot and the
    page audio tools) sits beside it, not inside the UI."""
    assert {m for m in IMPORTS[path] if _within(m, "kiosk.app")} == set()


@pytest.mark.parametrize("path", [p for p in IMPORTS if p.startswith("kiosk/session/")])
def test_session_does_not_reach_up_into_the_ui(path: str) -> None:
    assert {m for m in IMPORTS[path] if _within(m, "kiosk.ui", "kiosk.app")} == set()


def test_command_line_loads_qt_only_for_the_commands_that_need_it() -> None:
    cli = KIOSK / "cli.py"
    top_level = _imported(ast.parse(cli.read_text(encoding="utf-8")).body, cli)
    assert {m for m in top_level if _within(m, "PySide6", "kiosk.ui", "kiosk.app")} == set()


def _run_probe(probe: str) -> str:
    """What the Python code ``probe`` prints, run in a fresh interpreter of the kiosk."""
    return subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=KIOSK.parent,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    ).stdout


def test_the_welcome_screen_shows_before_the_rest_of_the_kiosk_is_loaded() -> None:
    """``kiosk.cli`` shows the welcome screen with ``kiosk.ui.early`` before it imports the
    rest; that head start is lost if either pulls in the kiosk's larger parts."""
    probe = "import sys, kiosk.cli, kiosk.ui.early\nprint('\\n'.join(sorted(sys.modules)))\n"
    loaded = _run_probe(probe).split()
    later = (
        "kiosk.app",
        "kiosk.ui.window",
        "kiosk.narration.narrator",
        "kiosk.printing",
        "kiosk.session.idle",
        "markdown_it",
        "multiprocessing",
        "PySide6.QtMultimedia",
    )
    assert [m for m in loaded if _within(m, *later)] == []
    assert "PySide6.QtWidgets" in loaded, "the probe did load the early screen"


def test_the_welcome_screens_kept_picture_shows_with_nothing_else_of_the_kiosk_loaded() -> None:
    """``kiosk.start`` shows the kept picture (``kiosk.ui.snapshot``) before it imports even
    the command line: the picture is only as quick as the smallest PySide6 program if it
    loads nothing else of the kiosk (its configuration, its fonts, its widgets)."""
    probe = "import sys, kiosk.start, kiosk.ui.snapshot\nprint('\\n'.join(sorted(sys.modules)))\n"
    loaded = _run_probe(probe).split()
    ours = {m for m in loaded if _within(m, "kiosk")}
    pyside = {"kiosk", "kiosk.ui", "kiosk.ui.pyside"}  # kiosk.ui's own first step (PYSIDE-2029)
    picture = {"kiosk.start", "kiosk.kept_welcome", "kiosk.paths", "kiosk.ui.snapshot"}
    assert ours == {*pyside, *picture}
    assert "PySide6.QtWidgets" in loaded, "the probe did load the picture's window"


def test_the_kiosk_loads_prometheus_client_only_to_write_metrics() -> None:
    """A kiosk without ``metrics_folder`` (the default) never writes metrics, and
    prometheus_client brings 64 modules and 4 MB with it (kiosk/health.py)."""
    probe = (
        "import sys, kiosk.app\n"
        "print('prometheus_client' in sys.modules)\n"
        "from kiosk.health import HealthFacts, metric_families\n"
        "metric_families(HealthFacts(True, 0, 'p', 'en', '', 'espeak', 'up', 'none', "
        "0, 0, 0, 0, False), None)\n"
        "print('prometheus_client' in sys.modules)\n"
    )
    loaded = _run_probe(probe).split()
    assert loaded == ["False", "True"]


def test_the_kiosk_loads_num2words_only_to_read_a_number_aloud() -> None:
    """num2words loads its 60 languages at once, 3.6 MB the kiosk would hold for nothing
    while no number is read aloud (kiosk/narration/spoken.py)."""
    probe = (
        "import sys, kiosk.app\n"
        "from kiosk.narration.spoken import spoken_text\n"
        "print(spoken_text('Wash your hands.', 'en', {})[0])\n"
        "print('num2words' in sys.modules)\n"
        "print(spoken_text('Take 2 tablets.', 'en', {})[0])\n"
        "print('num2words' in sys.modules)\n"
    )
    said = _run_probe(probe).splitlines()
    assert said == ["Wash your hands.", "False", "Take two tablets.", "True"]


def test_the_kiosk_loads_hashlib_only_for_a_checksum() -> None:
    """hashlib's OpenSSL is 3.6 MB the kiosk would hold for nothing: only the health metrics
    (off by default) and a staff PIN need a hash (kiosk/health.py, kiosk/staff/pin.py)."""
    probe = (
        "import sys, tempfile, kiosk.app\n"
        "from pathlib import Path\n"
        "from kiosk.health import pack_checksum\n"
        "print('hashlib' in sys.modules)\n"
        "print(len(pack_checksum(Path(tempfile.mkdtemp()))))\n"
        "print('hashlib' in sys.modules)\n"
    )
    assert _run_probe(probe).split() == ["False", "64", "True"]


def test_the_kiosk_talks_to_its_speech_worker_without_multiprocessing() -> None:
    """On POSIX both ends of the speech worker's socket speak kiosk/narration/wire.py's
    framing; multiprocessing and what it brings held 1.5 MB of the kiosk's memory."""
    probe = (
        "import sys, kiosk.app\n"
        "from kiosk.narration.worker import Worker\n"
        "worker = Worker('silence')\n"
        "print(worker.start(10).name)\n"
        "print(worker.request('Hello.', '', 150, 10).request_id)\n"
        "worker.stop()\n"
        "print('multiprocessing' in sys.modules)\n"
    )
    assert _run_probe(probe).split() == ["silence", "1", "False"]

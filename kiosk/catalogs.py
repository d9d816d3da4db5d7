"""The kiosk's own words in each language: Qt catalogs, made and installed.

The words are English in the code (``self.tr("Print my questions")``, and
``QApplication.translate("Talk", ...)`` for what talking mode says). For every other language a
catalog ``resources/translations/kiosk_<code>.ts`` (Qt Linguist's XML, kept in git) gives the
translation of each; it is compiled to ``kiosk_<code>.qm`` beside it, which git ignores, when
the kiosk is set up (``./dev.sh``) and built (``kiosk.spec``)::

    .venv/bin/python -m kiosk.catalogs update   # after changing words in the code
    .venv/bin/python -m kiosk.catalogs build    # .ts to .qm (only those that changed)

``use_language(code)`` installs one language's catalog, and Qt's own (``qtbase_<code>.qm``),
on the running application.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from kiosk.paths import resources_dir

log = logging.getLogger("kiosk.init")

SOURCE_LANGUAGE = "en"  # the words in the code
KIOSK = Path(__file__).resolve().parent


def catalog_dir() -> Path:
    return resources_dir() / "translations"


def catalog_path(code: str, suffix: str = ".ts") -> Path:
    return catalog_dir() / f"kiosk_{code}{suffix}"


def catalogs() -> list[Path]:
    """Every catalog source (``.ts``)."""
    return sorted(catalog_dir().glob("kiosk_*.ts"))


class CatalogError(Exception):
    """A catalog could not be made; the message names the file and what the tool said."""


def _tool(name: str) -> str:
    """PySide6's ``pyside6-<name>``: beside this Python (a venv's ``bin/``, or ``Scripts\\``
    with ``.exe`` on Windows), on the PATH, or else the tool itself in PySide6's package
    folder, where the wheel puts it (``PySide6/lupdate``)."""
    # The tools' modules are imported where used: the kiosk's start needs neither.
    import shutil  # noqa: PLC0415

    exe = ".exe" if sys.platform == "win32" else ""
    beside = Path(sys.executable).with_name(f"pyside6-{name}{exe}")
    if beside.exists():
        return str(beside)
    found = shutil.which(f"pyside6-{name}")
    if found is not None:
        return found
    package = Path(PySide6.__file__).parent / f"{name}{exe}"
    if package.exists():
        return str(package)
    raise CatalogError(
        f"pyside6-{name} is not beside {sys.executable}, on the PATH or in {package.parent}: "
        "install the kiosk's requirements (./dev.sh does), which bring PySide6 and its tools"
    )


def _run(command: list[str], source: Path) -> None:
    import subprocess  # noqa: PLC0415 - as shutil in _tool

    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip()
        raise CatalogError(f"{source}: {Path(command[0]).name} failed: {said}")


def compile_catalogs(force: bool = False) -> list[Path]:
    """Compile each ``.ts`` whose ``.qm`` is missing or older; the ``.qm`` files made."""
    made = []
    for source in catalogs():
        target = source.with_suffix(".qm")
        if not force and target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        _run([_tool("lrelease"), "-silent", str(source), "-qm", str(target)], source)
        made.append(target)
    return made


def update_catalogs() -> list[Path]:
    """Bring every ``.ts`` up to date with the words in the code: new ones are added as
    unfinished, translations kept, vanished ones dropped."""
    sources = [str(path) for path in sorted(KIOSK.rglob("*.py"))]
    for catalog in catalogs():
        command = [_tool("lupdate"), "-silent", "-no-obsolete", "-locations", "none", *sources]
        _run([*command, "-ts", str(catalog)], catalog)
    return catalogs()


# The translators installed now: kept referenced, or Python would collect them while Qt uses
# them.
_installed: list[QTranslator] = []


def use_language(code: str) -> None:
    """Show and say the kiosk's words in ``code`` from now on. The source language needs no
    catalog; a missing one is logged (once per call) and leaves the words in English, never an
    error in front of a patient."""
    app = QCoreApplication.instance()
    if app is None:
        return
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if code == SOURCE_LANGUAGE:
        return
    problem = catalog_problem(code)
    if problem is not None:
        log.warning("the kiosk's own words stay in English: %s", problem)
        return
    ours = QTranslator()
    ours.load(str(catalog_path(code, ".qm")))
    _installed.append(ours)
    qt = QTranslator()
    # Qt's own words (a context menu's, a dialog's): there are none in front of a patient
    # today, but a control Qt draws must not stay in English.
    if qt.load(f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        _installed.append(qt)
    for translator in _installed:
        app.installTranslator(translator)


def catalog_problem(code: str) -> str | None:
    """Why language ``code`` would show English words, or None (for ``kiosk doctor``)."""
    if code == SOURCE_LANGUAGE:
        return None
    compiled = catalog_path(code, ".qm")
    if not compiled.is_file():
        return (
            f"{compiled} is missing: compile the catalogs with "
            "'python -m kiosk.catalogs build' (./dev.sh does)"
        )
    if not QTranslator().load(str(compiled)):
        return f"{compiled} cannot be read: compile it again ('python -m kiosk.catalogs build')"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.catalogs", description=__doc__)
    parser.add_argument("action", choices=["build", "update"])
    parser.add_argument("--force", action="store_true", help="build: compile every catalog")
    args = parser.parse_args(argv)
    try:
        if args.action == "update":
            for path in update_catalogs():
                print(f"updated {path}")
        for path in compile_catalogs(force=args.force):
            print(f"compiled {path}")
    except CatalogError as error:
        print(f"kiosk.catalogs: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

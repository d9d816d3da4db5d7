"""Content packs: a folder per leaflet with one Markdown file per language (``en.md``)."""

from __future__ import annotations

from pathlib import Path

from kiosk.content.errors import ContentError
from kiosk.content.model import Leaflet
from kiosk.content.parser import parse_leaflet

# Languages the kiosk has screens and voices for.
SUPPORTED_LANGUAGES = frozenset({"en", "es"})
LEAFLET_SUFFIX = ".md"


def load_leaflet(pack: Path, language: str) -> Leaflet:
    """Load the leaflet of ``pack`` (a folder, or one leaflet file) in ``language``.

    A single file must be in ``language`` too: the kiosk's own words and voice follow the
    configured language, and a leaflet in another one would not match them.
    """
    if not pack.exists():
        raise ContentError(pack, None, "the content pack does not exist")
    leaflet = _load_file(pack / f"{language}{LEAFLET_SUFFIX}" if pack.is_dir() else pack)
    if leaflet.language != language:
        raise ContentError(
            pack,
            None,
            f"the leaflet is in {leaflet.language!r} but the kiosk is set to {language!r}",
        )
    return leaflet


def _load_file(path: Path) -> Leaflet:
    file_language = path.stem if path.stem in SUPPORTED_LANGUAGES else None
    return parse_leaflet(path, SUPPORTED_LANGUAGES, file_language)


def check_path(path: Path) -> list[Leaflet]:
    """Validate a pack folder (every leaflet file in it) or a single leaflet file.

    Raise ``ContentError`` for the first problem found.
    """
    if not path.exists():
        raise ContentError(path, None, "the content pack does not exist")
    if path.is_file():
        return [_load_file(path)]
    files = sorted(path.glob(f"*{LEAFLET_SUFFIX}"))
    if not files:
        raise ContentError(path, None, f"the folder has no leaflet files (*{LEAFLET_SUFFIX})")
    return [_load_file(file) for file in files]

"""The leaflet as data: the content model, its parser and content packs (plain Python, no Qt)."""

from kiosk.content.errors import ContentError
from kiosk.content.model import (
    Block,
    BlockKind,
    Leaflet,
    Question,
    Section,
    SectionKind,
    Sentence,
)
from kiosk.content.pack import (
    SUPPORTED_LANGUAGES,
    check_path,
    check_same_structure,
    leaflet_header,
    load_leaflet,
    load_translations,
    offered_leaflets,
    pronunciation_files,
)
from kiosk.content.parser import LeafletHeader

__all__ = [
    "SUPPORTED_LANGUAGES",
    "Block",
    "BlockKind",
    "ContentError",
    "Leaflet",
    "LeafletHeader",
    "Question",
    "Section",
    "SectionKind",
    "Sentence",
    "check_path",
    "check_same_structure",
    "leaflet_header",
    "load_leaflet",
    "load_translations",
    "offered_leaflets",
    "pronunciation_files",
]

"""Fixtures for content tests: the shipped leaflet, and a writer for broken packs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.config import resources_dir
from kiosk.content import Leaflet, load_leaflet

SHIPPED_PACK = resources_dir() / "leaflets" / "vertebroplasty"


@pytest.fixture(scope="session")
def leaflet() -> Leaflet:
    """The English vertebroplasty leaflet the kiosk ships with."""
    return load_leaflet(SHIPPED_PACK, "en")


@pytest.fixture
def write_pack(tmp_path: Path) -> Callable[..., Path]:
    """Write ``content`` (text or bytes) as ``tmp_path/pack/<name>`` and return the file."""

    def write(content: str | bytes, name: str = "en.md") -> Path:
        file = tmp_path / "pack" / name
        file.parent.mkdir(exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        file.write_bytes(data)
        return file

    return write

"""Fixtures for printing tests: the kiosk's language files, copied to be changed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.content import languages


@pytest.fixture
def language_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder holding a copy of the shipped language files, which the kiosk reads instead
    of ``resources/languages`` for the test: change one, or add one, and the kiosk follows."""
    folder = tmp_path / "languages"
    shutil.copytree(languages.languages_dir(), folder)
    monkeypatch.setattr(languages, "languages_dir", lambda: folder)
    languages.all_languages.cache_clear()
    yield folder
    languages.all_languages.cache_clear()  # the shipped files again, for the tests that follow

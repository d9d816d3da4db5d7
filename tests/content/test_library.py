"""The content library: leaflets by id from the clinic's folder and the shipped one, each in
the languages it has; a broken one is left out with a message, the others stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.leaflets import leaflet_text, write_leaflet, write_library
from kiosk.config import resources_dir
from kiosk.content import ContentError
from kiosk.content.library import (
    SHIPPED_LEAFLET,
    Library,
    checked_library,
    missing_language,
    open_library,
)

SHIPPED = resources_dir() / "leaflets"


def _open(clinic: Path, entries: list[str], languages: tuple[str, ...] = ("en", "es")) -> Library:
    return open_library(entries, [clinic, SHIPPED], clinic.parent, "en", languages)


def test_leaflets_come_in_the_clinics_order_from_its_folder_and_the_shipped_one(
    tmp_path: Path,
) -> None:
    clinic = tmp_path / "leaflets"
    ids = write_library(clinic, 3, ("en", "es"))
    library = checked_library(_open(clinic, [ids[2], SHIPPED_LEAFLET, ids[0]]))
    assert library.ids == ("test-3", "vertebroplasty", "test-1")
    assert [leaflet.header("en").title for leaflet in library] == [
        "Test topic 3",
        "Vertebroplasty for Spine Fracture Pain",
        "Test topic 1",
    ]
    assert library["test-1"].leaflet("es").title == "Tema de prueba 1"
    assert not library.problems


def test_a_clinics_folder_of_the_same_name_comes_before_the_shipped_one(tmp_path: Path) -> None:
    clinic = tmp_path / "leaflets"
    (clinic / SHIPPED_LEAFLET).mkdir(parents=True)
    (clinic / SHIPPED_LEAFLET / "en.md").write_text(leaflet_text(7), encoding="utf-8")
    library = _open(clinic, [SHIPPED_LEAFLET], ("en",))
    assert library[SHIPPED_LEAFLET].leaflet("en").title == "Test topic 7"


def test_a_path_names_a_leaflet_folder_or_file_anywhere(tmp_path: Path) -> None:
    folder = write_leaflet(tmp_path / "elsewhere", 4)
    single = write_leaflet(tmp_path / "other", 5) / "en.md"
    library = _open(tmp_path / "leaflets", [str(folder), "other/test-5/en.md"], ("en",))
    assert [leaflet.leaflet("en").title for leaflet in library] == ["Test topic 4", "Test topic 5"]
    assert library.ids == ("test-4", "en")  # a file is known by its name
    assert library["en"].path == single


def test_a_leaflet_not_found_or_named_twice_is_a_problem_the_others_stay(tmp_path: Path) -> None:
    clinic = tmp_path / "leaflets"
    write_library(clinic, 1)
    library = _open(clinic, ["test-1", "knee", "test-1"], ("en",))
    assert library.ids == ("test-1",)
    knee = str(library.problems["knee"])
    assert "there is no leaflet folder 'knee' in" in knee
    assert str(clinic) in knee, knee
    assert str(SHIPPED) in knee, knee
    assert "put the leaflet's folder (with en.md, es.md) there, or leave 'knee' out" in knee
    assert "is named twice" in str(library.problems["test-1"])


def test_a_broken_leaflet_is_left_out_with_its_file_and_line_the_others_stay(
    tmp_path: Path,
) -> None:
    clinic = tmp_path / "leaflets"
    write_library(clinic, 3)
    broken = clinic / "test-2" / "en.md"
    broken.write_text(leaflet_text(2).replace("## Test page", "### Test page"), "utf-8")
    library = checked_library(_open(clinic, ["test-1", "test-2", "test-3"], ("en",)))
    assert library.ids == ("test-1", "test-3")
    problem = library.problems["test-2"]
    assert isinstance(problem, ContentError)
    assert problem.path == str(broken), problem
    assert problem.line is not None, problem


def test_a_leaflet_without_a_language_is_offered_in_the_others(tmp_path: Path) -> None:
    clinic = tmp_path / "leaflets"
    write_leaflet(clinic, 1, ("en", "es"))
    write_leaflet(clinic, 2, ("en",))
    library = checked_library(_open(clinic, ["test-1", "test-2"]))
    assert library.ids == ("test-1", "test-2")
    assert library["test-1"].languages() == ("en", "es")
    assert library["test-2"].languages() == ("en",)
    assert not library["test-2"].has_language("es")
    said = missing_language(library["test-2"], "es")
    assert "has no Spanish file (es.md)" in said, said
    assert str(clinic / "test-2") in said, said


def test_a_translation_that_does_not_match_is_refused_alone(tmp_path: Path) -> None:
    clinic = tmp_path / "leaflets"
    folder = write_leaflet(clinic, 1, ("en", "es"))
    (folder / "es.md").write_text(leaflet_text(1, "es", questions=2), encoding="utf-8")
    library = checked_library(_open(clinic, ["test-1"]))
    leaflet = library["test-1"]
    assert leaflet.languages() == ("en",)
    with pytest.raises(ContentError, match=r"it has 2 questions and en\.md has 3"):
        leaflet.leaflet("es")
    assert "it has 2 questions" in missing_language(leaflet, "es")


def test_the_summary_is_the_headers_or_the_leaflets_own_first_sentence(tmp_path: Path) -> None:
    clinic = tmp_path / "leaflets"
    write_leaflet(clinic, 1, ("en",))
    write_leaflet(clinic, 2, ("en",), summary=False)
    library = _open(clinic, ["test-1", "test-2", SHIPPED_LEAFLET], ("en",))
    assert library["test-1"].summary("en") == "Test leaflet number 1, for trying the kiosk."
    assert library["test-2"].summary("en") == "This is test leaflet number 2."
    assert library[SHIPPED_LEAFLET].summary("en") == (
        "Vertebroplasty is an outpatient procedure that is done to treat compression spine "
        "fractures."
    )


def test_nothing_is_read_until_asked_for(tmp_path: Path) -> None:
    """Opening a library of many leaflets reads no file: the kiosk's start-up does not grow
    with them. A leaflet broken in its body still shows its header (its menu entry) and is
    found broken when opened."""
    clinic = tmp_path / "leaflets"
    write_library(clinic, 30)
    (clinic / "test-30" / "en.md").write_text(
        leaflet_text(30).replace("## Test page", "### Test page"), "utf-8"
    )
    library = _open(clinic, [f"test-{n}" for n in range(1, 31)], ("en",))
    assert len(library) == 30
    assert library["test-30"].header("en").title == "Test topic 30"
    with pytest.raises(ContentError):
        library["test-30"].leaflet("en")
    assert not library["test-30"].has_language("en")

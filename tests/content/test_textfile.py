"""Content files are read only when they are ordinary files of a sensible size; every refusal
names the file and what to do. (A FIFO, which would hang the reader, is tested through the
command in tests/test_cli.py, in a child process with a time limit.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import resources_dir
from kiosk.content import ContentError, check_path, load_leaflet
from kiosk.content.textfile import LEAFLET_LIMIT_BYTES, read_text_file
from kiosk.narration.pronounce import LexiconError, load_lexicon

SHIPPED = resources_dir() / "leaflets" / "vertebroplasty"
REPO = Path(__file__).resolve().parents[2]

# What the kiosk reads: the header for the welcome screen, the leaflet, the pronunciation list.
_LOADERS = """
import sys
from pathlib import Path
from kiosk.content import ContentError, leaflet_header, load_leaflet
from kiosk.narration.pronounce import load_lexicon
pack = Path(sys.argv[1])
for load in (
    lambda: leaflet_header(pack, "en"),
    lambda: load_leaflet(pack, "en"),
    lambda: load_lexicon(pack / "pronunciation-en.toml"),
):
    try:
        load()
    except ContentError as error:
        print(error)
"""


def test_the_shipped_files_are_far_below_the_limits() -> None:
    """The limits leave room: the shipped leaflet is about 5 KB, its pronunciation list 2 KB."""
    assert (SHIPPED / "en.md").stat().st_size * 100 < LEAFLET_LIMIT_BYTES
    assert load_leaflet(SHIPPED, "en").title


def test_a_folder_where_the_leaflet_should_be_is_named(tmp_path: Path) -> None:
    (tmp_path / "en.md").mkdir()
    with pytest.raises(ContentError) as caught:
        check_path(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'en.md'}: this is a folder, not an ordinary file; "
        "put the text file itself here"
    )


def test_a_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A link to a device (/dev/null here; /dev/zero would never end)."""
    (tmp_path / "en.md").symlink_to(os.devnull)
    with pytest.raises(ContentError) as caught:
        load_leaflet(tmp_path, "en")
    assert str(caught.value) == (
        f"{tmp_path / 'en.md'}: this is a device, not an ordinary file; "
        "put the text file itself here"
    )


def test_what_the_kiosk_reads_is_refused_when_it_is_a_named_pipe(tmp_path: Path) -> None:
    """Opening a FIFO waits until something writes to it, so the kiosk stayed black. The loaders
    run in a child with a time limit: should one open the FIFO, the test fails, not hangs."""
    for name in ("en.md", "pronunciation-en.toml"):
        os.mkfifo(tmp_path / name)
    result = subprocess.run(
        [sys.executable, "-c", _LOADERS, str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    refusal = "this is a named pipe (FIFO), not an ordinary file; put the text file itself here"
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'en.md'}: {refusal}",
        f"{tmp_path / 'en.md'}: {refusal}",
        f"{tmp_path / 'pronunciation-en.toml'}: {refusal}",
    ]


def test_a_leaflet_past_the_size_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    leaflet = tmp_path / "en.md"
    with leaflet.open("wb") as out:
        out.truncate(5_200_000)  # a sparse file: 5.2 MB long, no disk space used
    with pytest.raises(ContentError) as caught:
        load_leaflet(tmp_path, "en")
    assert str(caught.value) == (
        f"{leaflet}: the file is 5.2 MB, more than the 1 MB a leaflet may be; "
        "check that this is the right file, or shorten it"
    )


def test_a_leaflet_at_the_size_limit_is_read(tmp_path: Path) -> None:
    """Up to the limit, the file is read (here it then fails on its content, not its size)."""
    leaflet = tmp_path / "en.md"
    leaflet.write_bytes(b"x" * LEAFLET_LIMIT_BYTES)
    with pytest.raises(ContentError) as caught:
        load_leaflet(tmp_path, "en")
    assert caught.value.problem.startswith("the file must start with a header")
    assert read_text_file(leaflet, limit_bytes=LEAFLET_LIMIT_BYTES, what="leaflet") == (
        "x" * LEAFLET_LIMIT_BYTES
    )


def test_line_ends_and_byte_order_mark_are_read_as_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("\ufeffone\r\ntwo\rthree\n".encode())
    assert read_text_file(path, limit_bytes=100, what="note") == "one\ntwo\nthree\n"


def test_a_pronunciation_list_that_is_a_folder_is_named(tmp_path: Path) -> None:
    path = tmp_path / "pronunciation-en.toml"
    path.mkdir()
    with pytest.raises(LexiconError) as caught:
        load_lexicon(path)
    assert str(caught.value) == (
        f"{path}: this is a folder, not an ordinary file; put the text file itself here"
    )


def test_a_pronunciation_list_past_its_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pronunciation-en.toml"
    with path.open("wb") as out:
        out.truncate(2_000_000)
    with pytest.raises(LexiconError, match="the file is 2 MB, more than the 100 KB a "):
        load_lexicon(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file; see tests/test_cli.py")
def test_an_unreadable_leaflet_is_named(tmp_path: Path) -> None:
    leaflet = tmp_path / "en.md"
    leaflet.write_text("+++\n", encoding="utf-8")
    leaflet.chmod(0)
    with pytest.raises(ContentError, match="cannot be read \\(Permission denied\\)"):
        load_leaflet(tmp_path, "en")

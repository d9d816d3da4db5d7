"""Pronunciation lists: loading them, respelling text, and mapping speech back to the screen."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.config import resources_dir
from kiosk.content import ContentError
from kiosk.narration.pronounce import LexiconError, load_lexicon, respell, shown_span
from kiosk.narration.synth import Synthesizer

SHIPPED = resources_dir() / "leaflets/vertebroplasty/pronunciation-en.toml"
LEXICON = {"vertebroplasty": "vertebroh-plassty", "calcitonin": "calsa-toenin"}


def test_respell_replaces_whole_words_ignoring_case_and_keeps_everything_else() -> None:
    text = "Vertebroplasty (VERTEBROPLASTY's sibling) isn't kyphovertebroplasty;  calcitonin!\n"

    spoken, _ = respell(text, LEXICON)

    assert spoken == (
        "vertebroh-plassty (vertebroh-plassty's sibling) isn't kyphovertebroplasty;  "
        "calsa-toenin!\n"
    )


def test_every_spoken_character_maps_to_the_character_it_came_from() -> None:
    text = "Ask about vertebroplasty, and calcitonin."

    spoken, index_map = respell(text, LEXICON)

    assert len(index_map) == len(spoken)
    assert index_map == sorted(index_map)
    replaced = []
    for shown_word, spoken_word in [
        ("vertebroplasty", "vertebroh-plassty"),
        ("calcitonin", "calsa-toenin"),
    ]:
        spoken_start = spoken.index(spoken_word)
        replaced.append(range(spoken_start, spoken_start + len(spoken_word)))
        start, end = shown_span(index_map, spoken_start, spoken_start + len(spoken_word))
        assert text[start:end] == shown_word
    # Outside the replacements every character maps to the same character on screen.
    kept = [i for i in range(len(spoken)) if not any(i in r for r in replaced)]
    assert all(spoken[i] == text[index_map[i]] for i in kept)
    assert "".join(spoken[i] for i in kept) == "Ask about , and ."


def test_without_a_list_the_text_is_spoken_as_shown() -> None:
    spoken, index_map = respell("Vertebroplasty helps.", {})

    assert spoken == "Vertebroplasty helps."
    assert index_map == list(range(len(spoken)))


def test_spoken_word_timings_map_back_to_the_words_on_screen() -> None:
    shown = "Vertebroplasty, calcitonin and osteoporosis: three hard words."
    spoken, index_map = respell(shown, load_lexicon(SHIPPED))
    synth = Synthesizer("en")
    try:
        audio = synth.synthesize(spoken, 150)
    finally:
        synth.close()

    on_screen = [shown[slice(*shown_span(index_map, w.start, w.end))] for w in audio.words]
    assert on_screen == re.findall(r"\w+", shown)


def test_the_shipped_list_loads_and_changes_what_espeak_says() -> None:
    lexicon = load_lexicon(SHIPPED)

    assert set(lexicon) == {"vertebroplasty", "osteoporosis", "calcitonin"}
    espeak = shutil.which("espeak-ng")
    assert espeak is not None, "the espeak-ng package is not installed"
    for written, spoken in lexicon.items():
        before, after = (
            subprocess.run(
                [espeak, "-v", "en-us", "-x", "-q", word],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            for word in (written, spoken)
        )
        assert before != after, f"{written}: the respelling changes nothing ({before})"


def test_a_missing_list_is_empty(tmp_path: Path) -> None:
    assert load_lexicon(tmp_path / "pronunciation-es.toml") == {}


def test_a_list_with_only_comments_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "pronunciation-en.toml"
    path.write_text("# eSpeak says every word right.\n\n[words]\n", encoding="utf-8")

    assert load_lexicon(path) == {}


@pytest.mark.parametrize(
    ("source", "line", "problem"),
    [
        ('[words]\nvertebroplasty = "vertebroh-plassty\n', 2, "not valid TOML"),
        ("[words]\n\nvertebroplasty = vertebroh\n", 3, "not valid TOML"),
        ('[word]\nvertebroplasty = "x"\n', 1, "unknown key 'word'"),
        ('words = "vertebroplasty"\n', 1, "'words' must be a table"),
        (
            '[words]\nkyphoplasty = "ok"\nvertebroplasty = 3\n',
            3,
            "'vertebroplasty' needs its spoken",
        ),
        ('[words]\nvertebroplasty = "  "\n', 2, "'vertebroplasty' needs its spoken"),
        ('[words]\n"" = "nothing"\n', 2, "'' is not a word"),
        ('[words]\n" padded" = "x"\n', 2, "' padded' is not a word"),
        (
            '[words]\nCalcitonin = "a"\n\ncalcitonin = "b"\n',
            4,
            "'calcitonin' is listed twice (also as 'Calcitonin')",
        ),
    ],
)
def test_a_broken_list_names_the_file_line_and_problem(
    tmp_path: Path, source: str, line: int, problem: str
) -> None:
    path = tmp_path / "pronunciation-en.toml"
    path.write_text(source, encoding="utf-8")

    with pytest.raises(LexiconError) as raised:
        load_lexicon(path)

    assert str(raised.value).startswith(f"{path}, line {line}: {problem}")
    assert isinstance(raised.value, ContentError), "reported like any content problem"


def test_a_list_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "pronunciation-es.toml"
    path.write_bytes('[words]\nespaña = "x"\n'.encode("latin-1"))

    with pytest.raises(LexiconError, match=r", line 2: the text is not UTF-8; save the file"):
        load_lexicon(path)


def test_a_list_saved_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "pronunciation-en.toml"
    path.write_bytes('[words]\ncalcitonin = "calsa-toenin"\n'.encode("utf-8-sig"))
    assert load_lexicon(path) == {"calcitonin": "calsa-toenin"}

"""Broken content packs name the file, the line and the problem; odd but valid packs load."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.content import (
    BlockKind,
    ContentError,
    Leaflet,
    check_path,
    leaflet_header,
    load_leaflet,
)

PackWriter = Callable[..., Path]  # the write_pack fixture: (content, name="en.md") -> file

# Line numbers below refer to this file: line 3 is the language, 7 the introduction,
# 11 the first section's text, 13 the question heading, 15 and 16 the questions.
VALID = """\
+++
title = "Knee injections"
language = "en"
source = "Clinic staff"
+++

An introduction.

## What is it?

Some text.

## Questions to ask your doctor

- [ ] Is this right for me?
- [ ] How long does it take?
"""


def _edit(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new)


def _after_text(snippet: str) -> str:
    """VALID with ``snippet`` starting on line 13, after the first section's text."""
    return _edit("Some text.\n", f"Some text.\n\n{snippet}\n")


def _load(file: Path) -> Leaflet:
    return load_leaflet(file.parent, file.stem)


def _assert_names(error: ContentError, file: Path, line: int | None, problem: str) -> None:
    where = f"{file}, line {line}: " if line else f"{file}: "
    assert str(error).startswith(where)
    assert problem in str(error)
    assert error.line == line


def test_the_valid_pack_these_cases_break_loads(write_pack: PackWriter) -> None:
    leaflet = _load(write_pack(VALID))
    assert [s.heading for s in leaflet.sections] == [
        "Knee injections",
        "What is it?",
        "Questions to ask your doctor",
    ]
    assert [q.text for q in leaflet.questions] == [
        "Is this right for me?",
        "How long does it take?",
    ]
    # A pack from before the header had a publisher: it loads, and names only its source.
    assert leaflet.publisher is None
    assert leaflet.source == "Clinic staff"


@pytest.mark.parametrize(
    ("content", "line", "problem"),
    [
        pytest.param(VALID.split("+++\n", 2)[2], 1, "must start with a header", id="no header"),
        pytest.param(
            _edit('source = "Clinic staff"\n+++', 'source = "Clinic staff"'),
            1,
            "the header is not closed",
            id="unclosed header",
        ),
        pytest.param(
            _edit('language = "en"', "language = en"),
            3,
            "the header is not valid",
            id="bad TOML",
        ),
        pytest.param(
            _edit('title = "Knee injections"', '# The title:\ntitle = "Knee injections'),
            3,
            "the header is not valid",
            id="bad TOML after a comment",
        ),
        pytest.param(
            _edit('title = "Knee injections"\n', ""), 1, "the header has no 'title'", id="no title"
        ),
        pytest.param(
            _edit('language = "en"\n', ""), 1, "the header has no 'language'", id="no language"
        ),
        pytest.param(
            _edit('source = "Clinic staff"\n', ""), 1, "the header has no 'source'", id="no source"
        ),
        pytest.param(
            _edit('source = "Clinic staff"\n', 'source = "Clinic staff"\nauthor = "Jo"\n'),
            5,
            "unknown header key 'author'",
            id="unknown header key",
        ),
        pytest.param(
            _edit('source = "Clinic staff"', "source = 3"),
            4,
            "header key 'source' must be non-empty text",
            id="source not text",
        ),
        pytest.param(
            _edit('source = "Clinic staff"\n', 'source = "Clinic staff"\npublisher = 3\n'),
            5,
            "header key 'publisher' must be non-empty text",
            id="publisher not text",
        ),
        pytest.param(
            _edit('source = "Clinic staff"\n', 'source = "Clinic staff"\npublisher = ""\n'),
            5,
            "header key 'publisher' must be non-empty text",
            id="publisher empty",
        ),
        pytest.param(
            _edit('language = "en"', 'language = "fr"'),
            3,
            "unknown language 'fr'",
            id="unknown language",
        ),
        pytest.param(
            _edit('language = "en"', 'language = "es"'),
            3,
            "the header says language 'es' but the file is named en.md",
            id="language not the file name",
        ),
        pytest.param(
            _edit("## What is it?\n\nSome text.\n\n", ""),
            None,
            "the leaflet has no sections",
            id="no sections",
        ),
        pytest.param(
            _edit("- [ ] ", "- "), None, "the leaflet has no question list", id="no question list"
        ),
        pytest.param(
            _edit("\n- [ ] Is this right for me?\n- [ ] How long does it take?\n", ""),
            13,
            "the section 'Questions to ask your doctor' has no text",
            id="question heading without questions",
        ),
        pytest.param(
            _edit(
                "## Questions to ask your doctor\n\n- [ ] Is this right for me?", "# Empty\n"
            ).replace("- [ ] How long does it take?\n", ""),
            13,
            "the heading 'Empty' has no sections (## ...) or text under it",
            id="part heading with nothing under it",
        ),
        pytest.param(
            _edit("- [ ] How long", "- How long"),
            15,
            "the question list mixes questions (- [ ] ...) with plain items (- ...)",
            id="question list with a plain item",
        ),
        pytest.param(
            VALID + "\n## More questions\n\n- [ ] Who will do it?\n",
            20,
            "more than one question list",
            id="second question list",
        ),
        pytest.param(_after_text("| a | b |\n|---|---|\n| 1 | 2 |"), 13, "tables", id="table"),
        pytest.param(_after_text("```\ncode\n```"), 13, "code blocks", id="code block"),
        pytest.param(_after_text("    code"), 13, "indented code blocks", id="indented code"),
        pytest.param(_after_text("> A quote."), 13, "quotations", id="blockquote"),
        pytest.param(_after_text("### Smaller"), 13, "only # and ## headings", id="### heading"),
        pytest.param(_after_text("1. First"), 13, "numbered lists", id="numbered list"),
        pytest.param(_after_text("***"), 13, "horizontal rules", id="horizontal rule"),
        pytest.param(
            _after_text("- Outer\n  - Inner"), 14, "no lists inside lists", id="nested list"
        ),
        # Text that would show blank: only zero-width and other invisible characters.
        pytest.param(
            _edit("- [ ] How long does it take?", "- [ ] \u200b\u2060"),
            16,
            "the question has no text after - [ ] (only invisible characters",
            id="question of zero-width characters",
        ),
        pytest.param(
            _edit("- [ ] How long does it take?", "- [ ]\u200b"),
            16,
            "the question has no text after - [ ] (only invisible characters",
            id="zero-width space right after - [ ]",
        ),
        pytest.param(
            _edit("## What is it?", "## \u200b\u00ad"),
            9,
            "the heading has no text (only invisible characters",
            id="heading of zero-width space and soft hyphen",
        ),
        pytest.param(
            _edit("Some text.", "\u200c \ufeff\u200d"),
            11,
            "the paragraph has no text (only invisible characters",
            id="paragraph of zero-width characters",
        ),
        pytest.param(
            _after_text("- \u200b"), 13, "the list item has no text", id="blank list item"
        ),
        pytest.param(
            _edit('title = "Knee injections"', 'title = "\u200b"'),
            2,
            "header key 'title' must be non-empty text",
            id="title of a zero-width space",
        ),
        # Control and bidi characters: invisible, and they move or hide what is shown.
        pytest.param(
            _edit("Some text.", "Some\x07 text."),
            11,
            "column 5 holds an invisible control character (U+0007)",
            id="bell character",
        ),
        pytest.param(_edit("Some text.", "Some\x00 text."), 11, "(U+0000)", id="NUL character"),
        pytest.param(_edit("Some text.", "Some\x85 text."), 11, "(U+0085)", id="C1 control"),
        pytest.param(
            _edit("Some text.", "Some \u202etxet."),
            11,
            "column 6 holds an invisible control character (U+202E RIGHT-TO-LEFT OVERRIDE)",
            id="right-to-left override in text",
        ),
        pytest.param(
            _edit('source = "Clinic staff"', 'source = "Clinic \u202estaff"'),
            4,
            "(U+202E RIGHT-TO-LEFT OVERRIDE)",
            id="right-to-left override in the header",
        ),
        pytest.param(
            _edit("- [ ] Is this right", "- [ ] Is \u2067this\u2069 right"),
            15,
            "(U+2067 RIGHT-TO-LEFT ISOLATE)",
            id="bidi isolate in a question",
        ),
        pytest.param(
            _edit("Some text.", "Some text.\u200f"),
            11,
            "(U+200F RIGHT-TO-LEFT MARK)",
            id="right-to-left mark",
        ),
        # Questions (- [ ] ...) only in the questions section, which holds nothing else.
        pytest.param(
            _after_text("- [ ] Is it safe?"),
            13,
            "questions (- [ ] ...) cannot go in the section 'What is it?', which has other text",
            id="checklist in a topic before the question list",
        ),
        pytest.param(
            _edit("## Questions to ask your doctor\n\n", ""),
            13,
            "questions (- [ ] ...) cannot go in the section 'What is it?', which has other text",
            id="checklist at the end of a topic",
        ),
        pytest.param(
            _edit("- [ ] Is this right", "- [ ] Is it safe?\n\nMore text.\n\n- [ ] Is this right"),
            17,
            "the section 'Questions to ask your doctor' holds the questions (line 15), "
            "so it can hold nothing else",
            id="text between the questions",
        ),
        pytest.param(
            VALID + "\nTick the ones you want.\n",
            18,
            "the section 'Questions to ask your doctor' holds the questions (line 15)",
            id="text after the questions",
        ),
        pytest.param(
            _edit("An introduction.", "- [ ] Is it early?"),
            7,
            "questions (- [ ] ...) cannot go in the introduction (the text before the first "
            "heading); put them under a heading of their own",
            id="checklist in the introduction",
        ),
        pytest.param(
            _edit("Some text.", "- [ ] Is it safe?"),
            15,
            "there is more than one question list (the first is at line 11)",
            id="checklist as a topic's only text, and the question list",
        ),
        pytest.param(
            _after_text("- Plain\n- [ ] Is it safe?"),
            13,
            "questions (- [ ] ...) cannot go in the section 'What is it?'",
            id="question among a topic's plain items",
        ),
        # Images and links: a kiosk shows neither a picture nor where a link goes.
        pytest.param(_after_text("![A picture](x.png)"), 13, "images", id="image with text"),
        pytest.param(_after_text("![](x.png)"), 13, "images", id="image without text"),
        pytest.param(
            _edit("- [ ] Is this right", "- [ ] Is ![me](me.png) right"),
            15,
            "images",
            id="image in a question",
        ),
        pytest.param(
            _after_text("See [our page](https://example.com)."),
            13,
            "a link [text](address)",
            id="link",
        ),
        pytest.param(
            _after_text("The first line,\nthen [a link](https://example.com)."),
            14,
            "a link [text](address)",
            id="link on a paragraph's second line",
        ),
        pytest.param(
            _after_text("See [our page][1].\n\n[1]: https://example.com"),
            13,
            "a link [text](address)",
            id="reference link",
        ),
        pytest.param(
            _after_text("[note]: https://example.com"),
            13,
            "a link definition ([name]: address)",
            id="link definition alone",
        ),
        # Sizes past which a page takes too long to show (see parser.py).
        pytest.param(
            _edit("Some text.", "Word. " * 3400),
            9,
            "the section 'What is it?' is 20,410 characters long; a page may hold at most 20,000",
            id="section too long",
        ),
    ],
)
def test_broken_leaflet_names_file_line_and_problem(
    write_pack: PackWriter, content: str, line: int | None, problem: str
) -> None:
    file = write_pack(content)
    with pytest.raises(ContentError) as caught:
        _load(file)
    _assert_names(caught.value, file, line, problem)


def test_text_that_is_not_utf8_names_its_line(write_pack: PackWriter) -> None:
    data = _edit("An introduction.", "Caf\xe9 introduction.").encode("latin-1")
    assert data.split(b"\n")[6] == b"Caf\xe9 introduction."
    file = write_pack(data)
    with pytest.raises(ContentError) as caught:
        _load(file)
    _assert_names(caught.value, file, 7, "the text is not UTF-8")


def test_crlf_line_endings_keep_line_numbers(write_pack: PackWriter) -> None:
    file = write_pack(_edit("- [ ] How long", "- How long").replace("\n", "\r\n"))
    with pytest.raises(ContentError) as caught:
        _load(file)
    _assert_names(caught.value, file, 15, "mixes questions")


def test_missing_language_file(write_pack: PackWriter) -> None:
    file = write_pack(VALID)
    with pytest.raises(ContentError) as caught:
        load_leaflet(file.parent, "es")
    _assert_names(caught.value, file.with_name("es.md"), None, "the file does not exist")


def test_missing_pack_folder(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_leaflet(tmp_path / "nosuch", "en")
    _assert_names(caught.value, tmp_path / "nosuch", None, "the content pack does not exist")


def test_check_of_a_folder_without_leaflets(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        check_path(tmp_path)
    _assert_names(caught.value, tmp_path, None, "the folder has no leaflet files")


def test_check_of_a_folder_names_the_broken_file(write_pack: PackWriter) -> None:
    write_pack(VALID)
    broken = write_pack(_edit('language = "en"', 'language = "en"\n'), name="es.md")
    with pytest.raises(ContentError) as caught:
        check_path(broken.parent)
    _assert_names(
        caught.value, broken, 3, "the header says language 'en' but the file is named es.md"
    )


def test_byte_order_mark_and_crlf_load_like_plain_text(write_pack: PackWriter) -> None:
    plain = _load(write_pack(VALID))
    windows = _load(write_pack(b"\xef\xbb\xbf" + VALID.replace("\n", "\r\n").encode("utf-8")))
    assert windows.title == "Knee injections"
    assert windows.sections == plain.sections


def _first_section_text(write_pack: PackWriter, paragraph: str) -> list[str]:
    leaflet = _load(write_pack(_edit("Some text.", paragraph)))
    return [block.text for block in leaflet.sections[1].body]


def test_html_stays_literal_text(write_pack: PackWriter) -> None:
    html = '<img src=x onerror=alert(1)> and <a href="http://example.com">link</a>'
    assert _first_section_text(write_pack, html) == [html]


def test_html_block_stays_literal_text(write_pack: PackWriter) -> None:
    html = "<div>Some <b>text</b>.</div>"
    assert _first_section_text(write_pack, html) == [html]


def test_markdown_emphasis_is_flattened(write_pack: PackWriter) -> None:
    text = "A **bold** word, an *aside* and `code`."
    assert _first_section_text(write_pack, text) == ["A bold word, an aside and code."]


def test_an_address_in_angle_brackets_is_shown(write_pack: PackWriter) -> None:
    """<https://...> is a link whose text is its address: the patient sees where it goes."""
    text = "See <https://medlineplus.gov> or write to <help@example.org>."
    assert _first_section_text(write_pack, text) == [
        "See https://medlineplus.gov or write to help@example.org."
    ]


def test_invisible_characters_inside_text_are_kept(write_pack: PackWriter) -> None:
    """Zero-width characters and soft hyphens beside visible text are legitimate (a hyphenation
    point, an emoji joiner): only text that would show blank is refused."""
    text = "Verte\u00adbro\u00adplasty \u200bhelps."
    assert _first_section_text(write_pack, text) == [text]


def test_a_leaflet_of_more_pages_than_a_home_page_can_hold(write_pack: PackWriter) -> None:
    def with_topics(count: int) -> str:
        topics = "".join(f"## Topic {n}\n\nText.\n\n" for n in range(1, count + 1))
        return _edit("## Questions to ask", topics + "## Questions to ask")

    assert len(_load(write_pack(with_topics(97))).sections) == 100
    file = write_pack(with_topics(98))
    with pytest.raises(ContentError) as caught:
        _load(file)
    _assert_names(
        caught.value,
        file,
        13 + 98 * 4,  # the question heading, which starts page 101
        "the leaflet has more than 100 pages (sections); the home page has a button for "
        "each: join some of them",
    )


def test_question_list_items_become_questions(write_pack: PackWriter) -> None:
    leaflet = _load(write_pack(VALID))
    kinds = [block.kind for block in leaflet.questions_section.body]
    assert kinds == [BlockKind.QUESTION, BlockKind.QUESTION]


def test_an_empty_question_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "en.md"
    path.write_text(
        '+++\ntitle = "T"\nlanguage = "en"\nsource = "S"\n+++\n\n## A\n\nText.\n\n'
        "## Questions\n\n- [ ] One?\n- [ ]\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as caught:
        check_path(path)
    assert caught.value.line == 14
    assert "has no text" in caught.value.problem


def test_a_single_leaflet_file_must_match_the_configured_language(tmp_path: Path) -> None:
    path = tmp_path / "leaflet.md"
    path.write_text(
        '+++\ntitle = "T"\nlanguage = "es"\nsource = "S"\n+++\n\n## A\n\nTexto.\n\n'
        "## Preguntas\n\n- [ ] ¿Una?\n",
        encoding="utf-8",
    )
    assert [leaflet.language for leaflet in check_path(path)] == ["es"]
    with pytest.raises(ContentError, match="in 'es' but the kiosk is set to 'en'"):
        load_leaflet(path, "en")


def test_the_header_alone_is_read_for_the_welcome_screen(write_pack: PackWriter) -> None:
    """The welcome screen is shown from the header before the body is parsed: a body error
    is found later (by load_leaflet), a header error at once, with its line."""
    broken_body = write_pack(_edit("Some text.", "```\ncode\n```"))
    header = leaflet_header(broken_body.parent, "en")
    assert (header.title, header.language, header.welcome) == ("Knee injections", "en", None)
    with pytest.raises(ContentError, match="code blocks"):
        load_leaflet(broken_body.parent, "en")
    broken_header = write_pack(_edit('title = "Knee injections"\n', ""))
    with pytest.raises(ContentError, match="title") as error:
        leaflet_header(broken_header.parent, "en")
    assert str(broken_header) in str(error.value)
    sound = write_pack(VALID)
    with pytest.raises(ContentError, match="is in 'en' but the kiosk is set to 'es'"):
        leaflet_header(sound, "es")

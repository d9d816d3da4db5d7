"""Reads one leaflet file (Markdown with a TOML header) into the content model, validating it."""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.content.errors import ContentError, toml_error_position
from kiosk.content.model import Block, BlockKind, Leaflet, Section, SectionKind
from kiosk.content.sentences import split_sentences
from kiosk.content.textfile import LEAFLET_LIMIT_BYTES, read_text_file

# markdown-it is imported where the body is parsed: reading a leaflet's header alone (for the
# welcome screen, shown before anything else) does not need it.
if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

HEADER_FENCE = "+++"
REQUIRED_KEYS = ("title", "language", "source")
OPTIONAL_KEYS = ("publisher", "url", "welcome", "summary", "translated_from", "reviewed_by")
# A translation says so: translated_from names the original's language, and reviewed_by stays
# empty until a medical translator has checked it (content check and doctor tell staff).
MAY_BE_EMPTY = frozenset({"reviewed_by"})
_REVIEWED_BY_EXAMPLE = 'reviewed_by = "Ana Pérez, 2026-12-01"'

# Sizes past which a page takes too long to show. Measured offscreen on the development
# machine: a section of 200,000 characters took 0.8 s to show (a 5 MB one 36 s on a kiosk),
# one of 20,000 under 0.1 s; a home page of 1,000 buttons took 1.7 s to build, 100 about 0.2 s.
# The shipped leaflet's longest section is 877 characters, and it has 8 pages.
MAX_SECTION_CHARS = 20_000
MAX_SECTIONS = 100
MAX_HEADER_CHARS = 1_000

# Where the questions go, for messages: the questions section is a heading followed only by
# questions (- [ ] ...); it becomes the page where the patient ticks them.
_QUESTIONS_GO = (
    "put them under a heading of their own, such as # Questions to ask your doctor, "
    "with nothing else under it"
)
_IMAGES = (
    "images are not supported in a leaflet (![...](...)); remove it, and describe the "
    "picture in words if it matters"
)
_LINKS = (
    "a link [text](address) cannot be followed on the kiosk, and its address would not show; "
    "write the address as plain text, such as: see www.medlineplus.gov"
)
_LINK_DEFINITIONS = (
    "a link definition ([name]: address) is never shown; write the address in a sentence "
    "instead, such as: More at www.medlineplus.gov"
)
# Letters that fonts draw as nothing (Hangul fillers, the blank Braille cell).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Characters that take no room when shown: format characters (zero-width space and joiners,
# word joiner, soft hyphen, byte-order mark) and marks with no letter to sit on.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Mn", "Me"})

# Block types a leaflet may use; anything else is refused with a plain message rather than
# silently dropped, so that staff see at once why their text does not appear.
_UNSUPPORTED = {
    "fence": "code blocks",
    "code_block": "indented code blocks (remove the spaces at the start of the line)",
    "blockquote": "quotations starting with >",
    "table": "tables",
    "hr": "horizontal rules",
    "ordered_list": "numbered lists (use - at the start of each item)",
}


def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt  # noqa: PLC0415 (see the imports above)
    from mdit_py_plugins.tasklists import tasklists_plugin  # noqa: PLC0415

    # html=False: any HTML in a leaflet stays literal text; it is never markup.
    # Tables are not in CommonMark; enabling them lets a table be refused by line instead of
    # showing up as a paragraph of | characters.
    # Entities (&amp;) stay as typed too: staff see on screen exactly what they wrote.
    md = MarkdownIt("commonmark", {"html": False}).enable("table").disable("entity")
    return md.use(tasklists_plugin)


def parse_leaflet(
    path: Path, supported_languages: frozenset[str], file_language: str | None = None
) -> Leaflet:
    """Parse and validate the leaflet file at ``path``; raise ``ContentError`` on any problem.

    ``file_language`` is the language the file's name promises (``en`` for ``en.md``), which
    the header must agree with.
    """
    text = _read_text(path)
    header, body, body_line = _split_header(path, text)
    meta = _checked_header(path, header, supported_languages, file_language)
    builder = _SectionBuilder(path, title=meta["title"], language=meta["language"])
    env: dict[str, Any] = {}  # markdown-it puts link definitions ([name]: address) here
    builder.feed(_markdown().parse(body, env), line_offset=body_line - 1)
    _check_no_link_definitions(path, env, line_offset=body_line - 1)
    sections = builder.finish()
    return Leaflet(
        title=meta["title"],
        language=meta["language"],
        source=meta["source"],
        publisher=meta.get("publisher"),
        url=meta.get("url"),
        welcome=meta.get("welcome"),
        summary=meta.get("summary"),
        sections=sections,
        path=str(path),
        translated_from=meta.get("translated_from"),
        reviewed_by=meta.get("reviewed_by", ""),
    )


@dataclass(frozen=True)
class LeafletHeader:
    """What a leaflet file's header says, read without its body."""

    title: str
    language: str
    welcome: str | None
    translated_from: str | None = None  # a translation: the original's language ("en")
    summary: str | None = None  # the topic menu's one line, in a kiosk of several leaflets
    reviewed_by: str = ""  # who checked the translation, and when; "": nobody yet


def read_header(
    path: Path, supported_languages: frozenset[str], file_language: str | None = None
) -> LeafletHeader:
    """Read and check only the header of the leaflet file at ``path``; raise ``ContentError``
    on a problem in it. The body is not read: ``parse_leaflet`` checks that."""
    header, _body, _line = _split_header(path, _read_text(path))
    meta = _checked_header(path, header, supported_languages, file_language)
    return LeafletHeader(
        meta["title"],
        meta["language"],
        meta.get("welcome"),
        translated_from=meta.get("translated_from"),
        summary=meta.get("summary"),
        reviewed_by=meta.get("reviewed_by", ""),
    )


def _checked_header(
    path: Path, header: str, supported_languages: frozenset[str], file_language: str | None
) -> dict[str, str]:
    meta = _parse_header(path, header, supported_languages)
    if file_language is not None and meta["language"] != file_language:
        raise ContentError(
            path,
            _header_line(header, "language"),
            f"the header says language {meta['language']!r} but the file is named {path.name}",
        )
    return meta


def _read_text(path: Path) -> str:
    return read_text_file(path, limit_bytes=LEAFLET_LIMIT_BYTES, what="leaflet")


def _check_no_link_definitions(path: Path, env: dict[str, Any], line_offset: int) -> None:
    # A definition is not a block of its own in the token stream: without this it vanishes.
    lines = [ref["map"][0] for ref in env.get("references", {}).values() if ref.get("map")]
    if lines:
        raise ContentError(path, min(lines) + 1 + line_offset, _LINK_DEFINITIONS)


def _split_header(path: Path, text: str) -> tuple[str, str, int]:
    """Return the header text, the body text and the 1-based line the body starts on."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != HEADER_FENCE:
        raise ContentError(
            path, 1, f"the file must start with a header between two lines of {HEADER_FENCE}"
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == HEADER_FENCE:
            header = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return header, body, index + 2
    raise ContentError(path, 1, f"the header is not closed with a line of {HEADER_FENCE}")


def _parse_header(path: Path, header: str, supported_languages: frozenset[str]) -> dict[str, str]:
    try:
        raw = tomllib.loads(header)
    except tomllib.TOMLDecodeError as error:
        # "end of document" is the header's last line.
        line, message = toml_error_position(error, last_line=header.count("\n") + 1)
        # tomllib counts lines from the first header line, which is file line 2.
        raise ContentError(
            path,
            line + 1 if line else None,
            f"the header is not valid ({message}); "
            'write each value as key = "text", with quotation marks',
        ) from None
    meta: dict[str, str] = {}
    for key, value in raw.items():
        if key not in REQUIRED_KEYS + OPTIONAL_KEYS:
            allowed = ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS)
            raise ContentError(
                path, _header_line(header, key), f"unknown header key {key!r}; allowed: {allowed}"
            )
        if key in MAY_BE_EMPTY and not isinstance(value, str):
            raise ContentError(
                path,
                _header_line(header, key),
                f"header key {key!r} must be text in quotation marks, such as "
                f'{_REVIEWED_BY_EXAMPLE}, or "" until a medical translator has checked it',
            )
        if not isinstance(value, str) or (_shows_nothing(value) and key not in MAY_BE_EMPTY):
            raise ContentError(
                path, _header_line(header, key), f"header key {key!r} must be non-empty text"
            )
        if len(value) > MAX_HEADER_CHARS:
            raise ContentError(
                path,
                _header_line(header, key),
                f"header key {key!r} is {len(value):,} characters long; "
                f"keep it under {MAX_HEADER_CHARS:,}",
            )
        meta[key] = value.strip()
    for key in REQUIRED_KEYS:
        if key not in meta:
            raise ContentError(path, 1, f"the header has no {key!r}")
    if meta["language"] not in supported_languages:
        allowed = ", ".join(sorted(supported_languages))
        raise ContentError(
            path,
            _header_line(header, "language"),
            f"unknown language {meta['language']!r}; supported: {allowed}",
        )
    _check_translation(path, header, meta, supported_languages)
    return meta


def _check_translation(
    path: Path, header: str, meta: dict[str, str], supported_languages: frozenset[str]
) -> None:
    """translated_from names another language the kiosk has; reviewed_by only in a
    translation."""
    original = meta.get("translated_from")
    others = ", ".join(sorted(supported_languages - {meta["language"]}))
    if original is None:
        if meta.get("reviewed_by"):
            raise ContentError(
                path,
                _header_line(header, "reviewed_by"),
                "reviewed_by is for a translation, and this file does not say it is one; "
                f"add translated_from with the original's language ({others}), or remove "
                "reviewed_by",
            )
        return
    if original == meta["language"]:
        problem = (
            f"translated_from is {original!r}, the file's own language; name the language of "
            f"the file it was translated from ({others}), or remove the line if this file is "
            "the original"
        )
    elif original not in supported_languages:
        problem = (
            f"translated_from is {original!r}, not a language the kiosk has; name the "
            f"language of the file it was translated from ({others})"
        )
    else:
        return
    raise ContentError(path, _header_line(header, "translated_from"), problem)


def _header_line(header: str, key: str) -> int | None:
    for number, line in enumerate(header.split("\n"), start=2):
        if line.split("=", 1)[0].strip() == key:
            return number
    return None


@dataclass
class _Draft:
    kind: SectionKind
    part: str | None
    heading: Block
    blocks: list[Block] = field(default_factory=list)
    is_part_heading: bool = False


class _SectionBuilder:
    """Turns markdown-it's token stream into sections.

    Text before the first heading is the introduction (headed by the leaflet's title). A ``#``
    heading starts a part, which groups the ``##`` sections after it; a ``#`` heading followed
    directly by text is a section of its own. The questions section is a heading followed only
    by one checklist (``- [ ] ...``); a checklist anywhere else is refused.
    """

    def __init__(self, path: Path, title: str, language: str = "en") -> None:
        self._path = path
        self._language = language  # how its sentences end ("Dr." goes on, in Spanish "Sra.")
        self._line_offset = 0
        self._part: str | None = None
        self._empty_part: Block | None = None
        self._sections: list[_Draft] = []
        self._current = _Draft(
            SectionKind.INTRODUCTION, None, self._block(BlockKind.HEADING, title, 1)
        )
        self._questions_line: int | None = None  # where the checklist starts, once found

    def feed(self, tokens: list[Token], line_offset: int) -> None:
        self._line_offset = line_offset
        index = 0
        while index < len(tokens):
            index = self._take(tokens, index)

    def _line(self, token: Token) -> int:
        return (token.map[0] if token.map else 0) + 1 + self._line_offset

    def _inline_text(self, token: Token) -> str:
        """The plain text of an inline token: emphasis marks dropped, breaks as spaces. An
        image or a link is refused, on its own line."""
        line = self._line(token)
        parts: list[str] = []
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
                line += 1
            elif child.type == "image":
                raise ContentError(self._path, line, _IMAGES)
            elif child.type == "link_open" and child.markup != "autolink":
                # An autolink (<https://...>) shows its address as its text: it may stay.
                raise ContentError(self._path, line, _LINKS)
            # html_inline only comes from the task-list checkbox (raw HTML is off): skip it.
        return " ".join("".join(parts).split())

    def _take(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        if token.type == "heading_open":
            self._heading(token, self._inline_text(tokens[index + 1]))
            return index + 3
        if token.type == "paragraph_open":
            text = self._inline_text(tokens[index + 1])
            line = self._line(token)
            if _shows_nothing(text):
                raise ContentError(self._path, line, _no_text("the paragraph", text))
            self._add([self._block(BlockKind.PARAGRAPH, text, line)])
            return index + 3
        if token.type == "bullet_list_open":
            return self._list(tokens, index)
        base = token.type.removesuffix("_open")
        what = _UNSUPPORTED.get(base, f"this kind of text ({base})")
        raise ContentError(self._path, self._line(token), f"{what} are not supported in a leaflet")

    def _heading(self, token: Token, text: str) -> None:
        line = self._line(token)
        if token.tag not in ("h1", "h2"):
            raise ContentError(
                self._path, line, "only # and ## headings are supported (### and deeper are not)"
            )
        if _shows_nothing(text):
            raise ContentError(self._path, line, _no_text("the heading", text))
        self._close_section()
        heading = self._block(BlockKind.HEADING, text, line)
        if token.tag == "h1":
            self._check_no_empty_part()
            self._part = text
            self._current = _Draft(SectionKind.TOPIC, None, heading, is_part_heading=True)
        else:
            self._empty_part = None
            self._current = _Draft(SectionKind.TOPIC, self._part, heading)

    def _add(self, blocks: list[Block], *, questions: bool = False) -> None:
        if self._current.kind is SectionKind.QUESTIONS and not questions:
            raise ContentError(
                self._path,
                blocks[0].line,
                f"the section {self._current.heading.text!r} holds the questions "
                f"(line {self._questions_line}), so it can hold nothing else; move this text "
                "to another section, or give the questions a heading of their own",
            )
        if self._current.is_part_heading:
            # Text right under a # heading: that heading is a section of its own, in no part.
            self._current.is_part_heading = False
            self._part = None
        self._current.blocks.extend(blocks)

    def _list(self, tokens: list[Token], index: int) -> int:
        start_line = self._line(tokens[index])
        items: list[tuple[bool, Block]] = []
        index += 1
        while tokens[index].type != "bullet_list_close":
            token = tokens[index]
            # Between bullet_list_open and _close there are only list items.
            is_task = "task-list-item" in str(token.attrs.get("class", ""))
            line = self._line(token)
            index += 1
            texts: list[str] = []
            while tokens[index].type != "list_item_close":
                inner = tokens[index]
                if inner.type == "inline":
                    texts.append(self._inline_text(inner))
                elif inner.type not in ("paragraph_open", "paragraph_close"):
                    raise ContentError(
                        self._path,
                        self._line(inner) if inner.map else line,
                        "a list item may only hold text (no lists inside lists)",
                    )
                index += 1
            text = " ".join(t for t in texts if t)
            if is_task and _shows_nothing(text):
                problem = _no_text("the question", text, after=" after - [ ]")
                raise ContentError(self._path, line, problem)
            if not is_task and _visible(text).strip().lower() in ("[ ]", "[x]"):
                problem = _no_text("the question", text[3:], after=" after - [ ]")
                raise ContentError(self._path, line, problem)
            if _shows_nothing(text):
                raise ContentError(self._path, line, _no_text("the list item", text))
            kind = BlockKind.QUESTION if is_task else BlockKind.LIST_ITEM
            items.append((is_task, self._block(kind, text, line)))
            index += 1
        tasks = [is_task for is_task, _ in items]
        if any(tasks):
            self._start_checklist(start_line, all_questions=all(tasks))
        self._add([block for _, block in items], questions=any(tasks))
        return index + 1

    def _start_checklist(self, line: int, *, all_questions: bool) -> None:
        """Make the current section the questions section, if the checklist at ``line`` may
        go there: in a section of its own, the only one."""
        current = self._current
        if current.kind is SectionKind.INTRODUCTION:
            raise ContentError(
                self._path,
                line,
                f"questions (- [ ] ...) cannot go in the introduction (the text before the first "
                f"heading); {_QUESTIONS_GO}",
            )
        if current.blocks and current.kind is not SectionKind.QUESTIONS:
            raise ContentError(
                self._path,
                line,
                f"questions (- [ ] ...) cannot go in the section {current.heading.text!r}, "
                f"which has other text; {_QUESTIONS_GO}",
            )
        if self._questions_line is not None:
            raise ContentError(
                self._path,
                line,
                f"there is more than one question list (the first is at line "
                f"{self._questions_line}); keep one, under a heading of its own",
            )
        if not all_questions:
            raise ContentError(
                self._path,
                line,
                "the question list mixes questions (- [ ] ...) with plain items (- ...); "
                "start every question with - [ ]",
            )
        current.kind = SectionKind.QUESTIONS
        self._questions_line = line

    def _close_section(self) -> None:
        draft = self._current
        if draft.blocks:
            self._check_size(draft)
            self._sections.append(draft)
        elif draft.is_part_heading:
            self._empty_part = draft.heading
        elif draft.kind is not SectionKind.INTRODUCTION:  # a leaflet may have no introduction
            raise ContentError(
                self._path, draft.heading.line, f"the section {draft.heading.text!r} has no text"
            )

    def _check_size(self, draft: _Draft) -> None:
        length = sum(len(block.text) for block in (draft.heading, *draft.blocks))
        if length > MAX_SECTION_CHARS:
            raise ContentError(
                self._path,
                draft.heading.line,
                f"the section {draft.heading.text!r} is {length:,} characters long; a page may "
                f"hold at most {MAX_SECTION_CHARS:,}: split it into sections (## Heading)",
            )
        if len(self._sections) >= MAX_SECTIONS:
            raise ContentError(
                self._path,
                draft.heading.line,
                f"the leaflet has more than {MAX_SECTIONS} pages (sections); the home page has "
                "a button for each: join some of them",
            )

    def _check_no_empty_part(self) -> None:
        if self._empty_part is not None:
            raise ContentError(
                self._path,
                self._empty_part.line,
                f"the heading {self._empty_part.text!r} has no sections (## ...) or text under it",
            )

    def finish(self) -> tuple[Section, ...]:
        self._close_section()
        self._check_no_empty_part()
        if not any(d.kind is SectionKind.TOPIC for d in self._sections):
            raise ContentError(
                self._path, None, "the leaflet has no sections; start each one with ## Heading"
            )
        questions = [d for d in self._sections if d.kind is SectionKind.QUESTIONS]
        if not questions:
            raise ContentError(
                self._path,
                None,
                "the leaflet has no question list; add a heading followed by lines "
                "such as - [ ] Is this right for me?",
            )
        return tuple(Section(d.kind, d.part, (d.heading, *d.blocks)) for d in self._sections)

    def _block(self, kind: BlockKind, text: str, line: int) -> Block:
        return Block(kind, text, split_sentences(text, self._language), line)


def _shows_nothing(text: str) -> bool:
    """Whether ``text`` would show blank: nothing but spaces and invisible characters."""
    return not _visible(text).strip()


def _visible(text: str) -> str:
    return "".join(
        c
        for c in text
        if c not in _BLANK_LETTERS and unicodedata.category(c) not in _INVISIBLE_CATEGORIES
    )


def _no_text(what: str, text: str, after: str = "") -> str:
    if not text.strip():
        return f"{what} has no text{after}"
    return (
        f"{what} has no text{after} (only invisible characters, such as zero-width spaces); "
        "delete them and write the text"
    )

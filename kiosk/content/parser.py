"""Reads one leaflet file (Markdown with a TOML header) into the content model, validating it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.content.errors import ContentError, toml_error_position
from kiosk.content.model import Block, BlockKind, Leaflet, Section, SectionKind
from kiosk.content.sentences import split_sentences

# markdown-it is imported where the body is parsed: reading a leaflet's header alone (for the
# welcome screen, shown before anything else) does not need it.
if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

HEADER_FENCE = "+++"
REQUIRED_KEYS = ("title", "language", "source")
OPTIONAL_KEYS = ("url", "welcome")

# Block types a leaflet may use; anything else is refused with a plain message rather than
# silently dropped, so that staff see at once why their text does not appear.
_UNSUPPORTED = {
    "fence": "code blocks",
    "code_block": "indented code blocks (remove the spaces at the start of the line)",
    "blockquote": "quotations starting with >",
    "table": "tables",
    "hr": "horizontal rules",
    "ordered_list": "numbered lists (use - at the start of each item)",
    "image": "images",
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
    builder = _SectionBuilder(path, title=meta["title"])
    builder.feed(_markdown().parse(body), line_offset=body_line - 1)
    sections = builder.finish()
    return Leaflet(
        title=meta["title"],
        language=meta["language"],
        source=meta["source"],
        url=meta.get("url"),
        welcome=meta.get("welcome"),
        sections=sections,
        path=str(path),
    )


@dataclass(frozen=True)
class LeafletHeader:
    """What a leaflet file's header says, read without its body."""

    title: str
    language: str
    welcome: str | None


def read_header(
    path: Path, supported_languages: frozenset[str], file_language: str | None = None
) -> LeafletHeader:
    """Read and check only the header of the leaflet file at ``path``; raise ``ContentError``
    on a problem in it. The body is not read: ``parse_leaflet`` checks that."""
    header, _body, _line = _split_header(path, _read_text(path))
    meta = _checked_header(path, header, supported_languages, file_language)
    return LeafletHeader(meta["title"], meta["language"], meta.get("welcome"))


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
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError(path, None, "the file does not exist") from None
    except OSError as error:
        raise ContentError(path, None, f"the file cannot be read ({error.strerror})") from None
    try:
        # utf-8-sig: editors such as Notepad put a byte-order mark at the start.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ContentError(
            path, line, "the text is not UTF-8; save the file with UTF-8 encoding"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
        if not isinstance(value, str) or not value.strip():
            raise ContentError(
                path, _header_line(header, key), f"header key {key!r} must be non-empty text"
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
    return meta


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
    directly by text is a section of its own. A checklist (``- [ ] ...``) makes its section the
    questions section.
    """

    def __init__(self, path: Path, title: str) -> None:
        self._path = path
        self._line_offset = 0
        self._part: str | None = None
        self._empty_part: Block | None = None
        self._sections: list[_Draft] = []
        self._current = _Draft(SectionKind.INTRODUCTION, None, _block(BlockKind.HEADING, title, 1))

    def feed(self, tokens: list[Token], line_offset: int) -> None:
        self._line_offset = line_offset
        index = 0
        while index < len(tokens):
            index = self._take(tokens, index)

    def _line(self, token: Token) -> int:
        return (token.map[0] if token.map else 0) + 1 + self._line_offset

    def _take(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        if token.type == "heading_open":
            self._heading(token, _inline_text(tokens[index + 1]))
            return index + 3
        if token.type == "paragraph_open":
            text = _inline_text(tokens[index + 1])
            if text:
                self._add([_block(BlockKind.PARAGRAPH, text, self._line(token))])
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
        if not text:
            raise ContentError(self._path, line, "the heading has no text")
        self._close_section()
        heading = _block(BlockKind.HEADING, text, line)
        if token.tag == "h1":
            self._check_no_empty_part()
            self._part = text
            self._current = _Draft(SectionKind.TOPIC, None, heading, is_part_heading=True)
        else:
            self._empty_part = None
            self._current = _Draft(SectionKind.TOPIC, self._part, heading)

    def _add(self, blocks: list[Block]) -> None:
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
                    texts.append(_inline_text(inner))
                elif inner.type not in ("paragraph_open", "paragraph_close"):
                    raise ContentError(
                        self._path,
                        self._line(inner) if inner.map else line,
                        "a list item may only hold text (no lists inside lists)",
                    )
                index += 1
            text = " ".join(t for t in texts if t)
            if not text:
                raise ContentError(self._path, line, "the list item has no text")
            if not is_task and text.lower() in ("[ ]", "[x]"):
                raise ContentError(self._path, line, "the question has no text after - [ ]")
            kind = BlockKind.QUESTION if is_task else BlockKind.LIST_ITEM
            items.append((is_task, _block(kind, text, line)))
            index += 1
        tasks = [is_task for is_task, _ in items]
        if any(tasks):
            self._start_checklist(start_line, all_questions=all(tasks))
        self._add([block for _, block in items])
        return index + 1

    def _start_checklist(self, line: int, *, all_questions: bool) -> None:
        if not all_questions:
            raise ContentError(
                self._path,
                line,
                "the question list mixes questions (- [ ] ...) with plain items (- ...); "
                "start every question with - [ ]",
            )
        if self._current.kind is SectionKind.INTRODUCTION:
            raise ContentError(self._path, line, "the question list must be under its own heading")
        if self._current.kind is SectionKind.QUESTIONS or any(
            d.kind is SectionKind.QUESTIONS for d in self._sections
        ):
            raise ContentError(self._path, line, "there is more than one question list; keep one")
        self._current.kind = SectionKind.QUESTIONS

    def _close_section(self) -> None:
        draft = self._current
        if draft.blocks:
            self._sections.append(draft)
        elif draft.is_part_heading:
            self._empty_part = draft.heading
        elif draft.kind is not SectionKind.INTRODUCTION:  # a leaflet may have no introduction
            raise ContentError(
                self._path, draft.heading.line, f"the section {draft.heading.text!r} has no text"
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


def _block(kind: BlockKind, text: str, line: int) -> Block:
    return Block(kind, text, split_sentences(text), line)


def _inline_text(token: Token) -> str:
    """The plain text of an inline token: emphasis and link marks dropped, breaks as spaces."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
        # html_inline only comes from the task-list checkbox (raw HTML is off): skip it.
    return " ".join("".join(parts).split())

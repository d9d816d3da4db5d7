"""The leaflet's content model: sections, blocks and sentences with their character offsets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum


class BlockKind(Enum):
    """What a block of text is, which decides how it is shown and read."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    QUESTION = "question"


class SectionKind(Enum):
    """The role a section plays in the leaflet."""

    INTRODUCTION = "introduction"
    TOPIC = "topic"
    QUESTIONS = "questions"


@dataclass(frozen=True)
class Sentence:
    """One sentence of a block: ``block.text[start:end] == text``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Block:
    """A heading, paragraph, list item or question, with its sentences.

    ``line`` is the 1-based line of the content file the block starts on, so that staff can
    be told where a problem is.
    """

    kind: BlockKind
    text: str
    sentences: tuple[Sentence, ...]
    line: int


@dataclass(frozen=True)
class Question:
    """One question of the "questions to ask your doctor" checklist."""

    number: int  # 1-based, in the order of the leaflet
    text: str
    block: Block


@dataclass(frozen=True)
class Section:
    """A page of the leaflet: its heading block first, then its text blocks.

    ``part`` is the heading of the group the section belongs to in the original leaflet
    (for example "Path to improved health"), or ``None``.
    """

    kind: SectionKind
    part: str | None
    blocks: tuple[Block, ...]

    @property
    def heading(self) -> str:
        return self.blocks[0].text

    @property
    def body(self) -> tuple[Block, ...]:
        return self.blocks[1:]

    def sentences(self) -> Iterator[tuple[int, Sentence]]:
        """Every sentence in reading order, with the index of its block."""
        for index, block in enumerate(self.blocks):
            for sentence in block.sentences:
                yield index, sentence


@dataclass(frozen=True)
class Leaflet:
    """One leaflet in one language, as the kiosk shows it.

    ``sections`` is in reading order: the introduction, the topics, then the questions.
    """

    title: str
    language: str
    source: str  # the source the leaflet itself cites ("National Institutes of Health, ...")
    url: str | None
    sections: tuple[Section, ...]
    path: str
    # Who publishes the leaflet ("American Academy of Family Physicians, familydoctor.org");
    # None in a pack from before the header had it, which then names only its source.
    publisher: str | None = None
    welcome: str | None = None  # the welcome screen's invitation to touch it
    summary: str | None = None  # the topic menu's one line (kiosk.content.library)
    translated_from: str | None = None  # a translation: the original's language ("en")
    reviewed_by: str = ""  # who checked the translation, and when; "": nobody yet

    @property
    def unreviewed_translation(self) -> bool:
        """A translation no medical translator has checked yet (staff are told)."""
        return self.translated_from is not None and not self.reviewed_by

    @property
    def review_note(self) -> str:
        """What staff should know of a translation's review ("" for an original)."""
        if self.translated_from is None:
            return ""
        original = f"{self.translated_from}.md"
        if self.reviewed_by:
            return f"translated from {original}, reviewed by {self.reviewed_by}"
        return (
            f"translated from {original} and not yet reviewed by a medical translator "
            "(patients are offered it all the same); once one has, put their name and the "
            "date in reviewed_by"
        )

    @property
    def questions_section(self) -> Section:
        return next(s for s in self.sections if s.kind is SectionKind.QUESTIONS)

    @property
    def questions(self) -> tuple[Question, ...]:
        blocks = [b for b in self.questions_section.body if b.kind is BlockKind.QUESTION]
        return tuple(Question(n, b.text, b) for n, b in enumerate(blocks, start=1))

    def section_index(self, section: Section) -> int:
        return self.sections.index(section)

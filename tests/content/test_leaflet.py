"""The shipped vertebroplasty leaflet: its structure, and fidelity to the scraped original."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.content import BlockKind, Leaflet, Section, SectionKind

SEED = Path(__file__).with_name("seed-vertebroplasty-leaflet.txt")

SECTION_HEADINGS = [
    "What is a compression spine fracture?",
    "How are spinal fractures treated?",
    "How is vertebroplasty done?",
    "What is recovery like?",
    "Is the procedure safe?",
    "How do I know if vertebroplasty is right for me?",
    "Questions to ask your doctor",
]
QUESTIONS = [
    "Is vertebroplasty a good choice for me?",
    "How long will the procedure take?",
    "Will I receive local or general anesthesia?",
    "How long will my recovery time be?",
    "Will this take care of my broken bone, or will I need further treatment?",
]
# NOTES.md: the scraper put these two questions inside the complications list.
MISPLACED_QUESTIONS = [
    "How long will the procedure take?",
    "Will I receive local or general anesthesia?",
]
COMPLICATIONS = [
    "Allergic reaction to the medicines.",
    "Nerve injuries.",
    "Leakage of the bone cement into surrounding areas.",
]


def _section(leaflet: Leaflet, heading: str) -> Section:
    return next(s for s in leaflet.sections if s.heading == heading)


def test_header_gives_title_language_and_source(leaflet: Leaflet) -> None:
    assert leaflet.title == "Vertebroplasty for Spine Fracture Pain"
    assert leaflet.language == "en"
    assert leaflet.source == "National Institutes of Health, MedlinePlus: Vertebroplasty"
    # The seed's last line is the article's own source note; the publisher is the AAFP.
    assert leaflet.publisher == "American Academy of Family Physicians, familydoctor.org"


def test_introduction_comes_first_under_the_title(leaflet: Leaflet) -> None:
    intro = leaflet.sections[0]
    assert intro.kind is SectionKind.INTRODUCTION
    assert intro.heading == leaflet.title
    assert [b.kind for b in intro.body] == [BlockKind.PARAGRAPH]
    assert intro.body[0].text.startswith("Vertebroplasty is an outpatient procedure")


def test_has_the_seven_sections_in_order(leaflet: Leaflet) -> None:
    assert [s.heading for s in leaflet.sections[1:]] == SECTION_HEADINGS
    kinds = [s.kind for s in leaflet.sections[1:]]
    assert kinds == [SectionKind.TOPIC] * 6 + [SectionKind.QUESTIONS]


def test_has_the_five_questions_numbered_in_order(leaflet: Leaflet) -> None:
    assert [(q.number, q.text) for q in leaflet.questions] == list(enumerate(QUESTIONS, start=1))
    assert leaflet.questions_section.heading == "Questions to ask your doctor"


@pytest.mark.parametrize(
    ("heading", "part"),
    [
        ("What is a compression spine fracture?", None),
        ("How are spinal fractures treated?", None),
        ("How is vertebroplasty done?", "Path to improved health"),
        ("What is recovery like?", "Path to improved health"),
        ("Is the procedure safe?", "Things to consider"),
        ("How do I know if vertebroplasty is right for me?", "Things to consider"),
        ("Questions to ask your doctor", None),
    ],
)
def test_sections_belong_to_their_part(leaflet: Leaflet, heading: str, part: str | None) -> None:
    assert _section(leaflet, heading).part == part


def test_complications_are_three_list_items_without_the_misplaced_questions(
    leaflet: Leaflet,
) -> None:
    safety = _section(leaflet, "Is the procedure safe?")
    items = [b.text for b in safety.body if b.kind is BlockKind.LIST_ITEM]
    assert items == COMPLICATIONS
    texts = [b.text for b in safety.blocks]
    for question in MISPLACED_QUESTIONS:
        assert not any(question in text for text in texts)


def test_list_follows_its_lead_in_and_precedes_the_closing_paragraph(leaflet: Leaflet) -> None:
    body = _section(leaflet, "Is the procedure safe?").body
    assert [b.kind for b in body] == [
        BlockKind.PARAGRAPH,
        BlockKind.PARAGRAPH,
        *[BlockKind.LIST_ITEM] * 3,
        BlockKind.PARAGRAPH,
    ]
    assert body[1].text.endswith("Complications could include:")
    assert body[-1].text.startswith("These complications are rare.")


def _reading_order(leaflet: Leaflet) -> list[str]:
    """The leaflet's text as a reader meets it, with each part heading before its first section."""
    lines: list[str] = []
    part = None
    for section in leaflet.sections:
        if section.part is not None and section.part != part:
            lines.append(section.part)
        part = section.part
        lines.extend(block.text for block in section.blocks)
    lines.append(leaflet.source)
    return lines


def _seed_without_known_defects() -> list[str]:
    # The scraped page left no-break spaces where links were; the leaflet reads them as spaces.
    lines = [" ".join(line.split()) for line in SEED.read_text("utf-8").split("\n")]
    lines = [line.removeprefix("• ") for line in lines if line]
    # The print-stylesheet debris at the end.
    assert lines[-1].startswith("@media print {")
    del lines[-1]
    # The two questions the scraper put inside the complications list, after its first item.
    first = lines.index(COMPLICATIONS[0])
    assert lines[first + 1 : first + 3] == MISPLACED_QUESTIONS
    del lines[first + 1 : first + 3]
    return lines


def test_text_is_the_seed_word_for_word_without_its_scraping_defects(leaflet: Leaflet) -> None:
    assert _reading_order(leaflet) == _seed_without_known_defects()

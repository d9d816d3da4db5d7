"""Sentence splitting with character offsets, which narration and highlighting rely on."""

from __future__ import annotations

import pytest

from kiosk.content import Block, Leaflet
from kiosk.content.sentences import split_sentences


def _blocks(leaflet: Leaflet) -> list[Block]:
    return [block for section in leaflet.sections for block in section.blocks]


def test_every_sentence_of_the_leaflet_sits_at_its_offsets(leaflet: Leaflet) -> None:
    for block in _blocks(leaflet):
        assert block.sentences, block.text
        for sentence in block.sentences:
            assert block.text[sentence.start : sentence.end] == sentence.text


def test_sentences_cover_each_block_with_only_spaces_between(leaflet: Leaflet) -> None:
    for block in _blocks(leaflet):
        edges = [0, *(n for s in block.sentences for n in (s.start, s.end)), len(block.text)]
        gaps = [block.text[start:end] for start, end in zip(edges[::2], edges[1::2], strict=True)]
        assert all(gap.strip() == "" for gap in gaps), (block.text, gaps)
        assert all(s.text == s.text.strip() and s.text for s in block.sentences)


def test_leaflet_paragraph_splits_where_a_reader_would_pause(leaflet: Leaflet) -> None:
    intro = leaflet.sections[0].body[0]
    assert [s.text for s in intro.sentences] == [
        "Vertebroplasty is an outpatient procedure that is done to treat compression spine "
        "fractures.",
        "In these types of fractures, the bone collapses and breaks.",
        "The procedure injects cement into the bone.",
        "This holds the bone in place and keeps it from collapsing or breaking more.",
        "It’s also called percutaneous vertebroplasty.",
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Ask Dr. Smith first. Then rest.", ["Ask Dr. Smith first.", "Then rest."]),
        ("Ver a la Dra. López. Luego descanse.", ["Ver a la Dra. López.", "Luego descanse."]),
        ("Take 2.5 mg a day. Then rest.", ["Take 2.5 mg a day.", "Then rest."]),
        (
            "Bring a list, e.g. your medicines. Then wait.",
            ["Bring a list, e.g. your medicines.", "Then wait."],
        ),
        ("Go to room No. 5 today. Then wait.", ["Go to room No. 5 today.", "Then wait."]),
        (
            "Does it hurt? No. Most people feel fine.",
            ["Does it hurt?", "No.", "Most people feel fine."],
        ),
        ("Is it safe? Yes! It is.", ["Is it safe?", "Yes!", "It is."]),
        ("¿Duele? No. Casi nunca.", ["¿Duele?", "No.", "Casi nunca."]),
        (
            "It is called “widow’s hump.” It may occur.",
            ["It is called “widow’s hump.”", "It may occur."],
        ),
        ("Ask: “Is it safe?” Then listen.", ["Ask: “Is it safe?”", "Then listen."]),
        ("Rest (for 24 hours.) Then walk.", ["Rest (for 24 hours.)", "Then walk."]),
        ("Rest for a day. Then walk slowly", ["Rest for a day.", "Then walk slowly"]),
        ("No final punctuation here", ["No final punctuation here"]),
        ("  Spaces around.   Two spaces between.  ", ["Spaces around.", "Two spaces between."]),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    result = split_sentences(text)
    assert [s.text for s in result] == sentences
    assert all(text[s.start : s.end] == s.text for s in result)


@pytest.mark.parametrize("text", ["", "   "])
def test_blank_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == ()

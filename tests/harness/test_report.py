"""The benchmarks' reports (harness/report.py): tables from figures, and a marked section of a
document rewritten in place."""

from __future__ import annotations

import pytest

from harness.report import LEFT, Column, markdown_table, replace_section, text_table

BEGIN, END = "<!-- figures: begin -->", "<!-- figures: end -->"
COLUMNS = (Column("voice", LEFT), Column("clean"), Column("0 dB"))
ROWS = (("eSpeak NG", "5 %", "35 %"), ("natural", "1 %", "6 %"))


def test_a_markdown_table_has_a_row_for_each_row_and_its_figures_right_aligned() -> None:
    assert markdown_table(COLUMNS, ROWS) == (
        "| voice | clean | 0 dB |\n"
        "|---|---:|---:|\n"
        "| eSpeak NG | 5 % | 35 % |\n"
        "| natural | 1 % | 6 % |"
    )


def test_a_text_table_lines_up_words_left_and_figures_right() -> None:
    assert text_table(COLUMNS, ROWS).splitlines() == [
        "voice      clean  0 dB",
        "---------  -----  ----",
        "eSpeak NG    5 %  35 %",
        "natural      1 %   6 %",
    ]


def test_the_section_between_the_markers_is_replaced_and_the_rest_kept() -> None:
    document = f"# Report\n\n{BEGIN}\nold table\n{END}\n\n## Next\n"
    rewritten = replace_section(document, BEGIN, END, "new table")
    assert rewritten == f"# Report\n\n{BEGIN}\n\nnew table\n\n{END}\n\n## Next\n"
    assert replace_section(rewritten, BEGIN, END, "new table") == rewritten


@pytest.mark.parametrize(
    "document", ["# Report\n", f"# Report\n{BEGIN}\n", f"# Report\n{END}\n{BEGIN}\n"]
)
def test_a_document_without_both_markers_in_order_is_refused(document: str) -> None:
    with pytest.raises(ValueError, match="markers"):
        replace_section(document, BEGIN, END, "")

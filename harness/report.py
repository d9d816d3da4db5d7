"""Reports from figures: tables as Markdown or aligned text, and a marked section of a document
rewritten in place, for the benchmarks (benchmarks/run.py, orca_visit.py, intelligibility.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LEFT, RIGHT = "left", "right"


@dataclass(frozen=True)
class Column:
    """A table's column: its heading and which side its cells line up on."""

    heading: str
    align: str = RIGHT  # LEFT for words, RIGHT for figures


def markdown_table(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table (GitHub's pipes), figures right-aligned."""
    rule = "|" + "|".join("---:" if c.align == RIGHT else "---" for c in columns) + "|"
    lines = ["| " + " | ".join(c.heading for c in columns) + " |", rule]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> str:
    """The same table for a terminal: columns padded to their widest cell, a rule under the
    headings, two spaces between columns."""
    headings = [c.heading for c in columns]
    widths = [max(len(cell) for cell in column) for column in zip(headings, *rows, strict=True)]
    out = []
    for line in [headings, ["-" * w for w in widths], *rows]:
        cells = [
            cell.ljust(width) if column.align == LEFT else cell.rjust(width)
            for cell, width, column in zip(line, widths, columns, strict=True)
        ]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def replace_section(document: str, begin: str, end: str, body: str) -> str:
    """``document`` with what lies between the marker lines ``begin`` and ``end`` replaced by
    ``body`` (the markers kept, a blank line on either side of it).

    Raises ValueError if either marker is missing or they are out of order, so that a moved or
    deleted section is noticed rather than written twice.
    """
    start = document.find(begin)
    stop = document.find(end, start + len(begin)) if start >= 0 else -1
    if start < 0 or stop < 0:
        raise ValueError(f"no {begin!r} ... {end!r} markers to write between")
    return document[:start] + "\n".join([begin, "", body, "", end]) + document[stop + len(end) :]

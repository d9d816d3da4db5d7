"""The papers a handout is printed on, and their margins: plain data, for the print service to
choose one without loading the handout's layout (kiosk/printing/handout.py) until a print."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Paper(Enum):
    """What the handout is printed on: a sheet, or receipt roll cut to the content's length."""

    LETTER = "letter"
    A4 = "a4"
    ROLL_80MM = "roll-80mm"
    ROLL_58MM = "roll-58mm"

    @property
    def width_mm(self) -> float:
        return PAPER_SPECS[self].width_mm

    @property
    def height_mm(self) -> float | None:
        """The sheet's height; ``None`` for a roll, whose page is as long as the content."""
        return PAPER_SPECS[self].height_mm

    @property
    def is_roll(self) -> bool:
        return self.height_mm is None


@dataclass(frozen=True)
class PaperSpec:
    width_mm: float
    height_mm: float | None
    side_mm: float  # left and right margins
    top_mm: float
    bottom_mm: float


PAPER_SPECS = {
    # Office printers cannot print the outer 5 to 6 mm of a sheet; 15 mm keeps well clear.
    Paper.LETTER: PaperSpec(215.9, 279.4, 15.0, 15.0, 15.0),
    Paper.A4: PaperSpec(210.0, 297.0, 15.0, 15.0, 15.0),
    # Receipt printers print 72 mm of an 80 mm roll and 48 mm of a 58 mm one. The longer bottom
    # margin keeps the last line clear of the tear bar.
    Paper.ROLL_80MM: PaperSpec(80.0, None, 4.0, 5.0, 10.0),
    Paper.ROLL_58MM: PaperSpec(58.0, None, 5.0, 5.0, 10.0),
}

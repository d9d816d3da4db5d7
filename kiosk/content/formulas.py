"""The readability formulas a language file may choose, with the figure a leaflet should reach."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Direction(Enum):
    """Whether a higher figure means harder text (a grade) or easier text (an ease score)."""

    HARDER = "higher is harder"
    EASIER = "higher is easier"


@dataclass(frozen=True)
class Formula:
    """A readability formula as textstat computes it, and the figure a leaflet should reach."""

    name: str
    method: str  # the textstat method, which is also its name in a language file
    direction: Direction
    target: float  # a grade at most, or an ease score at least
    target_source: str


# By the name a language file's [readability] formulas use. Each target is what NIH's "8th
# grade or lower" means on that formula's scale.
FORMULAS: dict[str, Formula] = {
    formula.method: formula
    for formula in (
        Formula(
            "Flesch-Kincaid grade",
            "flesch_kincaid_grade",
            Direction.HARDER,
            8.0,
            "NIH asks for 8th grade or lower, the AMA for 6th",
        ),
        Formula(
            "SMOG grade",
            "smog_index",
            Direction.HARDER,
            8.0,
            "NIH asks for 8th grade or lower, the AMA for 6th",
        ),
        Formula(
            "INFLESZ (Szigriszt-Pazos)",
            "szigriszt_pazos",
            Direction.EASIER,
            55.0,
            "on the INFLESZ scale (Barrio-Cantalejo 2008) 55 to 65 is 'normal', below 55 "
            "'somewhat difficult'",
        ),
        Formula(
            "Fernández-Huerta",
            "fernandez_huerta",
            Direction.EASIER,
            60.0,
            "on Fernández-Huerta's scale 60 to 70 is 'normal', 7th to 8th grade",
        ),
    )
}

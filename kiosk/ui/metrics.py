"""Physical sizes on screen: type size from capital-letter height, touch targets and gaps in mm."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from PySide6.QtGui import QFont, QFontMetricsF

from kiosk.config import TEXT_SIZE_STEPS_PERCENT, ScreenSpec

MIN_CAP_HEIGHT_MM = 4.8  # Section 508 402.4: uppercase "I" at least 3/16 inch
MIN_TARGET_MM = 15.0  # every touch target at least 15 mm by 15 mm
MIN_GAP_MM = 3.0  # and at least 3 mm from the next one


class TextRole(Enum):
    """What a piece of text is; decides its size relative to body text and its weight."""

    BODY = (1.0, QFont.Weight.Normal)
    LABEL = (1.0, QFont.Weight.Bold)  # buttons and part names
    HEADING = (1.35, QFont.Weight.Bold)
    TITLE = (1.6, QFont.Weight.Bold)

    def font(self, base: QFont) -> QFont:
        """This role's font, derived from the inherited body font."""
        scale, weight = self.value
        font = QFont(base)
        font.setPixelSize(max(1, round(base.pixelSize() * scale)))
        font.setWeight(weight)
        return font


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for one screen, all derived from physical minimums."""

    screen: ScreenSpec
    family: str
    body_px: int  # body text pixel size at 100 %

    @classmethod
    def for_screen(cls, screen: ScreenSpec, family: str) -> Metrics:
        return cls(screen, family, body_pixel_size(family, screen.px(MIN_CAP_HEIGHT_MM)))

    @property
    def min_target_px(self) -> int:
        return self.screen.px(MIN_TARGET_MM)

    @property
    def gap_px(self) -> int:
        return self.screen.px(MIN_GAP_MM)

    @property
    def margin_px(self) -> int:
        return self.screen.px(8.0)

    def body_font(self, text_step: int) -> QFont:
        """The leaflet's body text at a text size step."""
        return self._font(TEXT_SIZE_STEPS_PERCENT[text_step] / 100)

    def control_font(self, text_step: int) -> QFont:
        """The bars' controls: they grow at half the rate of the text (150 % at 200 %).

        They start at the same legal minimum as the text, but if they grew as fast, on a
        small screen at 200 % the bars would leave no room for the text they serve.
        """
        return self._font(1 + (TEXT_SIZE_STEPS_PERCENT[text_step] / 100 - 1) / 2)

    def _font(self, scale: float) -> QFont:
        font = QFont(self.family)
        font.setPixelSize(round(self.body_px * scale))
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        return font

    def cap_height_px(self, text_step: int = 0) -> float:
        return QFontMetricsF(self.body_font(text_step)).capHeight()


def body_pixel_size(family: str, min_cap_px: float) -> int:
    """The smallest pixel size of ``family`` whose capital letters are ``min_cap_px`` tall."""
    font = QFont(family)
    font.setPixelSize(100)
    ratio = QFontMetricsF(font).capHeight() / 100
    size = max(1, math.floor(min_cap_px / ratio))
    while True:
        font.setPixelSize(size)
        if QFontMetricsF(font).capHeight() >= min_cap_px:
            return size
        size += 1

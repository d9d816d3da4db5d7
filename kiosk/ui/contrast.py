"""WCAG 2.2 contrast ratio between two sRGB colours given as ``#rrggbb``."""

from __future__ import annotations


def relative_luminance(color: str) -> float:
    """Relative luminance as WCAG 2.2 defines it (0 for black, 1 for white)."""
    hex_digits = color.lstrip("#")
    channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """The contrast ratio, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)

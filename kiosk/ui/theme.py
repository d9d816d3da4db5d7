"""Colour themes as data, turned into a QPalette that every widget paints from."""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QColor, QPalette


@dataclass(frozen=True)
class Theme:
    """The colours of one theme.

    Every ``*_text`` colour is drawn on the background named in ``text_pairs``; each of those
    pairs must reach 7:1 (WCAG 1.4.6), in every state a control can be in.
    """

    name: str
    background: str
    text: str
    card: str  # question rows and secondary buttons
    card_text: str
    card_ticked: str  # a ticked question row
    button: str
    button_text: str
    pressed: str  # any control while a finger is on it
    pressed_text: str
    disabled: str
    disabled_text: str
    border: str  # outlines of cards and secondary buttons
    focus: str  # the keyboard focus ring
    highlight: str  # text being read aloud
    highlight_text: str
    fade: str  # the page behind its last lines in view, while there is more below

    def text_pairs(self) -> dict[str, tuple[str, str]]:
        """Every (text colour, background colour) pair the theme draws text with."""
        return {
            "page text": (self.text, self.background),
            "card text": (self.card_text, self.card),
            "ticked card text": (self.card_text, self.card_ticked),
            "button text": (self.button_text, self.button),
            "pressed text": (self.pressed_text, self.pressed),
            "disabled text": (self.disabled_text, self.disabled),
            "highlighted text": (self.highlight_text, self.highlight),
            "secondary button text": (self.card_text, self.card),
            # The page fades from its background to this behind the text; the words do not.
            "page text on the fade": (self.text, self.fade),
        }

    def palette(self) -> QPalette:
        """The theme as a QPalette; custom widgets paint with these roles only."""
        role = QPalette.ColorRole
        palette = QPalette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            self._fill(palette, group, disabled=False)
        self._fill(palette, QPalette.ColorGroup.Disabled, disabled=True)
        palette.setColor(role.ToolTipBase, QColor(self.card))
        palette.setColor(role.ToolTipText, QColor(self.card_text))
        return palette

    def _fill(self, palette: QPalette, group: QPalette.ColorGroup, *, disabled: bool) -> None:
        role = QPalette.ColorRole
        colors = {
            role.Window: self.background,
            role.WindowText: self.text,
            role.Base: self.card,
            role.AlternateBase: self.card_ticked,
            role.Text: self.card_text,
            role.Button: self.disabled if disabled else self.button,
            role.ButtonText: self.disabled_text if disabled else self.button_text,
            role.Dark: self.pressed,
            role.BrightText: self.pressed_text,
            role.Mid: self.border,
            role.Shadow: self.border,
            role.Light: self.card,
            role.Midlight: self.fade,  # Fusion draws none of the kiosk's controls with it
            role.Highlight: self.highlight,
            role.HighlightedText: self.highlight_text,
            role.Accent: self.focus,
            role.Link: self.text,
            role.LinkVisited: self.text,
            role.PlaceholderText: self.text,
        }
        for color_role, value in colors.items():
            palette.setColor(group, color_role, QColor(value))


STANDARD = Theme(
    name="standard",
    background="#f7f4ee",  # warm off-white: calmer than pure white, less glare
    text="#1b1b1b",
    card="#ffffff",
    card_text="#1b1b1b",
    card_ticked="#dcebf7",
    button="#1d4f7a",
    button_text="#ffffff",
    pressed="#0b2a45",
    pressed_text="#ffffff",
    disabled="#e4e1da",
    disabled_text="#3a3a3a",
    border="#1d4f7a",
    focus="#b34700",
    highlight="#ffe066",
    highlight_text="#1b1b1b",
    fade="#ede9e0",  # light enough that the focus ring keeps 4.5:1 on it
)

HIGH_CONTRAST = Theme(
    name="high_contrast",
    background="#000000",
    text="#ffffff",
    card="#000000",
    card_text="#ffffff",
    card_ticked="#1f1f00",
    button="#000000",
    button_text="#ffff00",
    pressed="#ffff00",
    pressed_text="#000000",
    disabled="#000000",
    disabled_text="#c8c8c8",
    border="#ffff00",
    focus="#00ffff",
    highlight="#ffff00",
    highlight_text="#000000",
    fade="#333333",
)

THEMES = {theme.name: theme for theme in (STANDARD, HIGH_CONTRAST)}
COLOR_FIELDS = tuple(f.name for f in fields(Theme) if f.name != "name")

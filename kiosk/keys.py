"""The keys a keypad or keyboard uses, by action; staff can change them in the configuration."""

from __future__ import annotations

import enum
import string


class KeyAction(enum.Enum):
    """What a key does; the value is its name in the configuration's ``[keys]`` table."""

    NEXT = "next"  # move to the next item of the screen, in reading order
    PREVIOUS = "previous"
    ACTIVATE = "activate"  # press the item (a button, a question) or hear it again (a text)
    BACK = "back"
    HELP = "help"  # hear how to use the keys on this screen
    LOUDER = "louder"
    QUIETER = "quieter"
    LINE_DOWN = "line_down"  # scroll long text a line at a time
    LINE_UP = "line_up"
    PAGE_DOWN = "page_down"  # scroll long text a screen at a time
    PAGE_UP = "page_up"


# Up/Down move through the items and Left/Right scroll within them, as on EZ Access keypads;
# Tab/Shift+Tab (which Qt reports as Backtab) and Enter/Space are what keyboards users expect.
DEFAULT_KEYS: dict[KeyAction, tuple[str, ...]] = {
    KeyAction.NEXT: ("Down", "Tab"),
    KeyAction.PREVIOUS: ("Up", "Backtab"),
    KeyAction.ACTIVATE: ("Return", "Enter", "Space"),
    KeyAction.BACK: ("Backspace", "Back"),
    KeyAction.HELP: ("F1", "Help"),
    KeyAction.LOUDER: ("VolumeUp", "Plus", "Equal"),
    KeyAction.QUIETER: ("VolumeDown", "Minus"),
    KeyAction.LINE_DOWN: ("Right",),
    KeyAction.LINE_UP: ("Left",),
    KeyAction.PAGE_DOWN: ("PageDown",),
    KeyAction.PAGE_UP: ("PageUp",),
}

# How help says a key's name ("Press Down arrow for the next item").
SPOKEN_KEY_NAMES = {
    "Down": "the down arrow",
    "Up": "the up arrow",
    "Left": "the left arrow",
    "Right": "the right arrow",
    "Return": "Enter",
    "Backtab": "Shift Tab",
    "PageDown": "Page Down",
    "PageUp": "Page Up",
    "VolumeUp": "Volume Up",
    "VolumeDown": "Volume Down",
    "Plus": "plus",
    "Minus": "minus",
    **{f"F{number}": f"F {number}" for number in range(1, 25)},
}
# The same names on screen (the keys' help card): "F1", which the voice says as "F 1".
SHOWN_KEY_NAMES = {**SPOKEN_KEY_NAMES, **{f"F{number}": f"F{number}" for number in range(1, 25)}}

# Keys that leave or close windows stay ignored (see kiosk/ui/lockdown.py) and cannot be bound.
LEAVING_KEYS = frozenset({"Escape"})

# Names as Qt spells them (Qt.Key.Key_<name>), so that the configuration needs no Qt to check.
KEY_NAMES = frozenset(
    {
        *string.ascii_uppercase,
        *string.digits,
        *(f"F{number}" for number in range(1, 25)),
        "Up",
        "Down",
        "Left",
        "Right",
        "Tab",
        "Backtab",
        "Return",
        "Enter",
        "Space",
        "Backspace",
        "Back",
        "Forward",
        "Help",
        "Home",
        "End",
        "PageUp",
        "PageDown",
        "Insert",
        "Delete",
        "Plus",
        "Minus",
        "Equal",
        "Asterisk",
        "Slash",
        "Period",
        "Comma",
        "VolumeUp",
        "VolumeDown",
        "VolumeMute",
        "MediaPlay",
        "MediaStop",
        "MediaPause",
        "MediaTogglePlayPause",
        "MediaNext",
        "MediaPrevious",
        "Select",
        "Menu",
    }
)


def key_problems(bindings: dict[KeyAction, tuple[str, ...]]) -> list[tuple[KeyAction, str]]:
    """Keys that are unknown, leave the kiosk, or are bound to two actions: (action, problem)."""
    problems: list[tuple[KeyAction, str]] = []
    owner: dict[str, KeyAction] = {}
    for action, names in bindings.items():
        for name in names:
            if name in LEAVING_KEYS:
                problems.append((action, f"{name} cannot be used: it would leave the kiosk"))
            elif name not in KEY_NAMES:
                problems.append((action, f"unknown key {name!r}; use names like Down, F1, A"))
            elif name in owner and owner[name] is not action:
                problems.append((action, f"{name} is already the {owner[name].value} key"))
            else:
                owner[name] = action
    return problems

"""What a page says when it is read aloud: its sentences in order, each tied to the text shown."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Utterance:
    """One sentence to speak.

    ``text`` is the sentence as the screen shows it. ``target`` is an opaque handle the user
    interface uses to highlight it (the text widget), or ``None`` when nothing on screen
    matches; ``start`` and ``end`` are the sentence's offsets in that widget's text.
    ``spoken`` replaces ``text`` for the voice where the two differ ("Question 2 of 5: ...
    Ticked." for a ticked row); word highlighting is then off for that sentence.
    """

    text: str
    target: object | None = None
    start: int = 0
    end: int = 0
    spoken: str | None = None

    @property
    def words_follow_text(self) -> bool:
        """Whether the voice reads ``text`` itself, so spoken words map onto it."""
        return self.spoken is None

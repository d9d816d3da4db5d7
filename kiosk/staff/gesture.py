"""The staff gesture: five taps in the top right-hand corner within three seconds."""

from __future__ import annotations

from collections import deque

TAPS = 5
WITHIN_S = 3.0
CORNER_MM = 20.0  # the corner is a square this wide; far smaller than any button


class CornerTaps:
    """Counts taps in the top right-hand corner of the screen.

    A patient will not hit five taps in one small corner within three seconds by chance, and
    the taps still reach whatever is under them, so the corner hides nothing from patients.
    """

    def __init__(self, corner_px: int, taps: int = TAPS, within_s: float = WITHIN_S) -> None:
        self._corner_px = corner_px
        self._taps = taps
        self._within_s = within_s
        self._times: deque[float] = deque(maxlen=taps)

    def tap(self, x: float, y: float, width: int, time_s: float) -> bool:
        """Note a tap at (``x``, ``y``) on a screen ``width`` wide; ``True`` on the last of
        the gesture's taps. A tap anywhere else starts the count again."""
        if not (y < self._corner_px and x >= width - self._corner_px):
            self._times.clear()
            return False
        self._times.append(time_s)
        if len(self._times) == self._taps and self._times[-1] - self._times[0] <= self._within_s:
            self._times.clear()
            return True
        return False

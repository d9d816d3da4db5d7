"""Finger scrolling: drag anywhere on a page to move it, flick to let it glide on."""

from __future__ import annotations

import time
from enum import Enum

from PySide6.QtCore import QEasingCurve, QEvent, QObject, QPropertyAnimation, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QScrollBar, QWidget

FLICK_GLIDE_S = 0.35  # a flick glides on as far as the finger would have moved in this time
FLICK_MIN_PX_PER_S = 300.0
GLIDE_MS = 600
_VELOCITY_WINDOW_S = 0.1


class DragState(Enum):
    IDLE = "idle"
    PRESSED = "pressed"  # a finger is down; it is a tap until it moves far enough
    DRAGGING = "dragging"
    GLIDING = "gliding"


class DragScroller(QObject):
    """Scrolls ``bar`` when a finger (or mouse) drags anywhere inside ``area``.

    A press goes to the control under the finger at once, so a tap shows and works as usual.
    Once the finger has moved ``start_distance_px`` up or down, it is a drag: the control's
    press is cancelled (it will not click) and the page follows the finger. Lifting the finger
    while it still moves lets the page glide on and slow down.

    Qt's QScroller was tried first: its gesture stopped answering after the first drag or after
    a tap that changed pages, so the kiosk does this itself.
    """

    def __init__(self, area: QWidget, bar: QScrollBar, start_distance_px: int) -> None:
        super().__init__(area)
        self._area = area
        self._bar = bar
        self._start_distance = start_distance_px
        self._state = DragState.IDLE
        self._press_y = 0.0
        self._press_value = 0
        self._target: QWidget | None = None
        self._samples: list[tuple[float, float]] = []  # (seconds, finger y)
        self._glide = QPropertyAnimation(bar, b"value", self)
        self._glide.setEasingCurve(QEasingCurve.Type.OutCubic)
        self._glide.finished.connect(self._on_glide_finished)
        _router().add(self)

    @property
    def state(self) -> DragState:
        return self._state

    def glide_to(self, value: int, duration_ms: int = GLIDE_MS) -> None:
        """Move the page to ``value`` smoothly (also used by the "More below" button)."""
        self._glide.stop()
        self._glide.setDuration(duration_ms)
        self._glide.setStartValue(self._bar.value())
        self._glide.setEndValue(max(self._bar.minimum(), min(value, self._bar.maximum())))
        self._state = DragState.GLIDING
        self._glide.start()

    def stop(self) -> None:
        self._glide.stop()
        self._state = DragState.IDLE

    def handle(self, watched: QWidget, event: QMouseEvent) -> bool:
        """A mouse press, move or release somewhere in the application (see ``_MouseRouter``);
        ``True`` when the drag takes it from the control under the finger."""
        if watched is not self._area and not self._area.isAncestorOf(watched):
            return False
        kind = event.type()
        y = event.globalPosition().y()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._on_press(watched, y)
            return False
        if kind == QEvent.Type.MouseMove and self._state in (DragState.PRESSED, DragState.DRAGGING):
            return self._on_move(y)
        if kind == QEvent.Type.MouseButtonRelease and self._state is DragState.DRAGGING:
            self._on_release(y)
        elif kind == QEvent.Type.MouseButtonRelease and self._state is DragState.PRESSED:
            self._state = DragState.IDLE
        return False

    def _on_press(self, target: QWidget, y: float) -> None:
        self._glide.stop()  # a finger on a gliding page stops it where it is
        self._state = DragState.PRESSED
        self._target = target
        self._press_y = y
        self._press_value = self._bar.value()
        self._samples = [(time.monotonic(), y)]

    def _on_move(self, y: float) -> bool:
        if self._state is DragState.PRESSED:
            if abs(y - self._press_y) < self._start_distance:
                return False  # still a tap: the control may track the finger
            self._state = DragState.DRAGGING
            if isinstance(self._target, QAbstractButton):
                self._target.setDown(False)  # a drag is not a tap: no click on release
        now = time.monotonic()
        self._samples = [(t, p) for t, p in self._samples if now - t <= _VELOCITY_WINDOW_S]
        self._samples.append((now, y))
        self._bar.setValue(round(self._press_value - (y - self._press_y)))
        return True  # the control under the finger must not see the drag

    def _on_release(self, y: float) -> None:
        self._on_move(y)
        (t0, y0), (t1, y1) = self._samples[0], self._samples[-1]
        elapsed = max(t1 - t0, 1e-3)
        velocity = (y1 - y0) / elapsed
        if abs(velocity) >= FLICK_MIN_PX_PER_S:
            self.glide_to(round(self._bar.value() - velocity * FLICK_GLIDE_S))
        else:
            self._state = DragState.IDLE

    def _on_glide_finished(self) -> None:
        self._state = DragState.IDLE


_MOUSE_EVENTS = frozenset(
    {QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease}
)


class _MouseRouter(QObject):
    """One application event filter for every page's scroller.

    Each of the kiosk's dozen pages has a scroller; with a filter each, every event of the
    application (paints and layouts included) would pass through Python a dozen times, which
    measurably slowed page turns. This filter looks at the event type once and hands only
    mouse presses, moves and releases on.
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._scrollers: list[DragScroller] = []
        app.installEventFilter(self)

    def add(self, scroller: DragScroller) -> None:
        self._scrollers.append(scroller)
        scroller.destroyed.connect(lambda: self._forget(scroller))

    def _forget(self, scroller: DragScroller) -> None:
        self._scrollers = [s for s in self._scrollers if s is not scroller]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # isinstance first: cheaper than event.type(), which makes a Python enum each call.
        if not isinstance(event, QMouseEvent) or event.type() not in _MOUSE_EVENTS:
            return False
        if not isinstance(watched, QWidget):
            return False
        return any(scroller.handle(watched, event) for scroller in list(self._scrollers))


_ROUTERS: dict[int, _MouseRouter] = {}  # by the application's id, for tests that make a new one


def _router() -> _MouseRouter:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    router = _ROUTERS.get(id(app))
    if router is None:
        router = _ROUTERS[id(app)] = _MouseRouter(app)
    return router

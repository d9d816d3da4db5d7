"""The end of a visit nobody finishes: "Are you still here?" after a quiet spell, then a reset."""

from __future__ import annotations

import enum
import math

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QInputEvent

# What counts as the patient doing something. Mouse moves do not: a hover or a jittery
# touchscreen must not keep a forgotten visit alive.
_TOUCHES = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
    }
)


class IdleState(enum.Enum):
    OFF = enum.auto()  # no visit: the welcome screen shows and no timer runs
    WATCHING = enum.auto()  # a visit is under way
    WARNING = enum.auto()  # "Are you still here?" counts down


class IdleWatch(QObject):
    """Watches every touch and key of the application while a visit is under way.

    After ``idle_timeout_s`` without one, it warns; a touch during the warning keeps the
    visit, and the end of the countdown times it out. When no visit is under way nothing
    runs at all, so the welcome screen costs no CPU.

    Signals:
        warning_started(int): the warning began; seconds left to answer.
        countdown_changed(int): seconds left to answer, each time the whole number changes.
        warning_ended: the patient touched the screen in time; the visit goes on.
        timed_out: nobody answered; the visit should end.
    """

    warning_started = Signal(int)  # seconds left
    countdown_changed = Signal(int)  # seconds left
    warning_ended = Signal()
    timed_out = Signal()

    def __init__(
        self, idle_timeout_s: float, warning_s: float, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._warning_s = warning_s
        self._state = IdleState.OFF
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(round(idle_timeout_s * 1000))
        self._quiet.timeout.connect(self._on_quiet_timeout)
        self._end = QTimer(self)  # the end of the warning, to the millisecond
        self._end.setSingleShot(True)
        self._end.setTimerType(Qt.TimerType.PreciseTimer)
        self._end.setInterval(round(warning_s * 1000))
        self._end.timeout.connect(self._on_warning_timeout)
        self._tick = QTimer(self)  # the next whole second of the countdown
        self._tick.setSingleShot(True)
        self._tick.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick.timeout.connect(self._on_tick)
        self._warning_clock = QElapsedTimer()
        self._shown_left = 0
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def state(self) -> IdleState:
        return self._state

    @property
    def seconds_left(self) -> int:
        """Whole seconds left to answer the warning (0 when there is no warning)."""
        if self._state is not IdleState.WARNING:
            return 0
        left_ms = self._warning_s * 1000 - self._warning_clock.elapsed()
        return max(0, math.ceil(left_ms / 1000))

    def start(self) -> None:
        """A visit began: start counting quiet time."""
        self._end.stop()
        self._tick.stop()
        self._state = IdleState.WATCHING
        self._quiet.start()

    def stop(self) -> None:
        """No visit (or staff at the kiosk): no warning, no timers."""
        self._quiet.stop()
        self._end.stop()
        self._tick.stop()
        self._state = IdleState.OFF

    def touched(self) -> None:
        """The patient did something: the quiet time starts over and any warning ends."""
        if self._state is IdleState.OFF:
            return
        warned = self._state is IdleState.WARNING
        self.start()
        if warned:
            self.warning_ended.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Each event reaches the filter once per object it is sent to; restarting a timer
        # is cheap, and the state check keeps a warning from ending more than once.
        # The type test first: event.type() makes a Python enum each call, and every event of
        # the application passes here (about 1000 in the first show of a page).
        if (
            self._state is not IdleState.OFF
            and isinstance(event, QInputEvent)
            and event.type() in _TOUCHES
        ):
            self.touched()
        return False

    def _on_quiet_timeout(self) -> None:
        self._state = IdleState.WARNING
        self._warning_clock.start()
        self._end.start()
        self._shown_left = self.seconds_left
        self._schedule_tick()
        self.warning_started.emit(self._shown_left)

    def _schedule_tick(self) -> None:
        """Wake when the countdown's whole number next changes, not on a free-running beat
        that would drift and skip a number now and then."""
        left_ms = self._warning_s * 1000 - self._warning_clock.elapsed()
        to_next_ms = left_ms % 1000 or 1000
        if left_ms > 1000:
            self._tick.start(math.ceil(to_next_ms) + 1)

    def _on_tick(self) -> None:
        left = self.seconds_left
        if self._state is not IdleState.WARNING or left <= 0:
            return
        if left != self._shown_left:
            self._shown_left = left
            self.countdown_changed.emit(left)
        self._schedule_tick()

    def _on_warning_timeout(self) -> None:
        self.stop()
        self.timed_out.emit()

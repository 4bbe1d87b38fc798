"""Locking after a spell of inactivity (KeePassXC's app-wide inactivity filter).

An event filter on the whole application notes the time of every key press, mouse
press or move, wheel turn and touch, in any window. A timer checks now and then
whether the idle time has reached the limit and, if so, emits :attr:`idle` once.
The clock is injectable so tests advance a fake one instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

Clock = Callable[[], float]

DEFAULT_CHECK_INTERVAL_MS = 5_000

_ACTIVITY_EVENTS = frozenset({
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
})


class IdleLockFilter(QObject):
    """Emits :attr:`idle` when nobody has touched sgdesk for ``timeout_seconds``.

    Starts disabled: the owner enables it while a store is unlocked, and disables
    it on lock, so a locked window never "locks" again.
    """

    idle = Signal()

    def __init__(self, timeout_minutes: int = 5, clock: Clock = time.monotonic,
                 check_interval_ms: int = DEFAULT_CHECK_INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self.timeout_seconds = timeout_minutes * 60.0
        self._last_activity = clock()
        self._enabled = False
        self._timer = QTimer(self)
        self._timer.setInterval(check_interval_ms)
        self._timer.timeout.connect(self.check)

    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_timeout_minutes(self, minutes: int) -> None:
        self.timeout_seconds = minutes * 60.0

    def set_enabled(self, enabled: bool) -> None:
        """Enabling starts the idle count afresh (unlocking is activity)."""
        self._enabled = enabled
        if enabled:
            self.reset()
            self._timer.start()
        else:
            self._timer.stop()

    def reset(self) -> None:
        self._last_activity = self._clock()

    def check(self) -> None:
        """Emit :attr:`idle` (once) if the limit has been reached."""
        if self._enabled and self._clock() - self._last_activity >= self.timeout_seconds:
            self.set_enabled(False)
            self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY_EVENTS:
            self._last_activity = self._clock()
        return False

"""Python's cycle collector, run only on the GUI thread.

The collector runs in whichever thread happens to allocate when its threshold
is crossed. If that is the database worker, it may finalise a Qt widget caught
in a reference cycle (a form holding its dialog's bound method, say) off the
GUI thread, and Qt aborts the process. So automatic collection is switched
off and the GUI thread collects on a timer instead: the young generation often
and cheaply, everything now and then. Reference counting still frees almost
everything at once; only cycles wait for the timer. (Anki does the same.)
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

YOUNG_EVERY_MS = 1_000
#: Every this many young collections, a full one.
FULL_EVERY = 60


class GuiThreadCollector(QObject):
    """Create on the GUI thread; it owns collection for the life of the app."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticks = 0
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(YOUNG_EVERY_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> None:
        self._ticks += 1
        if self._ticks % FULL_EVERY == 0:
            gc.collect()
        else:
            gc.collect(0)

"""The database worker: one background thread that runs every store operation.

Anki's pattern: a single-worker executor owns the SQLCipher connection (which
must stay on the thread that opened it), so operations never overlap and the
GUI thread never waits on a key derivation or a query. Results come back to the
GUI thread through a queued Qt signal; no widget is ever touched from the worker.

    worker.run(lambda: service_call(session), on_done=show, on_error=report)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

from sgdesk.services.app_logging import describe_exception_safely

log = logging.getLogger(__name__)

DoneCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class DbWorker(QObject):
    """Runs callables in order on one thread; delivers results on the GUI thread."""

    _finished = Signal(object, object, object)  # callback, value, error
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sgdesk-db")
        self._pending = 0
        self._stopped = False
        self._finished.connect(self._deliver)

    @property
    def pending(self) -> int:
        """Operations submitted whose callbacks have not run yet."""
        return self._pending

    def run(
        self,
        job: Callable[[], Any],
        on_done: DoneCallback | None = None,
        on_error: ErrorCallback | None = None,
    ) -> Future[Any]:
        """Queue ``job``; ``on_done(result)`` or ``on_error(exc)`` runs on the GUI thread.

        Once the worker has shut down (the window is closing) a job is not run:
        its future comes back cancelled and no callback is called, since a view
        emptied as its window closes may still ask for a reading."""
        if self._stopped:
            dropped: Future[Any] = Future()
            dropped.cancel()
            log.debug("job dropped: the worker has shut down")
            return dropped
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)

        def call() -> Any:
            try:
                value = job()
            except BaseException as exc:  # delivered to on_error, never lost
                self._finished.emit((on_done, on_error), None, exc)
                raise
            self._finished.emit((on_done, on_error), value, None)
            return value

        return self._executor.submit(call)

    def _deliver(self, callbacks: tuple[DoneCallback | None, ErrorCallback | None],
                 value: Any, error: BaseException | None) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)
        on_done, on_error = callbacks
        if error is None:
            if on_done is not None:
                on_done(value)
        elif on_error is not None:
            on_error(error)
        else:
            log.error("unhandled worker error: %s",
                      describe_exception_safely(type(error), error.__traceback__))

    def shutdown(self) -> None:
        """Finish queued work (e.g. the lock that closes the database), then stop."""
        self._stopped = True
        self._executor.shutdown(wait=True)

"""A long bundle job (export, opening, import) on the database worker, with a
progress bar, what it is doing in words, and a Cancel button.

The job is given ``progress(stage, fraction)`` and ``cancelled()``, the
callbacks every bundle service takes. ``progress`` is called on the worker
thread and reaches the bar through a queued signal (as :class:`DbWorker`
returns results); ``cancelled`` reads an event the Cancel button sets, and the
services leave nothing behind when it is set. No widget is touched from the
worker, and reading the bundle file happens there too (:func:`read_bundle_file`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QProgressBar, QPushButton, QWidget

from sgdesk.models.errors import BundleRefused
from sgdesk.services.bundle_building import IsCancelled, StageProgress
from sgdesk.ui.form_helpers import wrapped_label
from sgdesk.ui.worker import DbWorker

#: A job as the services shape it: it reports progress and checks for cancelling.
BundleJob = Callable[[StageProgress, IsCancelled], Any]
BUNDLE_FILTER = "Encrypted bundles (*.age);;All files (*)"
_STEPS = 100


class _ProgressRelay(QObject):
    """Carries progress from the worker thread to the GUI thread. Owned by the
    worker (not the dialog), so a dialog closed mid-job never leaves the job
    emitting on a deleted object; it is deleted once the job has reported."""

    moved = Signal(str, int)


class BundleTask(QWidget):
    """Hidden until :meth:`start`; then "Stage… [bar] Cancel" until the job ends."""

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._cancel = threading.Event()
        self._running = False
        self._can_cancel = True
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stage = wrapped_label()
        self.bar = QProgressBar()
        self.bar.setRange(0, _STEPS)
        self.bar.setFormat("%p%")
        self.bar.setMinimumWidth(200)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.stage, 1)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        self.hide()

    @property
    def running(self) -> bool:
        return self._running

    def showEvent(self, event: QShowEvent) -> None:
        self.window().installEventFilter(self)
        super().showEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """While the job runs, Escape and the window's close button cancel it and
        leave the window open to say so; a window closed for a lock (hidden
        without a close event) cancels it too, so the lock does not wait."""
        if not self._running or watched is not self.window():
            return False
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return True
        if kind == QEvent.Type.Close:
            self.cancel()
            event.ignore()
            return True
        if kind == QEvent.Type.Hide:
            self.cancel()
        return False

    def start(self, stage: str, job: BundleJob, on_done: Callable[[Any], None],
              on_error: Callable[[BaseException], None], *, can_cancel: bool = True) -> None:
        """Run ``job(progress, cancelled)`` on the worker. Until it first reports,
        the bar just shows that something is happening. ``on_done`` or
        ``on_error`` runs on the GUI thread, and only if this widget still exists."""
        self._cancel = threading.Event()
        cancel = self._cancel
        self._running = True
        self._can_cancel = can_cancel
        self._show(stage, -1)
        self.cancel_button.setEnabled(can_cancel)
        self.cancel_button.setVisible(can_cancel)
        self.show()
        relay = _ProgressRelay(self._worker)
        relay.moved.connect(self._show)
        last: list[tuple[str, int]] = [(stage, -1)]

        def progress(text: str, fraction: float) -> None:
            """``fraction`` below 0: busy, with no figure to show."""
            step = (text, -1 if fraction < 0 else min(_STEPS, round(fraction * _STEPS)))
            if step != last[0]:  # only what the person would see change
                last[0] = step
                relay.moved.emit(*step)

        def finished(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            def call(value: Any) -> None:
                relay.deleteLater()
                if shiboken6.isValid(self):
                    self._running = False
                    self.hide()
                    callback(value)
            return call

        self._worker.run(lambda: job(progress, cancel.is_set),
                         on_done=finished(on_done), on_error=finished(on_error))

    def cancel(self) -> None:
        """Ask the job to stop; it reports :class:`Cancelled` when it has. A job
        started with ``can_cancel=False`` runs to its end."""
        if self._running and self._can_cancel and not self._cancel.is_set():
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.stage.setText("Cancelling…")

    @Slot(str, int)
    def _show(self, stage: str, percent: int) -> None:
        if self._cancel.is_set():
            return
        self.stage.setText(stage)
        if percent < 0:
            self.bar.setRange(0, 0)  # busy, no figure yet
        else:
            self.bar.setRange(0, _STEPS)
            self.bar.setValue(percent)
        self.bar.setAccessibleName(self.stage.text())


def size_text(size: int) -> str:
    """A file size as people say it: "840 KB", "12.3 MB"."""
    if size < 1000 * 1000:
        return f"{max(1, round(size / 1000))} KB"
    if size < 1000**3:
        return f"{size / 1000**2:.1f} MB"
    return f"{size / 1000**3:.2f} GB"


def read_bundle_file(path: Path) -> bytes:
    """The bytes of a chosen bundle file (on the worker), or :class:`BundleRefused`
    saying plainly why it could not be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BundleRefused("There is no file there any more. Choose the bundle again.",
                            "unreadable") from None
    except IsADirectoryError:
        raise BundleRefused("That is a folder. Choose the bundle file itself.",
                            "unreadable") from None
    except OSError:
        raise BundleRefused("That file could not be read (the disk or folder reported an "
                            "error). Copy it somewhere else and try again.",
                            "unreadable") from None


# -- choosing a file to open, with a test hook (like form_helpers.set_next_save_path) -----
_next_open_path: list[Path | None] = []


def set_next_open_path(path: Path | None) -> None:
    """Tests: the next :func:`choose_open_path` returns ``path`` without a dialog."""
    _next_open_path.append(path)


def choose_open_path(parent: QWidget | None, caption: str, start: Path,
                     name_filter: str = BUNDLE_FILTER) -> Path | None:
    """Ask which file to open; ``None`` when the person cancels."""
    if _next_open_path:
        return _next_open_path.pop(0)
    chosen, _ = QFileDialog.getOpenFileName(parent, caption, str(start), name_filter)
    return Path(chosen) if chosen else None

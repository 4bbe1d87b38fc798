"""Copying to the clipboard so that nothing sgdesk copied outlives a lock.

Everything sgdesk puts on the clipboard goes through :meth:`ClipboardGuard.copy`.
On lock (and quit) :meth:`clear_if_ours` empties the clipboard if it still holds
what we put there, and leaves it alone if the user has since copied something else.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication


class ClipboardGuard(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ours: str | None = None

    def copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self._ours = text

    def clear_if_ours(self) -> bool:
        """Clear the clipboard if it still holds our text; say whether it did."""
        if self._ours is None:
            return False
        clipboard = QGuiApplication.clipboard()
        cleared = clipboard.text() == self._ours
        if cleared:
            clipboard.clear()
        self._ours = None
        return cleared


_guard: ClipboardGuard | None = None


def clipboard_guard() -> ClipboardGuard:
    """The application's one guard (created on first use, after the QApplication)."""
    global _guard
    if _guard is None:
        _guard = ClipboardGuard()
    return _guard

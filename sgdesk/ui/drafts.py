"""Forms whose unsaved text survives a lock, kept encrypted in the store as a draft.

A dialog opts in by subclassing :class:`DraftableDialog` and naming its form
(``draft_kind``, plus ``draft_ref`` for the record it edits). On lock, the main
window asks every open draftable dialog for :meth:`draft_state`, saves those
through :mod:`sgdesk.services.drafts` on the database worker, then closes the
dialogs. When the form is opened again it offers :meth:`restore_draft`.

Only text fields go into a draft, never password fields.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QWidget


class DraftableDialog(QDialog):
    """Base for dialogs with typed text worth keeping across a lock."""

    draft_kind: str = ""

    def __init__(self, parent: QWidget | None = None, draft_ref: str = "") -> None:
        super().__init__(parent)
        self.draft_ref = draft_ref

    def draft_state(self) -> dict[str, Any] | None:
        """The form's text fields, or ``None`` when there is nothing worth keeping."""
        raise NotImplementedError

    def restore_draft(self, state: dict[str, Any]) -> None:
        """Put a saved draft back into the form."""
        raise NotImplementedError


def open_draftable_dialogs(root: QWidget) -> list[DraftableDialog]:
    """Every visible draftable dialog under ``root`` (the main window)."""
    return [d for d in root.findChildren(DraftableDialog) if d.isVisible()]

"""Forms whose unsaved text survives a lock, kept encrypted in the store as a draft.

A dialog opts in by subclassing :class:`DraftableDialog` and naming its form
(``draft_kind``, plus ``draft_ref`` for the record it edits). On lock, the main
window asks every open draftable dialog for :meth:`draft_state`, saves those
through :mod:`sgdesk.services.drafts` on the database worker, then closes the
dialogs. When the form is opened again it offers :meth:`restore_draft`.

Only text fields go into a draft, never password fields.

Most record forms subclass :class:`DraftForm`, which adds the ways out every
form shares, so they behave the same everywhere.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QDialog, QWidget

from sgdesk.services import drafts
from sgdesk.services.session import Session
from sgdesk.ui.form_helpers import confirm
from sgdesk.ui.worker import DbWorker


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


class DraftForm(DraftableDialog):
    """A record form with the shared ways out.

    Escape, Cancel (connect it to :meth:`ask_to_discard`) and the window's close
    button ask before throwing typed text away, then forget the stored draft. A
    lock calls :meth:`reject`, which asks nothing and keeps the draft; so must any
    other close the program makes (and tests: see ``tests/ui/conftest.shown``). A save in progress
    cannot be abandoned: its outcome must be shown.
    """

    #: (title, question, button) for the discard question.
    discard_question: tuple[str, str, str] = (
        "Discard this form?", "What you have typed here has not been saved. Discard it?",
        "Discard")

    def __init__(self, worker: DbWorker, session: Session, parent: QWidget | None = None,
                 draft_ref: str = "") -> None:
        super().__init__(parent, draft_ref)
        self._worker = worker
        self._session = session

    @property
    def working(self) -> bool:
        """A save is running. Subclasses with a busy indicator say so here."""
        return False

    @property
    def loaded(self) -> bool:
        """The form has been filled from the store (and any stored draft applied).
        Until then, leaving must not forget a stored draft it has not shown yet."""
        return True

    def has_unsaved_text(self) -> bool:
        return self.draft_state() is not None

    def ask_to_discard(self) -> bool:
        """Leave if the person agrees; ``True`` when the form was closed."""
        if self.working and self.loaded:
            return False  # a save cannot be abandoned half-way: its outcome must show
        if self.has_unsaved_text() and not confirm(self, *self.discard_question):
            return False
        if self.loaded:
            self.forget_stored_draft()
        self.reject()
        return True

    def forget_stored_draft(self) -> None:
        """Drop this form's stored draft (after a save, or a deliberate discard)."""
        session, kind, ref = self._session, self.draft_kind, self.draft_ref
        # A leftover draft is offered again next time, never lost: ignore failure.
        self._worker.run(lambda: drafts.discard_draft(session, kind, ref),
                         on_error=lambda _exc: None)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.ask_to_discard()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """A close while the form is showing is the person's (the title bar's close
        button); the program closes forms with :meth:`reject`, which hides them first."""
        if self.isVisible():
            event.ignore()
            self.ask_to_discard()
        else:
            super().closeEvent(event)


def open_draftable_dialogs(root: QWidget) -> list[DraftableDialog]:
    """Every visible draftable dialog under ``root`` (the main window)."""
    return [d for d in root.findChildren(DraftableDialog) if d.isVisible()]

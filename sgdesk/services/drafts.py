"""Unsaved form text kept encrypted in the store, so a lock never loses typing.

A form is identified by its ``kind`` (e.g. ``"add_user"``) and a ``ref`` (the
record it edits, or ``""`` for a new one). Each user has their own drafts.
Passwords are never put in a draft: forms pass only their text fields.
"""

from __future__ import annotations

from typing import Any

from sgdesk.services.session import Session
from sgdesk.storage.drafts_repo import DraftRepository


def save_drafts(session: Session, drafts: list[tuple[str, str, dict[str, Any]]]) -> None:
    """Save several drafts in one transaction (what a lock does with open forms)."""
    if not drafts or not session.user.role.can_write:
        return
    repo = DraftRepository(session.db)
    with session.db.write(session.user.id) as tx:
        for kind, ref, body in drafts:
            repo.put(tx, session.user.id, kind, ref, body)


def load_draft(session: Session, kind: str, ref: str = "") -> dict[str, Any] | None:
    return DraftRepository(session.db).get(session.user.id, kind, ref)


def discard_draft(session: Session, kind: str, ref: str = "") -> None:
    """Called when the form is saved or deliberately discarded."""
    if load_draft(session, kind, ref) is None:
        return
    with session.db.write(session.user.id) as tx:
        DraftRepository(session.db).delete(tx, session.user.id, kind, ref)

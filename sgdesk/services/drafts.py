"""Unsaved form text kept encrypted in the store, so a lock never loses typing.

A form is identified by its ``kind`` (e.g. ``"add_user"``) and a ``ref`` (the
record it edits, or ``""`` for a new one). Each user has their own drafts.
Passwords are never put in a draft: forms pass only their text fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sgdesk.services.session import Session
from sgdesk.storage.drafts_repo import DraftRepository
from sgdesk.storage.pupils_repo import PupilRepository


@dataclass(frozen=True)
class WaitingDraft:
    """A form left unsaved (by a lock, or a crash mid-typing) that its owner can
    pick up again. ``pupil_name`` names the child a new record was for, if known."""

    kind: str
    ref: str
    saved_at: datetime
    pupil_name: str


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


def waiting_drafts(session: Session) -> list[WaitingDraft]:
    """The signed-in user's drafts, newest first, each with the child a new record
    was for (a new form's ref is ``new:<pupil id>…``; a pupil form's is the id),
    if the user may still see that child."""
    # Imported here: this module is on the launch path (drafts are saved at a
    # lock), and the access rule pulls in every record repository.
    from sgdesk.services import access

    found = DraftRepository(session.db).list_for(session.user.id)
    pupil_ids = {kind_ref_pupil(kind, ref) for kind, ref, _ in found} - {""}
    names = {p.id: p.display_name
             for p in PupilRepository(session.db).get_many(sorted(pupil_ids)).values()
             if access.can_see(session, p)}
    return [WaitingDraft(kind, ref, datetime.fromisoformat(saved),
                         names.get(kind_ref_pupil(kind, ref), ""))
            for kind, ref, saved in found]


def kind_ref_pupil(kind: str, ref: str) -> str:
    """The pupil a draft's ref names, or ``""``."""
    if ref.startswith("new:"):
        return ref.split(":")[1]
    return ref if kind == "pupil" and ref != "new" else ""

"""The DSL's private supervision log: adding, amending and reading notes.

Only the Designated Safeguarding Lead may read or write it: every function checks
the role itself, reads included, so a deputy, the SENDCO or the auditor is refused
whichever way they ask. A note is amended with a reason, never overwritten. Notes
are not indexed for search and link to no pupil, so they never reach a pupil's
file, a chronology or a share.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sgdesk.models.concerns import validate_amendment_reason
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.supervision import SupervisionNote, changed_fields
from sgdesk.models.users import Role
from sgdesk.services.session import Session
from sgdesk.services.users import user_names
from sgdesk.storage import codec
from sgdesk.storage.versioned import VersionedTable

_NOT_IN_LOG = "That note is not in your supervision log."


@dataclass(frozen=True)
class NoteVersion:
    """One saved version: the original (number 1) or an amendment with who, when and
    why. ``changed`` names the fields that differ from the version before."""

    number: int
    note: SupervisionNote
    saved_by: str
    saved_at: datetime
    reason: str
    changed: tuple[str, ...]


@dataclass(frozen=True)
class NoteRecord:
    """A note with every version, oldest first."""

    id: str
    versions: tuple[NoteVersion, ...]

    @property
    def current(self) -> NoteVersion:
        return self.versions[-1]


def _require_dsl(session: Session) -> None:
    if session.user.role is not Role.DSL:
        raise PermissionDenied("Only the Designated Safeguarding Lead can see the "
                               "supervision log.")


def _today(session: Session) -> date:
    return session.db.clock().astimezone().date()


def _table(session: Session) -> VersionedTable:
    return VersionedTable(session.db, "supervision_note")


def add_note(session: Session, note: SupervisionNote) -> str:
    """Add a session or a reflection to the log; returns its id."""
    _require_dsl(session)
    note = note.validated(_today(session))
    note_id = str(uuid.uuid4())
    with session.db.write(session.user.id) as tx:
        _table(session).insert(tx, note_id, codec.dumps(note),
                               {"held_on": note.held_on.isoformat()})
    return note_id


def amend_note(session: Session, note_id: str, note: SupervisionNote, reason: str,
               base_version: int) -> int:
    """Save a new version with ``reason``; every earlier version stays."""
    _require_dsl(session)
    reason = validate_amendment_reason(reason)
    note = note.validated(_today(session))
    current = get_note(session, note_id).current.note
    if not changed_fields(current, note):
        raise InvalidInput("Nothing has changed, so there is nothing to amend.", field="reason")
    with session.db.write(session.user.id) as tx:
        return _table(session).amend(tx, note_id, codec.dumps(note),
                                     {"held_on": note.held_on.isoformat()}, reason,
                                     base_version)


def notes(session: Session) -> list[NoteRecord]:
    """Every note with its versions, the most recent first (read in one query)."""
    _require_dsl(session)
    return _records(session, "", ())


def get_note(session: Session, note_id: str) -> NoteRecord:
    """One note with every version, oldest first."""
    _require_dsl(session)
    found = _records(session, "WHERE n.id = ?", (note_id,))
    if not found:
        raise InvalidInput(_NOT_IN_LOG)
    return found[0]


def _records(session: Session, where: str, params: tuple[str, ...]) -> list[NoteRecord]:
    names = user_names(session)
    rows = session.db.query(
        "SELECT v.supervision_note_id, v.number, v.body, v.saved_by, v.saved_at, v.reason "
        "FROM supervision_note_versions v JOIN supervision_notes n "
        f"ON n.id = v.supervision_note_id {where} "
        "ORDER BY n.held_on DESC, n.rowid DESC, v.number", params)
    grouped: dict[str, list[NoteVersion]] = {}
    for note_id, number, body, saved_by, saved_at, reason in (tuple(r) for r in rows):
        versions = grouped.setdefault(note_id, [])
        note = codec.loads(SupervisionNote, body)
        changed = tuple(changed_fields(versions[-1].note, note)) if versions else ()
        versions.append(NoteVersion(number, note, names.get(saved_by, "unknown user"),
                                    datetime.fromisoformat(saved_at), reason, changed))
    return [NoteRecord(note_id, tuple(versions)) for note_id, versions in grouped.items()]

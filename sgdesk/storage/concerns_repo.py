"""Concerns, their versions, and the tables derived from the current version:
which children are involved (for each pupil's file) and open actions (for the
DSL's home view). Derived rows are rebuilt from each new version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sgdesk.models.concerns import ActionStatus, ConcernContent
from sgdesk.storage import codec
from sgdesk.storage.database import Database, Row, WriteTransaction
from sgdesk.storage.search_index import SearchIndex
from sgdesk.storage.versioned import StoredVersion, VersionedTable


@dataclass(frozen=True)
class StoredConcern:
    id: str
    version: int
    logged_at: str
    logged_by: str
    status: str
    content: ConcernContent


@dataclass(frozen=True)
class OpenAction:
    concern_id: str
    description: str
    owner: str
    due: date | None


def concern_status(content: ConcernContent) -> str:
    if content.review is None:
        return "awaiting_review"
    return "closed" if content.review.closed_on else "open"


def _columns(content: ConcernContent) -> dict[str, object]:
    return {
        "happened_at": content.happened_at.isoformat(),
        "status": concern_status(content),
        "decision": content.review.decision.value if content.review else None,
    }


def search_text(content: ConcernContent) -> tuple[str, str]:
    title = " ".join((content.happened_at.date().isoformat(), *content.categories,
                      *content.tags, content.location))
    parts = (content.facts, content.child_words, content.questions_asked,
             content.others_reported, content.others_source, content.opinion,
             content.immediate_action, content.reporter_name,
             content.review.reasons if content.review else "",
             content.review.outcome if content.review else "")
    return title, "\n".join(p for p in parts if p)


class ConcernRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._versions = VersionedTable(db, "concern")

    def add(self, tx: WriteTransaction, concern_id: str, content: ConcernContent) -> None:
        columns = {**_columns(content), "logged_at": tx.now, "logged_by": tx.actor_id}
        self._versions.insert(tx, concern_id, codec.dumps(content), columns)
        self._derive(tx, concern_id, content)

    def amend(self, tx: WriteTransaction, concern_id: str, content: ConcernContent,
              reason: str, base_version: int) -> int:
        number = self._versions.amend(tx, concern_id, codec.dumps(content), _columns(content),
                                      reason, base_version)
        self._derive(tx, concern_id, content)
        return number

    def _derive(self, tx: WriteTransaction, concern_id: str, content: ConcernContent) -> None:
        tx.execute("DELETE FROM concern_children WHERE concern_id = ?", (concern_id,))
        for child in content.children:
            tx.execute("INSERT INTO concern_children (concern_id, pupil_id, role) "
                       "VALUES (?, ?, ?)", (concern_id, child.pupil_id, child.role.value))
        tx.execute("DELETE FROM concern_actions WHERE concern_id = ?", (concern_id,))
        for position, action in enumerate(content.review.actions if content.review else ()):
            tx.execute(
                "INSERT INTO concern_actions (concern_id, position, description, owner, due, "
                "status) VALUES (?, ?, ?, ?, ?, ?)",
                (concern_id, position, action.description, action.owner,
                 action.due.isoformat() if action.due else None, action.status.value),
            )
        SearchIndex(self._db).put(tx, "concern", concern_id, *search_text(content))

    def get(self, concern_id: str) -> StoredConcern | None:
        row = self._db.query_one(
            "SELECT id, version, logged_at, logged_by, status, body FROM concerns WHERE id = ?",
            (concern_id,),
        )
        return _stored(row) if row else None

    def for_pupil(self, pupil_id: str) -> list[StoredConcern]:
        """Every concern involving the pupil, newest first."""
        rows = self._db.query(
            "SELECT c.id, c.version, c.logged_at, c.logged_by, c.status, c.body "
            "FROM concern_children cc JOIN concerns c ON c.id = cc.concern_id "
            "WHERE cc.pupil_id = ? ORDER BY c.happened_at DESC",
            (pupil_id,),
        )
        return [_stored(r) for r in rows]

    def history(self, concern_id: str) -> list[StoredVersion]:
        return self._versions.history(concern_id)

    def with_status(self, status: str, limit: int = 200) -> list[StoredConcern]:
        rows = self._db.query(
            "SELECT id, version, logged_at, logged_by, status, body FROM concerns "
            "WHERE status = ? ORDER BY happened_at LIMIT ?", (status, limit))
        return [_stored(r) for r in rows]

    def recently_logged(self, limit: int = 20) -> list[StoredConcern]:
        rows = self._db.query(
            "SELECT id, version, logged_at, logged_by, status, body FROM concerns "
            "ORDER BY logged_at DESC LIMIT ?", (limit,))
        return [_stored(r) for r in rows]

    def open_actions_due_by(self, day: date, limit: int = 200) -> list[OpenAction]:
        rows = self._db.query(
            "SELECT concern_id, description, owner, due FROM concern_actions "
            "WHERE status = ? AND due IS NOT NULL AND due <= ? ORDER BY due LIMIT ?",
            (ActionStatus.OPEN.value, day.isoformat(), limit))
        return [OpenAction(r[0], r[1], r[2], date.fromisoformat(r[3])) for r in rows]

    def children_of(self, concern_ids: list[str]) -> dict[str, list[str]]:
        """Pupil ids involved in each concern (for naming search results)."""
        if not concern_ids:
            return {}
        marks = ", ".join("?" * len(concern_ids))
        found: dict[str, list[str]] = {}
        for concern_id, pupil_id in self._db.query(
                f"SELECT concern_id, pupil_id FROM concern_children WHERE concern_id IN ({marks})",
                concern_ids):
            found.setdefault(concern_id, []).append(pupil_id)
        return found


def _stored(row: Row) -> StoredConcern:
    return StoredConcern(row[0], int(row[1]), row[2], row[3], row[4],
                         codec.loads(ConcernContent, row[5]))

"""Chronology events recorded by hand (with every version), the DSL's choices of
which entries drawn from the record are significant, and the one reading of the
concerns' history a chronology needs: when each DSL decision was recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sgdesk.models.chronology import ChronologyEvent
from sgdesk.storage import codec
from sgdesk.storage.database import Database, WriteTransaction
from sgdesk.storage.versioned import StoredVersion, VersionedTable

#: A significance choice's key: (pupil id, source kind, source id).
type SignificanceKey = tuple[str, str, str]


@dataclass(frozen=True)
class StoredEventHistory:
    """One event with every saved version, oldest first."""

    id: str
    versions: tuple[StoredVersion, ...]


@dataclass(frozen=True)
class CurrentEvent:
    """An event's current version, as chronologies use it."""

    id: str
    version: int
    content: ChronologyEvent


def _columns(content: ChronologyEvent) -> dict[str, object]:
    return {
        "pupil_id": content.pupil_id,
        "family_id": content.family_id,
        "happened_on": content.happened_on.isoformat(),
    }


def _marks(values: Sequence[str]) -> str:
    return ", ".join("?" * len(values))


class ChronologyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._versions = VersionedTable(db, "chronology_event")

    # -- hand-recorded events ---------------------------------------------------
    def add(self, tx: WriteTransaction, event_id: str, content: ChronologyEvent) -> None:
        self._versions.insert(tx, event_id, codec.dumps(content), _columns(content))

    def amend(self, tx: WriteTransaction, event_id: str, content: ChronologyEvent, reason: str,
              base_version: int) -> int:
        return self._versions.amend(tx, event_id, codec.dumps(content), _columns(content),
                                    reason, base_version)

    def current(self, event_id: str) -> CurrentEvent | None:
        row = self._db.query_one("SELECT id, version, body FROM chronology_events WHERE id = ?",
                                 (event_id,))
        return CurrentEvent(row[0], int(row[1]), codec.loads(ChronologyEvent, row[2])) \
            if row else None

    def history(self, event_id: str) -> StoredEventHistory | None:
        versions = self._versions.history(event_id)
        return StoredEventHistory(event_id, tuple(versions)) if versions else None

    def events_for(self, pupil_ids: Sequence[str] = (),
                   family_id: str | None = None) -> list[CurrentEvent]:
        """The current events of these pupils and of this family, in the order they
        were first recorded, in one query."""
        where: list[str] = []
        params: list[str] = []
        if pupil_ids:
            where.append(f"pupil_id IN ({_marks(pupil_ids)})")
            params.extend(pupil_ids)
        if family_id is not None:
            where.append("family_id = ?")
            params.append(family_id)
        if not where:
            return []
        rows = self._db.query(
            "SELECT id, version, body FROM chronology_events "
            f"WHERE {' OR '.join(where)} ORDER BY rowid", params)
        return [CurrentEvent(r[0], int(r[1]), codec.loads(ChronologyEvent, r[2])) for r in rows]

    # -- significance of entries drawn from the record --------------------------
    def significance(self, pupil_ids: Sequence[str]) -> dict[SignificanceKey, bool]:
        """The DSL's choices for these pupils' derived entries."""
        if not pupil_ids:
            return {}
        rows = self._db.query(
            "SELECT pupil_id, source_kind, source_id, significant FROM chronology_significance "
            f"WHERE pupil_id IN ({_marks(pupil_ids)})", list(pupil_ids))
        return {(r[0], r[1], r[2]): bool(r[3]) for r in rows}

    def set_significance(self, tx: WriteTransaction, pupil_id: str, source_kind: str,
                         source_id: str, significant: bool) -> None:
        """Record the choice (replacing an earlier one) and audit it: the audit row
        says which entry and which way, never what the entry says."""
        tx.execute(
            "INSERT INTO chronology_significance "
            "(pupil_id, source_kind, source_id, significant, set_by, set_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pupil_id, source_kind, source_id) "
            "DO UPDATE SET significant = excluded.significant, set_by = excluded.set_by, "
            "set_at = excluded.set_at",
            (pupil_id, source_kind, source_id, int(significant), tx.actor_id, tx.now))
        tx.audit("mark_significant" if significant else "mark_not_significant",
                 "chronology_significance", f"{pupil_id}:{source_kind}:{source_id}")

    # -- when DSL decisions were recorded ---------------------------------------
    def decisions_recorded(self, pupil_ids: Sequence[str]) -> dict[tuple[str, date], str]:
        """For each concern involving these pupils and each ``reviewed_on`` its
        versions have held: when a version first carried it (a stored timestamp).
        Read from the versions' JSON inside the database, in one query, so a
        chronology can place a decision within its day without loading histories."""
        if not pupil_ids:
            return {}
        rows = self._db.query(
            "SELECT v.concern_id, json_extract(v.body, '$.review.reviewed_on') AS day, "
            "min(v.saved_at) FROM concern_versions v WHERE v.concern_id IN ("
            "  SELECT concern_id FROM concern_children "
            f"  WHERE pupil_id IN ({_marks(pupil_ids)})) "
            "AND day IS NOT NULL GROUP BY v.concern_id, day", list(pupil_ids))
        return {(r[0], date.fromisoformat(r[1])): r[2] for r in rows}

"""Body maps, their versions, and each map's marks as rows (derived from the current
version and rebuilt with every new one), so marks can be found by site and date
without opening every map.

Maps are not in the full-text search index yet: the search screen opens every hit
that is not a pupil as a concern, so a map's hit would open the wrong record. The
children's explanations are worth finding once the screen knows a third kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sgdesk.models.body_maps import BodyMapContent
from sgdesk.storage import codec
from sgdesk.storage.database import Database, WriteTransaction
from sgdesk.storage.versioned import StoredVersion, VersionedTable


@dataclass(frozen=True)
class StoredBodyMap:
    """One map with every saved version, oldest first."""

    id: str
    versions: tuple[StoredVersion, ...]


def stored_moment(moment: datetime) -> str:
    """A moment as the indexed columns hold it: ISO 8601 in UTC, so text order is
    time order whatever offset the map was completed in."""
    return moment.astimezone(UTC).isoformat()


def _columns(content: BodyMapContent) -> dict[str, object]:
    return {
        "pupil_id": content.pupil_id,
        "concern_id": content.concern_id,
        "completed_at": stored_moment(content.completed_at),
    }


class BodyMapRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._versions = VersionedTable(db, "body_map")

    def add(self, tx: WriteTransaction, map_id: str, content: BodyMapContent) -> None:
        self._versions.insert(tx, map_id, codec.dumps(content), _columns(content))
        self._derive(tx, map_id, content)

    def amend(self, tx: WriteTransaction, map_id: str, content: BodyMapContent, reason: str,
              base_version: int) -> int:
        number = self._versions.amend(tx, map_id, codec.dumps(content), _columns(content),
                                      reason, base_version)
        self._derive(tx, map_id, content)
        return number

    def current(self, map_id: str) -> BodyMapContent | None:
        row = self._db.query_one("SELECT body FROM body_maps WHERE id = ?", (map_id,))
        return codec.loads(BodyMapContent, row[0]) if row else None

    def get(self, map_id: str) -> StoredBodyMap | None:
        history = self._versions.history(map_id)
        return StoredBodyMap(map_id, tuple(history)) if history else None

    def for_pupil(self, pupil_id: str, from_at: str | None = None,
                  before_at: str | None = None) -> list[StoredBodyMap]:
        """The pupil's maps, oldest completed first; ``from_at`` (inclusive) and
        ``before_at`` (exclusive) are :func:`stored_moment` strings."""
        where = ["m.pupil_id = ?"]
        params: list[str] = [pupil_id]
        if from_at is not None:
            where.append("m.completed_at >= ?")
            params.append(from_at)
        if before_at is not None:
            where.append("m.completed_at < ?")
            params.append(before_at)
        return self._with_versions(" AND ".join(where), params)

    def for_concern(self, concern_id: str) -> list[StoredBodyMap]:
        """The maps linked to a concern (for any child in it), oldest completed first."""
        return self._with_versions("m.concern_id = ?", [concern_id])

    def _with_versions(self, where: str, params: list[str]) -> list[StoredBodyMap]:
        """Maps and all their versions in one query."""
        rows = self._db.query(
            "SELECT m.id, v.number, v.body, v.saved_by, v.saved_at, v.reason "
            "FROM body_maps m JOIN body_map_versions v ON v.body_map_id = m.id "
            f"WHERE {where} ORDER BY m.completed_at, m.id, v.number", params)
        found: dict[str, list[StoredVersion]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(StoredVersion(*tuple(row)[1:]))
        return [StoredBodyMap(map_id, tuple(versions)) for map_id, versions in found.items()]

    def _derive(self, tx: WriteTransaction, map_id: str, content: BodyMapContent) -> None:
        tx.execute("DELETE FROM body_map_marks WHERE map_id = ?", (map_id,))
        for number, mark in enumerate(content.marks, start=1):
            tx.execute(
                "INSERT INTO body_map_marks (map_id, number, view, site, mark_type, seen_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (map_id, number, mark.view.value, " ".join(mark.site.split()),
                 mark.mark_type.value, stored_moment(mark.seen_at)),
            )

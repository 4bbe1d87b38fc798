"""The register of allegations and low-level concerns about adults, with every version.

Deliberately not in the full-text search index (which every role can use) and
never linked to pupils: the register is the DSL's alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sgdesk.models.adult_concerns import AdultConcern
from sgdesk.storage import codec
from sgdesk.storage.database import Database, WriteTransaction
from sgdesk.storage.versioned import StoredVersion, VersionedTable


@dataclass(frozen=True)
class StoredAdultConcern:
    id: str
    version: int
    recorded_at: str
    content: AdultConcern


def _columns(content: AdultConcern) -> dict[str, object]:
    return {"kind": content.kind.value, "happened_at": content.happened_at.isoformat()}


class AdultConcernRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._versions = VersionedTable(db, "adult_concern")

    def add(self, tx: WriteTransaction, record_id: str, content: AdultConcern) -> None:
        self._versions.insert(tx, record_id, codec.dumps(content), _columns(content))

    def amend(self, tx: WriteTransaction, record_id: str, content: AdultConcern, reason: str,
              base_version: int) -> int:
        return self._versions.amend(tx, record_id, codec.dumps(content), _columns(content),
                                    reason, base_version)

    def get(self, record_id: str) -> StoredAdultConcern | None:
        found = self._select("WHERE a.id = ?", (record_id,))
        return found[0] if found else None

    def all(self) -> list[StoredAdultConcern]:
        """The whole register, newest first (a school's register is small)."""
        return self._select("ORDER BY a.happened_at DESC", ())

    def history(self, record_id: str) -> list[StoredVersion]:
        return self._versions.history(record_id)

    def _select(self, tail: str, params: tuple[str, ...]) -> list[StoredAdultConcern]:
        rows = self._db.query(
            "SELECT a.id, a.version, v.saved_at, a.body FROM adult_concerns a "
            "JOIN adult_concern_versions v ON v.adult_concern_id = a.id AND v.number = 1 "
            + tail, params)
        return [StoredAdultConcern(r[0], int(r[1]), r[2], codec.loads(AdultConcern, r[3]))
                for r in rows]

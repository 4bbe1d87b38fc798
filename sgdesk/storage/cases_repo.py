"""Cases (Early Help, child in need, child protection) and every version of them,
with the columns the pupil's list and the home view's clocks need.

The columns are derived from the body on every version. Cases are not in the
full-text search index: the search screen opens pupils and concerns only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sgdesk.models.casework import CaseContent
from sgdesk.storage import codec
from sgdesk.storage.database import Database, WriteTransaction
from sgdesk.storage.versioned import StoredVersion, VersionedTable


@dataclass(frozen=True)
class StoredCase:
    """One case with every saved version, oldest first."""

    id: str
    versions: tuple[StoredVersion, ...]


def _columns(content: CaseContent) -> dict[str, object]:
    return {
        "kind": content.kind.value,
        "pupil_id": content.pupil_id,
        "family_id": content.family_id,
        "started_on": content.started_on.isoformat(),
        "closed_on": content.closed_on.isoformat() if content.closed_on else None,
    }


class CaseRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._versions = VersionedTable(db, "case")

    def add(self, tx: WriteTransaction, case_id: str, content: CaseContent) -> None:
        self._versions.insert(tx, case_id, codec.dumps(content), _columns(content))

    def amend(self, tx: WriteTransaction, case_id: str, content: CaseContent, reason: str,
              base_version: int) -> int:
        return self._versions.amend(tx, case_id, codec.dumps(content), _columns(content),
                                    reason, base_version)

    def current(self, case_id: str) -> CaseContent | None:
        row = self._db.query_one("SELECT body FROM cases WHERE id = ?", (case_id,))
        return codec.loads(CaseContent, row[0]) if row else None

    def get(self, case_id: str) -> StoredCase | None:
        found = self._with_versions("c.id = ?", [case_id])
        return found[0] if found else None

    def for_pupil(self, pupil_id: str) -> list[StoredCase]:
        """The pupil's cases, the earliest started first."""
        return self._with_versions("c.pupil_id = ?", [pupil_id])

    def open_cases(self) -> list[tuple[str, CaseContent]]:
        """Every open case's current content (for the clocks), earliest started first."""
        rows = self._db.query("SELECT id, body FROM cases WHERE closed_on IS NULL "
                              "ORDER BY started_on, rowid")
        return [(row[0], codec.loads(CaseContent, row[1])) for row in rows]

    def _with_versions(self, where: str, params: list[str]) -> list[StoredCase]:
        """Cases and all their versions in one query; cases started on the same day
        stay in the order they were opened (rowid)."""
        rows = self._db.query(
            "SELECT c.id, v.number, v.body, v.saved_by, v.saved_at, v.reason "
            "FROM cases c JOIN case_versions v ON v.case_id = c.id "
            f"WHERE {where} ORDER BY c.started_on, c.rowid, v.number", params)
        found: dict[str, list[StoredVersion]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(StoredVersion(*tuple(row)[1:]))
        return [StoredCase(case_id, tuple(versions)) for case_id, versions in found.items()]

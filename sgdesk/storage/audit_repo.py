"""Reading the audit chain back for verification."""

from __future__ import annotations

from sgdesk.models.audit import AuditEntry
from sgdesk.storage.database import Database


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def entries(self) -> list[AuditEntry]:
        rows = self._db.query(
            "SELECT seq, at, actor_id, action, table_name, row_id, prev_hash, hash "
            "FROM audit ORDER BY seq"
        )
        return [AuditEntry(*tuple(r)) for r in rows]

    def head(self) -> tuple[int, str] | None:
        row = self._db.query_one("SELECT seq, hash FROM audit_head WHERE id = 1")
        return (int(row[0]), str(row[1])) if row else None

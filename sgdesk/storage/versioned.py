"""Records that are amended, never overwritten.

Each versioned kind has a main table (``pupils``: the current version, with the
columns lists and filters need, and its JSON body) and an append-only versions
table (``pupil_versions``: every version ever saved, with who, when and why).
Saving a new version updates the main row and appends to the history in the
same transaction; triggers refuse any change to the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sgdesk.models.errors import InvalidInput
from sgdesk.storage.database import Database, WriteTransaction


@dataclass(frozen=True)
class StoredVersion:
    number: int
    body: str
    saved_by: str
    saved_at: str
    reason: str


class VersionedTable:
    """The main-table/versions-table pair for one record kind (``name`` = "pupil")."""

    def __init__(self, db: Database, name: str) -> None:
        if name not in ("pupil", "concern", "adult_concern", "body_map", "chronology_event",
                        "referral", "case", "transfer", "sendco_request", "legal_hold",
                        "subject_access_request", "supervision_note"):
            raise ValueError(name)
        self._db = db
        self.table = f"{name}s"
        self.versions_table = f"{name}_versions"
        self._key = f"{name}_id"

    def insert(self, tx: WriteTransaction, record_id: str, body: str,
               columns: Mapping[str, Any]) -> None:
        names = ["id", "version", "body", *columns]
        tx.execute(
            f"INSERT INTO {self.table} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' * len(names))})",
            (record_id, 1, body, *columns.values()),
        )
        self._append(tx, record_id, 1, body, "")
        tx.audit("create", self.table, record_id)

    def amend(self, tx: WriteTransaction, record_id: str, body: str,
              columns: Mapping[str, Any], reason: str, base_version: int) -> int:
        """Save version ``base_version + 1``; refuse if someone saved in between."""
        current = self.current_version(record_id)
        if current != base_version:
            raise InvalidInput(
                "This record was changed by someone else while you were editing it. "
                "Your text is kept: close the form, reopen the record and amend it again.",
                field="reason",
            )
        number = current + 1
        sets = ", ".join(f"{c} = ?" for c in ("version", "body", *columns))
        tx.execute(f"UPDATE {self.table} SET {sets} WHERE id = ?",
                   (number, body, *columns.values(), record_id))
        self._append(tx, record_id, number, body, reason)
        tx.audit("amend", self.table, f"{record_id}#v{number}")
        return number

    def current_version(self, record_id: str) -> int:
        row = self._db.query_one(f"SELECT version FROM {self.table} WHERE id = ?", (record_id,))
        if row is None:
            raise InvalidInput("That record does not exist.")
        return int(row[0])

    def history(self, record_id: str) -> list[StoredVersion]:
        rows = self._db.query(
            f"SELECT number, body, saved_by, saved_at, reason FROM {self.versions_table} "
            f"WHERE {self._key} = ? ORDER BY number",
            (record_id,),
        )
        return [StoredVersion(*tuple(r)) for r in rows]

    def _append(self, tx: WriteTransaction, record_id: str, number: int, body: str,
                reason: str) -> None:
        tx.execute(
            f"INSERT INTO {self.versions_table} ({self._key}, number, body, saved_by, saved_at,"
            " reason) VALUES (?, ?, ?, ?, ?, ?)",
            (record_id, number, body, tx.actor_id, tx.now, reason),
        )

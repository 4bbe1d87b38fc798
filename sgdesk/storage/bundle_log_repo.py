"""The log of bundles made here and taken in (append-only: see migration 8)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sgdesk.storage.database import Database, WriteTransaction


@dataclass(frozen=True)
class BundleLogEntry:
    id: str
    direction: str
    kind: str
    sha256: str
    at: str
    by_user: str
    counterpart: str
    body: dict[str, Any]


class BundleLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, tx: WriteTransaction, direction: str, kind: str, sha256: str,
            counterpart: str, body: dict[str, Any]) -> str:
        entry_id = str(uuid.uuid4())
        tx.execute(
            "INSERT INTO bundle_log (id, direction, kind, sha256, at, by_user, counterpart, body)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (entry_id, direction, kind, sha256, tx.now, tx.actor_id, counterpart,
             json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))),
        )
        tx.audit(direction, "bundle_log", entry_id)
        return entry_id

    def entries(self, direction: str | None = None) -> list[BundleLogEntry]:
        rows = self._db.query(
            "SELECT id, direction, kind, sha256, at, by_user, counterpart, body FROM bundle_log"
            + (" WHERE direction = ?" if direction else "") + " ORDER BY at DESC",
            (direction,) if direction else (),
        )
        return [BundleLogEntry(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]),
                               str(r[6]), json.loads(r[7])) for r in rows]

    def pupil_matches(self) -> dict[str, str]:
        """Incoming pupil id → the pupil here a person said they are, from every
        earlier import, so the same child is not asked about twice."""
        found: dict[str, str] = {}
        for entry in reversed(self.entries("import")):
            matched = entry.body.get("matched")
            if isinstance(matched, dict):
                found.update({str(k): str(v) for k, v in matched.items()})
        return found

    def imported(self, bundle_id: str) -> BundleLogEntry | None:
        """When the bundle with this manifest id was taken in here, if it was."""
        for entry in self.entries("import"):
            if entry.body.get("bundle_id") == bundle_id:
                return entry
        return None

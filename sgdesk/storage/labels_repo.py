"""The school's own lists of concern categories and tags (DOMAIN.md's list by default)."""

from __future__ import annotations

from sgdesk.storage.database import Database, WriteTransaction


class LabelRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def active(self, kind: str) -> list[str]:
        return [r[0] for r in self._db.query(
            "SELECT name FROM concern_labels WHERE kind = ? AND active = 1 ORDER BY position",
            (kind,))]

    def add(self, tx: WriteTransaction, kind: str, name: str) -> None:
        position = self._db.query_one(
            "SELECT coalesce(max(position), 0) + 1 FROM concern_labels WHERE kind = ?", (kind,))
        tx.execute("INSERT INTO concern_labels (kind, name, position, active) VALUES (?, ?, ?, 1) "
                   "ON CONFLICT (kind, name) DO UPDATE SET active = 1",
                   (kind, name, position[0] if position else 1))
        tx.audit("add_label", "concern_labels", f"{kind}:{name}")

    def retire(self, tx: WriteTransaction, kind: str, name: str) -> None:
        """Retired labels stay on the concerns that use them; they are just not offered."""
        tx.execute("UPDATE concern_labels SET active = 0 WHERE kind = ? AND name = ?",
                   (kind, name))
        tx.audit("retire_label", "concern_labels", f"{kind}:{name}")

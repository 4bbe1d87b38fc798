"""Drafts: unsaved form text, kept encrypted in the store when the app locks,
one per user, form kind and record reference."""

from __future__ import annotations

import json
from typing import Any

from sgdesk.storage.database import Database, WriteTransaction


class DraftRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, user_id: str, kind: str, ref: str) -> dict[str, Any] | None:
        row = self._db.query_one(
            "SELECT body FROM drafts WHERE user_id = ? AND kind = ? AND ref = ?",
            (user_id, kind, ref),
        )
        return json.loads(row[0]) if row else None

    def list_for(self, user_id: str) -> list[tuple[str, str, str]]:
        """(kind, ref, saved_at) of every draft the user has, newest first."""
        return [(r[0], r[1], r[2]) for r in self._db.query(
            "SELECT kind, ref, saved_at FROM drafts WHERE user_id = ? ORDER BY saved_at DESC",
            (user_id,))]

    def put(self, tx: WriteTransaction, user_id: str, kind: str, ref: str,
            body: dict[str, Any]) -> None:
        tx.execute(
            "INSERT INTO drafts (user_id, kind, ref, body, saved_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id, kind, ref) DO UPDATE SET body = excluded.body, "
            "saved_at = excluded.saved_at",
            (user_id, kind, ref, json.dumps(body), tx.now),
        )
        tx.audit("save_draft", "drafts", f"{kind}:{ref}")

    def delete(self, tx: WriteTransaction, user_id: str, kind: str, ref: str) -> None:
        cur = tx.execute(
            "DELETE FROM drafts WHERE user_id = ? AND kind = ? AND ref = ?", (user_id, kind, ref)
        )
        if cur.rowcount:
            tx.audit("discard_draft", "drafts", f"{kind}:{ref}")

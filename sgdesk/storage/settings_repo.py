"""Store identity (``meta``: school name, created at/by) and preferences (``settings``).

Values are JSON so a setting keeps its type; both tables are inside the
encrypted store, so nothing here leaks to disk in plaintext.
"""

from __future__ import annotations

import json
from typing import Any

from sgdesk.storage.database import Database, WriteTransaction


class KeyValueTable:
    """A two-column table of JSON values, audited on every change."""

    def __init__(self, db: Database, table: str) -> None:
        if table not in ("meta", "settings"):
            raise ValueError(table)
        self._db = db
        self._table = table

    def get(self, key: str, default: Any = None) -> Any:
        row = self._db.query_one(f"SELECT value FROM {self._table} WHERE key = ?", (key,))
        return json.loads(row[0]) if row else default

    def put(self, tx: WriteTransaction, key: str, value: Any) -> None:
        tx.execute(
            f"INSERT INTO {self._table} (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )
        tx.audit("set", self._table, key)

"""Full-text search inside the encrypted store (SQLite FTS5).

One row per record: ``title`` (names, dates, categories) and ``body`` (all its
text fields). Rows are replaced whenever a record gets a new version, so the
index always holds the current text. The index lives in the same encrypted file.
``search_keys`` gives each record a stable integer rowid, so replacing a row is a
rowid lookup rather than a scan of the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sgdesk.storage.database import Database, WriteTransaction

_TOKEN = re.compile(r"\w+", re.UNICODE)
HIGHLIGHT_START = "\u0002"
HIGHLIGHT_END = "\u0003"


@dataclass(frozen=True)
class SearchRow:
    kind: str
    record_id: str
    title: str
    snippet: str


def fts_query(text: str) -> str:
    """What a person types, as a safe FTS5 query: every word must appear, the last
    as a prefix (so results come as they type). Operators are never interpreted."""
    words = _TOKEN.findall(text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


class SearchIndex:
    def __init__(self, db: Database) -> None:
        self._db = db

    def put(self, tx: WriteTransaction, kind: str, record_id: str, title: str,
            body: str) -> None:
        row = tx.execute("SELECT rowid FROM search_keys WHERE kind = ? AND record_id = ?",
                         (kind, record_id)).fetchone()
        if row is None:
            rowid = tx.execute("INSERT INTO search_keys (kind, record_id) VALUES (?, ?)",
                               (kind, record_id)).lastrowid
        else:
            rowid = row[0]
            tx.execute("DELETE FROM search_index WHERE rowid = ?", (rowid,))
        tx.execute("INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)",
                   (rowid, title, body))

    def search(self, text: str, limit: int = 50) -> list[SearchRow]:
        query = fts_query(text)
        if not query:
            return []
        rows = self._db.query(
            "SELECT k.kind, k.record_id, s.title, "
            f"snippet(search_index, 1, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', ' … ', 12) "
            "FROM search_index AS s JOIN search_keys AS k ON k.rowid = s.rowid "
            "WHERE search_index MATCH ? ORDER BY rank LIMIT ?",
            (query, limit),
        )
        return [SearchRow(*tuple(r)) for r in rows]

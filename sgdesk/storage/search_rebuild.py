"""Rebuilding the full-text index from the records, after records arrive in bulk.

A bundle does not carry the index (it is derived), so an import writes the
records and then indexes every pupil and concern it wrote, in the same
transaction: search finds them the moment the import commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sgdesk.models.concerns import ConcernContent
from sgdesk.models.pupils import Pupil
from sgdesk.storage import codec
from sgdesk.storage.concerns_repo import search_text as concern_text
from sgdesk.storage.database import Database, WriteTransaction
from sgdesk.storage.pupils_repo import search_text as pupil_text
from sgdesk.storage.search_index import SearchIndex


def reindex(tx: WriteTransaction, db: Database, pupil_ids: Iterable[str] | None = None,
            concern_ids: Iterable[str] | None = None) -> None:
    """Index the given pupils and concerns (``None``: every one in the store)."""
    index = SearchIndex(db)
    for record_id, body in _bodies(db, "pupils", pupil_ids):
        index.put(tx, "pupil", record_id, *pupil_text(codec.loads(Pupil, body)))
    for record_id, body in _bodies(db, "concerns", concern_ids):
        index.put(tx, "concern", record_id, *concern_text(codec.loads(ConcernContent, body)))


def _bodies(db: Database, table: str, ids: Iterable[str] | None) -> list[tuple[str, str]]:
    if ids is None:
        return [(str(r[0]), str(r[1])) for r in db.query(f"SELECT id, body FROM {table}")]
    found: list[tuple[str, str]] = []
    for record_id in ids:
        row = db.query_one(f"SELECT body FROM {table} WHERE id = ?", (record_id,))
        if row is not None:
            found.append((record_id, str(row[0])))
    return found

"""Writing a handover's rows into a brand-new store, exactly as they were.

The new database gets the schema of the bundle's version, then every row of
every table as the old store had it (ids, versions, who saved what and when),
the old audit chain included, its head carried over so the chain continues.
On top of that, in the same transaction: the new DSL's user, the new store's
id, the search index and the import's own log entry and audit link. One
transaction: a failure anywhere leaves an empty file that creation removes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sgdesk.models.users import User
from sgdesk.storage.bundle_log_repo import BundleLog
from sgdesk.storage.bundle_tables import insert_rows, table_shapes
from sgdesk.storage.database import Database
from sgdesk.storage.migrations import MIGRATIONS
from sgdesk.storage.search_rebuild import reindex
from sgdesk.storage.settings_repo import KeyValueTable
from sgdesk.storage.users_repo import UserRepository


def restore_handover(db: Database, user: User, store_id: str, schema_version: int,
                     tables: Mapping[str, Sequence[Mapping[str, Any]]],
                     log_entry: tuple[str, str, dict[str, Any]]) -> None:
    """Fill the empty ``db`` from a checked handover. ``log_entry`` is
    ``(sha256, from whom, body)`` for the bundle log."""
    if db.user_version() != 0:
        raise RuntimeError("a handover is restored only into a new, empty database")
    with db.write(user.id) as tx:
        for migration in MIGRATIONS[:schema_version]:
            for statement in migration.statements:
                tx.execute(statement)
        tx.execute(f"PRAGMA user_version = {schema_version}")
        for shape in table_shapes(db):
            rows = tables.get(shape.name, ())
            if rows and tx.execute(f"SELECT 1 FROM {shape.name} LIMIT 1").fetchone():
                # rows the schema seeds (the audit head, default categories) give way
                # to the handed-over ones
                tx.execute(f"DELETE FROM {shape.name}")
            insert_rows(tx, shape, rows)
        UserRepository(db).add(tx, user)
        meta = KeyValueTable(db, "meta")
        meta.put(tx, "store_id", store_id)
        meta.put(tx, "handed_over_at", tx.now)
        meta.put(tx, "handed_over_to", user.id)
        reindex(tx, db)
        sha256, counterpart, body = log_entry
        BundleLog(db).add(tx, "import", "handover", sha256, counterpart, body)

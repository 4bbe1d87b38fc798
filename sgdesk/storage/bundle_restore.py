"""Writing a handover's rows into a brand-new store, exactly as they were.

The new database gets the schema of the bundle's version, then every row of
every table as the old store had it (ids, versions, who saved what and when),
the old audit chain included, its head carried over so the chain continues.
On top of that, in the same transaction: the new DSL's user, the new store's
id, the search index and the import's own log entry and audit link. One
transaction: a failure anywhere leaves an empty file that creation removes.

A bundle that passed every check can still hold rows this store will not take
(a value SQLite cannot hold, a constraint or trigger of the schema, a record
body that does not decode when indexed): :func:`rows_that_fit` turns those into
a :class:`BundleRefused`, once the transaction has rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sgdesk.models.errors import BundleRefused
from sgdesk.models.users import User
from sgdesk.storage.bundle_log_repo import BundleLog
from sgdesk.storage.bundle_tables import insert_rows, table_shapes
from sgdesk.storage.database import Database, DatabaseError, WriteTransaction
from sgdesk.storage.migrations import MIGRATIONS
from sgdesk.storage.search_rebuild import reindex
from sgdesk.storage.settings_repo import KeyValueTable
from sgdesk.storage.users_repo import UserRepository

log = logging.getLogger(__name__)


class _UnreadableBody(Exception):
    """A record body the search index could not decode (raised inside the write)."""


@contextmanager
def rows_that_fit() -> Iterator[None]:
    """Around the write of a bundle's rows: what the store refuses is the bundle's
    fault, so it is refused as malformed. Disk trouble is already a WriteFailed."""
    try:
        yield
    except (DatabaseError, UnicodeEncodeError, OverflowError, _UnreadableBody) as exc:
        log.info("bundle rows refused by the store: %s", type(exc.__cause__ or exc).__name__)
        raise BundleRefused("This bundle holds records this store cannot take as they are "
                            "(a value out of range, or a record that contradicts another). "
                            "Nothing was imported.", "malformed") from exc


def reindex_arrived(tx: WriteTransaction, db: Database, pupil_ids: Iterable[str] | None = None,
                    concern_ids: Iterable[str] | None = None) -> None:
    """:func:`reindex` the records a bundle brought; a body that does not decode
    means the bundle is refused (see :func:`rows_that_fit`)."""
    try:
        reindex(tx, db, pupil_ids, concern_ids)
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
        raise _UnreadableBody(type(exc).__name__) from exc


def restore_handover(db: Database, user: User, store_id: str, schema_version: int,
                     tables: Mapping[str, Sequence[Mapping[str, Any]]],
                     log_entry: tuple[str, str, dict[str, Any]]) -> None:
    """Fill the empty ``db`` from a checked handover. ``log_entry`` is
    ``(sha256, from whom, body)`` for the bundle log."""
    if db.user_version() != 0:
        raise RuntimeError("a handover is restored only into a new, empty database")
    with rows_that_fit(), db.write(user.id) as tx:
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
        reindex_arrived(tx, db)
        sha256, counterpart, body = log_entry
        BundleLog(db).add(tx, "import", "handover", sha256, counterpart, body)

"""Numbered schema migrations, run at unlock, each in its own audited transaction.

The schema version lives in ``PRAGMA user_version``. Before any migration runs on
an existing store, an encrypted copy of it (with its key file) is written beside
it, so a failed or regretted upgrade can always be undone by hand.

To change the schema: append a :class:`Migration` with the next number. Never
edit one that has shipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sgdesk.models.audit import GENESIS_HASH
from sgdesk.models.errors import StoreTooNew
from sgdesk.storage.backup import write_backup
from sgdesk.storage.database import Database
from sgdesk.storage.store_files import StoreFiles

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "store identity, users and the audit chain",
        (
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
            """CREATE TABLE users (
                id TEXT PRIMARY KEY,
                login TEXT NOT NULL UNIQUE,
                display_name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('dsl', 'deputy_dsl', 'sendco', 'auditor')),
                created_at TEXT NOT NULL,
                removed_at TEXT
            ) STRICT""",
            """CREATE TABLE audit (
                seq INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor_id TEXT NOT NULL,
                action TEXT NOT NULL,
                table_name TEXT NOT NULL,
                row_id TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            ) STRICT""",
            """CREATE TABLE audit_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                seq INTEGER NOT NULL,
                hash TEXT NOT NULL
            ) STRICT""",
            f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{GENESIS_HASH}')",
            """CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
               BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END""",
            """CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
               BEGIN SELECT RAISE(ABORT, 'audit entries are never deleted'); END""",
        ),
    ),
    Migration(
        2,
        "settings, and unsaved form text kept encrypted across a lock",
        (
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
            """CREATE TABLE drafts (
                user_id TEXT NOT NULL REFERENCES users (id),
                kind TEXT NOT NULL,
                ref TEXT NOT NULL DEFAULT '',
                body TEXT NOT NULL,
                saved_at TEXT NOT NULL,
                PRIMARY KEY (user_id, kind, ref)
            ) STRICT""",
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version


def upgrade(
    db: Database, files: StoreFiles, actor_id: str, target: int = LATEST_VERSION
) -> Path | None:
    """Bring the store to ``target``; return the backup written first, if any.

    ``target`` below the latest exists for tests that build an older store.
    """
    current = db.user_version()
    if current > LATEST_VERSION:
        raise StoreTooNew(
            f"This store has schema version {current}, newer than this sgdesk understands "
            f"({LATEST_VERSION}). Update sgdesk to open it. Nothing has been changed."
        )
    if current >= target:
        return None
    backup: Path | None = None
    if current > 0:
        backup = write_backup(db, files, label=f"before-v{current + 1}")
        log.info("backed up store before migrating from v%d", current)
    for migration in MIGRATIONS[current:target]:
        with db.write(actor_id) as tx:
            for statement in migration.statements:
                tx.execute(statement)
            tx.execute(f"PRAGMA user_version = {migration.version}")
            tx.audit("migrate", "schema", str(migration.version))
        log.info("migrated store to schema v%d", migration.version)
    return backup

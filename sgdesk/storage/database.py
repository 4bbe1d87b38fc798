"""The encrypted SQLCipher database and the one way to write to it.

Every write goes through :meth:`Database.write`, a transaction that must append
at least one audit row (who, when, what table and row, which action) before it
commits. A write that forgets to audit is rolled back, so "every write records
who did it" holds by construction rather than by memory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlcipher3 import dbapi2

from sgdesk.models.audit import AuditEntry, entry_hash
from sgdesk.models.errors import StoreDamaged, StoreLocked, WriteFailed

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
#: Rows behave as tuples and as mappings by column name (``row["id"]``).
Row = Any
DatabaseError: type[Exception] = dbapi2.DatabaseError


def utc_now() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime) -> str:
    """Stored timestamps: ISO 8601 in UTC with microseconds, so they sort as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class Database:
    """An open, unlocked store. Use from one thread only (the database worker)."""

    def __init__(self, path: Path, conn: Any, key: bytes, clock: Clock) -> None:
        self.path = path
        self._conn: Any | None = conn
        self._key = key
        self.clock = clock

    # -- opening and closing ----------------------------------------------------
    @classmethod
    def open(cls, path: Path, key: bytes, *, create: bool = False,
             clock: Clock = utc_now) -> Database:
        """Open with the raw 256-bit key (the key slots did the password work).

        A file that will not decrypt with a key that came out of its own key slot
        is damaged (or the key file belongs to another store): say so, change nothing.
        """
        if not create and not path.exists():
            raise StoreDamaged(
                f"The store file {path.name} is missing. Its key file is here, so it may "
                "have been moved or deleted: restore it from a backup."
            )
        conn = sqlcipher3.connect(str(path), isolation_level=None)
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA synchronous = FULL")
        except DatabaseError as exc:
            conn.close()
            raise StoreDamaged(
                f"The store file {path.name} cannot be read with its key file: it is damaged, "
                "or the key file belongs to another store. Nothing has been changed."
            ) from exc
        conn.row_factory = dbapi2.Row
        return cls(path, conn, key, clock)

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except DatabaseError:
                log.warning("WAL checkpoint at close failed")
            conn.close()

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def conn(self) -> Any:
        if self._conn is None:
            raise StoreLocked("The store is locked. Unlock it and try again.")
        return self._conn

    # -- reading ----------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self.conn.execute(sql, params).fetchall())

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row: Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def user_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def table_exists(self, name: str) -> bool:
        return self.query_one(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)
        ) is not None

    # -- writing ----------------------------------------------------------------
    @contextmanager
    def write(self, actor_id: str) -> Iterator[WriteTransaction]:
        """One all-or-nothing transaction by ``actor_id``; commits only if audited."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except DatabaseError as exc:
            raise _write_error(exc) from exc
        tx = WriteTransaction(conn, actor_id, self.clock)
        try:
            yield tx
            if tx.statements and not tx.audited:
                raise RuntimeError("a write transaction must append an audit entry")
            conn.execute("COMMIT")
        except BaseException as exc:
            try:
                conn.execute("ROLLBACK")
            except DatabaseError:
                log.error("rollback failed")
            if isinstance(exc, DatabaseError):
                raise _write_error(exc) from exc
            raise

    def export_encrypted_copy(self, dest: Path) -> None:
        """Write an encrypted copy (same key) of the whole database to ``dest``.

        Uses ``sqlcipher_export`` into an attached file, so nothing is ever
        decrypted to disk. ``dest`` must not exist.
        """
        conn = self.conn
        try:
            conn.execute(f"ATTACH DATABASE ? AS backup KEY \"x'{self._key.hex()}'\"", (str(dest),))
            try:
                conn.execute("SELECT sqlcipher_export('backup')").fetchall()
                conn.execute(
                    f"PRAGMA backup.user_version = {self.user_version()}"
                )
            finally:
                conn.execute("DETACH DATABASE backup")
        except DatabaseError as exc:
            raise _write_error(exc) from exc

    def integrity_problems(self) -> list[str]:
        """Problems found by SQLCipher's page HMAC check and SQLite's own check."""
        problems = [str(r[0]) for r in self.conn.execute("PRAGMA cipher_integrity_check")]
        result = [str(r[0]) for r in self.conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            problems.extend(result)
        return problems


class WriteTransaction:
    """Handed out by :meth:`Database.write`; counts statements and audit rows."""

    def __init__(self, conn: Any, actor_id: str, clock: Clock) -> None:
        self._conn = conn
        self.actor_id = actor_id
        self._clock = clock
        self.statements = 0
        self.audited = 0
        self.now = timestamp(clock())

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self.statements += 1
        return self._conn.execute(sql, params)

    def audit(self, action: str, table_name: str, row_id: str) -> AuditEntry:
        """Append one link to the audit chain, inside this transaction."""
        head_seq, head_hash = self._conn.execute(
            "SELECT seq, hash FROM audit_head WHERE id = 1"
        ).fetchone()
        seq = head_seq + 1
        at = timestamp(self._clock())
        digest = entry_hash(seq, at, self.actor_id, action, table_name, row_id, head_hash)
        self._conn.execute(
            "INSERT INTO audit (seq, at, actor_id, action, table_name, row_id, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, at, self.actor_id, action, table_name, row_id, head_hash, digest),
        )
        self._conn.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (seq, digest))
        self.audited += 1
        return AuditEntry(seq, at, self.actor_id, action, table_name, row_id, head_hash, digest)


def _write_error(exc: Exception) -> Exception:
    text = str(exc).lower()
    if "full" in text:
        return WriteFailed("The disk is full, so nothing was saved. Free some space and try again.")
    if "readonly" in text or "read-only" in text:
        return WriteFailed("The store is on a read-only disk, so nothing was saved.")
    if "disk i/o" in text:
        return WriteFailed("The disk reported an error, so nothing was saved.")
    return exc

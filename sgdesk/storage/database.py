"""The encrypted SQLCipher database and the one way to write to it.

Every write goes through :meth:`Database.write`, a transaction that must append
at least one audit row (who, when, what table and row, which action) before it
commits. A write that forgets to audit is rolled back, so "every write records
who did it" holds by construction rather than by memory.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlcipher3 import dbapi2

from sgdesk.models.audit import AuditEntry, entry_hash
from sgdesk.models.errors import StoreDamaged, StoreLocked, WriteFailed
from sgdesk.storage.clock import Clock, utc_now

log = logging.getLogger(__name__)

#: Rows behave as tuples and as mappings by column name (``row["id"]``).
Row = Any
DatabaseError: type[Exception] = dbapi2.DatabaseError


#: SQLite's name for a database that lives in memory only (share printing's scratch).
IN_MEMORY = ":memory:"

FOLDER_UNWRITABLE = ("The copy could not be written there (the folder is missing or "
                     "cannot be written to). Choose another folder.")


def create_owner_only(path: Path) -> None:
    """Make ``path`` as an empty file only its owner can read (0600) unless it exists.

    SQLite would create it with the umask (often world-readable); it is
    ciphertext, but a shared laptop's other accounts have no business copying it.
    SQLite gives the WAL and shared-memory files the main file's permissions."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


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
        if create and str(path) != IN_MEMORY:
            create_owner_only(path)
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
            conn.execute("PRAGMA user_version").fetchone()  # a first read in WAL mode
        except DatabaseError as exc:
            conn.close()
            failure = _write_error(exc, "the store could not be opened", path.parent)
            if failure is not exc:  # opening writes the WAL index: a full disk refuses it
                raise failure from exc
            raise StoreDamaged(
                f"The store file {path.name} cannot be read with its key file: it is damaged, "
                "or the key file belongs to another store. Nothing has been changed."
            ) from exc
        conn.row_factory = dbapi2.Row
        return cls(path, conn, key, clock)

    def close(self) -> None:
        if self._conn is not None:
            self.checkpoint()
            conn, self._conn = self._conn, None
            conn.close()

    def checkpoint(self) -> bool:
        """Fold the WAL back into the database file. False if it could not finish
        (a full disk): the WAL then still holds every committed write, and the
        next checkpoint completes the job."""
        try:
            busy = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except DatabaseError:
            busy = 1
        if busy:
            log.warning("WAL checkpoint failed")
        return not busy

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
            raise _write_error(exc, where=self.path.parent) from exc
        tx = WriteTransaction(conn, actor_id, self.clock)
        try:
            yield tx
            if tx.statements and not tx.audited:
                raise RuntimeError("a write transaction must append an audit entry")
            conn.execute("COMMIT")
        except BaseException as exc:
            try:
                if conn.in_transaction:  # SQLite has already rolled back a failed commit
                    conn.execute("ROLLBACK")
            except DatabaseError:
                log.error("rollback failed")
            if isinstance(exc, DatabaseError):
                raise _write_error(exc, where=self.path.parent) from exc
            raise

    def export_encrypted_copy(self, dest: Path) -> None:
        """Write an encrypted copy (same key) of the whole database to ``dest``.

        Uses ``sqlcipher_export`` into an attached file, so nothing is ever
        decrypted to disk. ``dest`` must not exist. Raises :class:`WriteFailed`
        if the copy cannot be written (the caller removes what is left of it).
        """
        conn = self.conn
        try:
            create_owner_only(dest)
            conn.execute(f"ATTACH DATABASE ? AS backup KEY \"x'{self._key.hex()}'\"", (str(dest),))
            try:
                conn.execute("SELECT sqlcipher_export('backup')").fetchall()
                conn.execute(
                    f"PRAGMA backup.user_version = {self.user_version()}"
                )
            finally:
                conn.execute("DETACH DATABASE backup")
        except DatabaseError as exc:
            failure = _write_error(exc, "the copy was not written", dest.parent)
            if failure is exc:  # e.g. "unable to open database file": the folder
                failure = WriteFailed(FOLDER_UNWRITABLE)
            raise failure from exc

    def integrity_problems(self) -> list[str]:
        """Problems found by SQLCipher's page HMAC check and SQLite's own check.

        SQLCipher checks the pages in the database file itself, not the WAL, so
        the WAL is folded in first: a checkpoint cut short by a full disk can
        leave a half-written page in the file, harmless while the WAL holds the
        whole one, which would otherwise be reported as damage.
        """
        self.checkpoint()
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


def _write_error(exc: Exception, outcome: str = "nothing was saved",
                 where: Path | None = None) -> Exception:
    """The disk's failures in words for the person; any other error unchanged.

    SQLite says "full" when a file cannot grow, but only "disk I/O error" when
    its shared-memory index cannot, so for that the room left ``where`` decides.
    """
    text = str(exc).lower()
    if "full" in text or ("disk i/o" in text and where is not None and _nearly_full(where)):
        return WriteFailed(f"The disk is full, so {outcome}. Free some space and try again.")
    if "readonly" in text or "read-only" in text:
        return WriteFailed(f"The disk is read-only, so {outcome}.")
    if "disk i/o" in text:
        return WriteFailed(f"The disk reported an error, so {outcome}.")
    return exc


#: Less room than this, and an I/O error is taken to be the disk filling up.
_NEARLY_FULL = 1024 * 1024


def _nearly_full(directory: Path) -> bool:
    try:
        return shutil.disk_usage(directory).free < _NEARLY_FULL
    except OSError:
        return False

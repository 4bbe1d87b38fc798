"""The store, its WAL and its backups are readable by their owner only (0600), like
the key file: ciphertext, but other accounts on a shared laptop may not copy it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sgdesk.models.errors import WriteFailed
from sgdesk.services.maintenance import backup_store
from sgdesk.storage.store_files import StoreFiles
from tests.helpers import close, make_store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_its_wal_and_a_backup_are_owner_only(store_path: Path) -> None:
    session, _ = make_store(store_path)
    try:
        files = StoreFiles(store_path)
        assert files.wal.exists()
        assert {p.name: mode(p) for p in (files.db, files.wal, files.keyslots)} == {
            p.name: 0o600 for p in (files.db, files.wal, files.keyslots)}
        copy = store_path.with_name("copy.sgdesk")
        backup_store(session, copy)
        assert mode(copy) == 0o600
        assert mode(StoreFiles(copy).keyslots) == 0o600
    finally:
        close(session)


def test_a_backup_to_a_missing_folder_says_so_and_leaves_nothing(store_path: Path) -> None:
    session, _ = make_store(store_path)
    try:
        missing = store_path.parent / "no such folder" / "copy.sgdesk"
        with pytest.raises(WriteFailed, match="folder is missing or cannot be written to"):
            backup_store(session, missing)
        assert not missing.parent.exists()
    finally:
        close(session)


def test_an_in_memory_scratch_database_leaves_no_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Share printing builds a scratch database in memory: nothing may appear on
    disk (a file called ":memory:" once did, in the working folder)."""
    import secrets

    from sgdesk.storage.database import IN_MEMORY, Database

    monkeypatch.chdir(tmp_path)
    scratch = Database.open(Path(IN_MEMORY), secrets.token_bytes(32), create=True)
    scratch.close()
    assert list(tmp_path.iterdir()) == []

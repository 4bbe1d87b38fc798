"""Migrations run at unlock, after an encrypted backup of the store as it was."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from sgdesk.models.errors import StoreTooNew
from sgdesk.models.users import Role, User
from sgdesk.services.maintenance import verify_store
from sgdesk.services.session import LockedStore
from sgdesk.storage import migrations
from sgdesk.storage.clock import utc_now
from sgdesk.storage.database import Database, timestamp
from sgdesk.storage.keyslots import (
    KeySlotFile,
    make_password_slot,
    new_key_file,
    new_master_key,
    open_password_slot,
)
from sgdesk.storage.settings_repo import KeyValueTable
from sgdesk.storage.store_files import StoreFiles
from sgdesk.storage.users_repo import UserRepository
from tests.helpers import DSL_LOGIN, DSL_PASSWORD, close, make_store


def make_store_at_version(path: Path, version: int) -> None:
    """Build a store the way an older sgdesk would have left it."""
    files = StoreFiles(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    master = new_master_key()
    user = User(str(uuid.uuid4()), DSL_LOGIN, "Jo Bloggs", Role.DSL, timestamp(utc_now()))
    key_file = new_key_file()
    key_file = key_file.with_slot(
        make_password_slot(key_file, master, user.id, DSL_LOGIN, DSL_PASSWORD)
    )
    db = Database.open(path, master, create=True)
    migrations.upgrade(db, files, user.id, target=version)
    with db.write(user.id) as tx:
        UserRepository(db).add(tx, user)
        KeyValueTable(db, "meta").put(tx, "school_name", "Old School")
    db.close()
    key_file.save(files.keyslots)


def test_migrating_from_the_previous_version_backs_up_first(store_path: Path) -> None:
    previous = migrations.LATEST_VERSION - 1
    make_store_at_version(store_path, previous)
    result = LockedStore(store_path).unlock(DSL_LOGIN, DSL_PASSWORD)
    session = result.session
    assert session.db.user_version() == migrations.LATEST_VERSION
    assert verify_store(session).ok
    assert session.school_name == "Old School"
    tables_now = len(session.db.query("SELECT name FROM sqlite_master"))
    close(session)

    backup = result.migration_backup
    assert backup is not None and backup.exists()
    assert backup.name.startswith(f"records.before-v{previous + 1}-")
    assert backup.name.endswith(".sgdesk")
    key, _ = open_password_slot(KeySlotFile.load(StoreFiles(backup).keyslots),
                                DSL_LOGIN, DSL_PASSWORD)
    old = Database.open(backup, key)
    assert old.user_version() == previous
    assert len(old.query("SELECT name FROM sqlite_master")) < tables_now
    old.close()


def test_an_up_to_date_store_is_not_backed_up_again(store_path: Path) -> None:
    close(make_store(store_path)[0])
    result = LockedStore(store_path).unlock(DSL_LOGIN, DSL_PASSWORD)
    assert result.migration_backup is None
    close(result.session)
    assert sorted(p.name for p in store_path.parent.glob("*.sgdesk")) == ["records.sgdesk"]


def test_a_store_from_a_newer_sgdesk_is_refused_unchanged(store_path: Path) -> None:
    session, _ = make_store(store_path)
    session.db.conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    close(session)
    before = store_path.read_bytes()
    store = LockedStore(store_path)
    with pytest.raises(StoreTooNew, match="newer"):
        store.unlock(DSL_LOGIN, DSL_PASSWORD)
    store.close()
    assert store_path.read_bytes() == before
    assert not list(store_path.parent.glob("records.before-*"))


def test_migrations_are_numbered_without_gaps() -> None:
    assert [m.version for m in migrations.MIGRATIONS] == list(
        range(1, len(migrations.MIGRATIONS) + 1)
    )

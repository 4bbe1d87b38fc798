"""Key slots: every way in opens the store, every wrong way changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sgdesk.models.errors import (
    KeyringUnavailable,
    NotAStore,
    StoreDamaged,
    StoreTooNew,
    WrongPassword,
)
from sgdesk.models.users import Role
from sgdesk.services import drafts, users
from sgdesk.services.session import LockedStore
from sgdesk.services.store_creation import new_recovery_key
from sgdesk.storage.keyslots import KeySlotFile, SlotKind, open_password_slot
from sgdesk.storage.store_files import StoreFiles
from tests.helpers import DSL_LOGIN, DSL_PASSWORD, SCHOOL, add_colleague, close, make_store, reopen


def snapshot(path: Path) -> dict[str, bytes]:
    files = StoreFiles(path)
    return {p.name: p.read_bytes() for p in (files.db, files.keyslots, files.wal) if p.exists()}


def test_create_lock_and_unlock_with_password(store_path: Path) -> None:
    session, _ = make_store(store_path)
    assert session.user.role is Role.DSL
    assert session.school_name == SCHOOL
    close(session)
    again = reopen(store_path)
    assert again.user.login == DSL_LOGIN
    assert again.school_name == SCHOOL
    close(again)


def test_login_is_case_and_space_insensitive(store_path: Path) -> None:
    close(make_store(store_path)[0])
    close(reopen(store_path, login="  JBloggs "))


def test_wrong_password_leaves_every_file_byte_identical(store_path: Path) -> None:
    close(make_store(store_path)[0])
    before = snapshot(store_path)
    store = LockedStore(store_path)
    for login, password in [(DSL_LOGIN, "not the password"), ("nobody", DSL_PASSWORD)]:
        with pytest.raises(WrongPassword, match="do not match"):
            store.unlock(login, password)
    store.close()
    assert snapshot(store_path) == before


def test_recovery_key_unlocks_after_the_password_is_forgotten(store_path: Path) -> None:
    session, recovery_key = make_store(store_path)
    with session.db.write(session.user.id) as tx:
        tx.audit("marker", "test", "1")
    close(session)
    store = LockedStore(store_path)
    result = store.reset_password_with_recovery(recovery_key.lower(), DSL_LOGIN,
                                                "a brand new passphrase")
    assert result.session.user.login == DSL_LOGIN
    close(result.session)
    with pytest.raises(WrongPassword):
        reopen(store_path)
    close(reopen(store_path, password="a brand new passphrase"))


def test_wrong_recovery_key_is_refused(store_path: Path) -> None:
    close(make_store(store_path)[0])
    store = LockedStore(store_path)
    with pytest.raises(WrongPassword, match="recovery key"):
        store.reset_password_with_recovery(new_recovery_key()[1], DSL_LOGIN, "whatever it is now")
    store.close()


def test_password_change_keeps_data_and_the_store_key(store_path: Path) -> None:
    session, _ = make_store(store_path)
    drafts.save_drafts(session, [("add_user", "", {"display_name": "kept"})])
    key_before = session.master_key
    users.change_password(session, DSL_PASSWORD, "another fine passphrase")
    close(session)
    key_file = KeySlotFile.load(StoreFiles(store_path).keyslots)
    key_after, _ = open_password_slot(key_file, DSL_LOGIN, "another fine passphrase")
    assert key_after == key_before  # one slot rewritten; the database is not re-encrypted
    with pytest.raises(WrongPassword):
        reopen(store_path)
    again = reopen(store_path, password="another fine passphrase")
    assert drafts.load_draft(again, "add_user") == {"display_name": "kept"}
    close(again)


def test_each_user_has_their_own_slot_and_removal_drops_it(store_path: Path) -> None:
    session, _ = make_store(store_path)
    add_colleague(session, "sendco", Role.SENDCO)
    sendco_id = next(u.id for u in users.list_users(session) if u.login == "sendco")
    close(session)
    colleague = reopen(store_path, "sendco", "colleague password")
    assert colleague.user.role is Role.SENDCO
    close(colleague)
    session = reopen(store_path)
    users.remove_user(session, sendco_id)
    assert session.store.key_file.slot_for_user(SlotKind.PASSWORD, sendco_id) is None
    close(session)
    with pytest.raises(WrongPassword):
        reopen(store_path, "sendco", "colleague password")


def test_only_the_dsl_manages_users_and_the_auditor_writes_nothing(store_path: Path) -> None:
    from sgdesk.models.errors import PermissionDenied

    session, _ = make_store(store_path)
    add_colleague(session, "auditor", Role.AUDITOR)
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    close(session)
    auditor = reopen(store_path, "auditor", "colleague password")
    with pytest.raises(PermissionDenied):
        auditor.require_write()
    with pytest.raises(PermissionDenied):
        users.add_user(auditor, "X Y", "xy", Role.SENDCO, "long enough password")
    close(auditor)
    deputy = reopen(store_path, "deputy", "colleague password")
    with pytest.raises(PermissionDenied):
        users.add_user(deputy, "X Y", "xy", Role.SENDCO, "long enough password")
    close(deputy)


def test_quick_unlock_from_the_keyring(store_path: Path) -> None:
    session, _ = make_store(store_path)
    users.enable_quick_unlock(session)
    close(session)
    store = LockedStore(store_path)
    assert store.has_quick_unlock
    result = store.unlock_with_keyring()
    assert result.session.user.login == DSL_LOGIN
    users.disable_quick_unlock(result.session)
    close(result.session)
    store = LockedStore(store_path)
    assert not store.has_quick_unlock
    store.close()


def test_quick_unlock_without_a_keyring_is_a_clear_no(store_path: Path) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    session, _ = make_store(store_path)
    keyring.set_keyring(NoKeyring())
    before = snapshot(store_path)
    with pytest.raises(KeyringUnavailable, match="not available"):
        users.enable_quick_unlock(session)
    assert not users.has_quick_unlock(session)
    close(session)
    assert snapshot(store_path)[store_path.name + ".keys"] == before[store_path.name + ".keys"]


def test_tampered_slot_parameters_fail_authentication(store_path: Path) -> None:
    close(make_store(store_path)[0])
    keys = StoreFiles(store_path).keyslots
    data = json.loads(keys.read_text())
    slot = next(s for s in data["slots"] if s["kind"] == "password")
    slot["user_id"] = "00000000-0000-4000-8000-000000000000"
    keys.write_text(json.dumps(data))
    with pytest.raises(WrongPassword):
        reopen(store_path)


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        (b"\x00garbage{", StoreDamaged, "damaged"),
        (b'{"format": "something-else"}', NotAStore, "not an sgdesk key file"),
        (b'{"format": "sgdesk-keyslots", "version": 99}', StoreTooNew, "newer version"),
        (b'{"format": "sgdesk-keyslots", "version": 1, "slots": []}', StoreDamaged, "malformed"),
    ],
)
def test_bad_key_files_say_what_is_wrong(
    store_path: Path, content: bytes, error: type[Exception], words: str
) -> None:
    close(make_store(store_path)[0])
    keys = StoreFiles(store_path).keyslots
    keys.write_bytes(content)
    db_before = store_path.read_bytes()
    with pytest.raises(error, match=words):
        LockedStore(store_path)
    assert store_path.read_bytes() == db_before
    assert keys.read_bytes() == content


def test_a_damaged_store_file_is_reported_and_never_overwritten(store_path: Path) -> None:
    close(make_store(store_path)[0])
    data = bytearray(store_path.read_bytes())
    data[100:200] = bytes(100)  # page 1 no longer authenticates
    store_path.write_bytes(bytes(data))
    store = LockedStore(store_path)
    with pytest.raises(StoreDamaged, match="damaged"):
        store.unlock(DSL_LOGIN, DSL_PASSWORD)
    store.close()
    assert store_path.read_bytes() == bytes(data)


def test_a_folder_without_a_store_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(NotAStore):
        LockedStore(tmp_path / "nothing.sgdesk")
    (tmp_path / "orphan.sgdesk").write_bytes(b"x")
    with pytest.raises(NotAStore, match="no key file"):
        LockedStore(tmp_path / "orphan.sgdesk")

"""The audit chain: every write is recorded, and any edit behind the app's back shows."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sgdesk.models.audit import GENESIS_HASH, AuditEntry, entry_hash, verify_chain
from sgdesk.services.maintenance import verify_store
from sgdesk.storage.audit_repo import AuditRepository
from sgdesk.storage.database import Database
from sgdesk.storage.keyslots import KeySlotFile, open_password_slot
from sgdesk.storage.store_files import StoreFiles
from tests.helpers import DSL_LOGIN, DSL_PASSWORD, close, make_store, reopen

texts = st.text(min_size=1, max_size=12)


def build_chain(rows: list[tuple[str, str, str, str]]) -> list[AuditEntry]:
    entries, prev = [], GENESIS_HASH
    for seq, (actor, action, table, row_id) in enumerate(rows, start=1):
        at = f"2026-01-01T00:00:{seq % 60:02d}"
        digest = entry_hash(seq, at, actor, action, table, row_id, prev)
        entries.append(AuditEntry(seq, at, actor, action, table, row_id, prev, digest))
        prev = digest
    return entries


@given(st.lists(st.tuples(texts, texts, texts, texts), min_size=1, max_size=30), st.data())
def test_any_single_field_change_breaks_the_chain(
    rows: list[tuple[str, str, str, str]], data: st.DataObject
) -> None:
    chain = build_chain(rows)
    head = (chain[-1].seq, chain[-1].hash)
    assert verify_chain(chain, head).ok
    index = data.draw(st.integers(0, len(chain) - 1))
    field = data.draw(st.sampled_from(["at", "actor_id", "action", "table_name", "row_id"]))
    original = getattr(chain[index], field)
    altered = data.draw(texts.filter(lambda t: t != original))
    chain[index] = dataclasses.replace(chain[index], **{field: altered})
    report = verify_chain(chain, head)
    assert not report.ok
    assert f"entry {index + 1}" in report.problem


def test_a_removed_entry_or_a_cut_tail_is_detected() -> None:
    chain = build_chain([("u", "create", "users", str(i)) for i in range(5)])
    head = (chain[-1].seq, chain[-1].hash)
    assert "missing" in verify_chain(chain[:2] + chain[3:], head).problem
    assert "cut short" in verify_chain(chain[:-1], head).problem


def raw_database(store_path: Path) -> Database:
    """Open the store as an attacker holding the raw key would: no app rules."""
    key, _ = open_password_slot(KeySlotFile.load(StoreFiles(store_path).keyslots),
                                DSL_LOGIN, DSL_PASSWORD)
    return Database.open(store_path, key)


def test_verify_detects_an_audit_row_edited_behind_the_apps_back(store_path: Path) -> None:
    session, _ = make_store(store_path)
    assert verify_store(session).ok
    close(session)
    db = raw_database(store_path)
    db.conn.execute("DROP TRIGGER audit_is_append_only_update")
    db.conn.execute("UPDATE audit SET action = 'innocent' WHERE seq = 3")
    db.close()
    session = reopen(store_path)
    report = verify_store(session)
    close(session)
    assert not report.ok
    assert any(line.startswith("FAIL  audit chain: audit entry 3") for line in report.lines())


def test_audit_rows_cannot_be_changed_through_sql(store_path: Path) -> None:
    session, _ = make_store(store_path)
    with pytest.raises(Exception, match="never changed"):
        session.db.conn.execute("UPDATE audit SET action = 'x' WHERE seq = 1")
    with pytest.raises(Exception, match="never deleted"):
        session.db.conn.execute("DELETE FROM audit WHERE seq = 1")
    close(session)


def test_a_write_that_forgets_to_audit_is_rolled_back(store_path: Path) -> None:
    session, _ = make_store(store_path)
    with pytest.raises(RuntimeError, match="audit"), session.db.write(session.user.id) as tx:
        tx.execute("INSERT INTO settings (key, value) VALUES ('sneaky', '1')")
    assert session.db.query_one("SELECT 1 FROM settings WHERE key = 'sneaky'") is None
    close(session)


def test_every_write_names_who_did_it(store_path: Path) -> None:
    session, _ = make_store(store_path)
    entries = AuditRepository(session.db).entries()
    assert entries and {e.actor_id for e in entries} == {session.user.id}
    close(session)

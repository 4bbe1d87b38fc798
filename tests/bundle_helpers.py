"""Builders for bundle tests: a store's whole content as rows, a handover made
and set up again, and the comparison that says "nothing was lost"."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pyrage

from sgdesk.models.bundles import MANIFEST_NAME, table_of
from sgdesk.services.bundle_building import Encryption, WrittenBundle
from sgdesk.services.bundle_reading import OpenedBundle, open_bundle
from sgdesk.services.handover_export import export_handover
from sgdesk.services.handover_import import create_store_from_handover
from sgdesk.services.maintenance import verify_store
from sgdesk.services.session import Session
from sgdesk.services.store_creation import NewStoreDetails, new_recovery_key
from sgdesk.storage import age_keys, bundle_file
from sgdesk.storage.bundle_tables import dump_rows, table_shapes

NEW_DSL = NewStoreDetails("", "Robin New", "rnew", "a fresh long password")
Snapshot = dict[str, list[dict[str, Any]]]


def snapshot(session: Session) -> Snapshot:
    """Every travelling table's rows, in key order."""
    return {s.name: list(dump_rows(session.db, s)) for s in table_shapes(session.db)}


def key_pair() -> tuple[str, str]:
    identity = age_keys.new_identity()
    return identity, age_keys.public_key_of(identity)


def handover(session: Session, dest: Path, public_key: str) -> WrittenBundle:
    return export_handover(session, dest, Encryption((public_key,), described_as="test"))


def set_up_from(bundle: OpenedBundle, path: Path) -> Session:
    raw, _ = new_recovery_key()
    return create_store_from_handover(path, bundle, NEW_DSL, raw).session


def round_trip(session: Session, folder: Path) -> tuple[Snapshot, Session]:
    """Snapshot ``session``, hand it over, set up a new store from the bundle."""
    before = snapshot(session)
    identity, public = key_pair()
    written = handover(session, folder / "handover.age", public)
    bundle = open_bundle(written.path.read_bytes(), identities=[identity])
    return before, set_up_from(bundle, folder / "new")


def assert_same_content(before: Snapshot, after_session: Session) -> None:
    """The new store holds every row the old one had, unchanged; what differs is
    only what a handover adds: the new DSL, the new store id, the import's log
    entry and the audit links after the old chain's last one."""
    after = snapshot(after_session)
    assert set(after) == set(before)
    new_user = after_session.user.id
    for table, rows in before.items():
        got = after[table]
        if table == "users":
            assert [r for r in got if r["id"] != new_user] == rows
        elif table == "meta":
            old = {r["key"]: r["value"] for r in rows}
            new = {r["key"]: r["value"] for r in got}
            assert {k: v for k, v in new.items() if k not in (
                "store_id", "handed_over_at", "handed_over_to")} == {
                k: v for k, v in old.items() if k != "store_id"}
        elif table == "audit":
            assert got[:len(rows)] == rows
            assert all(r["seq"] > len(rows) for r in got[len(rows):])
        elif table == "audit_head":
            assert got[0]["seq"] == len(after["audit"])
        elif table == "bundle_log":
            assert all(r in got for r in rows)
            added = [(r["direction"], r["kind"]) for r in got if r not in rows]
            assert added == [("import", "handover")]
        else:
            assert got == rows, table
    report = verify_store(after_session)
    assert report.ok, report


def members_of(path: Path, identity: str) -> dict[str, bytes]:
    """The decrypted members of a bundle file, in order."""
    return bundle_file.untar(bundle_file.decrypt(path.read_bytes(), identities=[identity]))


def resealed(members: dict[str, bytes], public_key: str, *, fix_hashes: bool = True,
             **manifest_changes: Any) -> bytes:
    """The members sealed again with valid crypto: what someone who could encrypt
    to the school, but not make sgdesk's checks pass, would send. ``fix_hashes``
    recomputes the manifest's checksums (and counts) so only the content is wrong."""
    manifest = json.loads(members[MANIFEST_NAME])
    manifest.update(manifest_changes)
    rest = {n: d for n, d in members.items() if n != MANIFEST_NAME}
    if fix_hashes:
        manifest["members"] = {n: hashlib.sha256(d).hexdigest() for n, d in rest.items()}
        manifest["counts"] = {
            table_of(n): d.count(b"\n") for n, d in rest.items() if table_of(n) is not None}
    plain = bundle_file.tar_members(
        [(MANIFEST_NAME, json.dumps(manifest).encode()), *rest.items()], mtime=0)
    return pyrage.encrypt(plain, [pyrage.x25519.Recipient.from_str(public_key)])


def jsonl_rows(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode().splitlines()]


def as_jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()

"""Bad bundles: each refused with its own reason and message, and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sgdesk.models.bundles import MANIFEST_NAME
from sgdesk.models.errors import BundleRefused
from sgdesk.services.bundle_reading import open_bundle
from sgdesk.services.session import Session
from tests.bundle_helpers import (
    as_jsonl,
    handover,
    jsonl_rows,
    key_pair,
    members_of,
    resealed,
    set_up_from,
)
from tests.helpers import add_pupil, close, log_about, make_store

IDENTITY, PUBLIC = key_pair()


@pytest.fixture(scope="module")
def bundle_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A small real handover: two pupils, a concern, its audit trail."""
    folder = tmp_path_factory.mktemp("source")
    session, _ = make_store(folder / "old")
    _fill(session)
    written = handover(session, folder / "h.age", PUBLIC)
    close(session)
    return written.path.read_bytes()


def _fill(session: Session) -> None:
    log_about(session, add_pupil(session, "Ann", "Smith"))
    add_pupil(session, "Ben", "Jones")


def _refused(data: bytes, reason: str, folder: Path, identity: str = IDENTITY) -> BundleRefused:
    """Refused with ``reason``; and setting up from it never got far enough to make files."""
    with pytest.raises(BundleRefused) as refused:
        set_up_from(open_bundle(data, identities=[identity]), folder / "new")
    assert refused.value.reason == reason, str(refused.value)
    assert "Nothing was imported" in str(refused.value)
    assert not list(folder.glob("new*"))
    return refused.value


def test_the_untouched_bundle_is_accepted(bundle_bytes: bytes, tmp_path: Path) -> None:
    close(set_up_from(open_bundle(bundle_bytes, identities=[IDENTITY]), tmp_path / "new"))


def test_another_schools_key_is_told_apart(bundle_bytes: bytes, tmp_path: Path) -> None:
    _refused(bundle_bytes, "wrong_key", tmp_path, identity=key_pair()[0])


def test_not_an_age_file(tmp_path: Path) -> None:
    _refused(b"PK\x03\x04 a zip, say", "not_a_bundle", tmp_path)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0.0, 0.999))
def test_a_bundle_cut_short_anywhere_is_refused(bundle_bytes: bytes, tmp_path: Path,
                                                cut: float) -> None:
    data = bundle_bytes[:int(len(bundle_bytes) * cut)]
    with pytest.raises(BundleRefused) as refused:
        open_bundle(data, identities=[IDENTITY])
    assert refused.value.reason in ("damaged", "not_a_bundle")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(0.0, 0.999), bit=st.integers(0, 7))
def test_one_flipped_bit_in_the_ciphertext_is_refused(bundle_bytes: bytes, where: float,
                                                      bit: int) -> None:
    data = bytearray(bundle_bytes)
    data[int(len(data) * where)] ^= 1 << bit
    with pytest.raises(BundleRefused) as refused:
        open_bundle(bytes(data), identities=[IDENTITY])
    assert refused.value.reason in ("damaged", "not_a_bundle", "wrong_key")


def test_a_changed_record_fails_its_checksum(bundle_bytes: bytes, tmp_path: Path) -> None:
    members = members_of_bytes(bundle_bytes)
    members["records/pupils.jsonl"] = members["records/pupils.jsonl"].replace(b"Ann", b"Anne")
    _refused(resealed(members, PUBLIC, fix_hashes=False), "tampered", tmp_path)


def test_an_unlisted_member_is_refused(bundle_bytes: bytes, tmp_path: Path) -> None:
    members = members_of_bytes(bundle_bytes)
    members["pdf/extra.pdf"] = b"%PDF-1.4"
    _refused(resealed(members, PUBLIC, fix_hashes=False), "tampered", tmp_path)


def test_a_future_schema_version_is_refused(bundle_bytes: bytes, tmp_path: Path) -> None:
    refused = _refused(resealed(members_of_bytes(bundle_bytes), PUBLIC, schema_version=99),
                       "too_new", tmp_path)
    assert "Update sgdesk" in str(refused)


def test_a_future_format_version_is_refused(bundle_bytes: bytes, tmp_path: Path) -> None:
    _refused(resealed(members_of_bytes(bundle_bytes), PUBLIC, format_version=2), "too_new",
             tmp_path)


def test_records_pointing_at_a_missing_pupil_are_refused(bundle_bytes: bytes,
                                                         tmp_path: Path) -> None:
    members = members_of_bytes(bundle_bytes)
    pupils = jsonl_rows(members["records/pupils.jsonl"])
    members["records/pupils.jsonl"] = as_jsonl([p for p in pupils if "Smith" not in
                                               p["sort_name"]])
    refused = _refused(resealed(members, PUBLIC), "missing_reference", tmp_path)
    assert "refer to pupils" in str(refused)


def test_a_record_that_breaks_the_schema_is_refused(bundle_bytes: bytes,
                                                    tmp_path: Path) -> None:
    members = members_of_bytes(bundle_bytes)
    rows = jsonl_rows(members["records/concerns.jsonl"])
    rows[0]["version"] = "one"
    members["records/concerns.jsonl"] = as_jsonl(rows)
    _refused(resealed(members, PUBLIC), "malformed", tmp_path)


def test_a_line_that_is_not_json_is_refused(bundle_bytes: bytes, tmp_path: Path) -> None:
    members = members_of_bytes(bundle_bytes)
    members["records/users.jsonl"] += b"{not json\n"
    _refused(resealed(members, PUBLIC), "malformed", tmp_path)


def test_an_altered_audit_chain_is_refused(bundle_bytes: bytes, tmp_path: Path) -> None:
    members = members_of_bytes(bundle_bytes)
    rows = jsonl_rows(members["records/audit.jsonl"])
    rows[1]["action"] = "read"
    members["records/audit.jsonl"] = as_jsonl(rows)
    _refused(resealed(members, PUBLIC), "tampered", tmp_path)


def test_a_manifest_that_is_not_first_is_refused(bundle_bytes: bytes, tmp_path: Path) -> None:
    members = members_of_bytes(bundle_bytes)
    manifest = members.pop(MANIFEST_NAME)
    import pyrage

    from sgdesk.storage import bundle_file
    plain = bundle_file.tar_members([*members.items(), (MANIFEST_NAME, manifest)], mtime=0)
    data = pyrage.encrypt(plain, [pyrage.x25519.Recipient.from_str(PUBLIC)])
    _refused(data, "malformed", tmp_path)


def test_a_manifest_missing_a_field_is_refused(bundle_bytes: bytes, tmp_path: Path) -> None:
    members = members_of_bytes(bundle_bytes)
    manifest = json.loads(members[MANIFEST_NAME])
    del manifest["school"]
    members[MANIFEST_NAME] = json.dumps(manifest).encode()
    _refused(resealed(members, PUBLIC), "malformed", tmp_path)


def members_of_bytes(data: bytes) -> dict[str, bytes]:
    from sgdesk.storage import bundle_file
    return bundle_file.untar(bundle_file.decrypt(data, identities=[IDENTITY]))


__all__ = ["members_of"]

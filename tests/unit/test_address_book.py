"""The address book of partners' public keys, on real encrypted stores."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sgdesk.models.address_book import ContactKind
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.users import Role
from sgdesk.services.address_book import add_contact, list_contacts, remove_contact
from sgdesk.services.maintenance import verify_store
from sgdesk.services.school_identity import school_public_key
from sgdesk.services.session import Session
from sgdesk.storage.age_keys import new_identity, public_key_of
from sgdesk.storage.audit_repo import AuditRepository
from tests.helpers import add_colleague, close, make_store, reopen

MASH = "Northshire Children's Services (MASH)"


def a_key() -> str:
    return public_key_of(new_identity())


def audit_of(session: Session, row_id: str) -> list[tuple[str, str]]:
    return [(e.action, e.table_name) for e in AuditRepository(session.db).entries()
            if e.row_id == row_id]


def test_add_list_and_remove_keep_the_row_and_audit_each_change(store_path: Path) -> None:
    session, _ = make_store(store_path)
    mash_key, school_key = a_key(), a_key()
    mash = add_contact(session, f"  {MASH} ", ContactKind.AGENCY, mash_key, "Checked by phone")
    school = add_contact(session, "Brook Lane Academy", ContactKind.SCHOOL, school_key)
    assert (mash.name, mash.kind, mash.public_key, mash.notes) == (
        MASH, ContactKind.AGENCY, mash_key, "Checked by phone")
    assert mash.added_by == session.user.id and mash.is_active
    close(session)

    session = reopen(store_path)
    assert [c.name for c in list_contacts(session)] == ["Brook Lane Academy", MASH]
    remove_contact(session, school.id)
    assert [c.id for c in list_contacts(session)] == [mash.id]
    everyone = list_contacts(session, include_removed=True)
    (removed,) = [c for c in everyone if c.id == school.id]
    assert removed.removed_at is not None and not removed.is_active
    assert removed.public_key == school_key  # never deleted: the bundle log can name it
    assert audit_of(session, school.id) == [("create", "address_book"),
                                            ("remove", "address_book")]
    assert audit_of(session, mash.id) == [("create", "address_book")]
    with pytest.raises(InvalidInput, match="already been removed"):
        remove_contact(session, school.id)
    assert verify_store(session).ok
    close(session)


def test_a_pasted_key_is_trimmed_of_spaces_and_line_breaks(store_path: Path) -> None:
    session, _ = make_store(store_path)
    key = a_key()
    pasted = f" {key[:30]}\n{key[30:]}\r\n"
    assert add_contact(session, MASH, ContactKind.AGENCY, pasted).public_key == key
    close(session)


@pytest.mark.parametrize(("typed", "message"), [
    ("", "starts with \u201cage1\u201d"),
    ("AGE-SECRET-KEY-1QQQQ", "starts with \u201cage1\u201d"),
    ("age1notakeyatall", "a character is wrong or missing"),
])
def test_an_invalid_key_is_refused_under_the_key_field(store_path: Path, typed: str,
                                                       message: str) -> None:
    session, _ = make_store(store_path)
    with pytest.raises(InvalidInput, match=message) as refused:
        add_contact(session, MASH, ContactKind.AGENCY, typed)
    assert refused.value.field == "public_key"
    assert list_contacts(session, include_removed=True) == []
    close(session)


def test_one_wrong_character_in_a_real_key_is_caught(store_path: Path) -> None:
    session, _ = make_store(store_path)
    key = a_key()
    typo = key[:20] + ("q" if key[20] != "q" else "p") + key[21:]
    with pytest.raises(InvalidInput, match="a character is wrong or missing"):
        add_contact(session, MASH, ContactKind.AGENCY, typo)
    close(session)


def test_duplicates_and_the_schools_own_key_are_refused(store_path: Path) -> None:
    session, _ = make_store(store_path)
    key = a_key()
    first = add_contact(session, MASH, ContactKind.AGENCY, key)
    with pytest.raises(InvalidInput, match=re.escape(f"for \u201c{MASH}\u201d")) as dup:
        add_contact(session, "Another name", ContactKind.SCHOOL, key)
    assert dup.value.field == "public_key"
    with pytest.raises(InvalidInput, match="already a contact with that name") as named:
        add_contact(session, MASH.upper(), ContactKind.AGENCY, a_key())
    assert named.value.field == "name"
    with pytest.raises(InvalidInput, match="this school's own public key") as own:
        add_contact(session, "Ourselves", ContactKind.SCHOOL, school_public_key(session))
    assert own.value.field == "public_key"
    with pytest.raises(InvalidInput, match="Enter who the key belongs to") as empty:
        add_contact(session, "   ", ContactKind.AGENCY, a_key())
    assert empty.value.field == "name"
    assert [c.id for c in list_contacts(session, include_removed=True)] == [first.id]

    # Once removed, the same partner and key can be added again (a replaced entry).
    remove_contact(session, first.id)
    again = add_contact(session, MASH, ContactKind.AGENCY, key)
    assert [c.id for c in list_contacts(session)] == [again.id]
    assert len(list_contacts(session, include_removed=True)) == 2
    close(session)


def test_only_the_dsl_and_deputies_change_it_but_everyone_reads_it(store_path: Path) -> None:
    session, _ = make_store(store_path)
    for login, role in (("deputy", Role.DEPUTY_DSL), ("sendco", Role.SENDCO),
                        ("auditor", Role.AUDITOR)):
        add_colleague(session, login, role)
    kept = add_contact(session, MASH, ContactKind.AGENCY, a_key())
    close(session)

    deputy = reopen(store_path, "deputy", "colleague password")
    added = add_contact(deputy, "Brook Lane Academy", ContactKind.SCHOOL, a_key())
    assert added.added_by == deputy.user.id
    close(deputy)
    for login, refusal in (("sendco", "Only the Designated Safeguarding Lead or a deputy"),
                           ("auditor", "can read records but not change them")):
        colleague = reopen(store_path, login, "colleague password")
        assert {c.id for c in list_contacts(colleague)} == {kept.id, added.id}
        with pytest.raises(PermissionDenied, match=refusal):
            add_contact(colleague, "Someone", ContactKind.AGENCY, a_key())
        with pytest.raises(PermissionDenied, match=refusal):
            remove_contact(colleague, kept.id)
        close(colleague)

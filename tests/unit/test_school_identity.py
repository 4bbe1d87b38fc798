"""The school's own age identity (made with the store, kept in the encrypted meta
table, its secret for the DSL and deputies only) and its printed public key sheet."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pyrage
import pytest
from pypdf import PdfReader

from sgdesk.models.errors import PermissionDenied
from sgdesk.models.users import Role
from sgdesk.services.maintenance import verify_store
from sgdesk.services.pdf.public_key_sheet import KIND, key_groups, public_key_sheet_pdf
from sgdesk.services.school_identity import (
    IDENTITY_KEY,
    school_identity_secret,
    school_public_key,
)
from sgdesk.services.session import Session
from sgdesk.storage.age_keys import new_identity, public_key_of
from sgdesk.storage.audit_repo import AuditRepository
from sgdesk.storage.settings_repo import KeyValueTable
from tests.helpers import add_colleague, close, make_store, reopen
from tests.qr_reading import decode_qr, qr_modules_in_pdf

SCHOOL = "St Mary & St John's C of E Primary"


def audited(session: Session, action: str, table: str, row_id: str) -> int:
    return sum(1 for e in AuditRepository(session.db).entries()
               if (e.action, e.table_name, e.row_id) == (action, table, row_id))


def forget_identity(session: Session) -> None:
    """Make the store look like one created before bundles existed."""
    with session.db.write(session.user.id) as tx:
        tx.execute("DELETE FROM meta WHERE key = ?", (IDENTITY_KEY,))
        tx.audit("delete", "meta", IDENTITY_KEY)


def test_a_new_store_has_an_identity_that_survives_reopening(store_path: Path) -> None:
    session, _ = make_store(store_path)
    secret = school_identity_secret(session)
    public = school_public_key(session)
    assert secret.startswith("AGE-SECRET-KEY-1")
    assert public.startswith("age1") and len(public) == 62
    assert public == public_key_of(secret)
    assert audited(session, "set", "meta", IDENTITY_KEY) == 1  # made at creation, audited
    close(session)

    session = reopen(store_path)
    assert school_identity_secret(session) == secret
    assert school_public_key(session) == public
    assert audited(session, "set", "meta", IDENTITY_KEY) == 1  # reading made nothing new
    close(session)


def test_the_secret_opens_what_is_encrypted_to_the_public_key(store_path: Path) -> None:
    session, _ = make_store(store_path)
    recipient = pyrage.x25519.Recipient.from_str(school_public_key(session))
    identity = pyrage.x25519.Identity.from_str(school_identity_secret(session))
    assert pyrage.decrypt(pyrage.encrypt(b"bundle", [recipient]), [identity]) == b"bundle"
    close(session)


def test_each_store_has_its_own_identity(tmp_path: Path) -> None:
    first, _ = make_store(tmp_path / "a.sgdesk")
    second, _ = make_store(tmp_path / "b.sgdesk")
    assert school_public_key(first) != school_public_key(second)
    close(first)
    close(second)


def test_deputy_reads_the_secret_sendco_and_auditor_cannot(store_path: Path) -> None:
    session, _ = make_store(store_path)
    secret = school_identity_secret(session)
    public = school_public_key(session)
    for login, role in (("deputy", Role.DEPUTY_DSL), ("sendco", Role.SENDCO),
                        ("auditor", Role.AUDITOR)):
        add_colleague(session, login, role)
    close(session)

    deputy = reopen(store_path, "deputy", "colleague password")
    assert school_identity_secret(deputy) == secret
    close(deputy)
    for login in ("sendco", "auditor"):
        colleague = reopen(store_path, login, "colleague password")
        with pytest.raises(PermissionDenied, match="Only the Designated Safeguarding Lead or a "
                                                   "deputy DSL"):
            school_identity_secret(colleague)
        assert school_public_key(colleague) == public  # the public half is for everyone
        close(colleague)


def test_an_older_store_gets_an_identity_when_first_asked(store_path: Path) -> None:
    session, _ = make_store(store_path)
    add_colleague(session, "auditor", Role.AUDITOR)
    forget_identity(session)
    close(session)

    auditor = reopen(store_path, "auditor", "colleague password")
    with pytest.raises(PermissionDenied, match="no key for encrypted files yet"):
        school_public_key(auditor)  # an auditor changes nothing, even this
    close(auditor)

    session = reopen(store_path)
    public = school_public_key(session)
    assert audited(session, "set", "meta", IDENTITY_KEY) == 2  # at creation, and now
    assert public == public_key_of(str(KeyValueTable(session.db, "meta").get(IDENTITY_KEY)))
    assert school_public_key(session) == public
    assert verify_store(session).ok
    close(session)


# -- the public key sheet -------------------------------------------------------------------
def _sheet() -> tuple[PdfReader, str]:
    key = public_key_of(new_identity())
    return PdfReader(BytesIO(public_key_sheet_pdf(SCHOOL, key, "Siân Okafor"))), key


def test_sheet_is_one_a4_page_with_the_key_grouped_and_whole() -> None:
    reader, key = _sheet()
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = page.extract_text()
    groups = key_groups(key)
    assert "".join(groups) == key and groups[0] == "age1"
    assert " ".join(groups[:4]) in text  # read-aloud lines of four groups
    assert f"age -r {key} -o file.age file" in text  # the exact key, ready to copy
    assert SCHOOL in text
    assert "This is a public key. It is safe to share" in text
    assert "It cannot decrypt anything" in text
    assert "Produced by Siân Okafor" in text


def test_sheet_qr_code_holds_the_key_exactly() -> None:
    reader, key = _sheet()
    modules = qr_modules_in_pdf(reader.pages[0])
    assert decode_qr(modules) == key


def test_sheet_metadata_names_the_kind_of_document_not_the_school() -> None:
    reader, _ = _sheet()
    meta = reader.metadata
    assert meta is not None
    assert meta.title == KIND
    assert not any("Mary" in str(value) for value in meta.values())

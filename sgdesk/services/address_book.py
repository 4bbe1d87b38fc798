"""Keeping partners' public keys: list, add (checked), remove (never deleted).

Anyone signed in may read the address book (names of agencies and schools and
their public keys: nothing about a child). Adding and removing are for the DSL
and deputy DSLs, who send and receive encrypted files, and are audited.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sgdesk.models.address_book import (
    Contact,
    ContactKind,
    validate_contact_name,
    validate_contact_notes,
)
from sgdesk.models.errors import InvalidInput
from sgdesk.services.school_identity import require_sharing_role, school_public_key
from sgdesk.services.session import Session
from sgdesk.storage.address_book_repo import AddressBookRepository
from sgdesk.storage.age_keys import checked_public_key

log = logging.getLogger(__name__)


def list_contacts(session: Session, include_removed: bool = False) -> list[Contact]:
    """Current contacts by name; with ``include_removed``, removed ones too."""
    return AddressBookRepository(session.db).all(include_removed)


def add_contact(session: Session, name: str, kind: ContactKind, public_key: str,
                notes: str = "") -> Contact:
    """Add a partner's key. Refuses a key that is not valid, one already in the book
    (under any name) and the school's own key, each with a message under that field."""
    session.require_write()
    require_sharing_role(session, "change the address book")
    clean_name = validate_contact_name(name)
    key = checked_public_key(public_key)
    clean_notes = validate_contact_notes(notes)
    repo = AddressBookRepository(session.db)
    current = repo.all()
    for contact in current:
        if contact.public_key == key:
            raise InvalidInput(f"That key is already in the address book, for "
                               f"\u201c{contact.name}\u201d.", field="public_key")
    for contact in current:
        if contact.name.casefold() == clean_name.casefold():
            raise InvalidInput(
                "There is already a contact with that name. If their key has changed, remove "
                "the old one first; otherwise give this one a name that tells them apart.",
                field="name")
    if key == school_public_key(session):
        raise InvalidInput("That is this school's own public key. The address book is for "
                           "the keys partners send you.", field="public_key")
    with session.db.write(session.user.id) as tx:
        contact = Contact(id=str(uuid.uuid4()), name=clean_name, kind=kind, public_key=key,
                          notes=clean_notes, added_at=datetime.fromisoformat(tx.now),
                          added_by=session.user.id)
        repo.add(tx, contact)
    log.info("address book contact added (kind %s)", kind.value)
    return contact


def remove_contact(session: Session, contact_id: str) -> None:
    """Take a contact out of use. The row stays, marked removed, for the bundle log."""
    session.require_write()
    require_sharing_role(session, "change the address book")
    repo = AddressBookRepository(session.db)
    contact = repo.get(contact_id)
    if contact is None or not contact.is_active:
        raise InvalidInput("That contact has already been removed.")
    with session.db.write(session.user.id) as tx:
        repo.mark_removed(tx, contact_id)
    log.info("address book contact removed")

"""Partners' public keys (the ``address_book`` table). Rows are never deleted:
removing a contact stamps ``removed_at``, so the bundle log can still name them."""

from __future__ import annotations

from datetime import datetime

from sgdesk.models.address_book import Contact, ContactKind
from sgdesk.storage.database import Database, Row, WriteTransaction, timestamp

_COLUMNS = "id, name, kind, public_key, notes, added_at, added_by, removed_at"


def _contact(row: Row) -> Contact:
    removed = row["removed_at"]
    return Contact(
        id=row["id"], name=row["name"], kind=ContactKind(row["kind"]),
        public_key=row["public_key"], notes=row["notes"],
        added_at=datetime.fromisoformat(row["added_at"]), added_by=row["added_by"],
        removed_at=datetime.fromisoformat(removed) if removed else None,
    )


class AddressBookRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, contact_id: str) -> Contact | None:
        row = self._db.query_one(f"SELECT {_COLUMNS} FROM address_book WHERE id = ?",
                                 (contact_id,))
        return _contact(row) if row else None

    def all(self, include_removed: bool = False) -> list[Contact]:
        """By name (current contacts before removed ones of the same name)."""
        where = "" if include_removed else "WHERE removed_at IS NULL"
        rows = self._db.query(f"SELECT {_COLUMNS} FROM address_book {where} "
                              "ORDER BY name COLLATE NOCASE, removed_at IS NOT NULL, added_at")
        return [_contact(r) for r in rows]

    def add(self, tx: WriteTransaction, contact: Contact) -> None:
        tx.execute(
            f"INSERT INTO address_book ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
            (contact.id, contact.name, contact.kind.value, contact.public_key, contact.notes,
             timestamp(contact.added_at), contact.added_by),
        )
        tx.audit("create", "address_book", contact.id)

    def mark_removed(self, tx: WriteTransaction, contact_id: str) -> None:
        tx.execute("UPDATE address_book SET removed_at = ? WHERE id = ?", (tx.now, contact_id))
        tx.audit("remove", "address_book", contact_id)

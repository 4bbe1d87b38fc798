"""The address book: partner agencies' and schools' public keys for encrypted bundles.

A contact is a name the DSL recognises and the ``age1…`` public key that partner
gave them, so sending a bundle means choosing a name rather than pasting a key.
Contacts are never deleted: a removed one keeps its row (with when it was removed)
so the log of what was sent to whom still names them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sgdesk.models.errors import InvalidInput
from sgdesk.models.users import Role

MAX_NAME_LENGTH = 120

#: The people who send and receive encrypted files, and so keep the address book
#: and may use the school's secret key: the DSL and deputy DSLs.
SHARING_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL})
MAX_NOTES_LENGTH = 500


class ContactKind(enum.Enum):
    """Who holds the key. Values are stored; labels are shown."""

    AGENCY = "agency"
    SCHOOL = "school"

    @property
    def label(self) -> str:
        return "Partner agency" if self is ContactKind.AGENCY else "School"


@dataclass(frozen=True)
class Contact:
    """One partner's public key, with who added it and when."""

    id: str
    name: str
    kind: ContactKind
    public_key: str
    notes: str
    added_at: datetime
    added_by: str
    removed_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


def key_summary(public_key: str) -> str:
    """The start and end of a key (``age1382c8d7…fyhcas08z742``): enough to tell keys
    apart in a list. Wherever a key is checked, show it whole."""
    return f"{public_key[:11]}\u2026{public_key[-12:]}" if len(public_key) > 26 else public_key


def validate_contact_name(name: str) -> str:
    """The name with runs of spaces collapsed, or :class:`InvalidInput` saying why not."""
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("Enter who the key belongs to, for example \u201cNorthshire "
                           "Children's Services (MASH)\u201d.", field="name")
    if len(clean) > MAX_NAME_LENGTH:
        raise InvalidInput(f"A name is at most {MAX_NAME_LENGTH} characters.", field="name")
    return clean


def validate_contact_notes(notes: str) -> str:
    """Notes as typed (ends trimmed), or :class:`InvalidInput` if too long."""
    clean = notes.strip()
    if len(clean) > MAX_NOTES_LENGTH:
        raise InvalidInput(f"Notes are at most {MAX_NOTES_LENGTH} characters.", field="notes")
    return clean

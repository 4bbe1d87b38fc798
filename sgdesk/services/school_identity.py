"""The school's own age identity: the key pair encrypted bundles are sent to.

The secret half (``AGE-SECRET-KEY-1…``) lives only in the encrypted ``meta`` table,
so it is as safe as the records and travels with every backup; nobody types or
sees it. The public half (``age1…``) is what partners use to send the school
encrypted files: it is shown, copied and printed freely.

Every store made since bundles arrived has an identity from creation; an older
store gets one the first time its public key is asked for.
"""

from __future__ import annotations

import logging

from sgdesk.models.address_book import SHARING_ROLES
from sgdesk.models.errors import PermissionDenied
from sgdesk.services.session import Session
from sgdesk.storage.age_keys import new_identity, public_key_of
from sgdesk.storage.database import Database, WriteTransaction
from sgdesk.storage.settings_repo import KeyValueTable

log = logging.getLogger(__name__)

IDENTITY_KEY = "age_identity"


def require_sharing_role(session: Session, what: str) -> None:
    """:class:`PermissionDenied` unless the user is the DSL or a deputy DSL.
    ``what`` finishes the sentence "Only the DSL or a deputy DSL can …"."""
    if session.user.role not in SHARING_ROLES:
        raise PermissionDenied(
            f"Only the Designated Safeguarding Lead or a deputy DSL can {what}.")


def ensure_school_identity(tx: WriteTransaction, db: Database) -> None:
    """Give the store an identity inside ``tx`` if it has none (audited as a ``meta`` set)."""
    meta = KeyValueTable(db, "meta")
    if meta.get(IDENTITY_KEY) is None:
        meta.put(tx, IDENTITY_KEY, new_identity())
        log.info("school identity created")


def school_public_key(session: Session) -> str:
    """The ``age1…`` key partners encrypt to. Anyone signed in may see it."""
    return public_key_of(_identity(session))


def school_identity_secret(session: Session) -> str:
    """The secret identity, for opening bundles sent to the school. Never show or log it."""
    require_sharing_role(session, "open encrypted files sent to the school")
    return _identity(session)


def _identity(session: Session) -> str:
    meta = KeyValueTable(session.db, "meta")
    found = meta.get(IDENTITY_KEY)
    if found is None:
        if not session.user.role.can_write:
            raise PermissionDenied(
                "This store has no key for encrypted files yet. The DSL or a deputy DSL "
                "makes one by opening Account \u2192 This school's public key.")
        with session.db.write(session.user.id) as tx:
            ensure_school_identity(tx, session.db)
        found = meta.get(IDENTITY_KEY)
    return str(found)

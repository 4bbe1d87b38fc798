"""Small builders for tests: real encrypted stores, made the way the app makes them."""

from __future__ import annotations

from pathlib import Path

from sgdesk.models.users import Role
from sgdesk.services import users
from sgdesk.services.session import LockedStore, Session
from sgdesk.services.store_creation import NewStoreDetails, create_store, new_recovery_key

DSL_LOGIN = "jbloggs"
DSL_PASSWORD = "correct horse battery"
SCHOOL = "Hilltop Primary"


def make_store(path: Path) -> tuple[Session, str]:
    """A new store with one DSL, signed in. Returns the session and the recovery key."""
    raw, formatted = new_recovery_key()
    details = NewStoreDetails(SCHOOL, "Jo Bloggs", DSL_LOGIN, DSL_PASSWORD)
    return create_store(path, details, raw).session, formatted


def add_colleague(session: Session, login: str, role: Role,
                  password: str = "colleague password") -> None:
    users.add_user(session, login.title(), login, role, password)


def reopen(path: Path, login: str = DSL_LOGIN, password: str = DSL_PASSWORD) -> Session:
    """Claim and unlock the store; on failure the claim is given back."""
    store = LockedStore(path)
    try:
        return store.unlock(login, password).session
    except BaseException:
        store.close()
        raise


def close(session: Session) -> None:
    session.lock()
    session.store.close()

"""Small builders for tests: real encrypted stores, made the way the app makes them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sgdesk.models.concerns import ChildRole, ConcernContent, InvolvedChild
from sgdesk.models.pupils import Pupil
from sgdesk.models.users import Role
from sgdesk.services import concerns, pupils, users
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


WHEN = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def add_pupil(session: Session, forename: str, surname: str, **details: Any) -> Pupil:
    """A register entry with just the required fields, plus any given."""
    details.setdefault("date_of_birth", date(2013, 1, 1))
    return pupils.add_pupil(session, Pupil("", forename, surname, **details))


def concern_content(*children: InvolvedChild, **text: Any) -> ConcernContent:
    """A valid concern about ``children`` (facts filled), happening at :data:`WHEN`."""
    fields: dict[str, Any] = {"facts": "Seen crying by the gate"} | text
    return ConcernContent("Ms Teacher", "Class teacher", WHEN, WHEN, "Gate", children,
                          ("Neglect",), **fields)


def log_about(session: Session, pupil: Pupil, role: ChildRole = ChildRole.SUBJECT,
              **text: Any) -> str:
    """Log a concern about one pupil; returns its id."""
    return concerns.log_concern(session, concern_content(InvolvedChild(pupil.id, role), **text))

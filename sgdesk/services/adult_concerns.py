"""The DSL's register of allegations and low-level concerns about adults.

Only the Designated Safeguarding Lead may read or change it: every function
checks the role itself, reads included, so no caller can forget. Records are
amended, never overwritten; nothing here reaches the shared search index or a
pupil's file.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sgdesk.models.adult_concerns import (
    AdultConcern,
    AdultConcernEntry,
    AdultPattern,
    changed_fields,
    low_level_patterns,
)
from sgdesk.models.concerns import validate_amendment_reason
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.users import Role
from sgdesk.models.working_days import WorkingDayCalendar
from sgdesk.services.school_calendar import working_calendar
from sgdesk.services.session import Session
from sgdesk.services.users import user_names
from sgdesk.storage import codec
from sgdesk.storage.adult_concerns_repo import AdultConcernRepository, StoredAdultConcern


@dataclass(frozen=True)
class AdultConcernVersion:
    """One saved version: the original (number 1) or an amendment with who, when and why.
    ``changed`` names the fields that differ from the version before (empty for the first)."""

    number: int
    content: AdultConcern
    saved_by: str
    saved_at: datetime
    reason: str
    changed: tuple[str, ...]


@dataclass(frozen=True)
class RegisterOverview:
    """The register with its patterns: adults with more than one low-level concern.
    ``today`` is the store clock's date and ``calendar`` the school's working days,
    for saying when the LADO is due and whether that is overdue."""

    entries: tuple[AdultConcernEntry, ...]
    patterns: tuple[AdultPattern, ...]
    today: date
    calendar: WorkingDayCalendar


@dataclass(frozen=True)
class AdultConcernRecord:
    id: str
    versions: tuple[AdultConcernVersion, ...]

    @property
    def current(self) -> AdultConcernVersion:
        return self.versions[-1]


def _require_dsl(session: Session) -> None:
    if session.user.role is not Role.DSL:
        raise PermissionDenied("Only the Designated Safeguarding Lead can see allegations and "
                               "low-level concerns about adults.")


def _now(session: Session) -> datetime:
    return session.db.clock().astimezone(UTC)


def list_adult_concerns(session: Session) -> list[AdultConcernEntry]:
    """The whole register, most recent first."""
    _require_dsl(session)
    return [_entry(s) for s in AdultConcernRepository(session.db).all()]


def get_adult_concern(session: Session, record_id: str) -> AdultConcernRecord:
    """Every version, oldest first, with the saver's name and what each amendment changed."""
    _require_dsl(session)
    names = user_names(session)
    versions: list[AdultConcernVersion] = []
    for stored in AdultConcernRepository(session.db).history(record_id):
        content = codec.loads(AdultConcern, stored.body)
        changed = tuple(changed_fields(versions[-1].content, content)) if versions else ()
        versions.append(AdultConcernVersion(
            stored.number, content, names.get(stored.saved_by, "unknown user"),
            datetime.fromisoformat(stored.saved_at), stored.reason, changed))
    if not versions:
        raise InvalidInput("That record is not in the register.")
    return AdultConcernRecord(record_id, tuple(versions))


def record_adult_concern(session: Session, content: AdultConcern) -> str:
    """Add an allegation or a low-level concern to the register; returns its id."""
    _require_dsl(session)
    content = content.validated(_now(session))
    record_id = str(uuid.uuid4())
    with session.db.write(session.user.id) as tx:
        AdultConcernRepository(session.db).add(tx, record_id, content)
    return record_id


def amend_adult_concern(session: Session, record_id: str, content: AdultConcern, reason: str,
                        base_version: int) -> int:
    """Save a new version (a reason is required); every earlier one stays."""
    _require_dsl(session)
    reason = validate_amendment_reason(reason)
    content = content.validated(_now(session))
    repo = AdultConcernRepository(session.db)
    current = repo.get(record_id)
    if current is None:
        raise InvalidInput("That record is not in the register.")
    if not changed_fields(current.content, content):
        raise InvalidInput("Nothing has changed, so there is nothing to amend.", field="reason")
    with session.db.write(session.user.id) as tx:
        return repo.amend(tx, record_id, content, reason, base_version)


def register_overview(session: Session) -> RegisterOverview:
    """What the register window shows: every record, the patterns, today's date and
    the working-day calendar."""
    entries = tuple(list_adult_concerns(session))
    return RegisterOverview(entries, tuple(low_level_patterns(entries)), _now(session).date(),
                            working_calendar(session))


def _entry(stored: StoredAdultConcern) -> AdultConcernEntry:
    return AdultConcernEntry(stored.id, stored.version, stored.content,
                             datetime.fromisoformat(stored.recorded_at))

"""Opening, amending and reading cases, and the clocks they run on.

The DSL or a deputy is lead practitioner (Early Help, section 17) or contributes
(section 47); the SENDCO (cases of pupils with SEND, see :mod:`.access`) and the
auditor read. A case is never overwritten: each visit, plan change, meeting,
assessment step, approval and the closure is saved as a new version with who,
when and why, and every earlier version stays.
Clocks count working days on the school's calendar (bank holidays and the
school's closure days skipped).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sgdesk.models.casework import CaseClock, CaseContent, CaseKind, case_clocks
from sgdesk.models.concerns import validate_amendment_reason
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.users import Role
from sgdesk.models.working_days import WorkingDayCalendar
from sgdesk.services import access
from sgdesk.services.amendments import check_amendment
from sgdesk.services.school_calendar import working_calendar
from sgdesk.services.session import Session
from sgdesk.services.users import user_names
from sgdesk.storage import codec
from sgdesk.storage.cases_repo import CaseRepository, StoredCase
from sgdesk.storage.pupils_repo import PupilRepository
from sgdesk.storage.referrals_repo import ReferralRepository

#: Who keeps cases: the lead practitioner is the DSL or a deputy.
CASEWORKER_ROLES = (Role.DSL, Role.DEPUTY_DSL)
#: A clock shows on the home view from this many days before it is due.
DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class CaseVersion:
    """One saved version: the opening (number 1) or a change with who, when, why."""

    number: int
    content: CaseContent
    saved_by: str
    saved_at: datetime
    reason: str


@dataclass(frozen=True)
class CaseRecord:
    """A case with every version, oldest first, and its clocks as they stand now
    (counted on the school's working-day calendar)."""

    id: str
    versions: tuple[CaseVersion, ...]
    clocks: tuple[CaseClock, ...] = ()

    @property
    def current(self) -> CaseContent:
        return self.versions[-1].content

    @property
    def version(self) -> int:
        return self.versions[-1].number


@dataclass(frozen=True)
class DueClock:
    """A clock on an open case that is due soon or overdue, for the home view."""

    case_id: str
    pupil_id: str
    pupil_name: str
    kind: CaseKind
    clock: CaseClock
    overdue: bool


def open_case(session: Session, content: CaseContent) -> str:
    """Open a case (the DSL or a deputy); returns its id."""
    _require_caseworker(session)
    content = content.validated(_now(session))
    _check_links(session, content)
    case_id = str(uuid.uuid4())
    with session.db.write(session.user.id) as tx:
        CaseRepository(session.db).add(tx, case_id, content)
    return case_id


def amend_case(session: Session, case_id: str, content: CaseContent, reason: str,
               base_version: int) -> int:
    """Save the case's next version (a reason is required: "visit on 3 March
    recorded", "plan reviewed at the CIN meeting"); earlier versions stay."""
    _require_caseworker(session)
    reason = validate_amendment_reason(reason)
    content = content.validated(_now(session))
    repo = CaseRepository(session.db)
    check_amendment(repo.current(case_id), content, record="case",
                    stays_with="A case stays with the child it was opened for. Open a new case "
                               "for the other child instead.")
    _check_links(session, content)
    with session.db.write(session.user.id) as tx:
        return repo.amend(tx, case_id, content, reason, base_version)


def get_case(session: Session, case_id: str) -> CaseRecord:
    access.require_case_visible(session, case_id)
    found = CaseRepository(session.db).get(case_id)
    if found is None:
        raise InvalidInput("That case does not exist.")
    return _records(session, [found])[0]


def cases_for_pupil(session: Session, pupil_id: str) -> list[CaseRecord]:
    """The child's cases, the earliest started first."""
    access.require_pupil_visible(session, pupil_id)
    return _records(session, CaseRepository(session.db).for_pupil(pupil_id))


def clocks_due(session: Session, today: date) -> list[DueClock]:
    """Clocks on open cases not yet met and due within :data:`DUE_SOON_DAYS` of
    ``today`` or overdue, the earliest due first. The DSL's and deputies' work
    list: empty for other roles."""
    if session.user.role not in CASEWORKER_ROLES:
        return []
    calendar = working_calendar(session)
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    found = [(case_id, content, clock)
             for case_id, content in CaseRepository(session.db).open_cases()
             for clock in case_clocks(content, calendar)
             if not clock.done and clock.due <= horizon]
    pupils = PupilRepository(session.db).get_many(sorted({c.pupil_id for _, c, _ in found}))
    due = [DueClock(case_id, content.pupil_id,
                    pupils[content.pupil_id].display_name if content.pupil_id in pupils
                    else "a pupil", content.kind, clock, clock.overdue(today))
           for case_id, content, clock in found]
    return sorted(due, key=lambda d: (d.clock.due, d.pupil_name, d.case_id))


# -- helpers -----------------------------------------------------------------------
def _require_caseworker(session: Session) -> None:
    if session.user.role not in CASEWORKER_ROLES:
        raise PermissionDenied(f"{session.user.role.label} accounts can read cases but not "
                               "open or change them.")


def _now(session: Session) -> datetime:
    return session.db.clock().astimezone(UTC)


def _check_links(session: Session, content: CaseContent) -> None:
    found = PupilRepository(session.db).get(content.pupil_id)
    if found is None:
        raise InvalidInput("That pupil is not on the register.", field="pupil_id")
    pupil, _version = found
    if content.family_id is not None and content.family_id != pupil.family_id:
        raise InvalidInput("That family is not this child's family.", field="family_id")
    if content.referral_id is not None:
        referral = ReferralRepository(session.db).current(content.referral_id)
        if referral is None or referral[0].content.pupil_id != content.pupil_id:
            raise InvalidInput("That referral is not about this child.", field="referral_id")


def _records(session: Session, stored: list[StoredCase]) -> list[CaseRecord]:
    names = user_names(session)
    calendar: WorkingDayCalendar = working_calendar(session)
    records: list[CaseRecord] = []
    for s in stored:
        versions = tuple(
            CaseVersion(v.number, codec.loads(CaseContent, v.body),
                        names.get(v.saved_by, "unknown user"),
                        datetime.fromisoformat(v.saved_at), v.reason)
            for v in s.versions)
        records.append(CaseRecord(s.id, versions,
                                  tuple(case_clocks(versions[-1].content, calendar))))
    return records

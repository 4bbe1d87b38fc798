"""The demo store's hand-recorded chronology events, for pupils already in it.

The family of three siblings gets what a school learns besides concerns: mum's
partner moving in, the eviction and the move back to a flat near school, mum's
stay in hospital, the attendance figures behind the attendance concerns. A few
other pupils get one event each: a missing episode and a suspension for the boy
at risk of exploitation, a move of school for the pupil who left for Moorside, an
EHCP annual review. Together with the concerns, DSL decisions and body maps they
make a chronology worth printing.

Every event is dated from the concerns it belongs with (the demo's story moves
with the day it is made), pupils are found by what their records say, and each
event is saved on a clock set to the afternoon it was recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sgdesk.models.chronology import ChronologyEvent, EventKind
from sgdesk.models.pupils import PupilListEntry, SendStatus
from sgdesk.services.chronology import add_event
from sgdesk.services.concerns import concerns_on_file
from sgdesk.services.demo_clock import clock_at
from sgdesk.services.demo_records import school_time
from sgdesk.services.pupils import get_pupil, list_pupils
from sgdesk.services.session import Session

HOMELESS = "Homelessness"
ABSENT = "Children absent or missing from education"
YOUNG_CARER = "Young carer"
EXPLOITED = "Child criminal exploitation (CCE) / county lines"


@dataclass(frozen=True)
class _Planned:
    event: ChronologyEvent
    recorded_at: datetime


def add_demo_chronology(session: Session, today: date) -> None:
    """Add the demo's chronology events (none later than ``today``) as the
    signed-in DSL."""
    latest = min(session.db.clock().astimezone(UTC),
                 datetime.combine(today + timedelta(days=1), time.min, UTC))
    plans = [*_family_events(session), *_other_pupils(session, today)]
    for plan in sorted(plans, key=lambda p: p.recorded_at):
        if plan.event.happened_on <= today:
            with clock_at(session, min(plan.recorded_at, latest)):
                add_event(session, plan.event)


def _planned(kind: EventKind, day: date, event: str, source: str, outcome: str, *,
             pupil_id: str | None = None, family_id: str | None = None,
             at: time | None = None) -> _Planned:
    """An event with its kind's significance, recorded at ten past four that day
    (the next morning, for one in the evening)."""
    recorded = school_time(day, 16, 10) if at is None or at < time(16) else \
        school_time(day + timedelta(days=1), 9, 5)
    return _Planned(
        ChronologyEvent.of_kind(kind, day, event, pupil_id=pupil_id, family_id=family_id,
                                happened_at_time=at, source=source, outcome=outcome),
        recorded)


def _family_events(session: Session) -> Iterator[_Planned]:
    """The three siblings' family: events dated around their concerns, so the
    hospital stay comes before the attendance worries and the family is rehoused
    before the DSL closes the homelessness concern."""
    family = _family_of_three(session)
    if family is None:
        return
    family_id, (eldest, middle, youngest) = family
    homeless = _first(session, eldest, HOMELESS)
    absent = _first(session, middle, ABSENT)
    caring = _first(session, eldest, YOUNG_CARER)
    if absent:
        yield _planned(
            EventKind.HOUSEHOLD_CHANGE, _weekday_before(absent - timedelta(weeks=6)),
            "Mum told the form tutor that her new partner has moved into the family home.",
            "Mum, phone call to the form tutor",
            "Noted; shared with the Early Help lead practitioner.",
            family_id=family_id)
        yield _planned(
            EventKind.FAMILY_EVENT, _weekday_before(absent - timedelta(days=10)),
            "Mum in hospital for five days; the children stayed with their maternal aunt.",
            "Aunt, phone call to the school office",
            "Young carers service told; breakfast club offered to all three.",
            family_id=family_id)
        for child in (middle, youngest):
            yield _planned(
                EventKind.ATTENDANCE_DROP, _weekday_before(absent - timedelta(days=4)),
                "Attendance this half term 81%, down from 96% last year; five absences "
                "unexplained.", "Attendance officer (weekly report)",
                "First-day calling and a home visit arranged.", pupil_id=child)
    if homeless:
        yield _planned(
            EventKind.ADDRESS_CHANGE, _weekday_before(homeless - timedelta(days=1)),
            "Family evicted from their privately rented flat; placed in a hotel room 12 miles "
            "away by the council's housing team.", "Mum, phone call to the school office",
            "Bus passes arranged; Early Help lead practitioner told.", family_id=family_id)
        yield _planned(
            EventKind.ADDRESS_CHANGE, _weekday_before(homeless + timedelta(days=12)),
            "Family rehoused in a two-bedroom council flat on the Eastfield estate, ten "
            "minutes' walk from school.", "Housing officer, by email",
            "Address updated on the register; bus passes stopped.", family_id=family_id)
    if caring:
        yield _planned(
            EventKind.OTHER, _weekday_before(caring + timedelta(weeks=3)),
            "Started at the young carers' group after school on Thursdays.",
            "Young carers service", "", pupil_id=eldest)


def _other_pupils(session: Session, today: date) -> Iterator[_Planned]:
    entries = sorted(list_pupils(session), key=lambda p: (p.sort_name, p.id))
    exploited = next(((p.id, days) for p in entries
                      if len(days := _days_of(session, p.id, EXPLOITED)) >= 2), None)
    if exploited:
        pupil_id, days = exploited
        yield _planned(
            EventKind.MISSING_EPISODE, _weekday_before(days[0] - timedelta(days=10)),
            "Reported missing by mum overnight; found by police the next morning at a "
            "friend's flat in Northampton.", "Police missing person notification",
            "Return home interview completed by the youth service; no disclosure.",
            pupil_id=pupil_id, at=time(22, 15))
        yield _planned(
            EventKind.SUSPENSION, _weekday_before(days[1] - timedelta(weeks=2)),
            "Two-day suspension for fighting on the field at lunchtime.", "Head of Year",
            "Reintegration meeting with mum; mentor from the youth service.",
            pupil_id=pupil_id)
    mover = next((r.pupil for r in (get_pupil(session, p.id) for p in entries if p.has_left)
                  if r.pupil.date_left and "home education" not in
                  r.pupil.destination_school.casefold()), None)
    if mover and mover.date_left:
        yield _planned(
            EventKind.MOVE_OF_SCHOOL, mover.date_left,
            f"Left to attend {mover.destination_school}.", "Admissions officer",
            "Safeguarding file sent securely to the new school's DSL; receipt confirmed.",
            pupil_id=mover.id)
    with_plan = next((p for p in entries if p.send_status is SendStatus.EHCP
                      and not p.has_left), None)
    if with_plan:
        yield _planned(
            EventKind.SEND_CHANGE, _weekday_before(today - timedelta(days=120)),
            "EHCP annual review: section F updated to add a daily check-in with a key adult "
            "and a plan for moving up to the next year.", "SENDCO, annual review meeting",
            "Amended plan issued by the local authority.", pupil_id=with_plan.id)


def _family_of_three(session: Session) -> tuple[str, tuple[str, str, str]] | None:
    """The first family (by name) with three children on the register, eldest first."""
    families: dict[str, list[PupilListEntry]] = defaultdict(list)
    for entry in list_pupils(session):
        if entry.family_id:
            families[entry.family_id].append(entry)
    threes = sorted((sorted(p.sort_name for p in members), family_id)
                    for family_id, members in families.items() if len(members) == 3)
    if not threes:
        return None
    family_id = threes[0][1]
    record = get_pupil(session, families[family_id][0].id)
    children = sorted((record.pupil, *record.family),
                      key=lambda p: (p.date_of_birth or date.max, p.id))
    eldest, middle, youngest = (p.id for p in children)
    return family_id, (eldest, middle, youngest)


def _days_of(session: Session, pupil_id: str, category: str) -> list[date]:
    """The days the pupil's concerns in ``category`` happened, oldest first."""
    return sorted(c.on_file.content.happened_at.astimezone().date()
                  for c in concerns_on_file(session, pupil_id)
                  if category in c.on_file.content.categories)


def _first(session: Session, pupil_id: str, category: str) -> date | None:
    days = _days_of(session, pupil_id, category)
    return days[0] if days else None


def _weekday_before(day: date) -> date:
    """The day itself, or the Friday before if it falls at a weekend."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day

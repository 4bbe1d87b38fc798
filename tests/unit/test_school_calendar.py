"""The school's calendar in a real encrypted store: saved by the DSL, checked before
saving, and read by the clocks (a referral's decision, a LADO consultation)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from sgdesk.models.adult_concerns import (
    AdultCapacity,
    AdultConcern,
    AdultConcernKind,
    HarmThreshold,
)
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.referrals import ReferralKind, Sending, SendMethod
from sgdesk.models.users import Role
from sgdesk.models.working_days import add_school_days, add_working_days
from sgdesk.services import adult_concerns
from sgdesk.services.referrals import (
    get_referral,
    overdue_feedback,
    record_sending,
    referral_pack,
    start_referral,
)
from sgdesk.services.school_calendar import (
    SchoolDates,
    TermHoliday,
    bank_holidays_ahead,
    calendar_problems,
    school_calendar,
    school_dates,
    set_school_calendar,
    working_calendar,
)
from sgdesk.services.session import Session
from tests.helpers import add_colleague, add_pupil, close, make_store, reopen

MONDAY = date(2026, 11, 2)
TUESDAY = date(2026, 11, 3)
WEDNESDAY = date(2026, 11, 4)
HALF_TERM = TermHoliday("Autumn half term", date(2026, 10, 26), date(2026, 10, 30))
TODAY = date(2026, 11, 23)


@pytest.fixture
def session(store_path: Path) -> Session:
    return make_store(store_path)[0]


def problems(dates: SchoolDates) -> list[tuple[str, str]]:
    return calendar_problems(dates, TODAY)


def sent_on(session: Session, day: date) -> str:
    """A referral about a new pupil, phoned through at 3 pm on ``day``."""
    amy = add_pupil(session, "Amy", "Example")
    referral_id = start_referral(session, ReferralKind.CSC, pupil_id=amy.id)
    record_sending(session, referral_id,
                   Sending(SendMethod.PHONE, datetime(day.year, day.month, day.day, 15)
                           .astimezone(), "Front door (MASH)", "REF-1"),
                   get_referral(session, referral_id).version)
    return referral_id


def test_the_dates_round_trip_tidied_and_survive_reopening(store_path: Path,
                                                            session: Session) -> None:
    spring = TermHoliday("  Spring   half term ", date(2027, 2, 15), date(2027, 2, 19))
    saved = set_school_calendar(session, SchoolDates(
        (spring, HALF_TERM), (date(2027, 1, 4), date(2026, 9, 1), date(2027, 1, 4)),
        (TUESDAY,)))
    assert saved == SchoolDates(
        (HALF_TERM, TermHoliday("Spring half term", date(2027, 2, 15), date(2027, 2, 19))),
        (date(2026, 9, 1), date(2027, 1, 4)), (TUESDAY,))
    close(session)
    again = reopen(store_path)
    assert school_dates(again) == saved
    assert working_calendar(again).extra_closures == frozenset({TUESDAY})
    calendar = school_calendar(again)
    assert calendar.extra_closures == frozenset({TUESDAY})
    assert calendar.inset_days == frozenset({date(2026, 9, 1), date(2027, 1, 4)})
    assert [(h.first, h.last) for h in calendar.term_holidays] == [
        (HALF_TERM.first, HALF_TERM.last), (date(2027, 2, 15), date(2027, 2, 19))]
    close(again)


def test_a_new_store_has_no_school_dates(session: Session) -> None:
    assert school_dates(session) == SchoolDates()
    assert working_calendar(session).extra_closures == frozenset()


@pytest.mark.parametrize(("dates", "field", "message"), [
    (SchoolDates((TermHoliday("Autumn half term", date(2026, 10, 30), date(2026, 10, 26)),)),
     "term_holidays", "Autumn half term ends (26/10/2026) before it starts (30/10/2026)."),
    (SchoolDates((HALF_TERM, TermHoliday("Bonus week", date(2026, 10, 30),
                                         date(2026, 11, 6)))),
     "term_holidays",
     "Bonus week overlaps Autumn half term (26/10/2026 to 30/10/2026)."),
    (SchoolDates((TermHoliday("", date(2026, 10, 26), date(2026, 10, 30)),)),
     "term_holidays", "Give each holiday a name"),
    (SchoolDates((TermHoliday("Summer", date(2205, 7, 20), date(2205, 8, 31)),)),
     "term_holidays", "Summer must fall between 2021 and 2031."),
    (SchoolDates(inset_days=(date(2026, 11, 7),)),
     "inset_days", "An INSET day must be a weekday: 07/11/2026 is a Saturday."),
    (SchoolDates(closure_days=(date(2062, 1, 5),)),
     "closure_days", "A closure day must fall between 2021 and 2031: 05/01/2062 does not."),
], ids=["reversed", "overlapping", "unnamed", "far-off-holiday", "weekend-inset",
        "far-off-closure"])
def test_mistakes_are_refused_with_their_field(session: Session, dates: SchoolDates,
                                               field: str, message: str) -> None:
    ((found_field, found_message),) = problems(dates)
    assert (found_field, found_message[:len(message)]) == (field, message)
    with pytest.raises(InvalidInput) as raised:
        set_school_calendar(session, dates)
    assert raised.value.field == field
    assert school_dates(session) == SchoolDates()


def test_holidays_that_only_touch_each_other_are_fine() -> None:
    next_week = TermHoliday("Extra week", date(2026, 11, 2), date(2026, 11, 6))
    assert problems(SchoolDates((HALF_TERM, next_week))) == []


def test_only_the_dsl_changes_the_calendar_but_everyone_reads_it(store_path: Path,
                                                                  session: Session) -> None:
    set_school_calendar(session, SchoolDates(closure_days=(TUESDAY,)))
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    close(session)
    deputy = reopen(store_path, "deputy", "colleague password")
    with pytest.raises(PermissionDenied, match="Designated Safeguarding Lead"):
        set_school_calendar(deputy, SchoolDates())
    assert working_calendar(deputy).extra_closures == frozenset({TUESDAY})
    close(deputy)


def test_a_closure_day_moves_a_referrals_decision_due_date_on_a_day(
        session: Session) -> None:
    set_school_calendar(session, SchoolDates(closure_days=(TUESDAY,)))
    referral_id = sent_on(session, MONDAY)

    # The record (screens) and the pack (printed letters) count the same days.
    assert get_referral(session, referral_id).decision_due == WEDNESDAY
    assert referral_pack(session, referral_id).decision_due == WEDNESDAY
    assert overdue_feedback(session, WEDNESDAY) == []
    (overdue,) = overdue_feedback(session, date(2026, 11, 5))
    assert overdue.decision_due == WEDNESDAY


def test_the_overdue_list_follows_a_closure_day_taken_back_after_sending(
        session: Session) -> None:
    """The stored due date is worked out again when the calendar changes, so a
    closure day removed later makes the referral overdue a day sooner."""
    set_school_calendar(session, SchoolDates(closure_days=(TUESDAY,)))
    sent_on(session, MONDAY)
    assert overdue_feedback(session, WEDNESDAY) == []
    set_school_calendar(session, SchoolDates())
    (overdue,) = overdue_feedback(session, WEDNESDAY)
    assert overdue.decision_due == TUESDAY


def test_a_closure_day_moves_the_lado_due_date(session: Session) -> None:
    friday = datetime(2026, 11, 6, 15).astimezone()
    adult_concerns.record_adult_concern(session, AdultConcern(
        AdultConcernKind.ALLEGATION, "Mr Sam Example", AdultCapacity.STAFF, "Coach",
        "Ms Teacher", "Class teacher", friday, friday, "Sports hall", "Grabbed a pupil.",
        thresholds=(HarmThreshold.HARMED,)))
    set_school_calendar(session, SchoolDates(closure_days=(date(2026, 11, 9),)))
    overview = adult_concerns.register_overview(session)
    (entry,) = overview.entries
    assert entry.content.lado_due_on(overview.calendar) == date(2026, 11, 10)


def test_an_inset_day_counts_as_a_working_day_but_not_a_school_day(
        session: Session) -> None:
    set_school_calendar(session, SchoolDates((HALF_TERM,), inset_days=(TUESDAY,)))
    assert add_working_days(MONDAY, 1, working_calendar(session)) == TUESDAY
    assert add_school_days(MONDAY, 1, school_calendar(session)) == WEDNESDAY
    # Half term counts for work but not for school: Friday 23 Oct + 1 school day.
    friday = date(2026, 10, 23)
    assert add_working_days(friday, 1, working_calendar(session)) == date(2026, 10, 26)
    assert add_school_days(friday, 1, school_calendar(session)) == MONDAY


def test_bank_holidays_ahead_are_named_weekdays_within_the_year() -> None:
    found = bank_holidays_ahead(date(2026, 12, 1))
    assert [(h.on, h.name) for h in found[:3]] == [
        (date(2026, 12, 25), "Christmas Day"), (date(2026, 12, 28), "Boxing Day (observed)"),
        (date(2027, 1, 1), "New Year's Day")]
    assert all(h.on.weekday() < 5 and h.on <= date(2027, 12, 1) for h in found)
    assert found[-1].on == date(2027, 8, 30)  # the summer bank holiday; Christmas is later

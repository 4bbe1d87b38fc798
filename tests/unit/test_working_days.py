"""Working-day and school-day clocks against a brute-force day-by-day count."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from sgdesk.models.working_days import (
    ENGLAND,
    DateRange,
    SchoolDayCalendar,
    WorkingDayCalendar,
    add_school_days,
    add_working_days,
    is_counted,
    school_days_between,
    working_days_between,
)

# Term dates of a made-up school year 2026–27 (holidays, both ends included).
SCHOOL = SchoolDayCalendar(
    extra_closures=frozenset({date(2027, 2, 1)}),
    term_holidays=(
        DateRange(date(2026, 10, 26), date(2026, 10, 30)),
        DateRange(date(2026, 12, 21), date(2027, 1, 1)),
        DateRange(date(2027, 2, 15), date(2027, 2, 19)),
        DateRange(date(2027, 3, 29), date(2027, 4, 9)),
        DateRange(date(2027, 5, 31), date(2027, 6, 4)),
        DateRange(date(2027, 7, 22), date(2027, 9, 1)),
    ),
    inset_days=frozenset({date(2026, 9, 1), date(2027, 1, 4)}),
)

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31))
calendars = st.sampled_from([ENGLAND, SCHOOL,
                             WorkingDayCalendar(frozenset({date(2026, 12, 29)}))])


@cache
def raw_bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def brute_is_counted(day: date, calendar: WorkingDayCalendar) -> bool:
    """Independent of the code under test: walk the calendar's parts directly."""
    if day.weekday() >= 5 or day in calendar.extra_closures:
        return False
    if day in raw_bank_holidays(day.year):
        return False
    if isinstance(calendar, SchoolDayCalendar):
        if day in calendar.inset_days:
            return False
        if any(h.first <= day <= h.last for h in calendar.term_holidays):
            return False
    return True


def brute_between(start: date, end: date, calendar: WorkingDayCalendar) -> int:
    step = 1 if end >= start else -1
    if step == 1:
        span = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    else:
        span = [end + timedelta(days=i) for i in range((start - end).days)]
    return step * sum(brute_is_counted(d, calendar) for d in span)


@settings(max_examples=300, deadline=None)
@given(start=days, end=days, calendar=calendars)
def test_between_matches_a_day_by_day_count(start: date, end: date,
                                            calendar: WorkingDayCalendar) -> None:
    assert working_days_between(start, end, calendar) == brute_between(start, end, calendar)


@settings(max_examples=300, deadline=None)
@given(start=days, count=st.integers(min_value=-70, max_value=70), calendar=calendars)
def test_adding_lands_on_a_counted_day_exactly_count_away(
        start: date, count: int, calendar: WorkingDayCalendar) -> None:
    end = add_working_days(start, count, calendar)
    assert brute_between(start, end, calendar) == count
    if count:  # the count reached on this very day, so it is the first such day
        assert brute_is_counted(end, calendar)


def test_christmas_2026_decision_clock() -> None:
    # Referral made Thursday 24 Dec 2026: Fri 25 is Christmas, Sat 26 Boxing Day
    # (observed Mon 28). One working day later is Tuesday 29 December.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert not is_counted(date(2026, 12, 28))
    # Saturday's Boxing Day entry must not shift anything else.
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4


def test_easter_and_may_bank_holiday() -> None:
    # Maundy Thursday 2027: Good Friday 26 Mar, Easter Monday 29 Mar.
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)
    # Friday before the early May bank holiday (Mon 3 May 2027).
    assert add_working_days(date(2027, 4, 30), 1) == date(2027, 5, 4)
    # One working day before a bank-holiday Monday is the Friday.
    assert add_working_days(date(2027, 5, 4), -1) == date(2027, 4, 30)


def test_forty_five_working_day_assessment_clock() -> None:
    # A referral on Monday 7 Dec 2026 crosses Christmas: three bank holidays
    # (25, 28 Dec, 1 Jan) push the 45-working-day deadline on by three days.
    assert add_working_days(date(2026, 12, 7), 45) == date(2027, 2, 11)


def test_school_days_skip_holidays_and_inset() -> None:
    # Friday 18 Dec 2026 is the last day of term; Monday 4 Jan 2027 is INSET.
    assert add_school_days(date(2026, 12, 18), 1, SCHOOL) == date(2027, 1, 5)
    assert school_days_between(date(2026, 12, 18), date(2027, 1, 5), SCHOOL) == 1
    # The extra closure day counts for neither clock.
    assert not is_counted(date(2027, 2, 1), SCHOOL)

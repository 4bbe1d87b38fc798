"""Working days and school days: the clocks safeguarding work runs on.

Statutory clocks (a decision on a referral within 1 working day, an assessment
within 45, an initial conference within 15) count *working days*: weekdays that
are not England bank holidays or the school's extra closure days. Some school
tasks count *school days*, which also skip the school's term holidays and INSET
days.

Conventions, the same for every function here:

- ``add_*_days(start, n)`` is the n-th counted day after ``start`` (before it
  when n is negative); ``start`` itself is never counted, so adding 1 working
  day to a Friday gives the Monday. Adding 0 gives ``start`` unchanged.
- ``*_days_between(start, end)`` counts the counted days after ``start`` up to
  and including ``end``; when ``end`` is earlier it is minus the counted days
  from ``end`` up to ``start``. So ``between(start, add(start, n)) == n``.

Counting is arithmetic on weekday numbers minus the closed weekdays in range,
not a day-by-day walk, so a ten-year range costs the same as a week.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache


@lru_cache(maxsize=64)
def england_bank_holidays(year: int) -> frozenset[date]:
    """England's bank holidays that fall on weekdays. ``holidays`` also lists the
    weekend day a holiday is "observed" from (e.g. Saturday Boxing Day); those
    entries must not move anything, so only weekdays are kept."""
    import holidays  # ~70 ms to import: paid when a clock is first counted, not at launch

    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(day for day in found if day.weekday() < 5)


@dataclass(frozen=True)
class DateRange:
    """A closed range of dates (both ends included), e.g. a half-term holiday."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a date range cannot end before it starts")

    def days(self) -> Iterable[date]:
        for offset in range((self.last - self.first).days + 1):
            yield self.first + timedelta(days=offset)


@dataclass(frozen=True)
class WorkingDayCalendar:
    """Weekdays less England bank holidays and the school's extra closure days
    (a snow day, a polling-station day)."""

    extra_closures: frozenset[date] = frozenset()

    def closed_weekdays(self, first: date, last: date) -> set[date]:
        """The weekdays in [first, last] that do not count."""
        closed = {day for year in range(first.year, last.year + 1)
                  for day in england_bank_holidays(year)}
        closed |= {day for day in self.extra_closures if day.weekday() < 5}
        return {day for day in closed if first <= day <= last}


@dataclass(frozen=True)
class SchoolDayCalendar(WorkingDayCalendar):
    """Working days less the school's term holidays and INSET days, as the DSL
    configures them."""

    term_holidays: tuple[DateRange, ...] = ()
    inset_days: frozenset[date] = field(default_factory=frozenset)

    def closed_weekdays(self, first: date, last: date) -> set[date]:
        closed = super().closed_weekdays(first, last)
        for holiday in self.term_holidays:
            if holiday.last >= first and holiday.first <= last:
                closed.update(day for day in holiday.days()
                              if first <= day <= last and day.weekday() < 5)
        closed.update(day for day in self.inset_days
                      if first <= day <= last and day.weekday() < 5)
        return closed


ENGLAND = WorkingDayCalendar()


def is_counted(day: date, calendar: WorkingDayCalendar = ENGLAND) -> bool:
    """Whether ``day`` counts on ``calendar`` (a working day, or a school day)."""
    return day.weekday() < 5 and not calendar.closed_weekdays(day, day)


def _weekdays_to(day: date) -> int:
    """Weekdays from 1 January of year 1 (a Monday) up to and including ``day``."""
    full_weeks, rest = divmod(day.toordinal(), 7)
    return full_weeks * 5 + min(rest, 5)


def _counted_in(first: date, last: date, calendar: WorkingDayCalendar) -> int:
    """Counted days in [first, last], both included (0 when last < first)."""
    if last < first:
        return 0
    weekdays = _weekdays_to(last) - _weekdays_to(first - timedelta(days=1))
    return weekdays - len(calendar.closed_weekdays(first, last))


def days_between(start: date, end: date, calendar: WorkingDayCalendar = ENGLAND) -> int:
    """Counted days after ``start`` up to and including ``end``. When ``end`` is
    earlier, minus the counted days from ``end`` up to (not including) ``start``,
    so one working day before a bank-holiday Monday is the Friday."""
    one = timedelta(days=1)
    if end >= start:
        return _counted_in(start + one, end, calendar)
    return -_counted_in(end, start - one, calendar)


def add_days(start: date, count: int, calendar: WorkingDayCalendar = ENGLAND) -> date:
    """The ``count``-th counted day after ``start`` (before it if negative)."""
    if count == 0:
        return start
    step = 1 if count > 0 else -1
    # Each counted day takes at least one calendar day, so jump by the shortfall
    # and re-count; closures only ever push the answer further on.
    guess = start + timedelta(days=step * (abs(count) + 2 * (abs(count) // 5)))
    while (short := abs(count) - abs(days_between(start, guess, calendar))) > 0:
        guess += timedelta(days=step * short)
    while abs(days_between(start, guess, calendar)) > abs(count) or not is_counted(
            guess, calendar):
        guess -= timedelta(days=step)
    return guess


def add_working_days(start: date, count: int,
                     calendar: WorkingDayCalendar = ENGLAND) -> date:
    return add_days(start, count, calendar)


def working_days_between(start: date, end: date,
                         calendar: WorkingDayCalendar = ENGLAND) -> int:
    return days_between(start, end, calendar)


def add_school_days(start: date, count: int, calendar: SchoolDayCalendar) -> date:
    return add_days(start, count, calendar)


def school_days_between(start: date, end: date, calendar: SchoolDayCalendar) -> int:
    return days_between(start, end, calendar)

"""The school's own calendar: term holidays, INSET days and other closure days.

Statutory clocks (a referral decision, a LADO consultation) count *working days*:
weekdays less England's bank holidays and the days the school itself is shut (a
snow day, a polling-station day). *School days* also skip the term holidays and
INSET days, when pupils are not in but staff may be. The DSL keeps these dates;
everyone's clocks read them.

They are plain data in the settings table (ISO dates), so no schema change was
needed and every change is audited like any other setting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.users import Role
from sgdesk.models.working_days import (
    DateRange,
    SchoolDayCalendar,
    WorkingDayCalendar,
    england_bank_holidays,
)
from sgdesk.services.session import Session
from sgdesk.storage.referrals_repo import ReferralRepository
from sgdesk.storage.settings_repo import KeyValueTable

SCHOOL_CALENDAR_KEY = "school_calendar"
#: How far either side of this year a date may be: a typed year that is far out
#: (2205 for 2025) is a slip, not a plan.
YEARS_EITHER_SIDE = 5


@dataclass(frozen=True)
class TermHoliday:
    """A named holiday, both ends included ("Autumn half term", 27/10 to 31/10)."""

    label: str
    first: date
    last: date


@dataclass(frozen=True)
class SchoolDates:
    """The dates the DSL keeps, as they are shown and stored: holidays in date order
    with their names, INSET and closure days sorted."""

    term_holidays: tuple[TermHoliday, ...] = ()
    inset_days: tuple[date, ...] = ()
    closure_days: tuple[date, ...] = ()

    def working_days(self) -> WorkingDayCalendar:
        """Weekdays less bank holidays and the school's closure days."""
        return WorkingDayCalendar(frozenset(self.closure_days))

    def school_days(self) -> SchoolDayCalendar:
        """Working days less term holidays and INSET days too."""
        return SchoolDayCalendar(
            frozenset(self.closure_days),
            tuple(DateRange(h.first, h.last) for h in self.term_holidays),
            frozenset(self.inset_days))


@dataclass(frozen=True)
class BankHoliday:
    on: date
    name: str


# -- reading -----------------------------------------------------------------------
def school_dates(session: Session) -> SchoolDates:
    """The school's dates as the DSL last saved them (none at first)."""
    stored = KeyValueTable(session.db, "settings").get(SCHOOL_CALENDAR_KEY) or {}
    return _from_stored(stored)


def school_calendar(session: Session) -> SchoolDayCalendar:
    """The school-day calendar: working days less term holidays and INSET days."""
    return school_dates(session).school_days()


def working_calendar(session: Session) -> WorkingDayCalendar:
    """The working-day calendar statutory clocks count on: England's bank holidays
    and the school's closure days (not its holidays: councils work through them)."""
    return school_dates(session).working_days()


def bank_holidays_ahead(today: date, days: int = 365) -> list[BankHoliday]:
    """England's bank holidays on weekdays from ``today`` for ``days`` days, named,
    for the DSL to see alongside the school's own dates."""
    end = today + timedelta(days=days)
    years = range(today.year, end.year + 1)
    import holidays  # slow to import: only when the settings dialog asks

    names = holidays.country_holidays("GB", subdiv="ENG", years=years)
    counted = {day for year in years for day in england_bank_holidays(year)}
    return [BankHoliday(day, str(names.get(day, "Bank holiday")))
            for day in sorted(counted) if today <= day <= end]


# -- changing ----------------------------------------------------------------------
def set_school_calendar(session: Session, dates: SchoolDates) -> SchoolDates:
    """Save the school's dates (the DSL only) and return them tidied. Referrals
    awaiting feedback have their decision due date worked out again, so the
    overdue list follows the new calendar at once."""
    if session.user.role is not Role.DSL:
        raise PermissionDenied("Only the Designated Safeguarding Lead can change the "
                               "school's calendar.")
    clean = tidy(dates)
    problems = calendar_problems(clean, session.db.clock().astimezone().date())
    if problems:
        field, message = problems[0]
        raise InvalidInput(message, field=field)
    with session.db.write(session.user.id) as tx:
        KeyValueTable(session.db, "settings").put(tx, SCHOOL_CALENDAR_KEY, _to_stored(clean))
        ReferralRepository(session.db).redate_awaiting_feedback(tx, clean.working_days())
    return clean


def tidy(dates: SchoolDates) -> SchoolDates:
    """Names' spaces collapsed, holidays in date order, repeated days dropped."""
    holidays_in_order = sorted(
        (TermHoliday(" ".join(h.label.split()), h.first, h.last) for h in dates.term_holidays),
        key=lambda h: (h.first, h.last))
    return SchoolDates(tuple(holidays_in_order), tuple(sorted(set(dates.inset_days))),
                       tuple(sorted(set(dates.closure_days))))


def calendar_problems(dates: SchoolDates, today: date) -> list[tuple[str, str]]:
    """What is wrong with ``dates`` (tidied), as (field, message) in the order the
    form shows the fields; empty when they may be saved. Fields are
    ``term_holidays``, ``inset_days`` and ``closure_days``."""
    earliest = date(today.year - YEARS_EITHER_SIDE, 1, 1)
    latest = date(today.year + YEARS_EITHER_SIDE, 12, 31)
    window = f"between {earliest.year} and {latest.year}"
    found: list[tuple[str, str]] = []
    latest_end: TermHoliday | None = None  # of the holidays so far, the one ending last
    for holiday in dates.term_holidays:
        name = holiday.label or "A holiday"
        if not holiday.label:
            problem = "Give each holiday a name, such as \u201cAutumn half term\u201d."
        elif holiday.last < holiday.first:
            problem = (f"{name} ends ({_day(holiday.last)}) before it starts "
                       f"({_day(holiday.first)}).")
        elif not (earliest <= holiday.first and holiday.last <= latest):
            problem = f"{name} must fall {window}."
        elif latest_end is not None and holiday.first <= latest_end.last:
            problem = (f"{name} overlaps {latest_end.label} ({_day(latest_end.first)} to "
                       f"{_day(latest_end.last)}).")
        else:
            problem = ""
        if problem:
            found.append(("term_holidays", problem))
        elif latest_end is None or holiday.last > latest_end.last:
            latest_end = holiday
    for field, what in (("inset_days", "An INSET day"), ("closure_days", "A closure day")):
        for day in getattr(dates, field):
            if not earliest <= day <= latest:
                found.append((field, f"{what} must fall {window}: {_day(day)} does not."))
            elif day.weekday() >= 5:
                found.append((field, f"{what} must be a weekday: {_day(day)} is a "
                                     f"{day:%A}."))
    return found


# -- stored form -------------------------------------------------------------------
def _to_stored(dates: SchoolDates) -> dict[str, Any]:
    return {
        "term_holidays": [{"label": h.label, "first": h.first.isoformat(),
                           "last": h.last.isoformat()} for h in dates.term_holidays],
        "inset_days": [d.isoformat() for d in dates.inset_days],
        "closure_days": [d.isoformat() for d in dates.closure_days],
    }


def _from_stored(stored: dict[str, Any]) -> SchoolDates:
    return SchoolDates(
        tuple(TermHoliday(str(h["label"]), date.fromisoformat(h["first"]),
                          date.fromisoformat(h["last"]))
              for h in stored.get("term_holidays", ())),
        _days(stored.get("inset_days", ())),
        _days(stored.get("closure_days", ())))


def _days(stored: Sequence[str]) -> tuple[date, ...]:
    return tuple(date.fromisoformat(day) for day in stored)


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")

"""Allegations and low-level concerns about adults who work with children.

KCSIE Part 4 keeps these in a register of their own, apart from every pupil's
file, seen only by the DSL:

- an **allegation** says an adult has harmed a child or may have, may have
  committed an offence against or related to a child, behaved in a way that
  shows they may pose a risk to children, or behaved in a way that shows they may
  not be suitable to work with children. It goes to the LADO within one working
  day, and ends with one of the KCSIE outcome terms;
- a **low-level concern** is behaviour inconsistent with the staff code of
  conduct that does not meet that threshold. It is recorded, kept, and reviewed
  for patterns: repeated low-level concerns about one adult may together meet it.

The children involved are described in words here, never linked to pupil files,
so nothing of this register can appear on a child's record.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime

from sgdesk.models.errors import InvalidInput
from sgdesk.models.working_days import WorkingDayCalendar, add_working_days


class AdultConcernKind(enum.Enum):
    ALLEGATION = "allegation"
    LOW_LEVEL = "low_level"

    @property
    def label(self) -> str:
        return "Allegation" if self is AdultConcernKind.ALLEGATION else "Low-level concern"


class AdultCapacity(enum.Enum):
    """In what capacity the adult works with the school's children."""

    STAFF = "staff"
    SUPPLY = "supply"
    VOLUNTEER = "volunteer"
    CONTRACTOR = "contractor"
    GOVERNOR = "governor"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _CAPACITY_LABELS[self]


_CAPACITY_LABELS = {
    AdultCapacity.STAFF: "Member of staff",
    AdultCapacity.SUPPLY: "Supply staff",
    AdultCapacity.VOLUNTEER: "Volunteer",
    AdultCapacity.CONTRACTOR: "Contractor",
    AdultCapacity.GOVERNOR: "Governor or trustee",
    AdultCapacity.OTHER: "Other",
}


class HarmThreshold(enum.Enum):
    """The four limbs of the KCSIE harm threshold; an allegation meets one or more."""

    HARMED = "harmed"
    OFFENCE = "offence"
    RISK = "risk"
    UNSUITABLE = "unsuitable"

    @property
    def label(self) -> str:
        return _THRESHOLD_LABELS[self]


_THRESHOLD_LABELS = {
    HarmThreshold.HARMED: "Has harmed a child, or may have",
    HarmThreshold.OFFENCE: "May have committed an offence against or related to a child",
    HarmThreshold.RISK: "May pose a risk of harm to children",
    HarmThreshold.UNSUITABLE: "May not be suitable to work with children",
}


class AllegationOutcome(enum.Enum):
    """The KCSIE outcome terms for an allegation."""

    SUBSTANTIATED = "substantiated"
    MALICIOUS = "malicious"
    FALSE = "false"
    UNSUBSTANTIATED = "unsubstantiated"
    UNFOUNDED = "unfounded"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def meaning(self) -> str:
        return _OUTCOME_MEANINGS[self]


_OUTCOME_MEANINGS = {
    AllegationOutcome.SUBSTANTIATED: "there is sufficient evidence to prove the allegation",
    AllegationOutcome.MALICIOUS: "there is sufficient evidence to disprove the allegation and "
                                 "there has been a deliberate act to deceive",
    AllegationOutcome.FALSE: "there is sufficient evidence to disprove the allegation",
    AllegationOutcome.UNSUBSTANTIATED: "there is insufficient evidence to either prove or "
                                       "disprove the allegation; this does not imply guilt or "
                                       "innocence",
    AllegationOutcome.UNFOUNDED: "there is no evidence or proper basis which supports the "
                                 "allegation being made",
}


class AdultConcernStatus(enum.Enum):
    AWAITING_LADO = "awaiting_lado"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"awaiting_lado": "LADO not yet consulted", "open": "Open",
                "closed": "Closed"}[self.value]


@dataclass(frozen=True)
class AdultConcern:
    """Everything recorded about one allegation or low-level concern. Versioned as a whole."""

    kind: AdultConcernKind
    adult_name: str
    adult_capacity: AdultCapacity
    adult_position: str
    raised_by: str
    raised_by_role: str
    happened_at: datetime
    raised_at: datetime
    location: str
    what_happened: str
    children: str = ""
    thresholds: tuple[HarmThreshold, ...] = ()
    action_taken: str = ""
    lado_consulted_on: date | None = None
    lado_name: str = ""
    lado_advice: str = ""
    outcome: AllegationOutcome | None = None
    outcome_notes: str = ""
    shared_with_hr_on: date | None = None
    review_on: date | None = None
    closed_on: date | None = None

    @property
    def status(self) -> AdultConcernStatus:
        if self.closed_on is not None:
            return AdultConcernStatus.CLOSED
        if self.kind is AdultConcernKind.ALLEGATION and self.lado_consulted_on is None:
            return AdultConcernStatus.AWAITING_LADO
        return AdultConcernStatus.OPEN

    def lado_due_on(self, calendar: WorkingDayCalendar) -> date | None:
        """For an allegation not yet taken to the LADO: the working day by which it must be
        (KCSIE: within one working day of it being raised), on the school's working-day
        ``calendar`` (bank holidays and its own closure days skipped)."""
        if self.status is not AdultConcernStatus.AWAITING_LADO:
            return None
        return add_working_days(self.raised_at.date(), 1, calendar)

    def validated(self, now: datetime) -> AdultConcern:
        problems = adult_concern_problems(self, now)
        if problems:
            name, message = problems[0]
            raise InvalidInput(message, field=name)
        return self


def adult_concern_problems(content: AdultConcern, now: datetime) -> list[tuple[str, str]]:
    """Every problem as (field, message), so a form can mark all of them at once."""
    found: list[tuple[str, str]] = []
    allegation = content.kind is AdultConcernKind.ALLEGATION
    if not content.adult_name.strip():
        found.append(("adult_name", "Give the name of the adult the concern is about."))
    if not content.raised_by.strip():
        found.append(("raised_by", "Say who raised it (it may be the adult themselves)."))
    if not content.raised_by_role.strip():
        found.append(("raised_by_role", "Give their role (e.g. Class teacher, parent)."))
    if content.happened_at > now:
        found.append(("happened_at", "When it happened cannot be in the future."))
    if content.raised_at > now:
        found.append(("raised_at", "When it was raised cannot be in the future."))
    elif content.raised_at < content.happened_at:
        found.append(("raised_at", "It cannot have been raised before it happened."))
    if not content.what_happened.strip():
        found.append(("what_happened", "Record what happened: the facts as they were "
                                       "reported."))
    if allegation and not content.thresholds:
        found.append(("thresholds", "Choose which part of the harm threshold the allegation "
                                    "meets."))
    if not allegation and content.thresholds:
        found.append(("thresholds", "A low-level concern does not meet the harm threshold. "
                                    "If this one does, record it as an allegation."))
    if not allegation and content.outcome is not None:
        found.append(("outcome", "The outcome terms are for allegations. Describe what "
                                 "happened in the outcome notes."))
    raised_on, today = content.raised_at.date(), now.date()
    if content.lado_consulted_on is None:
        if content.lado_name.strip() or content.lado_advice.strip():
            found.append(("lado_consulted_on", "Give the date the LADO was consulted."))
    else:
        found.extend(_date_problem("lado_consulted_on", "The LADO consultation",
                                   content.lado_consulted_on, raised_on, today))
        if not content.lado_name.strip():
            found.append(("lado_name", "Give the name of the LADO you spoke to."))
    if content.shared_with_hr_on is not None:
        found.extend(_date_problem("shared_with_hr_on", "Sharing with HR",
                                   content.shared_with_hr_on, raised_on, today))
    if content.review_on is not None and content.review_on < raised_on:
        found.append(("review_on", "The review date cannot be before the concern was raised."))
    if content.closed_on is not None:
        found.extend(_date_problem("closed_on", "Closing", content.closed_on, raised_on, today))
        if allegation and content.outcome is None:
            found.append(("outcome", "Record the outcome before closing the allegation."))
        if allegation and content.lado_consulted_on is None:
            found.append(("lado_consulted_on", "An allegation is closed only after the LADO "
                                               "has been consulted."))
    return found


def _date_problem(name: str, what: str, day: date, raised_on: date,
                  today: date) -> list[tuple[str, str]]:
    if day > today:
        return [(name, f"{what} cannot be dated in the future.")]
    if day < raised_on:
        return [(name, f"{what} cannot be dated before the concern was raised.")]
    return []


#: How each field is named on screen, in form order.
FIELD_LABELS: dict[str, str] = {
    "kind": "Kind",
    "adult_name": "Adult's name",
    "adult_capacity": "Works here as",
    "adult_position": "Job or position",
    "raised_by": "Raised by",
    "raised_by_role": "Their role",
    "happened_at": "When it happened",
    "raised_at": "When it was raised",
    "location": "Where",
    "what_happened": "What happened (facts)",
    "children": "Children involved",
    "thresholds": "Harm threshold met",
    "action_taken": "Action taken",
    "lado_consulted_on": "LADO consulted on",
    "lado_name": "LADO's name",
    "lado_advice": "LADO's advice",
    "outcome": "Outcome",
    "outcome_notes": "Outcome notes",
    "shared_with_hr_on": "Shared with HR on",
    "review_on": "Review on",
    "closed_on": "Closed on",
}


def changed_fields(before: AdultConcern, after: AdultConcern) -> list[str]:
    """Names of the fields that differ between two versions, in form order."""
    return [f.name for f in fields(AdultConcern)
            if getattr(before, f.name) != getattr(after, f.name)]


@dataclass(frozen=True)
class AdultConcernEntry:
    """One record in the register list: its current version and when it was first recorded."""

    id: str
    version: int
    content: AdultConcern
    recorded_at: datetime


def adult_key(name: str) -> str:
    """The adult's name as compared for patterns: case, width and spacing ignored."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def filter_register(entries: Iterable[AdultConcernEntry], text: str = "",
                    kind: AdultConcernKind | None = None) -> list[AdultConcernEntry]:
    """Entries of ``kind`` (any when None) whose words include every word typed."""
    words = adult_key(text).split()
    found = []
    for entry in entries:
        c = entry.content
        if kind is not None and c.kind is not kind:
            continue
        haystack = adult_key(" ".join((
            c.adult_name, c.adult_position, c.adult_capacity.label, c.raised_by,
            c.raised_by_role, c.location, c.what_happened, c.children, c.action_taken,
            c.status.label, c.kind.label)))
        if all(word in haystack for word in words):
            found.append(entry)
    return found


@dataclass(frozen=True)
class AdultPattern:
    """Low-level concerns about one adult, oldest first: two or more make a pattern."""

    adult_name: str
    entries: tuple[AdultConcernEntry, ...]

    @property
    def summary(self) -> str:
        return f"{len(self.entries)} low-level concerns about {self.adult_name}"


def low_level_patterns(entries: Iterable[AdultConcernEntry]) -> list[AdultPattern]:
    """Adults with more than one low-level concern, most concerns first. The name shown
    is the one used in the latest concern."""
    groups: dict[str, list[AdultConcernEntry]] = {}
    for entry in entries:
        if entry.content.kind is AdultConcernKind.LOW_LEVEL:
            groups.setdefault(adult_key(entry.content.adult_name), []).append(entry)
    patterns = []
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda e: e.content.happened_at)
        patterns.append(AdultPattern(" ".join(group[-1].content.adult_name.split()),
                                     tuple(group)))
    patterns.sort(key=lambda p: (-len(p.entries), adult_key(p.adult_name)))
    return patterns

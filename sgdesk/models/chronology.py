"""Chronologies: a child's significant events in date order, as professionals ask
for them — date (and time where known), event, source, outcome, and whether it is
significant.

Most entries are drawn from the record (concerns, DSL decisions, body maps,
referrals) and rebuilt each time, so they follow every amendment. What the school
learns otherwise (a house move, a missing episode, an exclusion) is recorded by
hand as a :class:`ChronologyEvent`, about one pupil or about a family as a whole,
and amended like any record.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sgdesk.models.errors import InvalidInput


class EventKind(enum.Enum):
    """What a hand-recorded event is. Almost every kind matters to a professional
    reading the chronology, so is significant unless the DSL says otherwise;
    "Other" is a catch-all and starts as not significant."""

    ADDRESS_CHANGE = "address_change"
    HOUSEHOLD_CHANGE = "household_change"
    EXCLUSION = "exclusion"
    SUSPENSION = "suspension"
    ATTENDANCE_DROP = "attendance_drop"
    MISSING_EPISODE = "missing_episode"
    MOVE_OF_SCHOOL = "move_of_school"
    SEND_CHANGE = "send_change"
    FAMILY_EVENT = "family_event"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _EVENT_LABELS[self]

    @property
    def significant_by_default(self) -> bool:
        return self is not EventKind.OTHER


_EVENT_LABELS = {
    EventKind.ADDRESS_CHANGE: "Change of address",
    EventKind.HOUSEHOLD_CHANGE: "Change in household",
    EventKind.EXCLUSION: "Permanent exclusion",
    EventKind.SUSPENSION: "Suspension",
    EventKind.ATTENDANCE_DROP: "Attendance drop",
    EventKind.MISSING_EPISODE: "Missing episode",
    EventKind.MOVE_OF_SCHOOL: "Move of school",
    EventKind.SEND_CHANGE: "SEND or EHCP change",
    EventKind.FAMILY_EVENT: "Family event",
    EventKind.OTHER: "Other",
}

#: Where an entry comes from, as filters and printed headers name it.
SOURCE_LABELS: dict[str, str] = {
    "concern": "Concerns",
    "dsl_decision": "DSL decisions",
    "body_map": "Body maps",
    "referral": "Referrals",
    "case": "Casework",
    "event": "Recorded events",
}


@dataclass(frozen=True)
class ChronologyEvent:
    """An event recorded by hand, about one pupil or about a whole family.

    ``significant`` is the person's choice; :meth:`of_kind` starts it from the
    kind's default, as the form does.
    """

    kind: EventKind
    happened_on: date
    happened_at_time: time | None = None
    event: str = ""
    source: str = ""
    outcome: str = ""
    significant: bool = True
    pupil_id: str | None = None
    family_id: str | None = None

    @classmethod
    def of_kind(cls, kind: EventKind, happened_on: date, event: str, *,
                pupil_id: str | None = None, family_id: str | None = None,
                happened_at_time: time | None = None, source: str = "",
                outcome: str = "") -> ChronologyEvent:
        """An event whose significance is its kind's default."""
        return cls(kind, happened_on, happened_at_time, event, source, outcome,
                   kind.significant_by_default, pupil_id, family_id)

    def problems(self, now: datetime) -> list[tuple[str, str]]:
        """Every problem as (field, message), so a form can show them all at once.
        ``now`` is aware; "the future" is judged in this computer's local time."""
        found: list[tuple[str, str]] = []
        if not self.event.strip():
            found.append(("event", "Say what happened."))
        local = now.astimezone()
        if self.happened_on > local.date():
            found.append(("happened_on", "The date cannot be in the future."))
        elif (self.happened_on == local.date() and self.happened_at_time is not None
              and self.happened_at_time > local.time()):
            found.append(("happened_at_time", "The time cannot be in the future."))
        if (self.pupil_id is None) == (self.family_id is None):
            found.append(("pupil_id", "Record the event against one pupil or against "
                                      "their family, not both."))
        return found

    def validated(self, now: datetime) -> ChronologyEvent:
        """Raises the first problem as :class:`InvalidInput`."""
        problems = self.problems(now)
        if problems:
            name, message = problems[0]
            raise InvalidInput(message, field=name)
        return self


@dataclass(frozen=True)
class ChronologyEntry:
    """One line of a chronology, whatever it was drawn from.

    ``source_kind`` is "concern", "dsl_decision", "body_map", "referral",
    "case" or "event"; ``source_id`` names the line (a referral's feedback and each chase
    or escalation are lines of their own: ``<referral id>#feedback``,
    ``<referral id>#follow-up-2``) and :attr:`record_id` the record it opens (a
    DSL decision's is its concern's). ``child_name`` is filled on a family
    chronology only ("Whole family" for the family's own events). ``sequence``
    keeps the order entries were built in, for ties of date and time.
    """

    source_kind: str
    source_id: str
    pupil_id: str | None
    child_name: str
    happened_on: date
    happened_at_time: time | None
    event: str
    source: str
    outcome: str
    significant: bool
    categories: tuple[str, ...] = ()
    sequence: int = 0

    @property
    def record_id(self) -> str:
        """The record this line opens."""
        return self.source_id.partition(PART_MARK)[0]


#: Separates a record's id from the part of it a line is about.
PART_MARK = "#"


def in_date_order(entries: Iterable[ChronologyEntry]) -> list[ChronologyEntry]:
    """Oldest first. On the same day, entries without a time come before timed
    ones (the day is known, the hour is not, so they head the day), timed ones by
    their time; then by ``sequence``. Stable: entries equal in all of these keep
    the order they came in."""
    return sorted(entries, key=lambda e: (e.happened_on, e.happened_at_time is not None,
                                          e.happened_at_time or time.min, e.sequence))


@dataclass(frozen=True)
class ChronologyFilter:
    """What a reader narrows a chronology to. Empty sets mean "all".

    A category filter keeps the entries with at least one of the categories (a
    concern, its DSL decision, a body map linked to it); entries with no
    category, such as recorded events, are left out while one is set.
    """

    significant_only: bool = False
    start: date | None = None
    end: date | None = None
    categories: frozenset[str] = field(default_factory=frozenset)
    sources: frozenset[str] = field(default_factory=frozenset)

    def keeps(self, entry: ChronologyEntry) -> bool:
        return ((not self.significant_only or entry.significant)
                and (self.start is None or entry.happened_on >= self.start)
                and (self.end is None or entry.happened_on <= self.end)
                and (not self.categories or not self.categories.isdisjoint(entry.categories))
                and (not self.sources or entry.source_kind in self.sources))

    def apply(self, entries: Iterable[ChronologyEntry]) -> list[ChronologyEntry]:
        """The entries kept, in the order given."""
        return [e for e in entries if self.keeps(e)]

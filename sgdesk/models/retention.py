"""How long a pupil's file is kept, what stops it being destroyed, and what a
destruction leaves behind.

A child protection file is kept to the child's date of birth + 25 years and then
reviewed; SEN-related records often to date of birth + 31 years (DOMAIN.md,
"Transfers, sharing and retention"). The DSL may change the years per kind. A
pupil's file is reviewed at the longest period of the kinds it holds: a child who
has, or had, SEN support or an EHCP holds SEN-related records too.

Nothing is ever destroyed automatically. A file comes up for review; the DSL
decides. A legal hold (a public inquiry, a claim, a police request) blocks
destruction until it is lifted with a reason. A destruction is recorded: what
kinds of record and how many, when, by whom and why, naming the child only by
initials and year of birth, so the log itself holds nothing the destruction was
meant to remove.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import Pupil, SendStatus, add_years

#: A file whose review date falls within this many days is listed for review.
REVIEW_NOTICE_DAYS = 90
MIN_RETENTION_YEARS = 1
MAX_RETENTION_YEARS = 100


class RetentionKind(enum.Enum):
    """The kinds of record a retention period is set for. Values are stored."""

    CP_FILE = "cp_file"
    SEN = "sen"

    @property
    def label(self) -> str:
        return {"cp_file": "Child protection file",
                "sen": "SEN-related records"}[self.value]

    @property
    def default_years(self) -> int:
        return {"cp_file": 25, "sen": 31}[self.value]

    @property
    def applies_to(self) -> str:
        """Whose file holds this kind, in words for the settings screen."""
        return {"cp_file": "Every pupil's file.",
                "sen": "The file of a pupil who has, or had, SEN support or an EHCP."
                }[self.value]


def validate_retention_years(years: int) -> int:
    if not MIN_RETENTION_YEARS <= years <= MAX_RETENTION_YEARS:
        raise InvalidInput(
            f"A retention period is between {MIN_RETENTION_YEARS} and {MAX_RETENTION_YEARS} "
            "years after the date of birth.", field="years")
    return years


def _default_years() -> dict[RetentionKind, int]:
    return {kind: kind.default_years for kind in RetentionKind}


@dataclass(frozen=True)
class RetentionRules:
    """Years after the date of birth at which each kind of record is reviewed."""

    years: Mapping[RetentionKind, int] = field(default_factory=_default_years)

    @classmethod
    def from_stored(cls, stored: Mapping[str, object]) -> RetentionRules:
        """Rules from the ``settings`` value; a kind missing (or unusable) there keeps
        its default, so a store written before a kind existed still reads."""
        years = _default_years()
        for kind in RetentionKind:
            value = stored.get(kind.value)
            if isinstance(value, int) and MIN_RETENTION_YEARS <= value <= MAX_RETENTION_YEARS:
                years[kind] = value
        return cls(years)

    def stored(self) -> dict[str, int]:
        return {kind.value: self.years_for(kind) for kind in RetentionKind}

    def years_for(self, kind: RetentionKind) -> int:
        return self.years.get(kind, kind.default_years)

    def with_years(self, kind: RetentionKind, years: int) -> RetentionRules:
        return replace(self, years={**self.years, kind: validate_retention_years(years)})


def kinds_held(pupil: Pupil, had_send: bool = False) -> tuple[RetentionKind, ...]:
    """The kinds of record the pupil's file holds. ``had_send``: an earlier version of
    the register entry showed SEN support or an EHCP (the status may since be "none")."""
    if had_send or pupil.send_status is not SendStatus.NONE:
        return (RetentionKind.CP_FILE, RetentionKind.SEN)
    return (RetentionKind.CP_FILE,)


def governing_kind(pupil: Pupil, rules: RetentionRules,
                   had_send: bool = False) -> RetentionKind:
    """The kind whose period is longest for this file: it sets the review date."""
    return max(kinds_held(pupil, had_send), key=rules.years_for)


def review_date(pupil: Pupil, rules: RetentionRules, had_send: bool = False) -> date | None:
    """Date of birth (or expected date of birth) + the longest period of the kinds the
    file holds; 29 February falls back to 28 February. ``None`` with no date of birth."""
    born = pupil.date_of_birth or pupil.expected_date_of_birth
    if born is None:
        return None
    return add_years(born, rules.years_for(governing_kind(pupil, rules, had_send)))


def review_window_end(today: date) -> date:
    """The last review date the review list shows today."""
    return today + timedelta(days=REVIEW_NOTICE_DAYS)


# -- legal holds ------------------------------------------------------------------------
def validate_hold_reason(reason: str) -> str:
    clean = reason.strip()
    if not clean:
        raise InvalidInput("Say why the file must be kept (for example, which inquiry asked).",
                           field="reason")
    return clean


def validate_lift_reason(reason: str) -> str:
    clean = reason.strip()
    if not clean:
        raise InvalidInput("Say why the hold can be lifted (for example, the inquiry has "
                           "closed).", field="reason")
    return clean


@dataclass(frozen=True)
class LegalHold:
    """A hold on one pupil's file. ``placed_by``/``lifted_by`` are user ids."""

    id: str
    pupil_id: str
    reason: str
    placed_by: str
    placed_on: date
    lifted_on: date | None = None
    lifted_by: str = ""
    lift_reason: str = ""

    @property
    def active(self) -> bool:
        return self.lifted_on is None

    def lifted(self, by: str, on: date, reason: str) -> LegalHold:
        if not self.active:
            raise InvalidInput("That hold has already been lifted.")
        return replace(self, lifted_on=on, lifted_by=by, lift_reason=validate_lift_reason(reason))


# -- destruction ------------------------------------------------------------------------
#: What a destruction removes, as counted in its record, in the order the log lists them.
REMOVED_KINDS: tuple[tuple[str, str], ...] = (
    ("pupil_versions", "Versions of the register entry"),
    ("concerns", "Concerns about this child only"),
    ("concern_links", "Links to concerns that stay on other children's files"),
    ("body_maps", "Body maps"),
    ("chronology_events", "Chronology events"),
    ("referrals", "Referrals"),
    ("cases", "Cases"),
    ("transfers", "CP file transfers"),
    ("sendco_requests", "Requests for SENDCO input"),
    ("subject_access_requests", "Subject access requests"),
    ("legal_holds", "Lifted legal holds"),
    ("drafts", "Unsaved drafts"),
    ("families", "Family links"),
)


def pupil_initials(pupil: Pupil) -> str:
    """``J. B.``: legal forename and surname initials, all the log keeps of a name."""
    return " ".join(f"{part.strip()[0].upper()}." for part in
                    (pupil.legal_forename, pupil.legal_surname) if part.strip())


@dataclass(frozen=True)
class DestructionRecord:
    """What a destruction removed, when, by whom (user id) and why. Never a name,
    never content: ``initials`` and ``birth_year`` are enough to answer "was this
    child's file destroyed, and when?" without recreating what was removed."""

    id: str
    pupil_id: str
    destroyed_at: datetime
    destroyed_by: str
    reason: str
    initials: str
    birth_year: int | None
    retention: str
    removed: Mapping[str, int] = field(default_factory=dict)

    def removed_lines(self) -> list[str]:
        """``Concerns about this child only: 3`` …, in :data:`REMOVED_KINDS` order."""
        return removed_lines(self.removed)


def removed_lines(counts: Mapping[str, int]) -> list[str]:
    """``Concerns about this child only: 3`` …, in :data:`REMOVED_KINDS` order, for
    the kinds with any."""
    return [f"{label}: {counts[key]}" for key, label in REMOVED_KINDS if counts.get(key)]


def same_name(typed: str, shown: str) -> bool:
    """The confirmation typed matches the name as shown (spacing aside)."""
    return " ".join(typed.split()) == " ".join(shown.split())


def destruction_refusal(pupil: Pupil, review_on: date | None, today: date,
                        holds_in_place: int) -> str:
    """Why this file may not be destroyed today ("" when it may): the order a person
    would check, each message without the child's name."""
    if pupil.date_left is None:
        return "This pupil is still on roll. A file is destroyed only after the pupil has left."
    if holds_in_place:
        return ("This file is under a legal hold and cannot be destroyed. Lift the hold first, "
                "with the reason, if it no longer applies.")
    if review_on is None:
        return "This file has no date of birth, so its review date is unknown."
    if today < review_on:
        return ("This file's review date has not come yet. It cannot be destroyed before "
                "then.")
    return ""


def validate_destruction_reason(reason: str) -> str:
    clean = reason.strip()
    if not clean:
        raise InvalidInput("Say why the file is being destroyed (for example, the review "
                           "found no reason to keep it).", field="reason")
    return clean


def check_confirmation(typed: str, shown_name: str) -> None:
    """The pupil's name typed as shown: one slip must never destroy a file."""
    if not same_name(typed, shown_name):
        raise InvalidInput("Type the pupil's name exactly as shown to confirm.",
                           field="confirm_text")

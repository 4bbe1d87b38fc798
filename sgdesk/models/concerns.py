"""Concerns about children: what was seen and heard, kept apart from opinion,
reviewed by the DSL, and amended — never overwritten.

A concern may involve several children, each with a role. On one child's file,
another child's role never shows, and their name shows only when the DSL has
chosen to reveal it (:func:`view_for_pupil`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime

from sgdesk.models.errors import InvalidInput


class ChildRole(enum.Enum):
    SUBJECT = "subject"
    VICTIM = "victim"
    ALLEGED_PERPETRATOR = "alleged_perpetrator"
    WITNESS = "witness"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Decision(enum.Enum):
    """The DSL's decision on a concern. Every one needs reasons, "no further action" too."""

    NO_FURTHER_ACTION = "nfa"
    MONITOR = "monitor"
    PASTORAL_SUPPORT = "pastoral"
    EARLY_HELP = "early_help"
    REFER_CSC = "refer_csc"
    POLICE = "police"
    LADO = "lado"
    PREVENT = "prevent"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _DECISION_LABELS[self]


_DECISION_LABELS = {
    Decision.NO_FURTHER_ACTION: "No further action",
    Decision.MONITOR: "Monitor",
    Decision.PASTORAL_SUPPORT: "Pastoral support in school",
    Decision.EARLY_HELP: "Early Help",
    Decision.REFER_CSC: "Refer to children's social care",
    Decision.POLICE: "Refer to police",
    Decision.LADO: "Refer to the LADO",
    Decision.PREVENT: "Refer to Prevent",
    Decision.OTHER: "Other",
}


class ActionStatus(enum.Enum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


#: The DOMAIN.md list, shipped as the school's editable defaults.
DEFAULT_CATEGORIES: tuple[str, ...] = (
    "Physical abuse",
    "Emotional abuse",
    "Sexual abuse",
    "Neglect",
    "Child-on-child abuse",
    "Sexual violence and harassment",
    "Bullying",
    "Domestic abuse",
    "Child sexual exploitation (CSE)",
    "Child criminal exploitation (CCE) / county lines",
    "Serious violence",
    "Radicalisation (Prevent)",
    "Online harm",
    "Female genital mutilation (FGM)",
    "So-called honour-based abuse",
    "Forced marriage",
    "Modern slavery",
    "Children absent or missing from education",
    "Elective home education",
    "Mental health",
    "Self-harm",
    "Young carer",
    "Family member in prison",
    "Homelessness",
    "Fabricated or induced illness",
)


@dataclass(frozen=True)
class InvolvedChild:
    pupil_id: str
    role: ChildRole
    #: Whether this child's name may appear on the *other* children's files.
    name_shown_to_others: bool = False


@dataclass(frozen=True)
class Action:
    description: str
    owner: str
    due: date | None = None
    status: ActionStatus = ActionStatus.OPEN


@dataclass(frozen=True)
class Review:
    """The DSL's review: a decision with reasons, actions, outcome, sign-off."""

    decision: Decision
    reasons: str
    reviewed_by: str
    reviewer_role: str
    reviewed_on: date
    actions: tuple[Action, ...] = ()
    outcome: str = ""
    closed_on: date | None = None

    def validated(self) -> Review:
        if not self.reasons.strip():
            raise InvalidInput(
                "Give the reasons for this decision, including a decision not to refer.",
                field="reasons",
            )
        if self.closed_on and not self.outcome.strip():
            raise InvalidInput("Record the outcome before closing the concern.", field="outcome")
        return self


@dataclass(frozen=True)
class ConcernContent:
    """Everything a person writes in a concern. Versioned as a whole."""

    reporter_name: str
    reporter_role: str
    happened_at: datetime
    noticed_at: datetime
    location: str
    children: tuple[InvolvedChild, ...]
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    facts: str = ""
    child_words: str = ""
    questions_asked: str = ""
    others_reported: str = ""
    others_source: str = ""
    opinion: str = ""
    immediate_action: str = ""
    review: Review | None = None

    def validated(self, now: datetime) -> ConcernContent:
        """Field rules with a message per field; the first problem is raised."""
        problems = concern_problems(self, now)
        if problems:
            name, message = problems[0]
            raise InvalidInput(message, field=name)
        return self


def concern_problems(content: ConcernContent, now: datetime) -> list[tuple[str, str]]:
    """Every problem as (field, message), so a form can mark all of them at once."""
    found: list[tuple[str, str]] = []
    if not content.reporter_name.strip():
        found.append(("reporter_name", "Say who is concerned."))
    if not content.reporter_role.strip():
        found.append(("reporter_role", "Give their role (e.g. Class teacher)."))
    if not content.children:
        found.append(("children", "Add the child or children the concern is about."))
    if len({c.pupil_id for c in content.children}) != len(content.children):
        found.append(("children", "A child is listed twice."))
    if content.happened_at > now:
        found.append(("happened_at", "When it happened cannot be in the future."))
    if content.noticed_at > now:
        found.append(("noticed_at", "When it was noticed cannot be in the future."))
    if content.noticed_at < content.happened_at:
        found.append(("noticed_at", "It cannot have been noticed before it happened."))
    if not (content.facts.strip() or content.child_words.strip()
            or content.others_reported.strip()):
        found.append(("facts", "Record what was seen or heard, the child's words, or what "
                               "others reported."))
    if content.others_reported.strip() and not content.others_source.strip():
        found.append(("others_source", "Say who reported this information."))
    if not content.categories:
        found.append(("categories", "Choose at least one category."))
    if content.review is not None:
        try:
            content.review.validated()
        except InvalidInput as exc:
            found.append((exc.field, str(exc)))
    return found


@dataclass(frozen=True)
class ConcernVersion:
    """One saved version. Version 1 is the original; later ones are amendments and
    carry who made them, when, and why (a reason is required)."""

    number: int
    content: ConcernContent
    saved_by: str
    saved_at: datetime
    reason: str = ""


@dataclass(frozen=True)
class Concern:
    id: str
    versions: tuple[ConcernVersion, ...] = field(default_factory=tuple)

    @property
    def current(self) -> ConcernContent:
        return self.versions[-1].content

    @property
    def original(self) -> ConcernVersion:
        return self.versions[0]

    @property
    def amended(self) -> bool:
        return len(self.versions) > 1


#: How each field is named on screen and in print, in form order. The four
#: kept-apart sections use these headings everywhere so a reader learns them once.
FIELD_LABELS: dict[str, str] = {
    "reporter_name": "Who is concerned",
    "reporter_role": "Their role",
    "happened_at": "When it happened",
    "noticed_at": "When it was noticed",
    "location": "Where",
    "children": "Children involved",
    "categories": "Categories",
    "tags": "Tags",
    "facts": "Facts: what was seen or heard",
    "child_words": "The child's own words (verbatim)",
    "questions_asked": "Questions asked of the child",
    "others_reported": "What others reported",
    "others_source": "Source of what others reported",
    "opinion": "OPINION / professional judgement",
    "immediate_action": "Immediate action taken",
    "review": "DSL review",
}

#: The four sections a concern keeps apart, in the order they are always shown.
KEPT_APART_SECTIONS: tuple[str, ...] = ("facts", "child_words", "others_reported", "opinion")


def changed_fields(before: ConcernContent, after: ConcernContent) -> list[str]:
    """Names of the fields that differ between two versions, in form order."""
    return [f.name for f in fields(ConcernContent)
            if getattr(before, f.name) != getattr(after, f.name)]


def validate_amendment_reason(reason: str) -> str:
    clean = reason.strip()
    if not clean:
        raise InvalidInput("Say why the record is being amended.", field="reason")
    return clean


@dataclass(frozen=True)
class OtherChildMention:
    """How another child in the concern appears on this child's file: never their
    role, and their name only if the DSL chose to show it."""

    pupil_id: str
    shown_name: str | None


@dataclass(frozen=True)
class ConcernOnFile:
    """A concern as it appears on one pupil's file (screen and print)."""

    content: ConcernContent
    this_child_role: ChildRole
    other_children: tuple[OtherChildMention, ...]


def view_for_pupil(
    content: ConcernContent, pupil_id: str, names: dict[str, str]
) -> ConcernOnFile:
    """The label-leak rule in one place. ``names`` maps pupil ids to display names."""
    mine = next((c for c in content.children if c.pupil_id == pupil_id), None)
    if mine is None:
        raise ValueError("this concern does not involve that pupil")
    others = tuple(
        OtherChildMention(c.pupil_id, names.get(c.pupil_id) if c.name_shown_to_others else None)
        for c in content.children if c.pupil_id != pupil_id
    )
    safe = replace(content, children=(mine,))
    return ConcernOnFile(safe, mine.role, others)

"""Casework where the school's DSL is lead practitioner (Early Help, child in need
under section 17) or contributes (child protection under section 47).

A case holds an assessment laid out on the Assessment Framework triangle, visits
and conversations (was the child seen, and seen alone?), a plan of actions, the
meetings the school attends, and the statutory clocks they start: an s17
assessment within 45 working days, an initial child protection conference within
15 working days of the strategy discussion, and the next review date.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from sgdesk.models.concerns import ActionStatus
from sgdesk.models.errors import InvalidInput
from sgdesk.models.working_days import ENGLAND, WorkingDayCalendar, add_working_days

#: An s17 assessment is finished within this many working days of the referral.
S17_ASSESSMENT_WORKING_DAYS = 45
#: An initial child protection conference follows the strategy discussion within this.
ICPC_WORKING_DAYS = 15


class CaseKind(enum.Enum):
    EARLY_HELP = "early_help"
    S17 = "s17"
    S47 = "s47"

    @property
    def label(self) -> str:
        return _CASE_KIND_LABELS[self]


_CASE_KIND_LABELS = {
    CaseKind.EARLY_HELP: "Early Help",
    CaseKind.S17: "Child in need (section 17)",
    CaseKind.S47: "Child protection (section 47) \u2014 contributing",
}


class AssessmentDomain(enum.Enum):
    """The three sides of the Assessment Framework triangle."""

    DEVELOPMENTAL_NEEDS = "developmental_needs"
    PARENTING_CAPACITY = "parenting_capacity"
    FAMILY_ENVIRONMENT = "family_environment"

    @property
    def label(self) -> str:
        return _DOMAIN_LABELS[self]


_DOMAIN_LABELS = {
    AssessmentDomain.DEVELOPMENTAL_NEEDS: "The child's developmental needs",
    AssessmentDomain.PARENTING_CAPACITY: "Parenting capacity",
    AssessmentDomain.FAMILY_ENVIRONMENT: "Family and environmental factors",
}


class MeetingKind(enum.Enum):
    CIN_MEETING = "cin_meeting"
    CIN_REVIEW = "cin_review"
    STRATEGY_DISCUSSION = "strategy_discussion"
    ICPC = "icpc"
    RCPC = "rcpc"
    EARLY_HELP_REVIEW = "early_help_review"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _MEETING_LABELS[self]


_MEETING_LABELS = {
    MeetingKind.CIN_MEETING: "Child in need meeting",
    MeetingKind.CIN_REVIEW: "Child in need review",
    MeetingKind.STRATEGY_DISCUSSION: "Strategy discussion",
    MeetingKind.ICPC: "Initial child protection conference",
    MeetingKind.RCPC: "Review child protection conference",
    MeetingKind.EARLY_HELP_REVIEW: "Early Help review",
    MeetingKind.OTHER: "Other meeting",
}


@dataclass(frozen=True)
class DomainNotes:
    """One side of the triangle: what the child or family needs, what is going
    well, and the practitioner's analysis (judgement, marked as such by its place)."""

    needs: str = ""
    strengths: str = ""
    analysis: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.needs.strip() or self.strengths.strip() or self.analysis.strip())


def _empty_domains() -> tuple[tuple[AssessmentDomain, DomainNotes], ...]:
    return tuple((domain, DomainNotes()) for domain in AssessmentDomain)


@dataclass(frozen=True)
class Assessment:
    """The assessment on the triangle, plus the child's voice and the family's view.
    For s17 a social-work-qualified supervisor approves it; that approval is kept."""

    domains: tuple[tuple[AssessmentDomain, DomainNotes], ...] = field(
        default_factory=_empty_domains)
    child_voice: str = ""
    family_view: str = ""
    completed_on: date | None = None
    approved_by: str = ""
    approved_on: date | None = None

    def notes(self, domain: AssessmentDomain) -> DomainNotes:
        """The notes for one side (empty if none were written)."""
        return dict(self.domains).get(domain, DomainNotes())

    def with_notes(self, domain: AssessmentDomain, notes: DomainNotes) -> Assessment:
        """A copy with one side's notes replaced, the sides kept in triangle order."""
        by_domain = dict(self.domains) | {domain: notes}
        return Assessment(tuple((d, by_domain.get(d, DomainNotes())) for d in AssessmentDomain),
                          self.child_voice, self.family_view, self.completed_on,
                          self.approved_by, self.approved_on)


@dataclass(frozen=True)
class Visit:
    """A visit or conversation. Whether the child was seen, and seen alone, is
    asked every time: not seeing a child alone needs a reason on the record."""

    on: datetime
    who: str
    where: str = ""
    purpose: str = ""
    child_seen: bool = False
    seen_alone: bool = False
    not_seen_alone_reason: str = ""
    child_words: str = ""
    observations: str = ""
    actions_arising: str = ""

    def problems(self, started_on: date, now: datetime) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if self.on > now:
            found.append(("on", "A visit cannot be recorded before it happens."))
        elif self.on.date() < started_on:
            found.append(("on", "A visit cannot be before the case started."))
        if not self.who.strip():
            found.append(("who", "Say who made the visit or had the conversation."))
        if self.seen_alone and not self.child_seen:
            found.append(("seen_alone", "The child cannot be seen alone without being seen."))
        if self.child_seen and not self.seen_alone and not self.not_seen_alone_reason.strip():
            found.append(("not_seen_alone_reason", "Say why the child was not seen alone."))
        return found


@dataclass(frozen=True)
class PlanAction:
    who: str
    what: str
    by_when: date | None = None
    status: ActionStatus = ActionStatus.OPEN


@dataclass(frozen=True)
class Plan:
    """The outcomes wanted for the child and the actions to reach them, reviewed at
    each meeting."""

    outcomes: str = ""
    actions: tuple[PlanAction, ...] = ()


@dataclass(frozen=True)
class Meeting:
    """A meeting the school held or attended, with its decisions and the next date."""

    kind: MeetingKind
    on: datetime
    attendees: str = ""
    apologies: str = ""
    decisions: str = ""
    next_date: date | None = None

    def problems(self, now: datetime) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if self.on > now:
            found.append(("on", "A meeting cannot be recorded before it happens; put the "
                                "date as the last meeting's next date."))
        if not self.decisions.strip():
            found.append(("decisions", "Record what was decided (or that nothing was)."))
        if self.next_date is not None and self.next_date <= self.on.date():
            found.append(("next_date", "The next meeting must be after this one."))
        return found


@dataclass(frozen=True)
class CaseContent:
    """Everything a case holds. Each change to it is saved as a new version with a
    reason, so nothing written is lost.

    A school may decide it lacks the time, skills or training to act as lead
    practitioner for an Early Help or child-in-need case: ``lead_declined`` records
    that decision and ``lead_declined_reason`` its reasons (``lead_practitioner``
    then names who leads instead). A section 47 case is always led by a social
    worker, so there is nothing to decline."""

    kind: CaseKind
    pupil_id: str
    family_id: str | None
    lead_practitioner: str
    supervisor: str
    started_on: date
    referral_id: str | None = None
    assessment: Assessment = Assessment()
    plan: Plan = Plan()
    visits: tuple[Visit, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    closed_on: date | None = None
    closure_reason: str = ""
    lead_declined: bool = False
    lead_declined_reason: str = ""

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def problems(self, now: datetime) -> list[tuple[str, str]]:
        """Every problem as (field, message), in the order a form shows them. Parts
        of a list are named ``visits.<i>.<field>``, ``meetings.<i>.<field>`` and
        ``plan.actions.<i>.<field>`` (index from 0); their messages say which one."""
        today = now.astimezone().date()
        found: list[tuple[str, str]] = []
        if not self.pupil_id:
            found.append(("pupil_id", "Choose the child the case is about."))
        if not self.lead_practitioner.strip():
            found.append(("lead_practitioner", "Say who the lead practitioner is."))
        found.extend(self._lead_declined_problems())
        if self.started_on > today:
            found.append(("started_on", "A case cannot start in the future."))
        found.extend(self._assessment_problems(today))
        for index, action in enumerate(self.plan.actions):
            where = f"plan.actions.{index}"
            if not action.what.strip():
                found.append((f"{where}.what", f"Action {index + 1}: say what is to be done."))
            if not action.who.strip():
                found.append((f"{where}.who", f"Action {index + 1}: say who will do it."))
        for index, visit in enumerate(self.visits):
            found.extend((f"visits.{index}.{name}", f"Visit {index + 1}: {message}")
                         for name, message in visit.problems(self.started_on, now))
        for index, meeting in enumerate(self.meetings):
            found.extend((f"meetings.{index}.{name}", f"Meeting {index + 1}: {message}")
                         for name, message in meeting.problems(now))
        found.extend(self._closure_problems(today))
        return found

    def validated(self, now: datetime) -> CaseContent:
        """Raises the first problem as :class:`InvalidInput` naming its field."""
        problems = self.problems(now)
        if problems:
            name, message = problems[0]
            raise InvalidInput(message, field=name)
        return self

    def _lead_declined_problems(self) -> list[tuple[str, str]]:
        if self.lead_declined and self.kind is CaseKind.S47:
            return [("lead_declined", "A social worker always leads a section 47 case, so "
                                      "the school has no lead to decline.")]
        if self.lead_declined and not self.lead_declined_reason.strip():
            return [("lead_declined_reason", "Give the reasons the school cannot act as "
                                             "lead practitioner.")]
        if self.lead_declined_reason.strip() and not self.lead_declined:
            return [("lead_declined", "Reasons are given only when the school has decided "
                                      "it cannot act as lead practitioner.")]
        return []

    def _assessment_problems(self, today: date) -> list[tuple[str, str]]:
        assessment = self.assessment
        found: list[tuple[str, str]] = []
        done = assessment.completed_on
        if done is not None and done > today:
            found.append(("assessment.completed_on", "An assessment cannot be completed in "
                                                     "the future."))
        elif done is not None and done < self.started_on:
            found.append(("assessment.completed_on", "An assessment cannot be completed "
                                                     "before the case started."))
        approved = assessment.approved_on
        if approved is not None:
            if done is None:
                found.append(("assessment.approved_on", "Record when the assessment was "
                                                        "completed before its approval."))
            elif approved < done:
                found.append(("assessment.approved_on", "The assessment cannot be approved "
                                                        "before it was completed."))
            elif approved > today:
                found.append(("assessment.approved_on", "An approval cannot be in the "
                                                        "future."))
            if not assessment.approved_by.strip():
                found.append(("assessment.approved_by", "Say who approved the assessment."))
        elif assessment.approved_by.strip():
            found.append(("assessment.approved_on", "Give the date of the approval."))
        return found

    def _closure_problems(self, today: date) -> list[tuple[str, str]]:
        if self.closed_on is None:
            if self.closure_reason.strip():
                return [("closed_on", "Give the date the case closed.")]
            return []
        found: list[tuple[str, str]] = []
        if self.closed_on > today:
            found.append(("closed_on", "A case cannot be closed in the future."))
        elif self.closed_on < self.started_on:
            found.append(("closed_on", "A case cannot close before it started."))
        if not self.closure_reason.strip():
            found.append(("closure_reason", "Say why the case is closing."))
        return found


# ------------------------------------------------------------------------- clocks
@dataclass(frozen=True)
class CaseClock:
    """A date the case must meet; ``done`` once it has been met."""

    name: str
    due: date
    done: bool

    def overdue(self, today: date) -> bool:
        return not self.done and today > self.due


def case_clocks(content: CaseContent,
                calendar: WorkingDayCalendar = ENGLAND) -> list[CaseClock]:
    """The case's clocks in the order a header shows them: the s17 assessment (45
    working days from the start), the initial conference (15 working days after the
    latest strategy discussion) and the next meeting set at the latest meeting (not
    once the case is closed)."""
    clocks: list[CaseClock] = []
    if content.kind is CaseKind.S17:
        clocks.append(CaseClock(
            "Assessment due (45 working days)",
            add_working_days(content.started_on, S17_ASSESSMENT_WORKING_DAYS, calendar),
            content.assessment.completed_on is not None))
    meetings = sorted(content.meetings, key=lambda m: m.on)
    strategy = [m for m in meetings if m.kind is MeetingKind.STRATEGY_DISCUSSION]
    if strategy:
        latest = strategy[-1]
        held = any(m.kind is MeetingKind.ICPC and m.on > latest.on for m in meetings)
        clocks.append(CaseClock(
            "Initial child protection conference due (15 working days)",
            add_working_days(latest.on.date(), ICPC_WORKING_DAYS, calendar), held))
    if meetings and meetings[-1].next_date is not None and content.is_open:
        clocks.append(CaseClock("Next meeting", meetings[-1].next_date, False))
    return clocks

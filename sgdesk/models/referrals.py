"""Referrals to partner agencies: what the DSL sends, and what happens after.

A referral is drafted from the record, checked for missing information before it
is finalised (so the social worker's first call back is about the child, not
about a missing GP), then frozen: later changes are amendments, like concerns.
After sending, the local authority should decide within one working day; the
app tracks that clock, chases, and supports escalation ("professional
challenge") when feedback does not come.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sgdesk.models.adult_concerns import AdultConcern
from sgdesk.models.concerns import ConcernOnFile
from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import Pupil
from sgdesk.models.working_days import ENGLAND, WorkingDayCalendar, add_working_days

#: The local authority should decide on a referral within this many working days.
DECISION_DUE_WORKING_DAYS = 1


class ReferralKind(enum.Enum):
    CSC = "csc"
    EARLY_HELP = "early_help"
    POLICE = "police"
    LADO = "lado"
    PREVENT = "prevent"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def about_a_pupil(self) -> bool:
        """LADO referrals come from the staff-allegation register and never sit on a
        pupil's file; every other kind is about a child on the register."""
        return self is not ReferralKind.LADO


_KIND_LABELS = {
    ReferralKind.CSC: "Children's social care (front door / MASH)",
    ReferralKind.EARLY_HELP: "Early Help request",
    ReferralKind.POLICE: "Police",
    ReferralKind.LADO: "LADO (allegation about an adult)",
    ReferralKind.PREVENT: "Prevent",
}


class SendMethod(enum.Enum):
    PHONE = "phone"
    PORTAL = "portal"
    SECURE_EMAIL = "secure_email"
    IN_PERSON = "in_person"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"phone": "Phone", "portal": "Online portal", "secure_email": "Secure email",
                "in_person": "In person", "other": "Other"}[self.value]


class FeedbackOutcome(enum.Enum):
    NO_FURTHER_ACTION = "nfa"
    EARLY_HELP = "early_help"
    S17_ASSESSMENT = "s17"
    S47_ENQUIRY = "s47"
    STRATEGY_DISCUSSION = "strategy"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"nfa": "No further action", "early_help": "Early Help",
                "s17": "Child in need assessment (section 17)",
                "s47": "Child protection enquiry (section 47)",
                "strategy": "Strategy discussion", "other": "Other"}[self.value]


class Consent(enum.Enum):
    """Whether parents consented to the referral. Consent is not needed where
    seeking it would put a child at risk (DPA 2018 Sch.1 para 18); the reason must
    then be recorded."""

    GIVEN = "given"
    REFUSED = "refused"
    NOT_SOUGHT = "not_sought"

    @property
    def label(self) -> str:
        return {"given": "Parents consented", "refused": "Parents refused consent",
                "not_sought": "Consent not sought"}[self.value]


@dataclass(frozen=True)
class ReferralContent:
    """What the DSL writes in a referral, beyond what is drawn from the record
    (child details, household, agencies, and the selected concerns' four
    kept-apart sections, which stay separate sections in the form)."""

    kind: ReferralKind
    pupil_id: str | None
    concern_ids: tuple[str, ...] = ()
    referrer_name: str = ""
    referrer_role: str = ""
    referrer_contact: str = ""
    dsl_consulted: str = ""
    reason: str = ""
    harm_type: str = ""
    risk_assessment: str = ""
    impact_on_child: str = ""
    parental_capacity: str = ""
    alleged_perpetrator: str = ""
    child_location_now: str = ""
    strengths: str = ""
    wishes_and_feelings: str = ""
    previous_involvement: str = ""
    parents_aware: bool | None = None
    consent: Consent | None = None
    consent_reason: str = ""
    sharing_without_consent_sch1_para18: bool = False
    action_taken: str = ""
    adult_concern_id: str | None = None

    def validated(self) -> ReferralContent:
        """Refuse a malformed referral (the first problem raised, with its field).
        Gaps are not malformed: :func:`missing_information` lists those."""
        raise_first(referral_problems(self))
        return self


def referral_problems(content: ReferralContent) -> list[tuple[str, str]]:
    """Every contradiction as (field, message), so a form can mark all of them at
    once. A draft may be incomplete; it may not say two things that cannot both be
    true."""
    found: list[tuple[str, str]] = []
    if content.kind.about_a_pupil:
        if content.adult_concern_id is not None:
            found.append(("adult_concern_id", "Only a LADO referral is about an allegation "
                                              "against an adult."))
    else:
        if content.pupil_id is not None:
            found.append(("pupil_id", "A LADO referral is about an adult and is kept off "
                                      "pupils' files."))
        if content.concern_ids:
            found.append(("concern_ids", "A LADO referral draws on the register of "
                                         "allegations, not on pupils' concerns."))
    if len(set(content.concern_ids)) != len(content.concern_ids):
        found.append(("concern_ids", "A concern is chosen twice."))
    if content.consent is Consent.GIVEN and content.parents_aware is False:
        found.append(("consent", "Parents cannot have consented if they are not aware of "
                                 "the referral."))
    if content.consent is Consent.GIVEN and content.sharing_without_consent_sch1_para18:
        found.append(("sharing_without_consent_sch1_para18",
                      "Parents consented, so this is not sharing without consent."))
    return found


@dataclass(frozen=True)
class Sending:
    """How and when the referral went, and to whom."""

    method: SendMethod
    sent_at: datetime
    recipient: str
    reference: str = ""


@dataclass(frozen=True)
class FollowUp:
    """A chase or an escalation step, with its outcome once known."""

    on: date
    by: str
    note: str
    escalation_stage: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class Feedback:
    received_on: date
    outcome: FeedbackOutcome
    notes: str = ""


@dataclass(frozen=True)
class ReferralTracking:
    sending: Sending | None = None
    feedback: Feedback | None = None
    follow_ups: tuple[FollowUp, ...] = ()

    def decision_due(self, calendar: WorkingDayCalendar = ENGLAND) -> date | None:
        """The day the local authority's decision is due: one working day after
        sending (a referral sent on a Friday is due on Monday)."""
        if self.sending is None:
            return None
        return add_working_days(self.sending.sent_at.date(), DECISION_DUE_WORKING_DAYS,
                                calendar)

    def feedback_overdue(self, today: date, calendar: WorkingDayCalendar = ENGLAND) -> bool:
        due = self.decision_due(calendar)
        return due is not None and self.feedback is None and today > due


def missing_information(content: ReferralContent, pupil: Pupil | None) -> list[str]:
    """What a recipient would have to call back about, in plain words, listed
    before the DSL finalises. Empty when nothing is missing."""
    missing: list[str] = []
    for value, words in (
        (content.referrer_name, "No referrer name"),
        (content.referrer_role, "No referrer role"),
        (content.referrer_contact, "No contact details for the referrer"),
        (content.reason, "No reason for the referral (what you are worried about)"),
    ):
        if not value.strip():
            missing.append(words)
    if content.kind.about_a_pupil:
        missing.extend(_missing_about_child(content, pupil))
    elif content.adult_concern_id is None:
        missing.append("No allegation from the register is linked")
    return missing


def _missing_about_child(content: ReferralContent, pupil: Pupil | None) -> list[str]:
    if pupil is None:
        return ["No child chosen"]
    missing: list[str] = []
    if not content.concern_ids:
        missing.append("No concern chosen to draw on")
    missing.extend(missing_from_register(pupil))
    if not content.child_location_now.strip():
        missing.append("Where the child is now is not said")
    if content.parents_aware is None:
        missing.append("Not said whether parents are aware")
    if content.consent is None:
        missing.append("Consent not recorded")
    elif content.consent is not Consent.GIVEN and not content.consent_reason.strip():
        missing.append("No reason given for not having consent")
    return missing


def missing_from_register(pupil: Pupil) -> list[str]:
    """What a referral needs from the child's register entry and it lacks: filled in
    on the pupil's record, not in the referral."""
    missing: list[str] = []
    if pupil.date_of_birth is None and pupil.expected_date_of_birth is None:
        missing.append("No date of birth")
    if pupil.current_address is None:
        missing.append("No current address")
    if not pupil.gp.strip():
        missing.append("No GP recorded")
    if not pupil.parental_responsibility:
        missing.append("No one recorded as holding parental responsibility")
    if pupil.key_adults_known is None:
        missing.append("Key adults not recorded (say so if the school knows nothing about "
                       "key adults)")
    return missing


def validate_sending(sending: Sending, now: datetime) -> Sending:
    if not sending.recipient.strip():
        raise InvalidInput("Say who the referral was sent to.", field="recipient")
    if sending.sent_at > now:
        raise InvalidInput("The time sent cannot be in the future.", field="sent_at")
    return sending


def feedback_problems(feedback: Feedback, sending: Sending | None,
                      today: date) -> list[tuple[str, str]]:
    """What is wrong with a record of the local authority's decision, per field."""
    if sending is None:
        return [("received_on", "Record how the referral was sent before its feedback.")]
    found: list[tuple[str, str]] = []
    if feedback.received_on > today:
        found.append(("received_on", "The day feedback came cannot be in the future."))
    elif feedback.received_on < sending.sent_at.date():
        found.append(("received_on", "Feedback cannot have come before the referral was "
                                     "sent."))
    if feedback.outcome is FeedbackOutcome.NO_FURTHER_ACTION and not feedback.notes.strip():
        found.append(("notes", "Record the reasons given for no further action, or that "
                               "none were given."))
    elif feedback.outcome is FeedbackOutcome.OTHER and not feedback.notes.strip():
        found.append(("notes", "Say what the outcome was."))
    return found


def follow_up_problems(follow_up: FollowUp, sending: Sending | None, today: date,
                       stages: Sequence[str]) -> list[tuple[str, str]]:
    """What is wrong with a chase or an escalation step, per field. ``stages`` are
    the school's escalation stages; a chase names none."""
    if sending is None:
        return [("on", "Record how the referral was sent before chasing it.")]
    found: list[tuple[str, str]] = []
    if follow_up.on > today:
        found.append(("on", "The day cannot be in the future."))
    elif follow_up.on < sending.sent_at.date():
        found.append(("on", "A chase cannot come before the referral was sent."))
    if not follow_up.note.strip():
        found.append(("note", "Say what was done (for example, who you phoned and what "
                              "you asked)."))
    if follow_up.escalation_stage and follow_up.escalation_stage not in stages:
        found.append(("escalation_stage", "Choose one of the school's escalation stages."))
    return found


def raise_first(problems: list[tuple[str, str]]) -> None:
    """Raise the first problem as :class:`InvalidInput` naming its field."""
    if problems:
        name, message = problems[0]
        raise InvalidInput(message, field=name)


class MissingInformation(InvalidInput):
    """Finalising was refused because a recipient would have to call back about
    these gaps; ``missing`` lists them in the words of :func:`missing_information`.
    The DSL may fill them in, or finalise anyway saying they know."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        lines = "\n".join(f"• {m}" for m in self.missing)
        super().__init__(f"Some information is missing:\n{lines}\nFill it in, or finalise "
                         "anyway to record that you know it is missing.", field="missing")


#: Professional challenge when feedback does not come or a decision seems wrong;
#: a school replaces these with its local partnership's escalation policy.
DEFAULT_ESCALATION_STAGES = (
    "Ask the social worker's team manager",
    "Escalate to the service manager",
    "Raise with the local safeguarding partnership under its escalation policy",
)


def validate_escalation_stages(stages: Sequence[str]) -> tuple[str, ...]:
    """Stages tidied (spaces collapsed, blanks dropped); refused if none or repeated."""
    clean = tuple(" ".join(s.split()) for s in stages if s.strip())
    if not clean:
        raise InvalidInput("Keep at least one escalation stage.", field="stages")
    if len({s.casefold() for s in clean}) != len(clean):
        raise InvalidInput("An escalation stage is listed twice.", field="stages")
    return clean


class ReferralState(enum.StrEnum):
    """A draft is edited freely; a final referral is frozen and only amended (with a
    reason). A ``StrEnum`` so callers may compare with ``"draft"`` and ``"final"``."""

    DRAFT = "draft"
    FINAL = "final"


@dataclass(frozen=True)
class SnapshotConcern:
    """A concern as this child's file showed it (label-leak rule applied) when the
    referral was finalised, and which version that was."""

    concern_id: str
    version: int
    on_file: ConcernOnFile


@dataclass(frozen=True)
class RegisterSnapshot:
    """What a final referral prints about the child (or, for the LADO, the
    allegation): the record as it was when finalised. A sent referral must not
    silently change because the register was amended later."""

    taken_at: datetime
    pupil: Pupil | None = None
    concerns: tuple[SnapshotConcern, ...] = ()
    adult_concern: AdultConcern | None = None


@dataclass(frozen=True)
class ReferralBody:
    """One stored version of a referral: what it says, what happened after, and, once
    final, the snapshot of the register it prints."""

    state: ReferralState
    content: ReferralContent
    tracking: ReferralTracking = ReferralTracking()
    snapshot: RegisterSnapshot | None = None

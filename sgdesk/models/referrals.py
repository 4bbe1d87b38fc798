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
from dataclasses import dataclass
from datetime import date, datetime

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
    if not content.child_location_now.strip():
        missing.append("Where the child is now is not said")
    if content.parents_aware is None:
        missing.append("Not said whether parents are aware")
    if content.consent is None:
        missing.append("Consent not recorded")
    elif content.consent is not Consent.GIVEN and not content.consent_reason.strip():
        missing.append("No reason given for not having consent")
    return missing


def validate_sending(sending: Sending, now: datetime) -> Sending:
    if not sending.recipient.strip():
        raise InvalidInput("Say who the referral was sent to.", field="recipient")
    if sending.sent_at > now:
        raise InvalidInput("The time sent cannot be in the future.", field="sent_at")
    return sending

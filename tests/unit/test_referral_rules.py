"""Referral rules: what is missing before finalising, what cannot be true together,
the checks on feedback and chases, and the decision clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import Address, HouseholdMember, Pupil
from sgdesk.models.referrals import (
    DEFAULT_ESCALATION_STAGES,
    Consent,
    Feedback,
    FeedbackOutcome,
    FollowUp,
    ReferralContent,
    ReferralKind,
    ReferralTracking,
    Sending,
    SendMethod,
    feedback_problems,
    follow_up_problems,
    missing_information,
    referral_problems,
    validate_escalation_stages,
)

COMPLETE_PUPIL = Pupil(
    "p1",
    "Amy",
    "Example",
    date_of_birth=date(2013, 1, 1),
    gp="Dr Patel, Hill Surgery",
    addresses=(Address("1 High Street"),),
    household=(HouseholdMember("Kim Example", "Mother", parental_responsibility=True),),
    key_adults_known=False,
)
COMPLETE = ReferralContent(
    ReferralKind.CSC,
    "p1",
    ("c1",),
    "Jo Bloggs",
    "DSL",
    "01234 567890",
    "Jo Bloggs",
    reason="Bruising seen twice",
    child_location_now="In school until 3.15 pm",
    parents_aware=False,
    consent=Consent.NOT_SOUGHT,
    consent_reason="Telling the parent could put the child at risk",
    sharing_without_consent_sch1_para18=True,
)


def test_a_complete_referral_misses_nothing() -> None:
    assert missing_information(COMPLETE, COMPLETE_PUPIL) == []


def test_missing_gp_key_adults_and_consent_reason_are_named() -> None:

    pupil = replace(COMPLETE_PUPIL, gp="", key_adults_known=None)
    content = replace(COMPLETE, consent=Consent.REFUSED, consent_reason="")
    missing = missing_information(content, pupil)
    assert "No GP recorded" in missing
    assert any(m.startswith("Key adults not recorded") for m in missing)
    assert "No reason given for not having consent" in missing


def test_knowing_nothing_about_key_adults_is_an_answer() -> None:
    assert not any("Key adults" in m for m in missing_information(COMPLETE, COMPLETE_PUPIL))


def test_decision_due_one_working_day_after_sending_and_overdue_after() -> None:
    friday = datetime(2027, 4, 30, 15, 0, tzinfo=UTC)  # Monday 3 May is a bank holiday
    tracking = ReferralTracking(Sending(SendMethod.PHONE, friday, "Front door"))
    assert tracking.decision_due() == date(2027, 5, 4)
    assert not tracking.feedback_overdue(date(2027, 5, 4))
    assert tracking.feedback_overdue(date(2027, 5, 5))
    answered = ReferralTracking(
        tracking.sending, Feedback(date(2027, 5, 6), FeedbackOutcome.S17_ASSESSMENT)
    )
    assert not answered.feedback_overdue(date(2027, 5, 7))


def test_a_lado_referral_is_not_about_a_pupil() -> None:
    lado = ReferralContent(
        ReferralKind.LADO,
        None,
        referrer_name="Jo",
        referrer_role="DSL",
        referrer_contact="01234",
        reason="Allegation about a coach",
    )
    assert missing_information(lado, None) == ["No allegation from the register is linked"]


def test_contradictions_are_named_by_field_and_gaps_are_not() -> None:
    assert referral_problems(COMPLETE) == []
    assert referral_problems(replace(COMPLETE, reason="", consent=None)) == []
    contradictory = replace(COMPLETE, concern_ids=("c1", "c1"), consent=Consent.GIVEN,
                            adult_concern_id="a1")
    assert [f for f, _ in referral_problems(contradictory)] == [
        "adult_concern_id", "concern_ids", "consent", "sharing_without_consent_sch1_para18"]
    lado = ReferralContent(ReferralKind.LADO, "p1", ("c1",))
    assert [f for f, _ in referral_problems(lado)] == ["pupil_id", "concern_ids"]
    with pytest.raises(InvalidInput) as raised:
        contradictory.validated()
    assert raised.value.field == "adult_concern_id"


SENT = Sending(SendMethod.PHONE, datetime(2027, 4, 30, 15, 0, tzinfo=UTC), "Front door")


@pytest.mark.parametrize(("feedback", "fields"), [
    (Feedback(date(2027, 5, 4), FeedbackOutcome.S17_ASSESSMENT), []),
    (Feedback(date(2027, 5, 4), FeedbackOutcome.NO_FURTHER_ACTION), ["notes"]),
    (Feedback(date(2027, 5, 4), FeedbackOutcome.OTHER, "Passed to the youth team"), []),
    (Feedback(date(2027, 4, 29), FeedbackOutcome.S47_ENQUIRY), ["received_on"]),
    (Feedback(date(2027, 5, 8), FeedbackOutcome.S47_ENQUIRY), ["received_on"]),
])
def test_feedback_is_checked_against_the_sending_and_today(feedback: Feedback,
                                                           fields: list[str]) -> None:
    assert [f for f, _ in feedback_problems(feedback, SENT, date(2027, 5, 7))] == fields


def test_a_chase_needs_a_sending_a_note_and_a_known_stage() -> None:
    chase = FollowUp(date(2027, 5, 5), "Jo", "Phoned the front door")
    today = date(2027, 5, 7)
    assert follow_up_problems(chase, SENT, today, DEFAULT_ESCALATION_STAGES) == []
    assert [f for f, _ in follow_up_problems(chase, None, today, ())] == ["on"]
    odd = replace(chase, note=" ", escalation_stage="Ring the newspaper")
    assert [f for f, _ in follow_up_problems(odd, SENT, today, DEFAULT_ESCALATION_STAGES)] == [
        "note", "escalation_stage"]


def test_escalation_stages_are_tidied_and_must_be_distinct() -> None:
    assert validate_escalation_stages([" Team  manager", "", "Head of service "]) == (
        "Team manager", "Head of service")
    for stages in ([], ["  "], ["Team manager", "TEAM MANAGER"]):
        with pytest.raises(InvalidInput):
            validate_escalation_stages(stages)

"""Referral rules: what is missing before finalising, and the decision clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from sgdesk.models.pupils import Address, HouseholdMember, Pupil
from sgdesk.models.referrals import (
    Consent,
    Feedback,
    FeedbackOutcome,
    ReferralContent,
    ReferralKind,
    ReferralTracking,
    Sending,
    SendMethod,
    missing_information,
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

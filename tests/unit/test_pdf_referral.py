"""Printed referral forms and letters, read back with pypdf: each kind's sections in
the required order, the four parts of every concern kept apart under their own
headings, key adults and missing information stated, no other child's role."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from sgdesk.models.adult_concerns import (
    AdultCapacity,
    AdultConcern,
    AdultConcernKind,
    HarmThreshold,
)
from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.pupils import Address, HouseholdMember, KeyAdult, Pupil
from sgdesk.models.referrals import Consent, ReferralKind, Sending, SendMethod
from sgdesk.services import adult_concerns, concerns, referrals
from sgdesk.services.pdf.layout import PROTECTIVE_MARKING
from sgdesk.services.pdf.referral_report import referral_form_pdf, referral_letter_pdf
from sgdesk.services.session import Session
from tests.helpers import WHEN, add_pupil, concern_content, log_about, make_store

#: The sections every form about a child carries, in this order.
CHILD_SECTIONS = [
    "Referrer", "DSL consulted",
    "The child", "NHS number", "GP", "SEND status", "Communication needs",
    "Household and regular visitors", "Who holds parental responsibility",
    "Key adults in the child's life",
    "Other agencies involved", "Lead professional", "Previous involvement",
    "Reason for referral", "Type of harm",
    "Concern 1 of 1",
    "Facts: what was seen or heard", "The child's own words (verbatim)",
    "What others reported", "Opinion / professional judgement",
    "Risk and impact on the child", "Parental capacity",
]
AFTER_PERPETRATOR = [
    "Where the child is now", "Strengths and protective factors",
    "The child's wishes and feelings", "Consent", "Action already taken",
]
EXPECTED_SECTIONS = {
    ReferralKind.CSC: ["Multi-agency referral form", *CHILD_SECTIONS, "Alleged perpetrator",
                       *AFTER_PERPETRATOR],
    ReferralKind.EARLY_HELP: ["Early Help request", *CHILD_SECTIONS, *AFTER_PERPETRATOR],
    ReferralKind.POLICE: ["Police referral", "Referrer", "Call to the police",
                          "Incident number", *CHILD_SECTIONS[2:], "Alleged perpetrator",
                          *AFTER_PERPETRATOR],
    ReferralKind.PREVENT: ["Prevent referral", *CHILD_SECTIONS, "Alleged perpetrator",
                           *AFTER_PERPETRATOR],
    ReferralKind.LADO: ["Referral to the LADO", "Referrer", "The adult", "The allegation",
                        "What happened", "Children involved", "Reason for referral",
                        "Action already taken"],
}
KEY_ADULTS_NONE = "The school knows nothing about key adults in this child's life."


def _pages(data: bytes) -> list[str]:
    """Each page's text with runs of white space made one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]


def _text(data: bytes) -> str:
    return " ".join(_pages(data))


def _in_order(text: str, needles: list[str]) -> None:
    """Each needle is found after the one before it."""
    at = 0
    for needle in needles:
        found = text.find(needle, at)
        assert found >= 0, f"{needle!r} missing or out of order after {text[at - 80:at]!r}"
        at = found + len(needle)


def _complete_pupil(session: Session, **details: Any) -> Pupil:
    fields: dict[str, Any] = {
        "gp": "Dr Patel, Hill Surgery",
        "nhs_number": "9434765919",
        "addresses": (Address("1 High Street, Hilltop", date(2020, 1, 1)),),
        "household": (HouseholdMember("Kim Example", "Mother", date(1988, 4, 3),
                                      parental_responsibility=True),),
        "key_adults_known": False,
        "communication_needs": "Give time to answer",
    } | details
    return add_pupil(session, "Amy", "Example", **fields)


def _referral(session: Session, kind: ReferralKind, concern_ids: tuple[str, ...] = (), *,
              pupil: Pupil | None = None, adult_concern_id: str | None = None,
              **content: Any) -> str:
    """A referral drafted and filled in, as a DSL would."""
    referral_id = referrals.start_referral(session, kind, pupil_id=pupil.id if pupil else None,
                                           adult_concern_id=adult_concern_id,
                                           concern_ids=concern_ids)
    record = referrals.get_referral(session, referral_id)
    filled: dict[str, Any] = {
        "reason": "REASONTEXT two marks this month", "harm_type": "Physical abuse",
        "referrer_contact": "01234 567890", "child_location_now": "In school",
        "parents_aware": False, "consent": Consent.NOT_SOUGHT,
        "consent_reason": "Asking could put her at risk",
        "sharing_without_consent_sch1_para18": True,
    } | content
    if kind is ReferralKind.LADO:
        filled = {k: v for k, v in filled.items() if k in ("reason", "referrer_contact")}
    referrals.save_draft(session, referral_id, replace(record.content, **filled),
                         record.version)
    return referral_id


def _allegation(session: Session) -> str:
    return adult_concerns.record_adult_concern(session, AdultConcern(
        AdultConcernKind.ALLEGATION, "Pat Teacher", AdultCapacity.STAFF, "Year 4 teacher",
        "Ms Head", "Headteacher", WHEN, WHEN, "Room 4", "ADULTFACTS grabbed a wrist",
        "A Year 4 boy", (HarmThreshold.HARMED,)))


@pytest.fixture
def session(store_path: Path) -> Session:
    return make_store(store_path)[0]


@pytest.mark.parametrize("kind", list(ReferralKind), ids=lambda k: k.value)
def test_each_form_has_its_sections_in_order(session: Session, kind: ReferralKind) -> None:
    if kind is ReferralKind.LADO:
        referral_id = _referral(session, kind, adult_concern_id=_allegation(session))
    else:
        amy = _complete_pupil(session)
        referral_id = _referral(session, kind, (log_about(session, amy),), pupil=amy)
        if kind is ReferralKind.POLICE:
            record = referrals.get_referral(session, referral_id)
            referrals.record_sending(session, referral_id, Sending(
                SendMethod.PHONE, WHEN, "Police (101)", "INC-4412"), record.version)
    pages = _pages(referral_form_pdf(session, referral_id))
    text = " ".join(pages)

    _in_order(text, EXPECTED_SECTIONS[kind])
    for number, page in enumerate(pages, start=1):
        assert page.count(PROTECTIVE_MARKING) == 2
        assert f"Page {number} of {len(pages)}" in page
        assert "Produced by Jo Bloggs (Designated Safeguarding Lead) on" in page
    if kind is ReferralKind.POLICE:
        _in_order(text, ["Incident number INC-4412", "confirms in writing",
                         "incident number INC-4412"])
    if kind is ReferralKind.LADO:
        assert "ADULTFACTS" in text
        assert "The child" not in text and "Amy" not in text
    else:
        _in_order(text, ["Consent not sought", "If not, why not Asking could put her at risk",
                         "Data Protection Act 2018, Schedule 1, paragraph 18"])


def test_each_concern_keeps_its_four_parts_apart(session: Session) -> None:
    amy = _complete_pupil(session)
    ids = tuple(
        log_about(session, amy, facts=f"FACTS{n}", child_words=f"WORDS{n}",
                  questions_asked=f"QUESTION{n}", others_reported=f"OTHERS{n}",
                  others_source=f"SOURCE{n}", opinion=f"OPINION{n}")
        for n in (1, 2)
    )
    text = _text(referral_form_pdf(session, _referral(session, ReferralKind.CSC, ids,
                                                      pupil=amy)))
    sections = []
    for n in (1, 2):
        sections += [
            f"Concern {n} of 2",
            "Facts: what was seen or heard", f"FACTS{n}",
            "The child's own words (verbatim)", f"WORDS{n}",
            "Questions asked of the child", f"QUESTION{n}",
            "What others reported", f"OTHERS{n}", f"Source SOURCE{n}",
            "Opinion / professional judgement",
            "This is the writer's opinion and professional judgement, not a record of fact.",
            f"OPINION{n}",
        ]
    _in_order(text, [*sections, "Risk and impact on the child"])
    for n in (1, 2):
        assert text.count(f"FACTS{n}") == 1 and text.count(f"OPINION{n}") == 1


def test_typed_text_prints_as_typed(session: Session) -> None:
    amy = _complete_pupil(session)
    concern_id = log_about(session, amy, facts="Said <b>stop</b> & ran\n# not a heading | x")
    text = _text(referral_form_pdf(session, _referral(session, ReferralKind.CSC,
                                                      (concern_id,), pupil=amy)))
    assert "Said <b>stop</b> & ran # not a heading | x" in text


@pytest.mark.parametrize(("known", "adults", "expected"), [
    (False, (), KEY_ADULTS_NONE),
    (None, (), "Not recorded."),
    (True, (KeyAdult("Lisa Marsh", "Aunt", "01632 960653"),), "Lisa Marsh Aunt 01632 960653"),
])
def test_key_adults_are_printed_or_the_gap_stated(
        session: Session, known: bool | None, adults: tuple[KeyAdult, ...],
        expected: str) -> None:
    amy = _complete_pupil(session, key_adults_known=known, key_adults=adults)
    text = _text(referral_form_pdf(session, _referral(
        session, ReferralKind.CSC, (log_about(session, amy),), pupil=amy)))
    _in_order(text, ["Key adults in the child's life", expected, "Other agencies involved"])
    assert (KEY_ADULTS_NONE in text) is (known is False)


def test_missing_information_is_listed_last_and_only_when_missing(session: Session) -> None:
    amy = _complete_pupil(session, gp="", key_adults_known=None)
    text = _text(referral_form_pdf(session, _referral(
        session, ReferralKind.CSC, (log_about(session, amy),), pupil=amy,
        child_location_now="")))
    _in_order(text, ["Action already taken", "Information still missing", "No GP recorded",
                     "Key adults not recorded", "Where the child is now is not said"])

    complete = _complete_pupil(session)
    text = _text(referral_form_pdf(session, _referral(
        session, ReferralKind.CSC, (log_about(session, complete),), pupil=complete)))
    assert "Information still missing" not in text


def test_a_two_child_concern_prints_only_this_childs_role(session: Session) -> None:
    amy = _complete_pupil(session)
    ben = add_pupil(session, "Benedict", "Otherchild")
    concern_id = concerns.log_concern(session, concern_content(
        InvolvedChild(amy.id, ChildRole.VICTIM),
        InvolvedChild(ben.id, ChildRole.WITNESS),
        facts="Pushed over in the playground",
    ))
    text = _text(referral_form_pdf(session, _referral(session, ReferralKind.EARLY_HELP,
                                                      (concern_id,), pupil=amy)))
    assert "This child's role Victim" in text
    assert "Other children involved Another child (name withheld)" in text
    assert "Witness" not in text
    assert "Benedict" not in text and "Otherchild" not in text


def test_a_draft_says_so_and_a_final_referral_does_not(session: Session) -> None:
    amy = _complete_pupil(session)
    referral_id = _referral(session, ReferralKind.CSC, (log_about(session, amy),), pupil=amy)
    assert "This referral is a draft" in _text(referral_form_pdf(session, referral_id))
    referrals.finalise(session, referral_id, referrals.get_referral(session, referral_id).version)
    assert "This referral is a draft" not in _text(referral_form_pdf(session, referral_id))


def test_the_letter_confirms_a_phone_referral(session: Session) -> None:
    amy = _complete_pupil(session)
    referral_id = _referral(session, ReferralKind.CSC, (log_about(session, amy),), pupil=amy)
    referrals.record_sending(session, referral_id, Sending(
        SendMethod.PHONE, WHEN, "Hilltop MASH duty team", "MASH-77"),
        referrals.get_referral(session, referral_id).version)
    pages = _pages(referral_letter_pdf(session, referral_id))
    text = " ".join(pages)
    _in_order(text, [
        "Written confirmation of a referral", "To Hilltop MASH duty team",
        "Your reference MASH-77", "About Amy Example, born 01/01/2013", "Dear colleague",
        "confirm the referral I made by telephone on 02/11/2026", "REASONTEXT",
        "decision is due by 03/11/2026", "Yours sincerely", "Jo Bloggs",
    ])
    assert len(pages) == 1 and "Page 1 of 1" in pages[0]


def test_the_lado_letter_carries_nothing_from_a_pupils_file(session: Session) -> None:
    add_pupil(session, "Amy", "Example")
    referral_id = _referral(session, ReferralKind.LADO, adult_concern_id=_allegation(session))
    text = _text(referral_letter_pdf(session, referral_id))
    _in_order(text, ["About An allegation about Pat Teacher, Year 4 teacher",
                     "Dear colleague", "REASONTEXT"])
    assert "Amy" not in text

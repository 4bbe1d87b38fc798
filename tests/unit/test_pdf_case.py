"""Printed case notes read back with pypdf: the triangle's three sides in order with
their needs, strengths and analysis, the plan's actions, a visit where the child
was not seen alone flagged with its reason, meetings, every saved version, and the
case header with an overdue clock said in words."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from sgdesk.models.casework import (
    Assessment,
    AssessmentDomain,
    CaseContent,
    CaseKind,
    DomainNotes,
    Meeting,
    MeetingKind,
    Plan,
    PlanAction,
    Visit,
)
from sgdesk.models.concerns import ActionStatus
from sgdesk.models.pupils import Pupil
from sgdesk.models.referrals import ReferralKind, Sending, SendMethod
from sgdesk.services.casework import amend_case, get_case, open_case
from sgdesk.services.pdf.case_report import (
    ASSESSMENT_KIND,
    CASE_KIND,
    NOT_SEEN_ALONE,
    PLAN_KIND,
    SCHOOL_NOT_LEAD,
    assessment_pdf,
    case_notes_pdf,
    plan_pdf,
)
from sgdesk.services.pdf.layout import PROTECTIVE_MARKING
from sgdesk.services.referrals import get_referral, record_sending, start_referral
from sgdesk.services.session import Session
from tests.helpers import add_pupil, make_store

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
STARTED = date(2026, 9, 7)


@pytest.fixture
def session(store_path: Path) -> Session:
    made = make_store(store_path)[0]
    made.db.clock = lambda: NOW
    return made


@pytest.fixture
def pupil(session: Session) -> Pupil:
    return add_pupil(session, "Amy", "Example")


def assessment() -> Assessment:
    notes = {
        AssessmentDomain.DEVELOPMENTAL_NEEDS: DomainNotes(
            "Speech delay noted by class teacher", "Loves reading with her TA",
            "Needs a speech and language referral"),
        AssessmentDomain.PARENTING_CAPACITY: DomainNotes(
            "Mum struggles with routines", "Mum attends every meeting", "Capacity to change"),
        AssessmentDomain.FAMILY_ENVIRONMENT: DomainNotes(
            "Housing is overcrowded", "Grandmother nearby", "Housing is the main stressor"),
    }
    return Assessment(tuple(notes.items()), child_voice="I like school dinners",
                      family_view="Mum wants help with housing")


def case_content(pupil: Pupil, **changes: object) -> CaseContent:
    content = CaseContent(
        CaseKind.S17, pupil.id, None, "Jo Bloggs", "Sam Supervisor", STARTED,
        assessment=assessment(),
        plan=Plan("Amy attends school every day", (
            PlanAction("Class teacher", "Daily check-in with Amy", date(2026, 12, 1)),
            PlanAction("Jo Bloggs", "Refer to housing support", date(2026, 10, 1),
                       ActionStatus.DONE),
        )),
    )
    return replace(content, **changes)


def text_of(data: bytes) -> str:
    """The whole document's text with runs of white space made single spaces, since
    pypdf breaks lines wherever the layout wrapped them."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).split())


def test_prints_the_triangle_in_order_and_the_plans_actions(session: Session,
                                                           pupil: Pupil) -> None:
    case_id = open_case(session, case_content(pupil))
    text = text_of(case_notes_pdf(session, case_id))

    places = [text.index(domain.label + " Needs") for domain in AssessmentDomain]
    assert places == sorted(places)
    for domain, notes in assessment().domains:
        section = text[text.index(domain.label + " Needs"):]
        assert section.index(notes.needs) < section.index("Strengths") \
            < section.index(notes.strengths) < section.index("Analysis") \
            < section.index(notes.analysis)
    assert "I like school dinners" in text
    assert "Mum wants help with housing" in text
    plan = text[text.index("Outcomes wanted"):]
    assert "Amy attends school every day" in plan
    assert "Class teacher Daily check-in with Amy 01/12/2026 Open" in plan
    assert "Jo Bloggs Refer to housing support 01/10/2026 Done" in plan


def test_a_visit_where_the_child_was_not_seen_alone_is_flagged_with_its_reason(
        session: Session, pupil: Pupil) -> None:
    alone = Visit(datetime(2026, 10, 5, 9, 30, tzinfo=UTC), "Jo Bloggs", "School",
                  "Weekly check-in", child_seen=True, seen_alone=True,
                  child_words="Mum shouted last night")
    with_mum = Visit(datetime(2026, 10, 12, 16, 0, tzinfo=UTC), "Jo Bloggs", "Home",
                     "Home visit", child_seen=True, seen_alone=False,
                     not_seen_alone_reason="Mum would not leave the room",
                     observations="Little food in the kitchen")
    by_phone = Visit(datetime(2026, 10, 19, 12, 0, tzinfo=UTC), "Jo Bloggs", "Phone",
                     "Call with mum", child_seen=False)
    case_id = open_case(session, case_content(pupil, visits=(with_mum, by_phone, alone)))
    text = text_of(case_notes_pdf(session, case_id))

    assert text.count(NOT_SEEN_ALONE) == 1
    assert f"{NOT_SEEN_ALONE}: Mum would not leave the room" in text
    visits = text[text.index("Visits and conversations (3)"):]
    assert visits.index("Weekly check-in") < visits.index("Home visit") \
        < visits.index("Call with mum")  # date order
    assert "Child NOT seen on this visit" in visits[visits.index("Call with mum"):]
    home = visits[visits.index("Home visit"):]
    assert home.index("Seen alone No") < home.index(NOT_SEEN_ALONE)
    assert "Mum shouted last night" in visits
    assert "Little food in the kitchen" in visits


def test_meetings_and_every_saved_version_print(session: Session, pupil: Pupil) -> None:
    case_id = open_case(session, case_content(pupil))
    meeting = Meeting(MeetingKind.CIN_MEETING, datetime(2026, 10, 20, 10, 0, tzinfo=UTC),
                      attendees="Jo Bloggs; Social worker", apologies="School nurse",
                      decisions="Plan continues unchanged", next_date=date(2026, 12, 15))
    amend_case(session, case_id, replace(get_case(session, case_id).current,
                                         meetings=(meeting,)),
               "Child in need meeting recorded", 1)
    text = text_of(case_notes_pdf(session, case_id))

    meetings, amendments = text[text.index("Meetings (1)"):].split("Amendments A case")
    for words in ("Child in need meeting", "Jo Bloggs; Social worker", "School nurse",
                  "Plan continues unchanged", "15/12/2026"):
        assert words in meetings
    assert "Version Saved by Saved at Reason" in amendments
    assert "1 Jo Bloggs" in amendments and "Case opened" in amendments
    assert "2 Jo Bloggs" in amendments and "Child in need meeting recorded" in amendments


def test_the_header_names_the_case_its_referral_and_an_overdue_clock(
        session: Session, pupil: Pupil) -> None:
    referral_id = start_referral(session, ReferralKind.CSC, pupil_id=pupil.id)
    record_sending(session, referral_id, Sending(
        SendMethod.PHONE, datetime(2026, 9, 4, 11, 0, tzinfo=UTC), "MASH", "REF-42"),
        get_referral(session, referral_id).version)
    case_id = open_case(session, case_content(pupil, referral_id=referral_id))
    data = case_notes_pdf(session, case_id)
    text = text_of(data)
    reader = PdfReader(BytesIO(data))

    assert reader.metadata.title == CASE_KIND
    assert text.startswith(PROTECTIVE_MARKING)
    assert "Case notes \u2014 Child in need (section 17)" in text
    assert "Amy Example" in text
    assert "Lead practitioner Jo Bloggs" in text and "Supervisor Sam Supervisor" in text
    assert "Started 07/09/2026" in text
    assert "REF-42" in text and "sent 04/09/2026" in text
    # 45 working days from 7 September 2026 is 9 November: not completed by the 20th.
    assert "Assessment due (45 working days) 09/11/2026 OVERDUE" in text
    assert f"Page 1 of {len(reader.pages)}" in text


def test_a_closed_case_gives_its_reason_and_user_text_prints_as_typed(
        session: Session, pupil: Pupil) -> None:
    case_id = open_case(session, case_content(
        pupil, kind=CaseKind.EARLY_HELP, closed_on=date(2026, 11, 19),
        closure_reason="Needs met <b>& family</b> content",
        plan=Plan("Stay <safe> & well")))
    text = text_of(case_notes_pdf(session, case_id))

    assert "Case notes \u2014 Early Help" in text
    assert "Closed on 19/11/2026" in text
    assert "Needs met <b>& family</b> content" in text
    assert "Stay <safe> & well" in text
    assert "No actions recorded." in text
    assert "OVERDUE" not in text


def visited_case(session: Session, pupil: Pupil) -> str:
    """An s17 case with a visit and a meeting recorded, which the assessment and the
    plan printed on their own leave out."""
    visit = Visit(datetime(2026, 10, 12, 16, 0, tzinfo=UTC), "Jo Bloggs", "Home",
                  "Home visit", child_seen=True, seen_alone=False,
                  not_seen_alone_reason="Mum would not leave the room")
    meeting = Meeting(MeetingKind.CIN_MEETING, datetime(2026, 10, 20, 10, 0, tzinfo=UTC),
                      decisions="Plan continues unchanged")
    return open_case(session, case_content(pupil, visits=(visit,), meetings=(meeting,)))


def test_the_assessment_prints_on_its_own_with_the_triangle_and_no_visits(
        session: Session, pupil: Pupil) -> None:
    data = assessment_pdf(session, visited_case(session, pupil))
    text = text_of(data)

    assert PdfReader(BytesIO(data)).metadata.title == ASSESSMENT_KIND
    assert "Assessment \u2014 Child in need (section 17)" in text
    assert "Amy Example" in text and "Lead practitioner Jo Bloggs" in text
    places = [text.index(domain.label + " Needs") for domain in AssessmentDomain]
    assert places == sorted(places)
    assert "Needs a speech and language referral" in text
    assert "I like school dinners" in text and "Completed on Not yet completed" in text
    for elsewhere in ("Visits and conversations", "Home visit", NOT_SEEN_ALONE,
                      "Meetings (", "Plan continues unchanged", "Outcomes wanted"):
        assert elsewhere not in text
    assert "Amendments" in text and "Case opened" in text


def test_the_plan_prints_on_its_own_with_its_actions_table(
        session: Session, pupil: Pupil) -> None:
    data = plan_pdf(session, visited_case(session, pupil))
    text = text_of(data)

    assert PdfReader(BytesIO(data)).metadata.title == PLAN_KIND
    assert "Plan \u2014 Child in need (section 17)" in text
    assert "Outcomes wanted Amy attends school every day" in text
    assert "Who What By when Status" in text
    assert "Class teacher Daily check-in with Amy 01/12/2026 Open" in text
    assert "Jo Bloggs Refer to housing support 01/10/2026 Done" in text
    for elsewhere in ("Home visit", "Plan continues unchanged", "Parenting capacity",
                      "I like school dinners"):
        assert elsewhere not in text


def test_the_schools_decision_not_to_lead_prints_with_its_reasons(
        session: Session, pupil: Pupil) -> None:
    reasons = "No one trained in Early Help assessment this term"
    declined = open_case(session, case_content(
        pupil, kind=CaseKind.EARLY_HELP, lead_practitioner="Family hub key worker",
        lead_declined=True, lead_declined_reason=reasons))
    led = open_case(session, case_content(pupil))
    for build in (case_notes_pdf, assessment_pdf, plan_pdf):
        assert f"Lead practitioner Family hub key worker {SCHOOL_NOT_LEAD} {reasons}" \
            in text_of(build(session, declined))
    assert SCHOOL_NOT_LEAD not in text_of(case_notes_pdf(session, led))

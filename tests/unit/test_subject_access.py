"""Subject access requests: the one-calendar-month clock, the DSL's and deputies'
alone, and a disclosure that takes every third party out.

The redaction tests read the text back out of the disclosure PDF (its streams are
compressed, so the bytes alone would not show a printed name) and look for the
other child's names and the withheld text in it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from sgdesk.models.body_maps import BodyView
from sgdesk.models.concerns import FIELD_LABELS, ChildRole, InvolvedChild
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.pupils import HouseholdMember, Pupil
from sgdesk.models.referrals import ReferralKind
from sgdesk.models.subject_access import (
    THIRD_PARTY,
    AdultNames,
    RedactionKind,
    RedactionOptions,
    Relationship,
    RequestDetails,
    RequestStatus,
    calendar_months_after,
    names_in_source,
    response_due_on,
)
from sgdesk.models.text_fields import field_label
from sgdesk.models.users import Role
from sgdesk.services import body_maps, concerns, referrals
from sgdesk.services import subject_access as sar
from sgdesk.services.demo_clock import clock_at
from sgdesk.services.session import Session
from sgdesk.services.subject_access_clock import open_requests
from tests.body_map_helpers import map_of, mark_at
from tests.helpers import add_colleague, add_pupil, close, concern_content, make_store, reopen

OTHER_CHILD = ("Benedict", "Zanzibar", "Benny")
WITHHELD = "frightened of going home on Fridays"
STEPFATHER = "Lee Stepworth"
NEIGHBOUR = "Mrs Patel"
#: The store's clock for these tests: the request came a week before.
TODAY = datetime(2026, 11, 9, 12, 0, tzinfo=UTC)
RECEIVED = date(2026, 11, 2)


# -- the clock -------------------------------------------------------------------------
@pytest.mark.parametrize(("received", "months", "expected"), [
    (date(2026, 9, 3), 1, date(2026, 10, 3)),
    (date(2027, 1, 31), 1, date(2027, 2, 28)),   # no 31 February: the month's last day
    (date(2028, 1, 31), 1, date(2028, 2, 29)),   # a leap year
    (date(2028, 1, 29), 1, date(2028, 2, 29)),
    (date(2027, 1, 29), 1, date(2027, 2, 28)),
    (date(2028, 2, 29), 1, date(2028, 3, 29)),
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 12, 31), 1, date(2027, 1, 31)),  # into the next year
    (date(2027, 1, 31), 3, date(2027, 4, 30)),   # extended by two further months
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
])
def test_one_calendar_month_is_the_same_day_next_month_or_its_last_day(
        received: date, months: int, expected: date) -> None:
    assert calendar_months_after(received, months) == expected


@pytest.mark.parametrize(("received", "extension", "expected"), [
    (date(2026, 11, 2), 0, date(2026, 12, 2)),    # a Wednesday: as it is
    (date(2028, 1, 31), 0, date(2028, 2, 29)),    # leap day, a Tuesday
    (date(2027, 1, 31), 0, date(2027, 3, 1)),     # 28/02/2027 is a Sunday: the Monday
    (date(2026, 11, 26), 0, date(2026, 12, 29)),  # Sat 26 Dec, then two bank holidays
    (date(2026, 10, 1), 2, date(2027, 1, 4)),     # 1 January 2027: a bank holiday Friday
])
def test_a_due_day_on_a_weekend_or_bank_holiday_moves_to_the_next_working_day(
        received: date, extension: int, expected: date) -> None:
    assert response_due_on(received, extension) == expected


def details(**changes: object) -> RequestDetails:
    base = RequestDetails("Kim Example", Relationship.PARENT, RECEIVED,
                          relationship_detail="mother", identity_checked=True,
                          identity_how="Passport seen at reception")
    return replace(base, **changes)  # type: ignore[arg-type]


def test_request_rules_name_each_field() -> None:
    today = TODAY.date()
    assert details().problems(today) == []
    found = dict(details(requester_name=" ", relationship=Relationship.OTHER,
                         relationship_detail="", received_on=date(2026, 11, 10),
                         identity_how="", extension_months=1).problems(today))
    assert set(found) == {"requester_name", "relationship_detail", "received_on",
                          "identity_how", "extension_reason"}
    assert "three" not in found["extension_reason"]
    assert dict(details(extension_months=3).problems(today)) == {
        "extension_months": "An extension is one or two further months."}
    assert details(identity_checked=False).validated(today).identity_how == ""


def test_adult_names_go_whole_in_any_case_and_single_words_only_as_written() -> None:
    names = AdultNames(("Mark Quinn", "Mark"))
    assert names.redact("MARK  QUINN saw a mark on her cheek; Mark's van was there.") == (
        f"{THIRD_PARTY} saw a mark on her cheek; {THIRD_PARTY}'s van was there.", 2)
    assert AdultNames(()).redact("Mark") == ("Mark", 0)


def test_field_labels_say_where_in_words() -> None:
    assert field_label("facts", FIELD_LABELS) == "Facts: what was seen or heard"
    assert field_label("review.reasons", FIELD_LABELS) == "DSL review \u203a reasons"
    assert field_label("visits.2.not_seen_alone_reason") == "Visits 3 \u203a not seen alone reason"
    assert field_label("dsl_consulted") == "DSL consulted"


def test_names_in_a_source_are_titled_names_and_capitalised_runs() -> None:
    assert names_in_source("Mrs Patel, neighbour") == ("Mrs Patel", "Patel")
    assert names_in_source("Kim Example's friend Jo Smith") == ("Kim Example", "Jo Smith")
    assert names_in_source("Mum, by phone") == ()


# -- a school with a request -------------------------------------------------------------
@dataclass
class School:
    path: Path
    session: Session
    amy: Pupil
    concern_id: str
    map_id: str
    sar_id: str


def _with_staff(session: Session) -> None:
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    add_colleague(session, "sendco", Role.SENDCO)
    add_colleague(session, "auditor", Role.AUDITOR)


@pytest.fixture
def school(store_path: Path) -> School:
    """Amy (whose mother asks), Benedict (in Amy's concern, named in its text), her
    stepfather and a neighbour named in the text; a body map, an amendment to the
    withheld field, and a final referral that carries the concern as sent."""
    session, _ = make_store(store_path)
    _with_staff(session)
    amy = add_pupil(session, "Amelia", "Example", preferred_name="Amy", household=(
        HouseholdMember("Kim Example", "Mother", parental_responsibility=True),
        HouseholdMember(STEPFATHER, "Stepfather")))
    benedict = add_pupil(session, "Benedict", "Zanzibar", aliases=("Benny",))
    content = concern_content(
        InvolvedChild(amy.id, ChildRole.VICTIM),
        InvolvedChild(benedict.id, ChildRole.ALLEGED_PERPETRATOR, name_shown_to_others=True),
        facts=f"Benedict Zanzibar pushed Amy in the lunch queue; Benny laughed. {STEPFATHER} "
              "collected her early.",
        child_words=f"Amy said she is {WITHHELD}.",
        others_reported=f"{NEIGHBOUR} saw BENEDICT push her at the gate.",
        others_source=f"{NEIGHBOUR}, neighbour")
    concern_id = concerns.log_concern(session, content)
    concerns.amend_concern(session, concern_id, replace(
        content, child_words=f"Amy said she is {WITHHELD} and Saturdays."),
        "Added what Amy said next", 1)
    map_id = body_maps.add_body_map(session, map_of(amy.id, mark_at(
        BodyView.FRONT, "left forearm, inner", child_explanation="Benedict grabbed me"),
        concern_id=concern_id))
    referral_id = referrals.start_referral(session, ReferralKind.CSC, pupil_id=amy.id,
                                           concern_ids=(concern_id,))
    referrals.finalise(session, referral_id,
                       referrals.get_referral(session, referral_id).version,
                       missing_acknowledged=True)
    with clock_at(session, TODAY):
        sar_id = sar.log_request(session, amy.id, details())
    return School(store_path, session, amy, concern_id, map_id, sar_id)


def pdf_text(data: bytes) -> str:
    """Every page's text, with line breaks and spacing as single spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
                    .split())


def test_the_disclosure_pdf_names_no_third_party_and_shows_no_withheld_text(
        school: School) -> None:
    session = school.session
    sar.mark_third_party(session, school.sar_id, school.concern_id, "child_words",
                         "serious harm test")
    text = pdf_text(sar.disclosure_pdf(session, school.sar_id))

    for name in (*OTHER_CHILD, "Stepworth", "Patel"):
        assert name.casefold() not in text.casefold(), name
    assert "frightened" not in text  # every version, and the referral's copy of it
    assert "Saturdays" not in text
    # the child's own record is there, with the markers where things were taken out
    assert "Amelia Example" in text
    assert f"{THIRD_PARTY} pushed Amy in the lunch queue" in text
    assert "[withheld: serious harm test]" in text
    assert "Ms Teacher" in text  # staff in their professional role stay named
    assert "Kim Example" in text  # the requester is not a third party to herself
    assert "Redaction log" in text
    assert "Third party: another child's personal data (DPA 2018 Sch.2 para 16)" in text
    assert "Concern (Neglect) of 02/11/2026: The child's own words (verbatim)" in text


def test_the_redaction_log_lists_each_redaction_where_and_why(school: School) -> None:
    session = school.session
    sar.mark_third_party(session, school.sar_id, school.concern_id, "child_words",
                         "serious harm test")
    preview = sar.disclosure_preview(session, school.sar_id)
    logged = {(r.record_id, r.field, r.kind): r for r in preview.log}
    concern = school.concern_id
    assert logged[(concern, "child_words", RedactionKind.WITHHELD_TEXT)].why == \
        "serious harm test"
    assert logged[(concern, "children", RedactionKind.OTHER_CHILD)].count == 1
    facts = logged[(concern, "facts", RedactionKind.OTHER_CHILD)]
    assert facts.count == 2 and facts.why.startswith("Third party: another child")
    assert (concern, "facts", RedactionKind.FAMILY_ADULT) in logged
    assert (concern, "others_source", RedactionKind.SOURCE) in logged
    assert (concern, "others_reported", RedactionKind.SOURCE) in logged
    assert (school.map_id, "marks.0.child_explanation", RedactionKind.OTHER_CHILD) in logged
    assert all(r.where and r.why and r.what for r in preview.log)
    for entry in preview.log:  # the log itself names no one
        assert not any(n.casefold() in f"{entry.where} {entry.why}".casefold()
                       for n in (*OTHER_CHILD, "Stepworth", "Patel"))
    # the preview shows each field as held and as disclosed
    record = next(r for r in preview.records if r.record_id == concern)
    words = record.field_named("child_words")
    assert words is not None and WITHHELD in words.held
    assert words.disclosed == "[withheld: serious harm test]"
    assert words.withheld_reason == "serious harm test"
    assert preview.documents[:3] == ("Chronology", "List of concerns",
                                     "Concern of 02/11/2026")


def test_options_and_whole_records(school: School) -> None:
    session = school.session
    sar.set_redaction_options(session, school.sar_id, RedactionOptions(
        staff_names=True, sources=False, family_adults=False))
    sar.mark_third_party(session, school.sar_id, school.map_id, "", "third party")
    text = pdf_text(sar.disclosure_pdf(session, school.sar_id))
    assert "Ms Teacher" not in text and "Staff member" in text
    assert NEIGHBOUR in text and STEPFATHER in text
    assert "Benedict" not in text  # other children are always redacted
    assert "left forearm" not in text  # the body map withheld whole
    preview = sar.disclosure_preview(session, school.sar_id)
    whole = [r for r in preview.log if r.kind is RedactionKind.WITHHELD_RECORD]
    assert [(r.record_id, r.why) for r in whole] == [(school.map_id, "third party")]
    assert any(r.kind is RedactionKind.STAFF for r in preview.log)
    assert next(r for r in preview.records if r.record_id == school.map_id) \
        .withheld_reason == "third party"
    reasons = [v.reason for v in sar.get_request(session, school.sar_id).versions]
    assert reasons[1].startswith("Redaction options changed: staff names replaced: yes")
    assert reasons[2].startswith("To withhold: Body map (1 mark) of ")
    # unmarking puts it back
    sar.unmark(session, school.sar_id, school.map_id, "")
    assert "left forearm" in pdf_text(sar.disclosure_pdf(session, school.sar_id))
    with pytest.raises(InvalidInput, match="not marked"):
        sar.unmark(session, school.sar_id, school.map_id, "")
    with pytest.raises(InvalidInput, match="not on this pupil's file"):
        sar.mark_third_party(session, school.sar_id, "no-such-record", "", "third party")
    with pytest.raises(InvalidInput, match="cannot be withheld"):
        sar.mark_third_party(session, school.sar_id, school.concern_id, "happened_at", "x")


def test_a_concern_withheld_whole_leaves_nothing_of_it_and_its_links_cut(
        school: School) -> None:
    session = school.session
    sar.mark_third_party(session, school.sar_id, school.concern_id, "",
                         "child abuse data not in the child's best interests")
    text = pdf_text(sar.disclosure_pdf(session, school.sar_id))
    assert "lunch queue" not in text and "frightened" not in text
    assert "left forearm" in text  # its body map is disclosed, on its own
    preview = sar.disclosure_preview(session, school.sar_id)
    assert "Concern of 02/11/2026" not in preview.documents
    assert any(d.startswith("Body map of") for d in preview.documents)
    assert [r.kind for r in preview.log if r.record_id == school.concern_id] == [
        RedactionKind.WITHHELD_RECORD]


def test_record_disclosure_closes_the_request(school: School) -> None:
    session = school.session
    with clock_at(session, TODAY):
        assert [r.id for r in open_requests(session, TODAY.date())] == [school.sar_id]
        sar.mark_third_party(session, school.sar_id, school.concern_id, "child_words",
                             "serious harm test")
        with pytest.raises(InvalidInput, match="future"):
            sar.record_disclosure(session, school.sar_id, date(2026, 11, 10), "In person")
        with pytest.raises(InvalidInput, match="how the records were given"):
            sar.record_disclosure(session, school.sar_id, TODAY.date(), " ")
        preview = sar.disclosure_preview(session, school.sar_id)
        sar.record_disclosure(session, school.sar_id, TODAY.date(), "Handed to her in person")
        assert open_requests(session, TODAY.date()) == []
        entry = sar.get_request(session, school.sar_id).entry
        assert entry.request.status is RequestStatus.DISCLOSED
        assert entry.clock == "Disclosed 09/11/2026" and not entry.overdue
        disclosure = entry.request.disclosure
        assert disclosure is not None
        assert disclosure.redactions == preview.log
        assert disclosure.records["concerns"] == (school.concern_id,)
        assert disclosure.documents == preview.documents
        assert disclosure.recorded_by == "Jo Bloggs"
        with pytest.raises(InvalidInput, match="closed"):
            sar.mark_third_party(session, school.sar_id, school.concern_id, "facts", "x")
        row = session.db.query_one("SELECT closed_on FROM subject_access_requests "
                                   "WHERE id = ?", (school.sar_id,))
        assert row["closed_on"] == "2026-11-09"


def test_disclosure_needs_the_identity_checked(school: School) -> None:
    session = school.session
    with clock_at(session, TODAY):
        record = sar.get_request(session, school.sar_id)
        sar.amend_request(session, school.sar_id, details(identity_checked=False),
                          "Passport not seen after all", record.entry.version)
        with pytest.raises(InvalidInput) as refused:
            sar.record_disclosure(session, school.sar_id, TODAY.date(), "In person")
        assert refused.value.field == "identity_checked"


def test_open_requests_are_overdue_after_their_due_day(school: School) -> None:
    session = school.session
    requests = open_requests(session, date(2026, 12, 2))
    assert [(r.due_on, r.overdue) for r in requests] == [(date(2026, 12, 2), False)]
    assert requests[0].line == ("Amy Example — subject access request from Kim Example: "
                                "respond by 02/12/2026")
    late = open_requests(session, date(2026, 12, 3))[0]
    assert late.overdue and "OVERDUE, was due 02/12/2026" in late.line
    with clock_at(session, datetime(2026, 12, 5, 9, 0, tzinfo=UTC)):
        entry = sar.requests(session)[0]
    assert entry.overdue and entry.clock == "OVERDUE: was due 02/12/2026 (3 days ago)"


def test_an_extension_is_decided_within_the_first_month(school: School) -> None:
    session = school.session
    extended = details(extension_months=2, extension_reason="Many records, some held by "
                                                            "the local authority")
    version = sar.get_request(session, school.sar_id).entry.version
    with clock_at(session, datetime(2026, 12, 3, 9, 0, tzinfo=UTC)), \
            pytest.raises(InvalidInput, match="month has passed"):
        sar.amend_request(session, school.sar_id, extended, "Complex", version)
    with clock_at(session, TODAY):
        sar.amend_request(session, school.sar_id, extended, "Complex", version)
    assert open_requests(session, TODAY.date())[0].due_on == date(2027, 2, 2)
    row = session.db.query_one("SELECT due_on FROM subject_access_requests WHERE id = ?",
                               (school.sar_id,))
    assert row["due_on"] == "2027-02-02"


def test_only_the_dsl_and_deputies_deal_with_requests(school: School) -> None:
    close(school.session)
    deputy = reopen(school.path, "deputy", "colleague password")
    try:
        assert len(sar.requests(deputy)) == 1
        sar.mark_third_party(deputy, school.sar_id, school.concern_id, "facts", "third party")
        assert sar.disclosure_pdf(deputy, school.sar_id).startswith(b"%PDF")
    finally:
        close(deputy)
    for login in ("sendco", "auditor"):
        other = reopen(school.path, login, "colleague password")
        try:
            assert open_requests(other, TODAY.date()) == []
            calls = (lambda s=other: sar.requests(s),
                     lambda s=other: sar.get_request(s, school.sar_id),
                     lambda s=other: sar.disclosure_preview(s, school.sar_id),
                     lambda s=other: sar.disclosure_pdf(s, school.sar_id),
                     lambda s=other: sar.log_request(s, school.amy.id, details()),
                     lambda s=other: sar.mark_third_party(s, school.sar_id,
                                                          school.concern_id, "facts", "x"),
                     lambda s=other: sar.record_disclosure(s, school.sar_id, RECEIVED, "x"))
            for call in calls:
                with pytest.raises(PermissionDenied, match="DSL or a deputy"):
                    call()
        finally:
            close(other)

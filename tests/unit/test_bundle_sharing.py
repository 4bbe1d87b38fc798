"""Partner shares and CP file transfers: what leaves, what is redacted, the log,
the five-school-day clock and the receipt that closes it.

The redaction tests decrypt the bundle a partner would get and look for another
child's names in every byte of it and in the text of every printed page (PDF
streams are compressed, so the bytes alone would not show a printed name).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from sgdesk.models.body_maps import BodyView
from sgdesk.models.casework import CaseContent, CaseKind
from sgdesk.models.chronology import ChronologyEvent, EventKind
from sgdesk.models.concerns import ChildRole, ConcernContent, InvolvedChild
from sgdesk.models.errors import Cancelled, InvalidInput, PermissionDenied
from sgdesk.models.pupils import HouseholdMember, Pupil
from sgdesk.models.redaction import ANOTHER_CHILD, ChildNames, Person, TextRedactor
from sgdesk.models.referrals import ReferralKind
from sgdesk.models.sharing import (
    EVERY_KIND,
    LegalBasis,
    SharedKind,
    ShareRequest,
    transfer_due_on,
)
from sgdesk.models.users import Role
from sgdesk.models.working_days import SchoolDayCalendar
from sgdesk.services import body_maps, casework, chronology, concerns, pupils, referrals, users
from sgdesk.services.bundle_building import Encryption, WrittenBundle
from sgdesk.services.bundle_reading import open_bundle
from sgdesk.services.bundle_sharing import export_share, export_transfer, share_preview
from sgdesk.services.school_calendar import SchoolDates, TermHoliday, set_school_calendar
from sgdesk.services.session import Session
from sgdesk.services.transfers import record_receipt, transfers_awaiting_receipt
from sgdesk.storage import bundle_file, codec
from sgdesk.storage.audit_repo import AuditRepository
from sgdesk.storage.bundle_log_repo import BundleLog
from tests.body_map_helpers import map_of, mark_at
from tests.bundle_helpers import jsonl_rows, key_pair
from tests.helpers import WHEN, add_colleague, add_pupil, close, concern_content, make_store, reopen

DEPUTY = ("Wilhelmina Staffordshire", "wstaff", "deputy password 1")
REPORTER = "Mrs Quentina Reportwell"
B_NAMES = ("Benedict", "Zanzibar", "Benny")
SISTER = "Charlotte"
MENTIONED = ("Dorothea", "Quimby")


@dataclass
class School:
    """A store with Amy (shared), her sister Charlotte, Benedict (in Amy's concern),
    and Dorothea (named only in the text of Amy's chronology)."""

    path: Path
    session: Session
    amy: Pupil
    sister: Pupil
    benedict: Pupil
    dorothea: Pupil
    concern_id: str


@pytest.fixture
def school(store_path: Path) -> School:
    session, _ = make_store(store_path)
    users.add_user(session, DEPUTY[0], DEPUTY[1], Role.DEPUTY_DSL, DEPUTY[2])
    amy = add_pupil(session, "Amelia", "Example", preferred_name="Amy", household=(
        HouseholdMember("Kim Example", "Mother", parental_responsibility=True),
        HouseholdMember("Charlotte Example", "Sister")))
    sister = add_pupil(session, SISTER, "Example")
    benedict = add_pupil(session, "Benedict", "Zanzibar", aliases=("Benny",))
    dorothea = add_pupil(session, *MENTIONED)
    family = pupils.link_family(session, [amy.id, sister.id], "Example family")
    close(session)

    # the deputy logs the concern, so a colleague's name is on the record
    session = reopen(store_path, DEPUTY[1], DEPUTY[2])
    content = concern_content(
        InvolvedChild(amy.id, ChildRole.VICTIM),
        InvolvedChild(benedict.id, ChildRole.ALLEGED_PERPETRATOR, name_shown_to_others=True),
        facts="Benedict Zanzibar pushed Amy in the lunch queue. Benny laughed; Charlotte "
              f"saw it and told {REPORTER}. Mrs Reportwell phoned home.",
        child_words="Amy said: \u201cBENEDICT always does that.\u201d",
        opinion="Wilhelmina thinks benedict's behaviour is getting worse.")
    concern_id = concerns.log_concern(session, replace(
        content, reporter_name=REPORTER, reporter_role="Midday supervisor"))
    close(session)

    session = reopen(store_path)
    body_maps.add_body_map(session, map_of(amy.id, mark_at(
        BodyView.FRONT, "left forearm, inner", child_explanation="Benedict grabbed me"),
        concern_id=concern_id))
    body_maps.add_body_map(session, map_of(amy.id, notes="Seen at PE; Benny was there."))
    chronology.add_event(session, ChronologyEvent.of_kind(
        EventKind.OTHER, WHEN.date(), "Dorothea Quimby's mother called about a fight",
        pupil_id=amy.id))
    chronology.add_event(session, ChronologyEvent.of_kind(
        EventKind.FAMILY_EVENT, WHEN.date(), "Charlotte stayed with an aunt for a week",
        family_id=family))
    chronology.set_significance(session, amy.id, "concern", concern_id, False)
    referral_id = referrals.start_referral(session, ReferralKind.CSC, pupil_id=amy.id,
                                           concern_ids=(concern_id,))
    referrals.finalise(session, referral_id, referrals.get_referral(session, referral_id)
                       .version, missing_acknowledged=True)
    casework.open_case(session, CaseContent(
        CaseKind.EARLY_HELP, amy.id, family, "Jo Bloggs", "", WHEN.date(),
        referral_id=referral_id))
    return School(store_path, session, pupils.get_pupil(session, amy.id).pupil,
                  sister, benedict, dorothea, concern_id)


def request_for(school: School, **changes: object) -> ShareRequest:
    base: dict[str, object] = {
        "pupil_ids": (school.amy.id,), "kinds": EVERY_KIND,
        "recipient": "Hilltop MASH", "purpose": "Strategy discussion on 3 December",
        "legal_basis": LegalBasis.SAFEGUARDING.label,
    }
    return ShareRequest(**(base | changes))  # type: ignore[arg-type]


@dataclass
class Opened:
    """A bundle as the partner sees it: every decrypted byte, and each page's text."""

    plaintext: bytes
    members: dict[str, bytes]
    pdf_text: dict[str, str]

    def rows(self, table: str) -> list[dict[str, object]]:
        member = self.members.get(f"records/{table}.jsonl")
        return jsonl_rows(member) if member else []

    def anywhere(self, word: str) -> bool:
        """Case-insensitively, in the bytes or in any printed page."""
        needle = word.casefold()
        return (needle.encode() in self.plaintext.lower()
                or any(needle in text.casefold() for text in self.pdf_text.values()))

    def in_records(self, word: str) -> bool:
        """In the records or the printed pages (not the manifest naming the sender)."""
        needle = word.casefold().encode()
        return (any(needle in data.lower() for name, data in self.members.items()
                    if name.startswith("records/"))
                or any(word.casefold() in text.casefold() for text in self.pdf_text.values()))


def opened(written: WrittenBundle, identity: str) -> Opened:
    plaintext = bundle_file.decrypt(written.path.read_bytes(), identities=[identity])
    members = bundle_file.untar(plaintext)
    texts = {name.removeprefix("pdf/"): " ".join(
        " ".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).split())
        for name, data in members.items() if name.endswith(".pdf")}
    return Opened(plaintext, members, texts)


def share(school: School, tmp_path: Path, **changes: object) -> tuple[WrittenBundle, Opened]:
    identity, public = key_pair()
    written = export_share(school.session, request_for(school, **changes),
                           tmp_path / "share.age", Encryption((public,), described_as="MASH"))
    bundle = open_bundle(written.path.read_bytes(), identities=[identity])  # references resolve
    assert bundle.manifest.kind.value == "share"
    return written, opened(written, identity)


# -- redaction ----------------------------------------------------------------------------
def test_a_share_carries_no_trace_of_another_child(school: School, tmp_path: Path) -> None:
    _, got = share(school, tmp_path)
    for word in (*B_NAMES, SISTER, *MENTIONED):
        assert not got.anywhere(word), word
    for child in (school.benedict, school.sister, school.dorothea):
        assert child.id.encode() not in got.plaintext
    # Amy's own record is all there, with her surname that her sister shares
    assert got.anywhere("Amelia") and got.anywhere("Example")
    assert ANOTHER_CHILD.encode() in got.members["records/concerns.jsonl"]
    assert "[another child] pushed Amy" in got.pdf_text["pupil-1-concern-1.pdf"]
    assert {r["pupil_id"] for r in got.rows("concern_children")} == {school.amy.id}
    assert [r["id"] for r in got.rows("pupils")] == [school.amy.id]
    assert [(r["source_id"], r["significant"]) for r in got.rows("chronology_significance")
            ] == [(school.concern_id, 0)]
    # every kind went, printed for a reader without sgdesk
    assert set(got.pdf_text) == {
        "pupil-1-chronology.pdf", "pupil-1-concerns.pdf", "pupil-1-concern-1.pdf",
        "pupil-1-body-map-1.pdf", "pupil-1-referral-1.pdf", "pupil-1-case-1.pdf"}
    assert "Dorothea" not in got.pdf_text["pupil-1-chronology.pdf"]
    assert "[another child] Quimby" not in got.pdf_text["pupil-1-chronology.pdf"]
    assert "[another child]'s mother called" in got.pdf_text["pupil-1-chronology.pdf"]


def test_a_child_the_dsl_includes_keeps_their_name_and_link(school: School,
                                                            tmp_path: Path) -> None:
    _, got = share(school, tmp_path, include_children=(school.benedict.id,))
    assert got.anywhere("Zanzibar") and got.anywhere("Benedict")
    assert "Benedict Zanzibar pushed Amy" in got.pdf_text["pupil-1-concern-1.pdf"]
    assert {r["pupil_id"] for r in got.rows("concern_children")} == {
        school.amy.id, school.benedict.id}
    included = next(r for r in got.rows("pupils") if r["id"] == school.benedict.id)
    body = json.loads(str(included["body"]))
    assert (body["legal_surname"], body["aliases"], body["upn"]) == ("Zanzibar", ["Benny"], "")
    # the others not included are still redacted
    assert not got.anywhere(SISTER) and not got.anywhere("Quimby")


def test_staff_names_can_be_anonymised(school: School, tmp_path: Path) -> None:
    _, plain = share(school, tmp_path)
    assert plain.anywhere("Staffordshire") and plain.anywhere("Reportwell")

    written, got = share(school, tmp_path, anonymise_staff=True)
    for word in ("Wilhelmina", "Staffordshire", "Quentina", "Reportwell"):
        assert not got.anywhere(word), word
    # the DSL who made the share goes by their alias too: nowhere by name
    assert written.manifest.created_by.startswith("Staff member ")
    assert not got.anywhere("Bloggs")
    assert all(str(u["display_name"]).startswith("Staff member ")
               for u in got.rows("users"))
    concern = json.loads(str(got.rows("concerns")[0]["body"]))
    assert concern["reporter_name"].startswith("Staff member ")
    assert "told Staff member 3. Staff member 3 phoned home." in concern["facts"]
    # "Ms Teacher" completed the body maps: her alias, and "Class teacher" is untouched
    body_map = json.loads(str(got.rows("body_maps")[0]["body"]))
    assert (body_map["completed_by_name"], body_map["completed_by_role"]) == (
        "Staff member 4", "Class teacher")
    assert "Staff member" in got.pdf_text["pupil-1-concern-1.pdf"]


def test_the_share_is_logged_with_recipient_purpose_and_legal_basis(
        school: School, tmp_path: Path) -> None:
    purpose = "Strategy discussion on 3 December after Benny's assault"
    written, got = share(school, tmp_path, purpose=purpose)
    entry = BundleLog(school.session.db).entries("export")[0]
    assert (entry.kind, entry.sha256, entry.counterpart) == ("share", written.sha256, "MASH")
    body = entry.body
    assert body["recipient"] == "Hilltop MASH"
    assert body["purpose"] == purpose  # the school's own log keeps the DSL's words
    assert not got.anywhere("Benny")  # the bundle does not
    assert written.manifest.details["purpose"] == (
        "Strategy discussion on 3 December after [another child]'s assault")
    assert body["legal_basis"] == LegalBasis.SAFEGUARDING.label
    assert body["what"]["concerns"] == [school.concern_id]
    assert set(body["what"]) == {k.value for k in EVERY_KIND}
    assert set(body["children_redacted"]) == {school.benedict.id, school.sister.id,
                                             school.dorothea.id}
    assert body["redactions"] > 0
    assert written.manifest.details["recipient"] == "Hilltop MASH"


def test_the_preview_shows_exactly_what_will_leave(school: School, tmp_path: Path) -> None:
    preview = share_preview(school.session, request_for(school, anonymise_staff=True))
    (amy,) = preview.pupils
    assert [r.kind for r in amy.records] == [
        SharedKind.PUPIL_DETAILS, SharedKind.CONCERNS, SharedKind.BODY_MAPS,
        SharedKind.BODY_MAPS, SharedKind.CHRONOLOGY, SharedKind.CHRONOLOGY,
        SharedKind.REFERRALS, SharedKind.CASEWORK]
    others = {c.pupil_id: c for c in preview.other_children}
    assert set(others) == {school.benedict.id, school.sister.id, school.dorothea.id}
    assert others[school.sister.id].found_as == ("in the same family", "named in the text")
    assert others[school.sister.id].kept_parts == ("Example",)
    assert others[school.dorothea.id].found_as == ("named in the text",)
    assert preview.redactions > 0
    assert preview.staff[:2] == (("Jo Bloggs", "Staff member 1"),
                                 ("Wilhelmina Staffordshire", "Staff member 2"))
    written, _ = share(school, tmp_path, anonymise_staff=True)
    assert sorted(preview.pdfs) == sorted(m.removeprefix("pdf/")
                                          for m in written.manifest.members if "pdf/" in m)
    assert preview.counts == written.manifest.counts


def test_a_link_to_a_record_not_shared_is_cut(school: School, tmp_path: Path) -> None:
    preview = share_preview(school.session, request_for(
        school, kinds=frozenset({SharedKind.BODY_MAPS, SharedKind.CASEWORK})))
    assert any("made for a concern that is not shared" in n for n in preview.notes)
    assert any("came from a referral that is not shared" in n for n in preview.notes)
    _, got = share(school, tmp_path, kinds=frozenset({SharedKind.BODY_MAPS,
                                                      SharedKind.CASEWORK}))
    assert all(r["concern_id"] is None for r in got.rows("body_maps"))
    assert not got.rows("concerns") and not got.rows("referrals")
    assert school.concern_id.encode() not in got.plaintext
    # without the register details, Amy goes with what identifies her only
    amy = json.loads(str(got.rows("pupils")[0]["body"]))
    assert amy["legal_surname"] == "Example" and amy["household"] == []
    assert all(v["reason"] == "" for v in got.rows("pupil_versions"))
    assert not got.anywhere("Kim Example")


def test_a_share_must_say_to_whom_and_why(school: School) -> None:
    with pytest.raises(InvalidInput) as refused:
        share_preview(school.session, request_for(school, purpose="  "))
    assert refused.value.field == "purpose"
    with pytest.raises(InvalidInput) as refused:
        share_preview(school.session, request_for(school, kinds=frozenset()))
    assert refused.value.field == "kinds"


@pytest.mark.parametrize("role", [Role.SENDCO, Role.AUDITOR])
def test_only_the_dsl_and_deputies_share_or_transfer(school: School, tmp_path: Path,
                                                     role: Role) -> None:
    add_colleague(school.session, "colleague", role)
    close(school.session)
    session = reopen(school.path, "colleague", "colleague password")
    encryption = Encryption((key_pair()[1],), described_as="x")
    with pytest.raises(PermissionDenied):
        share_preview(session, request_for(school))
    with pytest.raises(PermissionDenied):
        export_share(session, request_for(school), tmp_path / "s.age", encryption)
    with pytest.raises(PermissionDenied):
        export_transfer(session, school.amy.id, WHEN.date(), "Valley Academy",
                        tmp_path / "t.age", encryption)
    with pytest.raises(PermissionDenied):
        record_receipt(session, "any", "Someone", WHEN, "printed receipt")
    assert transfers_awaiting_receipt(session) == []
    assert not list(tmp_path.glob("*.age"))
    close(session)


# -- CP file transfer -----------------------------------------------------------------------
def transfer(school: School, tmp_path: Path, moved_on: date) -> tuple[WrittenBundle, str]:
    identity, public = key_pair()
    written = export_transfer(school.session, school.amy.id, moved_on, " Valley  Academy ",
                              tmp_path / f"transfer-{moved_on}.age",
                              Encryption((public,), described_as="Valley Academy"))
    return written, identity


def test_a_transfer_carries_the_whole_cp_file_redacted(school: School, tmp_path: Path) -> None:
    written, identity = transfer(school, tmp_path, date(2026, 11, 20))
    bundle = open_bundle(written.path.read_bytes(), identities=[identity])
    details = bundle.manifest.details
    assert bundle.manifest.kind.value == "transfer"
    assert details["pupil_id"] == school.amy.id and details["new_school"] == "Valley Academy"
    assert details["moved_on"] == "2026-11-20" and details["due_on"] == "2026-11-27"
    got = opened(written, identity)
    for word in (*B_NAMES, SISTER, *MENTIONED):
        assert not got.anywhere(word), word
    assert got.anywhere("Kim Example")  # the register details go whole
    assert {"concerns", "body_maps", "chronology_events", "referrals", "cases"} <= set(
        bundle.tables)
    entry = BundleLog(school.session.db).entries("export")[0]
    assert entry.kind == "transfer" and entry.body["details"] == details


def test_the_clock_counts_five_school_days_skipping_holidays_and_closures(
        school: School, tmp_path: Path) -> None:
    set_school_calendar(school.session, SchoolDates(
        term_holidays=(TermHoliday("Summer half term", date(2026, 5, 25), date(2026, 5, 29)),),
        closure_days=(date(2026, 5, 6),)))
    # Friday 1 May: Monday 4 May is a bank holiday and Wednesday 6 May a closure day
    transfer(school, tmp_path, date(2026, 5, 1))
    # Friday 22 May, before half term: the clock runs on from the start of term
    transfer(school, tmp_path, date(2026, 5, 22))
    today = school.session.db.clock().date()
    transfer(school, tmp_path, today)
    waiting = transfers_awaiting_receipt(school.session)
    assert [(t.moved_on, t.due_on, t.overdue) for t in waiting] == [
        (date(2026, 5, 1), date(2026, 5, 12), True),
        (date(2026, 5, 22), date(2026, 6, 5), True),
        (today, transfer_due_on(today, SchoolDayCalendar()), False)]
    assert {(t.pupil_name, t.new_school) for t in waiting} == {("Amy Example", "Valley Academy")}


def test_a_receipt_closes_the_transfer_once(school: School, tmp_path: Path) -> None:
    transfer(school, tmp_path, date(2026, 11, 20))
    (waiting,) = transfers_awaiting_receipt(school.session)
    acknowledged = school.session.db.clock() - timedelta(minutes=5)
    record_receipt(school.session, waiting.id, "Mr Receiver, DSL at Valley Academy",
                   acknowledged, "printed receipt")
    assert transfers_awaiting_receipt(school.session) == []
    db = school.session.db
    row = db.query_one("SELECT version, receipted_at, body FROM transfers WHERE id = ?",
                       (waiting.id,))
    assert row["version"] == 2
    assert datetime.fromisoformat(row["receipted_at"]) == acknowledged
    receipt = json.loads(row["body"])["receipt"]
    assert receipt["acknowledged_by"] == "Mr Receiver, DSL at Valley Academy"
    assert receipt["how"] == "printed receipt" and receipt["recorded_by"] == "Jo Bloggs"
    assert [e.action for e in AuditRepository(db).entries()
            if e.table_name == "transfers"] == ["create", "amend"]

    with pytest.raises(InvalidInput, match="recorded already"):
        record_receipt(school.session, waiting.id, "Someone else", acknowledged, "email")
    with pytest.raises(InvalidInput, match="not on record"):
        record_receipt(school.session, "no-such-transfer", "Someone", acknowledged, "email")
    assert db.query_one("SELECT version FROM transfers WHERE id = ?", (waiting.id,))[0] == 2


def test_a_receipt_must_say_who_and_cannot_be_in_the_future(school: School,
                                                            tmp_path: Path) -> None:
    transfer(school, tmp_path, date(2026, 11, 20))
    (waiting,) = transfers_awaiting_receipt(school.session)
    with pytest.raises(InvalidInput) as refused:
        record_receipt(school.session, waiting.id, " ", WHEN, "email")
    assert refused.value.field == "acknowledged_by"
    with pytest.raises(InvalidInput) as refused:
        record_receipt(school.session, waiting.id, "Someone",
                       datetime.now(UTC) + timedelta(days=2), "email")
    assert refused.value.field == "acknowledged_at"
    assert len(transfers_awaiting_receipt(school.session)) == 1


# -- the redaction rules themselves ---------------------------------------------------------
def test_names_are_redacted_as_whole_words_whatever_their_case() -> None:
    names = ChildNames(removed=(Person("b", "Ben", "Smith-Jones", "", ("Benji",)),),
                       kept=(Person("a", "Amy", "Smith-Jones"),))
    redactor = TextRedactor(names.forms())
    text = redactor.text("BEN's coat; Benjamin's bag; benji and Ben  Smith-Jones; Smith-Jones")
    assert text == ("[another child]'s coat; Benjamin's bag; [another child] and "
                    "[another child]; Smith-Jones")
    assert redactor.redactions == 3
    assert names.kept_parts(names.removed[0]) == ("Smith-Jones",)


def test_a_staff_name_becomes_the_same_alias_everywhere_with_its_title() -> None:
    redactor = TextRedactor((), {"Sarah Jones": "Sarah Jones", "Jones": "Sarah Jones",
                                 "Sarah": "Sarah Jones", "Ms Teacher": "Ms Teacher"},
                            {"Teacher": "Ms Teacher"})
    assert redactor.text("MRS JONES told Sarah Jones; sarah agreed") == (
        "Staff member 1 told Staff member 1; Staff member 1 agreed")
    assert redactor.text("ms teacher, the class teacher; Dr. Teacher") == (
        "Staff member 2, the class teacher; Staff member 2")
    assert redactor.aliases.pairs() == (("Sarah Jones", "Staff member 1"),
                                        ("Ms Teacher", "Staff member 2"))




def test_two_pupils_shared_together_keep_each_others_names(school: School,
                                                          tmp_path: Path) -> None:
    _, got = share(school, tmp_path, pupil_ids=(school.amy.id, school.sister.id))
    assert got.anywhere(SISTER) and not got.anywhere("Zanzibar")
    assert "Charlotte stayed with an aunt" in got.pdf_text["pupil-1-chronology.pdf"]
    assert "pupil-2-chronology.pdf" in got.pdf_text  # the family event is on hers too
    assert {r["id"] for r in got.rows("pupils")} == {school.amy.id, school.sister.id}


def test_a_cancelled_share_leaves_no_file_and_no_log(school: School, tmp_path: Path) -> None:
    stages: list[str] = []
    with pytest.raises(Cancelled):
        export_share(school.session, request_for(school), tmp_path / "share.age",
                     Encryption((key_pair()[1],), described_as="MASH"),
                     progress=lambda stage, _f: stages.append(stage),
                     cancelled=lambda: "Printing records" in stages)
    assert list(tmp_path.iterdir()) == [tmp_path / "stores"]
    assert BundleLog(school.session.db).entries("export") == []


def test_a_name_that_is_also_a_code_never_touches_the_code() -> None:
    """A child called Victim (or Other, or Open) is redacted from the text, but
    the role, kind and status codes in the record stay as they are."""
    content = concern_content(InvolvedChild("a", ChildRole.VICTIM),
                              InvolvedChild("b", ChildRole.WITNESS),
                              facts="Victim said she saw it.")
    redactor = TextRedactor(ChildNames((Person("b", "Tom", "Victim"),), ()).forms())
    walked = redactor.json(json.loads(codec.dumps(content)), {"b"}, ConcernContent)
    back = codec.from_jsonable(ConcernContent, walked)
    assert back.children == (InvolvedChild("a", ChildRole.VICTIM),)
    assert back.facts == "[another child] said she saw it."
    assert redactor.redactions == 2  # the name, and the child removed from the list

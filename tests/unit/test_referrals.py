"""Referrals in a real encrypted store: drafted from the record, checked for gaps,
frozen when final (printing the register as it was sent), tracked on the
working-day clock, chased and escalated; LADO referrals kept to the DSL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from sgdesk.models.adult_concerns import (
    AdultCapacity,
    AdultConcern,
    AdultConcernKind,
    HarmThreshold,
)
from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.pupils import Address, HouseholdMember, Pupil, SendStatus
from sgdesk.models.referrals import (
    DEFAULT_ESCALATION_STAGES,
    Consent,
    Feedback,
    FeedbackOutcome,
    FollowUp,
    MissingInformation,
    ReferralKind,
    Sending,
    SendMethod,
)
from sgdesk.models.users import Role
from sgdesk.services import adult_concerns, concerns, pupils, search
from sgdesk.services.demo_records import add_demo_records
from sgdesk.services.demo_referrals import add_demo_referrals
from sgdesk.services.maintenance import verify_store
from sgdesk.services.referrals import (
    add_follow_up,
    amend_referral,
    escalation_stages,
    finalise,
    get_referral,
    overdue_feedback,
    record_feedback,
    record_follow_up_outcome,
    record_sending,
    referral_pack,
    referrals_for_pupil,
    save_draft,
    set_escalation_stages,
    set_school_contact,
    start_referral,
)
from sgdesk.services.session import Session
from sgdesk.storage import codec
from sgdesk.storage.database import DatabaseError
from tests.helpers import (
    WHEN,
    add_colleague,
    add_pupil,
    close,
    concern_content,
    log_about,
    make_store,
    reopen,
)

OLD_ADDRESS = "1 High Street, Hilltop"
NEW_ADDRESS = "Flat 4, 22 Mill Lane, Hilltop"
SECRET = "Quillfeather"  # a word written only in referrals


@pytest.fixture
def session(store_path: Path) -> Session:
    return make_store(store_path)[0]


def complete_pupil(session: Session, forename: str = "Amy", **changes: object) -> Pupil:
    """A register entry with everything a referral asks of the register."""
    details: dict[str, object] = {
        "gp": "Dr Patel, Hill Surgery", "addresses": (Address(OLD_ADDRESS),),
        "household": (HouseholdMember("Kim Example", "Mother", parental_responsibility=True),),
        "key_adults_known": False,
    } | changes
    return add_pupil(session, forename, "Example", **details)


def filled_in(session: Session, referral_id: str) -> int:
    """Fill in the DSL's part of a draft; returns the new version."""
    record = get_referral(session, referral_id)
    content = replace(record.content, referrer_contact="01234 567890",
                      reason=f"Bruising seen twice ({SECRET})", harm_type="Physical abuse",
                      child_location_now="In school until 3.15 pm", parents_aware=False,
                      consent=Consent.NOT_SOUGHT,
                      consent_reason="Telling the parent could put the child at risk",
                      sharing_without_consent_sch1_para18=True)
    return save_draft(session, referral_id, content, record.version)


def final_referral(session: Session, pupil: Pupil, *concern_ids: str) -> str:
    referral_id = start_referral(session, ReferralKind.CSC, pupil_id=pupil.id,
                                 concern_ids=concern_ids or (log_about(session, pupil),))
    finalise(session, referral_id, filled_in(session, referral_id))
    return referral_id


def local(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour).astimezone()


def sent(session: Session, referral_id: str, day: date) -> int:
    version = get_referral(session, referral_id).version
    return record_sending(session, referral_id,
                          Sending(SendMethod.PHONE, local(day, 15), "Front door (MASH)",
                                  "REF-1"), version)


def allegation() -> AdultConcern:
    return AdultConcern(
        AdultConcernKind.ALLEGATION, "Mr Sam Example", AdultCapacity.STAFF, "Coach",
        "Ms Teacher", "Class teacher", WHEN, WHEN + timedelta(hours=1), "Sports hall",
        "Grabbed a pupil by the arm.", thresholds=(HarmThreshold.HARMED,))


# -- drafting ------------------------------------------------------------------------
def test_a_new_draft_is_pre_filled_from_the_record_but_not_with_the_childs_details(
        session: Session) -> None:
    amy = complete_pupil(session)
    concern_id = log_about(session, amy)
    set_school_contact(session, "  01234   567890, dsl@hilltop.example ")
    add_colleague(session, "deputy", Role.DEPUTY_DSL)

    referral_id = start_referral(session, ReferralKind.CSC, pupil_id=amy.id,
                                 concern_ids=(concern_id,))

    record = get_referral(session, referral_id)
    assert record.state == "draft" and record.version == 1
    content = record.content
    assert (content.kind, content.pupil_id, content.concern_ids) == (
        ReferralKind.CSC, amy.id, (concern_id,))
    assert (content.referrer_name, content.referrer_role) == (
        "Jo Bloggs", "Designated Safeguarding Lead")
    assert content.referrer_contact == "01234 567890, dsl@hilltop.example"
    assert content.dsl_consulted == "Jo Bloggs"
    assert OLD_ADDRESS not in codec.dumps(record.versions)  # read fresh at print time instead
    pack = referral_pack(session, referral_id)
    assert pack.pupil == amy and pack.register_as_of is None
    assert [c.concern_id for c in pack.concerns] == [concern_id]
    assert pack.school_name == "Hilltop Primary" and pack.produced_by == "Jo Bloggs"


def test_previous_referrals_and_their_outcomes_are_pre_filled(session: Session) -> None:
    amy = complete_pupil(session)
    first = final_referral(session, amy)
    version = sent(session, first, date(2026, 11, 6))
    record_feedback(session, first, Feedback(date(2026, 11, 9),
                                             FeedbackOutcome.S17_ASSESSMENT), version)

    second = start_referral(session, ReferralKind.EARLY_HELP, pupil_id=amy.id)

    assert get_referral(session, second).content.previous_involvement == (
        "Children's social care (front door / MASH), sent 6 November 2026: "
        "child in need assessment (section 17).")


def test_a_referral_draws_only_on_concerns_about_its_child(session: Session) -> None:
    amy, ben = complete_pupil(session), complete_pupil(session, "Ben")
    with pytest.raises(InvalidInput, match="not on this child's file") as raised:
        start_referral(session, ReferralKind.CSC, pupil_id=amy.id,
                       concern_ids=(log_about(session, ben),))
    assert raised.value.field == "concern_ids"
    with pytest.raises(InvalidInput, match="Choose the child"):
        start_referral(session, ReferralKind.POLICE)


def test_a_contradiction_is_refused_with_its_field_but_a_gap_is_not(session: Session) -> None:
    amy = complete_pupil(session)
    referral_id = start_referral(session, ReferralKind.CSC, pupil_id=amy.id)
    record = get_referral(session, referral_id)
    contradictory = replace(record.content, parents_aware=False, consent=Consent.GIVEN)
    with pytest.raises(InvalidInput, match="cannot have consented") as raised:
        save_draft(session, referral_id, contradictory, record.version)
    assert raised.value.field == "consent"
    with pytest.raises(InvalidInput, match="stays with"):
        save_draft(session, referral_id, replace(record.content, kind=ReferralKind.POLICE),
                   record.version)
    gappy = replace(record.content, reason="Worried about bruising")  # no consent yet
    assert save_draft(session, referral_id, gappy, record.version) == 2


# -- finalising --------------------------------------------------------------------
def test_missing_information_blocks_finalising_until_acknowledged(session: Session) -> None:
    amy = complete_pupil(session, gp="")
    referral_id = start_referral(session, ReferralKind.CSC, pupil_id=amy.id,
                                 concern_ids=(log_about(session, amy),))
    version = filled_in(session, referral_id)

    with pytest.raises(MissingInformation) as raised:
        finalise(session, referral_id, version)
    assert raised.value.missing == ("No GP recorded",)
    assert "No GP recorded" in str(raised.value) and raised.value.field == "missing"
    assert get_referral(session, referral_id).state == "draft"
    assert referral_pack(session, referral_id).missing == ("No GP recorded",)

    assert finalise(session, referral_id, version, missing_acknowledged=True) == version + 1
    record = get_referral(session, referral_id)
    assert record.state == "final"
    assert record.versions[-1].reason == "Finalised with information missing: No GP recorded"


def test_a_complete_referral_finalises_without_acknowledging_anything(
        session: Session) -> None:
    referral_id = final_referral(session, complete_pupil(session))
    record = get_referral(session, referral_id)
    assert record.state == "final" and record.versions[-1].reason == "Finalised"


def test_a_final_referral_is_frozen_and_amended_only_with_a_reason(session: Session) -> None:
    referral_id = final_referral(session, complete_pupil(session))
    record = get_referral(session, referral_id)
    clearer = replace(record.content, reason="Bruising seen twice on the upper arm")

    with pytest.raises(InvalidInput, match="finalised: amend it"):
        save_draft(session, referral_id, clearer, record.version)
    with pytest.raises(InvalidInput, match="why") as raised:
        amend_referral(session, referral_id, clearer, "  ", record.version)
    assert raised.value.field == "reason"
    with pytest.raises(InvalidInput, match="Nothing has changed"):
        amend_referral(session, referral_id, record.content, "No change", record.version)
    with pytest.raises(InvalidInput, match="already final"):
        finalise(session, referral_id, record.version)

    assert amend_referral(session, referral_id, clearer, "Where the bruise was",
                          record.version) == record.version + 1
    amended = get_referral(session, referral_id)
    assert [v.number for v in amended.versions] == [1, 2, 3, 4]
    assert [v.reason for v in amended.versions] == [
        "", "Draft saved", "Finalised", "Where the bruise was"]
    assert amended.versions[2].content == record.content
    assert amended.content == clearer and amended.state == "final"
    with pytest.raises(InvalidInput, match="changed by someone else"):
        amend_referral(session, referral_id, replace(clearer, harm_type="Neglect"),
                       "Stale edit", record.version)
    assert verify_store(session).ok
    with pytest.raises(DatabaseError, match="never changed"), \
            session.db.write(session.user.id) as tx:
        tx.execute("UPDATE referral_versions SET body = '{}'")


def test_a_final_referral_prints_the_register_as_it_was_sent(session: Session) -> None:
    amy = complete_pupil(session)
    concern_id = log_about(session, amy, facts="Bruise on the left arm")
    sent_referral = final_referral(session, amy, concern_id)
    draft = start_referral(session, ReferralKind.EARLY_HELP, pupil_id=amy.id,
                           concern_ids=(concern_id,))
    record = pupils.get_pupil(session, amy.id)
    moved = replace(record.pupil, addresses=(Address(OLD_ADDRESS, moved_out=date(2026, 11, 20)),
                                             Address(NEW_ADDRESS)))
    pupils.amend_pupil(session, moved, "Family moved", record.version)
    stored = concerns.get_concern(session, concern_id)
    concerns.amend_concern(session, concern_id,
                           replace(stored.current, facts="Bruise on the right arm"),
                           "Wrong arm", 1)

    final_pack = referral_pack(session, sent_referral)
    assert final_pack.pupil is not None and final_pack.pupil.current_address is not None
    assert final_pack.pupil.current_address.text == OLD_ADDRESS
    assert [c.on_file.content.facts for c in final_pack.concerns] == ["Bruise on the left arm"]
    assert final_pack.concerns[0].version == 1 and final_pack.register_as_of is not None

    draft_pack = referral_pack(session, draft)
    assert draft_pack.pupil is not None and draft_pack.pupil.current_address is not None
    assert draft_pack.pupil.current_address.text == NEW_ADDRESS
    assert [c.on_file.content.facts for c in draft_pack.concerns] == ["Bruise on the right arm"]
    assert draft_pack.concerns[0].version == 2

    # An amendment choosing another concern adds it as the file shows it now; what
    # was sent stays as it was.
    later = log_about(session, amy, facts="Said she was scared to go home")
    current = get_referral(session, sent_referral)
    amend_referral(session, sent_referral,
                   replace(current.content, concern_ids=(concern_id, later)),
                   "Added the disclosure", current.version)
    amended_pack = referral_pack(session, sent_referral)
    assert [c.on_file.content.facts for c in amended_pack.concerns] == [
        "Bruise on the left arm", "Said she was scared to go home"]
    assert amended_pack.pupil == final_pack.pupil
    assert amended_pack.register_as_of == final_pack.register_as_of


@pytest.mark.parametrize("finalised", [False, True], ids=["draft", "final"])
def test_the_pack_never_shows_another_childs_role(session: Session, finalised: bool) -> None:
    amy, ben = complete_pupil(session), complete_pupil(session, "Benedikt")
    shared = concerns.log_concern(session, concern_content(
        InvolvedChild(amy.id, ChildRole.WITNESS), InvolvedChild(ben.id, ChildRole.VICTIM)))
    referral_id = start_referral(session, ReferralKind.CSC, pupil_id=amy.id,
                                 concern_ids=(shared,))
    filled_in(session, referral_id)
    if finalised:
        finalise(session, referral_id, get_referral(session, referral_id).version)

    pack = referral_pack(session, referral_id)

    (concern,) = pack.concerns
    assert concern.on_file.this_child_role is ChildRole.WITNESS
    assert [c.pupil_id for c in concern.on_file.content.children] == [amy.id]
    assert [(m.pupil_id, m.shown_name) for m in concern.on_file.other_children] == [
        (ben.id, None)]
    printed = codec.dumps(pack)
    assert "victim" not in printed and "Benedikt" not in printed


# -- tracking ----------------------------------------------------------------------
@pytest.mark.parametrize(("sent_on", "due"), [
    (date(2026, 11, 6), date(2026, 11, 9)),  # Friday: due Monday
    (date(2026, 8, 28), date(2026, 9, 1)),   # Friday before the summer bank holiday
], ids=["friday", "bank-holiday"])
def test_the_decision_is_due_one_working_day_after_sending(session: Session, sent_on: date,
                                                            due: date) -> None:
    amy = complete_pupil(session)
    referral_id = final_referral(session, amy)
    version = sent(session, referral_id, sent_on)

    assert get_referral(session, referral_id).tracking.decision_due() == due
    assert overdue_feedback(session, due) == []
    (overdue,) = overdue_feedback(session, due + timedelta(days=1))
    assert (overdue.id, overdue.pupil_id, overdue.pupil_name, overdue.kind,
            overdue.decision_due) == (referral_id, amy.id, "Amy Example", ReferralKind.CSC, due)
    assert overdue.sent_at == local(sent_on, 15)

    record_feedback(session, referral_id,
                    Feedback(due, FeedbackOutcome.NO_FURTHER_ACTION,
                             "Threshold not met; signposted to Early Help"), version)
    assert overdue_feedback(session, due + timedelta(days=1)) == []
    assert get_referral(session, referral_id).versions[-1].reason == (
        "Feedback recorded: No further action")


def test_overdue_feedback_is_ordered_and_the_deputys_work_list_only(
        store_path: Path, session: Session) -> None:
    amy, ben = complete_pupil(session), complete_pupil(session, "Ben")
    later, earlier = final_referral(session, amy), final_referral(session, ben)
    sent(session, later, date(2026, 11, 10))
    sent(session, earlier, date(2026, 11, 2))
    assert [o.id for o in overdue_feedback(session, date(2026, 11, 20))] == [earlier, later]
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    add_colleague(session, "sendco", Role.SENDCO)
    close(session)
    deputy = reopen(store_path, "deputy", "colleague password")
    assert len(overdue_feedback(deputy, date(2026, 11, 20))) == 2
    close(deputy)
    sendco = reopen(store_path, "sendco", "colleague password")
    assert overdue_feedback(sendco, date(2026, 11, 20)) == []
    close(sendco)


def test_sending_and_feedback_are_checked(session: Session) -> None:
    referral_id = final_referral(session, complete_pupil(session))
    version = get_referral(session, referral_id).version
    with pytest.raises(InvalidInput, match="before its feedback"):
        record_feedback(session, referral_id,
                        Feedback(date(2026, 11, 9), FeedbackOutcome.S47_ENQUIRY), version)
    with pytest.raises(InvalidInput, match="future") as raised:
        record_sending(session, referral_id, Sending(
            SendMethod.PORTAL, datetime.now().astimezone() + timedelta(days=1), "MASH"),
                       version)
    assert raised.value.field == "sent_at"
    with pytest.raises(InvalidInput, match="who the referral was sent to"):
        record_sending(session, referral_id,
                       Sending(SendMethod.PORTAL, local(date(2026, 11, 6), 9), "  "), version)
    version = sent(session, referral_id, date(2026, 11, 6))
    with pytest.raises(InvalidInput, match="reasons given for no further action") as raised:
        record_feedback(session, referral_id,
                        Feedback(date(2026, 11, 9), FeedbackOutcome.NO_FURTHER_ACTION), version)
    assert raised.value.field == "notes"
    with pytest.raises(InvalidInput, match="before the referral was sent"):
        record_feedback(session, referral_id,
                        Feedback(date(2026, 11, 5), FeedbackOutcome.S47_ENQUIRY), version)


def test_a_phone_referral_may_be_sent_before_the_written_one_is_final(
        session: Session) -> None:
    amy = complete_pupil(session)
    referral_id = start_referral(session, ReferralKind.POLICE, pupil_id=amy.id)
    sent(session, referral_id, date(2026, 11, 6))
    record = get_referral(session, referral_id)
    assert record.state == "draft" and record.tracking.sending is not None
    assert record.versions[-1].reason == "Sending recorded: phone to Front door (MASH)"


def test_chases_and_escalation_are_kept_in_date_order(session: Session) -> None:
    referral_id = final_referral(session, complete_pupil(session))
    sent(session, referral_id, date(2026, 11, 6))
    stages = escalation_stages(session)
    assert stages == list(DEFAULT_ESCALATION_STAGES)

    def follow(day: date, note: str, stage: str = "") -> int:
        version = get_referral(session, referral_id).version
        return add_follow_up(session, referral_id, FollowUp(day, "", note, stage), version)

    follow(date(2026, 11, 10), "Phoned the front door; no decision yet")
    follow(date(2026, 11, 12), "Emailed the team manager", stages[0])
    follow(date(2026, 11, 11), "Phoned again; left a message")  # entered late
    with pytest.raises(InvalidInput, match="escalation stages") as raised:
        follow(date(2026, 11, 13), "Wrote to the director", "Tell the newspaper")
    assert raised.value.field == "escalation_stage"
    with pytest.raises(InvalidInput, match="before the referral was sent"):
        follow(date(2026, 11, 5), "Chased")
    with pytest.raises(InvalidInput, match="Say what was done"):
        follow(date(2026, 11, 13), "   ")

    record = get_referral(session, referral_id)
    entries = record.tracking.follow_ups
    assert [(f.on.day, f.escalation_stage) for f in entries] == [
        (10, ""), (11, ""), (12, stages[0])]
    assert {f.by for f in entries} == {"Jo Bloggs"}
    assert [v.reason for v in record.versions[-3:]] == [
        "Chased", f"Escalation: {stages[0]}", "Chased"]
    record_follow_up_outcome(session, referral_id, 2, "Decision promised by Friday",
                             record.version)
    outcomes = [f.outcome for f in get_referral(session, referral_id).tracking.follow_ups]
    assert outcomes == ["", "", "Decision promised by Friday"]


def test_the_dsl_sets_the_escalation_stages(store_path: Path, session: Session) -> None:
    set_escalation_stages(session, ["  Team   manager ", "", "Head of service"])
    assert escalation_stages(session) == ["Team manager", "Head of service"]
    with pytest.raises(InvalidInput, match="at least one"):
        set_escalation_stages(session, [" "])
    with pytest.raises(InvalidInput, match="twice"):
        set_escalation_stages(session, ["Team manager", "team manager"])
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    close(session)
    deputy = reopen(store_path, "deputy", "colleague password")
    with pytest.raises(PermissionDenied):
        set_escalation_stages(deputy, ["Anything"])
    close(deputy)


# -- who may do what ---------------------------------------------------------------
def test_the_sendco_and_auditor_read_a_pupils_referrals_but_cannot_change_them(
        store_path: Path, session: Session) -> None:
    amy = complete_pupil(session, send_status=SendStatus.EHCP)  # in the SENDCO's sight
    referral_id = final_referral(session, amy)
    version = get_referral(session, referral_id).version
    for login, role in (("sendco", Role.SENDCO), ("auditor", Role.AUDITOR)):
        add_colleague(session, login, role)
    close(session)
    for login in ("sendco", "auditor"):
        reader = reopen(store_path, login, "colleague password")
        assert [r.id for r in referrals_for_pupil(reader, amy.id)] == [referral_id]
        assert get_referral(reader, referral_id).state == "final"
        assert referral_pack(reader, referral_id).pupil == amy
        with pytest.raises(PermissionDenied, match="can read referrals but not"):
            start_referral(reader, ReferralKind.CSC, pupil_id=amy.id)
        with pytest.raises(PermissionDenied):
            record_sending(reader, referral_id, Sending(
                SendMethod.PHONE, local(date(2026, 11, 6), 9), "MASH"), version)
        with pytest.raises(PermissionDenied):
            amend_referral(reader, referral_id, get_referral(reader, referral_id).content,
                           "Reader edit", version)
        close(reader)


def test_a_deputy_drafts_and_sends_referrals_about_pupils(store_path: Path,
                                                           session: Session) -> None:
    amy = complete_pupil(session)
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    close(session)
    deputy = reopen(store_path, "deputy", "colleague password")
    referral_id = final_referral(deputy, amy)
    sent(deputy, referral_id, date(2026, 11, 6))
    record = get_referral(deputy, referral_id)
    assert record.content.referrer_name == "Deputy"
    assert record.content.dsl_consulted == "Jo Bloggs"
    assert {v.saved_by for v in record.versions} == {"Deputy"}
    close(deputy)


def test_a_lado_referral_is_the_dsls_alone_and_never_on_a_pupils_file(
        store_path: Path, session: Session) -> None:
    amy = complete_pupil(session, send_status=SendStatus.EHCP)  # in the SENDCO's sight
    pupil_referral = final_referral(session, amy)
    allegation_id = adult_concerns.record_adult_concern(session, allegation())
    with pytest.raises(InvalidInput, match="allegation on the register"):
        start_referral(session, ReferralKind.LADO)
    with pytest.raises(InvalidInput, match="kept off pupils' files"):
        start_referral(session, ReferralKind.LADO, pupil_id=amy.id,
                       adult_concern_id=allegation_id)
    low_level = adult_concerns.record_adult_concern(session, replace(
        allegation(), kind=AdultConcernKind.LOW_LEVEL, thresholds=()))
    with pytest.raises(InvalidInput, match="Only an allegation goes to the LADO"):
        start_referral(session, ReferralKind.LADO, adult_concern_id=low_level)
    lado = start_referral(session, ReferralKind.LADO, adult_concern_id=allegation_id)
    record = get_referral(session, lado)
    assert record.content.pupil_id is None and record.content.adult_concern_id == allegation_id
    content = replace(record.content, referrer_contact="01234",
                      reason=f"Allegation about a coach ({SECRET})")
    finalise(session, lado, save_draft(session, lado, content, record.version))
    pack = referral_pack(session, lado)
    assert pack.pupil is None and pack.concerns == () and pack.missing == ()
    assert pack.adult_concern == allegation()
    sent(session, lado, date(2026, 11, 6))

    assert [r.id for r in referrals_for_pupil(session, amy.id)] == [pupil_referral]
    assert [o.id for o in overdue_feedback(session, date(2026, 11, 20))] == []
    assert search.search(session, SECRET) == []  # referrals are not in the shared index
    for login, role in (("deputy", Role.DEPUTY_DSL), ("sendco", Role.SENDCO),
                        ("auditor", Role.AUDITOR)):
        add_colleague(session, login, role)
    close(session)
    for login in ("deputy", "sendco", "auditor"):
        other = reopen(store_path, login, "colleague password")
        for read in (get_referral, referral_pack):
            with pytest.raises(PermissionDenied, match="LADO"):
                read(other, lado)
        with pytest.raises(PermissionDenied, match="LADO"):
            start_referral(other, ReferralKind.LADO, adult_concern_id=allegation_id)
        with pytest.raises(PermissionDenied, match="LADO"):
            record_sending(other, lado, Sending(
                SendMethod.PHONE, local(date(2026, 11, 6), 9), "LADO"), 1)
        assert [r.id for r in referrals_for_pupil(other, amy.id)] == [pupil_referral]
        close(other)


def test_a_draft_leaves_out_a_concern_no_longer_about_its_child(session: Session) -> None:
    amy, ben = complete_pupil(session), complete_pupil(session, "Ben")
    shared = concerns.log_concern(session, concern_content(
        InvolvedChild(amy.id, ChildRole.SUBJECT), InvolvedChild(ben.id, ChildRole.WITNESS)))
    referral_id = start_referral(session, ReferralKind.CSC, pupil_id=amy.id,
                                 concern_ids=(shared,))
    version = filled_in(session, referral_id)
    stored = concerns.get_concern(session, shared).current
    concerns.amend_concern(session, shared, replace(stored, children=stored.children[1:]),
                           "Recorded on the wrong child", 1)

    assert referral_pack(session, referral_id).concerns == ()
    with pytest.raises(InvalidInput, match="not on this child's file"):
        finalise(session, referral_id, version, missing_acknowledged=True)


# -- the demo ----------------------------------------------------------------------
def test_the_demo_referrals_show_every_part_of_tracking(session: Session) -> None:
    today = date(2026, 11, 23)
    session.db.clock = lambda: datetime(2026, 11, 23, 16, 0).astimezone()
    add_demo_records(session, today)
    add_demo_referrals(session, today)

    made = [r for p in pupils.list_pupils(session) for r in referrals_for_pupil(session, p.id)]
    assert len(made) == 5
    drafts = [r for r in made if r.state == "draft"]
    assert len(drafts) == 1 and drafts[0].tracking.sending is None
    assert "Consent not recorded" in referral_pack(session, drafts[0].id).missing
    outcomes = {r.tracking.feedback.outcome for r in made if r.tracking.feedback}
    assert outcomes == {FeedbackOutcome.S17_ASSESSMENT, FeedbackOutcome.NO_FURTHER_ACTION,
                        FeedbackOutcome.STRATEGY_DISCUSSION}
    (escalated,) = [r for r in made if r.tracking.follow_ups]
    assert [bool(f.escalation_stage) for f in escalated.tracking.follow_ups] == [False, True]
    (overdue,) = overdue_feedback(session, today)
    assert overdue.decision_due < today
    assert all(v.saved_at <= session.db.clock() for r in made for v in r.versions)
    assert verify_store(session).ok

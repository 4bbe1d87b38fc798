"""A SENDCO sees the records of pupils with SEND and nothing else, through every
service call — not only on screen.

One store holds Amy (SEN support) and Ben, who had an EHCP when the DSL asked the
SENDCO about him and has none now, each with a concern, a body map, a chronology
event, a referral and a case, plus a concern about both, and each in a family with
a sibling without SEND. Every public service function that takes a pupil's or a
record's id is found by looking (so one added later without the check fails
here) and called as the SENDCO with Ben's ids: each must refuse with
PermissionDenied. The DSL, a deputy and the auditor see everything; and on the
demo store the SENDCO can open exactly the files of its pupils with SEND.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import sgdesk.services
from sgdesk.models.casework import CaseContent, CaseKind
from sgdesk.models.chronology import ChronologyEvent, ChronologyFilter, EventKind
from sgdesk.models.concerns import ChildRole, Decision, InvolvedChild, Review
from sgdesk.models.errors import PermissionDenied
from sgdesk.models.pupils import Pupil, SendStatus
from sgdesk.models.referrals import (
    Feedback,
    FeedbackOutcome,
    FollowUp,
    ReferralKind,
    Sending,
    SendMethod,
)
from sgdesk.models.sendco import SendcoRecordKind
from sgdesk.models.users import Role
from sgdesk.services import (
    body_maps,
    casework,
    chronology,
    concerns,
    pupils,
    referrals,
    search,
    sendco_input,
    users,
)
from sgdesk.services.demo import create_demo_store
from sgdesk.services.pdf import body_map_report, case_report, chronology_report, concern_report
from sgdesk.services.session import LockedStore, Session
from sgdesk.storage import kdf, keyslots
from tests.body_map_helpers import map_of
from tests.conftest import FAST_KDF
from tests.helpers import (
    WHEN,
    add_colleague,
    add_pupil,
    close,
    concern_content,
    log_about,
    make_store,
)

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
PASSWORD = "colleague password"


# -- the store ---------------------------------------------------------------------------
@dataclass(frozen=True)
class World:
    """Sessions for each role on one store, and the records the tests reach for."""

    dsl: Session
    sendco: Session
    deputy: Session
    auditor: Session
    amy: Pupil
    ben: Pupil
    eve: Pupil  # Amy's sister, without SEND
    ids: dict[str, Any]  # Ben's records by the parameter name that takes them
    amy_ids: dict[str, Any]
    mixed_concern: str  # about Amy (victim) and Ben (alleged perpetrator, name shown)
    contents: dict[str, Any]  # Ben's records' current contents, by service module


def as_user(session: Session, login: str) -> Session:
    """Another user signed in on the same connection (what unlocking gives them)."""
    user = next(u for u in users.list_users(session) if u.login == login)
    return Session(session.store, session.db, user, session.master_key)


def records_about(session: Session, pupil: Pupil, family_id: str) -> dict[str, Any]:
    """A concern, body map, event, family event, referral and case about ``pupil``."""
    concern_id = log_about(session, pupil, facts=f"{pupil.legal_forename} said it hurt")
    referral_id = referrals.start_referral(session, ReferralKind.CSC, pupil_id=pupil.id,
                                           concern_ids=(concern_id,))
    return {
        "pupil_id": pupil.id,
        "concern_id": concern_id,
        "map_id": body_maps.add_body_map(session, map_of(pupil.id, concern_id=concern_id)),
        "event_id": chronology.add_event(session, ChronologyEvent.of_kind(
            EventKind.MISSING_EPISODE, date(2026, 10, 5), "Missing overnight",
            pupil_id=pupil.id, source="Police")),
        "family_event_id": chronology.add_event(session, ChronologyEvent.of_kind(
            EventKind.HOUSEHOLD_CHANGE, date(2026, 10, 6), "Father left the home",
            family_id=family_id, source="Mother")),
        "referral_id": referral_id,
        "case_id": casework.open_case(session, CaseContent(
            CaseKind.EARLY_HELP, pupil.id, None, "Jo Bloggs", "", date(2026, 11, 3),
            referral_id=referral_id)),
        "family_id": family_id,
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Built once for the module (the autouse fixtures are per test, so this sets
    up the fast key derivation and the home folder itself)."""
    base = tmp_path_factory.mktemp("sendco-access")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kdf, "calibrated_params", lambda: FAST_KDF)
        patch.setattr(keyslots, "calibrated_params", lambda: FAST_KDF)
        patch.setenv("SGDESK_HOME", str(base / "home"))
        dsl, _ = make_store(base / "records.sgdesk")
        dsl.db.clock = lambda: NOW
        for login, role in (("sendco", Role.SENDCO), ("deputy", Role.DEPUTY_DSL),
                            ("auditor", Role.AUDITOR)):
            add_colleague(dsl, login, role)
        amy = add_pupil(dsl, "Amy", "Able", send_status=SendStatus.SEN_SUPPORT,
                        date_of_birth=date(2014, 3, 1))
        eve = add_pupil(dsl, "Eve", "Able", date_of_birth=date(2012, 3, 1))
        ben = add_pupil(dsl, "Ben", "Brook", send_status=SendStatus.EHCP,
                        date_of_birth=date(2013, 6, 1))
        dan = add_pupil(dsl, "Dan", "Brook", date_of_birth=date(2011, 6, 1))
        amy_family = pupils.link_family(dsl, [amy.id, eve.id], "Able family")
        ben_family = pupils.link_family(dsl, [ben.id, dan.id], "Brook family")
        amy, eve, ben = (pupils.get_pupil(dsl, p.id).pupil for p in (amy, eve, ben))
        amy_ids = records_about(dsl, amy, amy_family)
        ids = records_about(dsl, ben, ben_family)
        mixed = concerns.log_concern(dsl, concern_content(
            InvolvedChild(amy.id, ChildRole.VICTIM),
            InvolvedChild(ben.id, ChildRole.ALLEGED_PERPETRATOR, name_shown_to_others=True),
            facts="Pushed in the lunch queue"))
        body_maps.add_body_map(dsl, map_of(amy.id, concern_id=mixed))
        amy_ids["sent_referral"] = referrals.start_referral(
            dsl, ReferralKind.CSC, pupil_id=amy.id, concern_ids=(mixed,))
        referrals.finalise(dsl, amy_ids["sent_referral"], 1, missing_acknowledged=True)
        body_maps.add_body_map(dsl, map_of(ben.id, concern_id=mixed))
        ids["request_id"] = sendco_input.ask_sendco(
            dsl, SendcoRecordKind.CONCERN, ids["concern_id"], ben.id,
            "How does Ben usually show pain?")
        amy_ids["request_id"] = sendco_input.ask_sendco(
            dsl, SendcoRecordKind.CONCERN, amy_ids["concern_id"], amy.id,
            "Is this usual for Amy?")
        # Ben's EHCP has ended: his records leave the SENDCO's sight.
        record = pupils.get_pupil(dsl, ben.id)
        pupils.amend_pupil(dsl, replace(record.pupil, send_status=SendStatus.NONE),
                           "EHCP ceased", record.version)
        ben = pupils.get_pupil(dsl, ben.id).pupil
        ids |= {"pupil_ids": [amy.id, ben.id], "concern_ids": (ids["concern_id"],),
                "record_id": ids["concern_id"], "source_id": ids["concern_id"],
                "id_or_upn": ben.id}
        contents = {
            "concerns": concerns.get_concern(dsl, ids["concern_id"]).current,
            "body_maps": body_maps.get_body_map(dsl, ids["map_id"]).current,
            "chronology": chronology.get_event(dsl, ids["event_id"]).current,
            "casework": casework.get_case(dsl, ids["case_id"]).current,
            "referrals": referrals.get_referral(dsl, ids["referral_id"]).content,
            "pupils": ben,
        }
        yield World(dsl, as_user(dsl, "sendco"), as_user(dsl, "deputy"),
                    as_user(dsl, "auditor"), amy, ben, eve, ids, amy_ids, mixed, contents)
        close(dsl)


# -- every service function that takes an id -------------------------------------------
#: Functions that take an id but are not a way to a pupil's records, each with why.
EXEMPT = {
    # The rule itself: these answer "may they?" and leave refusing to their callers.
    "sgdesk.services.access.pupil_visible",
    "sgdesk.services.access.visible_ids",
    # The rule for a record about several children: passes when any is in sight
    # (here Amy), by design; what it guards is tested through its callers.
    "sgdesk.services.access.require_any_visible",
}

#: Values for the other parameters, by name; ``content`` comes from the record's module.
OTHER_ARGUMENTS: dict[str, Any] = {
    "reason": "Checked by the SENDCO", "base_version": 1, "label": "A family",
    "left_on": date(2026, 11, 9), "destination": "Another school", "source_kind": "concern",
    "significant": True, "kind": ReferralKind.CSC, "position": 0, "outcome": "Done",
    "chosen": ChronologyFilter(), "question": "What helps him?", "answer": "Visual cards.",
    "record_kind": SendcoRecordKind.CONCERN, "moved_on": date(2026, 11, 9),
    "new_school": "Hill School", "dest": Path("/nonexistent/out.bundle"),
    "moment": NOW, "acknowledged_by": "Office", "acknowledged_at": NOW, "how": "email",
    "review": Review(Decision.MONITOR, "Watch", "Sam", "SENDCO", date(2026, 11, 9)),
    "sending": Sending(SendMethod.PHONE, NOW, "MASH"),
    "feedback": Feedback(date(2026, 11, 9), FeedbackOutcome.NO_FURTHER_ACTION),
    "follow_up": FollowUp(date(2026, 11, 9), "Sam", "Chased"),
}


class Unfilled:
    """Stands for an argument this table does not know: a function must refuse a
    SENDCO before it looks at its arguments, so it is never used."""


def id_parameter(name: str) -> bool:
    return name.endswith(("_id", "_ids")) or name == "id_or_upn"


def service_functions() -> list[tuple[str, Callable[..., Any]]]:
    """Every public function of sgdesk.services (and its packages) that takes a
    session first and an id of some record after it, by dotted name."""
    found = []
    for module_info in pkgutil.walk_packages(sgdesk.services.__path__, "sgdesk.services."):
        module = importlib.import_module(module_info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            parameters = list(inspect.signature(function).parameters)
            if parameters[:1] == ["session"] and any(id_parameter(p) for p in parameters):
                found.append((f"{module.__name__}.{name}", function))
    return found


GUARDED = [(name, function) for name, function in service_functions() if name not in EXEMPT]


def arguments(world: World, dotted: str, function: Callable[..., Any]) -> dict[str, Any]:
    """Ben's ids for the id parameters, the table's values for the rest (required
    ones only; optional ones keep their defaults)."""
    module = dotted.split(".")[-2]
    chosen: dict[str, Any] = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if name == "session":
            continue
        if name in world.ids:
            chosen[name] = world.ids[name]
        elif parameter.default is not inspect.Parameter.empty:
            continue
        elif name in ("content", "pupil") and module in world.contents:
            chosen[name] = world.contents[module]
        else:
            chosen[name] = OTHER_ARGUMENTS.get(name, Unfilled())
    return chosen


def test_the_search_for_service_functions_finds_the_record_readers() -> None:
    """The enumeration itself works: it finds the functions this file was written
    against (so an empty list could not pass the test below silently)."""
    names = {name for name, _ in GUARDED}
    assert {
        "sgdesk.services.pupils.get_pupil", "sgdesk.services.concerns.concern_on_file",
        "sgdesk.services.body_maps.body_maps_for_concern",
        "sgdesk.services.chronology.family_chronology",
        "sgdesk.services.referrals.referral_pack", "sgdesk.services.casework.get_case",
        "sgdesk.services.pdf.concern_report.concern_pdf",
        "sgdesk.services.sendco_input.requests_for_record",
    } <= names
    assert len(GUARDED) >= 50


@pytest.mark.parametrize(("dotted", "function"), GUARDED, ids=[name for name, _ in GUARDED])
def test_a_sendco_is_refused_every_record_of_a_pupil_without_send(
        world: World, dotted: str, function: Callable[..., Any]) -> None:
    with pytest.raises(PermissionDenied) as refused:
        function(world.sendco, **arguments(world, dotted, function))
    for name in ("Ben", "Brook", "Dan"):
        assert name not in str(refused.value)


# -- what the SENDCO does see ------------------------------------------------------------
def test_a_sendco_lists_and_finds_only_pupils_with_send(world: World) -> None:
    assert [e.id for e in pupils.list_pupils(world.sendco)] == [world.amy.id]
    assert len(pupils.list_pupils(world.dsl)) == 4
    assert search.search(world.sendco, "Brook") == []
    assert {h.record_id for h in search.search(world.dsl, "Brook")} == {
        world.ben.id, *(e.id for e in pupils.list_pupils(world.dsl) if e.sort_name ==
                        "Brook, Dan")}
    assert [h.record_id for h in search.search(world.sendco, "Able")] == [world.amy.id]
    hits = search.search(world.sendco, "hurt")
    assert [h.record_id for h in hits] == [world.amy_ids["concern_id"]]
    queue = search.search(world.sendco, "queue")  # the concern about both children
    assert [(h.record_id, h.pupil_ids) for h in queue] == [(world.mixed_concern,
                                                           (world.amy.id,))]
    assert set(search.search(world.dsl, "queue")[0].pupil_ids) == {world.amy.id, world.ben.id}


def test_a_sendco_sees_a_shared_concern_only_from_the_send_pupils_file(world: World) -> None:
    on_file = concerns.concern_on_file(world.sendco, world.mixed_concern, world.amy.id)
    (other,) = on_file.current.on_file.other_children
    assert other.pupil_id == world.ben.id and other.shown_name is None
    dsl_view = concerns.concern_on_file(world.dsl, world.mixed_concern, world.amy.id)
    assert dsl_view.current.on_file.other_children[0].shown_name == "Ben Brook"
    assert on_file.current.on_file.content.children == (
        InvolvedChild(world.amy.id, ChildRole.VICTIM),)
    with pytest.raises(PermissionDenied, match="also about a pupil"):
        concerns.get_concern(world.sendco, world.mixed_concern)
    assert concerns.get_concern(world.sendco, world.amy_ids["concern_id"]).current
    maps = body_maps.body_maps_for_concern(world.sendco, world.mixed_concern)
    assert [m.current.pupil_id for m in maps] == [world.amy.id]
    assert len(body_maps.body_maps_for_concern(world.dsl, world.mixed_concern)) == 2
    pdf = concern_report.concern_pdf(world.sendco, world.mixed_concern, world.amy.id)
    assert pdf.startswith(b"%PDF")
    # A referral as sent keeps the names the DSL chose; the SENDCO still sees none
    # of a child out of their sight.
    sent = world.amy_ids["sent_referral"]
    (as_sent,) = referrals.referral_pack(world.dsl, sent).concerns
    assert as_sent.on_file.other_children[0].shown_name == "Ben Brook"
    (to_sendco,) = referrals.referral_pack(world.sendco, sent).concerns
    assert to_sendco.on_file.other_children[0].shown_name is None


def test_a_sendcos_home_list_names_only_pupils_with_send(world: World) -> None:
    recent = concerns.home_lists(world.sendco, NOW.date()).recently_logged
    assert {c.id for c in recent} == {world.amy_ids["concern_id"], world.mixed_concern}
    assert {c.children for c in recent} == {("Amy Able",)}
    assert {c.pupil_id for c in recent} == {world.amy.id}
    everyone = concerns.home_lists(world.dsl, NOW.date()).recently_logged
    assert ("Amy Able", "Ben Brook") in {c.children for c in everyone}


def test_a_sendco_sees_a_mixed_family_through_its_child_with_send(world: World) -> None:
    family_id = world.amy_ids["family_id"]
    assert pupils.get_pupil(world.sendco, world.amy.id).family == ()
    assert [p.id for p in pupils.get_pupil(world.dsl, world.amy.id).family] == [world.eve.id]
    assert [p.id for p in pupils.family_members(world.sendco, family_id)] == [world.amy.id]
    lines = chronology.family_chronology(world.sendco, family_id)
    assert {e.pupil_id for e in lines} == {world.amy.id, None}  # None: the family's event
    assert chronology.get_event(world.sendco, world.amy_ids["family_event_id"]).current
    pdf = chronology_report.family_chronology_pdf(world.sendco, family_id, ChronologyFilter())
    assert pdf.startswith(b"%PDF")


def test_a_sendco_reads_every_record_of_a_pupil_with_send(world: World) -> None:
    """The refusals above are about whose records, not what kind: Amy's all open."""
    ids, sendco = world.amy_ids, world.sendco
    assert pupils.get_pupil(sendco, ids["pupil_id"]).pupil == world.amy
    assert len(concerns.concerns_on_file(sendco, ids["pupil_id"])) == 2
    assert body_maps.get_body_map(sendco, ids["map_id"]).current.pupil_id == world.amy.id
    assert len(body_maps.body_maps_for_pupil(sendco, ids["pupil_id"])) == 2
    assert chronology.pupil_chronology(sendco, ids["pupil_id"])
    assert referrals.referral_pack(sendco, ids["referral_id"]).pupil == world.amy
    assert casework.get_case(sendco, ids["case_id"]).current.pupil_id == world.amy.id
    for pdf in (body_map_report.body_map_pdf(sendco, ids["map_id"]),
                case_report.case_notes_pdf(sendco, ids["case_id"]),
                concern_report.concern_list_pdf(sendco, ids["pupil_id"])):
        assert pdf.startswith(b"%PDF")
    assert [e.id for e in sendco_input.open_requests(sendco)] == [ids["request_id"]]


@pytest.mark.parametrize("role", ["dsl", "deputy", "auditor"])
def test_the_dsl_a_deputy_and_the_auditor_see_every_pupils_records(world: World,
                                                                    role: str) -> None:
    reader: Session = getattr(world, role)
    ids = world.ids
    assert pupils.get_pupil(reader, ids["pupil_id"]).pupil == world.ben
    assert pupils.family_members(reader, ids["family_id"])
    assert concerns.concern_on_file(reader, ids["concern_id"], ids["pupil_id"]).current
    assert concerns.get_concern(reader, world.mixed_concern).current
    assert body_maps.get_body_map(reader, ids["map_id"]).current.pupil_id == world.ben.id
    assert len(body_maps.body_maps_for_concern(reader, world.mixed_concern)) == 2
    assert chronology.get_event(reader, ids["event_id"]).current
    assert chronology.family_chronology(reader, ids["family_id"])
    assert referrals.get_referral(reader, ids["referral_id"]).content.pupil_id == world.ben.id
    assert casework.get_case(reader, ids["case_id"]).current.pupil_id == world.ben.id
    assert [r.id for r in sendco_input.requests_for_record(reader, ids["concern_id"])] == [
        ids["request_id"]]
    assert case_report.plan_pdf(reader, ids["case_id"]).startswith(b"%PDF")
    assert len(pupils.list_pupils(reader)) == 4


# -- what a SENDCO may write -------------------------------------------------------------
def test_a_sendco_writes_about_pupils_with_send_only(store_path: Path) -> None:
    dsl, _ = make_store(store_path)
    dsl.db.clock = lambda: NOW
    add_colleague(dsl, "sendco", Role.SENDCO)
    amy = add_pupil(dsl, "Amy", "Able", send_status=SendStatus.EHCP)
    ben = add_pupil(dsl, "Ben", "Brook")
    family_id = pupils.link_family(dsl, [amy.id, ben.id], "Mixed family")
    sendco = as_user(dsl, "sendco")
    about_ben = concern_content(InvolvedChild(ben.id, ChildRole.SUBJECT))
    about_both = concern_content(InvolvedChild(amy.id, ChildRole.VICTIM),
                                 InvolvedChild(ben.id, ChildRole.WITNESS))
    refusals: list[Callable[[], object]] = [
        lambda: concerns.log_concern(sendco, about_ben),
        lambda: concerns.log_concern(sendco, about_both),
        lambda: body_maps.add_body_map(sendco, map_of(ben.id)),
        lambda: chronology.add_event(sendco, ChronologyEvent.of_kind(
            EventKind.OTHER, date(2026, 11, 1), "Seen", pupil_id=ben.id, source="Me")),
        lambda: pupils.add_pupil(sendco, Pupil("", "Cal", "Cole", date_of_birth=WHEN.date())),
        lambda: pupils.amend_pupil(sendco, replace(ben, send_status=SendStatus.EHCP),
                                   "Has an EHCP", 1),
        lambda: pupils.link_family(sendco, [amy.id, ben.id], "Family"),
        lambda: referrals.start_referral(sendco, ReferralKind.CSC, pupil_id=amy.id),
        lambda: casework.open_case(sendco, CaseContent(CaseKind.EARLY_HELP, amy.id, None,
                                                       "Sam", "", date(2026, 11, 3))),
        lambda: sendco_input.ask_sendco(sendco, SendcoRecordKind.CONCERN, "any", amy.id,
                                        "Can I ask myself?"),
    ]
    for refused in refusals:
        with pytest.raises(PermissionDenied):
            refused()
    # A concern the SENDCO logged about Amy alone they can amend; once the DSL adds
    # Ben to it, it is no longer theirs to read whole or to change.
    mine = concerns.log_concern(sendco, concern_content(InvolvedChild(amy.id,
                                                                      ChildRole.SUBJECT)))
    first = concerns.get_concern(sendco, mine).current
    concerns.amend_concern(sendco, mine, replace(first, facts="Crying at the gate"),
                           "Wrote what I saw", 1)
    concerns.amend_concern(dsl, mine, replace(first, children=about_both.children),
                           "Ben was there too", 2)
    with pytest.raises(PermissionDenied):
        concerns.get_concern(sendco, mine)
    with pytest.raises(PermissionDenied):
        concerns.amend_concern(sendco, mine, first, "Take Ben off", 3)
    assert body_maps.add_body_map(sendco, map_of(amy.id, concern_id=mine))
    assert chronology.add_event(sendco, ChronologyEvent.of_kind(
        EventKind.FAMILY_EVENT, date(2026, 11, 1), "Moved house", family_id=family_id,
        source="Mother"))
    assert pupils.add_pupil(sendco, Pupil("", "Cal", "Cole", date_of_birth=WHEN.date(),
                                          send_status=SendStatus.SEN_SUPPORT))
    close(dsl)


# -- the demo store, pupil by pupil --------------------------------------------------------
def test_on_the_demo_store_the_sendco_opens_exactly_the_files_of_pupils_with_send(
        tmp_path: Path) -> None:
    store = create_demo_store(tmp_path / "demo.sgdesk", clock=lambda: NOW)
    locked = LockedStore(store)
    dsl = locked.unlock("dsl", "demo-store-only").session
    try:
        sendco = as_user(dsl, "sendco")
        register = pupils.list_pupils(dsl)
        with_send = {e.id for e in register if e.send_status is not SendStatus.NONE}
        assert 0 < len(with_send) < len(register)
        assert {e.id for e in pupils.list_pupils(sendco)} == with_send
        per_pupil = (pupils.get_pupil, concerns.concerns_on_file, body_maps.body_maps_for_pupil,
                     chronology.pupil_chronology, referrals.referrals_for_pupil,
                     casework.cases_for_pupil)
        shared = 0
        for entry in register:
            for read in per_pupil:
                if entry.id in with_send:
                    read(sendco, entry.id)
                else:
                    with pytest.raises(PermissionDenied):
                        read(sendco, entry.id)
            for concern in concerns.concerns_on_file(dsl, entry.id):
                children = {c.pupil_id for c in
                            concerns.get_concern(dsl, concern.id).current.children}
                shared += bool(children & with_send) and not children <= with_send
                if children & with_send:
                    body_maps.body_maps_for_concern(sendco, concern.id)
                else:
                    with pytest.raises(PermissionDenied):
                        body_maps.body_maps_for_concern(sendco, concern.id)
        assert shared  # concerns about a child with SEND and one without were checked
        hits = [hit for word in ("said", "school", "home", "mum")
                for hit in search.search(sendco, word)]
        assert hits and all(h.pupil_ids and set(h.pupil_ids) <= with_send for h in hits)
    finally:
        close(dsl)

"""Casework in a real encrypted store: statutory clocks on working days (over bank
holidays and the school's closure days), every change a version with its reason,
the DSL's and deputies' to keep and others' to read, and each step on the child's
chronology."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

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
    case_clocks,
)
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.pupils import SendStatus
from sgdesk.models.users import Role
from sgdesk.services.casework import (
    amend_case,
    cases_for_pupil,
    clocks_due,
    get_case,
    open_case,
)
from sgdesk.services.chronology import pupil_chronology
from sgdesk.services.demo_casework import add_demo_casework
from sgdesk.services.demo_records import add_demo_records
from sgdesk.services.demo_referrals import add_demo_referrals
from sgdesk.services.maintenance import verify_store
from sgdesk.services.pupils import list_pupils
from sgdesk.services.school_calendar import SchoolDates, set_school_calendar
from sgdesk.services.session import Session
from sgdesk.storage import codec
from sgdesk.storage.database import DatabaseError
from tests.helpers import add_colleague, add_pupil, close, make_store, reopen

BEFORE_CHRISTMAS = date(2025, 12, 19)  # a Friday; 25, 26 Dec and 1 Jan are bank holidays
BEFORE_EASTER = date(2026, 4, 2)  # Maundy Thursday; Good Friday and Easter Monday follow


@pytest.fixture
def session(store_path: Path) -> Session:
    made = make_store(store_path)[0]
    made.db.clock = lambda: datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    return made


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def s17_case(pupil_id: str, started_on: date = BEFORE_CHRISTMAS, **changes: object
             ) -> CaseContent:
    return replace(CaseContent(CaseKind.S17, pupil_id, None, "Jo Bloggs",
                               "Priya Shah, practice supervisor", started_on), **changes)


def home_visit(day: date, **changes: object) -> Visit:
    return replace(Visit(at(day, 16), "Jo Bloggs (DSL)", "Family home", "Home visit",
                         child_seen=True, seen_alone=False,
                         not_seen_alone_reason="Mum would not leave the room"), **changes)


# -- clocks ------------------------------------------------------------------------
def test_the_s17_assessment_clock_skips_the_christmas_bank_holidays() -> None:
    content = s17_case("p")
    # 45 weekdays after Friday 19 December is Friday 20 February; Christmas Day,
    # Boxing Day and New Year's Day push it three working days on.
    (clock,) = case_clocks(content)
    assert clock.due == date(2026, 2, 25) and not clock.done
    assert clock.overdue(date(2026, 2, 26)) and not clock.overdue(date(2026, 2, 25))
    done = replace(content, assessment=Assessment(completed_on=date(2026, 2, 27)))
    assert case_clocks(done)[0].done and not case_clocks(done)[0].overdue(date(2026, 3, 9))
    assert case_clocks(replace(content, kind=CaseKind.EARLY_HELP)) == []


def test_the_icpc_clock_runs_from_the_latest_strategy_discussion_over_easter() -> None:
    strategy = Meeting(MeetingKind.STRATEGY_DISCUSSION, at(BEFORE_EASTER), decisions="s47")
    content = replace(s17_case("p", date(2026, 3, 2), kind=CaseKind.S47),
                      meetings=(strategy,))
    # 15 weekdays after Thursday 2 April is Thursday 23 April; Good Friday and
    # Easter Monday make it Monday 27 April.
    (clock,) = case_clocks(content)
    assert (clock.due, clock.done) == (date(2026, 4, 27), False)
    conference = Meeting(MeetingKind.ICPC, at(date(2026, 4, 24)), decisions="CP plan",
                         next_date=date(2026, 7, 20))
    held = case_clocks(replace(content, meetings=(strategy, conference)))
    assert [(c.due, c.done) for c in held] == [(date(2026, 4, 27), True),
                                               (date(2026, 7, 20), False)]
    assert held[1].name == "Next meeting"
    closed = replace(content, meetings=(strategy, conference), closed_on=date(2026, 5, 1),
                     closure_reason="Stepped down")
    assert [c.name for c in case_clocks(closed)] == [held[0].name]


def test_a_case_header_counts_the_schools_closure_days(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    case_id = open_case(session, s17_case(amy.id))
    assert get_case(session, case_id).clocks[0].due == date(2026, 2, 25)
    set_school_calendar(session, SchoolDates(closure_days=(date(2026, 1, 13),)))
    assert get_case(session, case_id).clocks[0].due == date(2026, 2, 26)


def test_clocks_due_lists_an_overdue_s17_assessment_first(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    ben = add_pupil(session, "Ben", "Sample")
    overdue = open_case(session, s17_case(amy.id))
    soon = open_case(session, s17_case(ben.id, date(2026, 3, 30)))
    open_case(session, s17_case(ben.id, date(2026, 5, 1)))  # not due for weeks yet
    done = open_case(session, s17_case(amy.id, date(2026, 1, 5), assessment=Assessment(
        completed_on=date(2026, 2, 2))))
    today = date(2026, 6, 1)
    found = clocks_due(session, today)
    assert [(d.case_id, d.overdue) for d in found] == [(overdue, True), (soon, False)]
    assert found[0].pupil_name == "Amy Example" and found[0].kind is CaseKind.S17
    assert found[0].clock.due == date(2026, 2, 25)
    assert done not in {d.case_id for d in found}


# -- versions ----------------------------------------------------------------------
def test_every_change_is_a_version_with_its_reason(store_path: Path,
                                                    session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    case_id = open_case(session, s17_case(amy.id))
    record = get_case(session, case_id)
    with_visit = replace(record.current, visits=(home_visit(date(2026, 1, 8)),))
    assert amend_case(session, case_id, with_visit, "Home visit recorded", 1) == 2
    with_plan = replace(with_visit, plan=Plan("Safe at home", (
        PlanAction("DSL", "Breakfast club", date(2026, 1, 20)),)))
    assert amend_case(session, case_id, with_plan, "Plan agreed", 2) == 3

    with pytest.raises(InvalidInput, match="changed by someone else"):
        amend_case(session, case_id, replace(with_plan, supervisor="Someone"), "Late", 2)
    with pytest.raises(InvalidInput, match="Say why") as why:
        amend_case(session, case_id, replace(with_plan, supervisor="Someone"), "  ", 3)
    assert why.value.field == "reason"
    with pytest.raises(InvalidInput, match="Nothing has changed"):
        amend_case(session, case_id, with_plan, "Again", 3)
    ben = add_pupil(session, "Ben", "Sample")
    with pytest.raises(InvalidInput, match="stays with the child") as moved:
        amend_case(session, case_id, replace(with_plan, pupil_id=ben.id), "Wrong child", 3)
    assert moved.value.field == "pupil_id"

    close(session)
    again = reopen(store_path)
    (stored,) = cases_for_pupil(again, amy.id)
    assert [(v.number, v.reason, v.saved_by) for v in stored.versions] == [
        (1, "", "Jo Bloggs"), (2, "Home visit recorded", "Jo Bloggs"),
        (3, "Plan agreed", "Jo Bloggs")]
    assert stored.versions[0].content == s17_case(amy.id)
    assert stored.current == with_plan and stored.version == 3
    assert cases_for_pupil(again, ben.id) == []
    with pytest.raises(DatabaseError), again.db.write(again.user.id) as tx:
        tx.execute("UPDATE case_versions SET reason = 'rewritten'")
    assert verify_store(again).ok
    close(again)


def test_the_assessment_triangle_survives_storage(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    notes = DomainNotes("Needs glasses", "Loves reading", "Health need, not neglect")
    assessment = Assessment().with_notes(AssessmentDomain.PARENTING_CAPACITY, notes)
    assert [d for d, _ in assessment.domains] == list(AssessmentDomain)
    case_id = open_case(session, s17_case(amy.id, assessment=assessment))
    stored = get_case(session, case_id).current.assessment
    assert stored.notes(AssessmentDomain.PARENTING_CAPACITY) == notes
    assert stored.notes(AssessmentDomain.FAMILY_ENVIRONMENT).is_empty
    assert codec.loads(CaseContent, codec.dumps(get_case(session, case_id).current)) == \
        get_case(session, case_id).current


# -- validation ----------------------------------------------------------------------
@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"lead_practitioner": " "}, "lead_practitioner", "lead practitioner"),
    ({"started_on": date(2026, 6, 2)}, "started_on", "cannot start in the future"),
    ({"visits": (home_visit(date(2026, 1, 8), not_seen_alone_reason=""),)},
     "visits.0.not_seen_alone_reason", "Visit 1: Say why the child was not seen alone."),
    ({"visits": (home_visit(date(2026, 1, 8), child_seen=False, seen_alone=True),)},
     "visits.0.seen_alone", "Visit 1: The child cannot be seen alone"),
    ({"visits": (home_visit(date(2025, 12, 1)),)}, "visits.0.on", "before the case started"),
    ({"meetings": (Meeting(MeetingKind.CIN_MEETING, at(date(2026, 1, 8))),)},
     "meetings.0.decisions", "Meeting 1: Record what was decided"),
    ({"meetings": (Meeting(MeetingKind.CIN_MEETING, at(date(2026, 1, 8)), decisions="Go on",
                           next_date=date(2026, 1, 8)),)},
     "meetings.0.next_date", "next meeting must be after this one"),
    ({"plan": Plan("", (PlanAction("DSL", ""),))}, "plan.actions.0.what", "Action 1"),
    ({"assessment": Assessment(approved_by="Priya Shah", approved_on=date(2026, 1, 5))},
     "assessment.approved_on", "completed before its approval"),
    ({"assessment": Assessment(completed_on=date(2026, 1, 9), approved_on=date(2026, 1, 12))},
     "assessment.approved_by", "who approved"),
    ({"closed_on": date(2026, 3, 1)}, "closure_reason", "why the case is closing"),
    ({"closure_reason": "Stepped down"}, "closed_on", "date the case closed"),
    ({"lead_declined": True, "lead_practitioner": "Family hub worker"},
     "lead_declined_reason", "Give the reasons"),
    ({"lead_declined_reason": "No trained staff"}, "lead_declined", "Reasons are given only"),
    ({"kind": CaseKind.S47, "lead_declined": True, "lead_declined_reason": "No time"},
     "lead_declined", "always leads a section 47 case"),
])
def test_a_faulty_case_is_refused_naming_its_field(session: Session,
                                                    changes: dict[str, object], field: str,
                                                    message: str) -> None:
    amy = add_pupil(session, "Amy", "Example")
    with pytest.raises(InvalidInput, match=message) as refused:
        open_case(session, s17_case(amy.id, **changes))
    assert refused.value.field == field
    assert cases_for_pupil(session, amy.id) == []


def test_a_case_needs_a_child_on_the_register_and_their_own_family(
        session: Session) -> None:
    with pytest.raises(InvalidInput, match="not on the register") as missing:
        open_case(session, s17_case("no-such-pupil"))
    assert missing.value.field == "pupil_id"
    amy = add_pupil(session, "Amy", "Example")
    with pytest.raises(InvalidInput, match="not this child's family") as family:
        open_case(session, s17_case(amy.id, family_id="another-family"))
    assert family.value.field == "family_id"
    with pytest.raises(InvalidInput, match="referral is not about this child"):
        open_case(session, s17_case(amy.id, referral_id="no-such-referral"))


# -- who may do what -----------------------------------------------------------------
def test_the_dsl_and_deputies_keep_cases_and_others_read_them(store_path: Path,
                                                              session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example", send_status=SendStatus.EHCP)  # SENDCO's sight
    case_id = open_case(session, s17_case(amy.id))
    for login, role in (("deputy", Role.DEPUTY_DSL), ("sendco", Role.SENDCO),
                        ("auditor", Role.AUDITOR)):
        add_colleague(session, login, role)
    close(session)
    deputy = reopen(store_path, "deputy", "colleague password")
    deputy.db.clock = lambda: datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    content = get_case(deputy, case_id).current
    amend_case(deputy, case_id, replace(content, visits=(home_visit(date(2026, 1, 8)),)),
               "Visit recorded by the deputy", 1)
    assert open_case(deputy, s17_case(amy.id, date(2026, 5, 18)))  # due in July
    assert [d.case_id for d in clocks_due(deputy, date(2026, 6, 1))] == [case_id]
    close(deputy)
    for login in ("sendco", "auditor"):
        reader = reopen(store_path, login, "colleague password")
        record = get_case(reader, case_id)
        assert record.versions[-1].saved_by == "Deputy"
        assert len(cases_for_pupil(reader, amy.id)) == 2
        with pytest.raises(PermissionDenied, match="can read cases but not"):
            open_case(reader, s17_case(amy.id))
        with pytest.raises(PermissionDenied):
            amend_case(reader, case_id, replace(record.current, supervisor="X"), "Edit", 2)
        assert clocks_due(reader, date(2026, 6, 1)) == []
        close(reader)


# -- the chronology ------------------------------------------------------------------
def test_each_step_of_a_case_is_on_the_childs_chronology(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    ben = add_pupil(session, "Ben", "Sample")
    content = s17_case(
        amy.id, visits=(home_visit(date(2026, 1, 8)),
                        home_visit(date(2026, 1, 15), seen_alone=True,
                                   not_seen_alone_reason="", where="School")),
        meetings=(Meeting(MeetingKind.CIN_MEETING, at(date(2026, 1, 20)),
                          decisions="Plan agreed", next_date=date(2026, 2, 17)),),
        assessment=Assessment(completed_on=date(2026, 2, 10), approved_by="Priya Shah",
                              approved_on=date(2026, 2, 12)),
        closed_on=date(2026, 3, 2), closure_reason="Stepped down to Early Help")
    case_id = open_case(session, content)

    lines = [e for e in pupil_chronology(session, amy.id) if e.source_kind == "case"]
    assert [e.happened_on for e in lines] == [
        BEFORE_CHRISTMAS, date(2026, 1, 8), date(2026, 1, 15), date(2026, 1, 20),
        date(2026, 2, 10), date(2026, 2, 12), date(2026, 3, 2)]
    assert {e.record_id for e in lines} == {case_id}
    assert len({e.source_id for e in lines}) == len(lines)
    opened, first, second, meeting, assessed, approved, closed = lines
    assert opened.event == "Child in need (section 17) case opened."
    assert "NOT seen alone: Mum would not leave the room" in first.event
    assert "Child seen alone." in second.event and "(School)" in second.event
    assert meeting.event == "Child in need meeting: Plan agreed"
    assert meeting.outcome == "Next meeting 17/02/2026."
    assert "Assessment completed" in assessed.event and assessed.outcome == ""
    assert approved.source == "Priya Shah"
    assert closed.outcome == "Stepped down to Early Help"
    assert all(e.significant for e in lines)
    assert not [e for e in pupil_chronology(session, ben.id) if e.source_kind == "case"]


# -- the demo ------------------------------------------------------------------------
def test_the_demo_has_a_child_in_need_case_and_an_early_help_case(session: Session) -> None:
    today = date(2026, 11, 23)
    session.db.clock = lambda: datetime(2026, 11, 23, 16, 0).astimezone()
    add_demo_records(session, today)
    add_demo_referrals(session, today)
    add_demo_casework(session, today)

    made = [c for p in list_pupils(session) for c in cases_for_pupil(session, p.id)]
    by_kind = {c.current.kind: c for c in made}
    assert len(made) == 2 and set(by_kind) == {CaseKind.S17, CaseKind.EARLY_HELP}
    s17, early_help = by_kind[CaseKind.S17].current, by_kind[CaseKind.EARLY_HELP].current
    assert s17.referral_id is not None and s17.assessment.completed_on is None
    assert [(v.child_seen, v.seen_alone) for v in s17.visits] == [(True, False), (True, True)]
    assert s17.visits[0].not_seen_alone_reason
    (cin,) = s17.meetings
    assert cin.kind is MeetingKind.CIN_MEETING and cin.next_date is not None
    assert not by_kind[CaseKind.S17].clocks[0].overdue(today)
    assert early_help.assessment.completed_on is not None and early_help.plan.actions
    assert [m.kind for m in early_help.meetings] == [MeetingKind.EARLY_HELP_REVIEW]
    assert {p.id for p in list_pupils(session)} >= {s17.pupil_id, early_help.pupil_id}
    assert s17.pupil_id != early_help.pupil_id
    assert [v.number for v in by_kind[CaseKind.S17].versions] == [1, 2, 3, 4]
    assert all(v.saved_at <= session.db.clock() for c in made for v in c.versions)
    assert verify_store(session).ok

"""Chronologies in real encrypted stores: date order, entries that follow the record,
family merges that keep each child's view, significance the DSL decides, filters,
and hand-recorded events amended like any record."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sgdesk.models.chronology import (
    ChronologyEntry,
    ChronologyEvent,
    ChronologyFilter,
    EventKind,
    in_date_order,
)
from sgdesk.models.concerns import ChildRole, Decision, InvolvedChild, Review
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.pupils import Pupil, SendStatus
from sgdesk.models.referrals import (
    Feedback,
    FeedbackOutcome,
    FollowUp,
    ReferralKind,
    Sending,
    SendMethod,
)
from sgdesk.models.users import Role
from sgdesk.services import concerns, pupils
from sgdesk.services.body_maps import add_body_map
from sgdesk.services.chronology import (
    add_event,
    amend_event,
    describe_filter,
    family_chronology,
    get_event,
    pupil_chronology,
    set_significance,
)
from sgdesk.services.demo import DEMO_DSL_LOGIN, DEMO_PASSWORD, create_demo_store
from sgdesk.services.maintenance import verify_store
from sgdesk.services.referrals import (
    add_follow_up,
    finalise,
    record_feedback,
    record_sending,
    start_referral,
)
from sgdesk.services.session import Session
from tests.body_map_helpers import map_of
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

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
WHEN_DAY = WHEN.date()


@pytest.fixture
def session(store_path: Path) -> Session:
    made = make_store(store_path)[0]
    made.db.clock = lambda: NOW
    return made


def event_for(pupil: Pupil, kind: EventKind = EventKind.MISSING_EPISODE,
              day: date = date(2026, 10, 5), text: str = "Missing overnight; found by police",
              **rest: Any) -> ChronologyEvent:
    return replace(ChronologyEvent.of_kind(kind, day, text, pupil_id=pupil.id), **rest)


def review(decision: Decision = Decision.EARLY_HELP, on: date = WHEN_DAY) -> Review:
    return Review(decision, "Needs support at home; parents agree to Early Help", "Jo Bloggs",
                  "Designated Safeguarding Lead", on)


def log_in(session: Session, pupil: Pupil, category: str, **text: Any) -> str:
    """Log a concern about one pupil in ``category`` (instead of Neglect)."""
    return concerns.log_concern(session, replace(
        concern_content(InvolvedChild(pupil.id, ChildRole.SUBJECT), **text),
        categories=(category,)))


def lines(entries: list[ChronologyEntry], kind: str) -> list[ChronologyEntry]:
    return [e for e in entries if e.source_kind == kind]


# -- ordering ---------------------------------------------------------------------
days = st.dates(date(2025, 1, 1), date(2025, 1, 4))
times = st.none() | st.sampled_from([time(9, 0), time(9, 0), time(13, 30), time(16, 5)])
entry_specs = st.lists(st.tuples(days, times, st.integers(0, 3)), max_size=40)


def key(entry: ChronologyEntry) -> tuple[date, bool, time, int]:
    return (entry.happened_on, entry.happened_at_time is not None,
            entry.happened_at_time or time.min, entry.sequence)


@given(entry_specs)
def test_any_entries_come_out_in_date_order_and_ties_keep_their_order(
        specs: list[tuple[date, time | None, int]]) -> None:
    entries = [ChronologyEntry("event", str(n), None, "", day, at, f"Event {n}", "", "", True,
                               sequence=seq) for n, (day, at, seq) in enumerate(specs)]
    ordered = in_date_order(entries)
    assert sorted(e.source_id for e in ordered) == sorted(e.source_id for e in entries)
    for before, after in itertools.pairwise(ordered):
        assert key(before) <= key(after)
        if key(before) == key(after):  # stable: equal entries keep the order they came in
            assert int(before.source_id) < int(after.source_id)


def test_on_one_day_entries_without_a_time_come_first() -> None:
    timed = ChronologyEntry("concern", "a", None, "", date(2025, 1, 1), time(8, 0), "", "", "",
                            True, sequence=0)
    untimed = replace(timed, source_id="b", happened_at_time=None, sequence=5)
    next_day = replace(timed, source_id="c", happened_on=date(2025, 1, 2), sequence=1)
    assert [e.source_id for e in in_date_order([next_day, timed, untimed])] == ["b", "a", "c"]


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.dates(date(2025, 9, 1), date(2025, 9, 3)), times),
                min_size=1, max_size=8))
def test_a_stored_chronology_lists_its_events_in_date_order(
        session: Session, specs: list[tuple[date, time | None]]) -> None:
    pupil = add_pupil(session, "Amy", f"Example{uuid.uuid4().hex[:6]}")
    for number, (day, at) in enumerate(specs):
        add_event(session, event_for(pupil, day=day, text=f"Event {number}",
                                     happened_at_time=at))
    built = pupil_chronology(session, pupil.id)
    assert [key(e)[:3] for e in built] == sorted(key(e)[:3] for e in built)
    for before, after in itertools.pairwise(built):
        if key(before)[:3] == key(after)[:3]:  # same day and time: recorded order
            assert int(before.event.split()[-1]) < int(after.event.split()[-1])
    assert len(built) == len(specs)


# -- entries drawn from the record --------------------------------------------------
def test_a_concern_line_follows_the_concerns_amendments(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    concern_id = log_about(session, amy, facts="Arrived without a coat in the rain")
    (line,) = pupil_chronology(session, amy.id)
    assert (line.source_kind, line.source_id) == ("concern", concern_id)
    assert line.happened_on == WHEN.astimezone().date()
    assert "without a coat" in line.event and line.categories == ("Neglect",)
    assert line.source == "Ms Teacher, Class teacher"
    assert line.outcome == "Awaiting DSL review."

    current = concerns.get_concern(session, concern_id).current
    earlier = WHEN - timedelta(days=3)
    concerns.amend_concern(session, concern_id, replace(
        current, facts="Arrived without a coat or shoes", categories=("Bullying",),
        happened_at=earlier, noticed_at=earlier), "Corrected after speaking to the teacher", 1)
    (line,) = pupil_chronology(session, amy.id)
    assert "coat or shoes" in line.event and "Bullying" in line.event
    assert line.happened_on == earlier.astimezone().date()
    assert line.categories == ("Bullying",)
    assert not line.significant  # bullying alone, not reviewed: not significant by default


def test_a_dsl_decision_is_its_own_line_after_the_review(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    concern_id = log_in(session, amy, "Bullying")
    assert lines(pupil_chronology(session, amy.id), "dsl_decision") == []
    assert not lines(pupil_chronology(session, amy.id), "concern")[0].significant

    decided_on = NOW.astimezone().date()
    concerns.record_review(session, concern_id, review(on=decided_on), 1)
    built = pupil_chronology(session, amy.id)
    (decision,) = lines(built, "dsl_decision")
    assert decision.source_id == concern_id and decision.happened_on == decided_on
    assert decision.event.startswith("DSL decision: Early Help.")
    assert decision.source == "Jo Bloggs, Designated Safeguarding Lead"
    assert decision.significant
    # Recorded the day it is dated, so it is placed at the time it was recorded.
    assert decision.happened_at_time == NOW.astimezone().time()
    assert lines(built, "concern")[0].significant  # taken to Early Help

    current = concerns.get_concern(session, concern_id).current
    assert current.review is not None
    closed = replace(current.review, outcome="Family engaged well; support ended",
                     closed_on=decided_on)
    concerns.record_review(session, concern_id, closed, 2, "Closed")
    (decision,) = lines(pupil_chronology(session, amy.id), "dsl_decision")
    assert decision.outcome.startswith("Closed ") and "Family engaged well" in decision.outcome


def test_a_decision_dated_another_day_has_no_time(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    concern_id = log_about(session, amy)
    concerns.record_review(session, concern_id, review(Decision.MONITOR), 1)
    (decision,) = lines(pupil_chronology(session, amy.id), "dsl_decision")
    assert decision.happened_on == WHEN.date() and decision.happened_at_time is None


def test_a_body_map_line_lists_its_marks(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    concern_id = log_in(session, amy, "Physical abuse")
    map_id = add_body_map(session, map_of(amy.id, concern_id=concern_id))
    (line,) = lines(pupil_chronology(session, amy.id), "body_map")
    assert line.source_id == map_id and line.significant
    assert line.event.startswith("Body map: 1 mark — ")
    assert line.categories == ("Physical abuse",)


# -- the family chronology ----------------------------------------------------------
def family_of_two(session: Session) -> tuple[Pupil, Pupil, Pupil, str]:
    amy = add_pupil(session, "Amy", "Example", date_of_birth=date(2012, 5, 1))
    ben = add_pupil(session, "Ben", "Example", date_of_birth=date(2014, 5, 1))
    cal = add_pupil(session, "Cal", "Other")
    return amy, ben, cal, pupils.link_family(session, [amy.id, ben.id], "Example family")


def without_family_columns(entries: list[ChronologyEntry]) -> set[ChronologyEntry]:
    return {replace(e, child_name="", sequence=0) for e in entries}


def test_the_family_chronology_holds_exactly_the_siblings_entries(session: Session) -> None:
    amy, ben, cal, family_id = family_of_two(session)
    log_about(session, amy)
    log_about(session, ben, facts="Said he had no tea last night")
    log_about(session, cal, facts="Cal's own concern")
    add_event(session, event_for(ben))
    add_event(session, event_for(cal, text="Cal's own event"))
    partner = add_event(session, ChronologyEvent.of_kind(
        EventKind.HOUSEHOLD_CHANGE, date(2026, 9, 1), "Mum's partner moved in",
        family_id=family_id))

    merged = family_chronology(session, family_id)
    amy_alone, ben_alone = pupil_chronology(session, amy.id), pupil_chronology(session, ben.id)
    for alone in (amy_alone, ben_alone):  # each child's own chronology has the family event
        (shared,) = [e for e in alone if e.pupil_id is None]
        assert shared.source_id == partner and shared.event.startswith("Whole family — ")
    siblings = [e for e in amy_alone + ben_alone if e.pupil_id is not None]
    (whole_family,) = [e for e in merged if e.pupil_id is None]
    assert whole_family.source_id == partner and whole_family.child_name == "Whole family"
    assert without_family_columns([e for e in merged if e.pupil_id is not None]) == \
        without_family_columns(siblings)
    assert len(merged) == len(siblings) + 1
    assert {e.child_name for e in merged if e.pupil_id == amy.id} == {"Amy Example"}
    assert {e.child_name for e in merged if e.pupil_id == ben.id} == {"Ben Example"}
    assert all("Cal" not in e.event for e in merged)
    assert [key(e) for e in merged] == sorted(key(e) for e in merged)
    assert {e.sequence for e in merged} == set(range(len(merged)))
    # ... but not on the chronology of a child outside the family.
    assert partner not in {e.source_id for e in pupil_chronology(session, cal.id)}


def test_one_concern_is_one_line_per_sibling_each_from_their_own_file(
        session: Session) -> None:
    amy, ben, cal, family_id = family_of_two(session)
    concern_id = concerns.log_concern(session, concern_content(
        InvolvedChild(amy.id, ChildRole.VICTIM),
        InvolvedChild(ben.id, ChildRole.ALLEGED_PERPETRATOR),
        InvolvedChild(cal.id, ChildRole.WITNESS),
        facts="Pushed over on the stairs"))

    merged = [e for e in family_chronology(session, family_id) if e.source_id == concern_id]
    by_child = {e.child_name: e for e in merged}
    assert sorted(by_child) == ["Amy Example", "Ben Example"] and len(merged) == 2
    amy_line, ben_line = by_child["Amy Example"], by_child["Ben Example"]
    assert "victim" in amy_line.event and "perpetrator" not in amy_line.event
    assert "alleged perpetrator" in ben_line.event and "victim" not in ben_line.event
    for line in merged:
        text = " ".join((line.event, line.source, line.outcome))
        assert "witness" not in text.casefold() and "Cal" not in text


# -- significance ------------------------------------------------------------------
def test_significance_defaults_by_kind() -> None:
    assert EventKind.MISSING_EPISODE.significant_by_default
    assert EventKind.HOUSEHOLD_CHANGE.significant_by_default
    assert EventKind.ATTENDANCE_DROP.significant_by_default
    assert not EventKind.OTHER.significant_by_default
    assert not ChronologyEvent.of_kind(EventKind.OTHER, date(2025, 1, 1), "x",
                                       pupil_id="p").significant


def test_only_the_dsl_or_a_deputy_changes_what_is_significant(
        session: Session, store_path: Path) -> None:
    amy = add_pupil(session, "Amy", "Example", send_status=SendStatus.EHCP)  # SENDCO's sight
    neglect = log_about(session, amy)
    bullying = log_in(session, amy, "Bullying", facts="Name calling")
    other = add_event(session, event_for(amy, EventKind.OTHER, text="New phone number"))
    built = {e.source_id: e.significant for e in pupil_chronology(session, amy.id)}
    assert built == {neglect: True, bullying: False, other: False}

    set_significance(session, amy.id, "concern", neglect, False)
    set_significance(session, amy.id, "concern", bullying, True)
    set_significance(session, None, "event", other, True)
    built = {e.source_id: e.significant for e in pupil_chronology(session, amy.id)}
    assert built == {neglect: False, bullying: True, other: True}
    assert get_event(session, other).versions[-1].reason == "Marked significant"
    set_significance(session, amy.id, "concern", neglect, True)  # changed back
    assert lines(pupil_chronology(session, amy.id), "concern")[-1].significant

    audited = session.db.query(
        "SELECT action, row_id FROM audit WHERE table_name = 'chronology_significance' "
        "ORDER BY seq")
    assert [tuple(r) for r in audited] == [
        ("mark_not_significant", f"{amy.id}:concern:{neglect}"),
        ("mark_significant", f"{amy.id}:concern:{bullying}"),
        ("mark_significant", f"{amy.id}:concern:{neglect}"),
    ]
    assert verify_store(session).ok

    add_colleague(session, "sendco", Role.SENDCO)
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    close(session)
    sendco = reopen(store_path, "sendco", "colleague password")
    with pytest.raises(PermissionDenied):
        set_significance(sendco, amy.id, "concern", bullying, False)
    with pytest.raises(PermissionDenied):  # not the kind's default
        add_event(sendco, event_for(amy, significant=False))
    assert add_event(sendco, event_for(amy))  # the default is fine
    close(sendco)
    deputy = reopen(store_path, "deputy", "colleague password")
    set_significance(deputy, amy.id, "concern", bullying, False)
    assert not next(e for e in pupil_chronology(deputy, amy.id)
                    if e.source_id == bullying).significant
    assert verify_store(deputy).ok
    close(deputy)


def test_significance_is_kept_per_pupil(session: Session) -> None:
    amy, ben, _cal, _family = family_of_two(session)
    concern_id = concerns.log_concern(session, concern_content(
        InvolvedChild(amy.id, ChildRole.VICTIM), InvolvedChild(ben.id, ChildRole.WITNESS)))
    set_significance(session, ben.id, "concern", concern_id, False)
    assert lines(pupil_chronology(session, amy.id), "concern")[0].significant
    assert not lines(pupil_chronology(session, ben.id), "concern")[0].significant
    with pytest.raises(InvalidInput):
        set_significance(session, ben.id, "letter", concern_id, False)


# -- filters -----------------------------------------------------------------------
def test_filters_narrow_by_significance_dates_categories_and_sources(
        session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    neglect = log_about(session, amy)
    bullying = log_in(session, amy, "Bullying", facts="Name calling")
    concerns.record_review(session, bullying, review(Decision.MONITOR), 1)
    missing = add_event(session, event_for(amy, day=date(2026, 10, 5)))
    other = add_event(session, event_for(amy, EventKind.OTHER, day=date(2026, 9, 1),
                                         text="New phone number"))
    built = pupil_chronology(session, amy.id)

    def ids(chosen: ChronologyFilter) -> set[tuple[str, str]]:
        return {(e.source_kind, e.source_id) for e in chosen.apply(built)}

    assert len(ChronologyFilter().apply(built)) == len(built) == 5
    assert ids(ChronologyFilter(significant_only=True)) == {
        ("concern", neglect), ("dsl_decision", bullying), ("event", missing)}
    assert ids(ChronologyFilter(start=date(2026, 9, 2), end=date(2026, 10, 31))) == {
        ("event", missing)}
    assert ids(ChronologyFilter(end=date(2026, 9, 1))) == {("event", other)}
    assert ids(ChronologyFilter(categories=frozenset({"Bullying"}))) == {
        ("concern", bullying), ("dsl_decision", bullying)}
    assert ids(ChronologyFilter(sources=frozenset({"event", "dsl_decision"}))) == {
        ("dsl_decision", bullying), ("event", missing), ("event", other)}
    assert describe_filter(ChronologyFilter()) == "All entries"
    assert describe_filter(ChronologyFilter(
        significant_only=True, start=date(2026, 9, 2), sources=frozenset({"event"}))) == \
        "Significant entries only; From 02/09/2026; Sources: Recorded events"


# -- hand-recorded events ----------------------------------------------------------
def test_an_amended_event_keeps_every_version_with_its_reason(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    event_id = add_event(session, event_for(amy, happened_at_time=time(21, 30)))
    first = get_event(session, event_id)
    corrected = replace(first.current, happened_on=date(2026, 10, 4),
                        outcome="Return home interview offered")
    assert amend_event(session, event_id, corrected, "Date confirmed with mum", 1) == 2

    record = get_event(session, event_id)
    assert [v.number for v in record.versions] == [1, 2] and record.version == 2
    assert [v.reason for v in record.versions] == ["", "Date confirmed with mum"]
    assert record.versions[0].content == first.current
    assert record.versions[1].saved_by == "Jo Bloggs"
    (line,) = pupil_chronology(session, amy.id)
    assert (line.happened_on, line.happened_at_time) == (date(2026, 10, 4), time(21, 30))
    assert line.outcome == "Return home interview offered"
    assert line.event == "Missing episode: Missing overnight; found by police"

    with pytest.raises(InvalidInput) as no_reason:
        amend_event(session, event_id, replace(corrected, outcome="x"), "  ", 2)
    assert no_reason.value.field == "reason"
    with pytest.raises(InvalidInput):  # someone saved in between
        amend_event(session, event_id, replace(corrected, outcome="x"), "Why", 1)
    with pytest.raises(InvalidInput):
        amend_event(session, event_id, corrected, "Nothing changed", 2)
    ben = add_pupil(session, "Ben", "Example")
    with pytest.raises(InvalidInput) as moved:
        amend_event(session, event_id, replace(corrected, pupil_id=ben.id), "Wrong child", 2)
    assert moved.value.field == "pupil_id"
    assert verify_store(session).ok


def test_an_event_is_checked_before_it_is_saved(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    today = NOW.astimezone().date()
    fields = {name for name, _ in replace(
        event_for(amy, day=today + timedelta(days=1), text="  "),
        family_id="f").problems(NOW)}
    assert fields == {"event", "happened_on", "pupil_id"}
    late = event_for(amy, day=today, happened_at_time=time(23, 59))
    assert [n for n, _ in late.problems(NOW)] == ["happened_at_time"]
    with pytest.raises(InvalidInput) as neither:
        add_event(session, replace(event_for(amy), pupil_id=None))
    assert neither.value.field == "pupil_id"
    with pytest.raises(InvalidInput) as unknown:
        add_event(session, replace(event_for(amy), pupil_id=None, family_id="no-such"))
    assert unknown.value.field == "family_id"


def test_a_referral_joins_once_finalised_or_sent_and_shows_what_came_of_it(
        session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    concern_id = log_about(session, amy)
    referral_id = start_referral(session, ReferralKind.EARLY_HELP, pupil_id=amy.id,
                                 concern_ids=(concern_id,))
    assert lines(pupil_chronology(session, amy.id), "referral") == []  # a draft

    finalise(session, referral_id, 1, missing_acknowledged=True)
    (line,) = lines(pupil_chronology(session, amy.id), "referral")
    assert line.source_id == referral_id and line.significant
    assert line.event.startswith("Referral: Early Help request.")
    assert line.outcome == "Finalised; not yet sent." and line.happened_at_time is None
    assert line.categories == ("Neglect",)

    sent_at = NOW - timedelta(days=2)
    record_sending(session, referral_id, Sending(SendMethod.PORTAL, sent_at, "Early Help hub"),
                   2)
    (line,) = lines(pupil_chronology(session, amy.id), "referral")
    assert (line.happened_on, line.happened_at_time) == (sent_at.astimezone().date(),
                                                         sent_at.astimezone().time())
    assert line.outcome == "Sent by online portal to Early Help hub; awaiting feedback."

    chased_on = (NOW - timedelta(days=1)).date()
    add_follow_up(session, referral_id, FollowUp(chased_on, "Jo Bloggs",
                                                 "Phoned the hub: no decision yet"), 3)
    record_feedback(session, referral_id, Feedback(NOW.date(), FeedbackOutcome.EARLY_HELP,
                                                   "Family support worker allocated"), 4)
    line, chase, feedback = lines(pupil_chronology(session, amy.id), "referral")
    assert line.outcome == (f"Feedback {NOW.date():%d/%m/%Y}: Early Help. "
                            "Family support worker allocated")
    # The chase and the feedback are dated lines of their own, opening the referral.
    assert (chase.happened_on, chase.event) == (
        chased_on, "Chased the referral to Early Help request: Phoned the hub: no decision yet")
    assert (feedback.happened_on, feedback.event) == (
        NOW.date(), "Feedback on the referral to Early Help request: Early Help.")
    assert {line.record_id, chase.record_id, feedback.record_id} == {referral_id}
    assert len({line.source_id, chase.source_id, feedback.source_id}) == 3


# -- the demo ----------------------------------------------------------------------
def test_the_demo_family_of_three_has_a_rich_chronology(tmp_path: Path) -> None:
    path = create_demo_store(tmp_path / "demo.sgdesk")
    demo = reopen(path, DEMO_DSL_LOGIN, DEMO_PASSWORD)
    today = demo.db.clock().astimezone().date()  # the demo store has its chronology

    families: dict[str, list[str]] = {}
    for entry in pupils.list_pupils(demo):
        if entry.family_id:
            families.setdefault(entry.family_id, []).append(entry.id)
    (family_id, children), = [(f, ids) for f, ids in families.items() if len(ids) == 3]
    merged = family_chronology(demo, family_id)
    assert {e.pupil_id for e in merged} == {*children, None}
    assert {"concern", "dsl_decision", "event"} <= {e.source_kind for e in merged}
    family_events = [e.event.split(":")[0] for e in merged if e.child_name == "Whole family"]
    assert family_events == ["Change in household", "Family event", "Change of address",
                             "Change of address"]
    assert all(e.happened_on <= today for e in merged)

    kinds = {ev.kind for ev in (get_event(demo, e.source_id).current
                                for p in pupils.list_pupils(demo)
                                for e in lines(pupil_chronology(demo, p.id), "event"))}
    assert {EventKind.MISSING_EPISODE, EventKind.SUSPENSION, EventKind.MOVE_OF_SCHOOL,
            EventKind.SEND_CHANGE, EventKind.ATTENDANCE_DROP, EventKind.OTHER} <= kinds
    assert verify_store(demo).ok
    close(demo)

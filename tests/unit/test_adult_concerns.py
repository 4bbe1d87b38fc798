"""The register of allegations and low-level concerns about adults: the DSL's alone,
amended never overwritten, kept out of search and off every pupil's file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from sgdesk.models.adult_concerns import (
    AdultCapacity,
    AdultConcern,
    AdultConcernEntry,
    AdultConcernKind,
    AdultConcernStatus,
    AllegationOutcome,
    HarmThreshold,
    adult_concern_problems,
    filter_register,
    low_level_patterns,
)
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.users import Role
from sgdesk.models.working_days import ENGLAND
from sgdesk.services import adult_concerns, concerns, search
from sgdesk.services.maintenance import verify_store
from tests.helpers import WHEN, add_colleague, add_pupil, close, log_about, make_store, reopen

SECRET = "Quorndale"  # a word that appears only in the adult register


def low_level(name: str = "Mr Sam Example", **changes: object) -> AdultConcern:
    content = AdultConcern(
        AdultConcernKind.LOW_LEVEL, name, AdultCapacity.STAFF, "Teaching assistant",
        "Ms Teacher", "Class teacher", WHEN, WHEN + timedelta(hours=1), "Year 4 classroom",
        f"Used a personal phone to message a pupil about {SECRET} homework.",
        children="A Year 4 pupil (named in the DSL's notes)",
    )
    return replace(content, **changes)  # type: ignore[arg-type]


def allegation(**changes: object) -> AdultConcern:
    return low_level(**({"kind": AdultConcernKind.ALLEGATION,
                         "thresholds": (HarmThreshold.HARMED,)} | changes))


def test_record_and_amend_keep_every_version_and_the_audit_chain(store_path: Path) -> None:
    session, _ = make_store(store_path)
    record_id = adult_concerns.record_adult_concern(session, allegation())
    with pytest.raises(InvalidInput, match="why"):
        adult_concerns.amend_adult_concern(session, record_id, allegation(), " ", 1)
    with pytest.raises(InvalidInput, match="Nothing has changed"):
        adult_concerns.amend_adult_concern(session, record_id, allegation(), "no change", 1)
    consulted = allegation(lado_consulted_on=WHEN.date(), lado_name="Pat LADO",
                           lado_advice="Strategy discussion tomorrow.")
    assert adult_concerns.amend_adult_concern(session, record_id, consulted,
                                              "LADO consulted", 1) == 2
    with pytest.raises(InvalidInput, match="changed by someone else"):
        adult_concerns.amend_adult_concern(session, record_id,
                                           replace(consulted, location="Hall"), "late", 1)
    close(session)

    session = reopen(store_path)
    record = adult_concerns.get_adult_concern(session, record_id)
    assert [v.number for v in record.versions] == [1, 2]
    assert record.versions[0].content == allegation()
    assert record.versions[0].content.status is AdultConcernStatus.AWAITING_LADO
    assert record.current.content.status is AdultConcernStatus.OPEN
    assert record.current.reason == "LADO consulted"
    assert record.current.saved_by == "Jo Bloggs"
    assert record.current.changed == ("lado_consulted_on", "lado_name", "lado_advice")
    (entry,) = adult_concerns.list_adult_concerns(session)
    assert (entry.id, entry.version) == (record_id, 2)
    assert verify_store(session).ok
    close(session)


@pytest.mark.parametrize("role", [Role.DEPUTY_DSL, Role.SENDCO, Role.AUDITOR])
def test_only_the_dsl_can_read_or_change_the_register(store_path: Path, role: Role) -> None:
    session, _ = make_store(store_path)
    record_id = adult_concerns.record_adult_concern(session, low_level())
    add_colleague(session, "colleague", role)
    close(session)
    other = reopen(store_path, "colleague", "colleague password")
    calls = (
        lambda: adult_concerns.list_adult_concerns(other),
        lambda: adult_concerns.get_adult_concern(other, record_id),
        lambda: adult_concerns.record_adult_concern(other, low_level()),
        lambda: adult_concerns.amend_adult_concern(other, record_id,
                                                   low_level(location="Hall"), "why", 1),
        lambda: adult_concerns.register_overview(other),
    )
    for call in calls:
        with pytest.raises(PermissionDenied, match="Designated Safeguarding Lead"):
            call()
    close(other)


def test_nothing_reaches_search_or_a_pupils_file(store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = add_pupil(session, "Amy", "Example")
    log_about(session, amy, facts=f"Talked about {SECRET} at lunch")
    adult_concerns.record_adult_concern(
        session, low_level(children=f"Amy Example ({amy.id})"))
    hits = search.search(session, SECRET)
    assert [h.kind for h in hits] == ["concern"]  # the pupil's own concern only
    assert search.search(session, "Sam Example") == []
    assert search.search(session, "Teaching assistant") == []
    (on_file,) = concerns.concerns_on_file(session, amy.id)
    assert "Sam" not in repr(on_file)
    close(session)


def test_patterns_group_low_level_concerns_by_the_adults_name() -> None:
    def entry(n: int, content: AdultConcern) -> AdultConcernEntry:
        return AdultConcernEntry(str(n), 1, content, WHEN)

    entries = [
        entry(1, low_level("Mr Sam Example")),
        entry(2, low_level("  mr  SAM example ", happened_at=WHEN - timedelta(days=30))),
        entry(3, low_level("Ms Dana Other")),
        entry(4, allegation()),  # an allegation about the same adult is not a low-level one
        entry(5, low_level("Ms Dana Other")),
        entry(6, low_level("Ms Dana Other")),
    ]
    patterns = low_level_patterns(entries)
    assert [(p.adult_name, [e.id for e in p.entries]) for p in patterns] == [
        ("Ms Dana Other", ["3", "5", "6"]),
        ("Mr Sam Example", ["2", "1"]),
    ]
    assert patterns[1].summary == "2 low-level concerns about Mr Sam Example"
    assert [e.id for e in filter_register(entries, "dana")] == ["3", "5", "6"]
    assert [e.id for e in filter_register(entries, "sam",
                                          AdultConcernKind.ALLEGATION)] == ["4"]


def test_patterns_through_the_service(store_path: Path) -> None:
    session, _ = make_store(store_path)
    for name in ("Mr Sam Example", "MR SAM EXAMPLE", "Ms Dana Other"):
        adult_concerns.record_adult_concern(session, low_level(name))
    overview = adult_concerns.register_overview(session)
    assert len(overview.entries) == 3
    (pattern,) = overview.patterns
    assert len(pattern.entries) == 2
    close(session)


def test_validation_gives_a_message_per_field() -> None:
    now = WHEN + timedelta(days=2)
    blank = low_level("  ", raised_by="", raised_by_role=" ", what_happened="",
                      raised_at=WHEN - timedelta(hours=1))
    problems = dict(adult_concern_problems(blank, now))
    assert problems == {
        "adult_name": "Give the name of the adult the concern is about.",
        "raised_by": "Say who raised it (it may be the adult themselves).",
        "raised_by_role": "Give their role (e.g. Class teacher, parent).",
        "raised_at": "It cannot have been raised before it happened.",
        "what_happened": "Record what happened: the facts as they were reported.",
    }
    future = dict(adult_concern_problems(low_level(happened_at=now + timedelta(hours=1),
                                                   raised_at=now + timedelta(hours=2)), now))
    assert set(future) == {"happened_at", "raised_at"}
    assert "threshold" in dict(adult_concern_problems(allegation(thresholds=()), now))[
        "thresholds"]
    assert "record it as an allegation" in dict(adult_concern_problems(
        low_level(thresholds=(HarmThreshold.RISK,)), now))["thresholds"]
    closing = dict(adult_concern_problems(allegation(closed_on=now.date()), now))
    assert closing == {
        "outcome": "Record the outcome before closing the allegation.",
        "lado_consulted_on": "An allegation is closed only after the LADO has been consulted.",
    }
    lado = dict(adult_concern_problems(low_level(lado_advice="Advice"), now))
    assert lado == {"lado_consulted_on": "Give the date the LADO was consulted."}
    early = dict(adult_concern_problems(
        low_level(lado_consulted_on=date(2026, 1, 1), lado_name="Pat",
                  shared_with_hr_on=now.date() + timedelta(days=1)), now))
    assert early == {
        "lado_consulted_on": "The LADO consultation cannot be dated before the concern was "
                             "raised.",
        "shared_with_hr_on": "Sharing with HR cannot be dated in the future.",
    }
    done = allegation(lado_consulted_on=now.date(), lado_name="Pat",
                      outcome=AllegationOutcome.UNSUBSTANTIATED, closed_on=now.date())
    assert adult_concern_problems(done, now) == []
    assert done.status is AdultConcernStatus.CLOSED
    with pytest.raises(InvalidInput) as raised:
        blank.validated(now)
    assert raised.value.field == "adult_name"


def test_an_allegation_is_due_at_the_lado_within_one_working_day() -> None:
    friday = datetime(2026, 11, 6, 15, 0, tzinfo=WHEN.tzinfo)
    content = allegation(happened_at=friday, raised_at=friday)
    assert content.lado_due_on(ENGLAND) == date(2026, 11, 9)  # the Monday
    assert low_level().lado_due_on(ENGLAND) is None

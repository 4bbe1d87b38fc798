"""Concerns: amended never overwritten, the label-leak rule, search over every field."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sgdesk.models.concerns import (
    ChildRole,
    ConcernContent,
    Decision,
    InvolvedChild,
    Review,
)
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.users import Role
from sgdesk.services import concerns, pupils, search
from sgdesk.services.maintenance import verify_store
from tests.helpers import WHEN, add_colleague, close, log_about, make_store, reopen
from tests.helpers import add_pupil as pupil
from tests.helpers import concern_content as content


def test_a_child_label_never_leaks_to_another_childs_file(store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy, ben, cal = (pupil(session, n, "Example") for n in ("Amy", "Ben", "Cal"))
    concerns.log_concern(session, content(
        InvolvedChild(amy.id, ChildRole.VICTIM),
        InvolvedChild(ben.id, ChildRole.ALLEGED_PERPETRATOR),
        InvolvedChild(cal.id, ChildRole.WITNESS, name_shown_to_others=True),
    ))
    (on_amy,) = concerns.concerns_on_file(session, amy.id)
    assert on_amy.on_file.this_child_role is ChildRole.VICTIM
    assert [c.pupil_id for c in on_amy.on_file.content.children] == [amy.id]
    mentions = {m.pupil_id: m.shown_name for m in on_amy.on_file.other_children}
    assert mentions == {ben.id: None, cal.id: "Cal Example"}
    (on_ben,) = concerns.concerns_on_file(session, ben.id)
    assert on_ben.on_file.this_child_role is ChildRole.ALLEGED_PERPETRATOR
    assert "victim" not in repr(on_ben.on_file).lower()
    close(session)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=30), min_size=1,
                      max_size=6, unique=True))
def test_every_earlier_version_stays_retrievable(tmp_path: Path, edits: list[str]) -> None:
    path = tmp_path / f"{uuid.uuid4()}.sgdesk"  # hypothesis reruns examples
    session, _ = make_store(path)
    amy = pupil(session, "Amy", "Example")
    child = InvolvedChild(amy.id, ChildRole.SUBJECT)
    concern_id = concerns.log_concern(session, content(child, facts="original text"))
    texts = ["original text"]
    for version, text in enumerate(edits, start=1):
        if text == texts[-1]:
            continue
        concerns.amend_concern(session, concern_id, content(child, facts=text),
                               f"correction {version}", len(texts))
        texts.append(text)
    record = concerns.get_concern(session, concern_id)
    assert [v.content.facts for v in record.versions] == texts
    assert all(v.reason for v in record.versions[1:])
    assert verify_store(session).ok
    close(session)


def test_amendments_need_a_reason_and_a_current_base(store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = pupil(session, "Amy", "Example")
    child = InvolvedChild(amy.id, ChildRole.SUBJECT)
    concern_id = concerns.log_concern(session, content(child))
    with pytest.raises(InvalidInput, match="why"):
        concerns.amend_concern(session, concern_id, content(child, facts="x"), " ", 1)
    concerns.amend_concern(session, concern_id, content(child, facts="x"), "typo", 1)
    with pytest.raises(InvalidInput, match="changed by someone else"):
        concerns.amend_concern(session, concern_id, content(child, facts="y"), "again", 1)
    with pytest.raises(Exception, match="never changed"):
        session.db.conn.execute("UPDATE concern_versions SET body = '{}'")
    close(session)


def test_search_finds_text_from_each_of_the_four_fields(store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = pupil(session, "Amy", "Example")
    concerns.log_concern(session, content(
        InvolvedChild(amy.id, ChildRole.SUBJECT), facts="bruiseword",
        child_words="verbatimword", others_reported="thirdpartyword",
        others_source="Lunch staff", opinion="judgementword"))
    for word in ("bruiseword", "verbatimword", "thirdpartyword", "judgementword"):
        (hit,) = search.search(session, word[:6])
        assert hit.kind == "concern" and hit.pupil_ids == (amy.id,)
        assert word in hit.snippet[1::2]
    assert search.search(session, 'Exam"ple OR NEAR(') == []  # typed text is never FTS syntax
    assert [h.kind for h in search.search(session, "amy exa")] == ["pupil"]
    close(session)


def test_review_needs_reasons_and_a_reviewer(store_path: Path) -> None:
    session, _ = make_store(store_path)
    add_colleague(session, "sendco", Role.SENDCO)
    amy = pupil(session, "Amy", "Example")
    concern_id = concerns.log_concern(session, content(InvolvedChild(amy.id, ChildRole.SUBJECT)))
    no_reasons = Review(Decision.NO_FURTHER_ACTION, " ", "Jo", "DSL", date(2026, 11, 3))
    with pytest.raises(InvalidInput, match="reasons"):
        concerns.record_review(session, concern_id, no_reasons, 1)
    close(session)
    sendco = reopen(store_path, "sendco", "colleague password")
    review = Review(Decision.MONITOR, "Watch for a month", "T", "SENDCO", date(2026, 11, 3))
    with pytest.raises(PermissionDenied):
        concerns.record_review(sendco, concern_id, review, 1)
    close(sendco)


def test_concern_validation_says_what_is_wrong(store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = pupil(session, "Amy", "Example")
    child = InvolvedChild(amy.id, ChildRole.SUBJECT)
    future = datetime(2999, 1, 1, tzinfo=UTC)
    bad = ConcernContent("Ms T", "Teacher", WHEN, future, "Gate", (child,), ("Neglect",),
                         facts="x")
    with pytest.raises(InvalidInput) as err:
        concerns.log_concern(session, bad)
    assert err.value.field == "noticed_at"
    early = ConcernContent("Ms T", "Teacher", WHEN, datetime(2026, 1, 1, tzinfo=UTC), "Gate",
                           (child,), ("Neglect",), facts="x")
    with pytest.raises(InvalidInput, match="before it happened"):
        concerns.log_concern(session, early)
    close(session)


def test_home_lists_show_what_awaits_the_dsl(store_path: Path) -> None:
    from sgdesk.models.concerns import Action

    session, _ = make_store(store_path)
    amy = pupil(session, "Amy", "Example")
    child = InvolvedChild(amy.id, ChildRole.SUBJECT)
    waiting = concerns.log_concern(session, content(child))
    reviewed = concerns.log_concern(session, content(child, facts="second"))
    actions = (Action("Call parent", "Jo", date(2026, 11, 10)),
               Action("Check in", "Jo", date(2026, 11, 22)),
               Action("Later", "Jo", date(2026, 12, 30)))
    concerns.record_review(session, reviewed, Review(
        Decision.MONITOR, "Monitor", "Jo", "DSL", date(2026, 11, 3), actions), 1)
    home = concerns.home_lists(session, date(2026, 11, 20))
    assert [c.id for c in home.awaiting_review] == [waiting]
    assert [a.description for a in home.overdue_actions] == ["Call parent"]
    assert [a.description for a in home.due_this_week] == ["Check in"]
    assert {c.id for c in home.recently_logged} == {waiting, reviewed}
    close(session)


def test_history_on_file_hides_a_change_to_another_childs_role(store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy, ben = pupil(session, "Amy", "Example"), pupil(session, "Ben", "Example")
    first = content(InvolvedChild(amy.id, ChildRole.VICTIM),
                    InvolvedChild(ben.id, ChildRole.WITNESS))
    concern_id = concerns.log_concern(session, first)
    second = content(InvolvedChild(amy.id, ChildRole.VICTIM),
                     InvolvedChild(ben.id, ChildRole.ALLEGED_PERPETRATOR), facts="Corrected")
    concerns.amend_concern(session, concern_id, second, "Ben's part was misread", 1)
    record = concerns.concern_on_file(session, concern_id, amy.id)
    assert [v.number for v in record.versions] == [1, 2]
    assert record.current.changed == ("facts",)
    assert record.current.reason == "Ben's part was misread"
    assert "perpetrator" not in repr(record).lower()
    on_ben = concerns.concern_on_file(session, concern_id, ben.id)
    assert on_ben.current.changed == ("children", "facts")
    close(session)


def test_pupil_list_counts_concerns_awaiting_review_and_open_but_not_closed(
        store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy, ben = pupil(session, "Amy", "Example"), pupil(session, "Ben", "Example")
    log_about(session, amy)  # awaiting review
    reviewed, closed = log_about(session, amy), log_about(session, amy)
    review = Review(Decision.MONITOR, "Watch for a pattern", "Jo Bloggs", "DSL", date(2026, 11, 3))
    concerns.record_review(session, reviewed, review, 1)
    concerns.record_review(session, closed, replace(review, outcome="Settled",
                                                    closed_on=date(2026, 11, 4)), 1)
    counts = {e.id: e.open_concerns for e in pupils.list_pupils(session)}
    assert counts == {amy.id: 2, ben.id: 0}
    close(session)

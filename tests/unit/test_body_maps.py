"""Body maps in a real encrypted store: never overwritten, coordinates exact after
reopening, each pupil's maps kept to that pupil, and the checks a DSL relies on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from sgdesk.models.body_maps import BodyView, Mark, MarkType, marks_by_site, site_at
from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.pupils import SendStatus
from sgdesk.models.users import Role
from sgdesk.services import concerns
from sgdesk.services.body_maps import (
    add_body_map,
    amend_body_map,
    body_maps_for_concern,
    body_maps_for_pupil,
    get_body_map,
)
from sgdesk.services.demo_body_maps import add_demo_body_maps
from sgdesk.services.maintenance import verify_store
from sgdesk.services.resources import body_map_regions
from sgdesk.services.session import Session
from sgdesk.storage.database import DatabaseError
from tests.body_map_helpers import SITES, map_of, mark_at
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


@pytest.fixture
def session(store_path: Path) -> Session:
    return make_store(store_path)[0]


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment in the machine's local time, as a school day is counted."""
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


@pytest.mark.parametrize(("view", "site"), list(SITES), ids=lambda v: getattr(v, "value", v))
def test_the_test_points_lie_in_the_sites_they_are_named_for(view: BodyView, site: str) -> None:
    assert site_at(body_map_regions(), view, *SITES[(view, site)]) == site


def test_an_amendment_adds_a_version_and_keeps_the_original(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    concern_id = log_about(session, amy)
    original = map_of(amy.id, concern_id=concern_id)
    map_id = add_body_map(session, original)
    corrected = replace(original, marks=(replace(original.marks[0], width_cm=3.5),))

    assert amend_body_map(session, map_id, corrected, "  Measured again  ", 1) == 2

    record = get_body_map(session, map_id)
    assert [v.number for v in record.versions] == [1, 2]
    assert record.versions[0].content == original
    assert record.current == corrected and record.version == 2
    assert record.versions[1].reason == "Measured again"
    assert {v.saved_by for v in record.versions} == {"Jo Bloggs"}
    assert verify_store(session).ok
    with pytest.raises(DatabaseError, match="never changed"), \
            session.db.write(session.user.id) as tx:
        tx.execute("UPDATE body_map_versions SET body = '{}'")


def test_amending_needs_a_reason_a_change_and_the_version_it_started_from(
        session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    content = map_of(amy.id)
    map_id = add_body_map(session, content)
    changed = replace(content, notes="Seen again at lunch")
    with pytest.raises(InvalidInput) as no_reason:
        amend_body_map(session, map_id, changed, "   ", 1)
    with pytest.raises(InvalidInput, match="Nothing has changed") as same:
        amend_body_map(session, map_id, content, "Checked", 1)
    amend_body_map(session, map_id, changed, "Added a note", 1)
    with pytest.raises(InvalidInput, match="changed by someone else"):
        amend_body_map(session, map_id, replace(changed, notes="Again"), "Another", 1)
    assert no_reason.value.field == same.value.field == "reason"
    assert get_body_map(session, map_id).version == 2


def test_a_map_stays_with_its_pupil(session: Session) -> None:
    amy, ben = add_pupil(session, "Amy", "Example"), add_pupil(session, "Ben", "Example")
    content = map_of(amy.id)
    map_id = add_body_map(session, content)
    with pytest.raises(InvalidInput, match="stays with the pupil") as moved:
        amend_body_map(session, map_id, replace(content, pupil_id=ben.id), "Wrong child", 1)
    assert moved.value.field == "pupil_id"


def test_coordinates_come_back_exactly_after_the_store_is_reopened(
        session: Session, store_path: Path) -> None:
    amy = add_pupil(session, "Amy", "Example")
    awkward = [(1 / 3, 2 / 3), (0.1 + 0.2, 0.7), (0.0, 1.0), (0.123456789012345, 0.5 + 1e-12)]
    marks = tuple(Mark(BodyView.BACK, x, y, "somewhere", MarkType.MARK, 0.5, 0.25,
                       WHEN - timedelta(minutes=5)) for x, y in awkward)
    map_id = add_body_map(session, map_of(amy.id, *marks))
    close(session)

    again = reopen(store_path)
    stored = get_body_map(again, map_id).current.marks
    assert [(m.x, m.y) for m in stored] == awkward  # exact: no rounding on the way
    assert stored == marks
    close(again)


def test_a_pupils_maps_are_theirs_alone_oldest_first(session: Session) -> None:
    amy, ben = add_pupil(session, "Amy", "Example"), add_pupil(session, "Ben", "Example")
    later = add_body_map(session, map_of(amy.id, completed_at=WHEN))
    earlier = add_body_map(session, map_of(amy.id, completed_at=WHEN - timedelta(days=30)))
    bens = add_body_map(session, map_of(ben.id, completed_at=WHEN - timedelta(days=10)))

    assert [m.id for m in body_maps_for_pupil(session, amy.id)] == [earlier, later]
    assert [m.id for m in body_maps_for_pupil(session, ben.id)] == [bens]
    assert all(m.current.pupil_id == amy.id for m in body_maps_for_pupil(session, amy.id))


def test_dates_limit_maps_by_the_local_day_they_were_completed(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    days = [date(2026, 3, 2), date(2026, 5, 11), date(2026, 9, 30)]
    ids = [add_body_map(session, map_of(amy.id, completed_at=local(d, 23, 30))) for d in days]
    late_evening, early_morning = ids[1], add_body_map(
        session, map_of(amy.id, completed_at=local(date(2026, 5, 12), 0, 15)))

    def found(start: date | None, end: date | None) -> list[str]:
        return [m.id for m in body_maps_for_pupil(session, amy.id, start, end)]

    assert found(None, None) == [*ids[:2], early_morning, ids[2]]
    assert found(date(2026, 5, 11), date(2026, 5, 11)) == [late_evening]
    assert found(date(2026, 5, 12), None) == [early_morning, ids[2]]
    assert found(None, date(2026, 5, 10)) == [ids[0]]
    assert found(date(2026, 10, 1), None) == []


def test_a_concerns_maps_are_found_from_the_concern(session: Session) -> None:
    amy, ben = add_pupil(session, "Amy", "Example"), add_pupil(session, "Ben", "Example")
    both = concerns.log_concern(session, concern_content(
        InvolvedChild(amy.id, ChildRole.SUBJECT), InvolvedChild(ben.id, ChildRole.VICTIM)))
    amys = add_body_map(session, map_of(amy.id, concern_id=both))
    bens = add_body_map(session, map_of(ben.id, concern_id=both, completed_at=WHEN
                                        - timedelta(hours=1)))
    add_body_map(session, map_of(amy.id))  # on its own: no concern

    assert [m.id for m in body_maps_for_concern(session, both)] == [bens, amys]


def test_the_concern_must_be_about_the_pupil_the_map_is_for(session: Session) -> None:
    amy, ben = add_pupil(session, "Amy", "Example"), add_pupil(session, "Ben", "Example")
    about_amy = log_about(session, amy)
    with pytest.raises(InvalidInput, match="not about this pupil") as wrong:
        add_body_map(session, map_of(ben.id, concern_id=about_amy))
    with pytest.raises(InvalidInput) as no_concern:
        add_body_map(session, map_of(amy.id, concern_id="no-such-concern"))
    with pytest.raises(InvalidInput) as no_pupil:
        add_body_map(session, map_of("no-such-pupil"))
    assert wrong.value.field == no_concern.value.field == "concern_id"
    assert no_pupil.value.field == "pupil_id"
    assert body_maps_for_pupil(session, ben.id) == []


def test_a_map_is_checked_before_it_is_saved(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    good = map_of(amy.id)
    off_the_outline = replace(good.marks[0], x=1.2)
    cases = {
        "marks": replace(good, marks=()),
        "marks.0.position": replace(good, marks=(off_the_outline,)),
        "completed_by_name": replace(good, completed_by_name="  "),
        "completed_at": replace(good, completed_at=datetime.now().astimezone()
                                + timedelta(days=2)),
    }
    for field, content in cases.items():
        with pytest.raises(InvalidInput) as problem:
            add_body_map(session, content)
        assert problem.value.field == field
    assert body_maps_for_pupil(session, amy.id) == []


def test_the_marks_table_follows_the_current_version(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    first = mark_at(BodyView.FRONT, "left forearm, inner")
    content = map_of(amy.id, first)
    map_id = add_body_map(session, content)
    second = mark_at(BodyView.BACK, "right calf", MarkType.GRAZE)
    amend_body_map(session, map_id, replace(content, marks=(second, first)), "Calf added", 1)

    rows = session.db.query("SELECT number, view, site, mark_type FROM body_map_marks "
                            "WHERE map_id = ? ORDER BY number", (map_id,))
    assert [tuple(r) for r in rows] == [(1, "back", "right calf", "graze"),
                                        (2, "front", "left forearm, inner", "bruise")]


def test_a_sendco_can_add_a_map_and_an_auditor_cannot(session: Session,
                                                       store_path: Path) -> None:
    amy = add_pupil(session, "Amy", "Example", send_status=SendStatus.EHCP)  # SENDCO's sight
    add_colleague(session, "sendco", Role.SENDCO)
    add_colleague(session, "auditor", Role.AUDITOR)
    close(session)

    sendco = reopen(store_path, "sendco", "colleague password")
    map_id = add_body_map(sendco, map_of(amy.id))
    assert get_body_map(sendco, map_id).versions[0].saved_by == "Sendco"
    close(sendco)

    auditor = reopen(store_path, "auditor", "colleague password")
    with pytest.raises(PermissionDenied):
        add_body_map(auditor, map_of(amy.id))
    record = get_body_map(auditor, map_id)  # reading is allowed
    with pytest.raises(PermissionDenied):
        amend_body_map(auditor, map_id, replace(record.current, notes="x"), "Why", 1)
    assert len(body_maps_for_pupil(auditor, amy.id)) == 1
    close(auditor)


def test_the_demo_maps_show_a_bruise_coming_back_to_the_same_site(session: Session) -> None:
    real_clock = session.db.clock
    session.db.clock = lambda: WHEN - timedelta(days=400)  # on the register for a while
    amy, ben = add_pupil(session, "Amy", "Example"), add_pupil(session, "Ben", "Example")
    session.db.clock = real_clock
    facts = {amy: "During PE I saw a bruise about 3 cm across on the back of Amy's upper "
                  "left arm.",
             ben: "At registration I noticed a red mark on Ben's left cheek."}
    concern_ids = {
        pupil.id: concerns.log_concern(session, replace(
            concern_content(InvolvedChild(pupil.id, ChildRole.SUBJECT), facts=text,
                            child_words='"I fell over."'),
            categories=("Physical abuse",)))
        for pupil, text in facts.items()}
    log_about(session, ben, facts="A bruise, but the concern is about neglect")

    add_demo_body_maps(session, WHEN.date())

    amys = body_maps_for_pupil(session, amy.id)
    assert [m.current.concern_id for m in amys] == [None, None, None, concern_ids[amy.id]]
    site, marks = next(iter(marks_by_site([m.current for m in amys]).items()))
    assert (site, len(marks)) == ("left upper arm, outer", 4)
    assert (marks[-1].seen_at - marks[0].seen_at).days > 90  # over several months
    assert amys[-1].current.marks[0].child_explanation == "I fell over."
    [bens] = body_maps_for_pupil(session, ben.id)
    assert bens.current.concern_id == concern_ids[ben.id]
    assert [m.site for m in bens.current.marks] == ["left cheek"]
    assert verify_store(session).ok

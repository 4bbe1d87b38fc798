"""The demo store: the same fictional records every time, enough of each kind for
every screen to show something, written through the services so the store
verifies like a real one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sgdesk.models.concerns import ChildRole
from sgdesk.models.pupils import SendStatus
from sgdesk.services import concerns, pupils
from sgdesk.services.demo import DEMO_DSL_LOGIN, DEMO_PASSWORD, create_demo_store
from sgdesk.services.maintenance import verify_store
from sgdesk.services.session import Session
from tests.helpers import close, reopen

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)

#: Names a demo must never use: well-known people, children whose deaths led to
#: serious case reviews, and placeholder surnames that make a demo look fake.
NEVER_USED_NAMES = {
    "Harry Kane", "Emma Watson", "Marcus Rashford", "Tom Daley", "Ed Sheeran", "Lily Allen",
    "Callum Turner", "Dylan Thomas", "Ruby Walsh", "Jack Dawson", "Mo Farah",
    "Victoria Climbié", "Peter Connelly", "Daniel Pelka", "Arthur Labinjo-Hughes",
    "Star Hobson", "Khyra Ishaq", "Hamzah Khan", "Keanu Williams", "Ellie Butler",
}
PLACEHOLDER_SURNAMES = {"Example", "Test", "Doe", "Bloggs", "Sample", "Pupil"}


def _demo(path: Path) -> Session:
    create_demo_store(path, clock=lambda: NOW)
    return reopen(path, DEMO_DSL_LOGIN, DEMO_PASSWORD)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Session]:
    session = _demo(tmp_path / "demo.sgdesk")
    yield session
    close(session)


def _contents(session: Session) -> tuple[list[tuple[object, ...]], list[str]]:
    listed = [(e.id, e.sort_name, e.year_group, e.send_status, e.has_left, e.open_concerns)
              for e in pupils.list_pupils(session)]
    bodies = sorted(r[0] for r in session.db.query("SELECT body FROM concern_versions"))
    return listed, bodies


def test_two_demo_stores_hold_the_same_records(tmp_path: Path) -> None:
    first = _demo(tmp_path / "one.sgdesk")
    second = _demo(tmp_path / "two.sgdesk")
    try:
        one, two = _contents(first), _contents(second)
        assert len(one[0]) >= 80 and len(one[1]) >= 150
        assert one == two
    finally:
        close(first)
        close(second)


def test_the_demo_has_what_the_screens_and_later_issues_need(demo: Session) -> None:
    listed = pupils.list_pupils(demo)
    records = [pupils.get_pupil(demo, e.id).pupil for e in listed]
    families: dict[str, int] = {}
    for pupil in records:
        if pupil.family_id:
            families[pupil.family_id] = families.get(pupil.family_id, 0) + 1
    assert 4 <= len(families) <= 6 and 3 in families.values()

    ehcp = [p for p in records if p.send_status is SendStatus.EHCP]
    assert ehcp and all(p.ehcp_section_d and p.ehcp_section_h for p in ehcp)
    assert sum(p.send_status is SendStatus.SEN_SUPPORT for p in records) >= 10
    assert any("worry card" in p.communication_needs for p in records)
    assert any(p.key_adults_known is False and not p.key_adults for p in records)
    assert any(p.parental_responsibility and p.agencies and any(a.is_lead_professional
                                                                for a in p.agencies)
               for p in records)
    leavers = [p for p in records if p.has_left]
    assert len(leavers) >= 2 and all(p.destination_school for p in leavers)

    today = NOW.date()
    home = concerns.home_lists(demo, today)
    assert len(home.awaiting_review) >= 8
    assert home.overdue_actions and all(a.due < today for a in home.overdue_actions)
    assert home.due_this_week

    roles = {tuple(sorted(r[0] for r in demo.db.query(
        "SELECT role FROM concern_children WHERE concern_id = ?", (cid,))))
        for (cid,) in demo.db.query("SELECT id FROM concerns")}
    assert tuple(sorted(r.value for r in (ChildRole.VICTIM, ChildRole.ALLEGED_PERPETRATOR,
                                          ChildRole.WITNESS))) in roles
    reasons = [r[0] for r in demo.db.query("SELECT reason FROM concern_versions")]
    assert any(r.startswith("Location corrected") for r in reasons)
    statuses = dict(demo.db.query("SELECT status, count(*) FROM concerns GROUP BY status"))
    assert statuses["closed"] > 0 and statuses["open"] > 0
    categories = {c for (cid,) in demo.db.query("SELECT id FROM concerns")
                  for c in concerns.get_concern(demo, cid).current.categories}
    assert len(categories) >= 15


def test_the_demo_store_verifies(demo: Session) -> None:
    report = verify_store(demo)
    assert report.ok, report.lines()


def test_no_demo_pupil_has_a_name_we_must_not_use(demo: Session) -> None:
    for entry in pupils.list_pupils(demo):
        pupil = pupils.get_pupil(demo, entry.id).pupil
        assert pupil.legal_name not in NEVER_USED_NAMES
        assert pupil.display_name not in NEVER_USED_NAMES
        assert pupil.legal_surname not in PLACEHOLDER_SURNAMES

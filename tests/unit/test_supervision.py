"""The DSL's private supervision log: the DSL's alone at the service layer, amended
never overwritten, and out of search, chronologies and shares."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.sharing import EVERY_KIND, ShareRequest
from sgdesk.models.supervision import NoteKind, SupervisionNote
from sgdesk.models.users import Role
from sgdesk.services import chronology, search, supervision
from sgdesk.services.demo_clock import clock_at
from sgdesk.services.share_selection import select_share
from sgdesk.storage.search_rebuild import reindex
from tests.helpers import add_colleague, add_pupil, close, log_about, make_store, reopen

SECRET = "Marlingford"  # a word written only in the supervision log
TODAY = datetime(2026, 11, 9, 12, 0, tzinfo=UTC)


def session_note(**changes: object) -> SupervisionNote:
    values: dict[str, object] = {
        "held_on": date(2026, 11, 5), "kind": NoteKind.SESSION,
        "supervisor": "Dr Ana Supervisor, clinical psychologist",
        "cases_discussed": "The Year 4 child whose father left; the sibling group.",
        "notes": f"Talked through the {SECRET} case and how it sits with me.",
        "actions_agreed": "Book a consultation with the LADO."} | changes
    return SupervisionNote(**values)  # type: ignore[arg-type]


def test_rules_name_each_field() -> None:
    today = TODAY.date()
    assert session_note().problems(today) == []
    found = dict(session_note(held_on=date(2026, 11, 10), supervisor=" ", notes="",
                              cases_discussed="", actions_agreed="").problems(today))
    assert set(found) == {"held_on", "supervisor", "notes"}
    reflection = session_note(kind=NoteKind.REFLECTION, supervisor="")
    assert reflection.problems(today) == []  # a reflection has no supervisor


def test_notes_are_added_and_amended_keeping_every_version(store_path: Path) -> None:
    session, _ = make_store(store_path)
    with clock_at(session, TODAY):
        first = supervision.add_note(session, session_note())
        reflection = supervision.add_note(session, session_note(
            kind=NoteKind.REFLECTION, supervisor="", held_on=date(2026, 11, 8),
            notes="A hard week."))
        with pytest.raises(InvalidInput) as refused:
            supervision.add_note(session, session_note(supervisor=""))
        assert refused.value.field == "supervisor"
        with pytest.raises(InvalidInput, match="why"):
            supervision.amend_note(session, first, session_note(notes="x"), " ", 1)
        with pytest.raises(InvalidInput, match="Nothing has changed"):
            supervision.amend_note(session, first, session_note(), "no change", 1)
        amended = session_note(actions_agreed="Consult the LADO by Friday.")
        assert supervision.amend_note(session, first, amended, "Clearer action", 1) == 2
        with pytest.raises(InvalidInput, match="changed by someone else"):
            supervision.amend_note(session, first, session_note(), "stale form", 1)

    record = supervision.get_note(session, first)
    assert [v.number for v in record.versions] == [1, 2]
    assert record.versions[0].note == session_note()  # the original is kept as written
    assert record.current.note == amended
    assert record.current.reason == "Clearer action"
    assert record.current.changed == ("actions_agreed",)
    assert record.current.saved_by == "Jo Bloggs"
    # the most recent first
    assert [r.id for r in supervision.notes(session)] == [reflection, first]
    versions = session.db.query("SELECT number FROM supervision_note_versions "
                                "WHERE supervision_note_id = ?", (first,))
    assert [r[0] for r in versions] == [1, 2]
    close(session)


def test_only_the_dsl_can_read_or_write_the_log(store_path: Path) -> None:
    session, _ = make_store(store_path)
    for login, role in (("deputy", Role.DEPUTY_DSL), ("sendco", Role.SENDCO),
                        ("auditor", Role.AUDITOR)):
        add_colleague(session, login, role)
    note_id = supervision.add_note(session, session_note())
    close(session)
    for login in ("deputy", "sendco", "auditor"):
        other = reopen(store_path, login, "colleague password")
        calls = (lambda s=other: supervision.notes(s),
                 lambda s=other: supervision.get_note(s, note_id),
                 lambda s=other: supervision.add_note(s, session_note()),
                 lambda s=other: supervision.amend_note(s, note_id, session_note(notes="x"),
                                                        "mine now", 1))
        for call in calls:
            with pytest.raises(PermissionDenied, match="Designated Safeguarding Lead"):
                call()
        close(other)
    session = reopen(store_path)
    assert len(supervision.notes(session)) == 1  # nothing was added by anyone else
    close(session)


def test_notes_are_not_found_by_search_nor_in_chronologies_or_shares(
        store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = add_pupil(session, "Amy", "Example")
    log_about(session, amy, facts="Seen crying by the gate")
    supervision.add_note(session, session_note())
    assert search.search(session, SECRET) == []
    assert search.search(session, "Supervisor") == []
    with session.db.write(session.user.id) as tx:  # as a handover or repair rebuilds it
        reindex(tx, session.db)
        tx.audit("reindex", "search_index", "all")
    assert search.search(session, SECRET) == []
    assert [h.kind for h in search.search(session, "crying")] == ["concern"]
    assert SECRET not in repr(chronology.pupil_chronology(session, amy.id))
    share = select_share(session.db, ShareRequest((amy.id,), EVERY_KIND, "A partner",
                                                  "Strategy discussion", "safeguarding"),
                         session.user.display_name)
    assert "supervision_notes" not in share.tables
    assert SECRET not in json.dumps(share.tables)
    close(session)

"""Retention: review dates, the review list, legal holds, and destruction that
leaves no trace of the content in the store's pages while its record remains."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from sgdesk.models.body_maps import BodyView
from sgdesk.models.chronology import ChronologyEvent, EventKind
from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.pupils import Pupil, SendStatus
from sgdesk.models.retention import (
    RetentionKind,
    RetentionRules,
    pupil_initials,
    review_date,
)
from sgdesk.models.users import Role
from sgdesk.services import chronology, concerns, pupils, retention
from sgdesk.services.body_maps import add_body_map
from sgdesk.services.maintenance import verify_store
from sgdesk.services.session import Session
from sgdesk.storage.audit_repo import AuditRepository
from sgdesk.storage.destruction import PUPIL_REFERENCES, SHARED_CONCERN_REASON
from tests.body_map_helpers import map_of, mark_at
from tests.conftest import CANARY_NAME
from tests.helpers import (
    DSL_LOGIN,
    DSL_PASSWORD,
    add_colleague,
    add_pupil,
    close,
    concern_content,
    log_about,
    make_store,
    reopen,
)

LEFT = date(2017, 7, 20)
#: Reviewed long ago under the 25-year rule (born 1990): may be destroyed today.
DUE_BORN = date(1990, 3, 14)
CANARY_TEXT = "Marmalowind Trevasquill"


def rules(**years: int) -> RetentionRules:
    found = RetentionRules()
    for kind, value in years.items():
        found = found.with_years(RetentionKind(kind), value)
    return found


def today(session: Session) -> date:
    return session.db.clock().astimezone().date()


def leaver(session: Session, forename: str, surname: str, born: date = DUE_BORN,
           **details: object) -> Pupil:
    return add_pupil(session, forename, surname, date_of_birth=born, date_left=LEFT,
                     **details)


# -- review dates ------------------------------------------------------------------------
def test_a_cp_file_is_reviewed_25_years_after_birth_and_an_sen_file_after_31() -> None:
    pupil = Pupil("p", "Amy", "Ash", date_of_birth=date(2010, 9, 1))
    assert review_date(pupil, rules()) == date(2035, 9, 1)
    with_send = Pupil("q", "Ben", "Birch", date_of_birth=date(2010, 9, 1),
                      send_status=SendStatus.EHCP)
    assert review_date(with_send, rules()) == date(2041, 9, 1)
    assert review_date(pupil, rules(), had_send=True) == date(2041, 9, 1)
    unborn = Pupil("r", "Baby", "Ash", expected_date_of_birth=date(2027, 1, 5))
    assert review_date(unborn, rules()) == date(2052, 1, 5)
    assert review_date(Pupil("s", "No", "Date"), rules()) is None


def test_a_29_february_birthday_is_reviewed_on_28_february() -> None:
    pupil = Pupil("p", "Leah", "Leap", date_of_birth=date(2004, 2, 29))
    assert review_date(pupil, rules()) == date(2029, 2, 28)
    assert review_date(pupil, rules(cp_file=24)) == date(2028, 2, 29)


def test_the_longer_period_wins_whichever_kind_it_is() -> None:
    with_send = Pupil("q", "Ben", "Birch", date_of_birth=date(2010, 9, 1),
                      send_status=SendStatus.SEN_SUPPORT)
    assert review_date(with_send, rules(cp_file=40)) == date(2050, 9, 1)


def test_years_out_of_range_are_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        rules(cp_file=0)
    assert err.value.field == "years"
    with pytest.raises(InvalidInput):
        rules(sen=101)


def test_initials_keep_no_more_of_a_name_than_two_letters() -> None:
    assert pupil_initials(Pupil("p", "zephyrine", "Quillborough")) == "Z. Q."


# -- the school's periods ----------------------------------------------------------------
def test_the_dsl_changes_a_period_and_it_is_kept_and_audited(store_path: Path) -> None:
    session, _ = make_store(store_path)
    assert retention.retention_rules(session).years_for(RetentionKind.CP_FILE) == 25
    retention.set_retention_years(session, RetentionKind.CP_FILE, 30)
    last = AuditRepository(session.db).entries()[-1]
    assert (last.action, last.table_name, last.row_id) == ("set", "settings",
                                                           retention.SETTINGS_KEY)
    close(session)
    session = reopen(store_path)
    found = retention.retention_rules(session)
    assert (found.years_for(RetentionKind.CP_FILE), found.years_for(RetentionKind.SEN)) == (30, 31)
    close(session)


def test_only_the_dsl_manages_retention(store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = leaver(session, "Amy", "Ash")
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    close(session)
    deputy = reopen(store_path, "deputy", "colleague password")
    for attempt in (
        lambda: retention.set_retention_years(deputy, RetentionKind.CP_FILE, 30),
        lambda: retention.place_hold(deputy, amy.id, "Inquiry"),
        lambda: retention.holds(deputy),
        lambda: retention.destructions(deputy),
        lambda: retention.destruction_preview(deputy, amy.id),
        lambda: retention.destroy_file(deputy, amy.id, "Reviewed", "Amy Ash"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert retention.reviews_due(deputy, today(deputy)) == []
    assert pupils.get_pupil(deputy, amy.id).pupil.legal_surname == "Ash"
    close(deputy)


# -- the review list ---------------------------------------------------------------------
def test_the_review_list_holds_leavers_due_or_due_within_90_days(store_path: Path) -> None:
    session, _ = make_store(store_path)
    now = today(session)
    due = leaver(session, "Dora", "Due")
    soon = leaver(session, "Sam", "Soon", born=now.replace(year=now.year - 25)
                  + timedelta(days=60))
    leaver(session, "Lee", "Later", born=now.replace(year=now.year - 25) + timedelta(days=95))
    add_pupil(session, "Ona", "Roll", date_of_birth=DUE_BORN)  # still on roll
    # SEN support in an earlier version: 31 years, so not due yet
    was_send = leaver(session, "Sid", "Send", born=now.replace(year=now.year - 26),
                      send_status=SendStatus.SEN_SUPPORT)
    record = pupils.get_pupil(session, was_send.id)
    pupils.amend_pupil(session, replace(record.pupil, send_status=SendStatus.NONE),
                       "No longer on the SEN register", record.version)

    found = retention.reviews_due(session, now)
    assert [r.pupil_id for r in found] == [due.id, soon.id]
    assert [r.due for r in found] == [True, False]
    assert found[0].review_on == date(2015, 3, 14)
    assert (found[0].kind, found[0].years, found[0].on_hold) == (RetentionKind.CP_FILE, 25,
                                                                 False)

    retention.place_hold(session, due.id, "Relevant to the public inquiry")
    assert retention.reviews_due(session, now)[0].on_hold
    retention.set_retention_years(session, RetentionKind.SEN, 25)
    assert was_send.id in {r.pupil_id for r in retention.reviews_due(session, now)}
    close(session)


# -- holds and refusals --------------------------------------------------------------------
def test_a_hold_blocks_destruction_until_it_is_lifted(store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = leaver(session, "Amy", "Ash")
    with pytest.raises(InvalidInput) as err:
        retention.place_hold(session, amy.id, "  ")
    assert err.value.field == "reason"
    hold = retention.place_hold(session, amy.id, "Relevant to the public inquiry")
    assert retention.destruction_preview(session, amy.id).refusal.startswith(
        "This file is under a legal hold")
    with pytest.raises(InvalidInput, match="legal hold"):
        retention.destroy_file(session, amy.id, "Reviewed: nothing to keep", "Amy Ash")

    with pytest.raises(InvalidInput) as err:
        retention.lift_hold(session, hold.id, "")
    assert err.value.field == "reason"
    lifted = retention.lift_hold(session, hold.id, "The inquiry has closed")
    assert (lifted.lifted_on, lifted.lift_reason) == (today(session), "The inquiry has closed")
    with pytest.raises(InvalidInput, match="already been lifted"):
        retention.lift_hold(session, hold.id, "Again")
    [entry] = retention.holds(session)
    assert (entry.pupil_name, entry.placed_by_name, entry.lifted_by_name) == (
        "Amy Ash", "Jo Bloggs", "Jo Bloggs")
    assert not entry.hold.active

    record = retention.destroy_file(session, amy.id, "Reviewed: nothing to keep", "Amy Ash")
    assert record.removed["legal_holds"] == 1
    assert retention.holds(session) == []
    close(session)


def test_a_pupil_on_roll_or_before_review_is_refused(store_path: Path) -> None:
    session, _ = make_store(store_path)
    on_roll = add_pupil(session, "Ona", "Roll", date_of_birth=DUE_BORN)
    young = leaver(session, "Yan", "Young", born=date(2012, 5, 1))
    with pytest.raises(InvalidInput, match="still on roll"):
        retention.destroy_file(session, on_roll.id, "Reviewed", "Ona Roll")
    with pytest.raises(InvalidInput, match="review date has not come"):
        retention.destroy_file(session, young.id, "Reviewed", "Yan Young")
    assert pupils.get_pupil(session, on_roll.id) and pupils.get_pupil(session, young.id)
    close(session)


def test_the_name_must_be_typed_as_shown_and_a_reason_given(store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = leaver(session, "Amelia", "Ash", preferred_name="Amy")
    with pytest.raises(InvalidInput) as err:
        retention.destroy_file(session, amy.id, "Reviewed", "Amelia Ash")
    assert err.value.field == "confirm_text"
    with pytest.raises(InvalidInput) as err:
        retention.destroy_file(session, amy.id, " ", "Amy Ash")
    assert err.value.field == "reason"
    retention.destroy_file(session, amy.id, "Reviewed", "  Amy   Ash ")
    with pytest.raises(InvalidInput, match="not on the register"):
        pupils.get_pupil(session, amy.id)
    close(session)


# -- destruction -----------------------------------------------------------------------------
def _decrypted_pages(path: Path, key: bytes) -> bytes:
    """Every page of a SQLCipher 4 file (default settings, raw key) decrypted, free pages
    included: AES-256-CBC over each page less its 80 reserved bytes (16 IV + 64 HMAC);
    the first page's first 16 bytes are the salt. (``PRAGMA rekey = ''`` is refused
    by SQLCipher 4, and ``sqlcipher_export`` copies rows, not pages.)"""
    data = path.read_bytes()
    size, reserve = 4096, 80
    assert len(data) % size == 0
    out = bytearray()
    for offset in range(0, len(data), size):
        page = data[offset:offset + size]
        start = 16 if offset == 0 else 0
        iv = page[size - reserve:size - reserve + 16]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        out += decryptor.update(page[start:size - reserve]) + decryptor.finalize()
    assert out[:2] == b"\x10\x00", "not decrypted: the page size field is wrong"
    return bytes(out)


def _canaries() -> list[bytes]:
    """The canary words as stored, and their endings in lower case: the full-text
    index keeps a word lower-cased and after the prefix it shares with the word
    before it, so the ending is what shows of it there."""
    words = [*CANARY_NAME.split(), *CANARY_TEXT.split()]
    return [form.encode() for word in words for form in (word, word[3:].lower())]


def _plain_copy(store_path: Path, key: bytes, dest: Path) -> bytes:
    """The closed store's pages, decrypted (the WAL was emptied at close)."""
    wal = store_path.with_name(store_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    shutil.copyfile(store_path, dest)
    return _decrypted_pages(dest, key)


def _file_with_everything(session: Session) -> tuple[Pupil, Pupil, str, str]:
    """A leaver with the canary name and text in every kind of record, and a
    classmate who shares one concern with them (which names nobody)."""
    forename, surname = CANARY_NAME.split()
    canary = leaver(session, forename, surname, aliases=("Zeph",),
                    household=(), upn="", gp=f"Dr {CANARY_TEXT}")
    classmate = leaver(session, "Cara", "Classmate", born=date(2012, 1, 1))
    own = log_about(session, canary, facts=f"{CANARY_TEXT} said {forename} was hurt")
    shared = concerns.log_concern(session, concern_content(
        InvolvedChild(canary.id, ChildRole.VICTIM),
        InvolvedChild(classmate.id, ChildRole.WITNESS),
        facts="Pushing in the lunch queue"))
    add_body_map(session, map_of(canary.id, mark_at(BodyView.FRONT, "left forearm, inner",
                                                    child_explanation=CANARY_TEXT),
                                 concern_id=own, notes=f"Map of {forename}"))
    chronology.add_event(session, ChronologyEvent.of_kind(
        EventKind.MISSING_EPISODE, date(2016, 3, 1), f"{CANARY_TEXT} missing overnight",
        pupil_id=canary.id))
    hold = retention.place_hold(session, canary.id, f"Inquiry into {CANARY_TEXT}")
    retention.lift_hold(session, hold.id, "Inquiry closed")
    return canary, classmate, own, shared


def test_destruction_leaves_no_trace_in_the_store_pages_and_is_recorded(
        store_path: Path, tmp_path: Path) -> None:
    session, _ = make_store(store_path)
    canary, classmate, own, shared = _file_with_everything(session)
    key = session.master_key
    close(session)
    before = _plain_copy(store_path, key, tmp_path / "before.db")
    assert all(c in before for c in _canaries())  # the check can see the canary

    session = reopen(store_path)
    preview = retention.destruction_preview(session, canary.id)
    assert (preview.refusal, preview.shared_concerns) == ("", 1)
    record = retention.destroy_file(session, canary.id, "Reviewed at DOB+25: nothing to keep",
                                    CANARY_NAME)
    assert record.removed == {"pupil_versions": 1, "concerns": 1, "concern_links": 1,
                              "body_maps": 1, "chronology_events": 1, "legal_holds": 1}
    assert (record.initials, record.birth_year) == ("Z. Q.", 1990)
    assert record.retention == "Child protection file: date of birth + 25 years"
    assert verify_store(session).ok
    close(session)

    after = _plain_copy(store_path, key, tmp_path / "after.db")
    assert [c for c in _canaries() if c in after] == []

    session = reopen(store_path)
    [entry] = retention.destructions(session)
    assert entry.record == record and entry.destroyed_by_name == "Jo Bloggs"
    assert "Concerns about this child only: 1" in entry.record.removed_lines()
    # the classmate's record of the shared concern stays, without the destroyed child
    [kept] = concerns.concerns_on_file(session, classmate.id)
    assert kept.id == shared and kept.on_file.content.facts == "Pushing in the lunch queue"
    assert [c.pupil_id for c in concerns.get_concern(session, shared).current.children
            ] == [classmate.id]
    on_file = concerns.concern_on_file(session, shared, classmate.id)
    assert [v.number for v in on_file.versions] == [1, 2]
    assert on_file.current.reason == SHARED_CONCERN_REASON
    with pytest.raises(InvalidInput):
        concerns.get_concern(session, own)
    assert retention.reviews_due(session, today(session)) == []
    assert [p.id for p in pupils.list_pupils(session)] == [classmate.id]
    assert verify_store(session).ok
    close(session)


def test_the_history_tables_are_append_only_again_after_a_destruction(
        store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = leaver(session, "Amy", "Ash")
    ben = leaver(session, "Ben", "Birch")
    log_about(session, ben)
    triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    before = [tuple(r) for r in session.db.query(triggers)]
    retention.destroy_file(session, amy.id, "Reviewed", "Amy Ash")
    assert [tuple(r) for r in session.db.query(triggers)] == before
    with pytest.raises(Exception, match="never deleted"), session.db.write("x") as tx:
        tx.execute("DELETE FROM concern_versions")
    with pytest.raises(Exception, match="never deleted"), session.db.write("x") as tx:
        tx.execute("DELETE FROM destructions")
    close(session)


def test_a_failed_destruction_removes_nothing(store_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    session, _ = make_store(store_path)
    amy = leaver(session, "Amy", "Ash")
    log_about(session, amy)
    from sgdesk.storage import destruction

    def broken(*_args: object) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(destruction, "_restore_append_only", broken)
    with pytest.raises(RuntimeError):
        retention.destroy_file(session, amy.id, "Reviewed", "Amy Ash")
    assert pupils.get_pupil(session, amy.id).pupil.legal_surname == "Ash"
    assert len(concerns.concerns_on_file(session, amy.id)) == 1
    assert session.db.query_one("SELECT count(*) FROM destructions")[0] == 0
    assert len(session.db.query("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                "AND name LIKE 'concern_versions%'")) == 2
    assert verify_store(session).ok
    close(session)


def test_the_last_child_of_a_family_takes_the_family_events_with_them(
        store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = leaver(session, "Amy", "Ash")
    ben = leaver(session, "Ben", "Ash")
    family = pupils.link_family(session, [amy.id, ben.id], "Ash family")
    chronology.add_event(session, ChronologyEvent.of_kind(
        EventKind.ADDRESS_CHANGE, date(2015, 1, 1), "Moved house", family_id=family))
    retention.destroy_file(session, amy.id, "Reviewed", "Amy Ash")
    assert session.db.query_one("SELECT label FROM families")[0] == "Ash family"
    assert len(chronology.family_chronology(session, family)) == 1
    record = retention.destroy_file(session, ben.id, "Reviewed", "Ben Ash")
    assert record.removed["families"] == 1 and record.removed["chronology_events"] == 1
    assert session.db.query("SELECT * FROM families") == []
    assert session.db.query("SELECT * FROM chronology_events") == []
    assert verify_store(session).ok
    close(session)


def test_every_table_that_refers_to_pupils_is_cleared_by_a_destruction(
        store_path: Path) -> None:
    """A table added later with a pupil column must be handled here too (or the
    foreign key would make every destruction fail)."""
    session, _ = make_store(store_path)
    tables = [r[0] for r in session.db.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%VIRTUAL%'")]
    referring = {(table, str(fk["from"])) for table in tables
                 for fk in session.db.query(f"PRAGMA foreign_key_list('{table}')")
                 if fk["table"] == "pupils"}
    assert referring == set(PUPIL_REFERENCES)
    close(session)


def test_reopening_after_destruction_signs_in_as_before(store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = leaver(session, "Amy", "Ash")
    retention.destroy_file(session, amy.id, "Reviewed", "Amy Ash")
    close(session)
    session = reopen(store_path, DSL_LOGIN, DSL_PASSWORD)
    assert pupils.list_pupils(session) == []
    close(session)

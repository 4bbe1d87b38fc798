"""Asking the SENDCO for input on a concern or a case, in a real encrypted store:
the DSL asks, the SENDCO sees it waiting and answers, the DSL sees the answer;
who may ask and who may answer; pupils without SEND; corrections kept as
versions; and the home views' lists."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sgdesk.models.casework import CaseContent, CaseKind
from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.pupils import Pupil, SendStatus
from sgdesk.models.sendco import MAX_TEXT_LENGTH, SendcoRecordKind
from sgdesk.models.users import Role
from sgdesk.services import casework, concerns, pupils, users
from sgdesk.services.maintenance import verify_store
from sgdesk.services.sendco_input import (
    answered_recently,
    ask_sendco,
    can_ask_about,
    give_input,
    open_requests,
    requests_for_record,
)
from sgdesk.services.session import Session
from tests.helpers import (
    add_colleague,
    add_pupil,
    close,
    concern_content,
    log_about,
    make_store,
    reopen,
)

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
CONCERN = SendcoRecordKind.CONCERN
QUESTION = "Does Amy usually flinch when an adult comes close?"
ANSWER = "No. It is new this term; her communication passport says she likes high fives."


@pytest.fixture
def dsl(store_path: Path) -> Session:
    made = make_store(store_path)[0]
    made.db.clock = lambda: NOW
    for login, role in (("sendco", Role.SENDCO), ("deputy", Role.DEPUTY_DSL),
                        ("auditor", Role.AUDITOR)):
        add_colleague(made, login, role)
    return made


def as_user(session: Session, login: str) -> Session:
    """A colleague signed in on the same connection, as unlocking would give them."""
    user = next(u for u in users.list_users(session) if u.login == login)
    return Session(session.store, session.db, user, session.master_key)


def with_send(session: Session, forename: str = "Amy",
              status: SendStatus = SendStatus.SEN_SUPPORT) -> Pupil:
    return add_pupil(session, forename, "Able", send_status=status)


def test_the_dsl_asks_the_sendco_answers_and_the_dsl_sees_the_answer(
        dsl: Session, store_path: Path) -> None:
    amy = with_send(dsl)
    concern_id = log_about(dsl, amy)
    request_id = ask_sendco(dsl, CONCERN, concern_id, amy.id, f"  {QUESTION}\n")
    (asked,) = requests_for_record(dsl, concern_id)
    assert asked.id == request_id and asked.pupil_name == "Amy Able"
    assert asked.request.question == QUESTION and asked.request.asked_by == "Jo Bloggs"
    assert asked.request.asked_at == NOW and not asked.request.is_answered
    assert [e.id for e in open_requests(dsl)] == [request_id]
    close(dsl)

    sendco = reopen(store_path, "sendco", "colleague password")
    sendco.db.clock = lambda: NOW + timedelta(hours=3)
    (waiting,) = open_requests(sendco)
    assert waiting.id == request_id and waiting.request.record_id == concern_id
    give_input(sendco, request_id, ANSWER)
    assert open_requests(sendco) == []
    assert answered_recently(sendco) == []  # the DSL's line, not the SENDCO's
    close(sendco)

    dsl = reopen(store_path)
    dsl.db.clock = lambda: NOW + timedelta(days=1)
    (answered,) = requests_for_record(dsl, concern_id, amy.id)
    assert answered.request.answer == ANSWER and answered.request.answered_by == "Sendco"
    assert answered.request.answered_at == NOW + timedelta(hours=3)
    assert answered.version == 2
    assert [e.id for e in answered_recently(dsl)] == [request_id]
    assert open_requests(dsl) == []
    dsl.db.clock = lambda: NOW + timedelta(days=15)
    assert answered_recently(dsl) == []  # fourteen days by default
    assert [e.id for e in answered_recently(dsl, days=30)] == [request_id]
    audited = dsl.db.query("SELECT action, row_id FROM audit WHERE table_name = "
                           "'sendco_requests' ORDER BY seq")
    assert [tuple(r) for r in audited] == [("create", request_id),
                                           ("amend", f"{request_id}#v2")]
    assert verify_store(dsl).ok
    close(dsl)


def test_a_case_can_be_asked_about_and_a_deputy_asks_too(dsl: Session) -> None:
    amy = with_send(dsl, status=SendStatus.EHCP)
    case_id = casework.open_case(dsl, CaseContent(CaseKind.EARLY_HELP, amy.id, None,
                                                  "Jo Bloggs", "", date(2026, 11, 3)))
    deputy = as_user(dsl, "deputy")
    request_id = ask_sendco(deputy, SendcoRecordKind.CASE, case_id, amy.id,
                            "Which adults does Amy trust at school?")
    (entry,) = requests_for_record(as_user(dsl, "sendco"), case_id)
    assert entry.id == request_id and entry.request.record_kind is SendcoRecordKind.CASE
    assert entry.request.asked_by == "Deputy"
    assert [e.id for e in open_requests(deputy)] == [request_id]


def test_only_the_dsl_or_a_deputy_asks_and_only_a_sendco_answers(dsl: Session) -> None:
    amy = with_send(dsl)
    concern_id = log_about(dsl, amy)
    request_id = ask_sendco(dsl, CONCERN, concern_id, amy.id, QUESTION)
    for login in ("sendco", "auditor"):
        with pytest.raises(PermissionDenied, match="Only the DSL or a deputy DSL"):
            ask_sendco(as_user(dsl, login), CONCERN, concern_id, amy.id, QUESTION)
    for session in (dsl, as_user(dsl, "deputy"), as_user(dsl, "auditor")):
        with pytest.raises(PermissionDenied, match="Only a SENDCO"):
            give_input(session, request_id, ANSWER)
    assert requests_for_record(dsl, concern_id)[0].request.answer == ""
    assert can_ask_about(dsl, amy.id) and can_ask_about(as_user(dsl, "deputy"), amy.id)
    assert not can_ask_about(as_user(dsl, "sendco"), amy.id)
    assert not can_ask_about(as_user(dsl, "auditor"), amy.id)
    assert open_requests(as_user(dsl, "auditor")) == []
    assert [e.id for e in requests_for_record(as_user(dsl, "auditor"), concern_id)] == [
        request_id]  # the auditor reads it


def test_the_sendco_is_asked_about_pupils_with_send_only(dsl: Session) -> None:
    ben = add_pupil(dsl, "Ben", "Brook")
    concern_id = log_about(dsl, ben)
    with pytest.raises(InvalidInput, match="pupils with SEND") as refused:
        ask_sendco(dsl, CONCERN, concern_id, ben.id, QUESTION)
    assert refused.value.field == "pupil_id"
    assert not can_ask_about(dsl, ben.id)
    assert requests_for_record(dsl, concern_id) == []
    with pytest.raises(PermissionDenied):
        requests_for_record(as_user(dsl, "sendco"), concern_id)


def test_a_pupil_whose_send_ended_leaves_the_sendcos_list(dsl: Session) -> None:
    ben = with_send(dsl, "Ben", SendStatus.EHCP)
    concern_id = log_about(dsl, ben)
    request_id = ask_sendco(dsl, CONCERN, concern_id, ben.id, QUESTION)
    sendco = as_user(dsl, "sendco")
    assert [e.id for e in open_requests(sendco)] == [request_id]
    record = pupils.get_pupil(dsl, ben.id)
    pupils.amend_pupil(dsl, replace(record.pupil, send_status=SendStatus.NONE), "EHCP ceased",
                       record.version)
    assert open_requests(sendco) == []
    with pytest.raises(PermissionDenied):
        give_input(sendco, request_id, ANSWER)
    assert [e.pupil_name for e in open_requests(dsl)] == ["Ben Able"]  # still outstanding


def test_the_request_must_be_about_the_records_child(dsl: Session) -> None:
    amy, cara = with_send(dsl), with_send(dsl, "Cara")
    about_amy = log_about(dsl, amy)
    case_id = casework.open_case(dsl, CaseContent(CaseKind.EARLY_HELP, amy.id, None,
                                                  "Jo Bloggs", "", date(2026, 11, 3)))
    with pytest.raises(InvalidInput, match="concern is not about this pupil"):
        ask_sendco(dsl, CONCERN, about_amy, cara.id, QUESTION)
    with pytest.raises(InvalidInput, match="case is not about this pupil"):
        ask_sendco(dsl, SendcoRecordKind.CASE, case_id, cara.id, QUESTION)
    with pytest.raises(InvalidInput, match="concern does not exist"):
        ask_sendco(dsl, CONCERN, case_id, amy.id, QUESTION)
    with pytest.raises(InvalidInput, match="case does not exist"):
        ask_sendco(dsl, SendcoRecordKind.CASE, about_amy, amy.id, QUESTION)
    with pytest.raises(InvalidInput) as empty:
        ask_sendco(dsl, CONCERN, about_amy, amy.id, "   ")
    assert empty.value.field == "question"
    with pytest.raises(InvalidInput) as long:
        ask_sendco(dsl, CONCERN, about_amy, amy.id, "x" * (MAX_TEXT_LENGTH + 1))
    assert long.value.field == "question"


def test_a_question_shows_on_its_own_childs_file_only(dsl: Session) -> None:
    """Two children with SEND on one concern: a question about Amy is not shown on
    Cara's file (it may say things about Amy that her file does not)."""
    amy, cara = with_send(dsl), with_send(dsl, "Cara")
    shared = concerns.log_concern(dsl, concern_content(
        InvolvedChild(amy.id, ChildRole.VICTIM), InvolvedChild(cara.id, ChildRole.WITNESS)))
    about_amy = ask_sendco(dsl, CONCERN, shared, amy.id, QUESTION)
    about_cara = ask_sendco(dsl, CONCERN, shared, cara.id, "What did Cara see?")
    assert [e.id for e in requests_for_record(dsl, shared, amy.id)] == [about_amy]
    assert [e.id for e in requests_for_record(dsl, shared, cara.id)] == [about_cara]
    assert [e.id for e in requests_for_record(dsl, shared)] == [about_amy, about_cara]


def test_an_answer_corrected_keeps_the_first(dsl: Session) -> None:
    amy = with_send(dsl)
    concern_id = log_about(dsl, amy)
    request_id = ask_sendco(dsl, CONCERN, concern_id, amy.id, QUESTION)
    sendco = as_user(dsl, "sendco")
    give_input(sendco, request_id, "First thoughts")
    with pytest.raises(InvalidInput, match="nothing has changed") as same:
        give_input(sendco, request_id, " First thoughts ")
    assert same.value.field == "answer"
    with pytest.raises(InvalidInput) as empty:
        give_input(sendco, request_id, "")
    assert empty.value.field == "answer"
    give_input(sendco, request_id, ANSWER)
    (entry,) = requests_for_record(dsl, concern_id)
    assert entry.version == 3 and entry.request.answer == ANSWER
    history = dsl.db.query("SELECT number, reason, body FROM sendco_request_versions "
                           "WHERE sendco_request_id = ? ORDER BY number", (request_id,))
    assert [(r[0], r[1]) for r in history] == [
        (1, ""), (2, "SENDCO input given"), (3, "SENDCO input corrected")]
    assert "First thoughts" in history[1][2]
    with pytest.raises(InvalidInput, match="does not exist"):
        give_input(sendco, "no-such-request", ANSWER)

"""Asking the SENDCO for input on a concern or a case, and their answers.

The DSL or a deputy asks a question about one pupil with SEND on one concern or
case; any SENDCO answers it, and a correction of an answer is a new version
(the earlier one stays). The record views show the questions and answers beside
the record; the home views list what is waiting (:func:`open_requests`) and, for
the DSL, what was answered lately (:func:`answered_recently`). A SENDCO sees
only requests about pupils in their sight (:mod:`.access`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import timedelta

from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.sendco import (
    SendcoRecordKind,
    SendcoRequest,
    validate_answer,
    validate_question,
)
from sgdesk.models.users import Role
from sgdesk.services import access
from sgdesk.services.session import Session
from sgdesk.storage.cases_repo import CaseRepository
from sgdesk.storage.concerns_repo import ConcernRepository
from sgdesk.storage.pupils_repo import PupilRepository
from sgdesk.storage.sendco_repo import SendcoRequestRepository, StoredRequest

#: Who asks the SENDCO for input.
ASKER_ROLES = (Role.DSL, Role.DEPUTY_DSL)
#: How far back :func:`answered_recently` looks by default.
RECENT_DAYS = 14


@dataclass(frozen=True)
class SendcoRequestEntry:
    """A request as a record view or a home view lists it: the request, its
    version, and the name of the pupil it is about (what a line needs to be
    recognised; the request's ``pupil_id``, ``record_kind`` and ``record_id`` say
    what it opens)."""

    id: str
    version: int
    request: SendcoRequest
    pupil_name: str


def ask_sendco(session: Session, record_kind: SendcoRecordKind, record_id: str,
               pupil_id: str, question: str) -> str:
    """The DSL or a deputy asks the SENDCO about pupil ``pupil_id`` on a concern or
    case about them; returns the request's id. The pupil must have SEND."""
    if session.user.role not in ASKER_ROLES:
        raise PermissionDenied("Only the DSL or a deputy DSL can ask the SENDCO for input.")
    session.require_write()
    record_kind = SendcoRecordKind(record_kind)  # its value ("concern", "case") does too
    question = validate_question(question)
    found = PupilRepository(session.db).get(pupil_id)
    if found is None:
        raise InvalidInput("That pupil is not on the register.", field="pupil_id")
    if not access.has_send(found[0]):
        raise InvalidInput("The SENDCO is asked about pupils with SEND (SEN support or an "
                           "EHCP) only. Record SEND on the pupil's details first if they "
                           "have it.", field="pupil_id")
    _check_record(session, record_kind, record_id, pupil_id)
    request = SendcoRequest(pupil_id, record_kind, record_id, question,
                            session.user.display_name, session.db.clock())
    request_id = str(uuid.uuid4())
    with session.db.write(session.user.id) as tx:
        SendcoRequestRepository(session.db).add(tx, request_id, request)
    return request_id


def give_input(session: Session, request_id: str, answer: str) -> None:
    """A SENDCO answers a request (or corrects their answer): a new version, with
    the earlier one kept."""
    if session.user.role is not Role.SENDCO:
        raise PermissionDenied("Only a SENDCO can add SENDCO input.")
    session.require_write()
    repo = SendcoRequestRepository(session.db)
    stored = repo.get(request_id)
    if stored is None:
        raise InvalidInput("That request for SENDCO input does not exist.")
    access.require_pupil_visible(session, stored.request.pupil_id)
    answer = validate_answer(answer)
    if answer == stored.request.answer:
        raise InvalidInput("That is the input already saved: nothing has changed.",
                           field="answer")
    reason = "SENDCO input corrected" if stored.request.is_answered else "SENDCO input given"
    answered = replace(stored.request, answer=answer, answered_by=session.user.display_name,
                       answered_at=session.db.clock())
    with session.db.write(session.user.id) as tx:
        repo.amend(tx, request_id, answered, reason, stored.version)


def can_ask_about(session: Session, pupil_id: str) -> bool:
    """Whether the signed-in user may ask the SENDCO about this pupil (the DSL or a
    deputy, and the pupil has SEND): what decides the record views' "Ask" button."""
    access.require_pupil_visible(session, pupil_id)
    if session.user.role not in ASKER_ROLES:
        return False
    found = PupilRepository(session.db).get(pupil_id)
    return found is not None and access.has_send(found[0])


def requests_for_record(session: Session, record_id: str,
                        pupil_id: str | None = None) -> list[SendcoRequestEntry]:
    """The questions asked about a concern or case and their answers, the first
    asked first; with ``pupil_id``, only those about that pupil (a concern's view
    on one child's file never shows a question about another child). The DSL,
    deputies and the auditor see every one; a SENDCO those about pupils in sight."""
    if pupil_id is not None:
        access.require_pupil_visible(session, pupil_id)
    _require_record_visible(session, record_id)
    stored = SendcoRequestRepository(session.db).for_record(record_id)
    return _entries(session, [s for s in stored
                              if pupil_id is None or s.request.pupil_id == pupil_id])


def open_requests(session: Session) -> list[SendcoRequestEntry]:
    """Requests still waiting for an answer, the longest waiting first: for a
    SENDCO, the ones they can answer (their home view's list); for the DSL and
    deputies, every one (to see what is outstanding). Empty for the auditor."""
    if session.user.role not in (*ASKER_ROLES, Role.SENDCO):
        return []
    return _entries(session, SendcoRequestRepository(session.db).unanswered())


def answered_recently(session: Session, days: int = RECENT_DAYS) -> list[SendcoRequestEntry]:
    """Requests the SENDCO answered in the last ``days`` days, the latest first: the
    DSL's and deputies' home view line. Empty for other roles."""
    if session.user.role not in ASKER_ROLES:
        return []
    since = session.db.clock() - timedelta(days=days)
    return _entries(session, SendcoRequestRepository(session.db).answered_since(since))


# -- helpers ---------------------------------------------------------------------------
def _check_record(session: Session, kind: SendcoRecordKind, record_id: str,
                  pupil_id: str) -> None:
    """The concern or case exists and is about the pupil."""
    if kind is SendcoRecordKind.CONCERN:
        children = ConcernRepository(session.db).children_of([record_id]).get(record_id)
        if not children:
            raise InvalidInput("That concern does not exist.")
        if pupil_id not in children:
            raise InvalidInput("That concern is not about this pupil.", field="pupil_id")
    else:
        case = CaseRepository(session.db).current(record_id)
        if case is None:
            raise InvalidInput("That case does not exist.")
        if case.pupil_id != pupil_id:
            raise InvalidInput("That case is not about this pupil.", field="pupil_id")


def _require_record_visible(session: Session, record_id: str) -> None:
    """A concern's or a case's id: in sight as that record is."""
    if access.sees_all(session):
        return
    if ConcernRepository(session.db).children_of([record_id]):
        access.require_concern_visible(session, record_id)
    else:
        access.require_case_visible(session, record_id)


def _entries(session: Session, stored: list[StoredRequest]) -> list[SendcoRequestEntry]:
    """Entries for the requests whose pupil the user may see, with their names."""
    pupils = PupilRepository(session.db).get_many(sorted({s.request.pupil_id
                                                          for s in stored}))
    names = {p.id: p.display_name for p in pupils.values() if access.can_see(session, p)}
    everyone = access.sees_all(session)
    return [SendcoRequestEntry(s.id, s.version, s.request,
                               names.get(s.request.pupil_id, "a pupil"))
            for s in stored if everyone or s.request.pupil_id in names]

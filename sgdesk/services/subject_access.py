"""Subject access requests: logging one, its one-calendar-month clock, the DSL's
choices of what to withhold, the disclosure pack, and the record of what was
disclosed.

Only the DSL and deputy DSLs deal with them: every function checks the role
itself, reads included (the home view's list of open requests, in the lighter
:mod:`.subject_access_clock`, is simply empty for anyone else). Each change is
a new version of the request with who, when and why; recording the disclosure
closes it, with the redaction log as it stood.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import Pupil
from sgdesk.models.subject_access import (
    WHOLE_RECORD,
    Disclosure,
    Redaction,
    RedactionOptions,
    RequestDetails,
    RequestStatus,
    SubjectAccessRequest,
    WithheldMark,
    check_extension,
    validate_withhold_reason,
)
from sgdesk.services.pdf.disclosure_report import disclosure_pack
from sgdesk.services.pupils import get_pupil
from sgdesk.services.record_dates import day_text
from sgdesk.services.session import Session
from sgdesk.services.share_printing import plan_pdfs
from sgdesk.services.subject_access_clock import clock_words, pupil_names, require_sar_role
from sgdesk.services.subject_access_disclosure import (
    DisclosurePlan,
    RecordPreview,
    label_of,
    plan_disclosure,
)
from sgdesk.services.users import user_names
from sgdesk.storage import codec
from sgdesk.storage.database import Row
from sgdesk.storage.versioned import VersionedTable

_NOT_ON_RECORD = "That subject access request is not on record."


# -- what callers get ------------------------------------------------------------------
@dataclass(frozen=True)
class RequestEntry:
    """A request as the list shows it. ``overdue``: open and past its due date."""

    id: str
    version: int
    pupil_id: str
    pupil_name: str
    request: SubjectAccessRequest
    overdue: bool
    clock: str


@dataclass(frozen=True)
class RequestVersion:
    number: int
    saved_by: str
    saved_at: datetime
    reason: str


@dataclass(frozen=True)
class RequestRecord:
    """A request with its history (who changed what, when and why)."""

    entry: RequestEntry
    versions: tuple[RequestVersion, ...]


@dataclass(frozen=True)
class DisclosurePreview:
    """What the disclosure would hold: each record with its fields as held and as
    disclosed, what was redacted where and why, and the documents it prints as."""

    sar_id: str
    pupil_name: str
    request: SubjectAccessRequest
    records: tuple[RecordPreview, ...]
    log: tuple[Redaction, ...]
    documents: tuple[str, ...]


# -- reading ---------------------------------------------------------------------------
def requests(session: Session) -> list[RequestEntry]:
    """Every request: open ones first, the earliest due first; then answered ones,
    the latest first."""
    require_sar_role(session)
    rows = session.db.query(
        "SELECT id, version, pupil_id, body FROM subject_access_requests "
        "ORDER BY closed_on IS NOT NULL, CASE WHEN closed_on IS NULL THEN due_on END, "
        "closed_on DESC, received_on DESC")
    return _entries(session, rows)


def get_request(session: Session, sar_id: str) -> RequestRecord:
    require_sar_role(session)
    row = session.db.query_one("SELECT id, version, pupil_id, body FROM "
                               "subject_access_requests WHERE id = ?", (sar_id,))
    if row is None:
        raise InvalidInput(_NOT_ON_RECORD)
    names = user_names(session)
    versions = tuple(RequestVersion(v.number, names.get(v.saved_by, "unknown user"),
                                    datetime.fromisoformat(v.saved_at), v.reason)
                     for v in _table(session).history(sar_id))
    return RequestRecord(_entries(session, [row])[0], versions)


# -- the request -----------------------------------------------------------------------
def log_request(session: Session, pupil_id: str, details: RequestDetails) -> str:
    """Log a request for ``pupil_id``'s records; its clock starts at once."""
    require_sar_role(session)
    session.require_write()
    today = _today(session)
    details = details.validated(today)
    check_extension(None, details, today)
    get_pupil(session, pupil_id)  # on the register
    sar = SubjectAccessRequest(pupil_id, details)
    sar_id = str(uuid.uuid4())
    with session.db.write(session.user.id) as tx:
        _table(session).insert(tx, sar_id, codec.dumps(sar), _columns(sar))
    return sar_id


def amend_request(session: Session, sar_id: str, details: RequestDetails, reason: str,
                  base_version: int) -> None:
    """Correct the request or add to it (the identity check, an extension): a new
    version with ``reason``; refused once it has been answered."""
    require_sar_role(session)
    session.require_write()
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("Say why the request is being changed.", field="reason")
    today = _today(session)
    details = details.validated(today)
    _version, sar = _open(session, sar_id)
    check_extension(sar.details, details, today)
    if details == sar.details:
        raise InvalidInput("Nothing has changed, so there is nothing to save.", field="reason")
    _save(session, sar_id, base_version, replace(sar, details=details), reason)


def set_redaction_options(session: Session, sar_id: str, options: RedactionOptions) -> None:
    """Change how far the disclosure redacts beyond other children and the marks."""
    require_sar_role(session)
    session.require_write()
    version, sar = _open(session, sar_id)
    changes = options.changes_from(sar.options)
    if changes:
        _save(session, sar_id, version, replace(sar, options=options),
              "Redaction options changed: " + "; ".join(changes))


def mark_third_party(session: Session, sar_id: str, record_id: str, field: str,
                     reason: str) -> None:
    """Withhold ``field`` of one of the pupil's records (``""``: the whole record)
    from the disclosure, for ``reason`` (printed where it was: "[withheld: reason]").
    Marking a field already marked changes its reason."""
    require_sar_role(session)
    session.require_write()
    reason = validate_withhold_reason(reason)
    version, sar = _open(session, sar_id)
    record = plan_disclosure(session, sar, _pupil(session, sar)).record(record_id)
    if record is None:
        raise InvalidInput("That record is not on this pupil's file.", field="record")
    if field != WHOLE_RECORD and record.field_named(field) is None:
        raise InvalidInput("That part of the record cannot be withheld on its own.",
                           field="field")
    part = record.field_named(field)
    label = f"{record.heading}: {part.label}" if part is not None else record.heading
    mark = WithheldMark(record.kind, record_id, field, reason, session.user.display_name,
                        session.db.clock())
    _save(session, sar_id, version, sar.with_mark(mark), f"To withhold: {label}")


def unmark(session: Session, sar_id: str, record_id: str, field: str) -> None:
    """Disclose again what was marked to withhold."""
    require_sar_role(session)
    session.require_write()
    version, sar = _open(session, sar_id)
    mark = sar.mark_for(record_id, field)
    if mark is None:
        raise InvalidInput("That is not marked to withhold.", field="field")
    what = "the whole record" if field == WHOLE_RECORD else label_of(mark.kind, field)
    _save(session, sar_id, version, sar.without_mark(record_id, field),
          f"No longer withheld: {what}")


# -- the disclosure --------------------------------------------------------------------
def disclosure_preview(session: Session, sar_id: str) -> DisclosurePreview:
    """Exactly what :func:`disclosure_pdf` would print, without printing it."""
    require_sar_role(session)
    _version, sar = _load(session, sar_id)
    pupil = _pupil(session, sar)
    plan = plan_disclosure(session, sar, pupil)
    return DisclosurePreview(sar_id, pupil.display_name, sar, plan.records, plan.log,
                             _documents(plan))


def disclosure_pdf(session: Session, sar_id: str) -> bytes:
    """The disclosure pack: a cover, the redacted records, the redaction log."""
    require_sar_role(session)
    _version, sar = _load(session, sar_id)
    pupil = _pupil(session, sar)
    return disclosure_pack(session, sar, pupil, plan_disclosure(session, sar, pupil))


def record_disclosure(session: Session, sar_id: str, disclosed_on: date, method: str) -> None:
    """Close the request: what was disclosed (record ids), when, how, by whom, and the
    redaction log, as the disclosure stands now."""
    require_sar_role(session)
    session.require_write()
    version, sar = _open(session, sar_id)
    method = " ".join(method.split())
    if not sar.details.identity_checked:
        raise InvalidInput("Record how the requester's identity was checked before "
                           "disclosing (amend the request).", field="identity_checked")
    if not method:
        raise InvalidInput("Say how the records were given (for example, handed over in "
                           "person, or by secure email).", field="method")
    if disclosed_on > _today(session):
        raise InvalidInput("The day disclosed cannot be in the future.", field="disclosed_on")
    if disclosed_on < sar.details.received_on:
        raise InvalidInput("The day disclosed cannot be before the request was received.",
                           field="disclosed_on")
    plan = plan_disclosure(session, sar, _pupil(session, sar))
    disclosure = Disclosure(disclosed_on, method, session.user.display_name,
                            session.db.clock(), sar.options, plan.disclosed_ids(),
                            _documents(plan), plan.log)
    _save(session, sar_id, version, replace(sar, disclosure=disclosure),
          f"Disclosed on {day_text(disclosed_on)}")


# -- helpers ---------------------------------------------------------------------------
def _today(session: Session) -> date:
    return session.db.clock().astimezone().date()


def _table(session: Session) -> VersionedTable:
    return VersionedTable(session.db, "subject_access_request")


def _columns(sar: SubjectAccessRequest) -> dict[str, str | None]:
    disclosed = sar.disclosure.disclosed_on.isoformat() if sar.disclosure else None
    return {"pupil_id": sar.pupil_id, "received_on": sar.details.received_on.isoformat(),
            "due_on": sar.due_on.isoformat(), "closed_on": disclosed}


def _load(session: Session, sar_id: str) -> tuple[int, SubjectAccessRequest]:
    row = session.db.query_one("SELECT version, body FROM subject_access_requests "
                               "WHERE id = ?", (sar_id,))
    if row is None:
        raise InvalidInput(_NOT_ON_RECORD)
    return int(row["version"]), codec.loads(SubjectAccessRequest, row["body"])


def _open(session: Session, sar_id: str) -> tuple[int, SubjectAccessRequest]:
    """The request, refused once answered: what was disclosed is on record as it was."""
    version, sar = _load(session, sar_id)
    if sar.disclosure is not None:
        raise InvalidInput(f"This request was answered on "
                           f"{day_text(sar.disclosure.disclosed_on)} and is closed. Log a "
                           "new request if another comes.")
    return version, sar


def _save(session: Session, sar_id: str, base_version: int, sar: SubjectAccessRequest,
          reason: str) -> None:
    columns = {k: v for k, v in _columns(sar).items() if k != "pupil_id"}
    with session.db.write(session.user.id) as tx:
        _table(session).amend(tx, sar_id, codec.dumps(sar), columns, reason, base_version)


def _documents(plan: DisclosurePlan) -> tuple[str, ...]:
    """The printed documents, as the pack's contents name them."""
    return tuple(p.description for p in plan_pdfs(plan.request, list(plan.briefs)))


def _pupil(session: Session, sar: SubjectAccessRequest) -> Pupil:
    return get_pupil(session, sar.pupil_id).pupil


def _entries(session: Session, rows: list[Row]) -> list[RequestEntry]:
    names = pupil_names(session, [str(r["pupil_id"]) for r in rows])
    today = _today(session)
    found = []
    for row in rows:
        sar = codec.loads(SubjectAccessRequest, row["body"])
        overdue = sar.status is RequestStatus.OPEN and today > sar.due_on
        found.append(RequestEntry(row["id"], int(row["version"]), row["pupil_id"],
                                  names.get(row["pupil_id"], "a pupil"), sar, overdue,
                                  clock_words(sar, today)))
    return found

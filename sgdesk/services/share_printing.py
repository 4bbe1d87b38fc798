"""The printed records inside a share or transfer, for a reader without sgdesk.

They are printed by the same builders as everywhere else (``services/pdf``),
but from an in-memory store that holds only the rows that leave, already
redacted: the builders read that store as they would the school's, so a page
cannot show a child, a staff name or a record the bundle's records do not. The
in-memory store is never written to disk and is dropped as soon as the pages
are made.

A redacted copy has lost the other children a concern was about (they are not
named, not even by id). How many each concern lost is counted against the
school's own record and kept in the copy's ``meta`` (a count per concern id,
nothing more), so the printed concern counts them ("1 other child (not named in
this copy)") where it would otherwise say "None" beside a text marked
``[another child]``.

Member names carry no personal data: ``pupil-1-chronology.pdf``,
``pupil-1-concern-2.pdf``…, numbered by the pupil's place in the share and the
record's date.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from sgdesk.models.body_maps import BodyMapContent
from sgdesk.models.casework import CaseContent
from sgdesk.models.chronology import ChronologyFilter
from sgdesk.models.concerns import ConcernContent
from sgdesk.models.errors import Cancelled
from sgdesk.models.redaction import TextRedactor
from sgdesk.models.referrals import ReferralBody
from sgdesk.models.sharing import SharedKind, ShareRequest
from sgdesk.models.users import User
from sgdesk.services.pdf.body_map_report import body_map_pdf
from sgdesk.services.pdf.case_report import case_notes_pdf
from sgdesk.services.pdf.chronology_report import chronology_pdf
from sgdesk.services.pdf.concern_report import concern_list_pdf, concern_pdf
from sgdesk.services.pdf.referral_report import referral_form_pdf
from sgdesk.services.record_dates import day_text
from sgdesk.services.session import Session
from sgdesk.storage import codec
from sgdesk.storage.bundle_restore import restore_handover
from sgdesk.storage.database import IN_MEMORY, Database
from sgdesk.storage.settings_repo import KeyValueTable

Render = Callable[[Session], bytes]
#: The copy's ``meta`` key holding, per concern id, how many children it left out.
LEFT_OUT_KEY = "printing_children_left_out"
#: (kind, record id, shared pupils whose file it is on, the record's current body)
RecordBrief = tuple[SharedKind, str, set[str], str]


@dataclass(frozen=True)
class PlannedPdf:
    """One printed document: its member name, what it is (for the preview, naming
    no one), whose file it is from, and how to print it."""

    name: str
    description: str
    pupil_id: str
    render: Render


def plan_pdfs(request: ShareRequest, records: Sequence[RecordBrief]) -> list[PlannedPdf]:
    """The documents each shared pupil's records print as: the chronology (of
    what is shared), the list of concerns and each concern (with its body maps),
    each body map made on its own, each final referral, each case's notes."""
    planned: list[PlannedPdf] = []
    for number, pupil_id in enumerate(request.pupil_ids, start=1):
        mine = [r for r in records if pupil_id in r[2] and r[0] is not SharedKind.PUPIL_DETAILS]
        prefix = f"pupil-{number}"
        if mine:
            planned.append(PlannedPdf(f"{prefix}-chronology.pdf", "Chronology", pupil_id,
                                      partial(chronology_pdf, pupil_id=pupil_id,
                                              chosen=ChronologyFilter())))
        concerns = _dated(mine, SharedKind.CONCERNS)
        if concerns:
            planned.append(PlannedPdf(f"{prefix}-concerns.pdf", "List of concerns", pupil_id,
                                      partial(concern_list_pdf, pupil_id=pupil_id)))
        for index, (on, record_id, _body) in enumerate(concerns, start=1):
            planned.append(PlannedPdf(
                f"{prefix}-concern-{index}.pdf", f"Concern of {day_text(on)}", pupil_id,
                partial(_concern_in_copy, concern_id=record_id, pupil_id=pupil_id)))
        alone = [m for m in _dated(mine, SharedKind.BODY_MAPS)
                 if codec.loads(BodyMapContent, m[2]).concern_id is None]
        for index, (on, record_id, _body) in enumerate(alone, start=1):
            planned.append(PlannedPdf(f"{prefix}-body-map-{index}.pdf",
                                      f"Body map of {day_text(on)}", pupil_id,
                                      partial(body_map_pdf, map_id=record_id)))
        final = [r for r in _dated(mine, SharedKind.REFERRALS)
                 if codec.loads(ReferralBody, r[2]).state == "final"]
        for index, (_on, record_id, body) in enumerate(final, start=1):
            kind = codec.loads(ReferralBody, body).content.kind.label
            planned.append(PlannedPdf(f"{prefix}-referral-{index}.pdf",
                                      f"Referral: {kind}", pupil_id,
                                      partial(referral_form_pdf, referral_id=record_id)))
        for index, (on, record_id, body) in enumerate(_dated(mine, SharedKind.CASEWORK),
                                                      start=1):
            kind = codec.loads(CaseContent, body).kind.label
            planned.append(PlannedPdf(f"{prefix}-case-{index}.pdf",
                                      f"Case notes: {kind} from {day_text(on)}", pupil_id,
                                      partial(case_notes_pdf, case_id=record_id)))
    return planned


def _dated(records: Sequence[RecordBrief], kind: SharedKind) -> list[tuple[date, str, str]]:
    """(date, id, body) of the records of one kind, oldest first."""
    found = [(_date_of(kind, body), record_id, body)
             for k, record_id, _pupils, body in records if k is kind]
    return sorted(found, key=lambda f: (f[0], f[1]))


def _date_of(kind: SharedKind, body: str) -> date:
    if kind is SharedKind.CONCERNS:
        return codec.loads(ConcernContent, body).happened_at.astimezone().date()
    if kind is SharedKind.BODY_MAPS:
        return codec.loads(BodyMapContent, body).completed_at.astimezone().date()
    if kind is SharedKind.CASEWORK:
        return codec.loads(CaseContent, body).started_on
    sending = codec.loads(ReferralBody, body).tracking.sending
    return sending.sent_at.astimezone().date() if sending else date.min


def print_pdfs(session: Session, tables: Mapping[str, Sequence[Mapping[str, Any]]],
               planned: Sequence[PlannedPdf], printer: User, redactor: TextRedactor, *,
               progress: Callable[[float], None],
               cancelled: Callable[[], bool]) -> dict[str, bytes]:
    """Print ``planned`` from a store holding only ``tables`` (plus the school's
    name, how many children each concern lost, and the settings, redacted like
    the rows, so clocks count the same days). ``printer`` is who the pages say
    produced them."""
    if not planned:
        return {}
    scratch = Database.open(Path(IN_MEMORY), secrets.token_bytes(32), create=True,
                            clock=session.db.clock)
    try:
        # a redactor of its own (the same aliases) so the share's counts stay the rows'
        quiet = TextRedactor(redactor.children, redactor.staff, redactor.staff_words,
                             redactor.aliases)
        settings = [{"key": r["key"], "value": json.dumps(quiet.json(json.loads(r["value"])))}
                    for r in session.db.query("SELECT key, value FROM settings")]
        school = [{"key": "school_name", "value": json.dumps(session.school_name)},
                  {"key": LEFT_OUT_KEY, "value": json.dumps(
                      _children_left_out(session, tables.get("concerns", ())))}]
        restore_handover(scratch, printer, "share", session.db.user_version(),
                         {**tables, "settings": settings, "meta": school},
                         ("", "", {"printing": True}))
        reader = Session(session.store, scratch, printer, b"")
        printed: dict[str, bytes] = {}
        for number, document in enumerate(planned):
            if cancelled():
                raise Cancelled("The export was cancelled. No file was written.")
            progress(number / len(planned))
            printed[document.name] = document.render(reader)
        progress(1.0)
        return printed
    finally:
        scratch.close()


def _children_left_out(session: Session, copied: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """The concerns in the copy whose current version has fewer children than the
    school's own, and how many fewer."""
    left_out: dict[str, int] = {}
    for copy_row in copied:
        concern_id = str(copy_row["id"])
        in_copy = {c.pupil_id for c in codec.loads(ConcernContent, copy_row["body"]).children}
        row = session.db.query_one("SELECT body FROM concerns WHERE id = ?", (concern_id,))
        school = codec.loads(ConcernContent, row[0]).children if row else ()
        missing = sum(1 for c in school if c.pupil_id not in in_copy)
        if missing:
            left_out[concern_id] = missing
    return left_out


def _concern_in_copy(reader: Session, concern_id: str, pupil_id: str) -> bytes:
    """A concern printed from the copy, counting the children the copy left out."""
    left_out = KeyValueTable(reader.db, "meta").get(LEFT_OUT_KEY, {})
    return concern_pdf(reader, concern_id, pupil_id,
                       left_out_children=int(left_out.get(concern_id, 0)))

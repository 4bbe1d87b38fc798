"""Partner shares and CP file transfers: the use cases, the preview and the log.

Both are made the same way: :mod:`.share_selection` chooses the pupils' records
and redacts them (other children, links to records not shared, optionally staff
names), :mod:`.share_printing` prints them for a reader without sgdesk from
those redacted rows only, and :func:`~.bundle_building.write_bundle` seals the
bundle and logs it: what (record ids per kind), to whom, why, on what legal
basis and what was redacted.

A transfer is a share of one pupil's whole CP file, recorded as a ``transfer``
with the five-school-day clock until the new school's receipt closes it
(:func:`record_receipt`, from a receipt bundle or a printed receipt).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sgdesk.models.body_maps import BodyMapContent
from sgdesk.models.bundles import BundleKind
from sgdesk.models.casework import CaseContent
from sgdesk.models.chronology import ChronologyEvent
from sgdesk.models.concerns import ConcernContent
from sgdesk.models.errors import Cancelled, InvalidInput
from sgdesk.models.redaction import ChildNames
from sgdesk.models.referrals import ReferralBody
from sgdesk.models.sharing import (
    EVERY_KIND,
    TRANSFER_PURPOSE,
    LegalBasis,
    OtherChild,
    PreviewRecord,
    PupilPreview,
    SharedKind,
    SharePreview,
    ShareRequest,
    TransferBody,
    transfer_due_on,
)
from sgdesk.services.bundle_building import (
    BundleContent,
    Encryption,
    IsCancelled,
    StageProgress,
    WrittenBundle,
    never_cancelled,
    no_progress,
    write_bundle,
)
from sgdesk.services.school_calendar import school_calendar
from sgdesk.services.school_identity import require_sharing_role, school_public_key
from sgdesk.services.session import Session
from sgdesk.services.share_printing import PlannedPdf, plan_pdfs, print_pdfs
from sgdesk.services.share_selection import SelectedShare, ShareRecord, select_share
from sgdesk.services.transfer_receipts import TransferReceived, receipt_page_pdf
from sgdesk.storage import codec
from sgdesk.storage.versioned import VersionedTable

#: Choosing and redacting rows is this share of the progress bar, printing the
#: next, encrypting the rest.
_CHOOSING, _PRINTING = 0.15, 0.55


# -- partner share ---------------------------------------------------------------------
def share_preview(session: Session, request: ShareRequest) -> SharePreview:
    """Exactly what :func:`export_share` would send, without printing it. Runs on
    the database worker."""
    require_sharing_role(session, "share records with partners")
    return _preview(*_prepare(session, request.validated()))


def build_share(session: Session, request: ShareRequest, *,
                progress: StageProgress = no_progress,
                cancelled: IsCancelled = never_cancelled) -> BundleContent:
    """The rows, redacted, and the PDFs of a partner share (kind ``share``)."""
    require_sharing_role(session, "share records with partners")
    share, pdfs = _prepare(session, request.validated())
    return _content(session, BundleKind.SHARE, share, pdfs, progress, cancelled)


def export_share(session: Session, request: ShareRequest, dest: Path, encryption: Encryption,
                 *, progress: StageProgress = no_progress,
                 cancelled: IsCancelled = never_cancelled) -> WrittenBundle:
    """Write the share to ``dest`` and log what went, to whom, why and on what
    legal basis (the DSL or a deputy only)."""
    require_sharing_role(session, "share records with partners")
    share, pdfs = _prepare(session, request.validated())
    content = _content(session, BundleKind.SHARE, share, pdfs, progress, cancelled)
    return write_bundle(session, content, dest, encryption,
                        progress=_after_printing(progress), cancelled=cancelled,
                        log_body=_log_body(share, content))


# -- CP file transfer ------------------------------------------------------------------
def export_transfer(session: Session, pupil_id: str, moved_on: date, new_school: str,
                    dest: Path, encryption: Encryption, *,
                    progress: StageProgress = no_progress,
                    cancelled: IsCancelled = never_cancelled) -> WrittenBundle:
    """Send the pupil's whole CP file to their new school and start the
    five-school-day clock: a ``transfer`` record stays open until the receipt."""
    require_sharing_role(session, "send a child protection file to a new school")
    session.require_write()
    school = " ".join(new_school.split())
    if not school:
        raise InvalidInput("Name the pupil's new school.", field="new_school")
    request = ShareRequest((pupil_id,), EVERY_KIND, school, TRANSFER_PURPOSE,
                           LegalBasis.SAFEGUARDING.label).validated()
    share, pdfs = _prepare(session, request)
    transfer_id = str(uuid.uuid4())
    due_on = transfer_due_on(moved_on, school_calendar(session))
    content = _content(session, BundleKind.TRANSFER, share, pdfs, progress, cancelled)
    content.pdfs["receipt-to-return.pdf"] = receipt_page_pdf(
        TransferReceived(transfer_id, "", session.school_name, ""), school, "", None)
    content.details = {"transfer_id": transfer_id, "pupil_id": pupil_id,
                       "moved_on": moved_on.isoformat(), "due_on": due_on.isoformat(),
                       "new_school": school,
                       # where the new school's sgdesk sends the receipt back to
                       "reply_to": school_public_key(session)}
    written = write_bundle(session, content, dest, encryption,
                           progress=_after_printing(progress), cancelled=cancelled,
                           log_body=_log_body(share, content))
    body = TransferBody(school, written.manifest.bundle_id, written.sha256,
                        session.db.clock(), session.user.display_name)
    with session.db.write(session.user.id) as tx:
        VersionedTable(session.db, "transfer").insert(tx, transfer_id, codec.dumps(body), {
            "pupil_id": pupil_id, "direction": "out", "moved_on": moved_on.isoformat(),
            "due_on": due_on.isoformat(), "receipted_at": None})
    return written


# -- content, preview, log -------------------------------------------------------------
def _prepare(session: Session, request: ShareRequest
             ) -> tuple[SelectedShare, list[PlannedPdf]]:
    share = select_share(session.db, request, session.user.display_name)
    return share, plan_pdfs(request, [(r.kind, r.id, r.pupils, r.body) for r in share.records])


def _content(session: Session, kind: BundleKind, share: SelectedShare,
             planned: list[PlannedPdf], progress: StageProgress,
             cancelled: IsCancelled) -> BundleContent:
    if cancelled():
        raise Cancelled("The export was cancelled. No file was written.")
    progress("Choosing records", _CHOOSING)
    printer = replace(session.user, id=str(uuid.uuid4()),
                      login=f"printer-{uuid.uuid4().hex[:12]}", display_name=share.printed_by)
    pdfs = print_pdfs(session, share.tables, planned, printer, share.redactor,
                      progress=lambda f: progress("Printing records",
                                                  _CHOOSING + (_PRINTING - _CHOOSING) * f),
                      cancelled=cancelled)
    return BundleContent(kind, {t: list(r) for t, r in share.tables.items()}, pdfs,
                         details=dict(share.details), made_by=share.printed_by)


def _after_printing(progress: StageProgress) -> StageProgress:
    return lambda stage, f: progress(stage, _PRINTING + (1 - _PRINTING) * f)


def _log_body(share: SelectedShare, content: BundleContent) -> dict[str, Any]:
    """What the bundle log keeps: what (record ids per kind), to whom, why, on
    what basis, and what was redacted (children by id only)."""
    request = share.request
    return {
        "what": share.record_ids(),
        "pupil_ids": list(request.pupil_ids),
        "included_children": list(request.include_children),
        "recipient": request.recipient,
        "purpose": request.purpose,
        "legal_basis": request.legal_basis,
        "staff_anonymised": request.anonymise_staff,
        "redactions": share.redactor.redactions,
        "children_redacted": share.removed(),
        "links_cut": share.cut_links,
        "pdfs": sorted(content.pdfs),
    }


def _preview(share: SelectedShare, planned: list[PlannedPdf]) -> SharePreview:
    request = share.request
    included = set(request.include_children)
    names = ChildNames(removed=(), kept=tuple(share.people[i] for i in
                                              (*request.pupil_ids, *included)))
    pupils = []
    for pupil_id in request.pupil_ids:
        records = tuple(sorted(
            (_preview_record(r) for r in share.records if pupil_id in r.pupils
             and (r.kind is not SharedKind.PUPIL_DETAILS
                  or SharedKind.PUPIL_DETAILS in request.kinds)),
            key=lambda p: (list(SharedKind).index(p.kind), p.on)))
        others = tuple(
            OtherChild(i, share.people[i].display_name, tuple(sorted(found.how)),
                       i in included,
                       () if i in included else names.kept_parts(share.people[i]))
            for i, found in share.others.items() if pupil_id in found.on_files_of)
        pupils.append(PupilPreview(pupil_id, share.people[pupil_id].display_name, records,
                                   others, tuple((p.name, p.description) for p in planned
                                                 if p.pupil_id == pupil_id)))
    return SharePreview(tuple(pupils), share.redactor.redactions,
                        share.redactor.aliases.pairs(),
                        {t: len(rows) for t, rows in share.tables.items()},
                        _notes(share))


def _notes(share: SelectedShare) -> tuple[str, ...]:
    request = share.request
    notes = []
    if SharedKind.PUPIL_DETAILS not in request.kinds:
        notes.append("Each pupil goes with identifying details only (name, date of birth, "
                     "UPN, year and form, SEND status), as every printed record shows them.")
    if request.include_children:
        notes.append("Each included child goes with their name and date of birth only.")
    cut = share.cut_links
    if cut.get(SharedKind.BODY_MAPS.value):
        notes.append(f"{cut[SharedKind.BODY_MAPS.value]} body maps were made for a concern "
                     "that is not shared: they go without that link.")
    if cut.get(SharedKind.CASEWORK.value):
        notes.append(f"{cut[SharedKind.CASEWORK.value]} cases came from a referral that is "
                     "not shared: they go without that link.")
    if cut.get(SharedKind.REFERRALS.value):
        notes.append(f"{cut[SharedKind.REFERRALS.value]} referrals drew on concerns that are "
                     "not shared: they go without those links (a final referral still "
                     "prints the concerns as they were sent).")
    if any(r.kind is SharedKind.REFERRALS for r in share.records):
        notes.append("Draft referrals go in the records but are not printed.")
    if request.anonymise_staff:
        notes.append("The bundle still names you as the person who made it.")
    return tuple(notes)


def _preview_record(record: ShareRecord) -> PreviewRecord:
    """Kind, date and a title that names no one (no free text: labels only)."""
    body = record.body
    versions = sum(1 for table, _ in record.rows if table.endswith("_versions"))
    title: str
    on: date
    match record.kind:
        case SharedKind.PUPIL_DETAILS:
            on = max(datetime.fromisoformat(r["saved_at"]) for t, r in record.rows
                     if t == "pupil_versions").astimezone().date()
            title = "Register details, every version"
        case SharedKind.CONCERNS:
            concern = codec.loads(ConcernContent, body)
            on = concern.happened_at.astimezone().date()
            title = f"Concern: {', '.join(concern.categories)}"
        case SharedKind.BODY_MAPS:
            body_map = codec.loads(BodyMapContent, body)
            on = body_map.completed_at.astimezone().date()
            title = f"Body map: {len(body_map.marks)} marks"
        case SharedKind.CHRONOLOGY:
            event = codec.loads(ChronologyEvent, body)
            on = event.happened_on
            title = f"Recorded event: {event.kind.label}"
        case SharedKind.REFERRALS:
            referral = codec.loads(ReferralBody, body)
            on = datetime.fromisoformat(record.rows[0][1]["created_at"]).astimezone().date()
            title = (f"Referral: {referral.content.kind.label}"
                     + (" (draft)" if referral.state == "draft" else ""))
        case SharedKind.CASEWORK:
            case = codec.loads(CaseContent, body)
            on = case.started_on
            title = f"Case: {case.kind.label}" + ("" if case.is_open else " (closed)")
    return PreviewRecord(record.kind, record.id, on, title, versions)

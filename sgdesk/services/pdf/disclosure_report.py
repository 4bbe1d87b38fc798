"""The disclosure pack for a subject access request: one PDF, in three parts.

1. A cover: whose records these are, the request, how redactions show, and a
   list of the documents with the pages each takes in the pack.
2. The records, printed by the same builders as everywhere else (chronology,
   concerns, body maps, referrals, case notes) from the redacted rows only
   (:func:`~sgdesk.services.share_printing.print_pdfs`), each with its own page
   numbers.
3. The redaction log: what was taken out, where, and why; records withheld whole
   are listed there.

The parts are joined with pypdf, each document bookmarked by a description that
names no one; the metadata names the kind of document only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from io import BytesIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from sgdesk.models.pupils import Pupil
from sgdesk.models.subject_access import THIRD_PARTY, SubjectAccessRequest, withheld_marker
from sgdesk.services.pdf.layout import (
    METADATA_AUTHOR,
    PROTECTIVE_MARKING,
    STYLES,
    data_table,
    heading,
    key_value_table,
    para,
    render_pdf,
)
from sgdesk.services.pdf.record_parts import LABEL_WIDTH, pupil_identifiers, record_frame
from sgdesk.services.record_dates import day_text
from sgdesk.services.session import Session
from sgdesk.services.share_printing import plan_pdfs, print_pdfs
from sgdesk.services.subject_access_disclosure import DisclosurePlan

COVER_TITLE = "Subject access disclosure"
LOG_TITLE = "Redaction log"
DISCLOSURE_KIND = "sgdesk subject access disclosure"
#: How many times the cover is laid out at most to get its own page count right.
_COVER_ATTEMPTS = 3


def disclosure_pack(session: Session, sar: SubjectAccessRequest, pupil: Pupil,
                    plan: DisclosurePlan) -> bytes:
    """The whole pack. Runs on the database worker."""
    from pypdf import PdfReader, PdfWriter  # ~130 ms to import: only when a pack is made

    planned = plan_pdfs(plan.request, list(plan.briefs))
    printer = replace(session.user, id=str(uuid.uuid4()),
                      login=f"printer-{uuid.uuid4().hex[:12]}", display_name=plan.printed_by)
    printed = print_pdfs(session, plan.tables, planned, printer, plan.redactor,
                         progress=lambda _f: None, cancelled=lambda: False)
    documents = [(p.description, printed[p.name]) for p in planned]
    log = render_pdf(record_frame(session, LOG_TITLE, DISCLOSURE_KIND, landscape=True),
                     _log_story(plan))
    parts = [*documents, (LOG_TITLE, log)]
    counts = [len(PdfReader(BytesIO(data)).pages) for _name, data in parts]
    cover_pages = 1
    for _attempt in range(_COVER_ATTEMPTS):
        cover = render_pdf(record_frame(session, COVER_TITLE, DISCLOSURE_KIND),
                           _cover_story(sar, pupil, parts, counts, cover_pages))
        pages = len(PdfReader(BytesIO(cover)).pages)
        if pages == cover_pages:
            break
        cover_pages = pages
    writer = PdfWriter()
    for name, data in [(COVER_TITLE, cover), *parts]:
        writer.append(PdfReader(BytesIO(data)), outline_item=name)
    writer.add_metadata({"/Title": DISCLOSURE_KIND, "/Author": METADATA_AUTHOR,
                         "/Subject": PROTECTIVE_MARKING, "/Creator": METADATA_AUTHOR,
                         "/Producer": METADATA_AUTHOR})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _cover_story(sar: SubjectAccessRequest, pupil: Pupil, parts: Sequence[tuple[str, bytes]],
                 counts: Sequence[int], cover_pages: int) -> list[Flowable]:
    details = sar.details
    due = day_text(details.due_on)
    if details.extended:
        due += (f" (extended by {details.extension_months} month"
                f"{'s' if details.extension_months > 1 else ''})")
    story: list[Flowable] = [
        *pupil_identifiers(pupil),
        *heading("The request"),
        key_value_table([
            ("Requested by", details.requester),
            ("Received", day_text(details.received_on)),
            ("Response due", due),
        ], LABEL_WIDTH),
        *heading("About this disclosure"),
        para("This pack holds the safeguarding records the school keeps about the pupil "
             "named above: the chronology, each record of concern with every amendment, "
             "body maps, referrals and casework. Each document has its own page numbers; "
             "the contents below give where each starts in this pack.", STYLES.body),
        para(f"Where a record named another person or gave information about them, it shows "
             f"\u201c{THIRD_PARTY}\u201d instead. Where information was withheld under an "
             f"exemption it shows \u201c{withheld_marker('the reason')}\u201d. The redaction "
             "log at the end lists each of these, where it is and why, including any "
             "record withheld whole.", STYLES.body),
    ]
    if not parts[:-1]:
        story.append(para("The school holds no safeguarding records about this pupil beyond "
                           "their details above.", STYLES.body))
    rows = []
    start = cover_pages + 1
    for (name, _data), count in zip(parts, counts, strict=True):
        end = start + count - 1
        rows.append([name, f"{start}" if count == 1 else f"{start}\u2013{end}"])
        start = end + 1
    story += [*heading("Contents"),
              data_table(["Document", "Pages in this pack"], rows, [None, 40 * mm])]
    return story


def _log_story(plan: DisclosurePlan) -> list[Flowable]:
    story: list[Flowable] = [para(
        "Everything taken out of the records in this pack, where it was and why. A line "
        "stands for each field of a record; where the same thing was taken out more than "
        "once there, the number of times is given. Staff are named as they acted in their "
        "professional role unless this log says otherwise.", STYLES.body)]
    if not plan.log:
        story.append(para("Nothing was redacted or withheld.", STYLES.body))
        return story
    story.append(data_table(["What", "Where", "Why"],
                            [[r.what, r.where, r.why] for r in plan.log],
                            [62 * mm, None, 95 * mm]))
    return story

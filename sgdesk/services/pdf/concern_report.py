"""A concern, and a pupil's list of concerns, printed as they stand on one pupil's file.

A printed concern is what an inspector, a social worker or a court may read, so it
keeps the four sections apart under their own headings (opinion boxed and marked
as opinion), gives the DSL's review, and shows every amendment with the text as it
stood before, so a reader can see what was first written.

Everything is printed from *this pupil's* file: :func:`concern_on_file` applies
the label-leak rule to every version, so another child in the concern appears
without their role, and by name only where the DSL chose to show it. The body
maps made for the concern follow, this pupil's only.

Printed for a share or a subject access disclosure, the concern comes from a
redacted copy that has left other children out; the summary still counts them
("2 other children (not named in this copy)"), so it never says "None" of a
concern that had them while its text shows where they were taken out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Table

from sgdesk.models.concerns import (
    FIELD_LABELS,
    KEPT_APART_SECTIONS,
    ConcernContent,
    ConcernOnFile,
    Review,
)
from sgdesk.models.redaction import left_out_children_text
from sgdesk.services.concern_words import field_text, status_words
from sgdesk.services.concerns import (
    ConcernEntry,
    ConcernFileRecord,
    VersionOnFile,
    concern_on_file,
    concerns_on_file,
)
from sgdesk.services.pdf.body_map_report import concern_body_maps
from sgdesk.services.pdf.layout import (
    HEADING_ROOM,
    STYLES,
    boxed,
    data_table,
    heading,
    key_value_table,
    para,
    render_pdf,
    text_paras,
)
from sgdesk.services.pdf.record_parts import (
    LABEL_WIDTH,
    pupil_identifiers,
    record_frame,
)
from sgdesk.services.pupils import get_pupil
from sgdesk.services.record_dates import day_text, moment_text
from sgdesk.services.session import Session

CONCERN_TITLE = "Record of concern"
CONCERN_KIND = "sgdesk concern record"
LIST_TITLE = "Concerns on file"
LIST_KIND = "sgdesk concern list"

NOTHING_RECORDED = "Nothing recorded."
NAME_WITHHELD = "Another child (name withheld)"
OPINION_NOTE = "This is the writer's opinion and professional judgement, not a record of fact."
_SUMMARY_CHARS = 200

#: On one pupil's file a version holds only that pupil among the children, so a
#: change to "children" is a change to this child's role.
_CHANGE_LABELS = FIELD_LABELS | {"children": "This child's role"}
#: The parts printed under each kept-apart heading, in order.
_SECTION_PARTS: dict[str, tuple[str, ...]] = {
    "facts": ("facts",),
    "child_words": ("child_words", "questions_asked"),
    "others_reported": ("others_reported", "others_source"),
    "opinion": ("opinion",),
}

_SUBHEADING = ParagraphStyle(
    "sgdesk-concern-subheading", parent=STYLES.label, spaceBefore=7, spaceAfter=3
)
_BOX_HEADING = ParagraphStyle("sgdesk-concern-box-heading", parent=STYLES.heading, spaceBefore=0)


# -- the two documents ------------------------------------------------------------------
def concern_pdf(session: Session, concern_id: str, pupil_id: str,
                left_out_children: int = 0) -> bytes:
    """One concern, current version first and its amendments after, as on the file
    of pupil ``pupil_id``. ``left_out_children``: how many other children the copy
    printed from has left out (a share's or a disclosure's). Runs on the database
    worker."""
    record = concern_on_file(session, concern_id, pupil_id)
    pupil = get_pupil(session, pupil_id).pupil
    shown = record.current.on_file
    content = shown.content
    story: list[Flowable] = [
        *pupil_identifiers(pupil),
        *heading("Summary"),
        _summary(record, shown, left_out_children),
    ]
    for section in KEPT_APART_SECTIONS:
        story += _kept_apart_section(content, section)
    story += [*heading(FIELD_LABELS["immediate_action"]), *_text(content.immediate_action)]
    story += _review(content.review)
    story += _amendments(record)
    story += concern_body_maps(session, concern_id, pupil_id)
    return render_pdf(record_frame(session, CONCERN_TITLE, CONCERN_KIND), story)


def concern_list_pdf(session: Session, pupil_id: str) -> bytes:
    """Every concern on the pupil's file, oldest first, one row each (landscape, the
    header repeated on every page). Runs on the database worker."""
    pupil = get_pupil(session, pupil_id).pupil
    entries = sorted(concerns_on_file(session, pupil_id),
                     key=lambda e: (e.on_file.content.happened_at, e.logged_at))
    story: list[Flowable] = [*pupil_identifiers(pupil), *heading(f"Concerns ({len(entries)})")]
    if not entries:
        story.append(para("No concerns are on this pupil's file.", STYLES.body))
    else:
        story.append(para("Oldest first. Other children in a concern are not named here.",
                          STYLES.body))
        story.append(data_table(
            ["Date happened", "Categories", "This child's role", "Summary of facts",
             "Decision", "Status", "Amended"],
            [_list_row(entry) for entry in entries],
            [27 * mm, 40 * mm, 26 * mm, None, 36 * mm, 27 * mm, 21 * mm],
        ))
    return render_pdf(record_frame(session, LIST_TITLE, LIST_KIND, landscape=True), story)


# -- shared parts -----------------------------------------------------------------------
def _text(text: str) -> list[Flowable]:
    return text_paras(text, STYLES.body) or [para(NOTHING_RECORDED, STYLES.body)]


def _sub(label: str) -> list[Flowable]:
    return heading(label, _SUBHEADING)


# -- one concern ------------------------------------------------------------------------
def _summary(record: ConcernFileRecord, shown: ConcernOnFile, left_out: int) -> Table:
    content = shown.content
    others = [o.shown_name for o in shown.other_children if o.shown_name]
    others += [NAME_WITHHELD] * sum(1 for o in shown.other_children if not o.shown_name)
    others += [left_out_children_text(left_out)] if left_out else []
    amended = len(record.versions) > 1
    rows = [
        (FIELD_LABELS["happened_at"], moment_text(content.happened_at)),
        (FIELD_LABELS["noticed_at"], moment_text(content.noticed_at)),
        (FIELD_LABELS["location"], content.location or "Not recorded"),
        (FIELD_LABELS["reporter_name"], f"{content.reporter_name} ({content.reporter_role})"),
        ("This child's role", shown.this_child_role.label),
        ("Other children", "; ".join(others) or "None"),
        (FIELD_LABELS["categories"], ", ".join(content.categories) or "None"),
        (FIELD_LABELS["tags"], ", ".join(content.tags) or "None"),
        ("Status", status_words(record.status)),
        ("Version", f"{record.current.number}: amended, see Amendments" if amended
         else f"{record.current.number}: not amended"),
    ]
    return key_value_table(rows, LABEL_WIDTH)


def _kept_apart_section(content: ConcernContent, section: str) -> list[Flowable]:
    """One of the four sections under its own heading. An empty section still prints,
    saying so, so a reader knows it was not left out."""
    parts = _SECTION_PARTS[section]
    texts = [getattr(content, part) for part in parts]
    body: list[Flowable] = []
    if not any(t.strip() for t in texts):
        body = _text("")
    else:
        for index, (part, text) in enumerate(zip(parts, texts, strict=True)):
            if index:
                body += _sub(FIELD_LABELS[part])
            body += _text(text)
    if section != "opinion":
        return [*heading(FIELD_LABELS[section]), *body]
    return [
        CondPageBreak(HEADING_ROOM),
        boxed([para(FIELD_LABELS[section], _BOX_HEADING), para(OPINION_NOTE, _SUBHEADING),
               *body]),
    ]


def _review(review: Review | None) -> list[Flowable]:
    story = heading(FIELD_LABELS["review"])
    if review is None:
        return [*story, para("Awaiting the DSL's review.", STYLES.body)]
    story += [key_value_table([("Decision", review.decision.label)], LABEL_WIDTH)]
    story += [*_sub("Reasons"), *_text(review.reasons), *_sub("Actions")]
    if review.actions:
        story.append(data_table(
            ["Action", "Owner", "Due", "Status"],
            [[a.description, a.owner, day_text(a.due) if a.due else "No date",
              a.status.value.capitalize()] for a in review.actions],
            [None, 40 * mm, 24 * mm, 24 * mm],
        ))
    else:
        story.append(para("No actions recorded.", STYLES.body))
    story += [*_sub("Outcome"), *_text(review.outcome), *_sub("Closure and sign-off")]
    story.append(key_value_table([
        ("Closed on", day_text(review.closed_on) if review.closed_on else "Not closed"),
        ("Signed off by", f"{review.reviewed_by} ({review.reviewer_role}) on "
                          f"{day_text(review.reviewed_on)}"),
    ], LABEL_WIDTH))
    return story


def _amendments(record: ConcernFileRecord) -> list[Flowable]:
    """Every version in a table, then for each amendment the changed fields as they
    were before and after. Nothing here is left out for being long."""
    if len(record.versions) < 2:
        return []
    story: list[Flowable] = [
        *heading("Amendments"),
        para("A saved concern is never overwritten: each change is a new version, and "
             "every earlier version is kept. The text as it stood before each change is "
             "shown below the table.", STYLES.body),
        data_table(
            ["Version", "Saved by", "Saved at", "Reason", "Fields changed"],
            [_version_row(v, is_first=v is record.versions[0]) for v in record.versions],
            [16 * mm, 32 * mm, 33 * mm, None, 55 * mm],
        ),
    ]
    for before, after in pairwise(record.versions):
        story += _changes(before, after)
    return story


def _version_row(version: VersionOnFile, *, is_first: bool) -> list[str]:
    if is_first:
        reason = version.reason or "Original record"
        changed = "First version on this pupil's file"
    else:
        reason = version.reason
        changed = (", ".join(_CHANGE_LABELS[name] for name in version.changed)
                   or "No change shown on this pupil's file")
    return [str(version.number), version.saved_by, moment_text(version.saved_at), reason, changed]


def _changes(before: VersionOnFile, after: VersionOnFile) -> list[Flowable]:
    shown = [name for name in after.changed
             if not (name == "review" and before.on_file.content.review is None)]
    if not shown:
        return []  # the first review: it is printed in full under "DSL review"
    story = heading(f"Version {after.number}: what changed", _BOX_HEADING)
    story.append(para(f"Amended by {after.saved_by} on {moment_text(after.saved_at)}. "
                      f"Reason: {after.reason}", STYLES.body))
    for name in shown:
        story += _sub(_CHANGE_LABELS[name])
        story.append(_before_after(
            field_text(before.on_file, name), before.number,
            field_text(after.on_file, name), after.number,
        ))
    return story


def _before_after(old: str, old_number: int, new: str, new_number: int) -> Table:
    table = Table(
        [[para(f"Before (version {old_number})", STYLES.label), _text(old)],
         [para(f"After (version {new_number})", STYLES.label), _text(new)]],
        colWidths=[LABEL_WIDTH, None], splitInRow=1, hAlign="LEFT",
    )
    table.setStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, "#999999"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
    ])
    return table


# -- the list ---------------------------------------------------------------------------
def _list_row(entry: ConcernEntry) -> Sequence[str]:
    content = entry.on_file.content
    return [
        moment_text(content.happened_at),
        ", ".join(content.categories),
        entry.on_file.this_child_role.label,
        _summary_of(content),
        content.review.decision.label if content.review else "Not yet reviewed",
        status_words(entry.status),
        "Yes" if entry.version > 1 else "No",
    ]


def _summary_of(content: ConcernContent) -> str:
    """The start of the facts (or, with none, of the child's words or what others
    reported), cut at a word near :data:`_SUMMARY_CHARS` characters."""
    for name in ("facts", "child_words", "others_reported"):
        text = " ".join(getattr(content, name).split())
        if text:
            break
    else:
        return NOTHING_RECORDED
    if name != "facts":
        text = f"{FIELD_LABELS[name]}: {text}"
    if len(text) <= _SUMMARY_CHARS:
        return text
    cut = text[:_SUMMARY_CHARS]
    cut = re.sub(r"\s+\S*$", "", cut) or cut
    return cut.rstrip(".,;:") + "…"

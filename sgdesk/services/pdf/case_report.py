"""Case notes, the assessment and the plan printed for a partner agency's file: an
Early Help or child-in-need case where the school's DSL is lead practitioner, or
the school's part in a section 47 case.

A reader — a social worker, a conference chair, a court — needs to find things in
the order casework is done: who leads and what clocks are running (an overdue
clock says "OVERDUE" in words, not only in colour, so it survives a photocopy),
the assessment on the three sides of the Assessment Framework triangle, the plan,
each visit, each meeting, and every change saved since the case was opened. A
visit where the child was not seen alone is the thing a reviewer looks for first,
so it is printed in a box with its reason, never left as a "No" in a table.

The assessment and the plan print on their own too (an agency files them
separately); they share the case notes' header, clocks and list of versions, and
print their section exactly as the case notes do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from reportlab.graphics.shapes import Drawing, Polygon, String
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table

from sgdesk.models.casework import (
    AssessmentDomain,
    CaseClock,
    CaseContent,
    DomainNotes,
    Meeting,
    Plan,
    Visit,
)
from sgdesk.services.casework import CaseRecord, get_case
from sgdesk.services.concern_words import action_status_words
from sgdesk.services.pdf.layout import (
    BOX_TINT,
    SANS,
    SANS_BOLD,
    STYLES,
    boxed,
    data_table,
    heading,
    key_value_table,
    para,
    render_pdf,
    text_paras,
)
from sgdesk.services.pdf.record_parts import LABEL_WIDTH, pupil_identifiers, record_frame
from sgdesk.services.pupils import get_pupil
from sgdesk.services.record_dates import day_text, moment_text
from sgdesk.services.referrals import get_referral
from sgdesk.services.session import Session

CASE_KIND = "sgdesk case notes"
ASSESSMENT_KIND = "sgdesk case assessment"
PLAN_KIND = "sgdesk case plan"
NOTHING_RECORDED = "Nothing recorded."
OVERDUE = "OVERDUE"
NOT_SEEN_ALONE = "Child NOT seen alone"
NOT_SEEN = "Child NOT seen"
SCHOOL_NOT_LEAD = "The school cannot lead"
#: What a Needs / Strengths / Analysis sub-heading says, in the order printed.
DOMAIN_PARTS = (("needs", "Needs"), ("strengths", "Strengths"), ("analysis", "Analysis"))

_SUBHEADING = ParagraphStyle("sgdesk-case-subheading", parent=STYLES.label,
                             spaceBefore=7, spaceAfter=3)
_ITEM_HEADING = ParagraphStyle("sgdesk-case-item", parent=STYLES.heading, fontSize=11.5,
                               leading=14.5, spaceBefore=10, spaceAfter=4)
_DOMAIN_HEADING = ParagraphStyle("sgdesk-case-domain", parent=_ITEM_HEADING, fontSize=12,
                                 spaceBefore=12)
#: Room a visit's or meeting's heading and its details table need on one page.
_ITEM_ROOM = 55 * mm
_WARNING = ParagraphStyle("sgdesk-case-warning", parent=STYLES.body, fontName=SANS_BOLD,
                          fontSize=11.5, leading=15, spaceAfter=2)


def case_notes_pdf(session: Session, case_id: str) -> bytes:
    """The case as it stands now, with the list of every saved version. Runs on
    the database worker."""
    return _case_document(session, case_id, "Case notes", CASE_KIND, lambda case: [
        *_assessment(case), *_plan(case.plan), *_visits(case.visits),
        *_meetings(case.meetings)])


def assessment_pdf(session: Session, case_id: str) -> bytes:
    """The assessment alone, on the triangle, with its completion and approval: what
    a partner agency files as the school's assessment. Runs on the database worker."""
    return _case_document(session, case_id, "Assessment", ASSESSMENT_KIND, _assessment)


def plan_pdf(session: Session, case_id: str) -> bytes:
    """The plan alone: the outcomes wanted and who does what by when, as agreed at
    the latest review. Runs on the database worker."""
    return _case_document(session, case_id, "Plan", PLAN_KIND,
                          lambda case: _plan(case.plan))


def _case_document(session: Session, case_id: str, title: str, kind: str,
                   body: Callable[[CaseContent], list[Flowable]]) -> bytes:
    """Every case print's frame: whose case it is, the case header and its clocks,
    then ``body``, then every saved version, so each print says which version it is."""
    record = get_case(session, case_id)
    case = record.current
    pupil = get_pupil(session, case.pupil_id).pupil
    today = session.db.clock().astimezone().date()
    story: list[Flowable] = [
        *pupil_identifiers(pupil),
        *_case_header(session, record),
        *_clocks(record.clocks, today),
        *body(case),
        *_amendments(record),
    ]
    return render_pdf(record_frame(session, f"{title} \u2014 {case.kind.label}", kind), story)


# -- shared parts -----------------------------------------------------------------------
def _text(text: str) -> list[Flowable]:
    return text_paras(text, STYLES.body) or [para(NOTHING_RECORDED, STYLES.body)]


def _sub(label: str) -> list[Flowable]:
    return heading(label, _SUBHEADING)


def _item_heading(text: str) -> list[Flowable]:
    """A visit's or meeting's heading, kept on a page with the details under it."""
    return [CondPageBreak(_ITEM_ROOM), para(text, _ITEM_HEADING)]


def _day_or(day: date | None, missing: str) -> str:
    return day_text(day) if day else missing


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


# -- header and clocks ------------------------------------------------------------------
def _case_header(session: Session, record: CaseRecord) -> list[Flowable]:
    case = record.current
    rows = [
        ("Kind of case", case.kind.label),
        ("Lead practitioner", case.lead_practitioner),
        *([(SCHOOL_NOT_LEAD, case.lead_declined_reason)] if case.lead_declined else []),
        ("Supervisor", case.supervisor or "None recorded"),
        ("Started", day_text(case.started_on)),
        ("Came from", _referral_words(session, case.referral_id)),
        ("Status", "Open" if case.is_open else f"Closed on {day_text(case.closed_on)}"),
    ]
    if not case.is_open:
        rows.append(("Reason for closing", case.closure_reason))
    rows.append(("Version", f"{record.version}: amended, see Amendments" if record.version > 1
                 else "1: not amended"))
    return [*heading("Case"), key_value_table(rows, LABEL_WIDTH)]


def _referral_words(session: Session, referral_id: str | None) -> str:
    """The referral the case came from, as its kind and when it was sent."""
    if referral_id is None:
        return "No referral recorded"
    referral = get_referral(session, referral_id)
    sending = referral.tracking.sending
    if sending is None:
        return f"{referral.content.kind.label} (not recorded as sent)"
    sent = f"{referral.content.kind.label}, sent {moment_text(sending.sent_at)}"
    return f"{sent} (reference {sending.reference})" if sending.reference else sent


def _clocks(clocks: Sequence[CaseClock], today: date) -> list[Flowable]:
    """Each clock with its due date and where it stands; an overdue one says so in
    words and its row is shaded."""
    story = heading("Clocks")
    if not clocks:
        return [*story, para("No clocks are running on this case.", STYLES.body)]
    table = data_table(["Clock", "Due", "Where it stands"],
                       [[c.name, day_text(c.due), _clock_state(c, today)] for c in clocks],
                       [None, 26 * mm, 34 * mm])
    table.setStyle([("BACKGROUND", (0, row), (-1, row), BOX_TINT)
                    for row, clock in enumerate(clocks, start=1) if clock.overdue(today)]
                   + [("BOX", (0, row), (-1, row), 1.5, "#000000")
                      for row, clock in enumerate(clocks, start=1) if clock.overdue(today)])
    return [*story, table]


def _clock_state(clock: CaseClock, today: date) -> str:
    if clock.done:
        return "Met"
    if clock.overdue(today):
        return OVERDUE
    return "Due today" if clock.due == today else "Not yet due"


# -- assessment -------------------------------------------------------------------------
def _assessment(case: CaseContent) -> list[Flowable]:
    """The three sides of the triangle in order, each with needs, strengths and
    analysis; then the child's voice, the family's view and the approval."""
    assessment = case.assessment
    story = heading("Assessment")
    story += [para("Laid out on the Assessment Framework triangle: the child's "
                   "developmental needs, parenting capacity, and family and "
                   "environmental factors.", STYLES.body), _triangle()]
    for domain in AssessmentDomain:
        story += _domain(domain, assessment.notes(domain))
    story += [*heading("The child's voice", _DOMAIN_HEADING), *_text(assessment.child_voice)]
    story += [*heading("The family's view", _DOMAIN_HEADING), *_text(assessment.family_view)]
    if assessment.approved_by:
        approval = f"{assessment.approved_by} on {_day_or(assessment.approved_on, 'no date')}"
    else:
        approval = "Not yet approved"
    story += [*heading("Completion and approval", _DOMAIN_HEADING), key_value_table([
        ("Completed on", _day_or(assessment.completed_on, "Not yet completed")),
        ("Approved by", approval),
    ], LABEL_WIDTH)]
    return story


def _domain(domain: AssessmentDomain, notes: DomainNotes) -> list[Flowable]:
    story = heading(domain.label, _DOMAIN_HEADING)
    if notes.is_empty:
        return [*story, para(NOTHING_RECORDED, STYLES.body)]
    for name, label in DOMAIN_PARTS:
        story += [*_sub(label), *_text(getattr(notes, name))]
    return story


_TRIANGLE_WIDTH = 120 * mm
_TRIANGLE_HEIGHT = 44 * mm


def _triangle() -> Drawing:
    """A small outline of the triangle with its three sides named, so a reader
    used to the framework sees at once which side each section is."""
    width, height = _TRIANGLE_WIDTH, _TRIANGLE_HEIGHT
    left, right, top, base = 34 * mm, width - 34 * mm, height - 3 * mm, 9 * mm
    middle = width / 2
    drawing = Drawing(width, height)
    drawing.add(Polygon([left, base, right, base, middle, top], fillColor=BOX_TINT,
                        strokeColor="#444444", strokeWidth=1))
    sides = {AssessmentDomain.DEVELOPMENTAL_NEEDS: (left + 4 * mm, "end"),
             AssessmentDomain.PARENTING_CAPACITY: (right - 4 * mm, "start")}
    for domain, (x, anchor) in sides.items():
        for number, line in enumerate(_two_lines(domain.label)):
            drawing.add(_label(x, top - 10 * mm - number * 10, line, anchor))
    drawing.add(_label(middle, 2 * mm, AssessmentDomain.FAMILY_ENVIRONMENT.label, "middle"))
    drawing.add(String(middle, base + 9 * mm, "The child", fontName=SANS_BOLD, fontSize=9,
                       textAnchor="middle"))
    drawing.hAlign = "CENTER"
    return drawing


def _label(x: float, y: float, text: str, anchor: str) -> String:
    return String(x, y, text, fontName=SANS, fontSize=8.5, textAnchor=anchor,
                  fillColor="#222222")


def _two_lines(label: str) -> list[str]:
    """A side's name on two lines, split at the space nearest its middle."""
    words = label.split()
    if len(words) < 2:
        return [label]
    split = min(range(1, len(words)),
                key=lambda i: abs(len(" ".join(words[:i])) - len(label) / 2))
    return [" ".join(words[:split]), " ".join(words[split:])]


# -- plan -------------------------------------------------------------------------------
def _plan(plan: Plan) -> list[Flowable]:
    story = [*heading("Plan"), *_sub("Outcomes wanted"), *_text(plan.outcomes),
             *_sub("Actions")]
    if not plan.actions:
        return [*story, para("No actions recorded.", STYLES.body)]
    story.append(data_table(
        ["Who", "What", "By when", "Status"],
        [[a.who, a.what, _day_or(a.by_when, "No date"), action_status_words(a.status)]
         for a in plan.actions],
        [40 * mm, None, 24 * mm, 24 * mm],
    ))
    return story


# -- visits -----------------------------------------------------------------------------
def _visits(visits: Sequence[Visit]) -> list[Flowable]:
    story = heading(f"Visits and conversations ({len(visits)})")
    if not visits:
        return [*story, para("No visits or conversations recorded.", STYLES.body)]
    story.append(para("Oldest first.", STYLES.body))
    for visit in sorted(visits, key=lambda v: v.on):
        story += _visit(visit)
    return story


def _visit(visit: Visit) -> list[Flowable]:
    story = _item_heading(f"{moment_text(visit.on)}: {visit.purpose or 'Purpose not recorded'}")
    story.append(key_value_table([
        ("Who", visit.who),
        ("Where", visit.where or "Not recorded"),
        ("Child seen", _yes_no(visit.child_seen)),
        ("Seen alone", _yes_no(visit.seen_alone)),
    ], LABEL_WIDTH))
    if not visit.seen_alone:
        story.append(_not_seen_alone(visit))
    story += [*_sub("The child's words (verbatim)"), *_text(visit.child_words),
              *_sub("Observations"), *_text(visit.observations),
              *_sub("Actions arising"), *_text(visit.actions_arising)]
    return story


def _not_seen_alone(visit: Visit) -> Table:
    """The boxed warning a reviewer looks for: the child was not seen alone, and why."""
    reason = visit.not_seen_alone_reason.strip()
    if visit.child_seen:
        lines = [para(f"{NOT_SEEN_ALONE}: {reason or 'no reason recorded.'}", _WARNING)]
    else:
        lines = [para(f"{NOT_SEEN} on this visit, so not seen alone.", _WARNING)]
        if reason:
            lines.append(para(f"Reason: {reason}", STYLES.body))
    return boxed(lines)


# -- meetings ---------------------------------------------------------------------------
def _meetings(meetings: Sequence[Meeting]) -> list[Flowable]:
    story = heading(f"Meetings ({len(meetings)})")
    if not meetings:
        return [*story, para("No meetings recorded.", STYLES.body)]
    story.append(para("Oldest first.", STYLES.body))
    for meeting in sorted(meetings, key=lambda m: m.on):
        story += _item_heading(f"{meeting.kind.label}, {moment_text(meeting.on)}")
        story.append(key_value_table([
            ("Attendees", meeting.attendees or "Not recorded"),
            ("Apologies", meeting.apologies or "None recorded"),
            ("Next date", _day_or(meeting.next_date, "None set")),
        ], LABEL_WIDTH))
        story += [*_sub("Decisions"), *_text(meeting.decisions)]
    return story


# -- amendments -------------------------------------------------------------------------
def _amendments(record: CaseRecord) -> list[Flowable]:
    """Every saved version: a case is never overwritten, so this is its history."""
    first = record.versions[0]
    return [
        CondPageBreak(_ITEM_ROOM),  # the heading and its note with the table's first rows
        *heading("Amendments"),
        para("A case is never overwritten: each visit, plan change, meeting, approval and "
             "the closure is saved as a new version, and every earlier version is kept.",
             STYLES.body),
        data_table(
            ["Version", "Saved by", "Saved at", "Reason"],
            [[str(v.number), v.saved_by, moment_text(v.saved_at),
              v.reason or ("Case opened" if v is first else "")] for v in record.versions],
            [18 * mm, 40 * mm, 33 * mm, None],
        ),
        Spacer(0, 4),
    ]

"""Referral forms and letters printed from the school's templates.

The template decides what a form says and in what order
(:mod:`sgdesk.services.referral_templates`); this module only lays the rendered
document out in the shared frame: OFFICIAL-SENSITIVE top and bottom, "Page x of
y", and who produced it when. Field rows become label–value tables, table rows a
ruled table whose header repeats, boxed text (the opinion box) a tinted box, and
everything a user typed is escaped for ReportLab's markup.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from sgdesk.models.referrals import ReferralKind
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
from sgdesk.services.pdf.record_parts import LABEL_WIDTH, record_frame
from sgdesk.services.referral_templates import (
    FORM_TEMPLATES,
    LETTER_TEMPLATE,
    Block,
    Box,
    Fields,
    Heading,
    ReferralDocument,
    Table,
    Text,
    referral_fields,
    render_template,
)
from sgdesk.services.referrals import referral_pack
from sgdesk.services.session import Session

FORM_KIND = "sgdesk referral form"
LETTER_KIND = "sgdesk referral letter"
#: Titles used when a template does not set its own with a ``title:`` line.
DEFAULT_TITLES: dict[ReferralKind, str] = {
    ReferralKind.CSC: "Multi-agency referral form",
    ReferralKind.EARLY_HELP: "Early Help request",
    ReferralKind.POLICE: "Police referral",
    ReferralKind.LADO: "Referral to the LADO",
    ReferralKind.PREVENT: "Prevent referral",
}
LETTER_TITLE = "Written confirmation of a referral"

#: Room under a table, so text that follows does not touch it.
_AFTER_TABLE = 6
_SUBHEADING = ParagraphStyle(
    "sgdesk-referral-subheading", parent=STYLES.label, fontSize=10.5, leading=13.5,
    spaceBefore=8, spaceAfter=3,
)
_BOX_HEADING = ParagraphStyle("sgdesk-referral-box-heading", parent=STYLES.heading,
                              spaceBefore=0)


def referral_form_pdf(session: Session, referral_id: str) -> bytes:
    """The referral laid out as a multi-agency form from its kind's template (the
    school's copy if it has one). Runs on the database worker."""
    pack = referral_pack(session, referral_id)
    kind = pack.content.kind
    document = render_template(FORM_TEMPLATES[kind], referral_fields(pack))
    return _pdf(session, document, DEFAULT_TITLES[kind], FORM_KIND)


def referral_letter_pdf(session: Session, referral_id: str) -> bytes:
    """The letter confirming a phone referral in writing (to go within 24 to 48
    hours). Runs on the database worker."""
    pack = referral_pack(session, referral_id)
    document = render_template(LETTER_TEMPLATE, referral_fields(pack))
    return _pdf(session, document, LETTER_TITLE, LETTER_KIND)


def _pdf(session: Session, document: ReferralDocument, default_title: str,
         kind: str) -> bytes:
    frame = record_frame(session, document.title or default_title, kind)
    return render_pdf(frame, document_flowables(document.blocks))


def document_flowables(blocks: tuple[Block, ...]) -> list[Flowable]:
    """ReportLab flowables for a rendered template, in order."""
    story: list[Flowable] = []
    for block in blocks:
        match block:
            case Heading(text=text, level=1):
                story += heading(text)
            case Heading(text=text):
                story += heading(text, _SUBHEADING)
            case Fields(rows=rows):
                story += [key_value_table(rows, LABEL_WIDTH), Spacer(0, _AFTER_TABLE)]
            case Table(header=header, rows=rows):
                story += [data_table(header, rows, [None] * len(header)),
                          Spacer(0, _AFTER_TABLE)]
            case Text(text=text):
                story += text_paras(text, STYLES.body)
            case Box(blocks=inner):
                story += [CondPageBreak(HEADING_ROOM), boxed(_box_contents(inner))]
    return story


def _box_contents(blocks: tuple[Heading | Text, ...]) -> list[Flowable]:
    inside: list[Flowable] = []
    for block in blocks:
        if isinstance(block, Heading):
            inside.append(para(block.text, _BOX_HEADING))
        else:
            inside += text_paras(block.text, STYLES.body)
    return inside

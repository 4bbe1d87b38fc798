"""The recovery sheet: the one page that goes in the school safe.

It carries the store's recovery key, printed large in a monospace font so it can
be typed back without confusing characters, and says plainly what the key does
and how to look after it. Printed once, when the store is created.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, ListFlowable, ListItem, Paragraph, Spacer, Table

from sgdesk.services.pdf.layout import (
    MONO,
    MONO_BOLD,
    STYLES,
    DocumentFrame,
    format_produced_at,
    key_value_table,
    para,
    render_pdf,
)

TITLE = "sgdesk recovery key"
KIND = "sgdesk recovery sheet"
_GROUPS_PER_LINE = 5

_KEY_STYLE = ParagraphStyle(
    "sgdesk-recovery-key",
    parent=STYLES.mono,
    fontName=MONO_BOLD,
    fontSize=22,
    leading=32,
    spaceAfter=0,
)


def render_recovery_sheet(
    school_name: str, store_file_name: str, recovery_key: str, prepared_by: str
) -> bytes:
    """One A4 page holding ``recovery_key`` exactly as given (its groups kept)."""
    frame = DocumentFrame(title=TITLE, kind=KIND, produced_by=prepared_by)
    story: list[Flowable] = [
        key_value_table(
            [
                ("School", school_name),
                ("Store file", store_file_name),
                ("Prepared by", prepared_by),
                ("Date", format_produced_at(frame.produced_at)),
            ]
        ),
        Spacer(1, 6 * mm),
        para("Recovery key", STYLES.heading),
        _key_box(recovery_key),
        Spacer(1, 2 * mm),
        para(
            "Type the letters and digits exactly as printed. Dashes, spaces and "
            "capital letters do not matter.",
            STYLES.body,
        ),
        para("What this key is for", STYLES.heading),
        para(
            "It opens this store if every password for it has been forgotten. "
            "It is the only way back in: nobody else, including the makers of sgdesk, "
            "can recover the records without it.",
            STYLES.body,
        ),
        para("Keeping it safe", STYLES.heading),
        _bullets(
            [
                para(
                    "Keep this sheet in the school safe, away from the computer that holds "
                    "the store.",
                    STYLES.body,
                ),
                para(
                    "Never photograph, scan or email it. If you saved it as a PDF to print "
                    "elsewhere, "
                    "delete that file once it is printed.",
                    STYLES.body,
                ),
                para(
                    "Whoever has this key and a copy of the store can read every record in it.",
                    STYLES.body,
                ),
            ]
        ),
        para("Using it", STYLES.heading),
        _bullets(
            [
                para(
                    'On the sgdesk unlock screen choose "Forgotten your password?", type this '
                    "key, then choose a new password.",
                    STYLES.body,
                ),
                Paragraph(
                    f'Or, at a command prompt: <font name="{MONO}">sgdesk passwd '
                    f"{escape(store_file_name)} --recovery</font>",
                    STYLES.body,
                ),
            ]
        ),
    ]
    return render_pdf(frame, story)


def _key_box(recovery_key: str) -> Table:
    """The key in lines of a few groups; each line but the last ends with its dash,
    so the lines read back (and copy) as the key exactly as given."""
    groups = recovery_key.split("-")
    lines = [
        "-".join(groups[i : i + _GROUPS_PER_LINE]) for i in range(0, len(groups), _GROUPS_PER_LINE)
    ]
    text = "-<br/>".join(lines)
    box = Table([[Paragraph(text, _KEY_STYLE)]], colWidths=["100%"])
    box.setStyle(
        [
            ("BOX", (0, 0), (-1, -1), 1.5, colors.black),
            ("LEFTPADDING", (0, 0), (-1, -1), 7 * mm),
            ("RIGHTPADDING", (0, 0), (-1, -1), 7 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 4 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5 * mm),
        ]
    )
    return box


def _bullets(items: list[Paragraph]) -> ListFlowable:
    return ListFlowable(
        [ListItem(item, leftIndent=12) for item in items],
        bulletType="bullet",
        start="•",
        leftIndent=12,
        bulletFontSize=9,
    )

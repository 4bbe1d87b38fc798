"""The public key sheet: one page a school sends or hands to a partner agency.

It carries the school's ``age1…`` public key twice: printed large in groups, to be
read out over the phone when the partner checks it, and as a QR code holding the
key exactly, to be scanned rather than typed. Short plain instructions say what
the key is for, how to encrypt a file to it with the ``age`` tool, and that it
cannot decrypt anything, so it is safe to share.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from sgdesk.services.pdf.layout import (
    MONO,
    MONO_BOLD,
    STYLES,
    DocumentFrame,
    key_value_table,
    para,
    render_pdf,
)

TITLE = "Public key for sending encrypted files"
KIND = "sgdesk public key sheet"
GROUP_SIZE = 4
GROUPS_PER_LINE = 4
QR_SIZE = 48 * mm

_KEY_STYLE = ParagraphStyle(
    "sgdesk-public-key",
    parent=STYLES.mono,
    fontName=MONO_BOLD,
    fontSize=19,
    leading=27,
    spaceAfter=0,
)
# Small enough for the whole command, key included, to fit on one line of A4.
_COMMAND_STYLE = ParagraphStyle(
    "sgdesk-age-command", parent=STYLES.mono, fontName=MONO, fontSize=9, leading=13,
    spaceBefore=2, spaceAfter=7,
)


def public_key_sheet_pdf(school_name: str, public_key: str, produced_by: str) -> bytes:
    """One A4 page with ``public_key`` exactly as given, for ``school_name``'s partners."""
    frame = DocumentFrame(title=TITLE, kind=KIND, produced_by=produced_by)
    school = school_name
    story: list[Flowable] = [
        key_value_table([("School", school), ("Kind of key", "age public key (X25519)")]),
        Spacer(1, 4 * mm),
        para("The key", STYLES.heading),
        _key_and_qr(public_key),
        Spacer(1, 2 * mm),
        para("The spaces only make the key easier to read out: the key is the same "
             f"{len(public_key)} characters without them. Every letter is lower case, and the "
             "only digit one is in \u201cage1\u201d: every other l is the letter L. The QR "
             "code holds the key exactly.", STYLES.body),
        para("What this is", STYLES.heading),
        para(f"This is a public key. It is safe to share: by email, on paper or on a "
             f"website. It can only be used to lock (encrypt) files so that {school} can "
             "open them. It cannot decrypt anything, and nobody can work out the school's "
             "secret key from it.", STYLES.body),
        para(f"Sending encrypted files to {school}", STYLES.heading),
        para("Use it to send encrypted files to the school with age "
             "(age-encryption.org) or any program that supports age keys. At a command "
             "prompt:", STYLES.body),
        Paragraph(escape(f"age -r {public_key} -o file.age file"), _COMMAND_STYLE),
        para(f"Replace \u201cfile\u201d with the name of the file to send. Only {school} "
             "can open file.age, so it may travel by any route.", STYLES.body),
        para("Before you rely on it", STYLES.heading),
        para("Check the key with the school by phone before you first use it: read out its "
             "first and last lines. If you are ever sent a different key for "
             f"{school}, check with the school before using it.", STYLES.body),
    ]
    return render_pdf(frame, story)


def key_groups(public_key: str) -> list[str]:
    """The key cut into groups of four characters, as printed (the last may be shorter)."""
    return [public_key[i:i + GROUP_SIZE] for i in range(0, len(public_key), GROUP_SIZE)]


def _key_and_qr(public_key: str) -> Table:
    groups = key_groups(public_key)
    lines = [" ".join(groups[i:i + GROUPS_PER_LINE])
             for i in range(0, len(groups), GROUPS_PER_LINE)]
    key = Paragraph("<br/>".join(escape(line) for line in lines), _KEY_STYLE)
    box = Table([[key, _qr_code(public_key)]], colWidths=[None, QR_SIZE + 4 * mm])
    box.setStyle(
        [
            ("BOX", (0, 0), (-1, -1), 1.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (0, -1), 7 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
        ]
    )
    return box


def _qr_code(public_key: str) -> Drawing:
    """The key exactly, at error-correction level M (a smudge or fold still scans),
    with the four-module quiet zone scanners need."""
    widget = QrCodeWidget(public_key, barLevel="M", barWidth=QR_SIZE, barHeight=QR_SIZE,
                          barBorder=4)
    drawing = Drawing(QR_SIZE, QR_SIZE)
    drawing.add(widget)
    return drawing

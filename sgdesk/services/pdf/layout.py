"""The page frame every sgdesk PDF shares: marking, footer, styles, metadata.

Each printed document (recovery sheet, concern, chronology, referral, body map)
builds a list of ReportLab platypus flowables and hands it to :func:`render_pdf`
with a :class:`DocumentFrame`. The frame puts the protective marking at the top
and bottom of every page, "Page x of y" and "Produced by … on …" in the footer,
and neutral PDF metadata: the metadata names the *kind* of document
("sgdesk recovery sheet"), never a child or a school, because file managers and
PDF viewers show it without opening the document.

PDFs are built in memory (``BytesIO``) and returned as bytes; nothing is written
to a temporary file.

Fonts: ReportLab's built-in Helvetica and Courier. They are not embedded and use
WinAnsi (Latin-1 plus a few extras): the £ sign and most accented Latin names
(Zoë, Siân, José) print, but letters outside Latin-1 (the Ł of Łukasz, Greek,
Cyrillic, Arabic) do not. When records need them, register a TrueType font with
``pdfmetrics.registerFont`` here and use it in :data:`STYLES`: every document
follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, SimpleDocTemplate, Table

PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
METADATA_AUTHOR = "sgdesk"

SANS = "Helvetica"
SANS_BOLD = "Helvetica-Bold"
MONO = "Courier"
MONO_BOLD = "Courier-Bold"

MARGIN = 18 * mm
_TEXT_INSET = MARGIN + 6  # ReportLab's frame pads text by 6 pt: furniture lines up with it
_FURNITURE_GAP = 7 * mm  # between the page edge and the marking lines
_FURNITURE_SIZE = 8.5
_INK = colors.black
_QUIET = colors.HexColor("#444444")
_RULE = colors.HexColor("#999999")
_HEADER_TINT = colors.HexColor("#e4e4e4")
#: The tint of a boxed section (e.g. opinion): light enough to photocopy as white.
BOX_TINT = colors.HexColor("#f1f1f1")
#: Room a heading needs below it; with less, it starts the next page instead.
HEADING_ROOM = 30 * mm


@dataclass(frozen=True)
class PdfStyles:
    """The few paragraph styles sgdesk documents use, so they all look alike."""

    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    label: ParagraphStyle
    mono: ParagraphStyle
    cell: ParagraphStyle


def _build_styles() -> PdfStyles:
    body = ParagraphStyle(
        "sgdesk-body",
        fontName=SANS,
        fontSize=10.5,
        leading=14.5,
        textColor=_INK,
        alignment=TA_LEFT,
        spaceAfter=5,
    )
    return PdfStyles(
        title=ParagraphStyle(
            "sgdesk-title", parent=body, fontName=SANS_BOLD, fontSize=20, leading=24, spaceAfter=10
        ),
        heading=ParagraphStyle(
            "sgdesk-heading",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=13,
            leading=16,
            spaceBefore=10,
            spaceAfter=5,
        ),
        body=body,
        label=ParagraphStyle(
            "sgdesk-label",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=9.5,
            leading=12.5,
            textColor=_QUIET,
            spaceAfter=0,
        ),
        mono=ParagraphStyle("sgdesk-mono", parent=body, fontName=MONO, fontSize=10.5, leading=14),
        cell=ParagraphStyle(
            "sgdesk-cell", parent=body, fontSize=9.5, leading=12, spaceAfter=0
        ),
    )


STYLES = _build_styles()


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of *plain* text: ``&``, ``<`` and ``>`` are escaped, so a school
    called "St Mary & St John" prints as typed instead of breaking the markup."""
    return Paragraph(escape(text), style)


def text_paras(text: str, style: ParagraphStyle) -> list[Paragraph]:
    """What a user typed, as typed: escaped like :func:`para`, a blank line starts a
    new paragraph and a single line break stays a line break. Each paragraph splits
    across pages, so text of any length prints in full."""
    blocks = [b.strip("\n") for b in text.replace("\r\n", "\n").split("\n\n")]
    return [Paragraph(escape(b).replace("\n", "<br/>"), style) for b in blocks if b.strip()]


def heading(text: str, style: ParagraphStyle = STYLES.heading) -> list[Flowable]:
    """A heading that never sits alone at the foot of a page. (``keepWithNext`` would
    carry a long section after it to the next page too, leaving a page half blank.)"""
    return [CondPageBreak(HEADING_ROOM), para(text, style)]


def key_value_table(rows: Sequence[tuple[str, str]], label_width: float = 32 * mm) -> Table:
    """Labels on the left, plain-text values on the right; a long value wraps and
    splits across pages."""
    table = Table(
        [[para(label, STYLES.label), para(value, STYLES.body)] for label, value in rows],
        colWidths=[label_width, None],
        hAlign="LEFT",
        splitInRow=1,
    )
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("TOPPADDING", (0, 0), (0, -1), 2),  # lines the smaller labels up on the baseline
        ]
    )
    return table


#: A cell this long might not fit on one page in a narrow column.
LONG_CELL_CHARACTERS = 1500


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    col_widths: Sequence[float | None],
) -> Table:
    """A ruled table of plain-text cells whose header row repeats on every page;
    long cells wrap and split across pages rather than being clipped."""
    head = [Paragraph(f"<b>{escape(h)}</b>", STYLES.cell) for h in header]
    body = [[para(value, STYLES.cell) for value in row] for row in rows]
    # Splitting inside a row is what lets a very long cell run on over pages, but
    # ReportLab (5.1) then repeats the header above the split row mid-page and
    # leaves gaps; so rows are kept whole unless one could outgrow a page.
    split_rows = any(len(value) > LONG_CELL_CHARACTERS for row in rows for value in row)
    table = Table([head, *body], colWidths=list(col_widths), repeatRows=1,
                  splitInRow=1 if split_rows else 0, hAlign="LEFT")
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), _HEADER_TINT),
            ("GRID", (0, 0), (-1, -1), 0.5, _RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
    )
    return table


def boxed(flowables: Sequence[Flowable], tint: colors.Color = BOX_TINT) -> Table:
    """A bordered, tinted box around ``flowables`` that marks a section apart (such
    as opinion) and still splits across pages, the border drawn on each part."""
    box = Table([[list(flowables)]], colWidths=["100%"], splitInRow=1, spaceBefore=8,
                spaceAfter=6)
    box.setStyle(
        [
            ("BOX", (0, 0), (-1, -1), 1.5, _INK),
            ("BACKGROUND", (0, 0), (-1, -1), tint),
            ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
        ]
    )
    return box


def format_produced_at(moment: datetime) -> str:
    """``23 November 2026 at 14:05``: the way an English school dates a document."""
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M}"


@dataclass(frozen=True)
class DocumentFrame:
    """What the page furniture says.

    ``title`` heads the first page and runs in the header of later pages.
    ``kind`` is the neutral PDF metadata title (e.g. "sgdesk recovery sheet").
    ``produced_at`` defaults to now, in local time.
    """

    title: str
    kind: str
    produced_by: str
    produced_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    landscape: bool = False

    @property
    def page_size(self) -> tuple[float, float]:
        width, height = A4
        return (height, width) if self.landscape else (width, height)

    @property
    def produced_line(self) -> str:
        return f"Produced by {self.produced_by} on {format_produced_at(self.produced_at)}"


def render_pdf(frame: DocumentFrame, flowables: Sequence[Flowable]) -> bytes:
    """Lay out ``flowables`` under the frame's title and return the PDF's bytes."""
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=frame.page_size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN + 6 * mm,
        title=frame.kind,
        author=METADATA_AUTHOR,
        subject=PROTECTIVE_MARKING,
        creator=METADATA_AUTHOR,
    )

    def first_page(canvas: Canvas, _doc: Any) -> None:
        _draw_furniture(canvas, frame, running_title=False)

    def later_pages(canvas: Canvas, _doc: Any) -> None:
        _draw_furniture(canvas, frame, running_title=True)

    story = [para(frame.title, STYLES.title), *flowables]
    doc.build(story, onFirstPage=first_page, onLaterPages=later_pages, canvasmaker=NumberedCanvas)
    return out.getvalue()


def _draw_furniture(canvas: Canvas, frame: DocumentFrame, *, running_title: bool) -> None:
    """Marking top and bottom, the running title and "Produced by" (page numbers are
    drawn later by :class:`NumberedCanvas`, once the page count is known)."""
    width, height = frame.page_size
    canvas.saveState()
    canvas.setFillColor(_INK)
    canvas.setFont(SANS_BOLD, 10)
    canvas.drawCentredString(width / 2, height - _FURNITURE_GAP - 10, PROTECTIVE_MARKING)
    canvas.drawCentredString(width / 2, _FURNITURE_GAP, PROTECTIVE_MARKING)
    canvas.setFont(SANS, _FURNITURE_SIZE)
    canvas.setFillColor(_QUIET)
    if running_title:
        canvas.drawString(_TEXT_INSET, height - _FURNITURE_GAP - 10, frame.title)
    footer_y = _FURNITURE_GAP + 14
    canvas.drawString(_TEXT_INSET, footer_y, frame.produced_line)
    canvas.setStrokeColor(colors.HexColor("#999999"))
    canvas.setLineWidth(0.5)
    canvas.line(_TEXT_INSET, footer_y + 11, width - _TEXT_INSET, footer_y + 11)
    canvas.restoreState()


class NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab is untyped
    """Two-pass canvas for "Page x of y": pages are held back until the document is
    finished, then each gets its number and the total (the ReportLab recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for state in self._held_pages:
            self.__dict__.update(state)
            self._draw_page_number(total)
            super().showPage()
        super().save()

    def _draw_page_number(self, total: int) -> None:
        width = self._pagesize[0]
        self.saveState()
        self.setFont(SANS, _FURNITURE_SIZE)
        self.setFillColor(_QUIET)
        self.drawRightString(
            width - _TEXT_INSET, _FURNITURE_GAP + 14, f"Page {self._pageNumber} of {total}"
        )
        self.restoreState()

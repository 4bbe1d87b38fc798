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
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

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


@dataclass(frozen=True)
class PdfStyles:
    """The few paragraph styles sgdesk documents use, so they all look alike."""

    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    label: ParagraphStyle
    mono: ParagraphStyle


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
    )


STYLES = _build_styles()


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of *plain* text: ``&``, ``<`` and ``>`` are escaped, so a school
    called "St Mary & St John" prints as typed instead of breaking the markup."""
    return Paragraph(escape(text), style)


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

"""A body map printed: the outlines as vector drawings with the numbered marks on
them, and a table of what was seen at each mark.

Mark positions are stored from the viewer's left and from the top of the view;
ReportLab measures up from the bottom, so a mark at ``y`` prints at ``1 - y`` of
the figure's height. The outlines are drawn as the reader sees them on screen, so
on the front views the child's left is on the right of the page and on the back
views on the left; every figure says so under it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from itertools import pairwise

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table
from svglib.svglib import svg2rlg

from sgdesk.models.body_maps import BodyMapContent, BodyView, Mark
from sgdesk.services.body_maps import BodyMapRecord, body_maps_for_concern, get_body_map
from sgdesk.services.concerns import concern_on_file
from sgdesk.services.pdf.layout import (
    SANS_BOLD,
    STYLES,
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
from sgdesk.services.record_dates import moment_text
from sgdesk.services.resources import body_map_svg
from sgdesk.services.session import Session

BODY_MAP_TITLE = "Body map"
BODY_MAP_KIND = "sgdesk body map"

#: Outlines printed side by side; three whole-body views fit across A4 portrait.
FIGURES_PER_ROW = 3
FIGURE_WIDTH = 54 * mm
MARK_RADIUS = 2.4 * mm
MARK_FONT_SIZE = 7.0
_MARK_RING = colors.HexColor("#b3001b")  # prints dark grey in black and white

_CAPTION = ParagraphStyle("sgdesk-body-map-caption", parent=STYLES.cell, alignment=TA_CENTER,
                          fontSize=8.5, leading=10.5)


def body_map_pdf(session: Session, map_id: str) -> bytes:
    """One body map on its own, with the pupil's identifiers. Runs on the worker."""
    record = get_body_map(session, map_id)
    pupil = get_pupil(session, record.current.pupil_id).pupil
    story = [*pupil_identifiers(pupil),
             *body_map_flowables(record, _concern_line(session, record))]
    return render_pdf(record_frame(session, BODY_MAP_TITLE, BODY_MAP_KIND), story)


def concern_body_maps(session: Session, concern_id: str, pupil_id: str) -> list[Flowable]:
    """The body maps of one pupil made for a concern, for the printed concern (a
    concern about several children prints only this pupil's maps)."""
    maps = [m for m in body_maps_for_concern(session, concern_id)
            if m.current.pupil_id == pupil_id]
    if not maps:
        return []
    story = heading(f"Body maps ({len(maps)})")
    story.append(para("Made for this concern, oldest first.", STYLES.body))
    for record in maps:
        story += body_map_flowables(record, "This concern")
    return story


def body_map_flowables(record: BodyMapRecord, concern_line: str) -> list[Flowable]:
    """One map: who completed it, the outlines with their marks, the marks' details,
    and any amendments. ``concern_line`` says which concern it was made for."""
    content = record.current
    amended = len(record.versions) > 1
    story = heading(f"Body map completed {moment_text(content.completed_at)}")
    story.append(key_value_table([
        ("Completed by", f"{content.completed_by_name} ({content.completed_by_role})"),
        ("Completed at", moment_text(content.completed_at)),
        ("Concern", concern_line),
        ("Version", f"{record.version}: amended, see Amendments" if amended
         else f"{record.version}: not amended"),
    ], LABEL_WIDTH))
    if content.notes.strip():
        story += [para("Notes", STYLES.label), *text_paras(content.notes, STYLES.body)]
    story.append(_figures(content.marks))
    story += heading(f"Marks ({len(content.marks)})")
    story.append(_mark_table(content.marks))
    story += heading("What was said about each mark")
    story.append(_explanation_table(content.marks))
    if amended:
        story += _amendments(record)
    return story


def _concern_line(session: Session, record: BodyMapRecord) -> str:
    concern_id = record.current.concern_id
    if concern_id is None:
        return "None: a body map on its own"
    on_file = concern_on_file(session, concern_id, record.current.pupil_id)
    happened = on_file.current.on_file.content.happened_at
    return f"The concern of {moment_text(happened)} (printed separately)"


# -- the outlines -----------------------------------------------------------------------
@cache
def outline_drawing(view: BodyView) -> Drawing:
    """The view's SVG as a ReportLab drawing, parsed once (drawing it does not change it)."""
    drawing = svg2rlg(io.BytesIO(body_map_svg(view)))
    if drawing is None:
        raise ValueError(f"the {view.value} outline could not be read")
    return drawing


class OutlineFigure(Flowable):  # type: ignore[misc]  # ReportLab is untyped
    """A view's outline scaled to ``width``, with each mark's number in a ring
    centred where the mark was placed."""

    def __init__(self, view: BodyView, marks: Sequence[tuple[int, Mark]],
                 width: float = FIGURE_WIDTH) -> None:
        super().__init__()
        self.view = view
        self.marks = tuple(marks)
        outline = outline_drawing(view)
        self.scale = width / outline.width
        self.width = width
        self.height = outline.height * self.scale

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.scale(self.scale, self.scale)
        renderPDF.draw(outline_drawing(self.view), canvas, 0, 0)
        canvas.restoreState()
        canvas.saveState()
        canvas.setLineWidth(1)
        canvas.setFont(SANS_BOLD, MARK_FONT_SIZE)
        for number, mark in self.marks:
            x, y = mark.x * self.width, (1 - mark.y) * self.height
            canvas.setStrokeColor(_MARK_RING)
            canvas.setFillColor(colors.white)
            canvas.circle(x, y, MARK_RADIUS, stroke=1, fill=1)
            canvas.setFillColor(colors.black)
            canvas.drawCentredString(x, y - MARK_FONT_SIZE * 0.35, str(number))
        canvas.restoreState()


def _figures(marks: Sequence[Mark]) -> Table:
    """Every view that has marks, in the usual order, with its caption under it."""
    cells: list[list[Flowable] | str] = []
    for view in BodyView:
        numbered = [(n, m) for n, m in enumerate(marks, start=1) if m.view is view]
        if numbered:
            cells.append([OutlineFigure(view, numbered),
                          para(f"{view.label} — {view.viewer_note}", _CAPTION)])
    rows = [cells[i:i + FIGURES_PER_ROW] for i in range(0, len(cells), FIGURES_PER_ROW)]
    rows[-1] += [""] * (FIGURES_PER_ROW - len(rows[-1]))
    table = Table(rows, colWidths=[FIGURE_WIDTH + 3 * mm] * FIGURES_PER_ROW, hAlign="CENTER",
                  spaceBefore=4 * mm, spaceAfter=2 * mm)
    table.setStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 1.5 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
    ])
    return table


# -- the tables -------------------------------------------------------------------------
def _size(mark: Mark) -> str:
    return f"{mark.width_cm:g} × {mark.height_cm:g}"


def _skin(mark: Mark) -> str:
    """"Yes / No / No": broken skin, swelling, bleeding, in the column's order."""
    return " / ".join("Yes" if seen else "No"
                      for seen in (mark.broken_skin, mark.swelling, mark.bleeding))


def _mark_table(marks: Sequence[Mark]) -> Table:
    return data_table(
        ["No.", "View", "Site", "Type", "Size, cm (w × h)", "Shape", "Colours",
         "Broken skin / swelling / bleeding", "Seen at"],
        [[str(n), m.view.label, m.site, m.mark_type.label, _size(m), m.shape or "—",
          ", ".join(m.colours) or "—", _skin(m), moment_text(m.seen_at)]
         for n, m in enumerate(marks, start=1)],
        [10 * mm, 16 * mm, 29 * mm, 16 * mm, 16 * mm, 15 * mm, 17 * mm, 25 * mm, 24 * mm],
    )


def _explanation_table(marks: Sequence[Mark]) -> Table:
    return data_table(
        ["No.", "The child's explanation, in their words", "An adult's explanation",
         "Given by"],
        [[str(n), m.child_explanation or "None given", m.adult_explanation or "None given",
          m.adult_explainer or "—"] for n, m in enumerate(marks, start=1)],
        [10 * mm, None, 55 * mm, 30 * mm],
    )


def _amendments(record: BodyMapRecord) -> list[Flowable]:
    """Every version with who, when, why and what changed; the outlines and tables
    above show the current version."""
    rows = [[str(v.number), v.saved_by, moment_text(v.saved_at), v.reason or "Original record",
             "First version"] for v in record.versions[:1]]
    rows += [[str(after.number), after.saved_by, moment_text(after.saved_at), after.reason,
              "; ".join(changes(before.content, after.content)) or "No change"]
             for before, after in pairwise(record.versions)]
    return [
        *heading("Amendments"),
        para("A saved body map is never overwritten: each correction is a new version and "
             "every earlier version is kept. The outlines and tables above show the "
             "current version.", STYLES.body),
        data_table(["Version", "Saved by", "Saved at", "Reason", "What changed"], rows,
                   [16 * mm, 30 * mm, 27 * mm, None, 60 * mm]),
    ]


_MAP_FIELDS = {"completed_by_name": "completed by", "completed_by_role": "their role",
               "completed_at": "completed at", "concern_id": "the concern it is for",
               "notes": "notes"}
_MARK_FIELDS = {"view": "view", "site": "site", "mark_type": "type", "width_cm": "size",
                "height_cm": "size", "seen_at": "seen at", "shape": "shape",
                "colours": "colours", "broken_skin": "broken skin", "swelling": "swelling",
                "bleeding": "bleeding", "child_explanation": "the child's explanation",
                "adult_explanation": "the adult's explanation",
                "adult_explainer": "who gave the adult's explanation"}


def changes(before: BodyMapContent, after: BodyMapContent) -> list[str]:
    """What an amendment changed, in words: "Mark 2: position, site", "Mark 4 added"."""
    found = [f"Map: {label}" for name, label in _MAP_FIELDS.items()
             if getattr(before, name) != getattr(after, name)]
    for number, (old, new) in enumerate(zip(before.marks, after.marks, strict=False), start=1):
        labels = ["position"] if (old.x, old.y) != (new.x, new.y) else []
        labels += dict.fromkeys(label for name, label in _MARK_FIELDS.items()
                                if getattr(old, name) != getattr(new, name))
        if labels:
            found.append(f"Mark {number}: {', '.join(labels)}")
    found += [f"Mark {n} added" for n in range(len(before.marks) + 1, len(after.marks) + 1)]
    found += [f"Mark {n} removed" for n in range(len(after.marks) + 1, len(before.marks) + 1)]
    return found

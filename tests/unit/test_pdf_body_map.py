"""A printed body map read back with pypdf: the marks' numbers sit where the marks
were placed (the child's left on the right of the front outline and on the left of
the back one), the mark table lists every mark in order, long maps split across
pages, and a printed concern carries its pupil's body maps."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from sgdesk.models.body_maps import BodyView, Mark, MarkType
from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.services import concerns
from sgdesk.services.body_maps import add_body_map, amend_body_map
from sgdesk.services.pdf.body_map_report import (
    BODY_MAP_KIND,
    FIGURE_WIDTH,
    MARK_FONT_SIZE,
    body_map_pdf,
)
from sgdesk.services.pdf.concern_report import concern_pdf
from sgdesk.services.pdf.layout import PROTECTIVE_MARKING, SANS_BOLD
from sgdesk.services.session import Session
from tests.body_map_helpers import SITES, map_of, mark_at
from tests.helpers import WHEN, add_pupil, concern_content, log_about, make_store


@pytest.fixture
def session(store_path: Path) -> Session:
    return make_store(store_path)[0]


@dataclass(frozen=True)
class PrintedNumber:
    """A mark's number as printed on the outline: its centre in PDF points."""

    page: int
    x: float
    y: float


def printed_numbers(data: bytes) -> dict[int, PrintedNumber]:
    """Every number drawn in the marks' font and size (table cells use another size)."""
    found: dict[int, PrintedNumber] = {}
    for page_number, page in enumerate(PdfReader(BytesIO(data)).pages, start=1):
        def visit(text: str, cm: list[float], tm: list[float], font: object,
                  size: float, page_number: int = page_number) -> None:
            text = text.strip()
            if not (text.isdigit() and size == MARK_FONT_SIZE):
                return
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            half = stringWidth(text, SANS_BOLD, MARK_FONT_SIZE) / 2
            found[int(text)] = PrintedNumber(page_number, x + half, y)
        page.extract_text(visitor_text=visit)
    return found


def page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]


def test_the_childs_left_prints_on_the_left_of_each_outline(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    front, back = BodyView.FRONT, BodyView.BACK
    marks = (mark_at(front, "neck, front"), mark_at(front, "left forearm, inner"),
             mark_at(front, "right forearm, inner"), mark_at(back, "neck, back"),
             mark_at(back, "left forearm, outer"), mark_at(back, "right forearm, outer"))
    at = printed_numbers(body_map_pdf(session, add_body_map(session, map_of(amy.id, *marks))))
    assert sorted(at) == [1, 2, 3, 4, 5, 6]

    # front: facing the reader, so the child's left is right of the mid-line
    assert at[2].x > at[1].x > at[3].x
    # back: from behind, so the child's left is left of the mid-line
    assert at[5].x < at[4].x < at[6].x
    # and exactly where placed: x across, y flipped (ReportLab's y goes up)
    figure_height = FIGURE_WIDTH * 2  # whole-body outlines are 400 x 800
    for middle, side in ((1, 2), (1, 3), (4, 5), (4, 6)):
        placed, centre = marks[side - 1], marks[middle - 1]
        assert at[side].x - at[middle].x == pytest.approx(
            (placed.x - centre.x) * FIGURE_WIDTH, abs=0.5)
        assert at[middle].y - at[side].y == pytest.approx(
            (placed.y - centre.y) * figure_height, abs=0.5)


def test_the_mark_table_lists_every_mark_in_order_with_its_site(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    marks = tuple(mark_at(view, site, child_explanation=f"Words for mark {n}")
                  for n, (view, site) in enumerate(SITES, start=1))
    data = body_map_pdf(session, add_body_map(session, map_of(amy.id, *marks)))
    text = "\n".join(page_texts(data))

    table = text[text.index("Marks (10)"):text.index("What was said about each mark")]
    rows = [table.index(f"{n} {m.view.label} {m.site}") for n, m in enumerate(marks, start=1)]
    assert rows == sorted(rows)
    said = text[text.index("What was said about each mark"):]
    spoken = [said.index(f"{n} Words for mark {n}") for n in range(1, 11)]
    assert spoken == sorted(spoken)
    assert text.count(PROTECTIVE_MARKING) == 2 * len(page_texts(data))


def test_forty_marks_print_in_full_with_the_table_split_across_pages(
        session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    marks = tuple(
        Mark(BodyView.FRONT if n % 2 else BodyView.BACK, 0.2 + 0.6 * (n % 5) / 4,
             0.1 + 0.8 * (n // 5) / 8, f"site number {n:02d}", MarkType.BRUISE, 1.0, 1.0,
             WHEN - timedelta(hours=2), colours=("yellow", "green"))
        for n in range(1, 41))
    data = body_map_pdf(session, add_body_map(session, map_of(amy.id, *marks)))
    pages = page_texts(data)
    text = "\n".join(pages)

    assert [text.find(f"site number {n:02d}") for n in range(1, 41)] == sorted(
        text.find(f"site number {n:02d}") for n in range(1, 41))
    assert -1 not in [text.find(f"site number {n:02d}") for n in range(1, 41)]
    header_pages = [p for p in pages if "Broken skin / swelling / bleeding" in p]
    assert len(header_pages) >= 2  # the table split, its header repeated
    numbers = printed_numbers(data)
    assert sorted(numbers) == list(range(1, 41))
    width, height = (float(v) for v in PdfReader(BytesIO(data)).pages[0].mediabox[2:])
    assert all(0 < n.x < width and 0 < n.y < height for n in numbers.values())


def test_an_amended_map_prints_what_changed(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    content = map_of(amy.id)
    map_id = add_body_map(session, content)
    amend_body_map(session, map_id, replace(content, marks=(
        replace(content.marks[0], site="left wrist"), mark_at(BodyView.BACK, "right calf"))),
        "Site corrected after a second look", 1)
    text = "\n".join(page_texts(body_map_pdf(session, map_id)))
    assert "2: amended, see Amendments" in text
    assert "Site corrected after a second look" in text
    assert "Mark 1: site" in text and "Mark 2 added" in text


def test_the_pdf_metadata_names_no_child(session: Session) -> None:
    amy = add_pupil(session, "Zephyrine", "Quillborough")
    data = body_map_pdf(session, add_body_map(session, map_of(amy.id)))
    metadata = PdfReader(BytesIO(data)).metadata
    assert metadata is not None and metadata.title == BODY_MAP_KIND
    assert "Quillborough" not in " ".join(str(v) for v in metadata.values())
    assert "Quillborough" in page_texts(data)[0]


def test_a_printed_concern_carries_this_pupils_body_maps_only(session: Session) -> None:
    amy, ben = add_pupil(session, "Amy", "Example"), add_pupil(session, "Ben", "Example")
    both = concerns.log_concern(session, concern_content(
        InvolvedChild(amy.id, ChildRole.SUBJECT), InvolvedChild(ben.id, ChildRole.WITNESS)))
    add_body_map(session, map_of(amy.id, mark_at(BodyView.HEAD_FRONT, "left cheek"),
                                 concern_id=both))
    add_body_map(session, map_of(ben.id, mark_at(BodyView.BACK, "right calf"),
                                 concern_id=both))
    elsewhere = log_about(session, amy)

    amys = "\n".join(page_texts(concern_pdf(session, both, amy.id)))
    assert "Body maps (1)" in amys and "left cheek" in amys
    assert "right calf" not in amys
    assert "This concern" in amys
    bens = "\n".join(page_texts(concern_pdf(session, both, ben.id)))
    assert "right calf" in bens and "left cheek" not in bens
    assert "Body map" not in "\n".join(page_texts(concern_pdf(session, elsewhere, amy.id)))

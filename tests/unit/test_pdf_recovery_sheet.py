"""The recovery sheet: one marked A4 page carrying the key exactly as given; and the
shared page frame it is built on."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from pypdf import PdfReader

from sgdesk.services.pdf.layout import PROTECTIVE_MARKING, STYLES, DocumentFrame, para, render_pdf
from sgdesk.services.pdf.recovery_sheet import render_recovery_sheet
from sgdesk.services.store_creation import new_recovery_key

SCHOOL = "St Mary & St John's C of E Primary"


def _sheet() -> tuple[PdfReader, str]:
    _, key = new_recovery_key()
    data = render_recovery_sheet(SCHOOL, "records.sgdesk", key, "Siân Okafor")
    return PdfReader(BytesIO(data)), key


def test_sheet_is_one_marked_page_with_the_key_and_school() -> None:
    reader, key = _sheet()
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    # The key is printed over several lines, each ending in its group's dash.
    assert key in text.replace("\n", "")
    assert SCHOOL in text
    assert "records.sgdesk" in text
    assert "Siân Okafor" in text
    assert text.count(PROTECTIVE_MARKING) == 2  # top and bottom
    assert "Page 1 of 1" in text
    assert "sgdesk passwd records.sgdesk --recovery" in text


def test_sheet_is_a4_portrait() -> None:
    reader, _ = _sheet()
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_metadata_names_the_kind_of_document_not_the_school() -> None:
    reader, _ = _sheet()
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "sgdesk recovery sheet"
    assert meta.author == "sgdesk"
    assert not any("Mary" in str(value) for value in meta.values())


# -- the shared page frame, which every later document uses -----------------------------
def test_frame_numbers_and_marks_every_page_of_a_long_landscape_document() -> None:
    frame = DocumentFrame(
        title="Chronology",
        kind="sgdesk chronology",
        produced_by="Jo Bloggs",
        produced_at=datetime(2026, 11, 23, 9, 5),
        landscape=True,
    )
    story = [para(f"Entry {n}: Zoë's £5 dinner money & lunch", STYLES.body) for n in range(150)]
    reader = PdfReader(BytesIO(render_pdf(frame, story)))
    total = len(reader.pages)
    assert total >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
        text = page.extract_text()
        assert f"Page {number} of {total}" in text
        assert text.count(PROTECTIVE_MARKING) == 2
        assert "Produced by Jo Bloggs on 23 November 2026 at 09:05" in text
    assert "Zoë's £5 dinner money & lunch" in reader.pages[0].extract_text()
    assert "Chronology" in reader.pages[1].extract_text()  # the running title

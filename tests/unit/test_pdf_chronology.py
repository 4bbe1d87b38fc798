"""A printed chronology read back with pypdf: every entry of a long chronology is
there in date order, nothing cut off, the header row and the page furniture on
every page, what was filtered out said at the top, landscape, and a family's
printed chronology names each line's child."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from sgdesk.models.chronology import ChronologyEvent, ChronologyFilter, EventKind
from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.pupils import Pupil
from sgdesk.services import concerns, pupils
from sgdesk.services.chronology import add_event, family_chronology, pupil_chronology
from sgdesk.services.pdf.chronology_report import (
    CHRONOLOGY_KIND,
    FAMILY_HEADER,
    HEADER,
    chronology_pdf,
    family_chronology_pdf,
)
from sgdesk.services.pdf.layout import PROTECTIVE_MARKING
from sgdesk.services.session import Session
from tests.helpers import WHEN, add_pupil, concern_content, make_store

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
ENTRIES = 300
TOKEN = re.compile(r"\bT\d{4}Z\b")
#: Words a long entry is made of: ordinary text that wraps at spaces.
FILLER = ("The child's mother rang the office to say the family had moved in with her "
          "partner's sister after the landlord's notice ran out. ")


@pytest.fixture
def session(store_path: Path) -> Session:
    made = make_store(store_path)[0]
    made.db.clock = lambda: NOW
    return made


def token(number: int) -> str:
    return f"T{number:04d}Z"


def long_chronology(session: Session, pupil: Pupil) -> None:
    """300 entries in all: hand-recorded events on shuffled days (some on the same
    day, some timed, one very long, some short) and three concerns."""
    rng = random.Random(6)
    kinds = list(EventKind)
    for number in range(ENTRIES - 3):
        day = date(2019, 9, 1) + timedelta(days=rng.randrange(0, 2500))
        words = FILLER * (40 if number == 150 else rng.choice((0, 1, 3)))
        at = time(rng.randrange(8, 17), rng.choice((0, 15, 30))) if number % 3 else None
        add_event(session, ChronologyEvent.of_kind(
            rng.choice(kinds), day, f"{token(number)} {words}", pupil_id=pupil.id,
            happened_at_time=at, source="Phone call from mother" if number % 2 else "",
            outcome=FILLER * rng.choice((0, 1, 2))))
    for number in range(ENTRIES - 3, ENTRIES):
        content = concern_content(InvolvedChild(pupil.id, ChildRole.SUBJECT),
                                  facts=f"{token(number)} came to school hungry")
        concerns.log_concern(session, replace(
            content, happened_at=WHEN - timedelta(days=30 * number - 8000)))


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def tokens_in(text: str) -> list[str]:
    return TOKEN.findall(text)


def test_every_entry_prints_once_in_date_order_with_the_header_on_every_page(
        session: Session) -> None:
    pupil = add_pupil(session, "Amy", "Example", upn="A123456789012")
    long_chronology(session, pupil)
    entries = pupil_chronology(session, pupil.id)
    assert len(entries) == ENTRIES

    data = chronology_pdf(session, pupil.id, ChronologyFilter())
    pages = pages_text(data)
    printed = tokens_in("\n".join(pages))
    expected = [t for e in entries for t in tokens_in(e.event)]
    assert printed == expected  # every entry, once each, oldest first
    assert len(pages) > 10
    for number, text in enumerate(pages, start=1):
        flat = " ".join(text.split())
        assert " ".join(HEADER) in flat  # the header row repeats on each page
        assert flat.count(PROTECTIVE_MARKING) == 2
        assert f"Page {number} of {len(pages)}" in flat
        assert "Produced by Jo Bloggs (Designated Safeguarding Lead)" in flat
    first = " ".join(pages[0].split())
    assert "Amy Example" in first and "A123456789012" in first
    assert f"All {ENTRIES} on file" in first
    # The very long entry is printed in full across pages, not cut at a page foot.
    whole = " ".join(" ".join(pages).split())
    assert whole.count("notice ran out.") == sum(
        (e.event + e.outcome).count("notice ran out.") for e in entries)


def test_the_pdf_is_landscape_with_neutral_metadata(session: Session) -> None:
    pupil = add_pupil(session, "Amy", "Example")
    add_event(session, ChronologyEvent.of_kind(EventKind.ADDRESS_CHANGE, date(2026, 3, 2),
                                               "Moved to a refuge", pupil_id=pupil.id))
    reader = PdfReader(BytesIO(chronology_pdf(session, pupil.id, ChronologyFilter())))
    box = reader.pages[0].mediabox
    assert box.width > box.height
    assert reader.metadata is not None and reader.metadata.title == CHRONOLOGY_KIND
    assert "Amy" not in str(dict(reader.metadata))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "02/03/2026 Change of address: Moved to a refuge" in text
    assert "Yes" in text


def test_the_filters_applied_are_stated_and_only_matching_entries_print(
        session: Session) -> None:
    pupil = add_pupil(session, "Amy", "Example")
    for number, (day, kind) in enumerate([(date(2025, 8, 31), EventKind.EXCLUSION),
                                          (date(2025, 10, 1), EventKind.SUSPENSION),
                                          (date(2025, 11, 1), EventKind.OTHER),
                                          (date(2026, 9, 1), EventKind.SUSPENSION)]):
        add_event(session, ChronologyEvent.of_kind(kind, day, token(number),
                                                   pupil_id=pupil.id))
    concerns.log_concern(session, concern_content(InvolvedChild(pupil.id, ChildRole.SUBJECT),
                                                  facts=f"{token(9)} hungry again"))
    chosen = ChronologyFilter(significant_only=True, start=date(2025, 9, 1),
                              end=date(2026, 11, 10))
    text = " ".join(" ".join(pages_text(chronology_pdf(session, pupil.id, chosen))).split())
    assert "Showing Significant entries only; From 01/09/2025 to 10/11/2026" in text
    assert "3 of 5 on file" in text
    # Out: the exclusion before the start, and the 'Other' event (not significant).
    assert tokens_in(text) == [token(1), token(3), token(9)]

    neglect = ChronologyFilter(categories=frozenset({"Neglect"}),
                               sources=frozenset({"concern"}))
    text = " ".join(" ".join(pages_text(chronology_pdf(session, pupil.id, neglect))).split())
    assert "Categories: Neglect; Sources: Concerns" in text
    assert tokens_in(text) == [token(9)]

    nothing = ChronologyFilter(start=date(2026, 11, 3))
    text = " ".join(pages_text(chronology_pdf(session, pupil.id, nothing))[0].split())
    assert "No entries match what was chosen." in text
    assert "Outcome / action" not in text


def test_a_family_chronology_lists_the_children_and_names_each_lines_child(
        session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example", date_of_birth=date(2013, 4, 1))
    ben = add_pupil(session, "Ben", "Example", date_of_birth=date(2016, 6, 1))
    cal = add_pupil(session, "Cal", "Example", date_of_birth=date(2019, 2, 1))
    family_id = pupils.link_family(session, [amy.id, ben.id, cal.id], "Example family")
    add_event(session, ChronologyEvent.of_kind(EventKind.MISSING_EPISODE, date(2026, 1, 5),
                                               token(1), pupil_id=amy.id))
    add_event(session, ChronologyEvent.of_kind(EventKind.MOVE_OF_SCHOOL, date(2026, 2, 5),
                                               token(2), pupil_id=ben.id))
    add_event(session, ChronologyEvent.of_kind(EventKind.HOUSEHOLD_CHANGE, date(2026, 3, 5),
                                               token(3), family_id=family_id))
    concerns.log_concern(session, concern_content(
        InvolvedChild(amy.id, ChildRole.ALLEGED_PERPETRATOR),
        InvolvedChild(ben.id, ChildRole.VICTIM), facts=f"{token(4)} pushed at the gate"))

    entries = family_chronology(session, family_id)
    pages = pages_text(family_chronology_pdf(session, family_id, ChronologyFilter()))
    text = " ".join(" ".join(pages).split())
    assert " ".join(FAMILY_HEADER) in text
    assert "Children in this family" in text
    for child in (amy, ben, cal):  # Cal has no entries and is listed all the same
        assert child.display_name in text
    assert "Whole family" in text
    assert tokens_in(text) == [t for e in entries for t in tokens_in(e.event)]
    # Each line carries its child's name just before the event.
    assert "Amy Example Missing episode: T0001Z" in text
    assert "Ben Example Move of school: T0002Z" in text
    assert "Whole family Change in household: T0003Z" in text
    # The concern is two lines, each from that child's own file: Amy's line says her
    # role and never Ben's; Ben's says his and never Amy's.
    amy_line = text[text.index("Amy Example Concern"):text.index("Ben Example Concern")]
    ben_line = text[text.index("Ben Example Concern"):]
    assert "alleged perpetrator" in amy_line and "victim" not in amy_line
    assert "victim" in ben_line and "perpetrator" not in ben_line

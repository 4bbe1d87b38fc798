"""A chronology printed the way social workers, the police and courts expect one:
a landscape table, oldest first, with the date (and time where known), the event,
where it came from, the outcome or action taken, and whether it is significant.

The reader must be able to trust what is *not* on the page too, so the top says
exactly what was left out (significant only, dates, categories, sources) and how
many entries that kept. The header row repeats on every page and long entries wrap
and split across pages rather than being cut. A family chronology adds a column
naming the child; each child's lines are built from that child's own file, so no
child's line says another child's role (see :mod:`sgdesk.services.chronology`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from sgdesk.models.chronology import ChronologyEntry, ChronologyFilter
from sgdesk.models.pupils import Pupil
from sgdesk.services.chronology import describe_filter, family_chronology, pupil_chronology
from sgdesk.services.pdf.layout import (
    STYLES,
    data_table,
    heading,
    key_value_table,
    para,
    render_pdf,
)
from sgdesk.services.pdf.record_parts import LABEL_WIDTH, pupil_identifiers, record_frame
from sgdesk.services.pupils import family_members, get_pupil
from sgdesk.services.record_dates import day_text
from sgdesk.services.session import Session

CHRONOLOGY_TITLE = "Chronology"
FAMILY_TITLE = "Family chronology"
CHRONOLOGY_KIND = "sgdesk chronology"
FAMILY_KIND = "sgdesk family chronology"

HEADER = ("Date", "Event", "Source", "Outcome / action", "Significant")
FAMILY_HEADER = ("Date", "Child", "Event", "Source", "Outcome / action", "Significant")
#: Column widths fill the landscape A4 frame (about 256 mm); the event and the
#: outcome, which carry the most words, take what the others leave.
_WIDTHS = (24 * mm, 94 * mm, 42 * mm, 73 * mm, 23 * mm)
_FAMILY_WIDTHS = (24 * mm, 30 * mm, 80 * mm, 36 * mm, 63 * mm, 23 * mm)
ORDER_NOTE = ("Oldest first. On the same day, entries whose time is not known come "
              "first, then timed entries by time.")
NO_ENTRIES = "No entries match what was chosen."


def chronology_pdf(session: Session, pupil_id: str, chosen: ChronologyFilter) -> bytes:
    """One pupil's chronology, narrowed by ``chosen``. Runs on the worker."""
    pupil = get_pupil(session, pupil_id).pupil
    every = pupil_chronology(session, pupil_id)
    story = [*pupil_identifiers(pupil),
             *_chronology_section(every, chosen, HEADER, _WIDTHS, _pupil_row)]
    frame = record_frame(session, f"{CHRONOLOGY_TITLE}: {pupil.display_name}",
                         CHRONOLOGY_KIND, landscape=True)
    return render_pdf(frame, story)


def family_chronology_pdf(session: Session, family_id: str, chosen: ChronologyFilter) -> bytes:
    """A family's chronology: the linked siblings' entries merged with the family's
    own events, each line naming its child. Runs on the worker."""
    children = family_members(session, family_id)
    every = family_chronology(session, family_id)
    story = [*_children_section(children),
             *_chronology_section(every, chosen, FAMILY_HEADER, _FAMILY_WIDTHS, _family_row)]
    names = ", ".join(child.display_name for child in children)
    frame = record_frame(session, f"{FAMILY_TITLE}: {names}", FAMILY_KIND, landscape=True)
    return render_pdf(frame, story)


def when_cell(entry: ChronologyEntry) -> str:
    """``02/11/2026 10:05``, or the day alone when the time is not known."""
    day = day_text(entry.happened_on)
    return f"{day} {entry.happened_at_time:%H:%M}" if entry.happened_at_time else day


def _pupil_row(entry: ChronologyEntry) -> tuple[str, ...]:
    return (when_cell(entry), entry.event, entry.source, entry.outcome,
            "Yes" if entry.significant else "No")


def _family_row(entry: ChronologyEntry) -> tuple[str, ...]:
    date_cell, *rest = _pupil_row(entry)
    return (date_cell, entry.child_name, *rest)


def _chronology_section(every: list[ChronologyEntry], chosen: ChronologyFilter,
                        header: Sequence[str], widths: Sequence[float],
                        row: Callable[[ChronologyEntry], tuple[str, ...]]) -> list[Flowable]:
    """What was chosen, then the table of the entries kept (already in date order)."""
    kept = chosen.apply(every)
    story = heading("What this chronology shows")
    story.append(key_value_table([
        ("Showing", describe_filter(chosen)),
        ("Entries", f"{len(kept)} of {len(every)} on file" if len(kept) != len(every)
         else f"All {len(every)} on file"),
        ("Order", ORDER_NOTE),
    ], LABEL_WIDTH))
    story += heading("Chronology")
    if not kept:
        story.append(para(NO_ENTRIES, STYLES.body))
        return story
    story.append(data_table(header, [row(entry) for entry in kept], widths))
    return story


def _children_section(children: list[Pupil]) -> list[Flowable]:
    """The children in the family, with enough to be sure who each is."""
    rows = [(child.display_name,
             day_text(child.date_of_birth) if child.date_of_birth else
             f"Expected {day_text(child.expected_date_of_birth)}"
             if child.expected_date_of_birth else "Not recorded",
             child.upn or "Not recorded",
             " / ".join(p for p in (child.year_group, child.form) if p) or "Not recorded",
             f"Left {day_text(child.date_left)}" if child.date_left else "On roll")
            for child in children]
    return [*heading("Children in this family"),
            data_table(("Name", "Date of birth", "UPN", "Year / form", "At this school"),
                       rows, (80 * mm, 40 * mm, 48 * mm, 44 * mm, 44 * mm))]

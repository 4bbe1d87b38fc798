"""Parts every printed record about a pupil shares: the frame naming who produced
it, the pupil's identifiers, and how dates and times are written, so a concern and
a body map printed on the same day read alike."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from sgdesk.models.pupils import Pupil
from sgdesk.services.pdf.layout import DocumentFrame, heading, key_value_table
from sgdesk.services.record_dates import day_text
from sgdesk.services.session import Session

LABEL_WIDTH = 42 * mm


def record_frame(session: Session, title: str, kind: str, *,
                 landscape: bool = False) -> DocumentFrame:
    """The page frame, produced by the signed-in user at the store clock's time."""
    user = session.user
    return DocumentFrame(
        title=title,
        kind=kind,
        produced_by=f"{user.display_name} ({user.role.label})",
        produced_at=session.db.clock().astimezone(),
        landscape=landscape,
    )


def pupil_identifiers(pupil: Pupil) -> list[Flowable]:
    """The "Pupil" section: enough to be sure whose record this is."""
    if pupil.date_of_birth:
        born = day_text(pupil.date_of_birth)
    elif pupil.expected_date_of_birth:
        born = f"Expected {day_text(pupil.expected_date_of_birth)}"
    else:
        born = "Not recorded"
    send = pupil.send_status.label
    if pupil.send_since:
        send += f" since {day_text(pupil.send_since)}"
    rows = [
        ("Legal name", pupil.legal_name),
        ("Preferred name", pupil.preferred_name or "None given"),
        ("Date of birth", born),
        ("UPN", pupil.upn or "Not recorded"),
        ("Year / form", " / ".join(p for p in (pupil.year_group, pupil.form) if p)
         or "Not recorded"),
        ("SEND status", send),
    ]
    if pupil.date_left:
        rows.append(("Left the school", f"{day_text(pupil.date_left)}"
                     + (f", for {pupil.destination_school}" if pupil.destination_school else "")))
    return [*heading("Pupil"), key_value_table(rows, LABEL_WIDTH)]

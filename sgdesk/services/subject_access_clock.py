"""Who deals with subject access requests, and their clocks.

Kept apart from the rest of subject access work (:mod:`.subject_access`) so the
home view can list open requests without importing the redaction and PDF
machinery a disclosure needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sgdesk.models.errors import PermissionDenied
from sgdesk.models.subject_access import SubjectAccessRequest
from sgdesk.models.users import Role
from sgdesk.services.record_dates import day_text
from sgdesk.services.session import Session
from sgdesk.storage import codec
from sgdesk.storage.pupils_repo import PupilRepository

SAR_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL})


def require_sar_role(session: Session) -> None:
    if session.user.role not in SAR_ROLES:
        raise PermissionDenied("Only the DSL or a deputy DSL can deal with subject access "
                               "requests.")


@dataclass(frozen=True)
class OpenRequest:
    """An open request, for the home view: whose, from whom, and its clock."""

    id: str
    pupil_id: str
    pupil_name: str
    requester_name: str
    received_on: date
    due_on: date
    overdue: bool
    extended: bool

    @property
    def line(self) -> str:
        """``Amy Example — subject access request from Kim Example: respond by
        02/12/2026`` (or ``OVERDUE, was due …``): in words, not colour."""
        when = (f"OVERDUE, was due {day_text(self.due_on)}" if self.overdue
                else f"respond by {day_text(self.due_on)}")
        extended = " (extended)" if self.extended else ""
        return (f"{self.pupil_name} — subject access request from {self.requester_name}: "
                f"{when}{extended}")


def clock_words(request: SubjectAccessRequest, today: date) -> str:
    """The clock in words: ``Due 02/12/2026 (5 days left)``, ``Due today``,
    ``OVERDUE: was due 02/12/2026 (3 days ago)`` or ``Disclosed 30/11/2026``."""
    if request.disclosure is not None:
        return f"Disclosed {day_text(request.disclosure.disclosed_on)}"
    due = request.due_on
    days = (due - today).days
    if days < 0:
        return f"OVERDUE: was due {day_text(due)} ({-days} day{'s' if days < -1 else ''} ago)"
    if days == 0:
        return f"Due today ({day_text(due)})"
    return f"Due {day_text(due)} ({days} day{'s' if days > 1 else ''} left)"


def open_requests(session: Session, today: date) -> list[OpenRequest]:
    """Open requests, the earliest due first, for the home view; empty for anyone but
    the DSL and deputies. Reads the indexed open requests only."""
    if session.user.role not in SAR_ROLES:
        return []
    rows = session.db.query("SELECT id, pupil_id, body FROM subject_access_requests "
                            "WHERE closed_on IS NULL ORDER BY due_on, received_on")
    names = pupil_names(session, [str(r["pupil_id"]) for r in rows])
    found = []
    for row in rows:
        sar = codec.loads(SubjectAccessRequest, row["body"])
        details = sar.details
        found.append(OpenRequest(row["id"], row["pupil_id"],
                                 names.get(row["pupil_id"], "a pupil"), details.requester_name,
                                 details.received_on, sar.due_on, today > sar.due_on,
                                 details.extended))
    return found


def pupil_names(session: Session, ids: list[str]) -> dict[str, str]:
    """Display names of the pupils the requests are about, in one query."""
    return {p.id: p.display_name
            for p in PupilRepository(session.db).get_many(sorted(set(ids))).values()}

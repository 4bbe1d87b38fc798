"""The DSL's private supervision log: notes of supervision sessions and the DSL's
own reflections.

Lead practitioners should have supervision; a DSL rarely gets it, so sgdesk keeps
a log only the DSL can read. Cases are discussed in words, with no links to
pupils, so nothing here reaches a pupil's file, the chronology, search or a share.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields, replace
from datetime import date

from sgdesk.models.errors import InvalidInput


class NoteKind(enum.Enum):
    """Values are stored; labels are shown."""

    SESSION = "session"
    REFLECTION = "reflection"

    @property
    def label(self) -> str:
        return "Supervision session" if self is NoteKind.SESSION else "Reflection"


@dataclass(frozen=True)
class SupervisionNote:
    """One session or reflection. ``supervisor`` is who supervised (name and role),
    blank for a reflection; ``cases_discussed`` is free text."""

    held_on: date
    kind: NoteKind
    supervisor: str = ""
    cases_discussed: str = ""
    notes: str = ""
    actions_agreed: str = ""

    def problems(self, today: date) -> list[tuple[str, str]]:
        """Every problem as (field, message), in form order."""
        found: list[tuple[str, str]] = []
        if self.held_on > today:
            found.append(("held_on", "The date cannot be in the future."))
        if self.kind is NoteKind.SESSION and not self.supervisor.strip():
            found.append(("supervisor", "Say who supervised you (name and role)."))
        if not (self.notes.strip() or self.cases_discussed.strip()
                or self.actions_agreed.strip()):
            found.append(("notes", "Write something: the notes, the cases discussed or the "
                                   "actions agreed."))
        return found

    def validated(self, today: date) -> SupervisionNote:
        """Tidied (the supervisor's spaces collapsed), or the first problem raised."""
        problems = self.problems(today)
        if problems:
            name, message = problems[0]
            raise InvalidInput(message, field=name)
        return replace(self, supervisor=" ".join(self.supervisor.split()))


#: How each field is named on screen, in form order.
FIELD_LABELS = {
    "held_on": "Date",
    "kind": "Kind",
    "supervisor": "Supervisor",
    "cases_discussed": "Cases discussed",
    "notes": "Notes",
    "actions_agreed": "Actions agreed",
}


def changed_fields(before: SupervisionNote, after: SupervisionNote) -> list[str]:
    """Names of the fields that differ between two versions, in form order."""
    return [f.name for f in fields(SupervisionNote)
            if getattr(before, f.name) != getattr(after, f.name)]

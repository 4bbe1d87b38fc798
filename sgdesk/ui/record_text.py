"""How dates, statuses and lists of names read on the record screens, in one place
so every list and header says them the same way. Dates and times come from
:mod:`sgdesk.services.record_dates`, shared with print."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sgdesk.services.record_dates import day_text, moment_text

if TYPE_CHECKING:
    from sgdesk.services.retention import FileRetention

__all__ = ["NOT_RECORDED", "day_text", "moment_text", "names_text", "retention_text", "yes_no"]

#: A concern's status as a DSL says it.

NOT_RECORDED = "Not recorded"


def names_text(names: list[str] | tuple[str, ...]) -> str:
    """``Amy``, ``Amy and Ben``, ``Amy, Ben and Cal``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def retention_text(kept: FileRetention) -> str:
    """``Kept until its retention review on 02/04/2049 (SEN-related records: date of
    birth + 31 years).`` — the school's own periods; "" with no date of birth."""
    if kept.review_on is None:
        return ""
    return f"Kept until its retention review on {day_text(kept.review_on)} ({kept.retention})."

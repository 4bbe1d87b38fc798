"""How dates, statuses and lists of names read on the record screens, in one place
so every list and header says them the same way (British order: 2 Nov 2026)."""

from __future__ import annotations

from datetime import date, datetime

#: A concern's status as a DSL says it.
STATUS_LABELS = {"awaiting_review": "Awaiting review", "open": "Open", "closed": "Closed"}

NOT_RECORDED = "Not recorded"


def day_text(day: date | None) -> str:
    """``2 Nov 2026``; empty for no date."""
    return f"{day.day} {day:%b %Y}" if day else ""


def moment_text(moment: datetime) -> str:
    """``2 Nov 2026, 10:05`` in local time."""
    local = moment.astimezone()
    return f"{day_text(local.date())}, {local:%H:%M}"


def names_text(names: list[str] | tuple[str, ...]) -> str:
    """``Amy``, ``Amy and Ben``, ``Amy, Ben and Cal``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"

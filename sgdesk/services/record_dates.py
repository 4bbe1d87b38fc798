"""How dates and times read on every record, on screen and in print: the way
English schools and partner agencies write them (02/11/2026, 02/11/2026 10:05),
in the local time of this computer. One place, so a chronology on screen and the
same chronology printed never disagree."""

from __future__ import annotations

from datetime import date, datetime


def day_text(day: date | None) -> str:
    """``02/11/2026``; empty for no date."""
    return day.strftime("%d/%m/%Y") if day else ""


def moment_text(moment: datetime) -> str:
    """``02/11/2026 10:05`` in local time."""
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")

"""A store clock that moves only when the test says: times the wait after wrong
passwords (and stamps audit rows) without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class StepClock:
    """Starts at the real time, so audit rows stay in order with earlier writes."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

"""What the reference store's builders share: its "today", the pupils' time at the
school, the concerns filed on one child, and writing in big batches.

Records go in through the repositories (the shape the services write, one audit
row per record or version) but a few thousand to a transaction, which is what
makes a ten-year store take minutes to build rather than hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sgdesk.models.concerns import ConcernContent
from sgdesk.models.pupils import Pupil

#: The reference store's "today": what it holds reads as of this day.
TODAY = date(2026, 11, 23)
BATCH = 2_000
#: Who the store's DSL is, and how the benchmark signs in as them.
DSL_NAME = "Bench DSL"
DSL_ROLE = "Designated Safeguarding Lead"
LOGIN = "bench"
PASSWORD = "bench reference store"
#: The concerns on the heavy pupil's file: the record the benchmark opens.
HEAVY_PUPIL_CONCERNS = 200


@dataclass(frozen=True)
class Enrolment:
    """A pupil and the days they were at the school (``left`` is TODAY if on roll)."""

    pupil: Pupil
    joined: date
    left: date


@dataclass(frozen=True)
class FiledConcern:
    """A concern about one child (as its subject): as first logged, and as reviewed
    (version 2; None while it awaits review)."""

    id: str
    logged: ConcernContent
    reviewed: ConcernContent | None

    @property
    def current(self) -> ConcernContent:
        return self.reviewed or self.logged

    @property
    def version(self) -> int:
        return 1 if self.reviewed is None else 2


def batches[T](items: list[T], size: int = BATCH) -> list[list[T]]:
    return [items[i:i + size] for i in range(0, len(items), size)]

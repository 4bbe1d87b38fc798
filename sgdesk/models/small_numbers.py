"""The small-number rule: how a governors' report hides numbers that could identify a child.

* No number from 1 to 4 is shown (``<5``): a child can be recognised from a small
  count. 0 is shown as 0: nobody can be recognised from nobody.
* A number from which a hidden one could be **worked out** is withheld too: a total
  less the parts shown, two tables sharing a total, or a total that pins two small
  parts down (1 + 1 = 2). :func:`suppression` finds such numbers and withholds the
  smallest other number that stops it.

:class:`Tally` gathers every number of a report and how they add up, so the rule is
applied across all its tables at once.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

#: Counts from 1 up to (not including) this are not shown in governors' reports.
SMALL_NUMBER_LIMIT = 5
UNDER_FIVE_TEXT = "<5"
WITHHELD_TEXT = "withheld"


# -- one shown number ----------------------------------------------------------------
class Shown(enum.Enum):
    """How a count appears: as itself, as ``<5``, or withheld."""

    VALUE = "value"
    UNDER_FIVE = "under_five"
    WITHHELD = "withheld"


@dataclass(frozen=True)
class Count:
    """A count as the report shows it. ``value`` is ``None`` whenever the number is not
    shown, so a screen or a page cannot print it by mistake."""

    value: int | None
    shown: Shown = Shown.VALUE

    @property
    def text(self) -> str:
        if self.shown is Shown.UNDER_FIVE:
            return UNDER_FIVE_TEXT
        if self.shown is Shown.WITHHELD:
            return WITHHELD_TEXT
        return f"{self.value:,}"


# -- the rule ------------------------------------------------------------------------
def is_small(count: int) -> bool:
    """1 to 4: too few to show to governors. 0 is not small: nobody can be recognised."""
    return 0 < count < SMALL_NUMBER_LIMIT


@dataclass(frozen=True)
class Relation:
    """Cells (by index) that add up: ``parts`` sum to ``total``. When ``exact`` is False
    they add up to *at least* the total (a concern about children in two groups counts
    in both), which still gives a reader a lower bound on a hidden part."""

    parts: tuple[int, ...]
    total: int
    exact: bool = True


def suppression(values: Sequence[int], relations: Sequence[Relation]) -> tuple[Shown, ...]:
    """How each of ``values`` may be shown to governors.

    Every small number is ``<5``. Then, while some hidden number can be worked out
    from what is shown — exactly, by any combination of the exact relations (linear
    algebra over the hidden cells), or pinned to one value by a single relation and
    the bounds a reader knows (``<5`` is 1 to 4; a withheld number is 5 or more) — the
    smallest other non-zero number in a relation that gives it away is withheld.
    Totals are larger than their parts, so a part usually goes before a total.
    (Bounds combined across several relations are not followed: the rule is meant
    for a school's few small tables, not for published statistics.)
    """
    shown = [Shown.UNDER_FIVE if is_small(v) else Shown.VALUE for v in values]
    while True:
        extra = next((cell for exposing in _exposures(values, shown, relations)
                      if (cell := _complement(values, shown, exposing)) is not None), None)
        if extra is None:
            return tuple(shown)
        shown[extra] = Shown.WITHHELD


def _exposures(values: Sequence[int], shown: Sequence[Shown],
               relations: Sequence[Relation]) -> Iterator[list[Relation]]:
    """For each way a hidden number can be worked out, the relations that give it away."""
    for relation in relations:
        if _pins_a_part(values, shown, relation):
            yield [relation]
    exact = [r for r in relations if r.exact]
    hidden = [i for i, s in enumerate(shown) if s is not Shown.VALUE]
    for cell in _solvable(hidden, exact):
        yield [r for r in exact if cell in r.parts or cell == r.total]


def _pins_a_part(values: Sequence[int], shown: Sequence[Shown], relation: Relation) -> bool:
    """Whether, with the total shown, a hidden part is forced to a single value by what
    a reader knows: the parts shown, the total, and the bounds of the hidden parts."""
    if shown[relation.total] is not Shown.VALUE:
        return False
    hidden = [p for p in relation.parts if shown[p] is not Shown.VALUE]
    if not hidden:
        return False
    # what the hidden parts add up to (exact), or at least (otherwise)
    rest = values[relation.total] - sum(values[p] for p in relation.parts
                                        if shown[p] is Shown.VALUE)
    low = {p: 1 if shown[p] is Shown.UNDER_FIVE else SMALL_NUMBER_LIMIT for p in hidden}
    high: dict[int, float] = {}
    for part in hidden:
        most = (rest - sum(low[p] for p in hidden if p != part) if relation.exact
                else math.inf)
        high[part] = min(SMALL_NUMBER_LIMIT - 1, most) if shown[part] is Shown.UNDER_FIVE \
            else most
    for part in hidden:
        floor = max(low[part], rest - sum(high[p] for p in hidden if p != part))
        if floor >= high[part]:
            return True
    return False


def _solvable(hidden: list[int], relations: Sequence[Relation]) -> list[int]:
    """Hidden cells whose value follows exactly from the exact relations: those whose
    unit vector lies in the row space of the relations restricted to hidden cells."""
    column = {cell: n for n, cell in enumerate(hidden)}
    rows: list[list[Fraction]] = []
    for relation in relations:
        row = [Fraction(0)] * len(hidden)
        for part in relation.parts:
            if part in column:
                row[column[part]] += 1
        if relation.total in column:
            row[column[relation.total]] -= 1
        if any(row):
            rows.append(row)
    reduced = _reduced_rows(rows)
    found = []
    for cell in hidden:
        vector = [Fraction(0)] * len(hidden)
        vector[column[cell]] = Fraction(1)
        for pivot, row in reduced:
            if vector[pivot]:
                factor = vector[pivot]
                vector = [v - factor * r for v, r in zip(vector, row, strict=True)]
        if not any(vector):
            found.append(cell)
    return found


def _reduced_rows(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Gauss–Jordan elimination: (pivot column, row) with a 1 at the pivot and 0 in
    every other row's pivot column."""
    pivots: list[tuple[int, list[Fraction]]] = []
    for row in rows:
        for pivot, reduced in pivots:
            if row[pivot]:
                factor = row[pivot]
                row = [v - factor * r for v, r in zip(row, reduced, strict=True)]
        lead = next((n for n, v in enumerate(row) if v), None)
        if lead is None:
            continue
        row = [v / row[lead] for v in row]
        pivots = [(p, [v - r[lead] * w for v, w in zip(r, row, strict=True)])
                  for p, r in pivots]
        pivots.append((lead, row))
    return pivots


def _complement(values: Sequence[int], shown: Sequence[Shown],
                relations: Sequence[Relation]) -> int | None:
    """The smallest shown non-zero cell in ``relations`` (a part before an equal total).
    Zeros are never withheld, so a reader may take every withheld number as 5 or more."""
    candidates = {cell for r in relations for cell in (*r.parts, r.total)
                  if shown[cell] is Shown.VALUE and values[cell] > 0}
    if not candidates:
        return None
    totals = {r.total for r in relations}
    return min(candidates, key=lambda cell: (values[cell], cell in totals, cell))


class Tally:
    """Collects a report's numbers and how they add up, then shows them by the rule.

    ``add`` returns a handle; ``adds_up`` records that some handles sum to another.
    Every number in the report goes through one tally, so a total shared by two
    tables is one cell and cannot be hidden in one and shown in the other.
    """

    def __init__(self) -> None:
        self._values: list[int] = []
        self._relations: list[Relation] = []

    def add(self, value: int) -> int:
        self._values.append(value)
        return len(self._values) - 1

    def adds_up(self, parts: Sequence[int], total: int) -> None:
        """``parts`` sum to ``total``; if they sum to more (overlapping groups), a reader
        still learns a lower bound, which the rule allows for."""
        exact = sum(self._values[p] for p in parts) == self._values[total]
        self._relations.append(Relation(tuple(parts), total, exact))

    def counts(self, for_governors: bool) -> list[Count]:
        """Each number as shown: all of them, or governors' view."""
        if not for_governors:
            return [Count(v) for v in self._values]
        return [Count(v if s is Shown.VALUE else None, s)
                for v, s in zip(self._values, suppression(self._values, self._relations),
                                strict=True)]

"""Body maps: marks seen on a child, placed on neutral outlines instead of photographs.

Staff never photograph injuries, so the map is the record. A fresh map is made each
time; comparing earlier maps shows marks that keep coming back to the same place.

Coordinates are the contract between the store, the screen and the printed page:
a mark's ``x`` and ``y`` are normalised to its view, 0..1 from the viewer's left and
from the top, whatever the size or zoom it was placed at. "Left" and "right" in a
site's name are always the CHILD's: on the front views the child's right is on the
viewer's left; on the back views it is on the viewer's right (see ``viewer_note``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from sgdesk.models.errors import InvalidInput

#: Bigger than any single mark on a child: a larger figure is a typing slip
#: (or several marks that should be recorded one by one).
LARGEST_MARK_CM = 100.0


class BodyView(enum.Enum):
    """One outline. The value names its drawing and its entry in the region map."""

    FRONT = "front"
    BACK = "back"
    LEFT_SIDE = "left_side"
    RIGHT_SIDE = "right_side"
    HEAD_FRONT = "head_front"
    HEAD_BACK = "head_back"

    @property
    def label(self) -> str:
        return _VIEW_TEXT[self][0]

    @property
    def viewer_note(self) -> str:
        """How the outline faces the reader: printed and shown under every view."""
        return _VIEW_TEXT[self][1]

    @property
    def size(self) -> tuple[int, int]:
        """The drawing's viewBox width and height: whole body 400 x 800, head 400 x 400."""
        return (400, 400) if self in (BodyView.HEAD_FRONT, BodyView.HEAD_BACK) else (400, 800)


_VIEW_TEXT = {
    BodyView.FRONT: ("Front", "Facing you: the child's right is on your left."),
    BodyView.BACK: ("Back", "From behind: the child's right is on your right."),
    BodyView.LEFT_SIDE: ("Left side", "The child's left side: they face your left."),
    BodyView.RIGHT_SIDE: ("Right side", "The child's right side: they face your right."),
    BodyView.HEAD_FRONT: ("Head, front", "Facing you: the child's right is on your left."),
    BodyView.HEAD_BACK: ("Head, back", "From behind: the child's right is on your right."),
}


class MarkType(enum.Enum):
    BRUISE = "bruise"
    CUT = "cut"
    GRAZE = "graze"
    BURN = "burn"
    SCALD = "scald"
    BITE = "bite"
    SCRATCH = "scratch"
    SWELLING = "swelling"
    MARK = "mark"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class Mark:
    """One mark as the adult saw it. The child's explanation is kept verbatim."""

    view: BodyView
    x: float
    y: float
    site: str
    mark_type: MarkType
    width_cm: float
    height_cm: float
    seen_at: datetime
    shape: str = ""
    colours: tuple[str, ...] = ()
    broken_skin: bool = False
    swelling: bool = False
    bleeding: bool = False
    child_explanation: str = ""
    adult_explanation: str = ""
    adult_explainer: str = ""

    def problems(self, now: datetime) -> list[tuple[str, str]]:
        """Every problem as (field, message); messages name no mark number."""
        found: list[tuple[str, str]] = []
        if not (0.0 <= self.x <= 1.0 and 0.0 <= self.y <= 1.0):
            found.append(("position", "Place the mark on the outline."))
        if not self.site.strip():
            found.append(("site", "Say where on the body the mark is."))
        for name, value, word in (("width_cm", self.width_cm, "width"),
                                  ("height_cm", self.height_cm, "height")):
            if not value > 0:
                found.append((name, f"Give the mark's {word} in cm (an estimate will do)."))
            elif value > LARGEST_MARK_CM:
                found.append((name, f"A {word} over {LARGEST_MARK_CM:g} cm is not likely for "
                                    "one mark: check it, or record the marks separately."))
        if self.seen_at > now:
            found.append(("seen_at", "When the mark was seen cannot be in the future."))
        if self.adult_explanation.strip() and not self.adult_explainer.strip():
            found.append(("adult_explainer", "Say which adult gave this explanation."))
        return found


@dataclass(frozen=True)
class BodyMapContent:
    """A completed body map: its marks (numbered 1, 2… in order) and who completed it."""

    pupil_id: str
    concern_id: str | None
    completed_by_name: str
    completed_by_role: str
    completed_at: datetime
    marks: tuple[Mark, ...] = ()
    notes: str = ""

    def problems(self, now: datetime) -> list[tuple[str, str]]:
        """Every problem as (field, message), so a form can show all of them at once.
        A mark's fields are named ``marks.<index>.<field>`` (index from 0)."""
        found: list[tuple[str, str]] = []
        if not self.completed_by_name.strip():
            found.append(("completed_by_name", "Say who completed the body map."))
        if not self.completed_by_role.strip():
            found.append(("completed_by_role", "Give their role (e.g. Class teacher)."))
        if self.completed_at > now:
            found.append(("completed_at", "The map cannot be completed in the future."))
        if not self.marks:
            found.append(("marks", "Place at least one mark on the outline."))
        for index, mark in enumerate(self.marks):
            for name, message in mark.problems(now):
                found.append((f"marks.{index}.{name}", f"Mark {index + 1}: {message}"))
            if mark.seen_at > self.completed_at and mark.seen_at <= now:
                found.append((f"marks.{index}.seen_at", f"Mark {index + 1}: it cannot have "
                              "been seen after the map was completed."))
        return found

    def validated(self, now: datetime) -> BodyMapContent:
        """Raises the first problem as :class:`InvalidInput`."""
        problems = self.problems(now)
        if problems:
            name, message = problems[0]
            raise InvalidInput(message, field=name)
        return self


# ---------------------------------------------------------------- where on the body
type Point = tuple[float, float]


@dataclass(frozen=True)
class Region:
    """A named body site on one view: a polygon in the view's normalised coordinates.
    A name may have several polygons; where regions overlap, the smaller one names
    the site (an ear over the head, a hand over the hip in the side views)."""

    view: BodyView
    name: str
    polygon: tuple[Point, ...]

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a body-map region has no name")
        if len(self.polygon) < 3:
            raise ValueError(f"region {self.name!r} needs at least three points")
        if not all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in self.polygon):
            raise ValueError(f"region {self.name!r} has a point outside 0..1")

    @cached_property
    def area(self) -> float:
        pts = self.polygon
        return abs(sum(x0 * y1 - x1 * y0
                       for (x0, y0), (x1, y1) in zip(pts, (*pts[1:], pts[0]), strict=True))) / 2

    @cached_property
    def _bounds(self) -> tuple[float, float, float, float]:
        xs = [x for x, _ in self.polygon]
        ys = [y for _, y in self.polygon]
        return min(xs), min(ys), max(xs), max(ys)

    def contains(self, x: float, y: float) -> bool:
        """Even-odd ray casting; a point exactly on an edge may fall either way."""
        left, top, right, bottom = self._bounds
        if not (left <= x <= right and top <= y <= bottom):
            return False
        inside = False
        pts = self.polygon
        for (x0, y0), (x1, y1) in zip(pts, (*pts[1:], pts[0]), strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
        return inside


def site_at(regions: Iterable[Region], view: BodyView, x: float, y: float) -> str | None:
    """The body site under a point of a view, or None off the body."""
    hits = [r for r in regions if r.view is view and r.contains(x, y)]
    return min(hits, key=lambda r: r.area).name if hits else None


def sites_in_view(regions: Iterable[Region], view: BodyView) -> list[str]:
    """The site names a view offers, for a person correcting the automatic one."""
    return sorted({r.name for r in regions if r.view is view})


# ------------------------------------------------------------- comparing over time
@dataclass(frozen=True)
class SiteMark:
    """One mark in the "marks by site" table: which map, which number, what."""

    seen_at: datetime
    map_completed_at: datetime
    mark_number: int
    mark_type: MarkType


def marks_by_site(
    maps: Sequence[BodyMapContent], start: date | None = None, end: date | None = None
) -> dict[str, list[SiteMark]]:
    """Marks from several maps grouped by site, oldest first, the sites with most marks
    first, so a site injured again and again heads the table. Sites match however
    they were capitalised or spaced; the first spelling seen is the one shown.
    ``start`` and ``end`` (inclusive) limit the marks by the day they were seen."""
    shown: dict[str, str] = {}
    grouped: dict[str, list[SiteMark]] = {}
    for body_map in sorted(maps, key=lambda m: m.completed_at):
        for number, mark in enumerate(body_map.marks, start=1):
            day = mark.seen_at.date()
            if (start and day < start) or (end and day > end):
                continue
            key = " ".join(mark.site.split()).casefold()
            shown.setdefault(key, " ".join(mark.site.split()))
            grouped.setdefault(key, []).append(
                SiteMark(mark.seen_at, body_map.completed_at, number, mark.mark_type))
    order = sorted(grouped, key=lambda k: (-len(grouped[k]), shown[k].casefold()))
    return {shown[k]: sorted(grouped[k], key=lambda s: (s.seen_at, s.mark_number))
            for k in order}

"""The reference store's body maps: 8,000 maps (at scale 1) on about 2,000 pupils,
1 to 12 marks each, a few amended, and several on the heavy pupil.

A map is linked to the concern that led to it where the pupil has one describing
a mark (the demo's known marks: a bruise on the arm, a mark on the cheek), as
staff complete a map when they notice; the rest are unlinked maps of marks seen
changing for PE or by the school nurse. Marks are placed on the outlines where
the region map names a body site, and carry that site's name, as the body-map
screen names them. Written through :class:`BodyMapRepository` (current row,
version 1, the marks rows, an audit row) in big transactions.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bench.reference_common import (
    DSL_NAME,
    DSL_ROLE,
    TODAY,
    Enrolment,
    FiledConcern,
    batches,
)
from sgdesk.models.body_maps import BodyMapContent, BodyView, Mark, MarkType, site_at
from sgdesk.services.demo_body_maps import COMPLETED_AFTER, KNOWN_MARKS
from sgdesk.services.demo_records import school_time
from sgdesk.services.resources import body_map_regions
from sgdesk.storage.body_maps_repo import BodyMapRepository
from sgdesk.storage.database import Database

FULL_BODY_MAPS = 8_000
FULL_MAPPED_PUPILS = 2_000
HEAVY_PUPIL_BODY_MAPS = 8
#: How many marks a map has, 1 to 12: most have one or two.
MARK_COUNT_WEIGHTS = (30, 20, 14, 10, 7, 5, 4, 3, 2, 2, 2, 1)
LINKED_SHARE = 0.6
AMENDED_SHARE = 0.03
VIEW_WEIGHTS = {BodyView.FRONT: 35, BodyView.BACK: 30, BodyView.LEFT_SIDE: 8,
                BodyView.RIGHT_SIDE: 8, BodyView.HEAD_FRONT: 12, BodyView.HEAD_BACK: 7}
TYPE_WEIGHTS = {MarkType.BRUISE: 40, MarkType.SCRATCH: 12, MarkType.GRAZE: 12,
                MarkType.MARK: 10, MarkType.CUT: 8, MarkType.SWELLING: 6, MarkType.BURN: 4,
                MarkType.BITE: 3, MarkType.SCALD: 2, MarkType.OTHER: 3}
SHAPES = ("Oval", "Round", "Linear", "Irregular", "Fingertip-shaped", "")
COLOURS = (("red",), ("blue", "purple"), ("yellow", "brown"), ("green", "yellow"), ())
EXPLANATIONS = (
    "I fell over at football.", "I don't know.", "I bumped it on the door at home.",
    "My brother pushed me when we were playing.", "I fell off my bike.",
    "The dog scratched me.", "", "I can't remember.",
)
UNLINKED_BY = (("Imran Qureshi", "PE teacher"), ("Bea Lindqvist", "School nurse"),
               (DSL_NAME, DSL_ROLE))
UNLINKED_NOTE = ("Seen when changing for PE; the account seemed plausible and was "
                 "accepted at the time. Passed to the DSL for information.")
AMENDMENT_REASON = "Mark 1 measured again: the first size was an estimate"
#: Points tried per view to find places on the outline.
SAMPLES_PER_VIEW = 400


def add_body_maps(db: Database, actor_id: str, rng: random.Random, scale: float,
                  heavy: Enrolment, others: list[Enrolment],
                  filed: dict[str, list[FiledConcern]]) -> int:
    """Write the maps; returns how many."""
    count = max(int(FULL_BODY_MAPS * scale), HEAVY_PUPIL_BODY_MAPS * 2)
    pool = rng.sample(others, min(len(others), max(int(FULL_MAPPED_PUPILS * scale), 10)))
    maker = _MapMaker(rng, filed)
    first = [maker.map(heavy, marks=len(MARK_COUNT_WEIGHTS) if n == 0 else None)
             for n in range(HEAVY_PUPIL_BODY_MAPS)]
    maps = first + [maker.map(rng.choice(pool)) for _ in range(count - len(first))]
    maps.sort(key=lambda m: m.completed_at)
    now = datetime.now(UTC)
    repo = BodyMapRepository(db)
    for batch in batches(maps):
        with db.write(actor_id) as tx:
            for content in batch:
                map_id = str(uuid.uuid4())
                repo.add(tx, map_id, content.validated(now))
                if rng.random() < AMENDED_SHARE:
                    first_mark = replace(content.marks[0],
                                         width_cm=content.marks[0].width_cm + 0.5)
                    corrected = replace(content, marks=(first_mark, *content.marks[1:]))
                    repo.amend(tx, map_id, corrected.validated(now), AMENDMENT_REASON, 1)
    return len(maps)


class _MapMaker:
    def __init__(self, rng: random.Random, filed: dict[str, list[FiledConcern]]) -> None:
        self.rng = rng
        self.filed = filed
        self.places = _places_on_outlines(rng)

    def map(self, enrolment: Enrolment, marks: int | None = None) -> BodyMapContent:
        """A map of the pupil: linked to a concern describing a mark if they have one
        (mostly), else an unlinked map of marks seen on a school day."""
        rng = self.rng
        pupil_id = enrolment.pupil.id
        count = marks or rng.choices(range(1, len(MARK_COUNT_WEIGHTS) + 1),
                                     MARK_COUNT_WEIGHTS)[0]
        described = [(f, k) for f in self.filed.get(pupil_id, ()) for k in KNOWN_MARKS
                     if k.words in f.logged.facts.casefold()]
        if described and rng.random() < LINKED_SHARE:
            concern, known = rng.choice(described)
            content = concern.logged
            seen = content.noticed_at
            said = content.child_words.strip().strip('"')
            site = site_at(body_map_regions(), known.view, *known.point) or "unknown site"
            first = Mark(known.view, *known.point, site, known.mark_type, *known.size_cm,
                         seen, shape=known.shape, colours=known.colours,
                         child_explanation=said)
            rest = [self.mark(seen) for _ in range(count - 1)]
            return BodyMapContent(pupil_id, concern.id, content.reporter_name,
                                  content.reporter_role, seen + COMPLETED_AFTER,
                                  (first, *rest))
        seen = self.school_moment(enrolment)
        by = rng.choice(UNLINKED_BY)
        return BodyMapContent(pupil_id, None, by[0], by[1], seen + COMPLETED_AFTER,
                              tuple(self.mark(seen) for _ in range(count)),
                              notes=UNLINKED_NOTE if by[1] == "PE teacher" else "")

    def mark(self, seen: datetime) -> Mark:
        rng = self.rng
        view = rng.choices(list(VIEW_WEIGHTS), list(VIEW_WEIGHTS.values()))[0]
        x, y, site = rng.choice(self.places[view])
        kind = rng.choices(list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values()))[0]
        return Mark(view, x, y, site, kind, round(rng.uniform(0.5, 6.0), 1),
                    round(rng.uniform(0.5, 4.0), 1), seen, shape=rng.choice(SHAPES),
                    colours=rng.choice(COLOURS), broken_skin=kind in (MarkType.CUT,
                                                                      MarkType.GRAZE),
                    swelling=rng.random() < 0.1, child_explanation=rng.choice(EXPLANATIONS))

    def school_moment(self, enrolment: Enrolment) -> datetime:
        """A weekday during the pupil's time at the school, in the school day."""
        rng = self.rng
        last = min(enrolment.left, TODAY - timedelta(days=1))
        day = enrolment.joined + timedelta(days=rng.randrange(max((last - enrolment.joined)
                                                                  .days, 1)))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return school_time(day, rng.randrange(9, 15), rng.randrange(0, 60, 5)).astimezone(UTC)


def _places_on_outlines(rng: random.Random) -> dict[BodyView, list[tuple[float, float, str]]]:
    """Points on each outline with the body site the region map names there."""
    regions = body_map_regions()
    places: dict[BodyView, list[tuple[float, float, str]]] = {}
    for view in BodyView:
        found = []
        for _ in range(SAMPLES_PER_VIEW):
            x, y = round(rng.random(), 3), round(rng.random(), 3)
            site = site_at(regions, view, x, y)
            if site is not None:
                found.append((x, y, site))
        places[view] = found
    return places

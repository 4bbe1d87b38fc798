"""Builders for body-map tests: marks at points whose body site is known from the
region map, and valid maps made of them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sgdesk.models.body_maps import BodyMapContent, BodyView, Mark, MarkType
from tests.helpers import WHEN

#: Points inside named regions (normalised to the view), checked against the
#: region map in test_body_maps.py. Left and right are the child's.
SITES: dict[tuple[BodyView, str], tuple[float, float]] = {
    (BodyView.FRONT, "left forearm, inner"): (0.787, 0.487),
    (BodyView.FRONT, "right forearm, inner"): (0.213, 0.487),
    (BodyView.FRONT, "left upper arm, outer"): (0.756, 0.337),
    (BodyView.FRONT, "neck, front"): (0.5, 0.217),
    (BodyView.FRONT, "left knee"): (0.586, 0.753),
    (BodyView.BACK, "left forearm, outer"): (0.213, 0.487),
    (BodyView.BACK, "right forearm, outer"): (0.787, 0.487),
    (BodyView.BACK, "neck, back"): (0.499, 0.217),
    (BodyView.BACK, "right calf"): (0.581, 0.844),
    (BodyView.HEAD_FRONT, "left cheek"): (0.69, 0.608),
}


def mark_at(view: BodyView, site: str, mark_type: MarkType = MarkType.BRUISE,
            seen_at: datetime = WHEN - timedelta(hours=1), **details: Any) -> Mark:
    """A mark placed at the known point of ``site`` in ``view``."""
    x, y = SITES[(view, site)]
    return Mark(view, x, y, site, mark_type, 2.0, 1.5, seen_at, **details)


def map_of(pupil_id: str, *marks: Mark, concern_id: str | None = None,
           completed_at: datetime = WHEN, **details: Any) -> BodyMapContent:
    """A valid map of ``marks`` (one bruise on the left forearm if none are given)."""
    if not marks:
        marks = (mark_at(BodyView.FRONT, "left forearm, inner",
                         seen_at=completed_at - timedelta(hours=1)),)
    return BodyMapContent(pupil_id, concern_id, "Ms Teacher", "Class teacher", completed_at,
                          marks, **details)

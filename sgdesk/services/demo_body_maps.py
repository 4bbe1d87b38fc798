"""The demo store's body maps, made for pupils and concerns already in it.

Every physical-abuse concern whose facts describe a mark the demo knows (a bruise
on the back of the upper left arm, a mark on the left cheek) gets the body map its
text says was completed. One child with such a bruise also has three earlier maps,
each with a plausible account accepted at the time, all at the same site: the
pattern that only shows when the maps are compared over time.

Pupils and concerns are chosen by name and date, so two demo stores made on the
same day hold the same maps. Each map is saved on a clock set to when it was
completed, so its history reads as it would have happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sgdesk.models.body_maps import BodyMapContent, BodyView, Mark, MarkType, site_at
from sgdesk.models.concerns import ChildRole
from sgdesk.services.body_maps import add_body_map
from sgdesk.services.concerns import ConcernEntry, concerns_on_file
from sgdesk.services.demo_clock import clock_at
from sgdesk.services.pupils import get_pupil, list_pupils
from sgdesk.services.resources import body_map_regions
from sgdesk.services.session import Session

PHYSICAL = "Physical abuse"
#: How long after a mark was noticed its body map was finished.
COMPLETED_AFTER = timedelta(minutes=40)


@dataclass(frozen=True)
class _MarkSeen:
    """A kind of mark a demo concern describes, and how it goes on the outline."""

    words: str  # found in the concern's facts
    view: BodyView
    point: tuple[float, float]
    mark_type: MarkType
    size_cm: tuple[float, float]
    shape: str
    colours: tuple[str, ...]


BRUISE_ON_ARM = _MarkSeen("bruise", BodyView.BACK, (0.262, 0.335), MarkType.BRUISE,
                          (3.0, 2.5), "Oval", ("yellow", "brown"))
MARK_ON_CHEEK = _MarkSeen("cheek", BodyView.HEAD_FRONT, (0.69, 0.608), MarkType.MARK,
                          (8.0, 10.0), "Hand-shaped", ("red",))
KNOWN_MARKS = (BRUISE_ON_ARM, MARK_ON_CHEEK)

#: The repeated bruise: weeks before the concern, where on the arm, what was said.
EARLIER_BRUISES = (
    (16, (0.27, 0.32), ("purple", "blue"), "I banged it on the door at home."),
    (10, (0.255, 0.345), ("blue",), "My brother grabbed me when we were messing about."),
    (5, (0.265, 0.328), ("green", "yellow"), "I don't know. I think I did it at football."),
)
PE_TEACHER = ("Mr D. Fenwick", "PE teacher")
EARLIER_NOTE = ("Seen when {name} was changing for PE. The account seemed plausible and "
                "was accepted at the time; the map was passed to the DSL for information.")
SHIN_GRAZE = (BodyView.FRONT, (0.41, 0.84), MarkType.GRAZE, (2.0, 1.0))


def add_demo_body_maps(session: Session, today: date) -> None:
    """Add the demo's body maps (none later than ``today``) as the signed-in DSL."""
    latest = min(session.db.clock().astimezone(UTC),
                 datetime.combine(today + timedelta(days=1), datetime.min.time(), UTC))
    plans: list[BodyMapContent] = []
    repeated = False
    for pupil_id, entry, seen in _concerns_with_marks(session):
        content = entry.on_file.content
        plans.append(_linked_map(session, pupil_id, entry, seen))
        if not repeated and seen is BRUISE_ON_ARM:
            earlier = _earlier_bruises(session, pupil_id, content.noticed_at)
            plans += earlier
            repeated = bool(earlier)
    for plan in sorted(plans, key=lambda p: p.completed_at):
        saved_at = plan.completed_at.astimezone(UTC) + timedelta(minutes=10)
        if saved_at <= latest:
            with clock_at(session, saved_at):
                add_body_map(session, plan)


def _concerns_with_marks(session: Session) -> Iterator[tuple[str, ConcernEntry, _MarkSeen]]:
    """Physical-abuse concerns about a child (as subject) whose facts describe a known
    mark, pupils in name order."""
    for pupil in sorted(list_pupils(session), key=lambda p: (p.sort_name, p.id)):
        for entry in sorted(concerns_on_file(session, pupil.id),
                            key=lambda e: e.on_file.content.noticed_at):
            content = entry.on_file.content
            if PHYSICAL not in content.categories or \
                    entry.on_file.this_child_role is not ChildRole.SUBJECT:
                continue
            seen = next((k for k in KNOWN_MARKS if k.words in content.facts.casefold()), None)
            if seen is not None:
                yield pupil.id, entry, seen


def _mark(view: BodyView, point: tuple[float, float], mark_type: MarkType,
          size_cm: tuple[float, float], seen_at: datetime, shape: str,
          colours: tuple[str, ...], child_explanation: str) -> Mark:
    """A mark named by the region map, as the body-map screen names it."""
    site = site_at(body_map_regions(), view, *point)
    if site is None:
        raise ValueError(f"demo mark off the {view.value} outline at {point}")
    return Mark(view, point[0], point[1], site, mark_type, size_cm[0], size_cm[1], seen_at,
                shape=shape, colours=colours, child_explanation=child_explanation)


def _linked_map(session: Session, pupil_id: str, entry: ConcernEntry,
                seen: _MarkSeen) -> BodyMapContent:
    """The map the concern's text says was completed when the mark was noticed."""
    content = entry.on_file.content
    if seen is MARK_ON_CHEEK:  # "the DSL completed a body map"
        by = (session.user.display_name, "Designated Safeguarding Lead")
    else:
        by = (content.reporter_name, content.reporter_role)
    mark = _mark(seen.view, seen.point, seen.mark_type, seen.size_cm, content.noticed_at,
                 shape=seen.shape, colours=seen.colours,
                 child_explanation=content.child_words.strip().strip('"'))
    return BodyMapContent(pupil_id, entry.id, by[0], by[1],
                          content.noticed_at + COMPLETED_AFTER, (mark,))


def _earlier_bruises(session: Session, pupil_id: str, noticed: datetime
                     ) -> list[BodyMapContent]:
    """Maps of the same bruise site in the weeks before the concern, if the pupil was
    on the register then (Year 7 pupils have not been at the school long enough)."""
    record = get_pupil(session, pupil_id)
    registered = record.history[0].saved_at
    moments = [_school_day_before(noticed - timedelta(weeks=weeks)) for weeks, *_ in
               EARLIER_BRUISES]
    if moments[0] - timedelta(days=7) < registered:
        return []
    name = record.pupil.preferred_name or record.pupil.legal_forename
    maps = []
    for index, ((_weeks, point, colours, words), moment) in enumerate(
            zip(EARLIER_BRUISES, moments, strict=True)):
        marks = [_mark(BodyView.BACK, point, MarkType.BRUISE, (2.5 + index * 0.5, 2.0),
                       moment, shape="Oval", colours=colours, child_explanation=words)]
        if index == 1:
            view, at, kind, size = SHIN_GRAZE
            marks.append(_mark(view, at, kind, size, moment, shape="Irregular",
                               colours=("red",), child_explanation=words))
        maps.append(BodyMapContent(pupil_id, None, *PE_TEACHER, moment + COMPLETED_AFTER,
                                   tuple(marks), notes=EARLIER_NOTE.format(name=name)))
    return maps


def _school_day_before(moment: datetime) -> datetime:
    """The same time on the nearest earlier weekday in term (not August, not the
    Christmas fortnight), so a PE lesson could have been on it."""
    while moment.weekday() >= 5 or moment.month == 8 or (moment.month, moment.day) >= (12, 21) \
            or (moment.month, moment.day) <= (1, 3):
        moment -= timedelta(days=1)
    return moment

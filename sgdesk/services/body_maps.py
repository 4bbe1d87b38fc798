"""Adding, amending and reading body maps.

A body map belongs to one pupil and may belong to a concern about them. Like a
concern it is never overwritten: a correction is a new version with who, when
and why, and every earlier version stays. A fresh map is made for each new
sighting; amending is for correcting the record of the same one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sgdesk.models.body_maps import BodyMapContent
from sgdesk.models.concerns import validate_amendment_reason
from sgdesk.models.errors import InvalidInput
from sgdesk.services import access
from sgdesk.services.amendments import check_amendment
from sgdesk.services.session import Session
from sgdesk.services.users import user_names
from sgdesk.storage import codec
from sgdesk.storage.body_maps_repo import BodyMapRepository, StoredBodyMap, stored_moment
from sgdesk.storage.concerns_repo import ConcernRepository
from sgdesk.storage.pupils_repo import PupilRepository


@dataclass(frozen=True)
class BodyMapVersion:
    """One saved version: the original (number 1) or an amendment with who, when, why."""

    number: int
    content: BodyMapContent
    saved_by: str
    saved_at: datetime
    reason: str


@dataclass(frozen=True)
class BodyMapRecord:
    """A body map with every version, oldest first."""

    id: str
    versions: tuple[BodyMapVersion, ...]

    @property
    def current(self) -> BodyMapContent:
        return self.versions[-1].content

    @property
    def version(self) -> int:
        return self.versions[-1].number


def add_body_map(session: Session, content: BodyMapContent) -> str:
    """Any user who can write (DSL, deputy, SENDCO) adds a map; returns its id. A
    SENDCO maps pupils with SEND only."""
    session.require_write()
    access.require_pupil_visible(session, content.pupil_id, access.WRITE_NOT_VISIBLE)
    content = content.validated(_now(session))
    _check_links(session, content)
    map_id = str(uuid.uuid4())
    with session.db.write(session.user.id) as tx:
        BodyMapRepository(session.db).add(tx, map_id, content)
    return map_id


def amend_body_map(session: Session, map_id: str, content: BodyMapContent, reason: str,
                   base_version: int) -> int:
    """Save a corrected version (a reason is required); the earlier ones stay.
    A map stays with the pupil it was made for."""
    session.require_write()
    repo = BodyMapRepository(session.db)
    _require_map_visible(session, repo.current(map_id))
    reason = validate_amendment_reason(reason)
    content = content.validated(_now(session))
    check_amendment(repo.current(map_id), content, record="body map",
                    stays_with="A body map stays with the pupil it was made for. Make a new "
                               "map for the other pupil instead.")
    _check_links(session, content)
    with session.db.write(session.user.id) as tx:
        return repo.amend(tx, map_id, content, reason, base_version)


def get_body_map(session: Session, map_id: str) -> BodyMapRecord:
    repo = BodyMapRepository(session.db)
    _require_map_visible(session, repo.current(map_id))
    found = repo.get(map_id)
    if found is None:
        raise InvalidInput("That body map does not exist.")
    return _records(session, [found])[0]


def body_maps_for_pupil(session: Session, pupil_id: str, start: date | None = None,
                        end: date | None = None) -> list[BodyMapRecord]:
    """The pupil's maps, oldest first by when they were completed; ``start`` and
    ``end`` (both inclusive, local days) limit them by that date."""
    access.require_pupil_visible(session, pupil_id)
    from_at = _start_of(start) if start else None
    before_at = _start_of(end + timedelta(days=1)) if end else None
    return _records(session, BodyMapRepository(session.db).for_pupil(pupil_id, from_at,
                                                                      before_at))


def body_maps_for_concern(session: Session, concern_id: str) -> list[BodyMapRecord]:
    """The maps linked to a concern, oldest first. A concern about several children
    has maps for each: callers showing one pupil's file keep only that pupil's.
    A SENDCO gets the maps of the children with SEND only."""
    access.require_concern_visible(session, concern_id)
    records = _records(session, BodyMapRepository(session.db).for_concern(concern_id))
    if access.sees_all(session):
        return records
    visible = access.visible_ids(session, {r.current.pupil_id for r in records})
    return [r for r in records if r.current.pupil_id in visible]


def _now(session: Session) -> datetime:
    return session.db.clock().astimezone(UTC)


def _start_of(day: date) -> str:
    """The first moment of a local day, as the stored columns hold moments."""
    return stored_moment(datetime.combine(day, time.min).astimezone())


def _require_map_visible(session: Session, current: BodyMapContent | None) -> None:
    """A map is in sight with its pupil (one that does not exist is for the caller
    to report)."""
    if current is not None:
        access.require_pupil_visible(session, current.pupil_id)


def _check_links(session: Session, content: BodyMapContent) -> None:
    if PupilRepository(session.db).get(content.pupil_id) is None:
        raise InvalidInput("That pupil is not on the register.", field="pupil_id")
    if content.concern_id is None:
        return
    concern = ConcernRepository(session.db).get(content.concern_id)
    if concern is None:
        raise InvalidInput("That concern does not exist.", field="concern_id")
    if all(c.pupil_id != content.pupil_id for c in concern.content.children):
        raise InvalidInput("That concern is not about this pupil: link the map to one of "
                           "their concerns, or to none.", field="concern_id")


def _records(session: Session, stored: list[StoredBodyMap]) -> list[BodyMapRecord]:
    names = user_names(session)
    return [
        BodyMapRecord(s.id, tuple(
            BodyMapVersion(v.number, codec.loads(BodyMapContent, v.body),
                           names.get(v.saved_by, "unknown user"),
                           datetime.fromisoformat(v.saved_at), v.reason)
            for v in s.versions))
        for s in stored
    ]

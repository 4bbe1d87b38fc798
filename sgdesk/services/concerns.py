"""Logging, amending and reviewing concerns, and showing them on a pupil's file.

A saved concern is never overwritten: every change is a new version with who,
when and why. On pupil A's file a concern shows only A's role; other children
appear without their role, and by name only where the DSL chose to show it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sgdesk.models.concerns import (
    Concern,
    ConcernContent,
    ConcernOnFile,
    ConcernVersion,
    InvolvedChild,
    Review,
    changed_fields,
    validate_amendment_reason,
    view_for_pupil,
)
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.users import Role
from sgdesk.services import access
from sgdesk.services.session import Session
from sgdesk.services.users import user_names
from sgdesk.storage import codec
from sgdesk.storage.concerns_repo import ConcernRepository, StoredConcern
from sgdesk.storage.labels_repo import LabelRepository
from sgdesk.storage.pupils_repo import PupilRepository

REVIEWER_ROLES = (Role.DSL, Role.DEPUTY_DSL)


@dataclass(frozen=True)
class ConcernEntry:
    """A concern as listed and printed on one pupil's file."""

    id: str
    version: int
    status: str
    logged_at: datetime
    on_file: ConcernOnFile


@dataclass(frozen=True)
class VersionOnFile:
    """One saved version as it appears on one pupil's file. ``changed`` names the
    fields that differ from the previous version shown (empty for the original)."""

    number: int
    saved_by: str
    saved_at: datetime
    reason: str
    on_file: ConcernOnFile
    changed: tuple[str, ...]


@dataclass(frozen=True)
class ConcernFileRecord:
    """A concern with its whole history, seen from one pupil's file: what the
    concern view and the printed record show."""

    id: str
    pupil_id: str
    status: str
    versions: tuple[VersionOnFile, ...]

    @property
    def current(self) -> VersionOnFile:
        return self.versions[-1]


@dataclass(frozen=True)
class HomeConcern:
    """One concern as a line of the home view: what the DSL needs to recognise it
    and open it. ``children`` are display names in the order the concern lists
    them (never their roles); ``pupil_id`` is the first child's, whose file the
    concern opens on."""

    id: str
    pupil_id: str
    children: tuple[str, ...]
    happened_on: date
    categories: tuple[str, ...]
    reporter_name: str


@dataclass(frozen=True)
class HomeAction:
    """An open action from a DSL review, with the concern it belongs to."""

    description: str
    owner: str
    due: date
    concern: HomeConcern


@dataclass(frozen=True)
class HomeLists:
    """The home view's lists. Only reviewers (DSL, deputy) get the review queue and
    actions; everyone who can open concerns gets the recently logged ones."""

    awaiting_review: tuple[HomeConcern, ...]
    overdue_actions: tuple[HomeAction, ...]
    due_this_week: tuple[HomeAction, ...]
    recently_logged: tuple[HomeConcern, ...]


def _now(session: Session) -> datetime:
    return session.db.clock().astimezone(UTC)


def log_concern(session: Session, content: ConcernContent) -> str:
    """Any user who can write (DSL, deputy, SENDCO) logs a concern; a SENDCO about
    pupils with SEND only."""
    session.require_write()
    access.require_all_visible(session, [c.pupil_id for c in content.children],
                               access.WRITE_NOT_VISIBLE)
    content = content.validated(_now(session))
    _check_children_exist(session, content)
    concern_id = str(uuid.uuid4())
    with session.db.write(session.user.id) as tx:
        ConcernRepository(session.db).add(tx, concern_id, content)
    return concern_id


def amend_concern(session: Session, concern_id: str, content: ConcernContent, reason: str,
                  base_version: int) -> int:
    """Save an amended version; the original and every earlier version stay. A
    SENDCO amends only a concern whose children (before and after) all have SEND."""
    session.require_write()
    if not access.sees_all(session):
        _require_whole_visible(session, _history(session, concern_id))
        access.require_all_visible(session, [c.pupil_id for c in content.children],
                                   access.WRITE_NOT_VISIBLE)
    reason = validate_amendment_reason(reason)
    content = content.validated(_now(session))
    _check_children_exist(session, content)
    current = _stored(session, concern_id)
    if current.content.review != content.review:
        _require_reviewer(session)
    if not changed_fields(current.content, content):
        raise InvalidInput("Nothing has changed, so there is nothing to amend.", field="reason")
    with session.db.write(session.user.id) as tx:
        return ConcernRepository(session.db).amend(tx, concern_id, content, reason,
                                                   base_version)


def record_review(session: Session, concern_id: str, review: Review, base_version: int,
                  reason: str = "") -> int:
    """The DSL's decision, reasons, actions, outcome and sign-off: a new version.
    The first review needs no amendment reason; changing a review does."""
    _require_reviewer(session)
    review = review.validated()
    current = _stored(session, concern_id)
    if current.content.review is None:
        reason = reason.strip() or "DSL review recorded"
    return amend_concern(session, concern_id, replace(current.content, review=review), reason,
                         base_version)


def get_concern(session: Session, concern_id: str) -> Concern:
    """Every version, oldest first, with the saver's name and every child's role
    (for the amendment and review forms). A SENDCO sees a concern whole only when
    every child it has ever been about has SEND; otherwise only as a child's file
    shows it (:func:`concern_on_file`)."""
    record = _history(session, concern_id)
    _require_whole_visible(session, record)
    return record


def _history(session: Session, concern_id: str) -> Concern:
    """Every version of the concern, unfiltered: callers apply the label-leak rule
    or check the user may see the whole of it."""
    repo = ConcernRepository(session.db)
    names = user_names(session)
    versions = tuple(
        ConcernVersion(v.number, codec.loads(ConcernContent, v.body),
                       names.get(v.saved_by, "unknown user"),
                       datetime.fromisoformat(v.saved_at), v.reason)
        for v in repo.history(concern_id)
    )
    if not versions:
        raise InvalidInput("That concern does not exist.")
    return Concern(concern_id, versions)


def concern_on_file(session: Session, concern_id: str, pupil_id: str) -> ConcernFileRecord:
    """Every version of a concern as pupil ``pupil_id``'s file shows it: the
    label-leak rule applied to each, and "what changed" worked out on those views
    so a change to another child's role never shows. Versions from before this
    pupil was added to the concern are left out."""
    access.require_pupil_visible(session, pupil_id)
    record = _history(session, concern_id)
    names = _shown_names(session, {c for v in record.versions for c in v.content.children},
                         pupil_id)
    views: list[VersionOnFile] = []
    for version in record.versions:
        if all(c.pupil_id != pupil_id for c in version.content.children):
            continue
        on_file = view_for_pupil(version.content, pupil_id, names)
        changed = (tuple(changed_fields(views[-1].on_file.content, on_file.content))
                   if views else ())
        views.append(VersionOnFile(version.number, version.saved_by, version.saved_at,
                                   version.reason, on_file, changed))
    if not views:
        raise InvalidInput("That concern is not on this pupil's file.")
    return ConcernFileRecord(concern_id, pupil_id, _stored(session, concern_id).status,
                             tuple(views))


def version_on_file_at(session: Session, concern_id: str, pupil_id: str,
                       moment: datetime) -> VersionOnFile | None:
    """The version of the concern saved last by ``moment``, as pupil ``pupil_id``'s
    file shows it (what a referral drew on then); ``None`` if there was none yet,
    or by then the concern was no longer about this pupil."""
    access.require_pupil_visible(session, pupil_id)
    then = [v for v in _history(session, concern_id).versions if v.saved_at <= moment]
    if not then or all(c.pupil_id != pupil_id for c in then[-1].content.children):
        return None
    return next(v for v in concern_on_file(session, concern_id, pupil_id).versions
                if v.number == then[-1].number)


def concerns_on_file(session: Session, pupil_id: str) -> list[ConcernEntry]:
    """The pupil's concerns, newest first, with the label-leak rule applied."""
    access.require_pupil_visible(session, pupil_id)
    stored = ConcernRepository(session.db).for_pupil(pupil_id)
    names = _shown_names(session, {c for s in stored for c in s.content.children}, pupil_id)
    return [
        ConcernEntry(s.id, s.version, s.status, datetime.fromisoformat(s.logged_at),
                     view_for_pupil(s.content, pupil_id, names))
        for s in stored
    ]


def home_lists(session: Session, today: date) -> HomeLists:
    """What the home view shows, read in one go: concerns from indexed columns, the
    children's names in one query. Non-reviewers get the recently logged list only;
    a SENDCO, the concerns about a pupil with SEND, naming only such pupils."""
    repo = ConcernRepository(session.db)
    reviewer = session.user.role in REVIEWER_ROLES
    waiting = repo.with_status("awaiting_review") if reviewer else []
    due = repo.open_actions_due_by(today + timedelta(days=7)) if reviewer else []
    recent = repo.recently_logged()
    stored = {s.id: s for s in (*waiting, *recent)}
    for concern_id in {a.concern_id for a in due} - stored.keys():
        found = repo.get(concern_id)
        if found is not None:
            stored[concern_id] = found
    child_ids = sorted({c.pupil_id for s in stored.values() for c in s.content.children})
    names = {p.id: p.display_name
             for p in PupilRepository(session.db).get_many(child_ids).values()
             if access.can_see(session, p)}
    everyone = access.sees_all(session)
    lines = {concern_id: line for concern_id, s in stored.items()
             if (line := _home_concern(s, names, everyone)) is not None}
    actions = [HomeAction(a.description, a.owner, a.due, lines[a.concern_id])
               for a in due if a.due and a.concern_id in lines]
    return HomeLists(
        awaiting_review=tuple(lines[s.id] for s in waiting),
        overdue_actions=tuple(a for a in actions if a.due < today),
        due_this_week=tuple(a for a in actions if a.due >= today),
        recently_logged=tuple(lines[s.id] for s in recent if s.id in lines),
    )


def _home_concern(stored: StoredConcern, names: dict[str, str],
                  everyone: bool) -> HomeConcern | None:
    """The concern's line, naming the children the user may see (``names`` holds
    only those) and opening on the first of them; ``None`` when they may see none."""
    content = stored.content
    children = [c.pupil_id for c in content.children]
    shown = children if everyone else [c for c in children if c in names]
    if not shown:
        return None
    return HomeConcern(
        stored.id, shown[0], tuple(names.get(c, "a pupil") for c in shown),
        content.happened_at.astimezone().date(), content.categories, content.reporter_name,
    )


def categories(session: Session) -> list[str]:
    return LabelRepository(session.db).active("category")


def tags(session: Session) -> list[str]:
    return LabelRepository(session.db).active("tag")


def add_label(session: Session, kind: str, name: str) -> None:
    """The DSL edits the school's category and tag lists."""
    session.require_user_admin()
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("Enter a name.", field="name")
    with session.db.write(session.user.id) as tx:
        LabelRepository(session.db).add(tx, kind, clean)


def _stored(session: Session, concern_id: str) -> StoredConcern:
    found = ConcernRepository(session.db).get(concern_id)
    if found is None:
        raise InvalidInput("That concern does not exist.")
    return found


def _require_whole_visible(session: Session, record: Concern) -> None:
    access.require_all_visible(
        session, {c.pupil_id for v in record.versions for c in v.content.children},
        access.NOT_WHOLE)


def _shown_names(session: Session, children: set[InvolvedChild], pupil_id: str
                 ) -> dict[str, str]:
    """The names of the other children on ``pupil_id``'s file that the DSL chose
    to show, of those the user may see (a SENDCO never learns another pupil's
    name from a file)."""
    wanted = sorted({c.pupil_id for c in children
                     if c.name_shown_to_others and c.pupil_id != pupil_id})
    return {p.id: p.display_name
            for p in PupilRepository(session.db).get_many(wanted).values()
            if access.can_see(session, p)}


def _require_reviewer(session: Session) -> None:
    if session.user.role not in REVIEWER_ROLES:
        raise PermissionDenied("Only the DSL or a deputy DSL can record the DSL's review.")


def _check_children_exist(session: Session, content: ConcernContent) -> None:
    ids = [c.pupil_id for c in content.children]
    if len(PupilRepository(session.db).get_many(ids)) != len(set(ids)):
        raise InvalidInput("A child in this concern is not on the register.", field="children")

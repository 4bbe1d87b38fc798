"""Drafting, finalising and tracking referrals to partner agencies.

Who may do what:
- the DSL and deputy DSLs draft, finalise, amend and track referrals about pupils;
- the SENDCO (for pupils with SEND only, see :mod:`.access`) and the auditor may
  read a pupil's referrals, never change them;
- LADO referrals (allegations about adults, from the register) are the DSL's alone,
  reads included, and never appear on a pupil's file.

A draft is pre-filled from the record, but the child's details are not copied
into it: the pack reads them fresh from the register when it is printed, so a
referral drafted last week prints today's address. Finalising freezes the
referral and stores a snapshot of the child's register entry and of the chosen
concerns as the child's file showed them, so a sent referral prints what was sent
however the register changes later. Every change, sending and feedback included,
is a new version; none is ever overwritten.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sgdesk.models.adult_concerns import AdultConcern, AdultConcernKind
from sgdesk.models.concerns import ConcernOnFile, validate_amendment_reason
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.pupils import Pupil
from sgdesk.models.referrals import (
    DEFAULT_ESCALATION_STAGES,
    Feedback,
    FollowUp,
    MissingInformation,
    ReferralBody,
    ReferralContent,
    ReferralKind,
    ReferralState,
    ReferralTracking,
    RegisterSnapshot,
    Sending,
    SnapshotConcern,
    feedback_problems,
    follow_up_problems,
    missing_information,
    raise_first,
    validate_escalation_stages,
    validate_sending,
)
from sgdesk.models.users import Role
from sgdesk.models.working_days import ENGLAND, WorkingDayCalendar
from sgdesk.services import access
from sgdesk.services.adult_concerns import get_adult_concern
from sgdesk.services.concerns import version_on_file_at
from sgdesk.services.pupils import get_pupil
from sgdesk.services.school_calendar import working_calendar
from sgdesk.services.session import Session
from sgdesk.services.users import list_users, user_names
from sgdesk.storage import codec
from sgdesk.storage.concerns_repo import ConcernRepository
from sgdesk.storage.pupils_repo import PupilRepository
from sgdesk.storage.referrals_repo import ReferralRepository, StoredReferral
from sgdesk.storage.settings_repo import KeyValueTable

#: Who drafts, finalises and tracks referrals about pupils.
REFERRER_ROLES = (Role.DSL, Role.DEPUTY_DSL)
ESCALATION_STAGES_KEY = "referral_escalation_stages"
SCHOOL_CONTACT_KEY = "referral_school_contact"


@dataclass(frozen=True)
class ReferralVersion:
    """One saved version: what the referral said and what had happened to it, with
    who saved it, when and why ("Draft saved", "Finalised", an amendment's reason,
    "Sending recorded"...)."""

    number: int
    content: ReferralContent
    tracking: ReferralTracking
    saved_by: str
    saved_at: datetime
    reason: str


@dataclass(frozen=True)
class ReferralRecord:
    """A referral with every version, oldest first. ``state`` is ``"draft"`` or
    ``"final"`` (a :class:`ReferralState`, which compares equal to those strings)."""

    id: str
    state: ReferralState
    created_at: datetime
    versions: tuple[ReferralVersion, ...]
    #: The school's working days, which the decision clock counts.
    calendar: WorkingDayCalendar = ENGLAND

    @property
    def decision_due(self) -> date | None:
        return self.tracking.decision_due(self.calendar)

    def feedback_overdue(self, today: date) -> bool:
        return self.tracking.feedback_overdue(today, self.calendar)

    @property
    def content(self) -> ReferralContent:
        return self.versions[-1].content

    @property
    def tracking(self) -> ReferralTracking:
        return self.versions[-1].tracking

    @property
    def version(self) -> int:
        return self.versions[-1].number


@dataclass(frozen=True)
class OverdueReferral:
    """A sent referral whose decision was due and no feedback has been recorded."""

    id: str
    pupil_id: str
    pupil_name: str
    kind: ReferralKind
    sent_at: datetime
    decision_due: date


@dataclass(frozen=True)
class PackConcern:
    """A chosen concern as this child's file shows it (never another child's role)."""

    concern_id: str
    version: int
    on_file: ConcernOnFile


@dataclass(frozen=True)
class ReferralPack:
    """Everything a template or PDF needs, read in one go.

    ``pupil`` and ``concerns`` are the register as it was when the referral was
    finalised (``register_as_of`` says when); for a draft they are read live and
    ``register_as_of`` is None. ``adult_concern`` is set for a LADO referral only.
    ``missing`` lists the gaps :func:`missing_information` finds.
    """

    referral_id: str
    version: int
    state: ReferralState
    school_name: str
    content: ReferralContent
    tracking: ReferralTracking
    pupil: Pupil | None
    adult_concern: AdultConcern | None
    concerns: tuple[PackConcern, ...]
    missing: tuple[str, ...]
    produced_by: str
    produced_by_role: str
    produced_at: datetime
    register_as_of: datetime | None
    #: One working day after sending, on the school's calendar.
    decision_due: date | None = None


# -- permissions -------------------------------------------------------------------
def _require_referrer(session: Session, about_an_adult: bool) -> None:
    """Changing a referral: the DSL or a deputy; a LADO referral, the DSL only."""
    if about_an_adult:
        _require_dsl_for_lado(session)
    elif session.user.role not in REFERRER_ROLES:
        raise PermissionDenied(f"{session.user.role.label} accounts can read referrals but "
                               "not draft, send or change them.")


def _require_dsl_for_lado(session: Session) -> None:
    if session.user.role is not Role.DSL:
        raise PermissionDenied("Only the Designated Safeguarding Lead can see referrals to "
                               "the LADO.")


def _now(session: Session) -> datetime:
    return session.db.clock().astimezone(UTC)


def _today(session: Session) -> date:
    return session.db.clock().astimezone().date()


# -- drafting ----------------------------------------------------------------------
def start_referral(session: Session, kind: ReferralKind, *, pupil_id: str | None = None,
                   adult_concern_id: str | None = None, concern_ids: tuple[str, ...] = ()
                   ) -> str:
    """Start a draft pre-filled from the record; returns its id.

    The referrer is the signed-in user, the contact is the school's referral
    contact (if set), the DSL consulted is whoever holds the DSL role, and
    previous involvement lists this child's earlier referrals and their outcomes.
    The child's details are not copied: :func:`referral_pack` reads them when the
    referral is printed. A LADO referral starts from an allegation on the register.
    """
    about_an_adult = not kind.about_a_pupil
    _require_referrer(session, about_an_adult)
    content = ReferralContent(
        kind, pupil_id, tuple(concern_ids),
        referrer_name=session.user.display_name,
        referrer_role=session.user.role.label,
        referrer_contact=school_contact(session),
        dsl_consulted=", ".join(u.display_name for u in list_users(session)
                                if u.role is Role.DSL and u.is_active),
        adult_concern_id=adult_concern_id,
    ).validated()
    if about_an_adult:
        if adult_concern_id is None:
            raise InvalidInput("Choose the allegation on the register this referral is about.",
                               field="adult_concern_id")
        register = get_adult_concern(session, adult_concern_id)  # the role is checked too
        if register.current.content.kind is not AdultConcernKind.ALLEGATION:
            raise InvalidInput("Only an allegation goes to the LADO; a low-level concern is "
                               "kept and reviewed in school.", field="adult_concern_id")
    else:
        if pupil_id is None:
            raise InvalidInput("Choose the child this referral is about.", field="pupil_id")
        content = replace(content, previous_involvement=_earlier_referrals(session, pupil_id))
    _check_links(session, content)
    referral_id = str(uuid.uuid4())
    with session.db.write(session.user.id) as tx:
        ReferralRepository(session.db).add(
            tx, referral_id, ReferralBody(ReferralState.DRAFT, content),
            working_calendar(session))
    return referral_id


def save_draft(session: Session, referral_id: str, content: ReferralContent,
               base_version: int) -> int:
    """Save the DSL's edits to a draft as a new version. A final referral is not a
    draft any more: change it with :func:`amend_referral`, giving a reason."""
    body = _for_change(session, referral_id)
    if body.state is not ReferralState.DRAFT:
        raise InvalidInput("This referral has been finalised: amend it instead, saying why.",
                           field="reason")
    content = _checked_edit(session, body.content, content)
    if content == body.content:
        raise InvalidInput("Nothing has changed since the draft was last saved.")
    return _save(session, referral_id, replace(body, content=content), "Draft saved",
                 base_version)


def finalise(session: Session, referral_id: str, base_version: int, *,
             missing_acknowledged: bool = False) -> int:
    """Freeze the draft; later changes are amendments.

    Raises :class:`MissingInformation` (an :class:`InvalidInput`) listing what a
    recipient would have to call back about, unless ``missing_acknowledged``: the
    final version's reason then records what was missing. The final version holds
    a snapshot of the register, which is what the referral prints from then on.
    """
    body = _for_change(session, referral_id)
    if body.state is not ReferralState.DRAFT:
        raise InvalidInput("This referral is already final.")
    content = body.content.validated()
    _check_links(session, content)  # a concern may have been amended since the draft
    snapshot = _snapshot(session, content, None)
    missing = missing_information(content, snapshot.pupil)
    if missing and not missing_acknowledged:
        raise MissingInformation(missing)
    reason = "Finalised"
    if missing:
        reason += " with information missing: " + "; ".join(missing)
    final = replace(body, state=ReferralState.FINAL, snapshot=snapshot)
    return _save(session, referral_id, final, reason, base_version)


def amend_referral(session: Session, referral_id: str, content: ReferralContent, reason: str,
                   base_version: int) -> int:
    """Change a final referral; a reason is required and every earlier version stays.
    A concern newly chosen is added to the snapshot as the file shows it now; the
    concerns and register entry already in it are kept as they were sent."""
    body = _for_change(session, referral_id)
    if body.state is not ReferralState.FINAL:
        raise InvalidInput("This referral is still a draft: save the draft instead.")
    reason = validate_amendment_reason(reason)
    content = _checked_edit(session, body.content, content)
    if content == body.content:
        raise InvalidInput("Nothing has changed, so there is nothing to amend.", field="reason")
    amended = replace(body, content=content, snapshot=_snapshot(session, content, body.snapshot))
    return _save(session, referral_id, amended, reason, base_version)


# -- tracking ----------------------------------------------------------------------
def record_sending(session: Session, referral_id: str, sending: Sending,
                   base_version: int) -> int:
    """How, when and to whom it went; starts the one-working-day decision clock.
    A draft may be sent: a phone referral comes first and is confirmed in writing.
    Recording it again corrects the details (the earlier version stays). A time
    without a zone is taken as this computer's local time."""
    body = _for_change(session, referral_id)
    sending = validate_sending(replace(sending, sent_at=sending.sent_at.astimezone(),
                                       recipient=sending.recipient.strip(),
                                       reference=sending.reference.strip()), _now(session))
    reason = ("Sending corrected" if body.tracking.sending else "Sending recorded") + \
        f": {sending.method.label.lower()} to {sending.recipient}"
    tracking = replace(body.tracking, sending=sending)
    return _save(session, referral_id, replace(body, tracking=tracking), reason, base_version)


def record_feedback(session: Session, referral_id: str, feedback: Feedback,
                    base_version: int) -> int:
    """The local authority's decision, as the school was told it (a correction is a
    new version too)."""
    body = _for_change(session, referral_id)
    feedback = replace(feedback, notes=feedback.notes.strip())
    raise_first(feedback_problems(feedback, body.tracking.sending, _today(session)))
    reason = ("Feedback corrected" if body.tracking.feedback else "Feedback recorded") + \
        f": {feedback.outcome.label}"
    tracking = replace(body.tracking, feedback=feedback)
    return _save(session, referral_id, replace(body, tracking=tracking), reason, base_version)


def add_follow_up(session: Session, referral_id: str, follow_up: FollowUp,
                  base_version: int) -> int:
    """Log a chase, or an escalation step (one of the school's stages). Entries are
    kept in date order; entries on the same day stay in the order they were added.
    ``by`` defaults to the signed-in user."""
    body = _for_change(session, referral_id)
    follow_up = replace(follow_up, by=follow_up.by.strip() or session.user.display_name,
                        note=follow_up.note.strip(), outcome=follow_up.outcome.strip())
    raise_first(follow_up_problems(follow_up, body.tracking.sending, _today(session),
                                   escalation_stages(session)))
    entries = sorted((*body.tracking.follow_ups, follow_up), key=lambda f: f.on)
    reason = (f"Escalation: {follow_up.escalation_stage}" if follow_up.escalation_stage
              else "Chased")
    tracking = replace(body.tracking, follow_ups=tuple(entries))
    return _save(session, referral_id, replace(body, tracking=tracking), reason, base_version)


def record_follow_up_outcome(session: Session, referral_id: str, position: int, outcome: str,
                             base_version: int) -> int:
    """Record what came of a chase or escalation (``position`` in ``follow_ups``)."""
    body = _for_change(session, referral_id)
    entries = list(body.tracking.follow_ups)
    if not 0 <= position < len(entries):
        raise InvalidInput("That chase is not on this referral.")
    if not outcome.strip():
        raise InvalidInput("Say what came of it.", field="outcome")
    entries[position] = replace(entries[position], outcome=outcome.strip())
    tracking = replace(body.tracking, follow_ups=tuple(entries))
    return _save(session, referral_id, replace(body, tracking=tracking),
                 "Outcome of a follow-up recorded", base_version)


# -- reading -----------------------------------------------------------------------
def get_referral(session: Session, referral_id: str) -> ReferralRecord:
    """Every version, oldest first. A LADO referral is the DSL's alone."""
    repo = ReferralRepository(session.db)
    if repo.is_about_an_adult(referral_id):
        _require_dsl_for_lado(session)
    access.require_referral_visible(session, referral_id)
    found = repo.get(referral_id)
    if found is None:
        raise InvalidInput("That referral does not exist.")
    return _records(session, [found])[0]


def referrals_for_pupil(session: Session, pupil_id: str) -> list[ReferralRecord]:
    """The child's referrals, oldest first. LADO referrals are never on a pupil's file."""
    access.require_pupil_visible(session, pupil_id)
    return _records(session, ReferralRepository(session.db).for_pupil(pupil_id))


def referrals_for_adult_concern(session: Session, adult_concern_id: str
                                ) -> list[ReferralRecord]:
    """The LADO referrals about one allegation on the register, oldest first: the
    DSL's alone, like the register they come from."""
    _require_dsl_for_lado(session)
    return _records(session, ReferralRepository(session.db).for_adult_concern(adult_concern_id))


def overdue_feedback(session: Session, today: date) -> list[OverdueReferral]:
    """Referrals about pupils sent without feedback after their decision was due
    (counted in working days: weekends, England bank holidays and the school's
    closure days excluded), the longest overdue first. The DSL's and deputies' work
    list: empty for other roles. LADO referrals are followed up from the register, not
    listed here."""
    if session.user.role not in REFERRER_ROLES:
        return []
    calendar = working_calendar(session)
    overdue: list[OverdueReferral] = []
    for waiting in ReferralRepository(session.db).awaiting_feedback(today):
        content, tracking = waiting.body.content, waiting.body.tracking
        due = tracking.decision_due(calendar)
        if content.pupil_id and tracking.sending and due and \
                tracking.feedback_overdue(today, calendar):
            overdue.append(OverdueReferral(waiting.id, content.pupil_id, "", content.kind,
                                           tracking.sending.sent_at, due))
    names = {p.id: p.display_name for p in PupilRepository(session.db).get_many(
        sorted({o.pupil_id for o in overdue})).values()}
    return [replace(o, pupil_name=names.get(o.pupil_id, "a pupil")) for o in overdue]


def referral_pack(session: Session, referral_id: str) -> ReferralPack:
    """What a form or letter prints: a final referral from its snapshot, a draft from
    the register as it is now. Concerns are as this child's file shows them (to a
    SENDCO, without the names of children out of their sight)."""
    repo = ReferralRepository(session.db)
    about_an_adult = repo.is_about_an_adult(referral_id)
    if about_an_adult:
        _require_dsl_for_lado(session)
    access.require_referral_visible(session, referral_id)
    found = repo.current(referral_id)
    if found is None:
        raise InvalidInput("That referral does not exist.")
    body, version = found
    snapshot = body.snapshot or _snapshot(session, body.content, None)
    return ReferralPack(
        referral_id, version, body.state, session.school_name, body.content, body.tracking,
        snapshot.pupil, snapshot.adult_concern,
        tuple(PackConcern(c.concern_id, c.version, access.names_in_sight(session, c.on_file))
              for c in snapshot.concerns),
        tuple(missing_information(body.content, snapshot.pupil)),
        session.user.display_name, session.user.role.label, _now(session),
        snapshot.taken_at if body.snapshot else None,
        body.tracking.decision_due(working_calendar(session)),
    )


# -- settings ----------------------------------------------------------------------
def escalation_stages(session: Session) -> list[str]:
    """The school's stages of professional challenge, in order."""
    stored = KeyValueTable(session.db, "settings").get(ESCALATION_STAGES_KEY)
    return [str(s) for s in stored] if stored else list(DEFAULT_ESCALATION_STAGES)


def set_escalation_stages(session: Session, stages: list[str]) -> None:
    """The DSL sets the stages from the local partnership's escalation policy."""
    _require_dsl(session, "set the escalation stages")
    clean = list(validate_escalation_stages(stages))
    with session.db.write(session.user.id) as tx:
        KeyValueTable(session.db, "settings").put(tx, ESCALATION_STAGES_KEY, clean)


def school_contact(session: Session) -> str:
    """How a recipient reaches the school's safeguarding team (pre-fills referrals)."""
    return str(KeyValueTable(session.db, "settings").get(SCHOOL_CONTACT_KEY, ""))


def set_school_contact(session: Session, contact: str) -> None:
    _require_dsl(session, "set the school's referral contact")
    with session.db.write(session.user.id) as tx:
        KeyValueTable(session.db, "settings").put(tx, SCHOOL_CONTACT_KEY,
                                                  " ".join(contact.split()))


def _require_dsl(session: Session, to_do: str) -> None:
    if session.user.role is not Role.DSL:
        raise PermissionDenied(f"Only the Designated Safeguarding Lead can {to_do}.")


# -- helpers -----------------------------------------------------------------------
def _for_change(session: Session, referral_id: str) -> ReferralBody:
    """The current body, once the role is known to be allowed to change it (the
    version is checked when saving: the caller's base version)."""
    repo = ReferralRepository(session.db)
    about_an_adult = repo.is_about_an_adult(referral_id)
    if about_an_adult is None:
        raise InvalidInput("That referral does not exist.")
    _require_referrer(session, about_an_adult)
    found = repo.current(referral_id)
    assert found is not None
    return found[0]


def _save(session: Session, referral_id: str, body: ReferralBody, reason: str,
          base_version: int) -> int:
    calendar = working_calendar(session)
    with session.db.write(session.user.id) as tx:
        return ReferralRepository(session.db).amend(tx, referral_id, body, reason,
                                                    base_version, calendar)


def _checked_edit(session: Session, before: ReferralContent, after: ReferralContent
                  ) -> ReferralContent:
    """A referral stays with its kind and its child (or allegation); its concerns
    must be about that child."""
    if (after.kind, after.pupil_id, after.adult_concern_id) != \
            (before.kind, before.pupil_id, before.adult_concern_id):
        raise InvalidInput("A referral stays with the kind, child or allegation it was "
                           "started for. Start a new referral instead.", field="kind")
    after = after.validated()
    _check_links(session, after)
    return after


def _check_links(session: Session, content: ReferralContent) -> None:
    if content.pupil_id is None:
        return
    if PupilRepository(session.db).get(content.pupil_id) is None:
        raise InvalidInput("That pupil is not on the register.", field="pupil_id")
    concerns = ConcernRepository(session.db)
    for concern_id in content.concern_ids:
        found = concerns.get(concern_id)
        if found is None or all(c.pupil_id != content.pupil_id
                                for c in found.content.children):
            raise InvalidInput("A chosen concern is not on this child's file.",
                               field="concern_ids")


def _snapshot(session: Session, content: ReferralContent,
              kept: RegisterSnapshot | None) -> RegisterSnapshot:
    """The register as the referral draws on it now; what ``kept`` already holds
    (the register as first sent) stays as it was."""
    now = _now(session)
    if content.adult_concern_id is not None:
        adult = kept.adult_concern if kept else \
            get_adult_concern(session, content.adult_concern_id).current.content
        return RegisterSnapshot(kept.taken_at if kept else now, adult_concern=adult)
    assert content.pupil_id is not None
    pupil = kept.pupil if kept else _pupil_as_of(session, content.pupil_id, now)
    earlier = {c.concern_id: c for c in kept.concerns} if kept else {}
    concerns = (earlier.get(cid) or _concern_as_of(session, cid, content.pupil_id, now)
                for cid in content.concern_ids)
    return RegisterSnapshot(kept.taken_at if kept else now, pupil,
                            tuple(c for c in concerns if c is not None))


def _pupil_as_of(session: Session, pupil_id: str, moment: datetime) -> Pupil:
    """The register entry as it stood at ``moment`` (the store clock's now, so the
    latest version; a clock set back, as the demo's is, gets the version of then)."""
    history = get_pupil(session, pupil_id).history
    return next((v.pupil for v in reversed(history) if v.saved_at <= moment),
                history[-1].pupil)


def _concern_as_of(session: Session, concern_id: str, pupil_id: str, moment: datetime
                   ) -> SnapshotConcern | None:
    """The concern's version at ``moment`` as the child's file shows it; None if by
    then it had been amended so that it is no longer about this child (a draft's
    print leaves it out; finalising refuses it)."""
    view = version_on_file_at(session, concern_id, pupil_id, moment)
    return SnapshotConcern(concern_id, view.number, view.on_file) if view else None


def _earlier_referrals(session: Session, pupil_id: str) -> str:
    """One line per earlier referral from the school: kind, when sent, outcome."""
    lines = []
    for record in referrals_for_pupil(session, pupil_id):
        sending, feedback = record.tracking.sending, record.tracking.feedback
        if sending is None:
            continue
        sent_on = sending.sent_at.astimezone().date()
        when = f"{sent_on.day} {sent_on:%B %Y}"
        outcome = feedback.outcome.label.lower() if feedback else "no feedback recorded"
        lines.append(f"{record.content.kind.label}, sent {when}: {outcome}.")
    return "\n".join(lines)


def _records(session: Session, stored: list[StoredReferral]) -> list[ReferralRecord]:
    names = user_names(session)
    calendar = working_calendar(session)
    records = []
    for s in stored:
        bodies = [codec.loads(ReferralBody, v.body) for v in s.versions]
        versions = tuple(
            ReferralVersion(v.number, b.content, b.tracking,
                            names.get(v.saved_by, "unknown user"),
                            datetime.fromisoformat(v.saved_at), v.reason)
            for v, b in zip(s.versions, bodies, strict=True))
        records.append(ReferralRecord(s.id, bodies[-1].state,
                                      datetime.fromisoformat(s.created_at), versions, calendar))
    return records

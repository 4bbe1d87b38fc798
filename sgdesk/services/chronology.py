"""A pupil's chronology and a family's, built from the record each time they are
shown, and the events recorded by hand that only a chronology holds.

Entries drawn from records (concerns, DSL decisions, body maps, referrals,
casework) are
made from the current versions, so they follow every amendment and stay linked
to the record they came from. A concern's line is written from the pupil's own
file (the label-leak rule): its categories, this child's role, a short summary —
never another child's role or a name the DSL has not chosen to show. A concern
about two siblings is two lines on the family chronology, one from each file.

Which entries are significant starts from a rule per kind (see
:data:`ABUSE_CATEGORIES`, :data:`AGENCY_DECISIONS`); the DSL or a deputy may say
otherwise for any entry.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

from sgdesk.models.body_maps import MarkType
from sgdesk.models.casework import CaseContent, Meeting, Visit
from sgdesk.models.chronology import (
    PART_MARK,
    SOURCE_LABELS,
    ChronologyEntry,
    ChronologyEvent,
    ChronologyFilter,
    in_date_order,
)
from sgdesk.models.concerns import (
    ChildRole,
    ConcernContent,
    Decision,
    Review,
    validate_amendment_reason,
)
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.pupils import Pupil
from sgdesk.services import access
from sgdesk.services.body_maps import BodyMapRecord, body_maps_for_pupil
from sgdesk.services.casework import cases_for_pupil
from sgdesk.services.concerns import REVIEWER_ROLES, ConcernEntry, concerns_on_file
from sgdesk.services.pupils import family_members
from sgdesk.services.record_dates import day_text
from sgdesk.services.referrals import ReferralRecord, referrals_for_pupil
from sgdesk.services.session import Session
from sgdesk.services.users import user_names
from sgdesk.storage import codec
from sgdesk.storage.chronology_repo import ChronologyRepository, CurrentEvent, SignificanceKey
from sgdesk.storage.pupils_repo import PupilRepository

#: A concern in one of these categories is significant on a chronology by default.
ABUSE_CATEGORIES = frozenset({"Physical abuse", "Emotional abuse", "Sexual abuse", "Neglect"})
#: So is a concern the DSL decided to take to another agency.
AGENCY_DECISIONS = frozenset({Decision.EARLY_HELP, Decision.REFER_CSC, Decision.POLICE,
                              Decision.LADO, Decision.PREVENT})
#: How long a summary of a record's text may run on one line of a chronology.
SUMMARY_LENGTH = 240
WHOLE_FAMILY = "Whole family"
#: Entries whose significance the DSL's choices in the significance table decide.
DERIVED_KINDS = frozenset(SOURCE_LABELS) - {"event"}


@dataclass(frozen=True)
class EventVersion:
    """One saved version of a hand-recorded event: the original (number 1) or an
    amendment with who, when and why."""

    number: int
    content: ChronologyEvent
    saved_by: str
    saved_at: datetime
    reason: str


@dataclass(frozen=True)
class EventRecord:
    """A hand-recorded event with every version, oldest first."""

    id: str
    versions: tuple[EventVersion, ...]

    @property
    def current(self) -> ChronologyEvent:
        return self.versions[-1].content

    @property
    def version(self) -> int:
        return self.versions[-1].number


# -- hand-recorded events ----------------------------------------------------------
def add_event(session: Session, content: ChronologyEvent) -> str:
    """Any user who can write records an event; only a reviewer may give it a
    significance other than its kind's default. A SENDCO records events about a
    pupil with SEND, or their family."""
    session.require_write()
    _require_owner_visible(session, content, access.WRITE_NOT_VISIBLE)
    content = content.validated(_now(session))
    if content.significant != content.kind.significant_by_default:
        _require_reviewer(session)
    _check_owner(session, content)
    event_id = str(uuid.uuid4())
    with session.db.write(session.user.id) as tx:
        ChronologyRepository(session.db).add(tx, event_id, content)
    return event_id


def amend_event(session: Session, event_id: str, content: ChronologyEvent, reason: str,
                base_version: int) -> int:
    """Save a corrected version (a reason is required); the earlier ones stay. An
    event stays with the pupil or family it was recorded against."""
    session.require_write()
    repo = ChronologyRepository(session.db)
    current = _current_event(repo, event_id).content
    _require_owner_visible(session, current, access.WRITE_NOT_VISIBLE)
    reason = validate_amendment_reason(reason)
    content = content.validated(_now(session))
    if (content.pupil_id, content.family_id) != (current.pupil_id, current.family_id):
        raise InvalidInput("An event stays with the pupil or family it was recorded for. "
                           "Record a new event for the other one instead.", field="pupil_id")
    if content == current:
        raise InvalidInput("Nothing has changed, so there is nothing to amend.", field="reason")
    if content.significant not in (current.significant, content.kind.significant_by_default):
        _require_reviewer(session)
    with session.db.write(session.user.id) as tx:
        return repo.amend(tx, event_id, content, reason, base_version)


def get_event(session: Session, event_id: str) -> EventRecord:
    repo = ChronologyRepository(session.db)
    current = repo.current(event_id)
    if current is not None:
        _require_owner_visible(session, current.content)
    found = repo.history(event_id)
    if found is None:
        raise InvalidInput("That event does not exist.")
    names = user_names(session)
    return EventRecord(event_id, tuple(
        EventVersion(v.number, codec.loads(ChronologyEvent, v.body),
                     names.get(v.saved_by, "unknown user"), datetime.fromisoformat(v.saved_at),
                     v.reason)
        for v in found.versions))


def set_significance(session: Session, pupil_id: str | None, source_kind: str, source_id: str,
                     significant: bool) -> None:
    """The DSL or a deputy says whether an entry is significant. For an entry drawn
    from a record the choice is kept per pupil (audited); for a hand-recorded event
    it is an amendment of the event, so its history says who changed it."""
    _require_reviewer(session)
    repo = ChronologyRepository(session.db)
    if source_kind == "event":
        current = _current_event(repo, source_id)
        if current.content.significant == significant:
            return
        with session.db.write(session.user.id) as tx:
            repo.amend(tx, source_id, replace(current.content, significant=significant),
                       "Marked significant" if significant else "Marked not significant",
                       current.version)
        return
    if source_kind not in DERIVED_KINDS:
        raise InvalidInput("That is not a kind of chronology entry.")
    if pupil_id is None or PupilRepository(session.db).get(pupil_id) is None:
        raise InvalidInput("That pupil is not on the register.", field="pupil_id")
    with session.db.write(session.user.id) as tx:
        repo.set_significance(tx, pupil_id, source_kind, source_id, significant)


# -- chronologies -----------------------------------------------------------------
def pupil_chronology(session: Session, pupil_id: str) -> list[ChronologyEntry]:
    """Everything on the pupil's file that belongs in a chronology, in date order,
    with the events recorded against their family as a whole ("Father left the
    home" matters to each child's chronology)."""
    access.require_pupil_visible(session, pupil_id)
    found = PupilRepository(session.db).get_many([pupil_id])
    if not found:
        raise InvalidInput("That pupil is not on the register.")
    return _chronology(session, {pupil_id: ""}, found[pupil_id].family_id, family_view=False)


def family_chronology(session: Session, family_id: str) -> list[ChronologyEntry]:
    """The siblings' chronologies merged, with the family's own events, each line
    naming its child. Each child's lines are built from that child's file. A
    SENDCO gets the lines of the children with SEND and the family's own events."""
    members = family_members(session, family_id)
    if not members:
        raise InvalidInput("That family has no pupils linked to it.")
    eldest_first = sorted(members, key=_age_order)
    return _chronology(session, {p.id: p.display_name for p in eldest_first}, family_id,
                       family_view=True)


def describe_filter(chosen: ChronologyFilter) -> str:
    """A filter in words, for the printed header and the screen: "All entries"
    when nothing is filtered out."""
    parts: list[str] = []
    if chosen.significant_only:
        parts.append("Significant entries only")
    if chosen.start and chosen.end:
        parts.append(f"From {day_text(chosen.start)} to {day_text(chosen.end)}")
    elif chosen.start:
        parts.append(f"From {day_text(chosen.start)}")
    elif chosen.end:
        parts.append(f"Up to {day_text(chosen.end)}")
    if chosen.categories:
        parts.append("Categories: " + ", ".join(sorted(chosen.categories)))
    if chosen.sources:
        parts.append("Sources: " + ", ".join(
            label for kind, label in SOURCE_LABELS.items() if kind in chosen.sources))
    return "; ".join(parts) if parts else "All entries"


def _chronology(session: Session, children: dict[str, str], family_id: str | None, *,
                family_view: bool) -> list[ChronologyEntry]:
    """Entries for ``children`` (pupil id -> the name their lines carry) and, with
    a family, the family's events. Significance choices, decision times and events
    are read once for all the children."""
    repo = ChronologyRepository(session.db)
    ids = list(children)
    recorded = repo.decisions_recorded(ids)
    entries: list[ChronologyEntry] = []
    for pupil_id, name in children.items():
        entries += _derived_entries(session, pupil_id, name, recorded)
    overrides = repo.significance(ids)
    entries = [_with_choice(e, overrides) for e in entries]
    entries += (_event_entry(e, children, family_view)
                for e in repo.events_for(ids, family_id))
    return in_date_order(replace(e, sequence=n) for n, e in enumerate(entries))


def _derived_entries(session: Session, pupil_id: str, name: str,
                     recorded: dict[tuple[str, date], str]) -> list[ChronologyEntry]:
    """One pupil's entries drawn from records, in the order they were recorded."""
    concerns = sorted(concerns_on_file(session, pupil_id), key=lambda c: c.logged_at)
    entries: list[ChronologyEntry] = []
    for concern in concerns:
        entries.append(_concern_entry(concern, pupil_id, name))
        review = concern.on_file.content.review
        if review is not None:
            entries.append(_decision_entry(concern, review, pupil_id, name,
                                           recorded.get((concern.id, review.reviewed_on))))
    categories = {c.id: c.on_file.content.categories for c in concerns}
    entries += (_body_map_entry(m, pupil_id, name, categories)
                for m in body_maps_for_pupil(session, pupil_id))
    entries += _referral_entries(session, pupil_id, name, categories)
    for case in cases_for_pupil(session, pupil_id):
        entries += _case_entries(case.id, case.current, pupil_id, name)
    return entries


def _referral_entries(session: Session, pupil_id: str, name: str,
                      categories: dict[str, tuple[str, ...]]) -> list[ChronologyEntry]:
    """Referrals that were sent or finalised, dated when sent (when started, until
    then), with what came of them. A draft never sent is not yet an event in the
    child's life; a phone referral sent before its draft is finalised is."""
    entries: list[ChronologyEntry] = []
    for record in referrals_for_pupil(session, pupil_id):
        if record.state == "final" or record.tracking.sending is not None:
            entries.append(_referral_entry(record, pupil_id, name, categories))
            entries += _referral_follow_up_entries(record, pupil_id, name)
    return entries


# -- one entry per source ---------------------------------------------------------
def concern_significant_by_default(content: ConcernContent) -> bool:
    """A concern is significant when it is about one of the four kinds of abuse, or
    the DSL took it to another agency (Early Help, social care, police, Prevent,
    the LADO). Others (a one-off worry, monitoring) are on the chronology but not
    significant until the DSL says so."""
    decided = content.review.decision if content.review else None
    return not ABUSE_CATEGORIES.isdisjoint(content.categories) or decided in AGENCY_DECISIONS


def _concern_entry(concern: ConcernEntry, pupil_id: str, name: str) -> ChronologyEntry:
    """The concern as this pupil's file shows it: its categories, this child's role
    (when not simply the subject) and a summary of what was seen or said."""
    content = concern.on_file.content
    parts = [f"Concern: {', '.join(content.categories)}."]
    if concern.on_file.this_child_role is not ChildRole.SUBJECT:
        parts.append(f"This child's role: {concern.on_file.this_child_role.label.lower()}.")
    parts.append(_what_was_recorded(content))
    outcome = [_summary(content.immediate_action)] if content.immediate_action.strip() else []
    if content.review is None:
        outcome.append("Awaiting DSL review.")
    moment = content.happened_at.astimezone()
    return ChronologyEntry(
        "concern", concern.id, pupil_id, name, moment.date(), moment.time(),
        " ".join(parts), f"{content.reporter_name}, {content.reporter_role}",
        " ".join(outcome), concern_significant_by_default(content), content.categories)


def _what_was_recorded(content: ConcernContent) -> str:
    if content.facts.strip():
        return _summary(content.facts)
    words = content.child_words.strip().strip('"“”')
    if words:
        return f"The child said: “{_summary(words)}”"
    return f"Reported by {content.others_source}: {_summary(content.others_reported)}"


def _decision_entry(concern: ConcernEntry, review: Review, pupil_id: str, name: str,
                    recorded_at: str | None) -> ChronologyEntry:
    """The DSL's decision on the day it was made; placed at the time it was
    recorded when that was the same day."""
    at: time | None = None
    if recorded_at is not None:
        local = datetime.fromisoformat(recorded_at).astimezone()
        at = local.time() if local.date() == review.reviewed_on else None
    if review.closed_on:
        outcome = f"Closed {day_text(review.closed_on)}: {_summary(review.outcome)}"
    elif review.actions:
        outcome = _summary("Actions: " + "; ".join(a.description for a in review.actions))
    else:
        outcome = _summary(review.outcome)
    return ChronologyEntry(
        "dsl_decision", concern.id, pupil_id, name, review.reviewed_on, at,
        f"DSL decision: {review.decision.label}. {_summary(review.reasons)}",
        f"{review.reviewed_by}, {review.reviewer_role}", outcome, True,
        concern.on_file.content.categories)


def _body_map_entry(record: BodyMapRecord, pupil_id: str, name: str,
                    categories: dict[str, tuple[str, ...]]) -> ChronologyEntry:
    content = record.current
    marks = "; ".join(f"{_mark_word(m.mark_type)} on {m.site}" for m in content.marks)
    count = len(content.marks)
    moment = content.completed_at.astimezone()
    return ChronologyEntry(
        "body_map", record.id, pupil_id, name, moment.date(), moment.time(),
        f"Body map: {count} mark{'s' if count != 1 else ''} — {marks}.",
        f"{content.completed_by_name}, {content.completed_by_role}", _summary(content.notes),
        True, categories.get(content.concern_id or "", ()))


def _referral_entry(record: ReferralRecord, pupil_id: str, name: str,
                    categories: dict[str, tuple[str, ...]]) -> ChronologyEntry:
    content, tracking = record.content, record.tracking
    sending, feedback = tracking.sending, tracking.feedback
    if feedback is not None:
        outcome = f"Feedback {day_text(feedback.received_on)}: {feedback.outcome.label}."
        if feedback.notes.strip():
            outcome += f" {_summary(feedback.notes)}"
    elif sending is not None:
        outcome = f"Sent by {sending.method.label.lower()} to {sending.recipient}; " \
                  "awaiting feedback."
        if tracking.follow_ups:
            outcome += f" Followed up {len(tracking.follow_ups)} time" \
                       f"{'s' if len(tracking.follow_ups) != 1 else ''}."
    else:
        outcome = "Finalised; not yet sent."
    moment = (sending.sent_at if sending else record.created_at).astimezone()
    drawn_from = dict.fromkeys(c for i in content.concern_ids for c in categories.get(i, ()))
    return ChronologyEntry(
        "referral", record.id, pupil_id, name, moment.date(),
        moment.time() if sending else None,
        f"Referral: {content.kind.label}. {_summary(content.reason)}".strip(),
        f"{content.referrer_name}, {content.referrer_role}".strip(", "), outcome, True,
        tuple(drawn_from))


def _referral_follow_up_entries(record: ReferralRecord, pupil_id: str,
                                name: str) -> list[ChronologyEntry]:
    """Each chase or escalation, and the feedback, dated when it happened: the
    chronology shows how long an answer took and what it took to get one."""
    kind = record.content.kind.label
    entries = [
        ChronologyEntry(
            "referral", f"{record.id}{PART_MARK}follow-up-{n}", pupil_id, name, f.on, None,
            (f"Escalation ({f.escalation_stage}) of the referral to {kind}: "
             if f.escalation_stage else f"Chased the referral to {kind}: ")
            + _summary(f.note), f.by, _summary(f.outcome), True)
        for n, f in enumerate(record.tracking.follow_ups, start=1)
    ]
    feedback = record.tracking.feedback
    if feedback is not None:
        entries.append(ChronologyEntry(
            "referral", f"{record.id}{PART_MARK}feedback", pupil_id, name,
            feedback.received_on, None,
            f"Feedback on the referral to {kind}: {feedback.outcome.label}.",
            record.tracking.sending.recipient if record.tracking.sending else "",
            _summary(feedback.notes), True))
    return entries


def _case_entries(case_id: str, content: CaseContent, pupil_id: str,
                  name: str) -> list[ChronologyEntry]:
    """A case's milestones, each a line of its own that opens the case: opened,
    each visit (was the child seen, and seen alone?), each meeting and what it
    decided, the assessment completed and approved, and the closure."""
    kind = content.kind.label
    lead = f"{content.lead_practitioner}, lead practitioner"

    def line(part: str, on: date, at: time | None, event: str, source: str,
             outcome: str) -> ChronologyEntry:
        source_id = f"{case_id}{PART_MARK}{part}" if part else case_id
        return ChronologyEntry("case", source_id, pupil_id, name, on, at, event, source,
                               outcome, True)

    entries = [line("", content.started_on, None, f"{kind} case opened.", lead, "")]
    for n, visit in enumerate(content.visits, start=1):
        moment = visit.on.astimezone()
        entries.append(line(f"visit-{n}", moment.date(), moment.time(),
                            _visit_event(visit), visit.who.strip(),
                            _summary(visit.actions_arising)))
    for n, meeting in enumerate(content.meetings, start=1):
        moment = meeting.on.astimezone()
        entries.append(line(f"meeting-{n}", moment.date(), moment.time(),
                            f"{meeting.kind.label}: {_summary(meeting.decisions)}", lead,
                            _next_meeting(meeting)))
    assessment = content.assessment
    if assessment.completed_on is not None:
        entries.append(line("assessment", assessment.completed_on, None,
                            f"Assessment completed ({kind}).", lead,
                            "" if assessment.approved_on else "Awaiting approval."))
    if assessment.approved_on is not None:
        entries.append(line("assessment-approved", assessment.approved_on, None,
                            f"Assessment approved ({kind}).", assessment.approved_by.strip(),
                            ""))
    if content.closed_on is not None:
        entries.append(line("closed", content.closed_on, None, f"{kind} case closed.", lead,
                            _summary(content.closure_reason)))
    return entries


def _visit_event(visit: Visit) -> str:
    """The visit and, always, whether the child was seen and seen alone (and why not)."""
    what = f"Visit: {_summary(visit.purpose)}" if visit.purpose.strip() else "Visit"
    if visit.where.strip():
        what += f" ({' '.join(visit.where.split())})"
    if not visit.child_seen:
        seen = "Child not seen."
    elif visit.seen_alone:
        seen = "Child seen alone."
    else:
        seen = f"Child seen, NOT seen alone: {_summary(visit.not_seen_alone_reason)}"
    return f"{what.rstrip('.')}. {seen}"


def _next_meeting(meeting: Meeting) -> str:
    return f"Next meeting {day_text(meeting.next_date)}." if meeting.next_date else ""


def _mark_word(kind: MarkType) -> str:
    return "mark" if kind in (MarkType.MARK, MarkType.OTHER) else kind.label.lower()


def _event_entry(stored: CurrentEvent, children: dict[str, str],
                 named: bool) -> ChronologyEntry:
    content = stored.content
    name = ""
    if named:
        name = children.get(content.pupil_id or "", "") if content.pupil_id else WHOLE_FAMILY
    about = "" if named or content.pupil_id else f"{WHOLE_FAMILY} — "
    return ChronologyEntry(
        "event", stored.id, content.pupil_id, name, content.happened_on,
        content.happened_at_time,
        f"{about}{content.kind.label}: {' '.join(content.event.split())}",
        content.source.strip(), content.outcome.strip(), content.significant)


def _with_choice(entry: ChronologyEntry,
                 overrides: dict[SignificanceKey, bool]) -> ChronologyEntry:
    chosen = overrides.get((entry.pupil_id or "", entry.source_kind, entry.source_id))
    return entry if chosen is None or chosen == entry.significant else \
        replace(entry, significant=chosen)


def _summary(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """The text on one line, cut at a word near ``limit`` characters with "…"."""
    clean = " ".join(text.split())
    if len(clean) <= limit:
        return clean
    return clean[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


# -- helpers ----------------------------------------------------------------------
def _now(session: Session) -> datetime:
    return session.db.clock().astimezone(UTC)


def _age_order(pupil: Pupil) -> tuple[date, str]:
    born = pupil.date_of_birth or pupil.expected_date_of_birth or date.max
    return born, pupil.id


def _require_reviewer(session: Session) -> None:
    if session.user.role not in REVIEWER_ROLES:
        raise PermissionDenied("Only the DSL or a deputy DSL can choose whether a chronology "
                               "entry is significant.")


def _current_event(repo: ChronologyRepository, event_id: str) -> CurrentEvent:
    found = repo.current(event_id)
    if found is None:
        raise InvalidInput("That event does not exist.")
    return found


def _require_owner_visible(session: Session, content: ChronologyEvent,
                           message: str = access.NOT_VISIBLE) -> None:
    """An event is in sight with its pupil, or with any child of its family."""
    if content.pupil_id is not None:
        access.require_pupil_visible(session, content.pupil_id, message)
    elif content.family_id is not None:
        access.require_family_visible(session, content.family_id, message)


def _check_owner(session: Session, content: ChronologyEvent) -> None:
    repo = PupilRepository(session.db)
    if content.pupil_id is not None and not repo.get_many([content.pupil_id]):
        raise InvalidInput("That pupil is not on the register.", field="pupil_id")
    if content.family_id is not None and not repo.family_label(content.family_id):
        raise InvalidInput("That family is not on the register.", field="family_id")

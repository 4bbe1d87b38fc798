"""The reference store's referrals: 4,000 (at scale 1), each started from a concern
whose DSL review decided to refer, as the referral services save them.

Kinds follow the reviews' decisions: mostly children's social care (the front
door) and Early Help requests, some to the police. There are no LADO referrals:
those start from the register of allegations about adults, which the reference
store does not fill. Each referral's versions are the ones the services write:
started ("" reason), "Draft saved", "Finalised" (with the register snapshot and
any missing information named), "Sending recorded", chases and escalations for
some, then "Feedback recorded". Recent ones may still be drafts or awaiting
feedback (the home view's overdue list). Earlier referrals about the same child
fill "previous involvement", as :func:`referrals.start_referral` does.

The heavy pupil has a few referrals; the latest draws on
:data:`HEAVY_REFERRAL_CONCERNS` of their concerns, the referral form the
benchmark prints.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date

from bench.reference_common import DSL_NAME, TODAY, Enrolment, FiledConcern, batches
from sgdesk.models.concerns import view_for_pupil
from sgdesk.models.referrals import (
    DEFAULT_ESCALATION_STAGES,
    Consent,
    Feedback,
    FeedbackOutcome,
    FollowUp,
    ReferralBody,
    ReferralContent,
    ReferralKind,
    ReferralState,
    ReferralTracking,
    RegisterSnapshot,
    Sending,
    SnapshotConcern,
    missing_information,
)
from sgdesk.models.users import Role
from sgdesk.models.working_days import WorkingDayCalendar, add_working_days
from sgdesk.services import referrals
from sgdesk.services.demo_records import school_time
from sgdesk.services.demo_referrals import RECIPIENTS, REFERRED, RISK, SCHOOL_CONTACT, STRENGTHS
from sgdesk.services.school_calendar import working_calendar
from sgdesk.services.session import Session
from sgdesk.storage.database import WriteTransaction
from sgdesk.storage.referrals_repo import ReferralRepository

FULL_REFERRALS = 4_000
HEAVY_PUPIL_REFERRALS = 4
HEAVY_REFERRAL_CONCERNS = 50
#: A referral reviewed this recently may still be a draft or awaiting feedback.
RECENT_DAYS = 21
CHASED_SHARE = 0.15
ESCALATED_SHARE = 0.3  # of those chased
NOT_SOUGHT_SHARE = 0.15
OUTCOMES: dict[ReferralKind, tuple[tuple[FeedbackOutcome, int, str], ...]] = {
    ReferralKind.CSC: (
        (FeedbackOutcome.S17_ASSESSMENT, 35, "Child and family assessment opened; a social "
         "worker is allocated and will invite school to the first meeting."),
        (FeedbackOutcome.S47_ENQUIRY, 10, "Section 47 enquiry under way; school asked for "
         "attendance and the concerns on file."),
        (FeedbackOutcome.STRATEGY_DISCUSSION, 10, "Strategy discussion held with police and "
         "school."),
        (FeedbackOutcome.EARLY_HELP, 25, "Stepped down to Early Help: the family agreed to a "
         "family worker."),
        (FeedbackOutcome.NO_FURTHER_ACTION, 20, "Threshold not met: advice given to the "
         "family. School to keep monitoring and refer again if anything changes."),
    ),
    ReferralKind.EARLY_HELP: (
        (FeedbackOutcome.EARLY_HELP, 80, "A family worker is allocated; the first Team "
         "Around the Family meeting is booked."),
        (FeedbackOutcome.NO_FURTHER_ACTION, 20, "The family declined Early Help; school "
         "to keep offering support."),
    ),
    ReferralKind.POLICE: (
        (FeedbackOutcome.NO_FURTHER_ACTION, 50, "Police reviewed what school shared: no "
         "offence they can take forward."),
        (FeedbackOutcome.OTHER, 30, "An officer visited the family and gave words of "
         "advice."),
        (FeedbackOutcome.STRATEGY_DISCUSSION, 20, "Strategy discussion held with children's "
         "social care and school."),
    ),
    ReferralKind.PREVENT: (
        (FeedbackOutcome.NO_FURTHER_ACTION, 60, "Screened by the Prevent team: no Channel "
         "case opened; school to keep monitoring."),
        (FeedbackOutcome.OTHER, 40, "Taken to the Channel panel; school invited."),
    ),
}
CHASE = ("Phoned for the decision: not yet made; the duty manager will call back today.",
         "No call back.")
ESCALATION = ("Emailed the team manager: no decision two working days after a referral "
              "about possible significant harm; asked for it today.")
NOT_SOUGHT_REASON = ("Telling the family first could put the child at risk; the front door "
                     "advised not to.")


@dataclass(frozen=True)
class _Plan:
    """A referral to write: about whom, started from which concern's review, drawing
    on which concerns (that one first)."""

    enrolment: Enrolment
    kind: ReferralKind
    drawn_on: tuple[FiledConcern, ...]
    #: Sent and answered however recent (the referral the benchmark prints).
    answered: bool = False

    @property
    def reviewed_on(self) -> date:
        review = self.drawn_on[0].current.review
        assert review is not None
        return review.reviewed_on


def add_referrals(session: Session, rng: random.Random, scale: float, heavy: Enrolment,
                  enrolments: dict[str, Enrolment], filed: dict[str, list[FiledConcern]]
                  ) -> tuple[int, str]:
    """Write the referrals; returns how many and the heavy pupil's latest referral's id."""
    referrals.set_school_contact(session, SCHOOL_CONTACT)  # the service: one audited write
    referable = {pupil_id: [f for f in found if _kind(f) is not None]
                 for pupil_id, found in filed.items()}
    heavy_plans = _heavy_plans(rng, heavy, filed[heavy.pupil.id], referable[heavy.pupil.id])
    others = [(enrolments[pupil_id], f) for pupil_id, found in referable.items()
              if pupil_id != heavy.pupil.id for f in found]
    count = max(int(FULL_REFERRALS * scale), len(heavy_plans) * 2)
    chosen = rng.sample(others, min(len(others), count - len(heavy_plans)))
    plans = heavy_plans + [_Plan(e, _kind_of(f), _drawn_on(rng, f, filed[e.pupil.id]))
                           for e, f in chosen]
    plans.sort(key=lambda p: (p.reviewed_on, p.enrolment.pupil.id))
    writer = _Writer(session, rng, working_calendar(session))
    heavy_referral = ""
    for batch in batches(plans, 500):
        with session.db.write(session.user.id) as tx:
            for plan in batch:
                referral_id = writer.write(tx, plan)
                if plan is heavy_plans[-1]:
                    heavy_referral = referral_id
    return len(plans), heavy_referral


def _kind(concern: FiledConcern) -> ReferralKind | None:
    review = concern.current.review
    return REFERRED.get(review.decision) if review is not None else None


def _kind_of(concern: FiledConcern) -> ReferralKind:
    kind = _kind(concern)
    assert kind is not None
    return kind


def _drawn_on(rng: random.Random, trigger: FiledConcern, on_file: list[FiledConcern]
              ) -> tuple[FiledConcern, ...]:
    """The concern whose review decided to refer and, for some, one or two earlier
    ones about the same child."""
    earlier = [f for f in on_file
               if f.logged.happened_at < trigger.logged.happened_at and f is not trigger]
    extra = rng.sample(earlier, min(len(earlier), rng.choice((0, 0, 1, 2))))
    return (trigger, *extra)


def _heavy_plans(rng: random.Random, heavy: Enrolment, on_file: list[FiledConcern],
                 referable: list[FiledConcern]) -> list[_Plan]:
    """A few referrals about the heavy pupil; the last (latest reviewed) draws on
    their latest :data:`HEAVY_REFERRAL_CONCERNS` concerns."""
    ordered = sorted(referable, key=lambda f: f.logged.happened_at)
    latest = ordered[-1]
    earlier = rng.sample(ordered[:-1], min(len(ordered) - 1, HEAVY_PUPIL_REFERRALS - 1))
    before = sorted((f for f in on_file if f.logged.happened_at < latest.logged.happened_at),
                    key=lambda f: f.logged.happened_at, reverse=True)
    return [*(_Plan(heavy, _kind_of(f), (f,)) for f in sorted(
                earlier, key=lambda f: f.logged.happened_at)),
            _Plan(heavy, _kind_of(latest), (latest, *before[:HEAVY_REFERRAL_CONCERNS - 1]),
                  answered=True)]


class _Writer:
    """Plays one referral's steps as versions, in one transaction with its batch."""

    def __init__(self, session: Session, rng: random.Random,
                 calendar: WorkingDayCalendar) -> None:
        self.rng = rng
        self.calendar = calendar
        self.repo = ReferralRepository(session.db)
        self.earlier: dict[str, list[str]] = defaultdict(list)
        self.sent = 0

    def write(self, tx: WriteTransaction, plan: _Plan) -> str:
        rng, pupil = self.rng, plan.enrolment.pupil
        referral_id = str(uuid.uuid4())
        started = ReferralContent(
            plan.kind, pupil.id, tuple(f.id for f in plan.drawn_on),
            referrer_name=DSL_NAME, referrer_role=Role.DSL.label,
            referrer_contact=SCHOOL_CONTACT, dsl_consulted=DSL_NAME,
            previous_involvement="\n".join(self.earlier[pupil.id]))
        self.repo.add(tx, referral_id, ReferralBody(ReferralState.DRAFT, started),
                      self.calendar)
        body = ReferralBody(ReferralState.DRAFT, self._filled_in(started, plan))
        version = self._save(tx, referral_id, body, "Draft saved", 1)
        day = plan.reviewed_on
        recent = (TODAY - day).days <= RECENT_DAYS and not plan.answered
        if recent and rng.random() < 0.25:
            return referral_id  # still a draft
        snapshot = RegisterSnapshot(
            school_time(day, 13, 40).astimezone(UTC), pupil,
            tuple(SnapshotConcern(f.id, f.version, view_for_pupil(f.current, pupil.id, {}))
                  for f in plan.drawn_on))
        missing = missing_information(body.content, pupil)
        reason = "Finalised" + (" with information missing: " + "; ".join(missing)
                                if missing else "")
        body = replace(body, state=ReferralState.FINAL, snapshot=snapshot)
        version = self._save(tx, referral_id, body, reason, version)
        method, recipient, prefix = RECIPIENTS[plan.kind]
        self.sent += 1
        sending = Sending(method, school_time(day, 13, 45).astimezone(), recipient,
                          f"{prefix}-{day:%y%m%d}-{self.sent:04d}")
        body = replace(body, tracking=ReferralTracking(sending))
        version = self._save(tx, referral_id, body,
                             f"Sending recorded: {method.label.lower()} to {recipient}",
                             version)
        sent_on = f"{plan.kind.label}, sent {day.day} {day:%B %Y}"
        if recent and rng.random() < 0.5:
            self.earlier[pupil.id].append(f"{sent_on}: no feedback recorded.")
            return referral_id  # awaiting feedback
        due = body.tracking.decision_due(self.calendar)
        assert due is not None
        answered = due
        if rng.random() < CHASED_SHARE:
            answered = add_working_days(due, 1, self.calendar)
            body, version = self._follow_up(tx, referral_id, body, version,
                                            FollowUp(answered, DSL_NAME, *CHASE), "Chased")
            if rng.random() < ESCALATED_SHARE:
                answered = add_working_days(answered, 1, self.calendar)
                stage = DEFAULT_ESCALATION_STAGES[0]
                body, version = self._follow_up(
                    tx, referral_id, body, version,
                    FollowUp(answered, DSL_NAME, ESCALATION, stage), f"Escalation: {stage}")
        outcomes = OUTCOMES[plan.kind]
        outcome, _, notes = rng.choices(outcomes, [o[1] for o in outcomes])[0]
        body = replace(body, tracking=replace(body.tracking,
                                              feedback=Feedback(answered, outcome, notes)))
        self._save(tx, referral_id, body, f"Feedback recorded: {outcome.label}", version)
        self.earlier[pupil.id].append(f"{sent_on}: {outcome.label.lower()}.")
        return referral_id

    def _filled_in(self, started: ReferralContent, plan: _Plan) -> ReferralContent:
        """The DSL's part of the form, from the concern and its review (as the demo's
        referrals are written)."""
        content = plan.drawn_on[0].current
        review = content.review
        assert review is not None
        pupil = plan.enrolment.pupil
        name = pupil.preferred_name or pupil.legal_forename
        filled = replace(
            started, reason=review.reasons, harm_type=", ".join(content.categories),
            risk_assessment=RISK[plan.kind].format(name=name),
            impact_on_child=content.opinion or f"Staff have noticed a change in {name}.",
            strengths=STRENGTHS.format(name=name),
            wishes_and_feelings=(f"In {name}'s words: {content.child_words}"
                                 if content.child_words else ""),
            action_taken="\n".join(filter(None, [content.immediate_action,
                                                 *(a.description for a in review.actions)])),
            child_location_now="In school until 3.15 pm.")
        if self.rng.random() < NOT_SOUGHT_SHARE:
            filled = replace(filled, parents_aware=False, consent=Consent.NOT_SOUGHT,
                             consent_reason=NOT_SOUGHT_REASON,
                             sharing_without_consent_sch1_para18=True)
        else:
            filled = replace(filled, parents_aware=True, consent=Consent.GIVEN)
        return filled.validated()

    def _follow_up(self, tx: WriteTransaction, referral_id: str, body: ReferralBody,
                   version: int, follow_up: FollowUp, reason: str
                   ) -> tuple[ReferralBody, int]:
        tracking = replace(body.tracking, follow_ups=(*body.tracking.follow_ups, follow_up))
        body = replace(body, tracking=tracking)
        return body, self._save(tx, referral_id, body, reason, version)

    def _save(self, tx: WriteTransaction, referral_id: str, body: ReferralBody, reason: str,
              version: int) -> int:
        return self.repo.amend(tx, referral_id, body, reason, version, self.calendar)

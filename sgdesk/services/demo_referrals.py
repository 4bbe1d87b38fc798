"""The demo store's referrals, made from concerns whose DSL review decided to refer.

Five stories, each about a different child, so every part of referral tracking
has something to show:
- a referral to children's social care, answered the next working day: a child
  in need assessment (section 17);
- a police referral answered with no further action, and the reasons given;
- a referral chased, then escalated to the social worker's team manager, then
  answered with a strategy discussion;
- a recent referral sent with no feedback yet, overdue on the home view;
- an Early Help request still a draft, with information missing.

Concerns are chosen by review date and pupils by name, so two demo stores made
on the same day hold the same referrals. Each step is saved on a clock set to
when it happened, so a referral's history reads as it would have.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sgdesk.models.concerns import ChildRole, ConcernContent, Decision, Review
from sgdesk.models.pupils import Pupil
from sgdesk.models.referrals import (
    Consent,
    Feedback,
    FeedbackOutcome,
    FollowUp,
    ReferralContent,
    ReferralKind,
    Sending,
    SendMethod,
    missing_from_register,
)
from sgdesk.models.working_days import add_working_days
from sgdesk.services import referrals
from sgdesk.services.concerns import concerns_on_file
from sgdesk.services.demo_clock import clock_at
from sgdesk.services.demo_records import school_time
from sgdesk.services.pupils import get_pupil, list_pupils
from sgdesk.services.session import Session

SCHOOL_CONTACT = "Safeguarding team: 01632 960 123, safeguarding@larkfield.example"

#: The DSL's review decisions that lead to a referral, and its kind.
REFERRED = {
    Decision.REFER_CSC: ReferralKind.CSC,
    Decision.EARLY_HELP: ReferralKind.EARLY_HELP,
    Decision.POLICE: ReferralKind.POLICE,
    Decision.PREVENT: ReferralKind.PREVENT,
}
RECIPIENTS = {
    ReferralKind.CSC: (SendMethod.PHONE, "Children's Services front door (MASH)", "MASH"),
    ReferralKind.POLICE: (SendMethod.PHONE, "Police, by 101", "INC"),
    ReferralKind.EARLY_HELP: (SendMethod.PORTAL, "Early Help Hub", "EH"),
    ReferralKind.PREVENT: (SendMethod.SECURE_EMAIL, "Prevent team", "PRV"),
}
RISK = {
    ReferralKind.CSC: "We think {name} may be at risk of significant harm if nothing changes: "
                      "the concerns below are recent, specific and getting worse.",
    ReferralKind.POLICE: "A possible offence against {name}; evidence may be lost if it is "
                         "not looked at soon.",
    ReferralKind.EARLY_HELP: "Needs are growing but {name} is not thought to be at risk of "
                             "significant harm; the family would welcome support.",
    ReferralKind.PREVENT: "Views expressed suggest {name} may be drawn into harmful "
                          "ideology; no immediate risk to others is known.",
}
STRENGTHS = ("{name} attends most days and has a trusted relationship with the form tutor. "
             "Mum has kept in touch with school and came in when asked.")


@dataclass(frozen=True)
class _Candidate:
    """A concern about a child (as its subject) whose review decided to refer."""

    pupil: Pupil
    concern_id: str
    content: ConcernContent
    review: Review
    kind: ReferralKind

    @property
    def name(self) -> str:
        return self.pupil.preferred_name or self.pupil.legal_forename


class _Story:
    """Plays one referral's steps on the store clock, leaving out any step later
    than the latest moment the demo may hold."""

    def __init__(self, session: Session, latest: datetime) -> None:
        self.session = session
        self.latest = latest

    def at[T](self, day: date, hour: int, minute: int, step: Callable[[], T]) -> T | None:
        moment = school_time(day, hour, minute).astimezone(UTC)
        if moment > self.latest:
            return None
        with clock_at(self.session, moment):
            return step()

    def version(self, referral_id: str) -> int:
        return referrals.get_referral(self.session, referral_id).version


def add_demo_referrals(session: Session, today: date) -> None:
    """Add the demo's referrals (nothing later than ``today``) as the signed-in DSL."""
    latest = min(session.db.clock().astimezone(UTC),
                 datetime.combine(today + timedelta(days=1), datetime.min.time(), UTC))
    referrals.set_school_contact(session, SCHOOL_CONTACT)
    story = _Story(session, latest)
    candidates = list(_candidates(session))
    taken: set[str] = set()

    def pick(test: Callable[[_Candidate], bool], latest_first: bool = False
             ) -> _Candidate | None:
        """The first (or latest) unused candidate passing ``test``, preferring a child
        whose register entry has all a referral needs, as a sent referral would."""
        ordered = list(reversed(candidates) if latest_first else candidates)
        usable = [c for c in ordered if c.pupil.id not in taken and test(c)]
        found = next((c for c in usable if not missing_from_register(c.pupil)),
                     usable[0] if usable else None)
        if found is not None:
            taken.add(found.pupil.id)
        return found

    def closed(kind: ReferralKind) -> Callable[[_Candidate], bool]:
        return lambda c: c.kind is kind and c.review.closed_on is not None

    def still_waiting(c: _Candidate) -> bool:
        return (c.kind in (ReferralKind.CSC, ReferralKind.POLICE)
                and c.review.closed_on is None
                and add_working_days(c.review.reviewed_on, 1) < today)

    plans: list[tuple[_Candidate | None, Callable[[_Story, _Candidate, int], None]]] = [
        (pick(closed(ReferralKind.CSC)), _answered_with_assessment),
        (pick(closed(ReferralKind.POLICE)), _answered_with_no_further_action),
        (pick(closed(ReferralKind.CSC)), _chased_and_escalated),
        (pick(still_waiting, latest_first=True), _awaiting_feedback),
        (pick(lambda c: c.kind is ReferralKind.EARLY_HELP and c.review.closed_on is None,
              latest_first=True), _draft_with_gaps),
    ]
    for number, (candidate, play) in enumerate(plans, start=1):
        if candidate is not None:
            play(story, candidate, number)


def _candidates(session: Session) -> Iterator[_Candidate]:
    """Referable concerns, earliest reviewed first; pupils in name order on a tie."""
    found: list[_Candidate] = []
    for entry in sorted(list_pupils(session), key=lambda p: (p.sort_name, p.id)):
        pupil = get_pupil(session, entry.id).pupil
        for concern in concerns_on_file(session, entry.id):
            content, review = concern.on_file.content, concern.on_file.content.review
            if (review is not None and review.decision in REFERRED
                    and concern.on_file.this_child_role is ChildRole.SUBJECT):
                found.append(_Candidate(pupil, concern.id, content, review,
                                        REFERRED[review.decision]))
    yield from sorted(found, key=lambda c: c.review.reviewed_on)


# -- the steps every story shares --------------------------------------------------
def _drafted(story: _Story, c: _Candidate, *, complete: bool) -> str | None:
    """Start the referral on the review day and fill in the DSL's part. A complete
    one says where the child is and records consent; an incomplete one does not."""
    day = c.review.reviewed_on
    referral_id = story.at(day, 13, 0, lambda: referrals.start_referral(
        story.session, c.kind, pupil_id=c.pupil.id, concern_ids=(c.concern_id,)))
    if referral_id is None:
        return None
    draft = referrals.get_referral(story.session, referral_id).content
    words = {"name": c.name}
    content = replace(
        draft, reason=c.review.reasons, harm_type=", ".join(c.content.categories),
        risk_assessment=RISK[c.kind].format(**words),
        impact_on_child=c.content.opinion or f"Staff have noticed a change in {c.name}.",
        strengths=STRENGTHS.format(**words),
        wishes_and_feelings=(f"In {c.name}'s words: {c.content.child_words}"
                             if c.content.child_words else ""),
        action_taken="\n".join(filter(None, [c.content.immediate_action,
                                             *(a.description for a in c.review.actions)])))
    if complete:
        content = _with_consent(replace(content, child_location_now="In school until 3.15 pm."),
                                c.review)
    story.at(day, 13, 30, lambda: referrals.save_draft(story.session, referral_id, content,
                                                       story.version(referral_id)))
    return referral_id


def _with_consent(content: ReferralContent, review: Review) -> ReferralContent:
    """Whether parents knew and consented, as the review's reasons tell it."""
    reasons = review.reasons.casefold()
    if any(words in reasons for words in ("not to inform parents", "were not told",
                                          "not contacted")):
        return replace(content, parents_aware=False, consent=Consent.NOT_SOUGHT,
                       consent_reason="Telling the family first could put the child at "
                                      "risk; the front door advised not to.",
                       sharing_without_consent_sch1_para18=True)
    return replace(content, parents_aware=True, consent=Consent.GIVEN)


def _sent(story: _Story, c: _Candidate, referral_id: str, number: int) -> date:
    """Finalise (recording any gaps) and send on the review day; returns the day
    the decision is due."""
    day = c.review.reviewed_on
    story.at(day, 13, 40, lambda: referrals.finalise(
        story.session, referral_id, story.version(referral_id), missing_acknowledged=True))
    method, recipient, prefix = RECIPIENTS[c.kind]
    sending = Sending(method, school_time(day, 13, 45), recipient,
                      f"{prefix}-{day:%y%m%d}-{number:03d}")
    story.at(day, 13, 50, lambda: referrals.record_sending(
        story.session, referral_id, sending, story.version(referral_id)))
    return add_working_days(day, 1)


def _feedback(story: _Story, referral_id: str, day: date, outcome: FeedbackOutcome,
              notes: str) -> None:
    story.at(day, 11, 0, lambda: referrals.record_feedback(
        story.session, referral_id, Feedback(day, outcome, notes),
        story.version(referral_id)))


# -- the five stories --------------------------------------------------------------
def _answered_with_assessment(story: _Story, c: _Candidate, number: int) -> None:
    referral_id = _drafted(story, c, complete=True)
    if referral_id is not None:
        due = _sent(story, c, referral_id, number)
        _feedback(story, referral_id, due, FeedbackOutcome.S17_ASSESSMENT,
                  "Child and family assessment opened; a social worker is allocated and "
                  "will invite school to the first child in need meeting.")


def _answered_with_no_further_action(story: _Story, c: _Candidate, number: int) -> None:
    referral_id = _drafted(story, c, complete=True)
    if referral_id is not None:
        due = _sent(story, c, referral_id, number)
        _feedback(story, referral_id, due, FeedbackOutcome.NO_FURTHER_ACTION,
                  "Police reviewed what school shared: no offence they can take forward. "
                  "Advice given to the family. School to keep monitoring and refer again "
                  "if anything changes.")


def _chased_and_escalated(story: _Story, c: _Candidate, number: int) -> None:
    referral_id = _drafted(story, c, complete=True)
    if referral_id is None:
        return
    due = _sent(story, c, referral_id, number)
    chased, escalated = add_working_days(due, 1), add_working_days(due, 2)
    dsl = story.session.user.display_name
    story.at(chased, 9, 30, lambda: referrals.add_follow_up(
        story.session, referral_id,
        FollowUp(chased, dsl, "Phoned the front door for the decision: not yet made; the "
                              "duty manager will call back today.", outcome="No call back."),
        story.version(referral_id)))
    stage = referrals.escalation_stages(story.session)[0]
    story.at(escalated, 9, 15, lambda: referrals.add_follow_up(
        story.session, referral_id,
        FollowUp(escalated, dsl, "Emailed the team manager: two working days with no "
                                 "decision on a referral about possible significant harm; "
                                 "asked for the decision today.", stage),
        story.version(referral_id)))
    _feedback(story, referral_id, escalated, FeedbackOutcome.STRATEGY_DISCUSSION,
              "Strategy discussion held with police and school; a section 47 enquiry "
              "follows.")
    story.at(escalated, 11, 10, lambda: referrals.record_follow_up_outcome(
        story.session, referral_id, 1, "The team manager rang back within the hour and "
                                       "arranged the strategy discussion.",
        story.version(referral_id)))


def _awaiting_feedback(story: _Story, c: _Candidate, number: int) -> None:
    referral_id = _drafted(story, c, complete=True)
    if referral_id is not None:
        _sent(story, c, referral_id, number)


def _draft_with_gaps(story: _Story, c: _Candidate, number: int) -> None:
    """Not finalised: where the child is now and consent are still to be filled in."""
    _drafted(story, c, complete=False)

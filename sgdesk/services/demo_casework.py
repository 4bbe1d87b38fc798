"""The demo store's casework: two cases at different stages, for children whose
concerns were referred.

- A child in need case (section 17) for the child whose referral was answered
  with an assessment: assessment under way, two visits (one where the child was
  seen but not alone, and why), a child in need meeting with the next date set.
- An Early Help case further along for a child the DSL decided needed Early Help:
  the assessment done, a plan with actions, and an Early Help review.

Pupils are found by what their records say (the referral's feedback, the review
decision; earliest first, then by name), and every step is saved as a version
on a clock set to when it happened, so each case's history reads as it would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sgdesk.models.casework import (
    Assessment,
    AssessmentDomain,
    CaseContent,
    CaseKind,
    DomainNotes,
    Meeting,
    MeetingKind,
    Plan,
    PlanAction,
    Visit,
)
from sgdesk.models.concerns import ActionStatus, ChildRole, Decision
from sgdesk.models.pupils import Pupil
from sgdesk.models.referrals import FeedbackOutcome, ReferralKind
from sgdesk.models.working_days import add_working_days
from sgdesk.services import casework
from sgdesk.services.concerns import concerns_on_file
from sgdesk.services.demo_clock import clock_at
from sgdesk.services.demo_records import school_time
from sgdesk.services.pupils import get_pupil, list_pupils
from sgdesk.services.referrals import ReferralRecord, referrals_for_pupil
from sgdesk.services.session import Session

SOCIAL_WORKER = "Dee Mensah, social worker"
SUPERVISOR = "Priya Shah, practice supervisor (social work qualified)"
#: How far back the demo's cases may start, so their stories sit in recent months.
OLDEST_START = timedelta(days=183)


class _Steps:
    """Saves a case's versions on the store clock, leaving out any step later than
    the latest moment the demo may hold."""

    def __init__(self, session: Session, latest: datetime) -> None:
        self.session = session
        self.latest = latest
        self.case_id: str | None = None

    def open(self, day: date, hour: int, content: CaseContent) -> None:
        with self._clock(day, hour) as on_time:
            if on_time:
                self.case_id = casework.open_case(self.session, content)

    def change(self, day: date, hour: int, reason: str,
               change: Callable[[CaseContent], CaseContent]) -> None:
        with self._clock(day, hour) as on_time:
            if on_time and self.case_id is not None:
                record = casework.get_case(self.session, self.case_id)
                casework.amend_case(self.session, self.case_id, change(record.current),
                                    reason, record.version)

    @contextmanager
    def _clock(self, day: date, hour: int) -> Iterator[bool]:
        """The store clock at half past ``hour`` on ``day``; yields False (and leaves
        the clock alone) when that is later than the demo may hold."""
        moment = school_time(day, hour, 30).astimezone(UTC)
        if moment > self.latest:
            yield False
            return
        with clock_at(self.session, moment):
            yield True


def add_demo_casework(session: Session, today: date) -> None:
    """Add the demo's two cases (nothing later than ``today``) as the signed-in DSL."""
    latest = min(session.db.clock().astimezone(UTC),
                 datetime.combine(today + timedelta(days=1), time.min, UTC))
    pupils = [get_pupil(session, p.id).pupil
              for p in sorted(list_pupils(session), key=lambda p: (p.sort_name, p.id))]
    s17 = _answered_with_assessment(session, pupils)
    if s17 is not None:
        _child_in_need(_Steps(session, latest), today, *s17)
    early_help = _early_help_pupil(session, pupils, {s17[0].id} if s17 else set())
    if early_help is not None:
        _early_help(_Steps(session, latest), today, *early_help)


# -- choosing the children -----------------------------------------------------------
def _answered_with_assessment(session: Session, pupils: list[Pupil]
                              ) -> tuple[Pupil, ReferralRecord, date] | None:
    """The child whose referral was answered with a section 17 assessment, with the
    referral and the day the answer came."""
    for pupil in pupils:
        for record in referrals_for_pupil(session, pupil.id):
            feedback = record.tracking.feedback
            if feedback is not None and feedback.outcome is FeedbackOutcome.S17_ASSESSMENT:
                return pupil, record, feedback.received_on
    return None


def _early_help_pupil(session: Session, pupils: list[Pupil], taken: set[str]
                      ) -> tuple[Pupil, ReferralRecord | None, date] | None:
    """The child whose earliest-reviewed concern the DSL decided needed Early Help
    (as its subject), their final Early Help referral if any, and the review day."""
    found: list[tuple[date, int, Pupil]] = []
    for order, pupil in enumerate(pupils):
        if pupil.id in taken:
            continue
        for concern in concerns_on_file(session, pupil.id):
            review = concern.on_file.content.review
            if (review is not None and review.decision is Decision.EARLY_HELP
                    and concern.on_file.this_child_role is ChildRole.SUBJECT):
                found.append((review.reviewed_on, order, pupil))
    if not found:
        return None
    reviewed_on, _order, pupil = min(found, key=lambda f: (f[0], f[1]))
    referral = next((r for r in referrals_for_pupil(session, pupil.id)
                     if r.content.kind is ReferralKind.EARLY_HELP and r.state == "final"),
                    None)
    return pupil, referral, reviewed_on


def _start(earliest: date, today: date, working_days_ago: int) -> date:
    """A start on or after ``earliest`` and no later than ``working_days_ago``
    working days before ``today``, so the story's steps have happened, and within
    the last six months."""
    return min(max(earliest, today - OLDEST_START),
               add_working_days(today, -working_days_ago))


# -- the two cases -------------------------------------------------------------------
def _child_in_need(steps: _Steps, today: date, pupil: Pupil, referral: ReferralRecord,
                   answered_on: date) -> None:
    name = pupil.preferred_name or pupil.legal_forename
    lead = steps.session.user.display_name
    # The assessment is under way: the case opened five weeks ago, or when the answer
    # came if that was later.
    start = max(answered_on, add_working_days(today, -25))
    first, second = add_working_days(start, 4), add_working_days(start, 12)
    meeting_day = add_working_days(start, 15)
    home_visit = Visit(
        school_time(first, 15, 45), f"{lead} (DSL) with {SOCIAL_WORKER}", "Family home",
        "First home visit for the child and family assessment", child_seen=True,
        seen_alone=False,
        not_seen_alone_reason=f"Mum asked to stay in the room and {name} did not want to "
                              "talk without her; we agreed to see them alone in school.",
        child_words="\u201cIt's OK at home when it's quiet.\u201d",
        observations="Home warm and tidy downstairs; little food in the kitchen. Mum tired "
                     "but welcoming; said money has been very tight since the move.",
        actions_arising="See the child alone in school within the week; food bank voucher "
                        "given.")
    school_visit = Visit(
        school_time(second, 12, 30), SOCIAL_WORKER, "School, the quiet room",
        "To see the child alone", child_seen=True, seen_alone=True,
        child_words="\u201cI worry about Mum when she cries. I make my own tea "
                    "sometimes.\u201d",
        observations="Relaxed once the door was shut; drew the family and put the dog "
                     "next to them.",
        actions_arising="Young carers assessment to be requested.")
    cin_meeting = Meeting(
        MeetingKind.CIN_MEETING, school_time(meeting_day, 15, 30),
        f"{SOCIAL_WORKER}; {lead} (DSL); Mum; school nurse", "Housing officer",
        "Assessment to continue; plan agreed as below; school to report attendance weekly.",
        meeting_day + timedelta(days=28))
    actions = (
        PlanAction("DSL", "Breakfast club place from Monday", add_working_days(meeting_day, 3)),
        PlanAction("Social worker", "Request a young carers assessment",
                   add_working_days(meeting_day, 10)),
        PlanAction("Mum", "Register with the GP surgery near the new flat",
                   add_working_days(meeting_day, 15)))
    developmental = DomainNotes(
        needs="Tired in the mornings; some weeks late three days out of five.",
        strengths="Reading at the expected standard; close to the form tutor.",
        analysis="Early view: caring at home is taking a toll on sleep and punctuality.")

    def after_meeting(c: CaseContent) -> CaseContent:
        assessment = replace(c.assessment, child_voice=(
            f"{name} worries about Mum and sometimes makes their own tea; likes school, art "
            "and the dog.")).with_notes(AssessmentDomain.DEVELOPMENTAL_NEEDS, developmental)
        return replace(c, assessment=assessment, plan=replace(c.plan, actions=actions),
                       meetings=(*c.meetings, cin_meeting))

    steps.open(start, 15, CaseContent(
        CaseKind.S17, pupil.id, pupil.family_id, lead, SUPERVISOR, start, referral.id,
        plan=Plan(f"{name} is safe at home, in school every day and has an adult to talk "
                  "to.")))
    steps.change(first, 16, "Home visit recorded",
                 lambda c: replace(c, visits=(*c.visits, home_visit)))
    steps.change(second, 13, "Visit in school recorded",
                 lambda c: replace(c, visits=(*c.visits, school_visit)))
    steps.change(meeting_day, 17, "Child in need meeting recorded; plan agreed",
                 after_meeting)


def _early_help(steps: _Steps, today: date, pupil: Pupil, referral: ReferralRecord | None,
                reviewed_on: date) -> None:
    name = pupil.preferred_name or pupil.legal_forename
    lead = steps.session.user.display_name
    start = _start(add_working_days(reviewed_on, 2), today, 45)
    visit_day, done = add_working_days(start, 5), add_working_days(start, 15)
    review_day = add_working_days(start, 40)
    visit = Visit(
        school_time(visit_day, 15, 30), f"{lead} (DSL)", "School, with Dad",
        "To agree the Early Help assessment with the family", child_seen=True,
        seen_alone=True, child_words="\u201cI just want the shouting to stop.\u201d",
        observations="Dad keen for help with routines; says bedtimes slipped after he "
                     "started night shifts.",
        actions_arising="Early Help assessment to be completed with Dad next week.")
    assessment = Assessment(
        ((AssessmentDomain.DEVELOPMENTAL_NEEDS, DomainNotes(
            "Angry outbursts at break times; tired.", "Good friendships; loves football club.",
            "Behaviour looks like tiredness and worry, not defiance.")),
         (AssessmentDomain.PARENTING_CAPACITY, DomainNotes(
             "Routines hard to keep with Dad on nights.",
             "Dad warm and asks for help; grandparents nearby.",
             "Capacity is there; the family needs practical support.")),
         (AssessmentDomain.FAMILY_ENVIRONMENT, DomainNotes(
             "Overcrowded flat; arguments about money.", "Stable tenancy; wider family close "
                                                         "by.",
             "A family group conference could share the load."))),
        child_voice=f"{name} wants the shouting to stop and to keep playing football.",
        family_view="Dad wants help with routines and money advice.", completed_on=done)
    plan = Plan(
        "Calmer mornings and evenings at home; no more missed football; money advice in "
        "place.",
        (PlanAction("Family support worker", "Six weekly sessions on routines",
                    add_working_days(done, 30), ActionStatus.DONE),
         PlanAction("DSL", "Refer for a family group conference", add_working_days(done, 10),
                    ActionStatus.DONE),
         PlanAction("Dad", "Appointment with Citizens Advice", add_working_days(done, 20))))
    review = Meeting(
        MeetingKind.EARLY_HELP_REVIEW, school_time(review_day, 15, 0),
        f"{lead} (DSL); Dad; family support worker", "Grandmother",
        "Good progress: bedtimes steady, one outburst this half term. Keep the plan; the "
        "Citizens Advice appointment is still to book.", review_day + timedelta(days=42))

    steps.open(start, 15, CaseContent(
        CaseKind.EARLY_HELP, pupil.id, pupil.family_id, lead, "", start,
        referral.id if referral else None))
    steps.change(visit_day, 16, "Meeting with the family recorded",
                 lambda c: replace(c, visits=(*c.visits, visit)))
    steps.change(done, 16, "Early Help assessment completed; plan agreed",
                 lambda c: replace(c, assessment=assessment, plan=plan))
    steps.change(review_day, 17, "Early Help review recorded",
                 lambda c: replace(c, meetings=(*c.meetings, review)))

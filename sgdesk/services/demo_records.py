"""The demo store's records: two school years of a made-up secondary school.

About a hundred pupils in Years 7–11 (with families of siblings, SEND, two
leavers) and a couple of hundred concerns with DSL reviews, actions, outcomes and
amendments, written through the same services a DSL uses, so every row is
validated and audited like a real one.

The story is played in date order on a *story clock*: each record is saved at the
moment it would have been saved (a concern shortly after it was noticed, its
review a day or so later), so the demo's "logged", "reviewed" and audit times read
like two years of use. The store's own clock is put back afterwards. A fixed seed
makes two demo stores identical (for the same ``today``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from functools import partial

from sgdesk.models.concerns import (
    Action,
    ActionStatus,
    ChildRole,
    ConcernContent,
    Decision,
    InvolvedChild,
    Review,
)
from sgdesk.models.pupils import Pupil, SendStatus
from sgdesk.services import concerns, pupils
from sgdesk.services.demo_people import (
    CAMHS,
    DISABLED_CHILDREN,
    EARLY_HELP,
    EHCP_SECTION_D,
    EHCP_SECTION_H,
    NON_VERBAL_NEEDS,
    SHORT_NAMES,
    SOCIAL_CARE,
    YEAR_GROUPS,
    YOUNG_CARERS,
    YOUTH_JUSTICE,
    Cohort,
    PupilMaker,
    make_cohort,
)
from sgdesk.services.demo_scenarios import (
    ACTION_OWNERS,
    AMENDED_OTHERS,
    AMENDED_OTHERS_SOURCE,
    AMENDMENT_REASONS,
    BY_KEY,
    DEMO_TAGS,
    GENERAL_OWNERS,
    GROUP_SCENARIOS,
    PRONOUNS,
    REPORTERS,
    SCENARIOS,
    GroupScenario,
    Scenario,
)
from sgdesk.services.session import Session

SEED = 4_2026
#: Concerns logged in the last fortnight, left for the DSL to review.
AWAITING_REVIEW = 10
BACKGROUND_CONCERNS = 115
#: Reviews this recent keep their actions open (some overdue, some due this week).
RECENT_DAYS = 45

# -- time ---------------------------------------------------------------------------
def _last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def school_time(day: date, hour: int, minute: int) -> datetime:
    """A wall-clock time in England (BST from the last Sunday in March to the last
    Sunday in October), worked out here so no time-zone database is needed."""
    summer = _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10)
    zone = timezone(timedelta(hours=1 if summer else 0))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def _is_school_day(day: date) -> bool:
    in_christmas = (day.month, day.day) >= (12, 21) or (day.month, day.day) <= (1, 3)
    return day.weekday() < 5 and day.month != 8 and not in_christmas


def _school_days(start: date, end: date) -> list[date]:
    count = (end - start).days + 1
    return [d for d in (start + timedelta(days=i) for i in range(max(count, 0)))
            if _is_school_day(d)]


class _StoryClock:
    """Stands in for the store's clock while the story is played."""

    def __init__(self, latest: datetime) -> None:
        self.latest = latest
        self.moment = latest

    def set(self, moment: datetime) -> None:
        self.moment = min(moment, self.latest)

    def __call__(self) -> datetime:
        return self.moment


# -- the plan -------------------------------------------------------------------------
@dataclass
class _ConcernPlan:
    """One concern's life: logged, perhaps amended, reviewed, perhaps closed."""

    content: ConcernContent
    logged: datetime
    scenario: Scenario | GroupScenario
    words: dict[str, str]
    amendment: str = ""
    concern_id: str = ""
    version: int = 0
    decision: Decision = Decision.MONITOR
    reasons: str = ""
    #: The child has had this kind of concern before and the services are already
    #: involved, so the review agrees no new actions.
    repeat: bool = False

    def text(self, template: str) -> str:
        """The scenario's wording about this concern's children."""
        return _fill(template, self.words)


@dataclass
class _Event:
    moment: datetime
    order: int
    run: Callable[[], object]


@dataclass
class DemoPlanner:
    """Works out every record and when it is saved, then saves them in date order."""

    session: Session
    today: date
    rng: random.Random
    cohort: Cohort
    maker: PupilMaker
    start: date
    events: list[_Event] = field(default_factory=list)
    plans: list[_ConcernPlan] = field(default_factory=list)
    #: Pupils already given a storyline, so each story has its own child and the
    #: everyday concerns go to other pupils.
    taken: set[str] = field(default_factory=set)
    _order: int = 0

    @property
    def opened(self) -> datetime:
        """When the school started using sgdesk: the register went in that morning."""
        return school_time(self.start, 8, 0)

    @property
    def this_year(self) -> date:
        """The first day of the current school year."""
        return date(self.start.year + 1, 9, 1)

    @property
    def story_end(self) -> date:
        """Storylines end a fortnight ago; the last fortnight is the review queue."""
        return self.today - timedelta(days=14)

    def joined(self, pupil: Pupil) -> datetime:
        """Year 7 joined this September; everyone else was on roll from the start."""
        if pupil.year_group == "7":
            return school_time(self.this_year, 8, 0)
        return self.opened

    def at(self, moment: datetime, run: Callable[[], object]) -> None:
        self._order += 1
        self.events.append(_Event(moment, self._order, run))

    def pick(self, gender: str, *years: int, among: Collection[str] = ()) -> Pupil:
        """A pupil for a storyline from one of ``years``: not in a family, without SEND,
        not yet in a story (and with a forename ``among`` those given, if any); given
        full register details."""
        family = {p.id for f in self.cohort.families for p in f}
        choices = [p for year in years for p in self.cohort.in_year(year)
                   if p.gender == gender and p.send_status is SendStatus.NONE
                   and p.id not in family and p.id not in self.taken
                   and (not among or p.legal_forename in among)]
        pupil = self.rng.choice(choices)
        self.taken.add(pupil.id)
        return self.cohort.replace(self.maker.with_details(pupil))

    def story(self, entries: list[tuple[list[Pupil], str]], first: date | None = None,
              last: date | None = None) -> None:
        """Concerns in the order given, on school days spread between ``first`` (the
        start of the record, or when the youngest child joined) and ``last``."""
        self.taken |= {p.id for children, _ in entries for p in children}
        earliest = max([first or self.start,
                        *(self.joined(p).date() for children, _ in entries for p in children)])
        days = _school_days(earliest, last or self.story_end)
        if not days:
            return
        picked = sorted(self.rng.sample(days, len(entries)) if len(days) >= len(entries)
                        else self.rng.choices(days, k=len(entries)))
        for (children, key), day in zip(entries, picked, strict=True):
            self.concern(BY_KEY[key], [self.cohort.current(c.id) for c in children], day)

    # -- concerns --------------------------------------------------------------------
    def concern(self, scenario: Scenario, children: list[Pupil], day: date) -> None:
        """Plan a concern from ``scenario`` about ``children`` (all subjects)."""
        if any(day < self.joined(p).date() for p in children):
            return
        names = [p.preferred_name or p.legal_forename for p in children]
        words = {**PRONOUNS[children[0].gender if len(children) == 1 else "Several"],
                 "name": " and ".join((", ".join(names[:-1]), names[-1])) if names[:-1]
                 else names[0]}
        involved = tuple(InvolvedChild(p.id, ChildRole.SUBJECT) for p in children)
        reporter = scenario.reporter or self.rng.choice(REPORTERS)
        self._plan(scenario, words, involved, reporter, day, scenario.at,
                   out_of_hours="Out of school hours" in scenario.tags)

    def group_concern(self, scenario: GroupScenario, victim: Pupil, perpetrator: Pupil,
                      witness: Pupil, day: date) -> None:
        words = {"V": _initials(victim), "P": _initials(perpetrator), "W": _initials(witness),
                 "name": victim.legal_forename}
        shown = self.rng.random() < 0.25
        involved = (InvolvedChild(victim.id, ChildRole.VICTIM),
                    InvolvedChild(perpetrator.id, ChildRole.ALLEGED_PERPETRATOR),
                    InvolvedChild(witness.id, ChildRole.WITNESS, name_shown_to_others=shown))
        self._plan(scenario, words, involved, self.rng.choice(REPORTERS), day, None, False)

    def _plan(self, scenario: Scenario | GroupScenario, words: dict[str, str],
              involved: tuple[InvolvedChild, ...], reporter: tuple[str, str], day: date,
              at: tuple[int, int] | None, out_of_hours: bool) -> None:
        """Out-of-hours concerns happened the evening before and were noticed as the
        school day began."""
        rng = self.rng
        if out_of_hours:
            evening = at or (rng.randrange(19, 22), rng.randrange(0, 60, 5))
            happened = school_time(day - timedelta(days=1), *evening)
            noticed = school_time(day, 8, rng.randrange(0, 50))
        else:
            happened = school_time(day, *(at or (rng.randrange(8, 15), rng.randrange(0, 60, 5))))
            noticed = happened + timedelta(minutes=rng.randrange(0, 90, 5))

        def text(template: str) -> str:
            return _fill(template, words)

        content = ConcernContent(
            reporter_name=reporter[0], reporter_role=reporter[1], happened_at=happened,
            noticed_at=noticed, location=scenario.location, children=involved,
            categories=scenario.categories, tags=scenario.tags,
            facts=text(scenario.facts), child_words=text(scenario.child_words),
            questions_asked=text(scenario.questions),
            others_reported=text(scenario.others), others_source=text(scenario.others_source),
            opinion=text(scenario.opinion), immediate_action=text(scenario.immediate),
        )
        logged = noticed + timedelta(minutes=rng.randrange(10, 60))
        self.plans.append(_ConcernPlan(content, logged, scenario, words))

    # -- turning plans into saved records ----------------------------------------------
    def schedule_concerns(self) -> None:
        """Decide each concern's review, actions and closure relative to ``today``."""
        self.plans.sort(key=lambda p: p.logged)
        self._decide()
        amend_kinds = list(AMENDMENT_REASONS)
        for n, plan in enumerate(self.rng.sample(self.plans, 6)):
            plan.amendment = amend_kinds[n % len(amend_kinds)]
        awaiting = self.plans[-AWAITING_REVIEW:]
        recent_with_actions = 0
        for plan in self.plans:
            self.at(plan.logged, partial(self._log, plan))
            if plan.amendment:
                self.at(plan.logged + timedelta(hours=1), partial(self._amend, plan))
            if plan in awaiting:
                continue
            reviewed = self._review_moment(plan.logged)
            age = (self.today - reviewed.date()).days
            if age <= RECENT_DAYS:
                actions = self._actions(plan, reviewed.date(), recent_with_actions)
                recent_with_actions += bool(actions)
                self.at(reviewed, partial(self._review, plan, reviewed, actions))
            elif self.rng.random() < 0.85:
                actions = self._actions(plan, reviewed.date(), None)
                self.at(reviewed, partial(self._review, plan, reviewed, actions))
                closed = self._closing_day(reviewed.date())
                self.at(school_time(closed, 16, 0),
                        partial(self._close, plan, reviewed, actions, closed))
            else:
                self.at(reviewed, partial(self._review, plan, reviewed, ()))

    def _decide(self) -> None:
        """The DSL's decision for each concern; a child's repeat of the same kind of
        concern gets the decision a DSL makes the second time round."""
        seen: set[tuple[str, str]] = set()
        for plan in self.plans:
            scenario = plan.scenario
            keys = {(c.pupil_id, scenario.key) for c in plan.content.children}
            again = scenario.again if isinstance(scenario, Scenario) else None
            plan.repeat = bool(again and keys & seen)
            decision, reasons = again if again and plan.repeat else (scenario.decision,
                                                                     scenario.reasons)
            plan.decision, plan.reasons = decision, plan.text(reasons)
            seen |= keys

    def _review_moment(self, logged: datetime) -> datetime:
        day = logged.date() + timedelta(days=self.rng.choice((0, 1, 1, 2)))
        while not _is_school_day(day):
            day += timedelta(days=1)
        return max(school_time(day, self.rng.randrange(12, 17), 30),
                   logged + timedelta(hours=3))

    def _closing_day(self, reviewed: date) -> date:
        day = reviewed + timedelta(days=self.rng.randrange(14, 40))
        while not _is_school_day(day):
            day += timedelta(days=1)
        return min(day, self.today - timedelta(days=1))

    def _actions(self, plan: _ConcernPlan, reviewed: date,
                 recent_index: int | None) -> tuple[Action, ...]:
        """Actions as first agreed. Recent ones cycle through overdue, due this week,
        and later, so the home view always has some of each."""
        actions = []
        for position, description in enumerate(() if plan.repeat else plan.scenario.actions):
            if "24 hours" in description:
                due = reviewed + timedelta(days=1)
            elif recent_index is None:
                due = reviewed + timedelta(days=self.rng.randrange(5, 15))
            else:
                due = {0: max(reviewed + timedelta(days=2),
                              self.today - timedelta(days=self.rng.randrange(1, 10))),
                       1: self.today + timedelta(days=self.rng.randrange(0, 7)),
                       2: self.today + timedelta(days=self.rng.randrange(10, 30))
                       }[(recent_index + position) % 3]
            actions.append(Action(plan.text(description), self._owner(description), due))
        return tuple(actions)

    def _owner(self, description: str) -> str:
        found = (owner for words, owner in ACTION_OWNERS
                 if any(w.casefold() in description.casefold() for w in words))
        return next(found, None) or self.rng.choice(GENERAL_OWNERS)

    # -- the services, on the story clock ------------------------------------------------
    def _log(self, plan: _ConcernPlan) -> None:
        plan.concern_id = concerns.log_concern(self.session, plan.content)
        plan.version = 1

    def _amend(self, plan: _ConcernPlan) -> None:
        content = plan.content
        if plan.amendment == "location":
            content = replace(content, location=f"{content.location} (by the door)")
        elif plan.amendment == "time":
            content = replace(content, happened_at=content.happened_at - timedelta(hours=1))
        elif content.others_reported:
            content = replace(content, opinion=(content.opinion + " Lunchtime staff have "
                                                "noticed the same.").strip())
        else:
            content = replace(content,
                              others_reported=plan.text(AMENDED_OTHERS),
                              others_source=AMENDED_OTHERS_SOURCE)
        reason = AMENDMENT_REASONS[plan.amendment]
        plan.version = concerns.amend_concern(self.session, plan.concern_id, content, reason,
                                              plan.version)
        plan.content = content

    def _review(self, plan: _ConcernPlan, reviewed: datetime,
                actions: tuple[Action, ...]) -> None:
        user = self.session.user
        review = Review(plan.decision, plan.reasons, user.display_name, user.role.label,
                        reviewed.date(), actions)
        plan.version = concerns.record_review(self.session, plan.concern_id, review,
                                              plan.version)

    def _close(self, plan: _ConcernPlan, reviewed: datetime, actions: tuple[Action, ...],
               closed: date) -> None:
        user = self.session.user
        done = tuple(replace(a, status=ActionStatus.DONE) for a in actions)
        review = Review(plan.decision, plan.reasons, user.display_name, user.role.label,
                        reviewed.date(), done, plan.text(plan.scenario.outcome), closed)
        plan.version = concerns.record_review(self.session, plan.concern_id, review,
                                              plan.version, "Outcome recorded and closed")

    # -- playing it -----------------------------------------------------------------------
    def play(self) -> None:
        clock = _StoryClock(self.session.db.clock())
        real_clock = self.session.db.clock
        self.session.db.clock = clock
        try:
            for event in sorted(self.events, key=lambda e: (e.moment, e.order)):
                clock.set(event.moment)
                event.run()
        finally:
            self.session.db.clock = real_clock


def _fill(template: str, words: dict[str, str]) -> str:
    return template.format(**words) if template else ""


def _initials(pupil: Pupil) -> str:
    return f"{pupil.legal_forename[0]}{pupil.legal_surname[0]}"


# -- the school's story ----------------------------------------------------------------
def add_demo_records(session: Session, today: date) -> None:
    """Fill a new demo store (signed in as its DSL) with two years of fictional records."""
    rng = random.Random(SEED)
    school_year = today.year if today.month >= 9 else today.year - 1
    start = date(school_year - 1, 9, 1)
    cohort = make_cohort(rng, school_year)
    planner = DemoPlanner(session, today, rng, cohort, PupilMaker(rng, school_year), start)
    _register(planner, school_year)
    _storylines(planner)
    _child_on_child(planner)
    _background(planner)
    planner.schedule_concerns()
    planner.play()


def _register(planner: DemoPlanner, school_year: int) -> None:
    """SEND and register details, then the pupils and tags saved before the first concern."""
    rng, cohort, maker = planner.rng, planner.cohort, planner.maker
    plain = [p for p in cohort.everyone if not p.household]
    for pupil in rng.sample(plain, 14):
        cohort.replace(replace(pupil, send_status=SendStatus.SEN_SUPPORT,
                               send_since=date(school_year - 2, 11, 1)))
    ehcp = [p for p in cohort.everyone if not p.household
            and p.send_status is SendStatus.NONE and p.year_group in ("8", "9", "10")]
    for pupil, disability in zip(rng.sample(ehcp, 4), (
            "Autism; severe learning difficulty", "Moderate learning difficulty",
            "Cerebral palsy (uses a wheelchair)", "Hearing impairment (hearing aids)"),
            strict=True):
        cohort.replace(maker.with_details(replace(
            pupil, send_status=SendStatus.EHCP, send_since=date(school_year - 4, 3, 1),
            disability=disability,
            ehcp_section_d=EHCP_SECTION_D.format(name=pupil.legal_forename),
            ehcp_section_h=EHCP_SECTION_H, agencies=(DISABLED_CHILDREN,))))
    for pupil in rng.sample([p for p in cohort.everyone if not p.household], 8):
        cohort.replace(maker.with_details(pupil))
    session = planner.session
    for tag in DEMO_TAGS:
        planner.at(planner.opened, partial(concerns.add_label, session, "tag", tag))
    for pupil in cohort.everyone:
        planner.at(planner.joined(pupil),
                   partial(_add_pupil, session, cohort, pupil.id))
    for family in cohort.families:
        ids = [p.id for p in family]
        label = f"{family[0].legal_surname} family"
        planner.at(max(planner.joined(p) for p in family) + timedelta(hours=1),
                   partial(pupils.link_family, session, ids, label))


def _storylines(planner: DemoPlanner) -> None:
    """The children the DSL knows best, each with a run of concerns over time."""
    cohort, rng = planner.cohort, planner.rng
    eldest, middle, youngest = cohort.families[0]
    for child in (eldest, middle, youngest):
        cohort.replace(replace(child, agencies=(EARLY_HELP, YOUNG_CARERS)))
    planner.story([
        ([eldest], "young_carer"), ([middle], "hungry"), ([youngest], "hungry"),
        ([middle, youngest], "attendance_drop"), ([eldest], "attendance_drop"),
        ([middle], "unwashed_kit"), ([youngest], "unwashed_kit"), ([eldest], "low_mood"),
        ([eldest, middle, youngest], "emergency_housing"), ([middle], "name_calling"),
        ([youngest], "bruise_explained"), ([eldest], "young_carer"), ([middle], "hungry"),
    ])
    older, younger = cohort.families[1]
    for child in (older, younger):
        cohort.replace(replace(child, agencies=(SOCIAL_CARE,)))
    planner.story([([older], "encompass"), ([younger], "encompass"),
                   ([older], "shouting_at_home"), ([younger], "belittled"),
                   ([older], "encompass"), ([younger], "encompass")])
    third, fourth, fifth = cohort.families[2:]
    planner.story([([third[0]], "parent_in_prison"), ([third[1]], "low_mood"),
                   ([fourth[0]], "gaming_nights"), ([fifth[1]], "name_calling")])

    exploited = planner.pick("Male", 10)
    cohort.replace(replace(exploited, agencies=(SOCIAL_CARE, YOUTH_JUSTICE)))
    planner.story([([exploited], k) for k in ("attendance_drop", "new_things",
                                              "missing_overnight", "knife_chat",
                                              "missing_overnight")],
                  first=planner.start + timedelta(days=150))
    struggling = cohort.replace(replace(planner.pick("Female", 10), agencies=(CAMHS,)))
    planner.story([([struggling], k) for k in ("low_mood", "self_harm", "low_mood",
                                               "self_harm", "online_contact")])
    groomed = cohort.replace(replace(planner.pick("Female", 11), agencies=(SOCIAL_CARE,)))
    planner.story([([groomed], k) for k in ("older_boyfriend", "attendance_drop",
                                            "older_boyfriend")])
    travelling = cohort.replace(replace(planner.pick("Female", 11), agencies=(SOCIAL_CARE,)))
    planner.story([([travelling], "trip_abroad")],
                  first=date(planner.start.year + 1, 5, 1))

    non_verbal, disclosed, *_ = [p for p in cohort.everyone
                                 if p.send_status is SendStatus.EHCP]
    cohort.replace(replace(non_verbal, communication_needs=NON_VERBAL_NEEDS))
    planner.story([([non_verbal], "worry_card"), ([non_verbal], "tired_and_worried_send"),
                   ([disclosed], "uncomfortable_visitor")])

    unknown = planner.pick(rng.choice(("Female", "Male")), 9)
    cohort.replace(replace(unknown, key_adults=(), key_adults_known=False,
                           interpreter_needed=unknown.first_language != "English"))
    planner.story([([unknown], "hungry"), ([unknown], "attendance_drop")],
                  first=planner.this_year)
    renamed = planner.pick("Male", *YEAR_GROUPS, among=SHORT_NAMES)
    cohort.replace(replace(renamed, preferred_name=SHORT_NAMES[renamed.legal_forename],
                           aliases=(f"{renamed.legal_forename} Holloway (previous surname)",)))
    _leavers(planner)


def _leavers(planner: DemoPlanner) -> None:
    """Two pupils who left last school year: one moved school, one is home educated."""
    moved, home_educated = planner.cohort.leavers
    year = planner.start.year + 1
    for pupil, left, destination, keys in (
            (moved, date(year, 2, 6), "Moorside High School, Brackley",
             ("shouting_at_home", "name_calling")),
            (home_educated, date(year, 5, 15), "Elective home education",
             ("attendance_drop", "belittled", "home_education"))):
        planner.story([([pupil], k) for k in keys], last=left - timedelta(days=3))
        planner.at(school_time(left, 15, 30),
                   partial(_record_leaving, planner.session, pupil.id, left, destination))


def _add_pupil(session: Session, cohort: Cohort, pupil_id: str) -> None:
    """Saved as the cohort holds the pupil when the story reaches their first day,
    with every detail the storylines gave them."""
    pupils.add_pupil(session, cohort.current(pupil_id))


def _record_leaving(session: Session, pupil_id: str, left: date, destination: str) -> None:
    version = pupils.get_pupil(session, pupil_id).version
    pupils.record_leaving(session, pupil_id, left, destination, version)


def _child_on_child(planner: DemoPlanner) -> None:
    """Concerns involving several children: a victim, an alleged perpetrator, a witness."""
    rng = planner.rng
    days = _school_days(planner.start, planner.story_end)
    for scenario in GROUP_SCENARIOS * 3:
        year = rng.choice((8, 9, 10, 11))
        pupils_in_year = [p for p in planner.cohort.in_year(year) if p.id not in planner.taken]
        victim = rng.choice([p for p in pupils_in_year
                             if p.gender == "Female" or not scenario.victim_girl])
        perpetrator = rng.choice([p for p in pupils_in_year
                                  if p.gender == "Male" and p is not victim])
        witness = rng.choice([p for p in pupils_in_year if p not in (victim, perpetrator)])
        planner.group_concern(scenario, victim, perpetrator, witness, rng.choice(days))


def _background(planner: DemoPlanner) -> None:
    """Everyday concerns about other pupils, then the last fortnight's, still to review."""
    rng = planner.rng
    gone = {p.id for p in planner.cohort.leavers} | planner.taken
    on_roll = [p for p in planner.cohort.everyone if p.id not in gone]
    noticed = rng.sample(on_roll, 55)
    recent = [planner.today - timedelta(days=n) for n in range(1, 13)]
    recent = [d for d in recent if d.weekday() < 5]
    for n in range(BACKGROUND_CONCERNS + AWAITING_REVIEW):
        pupil = rng.choice(noticed)
        recently = n >= BACKGROUND_CONCERNS  # a fortnight's everyday concerns
        pool = [s for s in SCENARIOS if s.weight > recently
                and (pupil.gender == "Female" or not s.girls_only)]
        scenario = rng.choices(pool, [s.weight for s in pool])[0]
        if recently:
            planner.concern(scenario, [pupil], rng.choice(recent))
            continue
        days = _school_days(planner.joined(pupil).date(), planner.story_end)
        if days:
            planner.concern(scenario, [pupil], rng.choice(days))

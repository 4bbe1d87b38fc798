"""A small school built by hand for the oversight report tests (unit and screen): every
figure it gives is worked out by hand in tests/unit/test_reports.py.

17 pupils on the register from 1 September 2025 to 31 March 2026 (6 without SEND, 8 on
SEN support of whom one left during the period, 3 with an EHCP) and one who left
before it; 17 concerns in the period (and some either side); DSL decisions on known
days over bank holidays and a school closure day; referrals of each kind, a draft and
a LADO referral; cases open, closed and started around the end of the period.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sgdesk.models.adult_concerns import (
    AdultCapacity,
    AdultConcern,
    AdultConcernKind,
    HarmThreshold,
)
from sgdesk.models.casework import CaseContent, CaseKind
from sgdesk.models.concerns import ChildRole, ConcernContent, Decision, InvolvedChild, Review
from sgdesk.models.pupils import Pupil, SendStatus
from sgdesk.models.referrals import Feedback, FeedbackOutcome, ReferralKind, Sending, SendMethod
from sgdesk.services import adult_concerns, concerns, referrals
from sgdesk.services.casework import open_case
from sgdesk.services.school_calendar import SchoolDates, set_school_calendar
from sgdesk.services.session import Session
from tests.helpers import add_pupil

#: The store's clock while the school is built and reported on.
NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
START, END = date(2025, 9, 1), date(2026, 3, 31)
CLOSURE_DAY = date(2025, 10, 13)  # a Monday the school was shut (a polling station)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def concern(session: Session, happened: date, children: list[tuple[Pupil, ChildRole]],
            categories: tuple[str, ...], *, noticed: date | None = None,
            decided: date | None = None) -> str:
    content = ConcernContent(
        "Ms Teacher", "Class teacher", at(happened), at(noticed or happened, 11), "Playground",
        tuple(InvolvedChild(p.id, role) for p, role in children), categories,
        facts="Seen upset at the gate")
    concern_id = concerns.log_concern(session, content)
    if decided is not None:
        concerns.record_review(session, concern_id, Review(
            Decision.MONITOR, "Watch and talk to the family", "Jo Bloggs", "DSL", decided), 1)
    return concern_id


def referral(session: Session, kind: ReferralKind, pupil: Pupil, sent: date | None,
             outcome: FeedbackOutcome | None = None) -> None:
    referral_id = referrals.start_referral(session, kind, pupil_id=pupil.id)
    if sent is None:
        return
    version = referrals.record_sending(session, referral_id, Sending(
        SendMethod.PHONE, datetime(sent.year, sent.month, sent.day, 15).astimezone(),
        "Front door (MASH)"), 1)
    if outcome is not None:
        referrals.record_feedback(session, referral_id, Feedback(
            sent + timedelta(days=1), outcome, "Reasons given on the phone"), version)


def case(session: Session, kind: CaseKind, pupil: Pupil, started: date,
         closed: date | None = None) -> None:
    open_case(session, CaseContent(kind, pupil.id, None, "Jo Bloggs", "Priya Shah",
                                   started, closed_on=closed,
                                   closure_reason="Plan completed" if closed else ""))


def build_school(session: Session) -> Session:
    """Fill ``session``'s store (its clock set to :data:`NOW`) with the school."""
    session.db.clock = lambda: NOW
    set_school_calendar(session, SchoolDates(closure_days=(CLOSURE_DAY,)))
    none = [add_pupil(session, f"N{n}", "None") for n in range(1, 7)]
    sen = [add_pupil(session, f"S{n}", "Support", send_status=SendStatus.SEN_SUPPORT)
           for n in range(1, 8)]
    ehcp = [add_pupil(session, f"E{n}", "Plan", send_status=SendStatus.EHCP)
            for n in range(1, 4)]
    left_before = add_pupil(session, "L1", "Gone", date_left=date(2025, 7, 20))
    left_during = add_pupil(session, "L2", "Moved", send_status=SendStatus.SEN_SUPPORT,
                            date_left=date(2025, 12, 19))
    n1, n2, n3, n4 = none[:4]
    s1, s2, s3, s4 = sen[:4]
    e1, e2 = ehcp[:2]
    subject = ChildRole.SUBJECT
    # (concern) happened, child(ren), categories, decided -> working days from noticed
    concern(session, date(2025, 9, 1), [(n1, subject)], ("Neglect",),
            decided=date(2025, 9, 1))  # 0: the first day of the period
    concern(session, date(2025, 9, 10), [(n1, subject)], ("Neglect", "Emotional abuse"),
            decided=date(2025, 9, 11))  # 1
    concern(session, date(2025, 9, 12), [(n2, subject)], ("Bullying",),
            decided=date(2025, 9, 15))  # 1: Friday to Monday
    concern(session, date(2025, 9, 30), [(s1, subject)], ("Neglect",),
            noticed=date(2025, 10, 2), decided=date(2025, 10, 3))  # 1 from noticed
    concern(session, date(2025, 10, 9), [(s1, subject)], ("Physical abuse",),
            decided=date(2025, 10, 14))  # 2: Fri, (closed Mon), Tue
    concern(session, date(2025, 10, 20), [(s2, ChildRole.VICTIM),
                                          (n3, ChildRole.ALLEGED_PERPETRATOR),
                                          (e1, ChildRole.WITNESS)],
            ("Child-on-child abuse", "Bullying"), decided=date(2025, 10, 27))  # 5
    concern(session, date(2025, 11, 5), [(s3, subject)], ("Neglect",),
            decided=date(2025, 11, 17))  # 8
    concern(session, date(2025, 12, 10), [(left_during, subject)], ("Neglect",),
            decided=date(2025, 12, 10))  # 0
    concern(session, date(2025, 12, 22), [(e1, subject)], ("Self-harm",),
            decided=date(2026, 1, 2))  # 6: three bank holidays in 11 days
    concern(session, date(2026, 1, 15), [(s1, subject)], ("Physical abuse",))  # awaiting
    concern(session, date(2026, 2, 2), [(s4, subject)], ("Online harm",),
            decided=date(2026, 2, 2))  # 0
    concern(session, date(2026, 3, 31), [(n4, subject)], ("Mental health",))  # awaiting; last day
    for monday in (date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19), date(2026, 2, 9),
                   date(2026, 3, 2)):
        concern(session, monday, [(e2, subject)], ("Emotional abuse",),
                decided=monday + timedelta(days=1))  # 1 each
    concern(session, date(2025, 8, 31), [(n1, subject)], ("Neglect",))  # before the period
    concern(session, date(2026, 4, 1), [(n1, subject)], ("Neglect",))  # after it
    concern(session, date(2025, 6, 2), [(left_before, subject)], ("Neglect",))

    referral(session, ReferralKind.CSC, s1, date(2025, 10, 9), FeedbackOutcome.S17_ASSESSMENT)
    referral(session, ReferralKind.CSC, n3, date(2025, 10, 21),
             FeedbackOutcome.NO_FURTHER_ACTION)
    referral(session, ReferralKind.CSC, e1, date(2025, 12, 22))  # awaiting feedback
    referral(session, ReferralKind.EARLY_HELP, n1, date(2025, 9, 11),
             FeedbackOutcome.EARLY_HELP)
    referral(session, ReferralKind.POLICE, s2, date(2025, 10, 20), FeedbackOutcome.OTHER)
    referral(session, ReferralKind.CSC, s3, date(2025, 11, 6), FeedbackOutcome.S47_ENQUIRY)
    referral(session, ReferralKind.PREVENT, n4, date(2026, 3, 31))  # the last day; awaiting
    referral(session, ReferralKind.CSC, s4, None)  # a draft never sent
    referral(session, ReferralKind.CSC, n2, date(2026, 4, 2), FeedbackOutcome.S17_ASSESSMENT)
    referral(session, ReferralKind.EARLY_HELP, n2, date(2025, 8, 29))  # before the period
    allegation = adult_concerns.record_adult_concern(session, AdultConcern(
        AdultConcernKind.ALLEGATION, "Mr Sam Example", AdultCapacity.STAFF, "Coach",
        "Ms Teacher", "Class teacher", at(date(2025, 11, 3)), at(date(2025, 11, 3), 11),
        "Sports hall", "Grabbed a pupil by the arm.", thresholds=(HarmThreshold.HARMED,)))
    lado = referrals.start_referral(session, ReferralKind.LADO, adult_concern_id=allegation)
    referrals.record_sending(session, lado, Sending(
        SendMethod.PHONE, at(date(2025, 11, 3), 14), "LADO"), 1)

    case(session, CaseKind.EARLY_HELP, n1, date(2025, 9, 15))
    case(session, CaseKind.S17, s1, date(2025, 10, 15), date(2026, 2, 1))  # closed in time
    case(session, CaseKind.S17, s3, date(2025, 11, 10))
    case(session, CaseKind.S47, e1, date(2026, 1, 5), date(2026, 4, 10))  # closed after
    case(session, CaseKind.EARLY_HELP, n2, date(2026, 4, 5))  # started after
    case(session, CaseKind.EARLY_HELP, n4, date(2025, 9, 2), END)  # closed on the last day
    return session

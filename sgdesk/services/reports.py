"""The oversight report for a date range: concerns, referrals and cases counted in the
store, then shown whole or, for governors, with small numbers hidden
(:func:`sgdesk.models.reports.build_report`).

Who may run it: the DSL and deputies, either way. The auditor and the SENDCO get
governors' view only: the auditor because governors read the report through that
role; the SENDCO because DOMAIN.md asks the DSL and SENDCO to analyse incidents by
SEND status together, and a report that governors may read names no child.

Speed: the concerns of a year are read in one statement. Its ``status IN (…)`` lets
the range use the ``concerns_by_status (status, happened_at)`` index; the rows are
read once, into a materialised set that every count shares, because the categories
and the two dates live in each concern's JSON body. Nothing here writes, so a report
leaves no trace in the audit chain or the store.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sgdesk.models.casework import CaseKind
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.pupils import SendStatus
from sgdesk.models.referrals import FeedbackOutcome, ReferralKind
from sgdesk.models.reports import (
    OversightReport,
    ReportCounts,
    SendCounts,
    build_report,
    full_report_allowed,
)
from sgdesk.models.working_days import WorkingDayCalendar, working_days_between
from sgdesk.services.school_calendar import school_dates
from sgdesk.services.session import Session

#: The day a concern happened is the start of its stored ``happened_at`` (ISO 8601,
#: local time as recorded), so a day range is a text range. The status list is every
#: status: it lets SQLite search the (status, happened_at) index three times rather
#: than read every concern.
_CONCERNS_IN_RANGE = ("c.status IN ('awaiting_review', 'open', 'closed') "
                      "AND c.happened_at >= ? AND c.happened_at < ?")

_BY_MONTH = f"""SELECT substr(c.happened_at, 1, 7), count(*) FROM concerns c
    WHERE {_CONCERNS_IN_RANGE} GROUP BY 1"""

#: One pass over the range's concerns, each count tagged with what it is:
#: ``category`` (name, concerns), ``decision`` (day noticed, day decided or NULL,
#: concerns), ``send`` (status, pupils, concerns) and ``repeat`` (concerns per pupil,
#: pupils).
_CONCERN_COUNTS = f"""
WITH concern AS MATERIALIZED (
    SELECT c.id, c.body -> '$.categories' AS categories,
           substr(c.body ->> '$.noticed_at', 1, 10) AS noticed,
           c.body ->> '$.review.reviewed_on' AS decided
    FROM concerns c WHERE {_CONCERNS_IN_RANGE}),
involved AS MATERIALIZED (
    SELECT cc.pupil_id, cc.concern_id, p.send_status
    FROM concern INNER JOIN concern_children cc ON cc.concern_id = concern.id
    INNER JOIN pupils p ON p.id = cc.pupil_id)
SELECT 'category', j.value, NULL, count(*)
    FROM concern, json_each(concern.categories) AS j GROUP BY j.value
UNION ALL
SELECT 'decision', noticed, decided, count(*) FROM concern GROUP BY noticed, decided
UNION ALL
SELECT 'send', send_status, count(DISTINCT pupil_id), count(DISTINCT concern_id)
    FROM involved GROUP BY send_status
UNION ALL
SELECT 'repeat', per_pupil, count(*), NULL FROM (
    SELECT count(*) AS per_pupil FROM involved GROUP BY pupil_id) GROUP BY per_pupil
"""

#: Pupils on the register at some time in the range: all but those who left before it.
#: (The register keeps no date of joining.)
_PUPILS_ON_REGISTER = """SELECT send_status, count(*) FROM pupils
    WHERE date_left IS NULL OR date_left >= ? GROUP BY send_status"""

#: Referrals about pupils (not LADO: those are the DSL's alone) sent in the range, by
#: kind and the outcome recorded so far (NULL while awaiting feedback).
_REFERRALS = """SELECT kind,
        CASE WHEN feedback_on IS NULL THEN NULL
             ELSE body ->> '$.tracking.feedback.outcome' END,
        count(*)
    FROM referrals WHERE pupil_id IS NOT NULL AND sent_at >= ? AND sent_at < ?
    GROUP BY 1, 2"""

#: Cases open at the end of the range: started by then, not closed by then.
_OPEN_CASES = """SELECT kind, count(*) FROM cases
    WHERE started_on <= ? AND (closed_on IS NULL OR closed_on > ?) GROUP BY kind"""

_CATEGORY_ORDER = "SELECT name FROM concern_labels WHERE kind = 'category' ORDER BY position"


def oversight_report(session: Session, start: date, end: date, *,
                     for_governors: bool) -> OversightReport:
    """The report for ``start`` to ``end`` (both included), as of now. Runs on the worker."""
    _require_access(session, for_governors=for_governors)
    today = session.db.clock().astimezone().date()
    if end < start:
        raise InvalidInput("The end of the period must not be before its start.", field="end")
    if end > today:
        raise InvalidInput("The period cannot end after today.", field="end")
    counts = _report_counts(session, start, end, school_dates(session).working_days())
    return build_report(counts, for_governors=for_governors)


def _require_access(session: Session, *, for_governors: bool) -> None:
    """Every role may see governors' view; only the DSL and deputies every number."""
    role = session.user.role
    if not for_governors and not full_report_allowed(role):
        raise PermissionDenied(f"{role.label} accounts see the report as governors do, with "
                               "numbers under 5 hidden.")


def _report_counts(session: Session, start: date, end: date,
                  calendar: WorkingDayCalendar) -> ReportCounts:
    """Every raw count for the range, nothing hidden. Times to a decision are counted
    in working days on ``calendar``."""
    db = session.db
    after_end = end + timedelta(days=1)
    in_range = (start.isoformat(), after_end.isoformat())
    by_month = {date.fromisoformat(f"{month}-01"): int(n)
                for month, n in db.query(_BY_MONTH, in_range)}
    categories: Counter[str] = Counter()
    noticed_to_decided: Counter[tuple[str, str | None]] = Counter()
    by_send: dict[SendStatus, SendCounts] = {}
    per_pupil: dict[int, int] = {}
    for kind, key, first, second in db.query(_CONCERN_COUNTS, in_range):
        if kind == "category":
            categories[str(key)] += int(second)
        elif kind == "decision":
            noticed_to_decided[str(key), first] += int(second)
        elif kind == "send":
            by_send[SendStatus(key)] = SendCounts(0, int(first), int(second))
        else:
            per_pupil[int(key)] = int(first)
    for status, pupils in db.query(_PUPILS_ON_REGISTER, (start.isoformat(),)):
        found = by_send.get(SendStatus(status), SendCounts())
        by_send[SendStatus(status)] = SendCounts(int(pupils), found.pupils_with_concerns,
                                                 found.concerns)
    decision_days: Counter[int] = Counter()
    for (noticed, decided), n in noticed_to_decided.items():
        if decided is not None:
            days = working_days_between(date.fromisoformat(noticed),
                                        date.fromisoformat(decided), calendar)
            decision_days[max(days, 0)] += n
    return ReportCounts(
        start=start, end=end,
        concerns=sum(by_month.values()),
        by_month=by_month,
        by_category=_in_school_order(session, categories),
        by_send=by_send,
        pupils_with_concerns=sum(c.pupils_with_concerns for c in by_send.values()),
        referrals=_referrals(session, start, after_end),
        decision_days=dict(decision_days),
        awaiting_decision=sum(n for (_day, decided), n in noticed_to_decided.items()
                              if decided is None),
        open_cases={CaseKind(kind): int(n) for kind, n in db.query(
            _OPEN_CASES, (end.isoformat(), end.isoformat()))},
        concerns_per_pupil=per_pupil,
    )


def _in_school_order(session: Session, counts: Counter[str]) -> list[tuple[str, int]]:
    """Categories used in the range, in the order of the school's list (never by size:
    the order must not hint at a hidden number); any no longer on it follow, A to Z."""
    order = {str(row[0]): n for n, row in enumerate(session.db.query(_CATEGORY_ORDER))}
    names = sorted(counts, key=lambda name: (order.get(name, len(order)), name))
    return [(name, counts[name]) for name in names]


def _referrals(session: Session, start: date, after_end: date
               ) -> dict[tuple[ReferralKind, FeedbackOutcome | None], int]:
    """Referrals sent from local midnight at ``start`` to local midnight at ``after_end``
    (``sent_at`` is stored in UTC)."""
    bounds = tuple(datetime.combine(day, time()).astimezone().astimezone(UTC).isoformat()
                   for day in (start, after_end))
    return {(ReferralKind(kind), None if outcome is None else FeedbackOutcome(outcome)): int(n)
            for kind, outcome, n in session.db.query(_REFERRALS, bounds)}


"""The oversight report's figures: concerns, referrals and cases over a date range.

The raw counts (:class:`ReportCounts`, read from the store by
:mod:`sgdesk.services.reports`) become an :class:`OversightReport` through
:func:`build_report`. For governors it applies the small-number rule
(:mod:`sgdesk.models.small_numbers`) across every table at once, and withholds the
rates and medians built on a hidden number.

Screen and print lay the report out from :func:`report_sections`, so both say the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sgdesk.models.casework import CaseKind
from sgdesk.models.pupils import SendStatus
from sgdesk.models.referrals import FeedbackOutcome, ReferralKind
from sgdesk.models.small_numbers import WITHHELD_TEXT, Count, Tally
from sgdesk.models.users import Role

GOVERNORS_NOTE = "For governors: numbers under 5 are shown as <5."
WITHHELD_NOTE = ("A number from which one under 5 could be worked out (for example a total "
                 "less the others) is shown as \u201cwithheld\u201d.")


#: Who sees every number. Every other role (the auditor, through whom governors read
#: the store; the SENDCO, who shares oversight of incidents by SEND status, DOMAIN.md)
#: sees governors' view only.
FULL_REPORT_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL})


def full_report_allowed(role: Role) -> bool:
    """Whether ``role`` may see the report without small numbers hidden."""
    return role in FULL_REPORT_ROLES


# -- shown figures ----------------------------------------------------------------
@dataclass(frozen=True)
class Labelled:
    """One row of a one-column table: a label and its count."""

    label: str
    count: Count


@dataclass(frozen=True)
class Derived:
    """A figure worked out from counts (a rate, a median): its number for a chart and its
    text. ``value`` is ``None`` when it is withheld or there is nothing to work it out from."""

    value: float | None
    text: str


# -- derived figures -----------------------------------------------------------------
NO_PUPILS_TEXT = "no pupils"


def per_hundred(count: Count, pupils: Count) -> Derived:
    """``count`` per 100 ``pupils``, to one decimal place; withheld if either is hidden."""
    if count.value is None or pupils.value is None:
        return Derived(None, WITHHELD_TEXT)
    if pupils.value == 0:
        return Derived(None, NO_PUPILS_TEXT)
    rate = count.value * 100 / pupils.value
    return Derived(rate, f"{rate:.1f}")


def median_of_counts(counts: Mapping[int, int]) -> float | None:
    """The median of values given as {value: how many times}; ``None`` when empty."""
    total = sum(counts.values())
    if total == 0:
        return None
    middle = [(total - 1) // 2, total // 2]
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while middle and middle[0] < seen:
            found.append(value)
            middle.pop(0)
    return (found[0] + found[1]) / 2


def days_text(days: float) -> str:
    number = f"{days:g}"
    return f"{number} working day" + ("" if days == 1 else "s")


# -- what the store gives ------------------------------------------------------------
#: How long from a concern being noticed to the DSL's decision, in working days.
DECISION_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("Same day", 0, 0),
    ("1 to 2 working days", 1, 2),
    ("3 to 5 working days", 3, 5),
    ("More than 5 working days", 6, None),
)


def decision_band(working_days: int) -> int:
    """Which of :data:`DECISION_BANDS` a time falls in (a decision dated before the
    concern was noticed counts as the same day)."""
    for index, (_label, _low, high) in enumerate(DECISION_BANDS):
        if high is None or working_days <= high:
            return index
    raise AssertionError("the last band is open-ended")


REPEAT_BANDS: tuple[str, ...] = ("1 concern", "2 to 4 concerns", "5 or more concerns")


def repeat_band(concerns: int) -> int:
    """Which of :data:`REPEAT_BANDS` a pupil with ``concerns`` (at least 1) falls in."""
    return 0 if concerns <= 1 else 1 if concerns <= 4 else 2


#: Where a pupil's referral went, as a column heading.
REFERRAL_KINDS: tuple[tuple[ReferralKind, str], ...] = (
    (ReferralKind.CSC, "Social care"),
    (ReferralKind.EARLY_HELP, "Early Help"),
    (ReferralKind.POLICE, "Police"),
    (ReferralKind.PREVENT, "Prevent"),
)
AWAITING_FEEDBACK = "Awaiting feedback"
#: Outcome rows: the local authority's decision as recorded, or none yet.
REFERRAL_OUTCOMES: tuple[tuple[FeedbackOutcome | None, str], ...] = (
    *((outcome, outcome.label) for outcome in FeedbackOutcome),
    (None, AWAITING_FEEDBACK),
)

CASE_KINDS: tuple[tuple[CaseKind, str], ...] = (
    (CaseKind.EARLY_HELP, "Early Help"),
    (CaseKind.S17, "Child in need (s17)"),
    (CaseKind.S47, "Child protection (s47)"),
)

SEND_GROUPS: tuple[SendStatus, ...] = (SendStatus.NONE, SendStatus.SEN_SUPPORT,
                                       SendStatus.EHCP)
ALL_PUPILS = "All pupils"


@dataclass(frozen=True)
class SendCounts:
    """One SEND group: pupils on the register in the range, how many of them a concern
    involved, and how many concerns involved at least one of them."""

    pupils: int = 0
    pupils_with_concerns: int = 0
    concerns: int = 0


@dataclass(frozen=True)
class ReportCounts:
    """The raw counts for a range, as the store gives them (nothing hidden yet)."""

    start: date
    end: date
    concerns: int
    #: concerns by the month they happened in: {first day of the month: count}
    by_month: Mapping[date, int]
    #: (category, concerns) in the school's order of categories
    by_category: Sequence[tuple[str, int]]
    by_send: Mapping[SendStatus, SendCounts]
    #: pupils involved in at least one concern in the range
    pupils_with_concerns: int
    #: {(kind, outcome or None while awaiting feedback): referrals sent in the range}
    referrals: Mapping[tuple[ReferralKind, FeedbackOutcome | None], int]
    #: {working days from noticed to decided: concerns}
    decision_days: Mapping[int, int]
    awaiting_decision: int
    open_cases: Mapping[CaseKind, int]
    #: pupils by how many concerns involved them: {concerns: pupils}
    concerns_per_pupil: Mapping[int, int]


# -- the report ----------------------------------------------------------------------
@dataclass(frozen=True)
class SendRow:
    label: str
    pupils: Count
    pupils_with_concerns: Count
    concerns: Count
    concerns_per_100: Derived
    pupils_with_concerns_per_100: Derived


@dataclass(frozen=True)
class ReferralTable:
    """Referrals by where they went (columns) and outcome (rows), with totals."""

    kinds: tuple[str, ...]
    outcomes: tuple[str, ...]
    #: cells[outcome][kind]
    cells: tuple[tuple[Count, ...], ...]
    outcome_totals: tuple[Count, ...]
    kind_totals: tuple[Count, ...]
    total: Count


@dataclass(frozen=True)
class DecisionTimes:
    bands: tuple[Labelled, ...]
    decided: Count
    awaiting: Count
    median: Derived


@dataclass(frozen=True)
class OversightReport:
    start: date
    end: date
    for_governors: bool
    concerns: Count
    by_month: tuple[Labelled, ...]
    by_category: tuple[Labelled, ...]
    by_send: tuple[SendRow, ...]
    send_total: SendRow
    referrals: ReferralTable
    decisions: DecisionTimes
    open_cases: tuple[Labelled, ...]
    repeats: tuple[Labelled, ...]
    pupils_with_concerns: Count


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from ``start``'s to ``end``'s, in order."""
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def school_year_containing(day: date) -> tuple[date, date]:
    """1 September to 31 August around ``day``: the year governors report on."""
    first = day.year if day.month >= 9 else day.year - 1
    return date(first, 9, 1), date(first + 1, 8, 31)


def build_report(counts: ReportCounts, *, for_governors: bool) -> OversightReport:
    """The report as shown: every number, or governors' view with the small-number rule
    applied across all its tables at once."""
    tally = Tally()
    concerns = tally.add(counts.concerns)
    months = [(m, tally.add(counts.by_month.get(m, 0)))
              for m in months_between(counts.start, counts.end)]
    tally.adds_up([cell for _m, cell in months], concerns)
    categories = [(name, tally.add(n)) for name, n in counts.by_category]
    if categories:
        tally.adds_up([cell for _c, cell in categories], concerns)

    send = {status: counts.by_send.get(status, SendCounts()) for status in SEND_GROUPS}
    send_cells = {status: (tally.add(c.pupils), tally.add(c.pupils_with_concerns),
                           tally.add(c.concerns)) for status, c in send.items()}
    all_pupils = tally.add(sum(c.pupils for c in send.values()))
    with_concerns = tally.add(counts.pupils_with_concerns)
    for column, total in ((0, all_pupils), (1, with_concerns), (2, concerns)):
        tally.adds_up([cells[column] for cells in send_cells.values()], total)

    raw_referrals = [[counts.referrals.get((kind, outcome), 0) for kind, _k in REFERRAL_KINDS]
                     for outcome, _o in REFERRAL_OUTCOMES]
    referral_cells = [[tally.add(n) for n in row] for row in raw_referrals]
    outcome_totals = [tally.add(sum(row)) for row in raw_referrals]
    kind_totals = [tally.add(sum(column)) for column in zip(*raw_referrals, strict=True)]
    referrals = tally.add(sum(map(sum, raw_referrals)))
    for cells, total in zip(referral_cells, outcome_totals, strict=True):
        tally.adds_up(cells, total)
    for column_cells, total in zip(zip(*referral_cells, strict=True), kind_totals, strict=True):
        tally.adds_up(column_cells, total)
    tally.adds_up(outcome_totals, referrals)
    tally.adds_up(kind_totals, referrals)

    band_counts = [0] * len(DECISION_BANDS)
    for days, n in counts.decision_days.items():
        band_counts[decision_band(days)] += n
    bands = [tally.add(n) for n in band_counts]
    decided = tally.add(sum(band_counts))
    awaiting = tally.add(counts.awaiting_decision)
    tally.adds_up(bands, decided)
    tally.adds_up([decided, awaiting], concerns)

    cases = [(label, tally.add(counts.open_cases.get(kind, 0))) for kind, label in CASE_KINDS]
    repeat_counts = [0] * len(REPEAT_BANDS)
    for per_pupil, pupils in counts.concerns_per_pupil.items():
        repeat_counts[repeat_band(per_pupil)] += pupils
    repeats = [tally.add(n) for n in repeat_counts]
    tally.adds_up(repeats, with_concerns)

    shown = tally.counts(for_governors)

    def send_row(label: str, pupils: int, involved: int, concerned: int) -> SendRow:
        return SendRow(label, shown[pupils], shown[involved], shown[concerned],
                       per_hundred(shown[concerned], shown[pupils]),
                       per_hundred(shown[involved], shown[pupils]))

    decided_count = shown[decided]
    middle = median_of_counts(counts.decision_days) if decided_count.value else None
    median = (Derived(None, WITHHELD_TEXT) if decided_count.value is None
              else Derived(None, "no decisions") if middle is None
              else Derived(middle, days_text(middle)))
    return OversightReport(
        start=counts.start, end=counts.end, for_governors=for_governors,
        concerns=shown[concerns],
        by_month=tuple(Labelled(f"{m:%b %Y}", shown[c]) for m, c in months),
        by_category=tuple(Labelled(name, shown[c]) for name, c in categories),
        by_send=tuple(send_row(status.label, *send_cells[status]) for status in SEND_GROUPS),
        send_total=send_row(ALL_PUPILS, all_pupils, with_concerns, concerns),
        referrals=ReferralTable(
            kinds=tuple(label for _k, label in REFERRAL_KINDS),
            outcomes=tuple(label for _o, label in REFERRAL_OUTCOMES),
            cells=tuple(tuple(shown[c] for c in row) for row in referral_cells),
            outcome_totals=tuple(shown[c] for c in outcome_totals),
            kind_totals=tuple(shown[c] for c in kind_totals),
            total=shown[referrals]),
        decisions=DecisionTimes(
            bands=tuple(Labelled(label, shown[c])
                        for (label, _l, _h), c in zip(DECISION_BANDS, bands, strict=True)),
            decided=decided_count, awaiting=shown[awaiting], median=median),
        open_cases=tuple(Labelled(label, shown[c]) for label, c in cases),
        repeats=tuple(Labelled(label, shown[c])
                      for label, c in zip(REPEAT_BANDS, repeats, strict=True)),
        pupils_with_concerns=shown[with_concerns],
    )



# -- laid out for the screen and the page --------------------------------------------
REPORT_TITLE = "Safeguarding oversight report"


@dataclass(frozen=True)
class Chart:
    """A bar chart of one section's figures. ``title`` is also its accessible name.
    A bar whose number is not shown has ``None`` as its value and says why in its text."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    texts: tuple[str, ...]
    horizontal: bool = False


@dataclass(frozen=True)
class ReportSection:
    """One part of the report: what it counts and how, key figures, the table of every
    figure (the chart's figures included), and the chart."""

    title: str
    note: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    chart: Chart | None = None
    figures: tuple[tuple[str, str], ...] = ()


def period_text(report: OversightReport) -> str:
    return f"{report.start:%d/%m/%Y} to {report.end:%d/%m/%Y}"


def report_notes(report: OversightReport) -> tuple[str, ...]:
    """What a reader must know before the figures: the period and, for governors, the rule."""
    notes = [f"Period: {period_text(report)}."]
    if report.for_governors:
        notes += [GOVERNORS_NOTE, WITHHELD_NOTE]
    return tuple(notes)


def _chart(title: str, rows: Sequence[Labelled], *, horizontal: bool = False) -> Chart:
    return Chart(title, tuple(r.label for r in rows),
                 tuple(None if r.count.value is None else float(r.count.value) for r in rows),
                 tuple(r.count.text for r in rows), horizontal)


def _rows(rows: Sequence[Labelled]) -> tuple[tuple[str, str], ...]:
    return tuple((r.label, r.count.text) for r in rows)


def report_sections(report: OversightReport) -> tuple[ReportSection, ...]:
    """The report's parts in reading order, each with its table and chart."""
    total = ("Total", report.concerns.text)
    referrals = report.referrals
    decisions = report.decisions
    send_rows = (*report.by_send, report.send_total)
    return (
        ReportSection(
            "Concerns by month",
            "Concerns about pupils, by the day they happened. A concern counts once, "
            "however many children it involves.",
            ("Month", "Concerns"), (*_rows(report.by_month), total),
            _chart("Concerns by month", report.by_month)),
        ReportSection(
            "Concerns by category",
            "A concern may have more than one category, so these can add up to more "
            "than the concerns in the period.",
            ("Category", "Concerns"),
            _rows(report.by_category) or (("No concerns in the period", "0"),),
            _chart("Concerns by category", report.by_category, horizontal=True)
            if report.by_category else None),
        ReportSection(
            "Concerns by SEND status",
            "Pupils on the register in the period (all but those who had left before it "
            "began), by their SEND status as recorded now: SEN support and EHCP counted "
            "apart, against pupils without SEND. A concern involving children in "
            "different groups counts in each of their groups.",
            ("Pupils", "On the register", "With a concern", "Concerns",
             "Concerns per 100 pupils", "Pupils with a concern per 100"),
            tuple((row.label, row.pupils.text, row.pupils_with_concerns.text,
                   row.concerns.text, row.concerns_per_100.text,
                   row.pupils_with_concerns_per_100.text) for row in send_rows),
            Chart("Concerns per 100 pupils, by SEND status",
                  tuple(row.label for row in report.by_send),
                  tuple(row.concerns_per_100.value for row in report.by_send),
                  tuple(row.concerns_per_100.text for row in report.by_send))),
        ReportSection(
            "Referrals by agency and outcome",
            "Referrals about pupils sent in the period, by where they went and the outcome "
            "recorded so far. Referrals to the LADO (allegations about adults) are kept on "
            "the DSL's register and are not counted here.",
            ("Outcome", *referrals.kinds, "Total"),
            (*((outcome, *(c.text for c in cells), total_count.text)
               for outcome, cells, total_count in zip(
                   referrals.outcomes, referrals.cells, referrals.outcome_totals,
                   strict=True)),
             ("Total", *(c.text for c in referrals.kind_totals), referrals.total.text)),
            _chart("Referrals by agency",
                   [Labelled(kind, count) for kind, count in zip(
                       referrals.kinds, referrals.kind_totals, strict=True)],
                   horizontal=True)),
        ReportSection(
            "Time from concern to DSL decision",
            "From the day a concern was noticed to the day of the DSL's decision, in "
            "working days (weekdays, less bank holidays and the school's closure days).",
            ("Time to decision", "Concerns"),
            (*_rows(decisions.bands), ("Decided", decisions.decided.text),
             ("Awaiting a decision", decisions.awaiting.text), total),
            _chart("Time from concern to DSL decision", decisions.bands),
            (("Median time to decision", decisions.median.text),)),
        ReportSection(
            "Open Early Help, child in need and child protection cases",
            f"Cases open on {report.end:%d/%m/%Y}, the end of the period: started by "
            "then and not yet closed.",
            ("Kind of case", "Open cases"), _rows(report.open_cases),
            _chart("Open cases at the end of the period", report.open_cases)),
        ReportSection(
            "Repeat concerns per pupil",
            "Pupils by how many concerns in the period involved them.",
            ("Concerns in the period", "Pupils"),
            (*_rows(report.repeats),
             ("All pupils with a concern", report.pupils_with_concerns.text)),
            _chart("Pupils by number of concerns", report.repeats)),
    )

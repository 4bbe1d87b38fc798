"""The oversight report counted on a real store built by hand, every figure checked
against a count done by hand; the small-number rule on its own and on that store;
who may see what; and the PDF read back (and rendered, for looking at).

The store is tests/report_helpers.build_school; the figures below were worked out by
hand from what it records.
"""

from __future__ import annotations

import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.reports import (
    GOVERNORS_NOTE,
    Labelled,
    median_of_counts,
    report_sections,
    school_year_containing,
)
from sgdesk.models.small_numbers import Relation, Shown, suppression
from sgdesk.models.users import Role
from sgdesk.services.pdf.oversight_report import REPORT_KIND, oversight_report_pdf
from sgdesk.services.reports import oversight_report
from sgdesk.services.school_calendar import SchoolDates, set_school_calendar
from sgdesk.services.session import Session
from tests.helpers import add_colleague, close, make_store, reopen
from tests.report_helpers import END, NOW, START, build_school

SHOTS = Path("/tmp/shots")
U, W = "<5", "withheld"


# -- the store ------------------------------------------------------------------------
@pytest.fixture
def session(store_path: Path) -> Session:
    made = make_store(store_path)[0]
    made.db.clock = lambda: NOW
    return made


@pytest.fixture
def school(session: Session) -> Session:
    return build_school(session)


def texts(rows: tuple[Labelled, ...]) -> list[tuple[str, str]]:
    return [(row.label, row.count.text) for row in rows]


# -- every figure, counted by hand --------------------------------------------------------
def test_every_figure_matches_a_count_by_hand(school: Session) -> None:
    report = oversight_report(school, START, END, for_governors=False)

    assert report.concerns.value == 17
    assert texts(report.by_month) == [
        ("Sep 2025", "4"), ("Oct 2025", "2"), ("Nov 2025", "1"), ("Dec 2025", "2"),
        ("Jan 2026", "4"), ("Feb 2026", "2"), ("Mar 2026", "2")]
    # In the school's order of categories; a concern with two counts in both.
    assert texts(report.by_category) == [
        ("Physical abuse", "2"), ("Emotional abuse", "6"), ("Neglect", "5"),
        ("Child-on-child abuse", "1"), ("Bullying", "2"), ("Online harm", "1"),
        ("Mental health", "1"), ("Self-harm", "1")]

    # SEN support and EHCP apart; the pupil who left before the period is not on the
    # register; the three-child concern counts in each group.
    send = {row.label: row for row in report.by_send}
    assert [(r.pupils.value, r.pupils_with_concerns.value, r.concerns.value)
            for r in send.values()] == [(6, 4, 5), (8, 5, 7), (3, 2, 7)]
    assert list(send) == ["No SEND", "SEN support (K)", "EHCP"]
    assert [(r.concerns_per_100.text, r.pupils_with_concerns_per_100.text)
            for r in send.values()] == [("83.3", "66.7"), ("87.5", "62.5"), ("233.3", "66.7")]
    total = report.send_total
    assert (total.label, total.pupils.value, total.pupils_with_concerns.value,
            total.concerns.value, total.concerns_per_100.text,
            total.pupils_with_concerns_per_100.text) == (
        "All pupils", 17, 11, 17, "100.0", "64.7")

    # Sent in the period only (not the draft, not before or after), LADO left out.
    table = report.referrals
    assert table.kinds == ("Social care", "Early Help", "Police", "Prevent")
    assert {outcome: [c.value for c in cells]
            for outcome, cells in zip(table.outcomes, table.cells, strict=True)} == {
        "No further action": [1, 0, 0, 0],
        "Early Help": [0, 1, 0, 0],
        "Child in need assessment (section 17)": [1, 0, 0, 0],
        "Child protection enquiry (section 47)": [1, 0, 0, 0],
        "Strategy discussion": [0, 0, 0, 0],
        "Other": [0, 0, 1, 0],
        "Awaiting feedback": [1, 0, 0, 1],
    }
    assert [c.value for c in table.outcome_totals] == [1, 1, 1, 1, 0, 1, 2]
    assert [c.value for c in table.kind_totals] == [4, 1, 1, 1]
    assert table.total.value == 7

    # Working days from the day noticed: 0 ×3, 1 ×8, 2, 5, 6, 8; two awaiting.
    decisions = report.decisions
    assert texts(decisions.bands) == [
        ("Same day", "3"), ("1 to 2 working days", "9"), ("3 to 5 working days", "1"),
        ("More than 5 working days", "2")]
    assert (decisions.decided.value, decisions.awaiting.value) == (15, 2)
    assert decisions.median.text == "1 working day"

    assert texts(report.open_cases) == [
        ("Early Help", "1"), ("Child in need (s17)", "1"), ("Child protection (s47)", "1")]
    # N1 2, S1 3, E1 2, E2 5; seven pupils with one.
    assert texts(report.repeats) == [
        ("1 concern", "7"), ("2 to 4 concerns", "3"), ("5 or more concerns", "1")]
    assert report.pupils_with_concerns.value == 11


def test_the_school_calendar_counts_in_the_time_to_a_decision(school: Session) -> None:
    """Without the closure day, 9 to 14 October is 3 working days, not 2."""
    set_school_calendar(school, SchoolDates())
    bands = oversight_report(school, START, END, for_governors=False).decisions.bands
    assert [b.count.value for b in bands] == [3, 8, 2, 2]


def test_a_period_counts_its_first_and_last_days_only(school: Session) -> None:
    report = oversight_report(school, date(2025, 9, 1), date(2025, 9, 10),
                              for_governors=False)
    assert report.concerns.value == 2
    assert texts(report.by_month) == [("Sep 2025", "2")]
    assert report.referrals.total.value == 0
    # The Early Help case started on 2 and 15 September: one open by the 10th.
    assert [c.count.value for c in report.open_cases] == [1, 0, 0]


def test_reading_a_report_writes_nothing(school: Session) -> None:
    def audit_rows() -> int:
        return int(school.db.query("SELECT count(*) FROM audit")[0][0])

    before = audit_rows()
    oversight_report(school, START, END, for_governors=True)
    oversight_report(school, START, END, for_governors=False)
    assert audit_rows() == before


# -- governors' view -------------------------------------------------------------------
def test_governors_see_no_number_under_5_and_nothing_it_could_be_worked_out_from(
        school: Session) -> None:
    report = oversight_report(school, START, END, for_governors=True)

    assert report.concerns.text == "17"
    assert [m.count.text for m in report.by_month] == [U] * 7  # all 1 to 4; the total stays
    assert texts(report.by_category) == [
        ("Physical abuse", U), ("Emotional abuse", "6"), ("Neglect", "5"),
        ("Child-on-child abuse", U), ("Bullying", U), ("Online harm", U),
        ("Mental health", U), ("Self-harm", U)]

    # 17 on the register less SEN support's 8 less No SEND's 6 would give EHCP's 3,
    # so No SEND's 6 is withheld, and every rate built on a hidden number with it.
    no_send, _support, ehcp = report.by_send
    assert [(r.pupils.text, r.pupils_with_concerns.text, r.concerns.text,
             r.concerns_per_100.text, r.pupils_with_concerns_per_100.text)
            for r in report.by_send] == [
        (W, U, "5", W, W), ("8", "5", "7", "87.5", "62.5"), (U, U, "7", W, W)]
    assert no_send.pupils.value is None and ehcp.pupils.value is None  # not in the report
    assert report.send_total.pupils.text == "17"

    # Every referral cell is a 1: all <5, zeros shown, the grand total kept.
    table = report.referrals
    assert {c.text for row in table.cells for c in row} == {U, "0"}
    assert [c.text for c in table.outcome_totals] == [U, U, U, U, "0", U, U]
    assert [c.text for c in table.kind_totals] == [U] * 4
    assert table.total.text == "7"

    # 17 concerns less 15 decided would give the 2 awaiting: the derived total "decided"
    # is withheld, and the median with it.
    decisions = report.decisions
    assert [b.count.text for b in decisions.bands] == [U, "9", U, U]
    assert (decisions.decided.text, decisions.awaiting.text) == (W, U)
    assert decisions.decided.value is None and decisions.median.text == W

    assert [c.count.text for c in report.open_cases] == [U, U, U]
    assert texts(report.repeats) == [
        ("1 concern", "7"), ("2 to 4 concerns", U), ("5 or more concerns", U)]
    assert report.pupils_with_concerns.text == "11"


def test_no_hidden_number_reaches_the_report(school: Session) -> None:
    """Whatever is hidden has no value at all, so no screen or page can print it."""
    report = oversight_report(school, START, END, for_governors=True)
    for section in report_sections(report):
        for row in section.rows:
            for cell in row[1:]:
                assert cell in (U, W, "0") or not 0 < float(cell.replace(",", "")) < 5, (
                    section.title, row)
        if section.chart is not None:
            for value, text in zip(section.chart.values, section.chart.texts, strict=True):
                assert value is None or text not in (U, W)


# -- the rule on its own --------------------------------------------------------------------
def shown(values: list[int], *relations: Relation) -> list[str]:
    marks = {Shown.VALUE: "", Shown.UNDER_FIVE: U, Shown.WITHHELD: W}
    return [marks[s] or str(v) for v, s in zip(values, suppression(values, relations),
                                               strict=True)]


def test_small_numbers_are_hidden_and_zero_is_shown() -> None:
    assert shown([0, 1, 4, 5, 12]) == ["0", U, U, "5", "12"]


def test_a_total_less_the_others_would_give_a_hidden_number_so_another_is_withheld() -> None:
    # 15 − 12 − 0 = 3: the smallest other non-zero number (12, before the total) goes.
    assert shown([3, 0, 12, 15], Relation((0, 1, 2), 3)) == [U, "0", W, "15"]


def test_two_small_numbers_that_could_only_be_one_and_one_are_protected() -> None:
    # 22 − 20 = 2 can only be 1 + 1.
    assert shown([1, 1, 20, 22], Relation((0, 1, 2), 3)) == [U, U, W, "22"]
    # 27 − 20 = 7 could be 3 + 4 or 4 + 3: nothing more to hide.
    assert shown([3, 4, 20, 27], Relation((0, 1, 2), 3)) == [U, U, "20", "27"]
    # 28 − 20 = 8 can only be 4 + 4.
    assert shown([4, 4, 20, 28], Relation((0, 1, 2), 3)) == [U, U, W, "28"]


def test_a_derived_total_is_withheld_when_withholding_a_part_is_not_enough() -> None:
    # 1 + 5 = 6: withholding the 5 leaves 6 − (5 or more) = 1, so the total goes too.
    assert shown([1, 5, 6], Relation((0, 1), 2)) == [U, W, W]


def test_a_small_total_hides_its_parts_but_not_its_zeros() -> None:
    assert shown([2, 0, 2], Relation((0, 1), 2)) == [U, "0", U]


def test_a_cross_table_is_protected_through_its_rows_and_columns() -> None:
    # a b | 13      3 10 | 13
    # c d | 20      8 12 | 20
    # 11 22 | 33
    values = [3, 10, 8, 12, 13, 20, 11, 22, 33]
    relations = (Relation((0, 1), 4), Relation((2, 3), 5), Relation((0, 2), 6),
                 Relation((1, 3), 7), Relation((4, 5), 8), Relation((6, 7), 8))
    assert shown(values, *relations) == [U, W, W, W, "13", "20", "11", "22", "33"]


def test_overlapping_groups_give_only_a_lower_bound_which_is_allowed_for() -> None:
    # Groups adding up to at least 54: the hidden one is at least 54 − 50 = 4, and
    # under 5, so it is 4.
    assert shown([4, 30, 20, 54], Relation((0, 1, 2), 3, exact=False)) == [U, "30", W, "54"]
    # At least 34 − 50: nothing learnt.
    assert shown([4, 30, 20, 34], Relation((0, 1, 2), 3, exact=False)) == [U, "30", "20", "34"]


def test_the_median_of_counted_values() -> None:
    assert median_of_counts({0: 3, 1: 8, 2: 1, 5: 1, 6: 1, 8: 1}) == 1
    assert median_of_counts({1: 1, 4: 1}) == 2.5
    assert median_of_counts({}) is None


def test_the_school_year_runs_from_september_to_august() -> None:
    assert school_year_containing(date(2026, 3, 1)) == (date(2025, 9, 1), date(2026, 8, 31))
    assert school_year_containing(date(2026, 9, 1)) == (date(2026, 9, 1), date(2027, 8, 31))


# -- who may see what ---------------------------------------------------------------------
def test_deputies_see_every_number_and_other_roles_only_governors_view(
        session: Session, store_path: Path) -> None:
    for login, role in (("deputy", Role.DEPUTY_DSL), ("sendco", Role.SENDCO),
                        ("auditor", Role.AUDITOR)):
        add_colleague(session, login, role)
    close(session)
    for login, full in (("deputy", True), ("sendco", False), ("auditor", False)):
        other = reopen(store_path, login, "colleague password")
        other.db.clock = lambda: NOW
        try:
            assert oversight_report(other, START, END, for_governors=True).for_governors
            if full:
                assert not oversight_report(other, START, END, for_governors=False).for_governors
            else:
                with pytest.raises(PermissionDenied, match="numbers under 5 hidden"):
                    oversight_report(other, START, END, for_governors=False)
        finally:
            close(other)


def test_a_period_must_run_forwards_and_not_past_today(session: Session) -> None:
    with pytest.raises(InvalidInput, match="before its start") as backwards:
        oversight_report(session, END, START, for_governors=False)
    assert backwards.value.field == "end"
    with pytest.raises(InvalidInput, match="after today"):
        oversight_report(session, START, date(2026, 7, 1), for_governors=False)


def test_an_empty_period_is_all_zeros(session: Session) -> None:
    report = oversight_report(session, START, END, for_governors=True)
    assert report.concerns.text == "0" and report.by_category == ()
    assert report.decisions.median.text == "no decisions"
    assert report.by_send[0].concerns_per_100.text == "no pupils"
    sections = report_sections(report)
    assert sections[1].rows == (("No concerns in the period", "0"),)


# -- on paper ------------------------------------------------------------------------------
def pdf_text(data: bytes) -> str:
    """Every page's text with runs of white space made one space (cells read across)."""
    pages = (page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages)
    return " ".join(" ".join(pages).split())


def look_at(data: bytes, name: str) -> None:
    """Render at 60 dpi into /tmp/shots for a person to look at (not compared)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(SHOTS / name)], check=True)


def test_the_governors_pdf_shows_the_figures_and_the_rule(school: Session) -> None:
    report = oversight_report(school, START, END, for_governors=True)
    data = oversight_report_pdf(school, report)
    look_at(data, "report-governors")

    reader = PdfReader(BytesIO(data))
    assert reader.metadata is not None and reader.metadata.title == REPORT_KIND
    text = pdf_text(data)
    assert "Safeguarding oversight report for governors" in text
    assert "01/09/2025 to 31/03/2026" in text
    assert GOVERNORS_NOTE in text
    assert "withheld" in text and text.count("<5") >= 20
    for line in ("Emotional abuse 6", "Neglect 5", "SEN support (K) 8 5 7 87.5 62.5",
                 "All pupils 17 11 17 100.0 64.7", "1 to 2 working days 9",
                 "Median time to decision withheld", "1 concern 7"):
        assert line in text, line
    assert "Hilltop Primary" in text  # the school, from the store


def test_the_dsls_pdf_shows_every_number(school: Session) -> None:
    report = oversight_report(school, START, END, for_governors=False)
    data = oversight_report_pdf(school, report)
    look_at(data, "report-full")
    text = pdf_text(data)
    assert "<5" not in text and GOVERNORS_NOTE not in text
    for line in ("Sep 2025 4", "Total 17", "EHCP 3 2 7 233.3 66.7",
                 "Awaiting feedback 1 0 0 1 2", "Median time to decision 1 working day",
                 "Child protection (s47) 1", "5 or more concerns 1"):
        assert line in text, line


def test_a_report_on_several_years_prints_every_month(school: Session) -> None:
    report = oversight_report(school, date(2023, 9, 1), END, for_governors=False)
    assert len(report.by_month) == 31
    text = pdf_text(oversight_report_pdf(school, report))
    assert "Sep 2023 0" in text and "Mar 2026 2" in text

"""The yearly oversight report on the reference store (issue 10: goal PDF < 2 s).

One school year, 1 September to 31 August (the last whole one before the reference
store's "today"), in governors' view, as Reports → Save as PDF runs it on the worker:
``services.reports.oversight_report`` counts it, ``oversight_report_pdf`` renders it.
Median of five after one warm-up run.
"""

from __future__ import annotations

from datetime import timedelta

from bench.reference_common import TODAY
from bench.timing import Figure, median_after_warm_up
from sgdesk.models.reports import school_year_containing
from sgdesk.services.pdf.oversight_report import oversight_report_pdf
from sgdesk.services.reports import oversight_report
from sgdesk.services.session import Session

RUNS = 5


def report_figure(session: Session) -> Figure:
    this_year_began, _ = school_year_containing(TODAY)
    start, end = school_year_containing(this_year_began - timedelta(days=1))

    def counted_and_printed() -> None:
        oversight_report_pdf(session, oversight_report(session, start, end,
                                                       for_governors=True))

    return Figure(f"yearly report {start:%Y}-{end:%y}: counting + PDF",
                  median_after_warm_up(counted_and_printed, RUNS), under=2.0)

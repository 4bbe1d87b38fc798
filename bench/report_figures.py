"""The yearly oversight report on the reference store (issue 10: goal PDF < 2 s).

One school year, 1 September to 31 August (the last whole one before the reference
store's "today"), in governors' view, as Reports → Save as PDF runs it on the worker:
``services.reports.oversight_report`` counts it, ``oversight_report_pdf`` renders it.
The first run after unlocking is reported on its own (the store's pages are not yet
in SQLCipher's cache), then the median of five.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

from bench.reference_store import TODAY, ReferenceStore
from bench.timing import Figure
from sgdesk.models.reports import school_year_containing
from sgdesk.services.pdf.oversight_report import oversight_report_pdf
from sgdesk.services.reports import oversight_report
from sgdesk.services.session import Session

RUNS = 5
GOAL = "< 2 s"


def report_figures(reference: ReferenceStore) -> list[Figure]:
    this_year_began, _ = school_year_containing(TODAY)
    start, end = school_year_containing(this_year_began - timedelta(days=1))
    session = reference.unlock()
    try:
        first = _pdf_seconds(session, start, end)
        counting, whole = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            report = oversight_report(session, start, end, for_governors=True)
            counted = time.perf_counter()
            oversight_report_pdf(session, report)
            counting.append(counted - started)
            whole.append(time.perf_counter() - started)
    finally:
        session.lock()
        session.store.close()
    year = f"{start:%Y}-{end:%y}"
    return [
        Figure(f"yearly report {year}: counting", statistics.median(counting), "report"),
        Figure(f"yearly report {year}: counting + PDF", statistics.median(whole), GOAL),
        Figure("yearly report PDF, first after unlock", first, GOAL),
    ]


def _pdf_seconds(session: Session, start: date, end: date) -> float:
    started = time.perf_counter()
    report = oversight_report(session, start, end, for_governors=True)
    oversight_report_pdf(session, report)
    return time.perf_counter() - started

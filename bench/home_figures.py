"""The home view's reading on the reference store (issue 10: goal < 200 ms).

``services.home.read_home`` is exactly what the screen runs on the worker:
review queue, overdue and due actions, referral feedback overdue, casework
clocks, transfers awaiting receipt and the other clocks. Median of five after
one warm-up run, so the figure is the steady state a DSL sees on returning home.
"""

from __future__ import annotations

import statistics
import time

from bench.reference_store import ReferenceStore
from bench.timing import Figure
from sgdesk.services.home import read_home

RUNS = 5


def home_figures(reference: ReferenceStore) -> list[Figure]:
    session = reference.unlock()
    try:
        read_home(session)
        samples = []
        for _ in range(RUNS):
            started = time.perf_counter()
            read_home(session)
            samples.append(time.perf_counter() - started)
    finally:
        session.lock()
        session.store.close()
    return [Figure("home view reading (every list and clock)", statistics.median(samples),
                   "< 200 ms")]

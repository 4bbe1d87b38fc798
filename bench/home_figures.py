"""The home view's reading on the reference store (issue 10: goal < 200 ms).

``services.home.read_home`` is exactly what the screen runs on the worker:
review queue, overdue and due actions, referral feedback overdue, casework
clocks, transfers awaiting receipt and the other clocks. Median of five after
one warm-up run, so the figure is the steady state a DSL sees on returning home.
"""

from __future__ import annotations

from bench.timing import Figure, median_after_warm_up
from sgdesk.services.home import read_home
from sgdesk.services.session import Session

RUNS = 5


def home_figure(session: Session) -> Figure:
    return Figure("home view reading (every list and clock)",
                  median_after_warm_up(lambda: read_home(session), RUNS), under=0.2)

"""Reading the reference store through the services, as the worker does.

* open a pupil with 200 concerns: the worker-side reads of the pupil record
  screen (``get_pupil`` + ``concerns_on_file``), goal < 100 ms;
* full-text search through ``services.search.search`` against the same FTS5
  query run directly on the same connection (the raw floor), goal p95 ≤ 1.5×
  raw and < 50 ms.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.reference_common import HEAVY_PUPIL_CONCERNS
from bench.reference_store import ReferenceStore
from bench.timing import Figure, Spread
from sgdesk.services import concerns, pupils, search
from sgdesk.services.session import Session
from sgdesk.storage.search_index import HIGHLIGHT_END, HIGHLIGHT_START, fts_query

RUNS = 30
WARM_UP = 3

#: What a DSL types: single words, two words, and prefixes caught mid-word.
QUERIES = (
    "bruise", "breakfast", "trampoline", "hungry", "attendance", "MASH", "CEOP", "knife",
    "transport", "stepdad", "boyfriend", "prison", "hotel", "Encompass", "counsellor",
    "young carer", "early help", "worry card", "dinner money", "safety plan",
    "home visit", "group chat", "Amelia", "Okonkwo", "Patel Dev",
    "bru", "atten", "Encom", "social wor", "self-ha",
)

#: The statement services.search runs (storage/search_index.py), run raw here.
RAW_SEARCH = (
    "SELECT k.kind, k.record_id, s.title, "
    f"snippet(search_index, 1, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', ' … ', 12) "
    "FROM search_index AS s JOIN search_keys AS k ON k.rowid = s.rowid "
    "WHERE search_index MATCH ? ORDER BY rank LIMIT 50"
)


def _timed(job: Callable[[], object], runs: int = RUNS) -> Spread:
    for _ in range(WARM_UP):
        job()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        samples.append(time.perf_counter() - start)
    return Spread.of(samples)


def _search_spread(run: Callable[[str], object]) -> Spread:
    """Each query timed as typed, over enough rounds for RUNS samples per query."""
    samples: list[float] = []
    for query in QUERIES:
        run(query)
    for _ in range(max(RUNS // 10, 1)):
        for query in QUERIES:
            start = time.perf_counter()
            run(query)
            samples.append(time.perf_counter() - start)
    return Spread.of(samples)


def store_figures(session: Session, reference: ReferenceStore) -> tuple[Figure, Figure]:
    """(open a pupil, search): the service figures, read on the caller's session."""
    heavy = reference.counts.heavy_pupil_id
    if len(concerns.concerns_on_file(session, heavy)) != HEAVY_PUPIL_CONCERNS:
        raise RuntimeError("the heavy pupil does not have the concerns the figure needs")

    def open_pupil() -> None:
        pupils.get_pupil(session, heavy)
        concerns.concerns_on_file(session, heavy)

    conn = session.db.conn
    opened = _timed(open_pupil)
    found = _search_spread(lambda q: search.search(session, q))
    raw = _search_spread(lambda q: conn.execute(RAW_SEARCH, (fts_query(q),)).fetchall())
    return (
        Figure(f"open a pupil with {HEAVY_PUPIL_CONCERNS} concerns (service reads, "
               f"{RUNS} runs)", opened.p95, shown=opened.shown, under=0.1),
        Figure(f"search p95 ({len(QUERIES)} queries × {RUNS // 10})", found.p95,
               "same FTS5 query raw", raw.p95, under=0.05, ratio_at_most=1.5,
               shown=found.shown),
    )

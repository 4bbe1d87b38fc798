"""Figures on the reference store: what a DSL waits for once the store is big.

* open a pupil with 200 concerns: the worker-side reads of the pupil record
  screen (``get_pupil`` + ``concerns_on_file``), goal < 100 ms;
* full-text search through ``services.search.search`` against the same FTS5
  query run directly on the same connection (the raw floor), goal p95 <= 1.5x
  raw and < 50 ms;
* the pupil list (``list_pupils``);
* the store's size on disk (database + WAL).
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.reference_store import ReferenceStore
from sgdesk.services import concerns, pupils, search
from sgdesk.services.session import Session
from sgdesk.storage.search_index import HIGHLIGHT_END, HIGHLIGHT_START, fts_query

RUNS = 30
WARM_UP = 3
RESULTS = Path(__file__).parent / "RESULTS.md"

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


@dataclass(frozen=True)
class Spread:
    """p50 and p95 of repeated runs, in seconds."""

    p50: float
    p95: float

    @classmethod
    def of(cls, samples: list[float]) -> Spread:
        ordered = sorted(samples)
        return cls(statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))])


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


@dataclass(frozen=True)
class StoreFigures:
    reference: ReferenceStore
    open_pupil: Spread
    open_pupil_concerns: int
    search: Spread
    raw_search: Spread
    match_only: Spread
    pupil_list: Spread
    pupil_list_rows: int
    db_bytes: int
    wal_bytes: int


def measure(reference: ReferenceStore) -> StoreFigures:
    session = reference.unlock()
    try:
        return _measure(session, reference)
    finally:
        session.lock()
        session.store.close()


def _measure(session: Session, reference: ReferenceStore) -> StoreFigures:
    heavy = reference.heavy_pupil_id
    shown = len(concerns.concerns_on_file(session, heavy))

    def open_pupil() -> None:
        pupils.get_pupil(session, heavy)
        concerns.concerns_on_file(session, heavy)

    conn = session.db.conn
    figures = StoreFigures(
        reference=reference,
        open_pupil=_timed(open_pupil),
        open_pupil_concerns=shown,
        search=_search_spread(lambda q: search.search(session, q)),
        raw_search=_search_spread(
            lambda q: conn.execute(RAW_SEARCH, (fts_query(q),)).fetchall()),
        match_only=_search_spread(lambda q: conn.execute(
            "SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rank "
            "LIMIT 50", (fts_query(q),)).fetchall()),
        pupil_list=_timed(lambda: pupils.list_pupils(session), runs=10),
        pupil_list_rows=len(pupils.list_pupils(session)),
        db_bytes=reference.path.stat().st_size,
        wal_bytes=_size(reference.path.with_name(reference.path.name + "-wal")),
    )
    return figures


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def rows(f: StoreFigures) -> list[tuple[str, str, str]]:
    """(figure, result, goal) lines, shared by the printout and RESULTS.md."""
    ratio = f.search.p95 / f.raw_search.p95
    return [
        (f"open a pupil with {f.open_pupil_concerns} concerns (p50 / p95)",
         f"{_ms(f.open_pupil.p50)} / {_ms(f.open_pupil.p95)}", "< 100 ms"),
        ("search, services.search (p50 / p95)",
         f"{_ms(f.search.p50)} / {_ms(f.search.p95)}", "p95 < 50 ms"),
        ("search, same FTS5 query raw (p50 / p95)",
         f"{_ms(f.raw_search.p50)} / {_ms(f.raw_search.p95)}", "floor"),
        ("search p95 ratio to raw", f"{ratio:.2f}x", "<= 1.5x"),
        ("FTS5 MATCH alone, no snippet or join (p50 / p95)",
         f"{_ms(f.match_only.p50)} / {_ms(f.match_only.p95)}", "for reference"),
        (f"pupil list, {f.pupil_list_rows} pupils (p50)", _ms(f.pupil_list.p50), ""),
        ("store on disk (database + WAL)",
         f"{f.db_bytes / 2**20:.0f} MiB + {f.wal_bytes / 2**20:.0f} MiB", ""),
    ]


def print_figures(f: StoreFigures) -> None:
    r = f.reference
    print(f"\nreference store, scale {r.scale:g}: {r.pupils:,} pupils, {r.concerns:,} concerns "
          f"(built in {r.build_seconds:.0f} s; cached at {r.path.parent})")
    for name, result, goal in rows(f):
        print(f"{name:<52} {result:>22}  {goal}")


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB, "
            f"Python {platform.python_version()}")


def append_results(f: StoreFigures, today: date) -> None:
    """Add this run to bench/RESULTS.md, so the figures have a history."""
    r = f.reference
    lines = [
        "",
        f"## {today.isoformat()} reference store, scale {r.scale:g} "
        f"({r.pupils:,} pupils, {r.concerns:,} concerns)",
        "",
        f"Machine: {machine()}. Building the store took {r.build_seconds:.0f} s "
        f"(cached afterwards). {RUNS} runs after {WARM_UP} warm-ups; search over "
        f"{len(QUERIES)} queries.",
        "",
        "| figure | result | goal |",
        "|---|---|---|",
        *(f"| {name} | {result} | {goal} |" for name, result, goal in rows(f)),
    ]
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")

"""``python -m bench`` (``make bench``): build the reference store once (cached,
encrypted), measure every figure and print one table, appended to bench/RESULTS.md.

``--scale`` sizes the reference store: 1 (the default) is ten school years of a
1,500-pupil school, 7,500 pupils, 120,000 concerns, 8,000 body maps and 4,000
referrals; ``--scale 0.2`` makes a quick run. Progress goes to stderr; stdout has
the machine, the store and the table.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.app_session import app_figures
from bench.body_map_figures import body_map_figures
from bench.bundle_figures import bundle_figures
from bench.home_figures import home_figure
from bench.record_figures import record_figures
from bench.reference_store import ReferenceStore, reference_store
from bench.report_figures import report_figure
from bench.startup import launch_figure
from bench.store_figures import store_figures
from bench.timing import Figure, table

RESULTS = Path(__file__).parent / "RESULTS.md"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size of the reference store (1 = 7,500 pupils, 120,000 "
                        "concerns, 8,000 body maps, 4,000 referrals; 0.2 for a quick run)")
    parser.add_argument("--rebuild", action="store_true",
                        help="build the reference store again even if it is cached")
    parser.add_argument("--no-record", action="store_true",
                        help="do not append the table to bench/RESULTS.md")
    args = parser.parse_args()
    started_with = machine()
    with tempfile.TemporaryDirectory(prefix="sgdesk-bench-home-") as home:
        os.environ["SGDESK_HOME"] = home  # sign-in counts and logs stay out of ~/.config
        _progress(f"reference store, scale {args.scale:g}…")
        reference = reference_store(args.scale, rebuild=args.rebuild)
        _progress(f"  at {reference.path}")
        figures = measure(reference)
    store = describe(reference)
    rows = table(figures)
    print(f"machine: {started_with}")
    print(f"reference store: {store}")
    print("\n".join(rows))
    if not args.no_record:
        record(date.today(), started_with, store, reference.scale, rows)
    return 0


def measure(reference: ReferenceStore) -> list[Figure]:
    """Every figure, in the table's order: what the issue asks for, then the rest."""
    _progress("launch, interleaved with a bare PySide6 window…")
    launch = launch_figure()
    _progress("the app on the reference store (its own process)…")
    unlock, open_on_screen, app_memory = app_figures(reference)
    _progress("services on the reference store…")
    session = reference.unlock()
    try:
        open_pupil, search = store_figures(session, reference)
        chronology_pdf, referral_pdf, chronology_build = record_figures(session, reference)
        home = home_figure(session)
        report = report_figure(session)
    finally:
        session.lock()
        session.store.close()
    _progress("handover export (its own process) and import…")
    export, import_, export_memory = bundle_figures(reference)
    _progress("body maps…")
    body_maps = body_map_figures()
    return [launch, unlock, open_on_screen, open_pupil, search, chronology_pdf,
            referral_pdf, home, export, import_, app_memory, export_memory,
            chronology_build, *body_maps, report]


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    return (f"{platform.machine()} {_cpu_model()}, {os.cpu_count()} cores, {memory:.0f} GiB, "
            f"Python {platform.python_version()}, {platform.system()} "
            f"{platform.release()}; load average at start {load}")


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return ""
    return next((line.split(":", 1)[1].strip() for line in lines
                 if line.startswith("model name")), "")


def describe(reference: ReferenceStore) -> str:
    c = reference.counts
    return (f"scale {reference.scale:g}: {c.pupils:,} pupils, {c.concerns:,} concerns, "
            f"{c.body_maps:,} body maps, {c.referrals:,} referrals; "
            f"{reference.size_bytes / 2**20:,.0f} MiB on disk; built in "
            f"{reference.build_seconds:.0f} s (cached afterwards)")


def record(today: date, machine_line: str, store: str, scale: float, rows: list[str]) -> None:
    """Append this run to bench/RESULTS.md, so the figures have a history."""
    lines = ["", f"## {today.isoformat()} `python -m bench`, scale {scale:g}", "",
             f"Machine: {machine_line}.", "", f"Reference store, {store}.", "", *rows]
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())

"""``python -m bench``: run every benchmark and print the figures.

``--scale`` sizes the reference store (1 = 7,500 pupils, 120,000 concerns);
``make bench`` uses 0.2 so it finishes in a few minutes.
"""

from __future__ import annotations

import argparse
import os
from datetime import date

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.body_map_figures import body_map_figures
from bench.bundle_figures import bundle_figures
from bench.home_figures import home_figures
from bench.record_figures import record_figures
from bench.reference_store import reference_store
from bench.report_figures import report_figures
from bench.startup import launch_figures, unlock_figures
from bench.store_figures import append_results, machine, measure, print_figures
from bench.timing import print_table


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", type=float, default=0.2,
                        help="size of the reference store (1 = 7,500 pupils, 120,000 "
                        "concerns; default 0.2)")
    parser.add_argument("--rebuild", action="store_true",
                        help="build the reference store again even if it is cached")
    parser.add_argument("--store-only", action="store_true",
                        help="skip the launch and unlock figures")
    parser.add_argument("--no-record", action="store_true",
                        help="do not append the store figures to bench/RESULTS.md")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    if not args.store_only:
        print_table(launch_figures() + unlock_figures() + body_map_figures()
                    + record_figures())
    reference = reference_store(args.scale, rebuild=args.rebuild)
    figures = measure(reference)
    print_figures(figures)
    bundles, notes = bundle_figures(reference)
    print_table(home_figures(reference) + bundles)
    print("\n".join(notes))
    print_table(report_figures(reference))
    if not args.no_record:
        append_results(figures, date.today())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

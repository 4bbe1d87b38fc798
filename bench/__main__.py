"""``python -m bench``: run every benchmark and print one table of figures."""

from __future__ import annotations

import os
import platform

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.startup import launch_figures, unlock_figures
from bench.timing import print_table


def main() -> int:
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    figures = launch_figures() + unlock_figures()
    print_table(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Small timing helpers shared by the benchmarks: repeated runs, medians, a table."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    name: str
    seconds: float
    goal: str = ""
    floor_name: str = ""
    floor_seconds: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.floor_seconds if self.floor_seconds else None


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def time_until_ready(script: Path, env: dict[str, str]) -> float:
    """Seconds from spawning ``python script`` to its ``ready`` line."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, **env})
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    elapsed = time.perf_counter() - start
    proc.wait(timeout=60)
    if line != "ready":
        raise RuntimeError(f"{script.name} did not report ready (got {line!r})")
    return elapsed


def print_table(figures: list[Figure]) -> None:
    print(f"{'figure':<44} {'time':>10} {'floor':>10} {'ratio':>7}  goal")
    for f in figures:
        floor = f"{f.floor_seconds * 1000:8.0f}ms" if f.floor_seconds else ""
        ratio = f"{f.ratio:6.2f}x" if f.ratio else ""
        print(f"{f.name:<44} {f.seconds * 1000:8.0f}ms {floor:>10} {ratio:>7}  {f.goal}")

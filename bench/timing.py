"""What every benchmark shares: timing repeated runs, the figure a row of the table
holds, and the table itself (printed, and appended to bench/RESULTS.md)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Spread:
    """p50 and p95 of repeated runs, in seconds."""

    p50: float
    p95: float

    @classmethod
    def of(cls, samples: list[float]) -> Spread:
        ordered = sorted(samples)
        return cls(statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))])

    @property
    def shown(self) -> str:
        return f"{duration(self.p50)} / {duration(self.p95)} (p50 / p95)"


@dataclass(frozen=True)
class Figure:
    """One row of the table.

    ``seconds`` is what the goal and the ratio are judged on (the p95 where a
    spread is shown); ``shown`` replaces the plain time when the result says more
    (p50 / p95) or is not a time (MiB). A goal is a time to stay ``under``, a
    ``ratio_at_most`` to the floor, or both.
    """

    name: str
    seconds: float | None
    floor_name: str = ""
    floor_seconds: float | None = None
    under: float | None = None
    ratio_at_most: float | None = None
    shown: str = ""

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.floor_seconds:
            return None
        return self.seconds / self.floor_seconds

    @property
    def met(self) -> bool | None:
        """Whether the goal is met; None if the figure has no goal."""
        checks = []
        if self.under is not None and self.seconds is not None:
            checks.append(self.seconds < self.under)
        if self.ratio_at_most is not None and self.ratio is not None:
            checks.append(self.ratio <= self.ratio_at_most)
        return all(checks) if checks else None

    @property
    def goal(self) -> str:
        parts = []
        if self.ratio_at_most is not None:
            parts.append(f"ratio ≤ {self.ratio_at_most:g}")
        if self.under is not None:
            parts.append(f"< {self.under:g} s" if self.under >= 1
                         else f"< {self.under * 1000:g} ms")
        verdict = {True: ": met", False: ": **missed**", None: ""}[self.met]
        return ", ".join(parts) + verdict

    def cells(self) -> tuple[str, str, str, str, str]:
        result = self.shown or (duration(self.seconds) if self.seconds is not None else "")
        floor = (f"{self.floor_name} {duration(self.floor_seconds)}"
                 if self.floor_seconds is not None else self.floor_name)
        ratio = f"{self.ratio:.2f}×" if self.ratio is not None else ""
        return self.name, result, floor, ratio, self.goal


def duration(seconds: float) -> str:
    """``8.4 ms``, ``312 ms``, ``1.42 s``, ``28.6 s``."""
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def mebibytes(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


HEADINGS = ("figure", "result", "floor", "ratio", "goal")


def table(figures: list[Figure]) -> list[str]:
    """The figures as a Markdown table, padded so it reads in a terminal too."""
    rows = [HEADINGS, *(f.cells() for f in figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADINGS))]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return [line(HEADINGS), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
            *(line(row) for row in rows[1:])]


def timed(job: Callable[[], object]) -> float:
    start = time.perf_counter()
    job()
    return time.perf_counter() - start


def median_after_warm_up(job: Callable[[], object], runs: int) -> float:
    """The median of ``runs`` timings after one untimed run (caches filled)."""
    job()
    return statistics.median(timed(job) for _ in range(runs))


def time_until_ready(args: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning ``python *args`` to its ``ready`` line."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, **env})
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    elapsed = time.perf_counter() - start
    proc.wait(timeout=60)
    if line != "ready":
        raise RuntimeError(f"{' '.join(args)} did not report ready (got {line!r})")
    return elapsed


def json_from_module(module: str, *args: str) -> dict[str, Any]:
    """Run ``python -m module *args`` (a benchmark in its own process) and read the
    JSON line it prints last."""
    done = subprocess.run([sys.executable, "-m", module, *args], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found

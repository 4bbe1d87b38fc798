"""Launch: how long until a DSL can type their password, against a bare PySide6
window started the same way (goal: ratio ≤ 1.5).

Both are fresh processes timed from spawning to their ``ready`` line: sgdesk's
real entry point (``python -m sgdesk --exit-when-ready``, what the ``sgdesk``
command runs) prints it once the unlock screen has painted. Launches alternate
bare, sgdesk, bare, sgdesk… so whatever else loads the machine slows both alike.
"""

from __future__ import annotations

import compileall
import os
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sgdesk
from bench.timing import Figure, time_until_ready

HERE = Path(__file__).parent
RUNS = 11


def launch_figure(runs: int = RUNS) -> Figure:
    from sgdesk.services.demo import create_demo_store
    from sgdesk.services.locations import AppLocations

    # An installed sgdesk has its bytecode compiled at install time; this machine
    # sets PYTHONDONTWRITEBYTECODE=1, so without this every launch would compile
    # the modules it imports and the figure would time the compiler.
    compileall.compile_dir(Path(sgdesk.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory(prefix="sgdesk-bench-") as home:
        env = {"SGDESK_HOME": home,
               "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        with _sgdesk_home(home):  # what opens at launch: the demo store, already made
            create_demo_store(AppLocations.default().demo_store)
        bare_window = [str(HERE / "launch_bare_window.py")]
        app = ["-m", "sgdesk", "--exit-when-ready"]
        time_until_ready(bare_window, env)  # warm the file cache
        time_until_ready(app, env)
        bare, launched = [], []
        for _ in range(runs):
            bare.append(time_until_ready(bare_window, env))
            launched.append(time_until_ready(app, env))
    return Figure(f"launch to unlock screen (median of {runs})", statistics.median(launched),
                  "bare PySide6 window", statistics.median(bare), ratio_at_most=1.5)


@contextmanager
def _sgdesk_home(home: str) -> Iterator[None]:
    previous = os.environ.get("SGDESK_HOME")
    os.environ["SGDESK_HOME"] = home
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SGDESK_HOME"]
        else:
            os.environ["SGDESK_HOME"] = previous

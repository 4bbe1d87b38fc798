"""Launch and unlock: how long until a DSL can type, and until they see their records.

* launch to unlock screen, against a bare PySide6 window started the same way
  (goal: ratio <= 1.5);
* unlock to main window with the real, calibrated Argon2id (goal: <= 1.0 s),
  against the key derivation alone.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from bench.timing import Figure, median_of, time_until_ready

HERE = Path(__file__).parent
RUNS = 7


def launch_figures(runs: int = RUNS) -> list[Figure]:
    from sgdesk.services.demo import create_demo_store
    from sgdesk.services.locations import AppLocations

    with tempfile.TemporaryDirectory(prefix="sgdesk-bench-") as home:
        env = {"SGDESK_HOME": home, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM",
                                                                        "offscreen")}
        os.environ["SGDESK_HOME"] = home
        create_demo_store(AppLocations.default().demo_store)
        time_until_ready(HERE / "launch_bare_window.py", env)  # warm the file cache
        bare = median_of(runs, lambda: time_until_ready(HERE / "launch_bare_window.py", env))
        app = median_of(runs, lambda: time_until_ready(HERE / "launch_sgdesk.py", env))
    return [Figure("launch to unlock screen", app, "ratio <= 1.5",
                   "bare PySide6 window", bare)]


def unlock_figures(runs: int = 5) -> list[Figure]:
    from PySide6.QtWidgets import QApplication

    from sgdesk.services.locations import AppLocations
    from sgdesk.services.store_creation import NewStoreDetails, create_store, new_recovery_key
    from sgdesk.storage.kdf import calibrated_params, derive_key
    from sgdesk.ui.app import create_main_window

    app = QApplication.instance() or QApplication([])
    params = calibrated_params()
    kdf = median_of(runs, lambda: _timed(lambda: derive_key("x" * 20, b"s" * 16, params)))
    with tempfile.TemporaryDirectory(prefix="sgdesk-bench-") as home:
        os.environ["SGDESK_HOME"] = home
        path = Path(home) / "records.sgdesk"
        details = NewStoreDetails("Bench School", "Bench DSL", "bench", "bench password 1")
        result = create_store(path, details, new_recovery_key()[0])
        result.session.lock()
        result.session.store.close()
        window = create_main_window(AppLocations.default())
        window.show()
        window.open_store(path)
        _wait(app, lambda: window.unlock_view.password_edit.isVisible()
              and window.unlock_view.store is not None)

        def one_unlock() -> float:
            view = window.unlock_view
            view.user_edit.setText("bench")
            view.password_edit.setText("bench password 1")
            start = time.perf_counter()
            view.submit()
            _wait(app, lambda: window.home_view.isVisible())
            elapsed = time.perf_counter() - start
            window.lock()
            _wait(app, lambda: window.pages.currentWidget() is window.unlock_view
                  and window.worker.pending == 0)
            return elapsed

        unlock = median_of(runs, one_unlock)
        window.close()
        app.processEvents()
    return [Figure("unlock to main window", unlock, "<= 1000 ms",
                   "Argon2id derivation alone", kdf)]


def _timed(job: Callable[[], object]) -> float:
    start = time.perf_counter()
    job()
    return time.perf_counter() - start


def _wait(app: QCoreApplication, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        app.processEvents()
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not get there in time")
        time.sleep(0.001)

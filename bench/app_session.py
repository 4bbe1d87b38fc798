"""The real window on the reference store, in its own process so its peak memory is
the app's alone: :func:`app_figures` runs
``python -m bench.app_session STORE HEAVY_PUPIL OTHER_PUPIL``, which does this:

1. Argon2id alone with the store's own key slot parameters (the floor for
   unlocking: the real, calibrated derivation).
2. The main window (``create_main_window``, ``SGDESK_HOME`` in a temporary
   folder) opens the store; once the unlock form shows and the records screens
   are built (a person is still typing), the bench login and password are typed
   and the clock runs from pressing Unlock until the home view shows with its
   lists and the pupil list read (the database worker idle). Locked and
   unlocked :data:`UNLOCKS` times; goal under 1 s.
3. The heavy pupil opened on screen on the Concerns tab, from another pupil's
   record, until the worker is idle and the list holds all 200 concerns;
   :data:`OPENS` times (p50 / p95, goal under 100 ms).
4. The process's peak resident memory (``ru_maxrss``).

It prints one JSON line, which :func:`app_figures` reads. This module imports
little at the top, so the child process loads only what the app does.
"""

from __future__ import annotations

import base64
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bench.timing import Figure, Spread, duration, json_from_module, mebibytes

if TYPE_CHECKING:
    from bench.reference_store import ReferenceStore

UNLOCKS = 5
OPENS = 15
KDF_RUNS = 3


def app_figures(reference: ReferenceStore) -> tuple[Figure, Figure, Figure]:
    """(unlock to home, open the heavy pupil on screen, peak memory)."""
    counts = reference.counts
    found = json_from_module("bench.app_session", str(reference.path),
                             counts.heavy_pupil_id, counts.other_pupil_id)
    unlocks = found["unlock_seconds"]
    unlock = statistics.median(unlocks)
    opened = Spread.of(found["open_seconds"])
    return (
        Figure(f"unlock to home, real window (median of {len(unlocks)}; first "
               f"{duration(unlocks[0])})", unlock, "Argon2id alone", found["kdf_seconds"],
               under=1.0),
        Figure(f"open the heavy pupil on screen ({found['concerns_shown']} concerns listed)",
               opened.p95, shown=opened.shown, under=0.1),
        Figure("peak RSS, app session on the reference store", None,
               shown=mebibytes(found["peak_rss_kib"])),
    )


def main(store: Path, heavy_pupil_id: str, other_pupil_id: str) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="sgdesk-bench-app-") as home:
        os.environ["SGDESK_HOME"] = home
        found = {"kdf_seconds": _kdf_seconds(store),
                 **_in_the_window(store, heavy_pupil_id, other_pupil_id),
                 "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
    print(json.dumps(found), flush=True)
    return 0


def _kdf_seconds(store: Path) -> float:
    from bench.reference_common import LOGIN, PASSWORD
    from sgdesk.storage.kdf import Argon2Params, derive_key
    from sgdesk.storage.keyslots import KeySlotFile, SlotKind
    from sgdesk.storage.store_files import StoreFiles

    slot = KeySlotFile.load(StoreFiles(store).keyslots).slot_for_login(SlotKind.PASSWORD,
                                                                       LOGIN)
    assert slot is not None
    salt, params = base64.b64decode(slot.kdf["salt"]), Argon2Params.from_json(slot.kdf)
    samples = []
    for _ in range(KDF_RUNS):
        started = time.perf_counter()
        derive_key(PASSWORD, salt, params)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _in_the_window(store: Path, heavy_pupil_id: str, other_pupil_id: str) -> dict[str, object]:
    from PySide6.QtWidgets import QApplication

    from bench.reference_common import HEAVY_PUPIL_CONCERNS, LOGIN, PASSWORD
    from sgdesk.services.locations import AppLocations
    from sgdesk.ui.app import create_main_window
    from sgdesk.ui.gui_thread_gc import GuiThreadCollector
    from sgdesk.ui.pupil_record_view import CONCERNS_TAB

    app = QApplication.instance() or QApplication([])
    _collector = GuiThreadCollector(app)  # as the app runs (sgdesk.ui.app.main)
    window = create_main_window(AppLocations.default())
    window.show()
    window.open_store(store)

    def idle() -> bool:
        return window.worker.pending == 0

    def wait(condition: Callable[[], bool], timeout: float = 120.0) -> None:
        deadline = time.perf_counter() + timeout
        while not condition():
            app.processEvents()
            if time.perf_counter() > deadline:
                raise TimeoutError("the window did not get there in time")
            time.sleep(0.0005)
        app.processEvents()  # paint what is now shown

    unlock_form = window.unlock_view

    def unlock() -> float:
        wait(lambda: unlock_form.password_edit.isVisible() and unlock_form.store is not None
             and window.workspace is not None and idle())
        unlock_form.user_edit.setText(LOGIN)
        unlock_form.password_edit.setText(PASSWORD)
        started = time.perf_counter()
        unlock_form.submit()
        wait(lambda: window.pages.currentWidget() is window.workspace and idle())
        return time.perf_counter() - started

    unlocks = [unlock()]
    workspace = window.ensure_workspace()
    concerns = workspace.record_view.concern_model
    opens = []
    for _ in range(OPENS):
        workspace.open_pupil(other_pupil_id, CONCERNS_TAB)
        wait(idle)
        started = time.perf_counter()
        workspace.open_pupil(heavy_pupil_id, CONCERNS_TAB)
        wait(lambda: idle() and concerns.rowCount() == HEAVY_PUPIL_CONCERNS)
        opens.append(time.perf_counter() - started)
    shown = concerns.rowCount()
    for _ in range(UNLOCKS - 1):
        window.lock()
        unlocks.append(unlock())
    window.lock()
    wait(idle)
    window.close()
    app.processEvents()
    return {"unlock_seconds": unlocks, "open_seconds": opens, "concerns_shown": shown}


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3]))

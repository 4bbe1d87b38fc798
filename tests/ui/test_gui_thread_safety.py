"""Qt objects are only touched on the GUI thread: cycle collection there (see
ui/gui_thread_gc.py), and no job queued once the worker has stopped."""

from __future__ import annotations

import gc

from pytestqt.qtbot import QtBot

from sgdesk.ui import gui_thread_gc
from sgdesk.ui.gui_thread_gc import GuiThreadCollector


def test_the_collector_turns_automatic_collection_off_and_collects_on_its_timer(
        qtbot: QtBot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(gui_thread_gc, "YOUNG_EVERY_MS", 10)
    gc.enable()
    collector = GuiThreadCollector()
    try:
        assert not gc.isenabled()
        before = gc.get_stats()[0]["collections"]
        qtbot.waitUntil(lambda: gc.get_stats()[0]["collections"] > before, timeout=2000)
    finally:
        collector.deleteLater()
        gc.disable()  # the test fixture re-enables it afterwards


def test_a_job_asked_for_after_the_worker_stopped_is_dropped_not_raised() -> None:
    """A view emptied as its window closes may ask for a reading: nothing runs,
    no callback, no exception in the event loop."""
    from sgdesk.ui.worker import DbWorker

    worker = DbWorker()
    worker.shutdown()
    ran: list[str] = []
    future = worker.run(lambda: ran.append("job"), on_done=lambda _v: ran.append("done"))
    assert future.cancelled() and ran == [] and worker.pending == 0

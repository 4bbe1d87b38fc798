"""Cycle collection happens on the GUI thread only (see ui/gui_thread_gc.py)."""

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

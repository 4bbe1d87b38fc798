"""Starting the app (which store opens first; the first run on an empty machine
makes the demo store on the worker and shows its unlock screen) and the window's
menus."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from sgdesk.services.demo import DEMO_DSL_LOGIN, DEMO_PASSWORD
from sgdesk.services.locations import AppLocations
from sgdesk.services.session import LockedStore
from sgdesk.services.store_creation import NewStoreDetails, create_store, new_recovery_key
from sgdesk.ui import app
from sgdesk.ui.main_window import DEMO_BUSY_TEXT, MainWindow
from tests.helpers import close, make_store
from tests.ui.conftest import WindowFactory, shot, unlock, wait_for_unlock_form, wait_idle


def test_first_start_makes_the_demo_store_and_shows_its_unlock_screen(
    qtbot: QtBot, sgdesk_home: Path
) -> None:
    assert not sgdesk_home.exists()
    locations = AppLocations.default()
    window = app.create_main_window(locations)
    qtbot.addWidget(window)
    window.show()
    try:
        with qtbot.waitSignal(window.unlock_screen_shown, timeout=30_000):
            app.start(window, locations)
            assert window.pages.currentWidget() is window.busy_page
            assert window.busy_label.text() == DEMO_BUSY_TEXT
            window.busy_page.layout().activate()
            shot(window, "busy_page")
        assert locations.demo_store.exists()
        view = window.unlock_view
        assert view.store_name.text() == "demo.sgdesk"
        assert view.demo_banner.isVisible()
        unlock(qtbot, window, DEMO_DSL_LOGIN, DEMO_PASSWORD)
        assert locations.last_store() == locations.demo_store
    finally:
        window.close()


def make_closed_store(path: Path) -> Path:
    session, _ = make_store(path)
    close(session)
    return path


def test_the_store_asked_for_comes_first(tmp_path: Path) -> None:
    locations = AppLocations.default()
    asked = tmp_path / "asked.sgdesk"
    make_closed_store(locations.default_store)
    assert app.initial_store(locations, asked) == asked


def test_then_the_last_store_then_the_usual_one_then_the_demo(tmp_path: Path) -> None:
    locations = AppLocations.default()
    assert app.initial_store(locations) == locations.demo_store
    make_closed_store(locations.default_store)
    assert app.initial_store(locations) == locations.default_store
    last = make_closed_store(tmp_path / "elsewhere" / "school.sgdesk")
    locations.write_config(last_store=str(last))
    assert app.initial_store(locations) == last
    locations.write_config(last_store=str(tmp_path / "moved-away.sgdesk"))
    assert app.initial_store(locations) == locations.default_store


def test_main_runs_until_the_window_closes(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # main() installs its own
    store = make_closed_store(tmp_path / "school.sgdesk")
    windows: list[MainWindow] = []

    def create_and_close_when_shown(locations: AppLocations) -> MainWindow:
        window = MainWindow(locations)
        qtbot.addWidget(window)
        window.unlock_screen_shown.connect(window.close)
        windows.append(window)
        return window

    monkeypatch.setattr(app, "create_main_window", create_and_close_when_shown)
    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(QApplication.quit)
    safety.start(30_000)
    try:
        assert app.main([], store_path=store) == 0
    finally:
        safety.stop()
    assert windows and windows[0].store is None
    assert (AppLocations.default().log_dir / "sgdesk.log").exists()


def test_the_sgdesk_command_opens_the_unlock_screen_and_can_quit_when_ready(
    sgdesk_home: Path
) -> None:
    """The real entry point in its own process, as the benchmark and the packaged
    app's smoke test run it: `sgdesk --exit-when-ready` says `ready` once the unlock
    screen shows, then quits cleanly, giving the store back."""
    import os
    import subprocess

    store = make_closed_store(AppLocations.default().default_store)
    env = {**os.environ, "SGDESK_HOME": str(sgdesk_home), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "sgdesk", "--exit-when-ready"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "ready\n")
    LockedStore(store).close()  # not left claimed


def test_the_unlock_screen_shows_before_pysides_qt_namespace_is_built(
    sgdesk_home: Path
) -> None:
    """The first use of PySide's ``Qt`` namespace builds all its enums (~20 ms, an
    eighth of a bare window's launch). Nothing on the way to the unlock screen may
    touch it: import ``Qt`` inside the function that needs it, set enum properties
    by name, use ``setShortcuts``. A fresh process, as launching is."""
    import os
    import subprocess

    make_closed_store(AppLocations.default().default_store)
    code = (
        "import PySide6.QtCore as QtCore\n"
        "from sgdesk.ui import app\n"
        "seen = []\n"
        "original = app.create_main_window\n"
        "def create(locations):\n"
        "    window = original(locations)\n"
        "    window.unlock_screen_shown.connect(lambda: seen.append('Qt' in vars(QtCore)))\n"
        "    return window\n"
        "app.create_main_window = create\n"
        "app.main(exit_when_ready=True)\n"
        "print('Qt namespace built:', seen[0])\n"
    )
    env = {**os.environ, "SGDESK_HOME": str(sgdesk_home), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.splitlines()[-1:] == ["Qt namespace built: False"], done.stderr


# -- the window's menus ------------------------------------------------------------------
def visible_dialogs(window: MainWindow) -> list[QDialog]:
    return [d for d in window.findChildren(QDialog) if d.isVisible()]


def test_verify_shows_the_report_and_backup_says_where(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path, tmp_path: Path
) -> None:
    window = make_window()
    window.open_store(closed_store)
    unlock(qtbot, window)
    window.verify_action.trigger()
    qtbot.waitUntil(lambda: any(isinstance(d, QMessageBox) for d in visible_dialogs(window)))
    box = next(d for d in visible_dialogs(window) if isinstance(d, QMessageBox))
    assert box.text() == "The store passed every check."
    assert "PASS  audit chain" in box.informativeText()
    assert box.windowModality() == Qt.WindowModality.WindowModal  # opened, not exec'd
    shot(box, "verify_report")
    box.accept()

    dest = tmp_path / "backups" / "copy"
    dest.parent.mkdir()
    window.back_up_to(dest)
    qtbot.waitUntil(lambda: "Backup saved" in window.statusBar().currentMessage())
    assert window.statusBar().currentMessage() == (
        "Backup saved as copy.sgdesk, with its key file beside it.")
    assert (dest.parent / "copy.sgdesk").exists()
    assert (dest.parent / "copy.sgdesk.keys").exists()


def test_menu_dialogs_open_without_blocking_and_a_lock_closes_them(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    window = make_window()
    window.open_store(closed_store)
    unlock(qtbot, window)
    for action in (window.change_password_action, window.users_action,
                   window.settings_action, window.new_store_action):
        action.trigger()  # returns at once: nothing runs a nested event loop
    window.show_about()
    qtbot.waitUntil(lambda: len(visible_dialogs(window)) == 5)
    window.lock()
    wait_for_unlock_form(qtbot, window)
    assert visible_dialogs(window) == []
    wait_idle(qtbot, window)


def test_a_new_store_from_the_wizard_replaces_the_open_one(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path, tmp_path: Path
) -> None:
    window = make_window()
    window.open_store(closed_store)
    unlock(qtbot, window)
    first = window.session
    assert first is not None
    new_path = tmp_path / "new" / "lakeside.sgdesk"
    details = NewStoreDetails("Lakeside Infants", "Ana Diaz", "adiaz", "lakeside password")
    raw, _ = new_recovery_key()
    created = window.worker.run(lambda: create_store(new_path, details, raw)).result(timeout=30)

    window.adopt_unlocked_store(created)

    qtbot.waitUntil(lambda: window.windowTitle() == "sgdesk — Lakeside Infants")
    wait_idle(qtbot, window)
    assert window.session is created.session
    assert not first.is_unlocked
    assert AppLocations.default().last_store() == new_path
    LockedStore(closed_store).close()  # the first store was given back
    window.lock()
    wait_for_unlock_form(qtbot, window)
    assert window.unlock_view.store_name.text() == "lakeside.sgdesk"
    assert window.unlock_view.user_edit.text() == "adiaz"

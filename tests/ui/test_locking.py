"""Every way the window locks: Ctrl+L, idle time (with a fake clock, no sleeps), the
desktop session locking, and closing. Locking keeps open forms as drafts, closes
dialogs, clears sgdesk's own clipboard text and drops the connection."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtDBus import QDBusConnection, QDBusMessage
from PySide6.QtGui import QGuiApplication, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from sgdesk.services import drafts, preferences
from sgdesk.services.session import LockedStore, Session
from sgdesk.ui import session_lock_watch
from sgdesk.ui.clipboard_guard import clipboard_guard
from sgdesk.ui.drafts import DraftableDialog
from sgdesk.ui.main_window import MainWindow
from sgdesk.ui.session_lock_watch import SessionLockWatcher
from tests.helpers import DSL_LOGIN, close, make_store
from tests.ui.conftest import FakeClock, WindowFactory, unlock, wait_for_unlock_form, wait_idle


class NoteDialog(DraftableDialog):
    """A form with one text field, standing in for the real forms to come."""

    draft_kind = "test_note"

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, draft_ref="ref-1")
        self.text = QLineEdit()
        self.text.setAccessibleName("Note")
        QVBoxLayout(self).addWidget(self.text)

    def draft_state(self) -> dict[str, Any] | None:
        return {"text": self.text.text()} if self.text.text() else None

    def restore_draft(self, state: dict[str, Any]) -> None:
        self.text.setText(state["text"])


def unlocked_window(qtbot: QtBot, make_window: WindowFactory, store: Path,
                    **kwargs: Any) -> tuple[MainWindow, Session]:
    window = make_window(**kwargs)
    window.open_store(store)
    unlock(qtbot, window)
    assert window.session is not None
    return window, window.session


def assert_locked(qtbot: QtBot, window: MainWindow, session: Session) -> None:
    """Back on the sign-in form, the user name kept, the connection gone."""
    wait_for_unlock_form(qtbot, window)
    wait_idle(qtbot, window)
    assert window.session is None
    assert not session.is_unlocked
    assert window.windowTitle() == "sgdesk — locked"
    assert window.unlock_view.user_edit.text() == DSL_LOGIN
    assert window.unlock_view.password_edit.text() == ""
    assert window.focusWidget() is window.unlock_view.password_edit
    assert not window.lock_action.isEnabled()
    assert not window.idle_filter.enabled
    assert window.home_view.school.text() == ""


def read_on_worker(window: MainWindow, job: Any) -> Any:
    return window.worker.run(job).result(timeout=30)


def test_ctrl_l_keeps_the_draft_closes_dialogs_and_clears_our_clipboard(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    window, session = unlocked_window(qtbot, make_window, closed_store)
    note = NoteDialog(window)
    note.show()
    qtbot.keyClicks(note.text, "Reported by the lunchtime supervisor")
    box = QMessageBox(QMessageBox.Icon.Information, "Note", "Something", parent=window)
    box.open()
    clipboard_guard().copy("copied by sgdesk")

    qtbot.keyClick(note.text, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert_locked(qtbot, window, session)
    assert not note.isVisible() and not box.isVisible()
    assert QGuiApplication.clipboard().text() == ""
    unlock(qtbot, window)
    kept = read_on_worker(window, lambda: drafts.load_draft(window.session, "test_note", "ref-1"))
    assert kept == {"text": "Reported by the lunchtime supervisor"}


def test_lock_leaves_the_users_own_clipboard_alone(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    window, session = unlocked_window(qtbot, make_window, closed_store)
    clipboard_guard().copy("copied by sgdesk")
    QGuiApplication.clipboard().setText("the person's own text")
    window.lock_action.trigger()
    assert_locked(qtbot, window, session)
    assert QGuiApplication.clipboard().text() == "the person's own text"


def test_locking_twice_does_nothing_more(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    window, session = unlocked_window(qtbot, make_window, closed_store)
    window.lock()
    assert_locked(qtbot, window, session)
    window.lock()
    assert window.worker.pending == 0
    assert window.unlock_view.user_edit.text() == DSL_LOGIN


def test_idle_lock_fires_after_the_stores_idle_time(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path, fake_clock: FakeClock
) -> None:
    setup, _ = make_store(store_path)
    preferences.set_idle_lock_minutes(setup, 2)
    close(setup)
    window, session = unlocked_window(qtbot, make_window, store_path, clock=fake_clock)
    idle = window.idle_filter
    assert idle.timeout_seconds == 120

    fake_clock.advance(119)
    idle.check()
    assert window.session is session

    # any key press or mouse movement counts as activity and restarts the count
    QApplication.sendEvent(window, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift,
                                             Qt.KeyboardModifier.NoModifier))
    fake_clock.advance(119)
    idle.check()
    assert window.session is session
    QApplication.sendEvent(window, QMouseEvent(
        QEvent.Type.MouseMove, QPointF(5, 5), QPointF(5, 5), Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
    fake_clock.advance(119)
    idle.check()
    assert window.session is session

    fake_clock.advance(1)
    with qtbot.waitSignal(idle.idle):
        idle.check()
    assert_locked(qtbot, window, session)
    fake_clock.advance(10_000)
    with qtbot.assertNotEmitted(idle.idle):
        idle.check()


def test_idle_timer_checks_by_itself(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path, fake_clock: FakeClock
) -> None:
    window, session = unlocked_window(qtbot, make_window, closed_store, clock=fake_clock,
                                      idle_check_interval_ms=20)
    fake_clock.advance(5 * 60)
    with qtbot.waitSignal(window.idle_filter.idle, timeout=5_000):
        pass
    assert_locked(qtbot, window, session)


def test_the_desktop_session_locking_locks_the_window(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    window, session = unlocked_window(qtbot, make_window, closed_store)
    assert window.session_watch is not None
    window.session_watch.session_locked.emit()
    assert_locked(qtbot, window, session)


def test_closing_keeps_drafts_and_gives_the_store_back(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    window, session = unlocked_window(qtbot, make_window, closed_store)
    note = NoteDialog(window)
    note.show()
    qtbot.keyClicks(note.text, "Half-written note")
    window.close()
    assert not session.is_unlocked
    store = LockedStore(closed_store)  # the instance lock was released
    try:
        reopened = store.unlock(DSL_LOGIN, "correct horse battery").session
        assert drafts.load_draft(reopened, "test_note", "ref-1") == {"text": "Half-written note"}
        reopened.lock()
    finally:
        store.close()


# -- the D-Bus watcher, on a private bus --------------------------------------------------
def test_watcher_without_a_bus_is_quiet(qtbot: QtBot) -> None:
    watcher = SessionLockWatcher(session_bus=QDBusConnection("none"),
                                 system_bus=QDBusConnection("none"))
    assert watcher.watching == []


def test_login1_session_path_is_escaped_like_systemd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_SESSION_ID", "2")
    assert session_lock_watch._login1_session_path() == "/org/freedesktop/login1/session/_32"
    monkeypatch.setenv("XDG_SESSION_ID", "c12")
    assert session_lock_watch._login1_session_path() == "/org/freedesktop/login1/session/c12"
    monkeypatch.delenv("XDG_SESSION_ID")
    assert session_lock_watch._login1_session_path() == ""


@pytest.fixture
def private_bus() -> Iterator[QDBusConnection]:
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed")
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        bus = QDBusConnection.connectToBus(address, "sgdesk-test-bus")
        assert bus.isConnected()
        yield bus
        QDBusConnection.disconnectFromBus("sgdesk-test-bus")
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


def send_signal(bus: QDBusConnection, path: str, interface: str, name: str,
                *args: object) -> None:
    message = QDBusMessage.createSignal(path, interface, name)
    message.setArguments(list(args))
    assert bus.send(message)


def test_watcher_hears_the_screensaver_and_logind(
    qtbot: QtBot, private_bus: QDBusConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_SESSION_ID", "7")
    watcher = SessionLockWatcher(session_bus=private_bus, system_bus=private_bus)
    assert watcher.watching == ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver",
                                "org.freedesktop.login1.Session"]
    with qtbot.waitSignal(watcher.session_locked, timeout=5_000):
        send_signal(private_bus, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver",
                    "ActiveChanged", True)
    with qtbot.waitSignal(watcher.session_locked, timeout=5_000):
        send_signal(private_bus, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver",
                    "ActiveChanged", True)
    assert private_bus.registerService("org.freedesktop.login1")
    with qtbot.waitSignal(watcher.session_locked, timeout=5_000):
        send_signal(private_bus, "/org/freedesktop/login1/session/_37",
                    "org.freedesktop.login1.Session", "Lock")
    # the screen coming back on is not a lock
    with qtbot.assertNotEmitted(watcher.session_locked, wait=200):
        send_signal(private_bus, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver",
                    "ActiveChanged", False)

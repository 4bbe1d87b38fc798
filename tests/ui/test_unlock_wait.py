"""The unlock screen after wrong passwords: it says how long to wait, counts down
with the Unlock button off, and keeps the focus in the password field."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sgdesk.models.unlock_backoff import wait_message
from sgdesk.ui.main_window import MainWindow
from sgdesk.ui.unlock_view import WAIT_OVER, UnlockView
from tests.helpers import DSL_LOGIN, DSL_PASSWORD
from tests.step_clock import StepClock
from tests.ui.conftest import WindowFactory, shot, wait_for_unlock_form, wait_idle

NO_MATCH = "That user name and password do not match. Check Caps Lock and try again."


def on_store_with_a_step_clock(
    qtbot: QtBot, make_window: WindowFactory, store: Path
) -> tuple[MainWindow, StepClock]:
    """A window showing ``store``'s unlock form, the user name typed; the store's
    clock (which times the wait) moves only when the test says."""
    window = make_window()
    window.open_store(store)
    wait_for_unlock_form(qtbot, window)
    assert window.store is not None
    clock = StepClock()
    window.store.clock = clock
    window.unlock_view.user_edit.setText(DSL_LOGIN)
    return window, clock


def type_and_enter(qtbot: QtBot, window: MainWindow, password: str) -> None:
    view = window.unlock_view
    view.password_edit.clear()
    qtbot.keyClicks(view.password_edit, password)
    qtbot.keyClick(view.password_edit, Qt.Key.Key_Return)
    wait_idle(qtbot, window)


def tick(view: UnlockView) -> None:
    """One second of the countdown, without waiting a second."""
    view.wait_timer.timeout.emit()


def wait_out(view: UnlockView, clock: StepClock, seconds: int) -> None:
    clock.advance(seconds)
    for _ in range(seconds):
        tick(view)


def test_three_wrong_passwords_then_a_countdown_with_unlock_off(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    window, clock = on_store_with_a_step_clock(qtbot, make_window, closed_store)
    view = window.unlock_view
    for _ in range(2):
        type_and_enter(qtbot, window, "not the password")
        assert view.error.text() == NO_MATCH and not view.wait_note.isVisible()
        assert view.unlock_button.isEnabled()
    type_and_enter(qtbot, window, "still not the password")
    assert view.error.text() == NO_MATCH
    assert view.wait_note.isVisible() and view.wait_note.text() == wait_message(1)
    assert not view.unlock_button.isEnabled()
    assert view.password_edit.isEnabled() and view.password_edit.text() == ""
    assert window.focusWidget() is view.password_edit
    assert view.wait_timer.isActive()

    tick(view)  # the screen's count is over, but the store's clock has not moved
    assert view.wait_note.text() == WAIT_OVER and view.unlock_button.isEnabled()
    assert not view.wait_timer.isActive()

    # The service is the judge: the right password, too early, is refused untried
    # and stays typed, so Enter works once the wait is over.
    type_and_enter(qtbot, window, DSL_PASSWORD)
    assert window.pages.currentWidget() is view
    assert not view.error.isVisible()
    assert view.wait_note.text() == wait_message(1) and not view.unlock_button.isEnabled()
    assert view.password_edit.text() == DSL_PASSWORD
    assert window.focusWidget() is view.password_edit
    shot(window, "unlock_wait")

    qtbot.keyClick(view.password_edit, Qt.Key.Key_Return)  # Enter does nothing meanwhile
    wait_idle(qtbot, window)
    assert window.pages.currentWidget() is view and window.worker.pending == 0

    clock.advance(1)
    tick(view)
    assert view.unlock_button.isEnabled()
    qtbot.keyClick(view.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.workspace)
    assert window.store is not None and window.store.attempts.failures == 0


def test_the_countdown_counts_and_showing_the_store_again_forgets_it(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    window, clock = on_store_with_a_step_clock(qtbot, make_window, closed_store)
    view = window.unlock_view
    for _ in range(3):
        type_and_enter(qtbot, window, "not the password")
    for wait, next_wait in [(1, 2), (2, 4), (4, 8)]:
        wait_out(view, clock, wait)
        type_and_enter(qtbot, window, "not the password")
        assert view.wait_note.text() == wait_message(next_wait)
    tick(view)
    assert view.wait_note.text() == wait_message(7) and view.wait_note.isVisible()
    assert not view.unlock_button.isEnabled()
    shot(window, "unlock_wait_counting")
    assert window.store is not None
    view.show_store(window.store)  # as when shown again after locking
    assert not view.wait_note.isVisible() and view.unlock_button.isEnabled()
    assert not view.wait_timer.isActive()

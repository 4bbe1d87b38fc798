"""Users, add user, change password, recovery reset and settings, on real encrypted stores.

The session's database connection lives on the worker thread, so every direct
store call in these tests goes through ``on_worker``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt

from sgdesk.models.errors import WrongPassword
from sgdesk.models.users import Role
from sgdesk.services import drafts, preferences, users
from sgdesk.services.session import LockedStore, Session
from sgdesk.ui import form_helpers
from sgdesk.ui.dialogs.change_password_dialog import ChangePasswordDialog
from sgdesk.ui.dialogs.recovery_dialog import RecoveryResetDialog
from sgdesk.ui.dialogs.settings_dialog import SettingsDialog
from sgdesk.ui.dialogs.users_dialog import AddUserDialog, UsersDialog
from sgdesk.ui.worker import DbWorker
from tests.helpers import DSL_LOGIN, DSL_PASSWORD, add_colleague, close
from tests.ui.conftest import on_worker, shot, shown

NEW_PASSWORD = "orange kettle meadow"


def can_unlock(worker: DbWorker, store: LockedStore, login: str, password: str) -> bool:
    def attempt() -> bool:
        try:
            store.unlock(login, password).session.lock()
        except WrongPassword:
            return False
        return True

    return on_worker(worker, attempt)


# -- add user and drafts ---------------------------------------------------------------
def test_add_user_dialog_adds_a_colleague_who_can_unlock(qtbot, worker, session) -> None:
    dialog = shown(qtbot, AddUserDialog(worker, session))
    qtbot.keyClicks(dialog.display_name, "Sam Patel")
    qtbot.keyClicks(dialog.login, "spatel")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.SENDCO))
    qtbot.keyClicks(dialog.password, "first password here")
    qtbot.keyClicks(dialog.repeat, "first password here")
    shot(dialog, "add_user")
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    added = on_worker(worker, lambda: users.list_users(session))
    assert {(u.login, u.role) for u in added} == {(DSL_LOGIN, Role.DSL), ("spatel", Role.SENDCO)}
    assert can_unlock(worker, session.store, "spatel", "first password here")


def test_add_user_shows_errors_inline_and_a_taken_name_from_the_service(
        qtbot, worker, session) -> None:
    dialog = shown(qtbot, AddUserDialog(worker, session))
    qtbot.mouseClick(dialog.panel.action_button, Qt.MouseButton.LeftButton)
    assert dialog.panel.form.error_text("display_name") == "Enter the person's name."
    assert dialog.display_name.hasFocus()
    qtbot.keyClicks(dialog.display_name, "Another Jo")
    qtbot.keyClicks(dialog.login, DSL_LOGIN)
    dialog.password.setText("first password here")
    dialog.repeat.setText("first password here")
    qtbot.mouseClick(dialog.panel.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.panel.form.error_text("login") != "", timeout=30_000)
    assert "already taken" in dialog.panel.form.error_text("login")
    assert dialog.isVisible()
    shot(dialog, "add_user_error")


def test_add_user_draft_keeps_text_not_passwords_and_comes_back(qtbot, worker, session) -> None:
    first = shown(qtbot, AddUserDialog(worker, session))
    qtbot.waitUntil(lambda: worker.pending == 0)
    qtbot.keyClicks(first.display_name, "Sam Patel")
    qtbot.keyClicks(first.login, "spatel")
    first.role.setCurrentIndex(first.role.findData(Role.AUDITOR))
    qtbot.keyClicks(first.password, "secret words here")
    state = first.draft_state()
    assert state == {"display_name": "Sam Patel", "login": "spatel", "role": "auditor"}
    assert "secret words here" not in repr(state)
    # What a lock does: save the draft, then close the dialog with reject().
    on_worker(worker, lambda: drafts.save_drafts(session, [("add_user", "", state)]))
    first.reject()

    second = shown(qtbot, AddUserDialog(worker, session))
    qtbot.waitUntil(lambda: second.display_name.text() == "Sam Patel")
    assert second.login.text() == "spatel"
    assert second.role.currentData() is Role.AUDITOR
    assert second.password.text() == ""
    form_helpers.set_next_answer(True)  # "Discard this user?"
    qtbot.mouseClick(second.panel.buttons.button(second.panel.buttons.StandardButton.Cancel),
                     Qt.MouseButton.LeftButton)
    assert on_worker(worker, lambda: drafts.load_draft(session, "add_user")) is None


def test_restore_draft_fills_the_form(qtbot, worker, session) -> None:
    dialog = shown(qtbot, AddUserDialog(worker, session))
    dialog.restore_draft({"display_name": "Ali Khan", "login": "akhan", "role": "deputy_dsl"})
    assert (dialog.display_name.text(), dialog.login.text()) == ("Ali Khan", "akhan")
    assert dialog.role.currentData() is Role.DEPUTY_DSL


# -- users list -------------------------------------------------------------------------
def test_users_dialog_lists_and_removes_a_colleague_but_not_yourself(
        qtbot, worker, session) -> None:
    on_worker(worker, lambda: add_colleague(session, "deputy", Role.DEPUTY_DSL))
    dialog = shown(qtbot, UsersDialog(worker, session))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    shot(dialog, "users")
    logins = [dialog.table.item(r, 1).text() for r in range(2)]
    dialog.table.selectRow(logins.index(DSL_LOGIN))
    assert not dialog.remove_button.isEnabled()
    dialog.table.selectRow(logins.index("deputy"))
    assert dialog.remove_button.isEnabled()
    form_helpers.set_next_answer(True)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=30_000)
    assert not can_unlock(worker, session.store, "deputy", "colleague password")


def test_users_dialog_tells_a_colleague_only_the_dsl_manages_users(
        qtbot, worker, session) -> None:
    on_worker(worker, lambda: add_colleague(session, "sendco", Role.SENDCO))
    sendco = on_worker(worker, lambda: session.store.unlock("sendco", "colleague password"))
    dialog = shown(qtbot, UsersDialog(worker, sendco.session))
    qtbot.waitUntil(lambda: "Only the Designated Safeguarding Lead" in dialog.message.text())
    assert not dialog.add_button.isEnabled()
    assert dialog.table.rowCount() == 0
    shot(dialog, "users_refused")
    on_worker(worker, sendco.session.lock)


# -- change password ---------------------------------------------------------------------
def test_change_password_wrong_current_then_right(qtbot, worker, session) -> None:
    dialog = shown(qtbot, ChangePasswordDialog(worker, session))
    qtbot.keyClicks(dialog.current, "not my password")
    qtbot.keyClicks(dialog.new, NEW_PASSWORD)
    qtbot.keyClicks(dialog.repeat, NEW_PASSWORD)
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    form = dialog.panel.form
    qtbot.waitUntil(lambda: form.error_text("current") != "", timeout=30_000)
    assert form.error_text("current") == "Your current password is not right."
    assert dialog.current.hasFocus()
    shot(dialog, "change_password_error")
    assert can_unlock(worker, session.store, DSL_LOGIN, DSL_PASSWORD)

    qtbot.keyClicks(dialog.current, DSL_PASSWORD)  # replaces the selected wrong text
    assert form.error_text("current") == ""
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        qtbot.keyClick(dialog.current, Qt.Key.Key_Return)
    assert not can_unlock(worker, session.store, DSL_LOGIN, DSL_PASSWORD)
    assert can_unlock(worker, session.store, DSL_LOGIN, NEW_PASSWORD)


# -- recovery ------------------------------------------------------------------------------
@pytest.fixture
def locked_store(worker, made, store_path: Path) -> Iterator[LockedStore]:
    on_worker(worker, lambda: close(made[0]))
    store = LockedStore(store_path)
    yield store
    store.close()


def test_recovery_reset_refuses_bad_keys_inline_then_unlocks(
        qtbot, worker, made, locked_store) -> None:
    dialog = shown(qtbot, RecoveryResetDialog(worker, locked_store))
    form = dialog.panel.form
    qtbot.keyClicks(dialog.recovery_key, "ABCD-EFGH")
    qtbot.keyClicks(dialog.login, DSL_LOGIN)
    qtbot.keyClicks(dialog.password, NEW_PASSWORD)
    qtbot.keyClicks(dialog.repeat, NEW_PASSWORD)
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert "52 letters and digits" in form.error_text("recovery_key")
    assert dialog.recovery_key.hasFocus()
    shot(dialog, "recovery_key_malformed")

    dialog.recovery_key.setText("A" * 52)  # well formed, but not this store's key
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.message() != "", timeout=30_000)
    assert "does not open this store" in form.message()
    shot(dialog, "recovery_key_wrong")

    dialog.recovery_key.setText(made[1].lower().replace("-", " "))
    with qtbot.waitSignal(dialog.unlocked, timeout=30_000) as unlocked:
        qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    result = unlocked.args[0]
    assert result.session.user.login == DSL_LOGIN
    on_worker(worker, result.session.lock)
    assert can_unlock(worker, locked_store, DSL_LOGIN, NEW_PASSWORD)


# -- settings -------------------------------------------------------------------------------
def settings_dialog(qtbot, worker: DbWorker, session: Session,
                    shot_name: str = "") -> SettingsDialog:
    dialog = shown(qtbot, SettingsDialog(worker, session))
    qtbot.waitUntil(lambda: not dialog.panel.working)
    if shot_name:
        shot(dialog, shot_name)
    return dialog


def stored_settings(worker: DbWorker, session: Session) -> tuple[Any, ...]:
    return on_worker(worker, lambda: (preferences.idle_lock_minutes(session),
                                      users.has_quick_unlock(session),
                                      session.store.has_quick_unlock))


def test_settings_turn_quick_unlock_on_and_change_idle_time(qtbot, worker, session) -> None:
    dialog = settings_dialog(qtbot, worker, session, "settings")
    assert dialog.idle_minutes.value() == 5
    assert not dialog.quick_unlock.isChecked()
    qtbot.mouseClick(dialog.quick_unlock, Qt.MouseButton.LeftButton)
    dialog.idle_minutes.setValue(12)
    with qtbot.waitSignal(dialog.idle_minutes_changed, timeout=30_000) as changed:
        qtbot.mouseClick(dialog.panel.action_button, Qt.MouseButton.LeftButton)
    assert changed.args == [12]
    assert stored_settings(worker, session) == (12, True, True)

    again = settings_dialog(qtbot, worker, session)
    assert again.idle_minutes.value() == 12 and again.quick_unlock.isChecked()
    qtbot.mouseClick(again.quick_unlock, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(again.accepted, timeout=30_000):
        qtbot.mouseClick(again.panel.action_button, Qt.MouseButton.LeftButton)
    assert stored_settings(worker, session) == (12, False, False)


class BrokenKeyring(keyring.backends.fail.Keyring):
    """What a headless machine without a keyring service gives."""


def test_settings_without_a_keyring_say_not_available_and_change_nothing(
        qtbot, worker, session) -> None:
    keyring.set_keyring(BrokenKeyring())  # the autouse fixture puts the memory one back
    dialog = settings_dialog(qtbot, worker, session)
    qtbot.mouseClick(dialog.quick_unlock, Qt.MouseButton.LeftButton)
    dialog.idle_minutes.setValue(20)
    qtbot.mouseClick(dialog.panel.action_button, Qt.MouseButton.LeftButton)
    form = dialog.panel.form
    qtbot.waitUntil(lambda: form.error_text("quick_unlock") != "", timeout=30_000)
    assert "Not available on this computer" in form.error_text("quick_unlock")
    assert not dialog.quick_unlock.isChecked()
    assert dialog.isVisible()
    shot(dialog, "settings_no_keyring")
    assert stored_settings(worker, session) == (5, False, False)


def test_settings_for_a_colleague_leave_the_idle_time_to_the_dsl(qtbot, worker, session) -> None:
    on_worker(worker, lambda: add_colleague(session, "deputy", Role.DEPUTY_DSL))
    deputy = on_worker(worker, lambda: session.store.unlock("deputy", "colleague password"))
    dialog = settings_dialog(qtbot, worker, deputy.session)
    assert not dialog.idle_minutes.isEnabled()
    on_worker(worker, deputy.session.lock)

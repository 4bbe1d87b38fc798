"""The unlock screen on real encrypted stores: wrong and right passwords, the demo
banner, and stores that cannot be opened (in use, damaged, not a store)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from sgdesk.models.users import Role
from sgdesk.services.demo import DEMO_DSL_LOGIN, DEMO_PASSWORD, create_demo_store
from sgdesk.services.locations import AppLocations
from sgdesk.services.session import UnlockResult
from tests.helpers import DSL_LOGIN, DSL_PASSWORD, SCHOOL, add_colleague, close, make_store
from tests.ui.conftest import WindowFactory, shot, unlock, wait_for_unlock_form, wait_idle


def store_bytes(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir())
            if not p.name.endswith(".lock")}


def test_wrong_password_says_so_and_changes_nothing(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    window = make_window()
    window.open_store(closed_store)
    wait_for_unlock_form(qtbot, window)
    view = window.unlock_view
    assert view.store_name.text() == closed_store.name
    assert not view.demo_banner.isVisible()
    assert not view.keyring_button.isVisible()
    shot(window, "unlock_view")
    before = store_bytes(closed_store)

    view.user_edit.setText(DSL_LOGIN)
    qtbot.keyClicks(view.password_edit, "not the password")
    view.unlock_button.click()
    assert view.busy_row.isVisible() and not view.password_edit.isEnabled()
    shot(window, "unlock_view_unlocking")
    qtbot.waitUntil(lambda: view.error.isVisible())

    assert view.error.text() == (
        "That user name and password do not match. Check Caps Lock and try again."
    )
    assert view.password_edit.accessibleDescription() == view.error.text()
    assert view.password_edit.text() == ""
    assert view.user_edit.text() == DSL_LOGIN
    assert window.focusWidget() is view.password_edit
    assert not view.busy_row.isVisible()
    assert window.session is None
    wait_idle(qtbot, window)
    assert store_bytes(closed_store) == before
    shot(window, "unlock_view_wrong_password")

    unlock(qtbot, window)
    assert window.session is not None
    assert window.windowTitle() == f"sgdesk — {SCHOOL}"
    assert window.home_view.signed_in.text() == (
        "Signed in as Jo Bloggs (Designated Safeguarding Lead)")
    assert window.users_action.isEnabled()
    assert AppLocations.default().last_store() == closed_store
    shot(window, "home_view")


def test_empty_fields_are_checked_before_any_work(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    window = make_window()
    window.open_store(closed_store)
    wait_for_unlock_form(qtbot, window)
    view = window.unlock_view
    view.user_edit.clear()
    view.unlock_button.click()
    assert view.error.text() == "Enter your user name."
    assert window.focusWidget() is view.user_edit
    view.user_edit.setText(DSL_LOGIN)
    view.unlock_button.click()
    assert view.error.text() == "Enter your password."
    assert window.focusWidget() is view.password_edit
    assert window.worker.pending == 0


def test_enter_in_the_password_field_unlocks(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    window = make_window()
    window.open_store(closed_store)
    wait_for_unlock_form(qtbot, window)
    view = window.unlock_view
    qtbot.keyClicks(view.user_edit, DSL_LOGIN)
    qtbot.keyClick(view.user_edit, "\r")
    assert window.focusWidget() is view.password_edit
    qtbot.keyClicks(view.password_edit, "correct horse battery")
    qtbot.keyClick(view.password_edit, "\r")
    qtbot.waitUntil(lambda: window.session is not None
                    and window.home_view.isVisible())


def test_demo_store_shows_its_banner_with_the_sign_in(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    demo = create_demo_store(tmp_path / "demo.sgdesk")
    window = make_window()
    window.open_store(demo)
    wait_for_unlock_form(qtbot, window)
    view = window.unlock_view
    assert view.demo_banner.isVisible()
    text = view.demo_banner.text()
    assert "demo store of made-up pupils" in text
    assert f"Sign in as {DEMO_DSL_LOGIN} with password {DEMO_PASSWORD}." in text
    assert view.user_edit.text() == DEMO_DSL_LOGIN
    shot(window, "unlock_view_demo")
    unlock(qtbot, window, DEMO_DSL_LOGIN, DEMO_PASSWORD)


def test_a_store_open_elsewhere_is_refused(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    first = make_window()
    first.open_store(closed_store)
    wait_for_unlock_form(qtbot, first)
    second = make_window()
    second.open_store(closed_store)
    view = second.unlock_view
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.problem_page
                    and second.pages.currentWidget() is view)
    assert "already open in another sgdesk window" in view.problem.text()
    assert view.heading.text() == "This store cannot be opened"
    assert view.open_other_button.isVisible() and view.new_store_button.isVisible()
    assert not second.lock_action.isEnabled()
    assert second.focusWidget() is view.retry_button
    shot(second, "store_in_use")
    first.close()
    view.retry_button.click()
    wait_for_unlock_form(qtbot, second)


def test_a_damaged_store_file_is_reported_and_left_alone(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    garbage = bytes(range(256)) * 64
    closed_store.write_bytes(garbage)
    window = make_window()
    window.open_store(closed_store)
    wait_for_unlock_form(qtbot, window)
    before = store_bytes(closed_store)
    unlock_view = window.unlock_view
    unlock_view.user_edit.setText(DSL_LOGIN)
    qtbot.keyClicks(unlock_view.password_edit, "correct horse battery")
    unlock_view.unlock_button.click()
    qtbot.waitUntil(lambda: unlock_view.pages.currentWidget() is unlock_view.problem_page)
    assert "damaged" in unlock_view.problem.text()
    assert not unlock_view.retry_button.isVisible()
    wait_idle(qtbot, window)
    assert window.store is None
    assert closed_store.read_bytes() == garbage
    assert store_bytes(closed_store) == before
    shot(window, "store_damaged")
    # the claim was given back: another window may now claim it (and hear the same)
    other = make_window()
    other.open_store(closed_store)
    wait_for_unlock_form(qtbot, other)


def test_a_file_without_a_key_file_is_not_a_store(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    stray = tmp_path / "holiday.sgdesk"
    stray.write_bytes(b"just some bytes")
    window = make_window()
    window.open_store(stray)
    view = window.unlock_view
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.problem_page
                    and window.pages.currentWidget() is view)
    assert "has no key file" in view.problem.text()
    assert stray.read_bytes() == b"just some bytes"
    assert not stray.with_name("holiday.sgdesk.keys").exists()


def test_opening_another_store_releases_the_first(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path, tmp_path: Path
) -> None:
    other_session, _ = make_store(tmp_path / "other" / "second.sgdesk")
    other_path = other_session.store.path
    other_session.lock()
    other_session.store.close()
    window = make_window()
    window.open_store(closed_store)
    unlock(qtbot, window)
    window.open_store(other_path)
    wait_for_unlock_form(qtbot, window)
    assert window.unlock_view.store_name.text() == "second.sgdesk"
    assert window.session is None
    second = make_window()
    second.open_store(closed_store)
    wait_for_unlock_form(qtbot, second)


def test_a_colleague_gets_no_user_admin(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    session, _ = make_store(store_path)
    add_colleague(session, "sendco", Role.SENDCO)
    close(session)
    window = make_window()
    for action in (window.backup_action, window.verify_action, window.change_password_action):
        assert not action.isEnabled()
    window.open_store(store_path)
    unlock(qtbot, window, "sendco", "colleague password")
    assert window.home_view.signed_in.text() == "Signed in as Sendco (SENDCO)"
    for action in (window.backup_action, window.verify_action, window.change_password_action,
                   window.lock_action):
        assert action.isEnabled()
    assert not window.users_action.isEnabled()
    assert not window.settings_action.isEnabled()


def test_a_backup_made_before_an_upgrade_is_mentioned(
    qtbot: QtBot, make_window: WindowFactory, closed_store: Path
) -> None:
    window = make_window()
    window.open_store(closed_store)
    wait_for_unlock_form(qtbot, window)
    store = window.store
    assert store is not None
    opened = window.worker.run(lambda: store.unlock(DSL_LOGIN, DSL_PASSWORD)).result(timeout=30)
    backup = closed_store.with_name("records-before-v2.sgdesk")
    window.unlock_view.unlocked.emit(UnlockResult(opened.session, backup))
    qtbot.waitUntil(lambda: window.home_view.isVisible())
    message = window.statusBar().currentMessage()
    assert "A backup was made first: records-before-v2.sgdesk" in message
    assert str(backup.parent) not in message


def test_a_plain_label_shows_markup_as_typed(qtbot: QtBot) -> None:
    """Names are typed by people: "<b>" in one must show, not embolden (the text
    format is set by name to keep the launch path off the Qt namespace)."""
    from PySide6.QtCore import Qt

    from sgdesk.ui.unlock_view import plain_label

    label = plain_label("<b>Amy</b>")
    qtbot.addWidget(label)
    assert label.textFormat() == Qt.TextFormat.PlainText

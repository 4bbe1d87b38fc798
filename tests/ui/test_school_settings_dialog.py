"""The school calendar and referral settings dialog, used from the keyboard against a
real store on the worker thread: what is typed is saved, shown again, and used."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from sgdesk.models.users import Role
from sgdesk.services import referrals
from sgdesk.services.school_calendar import SchoolDates, TermHoliday, school_dates
from sgdesk.services.session import Session
from sgdesk.ui.dialogs.school_settings_dialog import SchoolSettingsDialog
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_colleague, close, reopen
from tests.ui.conftest import WindowFactory, on_worker, shot, shown, unlocked_on, wait_idle

HALF_TERM = TermHoliday("Autumn half term", date(2026, 10, 26), date(2026, 10, 30))
INSET = date(2026, 9, 2)


def opened(qtbot: QtBot, worker: DbWorker, session: Session) -> SchoolSettingsDialog:
    """The dialog, shown, once the settings have been read."""
    dialog = shown(qtbot, SchoolSettingsDialog(worker, session))
    qtbot.waitUntil(lambda: not dialog.panel.working)
    return dialog


def type_here(qtbot: QtBot, text: str) -> None:
    """Type into whatever has the keyboard focus, then Tab on."""
    focused = QApplication.focusWidget()
    assert isinstance(focused, QLineEdit)
    qtbot.keyClicks(focused, text)
    qtbot.keyClick(focused, Qt.Key.Key_Tab)


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier =
          Qt.KeyboardModifier.NoModifier) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, key, modifier)


def saved(qtbot: QtBot, dialog: SchoolSettingsDialog) -> None:
    dialog.panel.action_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == SchoolSettingsDialog.DialogCode.Accepted


def test_a_half_term_and_an_inset_day_typed_in_are_saved_and_shown_again(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    dialog = opened(qtbot, worker, session)
    assert "Christmas Day" in dialog.bank_holidays.text()
    dialog.term_holidays.add_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)  # a new row, the cursor in its name
    for text in ("Autumn half term", "26/10/2026", "30/10/2026"):
        type_here(qtbot, text)
    dialog.inset_days.add_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    type_here(qtbot, "2/9/2026")
    shot(dialog, "school_settings_typed")
    saved(qtbot, dialog)

    assert on_worker(worker, lambda: school_dates(session)) == SchoolDates(
        (HALF_TERM,), (INSET,))
    again = opened(qtbot, worker, session)
    assert again.term_holidays.state() == [
        {"label": "Autumn half term", "first": "26/10/2026", "last": "30/10/2026"}]
    assert again.inset_days.state() == [{"day": "02/09/2026"}]
    assert again.closure_days.state() == []


def test_a_mistake_is_shown_under_its_list_and_nothing_is_saved(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    dialog = opened(qtbot, worker, session)
    dialog.term_holidays.add_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    for text in ("Christmas", "04/01/2027", "21/12/2026"):
        type_here(qtbot, text)
    dialog.closure_days.add_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    type_here(qtbot, "31/02/2026")
    dialog.panel.action_button.click()
    form = dialog.panel.form
    assert form.error_text("term_holidays") == (
        "Christmas ends (21/12/2026) before it starts (04/01/2027).")
    assert form.error_text("closure_days").startswith("Closure day 1, date: There is no such")
    shot(dialog, "school_settings_errors")
    assert dialog.isVisible()
    assert on_worker(worker, lambda: school_dates(session)) == SchoolDates()


def test_escalation_stages_edited_by_keyboard_are_then_offered(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    first, second, third = on_worker(worker, lambda: referrals.escalation_stages(session))
    dialog = opened(qtbot, worker, session)
    stages = dialog.stages
    stages.list.setFocus()
    press(qtbot, Qt.Key.Key_Down)          # the second stage
    press(qtbot, Qt.Key.Key_Delete)        # gone
    stages.add_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)         # a new stage at the end, open for typing
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "Ask the head of children's services")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is stages.list)
    press(qtbot, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)  # before the last
    assert stages.stages() == [first, "Ask the head of children's services", third]
    dialog.contact.setFocus()
    qtbot.keyClicks(dialog.contact, "01234 567890, dsl@hilltop.example")
    saved(qtbot, dialog)

    assert on_worker(worker, lambda: referrals.escalation_stages(session)) == [
        first, "Ask the head of children's services", third]
    assert second not in on_worker(worker, lambda: referrals.escalation_stages(session))
    assert on_worker(worker, lambda: referrals.school_contact(session)) == (
        "01234 567890, dsl@hilltop.example")


def test_a_deputy_reads_the_settings_but_cannot_change_them(
        qtbot: QtBot, worker: DbWorker, session: Session, store_path: Path) -> None:
    on_worker(worker, lambda: add_colleague(session, "deputy", Role.DEPUTY_DSL))
    on_worker(worker, lambda: referrals.set_school_contact(session, "01234 567890"))
    on_worker(worker, lambda: close(session))
    deputy = on_worker(worker, lambda: reopen(store_path, "deputy", "colleague password"))
    try:
        dialog = opened(qtbot, worker, deputy)
        assert dialog.read_only_note.isVisible()
        assert "Only the Designated Safeguarding Lead" in dialog.read_only_note.text()
        assert dialog.contact.text() == "01234 567890"
        assert not dialog.contact.isEnabled()
        assert not dialog.term_holidays.isEnabled()
        assert not dialog.panel.action_button.isVisible()
        shot(dialog, "school_settings_read_only")
        dialog.reject()
    finally:
        on_worker(worker, lambda: close(deputy))


def test_the_account_menu_opens_it_for_the_dsl(qtbot: QtBot, make_window: WindowFactory,
                                              closed_store: Path) -> None:
    window = unlocked_on(qtbot, make_window, closed_store)
    action = window.school_settings_action
    assert action.isEnabled()
    assert action in window.menuBar().actions()[1].menu().actions()
    action.trigger()
    qtbot.waitUntil(lambda: any(isinstance(w, SchoolSettingsDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()))
    wait_idle(qtbot, window)
    window.lock()
    assert not action.isEnabled()

"""The DSL's supervision log window, driven by keyboard: adding a session, amending
it with a reason, a reflection without a supervisor, and refusal for anyone else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from sgdesk.models.supervision import NoteKind, SupervisionNote
from sgdesk.models.users import Role
from sgdesk.services import supervision
from sgdesk.services.session import Session
from sgdesk.ui.dialogs.supervision_log_dialog import SupervisionLogDialog, SupervisionNoteForm
from sgdesk.ui.form_helpers import set_next_answer
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_colleague, close, make_store, reopen
from tests.ui.conftest import (
    WindowFactory,
    on_worker,
    shot,
    shown,
    unlock,
    unlocked_on,
    widget_texts,
)


def open_log(qtbot: QtBot, worker: DbWorker, session: Session) -> SupervisionLogDialog:
    dialog = shown(qtbot, SupervisionLogDialog(worker, session))
    qtbot.waitUntil(lambda: worker.pending == 0)
    return dialog


def the_form(qtbot: QtBot, dialog: SupervisionLogDialog) -> SupervisionNoteForm:
    qtbot.waitUntil(lambda: any(f.isVisible()
                                for f in dialog.findChildren(SupervisionNoteForm)))
    form = next(f for f in dialog.findChildren(SupervisionNoteForm) if f.isVisible())
    qtbot.waitUntil(form.isActiveWindow)
    qtbot.waitUntil(lambda: form._worker.pending == 0)  # the stored draft was looked for
    return form


def closed(widget: QWidget) -> bool:
    """Closed (a form deletes itself when it closes)."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_the_dsl_adds_a_session_and_amends_it(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    dialog = open_log(qtbot, worker, session)
    assert dialog.model.rowCount() == 0
    assert dialog.count_label.text().startswith("Your log is empty")
    assert not dialog.amend_button.isEnabled()

    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    form = the_form(qtbot, dialog)
    assert focused() is form.held_on
    form.held_on.setText("05/11/2026")
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.panel.form.error_text("supervisor") == (
        "Say who supervised you (name and role).")
    assert form.panel.form.error_text("notes").startswith("Write something")
    shot(form, "supervision_note_errors")
    form.supervisor.setFocus()
    qtbot.keyClicks(form.supervisor, "Dr Ana Shah, clinical supervisor")
    form.boxes["cases_discussed"].setFocus()
    qtbot.keyClicks(form.boxes["cases_discussed"], "The Year 4 child whose father left.")
    form.boxes["notes"].setFocus()
    qtbot.keyClicks(form.boxes["notes"], "How the case sits with me.")
    shot(form, "supervision_note_form")
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: closed(form))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and dialog.selected() is not None)
    assert "How the case sits with me." in dialog.detail.toPlainText()
    assert dialog.amend_button.isEnabled()

    dialog.amend_button.click()
    form = the_form(qtbot, dialog)
    assert form.supervisor.text() == "Dr Ana Shah, clinical supervisor"
    form.boxes["actions_agreed"].setPlainText("Book a LADO consultation.")
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.panel.form.error_text("reason") == "Say why the record is being amended."
    form.reason.setText("Added the action we agreed")
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: closed(form))
    qtbot.waitUntil(lambda: "Version 2" in dialog.detail.toPlainText())
    text = dialog.detail.toPlainText()
    assert "Why: Added the action we agreed" in text and "Changed: Actions agreed" in text
    shot(dialog, "supervision_log")
    record = on_worker(worker, lambda: supervision.notes(session))[0]
    assert [v.number for v in record.versions] == [1, 2]


def test_a_reflection_needs_no_supervisor_and_survives_a_lock(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    dialog = open_log(qtbot, worker, session)
    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    form = the_form(qtbot, dialog)
    assert form.kind.currentData() is NoteKind.REFLECTION
    assert form.draft_state() is None
    form.boxes["notes"].setPlainText("A hard week.")
    state = form.draft_state()
    assert state is not None
    set_next_answer(False)  # Escape asks before throwing typed text away
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert form.isVisible()
    form.reject()  # as a lock closes it: the window keeps the draft
    again = shown(qtbot, SupervisionNoteForm(worker, session, kind=NoteKind.REFLECTION))
    again.restore_draft(state)
    assert again.note().notes == "A hard week."
    again.saved.connect(dialog.refresh)
    qtbot.keyClick(again, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: closed(again))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert dialog.model.index(0, 1).data() == "Reflection"
    assert dialog.model.index(0, 2).data() == "\u2014"  # no supervisor for a reflection


def test_a_deputy_is_told_the_log_is_the_dsls_alone(
        qtbot: QtBot, worker: DbWorker, session: Session, store_path: Path) -> None:
    on_worker(worker, lambda: supervision.add_note(session, SupervisionNote(
        date(2026, 11, 5), NoteKind.REFLECTION, notes="Private words")))
    on_worker(worker, lambda: add_colleague(session, "deputy", Role.DEPUTY_DSL))
    on_worker(worker, lambda: close(session))
    deputy = on_worker(worker, lambda: reopen(store_path, "deputy", "colleague password"))
    try:
        dialog = open_log(qtbot, worker, deputy)
        assert dialog.message.text() == ("Only the Designated Safeguarding Lead can see the "
                                         "supervision log.")
        assert dialog.model.rowCount() == 0
        assert not any("Private words" in t for t in widget_texts(dialog))
        assert not dialog.session_button.isEnabled()
        assert not dialog.reflection_button.isEnabled()
        shot(dialog, "supervision_log_refused")
    finally:
        on_worker(worker, lambda: close(deputy))


def test_the_account_menu_opens_the_log_for_the_dsl_only(
        qtbot: QtBot, make_window: WindowFactory, store_path: Path) -> None:
    session, _ = make_store(store_path)
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    close(session)
    window = unlocked_on(qtbot, make_window, store_path, "deputy", "colleague password")
    assert not window.supervision_log_action.isEnabled()
    window.lock()
    unlock(qtbot, window)
    assert window.supervision_log_action.isEnabled()
    window.supervision_log_action.trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in
                                window.findChildren(SupervisionLogDialog)))

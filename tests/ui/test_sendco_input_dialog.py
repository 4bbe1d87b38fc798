"""SENDCO input on screen: the DSL asks from a concern's view by keyboard, the
SENDCO answers from the same view, the DSL reads the answer; the casework tab
does the same for a case; nothing is offered for a pupil without SEND; a
question typed before a lock comes back. Real encrypted stores; store calls go
through the worker."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sgdesk.models.casework import CaseContent, CaseKind
from sgdesk.models.pupils import Pupil, SendStatus
from sgdesk.models.sendco import SendcoRecordKind
from sgdesk.models.users import Role
from sgdesk.services import casework, drafts, sendco_input, users
from sgdesk.services.session import Session
from sgdesk.ui.casework_tab import CaseworkTab
from sgdesk.ui.concern_view import ConcernViewDialog
from sgdesk.ui.dialogs.sendco_input_dialog import SendcoInputDialog, SendcoQuestionDialog
from sgdesk.ui.sendco_input_panel import SendcoInputPanel
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_pupil, log_about
from tests.ui.conftest import on_worker, shot, shown, widget_texts

QUESTION = "Does Amy usually flinch when an adult comes close?"
ANSWER = "No. This is new. Her communication passport says she likes high fives."


def sendco_of(worker: DbWorker, session: Session) -> Session:
    """The SENDCO signed in on the same connection."""
    user = on_worker(worker, lambda: users.add_user(session, "Tom Whitlock", "twhitlock",
                                                    Role.SENDCO, "colleague password"))
    return Session(session.store, session.db, user, session.master_key)


def amy_with_send(worker: DbWorker, session: Session) -> tuple[Pupil, str]:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Able",
                                              send_status=SendStatus.EHCP))
    return amy, on_worker(worker, lambda: log_about(session, amy))


def settled(qtbot: QtBot, panel: SendcoInputPanel) -> None:
    qtbot.waitUntil(lambda: panel._worker.pending == 0)


def open_view(qtbot: QtBot, worker: DbWorker, session: Session, concern_id: str,
              pupil: Pupil) -> ConcernViewDialog:
    view = shown(qtbot, ConcernViewDialog(worker, session, concern_id, pupil.id))
    qtbot.waitUntil(lambda: view.record is not None and not view.busy.active)
    settled(qtbot, view.sendco_input)
    return view


def dialog_open[D: (SendcoQuestionDialog, SendcoInputDialog)](
        qtbot: QtBot, panel: SendcoInputPanel, kind: type[D]) -> D:
    """The one dialog of ``kind`` the panel opened (a mnemonic clicks after a short
    animation), read and holding the keyboard."""
    qtbot.waitUntil(lambda: len(panel.findChildren(kind)) == 1)
    return ready(qtbot, panel.findChildren(kind)[0])


def ready[D: (SendcoQuestionDialog, SendcoInputDialog)](qtbot: QtBot, dialog: D) -> D:
    qtbot.waitUntil(lambda: dialog.loaded and dialog.isActiveWindow())
    assert QApplication.focusWidget() is dialog.text
    return dialog


def save_by_keyboard(qtbot: QtBot, panel: SendcoInputPanel,
                     dialog: SendcoQuestionDialog | SendcoInputDialog) -> None:
    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(dialog.text, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settled(qtbot, panel)


def test_the_dsl_asks_the_sendco_answers_and_the_dsl_reads_it(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy, concern_id = amy_with_send(worker, session)
    view = open_view(qtbot, worker, session, concern_id, amy)
    panel = view.sendco_input
    assert panel.isVisible() and panel.ask_button.isVisible()
    assert not panel.input_button.isVisible() and panel.empty.isVisible()

    qtbot.keyClick(view, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # As&k the SENDCO…
    dialog = dialog_open(qtbot, panel, SendcoQuestionDialog)
    assert "Amy" not in dialog.windowTitle()
    qtbot.keyClick(dialog.text, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.panel.form.error_text("question") == "Type the question for the SENDCO."
    shot(dialog, "sendco_question_empty")
    qtbot.keyClicks(dialog.text, QUESTION)
    assert dialog.panel.form.error_text("question") == ""
    shot(dialog, "sendco_question_typed")
    save_by_keyboard(qtbot, panel, dialog)
    (asked,) = panel.entries
    assert asked.request.question == QUESTION and not asked.request.is_answered
    assert "Not answered yet." in panel.list.item(0).text()
    shot(view, "concern_view_sendco_asked")
    view.reject()

    sendco = sendco_of(worker, session)
    theirs = open_view(qtbot, worker, sendco, concern_id, amy)
    panel = theirs.sendco_input
    assert panel.input_button.isVisible() and panel.input_button.isEnabled()
    assert not panel.ask_button.isVisible()
    assert panel.list.currentRow() == 0
    qtbot.keyClick(theirs, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # Add your inp&ut…
    answer = dialog_open(qtbot, panel, SendcoInputDialog)
    assert QUESTION in answer.context.text() and "Jo Bloggs" in answer.context.text()
    qtbot.keyClicks(answer.text, ANSWER)
    shot(answer, "sendco_input_dialog")
    save_by_keyboard(qtbot, panel, answer)
    assert panel.entries[0].request.answer == ANSWER
    assert "Answer from Tom Whitlock" in panel.list.item(0).text()
    assert not panel.input_button.isEnabled()  # answered: nothing open to add to
    shot(theirs, "concern_view_sendco_answered")
    theirs.reject()

    again = open_view(qtbot, worker, session, concern_id, amy)
    assert ANSWER in " ".join(widget_texts(again.sendco_input))
    assert [e.id for e in on_worker(worker, lambda: sendco_input.answered_recently(session))
            ] == [asked.id]


def test_nothing_is_offered_for_a_pupil_without_send(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    ben = on_worker(worker, lambda: add_pupil(session, "Ben", "Brook"))
    concern_id = on_worker(worker, lambda: log_about(session, ben))
    view = open_view(qtbot, worker, session, concern_id, ben)
    assert not view.sendco_input.isVisible()
    assert view.sendco_input.ask() is None


def test_a_case_is_asked_about_and_answered_in_the_casework_tab(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy, _concern = amy_with_send(worker, session)
    case_id = on_worker(worker, lambda: casework.open_case(session, CaseContent(
        CaseKind.EARLY_HELP, amy.id, None, "Jo Bloggs", "", date(2026, 1, 5))))
    tab = shown(qtbot, CaseworkTab(worker, session, amy.id))
    tab.resize(1100, 860)
    qtbot.waitUntil(lambda: tab._worker.pending == 0 and tab.sendco_input.isVisible())
    panel = tab.sendco_input
    assert panel.record_id == case_id and panel.ask_button.isVisible()
    panel.ask_button.click()
    dialog = dialog_open(qtbot, panel, SendcoQuestionDialog)
    qtbot.keyClicks(dialog.text, "Which adults does Amy trust at school?")
    save_by_keyboard(qtbot, panel, dialog)
    (asked,) = panel.entries
    assert asked.request.record_kind is SendcoRecordKind.CASE
    shot(tab, "casework_tab_sendco_asked")

    sendco = sendco_of(worker, session)
    theirs = shown(qtbot, CaseworkTab(worker, sendco, amy.id))
    theirs.resize(1100, 860)
    qtbot.waitUntil(lambda: theirs._worker.pending == 0 and theirs.sendco_input.isVisible())
    panel = theirs.sendco_input
    assert panel.input_button.isEnabled()
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)  # Enter on an open question answers it
    answer = dialog_open(qtbot, panel, SendcoInputDialog)
    qtbot.keyClicks(answer.text, "Mrs Patel, her teaching assistant.")
    save_by_keyboard(qtbot, panel, answer)
    assert panel.entries[0].request.answered_by == "Tom Whitlock"
    shot(theirs, "casework_tab_sendco_answered")


def test_a_question_typed_before_a_lock_comes_back(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy, concern_id = amy_with_send(worker, session)
    view = open_view(qtbot, worker, session, concern_id, amy)
    first = view.sendco_input.ask()
    assert first is not None
    dialog = ready(qtbot, first)
    qtbot.keyClicks(dialog.text, "Half a question")
    kept = dialog.draft_state()
    assert kept == {"text": "Half a question"}
    on_worker(worker, lambda: drafts.save_drafts(session, [(dialog.draft_kind,
                                                            dialog.draft_ref, kept)]))
    dialog.reject()  # as a lock closes it: the draft stays
    second = view.sendco_input.ask()
    assert second is not None
    again = ready(qtbot, second)
    assert again.text.toPlainText() == "Half a question"
    assert "back" in again.panel.form.message()

"""The subject access window: logging a request, withholding a field in the preview,
saving the disclosure PDF (read back: no third party in it) and recording it."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import shiboken6
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTreeWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.users import Role
from sgdesk.services import concerns
from sgdesk.services.session import Session
from sgdesk.ui.dialogs.subject_access_dialog import SubjectAccessDialog
from sgdesk.ui.dialogs.subject_access_forms import DisclosedDialog, RequestForm, WithholdDialog
from sgdesk.ui.form_helpers import set_next_save_path
from sgdesk.ui.pdf_output import set_next_pdf_password
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_colleague, add_pupil, close, concern_content, make_store, reopen
from tests.ui.conftest import (
    WindowFactory,
    on_worker,
    shot,
    shown,
    unlock,
    unlocked_on,
    widget_texts,
)

WITHHELD = "frightened of going home"


def _records(session: Session) -> str:
    amy = add_pupil(session, "Amelia", "Example", preferred_name="Amy")
    benedict = add_pupil(session, "Benedict", "Zanzibar")
    return concerns.log_concern(session, concern_content(
        InvolvedChild(amy.id, ChildRole.VICTIM),
        InvolvedChild(benedict.id, ChildRole.ALLEGED_PERPETRATOR),
        facts="Benedict Zanzibar pushed Amy in the lunch queue.",
        child_words=f"Amy said she is {WITHHELD}."))


def open_dialog(qtbot: QtBot, worker: DbWorker, session: Session) -> SubjectAccessDialog:
    dialog = shown(qtbot, SubjectAccessDialog(worker, session))
    qtbot.waitUntil(lambda: worker.pending == 0)
    return dialog


def visible[D](qtbot: QtBot, dialog: SubjectAccessDialog, kind: type[D]) -> D:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in dialog.findChildren(kind)))  # type: ignore[attr-defined]
    found = next(d for d in dialog.findChildren(kind) if d.isVisible())  # type: ignore[attr-defined]
    qtbot.waitUntil(found.isActiveWindow)
    return found


def closed(widget: QWidget) -> bool:
    """Closed (a form deletes itself when it closes)."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


def tree_item(dialog: SubjectAccessDialog, label: str) -> QTreeWidgetItem:
    top = dialog.tree.topLevelItem(0)
    assert top is not None
    return next(top.child(i) for i in range(top.childCount()) if top.child(i).text(0) == label)


def test_the_dsl_logs_a_request_withholds_a_field_and_discloses(
        qtbot: QtBot, worker: DbWorker, session: Session, tmp_path: Path) -> None:
    on_worker(worker, lambda: _records(session))
    dialog = open_dialog(qtbot, worker, session)
    assert dialog.count_label.text() == "No subject access requests are logged."
    assert not dialog.disclosed_button.isEnabled()

    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    form = visible(qtbot, dialog, RequestForm)
    qtbot.waitUntil(lambda: form.loaded)
    assert QApplication.focusWidget() is form.picker.edit
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.panel.form.error_text("pupil") == "Choose the pupil whose records are asked for."
    assert form.panel.form.error_text("requester_name") == "Say who made the request."
    qtbot.keyClicks(form.picker.edit, "Amy")
    qtbot.keyClick(form.picker.edit, Qt.Key.Key_Return)
    assert form.pupil is not None and QApplication.focusWidget() is form.requester
    qtbot.keyClicks(form.requester, "Kim Example")
    form.relationship.setCurrentIndex(1)
    form.relationship_detail.setText("mother")
    form.identity_checked.setChecked(True)
    form.identity_how.setText("Passport seen at reception")
    assert form.due.text()[2] == "/"  # the due date shows as the form is filled
    shot(form, "subject_access_request_form")
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: closed(form))

    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and dialog.tree.topLevelItemCount() == 1)
    assert dialog.model.index(0, 1).data() == "Kim Example"
    assert dialog.model.index(0, 2).data().startswith("Due ")
    assert "Kim Example (Parent or carer with parental responsibility: mother)" in \
        dialog.details.toPlainText()
    facts = tree_item(dialog, "Facts: what was seen or heard")
    assert facts.text(1) == "1 redaction"  # Benedict's full name
    dialog.tree.setCurrentItem(facts)
    assert "[redacted: third party] pushed Amy" in dialog.field_view.toPlainText()

    dialog.tree.setCurrentItem(tree_item(dialog, "The child's own words (verbatim)"))
    assert not dialog.disclose_button.isEnabled()
    dialog.withhold_button.click()
    withhold = visible(qtbot, dialog, WithholdDialog)
    withhold.reason.setCurrentText("serious harm test")
    shot(withhold, "subject_access_withhold")
    qtbot.keyClick(withhold, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: closed(withhold))
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1 and tree_item(
        dialog, "The child's own words (verbatim)").text(1) == "Withheld: serious harm test")
    qtbot.waitUntil(lambda: dialog.disclose_button.isEnabled())  # the choice stays current
    assert "[withheld: serious harm test]" in dialog.field_view.toPlainText()
    shot(dialog, "subject_access_preview")
    log = [dialog.log_model.index(r, 0).data() for r in range(dialog.log_model.rowCount())]
    assert "Text withheld" in log and "Another child's name or role" in log
    dialog.tabs.setCurrentIndex(1)
    shot(dialog, "subject_access_log")
    dialog.tabs.setCurrentIndex(0)

    saved_to = tmp_path / "disclosure.pdf"
    set_next_save_path(saved_to)
    set_next_pdf_password("")
    dialog.save_button.click()
    qtbot.waitUntil(saved_to.exists, timeout=15_000)
    data = saved_to.read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).split())
    assert "Benedict" not in text and "Zanzibar" not in text and WITHHELD not in text
    assert "Amelia Example" in text and "[withheld: serious harm test]" in text

    dialog.disclosed_button.click()
    disclosed = visible(qtbot, dialog, DisclosedDialog)
    disclosed.method.setCurrentText("Handed over in person")
    shot(disclosed, "subject_access_disclosed")
    qtbot.keyClick(disclosed, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: closed(disclosed))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1
                    and dialog.model.index(0, 2).data().startswith("Disclosed "))
    qtbot.waitUntil(lambda: worker.pending == 0)
    assert not dialog.disclosed_button.isEnabled()
    assert not dialog.withhold_button.isEnabled()
    assert dialog.save_button.isEnabled()  # the pack can still be printed again
    assert "handed over in person" in dialog.details.toPlainText()
    shot(dialog, "subject_access_disclosed_list")


def test_a_sendco_is_told_requests_are_for_the_dsl_and_deputies(
        qtbot: QtBot, worker: DbWorker, session: Session, store_path: Path) -> None:
    on_worker(worker, lambda: _records(session))
    on_worker(worker, lambda: add_colleague(session, "sendco", Role.SENDCO))
    on_worker(worker, lambda: close(session))
    sendco = on_worker(worker, lambda: reopen(store_path, "sendco", "colleague password"))
    try:
        dialog = open_dialog(qtbot, worker, sendco)
        assert dialog.message.text() == ("Only the DSL or a deputy DSL can deal with subject "
                                         "access requests.")
        assert not dialog.log_button.isEnabled() and not dialog.save_button.isEnabled()
        assert not any("Benedict" in t or "Amelia" in t for t in widget_texts(dialog))
        shot(dialog, "subject_access_refused")
    finally:
        on_worker(worker, lambda: close(sendco))


def test_the_records_menu_offers_requests_to_the_dsl_and_deputies(
        qtbot: QtBot, make_window: WindowFactory, store_path: Path) -> None:
    session, _ = make_store(store_path)
    add_colleague(session, "sendco", Role.SENDCO)
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    close(session)
    window = unlocked_on(qtbot, make_window, store_path, "sendco", "colleague password")
    assert not window.subject_access_action.isEnabled()
    window.lock()
    unlock(qtbot, window, "deputy", "colleague password")
    assert window.subject_access_action.isEnabled()
    window.subject_access_action.trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in
                                window.findChildren(SubjectAccessDialog)))

"""The address book dialog on a real store: add a partner's key by typing, see it
listed, see a bad key's reason under the key field, remove with confirmation."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sgdesk.models.address_book import ContactKind
from sgdesk.models.users import Role
from sgdesk.services import address_book
from sgdesk.services.school_identity import school_public_key
from sgdesk.services.session import LockedStore, Session
from sgdesk.storage.age_keys import new_identity, public_key_of
from sgdesk.ui import form_helpers
from sgdesk.ui.dialogs.address_book_dialog import AddContactDialog, AddressBookDialog
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_colleague, close
from tests.ui.conftest import on_worker, shot, shown, widget_texts

MASH = "Northshire Children's Services (MASH)"


def opened(qtbot: QtBot, worker: DbWorker, session: Session) -> AddressBookDialog:
    dialog = shown(qtbot, AddressBookDialog(worker, session))
    qtbot.waitUntil(lambda: worker.pending == 0 and not dialog.busy.active)
    return dialog


def add_form(qtbot: QtBot, dialog: AddressBookDialog) -> AddContactDialog:
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), AddContactDialog))
    form = QApplication.activeWindow()
    assert isinstance(form, AddContactDialog)
    return form


def test_add_a_key_by_typing_and_see_it_in_the_table(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    key = public_key_of(new_identity())
    dialog = opened(qtbot, worker, session)
    assert dialog.model.rowCount() == 0 and dialog.empty.isVisible()
    form = add_form(qtbot, dialog)
    assert form.name.hasFocus()  # keyboard first: type straight away
    qtbot.keyClicks(form.name, MASH)
    qtbot.keyClick(form.name, Qt.Key.Key_Tab)
    qtbot.keyClick(form.kind, Qt.Key.Key_Tab)
    qtbot.keyClicks(form.public_key, key)
    qtbot.keyClicks(form.notes, "Checked by phone with the duty manager")
    shot(form, "address_book_add")
    with qtbot.waitSignal(form.accepted, timeout=10_000):
        qtbot.keyClick(form.notes, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    texts = widget_texts(dialog)
    assert MASH in texts and key in texts and "Partner agency" in texts
    assert dialog.selected() is not None and dialog.selected().name == MASH
    assert dialog.key_field.text() == key  # in full beside the list, to check or copy
    assert dialog.notes_text.text() == "Checked by phone with the duty manager"
    shot(dialog, "address_book")
    (stored,) = on_worker(worker, lambda: address_book.list_contacts(session))
    assert (stored.name, stored.kind, stored.public_key) == (MASH, ContactKind.AGENCY, key)


def test_a_bad_key_shows_its_reason_under_the_key_field(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    dialog = opened(qtbot, worker, session)
    form = add_form(qtbot, dialog)
    qtbot.keyClicks(form.name, MASH)
    qtbot.keyClicks(form.public_key, "age1thisisnotakey")
    qtbot.keyClick(form.public_key, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.panel.form.error_text("public_key") != "", timeout=10_000)
    assert "a character is wrong or missing" in form.panel.form.error_text("public_key")
    assert form.panel.form.error_text("name") == ""
    assert form.public_key.hasFocus() and form.isVisible()
    shot(form, "address_book_bad_key")

    # The school's own key: refused under the same field, with its own reason.
    own = on_worker(worker, lambda: school_public_key(session))
    form.public_key.clear()
    qtbot.keyClicks(form.public_key, own)
    assert form.panel.form.error_text("public_key") == ""  # editing clears the old reason
    qtbot.keyClick(form.public_key, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "own public key" in form.panel.form.error_text("public_key"),
                    timeout=10_000)
    assert on_worker(worker, lambda: address_book.list_contacts(session)) == []


def test_remove_asks_first_then_keeps_the_entry_marked_removed(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    contact = on_worker(worker, lambda: address_book.add_contact(
        session, MASH, ContactKind.AGENCY, public_key_of(new_identity())))
    dialog = opened(qtbot, worker, session)
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(0, 0))
    form_helpers.set_next_answer(False)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: worker.pending == 0)
    assert on_worker(worker, lambda: address_book.list_contacts(session)) == [contact]

    form_helpers.set_next_answer(True)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0)
    dialog.show_removed.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert "(removed " in dialog.model.index(0, 3).data()
    assert "by Jo Bloggs; removed " in dialog.added_text.text()
    assert not dialog.remove_button.isEnabled()
    shot(dialog, "address_book_removed")


def test_a_sendco_sees_the_list_but_no_add_or_remove(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    on_worker(worker, lambda: address_book.add_contact(
        session, MASH, ContactKind.AGENCY, public_key_of(new_identity())))
    on_worker(worker, lambda: add_colleague(session, "sendco", Role.SENDCO))
    path: Path = session.store.path
    on_worker(worker, lambda: close(session))

    def sign_in() -> Session:
        return LockedStore(path).unlock("sendco", "colleague password").session

    sendco = on_worker(worker, sign_in)
    try:
        dialog = opened(qtbot, worker, sendco)
        assert dialog.model.rowCount() == 1
        assert not dialog.add_button.isVisible() and not dialog.remove_button.isVisible()
    finally:
        on_worker(worker, lambda: close(sendco))

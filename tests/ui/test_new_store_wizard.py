"""The New store wizard, driven from the keyboard, making real encrypted stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWizard

from sgdesk.models.errors import WrongPassword
from sgdesk.services.session import LockedStore
from sgdesk.ui import form_helpers, pdf_output
from sgdesk.ui.dialogs.new_store_wizard import NewStoreWizard
from sgdesk.ui.worker import DbWorker
from tests.helpers import close, make_store
from tests.ui.conftest import shot

PASSWORD = "purple tractor lantern"


@pytest.fixture
def worker() -> Iterator[DbWorker]:
    worker = DbWorker()
    yield worker
    worker.shutdown()


@pytest.fixture
def wizard(qtbot, worker: DbWorker, store_path: Path) -> NewStoreWizard:
    wizard = NewStoreWizard(worker, store_path)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def fill_first_page(qtbot, wizard: NewStoreWizard, password: str = PASSWORD) -> None:
    page = wizard.details_page
    qtbot.keyClicks(page.school_name, "Hilltop Primary")
    qtbot.keyClicks(page.display_name, "Jo Bloggs")
    qtbot.keyClicks(page.login, "jbloggs")
    qtbot.keyClicks(page.password, password)
    qtbot.keyClicks(page.repeat, password)


def key_from_page(wizard: NewStoreWizard) -> str:
    """The key as a person reads it off the screen (two lines)."""
    return wizard.recovery_page.key_label.text()


def confirm_key(qtbot, wizard: NewStoreWizard) -> None:
    page = wizard.recovery_page
    qtbot.keyClick(page.confirmed, Qt.Key.Key_Space)
    qtbot.keyClicks(page.group, key_from_page(wizard).rsplit("-", 1)[-1])


def finish_button(wizard: NewStoreWizard):
    return wizard.button(QWizard.WizardButton.FinishButton)


def test_keyboard_run_creates_a_store_that_unlocks_and_whose_key_resets(
        qtbot, wizard: NewStoreWizard, worker: DbWorker, store_path: Path) -> None:
    fill_first_page(qtbot, wizard)
    qtbot.keyClick(wizard.details_page.repeat, Qt.Key.Key_Return)  # Next
    assert wizard.currentPage() is wizard.recovery_page
    key = key_from_page(wizard)
    shot(wizard, "wizard_page2")
    confirm_key(qtbot, wizard)
    with qtbot.waitSignal(wizard.store_created, timeout=30_000) as created:
        qtbot.keyClick(wizard.recovery_page.group, Qt.Key.Key_Return)  # Create store
    result = created.args[0]
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert result.session.user.login == "jbloggs"
    worker.run(lambda: close(result.session)).result()

    store = LockedStore(store_path)
    try:
        store.unlock("jbloggs", PASSWORD).session.lock()
        reset = store.reset_password_with_recovery(key, "jbloggs", "a brand new password")
        assert reset.session.school_name == "Hilltop Primary"
        reset.session.lock()
        with pytest.raises(WrongPassword):
            store.unlock("jbloggs", PASSWORD)
    finally:
        store.close()


def test_next_waits_for_valid_details_and_errors_show_by_their_field(
        qtbot, wizard: NewStoreWizard) -> None:
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()
    fill_first_page(qtbot, wizard, password="short")
    page = wizard.details_page
    page.form.touch_all()
    assert "at least 10 characters" in page.form.error_text("password")
    assert page.form.error_text("school_name") == ""
    assert not next_button.isEnabled()
    shot(wizard, "wizard_page1_error")
    page.login.setText("jbloggs.dsl")
    page.password.clear()
    qtbot.keyClicks(page.password, "JBloggs.DSL")
    assert "must not be the user name" in page.form.error_text("password")
    page.password.setText(PASSWORD)
    assert "not the same" in page.form.error_text("repeat")
    page.repeat.setText(PASSWORD)
    assert next_button.isEnabled()


def test_finish_stays_disabled_until_the_key_is_confirmed(qtbot, wizard: NewStoreWizard) -> None:
    fill_first_page(qtbot, wizard)
    wizard.next()
    page = wizard.recovery_page
    finish = finish_button(wizard)
    group = key_from_page(wizard).rsplit("-", 1)[-1]
    assert not finish.isEnabled()
    qtbot.keyClicks(page.group, group)
    assert not finish.isEnabled()  # the box is not ticked yet
    page.group.clear()
    qtbot.keyClick(page.confirmed, Qt.Key.Key_Space)
    qtbot.keyClicks(page.group, "ZZZZ" if group != "ZZZZ" else "AAAA")
    page.form.touch_all()
    assert not finish.isEnabled()
    assert "not the last group" in page.form.error_text("last_group")
    shot(wizard, "wizard_page2_error")
    page.group.clear()
    qtbot.keyClicks(page.group, group.lower())
    assert finish.isEnabled()


def test_going_back_keeps_the_key_already_shown(qtbot, wizard: NewStoreWizard) -> None:
    fill_first_page(qtbot, wizard)
    wizard.next()
    first = key_from_page(wizard)
    confirm_key(qtbot, wizard)
    wizard.back()
    wizard.next()
    assert key_from_page(wizard) == first
    assert finish_button(wizard).isEnabled()


def test_an_existing_store_is_refused_inline_and_left_untouched(
        qtbot, wizard: NewStoreWizard, worker: DbWorker, store_path: Path) -> None:
    session, _ = worker.run(lambda: make_store(store_path)).result()
    worker.run(lambda: close(session)).result()
    before = {p.name: p.read_bytes() for p in store_path.parent.iterdir()}

    fill_first_page(qtbot, wizard)
    wizard.next()
    confirm_key(qtbot, wizard)
    qtbot.mouseClick(finish_button(wizard), Qt.MouseButton.LeftButton)
    page = wizard.details_page
    qtbot.waitUntil(lambda: wizard.currentPage() is page, timeout=30_000)
    assert "already a store" in page.form.error_text("store_path")
    assert wizard.isVisible()
    assert page.school_name.text() == "Hilltop Primary"
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    shot(wizard, "wizard_page1_store_exists")
    assert {p.name: p.read_bytes() for p in store_path.parent.iterdir()} == before

    form_helpers.set_next_save_path(store_path.parent / "second.sgdesk")
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    assert page.form.error_text("store_path") == ""
    wizard.next()
    with qtbot.waitSignal(wizard.store_created, timeout=30_000) as created:
        qtbot.mouseClick(finish_button(wizard), Qt.MouseButton.LeftButton)
    worker.run(lambda: close(created.args[0].session)).result()
    assert (store_path.parent / "second.sgdesk").exists()


def test_copy_puts_the_key_on_the_clipboard(qtbot, wizard: NewStoreWizard) -> None:
    fill_first_page(qtbot, wizard)
    wizard.next()
    qtbot.mouseClick(wizard.recovery_page.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == wizard.recovery_page.formatted_key


def test_recovery_sheet_prints_and_saves(qtbot, wizard: NewStoreWizard, tmp_path: Path) -> None:
    fill_first_page(qtbot, wizard)
    wizard.next()
    page = wizard.recovery_page
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pdf_output.set_next_printer(printer)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 1

    form_helpers.set_next_save_path(tmp_path / "sheet.pdf")
    pdf_output.set_next_pdf_password("sheet password 123")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    reader = PdfReader(tmp_path / "sheet.pdf")
    assert reader.is_encrypted and reader.decrypt("sheet password 123")
    text = reader.pages[0].extract_text()
    assert page.formatted_key.rsplit("-", 1)[-1] in text
    assert "Saved to" in page.action_note.text()

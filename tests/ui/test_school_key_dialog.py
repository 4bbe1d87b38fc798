"""This school's public key dialog: the key shown in full, copied, saved as a sheet;
and the Account menu entry, offered to the DSL and deputies only."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from sgdesk.services.school_identity import school_public_key
from sgdesk.services.session import Session
from sgdesk.ui.clipboard_guard import clipboard_guard
from sgdesk.ui.dialogs.school_key_dialog import SchoolKeyDialog
from sgdesk.ui.form_helpers import set_next_save_path
from sgdesk.ui.worker import DbWorker
from tests.helpers import SCHOOL
from tests.ui.conftest import on_worker, shot, shown


def opened(qtbot: QtBot, worker: DbWorker, session: Session) -> SchoolKeyDialog:
    dialog = shown(qtbot, SchoolKeyDialog(worker, session))
    qtbot.waitUntil(lambda: dialog.copy_button.isEnabled())
    return dialog


def test_shows_the_key_read_only_and_copy_puts_it_on_the_clipboard(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    key = on_worker(worker, lambda: school_public_key(session))
    dialog = opened(qtbot, worker, session)
    assert dialog.key_field.text() == key
    assert dialog.key_field.isReadOnly()
    assert dialog.key_field.accessibleName() == "This school's public key"
    assert SCHOOL in dialog.intro.text()
    QGuiApplication.clipboard().setText("something else")
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == key
    assert "Copied" in dialog.note.text()
    shot(dialog, "school_key_dialog")
    assert clipboard_guard().clear_if_ours()  # a lock would clear it, like all we copy


def test_save_key_sheet_writes_a_pdf_without_asking_for_a_password(
        qtbot: QtBot, worker: DbWorker, session: Session, tmp_path: Path) -> None:
    dialog = opened(qtbot, worker, session)
    target = tmp_path / "sheet.pdf"
    set_next_save_path(target)  # no password answer queued: a question would block here
    dialog.save_button.click()
    qtbot.waitUntil(lambda: target.exists(), timeout=10_000)
    text = PdfReader(target).pages[0].extract_text()
    assert f"age -r {dialog.public_key} -o file.age file" in text
    assert SCHOOL in text
    qtbot.waitUntil(lambda: "Saved as" in dialog.note.text())

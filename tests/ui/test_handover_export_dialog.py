"""Hand over to a new DSL: the dialog writes a file that opens with the protection
chosen, shows progress, never overwrites, and a cancelled export leaves nothing."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sgdesk.models.address_book import ContactKind
from sgdesk.models.recovery_key import parse_recovery_key
from sgdesk.models.users import Role
from sgdesk.services import address_book
from sgdesk.services.bundle_reading import open_bundle
from sgdesk.services.session import Session
from sgdesk.ui.bundle_protection import bundle_file_name, suggest_passphrase
from sgdesk.ui.dialogs.handover_export_dialog import HandoverExportDialog
from sgdesk.ui.form_helpers import set_next_save_path
from sgdesk.ui.worker import DbWorker
from tests.bundle_helpers import key_pair
from tests.helpers import add_colleague, add_pupil, close, make_store
from tests.ui.conftest import WindowFactory, on_worker, shot, shown, unlocked_on, wait_idle


def opened(qtbot: QtBot, worker: DbWorker, session: Session) -> HandoverExportDialog:
    dialog = shown(qtbot, HandoverExportDialog(worker, session))
    qtbot.waitUntil(lambda: worker.pending == 0)  # the address book has been read
    return dialog


def folder_names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_suggested_passphrases_are_random_groups_in_the_recovery_key_alphabet() -> None:
    first, second = suggest_passphrase(), suggest_passphrase()
    assert first != second
    groups = first.split("-")
    assert [len(g) for g in groups] == [4] * 6
    # the recovery key's alphabet: a person can type it back without 0/O, 1/I mix-ups
    parse_recovery_key(first + "-" + "AAAA-" * 6 + "AAAA")
    assert bundle_file_name("handover", date(2026, 11, 2)) == "handover-2026-11-02.age"


def test_a_passphrase_handover_is_written_and_opens_with_that_passphrase(
        qtbot: QtBot, worker: DbWorker, session: Session, tmp_path: Path) -> None:
    on_worker(worker, lambda: add_pupil(session, "Ada", "Lovelace"))
    dialog = opened(qtbot, worker, session)
    protection = dialog.panel.protection
    passphrase = protection.passphrase.text()
    assert len(passphrase) == 29  # suggested at once, shown in full to be written down
    assert protection.passphrase.echoMode() == protection.passphrase.EchoMode.Normal
    dest = tmp_path / "out" / "handover.age"
    dest.parent.mkdir()
    dialog.panel.file_form.dest.setText(str(dest))

    dialog.export_button.click()  # not yet ticked "written down": refused, nothing written
    assert "written down" in protection.passphrase_form.error_text("written_down")
    assert not dialog.panel.task.running and not dest.exists()
    shot(dialog, "handover_export_refused")

    qtbot.keyClick(protection.written_down, Qt.Key.Key_Space)
    assert protection.passphrase_form.error_text("written_down") == ""
    qtbot.keyClick(dialog.panel.file_form.dest, Qt.Key.Key_Return)  # Return presses Save
    qtbot.waitUntil(lambda: dialog.panel.written is not None, timeout=20_000)
    shot(dialog, "handover_export_done")

    assert folder_names(dest.parent) == ["handover.age"]  # no .part file left behind
    outcome = dialog.panel.outcome.text()
    assert "handover.age" in outcome and str(dest.parent) in outcome and "KB" in outcome
    assert protection.passphrase.text() == ""  # shown once, then gone from the screen
    assert not dialog.export_button.isVisible()
    bundle = open_bundle(dest.read_bytes(), passphrase=passphrase)
    assert bundle.manifest.kind.value == "handover"
    assert [r["sort_name"] for r in bundle.rows("pupils")] == ["Lovelace, Ada"]


def test_a_key_from_the_address_book_opens_it_and_a_mistyped_key_is_caught(
        qtbot: QtBot, worker: DbWorker, session: Session, tmp_path: Path) -> None:
    identity, public = key_pair()
    on_worker(worker, lambda: address_book.add_contact(
        session, "Robin New (incoming DSL)", ContactKind.SCHOOL, public))
    dialog = opened(qtbot, worker, session)
    protection = dialog.panel.protection
    qtbot.keyClick(protection.use_key, Qt.Key.Key_Space)
    assert protection.forms.currentWidget() is protection.key_form
    protection.public_key.setFocus()
    mistyped = public[:-1] + ("q" if public[-1] != "q" else "p")
    qtbot.keyClicks(protection.public_key, mistyped)
    dialog.export_button.click()
    assert "not valid" in protection.key_form.error_text("public_key")
    shot(dialog, "handover_export_bad_key")

    protection.contact.setCurrentIndex(1)
    protection.contact.activated.emit(1)  # as choosing it with the keyboard does
    assert protection.public_key.text() == public
    dest = tmp_path / "handover.age"
    dialog.panel.file_form.dest.setText(str(dest))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.panel.written is not None, timeout=20_000)
    assert open_bundle(dest.read_bytes(), identities=[identity]).manifest.school


def test_an_existing_file_is_never_overwritten(
        qtbot: QtBot, worker: DbWorker, session: Session, tmp_path: Path) -> None:
    dest = tmp_path / "handover.age"
    dest.write_bytes(b"keep me")
    dialog = opened(qtbot, worker, session)
    dialog.panel.protection.written_down.setChecked(True)
    set_next_save_path(dest)
    dialog.panel.file_form.choose_button.click()
    assert dialog.panel.file_form.dest.text() == str(dest)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: bool(dialog.panel.file_form.error_text("dest")), timeout=10_000)
    assert "never overwrites" in dialog.panel.file_form.error_text("dest")
    assert dest.read_bytes() == b"keep me"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_cancel_stops_the_export_and_leaves_no_file(
        qtbot: QtBot, worker: DbWorker, session: Session, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dialog = opened(qtbot, worker, session)
    dialog.panel.protection.written_down.setChecked(True)
    dialog.panel.file_form.dest.setText(str(out / "handover.age"))
    hold = threading.Event()
    worker.run(hold.wait)  # the export queues behind this, so Cancel comes first
    dialog.export_button.click()
    assert dialog.panel.task.running and dialog.panel.task.isVisible()
    assert not dialog.export_button.isVisible()  # the progress line's Cancel is the way out
    shot(dialog, "handover_export_running")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Escape cancels the job, not the window
    assert dialog.isVisible()
    assert dialog.panel.task.stage.text() == "Cancelling…"
    hold.set()
    qtbot.waitUntil(lambda: not dialog.panel.task.running, timeout=10_000)
    outcome = dialog.panel.outcome.text()
    assert "cancelled" in outcome and "No file" in outcome
    assert folder_names(out) == []
    assert dialog.export_button.isEnabled()  # and it can be tried again
    shot(dialog, "handover_export_cancelled")


def test_file_menu_offers_the_handover_to_the_dsl_only(
        qtbot: QtBot, make_window: WindowFactory, store_path: Path) -> None:
    session, _ = make_store(store_path)
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    close(session)
    window = unlocked_on(qtbot, make_window, store_path)
    assert window.handover_action.isEnabled()
    window.handover_action.trigger()
    qtbot.waitUntil(lambda: bool(window.findChildren(HandoverExportDialog)))
    window.close()
    deputy = unlocked_on(qtbot, make_window, store_path, "deputy", "colleague password")
    assert not deputy.handover_action.isEnabled()


def test_locking_during_an_export_cancels_it_closes_the_dialog_and_leaves_no_file(
        qtbot: QtBot, make_window: WindowFactory, store_path: Path, tmp_path: Path) -> None:
    session, _ = make_store(store_path)
    close(session)
    window = unlocked_on(qtbot, make_window, store_path)
    window.handover_action.trigger()
    qtbot.waitUntil(lambda: bool(window.findChildren(HandoverExportDialog)))
    [dialog] = window.findChildren(HandoverExportDialog)
    wait_idle(qtbot, window)
    out = tmp_path / "out"
    out.mkdir()
    dialog.panel.protection.written_down.setChecked(True)
    dialog.panel.file_form.dest.setText(str(out / "handover.age"))
    hold = threading.Event()
    window.worker.run(hold.wait)
    dialog.export_button.click()
    assert dialog.panel.task.running
    window.lock()
    assert not dialog.isVisible()
    hold.set()
    wait_idle(qtbot, window)
    assert window.pages.currentWidget() is window.unlock_view
    assert folder_names(out) == []

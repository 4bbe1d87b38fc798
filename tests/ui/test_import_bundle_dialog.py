"""Import bundle: a share from another school, checked whole, previewed, the
possible matches asked (never assumed), then imported all or nothing; and the
refusals a person meets (wrong key, passphrase, a handover) in plain words."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sgdesk.models.bundles import BundleKind
from sgdesk.services import concerns, pupils
from sgdesk.services.bundle_building import BundleContent, Encryption, write_bundle
from sgdesk.services.bundle_sharing import export_transfer
from sgdesk.services.handover_export import export_handover
from sgdesk.services.school_identity import school_public_key
from sgdesk.services.session import Session
from sgdesk.services.store_creation import NewStoreDetails, create_store, new_recovery_key
from sgdesk.services.transfers import transfers_awaiting_receipt
from sgdesk.storage.bundle_tables import dump_rows, table_shapes
from sgdesk.ui.bundle_task import set_next_open_path
from sgdesk.ui.dialogs.import_bundle_dialog import ImportBundleDialog
from sgdesk.ui.form_helpers import set_next_save_path
from sgdesk.ui.worker import DbWorker
from tests.bundle_helpers import key_pair
from tests.helpers import add_pupil, close, log_about
from tests.ui.conftest import on_worker, shot, shown

UPN = "A123456789012"
#: What a share of whole pupil records carries (until bundle_sharing makes them).
SHARE_TABLES = ("users", "pupils", "pupil_versions", "concerns", "concern_versions",
                "concern_children")


@pytest.fixture
def sender(tmp_path: Path) -> Session:
    """Another school's store, on this thread."""
    details = NewStoreDetails("Riverside Academy", "Sam Sender", "ssender", "sender password 1")
    session = create_store(tmp_path / "sender", details, new_recovery_key()[0]).session
    yield session
    close(session)


def share(sender: Session, dest: Path, recipient: str | None = None,
          passphrase: str | None = None) -> Path:
    """A share-like bundle of every pupil record in ``sender``."""
    shapes = {s.name: s for s in table_shapes(sender.db)}
    tables = {t: list(dump_rows(sender.db, shapes[t])) for t in SHARE_TABLES}
    encryption = Encryption((recipient,) if recipient else (), passphrase, "test")
    return write_bundle(sender, BundleContent(BundleKind.SHARE, tables=tables), dest,
                        encryption).path


def opened(qtbot: QtBot, worker: DbWorker, session: Session) -> ImportBundleDialog:
    return shown(qtbot, ImportBundleDialog(worker, session))


def open_file(qtbot: QtBot, dialog: ImportBundleDialog, path: Path) -> None:
    """Choose the file as a person does (the file dialog answered) and press Open."""
    set_next_open_path(path)
    dialog.choose_button.click()
    assert dialog.path.text() == str(path)
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.task.running, timeout=20_000)


def test_a_share_is_previewed_the_match_asked_and_imported_into_the_pupil_here(
        qtbot: QtBot, worker: DbWorker, session: Session, sender: Session,
        tmp_path: Path) -> None:
    local_ada = on_worker(worker, lambda: add_pupil(session, "Ada", "Lovelace", upn=UPN))
    their_ada = add_pupil(sender, "Ada", "Lovelace", upn=UPN)
    add_pupil(sender, "Grace", "Hopper")
    log_about(sender, their_ada, facts="Told a teacher about home")
    path = share(sender, tmp_path / "share.age", on_worker(worker,
                                                           lambda: school_public_key(session)))
    dialog = opened(qtbot, worker, session)
    open_file(qtbot, dialog, path)

    assert dialog.pages.currentIndex() == 1, dialog.file_form.error_text("file")
    assert dialog.summary.text().startswith("Share with a partner agency from Riverside Academy")
    assert dialog.counts.rows == [("New pupils", 1), ("New concerns", 1),
                                  ("Pupils to confirm (below)", 1)]
    [question] = dialog.questions
    assert question.label.text() == (
        "Is Lovelace, Ada (born 01/01/2013) the same pupil as Lovelace, Ada (born "
        "01/01/2013) here? (the same UPN)")
    assert not dialog.action_button.isEnabled()  # not until every question is answered
    assert "1 still to answer" in dialog.still_to_answer.text()
    shot(dialog, "import_preview")

    assert question.yes.hasFocus()
    qtbot.keyClick(question.yes, Qt.Key.Key_Space)
    assert dialog.answers() == {their_ada.id: True}
    assert dialog.action_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        dialog.action_button.click()
    qtbot.waitUntil(lambda: dialog.outcome is not None)
    assert dialog.message.text().startswith("Imported: 2 records added")
    shot(dialog, "import_done")

    names = on_worker(worker, lambda: [p.sort_name for p in pupils.list_pupils(session)])
    assert names == ["Hopper, Grace", "Lovelace, Ada"]  # Ada filed under the one here
    on_file = on_worker(worker, lambda: concerns.concerns_on_file(session, local_ada.id))
    assert len(on_file) == 1


def test_a_bundle_made_for_another_key_is_refused_plainly_and_nothing_is_written(
        qtbot: QtBot, worker: DbWorker, session: Session, sender: Session,
        tmp_path: Path) -> None:
    add_pupil(sender, "Grace", "Hopper")
    path = share(sender, tmp_path / "share.age", key_pair()[1])
    dialog = opened(qtbot, worker, session)
    open_file(qtbot, dialog, path)
    assert dialog.pages.currentIndex() == 0
    error = dialog.file_form.error_text("file")
    assert "was not encrypted for this school's key" in error
    assert "Nothing was imported" in error
    assert dialog.passphrase_form.isHidden()
    shot(dialog, "import_wrong_key")
    assert on_worker(worker, lambda: pupils.list_pupils(session)) == []


def test_a_passphrase_is_asked_for_only_when_the_bundle_needs_one(
        qtbot: QtBot, worker: DbWorker, session: Session, sender: Session,
        tmp_path: Path) -> None:
    add_pupil(sender, "Grace", "Hopper")
    path = share(sender, tmp_path / "share.age", passphrase="blue kettle mountain")
    dialog = opened(qtbot, worker, session)
    assert dialog.passphrase_form.isHidden()
    open_file(qtbot, dialog, path)
    assert not dialog.passphrase_form.isHidden()
    assert "protected by a passphrase" in dialog.passphrase_form.error_text("passphrase")
    assert dialog.passphrase.hasFocus()
    qtbot.keyClicks(dialog.passphrase, "blue kettle molehill")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.task.running, timeout=20_000)
    assert "does not open this bundle" in dialog.passphrase_form.error_text("passphrase")
    shot(dialog, "import_wrong_passphrase")
    qtbot.keyClicks(dialog.passphrase, "blue kettle mountain")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=20_000)
    assert dialog.counts.rows == [("New pupils", 1)]


def test_a_handover_is_not_imported_and_the_message_says_how_to_set_up_from_it(
        qtbot: QtBot, worker: DbWorker, session: Session, sender: Session,
        tmp_path: Path) -> None:
    path = export_handover(sender, tmp_path / "handover.age",
                           Encryption(passphrase="green tea green tea")).path
    dialog = opened(qtbot, worker, session)
    open_file(qtbot, dialog, path)
    qtbot.keyClicks(dialog.passphrase, "green tea green tea")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.file_form.error_text("file")), timeout=20_000)
    assert "New store from a handover" in dialog.file_form.error_text("file")
    assert dialog.pages.currentIndex() == 0


def test_importing_the_same_bundle_again_offers_nothing_to_import(
        qtbot: QtBot, worker: DbWorker, session: Session, sender: Session,
        tmp_path: Path) -> None:
    add_pupil(sender, "Grace", "Hopper")
    path = share(sender, tmp_path / "share.age",
                 on_worker(worker, lambda: school_public_key(session)))
    first = opened(qtbot, worker, session)
    open_file(qtbot, first, path)
    first.action_button.click()
    qtbot.waitUntil(lambda: first.outcome is not None, timeout=20_000)
    first.action_button.click()  # Done
    assert not first.isVisible()

    again = opened(qtbot, worker, session)
    open_file(qtbot, again, path)
    assert "was imported here before" in again.summary.text()
    assert not again.action_button.isEnabled()
    assert "Nothing to import" in again.still_to_answer.text()
    assert len(on_worker(worker, lambda: pupils.list_pupils(session))) == 1


def test_cancel_while_opening_stops_and_imports_nothing(
        qtbot: QtBot, worker: DbWorker, session: Session, sender: Session,
        tmp_path: Path) -> None:
    add_pupil(sender, "Grace", "Hopper")
    path = share(sender, tmp_path / "share.age",
                 on_worker(worker, lambda: school_public_key(session)))
    dialog = opened(qtbot, worker, session)
    dialog.path.setText(str(path))
    hold = threading.Event()
    worker.run(hold.wait)  # the opening queues behind this, so Cancel comes first
    dialog.action_button.click()
    assert dialog.task.running and not dialog.buttons.isVisible()
    shot(dialog, "import_opening")
    dialog.task.cancel_button.click()
    hold.set()
    qtbot.waitUntil(lambda: not dialog.task.running, timeout=10_000)
    assert "cancelled" in dialog.message.text()
    assert dialog.pages.currentIndex() == 0 and dialog.action_button.isEnabled()


def test_a_transfer_imported_here_gives_a_receipt_that_closes_it_at_the_sender(
        qtbot: QtBot, worker: DbWorker, session: Session, tmp_path: Path) -> None:
    """``session`` is the sending school; the receiving school has its own worker."""
    receiving = DbWorker()
    details = NewStoreDetails("Riverside Academy", "Rae Receiver", "rreceiver", "receiver pass 1")
    receiver = on_worker(receiving, lambda: create_store(
        tmp_path / "receiver", details, new_recovery_key()[0]).session)
    try:
        ada = on_worker(worker, lambda: add_pupil(session, "Ada", "Lovelace"))
        key = on_worker(receiving, lambda: school_public_key(receiver))
        sent = tmp_path / "cp-file.age"
        on_worker(worker, lambda: export_transfer(session, ada.id, date(2026, 11, 2),
                                                  "Riverside Academy", sent, Encryption((key,))))
        assert len(on_worker(worker, lambda: transfers_awaiting_receipt(session))) == 1

        arrived = opened(qtbot, receiving, receiver)
        open_file(qtbot, arrived, sent)
        assert arrived.summary.text().startswith("CP file transfer to a new school from "
                                                 "Hilltop Primary")
        arrived.action_button.click()
        qtbot.waitUntil(lambda: arrived.outcome is not None, timeout=20_000)
        assert arrived.receipt_button.isVisible()
        assert arrived.receipt_button.text() == "Save a &receipt for Hilltop Primary…"
        set_next_save_path(tmp_path / "receipt.age")
        arrived.receipt_button.click()
        qtbot.waitUntil(lambda: "receipt was saved" in arrived.message.text(), timeout=20_000)
        shot(arrived, "import_transfer_receipt_saved")

        back = opened(qtbot, worker, session)
        open_file(qtbot, back, tmp_path / "receipt.age")
        assert back.summary.text().startswith("A receipt from Riverside Academy: Rae Receiver "
                                              "confirmed on")
        assert back.action_button.text() == "&Record receipt"
        shot(back, "import_receipt")
        with qtbot.waitSignal(back.imported, timeout=20_000):
            back.action_button.click()
        assert "transfer is closed" in back.message.text()
        assert on_worker(worker, lambda: transfers_awaiting_receipt(session)) == []
    finally:
        on_worker(receiving, lambda: close(receiver))
        receiving.shutdown()

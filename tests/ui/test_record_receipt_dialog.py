"""Recording by hand the receipt for a CP file sent to a school without sgdesk, on
real encrypted stores: the receipt closes the transfer, and what the service
refuses is said under the field it concerns, with nothing saved."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from sgdesk.models.sharing import TransferAwaiting, TransferBody, TransferReceipt
from sgdesk.services.bundle_building import Encryption
from sgdesk.services.bundle_sharing import export_transfer
from sgdesk.services.session import Session
from sgdesk.services.transfers import transfers_awaiting_receipt
from sgdesk.storage import age_keys, codec
from sgdesk.ui.dialogs.record_receipt_dialog import RecordReceiptDialog
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_pupil, close, make_store
from tests.ui.conftest import WindowFactory, on_worker, shot, shown, unlocked_on, wait_idle

NEW_SCHOOL = "Riverside Academy"
WHO = "Sam Patel, DSL, Riverside Academy"


def send_transfer(session: Session, tmp_path: Path, moved_on: date) -> None:
    """Amy's CP file, sent to the new school's key today."""
    amy = add_pupil(session, "Amy", "Example")
    partner = age_keys.public_key_of(age_keys.new_identity())
    export_transfer(session, amy.id, moved_on, NEW_SCHOOL, tmp_path / "t.age",
                    Encryption((partner,)))


def awaiting(worker: DbWorker, session: Session) -> list[TransferAwaiting]:
    return on_worker(worker, lambda: transfers_awaiting_receipt(session))


def saved_receipt(worker: DbWorker, session: Session) -> TransferReceipt | None:
    """The receipt on the (only) transfer, as stored."""
    row = on_worker(worker, lambda: session.db.query_one("SELECT body FROM transfers"))
    assert row is not None
    return codec.loads(TransferBody, row["body"]).receipt


@pytest.fixture
def dialog(qtbot: QtBot, worker: DbWorker, session: Session,
           tmp_path: Path) -> RecordReceiptDialog:
    """The receipt form for Amy's transfer, opened and ready for typing."""
    on_worker(worker, lambda: send_transfer(session, tmp_path, date.today()))
    (transfer,) = awaiting(worker, session)
    opened = shown(qtbot, RecordReceiptDialog(worker, session, transfer))
    qtbot.waitUntil(lambda: not opened.working)
    return opened


def test_the_form_says_which_transfer_and_starts_at_now(
        dialog: RecordReceiptDialog) -> None:
    assert (dialog.pupil.text(), dialog.new_school.text()) == ("Amy Example", NEW_SCHOOL)
    assert dialog.sent.text().startswith(f"{date.today():%d/%m/%Y} ")
    assert "overdue" not in dialog.due.text()
    assert abs(dialog.received_at.value() - datetime.now().astimezone()) < timedelta(minutes=2)
    assert dialog.how.currentText() == "Signed receipt page"
    assert dialog.acknowledged_by.hasFocus()
    shot(dialog, "record_receipt")


def test_who_and_save_close_the_transfer(qtbot: QtBot, worker: DbWorker, session: Session,
                                         dialog: RecordReceiptDialog) -> None:
    qtbot.keyClicks(dialog.acknowledged_by, WHO)
    dialog.how.setCurrentText("Secure email")
    with qtbot.waitSignal(dialog.recorded, timeout=30_000):
        qtbot.keyClick(dialog.acknowledged_by, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert awaiting(worker, session) == []
    receipt = saved_receipt(worker, session)
    assert receipt is not None
    assert (receipt.acknowledged_by, receipt.how) == (WHO, "Secure email")


def test_ctrl_s_saves_a_way_typed_in(qtbot: QtBot, worker: DbWorker, session: Session,
                                     dialog: RecordReceiptDialog) -> None:
    qtbot.keyClicks(dialog.acknowledged_by, WHO)
    dialog.how.clearEditText()
    qtbot.keyClicks(dialog.how, "Handed over at a meeting")
    with qtbot.waitSignal(dialog.recorded, timeout=30_000):
        qtbot.keySequence(dialog.how, QKeySequence(QKeySequence.StandardKey.Save))
    assert awaiting(worker, session) == []
    receipt = saved_receipt(worker, session)
    assert receipt is not None and receipt.how == "Handed over at a meeting"


def test_nobody_named_is_said_beside_the_field_and_nothing_saved(
        qtbot: QtBot, worker: DbWorker, session: Session, dialog: RecordReceiptDialog) -> None:
    dialog.panel.action_button.click()
    assert "Say who at the new school" in dialog.panel.form.error_text("acknowledged_by")
    assert dialog.acknowledged_by.hasFocus() and dialog.isVisible()
    shot(dialog, "record_receipt_nobody")
    assert worker.pending == 0  # no save was started
    assert len(awaiting(worker, session)) == 1


def test_an_empty_way_is_said_beside_its_field(
        qtbot: QtBot, worker: DbWorker, session: Session, dialog: RecordReceiptDialog) -> None:
    qtbot.keyClicks(dialog.acknowledged_by, WHO)
    dialog.how.clearEditText()
    dialog.panel.action_button.click()
    assert "Say how the receipt came" in dialog.panel.form.error_text("how")
    assert len(awaiting(worker, session)) == 1


def test_a_receipt_dated_in_the_future_is_refused(
        qtbot: QtBot, worker: DbWorker, session: Session, dialog: RecordReceiptDialog) -> None:
    qtbot.keyClicks(dialog.acknowledged_by, WHO)
    dialog.received_at.set_value(datetime.now().astimezone() + timedelta(days=1))
    dialog.panel.action_button.click()
    qtbot.waitUntil(lambda: bool(dialog.panel.form.error_text("acknowledged_at")),
                    timeout=30_000)
    assert dialog.panel.form.error_text("acknowledged_at") == (
        "The receipt cannot be dated in the future.")
    assert dialog.received_at.hasFocus() and dialog.isVisible()
    shot(dialog, "record_receipt_future")
    assert len(awaiting(worker, session)) == 1
    # putting the date right clears the message, and the receipt saves
    dialog.received_at.set_value(datetime.now().astimezone())
    assert dialog.panel.form.error_text("acknowledged_at") == ""
    with qtbot.waitSignal(dialog.recorded, timeout=30_000):
        dialog.panel.action_button.click()
    assert awaiting(worker, session) == []


def test_a_receipt_dated_before_the_file_went_is_refused(
        qtbot: QtBot, worker: DbWorker, session: Session, dialog: RecordReceiptDialog) -> None:
    qtbot.keyClicks(dialog.acknowledged_by, WHO)
    dialog.received_at.set_value(datetime.now().astimezone() - timedelta(days=2))
    dialog.panel.action_button.click()
    qtbot.waitUntil(lambda: bool(dialog.panel.form.error_text("acknowledged_at")),
                    timeout=30_000)
    assert "before the file was sent" in dialog.panel.form.error_text("acknowledged_at")
    assert len(awaiting(worker, session)) == 1


def test_recording_from_the_home_view_takes_the_line_away(
        qtbot: QtBot, make_window: WindowFactory, store_path: Path, tmp_path: Path) -> None:
    session, _ = make_store(store_path)
    send_transfer(session, tmp_path, date.today() - timedelta(days=30))
    close(session)
    window = unlocked_on(qtbot, make_window, store_path)
    transfers = window.home_view.transfers
    assert transfers.list.count() == 1
    transfers.list.setFocus()
    transfers.list.setCurrentRow(0)
    qtbot.keyClick(transfers.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.findChild(RecordReceiptDialog) is not None)
    dialog = window.findChild(RecordReceiptDialog)
    assert isinstance(dialog, RecordReceiptDialog)
    qtbot.waitUntil(lambda: dialog.isVisible() and not dialog.working)
    assert dialog.due.text().endswith("(overdue)")
    qtbot.keyClicks(dialog.acknowledged_by, WHO)
    shot(dialog, "record_receipt_from_home")
    with qtbot.waitSignal(dialog.recorded, timeout=30_000):
        qtbot.keyClick(dialog.acknowledged_by, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: transfers.list.count() == 0 and transfers.empty.isVisible())
    shot(window, "home_after_receipt")

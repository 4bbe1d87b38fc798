"""Sharing records with a partner and sending a CP file to a new school, driven
through the screens: what leaves is previewed, the recipient's key is offered
from the address book, and the files open with that key and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from sgdesk.models.address_book import ContactKind
from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.pupils import Pupil
from sgdesk.services import address_book, concerns
from sgdesk.services.bundle_reading import open_bundle
from sgdesk.services.session import Session
from sgdesk.services.transfers import transfers_awaiting_receipt
from sgdesk.ui.dialogs.share_wizard import ShareWizard
from sgdesk.ui.dialogs.transfer_dialog import TransferDialog
from sgdesk.ui.worker import DbWorker
from tests.bundle_helpers import key_pair
from tests.helpers import add_pupil, concern_content
from tests.ui.conftest import on_worker, shot, shown

AGENCY = "Northshire MASH"
NEW_SCHOOL = "Riverside Academy"


@pytest.fixture
def amy_and_ben(worker: DbWorker, session: Session) -> tuple[Pupil, Pupil]:
    """Amy, shared; Benedict, a child in Amy's concern who must not leave named."""
    def make() -> tuple[Pupil, Pupil]:
        amy = add_pupil(session, "Amy", "Archer")
        ben = add_pupil(session, "Benedict", "Zanzibar")
        concerns.log_concern(session, concern_content(
            InvolvedChild(amy.id, ChildRole.VICTIM),
            InvolvedChild(ben.id, ChildRole.ALLEGED_PERPETRATOR)))
        return amy, ben
    return on_worker(worker, make)


def contact(worker: DbWorker, session: Session, name: str, kind: ContactKind) -> str:
    """Add ``name`` to the address book; returns the identity that opens their files."""
    identity, public = key_pair()
    on_worker(worker, lambda: address_book.add_contact(session, name, kind, public))
    return identity


def wizard_on(qtbot: QtBot, worker: DbWorker, session: Session,
              pupil_ids: tuple[str, ...]) -> ShareWizard:
    wizard = shown(qtbot, ShareWizard(worker, session, pupil_ids))
    qtbot.waitUntil(lambda: worker.pending == 0)
    return wizard


def test_a_share_is_previewed_sent_to_the_agencys_key_and_names_no_other_child(
        qtbot: QtBot, worker: DbWorker, session: Session, amy_and_ben: tuple[Pupil, Pupil],
        tmp_path: Path) -> None:
    amy, ben = amy_and_ben
    identity = contact(worker, session, AGENCY, ContactKind.AGENCY)
    wizard = wizard_on(qtbot, worker, session, (amy.id,))
    request = wizard.request_page
    assert request.pupil_ids() == (amy.id,)

    qtbot.keyClick(wizard, Qt.Key.Key_Return)  # Next with the recipient missing: refused
    assert "Say who" in request.form.error_text("recipient")
    assert wizard.currentPage() is request
    qtbot.keyClicks(request.recipient, AGENCY)
    qtbot.keyClicks(request.purpose, "Strategy discussion")
    shot(wizard, "share_what")
    request.purpose.setFocus()
    qtbot.keyClick(request.purpose, Qt.Key.Key_Return)  # Next: the preview is worked out
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.preview_page, timeout=20_000)

    preview = wizard.preview_page
    assert preview.summary.text().startswith("1 record of 1 pupil will leave")
    assert [r[1].title for r in preview.records.rows] == ["Concern: Neglect"]
    [(child_id, box)] = preview.include.items()
    assert child_id == ben.id and not box.isChecked()
    assert box.text() == "Leave Benedict Zanzibar named (linked to a record)"
    shot(wizard, "share_preview")

    wizard.next()
    send = wizard.send_page.panel
    assert send.protection.use_key.isChecked()  # the recipient is in the address book
    assert send.protection.public_key.text().startswith("age1")
    dest = tmp_path / "share.age"
    send.file_form.dest.setText(str(dest))
    shot(wizard, "share_protect")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: send.written is not None, timeout=30_000)
    shot(wizard, "share_done")
    assert "share.age" in send.outcome.text() and "bundle log" in send.outcome.text()
    assert wizard.buttonText(QWizard.WizardButton.FinishButton) == "&Close"

    bundle = open_bundle(dest.read_bytes(), identities=[identity])
    assert bundle.manifest.kind.value == "share"
    rows = repr(bundle.tables)
    assert "Archer" in rows and "Zanzibar" not in rows and "Benedict" not in rows


def test_ticking_another_child_works_the_preview_out_again_with_them_named(
        qtbot: QtBot, worker: DbWorker, session: Session, amy_and_ben: tuple[Pupil, Pupil]
        ) -> None:
    amy, ben = amy_and_ben
    wizard = wizard_on(qtbot, worker, session, (amy.id,))
    qtbot.keyClicks(wizard.request_page.recipient, AGENCY)
    qtbot.keyClicks(wizard.request_page.purpose, "Strategy discussion")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.preview_page, timeout=20_000)
    preview = wizard.preview_page
    preview.include[ben.id].click()
    qtbot.waitUntil(lambda: wizard.preview is not None and not preview.task.running,
                    timeout=20_000)
    assert preview.include[ben.id].isChecked()
    assert preview.include[ben.id].text() == "Leave Benedict Zanzibar named (linked to a record)"
    assert wizard.request_page.request(preview.included()).include_children == (ben.id,)


def test_a_cp_file_goes_to_the_new_schools_key_and_waits_for_its_receipt(
        qtbot: QtBot, worker: DbWorker, session: Session, amy_and_ben: tuple[Pupil, Pupil],
        tmp_path: Path) -> None:
    amy, _ben = amy_and_ben
    identity = contact(worker, session, NEW_SCHOOL, ContactKind.SCHOOL)
    dialog = shown(qtbot, TransferDialog(worker, session))
    qtbot.waitUntil(lambda: worker.pending == 0)
    dialog.export_button.click()  # nothing filled in: every field says what it needs
    assert "Choose the pupil" in dialog.form.error_text("pupil")
    assert "moved" in dialog.form.error_text("moved_on")
    assert "new school" in dialog.form.error_text("new_school")
    shot(dialog, "transfer_refused")

    dialog.picker.edit.setFocus()
    qtbot.keyClicks(dialog.picker.edit, "Arch")
    qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_Return)
    assert dialog.pupil is not None and dialog.pupil.id == amy.id
    assert dialog.moved_on.hasFocus()
    qtbot.keyClicks(dialog.moved_on, "02/11/2026")
    qtbot.keyClick(dialog.moved_on, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.new_school, NEW_SCHOOL)
    # a school in the address book brings its key
    assert dialog.panel.protection.use_key.isChecked()
    dest = tmp_path / "cp.age"
    dialog.panel.file_form.dest.setText(str(dest))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.panel.written is not None, timeout=30_000)
    shot(dialog, "transfer_done")

    bundle = open_bundle(dest.read_bytes(), identities=[identity])
    assert bundle.manifest.kind.value == "transfer"
    due = bundle.manifest.details["due_on"]
    assert f"by {due[8:10]}/{due[5:7]}/{due[:4]}" in dialog.panel.outcome.text()
    awaiting = on_worker(worker, lambda: transfers_awaiting_receipt(session))
    assert [(t.pupil_id, t.new_school) for t in awaiting] == [(amy.id, NEW_SCHOOL)]

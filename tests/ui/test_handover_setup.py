"""New store from a handover: the new DSL opens the file (passphrase or age key
file), chooses their own account, confirms a new recovery key, and is signed in
to a store holding the handed-over records."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sgdesk.models.bundles import BundleKind
from sgdesk.services import pupils
from sgdesk.services.bundle_building import BundleContent, Encryption, write_bundle
from sgdesk.services.handover_export import export_handover
from sgdesk.services.session import Session
from sgdesk.ui.bundle_task import set_next_open_path
from sgdesk.ui.dialogs.handover_setup_wizard import HandoverSetupWizard
from sgdesk.ui.main_window import MainWindow
from sgdesk.ui.worker import DbWorker
from tests.bundle_helpers import key_pair
from tests.helpers import DSL_LOGIN, SCHOOL, add_pupil, close, make_store
from tests.ui.conftest import WindowFactory, on_worker, shot, shown, wait_idle

PASSPHRASE = "MH4B-CHP3-FTFE-IENJ-SYGX-IHK2"
NEW_PASSWORD = "a fresh long password"


@pytest.fixture
def old_store(tmp_path: Path) -> Session:
    """The previous DSL's store, with one pupil, on this thread."""
    session, _ = make_store(tmp_path / "old")
    add_pupil(session, "Ada", "Lovelace")
    yield session
    close(session)


def wizard_for(qtbot: QtBot, worker: DbWorker, path: Path) -> HandoverSetupWizard:
    return shown(qtbot, HandoverSetupWizard(worker, path))


def choose_handover(qtbot: QtBot, wizard: HandoverSetupWizard, handover: Path,
                    passphrase: str = "", key_file: Path | None = None) -> None:
    """Fill the first page as a person does, and press Next."""
    page = wizard.bundle_page
    set_next_open_path(handover)
    page.choose_button.click()
    if key_file is not None:
        set_next_open_path(key_file)
        page.choose_key_button.click()
    if passphrase:
        qtbot.keyClicks(page.passphrase, passphrase)
    page.path.setFocus()
    qtbot.keyClick(page.path, Qt.Key.Key_Return)  # Next
    qtbot.waitUntil(lambda: not page.task.running, timeout=20_000)


def finish_account(qtbot: QtBot, wizard: HandoverSetupWizard, login: str = "rnew") -> None:
    """Page 2 (the new DSL's account) and page 3 (the recovery key), then Set up."""
    details = wizard.details_page
    qtbot.keyClicks(details.display_name, "Robin New")
    qtbot.keyClicks(details.login, login)
    qtbot.keyClicks(details.password, NEW_PASSWORD)
    qtbot.keyClicks(details.repeat, NEW_PASSWORD)
    qtbot.keyClick(details.repeat, Qt.Key.Key_Return)  # Next
    assert wizard.currentPage() is wizard.recovery_page
    recovery = wizard.recovery_page
    qtbot.keyClick(recovery.confirmed, Qt.Key.Key_Space)
    qtbot.keyClicks(recovery.group, recovery.key_label.text().rsplit("-", 1)[-1])
    qtbot.keyClick(recovery.group, Qt.Key.Key_Return)  # Set up store


def test_a_passphrase_handover_sets_up_a_store_the_new_dsl_signs_in_to(
        qtbot: QtBot, worker: DbWorker, old_store: Session, tmp_path: Path,
        store_path: Path) -> None:
    handover = export_handover(old_store, tmp_path / "handover.age",
                               Encryption(passphrase=PASSPHRASE)).path
    wizard = wizard_for(qtbot, worker, store_path)
    assert wizard.currentPage() is wizard.bundle_page
    shot(wizard, "handover_setup_first_page")
    choose_handover(qtbot, wizard, handover, PASSPHRASE)

    assert wizard.currentPage() is wizard.details_page
    assert wizard.details_page.school_name.text() == SCHOOL
    assert wizard.details_page.school_name.isReadOnly()
    assert "1 pupil and 0 concerns" in wizard.bundle_page.summary.text()
    shot(wizard, "handover_setup_account")
    with qtbot.waitSignal(wizard.store_created, timeout=30_000) as created:
        finish_account(qtbot, wizard)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    new = created.args[0].session
    try:
        assert new.user.login == "rnew"
        assert on_worker(worker, lambda: new.school_name) == SCHOOL
        names = on_worker(worker, lambda: [p.sort_name for p in pupils.list_pupils(new)])
        assert names == ["Lovelace, Ada"]
    finally:
        on_worker(worker, lambda: close(new))


def test_an_age_key_file_opens_a_handover_made_for_that_key(
        qtbot: QtBot, worker: DbWorker, old_store: Session, tmp_path: Path,
        store_path: Path) -> None:
    identity, public = key_pair()
    handover = export_handover(old_store, tmp_path / "handover.age",
                               Encryption((public,))).path
    key_file = tmp_path / "key.txt"  # as age-keygen writes it
    key_file.write_text(f"# created: 2026-11-02T10:00:00Z\n# public key: {public}\n{identity}\n")
    wizard = wizard_for(qtbot, worker, store_path)
    choose_handover(qtbot, wizard, handover)  # no key yet: told which to give
    assert "made for an age key" in wizard.bundle_page.form.error_text("key_file")
    shot(wizard, "handover_setup_needs_key")
    choose_handover(qtbot, wizard, handover, key_file=key_file)
    assert wizard.currentPage() is wizard.details_page


def test_what_cannot_open_a_handover_is_said_under_its_field(
        qtbot: QtBot, worker: DbWorker, old_store: Session, tmp_path: Path,
        store_path: Path) -> None:
    handover = export_handover(old_store, tmp_path / "handover.age",
                               Encryption(passphrase=PASSPHRASE)).path
    not_a_key = tmp_path / "notes.txt"
    not_a_key.write_text("shopping list\n")
    wizard = wizard_for(qtbot, worker, store_path)
    page = wizard.bundle_page
    choose_handover(qtbot, wizard, handover)
    assert "protected by a passphrase" in page.form.error_text("passphrase")
    choose_handover(qtbot, wizard, handover, "wrong passphrase")
    assert "does not open" in page.form.error_text("passphrase")
    page.passphrase.clear()
    choose_handover(qtbot, wizard, handover, key_file=not_a_key)
    assert "no age secret key" in page.form.error_text("key_file")
    share = write_bundle(old_store, BundleContent(BundleKind.SHARE), tmp_path / "share.age",
                         Encryption(passphrase=PASSPHRASE)).path
    page.key_file.clear()
    choose_handover(qtbot, wizard, share, PASSPHRASE)
    assert "not a handover" in page.form.error_text("file")
    assert wizard.currentPage() is page
    assert not store_path.exists()


def test_the_old_dsls_user_name_is_refused_and_nothing_is_made(
        qtbot: QtBot, worker: DbWorker, old_store: Session, tmp_path: Path,
        store_path: Path) -> None:
    handover = export_handover(old_store, tmp_path / "handover.age",
                               Encryption(passphrase=PASSPHRASE)).path
    wizard = wizard_for(qtbot, worker, store_path)
    choose_handover(qtbot, wizard, handover, PASSPHRASE)
    finish_account(qtbot, wizard, login=DSL_LOGIN)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.details_page, timeout=30_000)
    assert "already used" in wizard.details_page.form.error_text("login")
    assert not store_path.exists()


def test_the_window_offers_it_and_opens_on_the_new_store(
        qtbot: QtBot, make_window: WindowFactory, old_store: Session, tmp_path: Path) -> None:
    handover = export_handover(old_store, tmp_path / "handover.age",
                               Encryption(passphrase=PASSPHRASE)).path
    window: MainWindow = make_window()
    window.unlock_view.show_problem(tmp_path / "gone.sgdesk", "This store cannot be found.")
    window.pages.setCurrentWidget(window.unlock_view)
    shot(window, "unlock_problem_with_handover")
    window.unlock_view.handover_button.click()
    qtbot.waitUntil(lambda: bool(window.findChildren(HandoverSetupWizard)))
    [wizard] = window.findChildren(HandoverSetupWizard)
    qtbot.waitActive(wizard)
    choose_handover(qtbot, wizard, handover, PASSPHRASE)
    finish_account(qtbot, wizard)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.workspace
                    and window.home_view.isVisible(), timeout=30_000)
    wait_idle(qtbot, window)
    assert window.session is not None and window.session.user.login == "rnew"
    assert window.windowTitle() == f"sgdesk — {SCHOOL}"

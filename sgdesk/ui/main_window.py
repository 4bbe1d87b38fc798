"""The main window: one store at a time, locked or unlocked.

The window owns the database worker, the claimed store (:class:`LockedStore`) and,
while unlocked, the :class:`Session`. Every call that touches the store runs on
the worker; this class only decides what to show.

Locking (Ctrl+L, the menu, idle time, the desktop session locking) keeps the text
of open forms as encrypted drafts, closes every dialog, clears the clipboard if
sgdesk filled it, drops the database connection and shows the unlock screen.
Titles, the status bar and the log never carry a pupil's or user's data.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from sgdesk import __version__
from sgdesk.models.errors import StoreInUse
from sgdesk.services.locations import AppLocations
from sgdesk.ui.clipboard_guard import clipboard_guard
from sgdesk.ui.error_text import describe
from sgdesk.ui.idle_lock import Clock, IdleLockFilter
from sgdesk.ui.unlock_view import UnlockView, plain_label, row_of
from sgdesk.ui.worker import DbWorker

# Launching imports only what the unlock screen needs. The store and session
# modules (SQLCipher, crypto, migrations) load on the worker when the store is
# claimed; the records screens and the services behind them once the unlock
# screen shows (see ensure_workspace).
if TYPE_CHECKING:
    from sgdesk.services import maintenance
    from sgdesk.services.session import LockedStore, Session, UnlockResult
    from sgdesk.ui.home_view import HomeDetails, HomeView
    from sgdesk.ui.records_workspace import RecordsWorkspace
    from sgdesk.ui.session_lock_watch import SessionLockWatcher

log = logging.getLogger(__name__)

#: How long after the unlock screen appears the records screens start loading: long
#: enough for the screen to paint, far shorter than typing a password.
WORKSPACE_DELAY_MS = 250

STORE_FILTER = "sgdesk stores (*.sgdesk)"
DEMO_BUSY_TEXT = "Preparing a demo store of fictional pupils…"

#: One look for the whole window (and the dialogs parented to it). Point sizes
#: follow the system's scaling.
STYLE = """
QLabel#heading { font-size: 16pt; font-weight: 600; }
QLabel#subheading { font-size: 11pt; font-weight: 600; }
QListWidget#home_list::item { padding: 3px 2px; }
QLabel#busy { font-size: 12pt; }
QLabel#store_name { font-weight: 600; }
QLabel#detail { color: #4d4d4d; }
QLabel#error { color: #a4000f; font-weight: 600; }
QLabel#banner { background: #fff4ce; color: #3b2f00; border: 1px solid #c8a600;
                border-radius: 4px; padding: 8px; }
"""

DraftRecord = tuple[str, str, dict[str, Any]]


class ShortcutEverywhere(QObject):
    """An application event filter that triggers ``action`` on its shortcut in every
    window belonging to ``owner``, dialogs included.

    A menu shortcut does not fire while a window-modal dialog (``QDialog.open``)
    blocks its window, yet Lock must work whatever is open.
    """

    def __init__(self, action: QAction, owner: QWidget) -> None:
        super().__init__(owner)
        self._action = action
        self._owner = owner

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(watched, QWidget)
                and isinstance(event, QKeyEvent)
                and QKeySequence(event.keyCombination()) == self._action.shortcut()
                and self._action.isEnabled() and self._belongs_to_owner(watched)):
            self._action.trigger()
            return True
        return False

    def _belongs_to_owner(self, widget: QWidget) -> bool:
        current: QWidget | None = widget
        while current is not None:
            if current is self._owner:
                return True
            current = current.parentWidget()
        return False


class MainWindow(QMainWindow):
    """Signals :attr:`unlock_screen_shown` each time a store's sign-in form appears
    (the benchmark times process start to the first one)."""

    unlock_screen_shown = Signal()

    def __init__(self, locations: AppLocations, idle_clock: Clock = time.monotonic,
                 idle_check_interval_ms: int = 5_000) -> None:
        super().__init__()
        self.locations = locations
        self.worker = DbWorker(self)
        self._store: LockedStore | None = None
        self._session: Session | None = None
        self._closed = False
        #: The store this window has claimed, as the worker sees it. Written only by
        #: worker jobs, which run in order, so a close queued after an open always
        #: releases what that open claimed, even if its result was never delivered.
        self._claimed: LockedStore | None = None

        self.setWindowTitle("sgdesk — locked")
        self.setStyleSheet(STYLE)
        self.resize(1120, 720)

        self.unlock_view = UnlockView(self.worker)
        self.busy_label = plain_label(object_name="busy")
        self.busy_label.setWordWrap(False)
        self.busy_page = self._build_busy_page()
        #: The records screens, built just after the unlock screen first shows (see
        #: :meth:`ensure_workspace`), so launching pays only for what it shows.
        self.workspace: RecordsWorkspace | None = None
        self.pages = QStackedWidget()
        for page in (self.unlock_view, self.busy_page):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)
        self.statusBar()

        self.unlock_view.unlocked.connect(self._on_unlocked)
        self.unlock_view.store_unusable.connect(self._on_store_unusable)
        self.unlock_view.open_other_requested.connect(self.choose_store_to_open)
        self.unlock_view.new_store_requested.connect(self.new_store)
        self.unlock_view.handover_requested.connect(self.new_store_from_handover)
        self.unlock_view.retry_requested.connect(self.open_store)
        self.unlock_screen_shown.connect(self._build_workspace_soon)

        self._build_menus()
        self.idle_filter = IdleLockFilter(clock=idle_clock,
                                          check_interval_ms=idle_check_interval_ms, parent=self)
        self.idle_filter.idle.connect(self._lock_when_idle)
        self.lock_key = ShortcutEverywhere(self.lock_action, self)
        #: Made at the first unlock: a locked window has nothing to lock.
        self.session_watch: SessionLockWatcher | None = None
        self._update_actions()

    # -- building -------------------------------------------------------------------
    def _build_busy_page(self) -> QWidget:
        bar = QProgressBar()
        bar.setRange(0, 0)
        bar.setTextVisible(False)
        bar.setFixedWidth(360)
        bar.setAccessibleName("Working")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addLayout(row_of(self.busy_label, stretch_before=True, stretch_after=True))
        layout.addLayout(row_of(bar, stretch_before=True, stretch_after=True))
        layout.addStretch(2)
        return page

    def _action(self, menu_text: str, slot: Callable[[], object],
                shortcut: QKeySequence | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(menu_text, self)
        if shortcut is not None:
            # setShortcuts, not setShortcut: PySide resolves the latter's overloads
            # through the Qt namespace, building all its enums (see plain_label)
            action.setShortcuts([shortcut if isinstance(shortcut, QKeySequence)
                                 else QKeySequence(shortcut)])
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        # Ctrl+N logs a concern (what a DSL does daily); a new store is rare.
        self.new_store_action = self._action("&New store…", self.new_store,
                                             QKeySequence("Ctrl+Shift+N"))
        self.open_store_action = self._action("&Open store…", self.choose_store_to_open,
                                              QKeySequence(QKeySequence.StandardKey.Open))
        self.backup_action = self._action("&Back up store…", self.choose_backup_file)
        self.verify_action = self._action("&Verify store", self.verify_store)
        self.lock_action = self._action("&Lock", self.lock, QKeySequence("Ctrl+L"))
        self.quit_action = self._action("&Quit", self.close,
                                        QKeySequence(QKeySequence.StandardKey.Quit))
        self.new_from_handover_action = self._action("New store from a &handover…",
                                                     self.new_store_from_handover)
        self.import_bundle_action = self._action("&Import bundle…", self.import_bundle)
        self.share_action = self._action("&Share records with a partner…", self.share_records)
        self.transfer_action = self._action("Send a &CP file to a new school…",
                                            self.send_cp_file)
        self.handover_action = self._action("Hand over to a ne&w DSL…", self.hand_over)
        file_menu.addActions([self.new_store_action, self.new_from_handover_action,
                              self.open_store_action])
        file_menu.addSeparator()
        file_menu.addActions([self.backup_action, self.verify_action])
        file_menu.addSeparator()
        file_menu.addActions([self.share_action, self.transfer_action,
                              self.import_bundle_action, self.handover_action])
        file_menu.addSeparator()
        file_menu.addActions([self.lock_action, self.quit_action])

        account_menu = bar.addMenu("&Account")
        self.change_password_action = self._action("&Change my password…",
                                                   self.change_password)
        self.users_action = self._action("&Manage users…", self.manage_users)
        self.settings_action = self._action("&Settings…", self.open_settings)
        self.school_settings_action = self._action(
            "Sc&hool calendar and referral settings…", self.open_school_settings)
        account_menu.addActions([self.change_password_action, self.users_action,
                                 self.settings_action, self.school_settings_action])
        self.school_key_action = self._action("This school's &public key…",
                                              self.open_school_key)
        self.address_book_action = self._action("A&ddress book…", self.open_address_book)
        account_menu.addSeparator()
        account_menu.addActions([self.school_key_action, self.address_book_action])
        self.supervision_log_action = self._action("My super&vision log…",
                                                   self.open_supervision_log)
        account_menu.addSeparator()
        account_menu.addAction(self.supervision_log_action)

        self.records_menu = bar.addMenu("&Records")
        self.records_separator = self.records_menu.addSeparator()
        self.adult_register_action = self._action(
            "&Allegations and low-level concerns about adults…", self.open_adult_register)
        self.records_menu.addAction(self.adult_register_action)
        self.subject_access_action = self._action("&Subject access requests…",
                                                  self.open_subject_access)
        self.records_menu.addAction(self.subject_access_action)
        self.retention_action = self._action("Re&tention and destruction…", self.open_retention)
        self.records_menu.addAction(self.retention_action)
        self.reports_action = self._action("&Reports…", self.open_reports)
        self.records_menu.addAction(self.reports_action)

        help_menu = bar.addMenu("Hel&p")  # Alt+H is Home
        help_menu.addAction(self._action("&About sgdesk", self.show_about))

    def _update_actions(self) -> None:
        """Session actions only while unlocked; user admin and settings for the DSL only."""
        session = self._session
        unlocked = session is not None
        is_dsl = session is not None and session.user.role.can_manage_users
        # Reports: every role; only the DSL and deputies see small numbers (the service checks).
        for action in (self.backup_action, self.verify_action, self.lock_action,
                       self.change_password_action, self.reports_action):
            action.setEnabled(unlocked)
        # The adult register is the DSL's alone, like user admin (the service checks too).
        for action in (self.users_action, self.settings_action, self.school_settings_action,
                       self.adult_register_action, self.handover_action,
                       self.retention_action, self.supervision_log_action):
            action.setEnabled(is_dsl)
        # Encrypted files are sent and opened by the DSL and deputies (the services check too).
        shares = False
        if session is not None:
            from sgdesk.models.address_book import SHARING_ROLES

            shares = session.user.role in SHARING_ROLES
        # Subject access requests: the DSL and deputies too (the services check as well).
        for action in (self.school_key_action, self.address_book_action,
                       self.import_bundle_action, self.share_action, self.transfer_action,
                       self.subject_access_action):
            action.setEnabled(shares)

    # -- the records workspace ----------------------------------------------------------
    def _build_workspace_soon(self) -> None:
        """While the person types their password, load the records screens' modules
        on the worker (~0.2 s of imports that would stall typing on the GUI thread),
        then build the screens here. The wait first lets the unlock screen paint."""
        if self.workspace is None:
            QTimer.singleShot(WORKSPACE_DELAY_MS, self._load_workspace)

    def _load_workspace(self) -> None:
        if self.workspace is None:
            self.worker.run(_import_records_screens,
                            on_done=lambda _module: self._build_workspace())

    def _build_workspace(self) -> None:
        self.ensure_workspace()

    def ensure_workspace(self) -> RecordsWorkspace:
        if self.workspace is None:
            from sgdesk.ui.records_workspace import RecordsWorkspace

            self.workspace = RecordsWorkspace(self.worker)
            self.pages.addWidget(self.workspace)
            self.workspace.problem.connect(self.statusBar().showMessage)
            self.records_menu.insertActions(self.records_separator,
                                            self.workspace.actions_for_menu)
        return self.workspace

    @property
    def home_view(self) -> HomeView:
        return self.ensure_workspace().home_view

    # -- state ----------------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        return self._session

    @property
    def store(self) -> LockedStore | None:
        return self._store

    def show_busy(self, text: str) -> None:
        self.busy_label.setText(text)
        self.pages.setCurrentWidget(self.busy_page)

    # -- opening stores -------------------------------------------------------------
    def open_store(self, path: Path) -> None:
        """Lock and give back the current store, then claim ``path`` and ask to unlock it.

        A store that fails to open is never written to: the claim (if made) is
        released and the unlock page says what is wrong.
        """
        self._end_session()
        self._store = None
        self.show_busy(f"Opening {path.name}…")
        self.worker.run(lambda: self._claim(path), on_done=self._on_store_claimed,
                        on_error=lambda exc: self._show_store_problem(path, exc))

    def prepare_demo_store(self, path: Path) -> None:
        """Create the demo store on the worker (a few seconds of key derivation), then open it."""
        self.show_busy(DEMO_BUSY_TEXT)

        def create() -> Path:
            from sgdesk.services.demo import create_demo_store

            return create_demo_store(path)

        self.worker.run(create, on_done=self.open_store,
                        on_error=lambda exc: self._show_store_problem(path, exc))

    def _claim(self, path: Path) -> LockedStore:
        """Worker job: release any earlier claim, then claim ``path``."""
        from sgdesk.services.session import LockedStore

        self._release_claim()
        store = LockedStore(path)
        self._claimed = store
        return store

    def _release_claim(self) -> None:
        """Worker job: give back the claimed store (its instance lock)."""
        if self._claimed is not None:
            self._claimed.close()
            self._claimed = None

    def _on_store_claimed(self, store: LockedStore) -> None:
        log.info("store claimed")
        self._store = store
        self._show_unlock_form()

    def _show_store_problem(self, path: Path | None, exc: BaseException) -> None:
        self.unlock_view.show_problem(path, describe(exc), can_retry=isinstance(exc, StoreInUse))
        self.pages.setCurrentWidget(self.unlock_view)

    def _on_store_unusable(self, exc: BaseException) -> None:
        log.info("claimed store cannot be used (%s); released", type(exc).__name__)
        self._store = None
        self.worker.run(self._release_claim)

    def _show_unlock_form(self, login: str = "") -> None:
        if self._store is None:
            return
        self.unlock_view.show_store(self._store, login)
        self.pages.setCurrentWidget(self.unlock_view)
        self.setWindowTitle("sgdesk — locked")
        self.unlock_screen_shown.emit()

    def adopt_unlocked_store(self, result: UnlockResult) -> None:
        """Take over a store someone else claimed and unlocked (the new-store wizard)."""
        self._end_session()
        store = result.session.store

        def claim() -> None:
            self._release_claim()
            self._claimed = store

        self.worker.run(claim)
        self._store = store
        self._on_unlocked(result)

    # -- unlocking ------------------------------------------------------------------
    def _on_unlocked(self, result: UnlockResult) -> None:
        session = result.session
        if session.store is not self._store:  # the store was swapped while this unlocked
            self.worker.run(session.lock)
            return
        self._session = session
        if result.migration_backup is not None:
            self.statusBar().showMessage(
                "The store was upgraded to this version of sgdesk. A backup was made first: "
                f"{result.migration_backup.name}"
            )

        from sgdesk.services import preferences
        from sgdesk.ui.home_view import HomeDetails

        def read_home() -> tuple[HomeDetails, int]:
            self.locations.write_config(last_store=str(session.store.path))  # fsyncs: not here
            user = session.user
            details = HomeDetails(session.school_name, user.display_name, user.role.label)
            return details, preferences.idle_lock_minutes(session)

        self.worker.run(read_home, on_done=lambda found: self._show_home(session, *found),
                        on_error=self._report)

    def _show_home(self, session: Session, details: HomeDetails, idle_minutes: int) -> None:
        if session is not self._session:  # locked again before the home page was ready
            return
        workspace = self.ensure_workspace()
        workspace.start(session, details)
        self.pages.setCurrentWidget(workspace)
        self.setWindowTitle(f"sgdesk — {details.school_name}")
        self.idle_filter.set_timeout_minutes(idle_minutes)
        self.idle_filter.set_enabled(True)
        self._watch_while_unlocked(True)
        self._update_actions()
        log.info("unlocked; home shown")

    def _watch_while_unlocked(self, watch: bool) -> None:
        """The idle timer, the Lock key and the desktop session's lock matter only
        while unlocked, so launching does not pay for them: a Python filter on every
        event makes PySide build the type of each widget it passes (~40 ms), and the
        desktop session is asked over D-Bus."""
        if watch and self.session_watch is None:
            from sgdesk.ui.session_lock_watch import SessionLockWatcher

            self.session_watch = SessionLockWatcher(self)
            self.session_watch.session_locked.connect(self._lock_with_session)
        app = QApplication.instance()
        for event_filter in (self.idle_filter, self.lock_key):
            if watch:
                app.installEventFilter(event_filter)
            else:
                app.removeEventFilter(event_filter)

    # -- locking --------------------------------------------------------------------
    def lock(self) -> None:
        """Lock now. Does nothing if already locked."""
        if self._session is None:
            return
        login = self._session.user.login
        self._end_session()
        self._show_unlock_form(login)

    def _lock_when_idle(self) -> None:
        log.info("locking after idle time")
        self.lock()

    def _lock_with_session(self) -> None:
        log.info("locking because the desktop session locked")
        self.lock()

    def _end_session(self) -> None:
        """Keep drafts, close dialogs, clear our clipboard, lock the session on the worker."""
        session, self._session = self._session, None
        self.idle_filter.set_enabled(False)
        self._watch_while_unlocked(False)
        if session is None:
            return
        from sgdesk.ui.drafts import open_draftable_dialogs

        kept: list[DraftRecord] = []
        for dialog in open_draftable_dialogs(self):
            state = dialog.draft_state()
            if state is not None:
                kept.append((dialog.draft_kind, dialog.draft_ref, state))
        self._close_dialogs()
        clipboard_guard().clear_if_ours()
        if self.workspace is not None:
            self.workspace.clear()
        self._update_actions()
        self.worker.run(lambda: _save_drafts_and_lock(session, kept), on_error=self._report)
        log.info("locking (%d drafts kept)", len(kept))

    def _close_dialogs(self) -> None:
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()

    # -- menu actions ---------------------------------------------------------------
    def _open_dialog(self, dialog: QDialog) -> None:
        """Open without blocking (never ``exec``), so a lock can close it."""
        from PySide6.QtCore import Qt  # not at import: see unlock_view.plain_label

        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def choose_store_to_open(self) -> None:
        start = self._store.path.parent if self._store else self.locations.data_dir
        dialog = QFileDialog(self, "Open store", str(start), STORE_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.open_store(Path(name)))
        self._open_dialog(dialog)

    def new_store(self) -> None:
        from sgdesk.ui.dialogs.new_store_wizard import NewStoreWizard

        wizard = NewStoreWizard(self.worker, self._free_store_path(), self)
        wizard.store_created.connect(self.adopt_unlocked_store)
        self._open_dialog(wizard)

    def new_store_from_handover(self) -> None:
        from sgdesk.ui.dialogs.handover_setup_wizard import HandoverSetupWizard

        wizard = HandoverSetupWizard(self.worker, self._free_store_path(), self.locations, self)
        wizard.store_created.connect(self.adopt_unlocked_store)
        self._open_dialog(wizard)

    def _free_store_path(self) -> Path:
        """``records.sgdesk`` in the data folder, or ``records-2.sgdesk`` and so on if taken."""
        first = self.locations.default_store
        candidate, n = first, 1
        while candidate.exists():
            n += 1
            candidate = first.with_name(f"{first.stem}-{n}{first.suffix}")
        return candidate

    def choose_backup_file(self) -> None:
        if self._store is None:
            return
        path = self._store.path
        suggested = path.with_name(f"{path.stem}-backup-{date.today().isoformat()}{path.suffix}")
        dialog = QFileDialog(self, "Back up store", str(suggested), STORE_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("sgdesk")
        dialog.fileSelected.connect(lambda name: self.back_up_to(Path(name)))
        self._open_dialog(dialog)

    def back_up_to(self, dest: Path) -> None:
        session = self._session
        if session is None:
            return
        from sgdesk.services import maintenance

        self.statusBar().showMessage("Backing up…")
        self.worker.run(
            lambda: maintenance.backup_store(session, dest),
            on_done=lambda target: self.statusBar().showMessage(
                f"Backup saved as {target.name}, with its key file beside it."),
            on_error=self._report,
        )

    def verify_store(self) -> None:
        session = self._session
        if session is None:
            return
        from sgdesk.services import maintenance

        self.statusBar().showMessage("Checking the store…")
        self.worker.run(lambda: maintenance.verify_store(session),
                        on_done=self._show_verify_report, on_error=self._report)

    def _show_verify_report(self, report: maintenance.VerifyReport) -> None:
        self.statusBar().clearMessage()
        box = QMessageBox(
            QMessageBox.Icon.Information if report.ok else QMessageBox.Icon.Warning,
            "Verify store",
            "The store passed every check." if report.ok else
            "The store failed a check. Keep using your backups and do not delete them.",
            QMessageBox.StandardButton.Ok, self,
        )
        box.setInformativeText("\n".join(report.lines()))
        # one line per check: the default message box is too narrow for them
        box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 520px; }")
        self._open_dialog(box)

    def change_password(self) -> None:
        from sgdesk.ui.dialogs.change_password_dialog import ChangePasswordDialog

        if self._session is not None:
            self._open_dialog(ChangePasswordDialog(self.worker, self._session, self))

    def manage_users(self) -> None:
        from sgdesk.ui.dialogs.users_dialog import UsersDialog

        if self._session is not None:
            self._open_dialog(UsersDialog(self.worker, self._session, self))

    def open_settings(self) -> None:
        from sgdesk.ui.dialogs.settings_dialog import SettingsDialog

        if self._session is None:
            return
        dialog = SettingsDialog(self.worker, self._session, self)
        dialog.idle_minutes_changed.connect(self.idle_filter.set_timeout_minutes)
        self._open_dialog(dialog)

    def open_school_settings(self) -> None:
        from sgdesk.ui.dialogs.school_settings_dialog import SchoolSettingsDialog

        if self._session is not None:
            self._open_dialog(SchoolSettingsDialog(self.worker, self._session, self))

    def open_adult_register(self) -> None:
        from sgdesk.ui.dialogs.adult_register_dialog import AdultRegisterDialog

        if self._session is not None:
            self._open_dialog(AdultRegisterDialog(self.worker, self._session, self))

    def open_reports(self) -> None:
        from sgdesk.ui.dialogs.reports_dialog import ReportsDialog

        if self._session is not None:
            self._open_dialog(ReportsDialog(self.worker, self._session, self))

    def open_retention(self) -> None:
        if self._session is not None:
            self.ensure_workspace().open_retention()

    def open_subject_access(self) -> None:
        if self._session is not None:
            self.ensure_workspace().open_access_request()

    def open_supervision_log(self) -> None:
        from sgdesk.ui.dialogs.supervision_log_dialog import SupervisionLogDialog

        if self._session is not None:
            self._open_dialog(SupervisionLogDialog(self.worker, self._session, self))

    def open_school_key(self) -> None:
        from sgdesk.ui.dialogs.school_key_dialog import SchoolKeyDialog

        if self._session is not None:
            self._open_dialog(SchoolKeyDialog(self.worker, self._session, self))

    def open_address_book(self) -> None:
        from sgdesk.ui.dialogs.address_book_dialog import AddressBookDialog

        if self._session is not None:
            self._open_dialog(AddressBookDialog(self.worker, self._session, self))

    def hand_over(self) -> None:
        from sgdesk.ui.dialogs.handover_export_dialog import HandoverExportDialog

        if self._session is not None:
            self._open_dialog(HandoverExportDialog(self.worker, self._session, self.locations,
                                                   self))

    def share_records(self) -> None:
        from sgdesk.ui.dialogs.share_wizard import ShareWizard

        if self._session is not None:
            self._open_dialog(ShareWizard(self.worker, self._session, parent=self))

    def send_cp_file(self) -> None:
        from sgdesk.ui.dialogs.transfer_dialog import TransferDialog

        if self._session is not None:
            dialog = TransferDialog(self.worker, self._session, parent=self)
            dialog.panel.exported.connect(lambda _w: self.ensure_workspace().refresh())
            self._open_dialog(dialog)

    def import_bundle(self) -> None:
        from sgdesk.ui.dialogs.import_bundle_dialog import ImportBundleDialog

        if self._session is not None:
            dialog = ImportBundleDialog(self.worker, self._session, self)
            dialog.imported.connect(self.ensure_workspace().refresh)
            self._open_dialog(dialog)

    def show_about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "About sgdesk",
                          f"sgdesk {__version__}\n\nAn offline, encrypted workbench for a "
                          "school's Designated Safeguarding Lead. Everything stays on this "
                          "computer, in the encrypted store.",
                          QMessageBox.StandardButton.Ok, self)
        self._open_dialog(box)

    def _report(self, exc: BaseException) -> None:
        self.statusBar().showMessage(describe(exc))

    # -- closing --------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Lock (keeping drafts), give the store back, and finish the worker's queue."""
        if not self._closed:
            self._closed = True
            self._end_session()
            self.worker.run(self._release_claim)
            self._store = None
            self.worker.shutdown()
            log.info("window closed")
        super().closeEvent(event)


def _import_records_screens() -> ModuleType:
    """Worker job: import (not build) the records screens. Their modules create no
    widgets at import, only classes and colour constants, so this is safe off the
    GUI thread. This year's bank holidays are worked out too: the home view's
    first working-day clock would otherwise pay ~0.3 s loading ``holidays``."""
    from sgdesk.models.working_days import england_bank_holidays

    england_bank_holidays(date.today().year)
    return importlib.import_module("sgdesk.ui.records_workspace")


def _save_drafts_and_lock(session: Session, kept: list[DraftRecord]) -> None:
    """Worker job: the drafts are saved if at all possible, and the session always locks."""
    from sgdesk.services import drafts

    try:
        drafts.save_drafts(session, kept)
    finally:
        session.lock()

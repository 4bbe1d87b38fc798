"""The unlock screen: which store, who you are, your password.

Modelled on KeePassXC's: errors appear inline next to the form, a wrong password
clears and refocuses the password field and changes nothing else. Unlike
KeePassXC, the key derivation runs on the database worker, so the window stays
responsive and shows progress while Argon2id works.

After three wrong passwords in a row the service makes each try wait longer
(``models/unlock_backoff.py``). The screen says so and counts the wait down with
the Unlock button off; the password field keeps the focus, so the next try is
typed while waiting and Enter works as soon as the count reaches nought.

The same page also says plainly when a store cannot be used at all (not a store,
damaged, in use, too new), with the two ways forward.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.errors import (
    NotAStore,
    StoreDamaged,
    StoreTooNew,
    TooManyAttempts,
    WrongPassword,
)
from sgdesk.models.unlock_backoff import wait_message
from sgdesk.ui.error_text import describe
from sgdesk.ui.worker import DbWorker

if TYPE_CHECKING:  # the session module (SQLCipher, crypto) loads on the worker, not at launch
    from sgdesk.services.session import LockedStore, UnlockResult

#: Errors that mean the claimed store cannot be used with any password.
STORE_PROBLEMS = (NotAStore, StoreDamaged, StoreTooNew)
#: Said when the wait after wrong passwords is over.
WAIT_OVER = "You can try again now."


def plain_label(text: str = "", object_name: str = "") -> QLabel:
    """A word-wrapped label that never interprets text as HTML (names are typed by people)."""
    label = QLabel(text)
    # Set by name, not Qt.TextFormat.PlainText: the first use of PySide's Qt
    # namespace builds all its enums (~20 ms), which the unlock screen need not wait for.
    label.setProperty("textFormat", "PlainText")
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)
    return label


def row_of(widget: QWidget, *, stretch_before: bool = False,
           stretch_after: bool = False) -> QHBoxLayout:
    """``widget`` in a row, pushed aside by stretches: alignment without the Qt
    namespace's enums (see :func:`plain_label`)."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    if stretch_before:
        row.addStretch(1)
    row.addWidget(widget)
    if stretch_after:
        row.addStretch(1)
    return row


class UnlockView(QWidget):
    """Signals: :attr:`unlocked` (an :class:`UnlockResult`); :attr:`store_unusable`
    when unlocking showed the store cannot be used (the owner should release it);
    :attr:`open_other_requested`, :attr:`new_store_requested`,
    :attr:`handover_requested` and :attr:`retry_requested` (the store's path) from
    the problem page."""

    unlocked = Signal(object)
    store_unusable = Signal(object)
    open_other_requested = Signal()
    new_store_requested = Signal()
    handover_requested = Signal()
    retry_requested = Signal(object)

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._store: LockedStore | None = None
        self._problem_path: Path | None = None
        self._wait_left = 0
        self.wait_timer = QTimer(self)
        self.wait_timer.setInterval(1000)
        self.wait_timer.timeout.connect(self._count_down)

        self.heading = plain_label("Unlock the store", "heading")
        self.store_name = plain_label()
        self.store_name.setObjectName("store_name")
        self.store_folder = plain_label(object_name="detail")
        self.demo_banner = plain_label(object_name="banner")
        self.demo_banner.setAccessibleName("Demo store")

        self.pages = QStackedWidget()
        self.form_page = self._build_form()
        self.problem_page = self._build_problem_page()
        self.pages.addWidget(self.form_page)
        self.pages.addWidget(self.problem_page)

        column = QVBoxLayout()
        column.setSpacing(10)
        column.addWidget(self.heading)
        column.addWidget(self.store_name)
        column.addWidget(self.store_folder)
        column.addSpacing(4)
        column.addWidget(self.demo_banner)
        column.addWidget(self.pages)
        card = QFrame()
        card.setMaximumWidth(560)
        card.setLayout(column)

        outer = QVBoxLayout(self)
        outer.addSpacing(96)  # fixed, so the form does not jump when an error appears
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)

    # -- building -------------------------------------------------------------------
    def _build_form(self) -> QWidget:
        self.user_edit = QLineEdit()
        self.user_edit.setAccessibleName("User name")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        form = QFormLayout()
        form.addRow("&User name", self.user_edit)
        form.addRow("&Password", self.password_edit)

        self.error = plain_label(object_name="error")
        self.error.setAccessibleName("Unlock problem")
        self.error.hide()
        self.wait_note = plain_label(object_name="detail")
        self.wait_note.setAccessibleName("Wait before trying again")
        self.wait_note.hide()

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setAccessibleName("Unlocking")
        self.progress.setMaximumHeight(12)
        self.progress.setTextVisible(False)
        self.progress_label = plain_label("Unlocking…")
        busy = QHBoxLayout()
        busy.addWidget(self.progress_label)
        busy.addWidget(self.progress, 1)
        self.busy_row = QWidget()
        self.busy_row.setLayout(busy)
        self.busy_row.hide()

        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setDefault(True)
        self.forgot_button = QPushButton("&Forgotten your password?")
        self.forgot_button.setFlat(True)
        self.keyring_button = QPushButton("Unlock with this computer's &keyring")
        self.keyring_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.unlock_button)
        buttons.addStretch(1)
        buttons.addWidget(self.forgot_button)

        self.user_edit.returnPressed.connect(self._on_user_return)
        self.password_edit.returnPressed.connect(self.submit)
        self.unlock_button.clicked.connect(self.submit)
        self.forgot_button.clicked.connect(self._open_recovery)
        self.keyring_button.clicked.connect(self._unlock_with_keyring)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.wait_note)
        layout.addWidget(self.busy_row)
        layout.addLayout(buttons)
        layout.addLayout(row_of(self.keyring_button, stretch_after=True))
        layout.addStretch(1)
        QWidget.setTabOrder(self.user_edit, self.password_edit)
        QWidget.setTabOrder(self.password_edit, self.unlock_button)
        QWidget.setTabOrder(self.unlock_button, self.forgot_button)
        QWidget.setTabOrder(self.forgot_button, self.keyring_button)
        return page

    def _build_problem_page(self) -> QWidget:
        self.problem = plain_label(object_name="problem")
        self.problem.setAccessibleName("Problem with this store")
        self.retry_button = QPushButton("&Try again")
        self.open_other_button = QPushButton("&Open another store…")
        self.new_store_button = QPushButton("&New store…")
        self.handover_button = QPushButton("New store from a &handover…")
        self.retry_button.clicked.connect(lambda: self.retry_requested.emit(self._problem_path))
        self.open_other_button.clicked.connect(self.open_other_requested)
        self.new_store_button.clicked.connect(self.new_store_requested)
        self.handover_button.clicked.connect(self.handover_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.open_other_button)
        buttons.addWidget(self.new_store_button)
        buttons.addWidget(self.handover_button)
        buttons.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    # -- what the owner calls -------------------------------------------------------
    @property
    def store(self) -> LockedStore | None:
        return self._store

    def show_store(self, store: LockedStore, login: str = "") -> None:
        """Ask for the sign-in of a claimed store; ``login`` prefills the user name."""
        self._store = store
        self._show_path(store.path)
        self.heading.setText("Unlock the store")
        demo = store.demo
        if demo is not None:
            self.demo_banner.setText(
                "This is a demo store of made-up pupils — never put real records in it. "
                f"Sign in as {demo.login} with password {demo.password}."
            )
            login = login or demo.login
        self.demo_banner.setVisible(demo is not None)
        self.keyring_button.setVisible(store.has_quick_unlock)
        self.pages.setCurrentWidget(self.form_page)
        self._end_wait(say_so=False)
        self._set_busy(False)
        self._clear_error()
        self.user_edit.setText(login)
        self.password_edit.clear()
        (self.password_edit if login else self.user_edit).setFocus()

    def show_problem(self, path: Path | None, message: str, can_retry: bool = False) -> None:
        """A page-level message: this store cannot be used; open another or make one.

        ``can_retry`` offers to try the same store again (it was only busy elsewhere).
        """
        self._store = None
        self._problem_path = path
        self._end_wait(say_so=False)
        self.password_edit.clear()
        self._show_path(path)
        self.heading.setText("This store cannot be opened")
        self.demo_banner.hide()
        self.problem.setText(message)
        self.pages.setCurrentWidget(self.problem_page)
        retry = can_retry and path is not None
        self.retry_button.setVisible(retry)
        (self.retry_button if retry else self.open_other_button).setFocus()

    def submit(self) -> None:
        """Check the fields are filled, then unlock on the worker."""
        store = self._store
        if store is None or not self.unlock_button.isEnabled():
            return
        login = self.user_edit.text().strip()
        password = self.password_edit.text()
        if not login:
            self._show_error("Enter your user name.", self.user_edit)
        elif not password:
            self._show_error("Enter your password.", self.password_edit)
        else:
            self._run_unlock(lambda: store.unlock(login, password))

    # -- internals ------------------------------------------------------------------
    def _show_path(self, path: Path | None) -> None:
        self.store_name.setText(path.name if path else "")
        self.store_name.setVisible(path is not None)
        self.store_folder.setText(f"in {path.parent}" if path else "")
        self.store_folder.setVisible(path is not None)

    def _on_user_return(self) -> None:
        if self.password_edit.text():
            self.submit()
        else:
            self.password_edit.setFocus()

    def _unlock_with_keyring(self) -> None:
        store = self._store
        if store is not None:
            login = self.user_edit.text().strip()
            self._run_unlock(lambda: store.unlock_with_keyring(login))

    def _run_unlock(self, job: Callable[[], UnlockResult]) -> None:
        self._clear_error()
        self._end_wait(say_so=False)
        self._set_busy(True)
        self._worker.run(job, on_done=self._on_unlocked, on_error=self._on_failed)

    def _on_unlocked(self, result: UnlockResult) -> None:
        self.password_edit.clear()
        self.unlocked.emit(result)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, STORE_PROBLEMS):
            path = self._store.path if self._store else None
            self.show_problem(path, describe(exc))
            self.store_unusable.emit(exc)
            return
        if isinstance(exc, TooManyAttempts):
            # Refused before the password was tried: it stays, ready for Enter.
            self._start_wait(exc.seconds)
            self.password_edit.setFocus()
            return
        if isinstance(exc, WrongPassword):
            self.password_edit.clear()
            self._start_wait(exc.wait_seconds)
        self._show_error(describe(exc), self.password_edit)

    # -- the wait after wrong passwords --------------------------------------------------
    @property
    def waiting(self) -> bool:
        return self._wait_left > 0

    def _start_wait(self, seconds: int) -> None:
        if seconds <= 0:
            return
        self._wait_left = seconds
        self.wait_note.setText(wait_message(seconds))
        self.wait_note.show()
        self.unlock_button.setEnabled(False)
        self.wait_timer.start()

    def _count_down(self) -> None:
        self._wait_left -= 1
        if self.waiting:
            self.wait_note.setText(wait_message(self._wait_left))
        else:
            self._end_wait(say_so=True)

    def _end_wait(self, say_so: bool) -> None:
        self.wait_timer.stop()
        self._wait_left = 0
        self.wait_note.setText(WAIT_OVER if say_so else "")
        self.wait_note.setVisible(say_so)
        self.unlock_button.setEnabled(self.password_edit.isEnabled())

    def _open_recovery(self) -> None:
        if self._store is None:
            return
        from sgdesk.ui.dialogs.recovery_dialog import RecoveryResetDialog

        dialog = RecoveryResetDialog(self._worker, self._store, self)
        from PySide6.QtCore import Qt

        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.unlocked.connect(self.unlocked)
        dialog.open()

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.user_edit, self.password_edit,
                       self.forgot_button, self.keyring_button):
            widget.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy and not self.waiting)
        self.busy_row.setVisible(busy)

    def _show_error(self, message: str, focus: QLineEdit) -> None:
        self.error.setText(message)
        self.error.show()
        self.password_edit.setAccessibleDescription(message)
        focus.setFocus()

    def _clear_error(self) -> None:
        self.error.clear()
        self.error.hide()
        self.password_edit.setAccessibleDescription("")

"""Forgotten password: the recovery key opens the store and sets a new password.

Reached from the unlock screen, before anyone is signed in. The recovery key
is checked on the worker; on success the person is signed in with the new
password already in place.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLineEdit, QWidget

from sgdesk.models.recovery_key import parse_recovery_key
from sgdesk.models.users import validate_login, validate_new_password
from sgdesk.services.session import LockedStore
from sgdesk.ui.form_helpers import (
    FieldErrors,
    FormPanel,
    check_repeat,
    collect_errors,
    dialog_layout,
    monospace_font,
    password_edit,
)
from sgdesk.ui.worker import DbWorker


class RecoveryResetDialog(QDialog):
    """Recovery key, user name, new password twice. Emits :attr:`unlocked` with the
    :class:`UnlockResult` once the new password is set."""

    unlocked = Signal(object)

    def __init__(self, worker: DbWorker, locked_store: LockedStore,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._store = locked_store
        self.setWindowTitle("Reset a password with the recovery key")
        layout = dialog_layout(
            self, "Type the recovery key from the recovery sheet kept in the school safe, then "
                  "choose a new password for your user name. Capitals and dashes do not "
                  "matter.", width=600)
        self.panel = FormPanel("Re&set password and unlock")
        form = self.panel.form
        self.recovery_key = form.add_field("recovery_key", "Recovery &key:", QLineEdit())
        self.recovery_key.setFont(monospace_font())
        self.recovery_key.setPlaceholderText("ABCD-EFGH-…")
        self.login = form.add_field("login", "&User name:", QLineEdit())
        self.password = form.add_field(
            "password", "&New password:", password_edit(),
            hint="At least 10 characters. Three random words work well.")
        self.repeat = form.add_field("repeat", "&Repeat new password:", password_edit())
        form.set_validator(self._errors)
        layout.addWidget(self.panel)
        self.panel.submitted.connect(self._reset)
        self.panel.cancelled.connect(self.reject)

    def _errors(self) -> FieldErrors:
        password = self.password.text()
        return collect_errors(
            lambda: parse_recovery_key(self.recovery_key.text()),
            lambda: validate_login(self.login.text()),
            lambda: validate_new_password(password, self.login.text()),
            lambda: check_repeat(password, self.repeat.text()),
        )

    def _reset(self) -> None:
        store = self._store
        key, login, password = self.recovery_key.text(), self.login.text(), self.password.text()
        self.panel.run(self._worker,
                       lambda: store.reset_password_with_recovery(key, login, password),
                       self._done, busy_text="Checking the recovery key…")

    def _done(self, result: Any) -> None:
        self.unlocked.emit(result)
        self.accept()


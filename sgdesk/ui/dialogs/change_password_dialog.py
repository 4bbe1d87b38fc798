"""Change my password: the signed-in user replaces their own password.

Only their key slot is rewritten (two key derivations, on the worker); the
database is untouched, and every other user's password still works.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from sgdesk.models.users import validate_new_password
from sgdesk.services import users
from sgdesk.services.session import Session
from sgdesk.ui.form_helpers import (
    FieldErrors,
    FormPanel,
    check_filled,
    check_repeat,
    collect_errors,
    dialog_layout,
    password_edit,
)
from sgdesk.ui.worker import DbWorker


class ChangePasswordDialog(QDialog):
    """Current password, new password twice. A wrong current password is said
    under its field, which is cleared for another try."""

    def __init__(self, worker: DbWorker, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._login = session.user.login
        self.setWindowTitle("Change password")
        layout = dialog_layout(self, "Your new password takes effect at once. Other people's "
                               "passwords and the recovery key are not changed.")
        self.panel = FormPanel("Change &password")
        form = self.panel.form
        self.current = form.add_field("current", "&Current password:", password_edit())
        self.new = form.add_field("password", "&New password:", password_edit(),
                                  hint="At least 10 characters. Three random words work well.")
        self.repeat = form.add_field("repeat", "&Repeat new password:", password_edit())
        form.set_validator(self._errors)
        layout.addWidget(self.panel)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.reject)

    def _errors(self) -> FieldErrors:
        new = self.new.text()
        return collect_errors(
            lambda: check_filled(self.current.text(), "current",
                                 "Enter the password you use now."),
            lambda: validate_new_password(new, self._login),
            lambda: check_repeat(new, self.repeat.text()),
        )

    def _save(self) -> None:
        session, current, new = self._session, self.current.text(), self.new.text()
        self.panel.run(self._worker, lambda: users.change_password(session, current, new),
                       self._changed, busy_text="Changing your password…")

    def _changed(self, _result: object) -> None:
        self.accept()

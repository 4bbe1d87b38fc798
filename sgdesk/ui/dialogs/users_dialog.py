"""Users: who can unlock this store. The DSL adds colleagues and removes their access.

Every change runs on the database worker; the services check the role, so a
colleague who opens this dialog is told plainly that only the DSL manages users.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from sgdesk.models.users import (
    Role,
    User,
    validate_display_name,
    validate_login,
    validate_new_password,
)
from sgdesk.services import drafts, users
from sgdesk.services.session import Session
from sgdesk.ui.drafts import DraftForm
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    FieldErrors,
    FormPanel,
    check_repeat,
    collect_errors,
    confirm,
    dialog_layout,
    password_edit,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.worker import DbWorker

# The DSL is listed last: a store has one, and it is rarely the role being added.
ROLES_OFFERED = (Role.DEPUTY_DSL, Role.SENDCO, Role.AUDITOR, Role.DSL)


class UsersDialog(QDialog):
    """The list of people who can unlock the store, with Add and Remove."""

    def __init__(self, worker: DbWorker, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._users: list[User] = []
        self.setWindowTitle("Users")
        layout = dialog_layout(self, "Each person unlocks the store with their own user name "
                                     "and password. Everything they change is recorded under "
                                     "their name.", width=560)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Name", "User name", "Role"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Users")
        layout.addWidget(self.table)
        self.message = wrapped_label(colour=ERROR_COLOUR)
        self.message.hide()
        layout.addWidget(self.message)

        actions = QHBoxLayout()
        self.add_button = QPushButton("&Add user…")
        self.remove_button = QPushButton("&Remove user…")
        actions.addWidget(self.add_button)
        actions.addWidget(self.remove_button)
        actions.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        actions.addWidget(close)
        layout.addLayout(actions)

        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.resize(self.minimumWidth(), 360)
        self._set_allowed(False)
        self.refresh()

    def refresh(self) -> None:
        """Reload the list (on the worker: the services check the role there)."""
        session = self._session

        def load() -> list[User]:
            session.require_user_admin()
            return users.list_users(session)

        self._worker.run(load, on_done=while_alive(self, self._show_users),
                         on_error=while_alive(self, self._refused))

    def selected_user(self) -> User | None:
        rows = self.table.selectionModel().selectedRows()
        return self._users[rows[0].row()] if rows else None

    def _show_users(self, listed: Any) -> None:
        self._users = list(listed)
        self.table.setRowCount(len(self._users))
        for row, user in enumerate(self._users):
            name = user.display_name + (" (you)" if user.id == self._session.user.id else "")
            for column, text in enumerate((name, user.login, user.role.label)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self._set_allowed(True)
        self._show_message("")

    def _refused(self, exc: BaseException) -> None:
        self._set_allowed(False)
        self._show_message(describe(exc))

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _set_allowed(self, allowed: bool) -> None:
        self.add_button.setEnabled(allowed)
        self._allowed = allowed
        self._update_buttons()

    def _update_buttons(self) -> None:
        user = self.selected_user()
        self.remove_button.setEnabled(
            self._allowed and user is not None and user.id != self._session.user.id)

    def _add(self) -> None:
        dialog = AddUserDialog(self._worker, self._session, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()

    def _remove(self) -> None:
        user = self.selected_user()
        if user is None or not confirm(
                self, "Remove user",
                f"Remove {user.display_name}'s access to this store? They will no longer be "
                "able to unlock it. Their name stays in the record of who did what.",
                "Remove access"):
            return
        session = self._session
        self._worker.run(lambda: users.remove_user(session, user.id),
                         on_done=while_alive(self, lambda _none: self.refresh()),
                         on_error=while_alive(self, self._refused_change))

    def _refused_change(self, exc: BaseException) -> None:
        self._show_message(describe(exc))


class AddUserDialog(DraftForm):
    """Add a colleague with a first password the DSL tells them in person.

    The typed name, user name and role survive a lock as an encrypted draft; the
    passwords never do.
    """

    draft_kind = "add_user"
    discard_question = ("Discard this user?",
                        "The colleague has not been added. Discard what you typed?", "Discard")

    def __init__(self, worker: DbWorker, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, session, parent)
        self.setWindowTitle("Add user")
        layout = dialog_layout(self, "Give your colleague their first password in person. "
                                     "They can change it once they have signed in.")
        self.panel = FormPanel("&Add user")
        form = self.panel.form
        self.display_name = form.add_field("display_name", "&Name:", QLineEdit())
        self.login = form.add_field("login", "&User name:", QLineEdit(),
                                    hint="What they type to sign in, for example jsmith.")
        self.role = form.add_field("role", "&Role:", QComboBox())
        for role in ROLES_OFFERED:
            self.role.addItem(role.label, role)
        self.password = form.add_field("password", "First &password:", password_edit(),
                                       hint="At least 10 characters. Three random words work "
                                            "well.")
        self.repeat = form.add_field("repeat", "R&epeat password:", password_edit())
        form.set_validator(self._errors)
        layout.addWidget(self.panel)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.ask_to_discard)
        worker.run(lambda: drafts.load_draft(session, self.draft_kind),
                   on_done=while_alive(self, self._offer_draft))

    # -- drafts ----------------------------------------------------------------
    def draft_state(self) -> dict[str, Any] | None:
        if not (self.display_name.text().strip() or self.login.text().strip()):
            return None
        return {"display_name": self.display_name.text(), "login": self.login.text(),
                "role": self.role.currentData().value}

    def restore_draft(self, state: dict[str, Any]) -> None:
        self.display_name.setText(str(state.get("display_name", "")))
        self.login.setText(str(state.get("login", "")))
        roles = {role.value: role for role in ROLES_OFFERED}
        if state.get("role") in roles:
            self.role.setCurrentIndex(self.role.findData(roles[state["role"]]))

    def _offer_draft(self, state: Any) -> None:
        if state is not None and self.draft_state() is None:
            self.restore_draft(state)

    @property
    def working(self) -> bool:
        return self.panel.working

    # -- saving ------------------------------------------------------------------
    def _errors(self) -> FieldErrors:
        password = self.password.text()
        return collect_errors(
            lambda: validate_display_name(self.display_name.text()),
            lambda: validate_login(self.login.text()),
            lambda: validate_new_password(password, self.login.text()),
            lambda: check_repeat(password, self.repeat.text()),
        )

    def _save(self) -> None:
        session, kind = self._session, self.draft_kind
        name, login, password = self.display_name.text(), self.login.text(), self.password.text()
        role: Role = self.role.currentData()

        def add() -> User:
            user = users.add_user(session, name, login, role, password)
            drafts.discard_draft(session, kind)
            return user

        self.panel.run(self._worker, add, lambda _user: self.accept(),
                       busy_text="Adding the user…")

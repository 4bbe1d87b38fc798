"""The address book: partners' public keys, added by pasting and removed (never deleted).

Sending an encrypted bundle means choosing a partner here rather than pasting a
key each time. A key is checked when it is added (a wrong or missing character
is caught, and so is a key already in the book or the school's own key), and the
reason appears under the field it concerns. Everyone may read the list; the DSL
and deputies add and remove, and the services check that too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from sgdesk.models.address_book import (
    SHARING_ROLES,
    Contact,
    ContactKind,
    key_summary,
    validate_contact_name,
    validate_contact_notes,
)
from sgdesk.services import address_book
from sgdesk.services.record_dates import day_text
from sgdesk.services.session import Session
from sgdesk.services.users import user_names
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    HINT_COLOUR,
    FieldErrors,
    FormPanel,
    add_status_lines,
    check_filled,
    collect_errors,
    confirm,
    dialog_layout,
    monospace_font,
    record_table,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.text_table_model import TextTableModel
from sgdesk.ui.worker import DbWorker

COLUMNS = ("Name", "Kind", "Key", "Added")


def added_text(contact: Contact) -> str:
    """When it was added, and when removed if it was."""
    added = day_text(contact.added_at.astimezone().date())
    if contact.removed_at is None:
        return added
    return f"{added} (removed {day_text(contact.removed_at.astimezone().date())})"


class ContactsModel(TextTableModel[Contact]):
    """One row per contact, the key abbreviated (in full below the table); removed
    contacts greyed and said to be removed in words (not by colour alone)."""

    def headers(self) -> tuple[str, ...]:
        return COLUMNS

    def cells(self, row: Contact) -> tuple[str, ...]:
        return (row.name, row.kind.label, key_summary(row.public_key), added_text(row))

    def extra(self, row: Contact, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and column == COLUMNS.index("Key"):
            return monospace_font()
        if role == Qt.ItemDataRole.ForegroundRole and not row.is_active:
            return Qt.GlobalColor.darkGray
        return None

    def row_of(self, contact_id: str) -> int:
        """The table row showing ``contact_id``, or -1."""
        return next((i for i, c in enumerate(self.rows) if c.id == contact_id), -1)


class AddressBookDialog(QDialog):
    """The list of partners' keys, the chosen one's key in full with its notes, and
    Add and Remove for the DSL and deputies."""

    def __init__(self, worker: DbWorker, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._names: dict[str, str] = {}
        self.can_change = session.user.role in SHARING_ROLES
        self.setWindowTitle("Address book")
        layout = dialog_layout(
            self, "The public keys of the partner agencies and schools you send encrypted "
                  "files to. Add a key only when it came from the partner themselves, and "
                  "check it with them, for example by phone.", width=700)

        self.model = ContactsModel()
        self.table = record_table(self.model, "Partners' public keys", 0)
        table_label = QLabel("&Contacts:")
        table_label.setBuddy(self.table)
        layout.addWidget(table_label)
        layout.addWidget(self.table, 1)
        self.empty = wrapped_label("No partners' keys yet. Add one with Add key.", HINT_COLOUR)
        self.empty.hide()
        layout.addWidget(self.empty)
        self.show_removed = QCheckBox("Show &removed contacts")
        layout.addWidget(self.show_removed)
        layout.addLayout(self._build_detail())
        self.message, self.busy = add_status_lines(layout)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add key…")
        self.remove_button = QPushButton("Re&move…")
        self.remove_button.setToolTip("Stop using this key (or press Delete in the list). "
                                      "The entry is kept, marked removed.")
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
            button.setVisible(self.can_change)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        remove_action = QAction(self.table)
        remove_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove_action.triggered.connect(self.remove_selected)
        self.table.addAction(remove_action)
        self.add_button.clicked.connect(self.open_add)
        self.remove_button.clicked.connect(self.remove_selected)
        self.show_removed.toggled.connect(lambda _on: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(
            lambda _now, _before: self._show_selected())
        self.resize(self.minimumWidth(), 480)
        self._show_selected()
        self.refresh()

    def _build_detail(self) -> QGridLayout:
        """The chosen contact: the whole key (selectable, to read out or copy), notes,
        and who added it when."""
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.key_field = QLineEdit()
        self.key_field.setReadOnly(True)
        self.key_field.setFont(monospace_font())
        self.key_field.setAccessibleName("Public key of the chosen contact")
        self.notes_text = wrapped_label()
        self.notes_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.added_text = wrapped_label()
        for row, (caption, field) in enumerate((("Public &key:", self.key_field),
                                                ("Notes:", self.notes_text),
                                                ("Added:", self.added_text))):
            label = QLabel(caption)
            label.setBuddy(field)
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop if row else
                           Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(field, row, 1)
        return grid

    def selected(self) -> Contact | None:
        return self.model.entry(self.table.currentIndex().row())

    # -- loading --------------------------------------------------------------------
    def refresh(self, select_id: str = "") -> None:
        session, include_removed = self._session, self.show_removed.isChecked()
        current = self.selected()
        select_id = select_id or (current.id if current else "")

        def load() -> tuple[list[Contact], dict[str, str]]:
            return address_book.list_contacts(session, include_removed), user_names(session)

        self._start("Reading the address book…")
        self._worker.run(load, on_done=while_alive(self, lambda got: self._show(*got, select_id)),
                         on_error=while_alive(self, self._failed))

    def _show(self, contacts: list[Contact], names: dict[str, str], select_id: str) -> None:
        self.busy.stop()
        self._names = names
        self.model.set_rows(contacts)
        self.empty.setVisible(not contacts)
        if contacts:
            row = max(self.model.row_of(select_id), 0)
            self.table.setCurrentIndex(self.model.index(row, 0))
        self._show_selected()

    def _show_selected(self) -> None:
        contact = self.selected()
        self.remove_button.setEnabled(contact is not None and contact.is_active)
        if contact is None:
            for field in (self.key_field, self.notes_text, self.added_text):
                field.clear()
            return
        self.key_field.setText(contact.public_key)
        self.key_field.setCursorPosition(0)
        self.notes_text.setText(contact.notes or "None")
        by = self._names.get(contact.added_by, "unknown user")
        added = f"{day_text(contact.added_at.astimezone().date())} by {by}"
        if contact.removed_at is not None:
            added += f"; removed {day_text(contact.removed_at.astimezone().date())}"
        self.added_text.setText(added)

    # -- changes --------------------------------------------------------------------
    def open_add(self) -> None:
        dialog = AddContactDialog(self._worker, self._session, self)
        dialog.added.connect(lambda contact: self.refresh(contact.id))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def remove_selected(self) -> None:
        contact = self.selected()
        if contact is None or not contact.is_active or not self.can_change:
            return
        if not confirm(self, "Remove contact",
                       f"Remove {contact.name} from the address book? You will no longer be "
                       "able to send them encrypted files. The entry is kept, marked removed, "
                       "in the record of what was sent.", "Remove"):
            return
        session = self._session
        self._start("Removing…")
        self._worker.run(lambda: address_book.remove_contact(session, contact.id),
                         on_done=while_alive(self, lambda _none: self.refresh()),
                         on_error=while_alive(self, self._failed))

    # -- state ----------------------------------------------------------------------
    def _start(self, text: str) -> None:
        self.message.hide()
        self.busy.start(text)

    def _failed(self, exc: BaseException) -> None:
        self.busy.stop()
        self.message.setText(describe(exc))
        self.message.show()


class AddContactDialog(QDialog):
    """Name, kind, the pasted key and notes. The key is checked by the service, and
    any problem is shown under its field; :attr:`added` carries the new contact."""

    added = Signal(object)

    def __init__(self, worker: DbWorker, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self.setWindowTitle("Add a partner's key")
        layout = dialog_layout(self, "Paste the public key the partner sent you. It starts "
                                     "with age1.", width=600)
        self.panel = FormPanel("&Add to address book")
        form = self.panel.form
        self.name = form.add_field("name", "&Name:", QLineEdit(),
                                   hint="Who the key belongs to, as you will look for it.")
        self.kind = form.add_field("kind", "&Kind:", QComboBox())
        for kind in ContactKind:
            self.kind.addItem(kind.label, kind)
        self.public_key = form.add_field("public_key", "&Public key:", QLineEdit())
        self.public_key.setFont(monospace_font())
        self.public_key.setPlaceholderText("age1…")
        self.notes = form.add_field("notes", "N&otes:", QLineEdit(),
                                    hint="Optional: how you received the key and how you "
                                         "checked it.")
        form.set_validator(self._errors)
        layout.addWidget(self.panel)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.reject)
        self.name.setFocus()

    def _errors(self) -> FieldErrors:
        return collect_errors(
            lambda: validate_contact_name(self.name.text()),
            lambda: check_filled(self.public_key.text(), "public_key",
                                 "Paste the partner's public key."),
            lambda: validate_contact_notes(self.notes.text()),
        )

    def _save(self) -> None:
        session = self._session
        name, key, notes = self.name.text(), self.public_key.text(), self.notes.text()
        kind: ContactKind = self.kind.currentData()

        def done(contact: Any) -> None:
            self.added.emit(contact)
            self.accept()

        self.panel.run(self._worker,
                       lambda: address_book.add_contact(session, name, kind, key, notes),
                       done, busy_text="Checking and adding the key…")

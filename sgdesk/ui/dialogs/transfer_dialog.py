"""File → Send a CP file to a new school…: one pupil's whole child-protection file.

The file goes separately from the main pupil file, within five school days of
the move. The DSL chooses the pupil, the day they moved and the new school; the
file is protected by the new school's key (preselected when the school is in
the address book) or a passphrase. The service records the transfer with its
clock, and it stays on the home view until the new school's receipt is recorded.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCompleter, QDialog, QDialogButtonBox, QLineEdit, QWidget

from sgdesk.models.address_book import Contact, ContactKind
from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import PupilListEntry
from sgdesk.models.sharing import TRANSFER_SCHOOL_DAYS
from sgdesk.services import pupils
from sgdesk.services.bundle_sharing import export_transfer
from sgdesk.services.record_dates import day_text
from sgdesk.services.session import Session
from sgdesk.ui.bundle_protection import ExportPanel
from sgdesk.ui.date_field import DateField
from sgdesk.ui.form_helpers import FieldErrors, InlineForm, collect_errors, dialog_layout
from sgdesk.ui.pupil_picker import PupilPicker, pupil_line
from sgdesk.ui.worker import DbWorker

INTRO = ("Send a pupil's whole child-protection file to their new school, separately from "
         f"the main pupil file. It should reach them within {TRANSFER_SCHOOL_DAYS} school days "
         "of the move. The transfer stays on the home view until the new school's receipt "
         "is recorded.")


class TransferDialog(QDialog):
    """Pupil, move date, new school; protection and file; export with progress."""

    def __init__(self, worker: DbWorker, session: Session, pupil_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._wanted = pupil_id
        self.pupil: PupilListEntry | None = None
        self.setWindowTitle("Send a CP file to a new school")
        layout = dialog_layout(self, INTRO, width=680)

        self.form = InlineForm()
        self.picker = PupilPicker("Type part of the pupil's name, then Return")
        self.picker.setFocusProxy(self.picker.edit)
        self.picker.edit.setAccessibleName("Pupil")
        self.form.add_field("pupil", "&Pupil:", self.picker)
        self.chosen = self.form.add_text("Sending the file of:", "nobody chosen yet")
        self.moved_on = self.form.add_field(
            "moved_on", "&Moved on:", DateField("moved_on"),
            hint="The day the pupil left (or the first day of the new term): the five "
                 "school days count from then.")
        self.new_school = self.form.add_field("new_school", "&New school:", QLineEdit())
        self.form.set_validator(self._errors)
        layout.addWidget(self.form)
        layout.addSpacing(6)
        self.panel = ExportPanel(
            worker, session, key_label="The new school's public &key",
            key_hint="The age1… key the new school gave you. Check it with them, for "
                     "example by phone.",
            file_stem="cp-file", caption="Save the CP file as",
            kinds=frozenset({ContactKind.SCHOOL}))
        self.panel.errors_shown_in(self.form, "new_school")
        layout.addWidget(self.panel, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(
            "&Save CP file", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.export_button.setDefault(True)  # once in the dialog, so Return presses it

        self.picker.chosen.connect(self._choose)
        # typed or completed: a school in the address book brings its key
        self.new_school.textChanged.connect(self.panel.protection.choose_contact)
        self.panel.protection.contacts_loaded.connect(self._offer_schools)
        self.panel.working_changed.connect(self._working)
        self.panel.exported.connect(self._exported)
        self.picker.edit.setFocus()
        worker.run(lambda: pupils.list_pupils(session),
                   on_done=self._register_read, on_error=self.form.show_failure)

    def export(self) -> None:
        """Check everything, then send on the worker with progress and Cancel."""
        self.form.touch_all()
        if not self.form.is_valid():
            self.form.focus_first_error()
            return
        moved_on = self.moved_on.day()
        assert self.pupil is not None and moved_on is not None
        pupil_id, school, session = self.pupil.id, self.new_school.text(), self._session
        self.panel.start("Choosing records", lambda dest, encryption, progress, cancelled:
                         export_transfer(session, pupil_id, moved_on, school, dest,
                                         encryption, progress=progress, cancelled=cancelled))

    # -- internals --------------------------------------------------------------------
    def _errors(self) -> FieldErrors:
        errors: FieldErrors = {}
        if self.pupil is None:
            errors["pupil"] = "Choose the pupil whose CP file goes to the new school."
        errors |= collect_errors(self._check_moved_on)
        if not self.new_school.text().strip():
            errors["new_school"] = "Name the pupil's new school."
        return errors

    def _check_moved_on(self) -> None:
        if self.moved_on.day() is None:
            raise InvalidInput("Give the day the pupil moved.", field="moved_on")

    def _register_read(self, entries: Any) -> None:
        self.picker.set_register(entries)
        wanted = next((e for e in entries if e.id == self._wanted), None)
        if wanted is not None:
            self._choose(wanted)

    def _choose(self, entry: PupilListEntry) -> None:
        self.pupil = entry
        self.chosen.setText(pupil_line(entry))
        self.picker.exclude({entry.id})
        self.form.clear_error("pupil")
        self.moved_on.setFocus()

    def _offer_schools(self, contacts: list[Contact]) -> None:
        completer = QCompleter([c.name for c in contacts], self.new_school)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.new_school.setCompleter(completer)

    def _exported(self, written: Any) -> None:
        self.form.setEnabled(False)
        self.export_button.hide()
        close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        close.setText("Close")
        due = day_text(date.fromisoformat(written.manifest.details["due_on"]))
        self.panel.show_outcome(
            self.panel.done_text("CP file", written, "the new school")
            + f" Send it securely to reach them by {due}. The transfer shows on the home "
            "view until their receipt is recorded.")
        close.setFocus()

    def _working(self, working: bool) -> None:
        """While exporting, the progress line's Cancel is the only way out."""
        self.form.setEnabled(not working)
        self.buttons.setVisible(not working)
        if not working and self.panel.written is None:
            self.export_button.setFocus()

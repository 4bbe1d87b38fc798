"""A pupil leaves the school: the date and where they went. Nothing is deleted.

The destination is required, but "not known" is an answer the school may give on
purpose — a child whose destination is unknown may be missing education — so it
is a choice of its own, saved as the words "Not known", never as an empty field
that could mean "nobody asked".
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QLineEdit, QVBoxLayout, QWidget

from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import Pupil
from sgdesk.services import pupils, retention
from sgdesk.services.retention import FileRetention
from sgdesk.services.session import Session
from sgdesk.ui.date_field import DateField, format_day
from sgdesk.ui.form_helpers import (
    HINT_COLOUR,
    FieldErrors,
    FormPanel,
    check_filled,
    collect_errors,
    dialog_layout,
    grow_to_fit,
    wrapped_label,
)
from sgdesk.ui.record_text import retention_text
from sgdesk.ui.worker import DbWorker

NOT_KNOWN = "Not known"


class LeavingDialog(QDialog):
    """Record (or correct) the date a pupil left and their destination school.

    :attr:`saved` carries the pupil's id once the leaving is recorded.
    """

    saved = Signal(str)

    def __init__(self, worker: DbWorker, session: Session, pupil_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._pupil_id = pupil_id
        self._pupil: Pupil | None = None
        self._base_version = 0
        self.setWindowTitle("Pupil leaving")
        layout = dialog_layout(self, width=520)
        self.intro = wrapped_label("Opening the pupil's details…")
        layout.addWidget(self.intro)
        layout.addSpacing(6)
        self.panel = FormPanel("&Record leaving")
        form = self.panel.form
        self.date_left = form.add_field("date_left", "&Date left:", DateField("date_left"))
        self.destination = form.add_field("destination", "Destination &school:", QLineEdit(),
                                          hint="The school the pupil moved to.")
        self.not_known = form.add_field(
            "not_known", "", QCheckBox("&Not known"),
            hint="For example, a child who may be missing education.")
        self.not_known_note = wrapped_label(
            "The record will say the destination is not known. A child who leaves without a "
            "known destination may be missing education: tell the local authority's children "
            "missing education team.", HINT_COLOUR)
        self.not_known_note.hide()
        self.retention_note = wrapped_label()
        layout.addWidget(self.panel)
        cast(QVBoxLayout, self.panel.layout()).insertWidget(1, self.not_known_note)
        cast(QVBoxLayout, self.panel.layout()).insertWidget(2, self.retention_note)
        form.set_validator(self._errors)
        self.not_known.toggled.connect(self._not_known_chosen)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.reject)
        self.panel.run(worker, lambda: (pupils.get_pupil(session, pupil_id),
                                        retention.file_retention(session, pupil_id)),
                       self._show,
                       busy_text="Opening the pupil's details…",
                       on_error=lambda _exc: self.panel.action_button.setEnabled(False))

    def _show(self, found: Any) -> None:
        record, kept = cast(tuple[pupils.PupilRecord, FileRetention], found)
        pupil = self._pupil = record.pupil
        self._base_version = record.version
        if pupil.has_left:
            self.intro.setText(f"{pupil.display_name} is recorded as having left on "
                               f"{format_day(pupil.date_left)}. Correct the details here.")
            self.date_left.set_day(pupil.date_left)
            self.not_known.setChecked(pupil.destination_school == NOT_KNOWN)
            if pupil.destination_school != NOT_KNOWN:
                self.destination.setText(pupil.destination_school)
        else:
            self.intro.setText(f"Record that {pupil.display_name} has left the school.")
        self.retention_note.setText(
            f"{pupil.display_name}'s record stays on file after they leave and is never "
            f"deleted. {retention_text(kept)}".strip())
        self.panel.action_button.setEnabled(True)
        self.date_left.setFocus()
        grow_to_fit(self)

    def _not_known_chosen(self, not_known: bool) -> None:
        self.destination.setEnabled(not not_known)
        self.not_known_note.setVisible(not_known)
        self.panel.form.clear_error("destination")
        grow_to_fit(self)

    def _destination(self) -> str:
        return NOT_KNOWN if self.not_known.isChecked() else self.destination.text().strip()

    def _errors(self) -> FieldErrors:
        return collect_errors(self._check_date, lambda: check_filled(
            self._destination(), "destination",
            "Enter the school the pupil went to, or tick “Not known”."))

    def _check_date(self) -> None:
        left = self.date_left.day()
        if left is None:
            raise InvalidInput("Enter the date the pupil left.", field="date_left")
        if left > date.today():
            raise InvalidInput("The leaving date cannot be in the future.", field="date_left")
        born = self._pupil.date_of_birth if self._pupil else None
        if born and left < born:
            raise InvalidInput("The leaving date is before the date of birth.", field="date_left")

    def _save(self) -> None:
        left_on = self.date_left.day()
        if self._pupil is None or left_on is None:  # not loaded: nothing to record against
            return
        session, pupil_id, destination = self._session, self._pupil_id, self._destination()
        base = self._base_version
        self.panel.run(self._worker,
                       lambda: pupils.record_leaving(session, pupil_id, left_on, destination,
                                                     base),
                       self._saved, busy_text="Saving…", fields={"reason": ""})

    def _saved(self, _version: Any) -> None:
        self.saved.emit(self._pupil_id)
        self.accept()

"""Recording by hand the receipt for a CP file sent to a school without sgdesk.

A school with sgdesk sends a receipt bundle back, which closes the transfer when
imported. A school without it signs the receipt page in the transfer bundle, or
answers by secure email; the DSL then records here who acknowledged the file,
when and how, and the transfer leaves the home view. The service checks the
date (not in the future, not before the file was sent) and its message appears
under the field, as every other check does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLineEdit, QWidget

from sgdesk.models.sharing import TransferAwaiting, validate_receipt
from sgdesk.services.record_dates import day_text, moment_text
from sgdesk.services.session import Session
from sgdesk.services.transfers import record_receipt
from sgdesk.ui.concern_form_widgets import DateTimeField
from sgdesk.ui.form_helpers import FieldErrors, FormPanel, collect_errors, dialog_layout
from sgdesk.ui.worker import DbWorker

#: The usual ways a receipt comes back; the person may type another.
HOW_IT_CAME = ("Signed receipt page", "Secure email", "Receipt bundle",
               "Phone call, confirmed in writing")
INTRO = ("When the new school does not use sgdesk, record here the receipt they sent back "
         "(the signed receipt page from the transfer, or a secure email). The transfer then "
         "leaves the home view.")


def due_words(transfer: TransferAwaiting) -> str:
    """``09/11/2026``, or ``09/11/2026 (overdue)``: said in words, not by colour."""
    due = day_text(transfer.due_on)
    return f"{due} (overdue)" if transfer.overdue else due


class RecordReceiptDialog(QDialog):
    """Who at the new school acknowledged ``transfer``, when and how.

    :attr:`recorded` carries the transfer's id once the receipt is saved (the
    dialog then closes); :attr:`pupil_file_wanted` carries the pupil's id when the
    person asks for the pupil's file instead (the dialog closes unsaved).
    """

    recorded = Signal(str)
    pupil_file_wanted = Signal(str)

    def __init__(self, worker: DbWorker, session: Session, transfer: TransferAwaiting,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._transfer = transfer
        self.setWindowTitle("Record the receipt for a CP file")
        layout = dialog_layout(self, INTRO, width=600)
        self.panel = FormPanel("&Save receipt")
        self.panel.action_button.setToolTip("Ctrl+S")
        form = self.panel.form
        self.pupil = form.add_text("Pupil:", transfer.pupil_name)
        self.new_school = form.add_text("Sent to:", transfer.new_school)
        self.sent = form.add_text("Sent on:", moment_text(transfer.sent_at))
        self.due = form.add_text("Receipt due:", due_words(transfer))
        self.acknowledged_by = form.add_field(
            "acknowledged_by", "&Acknowledged by:", QLineEdit(),
            hint=f"Name and school of whoever signed or sent the receipt, for example "
                 f"\u201cSam Patel, DSL, {transfer.new_school}\u201d.")
        self.acknowledged_by.setAccessibleName("Acknowledged by (name and school)")
        self.received_at = form.add_field(
            "acknowledged_at", "&Received on:", DateTimeField(),
            hint="The date and time the new school gives on its receipt.")
        self.received_at.setAccessibleName("Received on (date and time)")
        self.how = form.add_field("how", "&How it came:", QComboBox(),
                                  hint="Choose one, or type how it came.")
        self.how.setEditable(True)
        self.how.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.how.addItems(HOW_IT_CAME)
        self.how.setAccessibleName("How the receipt came")
        self.open_pupil_button = self.panel.buttons.addButton(
            "Open pupil's &file", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_pupil_button.setAutoDefault(False)
        self.open_pupil_button.setToolTip("Close this without saving and open the pupil's file")
        layout.addWidget(self.panel)
        # As tall as the wrapped text needs at this width (Qt's guess, made narrower, is taller).
        self.resize(self.minimumWidth(), layout.totalHeightForWidth(self.minimumWidth()))

        form.set_validator(self._errors)
        self.received_at.dateTimeChanged.connect(lambda _at: form.clear_error("acknowledged_at"))
        self.how.editTextChanged.connect(lambda _text: form.clear_error("how"))
        self.panel.submitted.connect(self.save)
        self.panel.cancelled.connect(self.reject)
        self.open_pupil_button.clicked.connect(self._open_pupil)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self,
                  self.panel.action_button.click)
        self.received_at.set_value(datetime.now().astimezone())
        self.panel.run(worker, session.db.clock, self._opened, busy_text="Opening\u2026")

    @property
    def working(self) -> bool:
        return self.panel.working

    def _opened(self, now: Any) -> None:
        """Received "now" by the store's clock, which the service checks against."""
        self.received_at.set_value(now)
        self.acknowledged_by.setFocus(Qt.FocusReason.OtherFocusReason)

    def _errors(self) -> FieldErrors:
        return collect_errors(lambda: validate_receipt(self.acknowledged_by.text(),
                                                       self.how.currentText()))

    def save(self) -> None:
        """Record the receipt on the worker; a refusal shows under its field."""
        session, transfer_id = self._session, self._transfer.id
        who, at, how = (self.acknowledged_by.text(), self.received_at.value(),
                        self.how.currentText())
        self.panel.run(self._worker,
                       lambda: record_receipt(session, transfer_id, who, at, how),
                       self._saved, busy_text="Saving the receipt\u2026")

    def _saved(self, _nothing: Any) -> None:
        self.recorded.emit(self._transfer.id)
        self.accept()

    def _open_pupil(self) -> None:
        if not self.working:
            self.pupil_file_wanted.emit(self._transfer.pupil_id)
            self.reject()

"""The small forms of subject access work: logging or amending a request, marking
something to withhold, and recording that the disclosure was made.

Each runs its service call on the database worker and shows a refusal under the
field it concerns. The request form shows when the response is due as the
received date is typed, and keeps unsaved text across a lock as a draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QLabel, QLineEdit, QWidget

from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import PupilListEntry
from sgdesk.models.subject_access import (
    MAX_EXTENSION_MONTHS,
    WITHHOLD_REASONS,
    Relationship,
    RequestDetails,
    response_due_on,
    validate_withhold_reason,
)
from sgdesk.services import drafts, pupils
from sgdesk.services import subject_access as sar
from sgdesk.services.record_dates import day_text
from sgdesk.services.session import Session
from sgdesk.services.subject_access import RequestEntry
from sgdesk.ui.date_field import DateField
from sgdesk.ui.dialogs.review_dialog import text_box
from sgdesk.ui.drafts import DraftForm
from sgdesk.ui.form_helpers import (
    FieldErrors,
    FormPanel,
    check_filled,
    collect_errors,
    dialog_layout,
    while_alive,
)
from sgdesk.ui.pupil_picker import PupilPicker, pupil_line
from sgdesk.ui.worker import DbWorker

EXTENSION_CHOICES = ("No extension", "One further month", "Two further months")
HOW_DISCLOSED = ("Handed over in person", "Secure email", "Recorded delivery post")
#: Service field names, as the request form names them.
_FIELDS = {"identity_checked": "identity_how"}


def _save_shortcut(dialog: QDialog, panel: FormPanel) -> None:
    QShortcut(QKeySequence(QKeySequence.StandardKey.Save), dialog, panel.action_button.click)


@dataclass(frozen=True)
class _Opening:
    register: list[PupilListEntry]
    draft: dict[str, Any] | None


class RequestForm(DraftForm):
    """Log a new request (``entry`` None), or correct one and add to it (the identity
    check, an extension) with a reason. :attr:`saved` carries the request's id."""

    draft_kind = "subject_access_request"
    discard_question = ("Discard this request?",
                        "What you have typed has not been saved. Discard it?", "Discard")
    saved = Signal(str)

    def __init__(self, worker: DbWorker, session: Session, *, entry: RequestEntry | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, session, parent, draft_ref=entry.id if entry else "new")
        self._entry = entry
        self._register: list[PupilListEntry] = []
        self.pupil: PupilListEntry | None = None
        self.setWindowTitle("Change a subject access request" if entry else
                            "Log a subject access request")
        layout = dialog_layout(self, (
            "Your changes become a new version of the request, kept with the reason you "
            "give." if entry else
            "Someone has asked for the records the school holds about a child. The response "
            "is due one calendar month from the day the request arrived."), width=640)
        self.panel = FormPanel("&Save changes" if entry else "&Log request")
        self.panel.action_button.setToolTip("Ctrl+S")
        self._build(self.panel.form, entry)
        layout.addWidget(self.panel)
        self.panel.form.set_validator(self._errors)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.ask_to_discard)
        _save_shortcut(self, self.panel)
        if entry is not None:
            self._fill(entry.request.details)
        else:
            self.received_on.set_day(date.today())
        self._show_due()
        # As tall as the wrapped text needs at this width, no taller.
        self.resize(self.minimumWidth(), layout.totalHeightForWidth(self.minimumWidth()))
        self._initial = self._state()
        self._loaded = False
        kind, ref = self.draft_kind, self.draft_ref
        worker.run(lambda: _Opening([] if entry else pupils.list_pupils(session),
                                    drafts.load_draft(session, kind, ref)),
                   on_done=while_alive(self, self._opened),
                   on_error=while_alive(self, self.panel.form.show_failure))

    # -- building ---------------------------------------------------------------------
    def _build(self, form: Any, entry: RequestEntry | None) -> None:
        if entry is None:
            self.picker = PupilPicker("Type part of the pupil's name, then Return")
            self.picker.setFocusProxy(self.picker.edit)
            self.picker.edit.setAccessibleName("Pupil whose records are asked for")
            form.add_field("pupil", "&Pupil:", self.picker)
            self.chosen = form.add_text("Records of:", "nobody chosen yet")
            self.picker.chosen.connect(self._choose)
        else:
            form.add_text("Records of:", entry.pupil_name)
        self.requester = form.add_field("requester_name", "Re&quested by:", QLineEdit(),
                                        hint="The name of the person asking.")
        self.requester.setAccessibleName("Requested by")
        self.relationship = form.add_field("relationship", "&Who they are:", QComboBox())
        for choice in Relationship:
            self.relationship.addItem(choice.label, choice)
        self.relationship.setAccessibleName("Who they are to the child")
        self.relationship_detail = form.add_field(
            "relationship_detail", "&Relationship:", QLineEdit(),
            hint="For example mother, or the name of the solicitors' firm.")
        self.relationship_detail.setAccessibleName("Their relationship to the child")
        self.received_on = form.add_field(
            "received_on", "R&eceived on:", DateField("received_on"),
            hint="The day the request arrived, however it came. If you had to ask for proof "
                 "of identity, the day that arrived.")
        self.received_on.setAccessibleName("Received on")
        self.due = form.add_text("Response due:", "")
        self.identity_checked = form.add_field(
            "identity_checked", "", QCheckBox("&Identity checked"),
            hint="Disclose only once you are sure who is asking, and that they may see the "
                 "child's records.")
        self.identity_how = form.add_field("identity_how", "&How it was checked:", QLineEdit())
        self.identity_how.setAccessibleName("How their identity was checked")
        self.extension = form.add_field(
            "extension_months", "Ex&tension:", QComboBox(),
            hint="Only for a complex request, decided within the first month; tell the "
                 "requester, and why.")
        for months, text in enumerate(EXTENSION_CHOICES[:MAX_EXTENSION_MONTHS + 1]):
            self.extension.addItem(text, months)
        self.extension.setAccessibleName("Extension")
        self.extension_reason = form.add_field("extension_reason", "Why exten&ded:",
                                               QLineEdit())
        self.extension_reason.setAccessibleName("Why the time is extended")
        self.notes = form.add_field("notes", "N&otes:", text_box("Notes", 3))
        self.reason = QLineEdit()
        if entry is not None:
            form.add_field("reason", "Why are you changin&g it?", self.reason,
                           hint="Required. It is kept with this version.")
            self.reason.setAccessibleName("Reason for the change")
        for caption in form.findChildren(QLabel):
            if caption.buddy() is self.notes:
                caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.received_on.textChanged.connect(lambda _t: self._show_due())
        self.extension.currentIndexChanged.connect(lambda _i: self._extension_changed())
        self.identity_checked.toggled.connect(self._identity_toggled)
        self.relationship.currentIndexChanged.connect(
            lambda _i: form.clear_error("relationship_detail"))
        self._identity_toggled(False)
        self._extension_changed()

    def _identity_toggled(self, checked: bool) -> None:
        self.identity_how.setEnabled(checked)
        self.panel.form.clear_error("identity_how")

    def _extension_changed(self) -> None:
        self.extension_reason.setEnabled(bool(self.extension.currentData()))
        self.panel.form.clear_error("extension_reason")
        self.panel.form.clear_error("extension_months")
        self._show_due()

    def _show_due(self) -> None:
        try:
            received = self.received_on.day()
        except InvalidInput:
            received = None
        self.due.setText(day_text(response_due_on(received, self.extension.currentData() or 0))
                         if received else "Give the day it was received.")

    def _fill(self, details: RequestDetails) -> None:
        self.requester.setText(details.requester_name)
        self.relationship.setCurrentIndex(self.relationship.findData(details.relationship))
        self.relationship_detail.setText(details.relationship_detail)
        self.received_on.set_day(details.received_on)
        self.identity_checked.setChecked(details.identity_checked)
        self.identity_how.setText(details.identity_how)
        self.extension.setCurrentIndex(self.extension.findData(details.extension_months))
        self.extension_reason.setText(details.extension_reason)
        self.notes.setPlainText(details.notes)

    # -- opening ----------------------------------------------------------------------
    def _opened(self, opening: _Opening) -> None:
        self._register = opening.register
        if self._entry is None:
            self.picker.set_register(opening.register)
        self._loaded = True
        if opening.draft is not None and self.draft_state() is None:
            self.restore_draft(opening.draft)
        (self.picker.edit if self._entry is None else self.requester).setFocus()

    @property
    def loaded(self) -> bool:
        return self._loaded

    def _choose(self, entry: PupilListEntry) -> None:
        self.pupil = entry
        self.chosen.setText(pupil_line(entry))
        self.picker.exclude({entry.id})
        self.panel.form.clear_error("pupil")
        self.requester.setFocus()

    # -- reading ----------------------------------------------------------------------
    def details(self) -> RequestDetails:
        """The request as typed; raises InvalidInput for a date it cannot read."""
        received = self.received_on.day()
        if received is None:
            raise InvalidInput("Give the day the request was received.", field="received_on")
        return RequestDetails(
            self.requester.text(), self.relationship.currentData(), received,
            self.relationship_detail.text(), self.identity_checked.isChecked(),
            self.identity_how.text(), self.extension.currentData(),
            self.extension_reason.text(), self.notes.toPlainText())

    def _errors(self) -> FieldErrors:
        errors = collect_errors(self.details)
        if self._entry is None and self.pupil is None:
            errors["pupil"] = "Choose the pupil whose records are asked for."
        if self._entry is not None:
            errors |= collect_errors(lambda: check_filled(
                self.reason.text(), "reason", "Say why the request is being changed."))
        if "received_on" not in errors:
            for name, message in self.details().problems(date.today()):
                errors.setdefault(name, message)
        return errors

    # -- drafts -----------------------------------------------------------------------
    def _state(self) -> dict[str, Any]:
        return {"pupil_id": self.pupil.id if self.pupil else "",
                "requester_name": self.requester.text(),
                "relationship": self.relationship.currentIndex(),
                "relationship_detail": self.relationship_detail.text(),
                "received_on": self.received_on.text(),
                "identity_checked": self.identity_checked.isChecked(),
                "identity_how": self.identity_how.text(),
                "extension": self.extension.currentIndex(),
                "extension_reason": self.extension_reason.text(),
                "notes": self.notes.toPlainText(), "reason": self.reason.text()}

    def draft_state(self) -> dict[str, Any] | None:
        """Every field; ``None`` while nothing differs from how the form opened."""
        state = self._state()
        return None if state == self._initial else state

    def restore_draft(self, state: dict[str, Any]) -> None:
        for name, edit in (("requester_name", self.requester),
                           ("relationship_detail", self.relationship_detail),
                           ("received_on", self.received_on), ("identity_how", self.identity_how),
                           ("extension_reason", self.extension_reason), ("reason", self.reason)):
            edit.setText(str(state.get(name, edit.text())))
        self.relationship.setCurrentIndex(int(state.get("relationship", 0)))
        self.identity_checked.setChecked(bool(state.get("identity_checked", False)))
        self.extension.setCurrentIndex(int(state.get("extension", 0)))
        self.notes.setPlainText(str(state.get("notes", "")))
        wanted = next((e for e in self._register if e.id == state.get("pupil_id")), None)
        if self._entry is None and wanted is not None:
            self._choose(wanted)
        self.panel.form.set_message("Your unsaved request from before the store was locked "
                                    "is back. Check it, then save.")

    # -- saving -----------------------------------------------------------------------
    def _save(self) -> None:
        session, kind, ref = self._session, self.draft_kind, self.draft_ref
        details, entry, reason = self.details(), self._entry, self.reason.text()
        pupil_id = self.pupil.id if self.pupil else ""

        def save() -> str:
            if entry is None:
                sar_id = sar.log_request(session, pupil_id, details)
            else:
                sar.amend_request(session, entry.id, details, reason, entry.version)
                sar_id = entry.id
            drafts.discard_draft(session, kind, ref)
            return sar_id

        self.panel.run(self._worker, save, self._saved, fields=_FIELDS,
                       busy_text="Saving the changes…" if entry else "Logging the request…")

    def _saved(self, sar_id: Any) -> None:
        self.saved.emit(str(sar_id))
        self.accept()


class WithholdDialog(QDialog):
    """Why a field (or a whole record) is withheld from the disclosure; saving marks
    it. :attr:`saved` fires once marked."""

    saved = Signal()

    def __init__(self, worker: DbWorker, session: Session, sar_id: str, record_id: str,
                 field: str, what: str, reason: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._job = (session, sar_id, record_id, field)
        self.setWindowTitle("Withhold from the disclosure")
        layout = dialog_layout(self, (
            "What you withhold is replaced in the disclosure by \u201c[withheld: the "
            "reason]\u201d, in every version of the record and wherever it was copied, and "
            "listed in the redaction log."), width=560)
        self.panel = FormPanel("&Withhold")
        form = self.panel.form
        form.add_text("Withholding:", what)
        self.reason = form.add_field("reason", "&Reason:", QComboBox(),
                                     hint="Choose one, or type your own short reason.")
        self.reason.setEditable(True)
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason.addItems(WITHHOLD_REASONS)
        self.reason.setAccessibleName("Reason for withholding")
        if reason:
            self.reason.setCurrentText(reason)
        self.reason.editTextChanged.connect(lambda _t: form.clear_error("reason"))
        form.set_validator(lambda: collect_errors(
            lambda: validate_withhold_reason(self.reason.currentText())))
        layout.addWidget(self.panel)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.reject)
        _save_shortcut(self, self.panel)
        self.reason.setFocus()

    def _save(self) -> None:
        session, sar_id, record_id, field = self._job
        reason = self.reason.currentText()
        self.panel.run(self._worker,
                       lambda: sar.mark_third_party(session, sar_id, record_id, field, reason),
                       self._saved, busy_text="Marking it…")

    def _saved(self, _nothing: Any) -> None:
        self.saved.emit()
        self.accept()


class DisclosedDialog(QDialog):
    """The day the disclosure was made and how: recording it closes the request."""

    saved = Signal()

    def __init__(self, worker: DbWorker, session: Session, sar_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._job = (session, sar_id)
        self.setWindowTitle("Record the disclosure")
        layout = dialog_layout(self, (
            "Recording the disclosure closes the request. The record ids, the documents "
            "and the redaction log are kept with it as they stand now."), width=560)
        self.panel = FormPanel("&Record as disclosed")
        form = self.panel.form
        self.disclosed_on = form.add_field("disclosed_on", "&Disclosed on:",
                                           DateField("disclosed_on"))
        self.disclosed_on.setAccessibleName("Disclosed on")
        self.disclosed_on.set_day(date.today())
        self.method = form.add_field("method", "&How it was given:", QComboBox(),
                                     hint="Choose one, or type how the records were given.")
        self.method.setEditable(True)
        self.method.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.method.addItems(HOW_DISCLOSED)
        self.method.setAccessibleName("How the records were given")
        self.method.editTextChanged.connect(lambda _t: form.clear_error("method"))
        form.set_validator(self._errors)
        layout.addWidget(self.panel)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.reject)
        _save_shortcut(self, self.panel)

    def _errors(self) -> FieldErrors:
        return collect_errors(
            self._day,
            lambda: check_filled(self.method.currentText(), "method",
                                 "Say how the records were given."))

    def _day(self) -> date:
        day = self.disclosed_on.day()
        if day is None:
            raise InvalidInput("Give the day the records were given.", field="disclosed_on")
        return day

    def _save(self) -> None:
        session, sar_id = self._job
        day, method = self._day(), self.method.currentText()
        self.panel.run(self._worker,
                       lambda: sar.record_disclosure(session, sar_id, day, method),
                       self._saved, busy_text="Recording the disclosure…")

    def _saved(self, _nothing: Any) -> None:
        self.saved.emit()
        self.accept()

"""The DSL's private supervision log: sessions with a supervisor and the DSL's own
reflections, each amended with a reason and never overwritten.

A list of notes (the most recent first), the chosen note read-only with every
saved version, and the form for adding or amending one. The services refuse
anyone but the DSL; this window then says so and shows nothing. Nothing here is
linked to a pupil, searched, or printed on a pupil's file.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.concerns import validate_amendment_reason
from sgdesk.models.errors import InvalidInput
from sgdesk.models.supervision import FIELD_LABELS, NoteKind, SupervisionNote
from sgdesk.services import drafts, supervision
from sgdesk.services.record_dates import day_text, moment_text
from sgdesk.services.session import Session
from sgdesk.services.supervision import NoteRecord
from sgdesk.ui.date_field import DateField
from sgdesk.ui.dialogs.review_dialog import text_box
from sgdesk.ui.drafts import DraftForm
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    HINT_COLOUR,
    FieldErrors,
    FormPanel,
    collect_errors,
    dialog_layout,
    record_table,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.text_table_model import TextTableModel
from sgdesk.ui.worker import DbWorker

INTRO = ("Notes of your supervision sessions and your own reflections. Only the Designated "
         "Safeguarding Lead can open this log: it is not searched, and nothing in it is "
         "linked to a pupil or shown on their file.")
_TEXTS = ("cases_discussed", "notes", "actions_agreed")


def _first_line(text: str, limit: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + "…"


class NotesModel(TextTableModel[NoteRecord]):
    def headers(self) -> tuple[str, ...]:
        return ("Date", "Kind", "Supervisor", "Cases discussed")

    def cells(self, row: NoteRecord) -> tuple[str, ...]:
        note = row.current.note
        return (day_text(note.held_on), note.kind.label, note.supervisor or "—",
                _first_line(note.cases_discussed))


def _text(value: str) -> str:
    return html.escape(value).replace("\n", "<br>")


def note_html(record: NoteRecord) -> str:
    """The current version, then who saved each version, when and why."""
    note = record.current.note
    parts = [f"<h3>{_text(note.kind.label)} of {_text(day_text(note.held_on))}</h3>",
             "<table cellspacing='0' cellpadding='3'>"]
    rows = [("supervisor", note.supervisor), *((n, getattr(note, n)) for n in _TEXTS)]
    parts += [f"<tr><td valign='top'><b>{_text(FIELD_LABELS[name])}</b></td>"
              f"<td>{_text(value)}</td></tr>" for name, value in rows if value.strip()]
    parts.append("</table><h4>History</h4><ul>")
    for version in reversed(record.versions):
        what = "Written" if version.number == 1 else "Amended"
        line = (f"<b>Version {version.number}</b>: {what} by {_text(version.saved_by)} on "
                f"{_text(moment_text(version.saved_at))}.")
        if version.reason:
            line += f"<br>Why: {_text(version.reason)}"
        if version.changed:
            line += "<br>Changed: " + _text(", ".join(FIELD_LABELS[f] for f in version.changed))
        parts.append(f"<li>{line}</li>")
    return "".join(parts) + "</ul>"


class SupervisionNoteForm(DraftForm):
    """Write a new session note or reflection (``record`` None), or amend one."""

    draft_kind = "supervision_note"
    discard_question = ("Discard this note?",
                        "What you have typed has not been saved. Discard it?", "Discard")
    saved = Signal(str)

    def __init__(self, worker: DbWorker, session: Session, *,
                 kind: NoteKind = NoteKind.SESSION, record: NoteRecord | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, session, parent,
                         draft_ref=record.id if record else f"new-{kind.value}")
        self._record = record
        self.setWindowTitle("Amend a supervision note" if record else
                            f"Add a {kind.label.lower()} to your supervision log")
        layout = dialog_layout(self, (
            "The saved note is never overwritten: your changes become a new version, kept "
            "with the reason you give." if record else
            "Cases are described in words: nothing here is linked to a pupil."), width=620)
        self.panel = FormPanel("&Save amendment" if record else "&Save note")
        self.panel.action_button.setToolTip("Ctrl+S")
        form = self.panel.form
        self.held_on = form.add_field("held_on", "&Date:", DateField("held_on"))
        self.held_on.setAccessibleName("Date")
        self.kind = form.add_field("kind", "&Kind:", QComboBox())
        for choice in NoteKind:
            self.kind.addItem(choice.label, choice)
        self.kind.setAccessibleName("Kind of note")
        self.supervisor = form.add_field(
            "supervisor", "S&upervisor:", QLineEdit(),
            hint="Name and role, for example Dr Ana Shah, clinical supervisor. Leave it "
                 "blank for a reflection.")
        self.supervisor.setAccessibleName("Supervisor (name and role)")
        self.boxes = {
            "cases_discussed": form.add_field("cases_discussed", "&Cases discussed:",
                                              text_box("Cases discussed", 3)),
            "notes": form.add_field("notes", "&Notes:", text_box("Notes", 7)),
            "actions_agreed": form.add_field("actions_agreed", "&Actions agreed:",
                                             text_box("Actions agreed", 3)),
        }
        self.reason = QLineEdit()
        if record is not None:
            form.add_field("reason", "Why are you amendi&ng?", self.reason,
                           hint="Required. It is kept with this version.")
            self.reason.setAccessibleName("Reason for the amendment")
        for caption in form.findChildren(QLabel):
            if caption.buddy() in self.boxes.values():
                caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                caption.setContentsMargins(0, 4, 0, 0)
        for name, box in self.boxes.items():
            box.textChanged.connect(lambda n=name: form.clear_error(n))
        self.kind.currentIndexChanged.connect(lambda _i: form.clear_error("supervisor"))
        layout.addWidget(self.panel)
        form.set_validator(self._errors)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.ask_to_discard)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self,
                  self.panel.action_button.click)
        if record is not None:
            self._fill(record.current.note)
        else:
            self.held_on.set_day(date.today())
            self.kind.setCurrentIndex(self.kind.findData(kind))
        self._initial = self._state()
        worker.run(lambda: drafts.load_draft(session, self.draft_kind, self.draft_ref),
                   on_done=while_alive(self, self._offer_draft))
        self.held_on.setFocus()

    @property
    def working(self) -> bool:
        return self.panel.working

    def _fill(self, note: SupervisionNote) -> None:
        self.held_on.set_day(note.held_on)
        self.kind.setCurrentIndex(self.kind.findData(note.kind))
        self.supervisor.setText(note.supervisor)
        for name, box in self.boxes.items():
            box.setPlainText(getattr(note, name))

    def note(self) -> SupervisionNote:
        """The note as typed; raises InvalidInput for a date it cannot read."""
        day = self.held_on.day()
        if day is None:
            raise InvalidInput("Give the date of the session or reflection.", field="held_on")
        return SupervisionNote(day, self.kind.currentData(), self.supervisor.text().strip(),
                               *(self.boxes[n].toPlainText().strip() for n in _TEXTS))

    def _errors(self) -> FieldErrors:
        errors = collect_errors(self.note)
        if self._record is not None:
            errors |= collect_errors(lambda: validate_amendment_reason(self.reason.text()))
        if "held_on" not in errors:
            for name, message in self.note().problems(date.today()):
                errors.setdefault(name, message)
        return errors

    # -- drafts -----------------------------------------------------------------------
    def _state(self) -> dict[str, Any]:
        return {"held_on": self.held_on.text(), "kind": self.kind.currentIndex(),
                "supervisor": self.supervisor.text(), "reason": self.reason.text(),
                **{n: box.toPlainText() for n, box in self.boxes.items()}}

    def draft_state(self) -> dict[str, Any] | None:
        """Every field; ``None`` while nothing differs from how the form opened."""
        state = self._state()
        return None if state == self._initial else state

    def restore_draft(self, state: dict[str, Any]) -> None:
        for name, edit in (("held_on", self.held_on), ("supervisor", self.supervisor),
                           ("reason", self.reason)):
            edit.setText(str(state.get(name, edit.text())))
        self.kind.setCurrentIndex(int(state.get("kind", self.kind.currentIndex())))
        for name, box in self.boxes.items():
            box.setPlainText(str(state.get(name, box.toPlainText())))
        self.panel.form.set_message("Your unsaved note from before the store was locked is "
                                    "back. Check it, then save.")

    def _offer_draft(self, state: Any) -> None:
        """Put back what was typed before a lock, unless typing has started again."""
        if state is not None and self.draft_state() is None:
            self.restore_draft(state)

    # -- saving -----------------------------------------------------------------------
    def _save(self) -> None:
        session, kind, ref = self._session, self.draft_kind, self.draft_ref
        note, record, reason = self.note(), self._record, self.reason.text()

        def save() -> str:
            if record is None:
                note_id = supervision.add_note(session, note)
            else:
                supervision.amend_note(session, record.id, note, reason,
                                       record.current.number)
                note_id = record.id
            drafts.discard_draft(session, kind, ref)
            return note_id

        self.panel.run(self._worker, save, self._saved,
                       busy_text="Saving the amendment…" if record else "Saving the note…")

    def _saved(self, note_id: Any) -> None:
        self.saved.emit(str(note_id))
        self.accept()


class SupervisionLogDialog(QDialog):
    """The DSL's supervision log: the notes, the chosen one, and the ways to add or
    amend one."""

    def __init__(self, worker: DbWorker, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._allowed = False
        self.setWindowTitle("My supervision log")
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped_label(INTRO))
        self.message = wrapped_label(colour=ERROR_COLOUR)
        self.message.hide()
        layout.addWidget(self.message)

        self.model = NotesModel()
        self.table = record_table(self.model, "Supervision notes, the most recent first", 3)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.setAccessibleName("The note, read only")
        self.detail.setPlaceholderText("Choose a note in the list to read it here.")

        list_side = QWidget()
        column = QVBoxLayout(list_side)
        column.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("&Notes:")
        caption.setBuddy(self.table)
        column.addWidget(caption)
        column.addWidget(self.table, 1)
        self.count_label = wrapped_label(colour=HINT_COLOUR)
        column.addWidget(self.count_label)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(list_side)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        row = QHBoxLayout()
        self.session_button = QPushButton("Add a &session…")
        self.reflection_button = QPushButton("Add a &reflection…")
        self.amend_button = QPushButton("A&mend…")
        for button in (self.session_button, self.reflection_button, self.amend_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row.addWidget(close)
        layout.addLayout(row)

        self.session_button.clicked.connect(lambda: self._open_form(kind=NoteKind.SESSION))
        self.reflection_button.clicked.connect(
            lambda: self._open_form(kind=NoteKind.REFLECTION))
        self.amend_button.clicked.connect(lambda: self._open_form(record=self.selected()))
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.resize(980, 620)
        self._set_allowed(False)
        self.refresh()

    def refresh(self, select_id: str = "") -> None:
        """Read the log on the worker (the service checks the role there)."""
        session = self._session
        self._worker.run(lambda: supervision.notes(session),
                         on_done=while_alive(self, lambda found: self._show(found, select_id)),
                         on_error=while_alive(self, self._refused))

    def _show(self, found: list[NoteRecord], select_id: str) -> None:
        self._set_allowed(True)
        self.message.hide()
        self.model.set_rows(found)
        count = len(found)
        self.count_label.setText("Your log is empty: add a session or a reflection."
                                 if not count else f"{count} note{'s' if count != 1 else ''}.")
        ids = [r.id for r in found]
        if select_id in ids:
            self.table.selectRow(ids.index(select_id))
        self._update_buttons()

    def _refused(self, exc: BaseException) -> None:
        self._set_allowed(False)
        self.message.setText(describe(exc))
        self.message.show()

    def _set_allowed(self, allowed: bool) -> None:
        self._allowed = allowed
        self.session_button.setEnabled(allowed)
        self.reflection_button.setEnabled(allowed)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.amend_button.setEnabled(self._allowed and self.selected() is not None)

    def selected(self) -> NoteRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def _show_selected(self) -> None:
        record = self.selected()
        self.detail.setHtml(note_html(record) if record else "")
        self._update_buttons()

    def _open_form(self, *, kind: NoteKind = NoteKind.SESSION,
                   record: NoteRecord | None = None) -> None:
        if not self._allowed:
            return
        form = SupervisionNoteForm(self._worker, self._session, kind=kind, record=record,
                                   parent=self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.saved.connect(self.refresh)
        form.open()

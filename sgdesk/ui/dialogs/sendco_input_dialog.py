"""Asking the SENDCO a question about a pupil on a concern or case, and the
SENDCO's answer.

Two small forms with one text box each: :class:`SendcoQuestionDialog` (the DSL
or a deputy) and :class:`SendcoInputDialog` (a SENDCO, with the question shown
above the answer). Typed text survives a lock as an encrypted draft; Escape and
Cancel ask before throwing it away; Ctrl+S saves. Every store call runs on the
database worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from sgdesk.models.errors import InvalidInput
from sgdesk.models.sendco import SendcoRecordKind, validate_answer, validate_question
from sgdesk.services import drafts, sendco_input
from sgdesk.services.record_dates import moment_text
from sgdesk.services.sendco_input import SendcoRequestEntry
from sgdesk.services.session import Session
from sgdesk.ui.drafts import DraftForm
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    FieldErrors,
    FormPanel,
    collect_errors,
    dialog_layout,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.worker import DbWorker


def _text_box(lines: int, accessible_name: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)  # Tab moves on, as in every other field
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    box.setAccessibleName(accessible_name)
    return box


class _OneTextForm(DraftForm):
    """A form of one text box (``field``) checked by ``check`` and saved by
    :meth:`_job`; :attr:`saved` carries the request's id after a save."""

    saved = Signal(str)
    field = ""

    def __init__(self, worker: DbWorker, session: Session, *, intro: str, label: str,
                 accessible_name: str, action: str, check: Callable[[str], str],
                 draft_ref: str, parent: QWidget | None = None) -> None:
        super().__init__(worker, session, parent, draft_ref=draft_ref)
        self._check = check
        self._loaded = False
        layout = dialog_layout(self, intro, width=560)
        self.context = wrapped_label()
        self.context.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.context.hide()
        layout.addWidget(self.context)
        self.panel = FormPanel(action)
        self.panel.action_button.setToolTip("Ctrl+S")
        form = self.panel.form
        self.text = form.add_field(self.field, label, _text_box(6, accessible_name))
        for caption in form.findChildren(QLabel):
            if caption.buddy() is self.text:
                caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                caption.setContentsMargins(0, 4, 0, 0)
        self.text.textChanged.connect(lambda: form.clear_error(self.field))
        layout.addWidget(self.panel)
        form.set_validator(self._errors)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.ask_to_discard)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self,
                  self.panel.action_button.click)
        self.setEnabled(False)
        self._open()

    @property
    def working(self) -> bool:
        return self.panel.working

    @property
    def loaded(self) -> bool:
        return self._loaded

    # -- opening ------------------------------------------------------------------------
    def _read(self) -> Any:
        """Worker job: what the form shows besides the text (None: nothing)."""
        return None

    def _show(self, _read: Any) -> None:
        """Show what :meth:`_read` found."""

    def _open(self) -> None:
        session, kind, ref, read = self._session, self.draft_kind, self.draft_ref, self._read

        def job() -> tuple[Any, dict[str, Any] | None]:
            return read(), drafts.load_draft(session, kind, ref)

        self.panel.busy.start("Opening…")
        self._worker.run(job, on_done=while_alive(self, self._opened),
                         on_error=while_alive(self, self._open_failed))

    def _opened(self, found: tuple[Any, dict[str, Any] | None]) -> None:
        shown, draft = found
        self.panel.busy.stop()
        self.setEnabled(True)
        self._show(shown)
        self._loaded = True
        if draft is not None:
            self.restore_draft(draft)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def _open_failed(self, exc: BaseException) -> None:
        self.panel.busy.stop()
        self.setEnabled(True)
        self.panel.form.setEnabled(False)
        self.panel.action_button.setEnabled(False)
        self.panel.form.set_message(f"This could not be opened. {describe(exc)}")

    # -- the text -----------------------------------------------------------------------
    def _errors(self) -> FieldErrors:
        return collect_errors(lambda: self._check(self.text.toPlainText()))

    def draft_state(self) -> dict[str, Any] | None:
        typed = self.text.toPlainText()
        return {"text": typed} if self._loaded and typed.strip() else None

    def restore_draft(self, state: dict[str, Any]) -> None:
        self.text.setPlainText(str(state.get("text", "")))
        self.panel.form.set_message("Your unsaved text from before the store was locked "
                                    "is back. Check it, then save.")

    # -- saving -------------------------------------------------------------------------
    def _job(self, text: str) -> str:
        """Worker job: save ``text``; returns the request's id."""
        raise NotImplementedError

    def _save(self) -> None:
        if not self._loaded:
            return
        session, kind, ref, job = self._session, self.draft_kind, self.draft_ref, self._job
        text = self.text.toPlainText()

        def save() -> str:
            saved_id = job(text)
            drafts.discard_draft(session, kind, ref)
            return saved_id

        self.panel.run(self._worker, save, self._saved, busy_text="Saving…")

    def _saved(self, request_id: Any) -> None:
        self.saved.emit(str(request_id))
        self.accept()


class SendcoQuestionDialog(_OneTextForm):
    """The DSL or a deputy asks the SENDCO about ``pupil_id`` on a concern or case."""

    draft_kind = "sendco_question"
    field = "question"
    discard_question = ("Discard this question?",
                        "Your question has not been sent to the SENDCO. Discard it?",
                        "Discard")

    def __init__(self, worker: DbWorker, session: Session, record_kind: SendcoRecordKind,
                 record_id: str, pupil_id: str, parent: QWidget | None = None) -> None:
        self._record_kind = record_kind
        self._record_id = record_id
        self._pupil_id = pupil_id
        super().__init__(
            worker, session, parent=parent, draft_ref=f"new:{pupil_id}:{record_id}",
            intro=f"Ask the SENDCO what they know that helps read this {record_kind.label}: "
                  "how the child communicates, what is usual for them, what their needs "
                  "might hide. The question and the answer are kept with the record.",
            label="&Question:", accessible_name="Question for the SENDCO",
            action="&Ask the SENDCO", check=validate_question)
        self.setWindowTitle("Ask the SENDCO")  # never a child's name: titles show in task bars

    def _job(self, text: str) -> str:
        return sendco_input.ask_sendco(self._session, self._record_kind, self._record_id,
                                       self._pupil_id, text)


class SendcoInputDialog(_OneTextForm):
    """A SENDCO answers the request ``request_id`` on ``record_id``, about
    ``pupil_id``; the question is shown above the answer."""

    draft_kind = "sendco_input"
    field = "answer"
    discard_question = ("Discard your input?",
                        "Your input has not been saved. Discard it?", "Discard")

    def __init__(self, worker: DbWorker, session: Session, request_id: str, record_id: str,
                 pupil_id: str, parent: QWidget | None = None) -> None:
        self._request_id = request_id
        self._record_id = record_id
        self._pupil_id = pupil_id
        self.request: SendcoRequestEntry | None = None
        super().__init__(
            worker, session, parent=parent, draft_ref=request_id,
            intro="The DSL asked for your input. Your answer is kept with the record, "
                  "with your name and the time.",
            label="Your &input:", accessible_name="Your input for the DSL",
            action="&Save input", check=validate_answer)
        self.setWindowTitle("SENDCO input")

    def _read(self) -> SendcoRequestEntry:
        found = [e for e in sendco_input.requests_for_record(self._session, self._record_id,
                                                             self._pupil_id)
                 if e.id == self._request_id]
        if not found:
            raise InvalidInput("That request for SENDCO input is not on this record.")
        return found[0]

    def _show(self, entry: Any) -> None:
        self.request = entry
        request = entry.request
        self.context.setText(f"Question from {request.asked_by}, "
                             f"{moment_text(request.asked_at)}:\n{request.question}")
        self.context.setAccessibleName("The question")
        self.context.show()
        if request.is_answered:
            self.text.setPlainText(request.answer)

    def draft_state(self) -> dict[str, Any] | None:
        """An answer already saved and shown unchanged is nothing to keep."""
        state = super().draft_state()
        saved = self.request.request.answer if self.request else ""
        return None if state is None or state["text"] == saved else state

    def _job(self, text: str) -> str:
        sendco_input.give_input(self._session, self._request_id, text)
        return self._request_id

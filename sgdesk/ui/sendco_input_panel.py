"""The "SENDCO input" part of a concern's or a case's view: the questions the DSL
asked the SENDCO about this pupil on this record, and the answers.

The DSL or a deputy gets "Ask the SENDCO…" when the pupil has SEND; a SENDCO
gets "Add your input…" on a question still open. The panel hides itself when it
has nothing to show and nothing to offer (a pupil without SEND, nobody asked).
Every read and write runs on the database worker; :attr:`changed` says
something was saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.sendco import SendcoRecordKind
from sgdesk.models.users import Role
from sgdesk.services import sendco_input
from sgdesk.services.record_dates import moment_text
from sgdesk.services.sendco_input import SendcoRequestEntry
from sgdesk.services.session import Session
from sgdesk.ui.dialogs.sendco_input_dialog import SendcoInputDialog, SendcoQuestionDialog
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import ERROR_COLOUR, HINT_COLOUR, while_alive, wrapped_label
from sgdesk.ui.worker import DbWorker


@dataclass(frozen=True)
class PanelContent:
    """One worker job's answer: the requests, and whether the user may ask."""

    entries: list[SendcoRequestEntry]
    can_ask: bool


def read_panel(session: Session, record_id: str, pupil_id: str) -> PanelContent:
    """Worker job: the requests about ``pupil_id`` on the record, and the Ask rule."""
    return PanelContent(sendco_input.requests_for_record(session, record_id, pupil_id),
                        sendco_input.can_ask_about(session, pupil_id))


def entry_text(entry: SendcoRequestEntry) -> str:
    """One request as listed (and read by a screen reader): who asked what and
    when, then the answer or that none has come yet."""
    request = entry.request
    lines = [f"Asked by {request.asked_by}, {moment_text(request.asked_at)}:",
             request.question]
    if request.answered_at is not None:
        lines += ["", f"Answer from {request.answered_by}, "
                      f"{moment_text(request.answered_at)}:", request.answer]
    else:
        lines.append("Not answered yet.")
    return "\n".join(lines)


class SendcoInputPanel(QWidget):
    """SENDCO input on the record ``record_id`` (set later with :meth:`show_record`)
    as pupil ``pupil_id``'s file shows it."""

    changed = Signal()

    def __init__(self, worker: DbWorker, session: Session, record_kind: SendcoRecordKind,
                 pupil_id: str, record_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._record_kind = record_kind
        self._pupil_id = pupil_id
        self._record_id = record_id
        self._content = PanelContent([], False)
        self.is_sendco = session.user.role is Role.SENDCO
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("S&ENDCO input:")
        self.list = QListWidget()
        self.list.setAccessibleName("SENDCO input: questions asked and their answers")
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setMaximumHeight(self.list.fontMetrics().lineSpacing() * 9)
        caption.setBuddy(self.list)
        self.empty = wrapped_label("The SENDCO has not been asked about this yet.",
                                   HINT_COLOUR)
        self.message = wrapped_label(colour=ERROR_COLOUR)
        self.message.hide()
        self.ask_button = QPushButton("As&k the SENDCO…")
        self.ask_button.setToolTip("Ask the SENDCO what they know about this pupil that "
                                   "helps read this record.")
        self.input_button = QPushButton("Add your inp&ut…")
        self.input_button.setToolTip("Answer the question chosen in the list.")
        buttons = QHBoxLayout()
        for button in (self.ask_button, self.input_button):
            button.setAutoDefault(False)
            button.hide()
            buttons.addWidget(button)
        buttons.addStretch(1)
        for widget in (caption, self.list, self.empty, self.message):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.ask_button.clicked.connect(self.ask)
        self.input_button.clicked.connect(self.add_input)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.list.itemActivated.connect(lambda _item: self.add_input())
        self.hide()
        if record_id is not None:
            self.reload()

    @property
    def entries(self) -> list[SendcoRequestEntry]:
        return list(self._content.entries)

    @property
    def record_id(self) -> str | None:
        return self._record_id

    def chosen(self) -> SendcoRequestEntry | None:
        row = self.list.currentRow()
        return self._content.entries[row] if 0 <= row < len(self._content.entries) else None

    def show_record(self, record_id: str | None) -> None:
        """Show the input on another record of the same pupil (the case chosen)."""
        self._record_id = record_id
        self._content = PanelContent([], False)
        self.list.clear()
        if record_id is None:
            self.hide()
        else:
            self.reload()

    def reload(self) -> None:
        session, record_id, pupil_id = self._session, self._record_id, self._pupil_id
        if record_id is None:
            return
        self._worker.run(lambda: read_panel(session, record_id, pupil_id),
                         on_done=while_alive(self, self._loaded),
                         on_error=while_alive(self, self._failed))

    def _loaded(self, content: PanelContent) -> None:
        chosen = self.chosen()
        self._content = content
        self.message.hide()
        self.list.clear()
        for entry in content.entries:
            item = QListWidgetItem(entry_text(entry))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, entry_text(entry))
            self.list.addItem(item)
        ids = [e.id for e in content.entries]
        if ids:
            self.list.setCurrentRow(ids.index(chosen.id) if chosen and chosen.id in ids
                                    else next((i for i, e in enumerate(content.entries)
                                               if not e.request.is_answered), len(ids) - 1))
        self.list.setVisible(bool(ids))
        self.empty.setVisible(not ids)
        self.ask_button.setVisible(content.can_ask)
        self.input_button.setVisible(self.is_sendco and bool(ids))
        self._update_buttons()
        self.setVisible(bool(ids) or content.can_ask)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(f"The SENDCO input could not be read. {describe(exc)}")
        self.message.show()
        self.show()

    def _update_buttons(self) -> None:
        entry = self.chosen()
        self.input_button.setEnabled(entry is not None and not entry.request.is_answered)

    # -- actions ------------------------------------------------------------------------
    def ask(self) -> SendcoQuestionDialog | None:
        if not self._content.can_ask or self._record_id is None:
            return None
        dialog = SendcoQuestionDialog(self._worker, self._session, self._record_kind,
                                      self._record_id, self._pupil_id, parent=self)
        self._open(dialog)
        return dialog

    def add_input(self) -> SendcoInputDialog | None:
        entry = self.chosen()
        if not self.is_sendco or entry is None or entry.request.is_answered \
                or self._record_id is None:
            return None
        dialog = SendcoInputDialog(self._worker, self._session, entry.id, self._record_id,
                                   self._pupil_id, parent=self)
        self._open(dialog)
        return dialog

    def _open(self, dialog: SendcoQuestionDialog | SendcoInputDialog) -> None:
        """Open without blocking (a lock can close it); reload once it has saved."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.open()

    def _saved(self, _request_id: str) -> None:
        self.reload()
        self.changed.emit()

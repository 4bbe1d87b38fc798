"""One concern as one pupil's file shows it, with every saved version and what each
amendment changed.

The record comes from :func:`sgdesk.services.concerns.concern_on_file`, which has
already applied the label-leak rule to every version: other children appear as
"Another child" (or by name where the DSL chose), never with their role. This view
only ever shows what that service gave it. Beside the history, the SENDCO's input
on this concern about this pupil (:mod:`sgdesk.ui.sendco_input_panel`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.concerns import FIELD_LABELS
from sgdesk.models.sendco import SendcoRecordKind
from sgdesk.services import concerns
from sgdesk.services.concerns import ConcernFileRecord, VersionOnFile
from sgdesk.services.session import Session
from sgdesk.ui.concern_document import changes_html, version_html, version_title
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    add_status_lines,
    while_alive,
)
from sgdesk.ui.sendco_input_panel import SendcoInputPanel
from sgdesk.ui.worker import DbWorker

PDF_NAME = "concern-record.pdf"


class ConcernViewDialog(QDialog):
    """The concern read-only, its history beside it, and what can be done with it."""

    changed = Signal()

    def __init__(self, worker: DbWorker, session: Session, concern_id: str, pupil_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._concern_id = concern_id
        self._pupil_id = pupil_id
        self._record: ConcernFileRecord | None = None
        self.setWindowTitle("Concern record")  # never a child's name: titles show in task bars
        self.resize(980, 680)
        layout = QVBoxLayout(self)

        self.document = QTextBrowser()
        self.document.setOpenLinks(False)
        self.document.setTabChangesFocus(True)
        self.document.setAccessibleName("The concern")
        self.document.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction
                                              | Qt.TextInteractionFlag.TextSelectableByKeyboard)

        history = QWidget()
        side = QVBoxLayout(history)
        side.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("&History")
        self.history = QListWidget()
        self.history.setAccessibleName("History: every saved version")
        self.history.setWordWrap(True)
        self.history.setSpacing(2)
        caption.setBuddy(self.history)
        self.show_changes = QCheckBox("Show &changes from the previous version")
        side.addWidget(caption)
        side.addWidget(self.history, 1)
        side.addWidget(self.show_changes)
        self.sendco_input = SendcoInputPanel(worker, session, SendcoRecordKind.CONCERN,
                                             pupil_id, concern_id)
        side.addSpacing(8)
        side.addWidget(self.sendco_input)

        splitter = QSplitter()
        splitter.addWidget(self.document)
        splitter.addWidget(history)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([680, 300])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

        self.message, self.busy = add_status_lines(layout)

        buttons = QHBoxLayout()
        self.amend_button = QPushButton("&Amend…")
        self.review_button = QPushButton("Record DSL &review…")
        self.body_map_button = QPushButton("Add a &body map…")
        self.body_map_button.setToolTip("Record marks seen on this child, linked to this "
                                        "concern. The printed concern includes its body maps.")
        self.print_button = QPushButton("&Print…")
        self.pdf_button = QPushButton("Save as P&DF…")
        self._actions = (self.amend_button, self.review_button, self.body_map_button,
                         self.print_button, self.pdf_button)
        for button in self._actions:
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        role = session.user.role
        self.amend_button.setVisible(role.can_write)
        self.body_map_button.setVisible(role.can_write)
        self.review_button.setVisible(role in concerns.REVIEWER_ROLES)
        self.amend_button.clicked.connect(self._amend)
        self.review_button.clicked.connect(self._review)
        self.body_map_button.clicked.connect(self._add_body_map)
        self.print_button.clicked.connect(self._print)
        self.pdf_button.clicked.connect(self._save_pdf)
        self.history.currentRowChanged.connect(lambda _row: self._show_selected())
        self.show_changes.toggled.connect(lambda _on: self._show_selected())
        self.reload()

    @property
    def record(self) -> ConcernFileRecord | None:
        """The concern as last loaded (``None`` until the worker has delivered it)."""
        return self._record

    def reload(self) -> None:
        """Fetch the concern and its history again (after an amendment or review)."""
        session, concern_id, pupil_id = self._session, self._concern_id, self._pupil_id
        self._start("Opening the concern…")
        self._worker.run(lambda: concerns.concern_on_file(session, concern_id, pupil_id),
                         on_done=while_alive(self, self._loaded),
                         on_error=while_alive(self, self._failed))

    # -- showing ---------------------------------------------------------------------
    def _loaded(self, record: Any) -> None:
        self._stop()
        self._record = record
        current = record.current
        self.review_button.setText("Change DSL &review…" if current.on_file.content.review
                                   else "Record DSL &review…")
        self.history.blockSignals(True)
        self.history.clear()
        for version in record.versions:
            item = QListWidgetItem(_history_entry(version))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, _history_entry(version))
            self.history.addItem(item)
        self.history.blockSignals(False)
        self.history.setCurrentRow(len(record.versions) - 1)
        self._show_selected()

    def _show_selected(self) -> None:
        record = self._record
        if record is None:
            return
        row = self.history.currentRow()
        index = row if 0 <= row < len(record.versions) else len(record.versions) - 1
        version = record.versions[index]
        html = version_html(version, len(record.versions))
        if self.show_changes.isChecked():
            previous = record.versions[index - 1] if index > 0 else None
            html = changes_html(previous, version) + html
        scroll = self.document.verticalScrollBar().value()
        self.document.setHtml(html)
        self.document.verticalScrollBar().setValue(0 if self.show_changes.isChecked()
                                                   else scroll)

    # -- actions ---------------------------------------------------------------------
    def _amend(self) -> None:
        from sgdesk.ui.dialogs.concern_form import ConcernFormDialog

        self._open_child(ConcernFormDialog(self._worker, self._session,
                                           concern_id=self._concern_id, parent=self))

    def _review(self) -> None:
        from sgdesk.ui.dialogs.review_dialog import ReviewDialog

        self._open_child(ReviewDialog(self._worker, self._session, self._concern_id,
                                      parent=self))

    def _add_body_map(self) -> None:
        from sgdesk.ui.dialogs.body_map_dialog import BodyMapDialog

        self._open_child(BodyMapDialog(self._worker, self._session, self._pupil_id,
                                       concern_id=self._concern_id, parent=self))

    def _open_child(self, dialog: Any) -> None:
        """Open a form over this view, without blocking (a lock can close it); reload
        and tell the record view once it has saved."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._after_save)
        dialog.open()

    def _after_save(self, _concern_id: str) -> None:
        self.reload()
        self.changed.emit()

    def _print(self) -> None:
        from sgdesk.ui.pdf_output import print_pdf

        self._with_pdf(lambda data: print_pdf(self, data), "Preparing the record to print…")

    def _save_pdf(self) -> None:
        from sgdesk.ui.pdf_output import save_pdf

        self._with_pdf(lambda data: save_pdf(self, data, PDF_NAME),
                       "Preparing the record as a PDF…")

    def _with_pdf(self, use: Callable[[bytes], object], busy_text: str) -> None:
        """Render the printed record on the worker, then hand it to ``use``."""
        from sgdesk.services.pdf.concern_report import concern_pdf

        session, concern_id, pupil_id = self._session, self._concern_id, self._pupil_id

        def done(data: Any) -> None:
            self._stop()
            use(data)

        self._start(busy_text)
        self._worker.run(lambda: concern_pdf(session, concern_id, pupil_id),
                         on_done=while_alive(self, done), on_error=while_alive(self, self._failed))

    # -- busy and errors -------------------------------------------------------------
    def _start(self, text: str) -> None:
        self._set_message("")
        self.busy.start(text)
        self._enable_actions(False)

    def _stop(self) -> None:
        self.busy.stop()
        self._enable_actions(True)

    def _failed(self, exc: BaseException) -> None:
        self._stop()
        self._enable_actions(self._record is not None)  # nothing to act on until loaded
        self._set_message(describe(exc))

    def _enable_actions(self, enabled: bool) -> None:
        for button in self._actions:
            button.setEnabled(enabled)

    def _set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))


def _history_entry(version: VersionOnFile) -> str:
    """How one version is listed: who saved it and when, why, and what it changed."""
    lines = [version_title(version)]
    if version.number > 1:
        lines.append(f"Reason: {version.reason}")
        if version.changed:
            lines.append("Changed: " + ", ".join(FIELD_LABELS.get(name, name)
                                                 for name in version.changed))
    return "\n".join(lines)

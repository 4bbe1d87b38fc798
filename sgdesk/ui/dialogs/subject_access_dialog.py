"""Subject access requests: the list with each one's clock, the chosen request,
and a preview of its disclosure where the DSL decides what to withhold.

The preview lists every record the disclosure holds and each of its text fields,
as held and as it would be disclosed; the DSL marks a field (or a whole record) to
withhold with a reason, or discloses it again, and chooses how far the automatic
redaction goes. The redaction log beside it is what the disclosure will end with.
"Print…" and "Save as PDF…" make the disclosure pack; "Record as disclosed…"
closes the request. Only the DSL and deputies may use it: the services refuse
anyone else, and this window then says so and shows nothing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.subject_access import (
    WHOLE_RECORD,
    Redaction,
    RedactionOptions,
    RequestStatus,
)
from sgdesk.services import subject_access as sar
from sgdesk.services.record_dates import day_text, moment_text
from sgdesk.services.session import Session
from sgdesk.services.subject_access import DisclosurePreview, RequestEntry, RequestRecord
from sgdesk.services.subject_access_disclosure import FieldPreview, RecordPreview
from sgdesk.ui.dialogs.subject_access_forms import DisclosedDialog, RequestForm, WithholdDialog
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    HINT_COLOUR,
    BusyBar,
    record_table,
    warn,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.pdf_output import print_pdf, save_pdf
from sgdesk.ui.text_table_model import TextTableModel
from sgdesk.ui.worker import DbWorker

INTRO = ("Requests for the records the school holds about a pupil (subject access). A "
         "response is due one calendar month after the request arrived. Choose a request to "
         "see what its disclosure would hold: other people's names and what you mark to "
         "withhold are taken out first.")
PDF_NAME = "subject-access-disclosure.pdf"
_KEY = Qt.ItemDataRole.UserRole


class RequestsModel(TextTableModel[RequestEntry]):
    """One row per request; an overdue clock in red, and said in words too."""

    def headers(self) -> tuple[str, ...]:
        return ("Pupil", "Requested by", "Clock")

    def cells(self, row: RequestEntry) -> tuple[str, ...]:
        return (row.pupil_name, row.request.details.requester_name, row.clock)

    def extra(self, row: RequestEntry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and row.overdue:
            return Qt.GlobalColor.darkRed
        return None


class LogModel(TextTableModel[Redaction]):
    def headers(self) -> tuple[str, ...]:
        return ("What", "Where", "Why")

    def cells(self, row: Redaction) -> tuple[str, ...]:
        return (row.what, row.where, row.why)


def _text(value: str) -> str:
    return html.escape(value).replace("\n", "<br>")


def request_html(record: RequestRecord) -> str:
    """The request, its clock, the disclosure if made, and its history."""
    entry = record.entry
    request = entry.request
    details = request.details
    rows = [("Records of", entry.pupil_name), ("Requested by", details.requester),
            ("Received", day_text(details.received_on)), ("Clock", entry.clock),
            ("Identity", f"Checked: {details.identity_how}" if details.identity_checked
             else "Not checked yet")]
    if details.extended:
        rows.append(("Extended", f"By {details.extension_months} month"
                                 f"{'s' if details.extension_months > 1 else ''}: "
                                 f"{details.extension_reason}"))
    if details.notes:
        rows.append(("Notes", details.notes))
    disclosure = request.disclosure
    if disclosure is not None:
        rows.append(("Disclosed", f"{day_text(disclosure.disclosed_on)}, "
                                  f"{disclosure.method.lower()}, by {disclosure.recorded_by}"))
    parts = ["<table cellspacing='0' cellpadding='2'>"]
    parts += [f"<tr><td valign='top'><b>{_text(label)}:</b></td><td>{_text(value)}</td></tr>"
              for label, value in rows]
    parts.append("</table><h4>History</h4><ul>")
    for version in reversed(record.versions):
        what = "Logged" if version.number == 1 else version.reason
        parts.append(f"<li>{_text(what)}: {_text(version.saved_by)}, "
                     f"{_text(moment_text(version.saved_at))}</li>")
    return "".join(parts) + "</ul>"


def field_status(field: FieldPreview) -> str:
    """What happens to a field in the disclosure, in words."""
    if field.withheld_reason is not None:
        return f"Withheld: {field.withheld_reason}"
    redactions = sum(r.count for r in field.redactions)
    if redactions:
        return f"{redactions} redaction{'s' if redactions != 1 else ''}"
    return "Disclosed as held"


def record_status(record: RecordPreview) -> str:
    if record.withheld_reason is not None:
        return f"Withheld whole: {record.withheld_reason}"
    withheld = sum(1 for f in record.fields if f.withheld_reason is not None)
    redacted = sum(1 for f in record.fields if f.redactions and f.withheld_reason is None)
    parts = [f"{withheld} withheld"] if withheld else []
    parts += [f"{redacted} with redactions"] if redacted else []
    return ", ".join(parts) or "Disclosed as held"


def field_html(record: RecordPreview, field: FieldPreview | None) -> str:
    """A field (or, with none, the record) as held and as it would be disclosed."""
    if field is None:
        status = record_status(record)
        return (f"<h4>{_text(record.heading)}</h4><p>{_text(status)}.</p>"
                "<p>Choose one of its fields to read it, or withhold the whole record.</p>")
    parts = [f"<h4>{_text(record.heading)}: {_text(field.label)}</h4>",
             f"<p><b>In the disclosure:</b><br>{_text(field.disclosed or '(left out)')}</p>",
             f"<p><b>As held:</b><br>{_text(field.held)}</p>"]
    if field.redactions:
        parts.append("<p><b>Taken out:</b></p><ul>")
        parts += [f"<li>{_text(r.what)}: {_text(r.why)}</li>" for r in field.redactions]
        parts.append("</ul>")
    return "".join(parts)


@dataclass(frozen=True)
class _Chosen:
    record: RequestRecord
    preview: DisclosurePreview


class SubjectAccessDialog(QDialog):
    """The requests, the chosen one and its disclosure."""

    def __init__(self, worker: DbWorker, session: Session,
                 parent: QWidget | None = None, *, select_id: str = "") -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._allowed = False
        self._chosen: _Chosen | None = None
        self.setWindowTitle("Subject access requests")
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped_label(INTRO))
        self.message = wrapped_label(colour=ERROR_COLOUR)
        self.message.hide()
        layout.addWidget(self.message)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_requests_side())
        splitter.addWidget(self._build_preview_side())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([500, 740])
        layout.addWidget(splitter, 1)
        self.busy = BusyBar()
        layout.addWidget(self.busy)
        layout.addLayout(self._build_buttons())
        self.resize(1240, 760)
        self._update_buttons()
        self.table.setFocus()
        self.refresh(select_id)

    # -- building -----------------------------------------------------------------
    def _build_requests_side(self) -> QWidget:
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        self.model = RequestsModel()
        self.table = record_table(self.model, "Subject access requests, open ones first")
        caption = QLabel("Re&quests:")
        caption.setBuddy(self.table)
        column.addWidget(caption)
        column.addWidget(self.table, 2)
        self.count_label = wrapped_label(colour=HINT_COLOUR)
        column.addWidget(self.count_label)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.setAccessibleName("The chosen request, read only")
        self.details.setPlaceholderText("Choose a request to see it here.")
        column.addWidget(self.details, 3)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._load_chosen())
        return side

    def _build_preview_side(self) -> QWidget:
        self.tabs = QTabWidget()
        records = QWidget()
        column = QVBoxLayout(records)
        self.options = {
            "staff_names": QCheckBox("Replace &staff names with \u201cStaff member n\u201d"),
            "sources": QCheckBox("Redact who gave the &information others reported"),
            "family_adults": QCheckBox("Redact names of the child's &household and key "
                                       "adults (not the requester's)"),
        }
        self.options["staff_names"].setToolTip(
            "Staff acting in their professional role are not normally withheld.")
        for box in self.options.values():
            column.addWidget(box)
            box.clicked.connect(lambda _on: self._options_changed())
        column.addWidget(wrapped_label("Other children are always redacted.", HINT_COLOUR))
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Record and field", "In the disclosure"])
        self.tree.setAccessibleName("Records the disclosure holds, each with its fields")
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.currentItemChanged.connect(lambda *_a: self._show_field())
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        self.field_view = QTextBrowser()
        self.field_view.setOpenLinks(False)
        self.field_view.setAccessibleName("The chosen field, as held and as disclosed")
        splitter.addWidget(self.field_view)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        column.addWidget(splitter, 1)
        row = QHBoxLayout()
        self.withhold_button = QPushButton("&Withhold…")
        self.withhold_button.setToolTip("Withhold the chosen field, or the chosen record whole")
        self.disclose_button = QPushButton("Disclose a&gain")
        for button in (self.withhold_button, self.disclose_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        column.addLayout(row)
        self.documents = wrapped_label(colour=HINT_COLOUR)
        column.addWidget(self.documents)
        self.withhold_button.clicked.connect(self.withhold)
        self.disclose_button.clicked.connect(self.disclose_again)
        self.tabs.addTab(records, "Records and &redactions")

        self.log_model = LogModel()
        self.log_table = QTableView()
        self.log_table.setModel(self.log_model)
        self.log_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.log_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.log_table.setTabKeyNavigation(False)
        self.log_table.verticalHeader().hide()
        self.log_table.setWordWrap(True)
        self.log_table.setAccessibleName("Redaction log: what, where and why")
        log_header = self.log_table.horizontalHeader()
        log_header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        log_page = QWidget()
        log_column = QVBoxLayout(log_page)
        self.log_intro = wrapped_label(colour=HINT_COLOUR)
        log_column.addWidget(self.log_intro)
        log_column.addWidget(self.log_table, 1)
        self.tabs.addTab(log_page, "Redaction l&og")
        return self.tabs

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.log_button = QPushButton("&Log a request…")
        self.amend_button = QPushButton("Change the re&quest…")
        self.print_button = QPushButton("&Print…")
        self.save_button = QPushButton("Save as P&DF…")
        self.disclosed_button = QPushButton("Record as dis&closed…")
        for button in (self.log_button, self.amend_button, self.print_button,
                       self.save_button, self.disclosed_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row.addWidget(close)
        self.log_button.clicked.connect(lambda: self._open_request_form(None))
        self.amend_button.clicked.connect(
            lambda: self._open_request_form(self._chosen.record.entry if self._chosen else None))
        self.print_button.clicked.connect(lambda: self._pdf(lambda data: print_pdf(self, data)))
        self.save_button.clicked.connect(lambda: self._pdf(lambda data: save_pdf(self, data,
                                                                                 PDF_NAME)))
        self.disclosed_button.clicked.connect(self.record_disclosed)
        return row

    # -- the list -----------------------------------------------------------------
    def refresh(self, select_id: str = "") -> None:
        """Read the requests on the worker (the service checks the role there)."""
        session = self._session
        wanted = select_id or (self._chosen.record.entry.id if self._chosen else "")
        self._worker.run(lambda: sar.requests(session),
                         on_done=while_alive(self, lambda found: self._show_list(found, wanted)),
                         on_error=while_alive(self, self._refused))

    def _show_list(self, found: list[RequestEntry], select_id: str) -> None:
        self._allowed = True
        self._show_message("")
        self.model.set_rows(found)
        open_count = sum(1 for e in found if e.request.status is RequestStatus.OPEN)
        overdue = sum(1 for e in found if e.overdue)
        self.count_label.setText(
            "No subject access requests are logged." if not found else
            f"{len(found)} request{'s' if len(found) != 1 else ''}, {open_count} open"
            + (f", {overdue} OVERDUE" if overdue else "") + ".")
        ids = [e.id for e in found]
        if select_id in ids:
            self.table.selectRow(ids.index(select_id))  # reads it again
        self._update_buttons()

    def _refused(self, exc: BaseException) -> None:
        self._allowed = False
        self._show_message(describe(exc))
        self._update_buttons()

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def selected_entry(self) -> RequestEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    # -- the chosen request -----------------------------------------------------------
    def _load_chosen(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        session = self._session
        self.busy.start("Preparing the preview…")
        self._worker.run(lambda: _Chosen(sar.get_request(session, entry.id),
                                         sar.disclosure_preview(session, entry.id)),
                         on_done=while_alive(self, self._show_chosen),
                         on_error=while_alive(self, self._failed))

    def _failed(self, exc: BaseException) -> None:
        self.busy.stop()
        self._show_message(describe(exc))
        self._update_buttons()

    def _show_chosen(self, chosen: _Chosen) -> None:
        self.busy.stop()
        entry = self.selected_entry()
        if entry is None or entry.id != chosen.record.entry.id:
            return  # another request was chosen meanwhile
        keep = self._current_key()
        self._chosen = chosen
        request = chosen.record.entry.request
        self.details.setHtml(request_html(chosen.record))
        for name, box in self.options.items():
            box.setChecked(getattr(request.options, name))
        self._fill_tree(chosen.preview, keep)
        disclosure = request.disclosure
        log = disclosure.redactions if disclosure is not None else chosen.preview.log
        self.log_model.set_rows(list(log))
        self.log_table.resizeRowsToContents()
        self.log_intro.setText(
            f"As kept when the disclosure was recorded on "
            f"{day_text(disclosure.disclosed_on)}." if disclosure is not None else
            "What the disclosure will end with. Nothing in it names anyone.")
        documents = chosen.preview.documents
        self.documents.setText(
            "The pack prints: a cover, " + ", ".join(documents) + ", and the redaction log."
            if documents else "The pack prints a cover and the redaction log: no records "
                              "are held about this pupil.")
        self._update_buttons()

    def _fill_tree(self, preview: DisclosurePreview, keep: tuple[str, str] | None) -> None:
        self.tree.clear()
        again: QTreeWidgetItem | None = None
        for record in preview.records:
            top = QTreeWidgetItem([record.heading, record_status(record)])
            top.setData(0, _KEY, (record.record_id, WHOLE_RECORD))
            self.tree.addTopLevelItem(top)
            for field in record.fields:
                item = QTreeWidgetItem([field.label, field_status(field)])
                item.setData(0, _KEY, (record.record_id, field.field))
                item.setToolTip(0, field.label)
                top.addChild(item)
                if keep == (record.record_id, field.field):
                    again = item
            if keep == (record.record_id, WHOLE_RECORD):
                again = top
            top.setExpanded(True)
        if again is not None:
            self.tree.setCurrentItem(again)
        else:
            self.field_view.setHtml(
                "<p>Choose a record or one of its fields.</p>" if preview.records else
                "<p>No safeguarding records are held about this pupil.</p>")

    def _current_key(self) -> tuple[str, str] | None:
        item = self.tree.currentItem()
        key = item.data(0, _KEY) if item is not None else None
        return (str(key[0]), str(key[1])) if key else None

    def _current(self) -> tuple[RecordPreview, FieldPreview | None] | None:
        key = self._current_key()
        if key is None or self._chosen is None:
            return None
        record = next((r for r in self._chosen.preview.records if r.record_id == key[0]), None)
        if record is None:
            return None
        return record, (record.field_named(key[1]) if key[1] else None)

    def _show_field(self) -> None:
        current = self._current()
        if current is not None:
            self.field_view.setHtml(field_html(*current))
        self._update_buttons()

    def _is_open(self) -> bool:
        return (self._allowed and self._chosen is not None
                and self._chosen.record.entry.request.status is RequestStatus.OPEN)

    def _update_buttons(self) -> None:
        chosen = self._chosen is not None and self._allowed
        is_open = self._is_open()
        working = self.busy.active
        current = self._current()
        marked = current is not None and (
            current[1].withheld_reason is not None if current[1] is not None
            else current[0].withheld_reason is not None)
        self.log_button.setEnabled(self._allowed)
        self.amend_button.setEnabled(is_open and not working)
        self.print_button.setEnabled(chosen and not working)
        self.save_button.setEnabled(chosen and not working)
        self.disclosed_button.setEnabled(is_open and not working)
        self.withhold_button.setEnabled(is_open and current is not None and not working)
        self.disclose_button.setEnabled(is_open and marked and not working)
        for box in self.options.values():
            box.setEnabled(is_open and not working)

    # -- changes ------------------------------------------------------------------
    def _open_request_form(self, entry: RequestEntry | None) -> None:
        if not self._allowed:
            return
        form = RequestForm(self._worker, self._session, entry=entry, parent=self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.saved.connect(self.refresh)
        form.open()

    def withhold(self) -> None:
        current = self._current()
        if current is None or self._chosen is None or not self._is_open():
            return
        record, field = current
        what = f"{record.heading}: {field.label}" if field else f"{record.heading} (whole)"
        reason = (field.withheld_reason if field else record.withheld_reason) or ""
        dialog = WithholdDialog(self._worker, self._session, self._chosen.record.entry.id,
                                record.record_id, field.field if field else WHOLE_RECORD,
                                what, reason, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.refresh)
        dialog.open()

    def disclose_again(self) -> None:
        key = self._current_key()
        if key is None or self._chosen is None or not self._is_open():
            return
        self._change(lambda session, sar_id: sar.unmark(session, sar_id, *key))

    def _options_changed(self) -> None:
        options = RedactionOptions(**{n: box.isChecked() for n, box in self.options.items()})
        self._change(lambda session, sar_id: sar.set_redaction_options(session, sar_id,
                                                                       options))

    def _change(self, job: Any) -> None:
        """Run a change to the chosen request on the worker, then show it again."""
        if self._chosen is None:
            return
        session, sar_id = self._session, self._chosen.record.entry.id
        self.busy.start("Saving…")
        self._update_buttons()

        def done(_nothing: Any) -> None:
            self.busy.stop()
            self.refresh()

        self._worker.run(lambda: job(session, sar_id), on_done=while_alive(self, done),
                         on_error=while_alive(self, self._failed))

    def record_disclosed(self) -> None:
        if self._chosen is None or not self._is_open():
            return
        dialog = DisclosedDialog(self._worker, self._session, self._chosen.record.entry.id,
                                 parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.refresh)
        dialog.open()

    # -- the pack -----------------------------------------------------------------
    def _pdf(self, deliver: Any) -> None:
        """Make the disclosure pack on the worker, then print or save it."""
        if self._chosen is None:
            return
        session, sar_id = self._session, self._chosen.record.entry.id
        self.busy.start("Preparing the disclosure PDF…")
        self._update_buttons()

        def done(data: bytes) -> None:
            self.busy.stop()
            self._update_buttons()
            deliver(data)

        def failed(exc: BaseException) -> None:
            self.busy.stop()
            self._update_buttons()
            warn(self, "Subject access disclosure", exc)

        self._worker.run(lambda: sar.disclosure_pdf(session, sar_id),
                         on_done=while_alive(self, done), on_error=while_alive(self, failed))

"""The DSL's register of allegations and low-level concerns about adults.

A list (filtered as you type, and by kind), a read-only detail pane with every
saved version, and the patterns: adults with more than one low-level concern.
It lives apart from every pupil's file; the services refuse anyone but the DSL,
and this window then says so and shows nothing.

An allegation goes to the LADO: "LADO referral…" opens the referral drafted for
the chosen allegation (starting one if there is none yet), and "LADO tracking…"
records how it was sent, the LADO's feedback and any chasing. The detail pane says
where the referral has got to.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.adult_concerns import (
    FIELD_LABELS,
    AdultConcern,
    AdultConcernEntry,
    AdultConcernKind,
    filter_register,
)
from sgdesk.models.referrals import ReferralKind
from sgdesk.models.working_days import ENGLAND, WorkingDayCalendar
from sgdesk.services import adult_concerns, referrals
from sgdesk.services.adult_concerns import AdultConcernRecord, AdultConcernVersion
from sgdesk.services.record_dates import day_text
from sgdesk.services.referrals import ReferralRecord
from sgdesk.services.session import Session
from sgdesk.ui.dialogs.adult_concern_form import AdultConcernForm
from sgdesk.ui.dialogs.referral_dialog import ReferralDialog
from sgdesk.ui.dialogs.referral_tracking_dialog import (
    ReferralTrackingDialog,
    feedback_text,
    sending_text,
)
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    HINT_COLOUR,
    record_table,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.text_table_model import TextTableModel
from sgdesk.ui.worker import DbWorker

COLUMNS = ("Kind", "Happened", "Adult", "Works here as", "Status")


def _day(value: date) -> str:
    return value.strftime("%a %d %b %Y").replace(" 0", " ")


def _moment(value: datetime) -> str:
    return value.astimezone().strftime("%d %b %Y at %H:%M").lstrip("0")


def status_text(content: AdultConcern, today: date, calendar: WorkingDayCalendar) -> str:
    """The status as the list shows it; an allegation says when the LADO is due."""
    due = content.lado_due_on(calendar)
    if due is None:
        return content.status.label
    if due < today:
        return f"LADO overdue (due {_day(due)})"
    return f"Consult the LADO by {_day(due)}"


class RegisterModel(TextTableModel[AdultConcernEntry]):
    """The filtered register, one row per record; an overdue LADO consultation in red
    (and said in words, so not by colour alone)."""

    def __init__(self) -> None:
        super().__init__()
        self.today = date.today()
        self.calendar = ENGLAND

    def headers(self) -> tuple[str, ...]:
        return COLUMNS

    def set_entries(self, entries: list[AdultConcernEntry], today: date,
                    calendar: WorkingDayCalendar) -> None:
        self.today, self.calendar = today, calendar
        self.set_rows(entries)

    def cells(self, row: AdultConcernEntry) -> tuple[str, ...]:
        content = row.content
        return (content.kind.label, day_text(content.happened_at.astimezone().date()),
                content.adult_name, content.adult_capacity.label,
                status_text(content, self.today, self.calendar))

    def extra(self, row: AdultConcernEntry, column: int, role: int) -> Any:
        due = row.content.lado_due_on(self.calendar)
        if (role == Qt.ItemDataRole.ForegroundRole and column == 4 and due is not None
                and due < self.today):
            return Qt.GlobalColor.darkRed
        return None


def _field_rows(content: AdultConcern) -> list[tuple[str, str]]:
    """(label, text) for every filled field of one version, in form order."""
    rows = [
        ("adult_name", content.adult_name),
        ("adult_capacity", content.adult_capacity.label),
        ("adult_position", content.adult_position),
        ("raised_by", f"{content.raised_by} ({content.raised_by_role})"),
        ("happened_at", _moment(content.happened_at)),
        ("raised_at", _moment(content.raised_at)),
        ("location", content.location),
        ("what_happened", content.what_happened),
        ("children", content.children),
        ("thresholds", "\n".join(t.label for t in content.thresholds)),
        ("action_taken", content.action_taken),
        ("lado_consulted_on",
         _day(content.lado_consulted_on) if content.lado_consulted_on else ""),
        ("lado_name", content.lado_name),
        ("lado_advice", content.lado_advice),
        ("outcome", f"{content.outcome.label}: {content.outcome.meaning}"
         if content.outcome else ""),
        ("outcome_notes", content.outcome_notes),
        ("shared_with_hr_on",
         _day(content.shared_with_hr_on) if content.shared_with_hr_on else ""),
        ("review_on", _day(content.review_on) if content.review_on else ""),
        ("closed_on", _day(content.closed_on) if content.closed_on else ""),
    ]
    return [(FIELD_LABELS[name], text) for name, text in rows if text.strip()]


def _text(value: str) -> str:
    return html.escape(value).replace("\n", "<br>")


def lado_html(record: AdultConcernRecord, lado: ReferralRecord | None, today: date) -> str:
    """Where the allegation's LADO referral has got to: its state, sending, feedback."""
    allegation = record.current.content.kind is AdultConcernKind.ALLEGATION
    if lado is None:
        return ("<p><b>LADO referral:</b> none drafted yet. Use LADO referral… to draft "
                "one.</p>") if allegation else ""
    sending = lado.tracking.sending
    rows = [("LADO referral", "Final" if lado.state == "final" else "Draft, not finalised"),
            ("Sent", "Not sent yet" if sending is None else
             f"{sending_text(sending)} to {sending.recipient}"
             + (f", reference {sending.reference}" if sending.reference else ""))]
    if sending is not None:
        rows.append(("Feedback", feedback_text(lado, today)))
    parts = ["<table cellspacing='0' cellpadding='3'>"]
    parts += [f"<tr><td valign='top'><b>{_text(label)}:</b></td><td>{_text(text)}</td></tr>"
              for label, text in rows]
    parts.append("</table>")
    if sending is not None and record.current.content.lado_consulted_on is None:
        parts.append("<p>Amend this record to note the LADO consultation: the date, the "
                     "LADO's name and their advice.</p>")
    return "".join(parts) + "<hr>"


def detail_html(record: AdultConcernRecord, shown: AdultConcernVersion, today: date,
                calendar: WorkingDayCalendar, lado: ReferralRecord | None = None) -> str:
    """One version of a record, where its LADO referral has got to, then its history:
    who saved each version, when and why."""
    content = shown.content
    status = status_text(record.current.content, today, calendar)
    parts = [f"<h3>{_text(content.kind.label)} about {_text(content.adult_name)}</h3>",
             f"<p><b>Status now:</b> {_text(status)}</p>", lado_html(record, lado, today)]
    if shown is not record.current:
        parts.append(f"<p style='color:{ERROR_COLOUR}'>You are looking at version "
                     f"{shown.number}, not the current version "
                     f"({record.current.number}).</p>")
    parts.append("<table cellspacing='0' cellpadding='3'>")
    parts += [f"<tr><td valign='top'><b>{_text(label)}</b></td><td>{_text(text)}</td></tr>"
              for label, text in _field_rows(content)]
    parts.append("</table><h4>History</h4><ul>")
    for version in reversed(record.versions):
        what = "Recorded" if version.number == 1 else "Amended"
        line = (f"<b>Version {version.number}</b>"
                f"{' (current)' if version is record.current else ''}: {what} by "
                f"{_text(version.saved_by)} on {_text(_moment(version.saved_at))}.")
        if version.reason:
            line += f"<br>Why: {_text(version.reason)}"
        if version.changed:
            line += "<br>Changed: " + _text(", ".join(FIELD_LABELS[f] for f in version.changed))
        parts.append(f"<li>{line}</li>")
    parts.append("</ul>")
    return "".join(parts)


@dataclass(frozen=True)
class _Selected:
    """A record read for the detail pane, with its LADO referrals (oldest first)."""

    record: AdultConcernRecord
    lado: list[ReferralRecord]


def _read_selected(session: Session, record_id: str) -> _Selected:
    return _Selected(adult_concerns.get_adult_concern(session, record_id),
                     referrals.referrals_for_adult_concern(session, record_id))


def _lado_referral_for(session: Session, record_id: str) -> str:
    """Worker job: the allegation's LADO referral (the latest, if there are several), or
    a new draft when it has none."""
    found = referrals.referrals_for_adult_concern(session, record_id)
    if found:
        return found[-1].id
    return referrals.start_referral(session, ReferralKind.LADO, adult_concern_id=record_id)


class AdultRegisterDialog(QDialog):
    """Allegations and low-level concerns about adults: the DSL's register."""

    def __init__(self, worker: DbWorker, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._all: list[AdultConcernEntry] = []
        self._record: AdultConcernRecord | None = None
        self._lado: ReferralRecord | None = None
        self._starting = False
        self._today = date.today()
        self._calendar: WorkingDayCalendar = ENGLAND  # until the register is read
        self.setWindowTitle("Allegations and low-level concerns about adults")
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped_label(
            "Allegations about adults who work with children, and low-level concerns about "
            "them. Only the Designated Safeguarding Lead can see this register. Nothing in it "
            "appears on a pupil's file or in search."))
        self.message = wrapped_label(colour=ERROR_COLOUR)
        self.message.hide()
        layout.addWidget(self.message)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_list_side())
        splitter.addWidget(self._build_detail_side())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        layout.addLayout(self._build_buttons())

        self.filter_edit.textChanged.connect(self._apply_filter)
        self.kind_filter.currentIndexChanged.connect(self._apply_filter)
        self.table.selectionModel().selectionChanged.connect(self._load_selected)
        # Tabbing into the list makes a row current without selecting it: select it, so
        # the keyboard user reads the record at once.
        self.version_box.currentIndexChanged.connect(self._show_version)
        self.patterns.itemActivated.connect(self._show_pattern)
        self.resize(1080, 680)
        self._set_allowed(False)
        self.filter_edit.setFocus()
        self.refresh()

    # -- building -----------------------------------------------------------------
    def _build_list_side(self) -> QWidget:
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        filters = QGridLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Name, role, place or words in the record")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter the register")
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("All records", None)
        self.kind_filter.addItem("Allegations", AdultConcernKind.ALLEGATION)
        self.kind_filter.addItem("Low-level concerns", AdultConcernKind.LOW_LEVEL)
        self.kind_filter.setAccessibleName("Show which kind")
        for col, (text, widget) in enumerate((("&Filter:", self.filter_edit),
                                              ("S&how:", self.kind_filter))):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label, 0, col * 2)
            filters.addWidget(widget, 0, col * 2 + 1)
        filters.setColumnStretch(1, 1)
        column.addLayout(filters)

        self.model = RegisterModel()
        self.table = record_table(self.model, "Register of allegations and low-level concerns", 2)
        list_label = QLabel("&Register:")
        list_label.setBuddy(self.table)
        column.addWidget(list_label)
        column.addWidget(self.table, 1)
        self.count_label = wrapped_label(colour=HINT_COLOUR)
        column.addWidget(self.count_label)

        patterns_label = QLabel("Repeated low-level concerns about the same adult (&patterns):")
        self.patterns = QListWidget()
        self.patterns.setAccessibleName("Repeated low-level concerns about the same adult")
        self.patterns.setMaximumHeight(self.patterns.fontMetrics().lineSpacing() * 3 + 12)
        patterns_label.setBuddy(self.patterns)
        self.no_patterns = wrapped_label(
            "No adult has more than one low-level concern recorded.", HINT_COLOUR)
        column.addWidget(patterns_label)
        column.addWidget(self.patterns)
        column.addWidget(self.no_patterns)
        return side

    def _build_detail_side(self) -> QWidget:
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        version_label = QLabel("Show &version:")
        self.version_box = QComboBox()
        self.version_box.setAccessibleName("Which saved version to show")
        version_label.setBuddy(self.version_box)
        row.addWidget(version_label)
        row.addWidget(self.version_box, 1)
        column.addLayout(row)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.setAccessibleName("The record, read only")
        self.detail.setPlaceholderText("Choose a record in the list to read it here.")
        column.addWidget(self.detail, 1)
        return side

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.allegation_button = QPushButton("Record an &allegation…")
        self.low_level_button = QPushButton("Record a &low-level concern…")
        self.amend_button = QPushButton("A&mend…")
        self.lado_button = QPushButton("LA&DO referral…")
        self.lado_button.setToolTip("Open the LADO referral for this allegation, or draft one")
        self.lado_tracking_button = QPushButton("LADO &tracking…")
        self.lado_tracking_button.setToolTip("How the LADO referral was sent, the LADO's "
                                             "feedback and any chasing")
        for button in (self.allegation_button, self.low_level_button, self.amend_button,
                       self.lado_button, self.lado_tracking_button):
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row.addWidget(close)
        self.allegation_button.clicked.connect(
            lambda: self._open_form(kind=AdultConcernKind.ALLEGATION))
        self.low_level_button.clicked.connect(
            lambda: self._open_form(kind=AdultConcernKind.LOW_LEVEL))
        self.amend_button.clicked.connect(lambda: self._open_form(record=self._record))
        self.lado_button.clicked.connect(self.open_lado_referral)
        self.lado_tracking_button.clicked.connect(self.open_lado_tracking)
        return row

    # -- loading ------------------------------------------------------------------
    def refresh(self, select_id: str = "") -> None:
        """Reload the register on the worker (the service checks the role there)."""
        session = self._session
        self._worker.run(lambda: adult_concerns.register_overview(session),
                         on_done=while_alive(self, lambda o: self._show_overview(o, select_id)),
                         on_error=while_alive(self, self._refused))

    def _show_overview(self, overview: adult_concerns.RegisterOverview, select_id: str) -> None:
        self._all = list(overview.entries)
        self._today, self._calendar = overview.today, overview.calendar
        self.patterns.clear()
        for pattern in overview.patterns:
            item = QListWidgetItem(pattern.summary)
            item.setData(Qt.ItemDataRole.UserRole, pattern.adult_name)
            self.patterns.addItem(item)
        has_patterns = bool(overview.patterns)
        self.patterns.setVisible(has_patterns)
        self.no_patterns.setVisible(not has_patterns)
        self._set_allowed(True)
        self._show_message("")
        self._apply_filter(select_id=select_id or (self._record.id if self._record else ""))

    def _refused(self, exc: BaseException) -> None:
        self._set_allowed(False)
        self._show_message(describe(exc))

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _set_allowed(self, allowed: bool) -> None:
        self._allowed = allowed
        self.allegation_button.setEnabled(allowed)
        self.low_level_button.setEnabled(allowed)
        self.amend_button.setEnabled(allowed and self._record is not None)
        self.lado_button.setEnabled(self._can_open_lado())
        self.lado_tracking_button.setEnabled(allowed and self._lado is not None)

    # -- the list -----------------------------------------------------------------
    def _apply_filter(self, *_args: object, select_id: str = "") -> None:
        shown = filter_register(self._all, self.filter_edit.text(),
                                self.kind_filter.currentData())
        self.model.set_entries(shown, self._today, self._calendar)
        total = len(self._all)
        self.count_label.setText(
            "The register is empty." if not total else
            f"{len(shown)} of {total} records shown." if len(shown) != total else
            f"{total} record{'s' if total != 1 else ''}.")
        ids = [e.id for e in shown]
        if select_id in ids:
            self.table.selectRow(ids.index(select_id))
        elif self._record is not None and self._record.id not in ids:
            self._clear_detail()

    def _show_pattern(self, item: QListWidgetItem) -> None:
        """Show just that adult's low-level concerns in the list."""
        self.kind_filter.setCurrentIndex(self.kind_filter.findData(AdultConcernKind.LOW_LEVEL))
        self.filter_edit.setText(str(item.data(Qt.ItemDataRole.UserRole)))
        self.table.setFocus()
        if self.model.rowCount():
            self.table.selectRow(0)

    def selected_entry(self) -> AdultConcernEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    # -- the detail pane ----------------------------------------------------------
    def _load_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        session = self._session
        self._worker.run(lambda: _read_selected(session, entry.id),
                         on_done=while_alive(self, self._show_record),
                         on_error=while_alive(self, self._refused))

    def _show_record(self, selected: _Selected) -> None:
        record = selected.record
        self._record = record
        self._lado = selected.lado[-1] if selected.lado else None
        self.version_box.blockSignals(True)
        self.version_box.clear()
        for version in reversed(record.versions):
            current = " (current)" if version is record.current else ""
            what = "recorded" if version.number == 1 else "amended"
            saved_on = version.saved_at.astimezone().strftime("%d %b %Y").lstrip("0")
            self.version_box.addItem(f"Version {version.number}{current}, {what} {saved_on}",
                                     version.number)
        self.version_box.blockSignals(False)
        self._set_allowed(self._allowed)
        self._show_version()

    def _show_version(self) -> None:
        record = self._record
        if record is None:
            return
        number = self.version_box.currentData()
        shown = next((v for v in record.versions if v.number == number), record.current)
        self.detail.setHtml(detail_html(record, shown, self._today, self._calendar,
                                        self._lado))

    def _clear_detail(self) -> None:
        self._record = None
        self._lado = None
        self.version_box.clear()
        self.detail.clear()
        self._set_allowed(self._allowed)

    def detail_text(self) -> str:
        """What the detail pane says, as plain text (what a screen reader reads)."""
        return self.detail.toPlainText()

    # -- recording and amending ---------------------------------------------------
    def _open_form(self, *, kind: AdultConcernKind = AdultConcernKind.LOW_LEVEL,
                   record: AdultConcernRecord | None = None) -> None:
        if not self._allowed:
            return
        form = AdultConcernForm(self._worker, self._session, kind=kind, record=record,
                                parent=self)
        form.saved.connect(self._saved)
        form.open()

    # -- the LADO referral --------------------------------------------------------
    def _can_open_lado(self) -> bool:
        """An allegation goes to the LADO; a low-level concern does not (unless one was
        referred before, which stays readable)."""
        record = self._record
        return (self._allowed and not self._starting and record is not None and
                (record.current.content.kind is AdultConcernKind.ALLEGATION
                 or self._lado is not None))

    def open_lado_referral(self) -> None:
        """Open the chosen allegation's LADO referral, drafting it first if it has none
        (on the worker: the service checks the role and the allegation there)."""
        record = self._record
        if record is None or not self._can_open_lado():
            return
        self._set_starting(True)
        session = self._session

        def started(referral_id: str) -> None:
            self._set_starting(False)
            self._load_selected()
            self._show_referral_dialog(ReferralDialog(self._worker, self._session,
                                                      referral_id, parent=self))

        def failed(exc: BaseException) -> None:
            self._set_starting(False)
            self._show_message(f"The LADO referral could not be opened. {describe(exc)}")

        self._worker.run(lambda: _lado_referral_for(session, record.id),
                         on_done=while_alive(self, started), on_error=while_alive(self, failed))

    def open_lado_tracking(self) -> None:
        """Sending, the LADO's feedback, chases and escalation for the LADO referral."""
        if self._allowed and self._lado is not None:
            self._show_referral_dialog(ReferralTrackingDialog(self._worker, self._session,
                                                              self._lado.id, parent=self))

    def _set_starting(self, starting: bool) -> None:
        self._starting = starting
        self._set_allowed(self._allowed)

    def _show_referral_dialog(self, dialog: ReferralDialog | ReferralTrackingDialog) -> None:
        """Open it over the register; each save there refreshes the detail pane."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _id: self._load_selected())
        dialog.open()

    def _saved(self, record_id: str) -> None:
        self.filter_edit.clear()
        self.kind_filter.setCurrentIndex(0)
        self._record = None
        self.refresh(select_id=record_id)
        self.table.setFocus()


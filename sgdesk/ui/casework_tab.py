"""The Casework tab of a pupil's record: the pupil's cases (Early Help, child in
need, child protection), and for the chosen case a header with its clocks and a
read-only summary — the assessment triangle, the plan, visits and meetings —
with the SENDCO's input on it (:mod:`sgdesk.ui.sendco_input_panel`).

Clocks are said in words ("Assessment due (45 working days): Friday 12/02/2027 —
5 working days left", "OVERDUE since …"), never by colour alone. Only the DSL
and deputies open and change cases; the SENDCO and the auditor read and print.
Every read and write runs on the database worker; :attr:`changed` says
something was saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.casework import CaseClock, CaseContent
from sgdesk.models.concerns import ActionStatus
from sgdesk.models.sendco import SendcoRecordKind
from sgdesk.models.working_days import working_days_between
from sgdesk.services import casework
from sgdesk.services.casework import CASEWORKER_ROLES, CaseRecord
from sgdesk.services.record_dates import day_text, moment_text
from sgdesk.services.school_calendar import working_calendar
from sgdesk.services.session import Session
from sgdesk.ui.dialogs.case_dialogs import (
    AssessmentDialog,
    CaseItemForm,
    CloseCaseDialog,
    MeetingDialog,
    OpenCaseDialog,
    PlanDialog,
    VisitDialog,
)
from sgdesk.ui.dialogs.case_form import CaseForm
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    HINT_COLOUR,
    add_status_lines,
    warn,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.pdf_output import print_pdf, save_pdf
from sgdesk.ui.sendco_input_panel import SendcoInputPanel
from sgdesk.ui.text_table_model import TextTableModel
from sgdesk.ui.worker import DbWorker

#: What the tab prints: (which print, what it is called, its suggested file name).
PRINTS = (("notes", "Case notes", "case-notes.pdf"),
          ("assessment", "Assessment", "assessment.pdf"),
          ("plan", "Plan", "plan.pdf"))
ACTION_STATUS = {ActionStatus.OPEN: "Open", ActionStatus.DONE: "Done",
                 ActionStatus.CANCELLED: "No longer needed"}


# -- reading ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseListing:
    """One worker job's answer: the cases (newest first), today, and how many
    working days each clock has left (negative once overdue), by case id."""

    records: list[CaseRecord]
    today: date
    days_left: dict[str, tuple[int, ...]]


def read_cases(session: Session, pupil_id: str) -> CaseListing:
    """Worker job: the pupil's cases and their clocks counted on the school's calendar."""
    records = casework.cases_for_pupil(session, pupil_id)[::-1]
    today = session.db.clock().astimezone().date()
    calendar = working_calendar(session)
    return CaseListing(records, today, {
        r.id: tuple(working_days_between(today, c.due, calendar) for c in r.clocks)
        for r in records})


def _days(count: int) -> str:
    return f"{count} working day{'' if count == 1 else 's'}"


def clock_text(clock: CaseClock, today: date, days_left: int) -> str:
    """One clock in words, as the header and a screen reader give it."""
    due = f"{clock.due:%A} {day_text(clock.due)}"
    if clock.done:
        return f"{clock.name}: {due} — met"
    if clock.overdue(today):
        return f"{clock.name}: OVERDUE since {due} ({_days(-days_left)} late)"
    if days_left == 0:
        return f"{clock.name}: {due} — due TODAY"
    return f"{clock.name}: {due} — {_days(days_left)} left"


def status_text(content: CaseContent) -> str:
    return "Open" if content.is_open else f"Closed {day_text(content.closed_on)}"


class CaseListModel(TextTableModel[CaseRecord]):
    """The pupil's cases, one line each."""

    HEADERS = ("Kind", "Lead practitioner", "Started", "Status")

    def headers(self) -> tuple[str, ...]:
        return self.HEADERS

    def cells(self, row: CaseRecord) -> tuple[str, ...]:
        case = row.current
        return (case.kind.label, case.lead_practitioner, day_text(case.started_on),
                status_text(case))


@dataclass(frozen=True)
class CaseEntry:
    """A visit or meeting as the tab lists it: which list of the case it is in,
    and its place there (what an amendment replaces)."""

    kind: str  # "visit" or "meeting"
    index: int
    on: datetime
    what: str

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.index}"


def case_entries(case: CaseContent) -> list[CaseEntry]:
    """The case's visits and meetings together, newest first."""
    visits = [CaseEntry("visit", i, v.on, " · ".join(p for p in (v.purpose, v.who, v.where) if p))
              for i, v in enumerate(case.visits)]
    meetings = [CaseEntry("meeting", i, m.on, m.kind.label) for i, m in enumerate(case.meetings)]
    return sorted(visits + meetings, key=lambda e: e.on, reverse=True)


class CaseEntryModel(TextTableModel[CaseEntry]):
    """The chosen case's visits and meetings, one line each."""

    HEADERS = ("When", "Visit or meeting", "About")

    def headers(self) -> tuple[str, ...]:
        return self.HEADERS

    def cells(self, row: CaseEntry) -> tuple[str, ...]:
        return (moment_text(row.on), row.kind.capitalize(), row.what)


# -- the summary -------------------------------------------------------------------------
def _para(text: str) -> str:
    """Typed text, its line breaks kept; "None recorded" when empty."""
    if not text.strip():
        return f"<p style='color:{HINT_COLOUR}'>None recorded.</p>"
    return "<p>" + escape(text).replace("\n", "<br>") + "</p>"


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th align='left' valign='top'>{escape(k)}</th>"
                    f"<td>{escape(v).replace(chr(10), '<br>')}</td></tr>"
                    for k, v in rows if v)
    return f"<table cellpadding='3'>{cells}</table>"


def case_html(record: CaseRecord) -> str:
    """The case read-only: assessment, plan, visits (newest first), meetings, changes."""
    case = record.current
    parts = ["<h3>Assessment</h3>"]
    assessment = case.assessment
    written = any(not notes.is_empty for _domain, notes in assessment.domains) or any(
        text.strip() for text in (assessment.child_voice, assessment.family_view))
    if not written:
        parts.append("<p>No assessment written yet.</p>")
    for domain, notes in assessment.domains if written else ():
        parts.append(f"<h4>{escape(domain.label)}</h4>")
        parts.append(_table([("Needs", notes.needs), ("Strengths", notes.strengths),
                             ("Analysis", notes.analysis)]) if not notes.is_empty
                     else _para(""))
    if written:
        parts.append("<h4>The child's voice</h4>" + _para(assessment.child_voice))
        parts.append("<h4>The family's view</h4>" + _para(assessment.family_view))
    approval = (f"Approved by {assessment.approved_by} on {day_text(assessment.approved_on)}"
                if assessment.approved_on else "Not approved yet")
    parts.append(_table([("Completed", day_text(assessment.completed_on) or "Not yet"),
                         ("Approval", approval)]))

    parts.append("<h3>Plan</h3><h4>Outcomes wanted</h4>" + _para(case.plan.outcomes))
    if case.plan.actions:
        rows = "".join(f"<tr><td>{escape(a.who)}</td><td>{escape(a.what)}</td>"
                       f"<td>{day_text(a.by_when)}</td><td>{ACTION_STATUS[a.status]}</td></tr>"
                       for a in case.plan.actions)
        parts.append("<table border='1' cellspacing='0' cellpadding='3'><tr><th>Who</th>"
                     f"<th>What</th><th>By when</th><th>Status</th></tr>{rows}</table>")
    else:
        parts.append("<p>No actions yet.</p>")

    parts.append("<h3>Visits and conversations</h3>")
    for index, visit in sorted(enumerate(case.visits), key=lambda v: v[1].on, reverse=True):
        if not visit.child_seen:
            seen = "Child not seen"
        elif visit.seen_alone:
            seen = "Child seen alone"
        else:
            seen = f"<b>Child NOT seen alone: {escape(visit.not_seen_alone_reason)}</b>"
        parts.append(f"<p><a name='visit-{index}'></a><b>{moment_text(visit.on)}</b> · "
                     f"{escape(visit.who)}"
                     f"{' · ' + escape(visit.where) if visit.where else ''}<br>{seen}</p>")
        parts.append(_table([("Purpose", visit.purpose), ("The child's words", visit.child_words),
                             ("Observations", visit.observations),
                             ("Actions arising", visit.actions_arising)]))
    if not case.visits:
        parts.append("<p>No visits recorded yet.</p>")

    parts.append("<h3>Meetings</h3>")
    for index, meeting in sorted(enumerate(case.meetings), key=lambda m: m[1].on,
                                 reverse=True):
        parts.append(f"<p><a name='meeting-{index}'></a><b>{moment_text(meeting.on)} · "
                     f"{escape(meeting.kind.label)}</b></p>")
        parts.append(_table([("Attendees", meeting.attendees), ("Apologies", meeting.apologies),
                             ("Decisions", meeting.decisions),
                             ("Next meeting", day_text(meeting.next_date))]))
    if not case.meetings:
        parts.append("<p>No meetings recorded yet.</p>")

    if case.closed_on:
        parts.append("<h3>Closure</h3>" + _table([("Closed", day_text(case.closed_on)),
                                                   ("Why", case.closure_reason)]))
    changes = "".join(f"<li>{moment_text(v.saved_at)} · {escape(v.saved_by)} · "
                      f"{escape(v.reason or 'Case opened')}</li>" for v in record.versions)
    parts.append(f"<h3>Changes to this case</h3><ul>{changes}</ul>")
    return "".join(parts)


# -- the tab ---------------------------------------------------------------------------
class CaseworkTab(QWidget):
    """A pupil's cases and the chosen one in full; :attr:`changed` after a save."""

    changed = Signal()

    def __init__(self, worker: DbWorker, session: Session, pupil_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._pupil_id = pupil_id
        self._listing = CaseListing([], date.min, {})
        self._select_after: str | None = None
        self.can_record = session.user.role in CASEWORKER_ROLES
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped_label(
            "Cases where the school is lead practitioner (Early Help, child in need) or "
            "contributes to child protection. Each change is kept as a new version."
            if self.can_record else
            "Cases for this pupil. You can read and print them; only the DSL and deputies "
            "open and change cases.", HINT_COLOUR))
        self.message, self.busy = add_status_lines(layout)

        self.model = CaseListModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("This pupil's cases, newest first")
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(self.table.fontMetrics().lineSpacing() * 6)
        self.empty = wrapped_label("No cases have been opened for this pupil.", HINT_COLOUR)
        self.empty.hide()
        layout.addWidget(self.table)
        layout.addWidget(self.empty)

        self.heading = wrapped_label()
        self.heading.setObjectName("case_heading")
        self.heading.setStyleSheet("font-weight: 600;")
        self.clocks = wrapped_label()
        self.clocks.setObjectName("case_clocks")
        self.clocks.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                            | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.clocks.setAccessibleName("Clocks")
        self.summary = QTextBrowser()
        self.summary.setAccessibleName("The chosen case in full")
        self.summary.setTabChangesFocus(True)
        details = QWidget()
        column = QVBoxLayout(details)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.heading)
        column.addWidget(self.clocks)
        column.addWidget(self._build_entries())
        column.addWidget(self.summary, 1)
        self.sendco_input = SendcoInputPanel(worker, session, SendcoRecordKind.CASE, pupil_id)
        column.addWidget(self.sendco_input)
        layout.addWidget(details, 1)
        layout.addLayout(self._build_buttons())

        self.table.selectionModel().currentRowChanged.connect(
            lambda _now, _before: self._show_chosen())
        self._show_chosen()
        self.reload()

    def _build_entries(self) -> QWidget:
        """The chosen case's visits and meetings, to pick one to read or correct."""
        self.entry_model = CaseEntryModel()
        self.entries = QTableView()
        self.entries.setModel(self.entry_model)
        self.entries.setAccessibleName("Visits and meetings on this case, newest first")
        self.entries.verticalHeader().hide()
        self.entries.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entries.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.entries.setTabKeyNavigation(False)
        header = self.entries.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.entries.setMaximumHeight(self.entries.fontMetrics().lineSpacing() * 7)
        self.entries.setToolTip("Enter amends the chosen visit or meeting")
        caption = QLabel("Visits and meetin&gs, newest first:")
        caption.setBuddy(self.entries)
        self.amend_visit_button = QPushButton("Amend v&isit…")
        self.amend_meeting_button = QPushButton("Amend mee&ting…")
        self.amend_visit_button.clicked.connect(lambda: self.amend(VisitDialog))
        self.amend_meeting_button.clicked.connect(lambda: self.amend(MeetingDialog))
        self.entries.activated.connect(lambda _index: self.amend(
            VisitDialog if self._entry_kind() == "visit" else MeetingDialog))
        self.entries.selectionModel().currentRowChanged.connect(
            lambda _now, _before: self._entry_chosen())
        side = QVBoxLayout()
        for button in (self.amend_visit_button, self.amend_meeting_button):
            button.setAutoDefault(False)
            button.setVisible(self.can_record)
            side.addWidget(button)
        side.addStretch(1)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.entries, 1)
        line.addLayout(side)
        self.entries_box = QWidget()
        box = QVBoxLayout(self.entries_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(caption)
        box.addLayout(line)
        return self.entries_box

    def _build_buttons(self) -> QVBoxLayout:
        self.open_case_button = QPushButton("O&pen a case…")
        self.visit_button = QPushButton("Record a &visit…")
        self.meeting_button = QPushButton("Record a &meeting…")
        self.assessment_button = QPushButton("Edit &assessment…")
        self.plan_button = QPushButton("Edit p&lan…")
        self.close_button = QPushButton("Cl&ose case…")
        self.print_button = QPushButton("P&rint…")
        self.save_button = QPushButton("Save as P&DF…")
        self.edit_buttons: dict[QPushButton, type[CaseForm]] = {
            self.visit_button: VisitDialog, self.meeting_button: MeetingDialog,
            self.assessment_button: AssessmentDialog, self.plan_button: PlanDialog,
            self.close_button: CloseCaseDialog}
        self.open_case_button.clicked.connect(self.open_case)
        for button, form in self.edit_buttons.items():
            button.clicked.connect(lambda _checked=False, f=form: self.edit(f))
        self.print_actions = self._pdf_menu(self.print_button, "Print the {}…",
                                            lambda data, _name: print_pdf(self, data))
        self.save_actions = self._pdf_menu(self.save_button, "Save the {} as PDF…",
                                           lambda data, name: save_pdf(self, data, name))
        rows = QVBoxLayout()
        for group in ((self.open_case_button, *self.edit_buttons),
                      (self.print_button, self.save_button)):
            line = QHBoxLayout()
            for button in group:
                button.setAutoDefault(False)
                button.setVisible(self.can_record or button in (self.print_button,
                                                                self.save_button))
                line.addWidget(button)
            line.addStretch(1)
            rows.addLayout(line)
        return rows

    def _pdf_menu(self, button: QPushButton, words: str,
                  deliver: Callable[[bytes, str], object]) -> dict[str, QAction]:
        """A menu on ``button`` with one entry per print, by :data:`PRINTS` key."""
        menu = QMenu(button)
        actions: dict[str, QAction] = {}
        for which, label, _file_name in PRINTS:
            action = menu.addAction(words.format(label.lower()))
            action.triggered.connect(lambda _checked=False, w=which: self._pdf(w, deliver))
            actions[which] = action
        button.setMenu(menu)
        return actions

    @property
    def records(self) -> list[CaseRecord]:
        """The cases as listed, newest first."""
        return list(self._listing.records)

    def selected(self) -> CaseRecord | None:
        return self.model.entry(self.table.currentIndex().row())

    def chosen_entry(self) -> CaseEntry | None:
        """The visit or meeting chosen in the list under the header."""
        return self.entry_model.entry(self.entries.currentIndex().row())

    def _entry_kind(self) -> str:
        entry = self.chosen_entry()
        return entry.kind if entry else ""

    # -- reading ------------------------------------------------------------------------
    def reload(self) -> None:
        session, pupil_id = self._session, self._pupil_id
        self.busy.start("Reading cases…")
        self._worker.run(lambda: read_cases(session, pupil_id),
                         on_done=while_alive(self, self._loaded),
                         on_error=while_alive(self, self._failed))

    def _loaded(self, listing: CaseListing) -> None:
        self.busy.stop()
        self.message.hide()
        shown = self.selected()
        chosen = self._select_after or (shown.id if shown else None)
        self._select_after = None
        self._listing = listing
        self.model.set_rows(listing.records)
        self.table.setVisible(bool(listing.records))
        self.empty.setVisible(not listing.records)
        ids = [r.id for r in listing.records]
        if ids:
            row = ids.index(chosen) if chosen in ids else 0
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self._show_chosen()

    def _failed(self, exc: BaseException) -> None:
        self.busy.stop()
        self.message.setText(f"The cases could not be read. {describe(exc)}")
        self.message.show()

    def _show_chosen(self) -> None:
        record = self.selected()
        self.heading.setVisible(record is not None)
        self.clocks.setVisible(record is not None)
        self.summary.setVisible(record is not None)
        if record is not None:
            case = record.current
            family = " (whole family)" if case.family_id else ""
            self.heading.setText(
                f"{case.kind.label}{family} — {status_text(case).lower()}, started "
                f"{day_text(case.started_on)}. Lead practitioner: {case.lead_practitioner}"
                + (f"; supervisor: {case.supervisor}" if case.supervisor else "") + "."
                + (f"\nThe school decided it cannot act as lead practitioner: "
                   f"{case.lead_declined_reason}" if case.lead_declined else ""))
            self.clocks.setText(self.clock_lines(record))
            overdue = any(c.overdue(self._listing.today) for c in record.clocks)
            self.clocks.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: 600;"
                                      if overdue else "")
            self.summary.setHtml(case_html(record))
        if self.sendco_input.record_id != (record.id if record else None):
            self.sendco_input.show_record(record.id if record else None)
        self._show_entries(record)
        open_case = record is not None and record.current.is_open
        for button in self.edit_buttons:
            button.setEnabled(open_case)
        for button in (self.print_button, self.save_button):
            button.setEnabled(record is not None)

    def _show_entries(self, record: CaseRecord | None) -> None:
        """List the case's visits and meetings, keeping the one chosen if it is still there."""
        before = self.chosen_entry()
        entries = case_entries(record.current) if record else []
        self.entry_model.set_rows(entries)
        self.entries_box.setVisible(bool(entries))
        keys = [(e.kind, e.index) for e in entries]
        if before is not None and (before.kind, before.index) in keys:
            self.entries.selectionModel().setCurrentIndex(
                self.entry_model.index(keys.index((before.kind, before.index)), 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self._entry_chosen()

    def _entry_chosen(self) -> None:
        """Enable the amend button that fits, and bring the entry into view below."""
        entry = self.chosen_entry()
        self.amend_visit_button.setEnabled(entry is not None and entry.kind == "visit")
        self.amend_meeting_button.setEnabled(entry is not None and entry.kind == "meeting")
        if entry is not None:
            self.summary.scrollToAnchor(entry.anchor)

    def clock_lines(self, record: CaseRecord) -> str:
        """The chosen case's clocks, one a line ("No clocks running" when none)."""
        if not record.current.is_open:
            return "The case is closed: its clocks have stopped."
        left = self._listing.days_left.get(record.id, ())
        lines = [clock_text(c, self._listing.today, n) for c, n in zip(record.clocks, left,
                                                                      strict=True)]
        return "\n".join(lines) or "No clocks running."

    # -- changing -----------------------------------------------------------------------
    def open_case(self) -> OpenCaseDialog | None:
        if not self.can_record:
            return None
        dialog = OpenCaseDialog(self._worker, self._session, pupil_id=self._pupil_id,
                                parent=self)
        self._show_dialog(dialog)
        return dialog

    def edit(self, form: type[CaseForm]) -> CaseForm | None:
        """Open ``form`` (a visit, the plan…) on the chosen case."""
        record = self.selected()
        if record is None or not self.can_record or not record.current.is_open:
            return None
        dialog = form(self._worker, self._session, record.id, parent=self)
        self._show_dialog(dialog)
        return dialog

    def amend(self, form: type[CaseItemForm]) -> CaseItemForm | None:
        """Open ``form`` (a visit's or a meeting's) filled in with the chosen one, to
        correct it. A closed case's record can still be corrected."""
        record, entry = self.selected(), self.chosen_entry()
        if record is None or entry is None or not self.can_record \
                or entry.kind != form.form_name:
            return None
        dialog = form(self._worker, self._session, record.id, item=entry.index, parent=self)
        self._show_dialog(dialog)
        return dialog

    def _show_dialog(self, dialog: CaseForm) -> None:
        """Open without blocking (never ``exec``), so a lock can close it."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.open()

    def show_case(self, case_id: str) -> None:
        """Choose ``case_id`` in the list (once read, if it is not yet)."""
        ids = [r.id for r in self._listing.records]
        if case_id in ids:
            self.table.selectRow(ids.index(case_id))
        else:
            self._select_after = case_id

    def _saved(self, case_id: str) -> None:
        self._select_after = case_id
        self.reload()
        self.changed.emit()

    # -- printing -----------------------------------------------------------------------
    def _pdf(self, which: str, deliver: Callable[[bytes, str], object]) -> None:
        """Build one of :data:`PRINTS` for the chosen case on the worker, then print
        or save it."""
        from sgdesk.services.pdf import case_report

        build = {"notes": case_report.case_notes_pdf, "assessment": case_report.assessment_pdf,
                 "plan": case_report.plan_pdf}[which]
        label, file_name = next((label, name) for key, label, name in PRINTS if key == which)
        record = self.selected()
        if record is None:
            return
        session, case_id = self._session, record.id

        def done(data: bytes) -> None:
            self._pdf_finished()
            deliver(data, file_name)

        def failed(exc: BaseException) -> None:
            self._pdf_finished()
            warn(self, label, exc)

        for button in (self.print_button, self.save_button):
            button.setEnabled(False)
        self.busy.start(f"Preparing the {label.lower()}…")
        self._worker.run(lambda: build(session, case_id),
                         on_done=while_alive(self, done), on_error=while_alive(self, failed))

    def _pdf_finished(self) -> None:
        self.busy.stop()
        self._show_chosen()

"""What happened after a referral went: how and when it was sent, the decision the
local authority owes within one working day, the feedback, and every chase and
escalation (professional challenge) in order.

Each part is recorded on its own (sending, feedback, a follow-up) and each is a
new version of the referral, so the trail shows who recorded what and when. The
decision-due day counts working days: a referral sent on a Friday is due on the
Monday (a bank holiday pushes it further). Overdue feedback is said in words,
not by colour alone. Only the DSL and deputies record; others read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.errors import InvalidInput
from sgdesk.models.referrals import (
    Feedback,
    FeedbackOutcome,
    FollowUp,
    ReferralTracking,
    Sending,
    SendMethod,
    feedback_problems,
    follow_up_problems,
    validate_sending,
)
from sgdesk.services import referrals
from sgdesk.services.concerns import REVIEWER_ROLES
from sgdesk.services.referrals import ReferralRecord
from sgdesk.services.session import Session
from sgdesk.ui.body_maps_tab import fill_table, read_only_table
from sgdesk.ui.concern_form_widgets import DateTimeField
from sgdesk.ui.date_field import DateField
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    HINT_COLOUR,
    BusyBar,
    FieldErrors,
    InlineForm,
    check_filled,
    collect_errors,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.record_text import day_text, moment_text
from sgdesk.ui.worker import DbWorker

CHASE = "Chase"
SECTIONS = ("sending", "feedback", "follow_up")
STYLE = """
QLabel#overdue { font-weight: 600; color: %s; border: 1px solid %s; border-radius: 4px;
                 padding: 4px; }
QLabel#status_heading { font-size: 11pt; font-weight: 600; }
""" % (ERROR_COLOUR, ERROR_COLOUR)  # noqa: UP031 - a stylesheet is full of braces


# -- how tracking reads, shared with the Referrals tab ------------------------------------
def sending_text(sending: Sending | None) -> str:
    """``Phone, 02/11/2026 10:05`` or ``Not sent yet``."""
    if sending is None:
        return "Not sent yet"
    return f"{sending.method.label}, {moment_text(sending.sent_at)}"


def due_text(due: date | None) -> str:
    """``Monday 05/11/2026``; the weekday helps when a weekend falls in between."""
    return f"{due:%A} {day_text(due)}" if due else ""


def feedback_text(record: ReferralRecord, today: date) -> str:
    """The feedback's outcome, or that it is awaited, saying plainly when it is overdue."""
    tracking = record.tracking
    if tracking.feedback is not None:
        return f"{tracking.feedback.outcome.label} (received " \
               f"{day_text(tracking.feedback.received_on)})"
    due = record.decision_due
    if due is None:
        return "Not sent yet"
    if record.feedback_overdue(today):
        return f"Awaiting feedback — OVERDUE: the decision was due {due_text(due)}"
    return f"Awaiting feedback (decision due {due_text(due)})"


def follow_ups_text(tracking: ReferralTracking) -> str:
    """``2 chases, 1 escalation`` or ``None``."""
    escalations = sum(1 for f in tracking.follow_ups if f.escalation_stage)
    chases = len(tracking.follow_ups) - escalations
    parts = [f"{n} {word}{'s' if n != 1 else ''}"
             for n, word in ((chases, "chase"), (escalations, "escalation")) if n]
    return ", ".join(parts) or "None"


def follow_up_kind(follow_up: FollowUp) -> str:
    return f"Escalation: {follow_up.escalation_stage}" if follow_up.escalation_stage else CHASE


def _first_per_field(problems: list[tuple[str, str]]) -> FieldErrors:
    found: FieldErrors = {}
    for name, message in problems:
        found.setdefault(name, message)
    return found


@dataclass(frozen=True)
class _Reading:
    record: ReferralRecord
    stages: list[str]
    now: datetime


def _read(session: Session, referral_id: str) -> _Reading:
    """Worker job: the referral, the school's escalation stages and the time now."""
    return _Reading(referrals.get_referral(session, referral_id),
                    referrals.escalation_stages(session), session.db.clock())


def _text_box(lines: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 2 * edit.frameWidth() + 12)
    return edit


class ReferralTrackingDialog(QDialog):
    """Record sending, feedback and follow-ups for ``referral_id``; :attr:`saved`
    carries the referral's id after each one is recorded."""

    saved = Signal(str)

    HEADINGS = ("Date", "What", "By", "Note", "Outcome")

    def __init__(self, worker: DbWorker, session: Session, referral_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._referral_id = referral_id
        self._reading: _Reading | None = None
        self._wanted_section = ""
        self._can_record = session.user.role in REVIEWER_ROLES
        self.setWindowTitle("Referral: sending, feedback and follow-ups")
        self.setStyleSheet(STYLE)
        self._build()
        screen = self.screen().availableGeometry()
        self.resize(min(820, screen.width()), min(820, screen.height() - 40))
        self.reload()

    @property
    def working(self) -> bool:
        return self.busy.active

    @property
    def record(self) -> ReferralRecord | None:
        return self._reading.record if self._reading else None

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.heading = wrapped_label()
        self.heading.setObjectName("status_heading")
        outer.addWidget(self.heading)
        self.due = wrapped_label()
        self.due.setAccessibleName("Decision due")
        outer.addWidget(self.due)
        self.overdue = wrapped_label()
        self.overdue.setObjectName("overdue")
        self.overdue.hide()
        outer.addWidget(self.overdue)
        self.message = wrapped_label(colour=ERROR_COLOUR)
        self.message.hide()
        outer.addWidget(self.message)
        if not self._can_record:
            outer.addWidget(wrapped_label("You can read this; only the DSL and deputies record "
                                          "sending, feedback and follow-ups.", HINT_COLOUR))

        self.body = QWidget()
        column = QVBoxLayout(self.body)
        column.addWidget(self._build_sending())
        column.addWidget(self._build_feedback())
        column.addWidget(self._build_follow_ups())
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.body)
        outer.addWidget(self.scroll, 1)
        self.busy = BusyBar()
        outer.addWidget(self.busy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAutoDefault(False)
        outer.addWidget(buttons)

    def _group(self, title: str, form: InlineForm, action: str,
               submit: Callable[[], None]) -> tuple[QGroupBox, QPushButton]:
        group = QGroupBox(title)
        box = QVBoxLayout(group)
        box.addWidget(form)
        button = QPushButton(action)
        button.setAutoDefault(False)
        button.clicked.connect(submit)
        line = QHBoxLayout()
        line.addStretch(1)
        line.addWidget(button)
        box.addLayout(line)
        form.setVisible(self._can_record)
        button.setVisible(self._can_record)
        return group, button

    def _build_sending(self) -> QGroupBox:
        self.sending_form = InlineForm()
        self.sent_summary = wrapped_label()
        self.sent_summary.setAccessibleName("How it was sent")
        self.method = self.sending_form.add_field("method", "&How sent:", QComboBox())
        for method in SendMethod:
            self.method.addItem(method.label, method)
        self.sent_at = self.sending_form.add_field("sent_at", "Sent &at:", DateTimeField())
        self.sent_at.setAccessibleName("Date and time sent")
        self.recipient = self.sending_form.add_field(
            "recipient", "Sent &to:", QLineEdit(),
            hint="The team or person, e.g. \"Front door (MASH), duty social worker\" or "
                 "\"LADO, duty officer\".")
        self.reference = self.sending_form.add_field("reference", "&Reference number:",
                                                     QLineEdit())
        for name, editor in (("method", self.method), ("recipient", self.recipient),
                             ("reference", self.reference)):
            editor.setAccessibleName({"method": "How it was sent", "recipient": "Sent to",
                                      "reference": "Reference number"}[name])
        self.sending_form.set_validator(self._sending_errors)
        group, self.sending_button = self._group("Sending", self.sending_form,
                                                 "Record &sending", self.record_sending)
        group.layout().insertWidget(0, self.sent_summary)
        self.sending_group = group
        return group

    def _build_feedback(self) -> QGroupBox:
        self.feedback_form = InlineForm()
        self.feedback_summary = wrapped_label()
        self.feedback_summary.setAccessibleName("Feedback")
        self.received_on = self.feedback_form.add_field("received_on", "Recei&ved on:",
                                                        DateField("received_on"))
        self.received_on.setAccessibleName("Date feedback was received")
        self.outcome = self.feedback_form.add_field("outcome", "O&utcome:", QComboBox())
        self.outcome.setAccessibleName("Outcome of the referral")
        for outcome in FeedbackOutcome:
            self.outcome.addItem(outcome.label, outcome)
        self.feedback_notes = self.feedback_form.add_field(
            "notes", "&Notes:", _text_box(3),
            hint="Who told you, what was decided, what happens next.")
        self.feedback_notes.setAccessibleName("Notes on the feedback")
        self.feedback_form.set_validator(self._feedback_errors)
        group, self.feedback_button = self._group("Feedback", self.feedback_form,
                                                  "Record &feedback", self.record_feedback)
        group.layout().insertWidget(0, self.feedback_summary)
        self.feedback_group = group
        return group

    def _build_follow_ups(self) -> QGroupBox:
        self.history = read_only_table(self.HEADINGS, 3)
        self.history.setAccessibleName("Chases and escalations, oldest first")
        self.history.setWordWrap(True)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.history.horizontalHeader()
        for column in (1, 3, 4):  # what, note and outcome share the width and wrap
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self._fit_history())
        self.no_history = wrapped_label("No chases or escalations yet.", HINT_COLOUR)
        self.follow_up_form = InlineForm()
        self.follow_up_kind = self.follow_up_form.add_field(
            "escalation_stage", "&What:", QComboBox(),
            hint="A chase asks for the decision; an escalation is professional challenge, "
                 "at the stage your school's procedure names.")
        self.follow_up_kind.setAccessibleName("Chase or escalation stage")
        self.follow_up_on = self.follow_up_form.add_field("on", "&Date:", DateField("on"))
        self.follow_up_on.setAccessibleName("Date of the chase or escalation")
        self.follow_up_by = self.follow_up_form.add_field("by", "&By:", QLineEdit())
        self.follow_up_by.setAccessibleName("Who chased or escalated")
        self.follow_up_note = self.follow_up_form.add_field(
            "note", "N&ote:", _text_box(3), hint="Who you spoke to and what you asked for.")
        self.follow_up_note.setAccessibleName("Note of the chase or escalation")
        self.follow_up_outcome = self.follow_up_form.add_field(
            "outcome", "Outcome (if &known):", QLineEdit())
        self.follow_up_outcome.setAccessibleName("Outcome of the chase or escalation")
        self.follow_up_form.set_validator(self._follow_up_errors)
        group, self.follow_up_button = self._group("Chases and escalations",
                                                   self.follow_up_form, "&Add to the log",
                                                   self.add_follow_up)
        group.layout().insertWidget(0, self.history)
        group.layout().insertWidget(1, self.no_history)
        self.follow_up_group = group
        return group

    def focus_section(self, section: str) -> None:
        """Put the cursor at the start of ``section`` ("sending", "feedback" or
        "follow_up"): how the Referrals tab's buttons open this dialog."""
        group, first = {"sending": (self.sending_group, self.method),
                        "feedback": (self.feedback_group, self.received_on),
                        "follow_up": (self.follow_up_group, self.follow_up_kind)}[section]
        self._wanted_section = section
        if self._can_record and first.isEnabled():
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll.ensureWidgetVisible(group, 0, 0)

    # -- reading --------------------------------------------------------------------------
    def reload(self) -> None:
        session, referral_id = self._session, self._referral_id
        self._set_working("Reading the referral…")
        self._worker.run(lambda: _read(session, referral_id),
                         on_done=while_alive(self, self._loaded),
                         on_error=while_alive(self, self._failed))

    def _loaded(self, reading: _Reading) -> None:
        first = self._reading is None
        self._reading = reading
        self._set_working(None)
        self.message.hide()
        self._show(reading)
        if first:
            self._fill_forms(reading)
            if self._wanted_section:
                self.focus_section(self._wanted_section)

    def _failed(self, exc: BaseException) -> None:
        self._set_working(None)
        self._say(f"The referral could not be read. {describe(exc)}")

    def _show(self, reading: _Reading) -> None:
        record, today = reading.record, reading.now.astimezone().date()
        tracking = record.tracking
        self.heading.setText(f"{record.content.kind.label} — "
                             f"{'final' if record.state == 'final' else 'draft'}")
        due = record.decision_due
        sending = tracking.sending
        self.due.setText(
            f"Decision due {due_text(due)} (one working day after sending)." if due else
            "The decision is due one working day after sending. Record the sending to start "
            "the clock.")
        overdue = record.feedback_overdue(today)
        self.overdue.setText(f"Overdue: no feedback yet, and the decision was due "
                             f"{due_text(due)}. Chase, and escalate if needed."
                             if overdue else "")
        self.overdue.setVisible(overdue)
        self.sent_summary.setText(
            "Not recorded as sent yet." if sending is None else
            f"Sent by {sending.method.label.lower()} on {moment_text(sending.sent_at)} to "
            f"{sending.recipient}" + (f", reference {sending.reference}."
                                      if sending.reference else "."))
        feedback = tracking.feedback
        self.feedback_summary.setText(
            "No feedback recorded yet." if feedback is None else
            f"{feedback.outcome.label}, received {day_text(feedback.received_on)}."
            + (f" {feedback.notes}" if feedback.notes else ""))
        self.sending_button.setText("Correct the &sending details" if sending else
                                    "Record &sending")
        self.feedback_button.setText("Correct the &feedback" if feedback else
                                     "Record &feedback")
        follow_ups = tracking.follow_ups
        fill_table(self.history, [(day_text(f.on), follow_up_kind(f), f.by, f.note,
                                   f.outcome or "Not yet known") for f in follow_ups])
        self._fit_history()
        self.history.setVisible(bool(follow_ups))
        self.no_history.setVisible(not follow_ups)
        self._fill_kinds(reading.stages)

    def _fit_history(self) -> None:
        """Every follow-up in full: rows as tall as their wrapped text, the table as
        tall as its rows (the dialog scrolls, the table never does)."""
        self.history.resizeRowsToContents()
        rows_height = sum(self.history.rowHeight(r) for r in range(self.history.rowCount()))
        self.history.setFixedHeight(self.history.horizontalHeader().height() + rows_height
                                    + 2 * self.history.frameWidth() + 2)

    def _fill_kinds(self, stages: list[str]) -> None:
        chosen = self.follow_up_kind.currentData()
        self.follow_up_kind.clear()
        self.follow_up_kind.addItem(CHASE, "")
        for stage in stages:
            self.follow_up_kind.addItem(f"Escalation: {stage}", stage)
        found = self.follow_up_kind.findData(chosen)
        self.follow_up_kind.setCurrentIndex(max(found, 0))

    def _fill_forms(self, reading: _Reading) -> None:
        tracking, now = reading.record.tracking, reading.now
        sending = tracking.sending
        self.sent_at.set_value(sending.sent_at if sending else now)
        if sending is not None:
            self.method.setCurrentIndex(self.method.findData(sending.method))
            self.recipient.setText(sending.recipient)
            self.reference.setText(sending.reference)
        feedback = tracking.feedback
        self.received_on.set_day(feedback.received_on if feedback else now.astimezone().date())
        if feedback is not None:
            self.outcome.setCurrentIndex(self.outcome.findData(feedback.outcome))
            self.feedback_notes.setPlainText(feedback.notes)
        self.follow_up_on.set_day(now.astimezone().date())
        self.follow_up_by.setText(self._session.user.display_name)

    # -- what is typed ----------------------------------------------------------------------
    def sending(self) -> Sending:
        return Sending(self.method.currentData(), self.sent_at.value(),
                       self.recipient.text().strip(), self.reference.text().strip())

    def feedback(self) -> Feedback:
        received = self.received_on.day()
        if received is None:
            raise InvalidInput("Say when the feedback was received.", field="received_on")
        return Feedback(received, self.outcome.currentData(),
                        self.feedback_notes.toPlainText().strip())

    def follow_up(self) -> FollowUp:
        on = self.follow_up_on.day()
        if on is None:
            raise InvalidInput("Say when you chased or escalated.", field="on")
        return FollowUp(on, self.follow_up_by.text().strip(),
                        self.follow_up_note.toPlainText().strip(),
                        self.follow_up_kind.currentData() or "",
                        self.follow_up_outcome.text().strip())

    def _now(self) -> datetime:
        return self._reading.now if self._reading else datetime.now().astimezone()

    def _sending_errors(self) -> FieldErrors:
        return collect_errors(lambda: validate_sending(self.sending(), self._now()))

    def _feedback_errors(self) -> FieldErrors:
        try:
            feedback = self.feedback()
        except InvalidInput as exc:
            return {exc.field: str(exc)}
        return _first_per_field(feedback_problems(feedback, self._sent(), self._today()))

    def _follow_up_errors(self) -> FieldErrors:
        errors = collect_errors(lambda: check_filled(self.follow_up_by.text(), "by",
                                                     "Say who chased or escalated."))
        try:
            follow_up = self.follow_up()
        except InvalidInput as exc:
            return {exc.field: str(exc)} | errors
        stages = self._reading.stages if self._reading else []
        return _first_per_field(follow_up_problems(follow_up, self._sent(), self._today(),
                                                   stages)) | errors

    def _sent(self) -> Sending | None:
        return self._reading.record.tracking.sending if self._reading else None

    def _today(self) -> date:
        return self._now().astimezone().date()

    # -- recording --------------------------------------------------------------------------
    def record_sending(self) -> None:
        self._submit(self.sending_form, self.sending, referrals.record_sending,
                     "Recording the sending…")

    def record_feedback(self) -> None:
        self._submit(self.feedback_form, self.feedback, referrals.record_feedback,
                     "Recording the feedback…")

    def add_follow_up(self) -> None:
        self._submit(self.follow_up_form, self.follow_up, referrals.add_follow_up,
                     "Adding to the log…", then=self._clear_follow_up)

    def _submit(self, form: InlineForm, read: Callable[[], Any],
                write: Callable[[Session, str, Any, int], int], busy_text: str,
                then: Callable[[], None] | None = None) -> None:
        """Check ``form``; if all is well, write what ``read`` gives and read the
        referral again, in one worker job."""
        if self.working or self._reading is None or not self._can_record:
            return
        form.touch_all()
        if not form.is_valid():
            form.focus_first_error()
            return
        value = read()
        session, referral_id = self._session, self._referral_id
        base_version = self._reading.record.version

        def job() -> _Reading:
            write(session, referral_id, value, base_version)
            return _read(session, referral_id)

        def done(reading: _Reading) -> None:
            self._set_working(None)
            self._reading = reading
            self._show(reading)
            if then is not None:
                then()
            self.saved.emit(referral_id)

        def failed(exc: BaseException) -> None:
            self._set_working(None)
            form.show_failure(exc)

        self._set_working(busy_text)
        self._worker.run(job, on_done=while_alive(self, done),
                         on_error=while_alive(self, failed))

    def _clear_follow_up(self) -> None:
        for editor in (self.follow_up_note, self.follow_up_outcome):
            editor.clear()
        self.follow_up_form.untouch_all()

    # -- small helpers ----------------------------------------------------------------------
    def _set_working(self, text: str | None) -> None:
        if text is None:
            self.busy.stop()
        else:
            self.busy.start(text)
        self.body.setEnabled(text is None)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def reject(self) -> None:
        if not self.working:
            super().reject()

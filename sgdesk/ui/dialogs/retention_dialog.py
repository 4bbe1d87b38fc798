"""Retention and destruction (Records → Retention and destruction…), the DSL's alone.

Four tabs: files due for review (leavers whose review date has come or comes
within 90 days), legal holds, the destruction log, and the retention periods.
From a file due for review the DSL places a legal hold or destroys the file; a
destruction asks for the reason and the pupil's name typed as shown, says what
will be removed first, and shows a busy state while the store is rewritten
(VACUUM takes seconds on a big store). The services refuse anyone but the DSL;
this window then says so and shows nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.pupils import PupilListEntry
from sgdesk.models.retention import (
    MAX_RETENTION_YEARS,
    MIN_RETENTION_YEARS,
    DestructionRecord,
    RetentionKind,
    RetentionRules,
    check_confirmation,
    removed_lines,
    validate_destruction_reason,
    validate_hold_reason,
    validate_lift_reason,
)
from sgdesk.services import pupils, retention
from sgdesk.services.record_dates import day_text, moment_text
from sgdesk.services.retention import (
    DestructionEntry,
    DestructionPreview,
    HoldEntry,
    RetentionReview,
)
from sgdesk.services.session import Session
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    HINT_COLOUR,
    BusyBar,
    FieldErrors,
    FormPanel,
    collect_errors,
    dialog_layout,
    record_table,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.pupil_picker import PupilPicker
from sgdesk.ui.text_table_model import TextTableModel
from sgdesk.ui.worker import DbWorker

DESTROY_INTRO = (
    "Destroying a file removes it from this store for good, and clears it from the store "
    "file itself. What was removed, when, by whom and why stays in the destruction log, "
    "with the child's initials and year of birth only. Concerns that also involve other "
    "children stay on their files. Backups made before today still hold the file until "
    "they are replaced.")

PERIOD_CAPTIONS = {RetentionKind.CP_FILE: "&Child protection file:",
                   RetentionKind.SEN: "S&EN-related records:"}


def review_status(review: RetentionReview, today: date) -> str:
    """In words, never by colour alone: due now, due in n days, on hold."""
    days = (review.review_on - today).days
    when = "Due now" if review.due else f"Due in {days} day{'s' if days != 1 else ''}"
    return f"On legal hold ({when.lower()})" if review.on_hold else when


def child_words(record: DestructionRecord) -> str:
    """``Z. Q., born 1990``: all the log keeps of the child."""
    born = f", born {record.birth_year}" if record.birth_year else ""
    return f"{record.initials or 'No initials'}{born}"


class ReviewModel(TextTableModel[RetentionReview]):
    def __init__(self) -> None:
        super().__init__()
        self.today = date.today()

    def headers(self) -> tuple[str, ...]:
        return ("Pupil", "Born", "Left", "Review date", "Period", "Status")

    def cells(self, row: RetentionReview) -> tuple[str, ...]:
        return (row.pupil_name, day_text(row.date_of_birth), day_text(row.left_on),
                day_text(row.review_on), f"{row.kind.label}, {row.years} years",
                review_status(row, self.today))


class HoldModel(TextTableModel[HoldEntry]):
    def headers(self) -> tuple[str, ...]:
        return ("Pupil", "Placed", "By", "Reason", "Status")

    def cells(self, row: HoldEntry) -> tuple[str, ...]:
        hold = row.hold
        status = ("In place" if hold.active else
                  f"Lifted {day_text(hold.lifted_on)} by {row.lifted_by_name}: "
                  f"{hold.lift_reason}")
        return (row.pupil_name, day_text(hold.placed_on), row.placed_by_name, hold.reason,
                status)


class DestructionModel(TextTableModel[DestructionEntry]):
    def headers(self) -> tuple[str, ...]:
        return ("Destroyed", "By", "Child", "Why", "What was removed")

    def cells(self, row: DestructionEntry) -> tuple[str, ...]:
        record = row.record
        return (moment_text(record.destroyed_at), row.destroyed_by_name, child_words(record),
                record.reason, "; ".join(record.removed_lines()))


def _selected[T](table: QTableView, model: TextTableModel[T]) -> T | None:
    rows = table.selectionModel().selectedRows()
    return model.entry(rows[0].row()) if rows else None


@dataclass(frozen=True)
class _Overview:
    """Everything the window lists, read in one worker job."""

    today: date
    reviews: list[RetentionReview]
    holds: list[HoldEntry]
    destructions: list[DestructionEntry]
    rules: RetentionRules
    register: list[PupilListEntry]


def _read_overview(session: Session) -> _Overview:
    holds = retention.holds(session)  # refuses anyone but the DSL, before anything is read
    today = session.db.clock().astimezone().date()
    return _Overview(today, retention.reviews_due(session, today), holds,
                     retention.destructions(session), retention.retention_rules(session),
                     pupils.list_pupils(session))


class ReasonDialog(QDialog):
    """One reason, then one action on the worker: placing or lifting a hold."""

    completed = Signal()

    def __init__(self, worker: DbWorker, *, title: str, intro: str, subject: str,
                 action: str, hint: str, check: Callable[[str], object],
                 job: Callable[[str], object], busy_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._check = check
        self._job = job
        self._busy_text = busy_text
        self.setWindowTitle(title)
        layout = dialog_layout(self, intro, width=560)
        self.panel = FormPanel(action)
        self.panel.form.add_text("Pupil:", subject)
        self.reason = self.panel.form.add_field("reason", "&Reason:", QLineEdit(), hint=hint)
        self.reason.setAccessibleName("Reason")
        layout.addWidget(self.panel)
        self.panel.form.set_validator(self._errors)
        self.panel.submitted.connect(self._submit)
        self.panel.cancelled.connect(self.reject)
        self.reason.setFocus()

    def _errors(self) -> FieldErrors:
        return collect_errors(lambda: self._check(self.reason.text()))

    def _submit(self) -> None:
        reason, job = self.reason.text(), self._job
        self.panel.run(self._worker, lambda: job(reason), self._finished,
                       busy_text=self._busy_text)

    def _finished(self, _result: Any) -> None:
        self.completed.emit()
        self.accept()


class DestroyDialog(QDialog):
    """What destroying one pupil's file removes, the reason, and the name typed as
    shown; then the destruction, busy until the store is rewritten."""

    file_destroyed = Signal(object)  # the DestructionRecord

    def __init__(self, worker: DbWorker, session: Session, pupil_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._pupil_id = pupil_id
        self._preview: DestructionPreview | None = None
        self.setWindowTitle("Destroy a pupil's file")
        layout = dialog_layout(self, DESTROY_INTRO, width=620)
        self.panel = FormPanel("&Destroy file")
        form = self.panel.form
        self.pupil = form.add_text("Pupil:", "")
        self.review = form.add_text("Review date:", "")
        self.removes = form.add_text("Will be removed:", "")
        self.stays = form.add_text("Stays:", "")
        self.reason = form.add_field(
            "reason", "&Reason:", QLineEdit(),
            hint="Why the file is destroyed now, for example \u201cReviewed at the end of "
                 "the retention period: no reason to keep it\u201d.")
        self.reason.setAccessibleName("Reason for destroying the file")
        self.confirm = form.add_field("confirm_text", "&Type the name to confirm:", QLineEdit(),
                                      hint="Type the pupil's name exactly as shown above.")
        self.confirm.setAccessibleName("Type the pupil's name to confirm")
        layout.addWidget(self.panel)
        form.set_validator(self._errors)
        self.panel.submitted.connect(self._destroy)
        self.panel.cancelled.connect(self.reject)
        self.panel.run(worker, lambda: retention.destruction_preview(session, pupil_id),
                       self._show_preview, busy_text="Reading what the file holds\u2026")

    @property
    def working(self) -> bool:
        return self.panel.working

    def _show_preview(self, preview: DestructionPreview) -> None:
        self._preview = preview
        self.pupil.setText(preview.pupil_name)
        self.review.setText(f"{day_text(preview.review_on) or 'unknown'} "
                            f"({preview.retention})")
        self.removes.setText("\n".join(removed_lines(preview.removed)))
        self.stays.setText(
            f"{preview.shared_concerns} concern{'s' if preview.shared_concerns != 1 else ''} "
            "that also involve other children stay on their files, without this child."
            if preview.shared_concerns else "Nothing: no concern involves another child.")
        self.confirm.setAccessibleDescription(f"Type {preview.pupil_name}")
        if preview.refusal:
            self.panel.form.set_message(preview.refusal)
        self.reason.setFocus()

    def _errors(self) -> FieldErrors:
        shown = self._preview.pupil_name if self._preview else ""
        return collect_errors(lambda: validate_destruction_reason(self.reason.text()),
                              lambda: check_confirmation(self.confirm.text(), shown))

    def _destroy(self) -> None:
        if self._preview is None:
            return
        session, pupil_id = self._session, self._pupil_id
        reason, typed = self.reason.text(), self.confirm.text()
        self.panel.run(self._worker,
                       lambda: retention.destroy_file(session, pupil_id, reason, typed),
                       self._destroyed,
                       busy_text="Destroying the file: this can take a minute on a large "
                                 "store\u2026")

    def _destroyed(self, record: DestructionRecord) -> None:
        self.file_destroyed.emit(record)
        self.accept()


class RetentionDialog(QDialog):
    """Files due for review, legal holds, the destruction log and retention periods."""

    #: Something was destroyed or a hold changed: lists elsewhere may need reading again.
    changed = Signal()
    #: A pupil's file was destroyed (their id): a view still showing it must let it go.
    pupil_destroyed = Signal(str)

    def __init__(self, worker: DbWorker, session: Session, parent: QWidget | None = None,
                 *, select_pupil: str = "") -> None:
        """``select_pupil``: a pupil id whose review to select once the list is read (the
        home view's retention line opens the window on that file)."""
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._today = date.today()
        self._allowed = False
        self._select_pupil = select_pupil
        self._rules = RetentionRules()
        self.setWindowTitle("Retention and destruction")
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped_label(
            "A pupil's file is kept until its review date, then reviewed: usually date of "
            "birth + 25 years for a child protection file and + 31 years for SEN-related "
            "records (see Retention periods). Only the Designated Safeguarding Lead can "
            "place legal holds and destroy files."))
        self.message = wrapped_label(colour=ERROR_COLOUR)
        self.message.hide()
        layout.addWidget(self.message)
        self.notice = wrapped_label()
        self.notice.hide()
        layout.addWidget(self.notice)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_reviews(), "&Reviews due")
        self.tabs.addTab(self._build_holds(), "&Legal holds")
        self.tabs.addTab(self._build_log(), "Destruction l&og")
        self.tabs.addTab(self._build_periods(), "Retention &periods")
        layout.addWidget(self.tabs, 1)
        self.busy = BusyBar()
        layout.addWidget(self.busy)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.resize(1000, 600)
        self._update_buttons()
        self.refresh()

    # -- building -------------------------------------------------------------------------
    def _build_reviews(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(wrapped_label(
            "Pupils who have left and whose review date has passed or falls within 90 days. "
            "Review each file: keep it under a legal hold if it may be needed (for example "
            "by a public inquiry), or destroy it once its review date has come.",
            HINT_COLOUR))
        self.review_model = ReviewModel()
        self.review_table = record_table(self.review_model, "Files due for review", 0)
        column.addWidget(self.review_table, 1)
        self.review_count = wrapped_label(colour=HINT_COLOUR)
        column.addWidget(self.review_count)
        row = QHBoxLayout()
        self.hold_button = QPushButton("Place legal &hold\u2026")
        self.destroy_button = QPushButton("&Destroy file\u2026")
        row.addWidget(self.hold_button)
        row.addWidget(self.destroy_button)
        row.addStretch(1)
        column.addLayout(row)
        self.review_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.hold_button.clicked.connect(self._hold_selected_review)
        self.destroy_button.clicked.connect(self.open_destroy)
        return page

    def _build_holds(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(wrapped_label(
            "A file under a legal hold is never destroyed, whatever its review date, until "
            "the hold is lifted with a reason. Holds in place are listed first.", HINT_COLOUR))
        self.hold_model = HoldModel()
        self.hold_table = record_table(self.hold_model, "Legal holds", 3)
        column.addWidget(self.hold_table, 1)
        buttons = QHBoxLayout()
        self.lift_button = QPushButton("L&ift hold\u2026")
        buttons.addWidget(self.lift_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        row = QHBoxLayout()
        caption = QLabel("Place a hold on &any pupil's file:")
        self.picker = PupilPicker("Type part of a name, then Return")
        self.picker.edit.setAccessibleName("Place a hold on a pupil's file: type part of a name")
        caption.setBuddy(self.picker.edit)
        row.addWidget(caption, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.picker, 1)
        column.addLayout(row)
        self.hold_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.picker.chosen.connect(lambda entry: self.open_hold(entry.id, entry.sort_name))
        self.lift_button.clicked.connect(self.open_lift)
        return page

    def _build_log(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(wrapped_label(
            "Every file destroyed: when, by whom, why and what kinds of record were removed. "
            "The log names the child by initials and year of birth only.", HINT_COLOUR))
        self.log_model = DestructionModel()
        self.log_table = record_table(self.log_model, "Destruction log", 4)
        self.log_table.setWordWrap(True)
        why = self.log_table.horizontalHeader()
        why.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        why.resizeSection(3, self.fontMetrics().averageCharWidth() * 32)
        column.addWidget(self.log_table, 1)
        return page

    def _build_periods(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(wrapped_label(
            "How many years after the date of birth each kind of record is kept before "
            "review. A pupil's file is reviewed at the longest period of the kinds it holds.",
            HINT_COLOUR))
        grid = QGridLayout()
        self.years: dict[RetentionKind, QSpinBox] = {}
        for row, kind in enumerate(RetentionKind):
            box = QSpinBox()
            box.setRange(MIN_RETENTION_YEARS, MAX_RETENTION_YEARS)
            box.setSuffix(" years after the date of birth")
            box.setAccessibleName(f"{kind.label}: years after the date of birth")
            caption = QLabel(PERIOD_CAPTIONS[kind])
            caption.setBuddy(box)
            grid.addWidget(caption, row * 2, 0)
            grid.addWidget(box, row * 2, 1)
            grid.addWidget(wrapped_label(f"{kind.applies_to} Usual period: {kind.default_years} "
                                         "years.", HINT_COLOUR), row * 2 + 1, 1, 1, 2)
            self.years[kind] = box
        grid.setColumnStretch(2, 1)
        column.addLayout(grid)
        row_layout = QHBoxLayout()
        self.save_periods_button = QPushButton("&Save periods")
        row_layout.addWidget(self.save_periods_button)
        self.periods_note = wrapped_label(colour=HINT_COLOUR)
        row_layout.addWidget(self.periods_note, 1)
        column.addLayout(row_layout)
        column.addStretch(1)
        self.save_periods_button.clicked.connect(self.save_periods)
        return page

    # -- reading --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read every list on the worker (the services check the role there)."""
        session = self._session
        self._start("Reading retention records\u2026")
        self._worker.run(lambda: _read_overview(session),
                         on_done=while_alive(self, self._show_overview),
                         on_error=while_alive(self, self._refused))

    def _show_overview(self, overview: _Overview) -> None:
        self.busy.stop()
        self._allowed = True
        self._today = overview.today
        self._rules = overview.rules
        self.review_model.today = overview.today
        self.review_model.set_rows(overview.reviews)
        due = sum(r.due for r in overview.reviews)
        self.review_count.setText(
            "No file is due for review in the next 90 days." if not overview.reviews else
            f"{len(overview.reviews)} file{'s' if len(overview.reviews) != 1 else ''} listed; "
            f"{due} due now.")
        self.hold_model.set_rows(overview.holds)
        self.log_model.set_rows(overview.destructions)
        self.log_table.resizeRowsToContents()
        for kind, box in self.years.items():
            box.setValue(overview.rules.years_for(kind))
        self.picker.set_register(overview.register)
        self._show_message("")
        ids = [r.pupil_id for r in overview.reviews]
        if self._select_pupil in ids:
            self.tabs.setCurrentIndex(0)
            self.review_table.selectRow(ids.index(self._select_pupil))
            self.review_table.setFocus()
        self._select_pupil = ""
        self._update_buttons()

    def _refused(self, exc: BaseException) -> None:
        self.busy.stop()
        self._allowed = False
        self._show_message(describe(exc))
        self._update_buttons()

    def _start(self, text: str) -> None:
        self.busy.start(text)
        self._update_buttons()

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _update_buttons(self) -> None:
        ready = self._allowed and not self.busy.active
        review = self.selected_review()
        hold = _selected(self.hold_table, self.hold_model)
        self.hold_button.setEnabled(ready and review is not None)
        self.destroy_button.setEnabled(ready and review is not None and review.due
                                       and not review.on_hold)
        self.lift_button.setEnabled(ready and hold is not None and hold.hold.active)
        self.picker.setEnabled(ready)
        self.save_periods_button.setEnabled(ready)
        for box in self.years.values():
            box.setEnabled(ready)

    def selected_review(self) -> RetentionReview | None:
        return _selected(self.review_table, self.review_model)

    # -- holds ----------------------------------------------------------------------------
    def _hold_selected_review(self) -> None:
        review = self.selected_review()
        if review is not None:
            self.open_hold(review.pupil_id, review.pupil_name)

    def open_hold(self, pupil_id: str, pupil_name: str) -> ReasonDialog | None:
        if not self._allowed:
            return None
        session = self._session
        dialog = ReasonDialog(
            self._worker, title="Place a legal hold",
            intro="While the hold is in place this file cannot be destroyed, whatever its "
                  "review date. Lift it, with a reason, when it no longer applies.",
            subject=pupil_name, action="&Place hold",
            hint="Who asked for the file to be kept and why, for example \u201cRelevant to "
                 "the public inquiry: letter of 3 March\u201d.",
            check=validate_hold_reason,
            job=lambda reason: retention.place_hold(session, pupil_id, reason),
            busy_text="Placing the hold\u2026", parent=self)
        return self._open(dialog, "Legal hold placed.")

    def open_lift(self) -> ReasonDialog | None:
        entry = _selected(self.hold_table, self.hold_model)
        if not self._allowed or entry is None or not entry.hold.active:
            return None
        session, hold_id = self._session, entry.hold.id
        dialog = ReasonDialog(
            self._worker, title="Lift a legal hold",
            intro=f"The hold was placed on {day_text(entry.hold.placed_on)} by "
                  f"{entry.placed_by_name}: {entry.hold.reason}",
            subject=entry.pupil_name, action="&Lift hold",
            hint="Why the file no longer needs keeping, for example \u201cThe inquiry has "
                 "closed\u201d.",
            check=validate_lift_reason,
            job=lambda reason: retention.lift_hold(session, hold_id, reason),
            busy_text="Lifting the hold\u2026", parent=self)
        return self._open(dialog, "Legal hold lifted.")

    def _open(self, dialog: ReasonDialog, notice: str) -> ReasonDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.completed.connect(lambda: self._after_change(notice))
        dialog.open()
        return dialog

    # -- destruction ----------------------------------------------------------------------
    def open_destroy(self) -> DestroyDialog | None:
        review = self.selected_review()
        if not self._allowed or review is None:
            return None
        dialog = DestroyDialog(self._worker, self._session, review.pupil_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.file_destroyed.connect(self._destroyed)
        dialog.open()
        return dialog

    def _destroyed(self, record: DestructionRecord) -> None:
        self.tabs.setCurrentIndex(2)
        self.pupil_destroyed.emit(record.pupil_id)
        self._after_change(f"File destroyed ({child_words(record)}). The destruction is "
                           "recorded in the log.")

    def _after_change(self, notice: str) -> None:
        self._show_notice(notice)
        self.changed.emit()
        self.refresh()

    # -- periods --------------------------------------------------------------------------
    def save_periods(self) -> None:
        if not self._allowed:
            return
        session = self._session
        wanted = {kind: box.value() for kind, box in self.years.items()
                  if box.value() != self._rules.years_for(kind)}
        if not wanted:
            self.periods_note.setText("No period was changed.")
            return

        def save() -> None:
            for kind, years in wanted.items():
                retention.set_retention_years(session, kind, years)

        def failed(exc: BaseException) -> None:
            self.busy.stop()
            self._update_buttons()
            self.periods_note.setText("")
            self._show_message(f"The periods were not saved. {describe(exc)}")

        self._start("Saving the retention periods\u2026")
        self._worker.run(save, on_done=while_alive(self, lambda _none: self._periods_saved()),
                         on_error=while_alive(self, failed))

    def _periods_saved(self) -> None:
        self.periods_note.setText("Saved. Review dates follow the new periods.")
        self.changed.emit()
        self.refresh()

"""School calendar and referral settings: the dates the clocks count on, and what
every referral carries from the school.

The DSL keeps the term holidays, INSET days and other closure days (typed as
dd/mm/yyyy), the stages of professional challenge offered when a referral is
escalated, and the school's contact line put on every new referral. England's
bank holidays are shown for reference; they are never typed in. Everyone else
sees the settings read-only, and is told why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.errors import InvalidInput
from sgdesk.models.referrals import validate_escalation_stages
from sgdesk.models.users import Role
from sgdesk.services import referrals, school_calendar
from sgdesk.services.school_calendar import BankHoliday, SchoolDates, TermHoliday
from sgdesk.services.session import Session
from sgdesk.ui.date_field import format_day
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    FieldErrors,
    FormPanel,
    collect_errors,
    dialog_layout,
    wrapped_label,
)
from sgdesk.ui.row_editor import FieldKind, RowEditor, RowField
from sgdesk.ui.worker import DbWorker

TITLE = "School calendar and referral settings"
HOLIDAY_FIELDS = (RowField("label", "Name"), RowField("first", "From", FieldKind.DATE),
                  RowField("last", "To", FieldKind.DATE))
DAY_FIELDS = (RowField("day", "Date", FieldKind.DATE),)
READ_ONLY = ("Only the Designated Safeguarding Lead can change these settings. You can read "
             "them here.")


@dataclass(frozen=True)
class _Settings:
    """Everything the dialog shows, read in one go on the worker."""

    dates: SchoolDates
    stages: tuple[str, ...]
    contact: str
    today: date
    bank_holidays: tuple[BankHoliday, ...]


def _load(session: Session) -> _Settings:
    today = session.db.clock().astimezone().date()
    return _Settings(school_calendar.school_dates(session),
                     tuple(referrals.escalation_stages(session)),
                     referrals.school_contact(session), today,
                     tuple(school_calendar.bank_holidays_ahead(today)))


def bank_holidays_text(found: tuple[BankHoliday, ...]) -> str:
    """One line each: ``Fri 25/12/2026  Christmas Day``."""
    return "\n".join(f"{h.on:%a} {format_day(h.on)}   {h.name}" for h in found) or "None."


def date_of_row(day: date) -> date:
    """A one-date row as its date (only filled rows are read, so it is never None)."""
    return day


def _read[T](errors: FieldErrors, read: Callable[[], tuple[T, ...]]) -> tuple[T, ...]:
    """What ``read`` finds, or nothing with its problem noted under its field."""
    try:
        return read()
    except InvalidInput as exc:
        errors[exc.field] = str(exc)
        return ()


class StageList(QWidget):
    """An ordered list of short texts with Add, Remove, Move up and Move down.

    Keyboard: F2 edits the chosen stage, Delete removes it, Ctrl+Up and Ctrl+Down
    move it; the buttons do the same.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.DoubleClicked)
        # Long stages wrap rather than hide behind a sideways scroll bar.
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lines = self.list.fontMetrics().lineSpacing()
        self.list.setMinimumHeight(lines * 5 + 12)
        self.list.setMaximumHeight(lines * 8 + 12)
        layout.addWidget(self.list, 1)
        buttons = QVBoxLayout()
        self.add_button = self._button(buttons, "Add a stage", self.add_stage)
        self.remove_button = self._button(buttons, "Remove", self.remove_stage)
        self.up_button = self._button(buttons, "Move up", lambda: self.move_stage(-1))
        self.down_button = self._button(buttons, "Move down", lambda: self.move_stage(1))
        buttons.addStretch(1)
        layout.addLayout(buttons)
        # Spare height in the window goes elsewhere, not into a gap under the list.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        for name, button in (("Remove the chosen stage", self.remove_button),
                             ("Move the chosen stage up", self.up_button),
                             ("Move the chosen stage down", self.down_button)):
            button.setAccessibleName(name)
        for keys, action in ((QKeySequence.StandardKey.Delete, self.remove_stage),
                             (QKeySequence("Ctrl+Up"), lambda: self.move_stage(-1)),
                             (QKeySequence("Ctrl+Down"), lambda: self.move_stage(1))):
            shortcut = QShortcut(QKeySequence(keys), self.list, action)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.setFocusProxy(self.list)
        self._update_buttons()

    def _button(self, column: QVBoxLayout, text: str, action: Callable[[], object]
                ) -> QPushButton:
        button = QPushButton(text)
        button.setAutoDefault(False)
        button.clicked.connect(action)
        column.addWidget(button)
        return button

    def stages(self) -> list[str]:
        return [self.list.item(row).text() for row in range(self.list.count())]

    def set_stages(self, stages: tuple[str, ...] | list[str]) -> None:
        self.list.clear()
        for stage in stages:
            self._append(stage)
        self.list.setCurrentRow(0 if stages else -1)
        self._update_buttons()

    def add_stage(self) -> None:
        """A new stage at the end, open for typing."""
        item = self._append("")
        self.list.setCurrentItem(item)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)
        self.list.editItem(item)
        self._update_buttons()

    def remove_stage(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)
            self._update_buttons()

    def move_stage(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        self.list.insertItem(target, self.list.takeItem(row))
        self.list.setCurrentRow(target)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _append(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)
        return item

    def _update_buttons(self) -> None:
        row, count = self.list.currentRow(), self.list.count()
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)


class SchoolSettingsDialog(QDialog):
    """The school's dates, escalation stages and referral contact; saved on the
    worker, with each problem shown under its own list."""

    def __init__(self, worker: DbWorker, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._saved: _Settings | None = None
        self.setWindowTitle(TITLE)
        layout = dialog_layout(
            self, "The dates the school is closed, and what every referral carries from the "
                  "school. Type dates as day/month/year.", width=720)
        self.read_only_note = wrapped_label(READ_ONLY, ERROR_COLOUR)
        self.read_only_note.setVisible(session.user.role is not Role.DSL)
        layout.addWidget(self.read_only_note)
        self.panel = FormPanel("&Save")
        form = self.panel.form
        self.term_holidays = form.add_field(
            "term_holidays", "&Term holidays:",
            RowEditor("term_holidays", "Holiday", HOLIDAY_FIELDS, add_text="Add a holiday",
                      empty_text="No holidays entered."),
            hint="Each holiday with a name, such as \u201cAutumn half term\u201d, and its "
                 "first and last day. Not school days; working days still count.")
        self.inset_days = form.add_field(
            "inset_days", "&INSET days:",
            RowEditor("inset_days", "INSET day", DAY_FIELDS, add_text="Add an INSET day",
                      empty_text="No INSET days entered."),
            hint="Staff training days: not school days, but working days.")
        self.closure_days = form.add_field(
            "closure_days", "Other &closure days:",
            RowEditor("closure_days", "Closure day", DAY_FIELDS, add_text="Add a closure day",
                      empty_text="No closure days entered."),
            hint="Days the whole school is shut, such as a snow day. Like bank holidays, "
                 "they are skipped when a referral decision or a LADO consultation falls "
                 "due.")
        self.bank_holidays = form.add_text("Bank holidays in England,\nthe coming year:", "")
        self.bank_holidays.setAccessibleName("Bank holidays in England, the coming year")
        self.stages = form.add_field(
            "stages", "&Escalation stages:", StageList(),
            hint="The steps of professional challenge in your local safeguarding "
                 "partnership's escalation policy, in order. F2 edits a stage; Ctrl+Up and "
                 "Ctrl+Down move it.")
        self.stages.list.setAccessibleName("Escalation stages")
        self.contact = form.add_field(
            "contact", "School c&ontact for referrals:", QLineEdit(),
            hint="A phone number and email address, put on every new referral.")
        self.contact.setAccessibleName("School contact for referrals")
        for name, editor in (("Term holidays", self.term_holidays),
                             ("INSET days", self.inset_days),
                             ("Other closure days", self.closure_days)):
            editor.add_button.setAccessibleName(editor.add_button.text())
            editor.changed.connect(lambda n=editor.field: form.clear_error(n))
            editor.left.connect(form.touch_all)
            editor.setAccessibleName(name)
        self.stages.list.itemChanged.connect(lambda _item: form.clear_error("stages"))
        self.stages.list.model().rowsRemoved.connect(lambda: form.clear_error("stages"))
        form.set_validator(self._errors)
        self._scroll_form()
        layout.addWidget(self.panel, 1)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.reject)
        self._allow_changes(False)
        self.panel.run(worker, lambda: _load(session), self._show, busy_text="Reading settings…")

    def _scroll_form(self) -> None:
        """The lists can grow long: the form scrolls, the buttons stay in sight."""
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        panel_layout = self.panel.layout()
        assert isinstance(panel_layout, QVBoxLayout)
        panel_layout.replaceWidget(self.panel.form, scroll)
        scroll.setWidget(self.panel.form)
        # The panel's stretch under the form would share the height: the form takes it.
        spacer = panel_layout.itemAt(panel_layout.indexOf(scroll) + 1)
        if spacer is not None and spacer.spacerItem() is not None:
            panel_layout.removeItem(spacer)
        panel_layout.setStretchFactor(scroll, 1)
        self.resize(self.width(), 760)

    # -- showing ---------------------------------------------------------------------
    def _show(self, settings: _Settings) -> None:
        self._saved = settings
        dates = settings.dates
        self.term_holidays.set_records(dates.term_holidays)
        self.inset_days.set_state([{"day": format_day(d)} for d in dates.inset_days])
        self.closure_days.set_state([{"day": format_day(d)} for d in dates.closure_days])
        self.bank_holidays.setText(bank_holidays_text(settings.bank_holidays))
        self.stages.set_stages(settings.stages)
        self.contact.setText(settings.contact)
        self.panel.form.untouch_all()
        self._allow_changes(self._session.user.role is Role.DSL)

    def _allow_changes(self, allowed: bool) -> None:
        """Read-only until the settings are read, and for anyone but the DSL."""
        for editor in (self.term_holidays, self.inset_days, self.closure_days, self.stages,
                       self.contact):
            editor.setEnabled(allowed)
        self.panel.action_button.setVisible(allowed)
        self.panel.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            "Cancel" if allowed else "Close")

    # -- reading the form ------------------------------------------------------------
    def _holidays(self) -> tuple[TermHoliday, ...]:
        holidays = self.term_holidays.records(TermHoliday, required="label")
        for holiday in holidays:
            if holiday.first is None or holiday.last is None:
                raise InvalidInput(f"{holiday.label}: give its first and last day.",
                                   field="term_holidays")
        return holidays

    def _days(self, editor: RowEditor) -> tuple[date, ...]:
        return editor.records(date_of_row, required="")

    def _typed(self) -> tuple[SchoolDates, FieldErrors]:
        """The dates as typed, and what could not be read (a list that cannot be
        read counts as empty), so every list's own problem shows at once."""
        errors: FieldErrors = {}
        dates = SchoolDates(_read(errors, self._holidays),
                            _read(errors, lambda: self._days(self.inset_days)),
                            _read(errors, lambda: self._days(self.closure_days)))
        return school_calendar.tidy(dates), errors

    def dates(self) -> SchoolDates:
        """The dates as typed, tidied (call only once :meth:`_errors` finds none)."""
        dates, errors = self._typed()
        assert not errors
        return dates

    def _errors(self) -> FieldErrors:
        dates, errors = self._typed()
        today = self._saved.today if self._saved else date.today()
        for field, message in school_calendar.calendar_problems(dates, today):
            errors.setdefault(field, message)
        return errors | collect_errors(lambda: validate_escalation_stages(self.stages.stages()))

    # -- saving ----------------------------------------------------------------------
    def _save(self) -> None:
        saved = self._saved
        if saved is None:
            return
        session = self._session
        dates = self.dates()
        stages = list(validate_escalation_stages(self.stages.stages()))
        contact = " ".join(self.contact.text().split())

        def apply() -> None:
            # Only what changed, so the audit trail says what the DSL actually did.
            if dates != saved.dates:
                school_calendar.set_school_calendar(session, dates)
            if tuple(stages) != saved.stages:
                referrals.set_escalation_stages(session, stages)
            if contact != saved.contact:
                referrals.set_school_contact(session, contact)

        self.panel.run(self._worker, apply, lambda _none: self.accept(), busy_text="Saving…")

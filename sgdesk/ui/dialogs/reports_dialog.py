"""Reports: the oversight report for a period, on screen and on paper.

The person chooses the period (the school year so far to begin with) and whether
the report is for governors (numbers under 5 hidden); the figures are counted on
the worker. Each part shows a bar chart and, beside or below it, a table of the
same figures, which is what a keyboard or screen-reader user reads. Printing and
saving use the report on screen, so paper and screen always agree.

The DSL and deputies choose; every other role sees governors' view only (the
service checks this too).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.errors import InvalidInput
from sgdesk.models.reports import (
    OversightReport,
    ReportSection,
    full_report_allowed,
    report_notes,
    report_sections,
    school_year_containing,
)
from sgdesk.services.pdf.oversight_report import oversight_report_pdf
from sgdesk.services.reports import oversight_report
from sgdesk.services.session import Session
from sgdesk.ui.bar_chart import BarChart
from sgdesk.ui.date_field import date_range_fields
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    HINT_COLOUR,
    BusyBar,
    warn,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.pdf_output import print_pdf, save_pdf
from sgdesk.ui.text_table_model import TextTableModel
from sgdesk.ui.worker import DbWorker

PDF_NAME = "oversight-report.pdf"
GOVERNORS_PDF_NAME = "oversight-report-governors.pdf"
GOVERNORS_ONLY_TEXT = ("Your account sees this report as governors do: numbers under 5 "
                       "are hidden.")
STALE_TEXT = "The period has changed: choose Show report to count it."


class SectionTableModel(TextTableModel[tuple[str, ...]]):
    """One part of the report as a table: a label column, then figures (right-aligned)."""

    def __init__(self, section: ReportSection) -> None:
        super().__init__()
        self._header = section.header
        self.set_rows(list(section.rows))

    def headers(self) -> tuple[str, ...]:
        return self._header

    def cells(self, row: tuple[str, ...]) -> tuple[str, ...]:
        return row

    def extra(self, row: tuple[str, ...], column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None


class SectionView(QWidget):
    """A part of the report: its heading, what it counts, the chart and the table."""

    def __init__(self, section: ReportSection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        title = QLabel(section.title)
        title.setObjectName("subheading")
        layout.addWidget(title)
        layout.addWidget(wrapped_label(section.note, HINT_COLOUR))
        for label, text in section.figures:
            layout.addWidget(wrapped_label(f"{label}: {text}"))
        self.chart = BarChart()
        self.chart.set_chart(section.chart)
        self.table = _figures_table(section)
        if len(section.header) <= 2:  # a narrow table sits beside its chart
            row = QHBoxLayout()
            row.addWidget(self.chart, 3, Qt.AlignmentFlag.AlignTop)
            row.addWidget(self.table, 2, Qt.AlignmentFlag.AlignTop)
            layout.addLayout(row)
        else:
            layout.addWidget(self.chart)
            layout.addWidget(self.table)
        self.chart.setVisible(section.chart is not None)


def _figures_table(section: ReportSection) -> QTableView:
    """A read-only table as tall as its rows, so the page scrolls rather than the table."""
    table = QTableView()
    table.setModel(SectionTableModel(section))
    table.setAccessibleName(f"{section.title}: figures")
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setTabKeyNavigation(False)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()
    table.setFixedHeight(header.sizeHint().height() + table.verticalHeader().length()
                         + 2 * table.frameWidth() + 2)
    return table


class ReportsDialog(QDialog):
    """The oversight report for a chosen period."""

    def __init__(self, worker: DbWorker, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self.report: OversightReport | None = None
        self.sections: list[SectionView] = []
        self._may_choose = full_report_allowed(session.user.role)
        self.setWindowTitle("Reports")
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped_label(
            "Concerns, referrals and cases counted over a period: by month and category, "
            "by SEND status, referrals and their outcomes, how quickly the DSL decided, "
            "open cases and repeat concerns."))
        layout.addLayout(self._build_choices())
        self.message = wrapped_label(colour=ERROR_COLOUR)
        self.message.setObjectName("report_message")
        self.message.hide()
        layout.addWidget(self.message)
        self.busy = BusyBar()
        layout.addWidget(self.busy)
        self.notes = wrapped_label()
        layout.addWidget(self.notes)
        self.report_area = QScrollArea()
        self.report_area.setWidgetResizable(True)
        self.report_area.setFrameShape(QFrame.Shape.NoFrame)
        self.report_area.setAccessibleName("The report")
        layout.addWidget(self.report_area, 1)
        layout.addLayout(self._build_buttons())
        self.resize(1000, 760)
        self._set_pdf_enabled(False)
        self.start_field.setFocus()
        self.show_report()

    # -- building -----------------------------------------------------------------
    def _build_choices(self) -> QHBoxLayout:
        row = QHBoxLayout()
        start_caption, self.start_field, end_caption, self.end_field = date_range_fields()
        today = self._today()
        self.start_field.set_day(school_year_containing(today)[0])
        self.end_field.set_day(today)
        self.this_year = QPushButton("This &school year")
        self.last_year = QPushButton("&Last school year")
        self.governors = QCheckBox("For &governors (numbers under 5 hidden)")
        self.governors.setChecked(not self._may_choose)
        self.governors.setEnabled(self._may_choose)
        if not self._may_choose:
            self.governors.setToolTip(GOVERNORS_ONLY_TEXT)
        self.show_button = QPushButton("S&how report")
        self.show_button.setDefault(True)
        for widget in (start_caption, self.start_field, end_caption, self.end_field,
                       self.this_year, self.last_year, self.governors):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.show_button)
        for field in (self.start_field, self.end_field):
            field.textEdited.connect(lambda _text: self._period_edited())
        self.this_year.clicked.connect(lambda: self._choose_year(self._today()))
        self.last_year.clicked.connect(self._choose_last_year)
        self.governors.toggled.connect(lambda _on: self.show_report())
        self.show_button.clicked.connect(self.show_report)
        for button in (self.this_year, self.last_year):
            button.setAutoDefault(False)
        return row

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        if not self._may_choose:
            row.addWidget(wrapped_label(GOVERNORS_ONLY_TEXT, HINT_COLOUR), 1)
        else:
            row.addStretch(1)
        self.print_button = QPushButton("P&rint…")
        self.save_button = QPushButton("Save as P&DF…")
        for button in (self.print_button, self.save_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        self.print_button.clicked.connect(lambda: self._pdf(lambda data: print_pdf(self, data)))
        self.save_button.clicked.connect(lambda: self._pdf(self._save_pdf))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row.addWidget(close)
        return row

    # -- choosing the period ------------------------------------------------------
    def _today(self) -> date:
        """Today by the store's clock, as the service counts it (no store access)."""
        return self._session.db.clock().astimezone().date()

    def _choose_year(self, day: date) -> None:
        first, last = school_year_containing(day)
        self.start_field.set_day(first)
        self.end_field.set_day(min(last, self._today()))
        self.show_report()

    def _choose_last_year(self) -> None:
        first, _last = school_year_containing(self._today())
        self._choose_year(first.replace(year=first.year - 1))

    def _period_edited(self) -> None:
        self._set_pdf_enabled(False)
        self._show_message(STALE_TEXT if self.report is not None else "")

    # -- counting -----------------------------------------------------------------
    def show_report(self) -> None:
        """Count the period on the worker and show it."""
        try:
            start, end = self.start_field.day(), self.end_field.day()
        except InvalidInput as exc:
            self._show_message(str(exc))
            return
        if start is None or end is None:
            self._show_message("Give the first and last day of the period.")
            (self.start_field if start is None else self.end_field).setFocus()
            return
        session, for_governors = self._session, self.governors.isChecked()
        self._show_message("")
        self._set_pdf_enabled(False)
        self.show_button.setEnabled(False)
        self.busy.start("Counting…")
        self._worker.run(
            lambda: oversight_report(session, start, end, for_governors=for_governors),
            on_done=while_alive(self, self._show), on_error=while_alive(self, self._failed))

    def _show(self, report: OversightReport) -> None:
        self.busy.stop()
        self.show_button.setEnabled(True)
        self.report = report
        self.notes.setText(" ".join(report_notes(report)))
        page = QWidget()
        column = QVBoxLayout(page)
        self.sections = [SectionView(section) for section in report_sections(report)]
        for view in self.sections:
            column.addWidget(view)
        column.addStretch(1)
        self.report_area.setWidget(page)
        self._set_pdf_enabled(True)

    def _failed(self, exc: BaseException) -> None:
        self.busy.stop()
        self.show_button.setEnabled(True)
        self._show_message(str(exc) if isinstance(exc, InvalidInput) else "")
        if not isinstance(exc, InvalidInput):
            warn(self, "Reports", exc)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- paper --------------------------------------------------------------------
    def _set_pdf_enabled(self, enabled: bool) -> None:
        for button in (self.print_button, self.save_button):
            button.setEnabled(enabled and self.report is not None)

    def _pdf(self, deliver: Callable[[bytes], object]) -> None:
        report, session = self.report, self._session
        if report is None:
            return

        def done(data: bytes) -> None:
            self.busy.stop()
            self._set_pdf_enabled(True)
            deliver(data)

        def failed(exc: BaseException) -> None:
            self.busy.stop()
            self._set_pdf_enabled(True)
            warn(self, "Reports", exc)

        self._set_pdf_enabled(False)
        self.busy.start("Preparing the PDF…")
        self._worker.run(lambda: oversight_report_pdf(session, report),
                         on_done=while_alive(self, done), on_error=while_alive(self, failed))

    def _save_pdf(self, data: bytes) -> None:
        governors = self.report is not None and self.report.for_governors
        save_pdf(self, data, GOVERNORS_PDF_NAME if governors else PDF_NAME)

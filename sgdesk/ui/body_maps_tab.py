"""The Body maps tab of a pupil's record: their maps, each read-only with its history,
and a comparison over time.

Comparing lays every map of this pupil in a date range on one outline: the newest
map's marks numbered, the earlier ones faded with the day each was seen, so a mark
that keeps coming back to the same place stands out. The table beside it counts
marks by site across those maps, the most repeated sites first.

Only this pupil's maps are ever read here (``body_maps_for_pupil``); a new map or
an amendment goes through :class:`BodyMapDialog`, and :attr:`changed` says so.
"""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.body_maps import BodyMapContent, BodyView, Mark, marks_by_site
from sgdesk.models.errors import InvalidInput
from sgdesk.services import body_maps
from sgdesk.services.body_maps import BodyMapRecord
from sgdesk.services.session import Session
from sgdesk.ui.body_map_canvas import BodyMapCanvas, EarlierMark
from sgdesk.ui.date_field import date_range_fields
from sgdesk.ui.dialogs.body_map_dialog import BodyMapDialog, MarksTable, view_marks
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    HINT_COLOUR,
    add_status_lines,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.mark_form import MarkEntry
from sgdesk.ui.record_text import day_text, moment_text, names_text, yes_no
from sgdesk.ui.worker import DbWorker


def read_only_table(headings: tuple[str, ...], stretch: int) -> QTableWidget:
    """A short list read by keyboard: whole rows, Tab moves on."""
    table = QTableWidget(0, len(headings))
    table.setHorizontalHeaderLabels(headings)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def fill_table(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for row, values in enumerate(rows):
        for column, text in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(text))


def view_choice() -> QComboBox:
    combo = QComboBox()
    for view in BodyView:
        combo.addItem(view.label, view)
    return combo


def mark_details_html(number: int, mark: Mark) -> str:
    """One mark in full, as the reader of the record needs it."""
    signs = [word for flag, word in ((mark.broken_skin, "broken skin"),
                                     (mark.swelling, "swelling"), (mark.bleeding, "bleeding"))
             if flag]
    rows = [("Site", mark.site), ("Type", mark.mark_type.label),
            ("Size", f"{mark.width_cm:g} × {mark.height_cm:g} cm"), ("Shape", mark.shape),
            ("Colour(s)", ", ".join(mark.colours)),
            ("Also seen", names_text(signs) or "None recorded"),
            ("The child's explanation", mark.child_explanation or "None given"),
            ("An adult's explanation", mark.adult_explanation
             + (f" (given by {mark.adult_explainer})" if mark.adult_explainer else "")),
            ("Seen", moment_text(mark.seen_at))]
    cells = "".join(f"<tr><th align='left' valign='top'>{escape(k)}</th>"
                    f"<td>{escape(v) or '—'}</td></tr>" for k, v in rows)
    return f"<h3>Mark {number} ({escape(mark.view.label.lower())} view)</h3>" \
           f"<table cellpadding='3'>{cells}</table>"


class MapViewer(QWidget):
    """One map read-only: an outline per view with its marks, the marks, the history."""

    amend_requested = Signal(str)

    def __init__(self, can_amend: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._record: BodyMapRecord | None = None
        self._content: BodyMapContent | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = wrapped_label()
        self.heading.setObjectName("map_heading")
        layout.addWidget(self.heading)
        line = QHBoxLayout()
        caption = QLabel("O&utline:")
        self.views = view_choice()
        self.views.setAccessibleName("Outline view")
        caption.setBuddy(self.views)
        line.addWidget(caption)
        line.addWidget(self.views, 1)
        self.amend_button = QPushButton("&Amend…")
        self.amend_button.setAutoDefault(False)
        self.amend_button.setVisible(can_amend)
        self.amend_button.clicked.connect(
            lambda: self.amend_requested.emit(self._record.id) if self._record else None)
        line.addWidget(self.amend_button)
        layout.addLayout(line)

        split = QSplitter()
        split.setChildrenCollapsible(False)
        self.canvas = BodyMapCanvas(interactive=False)
        split.addWidget(self.canvas)
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        marks_caption = QLabel("Mar&ks:")
        self.marks = MarksTable()
        self.marks.setAccessibleName("Marks on this map")
        self.marks.setMaximumHeight(self.marks.fontMetrics().lineSpacing() * 8)
        marks_caption.setBuddy(self.marks)
        self.details = QTextBrowser()
        self.details.setTabChangesFocus(True)
        self.details.setAccessibleName("The chosen mark in full")
        history_caption = QLabel("&History:")
        self.history = QListWidget()
        self.history.setAccessibleName("History: every saved version")
        self.history.setWordWrap(True)
        history_caption.setBuddy(self.history)
        self.history.setMaximumHeight(self.history.fontMetrics().lineSpacing() * 6)
        for widget in (marks_caption, self.marks, self.details, history_caption, self.history):
            column.addWidget(widget)
        split.addWidget(side)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout.addWidget(split, 1)

        self.views.currentIndexChanged.connect(lambda _i: self._show_view())
        self.canvas.current_changed.connect(lambda n: self._show_mark(n - 1 if n else None))
        self.marks.currentCellChanged.connect(
            lambda row, _c, _pr, _pc: self._show_mark(row if row >= 0 else None))
        self.history.currentRowChanged.connect(self._show_version)
        self.show_record(None)

    @property
    def record(self) -> BodyMapRecord | None:
        return self._record

    def show_record(self, record: BodyMapRecord | None) -> None:
        """Show ``record`` at its newest version (None: nothing chosen)."""
        self._record = record
        self.amend_button.setEnabled(record is not None)
        self.history.blockSignals(True)
        self.history.clear()
        for version in record.versions if record else ():
            text = f"Version {version.number}: {moment_text(version.saved_at)}, " \
                   f"{version.saved_by}"
            self.history.addItem(text + (f". Why: {version.reason}" if version.reason else ""))
        self.history.blockSignals(False)
        if record is None:
            self._content = None
            self.heading.setText("Choose a map in the list to see it here.")
            self.marks.show_entries([])
            self.canvas.set_marks([])
            self.details.clear()
            return
        self.history.setCurrentRow(len(record.versions) - 1)

    def _show_version(self, row: int) -> None:
        if self._record is None or not 0 <= row < len(self._record.versions):
            return
        version = self._record.versions[row]
        content = version.content
        self._content = content
        newest = row == len(self._record.versions) - 1
        self.heading.setText(
            f"Completed {moment_text(content.completed_at)} by {content.completed_by_name} "
            f"({content.completed_by_role}). "
            + ("" if newest else f"You are looking at version {version.number}, not the "
                                 f"newest. ")
            + (f"Notes: {content.notes}" if content.notes else ""))
        self.marks.blockSignals(True)
        self.marks.show_entries([MarkEntry.from_mark(m) for m in content.marks])
        self.marks.blockSignals(False)
        views = [m.view for m in content.marks]
        first = views[0] if views else BodyView.FRONT
        if self.views.currentData() is first:
            self._show_view()
        else:
            self.views.setCurrentIndex(self.views.findData(first))
        self._show_mark(0 if content.marks else None)

    def _show_view(self) -> None:
        view: BodyView = self.views.currentData()
        self.canvas.set_view(view)
        marks = self._content.marks if self._content else ()
        self.canvas.set_marks(view_marks([MarkEntry.from_mark(m) for m in marks], view))

    def _show_mark(self, index: int | None) -> None:
        marks = self._content.marks if self._content else ()
        if index is None or not 0 <= index < len(marks):
            self.details.setHtml(f"<p style='color:{HINT_COLOUR}'>Choose a mark to read it "
                                 "in full.</p>")
            return
        mark = marks[index]
        if self.views.currentData() is not mark.view:
            self.views.setCurrentIndex(self.views.findData(mark.view))
        self.canvas.set_current(index + 1)
        self.marks.blockSignals(True)
        self.marks.selectRow(index)
        self.marks.blockSignals(False)
        self.details.setHtml(mark_details_html(index + 1, mark))


class ComparePanel(QWidget):
    """All of the pupil's maps in a date range on one outline, and marks by site."""

    def __init__(self, worker: DbWorker, session: Session, pupil_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._pupil_id = pupil_id
        self._maps: list[BodyMapRecord] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(wrapped_label(
            "Every map of this pupil in the dates chosen, on one outline: the newest map's "
            "marks numbered, earlier ones faded with the day each mark was seen."))
        line = QHBoxLayout()
        view_caption = QLabel("Out&line:")
        self.views = view_choice()
        self.views.setAccessibleName("Outline view to compare")
        view_caption.setBuddy(self.views)
        start_caption, self.start, end_caption, self.end = date_range_fields()
        self.show_button = QPushButton("&Show")
        self.show_button.setAutoDefault(False)
        for widget in (view_caption, self.views, start_caption, self.start, end_caption,
                       self.end, self.show_button):
            line.addWidget(widget)
        line.addStretch(1)
        layout.addLayout(line)
        self.error = wrapped_label(colour=ERROR_COLOUR)
        self.error.hide()
        layout.addWidget(self.error)
        self.summary = wrapped_label(colour=HINT_COLOUR)
        layout.addWidget(self.summary)

        split = QSplitter()
        split.setChildrenCollapsible(False)
        self.canvas = BodyMapCanvas(interactive=False)
        split.addWidget(self.canvas)
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Marks &by site, the most repeated first:")
        self.by_site = read_only_table(("Site", "Marks", "Seen on", "Types"), 2)
        self.by_site.setAccessibleName("Marks by site across the maps")
        caption.setBuddy(self.by_site)
        column.addWidget(caption)
        column.addWidget(self.by_site, 1)
        split.addWidget(side)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout.addWidget(split, 1)

        self.views.currentIndexChanged.connect(lambda _i: self._draw())
        self.show_button.clicked.connect(self.refresh)
        for field in (self.start, self.end):
            field.returnPressed.connect(self.refresh)

    def range(self) -> tuple[date | None, date | None]:
        """The dates typed; raises InvalidInput for one that cannot be read."""
        start, end = self.start.day(), self.end.day()
        if start and end and end < start:
            raise InvalidInput("The 'to' date is before the 'from' date.", field="end")
        return start, end

    def refresh(self) -> None:
        try:
            start, end = self.range()
        except InvalidInput as exc:
            self.error.setText(str(exc))
            self.error.show()
            (self.end if exc.field == "end" else self.start).setFocus()
            return
        self.error.hide()
        session, pupil_id = self._session, self._pupil_id
        self._worker.run(lambda: body_maps.body_maps_for_pupil(session, pupil_id, start, end),
                         on_done=while_alive(self, self._loaded),
                         on_error=while_alive(self, self._failed))

    def _loaded(self, maps: list[BodyMapRecord]) -> None:
        self._maps = maps
        self._draw()

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(f"The maps could not be read. {describe(exc)}")
        self.error.show()

    def _draw(self) -> None:
        view: BodyView = self.views.currentData()
        contents = [m.current for m in self._maps]
        self.canvas.set_view(view)
        if contents:
            newest = contents[-1]
            self.canvas.set_marks(view_marks([MarkEntry.from_mark(m) for m in newest.marks],
                                             view))
            self.canvas.set_earlier([
                EarlierMark(mark.x, mark.y, day_text(mark.seen_at.astimezone().date()))
                for content in contents[:-1] for mark in content.marks if mark.view is view])
            self.summary.setText(
                f"{len(contents)} map{'s' if len(contents) != 1 else ''}; the newest, "
                f"numbered, completed {day_text(newest.completed_at.astimezone().date())}.")
        else:
            self.canvas.set_marks([])
            self.canvas.set_earlier([])
            self.summary.setText("No body maps in these dates.")
        start, end = self.start.day(), self.end.day()
        fill_table(self.by_site, [
            (site, str(len(found)), ", ".join(day_text(s.seen_at.astimezone().date())
                                              for s in found),
             ", ".join(sorted({s.mark_type.label for s in found})))
            for site, found in marks_by_site(contents, start, end).items()])


class BodyMapsTab(QWidget):
    """A pupil's body maps: the list, one map read-only, and comparing over time."""

    changed = Signal()

    HEADINGS = ("Completed", "Completed by", "Marks", "Linked to a concern")

    def __init__(self, worker: DbWorker, session: Session, pupil_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._pupil_id = pupil_id
        self._records: list[BodyMapRecord] = []
        can_write = session.user.role.can_write
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(wrapped_label("Staff never photograph marks: a body map is the record. "
                                    "Make a fresh map each time marks are seen."), 1)
        self.add_button = QPushButton("Add a &body map…")
        self.add_button.setAutoDefault(False)
        self.add_button.setVisible(can_write)
        self.add_button.clicked.connect(self.add_map)
        top.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.message, self.busy = add_status_lines(layout)

        self.pages = QTabWidget()
        maps_page = QWidget()
        maps_layout = QVBoxLayout(maps_page)
        self.list = read_only_table(self.HEADINGS, 1)
        self.list.setAccessibleName("This pupil's body maps")
        row = self.list.verticalHeader().defaultSectionSize()
        heading = self.list.horizontalHeader().sizeHint().height()
        self.list.setFixedHeight(heading + row * 4 + 4)  # four maps in view, then scroll
        self.viewer = MapViewer(can_write)
        maps_layout.addWidget(self.list)
        maps_layout.addWidget(self.viewer, 1)
        self.compare = ComparePanel(worker, session, pupil_id)
        self.pages.addTab(maps_page, "&Maps")
        self.pages.addTab(self.compare, "Compare over &time")
        layout.addWidget(self.pages, 1)

        self.list.currentCellChanged.connect(lambda row, _c, _pr, _pc: self._open(row))
        self.viewer.amend_requested.connect(self.amend_map)
        self.pages.currentChanged.connect(
            lambda index: self.compare.refresh() if index == 1 else None)
        self.reload()

    # -- reading ------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the pupil's maps again (after a save, or when the record is shown)."""
        session, pupil_id = self._session, self._pupil_id
        self.busy.start("Reading body maps…")
        self._worker.run(lambda: body_maps.body_maps_for_pupil(session, pupil_id),
                         on_done=while_alive(self, self._loaded),
                         on_error=while_alive(self, self._failed))

    def _loaded(self, records: list[BodyMapRecord]) -> None:
        self.busy.stop()
        self.message.hide()
        chosen = self.viewer.record.id if self.viewer.record else None
        self._records = list(reversed(records))  # newest first in the list
        fill_table(self.list, [
            (moment_text(r.current.completed_at), r.current.completed_by_name,
             str(len(r.current.marks)), yes_no(r.current.concern_id is not None))
            for r in self._records])
        if not self._records:
            self.viewer.show_record(None)
            self.viewer.heading.setText("No body maps for this pupil yet.")
        else:
            ids = [r.id for r in self._records]
            self.list.selectRow(ids.index(chosen) if chosen in ids else 0)
            self._open(self.list.currentRow())
        if self.pages.currentIndex() == 1:
            self.compare.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.busy.stop()
        self.message.setText(f"The body maps could not be read. {describe(exc)}")
        self.message.show()

    def _open(self, row: int) -> None:
        record = self._records[row] if 0 <= row < len(self._records) else None
        if record is not self.viewer.record:
            self.viewer.show_record(record)

    # -- adding and amending --------------------------------------------------------------
    def add_map(self) -> None:
        self._edit(BodyMapDialog(self._worker, self._session, self._pupil_id, parent=self))

    def amend_map(self, map_id: str) -> None:
        self._edit(BodyMapDialog(self._worker, self._session, self._pupil_id, map_id=map_id,
                                 parent=self))

    def _edit(self, dialog: BodyMapDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _id: (self.reload(), self.changed.emit()))
        dialog.open()

"""The Chronology tab of a pupil's record: every entry in date order, narrowed by the
filters a professional asks for, the family's chronology when the pupil has linked
siblings, and the chronology printed or saved as a PDF.

Entries drawn from the record open what they came from (a concern as that child's
file shows it, a body map read-only, a referral); an event recorded by hand opens
to be amended. The chronology is built on the worker and filtered here: the
filters only narrow a list already read, so changing them is instant even for a
family's 1,500 entries. A family line is built from that child's own file, so it
never carries another child's role (see :mod:`sgdesk.services.chronology`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.chronology import SOURCE_LABELS, ChronologyEntry, ChronologyFilter
from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import Pupil
from sgdesk.services import body_maps, chronology, pupils
from sgdesk.services.concerns import REVIEWER_ROLES
from sgdesk.services.record_dates import day_text
from sgdesk.services.session import Session
from sgdesk.ui.date_field import date_range_fields
from sgdesk.ui.error_text import describe
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

PDF_NAME = "chronology.pdf"
FAMILY_PDF_NAME = "family-chronology.pdf"
#: What each line came from, one of them ("Concern", not "Concerns").
KIND_NAMES = {"concern": "Concern", "dsl_decision": "DSL decision", "body_map": "Body map",
              "referral": "Referral", "case": "Casework", "event": "Recorded event"}



# -- reading ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ChronologyRead:
    """One worker job's answer: the pupil (for their family) and the entries."""

    pupil: Pupil
    family: bool
    entries: list[ChronologyEntry]


def read_chronology(session: Session, pupil_id: str, family: bool) -> ChronologyRead:
    """Worker job: the pupil's chronology, or their family's when asked and linked."""
    pupil = pupils.get_pupil(session, pupil_id).pupil
    if family and pupil.family_id:
        return ChronologyRead(pupil, True, chronology.family_chronology(session,
                                                                        pupil.family_id))
    return ChronologyRead(pupil, False, chronology.pupil_chronology(session, pupil_id))


def entry_key(entry: ChronologyEntry) -> tuple[str, str, str]:
    """What names one line across reloads (a concern about two siblings is two lines)."""
    return entry.source_kind, entry.source_id, entry.pupil_id or ""


# -- the table -------------------------------------------------------------------------
class ChronologyModel(TextTableModel[ChronologyEntry]):
    """The entries as a table; the child column only on a family's chronology."""

    HEADERS: tuple[str, ...] = ("Date", "Time", "Event", "From", "Source", "Outcome / action",
                                "Significant")
    FAMILY_HEADERS: tuple[str, ...] = ("Date", "Time", "Child", "Event", "From", "Source",
                                       "Outcome / action", "Significant")

    def __init__(self) -> None:
        super().__init__()
        self.family = False

    def headers(self) -> tuple[str, ...]:
        return self.FAMILY_HEADERS if self.family else self.HEADERS

    def set_entries(self, entries: list[ChronologyEntry], family: bool) -> None:
        self.family = family
        self.set_rows(entries)

    def cells(self, row: ChronologyEntry) -> tuple[str, ...]:
        when = f"{row.happened_at_time:%H:%M}" if row.happened_at_time else ""
        rest = (row.event, KIND_NAMES.get(row.source_kind, row.source_kind),
                row.source, row.outcome, "Yes" if row.significant else "No")
        child = (row.child_name,) if self.family else ()
        return (day_text(row.happened_on), when, *child, *rest)

    def row_of(self, key: tuple[str, str, str]) -> int | None:
        """The row of the line ``key`` names; failing that, the first line drawn from
        the same record (whoever's line it is)."""
        keys = [entry_key(e) for e in self.rows]
        if key in keys:
            return keys.index(key)
        return next((n for n, k in enumerate(keys) if k[:2] == key[:2]), None)


def entry_html(entry: ChronologyEntry) -> str:
    """One line in full, for the pane under the table."""
    when = day_text(entry.happened_on) + (f" at {entry.happened_at_time:%H:%M}"
                                          if entry.happened_at_time else "")
    about = f"{escape(entry.child_name)} · " if entry.child_name else ""
    rows = [("Source", entry.source), ("Outcome / action", entry.outcome),
            ("Categories", ", ".join(entry.categories)),
            ("Significant", "Yes" if entry.significant else "No")]
    cells = "".join(f"<tr><th align='left' valign='top'>{escape(k)}</th><td>{escape(v)}</td></tr>"
                    for k, v in rows if v)
    return (f"<p><b>{about}{escape(when)} · {escape(KIND_NAMES.get(entry.source_kind, ''))}"
            f"</b></p><p>{escape(entry.event)}</p><table cellpadding='2'>{cells}</table>")


class ChoiceButton(QToolButton):
    """A button opening a list of ticks (categories, sources); it names what is
    ticked, "All" when nothing is. :attr:`changed` after each tick."""

    changed = Signal()

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._caption = caption
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        self.setAccessibleName(caption)
        self.set_choices({})

    def set_choices(self, choices: dict[str, str]) -> None:
        """Offer ``choices`` (value -> label), keeping the ticks still offered."""
        kept = self.chosen()
        menu = self.menu()
        menu.clear()
        for value, label in choices.items():
            action = QAction(label, menu)
            action.setCheckable(True)
            action.setChecked(value in kept)
            action.setData(value)
            action.toggled.connect(lambda _on: self._ticked())
            menu.addAction(action)
        self.setEnabled(bool(choices))
        self._name_chosen()

    def chosen(self) -> frozenset[str]:
        menu = self.menu()
        return frozenset(str(a.data()) for a in menu.actions() if a.isChecked()) \
            if menu else frozenset()

    def clear_choices(self) -> None:
        for action in self.menu().actions():
            action.blockSignals(True)
            action.setChecked(False)
            action.blockSignals(False)
        self._name_chosen()

    def _ticked(self) -> None:
        self._name_chosen()
        self.changed.emit()

    def _name_chosen(self) -> None:
        labels = [a.text() for a in self.menu().actions() if a.isChecked()]
        named = ", ".join(labels) if labels else "All"
        # The button stays short in the filter row; the full list is its tooltip.
        self.setText(f"{self._caption}: {named if len(labels) <= 2 else f'{len(labels)} chosen'}")
        self.setToolTip(f"{self._caption}: {named}")
        self.setAccessibleDescription(self.toolTip())


class BodyMapViewDialog(QDialog):
    """A body map read-only, opened from its chronology line (amending it is done on
    the Body maps tab)."""

    def __init__(self, worker: DbWorker, session: Session, map_id: str,
                 parent: QWidget | None = None) -> None:
        from sgdesk.ui.body_maps_tab import MapViewer

        super().__init__(parent)
        self.setWindowTitle("Body map")
        self.resize(1000, 720)
        layout = QVBoxLayout(self)
        self.viewer = MapViewer(can_amend=False)
        layout.addWidget(wrapped_label("To amend this map, use the pupil's Body maps tab.",
                                       HINT_COLOUR))
        layout.addWidget(self.viewer, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        worker.run(lambda: body_maps.get_body_map(session, map_id),
                   on_done=while_alive(self, self.viewer.show_record),
                   on_error=while_alive(self, lambda exc: self.viewer.heading.setText(
                       f"The body map could not be opened. {describe(exc)}")))


# -- the tab ---------------------------------------------------------------------------
class ChronologyTab(QWidget):
    """A pupil's chronology (or their family's); :attr:`changed` after anything was
    saved from here; :attr:`case_chosen` (pupil id, case id) when a casework line is
    opened, as cases are read and kept on the pupil's Casework tab."""

    changed = Signal()
    case_chosen = Signal(str, str)

    def __init__(self, worker: DbWorker, session: Session, pupil_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._pupil_id = pupil_id
        self._family_id: str | None = None
        self._all: list[ChronologyEntry] = []
        self._generation = 0
        self._select_after: tuple[str, str, str] | None = None
        role = session.user.role
        self._can_write = role.can_write
        self._reviewer = role in REVIEWER_ROLES
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_top())
        layout.addLayout(self._build_filters())
        self.message = wrapped_label(colour=ERROR_COLOUR)
        self.message.setObjectName("error")
        self.message.hide()
        layout.addWidget(self.message)
        self.busy = BusyBar()
        layout.addWidget(self.busy)
        self.summary = wrapped_label(colour=HINT_COLOUR)
        self.summary.setObjectName("summary")
        layout.addWidget(self.summary)
        self.details = QTextBrowser()
        self.details.setAccessibleName("The chosen entry in full")
        self.details.setTabChangesFocus(True)
        split = QSplitter(Qt.Orientation.Vertical)  # the reader may give the entry more room
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_table())
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lines = self.details.fontMetrics().lineSpacing()
        split.setSizes([lines * 30, lines * 10])
        layout.addWidget(split, 1)
        self._show_details(None)
        self.reload()

    # -- building ---------------------------------------------------------------------
    def _build_top(self) -> QHBoxLayout:
        line = QHBoxLayout()
        self.scope_caption = QLabel("Show:")
        self.this_pupil = QRadioButton("This &pupil")
        self.whole_family = QRadioButton("Whole &family")
        self.scope = QButtonGroup(self)
        for button in (self.this_pupil, self.whole_family):
            self.scope.addButton(button)
        self.this_pupil.setChecked(True)
        self.this_pupil.setAccessibleName("Show this pupil's chronology")
        self.whole_family.setAccessibleName("Show the whole family's chronology")
        self.scope.buttonClicked.connect(lambda _b: self.reload())
        for widget in (self.scope_caption, self.this_pupil, self.whole_family):
            widget.hide()  # shown once the pupil is known to have a family
            line.addWidget(widget)
        self.intro = wrapped_label("Lines from concerns, DSL decisions, body maps and "
                                   "referrals follow their records. Add an event for what "
                                   "the school learns otherwise.", HINT_COLOUR)
        line.addWidget(self.intro, 1)
        line.addStretch(0)  # takes the room only while the intro is hidden
        self.add_button = QPushButton("Add an &event…")
        self.add_button.setVisible(self._can_write)
        self.add_button.clicked.connect(self.add_event)
        self.significance_button = QPushButton("Mark si&gnificant")
        self.significance_button.setVisible(self._reviewer)
        self.significance_button.clicked.connect(self.toggle_significance)
        self.print_button = QPushButton("P&rint…")
        self.save_button = QPushButton("Save as P&DF…")
        self.print_button.clicked.connect(lambda: self._pdf(lambda data: print_pdf(self, data)))
        self.save_button.clicked.connect(lambda: self._pdf(self._save_pdf))
        for action in (self.add_button, self.significance_button, self.print_button,
                       self.save_button):
            action.setAutoDefault(False)
            line.addWidget(action)
        return line

    def _build_filters(self) -> QHBoxLayout:
        line = QHBoxLayout()
        self.date_error = wrapped_label(colour=ERROR_COLOUR)
        self.date_error.setObjectName("date_error")
        self.date_error.hide()
        self.significant_only = QCheckBox("&Significant only")
        self.significant_only.toggled.connect(lambda _on: self._apply_filter())
        start_caption, self.start, end_caption, self.end = date_range_fields("Fr&om:")
        for field in (self.start, self.end):
            field.editingFinished.connect(self._apply_filter)
            field.textEdited.connect(lambda _t: self.date_error.hide())
        self.categories = ChoiceButton("Categories")
        self.sources = ChoiceButton("Sources")
        self.sources.set_choices(dict(SOURCE_LABELS))
        for choice in (self.categories, self.sources):
            choice.changed.connect(self._apply_filter)
        self.clear_button = QPushButton("C&lear filters")
        self.clear_button.setAutoDefault(False)
        self.clear_button.clicked.connect(self.clear_filters)
        for widget in (self.significant_only, start_caption, self.start, end_caption, self.end,
                       self.categories, self.sources, self.clear_button):
            line.addWidget(widget)
        line.addWidget(self.date_error, 1)
        line.addStretch(1)
        return line

    def _build_table(self) -> QTableView:
        self.model = ChronologyModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Chronology entries, oldest first")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.activated.connect(lambda index: self.open_entry(index.row()))
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._current_changed(current.row()))
        self.model.modelReset.connect(self._size_columns)
        return self.table

    def _size_columns(self) -> None:
        """Short columns fit their text (the rows in view only, for speed); the event
        takes the room left; source and outcome start at a readable width."""
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(0)
        header.setStretchLastSection(False)
        headers = [self.model.headerData(c, Qt.Orientation.Horizontal)
                   for c in range(self.model.columnCount())]
        width = self.fontMetrics().averageCharWidth()
        for column, name in enumerate(headers):
            if name == "Event":
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            elif name in ("Source", "Outcome / action"):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, width * 28)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    # -- reading ----------------------------------------------------------------------
    @property
    def showing_family(self) -> bool:
        return self.model.family

    def reload(self) -> None:
        """Read the chronology again (after a save, or when the view changes)."""
        session, pupil_id = self._session, self._pupil_id
        family = self.whole_family.isChecked()
        self._generation += 1
        generation = self._generation
        self.busy.start("Reading the family's chronology…" if family
                        else "Reading the chronology…")
        self._worker.run(lambda: read_chronology(session, pupil_id, family),
                         on_done=while_alive(self, lambda read: self._loaded(generation, read)),
                         on_error=while_alive(self, lambda exc: self._failed(generation, exc)))

    def _loaded(self, generation: int, read: ChronologyRead) -> None:
        if generation != self._generation:
            return  # a newer reading was asked for meanwhile
        self.busy.stop()
        self.message.hide()
        self._family_id = read.pupil.family_id
        has_family = self._family_id is not None
        for widget in (self.scope_caption, self.this_pupil, self.whole_family):
            widget.setVisible(has_family)
        self.intro.setVisible(not has_family)
        if not read.family:
            self.this_pupil.setChecked(True)
        chosen = self._select_after or self._current_key()
        self._select_after = None
        self._all = read.entries
        self.categories.set_choices({c: c for c in sorted({c for e in read.entries
                                                           for c in e.categories})})
        self._apply_filter(read.family, chosen)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.busy.stop()
        self.message.setText(f"The chronology could not be read. {describe(exc)}")
        self.message.show()

    # -- filtering --------------------------------------------------------------------
    def current_filter(self) -> ChronologyFilter:
        """The filters as chosen; raises InvalidInput for a date it cannot read."""
        start, end = self.start.day(), self.end.day()
        if start and end and end < start:
            raise InvalidInput("The 'to' date is before the 'from' date.", field="end")
        return ChronologyFilter(self.significant_only.isChecked(), start, end,
                                self.categories.chosen(), self.sources.chosen())

    def _apply_filter(self, family: bool | None = None,
                      chosen: tuple[str, str, str] | None = None) -> None:
        try:
            wanted = self.current_filter()
        except InvalidInput as exc:
            self.date_error.setText(str(exc))
            self.date_error.show()
            return
        self.date_error.hide()
        chosen = chosen or self._current_key()
        shown = wanted.apply(self._all)
        self.model.set_entries(shown, self.model.family if family is None else family)
        total = len(self._all)
        noun = "the family's" if self.model.family else "this pupil's"
        if not total:
            self.summary.setText(f"Nothing is on {noun} chronology yet.")
        elif wanted == ChronologyFilter():
            self.summary.setText(f"All {total} entries on {noun} chronology, oldest first. "
                                 "Press Enter on a line to open what it came from.")
        else:
            self.summary.setText(f"Showing {len(shown)} of {total} entries on {noun} "
                                 f"chronology: {chronology.describe_filter(wanted)}.")
        row = self.model.row_of(chosen) if chosen else None
        if row is None and shown:
            row = 0
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self._current_changed(row if row is not None else -1)
        for button in (self.print_button, self.save_button):
            button.setEnabled(bool(total))

    def clear_filters(self) -> None:
        for widget in (self.significant_only, self.start, self.end):
            widget.blockSignals(True)
        self.significant_only.setChecked(False)
        self.start.clear()
        self.end.clear()
        for widget in (self.significant_only, self.start, self.end):
            widget.blockSignals(False)
        self.categories.clear_choices()
        self.sources.clear_choices()
        self._apply_filter()

    # -- the chosen entry -------------------------------------------------------------
    def current_entry(self) -> ChronologyEntry | None:
        return self.model.entry(self.table.currentIndex().row())

    def _current_key(self) -> tuple[str, str, str] | None:
        entry = self.current_entry()
        return entry_key(entry) if entry else None

    def _current_changed(self, row: int) -> None:
        entry = self.model.entry(row)
        self._show_details(entry)
        self.significance_button.setEnabled(entry is not None)
        self.significance_button.setText("Mark not si&gnificant" if entry and entry.significant
                                          else "Mark si&gnificant")

    def _show_details(self, entry: ChronologyEntry | None) -> None:
        if entry is None:
            self.details.setHtml(f"<p style='color:{HINT_COLOUR}'>Choose a line to read it "
                                 "in full.</p>")
        else:
            self.details.setHtml(entry_html(entry))

    # -- opening what a line came from -------------------------------------------------
    def open_entry(self, row: int) -> None:
        """A concern or decision opens the concern as that child's file shows it; a
        body map opens read-only; a referral opens; a recorded event opens to amend."""
        entry = self.model.entry(row)
        if entry is None:
            return
        kind, source_id = entry.source_kind, entry.record_id
        dialog: QDialog
        if kind in ("concern", "dsl_decision") and entry.pupil_id:
            from sgdesk.ui.concern_view import ConcernViewDialog

            concern = ConcernViewDialog(self._worker, self._session, source_id,
                                        entry.pupil_id, self)
            concern.changed.connect(self._saved)
            dialog = concern
        elif kind == "body_map":
            dialog = BodyMapViewDialog(self._worker, self._session, source_id, self)
        elif kind == "referral":
            from sgdesk.ui.dialogs.referral_dialog import ReferralDialog

            dialog = ReferralDialog(self._worker, self._session, source_id, self)
            dialog.saved.connect(self._saved)
        elif kind == "case" and entry.pupil_id:
            self.case_chosen.emit(entry.pupil_id, source_id)
            return
        elif kind == "event" and self._can_write:
            from sgdesk.ui.dialogs.chronology_event_dialog import ChronologyEventDialog

            dialog = ChronologyEventDialog(self._worker, self._session, event_id=source_id,
                                           parent=self)
            dialog.saved.connect(self._saved)
        else:
            self.details.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        _open(dialog)

    # -- changing ---------------------------------------------------------------------
    def add_event(self) -> None:
        from sgdesk.ui.dialogs.chronology_event_dialog import ChronologyEventDialog

        if not self._can_write:
            return
        dialog = ChronologyEventDialog(self._worker, self._session, pupil_id=self._pupil_id,
                                       parent=self)
        dialog.saved.connect(self._event_added)
        _open(dialog)

    def _event_added(self, event_id: str) -> None:
        """Show the new event chosen (its line is found by its id: it may be about the
        pupil or the whole family)."""
        self._select_after = ("event", event_id, "")
        self._saved()

    def toggle_significance(self) -> None:
        """DSL and deputy only: the chosen line becomes significant, or stops being."""
        entry = self.current_entry()
        if entry is None or not self._reviewer:
            return
        session = self._session
        self.significance_button.setEnabled(False)
        self._select_after = entry_key(entry)
        self._worker.run(
            lambda: chronology.set_significance(session, entry.pupil_id, entry.source_kind,
                                                entry.source_id, not entry.significant),
            on_done=while_alive(self, lambda _none: self._saved()),
            on_error=while_alive(self, self._significance_failed))

    def _significance_failed(self, exc: BaseException) -> None:
        self._select_after = None
        self.significance_button.setEnabled(True)
        warn(self, "Significance not changed", exc)

    def _saved(self, *_ignored: object) -> None:
        self.reload()
        self.changed.emit()

    # -- printing ---------------------------------------------------------------------
    def _pdf(self, deliver: Callable[[bytes], object]) -> None:
        """Build the PDF of what is shown (this pupil or the family, as filtered) on the
        worker, then print or save it."""
        from sgdesk.services.pdf.chronology_report import chronology_pdf, family_chronology_pdf

        try:
            wanted = self.current_filter()
        except InvalidInput as exc:
            self.date_error.setText(str(exc))
            self.date_error.show()
            return
        session, pupil_id, family_id = self._session, self._pupil_id, self._family_id
        family = self.showing_family and family_id is not None

        def build() -> bytes:
            if family and family_id is not None:
                return family_chronology_pdf(session, family_id, wanted)
            return chronology_pdf(session, pupil_id, wanted)

        def done(data: bytes) -> None:
            self._pdf_finished()
            deliver(data)

        def failed(exc: BaseException) -> None:
            self._pdf_finished()
            warn(self, "Chronology", exc)

        for button in (self.print_button, self.save_button):
            button.setEnabled(False)
        self.busy.start("Preparing the PDF…")
        self._worker.run(build, on_done=while_alive(self, done),
                         on_error=while_alive(self, failed))

    def _pdf_finished(self) -> None:
        self.busy.stop()
        for button in (self.print_button, self.save_button):
            button.setEnabled(bool(self._all))

    def _save_pdf(self, data: bytes) -> None:
        save_pdf(self, data, FAMILY_PDF_NAME if self.showing_family else PDF_NAME)


def _open(dialog: QDialog) -> None:
    """Open without blocking (never ``exec``), so a lock can close it."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


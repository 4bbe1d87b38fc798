"""The pupil list beside the record: every pupil on the register, narrowed by name
as you type, year group, SEND status, open concerns, and whether leavers show.

The whole list is read once on the worker (one indexed query); the filters then
run in memory on the GUI thread, which takes a few milliseconds for 7,500 pupils.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.pupils import PupilListEntry, SendStatus, filter_pupils
from sgdesk.ui.pupil_list_model import PupilListModel

ANY_YEAR = "Any year"
#: SEND filter choices: (shown text, status or None for any).
SEND_CHOICES: tuple[tuple[str, SendStatus | None], ...] = (
    ("Any", None),
    ("No SEND", SendStatus.NONE),
    ("SEN support (K)", SendStatus.SEN_SUPPORT),
    ("EHCP", SendStatus.EHCP),
)


def year_sort_key(year: str) -> tuple[int, str]:
    """Reception before Year 1 before Year 10: by the number in it, then the text."""
    number = re.search(r"\d+", year)
    return (int(number.group()) if number else -1, year)


class PupilListView(QWidget):
    """Emits :attr:`pupil_chosen` with a pupil id on Enter, double-click or click."""

    pupil_chosen = Signal(str)
    add_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[PupilListEntry] = []
        self._names: dict[str, str] = {}

        self.add_button = QPushButton("Add p&upil…")
        self.add_button.clicked.connect(self.add_requested)

        self.name_filter = QLineEdit()
        self.name_filter.setPlaceholderText("Type part of a name")
        self.name_filter.setClearButtonEnabled(True)
        self.year_filter = QComboBox()
        self.send_filter = QComboBox()
        for text, status in SEND_CHOICES:
            self.send_filter.addItem(text, status)
        self.open_only = QCheckBox("&Open concerns only")
        self.include_leavers = QCheckBox("Include &leavers")

        filters = QFormLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        for caption, editor, name in (("&Name:", self.name_filter, "Filter by name"),
                                      ("&Year:", self.year_filter, "Filter by year group"),
                                      ("S&END:", self.send_filter, "Filter by SEND status")):
            label = QLabel(caption)
            label.setBuddy(editor)
            editor.setAccessibleName(name)
            filters.addRow(label, editor)
        checks = QHBoxLayout()
        checks.addWidget(self.open_only)
        checks.addWidget(self.include_leavers)
        checks.addStretch(1)
        filters.addRow(checks)

        self.model = PupilListModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Pupils")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(0)  # size to the rows in view, not thousands
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.count = QLabel()
        self.count.setObjectName("detail")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        heading = QLabel("Pupils")
        heading.setObjectName("subheading")
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.add_button)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

        self.name_filter.textChanged.connect(self.apply_filters)
        self.year_filter.currentIndexChanged.connect(self.apply_filters)
        self.send_filter.currentIndexChanged.connect(self.apply_filters)
        self.open_only.toggled.connect(self.apply_filters)
        self.include_leavers.toggled.connect(self.apply_filters)
        self.table.activated.connect(self._chosen)
        self.table.clicked.connect(self._chosen)
        self.name_filter.returnPressed.connect(self._choose_first)
        self.name_filter.installEventFilter(self)
        self._reset_year_choices()

    # -- data -------------------------------------------------------------------------
    def set_entries(self, entries: list[PupilListEntry]) -> None:
        """Show a freshly read register, keeping the filters as they are."""
        self._entries = entries
        self._names = {e.id: e.sort_name for e in entries}
        self._reset_year_choices(sorted({e.year_group for e in entries if e.year_group},
                                        key=year_sort_key))
        self.apply_filters()

    def name_of(self, pupil_id: str) -> str | None:
        """The listed name of a pupil ("Surname, Forename"), if they are on the list."""
        return self._names.get(pupil_id)

    def clear(self) -> None:
        """Forget every pupil and reset the filters (on lock)."""
        self._entries = []
        self._names = {}
        self.name_filter.clear()
        self.send_filter.setCurrentIndex(0)
        self.open_only.setChecked(False)
        self.include_leavers.setChecked(False)
        self._reset_year_choices()
        self.model.set_rows([])
        self.count.clear()

    def apply_filters(self) -> None:
        shown = filter_pupils(
            self._entries, self.name_filter.text(), self.year_filter.currentData() or "",
            self.send_filter.currentData(), self.open_only.isChecked(),
            self.include_leavers.isChecked())
        self.model.set_rows(shown)
        total = len(self._entries)
        self.count.setText(
            "No pupils are on the register yet." if not total else
            "No pupils match these filters." if not shown else
            f"{len(shown):,} of {total:,} pupils" if len(shown) != total else
            f"{total:,} pupils")

    def _reset_year_choices(self, years: list[str] | None = None) -> None:
        current = self.year_filter.currentData()
        self.year_filter.blockSignals(True)
        self.year_filter.clear()
        self.year_filter.addItem(ANY_YEAR, "")
        for year in years or []:
            self.year_filter.addItem(year, year)
        found = self.year_filter.findData(current) if current else 0
        self.year_filter.setCurrentIndex(max(found, 0))
        self.year_filter.blockSignals(False)

    # -- choosing -----------------------------------------------------------------------
    def _chosen(self, index: QModelIndex) -> None:
        if index.isValid():
            self.pupil_chosen.emit(self.model.entry(index.row()).id)

    def _choose_first(self) -> None:
        """Enter in the name box opens the only (or first) pupil left by the filter."""
        if self.model.rowCount():
            first = self.model.index(0, 0)
            self.table.setCurrentIndex(first)
            self._chosen(first)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the name box moves into the list, as in a search box."""
        if (watched is self.name_filter and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down
                and self.model.rowCount()):
            self.table.setFocus(Qt.FocusReason.TabFocusReason)
            self.table.setCurrentIndex(self.model.index(0, 0))
            return True
        return super().eventFilter(watched, event)

"""Choosing a pupil from the register by typing part of their name.

The register can hold 7,500 pupils, so the matches sit in a list model (never a
widget per pupil) and are filtered in memory with the same rule as the pupil
list. The person stays in the text box throughout: Up and Down move through the
matches, Return takes the highlighted one. The list itself takes no Tab stop,
so tabbing through a form passes the picker once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListView,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.pupils import PupilListEntry, filter_pupils
from sgdesk.ui.form_helpers import HINT_COLOUR, wrapped_label

VISIBLE_MATCHES = 6

Index = QModelIndex | QPersistentModelIndex


def pupil_line(entry: PupilListEntry) -> str:
    """How a pupil is named in a list of matches: name, year, and whether they left."""
    parts = [entry.sort_name]
    if entry.year_group:
        parts.append(f"Year {entry.year_group}" if entry.year_group.isdigit()
                     else entry.year_group)
    if entry.has_left:
        parts.append("left")
    return " · ".join(parts)


class PupilMatchModel(QAbstractListModel):
    """The pupils matching what was typed, in register (surname) order, each line
    written by ``describe``; ``Qt.UserRole`` gives the pupil id."""

    def __init__(self, parent: QObject | None = None,
                 describe: Callable[[PupilListEntry], str] = pupil_line) -> None:
        super().__init__(parent)
        self._rows: list[PupilListEntry] = []
        self._describe = describe

    def set_rows(self, rows: list[PupilListEntry]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def entry(self, row: int) -> PupilListEntry:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._describe(self._rows[index.row()])
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()].id
        return None


class PupilPicker(QWidget):
    """A text box that filters the register, with the matches listed under it.

    Give it the register with :meth:`set_register`; :attr:`chosen` carries the
    :class:`PupilListEntry` picked. Pupils in :meth:`exclude` (already chosen)
    are not offered again.
    """

    chosen = Signal(object)

    def __init__(self, placeholder: str = "Type part of a name", parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self._register: list[PupilListEntry] = []
        self._excluded: set[str] = set()
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        self.model = PupilMatchModel(self)
        self.matches = QListView()
        self.matches.setModel(self.model)
        self.matches.setUniformItemSizes(True)
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matches.setAccessibleName("Matching pupils")
        self.matches.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.matches.hide()
        self.status = wrapped_label(colour=HINT_COLOUR)
        self.status.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.matches)
        layout.addWidget(self.status)
        self.edit.textChanged.connect(self._filter)
        self.edit.installEventFilter(self)
        self.matches.clicked.connect(lambda index: self._choose(index.row()))

    def set_register(self, entries: list[PupilListEntry]) -> None:
        self._register = entries
        self._filter()

    def exclude(self, pupil_ids: set[str]) -> None:
        self._excluded = set(pupil_ids)
        self._filter()

    def current_match(self) -> PupilListEntry | None:
        index = self.matches.currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up/Down walk the matches and Return takes one, without leaving the text box.
        Return is always swallowed here so it never presses a dialog's default button."""
        if watched is not self.edit or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            self._move(key)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.matches.currentIndex()
            if self.matches.isVisible() and index.isValid():
                self._choose(index.row())
            return True
        return False

    def _move(self, key: Qt.Key) -> None:
        count = self.model.rowCount()
        if not count or not self.matches.isVisible():
            return
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1,
                Qt.Key.Key_PageDown: VISIBLE_MATCHES, Qt.Key.Key_PageUp: -VISIBLE_MATCHES}[key]
        row = min(max(self.matches.currentIndex().row() + step, 0), count - 1)
        self._set_current(row)

    def _set_current(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.matches.setCurrentIndex(index)
        self.matches.scrollTo(index)
        self.edit.setAccessibleDescription(
            f"{self.model.rowCount()} matching. Highlighted: {pupil_line(self.model.entry(row))}."
            " Press Return to add.")

    def _filter(self) -> None:
        text = self.edit.text().strip()
        found = ([e for e in filter_pupils(self._register, text) if e.id not in self._excluded]
                 if text else [])
        self.model.set_rows(found)
        self.matches.setVisible(bool(found))
        if found:
            row_height = max(self.matches.sizeHintForRow(0),
                             self.matches.fontMetrics().lineSpacing() + 4)
            shown = min(len(found), VISIBLE_MATCHES)
            self.matches.setFixedHeight(row_height * shown + 2 * self.matches.frameWidth())
            self._set_current(0)
        else:
            self.edit.setAccessibleDescription("")
        self.status.setText("No pupil on the register matches that." if text and not found
                            else "")
        self.status.setVisible(bool(self.status.text()))

    def _choose(self, row: int) -> None:
        entry = self.model.entry(row)
        self.edit.clear()
        self.chosen.emit(entry)

"""The pupil list as a table model: thousands of rows without a widget per cell."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from sgdesk.models.pupils import PupilListEntry, SendStatus

_Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()

#: Short SEND labels for a narrow column (the record header says it in full).
_SEND_SHORT = {SendStatus.NONE: "", SendStatus.SEN_SUPPORT: "SEN support",
               SendStatus.EHCP: "EHCP"}


class PupilListModel(QAbstractTableModel):
    """Rows of :class:`PupilListEntry`; ``Qt.UserRole`` gives the pupil id."""

    HEADERS = ("Name", "Year", "SEND", "Open concerns", "Left")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[PupilListEntry] = []

    def set_rows(self, rows: list[PupilListEntry]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def entry(self, row: int) -> PupilListEntry:
        return self._rows[row]

    def rowCount(self, parent: _Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return entry.id
        if role == Qt.ItemDataRole.DisplayRole:
            return (entry.sort_name, entry.year_group, _SEND_SHORT[entry.send_status],
                    str(entry.open_concerns) if entry.open_concerns else "",
                    "Left" if entry.has_left else "")[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 3:
            return Qt.AlignmentFlag.AlignCenter
        return None

"""The one table model every record list uses: rows of records shown as text.

Each row's text is worked out once, when the rows are set, not on every repaint
(a pupil with 200 concerns or a chronology of 1,500 lines repaints often).
``Qt.UserRole`` gives the row's record; subclasses say the headings and a row's
cells, and may add a colour or an alignment through :meth:`extra`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()


class TextTableModel[Row](QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Row] = []
        self._cells: list[tuple[str, ...]] = []

    # -- what subclasses say ----------------------------------------------------------
    def headers(self) -> tuple[str, ...]:
        raise NotImplementedError

    def cells(self, row: Row) -> tuple[str, ...]:
        """One row's text, in :meth:`headers` order."""
        raise NotImplementedError

    def extra(self, row: Row, column: int, role: int) -> Any:
        """Any other role (alignment, colour) for one cell; ``None`` by default."""
        return None

    # -- rows -------------------------------------------------------------------------
    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._cells = [self.cells(r) for r in self._rows]
        self.endResetModel()

    @property
    def rows(self) -> list[Row]:
        return self._rows

    def entry(self, row: int) -> Row | None:
        """The record shown in table row ``row`` (``None`` off the end)."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- QAbstractTableModel ----------------------------------------------------------
    def rowCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cells[index.row()][index.column()]
        return self.extra(self._rows[index.row()], index.column(), role)

"""A pupil's concerns as a table model, as that pupil's file shows them: this
child's role only, and other children by name only where the DSL chose to show it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from sgdesk.models.concerns import OtherChildMention
from sgdesk.services.concerns import ConcernEntry
from sgdesk.ui.record_text import STATUS_LABELS, day_text, names_text

_Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()


def other_children_text(others: tuple[OtherChildMention, ...]) -> str:
    """``Ben Example and 1 other child``: named children first, the rest counted."""
    named = [o.shown_name for o in others if o.shown_name]
    unnamed = len(others) - len(named)
    if unnamed:
        named.append(f"{unnamed} other {'child' if unnamed == 1 else 'children'}")
    return names_text(named)


def row_cells(entry: ConcernEntry) -> tuple[str, ...]:
    """One concern's cells, in :attr:`ConcernListModel.HEADERS` order."""
    on_file = entry.on_file
    return (
        day_text(on_file.content.happened_at.astimezone().date()),
        ", ".join(on_file.content.categories),
        on_file.this_child_role.label,
        STATUS_LABELS.get(entry.status, entry.status),
        "Amended" if entry.version > 1 else "",
        other_children_text(on_file.other_children),
    )


class ConcernListModel(QAbstractTableModel):
    """Rows of :class:`ConcernEntry`; ``Qt.UserRole`` gives the concern id."""

    HEADERS = ("When it happened", "Categories", "This child's role", "Status", "Amended",
               "Other children")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[ConcernEntry] = []
        self._cells: list[tuple[str, ...]] = []

    def set_rows(self, rows: list[ConcernEntry]) -> None:
        """Show ``rows``; their text is worked out once here, not on every repaint."""
        self.beginResetModel()
        self._rows = rows
        self._cells = [row_cells(r) for r in rows]
        self.endResetModel()

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
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()].id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        return None

"""Editable rows: a short list of people or places, each a few labelled fields.

One widget serves a pupil's addresses, household, key adults and agencies. Every
row is a framed line of labelled fields with its own "Remove" button, and an
"Add …" button sits under the rows, so the whole list is reached with Tab and
changed with Space — no table cells to open, no mouse needed. Rows hold what was
typed (text and ticks), so a draft keeps it exactly; :meth:`RowEditor.records`
turns them into records (row keys are the record's field names) and says, by row
number, what cannot be read.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.errors import InvalidInput
from sgdesk.ui.date_field import DateField, format_day, parse_day

RowState = dict[str, str | bool]


class FieldKind(enum.Enum):
    TEXT = "text"
    LINES = "lines"
    DATE = "date"
    CHECK = "check"


@dataclass(frozen=True)
class RowField:
    """One field of every row: its key in the row's state, its label and kind."""

    key: str
    label: str
    kind: FieldKind = FieldKind.TEXT


def is_blank(row: RowState) -> bool:
    """A row with no text typed in it: an "Add" pressed but never filled in."""
    return not any(isinstance(value, str) and value.strip() for value in row.values())


class _Row(QFrame):
    """The widgets of one row, in the order Tab visits them."""

    def __init__(self, fields: tuple[RowField, ...], remove_text: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self.editors: dict[str, QWidget] = {}
        self.captions: list[QLabel] = []
        column = 0
        checks = QHBoxLayout()
        for field in fields:
            if field.kind is FieldKind.CHECK:
                box = QCheckBox(field.label)
                checks.addWidget(box)
                self.editors[field.key] = box
                continue
            editor = _editor_for(field.kind)
            caption = QLabel(field.label)
            caption.setBuddy(editor)
            self.captions.append(caption)
            grid.addWidget(caption, 0, column)
            grid.addWidget(editor, 1, column, Qt.AlignmentFlag.AlignTop)
            if field.kind is not FieldKind.DATE:
                grid.setColumnStretch(column, 2 if field.kind is FieldKind.LINES else 1)
            self.editors[field.key] = editor
            column += 1
        checks.addStretch(1)
        if checks.count() > 1:
            grid.addLayout(checks, 2, 0, 1, column + 1)
        # Beside the fields, not after the ticks: a narrow window keeps every row readable.
        self.remove_button = QPushButton(remove_text)
        self.remove_button.setAutoDefault(False)
        # Left-aligned: in a row of dates only, the button would take the spare width.
        grid.addWidget(self.remove_button, 1, column,
                       Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

    def focus_order(self) -> list[QWidget]:
        return [*self.editors.values(), self.remove_button]

    def name_editors(self, noun: str, number: int, fields: tuple[RowField, ...]) -> None:
        """Accessible names carry the row's number: "Household member 2: Name"."""
        for field in fields:
            self.editors[field.key].setAccessibleName(f"{noun} {number}: {field.label}")
        self.remove_button.setAccessibleName(f"Remove {noun.lower()} {number}")

    def state(self) -> RowState:
        values: RowState = {}
        for key, editor in self.editors.items():
            if isinstance(editor, QCheckBox):
                values[key] = editor.isChecked()
            elif isinstance(editor, QPlainTextEdit):
                values[key] = editor.toPlainText()
            else:
                values[key] = cast(QLineEdit, editor).text()
        return values

    def set_state(self, values: RowState) -> None:
        for key, editor in self.editors.items():
            value = values.get(key)
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(str(value or ""))
            else:
                cast(QLineEdit, editor).setText(str(value or ""))


def _editor_for(kind: FieldKind) -> QWidget:
    if kind is FieldKind.DATE:
        return DateField()
    if kind is FieldKind.LINES:
        lines = QPlainTextEdit()
        lines.setTabChangesFocus(True)
        lines.setFixedHeight(lines.fontMetrics().lineSpacing() * 4 + 12)
        return lines
    line = QLineEdit()
    line.setMinimumWidth(line.fontMetrics().averageCharWidth() * 14)
    return line


class RowEditor(QWidget):
    """A list of rows with Add and Remove. ``noun`` names one row ("Household member").

    :attr:`changed` fires on any edit, added or removed row; :attr:`left` when the
    person finishes with a field (so the form may check what they typed).
    """

    changed = Signal()
    left = Signal()

    def __init__(self, field: str, noun: str, fields: tuple[RowField, ...], *,
                 add_text: str = "", empty_text: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.noun = noun
        self._fields = fields
        self._rows: list[_Row] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._list = QVBoxLayout()
        self._list.setSpacing(6)
        layout.addLayout(self._list)
        self._empty = QLabel(empty_text or "None listed yet.")
        self._empty.setStyleSheet("color: #4d4d4d;")
        layout.addWidget(self._empty)
        line = QHBoxLayout()
        self.add_button = QPushButton(add_text or f"Add {noun.lower()}")
        self.add_button.setAutoDefault(False)
        line.addWidget(self.add_button)
        line.addStretch(1)
        layout.addLayout(line)
        self.add_button.clicked.connect(lambda: self.add_row(focus=True))
        self.setFocusProxy(self.add_button)

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def editor(self, row: int, key: str) -> QWidget:
        """The widget for ``key`` in row ``row`` (0-based): for tests and focusing."""
        return self._rows[row].editors[key]

    def remove_button(self, row: int) -> QPushButton:
        return self._rows[row].remove_button

    def state(self) -> list[RowState]:
        """Every row as typed, blank ones included (a draft keeps what is on screen)."""
        return [row.state() for row in self._rows]

    def filled_rows(self) -> list[tuple[int, RowState]]:
        """(number shown to the person, row) for rows with something typed in them."""
        return [(i, row) for i, row in enumerate(self.state(), start=1) if not is_blank(row)]

    def records[T](self, build: Callable[..., T], *, required: str) -> tuple[T, ...]:
        """Each filled row as a record: ``build`` takes the row's keys as keyword
        arguments (the keys are the record's field names). An unreadable date, or an
        empty ``required`` field, raises :class:`InvalidInput` naming the row."""
        found = []
        for number, row in self.filled_rows():
            values: dict[str, object] = {}
            for field in self._fields:
                if field.kind is FieldKind.CHECK:
                    values[field.key] = bool(row.get(field.key))
                elif field.kind is FieldKind.DATE:
                    values[field.key] = self._day_in(number, row, field.key)
                else:
                    values[field.key] = self._text_in(number, row, field.key,
                                                      required=field.key == required)
            found.append(build(**values))
        return tuple(found)

    def set_records(self, records: Iterable[object]) -> None:
        """Show saved records, one row each (the reverse of :meth:`records`)."""
        self.set_state([{field.key: _as_typed(getattr(record, field.key))
                         for field in self._fields} for record in records])

    def _text_in(self, number: int, row: RowState, key: str, *, required: bool) -> str:
        text = str(row.get(key, "")).strip()
        if required and not text:
            raise InvalidInput(f"{self.noun} {number}: enter the {self._label(key).lower()}.",
                               field=self.field)
        return text

    def _day_in(self, number: int, row: RowState, key: str) -> date | None:
        try:
            return parse_day(str(row.get(key, "")))
        except InvalidInput as exc:
            raise InvalidInput(f"{self.noun} {number}, {self._label(key).lower()}: {exc}",
                               field=self.field) from None

    def _label(self, key: str) -> str:
        return next(f.label for f in self._fields if f.key == key)

    def set_state(self, rows: list[RowState]) -> None:
        while self._rows:
            self._drop(self._rows[-1])
        for values in rows:
            self.add_row(values)
        self.changed.emit()

    def add_row(self, values: RowState | None = None, *, focus: bool = False) -> None:
        row = _Row(self._fields, "Remove")
        if values:
            row.set_state(values)
        self._list.addWidget(row)
        row.show()  # at once, not when the event loop next runs: focus may go there now
        self._rows.append(row)
        for editor in row.editors.values():
            _connect_edits(editor, self.changed.emit, self.left.emit)
        row.remove_button.clicked.connect(lambda: self._remove(row))
        self._place_in_tab_order(row)
        self._renumber()
        if focus:
            row.focus_order()[0].setFocus(Qt.FocusReason.TabFocusReason)
        self.changed.emit()

    def _remove(self, row: _Row) -> None:
        index = self._rows.index(row)
        self._drop(row)
        self._renumber()
        following = self._rows[index] if index < len(self._rows) else None
        target = following.focus_order()[0] if following else self.add_button
        target.setFocus(Qt.FocusReason.TabFocusReason)
        self.changed.emit()
        self.left.emit()

    def _drop(self, row: _Row) -> None:
        self._rows.remove(row)
        self._list.removeWidget(row)
        row.hide()
        row.deleteLater()

    def _place_in_tab_order(self, row: _Row) -> None:
        """A widget made after the window is built goes to the end of the Tab order;
        put the new row's fields just before the Add button instead. (Qt ignores a
        tab order set after a widget that takes no focus, such as a label.)"""
        new = row.focus_order()
        previous = self.add_button.previousInFocusChain()
        while previous is not None and previous is not self.add_button and (
                previous in new or not previous.focusPolicy() & Qt.FocusPolicy.TabFocus):
            previous = previous.previousInFocusChain()
        chain = [*new, self.add_button]
        if previous is not None and previous is not self.add_button:
            chain.insert(0, previous)
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _renumber(self) -> None:
        for number, row in enumerate(self._rows, start=1):
            row.name_editors(self.noun, number, self._fields)
        self._empty.setVisible(not self._rows)


def _as_typed(value: object) -> str | bool:
    """A saved value as the row shows it: dates as dd/mm/yyyy, ticks as ticks."""
    if isinstance(value, bool):
        return value
    if isinstance(value, date):
        return format_day(value)
    return "" if value is None else str(value)


def _connect_edits(editor: QWidget, on_change: Callable[[], None],
                   on_leave: Callable[[], None]) -> None:
    """Hook a row editor's change and leave signals, whatever kind of field it is."""
    if isinstance(editor, QCheckBox):
        def ticked(_on: bool) -> None:
            on_change()
            on_leave()

        editor.toggled.connect(ticked)
    elif isinstance(editor, QPlainTextEdit):
        editor.textChanged.connect(on_change)
    elif isinstance(editor, QLineEdit):
        editor.textChanged.connect(lambda _text: on_change())
        editor.editingFinished.connect(on_leave)

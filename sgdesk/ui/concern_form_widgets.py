"""The editors the concern form is made of that Qt does not have as they are:
a date-and-time box that Tab leaves in one press, a checkable list that takes one
Tab stop (arrows move, Space ticks), and the list of children in a concern, each
with their role and whether their name may show on the other children's files.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QSize, Qt, QTime, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFrame,
    QGridLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.pupils import PupilListEntry
from sgdesk.ui.pupil_picker import PupilPicker

DATE_TIME_FORMAT = "dd/MM/yyyy HH:mm"
SHOW_NAME_TEXT = "Show this child's name on the other children's files"
MIN_COLUMN = 230
CHECK_ROOM = 32  # the tick box and the gaps around it


class DateTimeField(QDateTimeEdit):
    """A date and time typed as dd/mm/yyyy hh:mm, in local time.

    Typing digits fills day, month, year, hour and minute in turn; Up and Down
    change the part under the cursor, Left and Right move between parts; the
    calendar button is there for the mouse. Tab leaves the box at once (Qt's own
    box would step through its five parts).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat(DATE_TIME_FORMAT)
        self.setCalendarPopup(True)
        self.setMinimumDateTime(QDateTime(QDate(1900, 1, 1), QTime(0, 0)))

    def focusNextPrevChild(self, forward: bool) -> bool:
        return QWidget.focusNextPrevChild(self, forward)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Arriving by Tab or Shift+Tab selects the day, so typing always starts a
        whole new date (Qt would select the minutes after Shift+Tab)."""
        super().focusInEvent(event)
        if event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason):
            self.setSelectedSection(QDateTimeEdit.Section.DaySection)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Home and End select the first and last part, ready to be typed over."""
        if event.key() == Qt.Key.Key_Home and not event.modifiers():
            self.setSelectedSection(QDateTimeEdit.Section.DaySection)
        elif event.key() == Qt.Key.Key_End and not event.modifiers():
            self.setSelectedSection(QDateTimeEdit.Section.MinuteSection)
        else:
            super().keyPressEvent(event)

    def value(self) -> datetime:
        """What is shown, as an aware local time (the services compare instants)."""
        shown = self.dateTime()
        day, time = shown.date(), shown.time()
        return datetime(day.year(), day.month(), day.day(), time.hour(),
                        time.minute()).astimezone()

    def set_value(self, when: datetime) -> None:
        local = when.astimezone() if when.tzinfo else when
        self.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                                   QTime(local.hour, local.minute)))

    def text_value(self) -> str:
        """The local time as ISO text, minute precision: how a draft keeps it."""
        return self.value().replace(tzinfo=None).isoformat(timespec="minutes")


class CheckList(QListWidget):
    """Checkable names laid out in columns: one Tab stop, arrows move, Space ticks.

    Its height follows its width so every name shows without a scroll bar of its
    own inside the form's scroll area.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.itemChanged.connect(lambda _item: self.changed.emit())

    def set_names(self, names: list[str], checked: tuple[str, ...] = ()) -> None:
        """Offer ``names``; any checked name missing from them (since retired from
        the school's list) is offered too, so an old record keeps it."""
        self.blockSignals(True)
        self.clear()
        for name in [*names, *(n for n in checked if n not in names)]:
            item = QListWidgetItem(name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in checked
                               else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.blockSignals(False)
        self._fit_height()
        self.changed.emit()

    def checked(self) -> tuple[str, ...]:
        return tuple(self.item(i).text() for i in range(self.count())
                     if self.item(i).checkState() == Qt.CheckState.Checked)

    def set_checked(self, names: list[str] | tuple[str, ...]) -> None:
        self.set_names([self.item(i).text() for i in range(self.count())], tuple(names))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        """As many columns as fit (each at least :data:`MIN_COLUMN` wide); a name too
        long for its column wraps onto a second line rather than being cut short, and
        only its row grows to make room."""
        line = self.fontMetrics().lineSpacing()
        frame = 2 * self.frameWidth() + 4
        if not self.count():
            self.setFixedHeight(line + frame)
            return
        # Qt wraps a row a little before the edge: leave it room, or all goes in one column.
        width = max(self.viewport().width() - 20, MIN_COLUMN)
        columns = max(1, min(self.count(), width // MIN_COLUMN))
        cell_width = width // columns
        metrics = self.fontMetrics()
        heights = [(1 if metrics.horizontalAdvance(self.item(r).text()) + CHECK_ROOM <= cell_width
                    else 2) * line + 8 for r in range(self.count())]
        for row, height in enumerate(heights):
            hint = QSize(cell_width, height)
            if self.item(row).sizeHint() != hint:  # the item fills its cell: long names wrap
                self.item(row).setSizeHint(hint)
        rows = [heights[i:i + columns] for i in range(0, len(heights), columns)]
        self.setFixedHeight(sum(max(r) for r in rows) + frame)


class ChildRow(QFrame):
    """One child in the concern: their name, their role and the show-name choice."""

    def __init__(self, pupil_id: str, name: str, role: ChildRole, name_shown: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pupil_id = pupil_id
        self.setObjectName("child_row")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name = QLabel(name)
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.name.setObjectName("child_name")
        self.role = QComboBox()
        for choice in ChildRole:
            self.role.addItem(choice.label, choice)
        self.role.setCurrentIndex(self.role.findData(role))
        self.role.setAccessibleName(f"Role of {name} in this concern")
        role_label = QLabel("Role:")
        role_label.setBuddy(self.role)
        self.name_shown = QCheckBox(SHOW_NAME_TEXT)
        self.name_shown.setChecked(name_shown)
        self.name_shown.setAccessibleName(f"Show {name}'s name on the other children's files")
        self.remove = QPushButton("Remove")
        self.remove.setAutoDefault(False)
        self.remove.setAccessibleName(f"Remove {name} from this concern")
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.addWidget(self.name, 0, 0)
        grid.addWidget(role_label, 0, 1)
        grid.addWidget(self.role, 0, 2)
        grid.addWidget(self.remove, 0, 3)
        grid.addWidget(self.name_shown, 1, 0, 1, 4)
        grid.setColumnStretch(0, 1)

    def involved(self) -> InvolvedChild:
        return InvolvedChild(self.pupil_id, self.role.currentData(),
                             self.name_shown.isChecked())


class ChildrenEditor(QWidget):
    """The children a concern involves: a picker to add one, and a row for each.

    A pupil given by id before the register has loaded is named once it arrives.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names: dict[str, str] = {}
        self.rows: list[ChildRow] = []
        self.picker = PupilPicker("Type part of a child's name, then Return to add them")
        self.picker.edit.setAccessibleName("Add a child to this concern")
        self.picker.chosen.connect(self._picked)
        self._rows_box = QVBoxLayout()
        self._rows_box.setContentsMargins(0, 0, 0, 0)
        self._rows_box.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._rows_box)
        layout.addWidget(self.picker)

    def set_register(self, entries: list[PupilListEntry]) -> None:
        self._names = {e.id: e.sort_name for e in entries}
        self.picker.set_register(entries)

    def add(self, pupil_id: str, role: ChildRole = ChildRole.SUBJECT,
            name_shown: bool = False) -> ChildRow | None:
        """Add a row for the pupil (None if they are already in the concern)."""
        if any(r.pupil_id == pupil_id for r in self.rows):
            return None
        name = self._names.get(pupil_id, "A pupil not on the register")
        row = ChildRow(pupil_id, name, role, name_shown)
        row.role.currentIndexChanged.connect(lambda _i: self.changed.emit())
        row.name_shown.toggled.connect(lambda _on: self.changed.emit())
        row.remove.clicked.connect(lambda _checked=False, r=row: self.remove(r))
        self.rows.append(row)
        self._rows_box.addWidget(row)
        row.show()  # at once: a layout shows it only later, and Tab skips hidden widgets
        self._after_change()
        return row

    def remove(self, row: ChildRow) -> None:
        self.rows.remove(row)
        self._rows_box.removeWidget(row)
        row.deleteLater()
        self.picker.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._after_change()

    def clear(self) -> None:
        for row in list(self.rows):
            self.rows.remove(row)
            self._rows_box.removeWidget(row)
            row.deleteLater()
        self._after_change()

    def involved(self) -> tuple[InvolvedChild, ...]:
        return tuple(r.involved() for r in self.rows)

    def state(self) -> list[dict[str, Any]]:
        return [{"pupil_id": c.pupil_id, "role": c.role.value,
                 "name_shown_to_others": c.name_shown_to_others} for c in self.involved()]

    def restore(self, state: list[dict[str, Any]]) -> None:
        self.clear()
        roles = {r.value: r for r in ChildRole}
        for child in state:
            self.add(str(child["pupil_id"]), roles.get(str(child.get("role")), ChildRole.SUBJECT),
                     bool(child.get("name_shown_to_others", False)))

    def focus_chain(self) -> list[QWidget]:
        """The rows' controls then the picker, in the order Tab should visit them."""
        chain: list[QWidget] = []
        for row in self.rows:
            chain += [row.role, row.name_shown, row.remove]
        return [*chain, self.picker.edit]

    def _picked(self, entry: PupilListEntry) -> None:
        """A child just added is given their role next: focus goes to it."""
        row = self.add(entry.id)
        if row is not None:
            row.role.setFocus(Qt.FocusReason.OtherFocusReason)

    def _after_change(self) -> None:
        self.picker.exclude({r.pupil_id for r in self.rows})
        self.changed.emit()

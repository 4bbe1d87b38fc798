"""Completing a body map, or amending a saved one.

A fresh map is made for every sighting (from a concern, or for the pupil on its
own). A saved map is never edited in place: amending opens the saved version and
saves a new one with a reason, and the earlier version stays on file. Marks of
the saved version can be corrected but not deleted; Delete only takes away a
mark placed since the form was opened.

Keyboard first: Alt+1..6 (or the view list) choose the outline; on the outline the
arrow keys move a cross-hair and Enter places a mark; Tab walks through the marks
and on into the mark's details. Ctrl+S saves; Escape asks before throwing work
away. What was typed, marks included, survives a lock as an encrypted draft.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.body_maps import BodyMapContent, BodyView, MarkType
from sgdesk.models.concerns import validate_amendment_reason
from sgdesk.models.errors import InvalidInput
from sgdesk.services import body_maps, drafts
from sgdesk.services.body_maps import BodyMapRecord
from sgdesk.services.resources import body_map_regions
from sgdesk.services.session import Session
from sgdesk.ui.body_map_canvas import BodyMapCanvas, CanvasMark
from sgdesk.ui.concern_form_widgets import DateTimeField
from sgdesk.ui.drafts import DraftForm
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    HINT_COLOUR,
    BusyBar,
    FieldErrors,
    InlineForm,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.mark_form import MarkEntry, MarkForm, same_minute
from sgdesk.ui.worker import DbWorker

MAP_FIELDS = ("completed_by_name", "completed_by_role", "completed_at", "notes", "reason")
STYLE = """
QLabel#mark_heading, QLabel#section_heading { font-size: 11pt; font-weight: 600; }
QFrame#amend_reason { background: #fff4ce; border: 1px solid #c8a600; border-radius: 4px; }
"""


@dataclass(frozen=True)
class _Opening:
    record: BodyMapRecord | None
    draft: dict[str, Any] | None
    clock: Callable[[], datetime]


def view_marks(entries: list[MarkEntry], view: BodyView) -> list[CanvasMark]:
    """The marks of one view, numbered as on the whole map."""
    return [CanvasMark(number, e.x, e.y, removable=not e.saved)
            for number, e in enumerate(entries, start=1) if e.view is view]


def type_label(value: str) -> str:
    return MarkType(value).label if value in {t.value for t in MarkType} else ""


class MarksTable(QTableWidget):
    """The map's marks (number, view, site, type): a handful of rows, never thousands."""

    HEADINGS = ("No.", "View", "Site", "Type")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADINGS), parent)
        self.setHorizontalHeaderLabels(self.HEADINGS)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)

    def show_entries(self, entries: list[MarkEntry]) -> None:
        self.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            self.set_row(row, entry)

    def set_row(self, row: int, entry: MarkEntry) -> None:
        for column, text in enumerate((str(row + 1), entry.view.label, entry.site.strip(),
                                       type_label(entry.mark_type))):
            item = self.item(row, column)
            if item is None:
                self.setItem(row, column, QTableWidgetItem(text))
            elif item.text() != text:
                item.setText(text)


class BodyMapDialog(DraftForm):
    """Complete a new body map for ``pupil_id`` (linked to ``concern_id`` if given), or
    amend the map ``map_id``. :attr:`saved` carries the map's id after a save."""

    draft_kind = "body_map"
    saved = Signal(str)

    def __init__(self, worker: DbWorker, session: Session, pupil_id: str, *,
                 concern_id: str | None = None, map_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, session, parent,
                         draft_ref=map_id or f"new:{pupil_id}:{concern_id or ''}")
        self._pupil_id = pupil_id
        self._concern_id = concern_id
        self._map_id = map_id
        self._regions = body_map_regions()
        self._entries: list[MarkEntry] = []
        self._current: int | None = None
        self._base_version = 0
        self._saved_completed_at = ""
        self._clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._initial: dict[str, Any] | None = None
        self._pending_draft: dict[str, Any] | None = None
        self.setWindowTitle("Amend a body map" if self.amending else "Body map")
        self.setStyleSheet(STYLE)
        self._build()
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        for number, view in enumerate(BodyView, start=1):
            QShortcut(QKeySequence(f"Alt+{number}"), self,
                      lambda v=view: self._choose_view(v, focus=True))
        self.resize(1120, 820)
        self._open()

    @property
    def amending(self) -> bool:
        return self._map_id is not None

    @property
    def ready(self) -> bool:
        """The store has answered and the form is filled in."""
        return self._initial is not None

    @property
    def working(self) -> bool:
        return self.busy.active

    @property
    def entries(self) -> list[MarkEntry]:
        """The marks as they stand (the one being edited included)."""
        self._commit()
        return list(self._entries)

    # -- building -------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        intro = ("You are amending a saved body map. The saved version stays on file with "
                 "who changed it, when and why. Ctrl+S saves the new version."
                 if self.amending else
                 "Record each mark you saw: place it on the outline, then describe it. Never "
                 "photograph a mark. Ctrl+S saves.")
        outer.addWidget(wrapped_label(intro))
        self.message = wrapped_label(colour=ERROR_COLOUR)
        self.message.setObjectName("form_message")
        self.message.hide()
        outer.addWidget(self.message)
        self.note = wrapped_label(colour=HINT_COLOUR)
        self.note.hide()
        outer.addWidget(self.note)

        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_outline())
        splitter.addWidget(self._build_details())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([440, 660])
        outer.addWidget(splitter, 1)

        self.busy = BusyBar()
        outer.addWidget(self.busy)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(
            "Save amendment" if self.amending else "Save body map",
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setToolTip("Ctrl+S")
        for button in self.buttons.buttons():
            button.setAutoDefault(False)  # Return on the outline places a mark, never saves
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.ask_to_discard)
        outer.addWidget(self.buttons)
        self._tab_order()

    def _build_outline(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        line = QHBoxLayout()
        caption = QLabel("&View:")
        self.view_choice = QComboBox()
        for number, view in enumerate(BodyView, start=1):
            self.view_choice.addItem(f"{view.label}  (Alt+{number})", view)
        self.view_choice.setAccessibleName("Outline view")
        caption.setBuddy(self.view_choice)
        line.addWidget(caption)
        line.addWidget(self.view_choice, 1)
        column.addLayout(line)
        self.canvas = BodyMapCanvas(regions=self._regions)
        column.addWidget(self.canvas, 1)
        self.view_choice.currentIndexChanged.connect(lambda _i: self._view_chosen())
        self.canvas.placed.connect(self._placed)
        self.canvas.current_changed.connect(
            lambda number: self._select(number - 1 if number else None))
        self.canvas.remove_requested.connect(lambda number: self._remove(number - 1))
        return box

    def _build_details(self) -> QWidget:
        body = QWidget()
        column = QVBoxLayout(body)
        marks_caption = QLabel("&Marks on this map:")
        marks_caption.setObjectName("section_heading")
        self.table = MarksTable()
        self.table.setAccessibleName("Marks on this map")
        marks_caption.setBuddy(self.table)
        self.table.currentCellChanged.connect(
            lambda row, _c, _pr, _pc: self._select(row if row >= 0 else None))
        self.remove_button = QPushButton("Remove this mark")
        self.remove_button.setAutoDefault(False)
        self.remove_button.setToolTip("Delete, on the outline. Only marks not yet saved.")
        self.remove_button.clicked.connect(
            lambda: self._remove(self._current) if self._current is not None else None)
        column.addWidget(marks_caption)
        column.addWidget(self.table)
        column.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addSpacing(8)

        self.mark_form = MarkForm(self._regions)
        self.mark_form.changed.connect(self._commit)
        column.addWidget(self.mark_form)
        column.addSpacing(8)

        heading = QLabel("Who completed the map")
        heading.setObjectName("section_heading")
        column.addWidget(heading)
        self.details = InlineForm()
        self.completed_by = self.details.add_field("completed_by_name", "&Completed by:",
                                                   QLineEdit())
        self.completed_role = self.details.add_field("completed_by_role", "Their &role:",
                                                     QLineEdit())
        self.completed_at = self.details.add_field("completed_at", "Completed &at:",
                                                   DateTimeField())
        self.completed_at.setAccessibleName("Date and time the map was completed")
        self.notes = self.details.add_field("notes", "Not&es:", QPlainTextEdit(),
                                            hint="Anything else about the map, e.g. where "
                                                 "the child was when the marks were seen.")
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName("Notes")
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 3 + 14)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for the amendment")
        if self.amending:
            frame = QFrame()
            frame.setObjectName("amend_reason")
            inner = QVBoxLayout(frame)
            form = InlineForm()
            form.add_field("reason", "Why are you amend&ing this map?", self.reason,
                           hint="Kept with the new version for anyone who reads the map "
                                "later.")
            inner.addWidget(form)
            self.reason_form: InlineForm | None = form
            column.addWidget(frame)
            form.set_validator(self._reason_errors)
        else:
            self.reason_form = None
        column.addWidget(self.details)
        column.addStretch(1)
        self.details.set_validator(self._map_errors)
        self.completed_at.dateTimeChanged.connect(lambda _d: self.details.clear_error(
            "completed_at"))
        self.notes.textChanged.connect(self.details.refresh)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setMinimumWidth(420)
        return scroll

    def _tab_order(self) -> None:
        chain: list[QWidget] = [self.view_choice, self.canvas, *self.mark_form.focus_chain(),
                                self.table, self.remove_button, self.completed_by,
                                self.completed_role, self.completed_at, self.notes]
        if self.amending:
            chain.append(self.reason)
        chain += [self.save_button, self.buttons.button(QDialogButtonBox.StandardButton.Cancel)]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- opening --------------------------------------------------------------------
    def _open(self) -> None:
        session, map_id, kind, ref = self._session, self._map_id, self.draft_kind, self.draft_ref

        def read() -> _Opening:
            return _Opening(body_maps.get_body_map(session, map_id) if map_id else None,
                            drafts.load_draft(session, kind, ref), session.db.clock)

        self._set_working("Opening the body map…")
        self._worker.run(read, on_done=while_alive(self, self._opened),
                         on_error=while_alive(self, self._open_failed))

    def _opened(self, opening: _Opening) -> None:
        self._clock = opening.clock
        self.mark_form.set_clock(opening.clock)
        if opening.record is not None:
            content = opening.record.current
            self._base_version = opening.record.version
            self._concern_id = content.concern_id
            self.completed_by.setText(content.completed_by_name)
            self.completed_role.setText(content.completed_by_role)
            self._saved_completed_at = content.completed_at.astimezone().replace(
                tzinfo=None).isoformat()
            self.completed_at.set_value(content.completed_at)
            self.notes.setPlainText(content.notes)
            self._entries = [MarkEntry.from_mark(m) for m in content.marks]
            if content.marks:
                self._choose_view(content.marks[0].view)
        else:
            user = self._session.user
            self.completed_by.setText(user.display_name)
            self.completed_role.setText(user.role.label)
            self.completed_at.set_value(opening.clock())
        self._show_marks()
        self._initial = self._state()
        self._set_working(None)
        draft = self._pending_draft or opening.draft
        self._pending_draft = None
        if draft is not None:
            self._apply_draft(draft)
        elif self._entries:
            self._select(0)
        self.canvas.setFocus(Qt.FocusReason.OtherFocusReason)

    def _open_failed(self, exc: BaseException) -> None:
        self._set_working(None)
        self.save_button.setEnabled(False)
        self._set_message(f"The body map could not be opened. {describe(exc)}")

    # -- views and marks ----------------------------------------------------------------
    def _choose_view(self, view: BodyView, *, focus: bool = False) -> None:
        self.view_choice.setCurrentIndex(self.view_choice.findData(view))
        if focus:
            self.canvas.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _view_chosen(self) -> None:
        view: BodyView = self.view_choice.currentData()
        if view is self.canvas.view:
            return
        self._commit()
        self.canvas.set_view(view)
        self._show_marks()
        if self._current is not None and self._entries[self._current].view is not view:
            self._select(None)

    def _show_marks(self) -> None:
        self.canvas.set_marks(view_marks(self._entries, self.canvas.view))
        self.table.blockSignals(True)
        self.table.show_entries(self._entries)
        self.table.blockSignals(False)

    def _placed(self, view: BodyView, x: float, y: float) -> None:
        if self._initial is None or self.working:
            return
        self._commit()
        seen = self.completed_at.text_value()  # usually seen just before the map is made
        self._entries.append(MarkEntry.placed(self._regions, view, x, y, seen))
        self._current = None
        self._show_marks()
        self._select(len(self._entries) - 1)
        self._set_message("")

    def _remove(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self._entries) or self._entries[index].saved:
            return
        self._commit()
        self._current = None
        del self._entries[index]
        self._show_marks()
        self._select(None)

    def _select(self, index: int | None) -> None:
        """Make mark ``index`` the one shown in the form, on its view and in the list."""
        if index is not None and not 0 <= index < len(self._entries):
            index = None
        if index == self._current and (index is None or self.mark_form.entry() is not None):
            return
        self._commit()
        self._current = index
        if index is None:
            self.mark_form.clear()
        else:
            entry = self._entries[index]
            self._choose_view(entry.view)
            self.mark_form.load(entry, index + 1)
        self.canvas.set_current(0 if index is None else index + 1)
        self.table.blockSignals(True)
        if index is None:
            self.table.clearSelection()
            self.table.setCurrentCell(-1, -1)
        else:
            self.table.selectRow(index)
        self.table.blockSignals(False)
        self.remove_button.setEnabled(index is not None and not self._entries[index].saved)

    def _commit(self) -> None:
        """Keep what the form shows in the list of marks."""
        entry = self.mark_form.entry()
        if entry is None or self._current is None:
            return
        if entry != self._entries[self._current]:
            self._entries[self._current] = entry
            self.table.set_row(self._current, entry)

    # -- drafts ---------------------------------------------------------------------
    def _state(self) -> dict[str, Any]:
        return {"marks": [e.state() for e in self.entries],
                "completed_by_name": self.completed_by.text(),
                "completed_by_role": self.completed_role.text(),
                "completed_at": self.completed_at.text_value(),
                "notes": self.notes.toPlainText(),
                "reason": self.reason.text(),
                "base_version": self._base_version}

    def draft_state(self) -> dict[str, Any] | None:
        """Every field and every mark; None while nothing differs from the opening."""
        if self._initial is None:
            return self._pending_draft
        state = self._state()
        return None if state == self._initial else state

    def restore_draft(self, state: dict[str, Any]) -> None:
        if self._initial is None:
            self._pending_draft = state  # put in once the form is filled from the store
        else:
            self._apply_draft(state)

    def _apply_draft(self, state: dict[str, Any]) -> None:
        with suppress(KeyError, ValueError, TypeError):
            self._entries = [MarkEntry.from_state(m) for m in state["marks"]]
        self._current = None
        self.mark_form.clear()
        for name, edit in (("completed_by_name", self.completed_by),
                           ("completed_by_role", self.completed_role), ("reason", self.reason)):
            if name in state:
                edit.setText(str(state[name]))
        self.notes.setPlainText(str(state.get("notes", self.notes.toPlainText())))
        with suppress(KeyError, ValueError):
            self.completed_at.set_value(datetime.fromisoformat(str(state["completed_at"])))
        self._show_marks()
        if self._entries:
            self._select(0)
        note = "Your unsaved body map from before the store was locked is back. Check it, " \
               "then save."
        if state.get("base_version", self._base_version) != self._base_version:
            note += (" Someone has amended this map since then: make sure your draft does not "
                     "undo their change.")
        self.note.setText(note)
        self.note.show()

    # -- checking and saving ----------------------------------------------------------
    def content(self) -> BodyMapContent:
        """The map as typed; raises InvalidInput (field ``marks.<i>.<field>``) for a mark
        that cannot be read yet."""
        marks = []
        for index, entry in enumerate(self.entries):
            try:
                marks.append(entry.to_mark())
            except InvalidInput as exc:
                raise InvalidInput(f"Mark {index + 1}: {exc}",
                                   field=f"marks.{index}.{exc.field}") from None
        completed = same_minute(self._saved_completed_at, self.completed_at.text_value())
        return BodyMapContent(
            pupil_id=self._pupil_id, concern_id=self._concern_id,
            completed_by_name=self.completed_by.text().strip(),
            completed_by_role=self.completed_role.text().strip(),
            completed_at=datetime.fromisoformat(completed).astimezone(UTC),
            marks=tuple(marks), notes=self.notes.toPlainText().strip())

    def problems(self) -> list[tuple[str, str]]:
        """Every problem as (field, message), marks' fields as ``marks.<i>.<field>``."""
        now = self._clock()
        found: list[tuple[str, str]] = []
        for index, entry in enumerate(self.entries):
            found += [(f"marks.{index}.{name}", f"Mark {index + 1}: {message}")
                      for name, message in entry.problems(now).items()]
        if not found:
            found += self.content().problems(now)
        else:  # the map's own fields still speak while a mark is unfinished
            found += self._map_problems(now).items()
        if self.amending:
            try:
                validate_amendment_reason(self.reason.text())
            except InvalidInput as exc:
                found.append(("reason", str(exc)))
        return found

    def _map_problems(self, now: datetime) -> FieldErrors:
        probe = BodyMapContent(self._pupil_id, self._concern_id, self.completed_by.text(),
                               self.completed_role.text(),
                               self.completed_at.value().astimezone(UTC), notes="")
        return {name: message for name, message in probe.problems(now) if name in MAP_FIELDS}

    def _map_errors(self) -> FieldErrors:
        return self._map_problems(self._clock())

    def _reason_errors(self) -> FieldErrors:
        try:
            validate_amendment_reason(self.reason.text())
        except InvalidInput as exc:
            return {"reason": str(exc)}
        return {}

    def save(self) -> None:
        if self._initial is None or self.working:
            return
        self.details.touch_all()
        if self.reason_form is not None:
            self.reason_form.touch_all()
        problems = self.problems()
        if problems:
            self._show_problem(*problems[0])
            return
        session, content, map_id = self._session, self.content(), self._map_id
        reason, base, kind, ref = (self.reason.text(), self._base_version, self.draft_kind,
                                   self.draft_ref)

        def write() -> str:
            if map_id is None:
                saved_id = body_maps.add_body_map(session, content)
            else:
                body_maps.amend_body_map(session, map_id, content, reason, base)
                saved_id = map_id
            drafts.discard_draft(session, kind, ref)
            return saved_id

        self._set_working("Saving the body map…")
        self._worker.run(write, on_done=while_alive(self, self._saved),
                         on_error=while_alive(self, self._save_failed))

    def _saved(self, map_id: str) -> None:
        self._set_working(None)
        self.saved.emit(map_id)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self._set_working(None)
        if isinstance(exc, InvalidInput):
            self._show_problem(exc.field, str(exc), from_service=True)
        else:
            self._set_message(f"The body map was not saved. {describe(exc)}")

    def _show_problem(self, field: str, message: str, *, from_service: bool = False) -> None:
        """Put the cursor where the problem is: the mark's field, the map's, or the outline.
        The form's own checks already say it under the field once shown; a service's
        error is put there and stays until the field is edited."""
        parts = field.split(".")
        if len(parts) == 3 and parts[0] == "marks" and parts[1].isdigit():
            self._select(int(parts[1]))
            if from_service:
                self.mark_form.form.show_error(parts[2], message.split(": ", 1)[-1])
            self.mark_form.show_all_errors()
            self._set_message(f"{message} Its details are open beside the outline.")
        elif field == "reason" and self.reason_form is not None:
            if from_service:
                self.reason_form.show_error("reason", message)
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)
        elif field in MAP_FIELDS:
            if from_service:
                self.details.show_error(field, message)
            else:
                self.details.focus_first_error()
        else:
            self._set_message(message)
            if field == "marks":
                self.canvas.setFocus(Qt.FocusReason.OtherFocusReason)

    def error_text(self, field: str) -> str:
        """What is shown now under ``field`` (a map field, ``reason``, or a field of the
        mark in the form); "" when nothing."""
        if field == "reason" and self.reason_form is not None:
            return self.reason_form.error_text(field)
        if field in MAP_FIELDS:
            return self.details.error_text(field)
        return self.mark_form.form.error_text(field)

    def message_text(self) -> str:
        return self.message.text() if not self.message.isHidden() else ""

    def _set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _set_working(self, text: str | None) -> None:
        if text:
            self.busy.start(text)
        else:
            self.busy.stop()
        for button in self.buttons.buttons():
            button.setEnabled(text is None)

    # -- leaving ----------------------------------------------------------------------
    discard_question = ("Discard the body map?",
                        "Discard the marks and details you have entered? They have not been "
                        "saved.", "Discard")

    @property
    def loaded(self) -> bool:
        return self._initial is not None

"""The pieces every sgdesk form shares: errors under the field they concern, a busy
bar for work on the database worker, and KeePassXC-style test hooks for the
questions a form may ask (a file name, a yes/no answer).

Errors follow one rule everywhere: a field's own check speaks once the person
has left the field (or tried to submit), and an error a service reported stays
under its field until that field is edited.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.errors import InvalidInput
from sgdesk.ui.error_text import describe
from sgdesk.ui.worker import DbWorker

ERROR_COLOUR = "#a3000b"
HINT_COLOUR = "#4d4d4d"
FieldErrors = dict[str, str]
_FIXED_WIDTH = (QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Maximum)
_UNLIMITED = 16_777_215  # QWIDGETSIZE_MAX, Qt's "no maximum"
W = TypeVar("W", bound=QWidget)


# -- checks ------------------------------------------------------------------------
def collect_errors(*checks: Callable[[], object]) -> FieldErrors:
    """Run every check; keep the first :class:`InvalidInput` message per field.

    Each check raises ``InvalidInput(message, field)`` as the models and services
    do, so a form shows every field's problem at once, not just the first.
    """
    errors: FieldErrors = {}
    for check in checks:
        try:
            check()
        except InvalidInput as exc:
            errors.setdefault(exc.field, str(exc))
    return errors


def check_repeat(password: str, repeat: str) -> None:
    """The second typing of a new password must match the first."""
    if repeat != password:
        raise InvalidInput("The two passwords are not the same. Type the same one twice.",
                           field="repeat")


def check_filled(text: str, field: str, message: str) -> None:
    """A required field with no model rule of its own (e.g. where the store file goes)."""
    if not text.strip():
        raise InvalidInput(message, field=field)


# -- widgets -----------------------------------------------------------------------
def password_edit() -> QLineEdit:
    """A masked line edit that keeps its text out of undo history and drag-and-drop."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setDragEnabled(False)
    return edit


def monospace_font(point_size: int | None = None) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if point_size is not None:
        font.setPointSize(point_size)
    return font


def wrapped_label(text: str = "", colour: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if colour:
        label.setStyleSheet(f"color: {colour};")
    return label


def dialog_layout(dialog: QWidget, intro: str = "", *, width: int = 480) -> QVBoxLayout:
    """The top layout of a small dialog: an optional introduction and a sensible width
    (its height follows from the wrapped text, see :func:`grow_to_fit`)."""
    layout = QVBoxLayout(dialog)
    dialog.setMinimumWidth(width)
    if intro:
        layout.addWidget(wrapped_label(intro))
        layout.addSpacing(8)
    return layout


def grow_to_fit(window: QWidget) -> None:
    """Make a window tall enough for its wrapped text at its present width.

    Qt does not grow a window when a wrapped label gains a line (an error appears),
    so without this the new text would be squeezed or clipped.
    """
    layout = window.layout()
    if layout is None or not window.isVisible():
        return
    needed = (layout.totalHeightForWidth(window.width()) if layout.hasHeightForWidth()
              else layout.totalSizeHint().height())
    if needed > window.height():
        window.resize(window.width(), needed)


class _Row:
    """One field: the editor, an optional hint and the error label under it."""

    def __init__(self, editor: QWidget, hint: QLabel | None, error: QLabel) -> None:
        self.editor = editor
        self.hint = hint
        self.error = error
        self.touched = False


class InlineForm(QWidget):
    """A labelled form whose errors appear under their own field.

    ``set_validator`` gives a function returning ``{field: message}`` for what is
    typed now; :meth:`is_valid` says whether the form may be submitted, and
    :attr:`changed` fires whenever that may have changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._layout = QGridLayout()
        self._layout.setColumnStretch(1, 1)
        self._layout.setVerticalSpacing(6)
        outer.addLayout(self._layout)
        self._message = wrapped_label(colour=ERROR_COLOUR)
        self._message.hide()
        outer.addWidget(self._message)
        self._rows: dict[str, _Row] = {}
        self._service_errors: FieldErrors = {}
        self._validator: Callable[[], FieldErrors] = dict

    def add_field(self, name: str, label: str, editor: W, *, hint: str = "",
                  beside: QWidget | None = None) -> W:
        """Add a labelled field. ``label`` may carry an ``&`` mnemonic (Alt+letter).

        The hint and the error sit in grid rows of their own under the field: a grid
        sizes wrapped labels to their real width (QFormLayout clips them).
        """
        caption = QLabel(label)
        caption.setBuddy(editor)
        self._add_row(caption, editor if beside is None else _side_by_side(editor, beside))
        hint_label = wrapped_label(hint, HINT_COLOUR) if hint else None
        if hint_label is not None:
            hint_label.setContentsMargins(0, 0, 0, 6)
            self._add_row(None, hint_label)
        error = wrapped_label(colour=ERROR_COLOUR)
        error.setObjectName(f"error_{name}")
        error.setContentsMargins(0, 0, 0, 6)
        error.hide()
        self._add_row(None, error)
        row = _Row(editor, hint_label, error)
        self._rows[name] = row
        if isinstance(editor, QLineEdit):
            editor.textEdited.connect(lambda _text, n=name: self._edited(n))
            editor.textChanged.connect(lambda _text: self.refresh())
            editor.editingFinished.connect(lambda n=name: self._touch(n))
        elif isinstance(editor, QAbstractButton):
            editor.clicked.connect(lambda _checked, n=name: self.clear_error(n))
        return editor

    def add_text(self, label: str, text: str) -> QLabel:
        """A fixed value shown as text (e.g. the role a new store's creator has)."""
        value = wrapped_label(text)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._add_row(QLabel(label), value)
        return value

    def _add_row(self, caption: QLabel | None, field: QWidget) -> None:
        row = self._layout.rowCount()
        if caption is not None:
            caption.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
            self._layout.addWidget(caption, row, 0)
        if (field.sizePolicy().horizontalPolicy() in _FIXED_WIDTH
                or field.maximumWidth() < _UNLIMITED):
            # A fixed-width cell would cap the whole column's width: pad it instead.
            field = _side_by_side(field, None)
        self._layout.addWidget(field, row, 1)

    def error_text(self, name: str) -> str:
        """The error now shown under ``name`` ("" when none): what a person reads."""
        return self._rows[name].error.text()

    def message(self) -> str:
        """The form-wide message now shown ("" when none)."""
        return self._message.text() if not self._message.isHidden() else ""

    def set_validator(self, validator: Callable[[], FieldErrors]) -> None:
        self._validator = validator
        self.refresh()

    def is_valid(self) -> bool:
        return not self._validator() and not self._service_errors

    def touch_all(self) -> None:
        for row in self._rows.values():
            row.touched = True
        self.refresh()

    def untouch_all(self) -> None:
        """Forget which fields were visited and any service's errors: the form was
        cleared for the next entry, and empty fields are not mistakes yet."""
        for row in self._rows.values():
            row.touched = False
        self._service_errors.clear()
        self.refresh()

    def show_error(self, field: str, message: str) -> None:
        """Show an error a service reported under its field and put the cursor there.

        An unknown field puts the message under the whole form instead.
        """
        row = self._rows.get(field)
        if row is None:
            self.set_message(message)
            return
        self._service_errors[field] = message
        row.touched = True
        self.refresh()
        row.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(row.editor, QLineEdit):
            row.editor.selectAll()

    def show_failure(self, exc: BaseException, fields: dict[str, str] | None = None) -> None:
        """Show what went wrong: under the field an :class:`InvalidInput` names
        (after mapping it through ``fields``), else under the whole form."""
        if isinstance(exc, InvalidInput):
            field = (fields or {}).get(exc.field, exc.field)
            self.show_error(field, str(exc))
        else:
            self.set_message(describe(exc))

    def focus_first_error(self) -> None:
        for row in self._rows.values():
            if row.error.text():
                row.editor.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def set_message(self, text: str) -> None:
        self._message.setText(text)
        self._message.setVisible(bool(text))
        grow_to_fit(self.window())

    def refresh(self) -> None:
        errors = self._validator()
        for name, row in self._rows.items():
            text = self._service_errors.get(name) or (errors.get(name, "") if row.touched else "")
            row.error.setText(text)
            row.error.setVisible(bool(text))
            if row.hint is not None:  # the error restates the hint; one is enough
                row.hint.setVisible(not text)
            row.editor.setAccessibleDescription(text)
        grow_to_fit(self.window())
        self.changed.emit()

    def clear_error(self, name: str) -> None:
        """Forget a service's error for ``name``: its value was changed another way."""
        self._edited(name)
        self.refresh()

    def _edited(self, name: str) -> None:
        self._service_errors.pop(name, None)
        self.set_message("")

    def _touch(self, name: str) -> None:
        row = self._rows[name]
        editor = row.editor
        # Leaving an empty field untouched is not a mistake yet; leaving it half-done is.
        if not row.touched and isinstance(editor, QLineEdit) and not editor.text():
            return
        row.touched = True
        self.refresh()


def _side_by_side(editor: QWidget, beside: QWidget | None) -> QWidget:
    """``editor`` with ``beside`` at its right, or with empty space if ``beside`` is None."""
    box = QWidget()
    line = QHBoxLayout(box)
    line.setContentsMargins(0, 0, 0, 0)
    if beside is None:
        line.addWidget(editor)
        line.addStretch(1)
    else:
        line.addWidget(editor, 1)
        line.addWidget(beside)
    return box


class BusyBar(QWidget):
    """An indeterminate progress bar with a line saying what is happening."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._label = QLabel()
        self._bar = QProgressBar()
        self._bar.setRange(0, 0)
        self._bar.setTextVisible(False)
        self._bar.setMaximumWidth(160)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._bar)
        self.hide()

    @property
    def active(self) -> bool:
        return not self.isHidden()

    def start(self, text: str) -> None:
        self._label.setText(text)
        self._bar.setAccessibleName(text)
        self.show()

    def stop(self) -> None:
        self.hide()


class FormPanel(QWidget):
    """The body of every small sgdesk dialog: the form, a busy bar, and the buttons.

    The action button stays enabled (except while a job runs) so that pressing it,
    or Return, on an unfinished form says what is missing instead of doing nothing.
    :meth:`run` sends a job to the database worker and reports any
    failure under the field it concerns.
    """

    submitted = Signal()
    cancelled = Signal()

    def __init__(self, action: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.form = InlineForm()
        self.busy = BusyBar()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.action_button = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addWidget(self.form)
        layout.addStretch(1)
        layout.addSpacing(8)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.cancelled)
        self.form.changed.connect(self._update)

    @property
    def working(self) -> bool:
        return self.busy.active

    def showEvent(self, event: QShowEvent) -> None:
        self.window().installEventFilter(self)
        super().showEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """While a job runs, Escape and the window's close button do nothing: the job
        cannot be stopped half-way and its outcome must be shown."""
        if not self.working:
            return False
        if event.type() == QEvent.Type.Close:
            event.ignore()
            return True
        return (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape)

    def run(self, worker: DbWorker, job: Callable[[], Any], on_done: Callable[[Any], None], *,
            busy_text: str, fields: dict[str, str] | None = None,
            on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run ``job`` on the worker; ``on_done(result)`` after, or the error shown inline
        (``fields`` maps a service's field names to this form's) and ``on_error`` called."""
        self.form.set_message("")
        self.busy.start(busy_text)
        self._update()

        def done(value: Any) -> None:
            self._stop()
            on_done(value)

        def failed(exc: BaseException) -> None:
            self._stop()
            self.form.show_failure(exc, fields)
            if on_error is not None:
                on_error(exc)

        worker.run(job, on_done=while_alive(self, done), on_error=while_alive(self, failed))

    def _stop(self) -> None:
        self.busy.stop()
        self._update()

    def _submit(self) -> None:
        if self.working:
            return
        self.form.touch_all()
        if self.form.is_valid():
            self.submitted.emit()
        else:
            self.form.focus_first_error()

    def _update(self) -> None:
        self.action_button.setEnabled(not self.working)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not self.working)


def add_status_lines(layout: QVBoxLayout) -> tuple[QLabel, BusyBar]:
    """A hidden error line and a busy bar, added to ``layout``: how a record view
    says it is working or that a read or save failed."""
    message = wrapped_label(colour=ERROR_COLOUR)
    message.hide()
    layout.addWidget(message)
    busy = BusyBar()
    layout.addWidget(busy)
    return message, busy


def while_alive(widget: QWidget, callback: Callable[[Any], None]) -> Callable[[Any], None]:
    """Wrap a worker callback so it does nothing if ``widget`` was deleted meanwhile
    (a lock can close a dialog while its job is still running)."""

    def call(value: Any) -> None:
        if shiboken6.isValid(widget):
            callback(value)

    return call


# -- questions, with test hooks (KeePassXC's setNextAnswer / setNextFileName) --------
_next_save_path: list[Path | None] = []
_next_answer: list[bool] = []


def set_next_save_path(path: Path | None) -> None:
    """Tests: the next :func:`choose_save_path` returns ``path`` without a dialog."""
    _next_save_path.append(path)


def set_next_answer(answer: bool) -> None:
    """Tests: the next :func:`confirm` or :func:`warn` returns at once with ``answer``."""
    _next_answer.append(answer)


def choose_save_path(parent: QWidget | None, caption: str, start: Path, name_filter: str,
                     *, confirm_overwrite: bool = True) -> Path | None:
    """Ask where to save; ``None`` when the person cancels."""
    if _next_save_path:
        return _next_save_path.pop(0)
    options = QFileDialog.Option(0)
    if not confirm_overwrite:
        options |= QFileDialog.Option.DontConfirmOverwrite
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, str(start), name_filter,
                                            options=options)
    return Path(chosen) if chosen else None


def confirm(parent: QWidget | None, title: str, text: str, action: str) -> bool:
    """A yes/no question whose "yes" button names the action; "Cancel" is the default."""
    if _next_answer:
        return _next_answer.pop(0)
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    box.exec()
    return box.clickedButton() is yes


def warn(parent: QWidget | None, title: str, exc: BaseException | str) -> None:
    """Tell the person something did not work, in plain words."""
    text = exc if isinstance(exc, str) else describe(exc)
    if _next_answer:
        _next_answer.pop(0)
        return
    QMessageBox.warning(parent, title, text)


def record_table(model: QAbstractItemModel, name: str, stretch: int | None = None) -> QTableView:
    """A read-only list of records: whole rows, one at a time, columns sized to
    their text (``stretch`` takes the rest; the last one if None), Tab moves on
    rather than from cell to cell, and the row made current by the keyboard is
    selected, so buttons that act on the selection follow it."""
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.selectionModel().currentRowChanged.connect(
        lambda current, _previous: table.selectRow(current.row()) if current.isValid() else None)
    return table

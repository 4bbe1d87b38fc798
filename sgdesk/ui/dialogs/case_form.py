"""What every casework form shares: read the case (and any stored draft) on the
worker, let the subclass lay out its fields and say how they change the case,
check the result against the case's own rules as the person types, and save it
as the case's next version with a reason.

A case is never overwritten (see :mod:`sgdesk.services.casework`): recording a
visit, a meeting, the assessment, the plan or the closure is an amendment with a
reason. Each form suggests the usual reason ("Visit recorded"), which the person
may change. Unsaved text survives a lock as an encrypted draft; Escape asks
before throwing it away; Ctrl+S saves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.casework import CaseContent
from sgdesk.models.concerns import validate_amendment_reason
from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import Pupil
from sgdesk.services import casework, drafts, pupils
from sgdesk.services.casework import CaseRecord
from sgdesk.services.session import Session
from sgdesk.ui.concern_form_widgets import DateTimeField
from sgdesk.ui.date_field import DateField
from sgdesk.ui.drafts import DraftForm
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    FieldErrors,
    FormPanel,
    InlineForm,
    collect_errors,
    dialog_layout,
    while_alive,
)
from sgdesk.ui.row_editor import RowEditor
from sgdesk.ui.worker import DbWorker


def text_box(lines: int) -> QPlainTextEdit:
    """A few lines of free text that Tab leaves, as every other field."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


def strip_item(message: str) -> str:
    """"Visit 3: Say why…" reads "Say why…" under the field of the one visit shown."""
    return message.split(": ", 1)[1] if ": " in message else message


# -- what a draft keeps of each kind of editor ----------------------------------------
def _typed(editor: QWidget) -> Any:
    if isinstance(editor, DateTimeField):
        return editor.text_value()
    if isinstance(editor, QLineEdit):
        return editor.text()
    if isinstance(editor, QPlainTextEdit):
        return editor.toPlainText()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QComboBox):
        return editor.currentIndex()
    if isinstance(editor, RowEditor):
        return editor.state()
    raise TypeError(f"No draft kept for {type(editor).__name__}")


def _put_back(editor: QWidget, value: Any) -> None:
    if isinstance(editor, DateTimeField):
        editor.set_value(datetime.fromisoformat(str(value)))
    elif isinstance(editor, QLineEdit):
        editor.setText(str(value))
    elif isinstance(editor, QPlainTextEdit):
        editor.setPlainText(str(value))
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QComboBox) and 0 <= int(value) < editor.count():
        editor.setCurrentIndex(int(value))
    elif isinstance(editor, RowEditor):
        editor.set_state(list(value))


@dataclass(frozen=True)
class CaseOpening:
    """What a case form needs from the store, read in one worker job."""

    pupil: Pupil
    record: CaseRecord | None
    draft: dict[str, Any] | None
    clock: Callable[[], datetime]
    extra: Any = None


class CaseForm(DraftForm):
    """Base of the casework forms. A subclass sets the words, builds its fields in
    :meth:`build`, shows the saved case in :meth:`fill` and says in :meth:`updated`
    what the case becomes. :attr:`saved` carries the case id after a save."""

    draft_kind = "case"
    saved = Signal(str)

    #: The form's name in its draft reference (one draft per form and case).
    form_name = ""
    title = ""
    intro = ""
    action = "&Save"
    busy_text = "Saving…"
    #: The reason suggested for the new version ("" for none; see :attr:`asks_reason`).
    default_reason = ""
    #: A service's field names as this form names them (others show under the form).
    service_fields: ClassVar[dict[str, str]] = {}

    def __init__(self, worker: DbWorker, session: Session, case_id: str | None = None, *,
                 pupil_id: str = "", item: int | None = None,
                 parent: QWidget | None = None) -> None:
        form = self.form_name if item is None else f"{self.form_name}.{item}"
        super().__init__(worker, session, parent,
                         draft_ref=f"{form}:{case_id or 'new:' + pupil_id}")
        #: Which visit or meeting the form amends (its place in the case); ``None``
        #: for a new one and for forms about the whole case.
        self.item = item
        self._case_id = case_id
        self._pupil_id = pupil_id
        self.opening: CaseOpening | None = None
        self._initial: dict[str, Any] | None = None
        self._kept: dict[str, QWidget] = {}
        self._probing = False
        self.setWindowTitle(self.title)
        layout = dialog_layout(self, self.intro, width=640)
        self.panel = FormPanel(self.action)
        self.panel.action_button.setToolTip("Ctrl+S")
        self.form = self.panel.form
        # The fields scroll (a visit has many at 125%); the buttons stay in view.
        self.body = QVBoxLayout()
        self._holder = holder = QWidget()
        holder.setLayout(self.body)
        self.body.setContentsMargins(0, 0, 8, 0)
        self.build(self.form)
        self.reason = QLineEdit()
        if self.asks_reason:
            self.field("reason", "Reason for this &change:", self.reason,
                       hint="Required. It is kept with this version of the case.")
        self.body.addWidget(self.form)
        self.body.addStretch(1)
        self.fields_area = QScrollArea()
        self.fields_area.setWidgetResizable(True)
        self.fields_area.setFrameShape(QFrame.Shape.NoFrame)
        self.fields_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.fields_area.setWidget(holder)
        layout.addWidget(self.fields_area, 1)
        layout.addWidget(self.panel)
        self._fit_height()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)
        self.form.set_validator(self._errors)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.ask_to_discard)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self,
                  self.panel.action_button.click)
        self.setEnabled(False)
        self._open()

    # -- what subclasses say ------------------------------------------------------------
    @property
    def asks_reason(self) -> bool:
        """The form saves a new version of the case, so it asks for the reason
        (opening a case does not)."""
        return bool(self.default_reason)

    def build(self, form: InlineForm) -> None:
        raise NotImplementedError

    def fill(self, opening: CaseOpening) -> None:
        """Show what is saved (or sensible defaults for a new entry)."""

    def updated(self, case: CaseContent | None) -> CaseContent:
        """The case as it will be saved (``case`` is the saved one; ``None`` when
        opening a case). Raises :class:`InvalidInput` for what cannot be read."""
        raise NotImplementedError

    def checks(self) -> Iterable[Callable[[], object]]:
        """Checks of single fields (dates typed), so every unreadable one speaks."""
        return ()

    def field_for(self, problem: str, message: str) -> tuple[str, str] | None:
        """Where a problem the case's rules found belongs on this form, and how it
        reads there; ``None`` for a part of the case this form does not show."""
        return (problem, message) if problem in self._kept else None

    def read_extra(self, session: Session, pupil: Pupil) -> Any:
        """Anything else the form needs, read on the worker with the case."""
        return None

    def _fit_height(self) -> None:
        """Tall enough for every field where the screen allows; the rest scrolls."""
        room = self.screen().availableGeometry().height() * 9 // 10
        fields = self._holder.sizeHint().height()
        wanted = self.sizeHint().height() - self.fields_area.sizeHint().height() + fields
        self.resize(self.width(), max(self.height(), min(room, wanted)))

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Keep the field with the cursor in view (an error sends it there)."""
        if new is not None and self._holder.isAncestorOf(new):
            self.fields_area.ensureWidgetVisible(new)

    def day(self, field: DateField) -> date | None:
        """The date typed in ``field`` (``None`` when empty). While the whole form is
        checked, an unreadable date reads as empty: its own check says what is wrong."""
        try:
            return field.day()
        except InvalidInput:
            if not self._probing:
                raise
            return None

    def required_day(self, field: DateField, message: str) -> date:
        """The date typed in ``field``; ``message`` asks for a missing one (while the
        whole form is checked, today stands in for it)."""
        day = self.day(field)
        if day is not None:
            return day
        if not self._probing:
            raise InvalidInput(message, field=field.field)
        return self._now().astimezone().date()

    # -- building helpers ---------------------------------------------------------------
    def field[W: QWidget](self, name: str, label: str, editor: W, *, hint: str = "",
                          accessible: str = "") -> W:
        """A labelled field on the form, kept in a draft."""
        self.form.add_field(name, label, editor, hint=hint)
        self.keep(name, editor, accessible or label.replace("&", "").rstrip(":?"))
        if isinstance(editor, QPlainTextEdit | RowEditor):
            for caption in self.form.findChildren(QLabel):
                if caption.buddy() is editor:  # a tall field's caption sits at its top
                    caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                    caption.setContentsMargins(0, 4, 0, 0)
        if isinstance(editor, QPlainTextEdit):
            editor.textChanged.connect(lambda n=name: self.form.clear_error(n))
        elif isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(lambda _i, n=name: self.form.clear_error(n))
        elif isinstance(editor, DateTimeField):
            editor.dateTimeChanged.connect(lambda _d, n=name: self.form.clear_error(n))
        elif isinstance(editor, RowEditor):
            editor.changed.connect(lambda n=name: self.form.clear_error(n))
            editor.left.connect(lambda n=name: self.form.clear_error(n))
            editor.changed.connect(self._fit_height)  # a new row: grow while there is room
        return editor

    def keep(self, name: str, editor: QWidget, accessible: str = "") -> None:
        """Keep ``editor`` in drafts (fields laid out outside the form use this)."""
        self._kept[name] = editor
        if accessible:
            editor.setAccessibleName(accessible)

    @property
    def case(self) -> CaseContent | None:
        record = self.opening.record if self.opening else None
        return record.current if record else None

    @property
    def working(self) -> bool:
        return self.panel.working

    @property
    def loaded(self) -> bool:
        return self._initial is not None

    # -- opening ------------------------------------------------------------------------
    def _open(self) -> None:
        session, case_id, pupil_id = self._session, self._case_id, self._pupil_id
        kind, ref, extra = self.draft_kind, self.draft_ref, self.read_extra

        def read() -> CaseOpening:
            record = casework.get_case(session, case_id) if case_id else None
            pupil = pupils.get_pupil(session, record.current.pupil_id if record
                                     else pupil_id).pupil
            return CaseOpening(pupil, record, drafts.load_draft(session, kind, ref),
                               session.db.clock, extra(session, pupil))

        self.panel.busy.start("Opening…")
        self._worker.run(read, on_done=while_alive(self, self._opened),
                         on_error=while_alive(self, self._open_failed))

    def _opened(self, opening: CaseOpening) -> None:
        self.panel.busy.stop()
        self.setEnabled(True)
        self.opening = opening
        self.reason.setText(self.default_reason)
        self.fill(opening)
        self._initial = self._state()
        if opening.draft is not None:
            self.restore_draft(opening.draft)
        self._fit_height()  # saved plan actions may have added rows
        self.form.refresh()
        first = next(iter(self._kept.values()), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _open_failed(self, exc: BaseException) -> None:
        self.panel.busy.stop()
        self.setEnabled(True)
        self.form.setEnabled(False)
        self.panel.action_button.setEnabled(False)
        self.form.set_message(f"The case could not be opened. {describe(exc)}")

    # -- checking -----------------------------------------------------------------------
    def _now(self) -> datetime:
        assert self.opening is not None
        return self.opening.clock().astimezone(UTC)

    def _errors(self) -> FieldErrors:
        errors = collect_errors(*self.checks())
        if self.asks_reason:
            errors |= collect_errors(lambda: validate_amendment_reason(self.reason.text()))
        if self.opening is None:
            return errors
        # Dates that cannot be read have spoken above; the rest of the form is
        # checked as if they were empty (or today), so every field speaks at once.
        self._probing = True
        try:
            content = self.updated(self.case)
        except InvalidInput as exc:
            errors.setdefault(exc.field, str(exc))
            return errors
        finally:
            self._probing = False
        for problem, message in content.problems(self._now()):
            placed = self.field_for(problem, message)
            if placed is not None:
                errors.setdefault(*placed)
        return errors

    # -- drafts -------------------------------------------------------------------------
    def _state(self) -> dict[str, Any]:
        return {name: _typed(editor) for name, editor in self._kept.items()}

    def draft_state(self) -> dict[str, Any] | None:
        """Every field; ``None`` while nothing differs from how the form opened."""
        if self._initial is None:
            return None
        state = self._state()
        return None if state == self._initial else state

    def restore_draft(self, state: dict[str, Any]) -> None:
        for name, editor in self._kept.items():
            if name in state:
                _put_back(editor, state[name])
        self.form.set_message("Your unsaved entry from before the store was locked is back. "
                              "Check it, then save.")

    # -- saving -------------------------------------------------------------------------
    def _save(self) -> None:
        if self.opening is None:
            return
        session, kind, ref = self._session, self.draft_kind, self.draft_ref
        case_id, reason = self._case_id, self.reason.text()
        content = self.updated(self.case)
        base = self.opening.record.version if self.opening.record else 0

        def save() -> str:
            if case_id is None:
                saved_id = casework.open_case(session, content)
            else:
                casework.amend_case(session, case_id, content, reason, base)
                saved_id = case_id
            drafts.discard_draft(session, kind, ref)
            return saved_id

        self.panel.run(self._worker, save, self._saved, busy_text=self.busy_text,
                       fields=self.service_fields)

    def _saved(self, case_id: Any) -> None:
        self.saved.emit(str(case_id))
        self.accept()

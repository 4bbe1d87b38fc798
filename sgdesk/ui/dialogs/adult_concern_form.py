"""The form for recording, or amending, an allegation or a low-level concern about an adult.

One form serves both kinds: an allegation adds the harm threshold and the KCSIE
outcome. The kind is fixed once recorded (a low-level concern later found to meet
the threshold is recorded as an allegation of its own, and closed with a note).
Amending needs a reason; the saved versions are never changed. Unsaved text
survives a lock as an encrypted draft; Escape asks before throwing text away.
"""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.adult_concerns import (
    AdultCapacity,
    AdultConcern,
    AdultConcernKind,
    AllegationOutcome,
    HarmThreshold,
    adult_concern_problems,
)
from sgdesk.models.concerns import validate_amendment_reason
from sgdesk.models.errors import InvalidInput
from sgdesk.services import adult_concerns, drafts
from sgdesk.services.adult_concerns import AdultConcernRecord
from sgdesk.services.session import Session
from sgdesk.ui.drafts import DraftForm
from sgdesk.ui.form_helpers import (
    FieldErrors,
    FormPanel,
    collect_errors,
    dialog_layout,
    while_alive,
)
from sgdesk.ui.worker import DbWorker

DATE_HINT = "dd/mm/yyyy"
_DAY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_DATE_FIELDS = ("lado_consulted_on", "shared_with_hr_on", "review_on", "closed_on")


def parse_day(text: str, field: str) -> date | None:
    """A typed date (03/11/2026, 3.11.2026 or 2026-11-03); ``None`` when left empty."""
    if not text.strip():
        return None
    if match := _DAY.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO_DAY.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise InvalidInput("Type the date as dd/mm/yyyy, for example 03/11/2026.", field=field)
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput("There is no such date.", field=field) from None


def _to_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


class DateTimeField(QDateTimeEdit):
    """A date and time typed as dd/mm/yyyy hh:mm (digits move on through the parts;
    the arrow keys move between them). Tab leaves the field, as in every other field,
    instead of stepping through its five parts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(QDateTime.currentDateTime(), parent)
        self.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.setCalendarPopup(True)

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


def _text_box(lines: int = 4) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)  # Tab moves on, as in every other field
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class ThresholdChecks(QWidget):
    """The four limbs of the harm threshold as check boxes: an allegation meets one or more."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes = {threshold: QCheckBox(threshold.label) for threshold in HarmThreshold}
        for box in self.boxes.values():
            layout.addWidget(box)
        self.setFocusProxy(self.boxes[HarmThreshold.HARMED])

    def chosen(self) -> tuple[HarmThreshold, ...]:
        return tuple(t for t, box in self.boxes.items() if box.isChecked())

    def set_chosen(self, chosen: tuple[HarmThreshold, ...]) -> None:
        for threshold, box in self.boxes.items():
            box.setChecked(threshold in chosen)

    def setAccessibleDescription(self, text: str) -> None:
        """InlineForm gives the field's error as its description: give it to each box."""
        super().setAccessibleDescription(text)
        for box in self.boxes.values():
            box.setAccessibleDescription(text)


class AdultConcernForm(DraftForm):
    """Record a new allegation or low-level concern (``record`` None) or amend one."""

    draft_kind = "adult_concern"
    saved = Signal(str)

    def __init__(self, worker: DbWorker, session: Session, *,
                 kind: AdultConcernKind = AdultConcernKind.LOW_LEVEL,
                 record: AdultConcernRecord | None = None,
                 parent: QWidget | None = None) -> None:
        self.kind = record.current.content.kind if record else kind
        super().__init__(worker, session, parent,
                         draft_ref=record.id if record else f"new-{self.kind.value}")
        self._record = record
        allegation = self.kind is AdultConcernKind.ALLEGATION
        noun = "an allegation" if allegation else "a low-level concern"
        self.setWindowTitle(f"Amend {noun}" if record else f"Record {noun} about an adult")
        intro = (
            "An allegation is that an adult who works with children has harmed a child or may "
            "have, may have committed an offence against or related to a child, or has behaved "
            "in a way that shows they may pose a risk to children or may not be suitable to "
            "work with them. Consult the LADO within one working day."
            if allegation else
            "A low-level concern is behaviour that does not fit the staff code of conduct but "
            "does not meet the harm threshold. It is kept, and reviewed for patterns.")
        if record:
            intro = ("The saved record is never overwritten: your changes become a new "
                     "version, and the reason you give is kept with it.")
        layout = dialog_layout(self, intro, width=640)
        self.panel = FormPanel("&Save amendment" if record else "&Record")
        self._editors: dict[str, QWidget] = {}
        self._build_fields(allegation)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # The form is long: it scrolls, between the introduction and the buttons, and takes
        # the room FormPanel would give to its spacer.
        panel_layout = self.panel.layout()
        assert isinstance(panel_layout, QVBoxLayout)
        panel_layout.replaceWidget(self.panel.form, scroll)
        spacer = panel_layout.itemAt(1)
        if spacer is not None and spacer.spacerItem() is not None:
            panel_layout.takeAt(1)
        panel_layout.setStretchFactor(scroll, 1)
        scroll.setWidget(self.panel.form)
        self._scroll = scroll
        layout.addWidget(self.panel)
        self.panel.form.set_validator(self._errors)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.ask_to_discard)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._follow_focus)
        self.resize(700, 720)
        if record:
            self._fill(record.current.content)
        worker.run(lambda: drafts.load_draft(session, self.draft_kind, self.draft_ref),
                   on_done=while_alive(self, self._offer_draft))

    # -- building ---------------------------------------------------------------------
    def _build_fields(self, allegation: bool) -> None:
        add = self._add
        form = self.panel.form
        form.add_text("Kind:", self.kind.label)
        add("adult_name", "Adult's &name:", QLineEdit())
        capacity = add("adult_capacity", "&Works here as:", QComboBox())
        for choice in AdultCapacity:
            capacity.addItem(choice.label, choice)
        add("adult_position", "&Job or position:", QLineEdit(),
            hint="For example Teaching assistant, or the firm a contractor works for.")
        add("raised_by", "Raised b&y:", QLineEdit(),
            hint="It may be the adult themselves: a self-referral.")
        add("raised_by_role", "Their r&ole:", QLineEdit())
        add("happened_at", "When it ha&ppened:", DateTimeField())
        add("raised_at", "When it was ra&ised:", DateTimeField())
        add("location", "Wh&ere:", QLineEdit())
        add("what_happened", "What happened (&facts):", _text_box(5),
            hint="What was seen or heard, as it was reported.")
        add("children", "&Children involved:", _text_box(2),
            hint="Describe them in words. Nothing in this register is linked to, or shown "
                 "on, a pupil's file.")
        if allegation:
            checks = add("thresholds", "Harm &threshold met:", ThresholdChecks())
            for box in checks.boxes.values():
                box.toggled.connect(lambda _on: form.clear_error("thresholds"))
        add("action_taken", "&Action taken:", _text_box(3))
        add("lado_consulted_on", "&LADO consulted on:", QLineEdit(),
            hint=("An allegation goes to the LADO within one working day."
                  if allegation else
                  "Consult the LADO if unsure whether the harm threshold is met."))
        add("lado_name", "LADO's na&me:", QLineEdit())
        add("lado_advice", "LADO's ad&vice:", _text_box(3))
        if allegation:
            outcome = add("outcome", "O&utcome:", QComboBox(),
                          hint="The KCSIE terms. Unsubstantiated does not imply guilt or "
                               "innocence.")
            outcome.addItem("Not yet known", None)
            for term in AllegationOutcome:
                outcome.addItem(term.label, term)
                outcome.setItemData(outcome.count() - 1, f"{term.label}: {term.meaning}.",
                                    Qt.ItemDataRole.ToolTipRole)
        add("outcome_notes", "Outcome notes:", _text_box(3))
        add("shared_with_hr_on", "Shared with &HR on:", QLineEdit(),
            hint="Leave empty if it has not been shared.")
        add("review_on", "Review &by:", QLineEdit())
        add("closed_on", "Close&d on:", QLineEdit())
        if self._record is not None:
            add("reason", "Why are you amendin&g?", QLineEdit(),
                hint="Required. It is kept with this version.")

    def _add[E: QWidget](self, name: str, label: str, editor: E, *, hint: str = "") -> E:
        form = self.panel.form
        form.add_field(name, label, editor, hint=hint)
        editor.setAccessibleName(label.replace("&", "").rstrip(":"))
        if isinstance(editor, QLineEdit) and name in _DATE_FIELDS:
            editor.setPlaceholderText(DATE_HINT)
            editor.setMaximumWidth(editor.fontMetrics().horizontalAdvance("00/00/00000") + 24)
        if isinstance(editor, QPlainTextEdit | ThresholdChecks):
            # A tall field's caption reads best beside its first line.
            for caption in form.findChildren(QLabel):
                if caption.buddy() is editor:
                    caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                    caption.setContentsMargins(0, 4, 0, 0)
        if isinstance(editor, QPlainTextEdit):
            editor.textChanged.connect(lambda: form.clear_error(name))
        elif isinstance(editor, QDateTimeEdit):
            editor.dateTimeChanged.connect(lambda _v: form.clear_error(name))
        elif isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(lambda _i: form.clear_error(name))
        self._editors[name] = editor
        return editor

    # -- reading and filling ----------------------------------------------------------
    def _value(self, name: str) -> Any:
        editor = self._editors.get(name)
        if isinstance(editor, QLineEdit):
            return editor.text()
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if isinstance(editor, QDateTimeEdit):
            moment = editor.dateTime().toPython()
            assert isinstance(moment, datetime)
            return _to_minute(moment.astimezone(UTC))
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, ThresholdChecks):
            return editor.chosen()
        return None

    def content(self) -> AdultConcern:
        """What is typed now, as a record. Raises InvalidInput for a badly typed date."""
        values: dict[str, Any] = {"kind": self.kind}
        for f in fields(AdultConcern):
            if f.name in self._editors:
                value = self._value(f.name)
                if f.name in _DATE_FIELDS:
                    value = parse_day(value, f.name)
                elif isinstance(value, datetime) and self._record is not None:
                    # The field shows minutes: an untouched time keeps its saved precision.
                    saved = getattr(self._record.current.content, f.name)
                    value = saved if _to_minute(saved) == value else value
                values[f.name] = value
        return AdultConcern(**values)

    def _fill(self, content: AdultConcern) -> None:
        for f in fields(AdultConcern):
            editor = self._editors.get(f.name)
            value = getattr(content, f.name)
            if isinstance(editor, QLineEdit):
                editor.setText(value.strftime("%d/%m/%Y") if isinstance(value, date)
                               else value or "")
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value)
            elif isinstance(editor, QDateTimeEdit):
                editor.setDateTime(QDateTime(value.astimezone().replace(tzinfo=None)))
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            elif isinstance(editor, ThresholdChecks):
                editor.set_chosen(value)

    # -- checking ---------------------------------------------------------------------
    def _errors(self) -> FieldErrors:
        now = datetime.now(UTC)
        errors = collect_errors(*(lambda n=name: parse_day(self._value(n), n)
                                  for name in _DATE_FIELDS))
        if self._record is not None:
            errors |= collect_errors(lambda: validate_amendment_reason(self._value("reason")))
        if not any(name in errors for name in _DATE_FIELDS):
            for name, message in adult_concern_problems(self.content(), now):
                errors.setdefault(name, message)
        return errors

    # -- drafts -----------------------------------------------------------------------
    def _untouched(self) -> bool:
        """Nothing typed in a new form; nothing changed and no reason in an amendment."""
        texts = [self._value(name) for name, editor in self._editors.items()
                 if isinstance(editor, QLineEdit | QPlainTextEdit)]
        if self._record is None:
            return not any(str(t).strip() for t in texts)
        try:
            same = self.content() == self._record.current.content
        except InvalidInput:
            return False
        return same and not str(self._value("reason")).strip()

    def draft_state(self) -> dict[str, Any] | None:
        if self._untouched():
            return None
        state: dict[str, Any] = {name: self._value(name) for name, editor in self._editors.items()
                                 if isinstance(editor, QLineEdit | QPlainTextEdit)}
        for name, editor in self._editors.items():
            if isinstance(editor, QDateTimeEdit):
                state[name] = self._value(name).isoformat()
            elif isinstance(editor, QComboBox):
                state[name] = editor.currentIndex()
            elif isinstance(editor, ThresholdChecks):
                state[name] = [t.value for t in editor.chosen()]
        return state

    def restore_draft(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            editor = self._editors.get(name)
            if isinstance(editor, QLineEdit):
                editor.setText(str(value))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(str(value))
            elif isinstance(editor, QDateTimeEdit):
                moment = datetime.fromisoformat(str(value)).astimezone().replace(tzinfo=None)
                editor.setDateTime(QDateTime(moment))
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(int(value))
            elif isinstance(editor, ThresholdChecks):
                editor.set_chosen(tuple(HarmThreshold(v) for v in value))

    def _offer_draft(self, state: Any) -> None:
        """Put back what was typed before a lock, unless typing has started again."""
        if state is not None and self._untouched():
            self.restore_draft(state)

    # -- leaving ----------------------------------------------------------------------
    @property
    def working(self) -> bool:
        return self.panel.working

    def has_unsaved_text(self) -> bool:
        return not self._untouched()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (event.key() == Qt.Key.Key_S
              and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.panel.action_button.click()
        else:
            super().keyPressEvent(event)

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Keep the field with the cursor in view, with its error under it (a failed save
        moves the cursor to the first field in error). Done once the layout has settled,
        as the error label appears in the same event."""
        if new is None or not self.panel.form.isAncestorOf(new):
            return
        name = next((n for n, e in self._editors.items() if e is new or e.isAncestorOf(new)),
                    "")
        error = self.panel.form.findChild(QLabel, f"error_{name}") if name else None

        def show() -> None:
            if error is not None and error.isVisible():
                self._scroll.ensureWidgetVisible(error, 0, 12)
            self._scroll.ensureWidgetVisible(new, 0, 12)

        QTimer.singleShot(0, self, show)

    # -- saving -----------------------------------------------------------------------
    def _save(self) -> None:
        session, kind, ref = self._session, self.draft_kind, self.draft_ref
        content = self.content()
        record = self._record
        reason = str(self._value("reason") or "")

        def save() -> str:
            if record is None:
                record_id = adult_concerns.record_adult_concern(session, content)
            else:
                adult_concerns.amend_adult_concern(session, record.id, content,
                                                   reason, record.current.number)
                record_id = record.id
            drafts.discard_draft(session, kind, ref)
            return record_id

        self.panel.run(self._worker, save, self._saved,
                       busy_text="Saving…" if record is None else "Saving the amendment…")

    def _saved(self, record_id: Any) -> None:
        self.saved.emit(str(record_id))
        self.accept()

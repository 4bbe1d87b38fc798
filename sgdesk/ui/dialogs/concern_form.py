"""The concern form: logging a new concern, or amending a saved one.

Keyboard first: every field is labelled and Tab visits them in the order they
read; Ctrl+S saves; Escape asks before throwing typing away. The four kept-apart
sections (facts, the child's words, what others reported, opinion) each sit
under their own heading, opinion in a tinted frame so it is never taken for fact.

A field's problem shows under it once the person has left the field, or when
they try to save; a problem the service reports stays until that field is edited.
All store work runs on the database worker. A failed save (disk full, store
locked…) leaves every word where it was. Unsaved text survives a lock as an
encrypted draft, and comes back when the same form is opened again.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.concerns import (
    FIELD_LABELS,
    KEPT_APART_SECTIONS,
    Concern,
    ConcernContent,
    concern_problems,
    validate_amendment_reason,
)
from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import PupilListEntry
from sgdesk.services import concerns, drafts, pupils
from sgdesk.services.session import Session
from sgdesk.ui.concern_form_widgets import CheckList, ChildrenEditor, DateTimeField
from sgdesk.ui.drafts import DraftForm
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    HINT_COLOUR,
    BusyBar,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.worker import DbWorker

REASON = "reason"
REASON_LABEL = "Why are you amending this record?"
LINE_FIELDS = ("reporter_name", "reporter_role", "location", "others_source")
TEXT_FIELDS = ("facts", "child_words", "questions_asked", "others_reported", "opinion",
               "immediate_action")
DATE_FIELDS = ("happened_at", "noticed_at")

#: One line under each heading saying what belongs there (and what does not).
GUIDANCE = {
    "happened_at": "Day/month/year and 24-hour time. Type the digits; Up and Down change "
                   "the part under the cursor.",
    "children": "The child this concern is about, and any other child involved, each with "
                "their role. A child's role never shows on another child's file.",
    "facts": "Only what you saw or heard yourself: who, what, when, where. No "
             "interpretation here.",
    "child_words": "Exactly what the child said, in their words, even if the grammar is "
                   "wrong or the words are rude.",
    "questions_asked": "The questions you asked, word for word. Open questions such as "
                       "\"Tell me what happened\".",
    "others_reported": "What other people told you: staff, parents, other children, other "
                       "agencies.",
    "others_source": "Who told you, and their role or relationship to the child.",
    "opinion": "Your professional view and what it rests on. It is marked as opinion "
               "wherever this record is shown or printed.",
    "immediate_action": "What was done straight away, e.g. told the DSL, called 999, child "
                        "kept safe in school.",
    REASON: "Kept with this version for anyone who reads the record later, e.g. \"Added the "
            "time the child arrived, which I learned afterwards.\"",
}

STYLE = """
QLabel#section_heading { font-size: 12pt; font-weight: 600; }
QLabel#field_heading { font-weight: 600; }
QLabel#child_name { font-weight: 600; }
QFrame#kept_apart { border: 1px solid #b8b8b8; border-radius: 4px; }
QFrame#opinion { background: #f3eefa; border: 2px solid #7a5ea8; border-radius: 4px; }
QFrame#amend_reason { background: #fff4ce; border: 1px solid #c8a600; border-radius: 4px; }
QLabel#form_message { color: %s; font-weight: 600; }
QLabel#form_note { background: #fff4ce; color: #3b2f00; border: 1px solid #c8a600;
                   border-radius: 4px; padding: 6px; }
""" % ERROR_COLOUR  # noqa: UP031 - a stylesheet is full of braces


@dataclass(frozen=True)
class _Opening:
    """What the form needs from the store before it can be filled in."""

    register: list[PupilListEntry]
    categories: list[str]
    tags: list[str]
    concern: Concern | None
    draft: dict[str, Any] | None
    clock: Callable[[], datetime]


@dataclass
class _Slot:
    """A field's editor (``focus`` takes the cursor for it) and its error line."""

    focus: QWidget
    error: QLabel
    guidance: str = ""


class ConcernFormDialog(DraftForm):
    """Log a new concern (``pupil_id`` pre-added as its subject), or amend the
    current version of ``concern_id`` (a reason is then required).

    :attr:`saved` carries the concern's id after a successful save, just before
    the dialog closes.
    """

    draft_kind = "concern"
    saved = Signal(str)

    def __init__(self, worker: DbWorker, session: Session, *, pupil_id: str | None = None,
                 concern_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(worker, session, parent,
                         draft_ref=concern_id or f"new:{pupil_id or ''}")
        self._pupil_id = pupil_id
        self._concern_id = concern_id
        self._loaded: ConcernContent | None = None
        self._base_version = 0
        self._clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        #: The form as first filled in; None until the store has answered.
        self._initial: dict[str, Any] | None = None
        self._pending_draft: dict[str, Any] | None = None
        self._slots: dict[str, _Slot] = {}
        self._touched: set[str] = set()
        self._edited_names: set[str] = set()
        self._service_errors: dict[str, str] = {}
        #: Each field's editor by its ConcernContent name (plus "reason" when amending).
        self.editors: dict[str, QWidget] = {}
        self.setWindowTitle("Amend a concern" if self.amending else "Log a concern")
        self.setStyleSheet(STYLE)
        self.setMinimumWidth(720)
        self._build()
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        screen = self.screen().availableGeometry()
        self.resize(min(800, screen.width()), min(760, screen.height() - 40))
        self._open()

    @property
    def amending(self) -> bool:
        return self._concern_id is not None

    @property
    def working(self) -> bool:
        return self.busy.active

    # -- building -------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        intro = ("You are amending a saved record. The original stays on file, with who "
                 "changed it, when and why. Ctrl+S saves the new version."
                 if self.amending else
                 "Write down what happened as soon as you can. Keep what you saw and heard, "
                 "the child's own words, what others told you and your opinion in their own "
                 "boxes. Ctrl+S saves.")
        outer.addWidget(wrapped_label(intro))
        self.message = wrapped_label()
        self.message.setObjectName("form_message")
        self.message.hide()
        self.note = wrapped_label()
        self.note.setObjectName("form_note")
        self.note.hide()
        outer.addWidget(self.message)
        outer.addWidget(self.note)

        self.body = QWidget()
        form = QVBoxLayout(self.body)
        form.setSpacing(10)
        form.addLayout(self._build_details())
        for section in (("facts",), ("child_words", "questions_asked"),
                        ("others_reported", "others_source"), ("opinion",)):
            form.addWidget(self._kept_apart_frame(section))
        action = QVBoxLayout()
        action.setSpacing(4)
        self._stacked(action, "immediate_action", self.editors["immediate_action"], "section")
        form.addLayout(action)
        if self.amending:
            frame = QFrame()
            frame.setObjectName("amend_reason")
            box = QVBoxLayout(frame)
            self.editors[REASON] = self._text_box(REASON_LABEL, lines=2)
            self._stacked(box, REASON, self.editors[REASON], "field")
            form.addWidget(frame)
        form.addStretch(1)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.body)
        outer.addWidget(self.scroll, 1)
        self.busy = BusyBar()
        outer.addWidget(self.busy)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(
            "Save amendment" if self.amending else "Save concern",
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setToolTip("Ctrl+S")
        for button in self.buttons.buttons():
            button.setAutoDefault(False)  # Return in a field must not save half a form
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.ask_to_discard)
        outer.addWidget(self.buttons)

        for name, slot in self._slots.items():
            slot.focus.installEventFilter(self)
            self._watch(name)

    def _build_details(self) -> QGridLayout:
        """Who, when, where, which children and which categories: label beside field."""
        for name in LINE_FIELDS:
            edit = QLineEdit()
            edit.setAccessibleName(FIELD_LABELS[name])
            self.editors[name] = edit
        for name in TEXT_FIELDS:
            self.editors[name] = self._text_box(FIELD_LABELS[name],
                                                lines=3 if name == "questions_asked" else 6)
        self.happened = DateTimeField()
        self.noticed = DateTimeField()
        self.children_box = ChildrenEditor()
        self.categories = CheckList()
        self.tags = CheckList()
        self.no_tags = wrapped_label("Your school has not set up any tags.", HINT_COLOUR)
        self.no_tags.hide()
        self.editors |= {"happened_at": self.happened, "noticed_at": self.noticed,
                         "children": self.children_box, "categories": self.categories,
                         "tags": self.tags}
        for name in ("happened_at", "noticed_at", "categories", "tags"):
            self.editors[name].setAccessibleName(FIELD_LABELS[name])

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(4)
        for name in ("reporter_name", "reporter_role", "happened_at", "noticed_at", "location"):
            self._grid_row(grid, name, self.editors[name])
        self._grid_row(grid, "children", self.children_box, focus=self.children_box.picker.edit)
        self._grid_row(grid, "categories", self.categories)
        tags_box = QWidget()
        tags_layout = QVBoxLayout(tags_box)
        tags_layout.setContentsMargins(0, 0, 0, 0)
        tags_layout.addWidget(self.tags)
        tags_layout.addWidget(self.no_tags)
        self._grid_row(grid, "tags", tags_box, focus=self.tags)
        return grid

    def _text_box(self, name: str, *, lines: int) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setAccessibleName(name)
        # A fixed height: a box sized by Qt's default takes a screenful; longer text scrolls.
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 2 * edit.frameWidth()
                            + 2 * int(edit.document().documentMargin()) + 4)
        return edit

    def _error_label(self, name: str) -> QLabel:
        error = wrapped_label(colour=ERROR_COLOUR)
        error.setObjectName(f"error_{name}")
        error.hide()
        return error

    def _grid_row(self, grid: QGridLayout, name: str, widget: QWidget,
                  focus: QWidget | None = None) -> None:
        """Caption at the left, the field, its guidance (if any) and its error under it."""
        focus = focus or widget
        row = grid.rowCount()
        caption = QLabel(FIELD_LABELS[name] + ":")
        caption.setBuddy(focus)
        alignment = (Qt.AlignmentFlag.AlignTop if name in ("children", "categories", "tags")
                     else Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(caption, row, 0, alignment)
        if isinstance(widget, DateTimeField):
            grid.addWidget(widget, row, 1, Qt.AlignmentFlag.AlignLeft)
        else:
            grid.addWidget(widget, row, 1)
        guidance = GUIDANCE.get(name, "")
        if guidance:
            grid.addWidget(wrapped_label(guidance, HINT_COLOUR), row + 1, 1)
        error = self._error_label(name)
        grid.addWidget(error, row + 2, 1)
        self._slots[name] = _Slot(focus, error, guidance)

    def _stacked(self, layout: QVBoxLayout, name: str, editor: QWidget, level: str) -> None:
        """Heading over the field, then its one line of guidance, the field, its error."""
        label = REASON_LABEL if name == REASON else FIELD_LABELS[name]
        caption = QLabel(label)
        caption.setObjectName(f"{level}_heading")
        caption.setBuddy(editor)
        caption.setWordWrap(True)
        layout.addWidget(caption)
        guidance = GUIDANCE[name]
        layout.addWidget(wrapped_label(guidance, HINT_COLOUR))
        layout.addWidget(editor)
        error = self._error_label(name)
        layout.addWidget(error)
        self._slots[name] = _Slot(editor, error, guidance)

    def _kept_apart_frame(self, names: tuple[str, ...]) -> QFrame:
        """One of the four kept-apart sections; opinion is tinted so it reads as opinion."""
        frame = QFrame()
        frame.setObjectName("opinion" if names[0] == "opinion" else "kept_apart")
        box = QVBoxLayout(frame)
        box.setSpacing(4)
        for position, name in enumerate(names):
            if position:
                box.addSpacing(6)
            self._stacked(box, name, self.editors[name], "field" if position else "section")
        return frame

    def _watch(self, name: str) -> None:
        """Every edit re-checks the form and forgets a service's error for that field."""
        editor = self.editors[name]
        if isinstance(editor, QLineEdit | QPlainTextEdit):
            editor.textChanged.connect(lambda *_: self._edited(name))
        elif isinstance(editor, DateTimeField):
            editor.dateTimeChanged.connect(lambda *_: self._edited(name))
        elif isinstance(editor, CheckList | ChildrenEditor):
            editor.changed.connect(lambda: self._edited(name))

    # -- opening ----------------------------------------------------------------------
    def _open(self) -> None:
        session, concern_id = self._session, self._concern_id
        kind, ref = self.draft_kind, self.draft_ref

        def read() -> _Opening:
            return _Opening(
                register=pupils.list_pupils(session),
                categories=concerns.categories(session),
                tags=concerns.tags(session),
                concern=concerns.get_concern(session, concern_id) if concern_id else None,
                draft=drafts.load_draft(session, kind, ref),
                clock=session.db.clock,
            )

        self._set_working("Opening the form…")
        self._worker.run(read, on_done=while_alive(self, self._opened),
                         on_error=while_alive(self, self._open_failed))

    def _opened(self, opening: _Opening) -> None:
        self._clock = opening.clock
        self.children_box.set_register(opening.register)
        if opening.concern is not None:
            current = opening.concern.versions[-1]
            self._loaded, self._base_version = current.content, current.number
            self._fill(current.content, opening.categories, opening.tags)
        else:
            self._fill_new(opening.categories, opening.tags)
        self._initial = self._state()
        self._set_working(None)
        self.no_tags.setVisible(not self.tags.count())
        self.tags.setVisible(bool(self.tags.count()))
        draft = self._pending_draft or opening.draft
        self._pending_draft = None
        if draft is not None:
            self._apply_draft(draft)
        self._update_tab_order()
        self.editors["reporter_name"].setFocus(Qt.FocusReason.OtherFocusReason)

    def _open_failed(self, exc: BaseException) -> None:
        self.busy.stop()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(True)
        self._show_message(f"The form could not be opened. {describe(exc)}")

    def _fill_new(self, categories: list[str], tags: list[str]) -> None:
        user = self._session.user
        self._line("reporter_name").setText(user.display_name)
        self._line("reporter_role").setText(user.role.label)
        now = self._clock()
        self.happened.set_value(now)
        self.noticed.set_value(now)
        self.categories.set_names(categories)
        self.tags.set_names(tags)
        if self._pupil_id:
            self.children_box.add(self._pupil_id)

    def _fill(self, content: ConcernContent, categories: list[str], tags: list[str]) -> None:
        for name in (*LINE_FIELDS, *TEXT_FIELDS):
            value = getattr(content, name)
            if name in LINE_FIELDS:
                self._line(name).setText(value)
            else:
                self._text(name).setPlainText(value)
        self.happened.set_value(content.happened_at)
        self.noticed.set_value(content.noticed_at)
        for child in content.children:
            self.children_box.add(child.pupil_id, child.role, child.name_shown_to_others)
        self.categories.set_names(categories, content.categories)
        self.tags.set_names(tags, content.tags)

    # -- drafts -----------------------------------------------------------------------
    def draft_state(self) -> dict[str, Any] | None:
        """Every field, children and their roles included; None if nothing was typed."""
        if self._initial is None:
            return self._pending_draft
        state = self._state()
        return None if state == self._initial else state

    def restore_draft(self, state: dict[str, Any]) -> None:
        if self._initial is None:
            self._pending_draft = state  # put in once the form is filled from the store
        else:
            self._apply_draft(state)

    def _state(self) -> dict[str, Any]:
        state: dict[str, Any] = {name: self._line(name).text() for name in LINE_FIELDS}
        state |= {name: self._text(name).toPlainText()
                  for name in (*TEXT_FIELDS, *((REASON,) if self.amending else ()))}
        state |= {"happened_at": self.happened.text_value(),
                  "noticed_at": self.noticed.text_value(),
                  "children": self.children_box.state(),
                  "categories": list(self.categories.checked()),
                  "tags": list(self.tags.checked())}
        if self.amending:
            state["base_version"] = self._base_version
        return state

    def _apply_draft(self, state: dict[str, Any]) -> None:
        for name in LINE_FIELDS:
            if name in state:
                self._line(name).setText(str(state[name]))
        for name in (*TEXT_FIELDS, REASON):
            if name in state and name in self.editors:
                self._text(name).setPlainText(str(state[name]))
        for name, field in (("happened_at", self.happened), ("noticed_at", self.noticed)):
            with suppress(KeyError, ValueError):  # else keep what the form has
                field.set_value(datetime.fromisoformat(str(state[name])))
        if isinstance(state.get("children"), list):
            self.children_box.restore(state["children"])
        self.categories.set_checked([str(n) for n in state.get("categories", [])])
        self.tags.set_checked([str(n) for n in state.get("tags", [])])
        self.no_tags.setVisible(not self.tags.count())
        self.tags.setVisible(bool(self.tags.count()))
        note = "Your unsaved text from before the store was locked is back. Check it, then save."
        if self.amending and state.get("base_version", self._base_version) != self._base_version:
            note += (" Someone has amended this record since then: make sure your draft does "
                     "not undo their change.")
        self.note.setText(note)
        self.note.show()

    # -- checking ---------------------------------------------------------------------
    def content(self) -> ConcernContent:
        """What the form holds now. Times the person did not change keep their saved
        seconds, so an amendment does not list them as changed."""
        kept = self._loaded
        return ConcernContent(
            reporter_name=self._line("reporter_name").text().strip(),
            reporter_role=self._line("reporter_role").text().strip(),
            happened_at=_unless_same_minute(self.happened.value(),
                                            kept.happened_at if kept else None),
            noticed_at=_unless_same_minute(self.noticed.value(),
                                           kept.noticed_at if kept else None),
            location=self._line("location").text().strip(),
            children=self.children_box.involved(),
            categories=self.categories.checked(),
            tags=self.tags.checked(),
            facts=self._text("facts").toPlainText().strip(),
            child_words=self._text("child_words").toPlainText().strip(),
            questions_asked=self._text("questions_asked").toPlainText().strip(),
            others_reported=self._text("others_reported").toPlainText().strip(),
            others_source=self._line("others_source").text().strip(),
            opinion=self._text("opinion").toPlainText().strip(),
            immediate_action=self._text("immediate_action").toPlainText().strip(),
            review=kept.review if kept else None,
        )

    def problems(self) -> dict[str, str]:
        """Each field's first problem with what is typed now."""
        found: dict[str, str] = {}
        for name, message in concern_problems(self.content(), self._clock()):
            found.setdefault(name, message)
        if self.amending:
            try:
                validate_amendment_reason(self._text(REASON).toPlainText())
            except InvalidInput as exc:
                found.setdefault(REASON, str(exc))
        return found

    def error_text(self, name: str) -> str:
        """The error now shown under field ``name`` ("" when none)."""
        return self._slots[name].error.text()

    def _edited(self, name: str) -> None:
        self._service_errors.pop(name, None)
        if self._initial is not None:
            self._edited_names.add(name)
        if name == "children" and self._initial is not None and not self.children_box.rows:
            self._touched.add(name)  # removing the last child is a problem to say now
        if name == "children":
            self._update_tab_order()
        self._refresh()

    def _refresh(self) -> None:
        if self._initial is None:
            return
        problems = self.problems()
        for name, slot in self._slots.items():
            text = self._service_errors.get(name) or (
                problems.get(name, "") if name in self._touched else "")
            slot.error.setText(text)
            slot.error.setVisible(bool(text))
            slot.focus.setAccessibleDescription(text or slot.guidance)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Leaving a field with something in it, or one the person emptied, lets its
        problems show; tabbing past an empty field is not a mistake yet."""
        if event.type() == QEvent.Type.FocusOut and isinstance(event, QFocusEvent) and \
                event.reason() not in (Qt.FocusReason.PopupFocusReason,
                                       Qt.FocusReason.ActiveWindowFocusReason):
            name = next((n for n, s in self._slots.items() if s.focus is watched), None)
            if name is not None and (self._has_input(name) or name in self._edited_names):
                self._touched.add(name)
                self._refresh()
        return False

    def _has_input(self, name: str) -> bool:
        editor = self.editors[name]
        if isinstance(editor, QLineEdit):
            return bool(editor.text().strip())
        if isinstance(editor, QPlainTextEdit):
            return bool(editor.toPlainText().strip())
        if isinstance(editor, CheckList):
            return bool(editor.checked())
        return True

    # -- saving -----------------------------------------------------------------------
    def save(self) -> None:
        """Check everything; if all is well, save on the worker (log or amend)."""
        if self._initial is None or self.working:
            return
        self._touched |= set(self._slots)
        self._refresh()
        marked = [s for s in self._slots.values() if s.error.text()]
        if marked:
            self._show_message("Not saved yet: " + ("one field needs" if len(marked) == 1 else
                                                    f"{len(marked)} fields need")
                               + " attention. Each says what is wrong under it.")
            self._focus(marked[0].focus)
            return
        session, content = self._session, self.content()
        concern_id, base_version = self._concern_id, self._base_version
        reason = self._text(REASON).toPlainText().strip() if self.amending else ""

        def write() -> str:
            if concern_id is None:
                return concerns.log_concern(session, content)
            concerns.amend_concern(session, concern_id, content, reason, base_version)
            return concern_id

        self._show_message("")
        self._set_working("Saving the amendment…" if self.amending else "Saving the concern…")
        self._worker.run(write, on_done=while_alive(self, self._saved),
                         on_error=while_alive(self, self._save_failed))

    def _saved(self, concern_id: str) -> None:
        self._set_working(None)
        self._initial = self._state()
        self.forget_stored_draft()
        self.saved.emit(concern_id)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self._set_working(None)
        field = exc.field if isinstance(exc, InvalidInput) else ""
        if field in self._slots:
            self._service_errors[field] = str(exc)
            self._refresh()
            self._focus(self._slots[field].focus)
            return
        self._show_message(f"{'The amendment' if self.amending else 'The concern'} was not "
                           f"saved: {describe(exc)} Everything you typed is still here.")

    def _set_working(self, text: str | None) -> None:
        """Busy (``text`` says what with): the form and its buttons wait; else usable."""
        focused = self.focusWidget()
        if text is None:
            self.busy.stop()
        else:
            self.busy.start(text)
        self.body.setEnabled(text is None)
        for button in self.buttons.buttons():
            button.setEnabled(text is None)
        if text is None and focused is not None and focused.isEnabled():
            focused.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- closing ----------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        return self._initial is not None

    @property
    def discard_question(self) -> tuple[str, str, str]:  # type: ignore[override]
        if self.amending:
            return ("Discard your changes?",
                    "Discard your changes? The saved record stays as it was.", "Discard changes")
        return ("Discard this concern?", "Discard this concern? What you typed will be lost.",
                "Discard")

    def has_unsaved_text(self) -> bool:
        return self.has_changes()

    def has_changes(self) -> bool:
        return self._initial is not None and self._state() != self._initial

    # -- small helpers ----------------------------------------------------------------
    def _line(self, name: str) -> QLineEdit:
        editor = self.editors[name]
        assert isinstance(editor, QLineEdit)
        return editor

    def _text(self, name: str) -> QPlainTextEdit:
        editor = self.editors[name]
        assert isinstance(editor, QPlainTextEdit)
        return editor

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        if text:
            self.note.hide()

    def _focus(self, widget: QWidget) -> None:
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll.ensureWidgetVisible(widget, 0, 60)

    def _update_tab_order(self) -> None:
        """Tab follows the form as it reads, including child rows added later."""
        chain: list[QWidget] = [self.editors[n] for n in
                                ("reporter_name", "reporter_role", "happened_at", "noticed_at",
                                 "location")]
        chain += self.children_box.focus_chain()
        chain += [self.categories, self.tags]
        chain += [self.editors[n] for n in (*KEPT_APART_SECTIONS[:2], "questions_asked",
                                            KEPT_APART_SECTIONS[2], "others_source",
                                            KEPT_APART_SECTIONS[3], "immediate_action")]
        if self.amending:
            chain.append(self.editors[REASON])
        chain += [self.save_button, self.buttons.button(QDialogButtonBox.StandardButton.Cancel)]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)


def _unless_same_minute(typed: datetime, kept: datetime | None) -> datetime:
    """``kept`` if the form shows it unchanged (the form has minutes, not seconds)."""
    if kept is not None and kept.tzinfo is not None and \
            kept.replace(second=0, microsecond=0) == typed:
        return kept
    return typed

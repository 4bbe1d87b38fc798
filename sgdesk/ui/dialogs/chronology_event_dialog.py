"""Recording by hand what a chronology cannot draw from the record — a house move,
a missing episode, an exclusion — or amending such an event.

The event is about one pupil or, when the pupil has linked siblings, about the
whole family. Whether it is significant starts from its kind (almost every kind
is) and follows the kind until the person ticks or clears the box themselves;
only the DSL or a deputy may choose other than the kind's default. An amendment
needs a reason and keeps every earlier version. Unsaved text survives a lock as
an encrypted draft; Escape asks before throwing it away; Ctrl+S saves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.chronology import ChronologyEvent, EventKind
from sgdesk.models.concerns import validate_amendment_reason
from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import Pupil
from sgdesk.services import chronology, drafts, pupils
from sgdesk.services.chronology import EventRecord
from sgdesk.services.concerns import REVIEWER_ROLES
from sgdesk.services.session import Session
from sgdesk.ui.date_field import DateField
from sgdesk.ui.drafts import DraftForm
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    FieldErrors,
    FormPanel,
    collect_errors,
    dialog_layout,
    while_alive,
)
from sgdesk.ui.worker import DbWorker

_TIME = re.compile(r"(\d{1,2})\s*[:.h]?\s*(\d{2})")
TIME_HINT = "Leave empty if the time is not known, or type it as hh:mm, for example 14:30."
#: Service field names, as this form names them.
_FIELDS = {"pupil_id": "about", "family_id": "about"}


def parse_time(text: str, field: str = "happened_at_time") -> time | None:
    """A typed time of day (14:30, 14.30, 1430, 9:05); ``None`` when left empty."""
    clean = text.strip()
    if not clean:
        return None
    match = _TIME.fullmatch(clean)
    if match is None:
        raise InvalidInput(f"The time cannot be read. {TIME_HINT}", field=field)
    hour, minute = (int(part) for part in match.groups())
    if hour > 23 or minute > 59:
        raise InvalidInput(f"There is no such time. {TIME_HINT}", field=field)
    return time(hour, minute)


def _require_day(field: DateField) -> date:
    day = field.day()
    if day is None:
        raise InvalidInput("Enter the date it happened.", field=field.field)
    return day


def _text_box(lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)  # Tab moves on, as in every other field
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


@dataclass(frozen=True)
class _Opening:
    """What the form needs from the store, read in one worker job."""

    pupil: Pupil | None
    record: EventRecord | None
    draft: dict[str, Any] | None
    clock: Callable[[], datetime]


class AboutChoice(QWidget):
    """"About this pupil" or "about the whole family": one Tab stop, arrows choose."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.pupil = QRadioButton("This pupil only")
        self.family = QRadioButton("The whole family (every linked brother and sister)")
        self.group = QButtonGroup(self)
        for button in (self.pupil, self.family):
            self.group.addButton(button)
            layout.addWidget(button)
        self.pupil.setChecked(True)
        self.setFocusProxy(self.pupil)

    def about_family(self) -> bool:
        return self.family.isChecked()

    def set_about_family(self, family: bool) -> None:
        (self.family if family else self.pupil).setChecked(True)
        self.setFocusProxy(self.family if family else self.pupil)


class ChronologyEventDialog(DraftForm):
    """Record a new event about ``pupil_id`` (or the family ``family_id``), or amend
    the event ``event_id``. :attr:`saved` carries the event's id after a save."""

    draft_kind = "chronology_event"
    discard_question = ("Discard this event?",
                        "What you have typed has not been saved. Discard it?", "Discard")
    saved = Signal(str)

    def __init__(self, worker: DbWorker, session: Session, *, pupil_id: str | None = None,
                 family_id: str | None = None, event_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, session, parent,
                         draft_ref=event_id or f"new:{pupil_id or ''}:{family_id or ''}")
        self._pupil_id = pupil_id
        self._family_id = family_id
        self._event_id = event_id
        self._opening: _Opening | None = None
        self._initial: dict[str, Any] | None = None
        self._significance_chosen = event_id is not None  # an amendment keeps the saved choice
        self._reviewer = session.user.role in REVIEWER_ROLES
        self.setWindowTitle("Amend a chronology event" if self.amending
                            else "Add an event to the chronology")
        layout = dialog_layout(self, (
            "The saved event is never overwritten: your changes become a new version, kept "
            "with who made them, when and why." if self.amending else
            "Record what the school learned that is not already on the file, such as a move "
            "of house or a missing episode. Concerns, body maps and referrals join the "
            "chronology by themselves."), width=620)
        self.panel = FormPanel("&Save amendment" if self.amending else "&Save event")
        self.panel.action_button.setToolTip("Ctrl+S")
        self._build(self.panel.form)
        layout.addWidget(self.panel)
        self.panel.form.set_validator(self._errors)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.ask_to_discard)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self,
                  self.panel.action_button.click)
        self.setEnabled(False)
        self._open()

    @property
    def amending(self) -> bool:
        return self._event_id is not None

    @property
    def working(self) -> bool:
        return self.panel.working

    @property
    def loaded(self) -> bool:
        return self._initial is not None

    # -- building ---------------------------------------------------------------------
    def _build(self, form: Any) -> None:
        self.kind = form.add_field("kind", "&Kind of event:", QComboBox())
        for kind in EventKind:
            self.kind.addItem(kind.label, kind)
        self.kind.setAccessibleName("Kind of event")
        self.about = form.add_field("about", "&About:", AboutChoice())
        self.about.setAccessibleName("Who the event is about")
        self.happened_on = form.add_field("happened_on", "&Date:", DateField("happened_on"))
        self.happened_on.setAccessibleName("Date it happened")
        self.at_time = form.add_field("happened_at_time", "&Time:", QLineEdit(),
                                      hint=TIME_HINT)
        self.at_time.setPlaceholderText("hh:mm")
        self.at_time.setMaxLength(5)
        self.at_time.setFixedWidth(self.at_time.fontMetrics().horizontalAdvance("00:000") + 16)
        self.at_time.setAccessibleName("Time it happened, if known")
        self.what_happened = form.add_field("event", "&What happened:", _text_box(4),
                                    hint="Facts, briefly: what happened and who was involved.")
        self.what_happened.setAccessibleName("What happened")
        self.source = form.add_field("source", "S&ource:", QLineEdit(),
                                     hint="How the school knows, for example 'Phone call from "
                                          "mother' or 'Attendance officer'.")
        self.source.setAccessibleName("Source")
        self.outcome = form.add_field("outcome", "Outcome / &action:", _text_box(3))
        self.outcome.setAccessibleName("Outcome or action taken")
        self.significant = form.add_field(
            "significant", "", QCheckBox("Si&gnificant"),
            hint="Starts from what is usual for this kind of event." if self._reviewer else
            "The DSL or a deputy DSL decides what is significant; it follows the kind of "
            "event.")
        self.significant.setEnabled(self._reviewer)
        self.reason = QLineEdit()
        if self.amending:
            form.add_field("reason", "Why are you amendi&ng?", self.reason,
                           hint="Required. It is kept with this version.")
            self.reason.setAccessibleName("Reason for the amendment")
        for caption in form.findChildren(QLabel):
            if caption.buddy() in (self.what_happened, self.outcome, self.about):
                caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                caption.setContentsMargins(0, 4, 0, 0)

        self.at_time.editingFinished.connect(self._tidy_time)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.significant.clicked.connect(self._significance_clicked)
        for name, box in (("event", self.what_happened), ("outcome", self.outcome)):
            box.textChanged.connect(lambda n=name: form.clear_error(n))
        self.about.group.buttonClicked.connect(lambda _b: form.clear_error("about"))

    # -- opening ----------------------------------------------------------------------
    def _open(self) -> None:
        session, pupil_id, event_id = self._session, self._pupil_id, self._event_id
        kind, ref = self.draft_kind, self.draft_ref

        def read() -> _Opening:
            record = chronology.get_event(session, event_id) if event_id else None
            owner = record.current.pupil_id if record else pupil_id
            pupil = pupils.get_pupil(session, owner).pupil if owner else None
            return _Opening(pupil, record, drafts.load_draft(session, kind, ref),
                            session.db.clock)

        self.panel.busy.start("Opening…")
        self._worker.run(read, on_done=while_alive(self, self._opened),
                         on_error=while_alive(self, self._open_failed))

    def _opened(self, opening: _Opening) -> None:
        self.panel.busy.stop()
        self.setEnabled(True)
        self._opening = opening
        record = opening.record
        if record is not None:
            self._pupil_id = record.current.pupil_id
            self._family_id = record.current.family_id
            self._fill(record.current)
        else:
            self._family_id = self._family_id or (opening.pupil.family_id if opening.pupil
                                                  else None)
            self._kind_changed()
            self.about.set_about_family(self._pupil_id is None)
        # An event stays with whom it was recorded for; a choice only for a new one
        # about a pupil with a family.
        self.about.setEnabled(record is None and self._pupil_id is not None
                              and self._family_id is not None)
        self._set_about_visible(self._pupil_id is not None and self._family_id is not None)
        self._initial = self._state()
        if opening.draft is not None:
            self.restore_draft(opening.draft)
        self.panel.form.refresh()
        self.kind.setFocus(Qt.FocusReason.OtherFocusReason)

    def _open_failed(self, exc: BaseException) -> None:
        self.panel.busy.stop()
        self.setEnabled(True)
        self.panel.form.setEnabled(False)
        self.panel.action_button.setEnabled(False)
        self.panel.form.set_message(f"The event could not be opened. {describe(exc)}")

    def _set_about_visible(self, visible: bool) -> None:
        """No family, nothing to choose: the row and its caption are hidden."""
        self.about.setVisible(visible)
        for caption in self.panel.form.findChildren(QLabel):
            if caption.buddy() is self.about:
                caption.setVisible(visible)

    def _fill(self, content: ChronologyEvent) -> None:
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(content.kind))
        self.kind.blockSignals(False)
        self.happened_on.set_day(content.happened_on)
        self.at_time.setText(f"{content.happened_at_time:%H:%M}"
                             if content.happened_at_time else "")
        self.what_happened.setPlainText(content.event)
        self.source.setText(content.source)
        self.outcome.setPlainText(content.outcome)
        self.significant.setChecked(content.significant)
        self.about.set_about_family(content.pupil_id is None)

    def _tidy_time(self) -> None:
        """Show a time read as typed the way it is kept: 9.05 becomes 09:05."""
        try:
            at = parse_time(self.at_time.text())
        except InvalidInput:
            return  # left as typed: the form says what is wrong with it
        if at is not None:
            self.at_time.setText(f"{at:%H:%M}")

    # -- significance -----------------------------------------------------------------
    def _kind_changed(self) -> None:
        if not self._significance_chosen:
            self.significant.setChecked(self.kind.currentData().significant_by_default)
        self.panel.form.clear_error("kind")

    def _significance_clicked(self) -> None:
        self._significance_chosen = True
        self.panel.form.clear_error("significant")

    # -- reading the form -------------------------------------------------------------
    def content(self) -> ChronologyEvent:
        """The event as typed; raises InvalidInput for a date or time it cannot read."""
        return self._content(_require_day(self.happened_on), parse_time(self.at_time.text()))

    def _content(self, day: date, at: time | None) -> ChronologyEvent:
        family = self.about.about_family() or self._pupil_id is None
        return ChronologyEvent(
            kind=self.kind.currentData(), happened_on=day, happened_at_time=at,
            event=self.what_happened.toPlainText().strip(), source=self.source.text().strip(),
            outcome=self.outcome.toPlainText().strip(), significant=self.significant.isChecked(),
            pupil_id=None if family else self._pupil_id,
            family_id=self._family_id if family else None)

    def _errors(self) -> FieldErrors:
        errors = collect_errors(lambda: _require_day(self.happened_on),
                                lambda: parse_time(self.at_time.text()))
        if self.amending:
            errors |= collect_errors(lambda: validate_amendment_reason(self.reason.text()))
        if self._opening is None:
            return errors
        now = self._opening.clock().astimezone(UTC)
        if {"happened_on", "happened_at_time"} & set(errors):
            # The other fields still speak while the date or time cannot be read.
            probe = self._content(now.astimezone().date(), None)
            found = [(n, m) for n, m in probe.problems(now) if not n.startswith("happened")]
        else:
            found = self.content().problems(now)
        for name, message in found:
            errors.setdefault(_FIELDS.get(name, name), message)
        return errors

    # -- drafts -----------------------------------------------------------------------
    def _state(self) -> dict[str, Any]:
        return {"kind": self.kind.currentData().value, "happened_on": self.happened_on.text(),
                "happened_at_time": self.at_time.text(), "event": self.what_happened.toPlainText(),
                "source": self.source.text(), "outcome": self.outcome.toPlainText(),
                "significant": self.significant.isChecked(),
                "significance_chosen": self._significance_chosen,
                "about_family": self.about.about_family(), "reason": self.reason.text()}

    def draft_state(self) -> dict[str, Any] | None:
        """Every field; ``None`` while nothing differs from how the form opened."""
        if self._initial is None:
            return None
        state = self._state()
        if self.amending:
            return None if state == self._initial else state
        typed = ("happened_on", "happened_at_time", "event", "source", "outcome")
        return state if any(str(state[n]).strip() for n in typed) else None

    def restore_draft(self, state: dict[str, Any]) -> None:
        kinds = {kind.value: kind for kind in EventKind}
        self._significance_chosen = bool(state.get("significance_chosen", False))
        if state.get("kind") in kinds:
            self.kind.setCurrentIndex(self.kind.findData(kinds[state["kind"]]))
        for name, edit in (("happened_on", self.happened_on), ("happened_at_time", self.at_time),
                           ("source", self.source), ("reason", self.reason)):
            edit.setText(str(state.get(name, edit.text())))
        for name, box in (("event", self.what_happened), ("outcome", self.outcome)):
            box.setPlainText(str(state.get(name, box.toPlainText())))
        if self._reviewer or self.amending:
            self.significant.setChecked(bool(state.get("significant",
                                                       self.significant.isChecked())))
        if self.about.isEnabled():
            self.about.set_about_family(bool(state.get("about_family", False)))
        self.panel.form.set_message("Your unsaved event from before the store was locked is "
                                    "back. Check it, then save.")

    # -- saving -----------------------------------------------------------------------
    def _save(self) -> None:
        if self._opening is None:
            return
        session, kind, ref = self._session, self.draft_kind, self.draft_ref
        content, event_id, reason = self.content(), self._event_id, self.reason.text()
        record = self._opening.record
        base = record.version if record else 0

        def save() -> str:
            if event_id is None:
                saved_id = chronology.add_event(session, content)
            else:
                chronology.amend_event(session, event_id, content, reason, base)
                saved_id = event_id
            drafts.discard_draft(session, kind, ref)
            return saved_id

        self.panel.run(self._worker, save, self._saved, fields=_FIELDS,
                       busy_text="Saving the amendment…" if event_id else "Saving the event…")

    def _saved(self, event_id: Any) -> None:
        self.saved.emit(str(event_id))
        self.accept()

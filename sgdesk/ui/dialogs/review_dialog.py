"""The DSL's review of a concern: a decision from a clear list, the reasons for it
(a decision not to refer needs reasons too), actions with owners, due dates and
status, the outcome, closure and the sign-off.

Recording a review saves a new version of the concern; the earlier versions stay.
Changing a review someone already recorded needs a reason, like any amendment.
The typed text survives a lock as an encrypted draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.concerns import Action, ActionStatus, Concern, Decision, Review
from sgdesk.models.errors import InvalidInput
from sgdesk.services import concerns, drafts
from sgdesk.services.concern_words import action_status_words
from sgdesk.services.record_dates import day_text as day
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

DATE_FORMAT = "%d/%m/%Y"
DATE_HINT = "dd/mm/yyyy"


def parse_day(text: str, field: str, what: str) -> date | None:
    """An optional date typed as dd/mm/yyyy; ``None`` when left empty."""
    if not text.strip():
        return None
    try:
        return datetime.strptime(text.strip(), DATE_FORMAT).date()
    except ValueError:
        raise InvalidInput(f"Enter {what} as {DATE_HINT}, for example 05/11/2026.",
                           field=field) from None


def text_box(accessible_name: str, lines: int = 4) -> QPlainTextEdit:
    """A multi-line box where Tab moves on (as in every other field) rather than typing a tab."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setAccessibleName(accessible_name)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


def date_width(edit: QWidget) -> int:
    """Wide enough for a typed date at any text size, and no wider."""
    return edit.fontMetrics().horizontalAdvance("00/00/00000") + 24


@dataclass
class _ActionRow:
    description: QLineEdit
    owner: QLineEdit
    due: QLineEdit
    status: QComboBox
    remove: QPushButton

    @property
    def widgets(self) -> tuple[QWidget, ...]:
        return (self.description, self.owner, self.due, self.status, self.remove)

    def is_empty(self) -> bool:
        return not (self.description.text().strip() or self.owner.text().strip()
                    or self.due.text().strip())


class ActionsEditor(QWidget):
    """A short list of actions, one row each, added and removed by keyboard."""

    HEADINGS = ("What needs doing", "Who", f"Due ({DATE_HINT})", "Status")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._grid = QGridLayout()
        self._grid.setColumnStretch(0, 3)
        self._grid.setColumnStretch(1, 2)
        outer.addLayout(self._grid)
        self.add_button = QPushButton("Add a&n action")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_row(focus=True))
        outer.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._headings = [QLabel(text) for text in self.HEADINGS]
        for column, heading in enumerate(self._headings):
            self._grid.addWidget(heading, 0, column)
        self.rows: list[_ActionRow] = []
        self._neighbours: tuple[QWidget, QWidget] | None = None
        self._arrange()

    def set_tab_neighbours(self, before: QWidget, after: QWidget) -> None:
        """The fields either side of the actions, so Tab runs through new rows in order."""
        self._neighbours = (before, after)
        self._arrange()

    def add_row(self, action: Action | None = None, *, focus: bool = False) -> _ActionRow:
        row = _ActionRow(QLineEdit(), QLineEdit(), QLineEdit(), QComboBox(),
                         QPushButton("Remove"))
        row.due.setPlaceholderText(DATE_HINT)
        row.due.setMaximumWidth(date_width(row.due))
        for status in ActionStatus:
            row.status.addItem(action_status_words(status), status)
        row.remove.setAutoDefault(False)
        if action is not None:
            row.description.setText(action.description)
            row.owner.setText(action.owner)
            row.due.setText(day(action.due) if action.due else "")
            row.status.setCurrentIndex(row.status.findData(action.status))
        row.remove.clicked.connect(lambda: self.remove_row(row))
        self.rows.append(row)
        self._arrange()
        for widget in row.widgets:  # at once, so the cursor can go into the new row now
            widget.show()
        if focus:
            row.description.setFocus(Qt.FocusReason.OtherFocusReason)
        return row

    def remove_row(self, row: _ActionRow) -> None:
        index = self.rows.index(row)
        self.rows.remove(row)
        for widget in row.widgets:
            self._grid.removeWidget(widget)
            widget.deleteLater()
        self._arrange()
        target = (self.rows[min(index, len(self.rows) - 1)].description if self.rows
                  else self.add_button)
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def typed_actions(self) -> tuple[Action, ...]:
        """The typed actions (blank rows ignored); raises InvalidInput on a bad row."""
        found = []
        for number, row in enumerate(self.rows, start=1):
            if row.is_empty():
                continue
            if not (row.description.text().strip() and row.owner.text().strip()):
                raise InvalidInput(f"Action {number}: say what needs doing and who will do it.",
                                   field="actions")
            due = parse_day(row.due.text(), "actions", f"action {number}'s due date")
            found.append(Action(row.description.text().strip(), row.owner.text().strip(), due,
                                row.status.currentData()))
        return tuple(found)

    def state(self) -> list[dict[str, str]]:
        return [{"description": r.description.text(), "owner": r.owner.text(),
                 "due": r.due.text(), "status": r.status.currentData().value}
                for r in self.rows]

    def set_state(self, rows: list[dict[str, str]]) -> None:
        for row in list(self.rows):
            self.remove_row(row)
        for values in rows:
            row = self.add_row()
            row.description.setText(str(values.get("description", "")))
            row.owner.setText(str(values.get("owner", "")))
            row.due.setText(str(values.get("due", "")))
            statuses = {s.value: s for s in ActionStatus}
            if values.get("status") in statuses:
                row.status.setCurrentIndex(row.status.findData(statuses[values["status"]]))

    def _arrange(self) -> None:
        """Lay the rows out, name them for screen readers, and keep Tab in reading order."""
        for heading in self._headings:
            heading.setVisible(bool(self.rows))
        chain: list[QWidget] = [self._neighbours[0]] if self._neighbours else []
        for number, row in enumerate(self.rows, start=1):
            for column, widget in enumerate(row.widgets):
                self._grid.addWidget(widget, number, column)
            for widget, name in zip(row.widgets, (*self.HEADINGS, "Remove"), strict=True):
                widget.setAccessibleName(f"Action {number}: {name}")
            chain += row.widgets
        chain.append(self.add_button)
        if self._neighbours is not None:
            chain.append(self._neighbours[1])
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.setFocusProxy(self.rows[0].description if self.rows else self.add_button)


class ReviewDialog(DraftForm):
    """Record, or change, the DSL's review of one concern."""

    draft_kind = "review"
    saved = Signal(str)

    def __init__(self, worker: DbWorker, session: Session, concern_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, session, parent, draft_ref=concern_id)
        self._concern_id = concern_id
        self._base_version: int | None = None
        self._initial: dict[str, Any] | None = None
        self.reason: QLineEdit | None = None
        self.setWindowTitle("DSL review")
        layout = dialog_layout(self, "Record your decision and the reasons for it — a decision "
                                     "not to refer needs its reasons too.", width=720)
        self.panel = FormPanel("&Save review")
        form = self.panel.form
        self.decision = form.add_field("decision", "&Decision:", QComboBox())
        self.decision.setPlaceholderText("Choose a decision")
        for decision in Decision:
            self.decision.addItem(decision.label, decision)
        self.decision.setCurrentIndex(-1)
        self.reasons = form.add_field("reasons", "R&easons:", text_box("Reasons"),
                                      hint="Why you decided this, including a decision not "
                                           "to refer.")
        self.actions_editor = form.add_field("actions", "Ac&tions:", ActionsEditor())
        self.outcome = form.add_field("outcome", "&Outcome:", text_box("Outcome", 3))
        self.closed_on = form.add_field("closed_on", "C&losed on:", QLineEdit(),
                                        hint=f"Leave empty while the concern stays open "
                                             f"({DATE_HINT}). Closing needs an outcome.")
        self.closed_on.setPlaceholderText(DATE_HINT)
        self.closed_on.setMaximumWidth(date_width(self.closed_on))
        self.signed_name = form.add_field("reviewed_by", "Signed off &by:", QLineEdit())
        self.signed_role = form.add_field("reviewer_role", "Their &role:", QLineEdit())
        self.signed_on = form.add_field("reviewed_on", "Si&gned on:", QDateEdit())
        self.signed_on.setDisplayFormat("dd/MM/yyyy")
        self.signed_on.setCalendarPopup(True)
        self.signed_on.setMaximumWidth(date_width(self.signed_on) + 24)
        self.signed_name.setText(session.user.display_name)
        self.signed_role.setText(session.user.role.label)
        self.actions_editor.set_tab_neighbours(self.reasons, self.outcome)
        for box, name in ((self.reasons, "reasons"), (self.outcome, "outcome")):
            box.textChanged.connect(lambda n=name: self.panel.form.clear_error(n))
        self.decision.currentIndexChanged.connect(lambda _i: form.clear_error("decision"))
        form.set_validator(self._errors)
        layout.addWidget(self.panel)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.ask_to_discard)
        QShortcut(QKeySequence.StandardKey.Save, self, self.panel.action_button.click)
        self.panel.setEnabled(False)
        self.panel.busy.start("Opening the concern…")
        self._load()

    # -- loading -----------------------------------------------------------------------
    def _load(self) -> None:
        session, kind, ref = self._session, self.draft_kind, self.draft_ref

        def load() -> tuple[Concern, date, dict[str, Any] | None]:
            return (concerns.get_concern(session, ref), session.db.clock().astimezone().date(),
                    drafts.load_draft(session, kind, ref))

        self._worker.run(load, on_done=while_alive(self, self._loaded),
                         on_error=while_alive(self, self._load_failed))

    def _loaded(self, loaded: Any) -> None:
        concern, today, draft = loaded
        self._base_version = concern.versions[-1].number
        self.signed_on.setDate(QDate(today.year, today.month, today.day))
        review: Review | None = concern.current.review
        if review is not None:
            self._fill(review)
            self.reason = self.panel.form.add_field(
                "reason", "Reason for the &change:", QLineEdit(),
                hint="Why are you changing the review? Your reason is kept with the new "
                     "version; the earlier one stays.")
            QWidget.setTabOrder(self.signed_on, self.reason)
            self.setWindowTitle("Change the DSL review")
        self._initial = self.draft_state_now()
        if draft is not None:
            self.restore_draft(draft)
        self.panel.busy.stop()
        self.panel.setEnabled(True)
        self.decision.setFocus(Qt.FocusReason.OtherFocusReason)

    def _load_failed(self, exc: BaseException) -> None:
        self.panel.busy.stop()
        self.panel.setEnabled(True)
        self.panel.action_button.setEnabled(False)
        self.panel.form.show_failure(exc)

    def _fill(self, review: Review) -> None:
        self.decision.setCurrentIndex(self.decision.findData(review.decision))
        self.reasons.setPlainText(review.reasons)
        for action in review.actions:
            self.actions_editor.add_row(action)
        self.outcome.setPlainText(review.outcome)
        self.closed_on.setText(day(review.closed_on) if review.closed_on else "")
        self.signed_name.setText(review.reviewed_by)
        self.signed_role.setText(review.reviewer_role)

    # -- drafts ------------------------------------------------------------------------
    def draft_state_now(self) -> dict[str, Any]:
        decision = self.decision.currentData()
        return {
            "decision": decision.value if decision else None,
            "reasons": self.reasons.toPlainText(),
            "actions": self.actions_editor.state(),
            "outcome": self.outcome.toPlainText(),
            "closed_on": self.closed_on.text(),
            "reviewed_by": self.signed_name.text(),
            "reviewer_role": self.signed_role.text(),
            "reason": self.reason.text() if self.reason is not None else "",
        }

    def draft_state(self) -> dict[str, Any] | None:
        """What was typed, or ``None`` while the form still shows what it opened with."""
        state = self.draft_state_now()
        return None if self._initial is None or state == self._initial else state

    def restore_draft(self, state: dict[str, Any]) -> None:
        decisions = {d.value: d for d in Decision}
        if state.get("decision") in decisions:
            self.decision.setCurrentIndex(self.decision.findData(decisions[state["decision"]]))
        self.reasons.setPlainText(str(state.get("reasons", "")))
        self.actions_editor.set_state(list(state.get("actions", [])))
        self.outcome.setPlainText(str(state.get("outcome", "")))
        self.closed_on.setText(str(state.get("closed_on", "")))
        self.signed_name.setText(str(state.get("reviewed_by", self.signed_name.text())))
        self.signed_role.setText(str(state.get("reviewer_role", self.signed_role.text())))
        if self.reason is not None:
            self.reason.setText(str(state.get("reason", "")))

    discard_question = ("Discard the review?",
                        "Discard what you have typed in this review? It has not been saved.",
                        "Discard")

    @property
    def working(self) -> bool:
        return self.panel.working

    # -- saving ------------------------------------------------------------------------
    def _review(self, decision: Decision) -> Review:
        """The review as typed; raises InvalidInput naming the field with a problem."""
        signed = self.signed_on.date()
        return Review(
            decision=decision,
            reasons=self.reasons.toPlainText().strip(),
            reviewed_by=self.signed_name.text().strip(),
            reviewer_role=self.signed_role.text().strip(),
            reviewed_on=date(signed.year(), signed.month(), signed.day()),
            actions=self.actions_editor.typed_actions(),
            outcome=self.outcome.toPlainText().strip(),
            closed_on=parse_day(self.closed_on.text(), "closed_on", "the date it was closed"),
        )

    def _errors(self) -> FieldErrors:
        decision: Decision | None = self.decision.currentData()

        def check_decision() -> None:
            if decision is None:
                raise InvalidInput("Choose a decision from the list.", field="decision")

        def check_signed() -> None:
            if not self.signed_name.text().strip():
                raise InvalidInput("Say who is signing off this review.", field="reviewed_by")
            if not self.signed_role.text().strip():
                raise InvalidInput("Give the role of the person signing off.",
                                   field="reviewer_role")

        def check_reason() -> None:
            if self.reason is not None and not self.reason.text().strip():
                raise InvalidInput("Say why you are changing the review.", field="reason")

        # The decision is checked on its own; the rest of the review with any decision.
        return collect_errors(check_decision,
                              lambda: self._review(decision or Decision.OTHER).validated(),
                              check_signed, check_reason)

    def _save(self) -> None:
        if self._base_version is None:
            return
        session, concern_id, base = self._session, self._concern_id, self._base_version
        kind = self.draft_kind
        review = self._review(self.decision.currentData())
        reason = self.reason.text() if self.reason is not None else ""

        def save() -> int:
            number = concerns.record_review(session, concern_id, review, base, reason)
            drafts.discard_draft(session, kind, concern_id)
            return number

        self.panel.run(self._worker, save, lambda _number: self._saved(),
                       busy_text="Saving the review…")

    def _saved(self) -> None:
        self.saved.emit(self._concern_id)
        self.accept()

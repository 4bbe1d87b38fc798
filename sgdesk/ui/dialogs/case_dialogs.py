"""The casework forms: open a case, record a visit or a meeting, write the
assessment and the plan, close the case. Each is a :class:`CaseForm`: the case is
read on the worker, checked against its own rules as the person types (errors
under the field), and saved as a new version with a reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit

from sgdesk.models.casework import (
    AssessmentDomain,
    CaseContent,
    CaseKind,
    DomainNotes,
    Meeting,
    MeetingKind,
    Plan,
    PlanAction,
    Visit,
)
from sgdesk.models.concerns import ActionStatus
from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import Pupil
from sgdesk.services import referrals
from sgdesk.services.record_dates import day_text
from sgdesk.services.session import Session
from sgdesk.ui.concern_form_widgets import DateTimeField
from sgdesk.ui.date_field import DateField
from sgdesk.ui.dialogs.case_form import (
    CaseForm,
    CaseOpening,
    strip_item,
    text_box,
)
from sgdesk.ui.form_helpers import InlineForm
from sgdesk.ui.row_editor import FieldKind, RowEditor, RowField

STARTED = "Enter the date the case started."
CLOSED = "Enter the date the case closed."


def _kind_choice[E](choices: Iterable[E], label: Callable[[E], str]) -> QComboBox:
    combo = QComboBox()
    for choice in choices:
        combo.addItem(label(choice), choice)
    return combo


def _saved(case: CaseContent | None) -> CaseContent:
    if case is None:  # only the "open a case" form runs without a saved case
        raise InvalidInput("The case has not been read yet.")
    return case


def _today(opening: CaseOpening | None) -> str:
    return day_text(opening.clock().astimezone().date()) if opening else ""


# -- opening a case -----------------------------------------------------------------------
class OpenCaseDialog(CaseForm):
    """A new case for the pupil, with the school's lead practitioner and supervisor."""

    form_name = "open"
    title = "Open a case"
    intro = ("Open a case when the school leads Early Help or a child-in-need (section 17) "
             "plan, or contributes to child protection enquiries (section 47). Visits, "
             "meetings, the assessment and the plan are recorded on the case afterwards.")
    action = "&Open case"
    busy_text = "Opening the case…"
    service_fields: ClassVar[dict[str, str]] = {"family_id": "family_wide",
                                                "referral_id": "referral"}

    def build(self, form: InlineForm) -> None:
        self.kind = self.field("kind", "&Kind of case:",
                               _kind_choice(CaseKind, lambda k: k.label))
        self.lead = self.field("lead_practitioner", "&Lead practitioner:", QLineEdit(),
                               hint="Usually you, the DSL or a deputy. If the school cannot "
                                    "lead, name who does.")
        self.lead_declined = self.field(
            "lead_declined", "", QCheckBox("The school has &decided it cannot act as lead "
                                           "practitioner"),
            accessible="The school has decided it cannot act as lead practitioner")
        self.lead_declined_reason = self.field(
            "lead_declined_reason", "&Reasons:", text_box(2),
            hint="Why not: the time, skills or training the school lacks for this case.",
            accessible="Why the school cannot act as lead practitioner")
        self.supervisor = self.field(
            "supervisor", "&Supervisor:", QLineEdit(),
            hint="For section 17, the social-work-qualified supervisor who approves the "
                 "assessment and the plan.")
        self.started_on = self.field("started_on", "&Started on:", DateField("started_on"),
                                     hint="For section 17, the date of the referral: the 45 "
                                          "working days count from it.")
        self.referral = self.field("referral", "&Came from referral:", QComboBox())
        self.family_wide = self.field(
            "family_wide", "", QCheckBox("The case is about the &whole family"),
            accessible="The case is about the whole family")
        self.kind.currentIndexChanged.connect(self._lead_changed)
        self.lead_declined.toggled.connect(self._lead_changed)
        self._lead_changed()

    def _lead_changed(self) -> None:
        """Declining to lead is offered except for section 47 (a social worker always
        leads); its reasons are asked for once it is ticked."""
        leads = self.kind.currentData() is not CaseKind.S47
        self.lead_declined.setEnabled(leads)
        self.lead_declined_reason.setEnabled(leads and self.lead_declined.isChecked())
        self.form.refresh()

    def read_extra(self, session: Session, pupil: Pupil) -> Any:
        return referrals.referrals_for_pupil(session, pupil.id)

    def fill(self, opening: CaseOpening) -> None:
        self.lead.setText(self._session.user.display_name)
        self.started_on.setText(_today(opening))
        self.referral.addItem("None", None)
        for record in reversed(opening.extra or []):
            self.referral.addItem(f"{record.content.kind.label}, started "
                                  f"{day_text(record.created_at.astimezone().date())}",
                                  record.id)
        self.family_wide.setVisible(opening.pupil.family_id is not None)

    def checks(self) -> Iterable[Callable[[], object]]:
        return (lambda: self.required_day(self.started_on, STARTED),)

    def updated(self, case: CaseContent | None) -> CaseContent:
        assert self.opening is not None
        pupil = self.opening.pupil
        declined = self.lead_declined.isEnabled() and self.lead_declined.isChecked()
        return CaseContent(
            kind=self.kind.currentData(), pupil_id=pupil.id,
            family_id=pupil.family_id if self.family_wide.isChecked() else None,
            lead_practitioner=self.lead.text().strip(), supervisor=self.supervisor.text().strip(),
            started_on=self.required_day(self.started_on, STARTED),
            referral_id=self.referral.currentData(), lead_declined=declined,
            lead_declined_reason=(self.lead_declined_reason.toPlainText().strip()
                                  if declined else ""))


# -- a visit or a meeting, new or amended ----------------------------------------------------
class CaseItemForm[Item: (Visit, Meeting)](CaseForm):
    """A form for one visit or one meeting. Without :attr:`item` it adds a new one;
    with it, it shows that one filled in and saves the correction in its place —
    the earlier version of the case, with the entry as it was, stays in the
    history. A correction needs the person's own reason, so none is suggested."""

    #: The case's list this form adds to ("visits" or "meetings").
    items = ""
    #: What one of them is called ("visit"), in the title and the buttons.
    noun = ""
    record_intro = ""

    @property
    def amending(self) -> bool:
        return self.item is not None

    @property
    def title(self) -> str:
        return f"Amend a {self.noun}" if self.amending else f"Record a {self.noun}"

    @property
    def intro(self) -> str:
        if self.amending:
            return (f"Correct this {self.noun} and say why. The {self.noun} as it was "
                    "stays in the case's history.")
        return self.record_intro

    @property
    def action(self) -> str:
        return f"&Save amended {self.noun}" if self.amending else f"&Save {self.noun}"

    @property
    def busy_text(self) -> str:
        return f"Saving the {self.noun}…"

    @property
    def default_reason(self) -> str:
        return "" if self.amending else f"{self.noun.capitalize()} recorded"

    @property
    def asks_reason(self) -> bool:
        return True

    def entries(self, case: CaseContent | None) -> tuple[Item, ...]:
        return getattr(_saved(case), self.items)

    def fill(self, opening: CaseOpening) -> None:
        if self.item is None:
            self.fill_new(opening)
        else:
            self.show_entry(self.entries(self.case)[self.item])

    def fill_new(self, opening: CaseOpening) -> None:
        """Sensible defaults for a new one."""

    def show_entry(self, entry: Item) -> None:
        """Show a saved one, to be corrected."""
        raise NotImplementedError

    def entry(self) -> Item:
        """The one typed in."""
        raise NotImplementedError

    def updated(self, case: CaseContent | None) -> CaseContent:
        entries = list(self.entries(case))
        if self.item is None:
            entries.append(self.entry())
        else:
            entries[self.item] = self.entry()
        return dataclasses.replace(_saved(case), **{self.items: tuple(entries)})

    def field_for(self, problem: str, message: str) -> tuple[str, str] | None:
        place = len(self.entries(self.case)) if self.item is None else self.item
        mine = f"{self.items}.{place}."
        if problem.startswith(mine):
            return problem.removeprefix(mine), strip_item(message)
        return None


class VisitDialog(CaseItemForm[Visit]):
    """A visit or conversation: was the child seen, and seen alone?"""

    form_name = "visit"
    items = "visits"
    noun = "visit"
    record_intro = ("Record a home visit or a conversation about the child. Write the "
                    "child's own words as they said them; keep what you saw apart from what "
                    "you think.")

    def build(self, form: InlineForm) -> None:
        self.on = self.field("on", "&Date and time:", DateTimeField(),
                             accessible="Date and time of the visit")
        self.who = self.field("who", "&Who:", QLineEdit(),
                              hint="Who made the visit or had the conversation, and who "
                                   "else was there.")
        self.where = self.field("where", "W&here:", QLineEdit())
        self.purpose = self.field("purpose", "&Purpose:", QLineEdit())
        self.child_seen = self.field("child_seen", "", QCheckBox("The child was s&een"),
                                     accessible="The child was seen")
        self.seen_alone = self.field("seen_alone", "", QCheckBox("The child was seen &alone"),
                                     accessible="The child was seen alone")
        self.not_alone_reason = self.field(
            "not_seen_alone_reason", "Why &not seen alone:", text_box(2),
            hint="Required when the child was seen but not alone.",
            accessible="Why the child was not seen alone")
        self.child_words = self.field("child_words", "The child's &words:", text_box(3),
                                      hint="Verbatim, in quotation marks where you can.")
        self.observations = self.field("observations", "&Observations:", text_box(3))
        self.actions_arising = self.field("actions_arising", "Actions a&rising:", text_box(2))
        self.child_seen.toggled.connect(self._seen_changed)
        self.seen_alone.toggled.connect(self._seen_changed)

    def fill_new(self, opening: CaseOpening) -> None:
        self.on.set_value(opening.clock())
        self.who.setText(self._session.user.display_name)
        self._seen_changed()

    def show_entry(self, entry: Visit) -> None:
        self.on.set_value(entry.on)
        self.who.setText(entry.who)
        self.where.setText(entry.where)
        self.purpose.setText(entry.purpose)
        self.child_seen.setChecked(entry.child_seen)
        self.seen_alone.setChecked(entry.seen_alone)
        self.not_alone_reason.setPlainText(entry.not_seen_alone_reason)
        self.child_words.setPlainText(entry.child_words)
        self.observations.setPlainText(entry.observations)
        self.actions_arising.setPlainText(entry.actions_arising)
        self._seen_changed()

    def _seen_changed(self) -> None:
        """A reason is asked for only when the child was seen, but not alone."""
        self.seen_alone.setEnabled(self.child_seen.isChecked())
        self.not_alone_reason.setEnabled(self.child_seen.isChecked()
                                         and not self.seen_alone.isChecked())
        self.form.refresh()

    def entry(self) -> Visit:
        seen = self.child_seen.isChecked()
        alone = seen and self.seen_alone.isChecked()
        return Visit(
            on=self.on.value(), who=self.who.text().strip(), where=self.where.text().strip(),
            purpose=self.purpose.text().strip(), child_seen=seen, seen_alone=alone,
            not_seen_alone_reason=(self.not_alone_reason.toPlainText().strip()
                                   if seen and not alone else ""),
            child_words=self.child_words.toPlainText().strip(),
            observations=self.observations.toPlainText().strip(),
            actions_arising=self.actions_arising.toPlainText().strip())


class MeetingDialog(CaseItemForm[Meeting]):
    """A meeting the school held or attended, its decisions and the next date."""

    form_name = "meeting"
    items = "meetings"
    noun = "meeting"
    record_intro = ("Record a child-in-need meeting or review, a strategy discussion or a "
                    "child protection conference: who came, what was decided and when it "
                    "meets next. Review the plan's actions with Edit plan afterwards.")

    def build(self, form: InlineForm) -> None:
        self.kind = self.field("kind", "&Kind of meeting:",
                               _kind_choice(MeetingKind, lambda k: k.label))
        self.on = self.field("on", "&Date and time:", DateTimeField(),
                             accessible="Date and time of the meeting")
        self.attendees = self.field("attendees", "&Attendees:", text_box(2),
                                    hint="Names and roles or agencies.")
        self.apologies = self.field("apologies", "A&pologies:", text_box(2))
        self.decisions = self.field("decisions", "D&ecisions:", text_box(4))
        self.next_date = self.field("next_date", "&Next meeting on:", DateField("next_date"),
                                    hint="Leave empty if no date was set. The case header "
                                         "counts down to it.")

    def fill_new(self, opening: CaseOpening) -> None:
        self.on.set_value(opening.clock())
        if self.case is not None and self.case.kind is CaseKind.EARLY_HELP:
            self.kind.setCurrentIndex(self.kind.findData(MeetingKind.EARLY_HELP_REVIEW))

    def show_entry(self, entry: Meeting) -> None:
        self.kind.setCurrentIndex(self.kind.findData(entry.kind))
        self.on.set_value(entry.on)
        self.attendees.setPlainText(entry.attendees)
        self.apologies.setPlainText(entry.apologies)
        self.decisions.setPlainText(entry.decisions)
        self.next_date.set_day(entry.next_date)

    def checks(self) -> Iterable[Callable[[], object]]:
        return (lambda: self.day(self.next_date),)

    def entry(self) -> Meeting:
        return Meeting(kind=self.kind.currentData(), on=self.on.value(),
                       attendees=self.attendees.toPlainText().strip(),
                       apologies=self.apologies.toPlainText().strip(),
                       decisions=self.decisions.toPlainText().strip(),
                       next_date=self.day(self.next_date))


# -- the assessment -------------------------------------------------------------------------
NOTE_PARTS = (("needs", "Needs"), ("strengths", "Strengths"), ("analysis", "Analysis"))


class AssessmentDialog(CaseForm):
    """The assessment on the three sides of the triangle, the voices, and the approval."""

    form_name = "assessment"
    title = "Edit the assessment"
    intro = ("Write the assessment on the three sides of the Assessment Framework triangle. "
             "For each, say what is needed, what is going well, and your analysis.")
    action = "&Save assessment"
    busy_text = "Saving the assessment…"
    default_reason = "Assessment updated"

    def build(self, form: InlineForm) -> None:
        self.notes: dict[tuple[AssessmentDomain, str], Any] = {}
        for domain in AssessmentDomain:
            box = QGroupBox(domain.label)
            lines = QFormLayout(box)
            for part, label in NOTE_PARTS:
                editor = text_box(3)
                caption = QLabel(f"{label}:")
                caption.setBuddy(editor)
                lines.addRow(caption, editor)
                self.keep(f"{domain.value}.{part}", editor, f"{domain.label}: {label}")
                self.notes[domain, part] = editor
            self.body.addWidget(box)
        self.child_voice = self.field("child_voice", "The &child's voice:", text_box(3),
                                      hint="What the child says about their life, in "
                                           "their words.")
        self.family_view = self.field("family_view", "The &family's view:", text_box(3))
        self.completed_on = self.field("completed_on", "Co&mpleted on:",
                                       DateField("completed_on"),
                                       hint="Stops the 45-working-day clock of a section 17 "
                                            "case.")
        self.approved_by = self.field("approved_by", "Approved &by:", QLineEdit())
        self.approved_on = self.field("approved_on", "Approved o&n:", DateField("approved_on"))

    def fill(self, opening: CaseOpening) -> None:
        assessment = _saved(self.case).assessment
        for (domain, part), editor in self.notes.items():
            editor.setPlainText(getattr(assessment.notes(domain), part))
        self.child_voice.setPlainText(assessment.child_voice)
        self.family_view.setPlainText(assessment.family_view)
        self.completed_on.set_day(assessment.completed_on)
        self.approved_by.setText(assessment.approved_by)
        self.approved_on.set_day(assessment.approved_on)

    def checks(self) -> Iterable[Callable[[], object]]:
        return (lambda: self.day(self.completed_on), lambda: self.day(self.approved_on))

    def updated(self, case: CaseContent | None) -> CaseContent:
        case = _saved(case)
        assessment = dataclasses.replace(
            case.assessment, child_voice=self.child_voice.toPlainText().strip(),
            family_view=self.family_view.toPlainText().strip(),
            completed_on=self.day(self.completed_on),
            approved_by=self.approved_by.text().strip(), approved_on=self.day(self.approved_on))
        for domain in AssessmentDomain:
            assessment = assessment.with_notes(domain, DomainNotes(
                **{part: self.notes[domain, part].toPlainText().strip()
                   for part, _label in NOTE_PARTS}))
        return dataclasses.replace(case, assessment=assessment)

    def field_for(self, problem: str, message: str) -> tuple[str, str] | None:
        name = problem.removeprefix("assessment.")
        return (name, message) if name != problem and name in self._kept else None


# -- the plan -------------------------------------------------------------------------------
ACTION_FIELDS = (RowField("who", "Who"), RowField("what", "What", FieldKind.LINES),
                 RowField("by_when", "By when", FieldKind.DATE),
                 RowField("done", "Done", FieldKind.CHECK),
                 RowField("cancelled", "No longer needed", FieldKind.CHECK))


def _plan_action(number: int, who: str, what: str, by_when: Any, done: bool,
                 cancelled: bool) -> PlanAction:
    if done and cancelled:
        raise InvalidInput(f"Action {number}: tick either done or no longer needed, not both.",
                           field="actions")
    status = (ActionStatus.DONE if done else ActionStatus.CANCELLED if cancelled
              else ActionStatus.OPEN)
    return PlanAction(who=who, what=what, by_when=by_when, status=status)


class PlanDialog(CaseForm):
    """The outcomes wanted for the child and the actions to reach them."""

    form_name = "plan"
    title = "Edit the plan"
    intro = ("Say what should be better for the child, and who will do what by when. "
             "Tick an action done, or no longer needed, when it is reviewed.")
    action = "&Save plan"
    busy_text = "Saving the plan…"
    default_reason = "Plan updated"

    def build(self, form: InlineForm) -> None:
        self.outcomes = self.field("outcomes", "&Outcomes wanted:", text_box(4))
        self.action_rows = self.field("actions", "&Actions:", RowEditor(
            "actions", "Action", ACTION_FIELDS, add_text="Add an a&ction",
            empty_text="No actions yet."), accessible="Plan actions")

    def fill(self, opening: CaseOpening) -> None:
        plan = _saved(self.case).plan
        self.outcomes.setPlainText(plan.outcomes)
        self.action_rows.set_state([{"who": a.who, "what": a.what, "by_when": day_text(a.by_when),
                                 "done": a.status is ActionStatus.DONE,
                                 "cancelled": a.status is ActionStatus.CANCELLED}
                                for a in plan.actions])

    def _actions(self) -> tuple[PlanAction, ...]:
        numbers = iter(number for number, _row in self.action_rows.filled_rows())
        return self.action_rows.records(
            lambda **row: _plan_action(next(numbers), **row), required="")

    def checks(self) -> Iterable[Callable[[], object]]:
        return (self._actions,)

    def updated(self, case: CaseContent | None) -> CaseContent:
        return dataclasses.replace(_saved(case), plan=Plan(
            outcomes=self.outcomes.toPlainText().strip(), actions=self._actions()))

    def field_for(self, problem: str, message: str) -> tuple[str, str] | None:
        if problem.startswith("plan.actions."):
            return "actions", message
        return None


# -- closing --------------------------------------------------------------------------------
class CloseCaseDialog(CaseForm):
    """The case closes, with the date and the reason (stepped down, moved, needs met)."""

    form_name = "close"
    title = "Close the case"
    intro = ("Closing keeps everything recorded on the case; its clocks stop. Say why it "
             "is closing: needs met, stepped down to universal support, stepped up, the "
             "child moved away.")
    action = "&Close case"
    busy_text = "Closing the case…"
    default_reason = "Case closed"

    def build(self, form: InlineForm) -> None:
        self.closed_on = self.field("closed_on", "Closed &on:", DateField("closed_on"))
        self.closure_reason = self.field("closure_reason", "&Why it is closing:", text_box(3))

    def fill(self, opening: CaseOpening) -> None:
        self.closed_on.setText(_today(opening))

    def checks(self) -> Iterable[Callable[[], object]]:
        return (lambda: self.required_day(self.closed_on, CLOSED),)

    def updated(self, case: CaseContent | None) -> CaseContent:
        return dataclasses.replace(
            _saved(case),
            closed_on=self.required_day(self.closed_on, CLOSED),
            closure_reason=self.closure_reason.toPlainText().strip())

"""The referral editor: a draft drawn from the record, finished by the DSL, checked
for what a social worker would otherwise have to call back about, then finalised.

At the top, what the record already says about the child (read-only: the register
is the one place to change it) and the pupil's concerns to draw on — each chosen
concern's facts, the child's words, what others reported and opinion print as
separate sections. Then what only the DSL can say: reason, harm, risk, impact,
parents' capacity, who is alleged to have harmed, where the child is now,
strengths, the child's wishes and feelings, previous involvement, consent, action
taken, and how to reach the referrer.

A LADO referral is about an adult, not a child: at the top, the allegation as the
register of allegations holds it (read-only; the children are described in words,
never linked to a pupil's file); no concerns to pick and no consent, and of the
fields about the concern only the reason, the type of harm and the action taken.

Beside the form, "Information still missing" updates as the DSL types. Finalising
with gaps asks first and records that they were known. After finalising the form
is read-only; "Amend…" opens it for an amendment with a reason. The form and the
letter print or save (password-protected) from here. Ctrl+S saves the draft;
Escape asks before throwing typing away; unsaved text survives a lock as an
encrypted draft.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.adult_concerns import AdultConcern
from sgdesk.models.concerns import validate_amendment_reason
from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import Pupil
from sgdesk.models.referrals import Consent, ReferralContent, missing_information
from sgdesk.services import concerns, drafts, pupils, referrals
from sgdesk.services.concerns import REVIEWER_ROLES, ConcernEntry
from sgdesk.services.pdf.referral_report import referral_form_pdf, referral_letter_pdf
from sgdesk.services.referrals import ReferralRecord
from sgdesk.services.session import Session
from sgdesk.ui.drafts import DraftForm
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    HINT_COLOUR,
    BusyBar,
    confirm,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.pdf_output import print_pdf, save_pdf
from sgdesk.ui.pupil_profile import ProfileGrid, agencies_note, key_adults_note
from sgdesk.ui.record_text import day_text, moment_text
from sgdesk.ui.worker import DbWorker

FORM_PDF_NAME = "referral-form.pdf"
LETTER_PDF_NAME = "referral-letter.pdf"
SCH1_HINT = ("Data Protection Act 2018, Schedule 1, paragraph 18: sharing to keep a child "
             "safe without consent, where asking would put the child at risk.")
REGISTER_NOTE = "From the pupil register — amend the register to change these."
ALLEGATION_NOTE = ("From the register of allegations about adults — amend the record there "
                   "to change these. Nothing in a LADO referral is on a pupil's file.")
REASON = "reason_for_amending"


@dataclass(frozen=True)
class _Field:
    """One of the DSL's fields: its ReferralContent name, label, and guidance."""

    name: str
    label: str
    lines: int = 0  # 0: one line; else a text box this many lines high
    hint: str = ""


REFERRER_FIELDS = (
    _Field("referrer_name", "Referrer's &name"),
    _Field("referrer_role", "Referrer's r&ole"),
    _Field("referrer_contact", "How to reach the referrer &today",
           hint="A direct phone number and a secure email address."),
    _Field("dsl_consulted", "DSL consulted", hint="Who you discussed this with, if not you."),
)
ABOUT_FIELDS = (
    _Field("reason", "&Reason for the referral: what you are worried about", 5),
    _Field("harm_type", "Type of &harm",
           hint="For example neglect, physical, sexual or emotional abuse, exploitation."),
    _Field("risk_assessment", "Your assessment of the ris&k", 4),
    _Field("impact_on_child", "&Impact on the child", 4),
    _Field("parental_capacity", "Parents' &capacity to keep the child safe", 4),
    _Field("alleged_perpetrator", "Alleged &perpetrator, if any", 2),
    _Field("child_location_now", "&Where the child is now",
           hint="For example \"In school until 3.15 pm, then collected by mother\"."),
    _Field("strengths", "Strengths and protective &factors", 3),
    _Field("wishes_and_feelings", "The child's wishes and feelin&gs", 3,
           hint="What the child wants to happen, in their words where you have them."),
    _Field("previous_involvement", "Previous in&volvement of services", 3),
)
ACTION_FIELD = _Field("action_taken", "&Action already taken", 3,
                      hint="For example \"Child kept safe in school; police called at 10:20\".")
TEXT_FIELDS = (*REFERRER_FIELDS, *ABOUT_FIELDS, ACTION_FIELD)
CONSENT_REASON = _Field("consent_reason", "Why consent was refused or not &sought", 2,
                        hint="For example, seeking it would put the child at risk.")
#: A LADO referral is about an adult: of the fields about the concern it asks only
#: these (worded for an allegation); the rest are about a child and stay hidden.
LADO_FIELDS = {f.name: f for f in (
    _Field("reason", "&Reason for the referral: the allegation and why it meets the harm "
           "threshold", 5),
    _Field("harm_type", "Type of &harm",
           hint="For example physical, sexual or emotional harm, or behaviour that suggests "
                "the adult may not be suitable to work with children."),
    _Field("action_taken", "&Action already taken", 3,
           hint="For example \"Adult not working with pupils while advice is sought\". When "
                "the register records the action taken, the form prints that."),
)}


@dataclass(frozen=True)
class _Block:
    """A stacked field on screen: the whole block, its caption and its hint."""

    widget: QWidget
    caption: QLabel
    hint: QLabel

STYLE = """
QLabel#section_heading { font-size: 12pt; font-weight: 600; }
QLabel#form_message { color: %s; font-weight: 600; }
QLabel#form_note { background: #fff4ce; color: #3b2f00; border: 1px solid #c8a600;
                   border-radius: 4px; padding: 6px; }
QFrame#missing { background: #fdf3f3; border: 2px solid %s; border-radius: 4px; }
QFrame#nothing_missing { background: #eef6ee; border: 1px solid #3c7a3c; border-radius: 4px; }
QFrame#amend_reason { background: #fff4ce; border: 1px solid #c8a600; border-radius: 4px; }
QFrame#register { border: 1px solid #b8b8b8; border-radius: 4px; }
""" % (ERROR_COLOUR, ERROR_COLOUR)  # noqa: UP031 - a stylesheet is full of braces


@dataclass(frozen=True)
class _Opening:
    record: ReferralRecord
    pupil: Pupil | None
    concerns: list[ConcernEntry]
    draft: dict[str, Any] | None
    #: For a LADO referral: the allegation as it prints, and when the register was
    #: read for it (None for a draft, which reads the register as it is now).
    adult: AdultConcern | None = None
    register_as_of: datetime | None = None


def _read_referral(session: Session, referral_id: str) -> _Opening:
    """Worker job: the referral, the child's register entry, their concerns on file
    (label-leak rule applied) and any unsaved draft of this form; for a LADO referral,
    the allegation from the register as the form prints it."""
    record = referrals.get_referral(session, referral_id)
    draft = drafts.load_draft(session, ReferralDialog.draft_kind, referral_id)
    pupil_id = record.content.pupil_id
    if pupil_id is None:
        pack = referrals.referral_pack(session, referral_id)
        return _Opening(record, None, [], draft, pack.adult_concern, pack.register_as_of)
    return _Opening(record, pupils.get_pupil(session, pupil_id).pupil,
                    concerns.concerns_on_file(session, pupil_id), draft)


def concern_text(entry: ConcernEntry) -> str:
    """``02/11/2026 — Neglect — Seen crying by the gate…`` to recognise a concern by."""
    content = entry.on_file.content
    facts = " ".join(content.facts.split())
    facts = facts if len(facts) <= 80 else facts[:79].rstrip() + "…"
    parts = (day_text(content.happened_at.astimezone().date()), ", ".join(content.categories),
             facts)
    return " — ".join(p for p in parts if p)


def child_summary(pupil: Pupil) -> QWidget:
    """What the referral draws from the register, read-only; a gap reads "Not recorded"."""
    page = QFrame()
    page.setObjectName("register")
    grid = ProfileGrid(page)
    grid.grid.setContentsMargins(10, 8, 10, 10)
    name = pupil.legal_name + (f" (known as {pupil.preferred_name})"
                               if pupil.preferred_name else "")
    born = (day_text(pupil.date_of_birth) if pupil.date_of_birth else
            f"Expected {day_text(pupil.expected_date_of_birth)}"
            if pupil.expected_date_of_birth else "")
    address = pupil.current_address
    language = pupil.first_language + ("; needs an interpreter" if pupil.interpreter_needed
                                       else "")
    responsible = "; ".join(f"{m.name} ({m.relationship})"
                            for m in pupil.parental_responsibility)
    lives_with = "; ".join(f"{m.name} ({m.relationship})" for m in pupil.household
                           if m.lives_with_child)
    key_adults = "; ".join(f"{a.name} ({a.relationship})" for a in pupil.key_adults) \
        or key_adults_note(pupil)
    agencies = "; ".join(a.name for a in pupil.agencies)
    grid.section("About the child", [
        ("Name", name), ("Date of birth", born),
        ("Current address", address.text if address else ""), ("GP", pupil.gp),
        ("First language", language), ("SEND", pupil.send_status.label),
        ("Communication needs", pupil.communication_needs),
        ("Parental responsibility", responsible), ("Lives with", lives_with),
        ("Key adults", key_adults),
        ("Other agencies", f"{agencies}. {agencies_note(pupil)}" if agencies else
         agencies_note(pupil)),
    ], REGISTER_NOTE)
    return page


def allegation_summary(adult: AdultConcern, as_of: datetime | None) -> QWidget:
    """The allegation a LADO referral is about, read-only, as the register holds it
    (or held it when the referral was finalised); the children are described in
    words there, never linked to a pupil's file."""
    page = QFrame()
    page.setObjectName("register")
    grid = ProfileGrid(page)
    grid.grid.setContentsMargins(10, 8, 10, 10)
    works_as = adult.adult_capacity.label + (f", {adult.adult_position}"
                                             if adult.adult_position else "")
    note = ALLEGATION_NOTE if as_of is None else (
        f"From the register of allegations about adults as it stood when the referral was "
        f"finalised ({moment_text(as_of)}).")
    grid.section("The allegation", [
        ("Adult", adult.adult_name), ("Works here as", works_as),
        ("When it happened", moment_text(adult.happened_at)),
        ("Raised by", f"{adult.raised_by} ({adult.raised_by_role})"),
        ("Where", adult.location), ("What happened", adult.what_happened),
        ("Children involved", adult.children),
        ("Harm threshold met", "; ".join(t.label for t in adult.thresholds)),
        ("Action taken", adult.action_taken),
    ], note)
    return page


class ConcernPicker(QListWidget):
    """The pupil's concerns, each checkable: one Tab stop, arrows move, Space ticks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Concerns this referral draws on")
        self.setWordWrap(True)
        self.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        self._editable = True

    def set_concerns(self, entries: list[ConcernEntry], chosen: tuple[str, ...]) -> None:
        self.blockSignals(True)
        self.clear()
        for entry in entries:
            item = QListWidgetItem(concern_text(entry))
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            item.setCheckState(Qt.CheckState.Checked if entry.id in chosen
                               else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.blockSignals(False)
        self.set_editable(self._editable)
        rows = max(2, min(self.count(), 8))
        row_height = max(self.sizeHintForRow(0), self.fontMetrics().lineSpacing() + 6)
        self.setFixedHeight(row_height * rows + 2 * self.frameWidth() + 6)

    def chosen(self) -> tuple[str, ...]:
        return tuple(self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())
                     if self.item(i).checkState() == Qt.CheckState.Checked)

    def set_chosen(self, ids: tuple[str, ...]) -> None:
        for i in range(self.count()):
            item = self.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in ids else Qt.CheckState.Unchecked)

    def set_editable(self, editable: bool) -> None:
        """Read-only keeps the text readable (a disabled list greys it out)."""
        self._editable = editable
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        self.blockSignals(True)
        for i in range(self.count()):
            self.item(i).setFlags(flags)
        self.blockSignals(False)


class ReferralDialog(DraftForm):
    """Edit the draft referral ``referral_id``, or read (and amend) a final one.
    :attr:`saved` carries its id after each save, finalising or amendment."""

    draft_kind = "referral"
    saved = Signal(str)

    def __init__(self, worker: DbWorker, session: Session, referral_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, session, parent, draft_ref=referral_id)
        self._referral_id = referral_id
        self._record: ReferralRecord | None = None
        self._pupil: Pupil | None = None
        self._amending = False
        self._focus_before: QWidget | None = None
        self._initial: dict[str, Any] | None = None
        self._pending_draft: dict[str, Any] | None = None
        self.can_write = session.user.role in REVIEWER_ROLES
        #: Each field's editor by its ReferralContent name (plus the amendment reason).
        self.editors: dict[str, QWidget] = {}
        #: The stacked fields by name, so a LADO referral can hide or reword them.
        self.blocks: dict[str, _Block] = {}
        self._errors: dict[str, QLabel] = {}
        self.setWindowTitle("Referral")
        self.setStyleSheet(STYLE)
        self._build()
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        screen = self.screen().availableGeometry()
        self.resize(min(1120, screen.width()), min(860, screen.height() - 40))
        self._open()

    # -- state --------------------------------------------------------------------------
    @property
    def record(self) -> ReferralRecord | None:
        return self._record

    @property
    def is_final(self) -> bool:
        return self._record is not None and self._record.state == "final"

    @property
    def editable(self) -> bool:
        """The DSL may type: in a draft, or in a final referral being amended."""
        return self.can_write and self._record is not None and (
            not self.is_final or self._amending)

    @property
    def working(self) -> bool:
        return self.busy.active

    @property
    def is_lado(self) -> bool:
        """About an allegation against an adult, from the register: no child, no concerns."""
        return self._record is not None and not self._record.content.kind.about_a_pupil

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.intro = wrapped_label()
        outer.addWidget(self.intro)
        self.message = wrapped_label()
        self.message.setObjectName("form_message")
        self.message.hide()
        self.note = wrapped_label()
        self.note.setObjectName("form_note")
        self.note.hide()
        outer.addWidget(self.message)
        outer.addWidget(self.note)

        split = QSplitter()
        split.setChildrenCollapsible(False)
        self.body = QWidget()
        self.column = QVBoxLayout(self.body)
        self.column.setSpacing(8)
        self._build_body()
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.body)
        self.scroll.setMinimumWidth(420)
        split.addWidget(self.scroll)
        split.addWidget(self._build_missing())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([780, 280])
        outer.addWidget(split, 1)

        self.busy = BusyBar()
        outer.addWidget(self.busy)
        outer.addLayout(self._build_buttons())

    def _heading(self, text: str, into: QVBoxLayout | None = None) -> QLabel:
        label = wrapped_label(text)
        label.setObjectName("section_heading")
        (into or self.column).addWidget(label)
        return label

    def _part(self) -> tuple[QWidget, QVBoxLayout]:
        """A block of the form that a LADO referral hides as a whole."""
        part = QWidget()
        box = QVBoxLayout(part)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(self.column.spacing())
        self.column.addWidget(part)
        return part, box

    def _build_body(self) -> None:
        self.summary_holder = QVBoxLayout()
        self.column.addLayout(self.summary_holder)

        self.concerns_part, box = self._part()
        self._heading("Concerns this referral draws on", box)
        box.addWidget(wrapped_label(
            "Tick each concern to include (Space ticks). Each one's facts, the child's words, "
            "what others reported and opinion print as separate sections.", HINT_COLOUR))
        self.picker = ConcernPicker()
        self.no_concerns = wrapped_label("No concerns are on this pupil's file.", HINT_COLOUR)
        self.no_concerns.hide()
        box.addWidget(self.picker)
        box.addWidget(self.no_concerns)
        self.picker.itemChanged.connect(lambda _item: self._changed("concern_ids"))
        self.editors["concern_ids"] = self.picker
        box.addWidget(self._error_label("concern_ids"))

        self._heading("The referrer")
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        for field in REFERRER_FIELDS:
            self._grid_field(grid, field)
        self.column.addLayout(grid)

        self.about_heading = self._heading("About the concern")
        for field in ABOUT_FIELDS:
            self._stacked_field(field)

        self.consent_part, box = self._part()
        self._heading("Parents and consent", box)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.parents_aware = QComboBox()
        for text, value in (("Not said yet", None), ("Yes", True), ("No", False)):
            self.parents_aware.addItem(text, value)
        self._grid_widget(grid, "parents_aware", "Are parents a&ware of the referral?",
                          self.parents_aware)
        self.consent = QComboBox()
        self.consent.addItem("Not recorded yet", None)
        for consent in Consent:
            self.consent.addItem(consent.label, consent)
        self._grid_widget(grid, "consent", "Co&nsent:", self.consent)
        box.addLayout(grid)
        self._stacked_field(CONSENT_REASON, box)
        self.sch1 = QCheckBox("Shared &without consent under Sch.1 para 18")
        self.sch1.setAccessibleName("Shared without consent under the Data Protection Act "
                                    "2018, Schedule 1, paragraph 18")
        self.sch1.setAccessibleDescription(SCH1_HINT)
        self.editors["sharing_without_consent_sch1_para18"] = self.sch1
        box.addWidget(self.sch1)
        box.addWidget(wrapped_label(SCH1_HINT, HINT_COLOUR))
        box.addWidget(self._error_label("sharing_without_consent_sch1_para18"))
        self.parents_aware.currentIndexChanged.connect(lambda _i: self._changed("parents_aware"))
        self.consent.currentIndexChanged.connect(lambda _i: self._changed("consent"))
        self.sch1.toggled.connect(lambda _on: self._changed(
            "sharing_without_consent_sch1_para18"))

        self._heading("What has been done")
        self._stacked_field(ACTION_FIELD)

        self.amend_frame = QFrame()
        self.amend_frame.setObjectName("amend_reason")
        box = QVBoxLayout(self.amend_frame)
        caption = wrapped_label("Why are you amending this referral?")
        caption.setObjectName("section_heading")
        self.reason_box = self._text_box(2)
        self.reason_box.setAccessibleName("Why you are amending this referral")
        caption.setBuddy(self.reason_box)
        box.addWidget(caption)
        box.addWidget(wrapped_label("Kept with the new version. The final version stays on "
                                    "file as it was sent.", HINT_COLOUR))
        box.addWidget(self.reason_box)
        self.editors[REASON] = self.reason_box
        self.reason_box.textChanged.connect(lambda: self._changed(REASON))
        box.addWidget(self._error_label(REASON))
        self.amend_frame.hide()
        self.column.addWidget(self.amend_frame)
        self.column.addStretch(1)

    def _build_missing(self) -> QFrame:
        self.missing_frame = QFrame()
        self.missing_frame.setObjectName("missing")
        self.missing_frame.setMinimumWidth(200)
        box = QVBoxLayout(self.missing_frame)
        heading = QLabel("Information still missing")
        heading.setObjectName("section_heading")
        heading.setWordWrap(True)
        box.addWidget(heading)
        self.missing_hint = wrapped_label(colour=HINT_COLOUR)
        box.addWidget(self.missing_hint)
        self.missing_list = wrapped_label()
        self.missing_list.setAccessibleName("Information still missing")
        self.missing_list.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.missing_list)
        box.addStretch(1)
        return self.missing_frame

    def _build_buttons(self) -> QVBoxLayout:
        rows = QVBoxLayout()
        prints = QHBoxLayout()
        self.print_form_button = QPushButton("&Print form…")
        self.save_form_button = QPushButton("Save form as P&DF…")
        self.print_letter_button = QPushButton("Print &letter…")
        self.save_letter_button = QPushButton("Save letter as PD&F…")
        for button, make, output in (
                (self.print_form_button, referral_form_pdf, self._print),
                (self.save_form_button, referral_form_pdf, self._save_form),
                (self.print_letter_button, referral_letter_pdf, self._print),
                (self.save_letter_button, referral_letter_pdf, self._save_letter)):
            button.clicked.connect(lambda _c=False, m=make, o=output: self.make_pdf(m, o))
            prints.addWidget(button)
        prints.addStretch(1)
        actions = QHBoxLayout()
        self.save_button = QPushButton("&Save draft")
        self.save_button.setToolTip("Ctrl+S")
        self.finalise_button = QPushButton("Finalis&e…")
        self.amend_button = QPushButton("A&mend…")
        self.save_amendment_button = QPushButton("&Save amendment")
        self.save_amendment_button.setToolTip("Ctrl+S")
        self.close_button = QPushButton("Close")
        self.save_button.clicked.connect(self.save)
        self.save_amendment_button.clicked.connect(self.save)
        self.finalise_button.clicked.connect(self.finalise)
        self.amend_button.clicked.connect(self.start_amending)
        self.close_button.clicked.connect(self.ask_to_discard)
        actions.addStretch(1)
        for button in (self.save_button, self.finalise_button, self.amend_button,
                       self.save_amendment_button, self.close_button):
            actions.addWidget(button)
        self.buttons = [self.print_form_button, self.save_form_button,
                        self.print_letter_button, self.save_letter_button, self.save_button,
                        self.finalise_button, self.amend_button, self.save_amendment_button,
                        self.close_button]
        for button in self.buttons:
            button.setAutoDefault(False)  # Return in a field must never finalise
        rows.addLayout(prints)
        rows.addLayout(actions)
        return rows

    def _text_box(self, lines: int) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 2 * edit.frameWidth()
                            + 2 * int(edit.document().documentMargin()) + 4)
        return edit

    def _editor(self, field: _Field) -> QWidget:
        editor: QLineEdit | QPlainTextEdit = (self._text_box(field.lines) if field.lines
                                              else QLineEdit())
        editor.setAccessibleName(field.label.replace("&", ""))
        if field.hint:
            editor.setAccessibleDescription(field.hint)
        editor.textChanged.connect(lambda *_: self._changed(field.name))
        self.editors[field.name] = editor
        return editor

    def _error_label(self, name: str) -> QLabel:
        error = wrapped_label(colour=ERROR_COLOUR)
        error.setObjectName(f"error_{name}")
        error.hide()
        self._errors[name] = error
        return error

    def _grid_field(self, grid: QGridLayout, field: _Field) -> None:
        self._grid_widget(grid, field.name, field.label + ":", self._editor(field), field.hint)

    def _grid_widget(self, grid: QGridLayout, name: str, label: str, editor: QWidget,
                     hint: str = "") -> None:
        """Caption beside the field; its hint and error under it."""
        row = grid.rowCount()
        caption = QLabel(label)
        caption.setBuddy(editor)
        grid.addWidget(caption, row, 0)
        if isinstance(editor, QComboBox):
            grid.addWidget(editor, row, 1, Qt.AlignmentFlag.AlignLeft)
            editor.setAccessibleName(label.replace("&", "").rstrip(":"))
            self.editors[name] = editor
        else:
            grid.addWidget(editor, row, 1)
        if hint:
            grid.addWidget(wrapped_label(hint, HINT_COLOUR), row + 1, 1)
        grid.addWidget(self._error_label(name), row + 2, 1)

    def _stacked_field(self, field: _Field, into: QVBoxLayout | None = None) -> None:
        """Caption over the field, then its hint, the field and its error, as one block
        (:attr:`blocks`) that a LADO referral may hide or word differently."""
        editor = self._editor(field)
        block = QWidget()
        box = QVBoxLayout(block)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(self.column.spacing())
        caption = QLabel(field.label)
        caption.setWordWrap(True)
        caption.setBuddy(editor)
        caption.setStyleSheet("font-weight: 600;")
        hint = wrapped_label(field.hint, HINT_COLOUR)
        hint.setVisible(bool(field.hint))
        for widget in (caption, hint, editor, self._error_label(field.name)):
            box.addWidget(widget)
        (into or self.column).addWidget(block)
        self.blocks[field.name] = _Block(block, caption, hint)

    # -- opening ----------------------------------------------------------------------------
    def _open(self) -> None:
        session, referral_id = self._session, self._referral_id
        self._set_working("Opening the referral…")
        self._worker.run(lambda: _read_referral(session, referral_id),
                         on_done=while_alive(self, self._opened),
                         on_error=while_alive(self, self._open_failed))

    def _opened(self, opening: _Opening) -> None:
        self._pupil = opening.pupil
        if opening.pupil is not None:
            self.summary_holder.addWidget(child_summary(opening.pupil))
        if opening.adult is not None:
            self.summary_holder.addWidget(allegation_summary(opening.adult,
                                                             opening.register_as_of))
        self.picker.set_concerns(opening.concerns, opening.record.content.concern_ids)
        self.picker.setVisible(bool(opening.concerns))
        self.no_concerns.setVisible(not opening.concerns)
        self._show_record(opening.record)
        if self.is_lado:
            self._fit_to_allegation()
        self._set_working(None)
        draft = self._pending_draft or opening.draft
        self._pending_draft = None
        if draft is not None and self.can_write:
            self._apply_draft(draft)
        first = self.editors["reason"] if self.is_lado else self.picker
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fit_to_allegation(self) -> None:
        """A LADO referral asks nothing about a child: no concerns to pick, no consent,
        and of the fields about the concern only those an allegation needs."""
        self.concerns_part.hide()
        self.consent_part.hide()
        self.about_heading.setText("About the allegation")
        for name, block in self.blocks.items():
            if name in LADO_FIELDS:
                field = LADO_FIELDS[name]
                block.caption.setText(field.label)
                block.hint.setText(field.hint)
                block.hint.setVisible(bool(field.hint))
                self.editors[name].setAccessibleName(field.label.replace("&", ""))
                self.editors[name].setAccessibleDescription(field.hint)
            else:
                block.widget.hide()

    def _open_failed(self, exc: BaseException) -> None:
        self._set_working(None)
        for button in self.buttons:
            button.setEnabled(button is self.close_button)
        self._show_message(f"The referral could not be opened. {describe(exc)}")

    def _show_record(self, record: ReferralRecord) -> None:
        """Fill the form from the newest version and set what may be done with it."""
        self._record = record
        self._amending = False
        self._fill(record.content)
        self.reason_box.clear()
        self._initial = self._state()
        self._update_mode()

    def _fill(self, content: ReferralContent) -> None:
        for field in (*TEXT_FIELDS, CONSENT_REASON):
            editor = self.editors[field.name]
            value = getattr(content, field.name)
            if isinstance(editor, QLineEdit):
                editor.setText(value)
                editor.setCursorPosition(0)  # a long value reads from its start
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value)
        self.picker.set_chosen(content.concern_ids)
        self.parents_aware.setCurrentIndex(self.parents_aware.findData(content.parents_aware))
        self.consent.setCurrentIndex(self.consent.findData(content.consent))
        self.sch1.setChecked(content.sharing_without_consent_sch1_para18)

    def _update_mode(self) -> None:
        record = self._record
        editable = self.editable
        for editor in self.editors.values():
            if isinstance(editor, QLineEdit | QPlainTextEdit):
                editor.setReadOnly(not editable)
            elif isinstance(editor, ConcernPicker):
                editor.set_editable(editable)
            else:
                editor.setEnabled(editable)
        self._update_consent_reason()
        draft = record is not None and not self.is_final
        self.save_button.setVisible(self.can_write and draft)
        self.finalise_button.setVisible(self.can_write and draft)
        self.amend_button.setVisible(self.can_write and self.is_final and not self._amending)
        self.save_amendment_button.setVisible(self._amending)
        self.amend_frame.setVisible(self._amending)
        kind = record.content.kind.label if record else "Referral"
        state = "final" if self.is_final else "draft"
        self.setWindowTitle(f"Referral — {kind} ({state})")
        if not self.can_write:
            intro = ("You are reading this referral. Only the DSL and deputies change "
                     "referrals.")
        elif self._amending:
            intro = ("You are amending a final referral. The version that was finalised "
                     "stays on file; say why you are changing it. Ctrl+S saves.")
        elif self.is_final:
            intro = ("This referral is final and cannot be edited. Print or save the form "
                     "and letter here; use Amend… to correct it, with a reason.")
        elif self.is_lado:
            intro = ("A draft referral to the LADO about an allegation on the register. Say "
                     "why it meets the harm threshold and what has been done. Ctrl+S saves the "
                     "draft; finalise it when it is ready to send.")
        else:
            intro = ("A draft, drawn from the record. Choose the concerns it draws on, then "
                     "fill in what only you can say. Ctrl+S saves the draft; finalise it "
                     "when it is ready to send.")
        self.intro.setText(intro)
        self._refresh_missing()

    # -- what is typed ----------------------------------------------------------------------
    def content(self) -> ReferralContent:
        """What the form holds now, on top of the saved referral's kind and child."""
        assert self._record is not None
        fields: dict[str, Any] = {}
        for field in (*TEXT_FIELDS, CONSENT_REASON):
            editor = self.editors[field.name]
            text = editor.text() if isinstance(editor, QLineEdit) else \
                editor.toPlainText() if isinstance(editor, QPlainTextEdit) else ""
            fields[field.name] = text.strip()
        return replace(self._record.content, concern_ids=self.picker.chosen(),
                       parents_aware=self.parents_aware.currentData(),
                       consent=self.consent.currentData(),
                       sharing_without_consent_sch1_para18=self.sch1.isChecked(), **fields)

    def missing(self) -> list[str]:
        """What :func:`missing_information` finds in the form as it stands."""
        if self._record is None:
            return []
        return missing_information(self.content(), self._pupil)

    def _changed(self, name: str) -> None:
        error = self._errors.get(name)
        if error is not None:
            error.clear()
            error.hide()
        if name == "consent":
            self._update_consent_reason()
        self._refresh_missing()

    def _update_consent_reason(self) -> None:
        """The reason and the Sch.1 para 18 box matter only without consent."""
        without = self.consent.currentData() in (Consent.REFUSED, Consent.NOT_SOUGHT)
        self.sch1.setEnabled(self.editable and (without or self.sch1.isChecked()))

    def _refresh_missing(self) -> None:
        if self._record is None:
            return
        missing = self.missing()
        self.missing_list.setText("\n".join(f"• {m}" for m in missing) if missing else
                                  "Nothing is missing.")
        self.missing_hint.setText(
            f"What {'the LADO' if self.is_lado else 'a social worker'} would have to call "
            "back about"
            + (". The final version records what was missing when it was finalised."
               if self.is_final else ": fill it in before you finalise."
               if self.can_write else "."))
        self.missing_frame.setObjectName("missing" if missing else "nothing_missing")
        self.missing_frame.style().unpolish(self.missing_frame)  # the name picks the style
        self.missing_frame.style().polish(self.missing_frame)

    # -- drafts -----------------------------------------------------------------------------
    def draft_state(self) -> dict[str, Any] | None:
        if self._initial is None:
            return self._pending_draft
        state = self._state()
        return None if state == self._initial else state

    def restore_draft(self, state: dict[str, Any]) -> None:
        if self._initial is None:
            self._pending_draft = state
        else:
            self._apply_draft(state)

    def _state(self) -> dict[str, Any]:
        state: dict[str, Any] = {}
        for field in (*TEXT_FIELDS, CONSENT_REASON):
            editor = self.editors[field.name]
            state[field.name] = editor.text() if isinstance(editor, QLineEdit) else \
                editor.toPlainText() if isinstance(editor, QPlainTextEdit) else ""
        consent = self.consent.currentData()
        state |= {"concern_ids": list(self.picker.chosen()),
                  "parents_aware": self.parents_aware.currentData(),
                  "consent": consent.value if consent else None,
                  "sch1": self.sch1.isChecked(), "amending": self._amending,
                  REASON: self.reason_box.toPlainText(),
                  "base_version": self._record.version if self._record else 0}
        return state

    def _apply_draft(self, state: dict[str, Any]) -> None:
        if state.get("amending") and self.is_final:
            self.start_amending()
        elif self.is_final:
            return  # a draft of a referral since finalised by someone else: nothing to put back
        for field in (*TEXT_FIELDS, CONSENT_REASON):
            editor = self.editors[field.name]
            value = str(state.get(field.name, ""))
            if isinstance(editor, QLineEdit):
                editor.setText(value)
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value)
        self.picker.set_chosen(tuple(str(i) for i in state.get("concern_ids", [])))
        self.parents_aware.setCurrentIndex(max(0, self.parents_aware.findData(
            state.get("parents_aware"))))
        consent = state.get("consent")
        self.consent.setCurrentIndex(max(0, self.consent.findData(
            Consent(consent) if consent in {c.value for c in Consent} else None)))
        self.sch1.setChecked(bool(state.get("sch1")))
        self.reason_box.setPlainText(str(state.get(REASON, "")))
        note = "Your unsaved text from before the store was locked is back. Check it, then save."
        if self._record is not None and state.get("base_version") != self._record.version:
            note += (" The referral has been saved since then: make sure your draft does not "
                     "undo that change.")
        self.note.setText(note)
        self.note.show()

    # -- saving, finalising, amending -----------------------------------------------------------
    def has_changes(self) -> bool:
        """Anything typed since the form was filled (or last saved)."""
        return self._initial is not None and self._state() != self._initial

    def content_changed(self) -> bool:
        """The referral the form holds differs from the one saved (spaces aside)."""
        return self._record is not None and self.content() != self._record.content

    def save(self) -> None:
        """Ctrl+S: save the draft, or the amendment being made."""
        if self._record is None or self.working or not self.editable:
            return
        if self._amending:
            self._save_amendment()
            return
        if not self.content_changed():
            self.note.setText("Nothing has changed since the draft was last saved.")
            self.note.show()
            return
        session, referral_id, content = self._session, self._referral_id, self.content()
        base = self._record.version

        def job() -> ReferralRecord:
            referrals.save_draft(session, referral_id, content, base)
            return referrals.get_referral(session, referral_id)

        self._write(job, "Saving the draft…", "The draft was not saved")

    def finalise(self) -> None:
        """Finalise after saying what is missing; the final version records it."""
        if self._record is None or self.working or self.is_final or not self.can_write:
            return
        missing = self.missing()
        if missing:
            question = ("This information is still missing:\n"
                        + "\n".join(f"• {m}" for m in missing)
                        + "\n\nFinalise anyway? The final version records what was missing.")
            if not confirm(self, "Finalise with information missing?", question,
                           "Finalise anyway"):
                return
        elif not confirm(self, "Finalise this referral?",
                         "Finalise this referral? After this it cannot be edited; any "
                         "change is an amendment with a reason.", "Finalise"):
            return
        session, referral_id, content = self._session, self._referral_id, self.content()
        changed, base = self.content_changed(), self._record.version

        def job() -> ReferralRecord:
            version = referrals.save_draft(session, referral_id, content, base) \
                if changed else base
            referrals.finalise(session, referral_id, version, missing_acknowledged=True)
            return referrals.get_referral(session, referral_id)

        self._write(job, "Finalising…", "The referral was not finalised")

    def start_amending(self) -> None:
        if not (self.can_write and self.is_final) or self._amending:
            return
        self._amending = True
        self._update_mode()
        self.reason_box.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll.ensureWidgetVisible(self.amend_frame)

    def _save_amendment(self) -> None:
        assert self._record is not None
        try:
            reason = validate_amendment_reason(self.reason_box.toPlainText())
        except InvalidInput as exc:
            self._show_error(REASON, str(exc))
            return
        session, referral_id, content = self._session, self._referral_id, self.content()
        base = self._record.version

        def job() -> ReferralRecord:
            referrals.amend_referral(session, referral_id, content, reason, base)
            return referrals.get_referral(session, referral_id)

        self._write(job, "Saving the amendment…", "The amendment was not saved")

    def _write(self, job: Callable[[], ReferralRecord], busy: str, failed_words: str) -> None:
        def done(record: ReferralRecord) -> None:
            self._set_working(None)
            self._show_message("")
            self._show_record(record)
            self.forget_stored_draft()
            self.note.hide()
            self.saved.emit(record.id)

        def failed(exc: BaseException) -> None:
            self._set_working(None)
            field = exc.field if isinstance(exc, InvalidInput) else ""
            if field == "reason" and self._amending:
                field = REASON
            if field in self._errors:
                self._show_error(field, str(exc))
            else:
                self._show_message(f"{failed_words}: {describe(exc)} Everything you typed "
                                   "is still here.")

        self._show_message("")
        self._set_working(busy)
        self._worker.run(job, on_done=while_alive(self, done),
                         on_error=while_alive(self, failed))

    # -- printing ---------------------------------------------------------------------------
    def make_pdf(self, make: Callable[[Session, str], bytes],
                 output: Callable[[bytes], None]) -> None:
        """Render on the worker (saving an edited draft first, so what prints is what
        is on screen), then print or save it here."""
        if self._record is None or self.working:
            return
        session, referral_id = self._session, self._referral_id
        save_first = self.editable and not self.is_final and self.content_changed()
        content, base = self.content(), self._record.version

        def job() -> tuple[ReferralRecord | None, bytes]:
            record = None
            if save_first:
                referrals.save_draft(session, referral_id, content, base)
                record = referrals.get_referral(session, referral_id)
            return record, make(session, referral_id)

        def done(result: tuple[ReferralRecord | None, bytes]) -> None:
            self._set_working(None)
            record, data = result
            if record is not None:
                self._show_record(record)
                self.forget_stored_draft()
                self.saved.emit(record.id)
            output(data)

        def failed(exc: BaseException) -> None:
            self._set_working(None)
            self._show_message(f"The PDF could not be made: {describe(exc)}")

        self._set_working("Preparing the PDF…")
        self._worker.run(job, on_done=while_alive(self, done),
                         on_error=while_alive(self, failed))

    def _print(self, data: bytes) -> None:
        print_pdf(self, data)

    def _save_form(self, data: bytes) -> None:
        save_pdf(self, data, FORM_PDF_NAME)

    def _save_letter(self, data: bytes) -> None:
        save_pdf(self, data, LETTER_PDF_NAME)

    # -- small helpers ----------------------------------------------------------------------
    def error_text(self, name: str) -> str:
        return self._errors[name].text()

    def _show_error(self, name: str, text: str) -> None:
        error = self._errors[name]
        error.setText(text)
        error.show()
        editor = self.editors.get(name)
        if editor is not None:
            editor.setAccessibleDescription(text)
            editor.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll.ensureWidgetVisible(editor, 0, 60)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _set_working(self, text: str | None) -> None:
        """While the worker saves or prints, nothing can be typed or pressed; the
        keyboard focus comes back where it was (disabling the form drops it)."""
        if text is None:
            self.busy.stop()
        else:
            self._focus_before = self.focusWidget()
            self.busy.start(text)
        self.body.setEnabled(text is None)
        for button in self.buttons:
            button.setEnabled(text is None)
        if text is None and self._focus_before is not None:
            if self._focus_before.isVisible():
                self._focus_before.setFocus(Qt.FocusReason.OtherFocusReason)
            self._focus_before = None

    # -- closing ----------------------------------------------------------------------------
    discard_question = ("Discard your changes?",
                        "Discard your changes? The referral stays as it was last saved.",
                        "Discard changes")

    @property
    def loaded(self) -> bool:
        return self._initial is not None

    def has_unsaved_text(self) -> bool:
        return self.has_changes()

"""Add a pupil to the register, or amend their details (a new version; the old stays).

The form is long — every field of :class:`~sgdesk.models.pupils.Pupil` — so it is
one scrolling page of labelled sections that Tab walks straight through (the view
follows the cursor), rather than tabs that hide fields and their errors. Each
section is an :class:`InlineForm`, so a problem shows under its own field, and a
service's error finds its field whichever section holds it. Ctrl+S saves on the
database worker; Return never saves half a form by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.concerns import validate_amendment_reason
from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import (
    Address,
    AgencyInvolved,
    HouseholdMember,
    KeyAdult,
    Pupil,
    SendStatus,
    validate_nhs_number,
    validate_upn,
)
from sgdesk.services import drafts, pupils
from sgdesk.services.session import Session
from sgdesk.ui.date_field import DateField
from sgdesk.ui.drafts import DraftForm
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    HINT_COLOUR,
    FieldErrors,
    InlineForm,
    add_status_lines,
    check_filled,
    collect_errors,
    confirm,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.row_editor import FieldKind, RowEditor, RowField
from sgdesk.ui.worker import DbWorker

YEAR_GROUPS = ("", "Nursery", "Reception", *(f"Year {n}" for n in range(1, 14)))
GENDERS = ("", "Female", "Male")
# The explicit answers about key adults: None is "not yet asked", never "none".
KEY_ADULT_CHOICES: tuple[tuple[bool | None, str], ...] = (
    (None, "Not yet asked"),
    (True, "Key adults listed below"),
    (False, "The school knows nothing about key adults"),
)

ADDRESS_FIELDS = (
    RowField("text", "Address", FieldKind.LINES),
    RowField("moved_in", "Moved in", FieldKind.DATE),
    RowField("moved_out", "Moved out", FieldKind.DATE),
)
HOUSEHOLD_FIELDS = (
    RowField("name", "Name"),
    RowField("relationship", "Relationship to the child"),
    RowField("date_of_birth", "Date of birth", FieldKind.DATE),
    RowField("lives_with_child", "Lives with the child", FieldKind.CHECK),
    RowField("parental_responsibility", "Parental responsibility", FieldKind.CHECK),
    RowField("regular_visitor", "Regular visitor", FieldKind.CHECK),
)
KEY_ADULT_FIELDS = (
    RowField("name", "Name"),
    RowField("relationship", "Who they are to the child"),
    RowField("contact", "Contact"),
)
AGENCY_FIELDS = (
    RowField("name", "Agency or service"),
    RowField("contact", "Contact (name, phone or email)"),
    RowField("is_lead_professional", "Lead professional", FieldKind.CHECK),
)


class PupilFormDialog(DraftForm):
    """Add a pupil (``pupil_id`` None) or amend one, with the reason required.

    :attr:`saved` carries the pupil's id after a successful save; then the dialog
    accepts. A failed save keeps the form open with everything typed.
    """

    draft_kind = "pupil"
    saved = Signal(str)

    def __init__(self, worker: DbWorker, session: Session, pupil_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, session, parent, draft_ref=pupil_id or "new")
        self._pupil_id = pupil_id
        self._loaded: Pupil | None = None
        self._base_version = 0
        self._owner: dict[str, InlineForm] = {}
        self._editors: dict[str, QWidget] = {}
        self._forms: list[InlineForm] = []
        self._choosing_key_adults = False
        self.setWindowTitle("Amend pupil details" if pupil_id else "Add a pupil")

        outer = QVBoxLayout(self)
        self.intro = wrapped_label(
            "Amending keeps the details as they were in the record's history."
            if pupil_id else
            "Only the legal names and the date of birth are needed now; add the rest as "
            "you learn it.")
        outer.addWidget(self.intro)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        # The window is never narrower than its fields, so nothing scrolls sideways.
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._body_widget = body = QWidget()
        self._body = QVBoxLayout(body)
        self._build_sections()
        self._body.addStretch(1)
        self.scroll_area.setWidget(body)
        self._fit_width()
        outer.addWidget(self.scroll_area, 1)
        self.reason_form = self._section_form(outer)
        self.reason = self._field(self.reason_form, "reason",
                                  "&Why are you amending these details?", QLineEdit())
        self.reason_form.setVisible(pupil_id is not None)
        self.message, self.busy = add_status_lines(outer)
        outer.addLayout(self._buttons())
        for form in self._forms:
            form.set_validator(self._errors)
        _align_captions([form for form in self._forms if form is not self.reason_form])

        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self._submit)
        app = cast(QApplication, QApplication.instance())
        app.focusChanged.connect(self._follow_focus)
        self._fit_to_screen()
        self._baseline = self._widget_state()
        if pupil_id is None:
            self._offer_draft_later()
        else:
            self._load(pupil_id)

    # -- building ----------------------------------------------------------------------
    def _build_sections(self) -> None:
        names = self._section("Names")
        self.legal_forename = self._field(names, "legal_forename", "Legal &first name:",
                                          QLineEdit())
        self.legal_surname = self._field(names, "legal_surname", "Legal &surname:", QLineEdit())
        self.preferred_name = self._field(names, "preferred_name", "&Preferred name:",
                                          QLineEdit(), hint="What the pupil likes to be called, "
                                                            "if different.")
        self.aliases = self._field(names, "aliases", "&Also known as:", _text_box(3),
                                   hint="Any other names used, one per line (for example an "
                                        "earlier surname).")

        birth = self._section("Birth and identity")
        self.not_born = self._field(birth, "not_born", "",
                                    QCheckBox("&Not born yet (an unborn brother or sister)"))
        self.date_of_birth = self._field(birth, "date_of_birth", "Date of &birth:",
                                         DateField("date_of_birth"))
        self.expected_date_of_birth = self._field(birth, "expected_date_of_birth",
                                                  "E&xpected date of birth:",
                                                  DateField("expected_date_of_birth"))
        self.gender = self._field(birth, "gender", "&Gender:", _choice_box(GENDERS))
        self.ethnicity = self._field(birth, "ethnicity", "&Ethnicity:", QLineEdit())
        self.religion = self._field(birth, "religion", "&Religion:", QLineEdit())
        self.upn = self._field(birth, "upn", "&UPN:", QLineEdit(),
                               hint="Unique pupil number: 13 characters, from the school's "
                                    "records.")
        self.nhs_number = self._field(birth, "nhs_number", "N&HS number:", QLineEdit(),
                                      hint="10 digits.")
        self.gp = self._field(birth, "gp", "G&P:", QLineEdit(),
                              hint="The surgery, and the doctor if known.")

        language = self._section("Language")
        self.first_language = self._field(language, "first_language", "First &language:",
                                          QLineEdit("English"))
        self.interpreter_needed = self._field(language, "interpreter_needed", "",
                                              QCheckBox("An &interpreter is needed"))

        school = self._section("School")
        self.year_group = self._field(school, "year_group", "&Year group:",
                                      _choice_box(YEAR_GROUPS))
        self.form = self._field(school, "form", "F&orm or class:", QLineEdit())

        addresses = self._section("Addresses", "Oldest first, each with its postcode on the "
                                               "last line. Leave “Moved out” empty for where "
                                               "the child lives now.")
        self.addresses = self._field(addresses, "addresses", "", RowEditor(
            "addresses", "Address", ADDRESS_FIELDS, add_text="Add an address"))

        send = self._section("Special educational needs and disability (SEND)")
        self.send_status = self._field(send, "send_status", "SEND &status:", QComboBox())
        for status in SendStatus:
            self.send_status.addItem(status.label, status)
        self.send_since = self._field(send, "send_since", "S&ince:", DateField("send_since"))
        self.ehcp_section_d = self._field(send, "ehcp_section_d",
                                          "EHCP section D\n(social care needs):", _text_box(3))
        self.ehcp_section_h = self._field(send, "ehcp_section_h",
                                          "EHCP section H\n(social care provision):",
                                          _text_box(3))
        self.disability = self._field(send, "disability", "&Disability:", _text_box(2))
        self.communication_needs = self._field(
            send, "communication_needs", "&Communication needs:", _text_box(3),
            hint="Including how the pupil lets an adult know something is wrong, if they do "
                 "not use speech.")

        household = self._section("Household and regular visitors",
                                  "Everyone living in the child's home, parents or carers "
                                  "living elsewhere, and adults who visit regularly.")
        self.household = self._field(household, "household", "", RowEditor(
            "household", "Household member", HOUSEHOLD_FIELDS, add_text="Add a person"))

        key_adults_box = self._section_box("Key adults outside the home",
                                           "Significant adults the child trusts or sees "
                                           "often: a grandparent, a sports coach, a youth "
                                           "worker.")
        key_adults = self._section_form(key_adults_box)
        self.key_adults_choice = QButtonGroup(self)
        choices = QWidget()
        column = QVBoxLayout(choices)
        column.setContentsMargins(0, 0, 0, 0)
        for index, (_value, text) in enumerate(KEY_ADULT_CHOICES):
            button = QRadioButton(text)
            self.key_adults_choice.addButton(button, index)
            column.addWidget(button)
        self.key_adults_choice.button(0).setChecked(True)
        self._field(key_adults, "key_adults_known", "What the school knows:", choices)
        # The rows in a form of their own, so they have the section's full width.
        listed = self._section_form(key_adults_box)
        self.key_adults = self._field(listed, "key_adults", "", RowEditor(
            "key_adults", "Key adult", KEY_ADULT_FIELDS, add_text="Add a key adult"))
        self.key_adults.setEnabled(False)
        self.key_adults_choice.idToggled.connect(self._key_adults_chosen)

        agencies = self._section("Other agencies involved",
                                 "At most one of them holds the lead professional role.")
        self.agencies = self._field(agencies, "agencies", "", RowEditor(
            "agencies", "Agency", AGENCY_FIELDS, add_text="Add an agency"))

        self.not_born.toggled.connect(self._show_birth_fields)
        self.send_status.currentIndexChanged.connect(self._show_send_fields)
        self._show_birth_fields()
        self._show_send_fields()

    def _section(self, title: str, note: str = "") -> InlineForm:
        """A titled section holding one form."""
        return self._section_form(self._section_box(title, note))

    def _section_box(self, title: str, note: str = "") -> QVBoxLayout:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        if note:
            layout.addWidget(wrapped_label(note, HINT_COLOUR))
        self._body.addWidget(box)
        return layout

    def _section_form(self, layout: QVBoxLayout) -> InlineForm:
        form = InlineForm()
        layout.addWidget(form)
        self._forms.append(form)
        return form

    def _field[W: QWidget](self, form: InlineForm, name: str, label: str, editor: W, *,
                           hint: str = "") -> W:
        """Add ``editor`` to ``form`` and learn where its errors go; every kind of field
        clears a service's error about it once it is changed."""
        form.add_field(name, label, editor, hint=hint)
        self._owner[name] = form
        self._editors[name] = editor
        if isinstance(editor, QPlainTextEdit):
            editor.textChanged.connect(lambda n=name: form.clear_error(n))
        elif isinstance(editor, QComboBox):
            editor.currentTextChanged.connect(lambda _t, n=name: form.clear_error(n))
        elif isinstance(editor, RowEditor):
            editor.changed.connect(lambda n=name: form.clear_error(n))
            editor.changed.connect(self._fit_width)
            editor.left.connect(form.touch_all)  # a row's own check speaks once left
        if label:
            editor.setAccessibleName(label.replace("&", "").rstrip(":").replace("\n", " "))
        return editor

    def _buttons(self) -> QHBoxLayout:
        line = QHBoxLayout()
        line.addWidget(wrapped_label("Ctrl+S saves.", HINT_COLOUR), 1)
        self.save_button = QPushButton("Save" if self._pupil_id is None else "Save amendment")
        self.cancel_button = QPushButton("Cancel")
        for button in (self.save_button, self.cancel_button):
            button.setAutoDefault(False)  # Return in a field must not save half a form
            line.addWidget(button)
        self.save_button.clicked.connect(self._submit)
        self.cancel_button.clicked.connect(self.ask_to_discard)
        return line

    def _fit_width(self) -> None:
        """Never narrower than the fields (rows added may widen them): nothing scrolls
        sideways or is cut off."""
        needed = (self._body_widget.minimumSizeHint().width()
                  + self.scroll_area.verticalScrollBar().sizeHint().width() + 4)
        self.scroll_area.setMinimumWidth(needed)

    def _fit_to_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry()
        self.resize(min(820, int(room.width() * 0.9)), min(700, int(room.height() * 0.85)))

    # -- what is shown depends on what is chosen ----------------------------------------
    def _show_birth_fields(self) -> None:
        unborn = self.not_born.isChecked()
        _set_field_visible(self.date_of_birth, not unborn)
        _set_field_visible(self.expected_date_of_birth, unborn)

    def _show_send_fields(self) -> None:
        status: SendStatus = self.send_status.currentData()
        self.send_since.setEnabled(status is not SendStatus.NONE)
        for notes in (self.ehcp_section_d, self.ehcp_section_h):
            _set_field_visible(notes, status is SendStatus.EHCP)

    def _key_adults_chosen(self, index: int, checked: bool) -> None:
        if not checked or self._choosing_key_adults:
            return
        listed = KEY_ADULT_CHOICES[index][0] is True
        if not listed and self.key_adults.filled_rows() and not confirm(
                self, "Key adults", "Take the key adults listed off this pupil's record?",
                "Take them off"):
            self._set_key_adults_choice(True)
            return
        if listed and not self.key_adults.row_count:
            self.key_adults.add_row()
        elif not listed:
            self.key_adults.set_state([])
        self.key_adults.setEnabled(listed)
        self._owner["key_adults"].clear_error("key_adults")

    def _set_key_adults_choice(self, value: bool | None) -> None:
        index = next(i for i, (v, _t) in enumerate(KEY_ADULT_CHOICES) if v is value)
        self._choosing_key_adults = True
        self.key_adults_choice.button(index).setChecked(True)
        self._choosing_key_adults = False
        self.key_adults.setEnabled(value is True)

    def _key_adults_known(self) -> bool | None:
        return KEY_ADULT_CHOICES[self.key_adults_choice.checkedId()][0]

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Keep the field with the cursor in view, however it got there."""
        if new is not None and self._body_widget.isAncestorOf(new):
            self.scroll_area.ensureWidgetVisible(new, 20, 40)

    # -- reading and showing a pupil ----------------------------------------------------
    def _read(self) -> Pupil:
        """The pupil as typed; :class:`InvalidInput` names the first unreadable field."""
        base = self._loaded or Pupil("", "", "")
        unborn = self.not_born.isChecked()
        status: SendStatus = self.send_status.currentData()
        ehcp = status is SendStatus.EHCP
        lines = self.aliases.toPlainText().splitlines()
        return replace(
            base,
            legal_forename=self.legal_forename.text().strip(),
            legal_surname=self.legal_surname.text().strip(),
            preferred_name=self.preferred_name.text().strip(),
            aliases=tuple(line.strip() for line in lines if line.strip()),
            date_of_birth=None if unborn else self.date_of_birth.day(),
            expected_date_of_birth=self.expected_date_of_birth.day() if unborn else None,
            gender=self.gender.currentText().strip(),
            ethnicity=self.ethnicity.text().strip(),
            religion=self.religion.text().strip(),
            first_language=self.first_language.text().strip(),
            interpreter_needed=self.interpreter_needed.isChecked(),
            addresses=self._addresses(),
            upn=self.upn.text().strip(),
            nhs_number=self.nhs_number.text().strip(),
            gp=self.gp.text().strip(),
            year_group=self.year_group.currentText().strip(),
            form=self.form.text().strip(),
            send_status=status,
            send_since=None if status is SendStatus.NONE else self.send_since.day(),
            ehcp_section_d=self.ehcp_section_d.toPlainText().strip() if ehcp else "",
            ehcp_section_h=self.ehcp_section_h.toPlainText().strip() if ehcp else "",
            disability=self.disability.toPlainText().strip(),
            communication_needs=self.communication_needs.toPlainText().strip(),
            household=self._household(),
            key_adults=self._key_adults(),
            key_adults_known=self._key_adults_known(),
            agencies=self._agencies(),
        )

    def _addresses(self) -> tuple[Address, ...]:
        found = self.addresses.records(Address, required="text")
        for number, address in enumerate(found, start=1):
            if address.moved_in and address.moved_out and address.moved_out < address.moved_in:
                raise InvalidInput(f"Address {number}: the move out is before the move in.",
                                   field="addresses")
        return found

    def _household(self) -> tuple[HouseholdMember, ...]:
        return self.household.records(HouseholdMember, required="name")

    def _key_adults(self) -> tuple[KeyAdult, ...]:
        listed = self.key_adults.records(KeyAdult, required="name")
        if self._key_adults_known() is True and not listed:
            raise InvalidInput("List the key adults, or choose another answer above.",
                               field="key_adults")
        return listed

    def _agencies(self) -> tuple[AgencyInvolved, ...]:
        listed = self.agencies.records(AgencyInvolved, required="name")
        if sum(a.is_lead_professional for a in listed) > 1:
            raise InvalidInput("Only one agency can hold the lead professional role: untick "
                               "the others.", field="agencies")
        return listed

    def _show(self, pupil: Pupil) -> None:
        """Fill every field from a saved pupil (amending)."""
        unborn = pupil.date_of_birth is None and pupil.expected_date_of_birth is not None
        self.legal_forename.setText(pupil.legal_forename)
        self.legal_surname.setText(pupil.legal_surname)
        self.preferred_name.setText(pupil.preferred_name)
        self.aliases.setPlainText("\n".join(pupil.aliases))
        self.not_born.setChecked(unborn)
        self.date_of_birth.set_day(pupil.date_of_birth)
        self.expected_date_of_birth.set_day(pupil.expected_date_of_birth)
        self.gender.setCurrentText(pupil.gender)
        self.ethnicity.setText(pupil.ethnicity)
        self.religion.setText(pupil.religion)
        self.upn.setText(pupil.upn)
        self.nhs_number.setText(pupil.nhs_number)
        self.gp.setText(pupil.gp)
        self.first_language.setText(pupil.first_language)
        self.interpreter_needed.setChecked(pupil.interpreter_needed)
        self.year_group.setCurrentText(pupil.year_group)
        self.form.setText(pupil.form)
        self.send_status.setCurrentIndex(self.send_status.findData(pupil.send_status))
        self.send_since.set_day(pupil.send_since)
        self.ehcp_section_d.setPlainText(pupil.ehcp_section_d)
        self.ehcp_section_h.setPlainText(pupil.ehcp_section_h)
        self.disability.setPlainText(pupil.disability)
        self.communication_needs.setPlainText(pupil.communication_needs)
        self.addresses.set_records(pupil.addresses)
        self.household.set_records(pupil.household)
        self.key_adults.set_records(pupil.key_adults)
        self._set_key_adults_choice(pupil.key_adults_known)
        self.agencies.set_records(pupil.agencies)

    # -- checks ----------------------------------------------------------------------
    def _errors(self) -> FieldErrors:
        return collect_errors(
            lambda: check_filled(self.legal_forename.text(), "legal_forename",
                                 "Enter the pupil's legal first name."),
            lambda: check_filled(self.legal_surname.text(), "legal_surname",
                                 "Enter the pupil's legal surname."),
            self._check_birth,
            lambda: validate_upn(self.upn.text()),
            lambda: validate_nhs_number(self.nhs_number.text()),
            lambda: (self.send_since.day()
                     if self.send_status.currentData() is not SendStatus.NONE else None),
            self._addresses,
            self._household,
            self._key_adults,
            self._agencies,
            lambda: pupils.validated(self._read()),
            lambda: (validate_amendment_reason(self.reason.text())
                     if self._pupil_id is not None else None),
        )

    def _check_birth(self) -> None:
        if self.not_born.isChecked():
            if self.expected_date_of_birth.day() is None:
                raise InvalidInput("Enter the date the baby is expected.",
                                   field="expected_date_of_birth")
            return
        born = self.date_of_birth.day()
        if born is None:
            raise InvalidInput("Enter the date of birth, or tick “Not born yet”.",
                               field="date_of_birth")
        if born > date.today():
            raise InvalidInput("A date of birth cannot be in the future.", field="date_of_birth")

    # -- saving ------------------------------------------------------------------------
    def _submit(self) -> None:
        if self.busy.active or not self.save_button.isEnabled():
            return
        for form in self._forms:
            form.touch_all()
        if not all(form.is_valid() for form in self._forms):
            self._focus_first_error()
            return
        pupil, reason, base = self._read(), self.reason.text(), self._base_version
        session, pupil_id = self._session, self._pupil_id
        kind, ref = self.draft_kind, self.draft_ref

        def save() -> str:
            if pupil_id is None:
                saved_id = pupils.add_pupil(session, pupil).id
            else:
                pupils.amend_pupil(session, pupil, reason, base)
                saved_id = pupil_id
            drafts.discard_draft(session, kind, ref)
            return saved_id

        self._run(save, self._saved, "Saving…")

    def _saved(self, pupil_id: Any) -> None:
        self._baseline = self._widget_state()
        self.saved.emit(str(pupil_id))
        self.accept()

    def _run(self, job: Callable[[], Any], on_done: Callable[[Any], None],
             busy_text: str) -> None:
        self._show_message("")
        self.busy.start(busy_text)
        self._set_working(True)

        def done(value: Any) -> None:
            self.busy.stop()
            self._set_working(False)
            on_done(value)

        def failed(exc: BaseException) -> None:
            self.busy.stop()
            self._set_working(False)
            self._show_failure(exc)

        self._worker.run(job, on_done=while_alive(self, done),
                         on_error=while_alive(self, failed))

    def _set_working(self, working: bool) -> None:
        self.save_button.setEnabled(not working and self._ready())
        self.cancel_button.setEnabled(not working)

    def _ready(self) -> bool:
        """A new pupil's form is ready at once; an amendment once the pupil is loaded."""
        return self._pupil_id is None or self._loaded is not None

    def _show_failure(self, exc: BaseException) -> None:
        if isinstance(exc, InvalidInput) and exc.field in self._owner:
            self._owner[exc.field].show_error(exc.field, str(exc))
        else:
            self._show_message(describe(exc))

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _focus_first_error(self) -> None:
        for name, editor in self._editors.items():
            if self._owner[name].error_text(name):
                editor.setFocus(Qt.FocusReason.OtherFocusReason)
                self.scroll_area.ensureWidgetVisible(editor, 20, 40)
                return

    def error_text(self, field: str) -> str:
        """The error shown under ``field`` now ("" when none): what a person reads."""
        return self._owner[field].error_text(field)

    # -- amending: load the pupil first ------------------------------------------------
    def _load(self, pupil_id: str) -> None:
        self._body_widget.setEnabled(False)
        session = self._session
        self._run(lambda: pupils.get_pupil(session, pupil_id), self._loaded_record,
                  "Opening the pupil's details…")

    def _loaded_record(self, record: Any) -> None:
        record = cast(pupils.PupilRecord, record)
        self._loaded, self._base_version = record.pupil, record.version
        self._show(record.pupil)
        self.intro.setText(f"Amending the details of {record.pupil.display_name}. The details "
                           "as they were stay in the record's history.")
        self._body_widget.setEnabled(True)
        self._set_working(False)
        self._baseline = self._widget_state()
        self._offer_draft_later()

    # -- drafts and discarding ---------------------------------------------------------
    def _widget_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {}
        for name, editor in self._editors.items():
            if isinstance(editor, QLineEdit):
                state[name] = editor.text()
            elif isinstance(editor, QPlainTextEdit):
                state[name] = editor.toPlainText()
            elif isinstance(editor, QCheckBox):
                state[name] = editor.isChecked()
            elif isinstance(editor, QComboBox):
                state[name] = (editor.currentText() if editor.isEditable()
                               else editor.currentData().value)
            elif isinstance(editor, RowEditor):
                state[name] = editor.state()
        state["key_adults_known"] = self._key_adults_known()
        return state

    def draft_state(self) -> dict[str, Any] | None:
        state = self._widget_state()
        if state == self._baseline:
            return None
        return state | {"base_version": self._base_version}

    def restore_draft(self, state: dict[str, Any]) -> None:
        # The choice first: choosing "listed" must not add a blank row over restored ones.
        known = state.get("key_adults_known")
        self._set_key_adults_choice(known if isinstance(known, bool) else None)
        for name, editor in self._editors.items():
            if name not in state:
                continue
            value = state[name]
            if isinstance(editor, QLineEdit):
                editor.setText(str(value))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(str(value))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QComboBox) and editor.isEditable():
                editor.setCurrentText(str(value))
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(SendStatus(value))))
            elif isinstance(editor, RowEditor):
                editor.set_state(list(value))

    def _offer_draft_later(self) -> None:
        session, kind, ref = self._session, self.draft_kind, self.draft_ref
        self._worker.run(lambda: drafts.load_draft(session, kind, ref),
                         on_done=while_alive(self, self._offer_draft))

    def _offer_draft(self, state: Any) -> None:
        if state is None or self.draft_state() is not None:
            return
        self.restore_draft(state)
        note = "What you typed before sgdesk locked has been put back."
        if self._pupil_id is not None and state.get("base_version") != self._base_version:
            note += (" Someone amended these details since then: check each field before "
                     "saving.")
        self.intro.setText(f"{self.intro.text()} {note}")

    discard_question = ("Discard changes", "Discard what you have typed in this form?",
                        "Discard")

    @property
    def working(self) -> bool:
        return self.busy.active


def _text_box(lines: int) -> QPlainTextEdit:
    """A few lines of free text; Tab moves on rather than typing a tab."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


def _choice_box(items: tuple[str, ...]) -> QComboBox:
    """A list to pick from that also takes any other answer typed."""
    box = QComboBox()
    box.setEditable(True)
    box.addItems(list(items))
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    return box


def _set_field_visible(editor: QWidget, visible: bool) -> None:
    """Show or hide a field with its caption (the label whose buddy it is)."""
    form = editor.parentWidget()
    while form is not None and not isinstance(form, InlineForm):
        form = form.parentWidget()
    if form is not None:
        for caption in form.findChildren(QLabel):
            if caption.buddy() is editor:
                caption.setVisible(visible)
    editor.setVisible(visible)


def _align_captions(forms: list[InlineForm]) -> None:
    """One caption width for every section, so the fields line up down the page."""
    captions = [label for form in forms for label in form.findChildren(QLabel)
                if label.buddy() is not None and label.parentWidget() is form and label.text()]
    width = max((label.sizeHint().width() for label in captions), default=0)
    for label in captions:
        label.setMinimumWidth(width)

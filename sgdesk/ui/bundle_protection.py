"""How a bundle is protected, and where it is saved: the part every export shares.

A bundle is opened either by a passphrase — sgdesk suggests a strong one, shown
once, to be written down and given separately from the file — or by the
recipient's age public key, pasted or chosen from the address book. The file's
name is suggested without anyone's name in it, and an existing file is never
overwritten (:func:`check_destination`, run on the worker with the export).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.address_book import Contact, ContactKind
from sgdesk.models.errors import Cancelled, InvalidInput
from sgdesk.models.recovery_key import RECOVERY_KEY_BYTES, format_recovery_key
from sgdesk.services import address_book
from sgdesk.services.bundle_building import (
    Encryption,
    IsCancelled,
    StageProgress,
    WrittenBundle,
)
from sgdesk.services.bundle_keys import checked_recipient
from sgdesk.services.session import Session
from sgdesk.ui.bundle_task import BundleTask, size_text
from sgdesk.ui.clipboard_guard import clipboard_guard
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    FieldErrors,
    InlineForm,
    check_filled,
    choose_save_path,
    collect_errors,
    grow_to_fit,
    monospace_font,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.worker import DbWorker

#: Groups of the recovery key's alphabet in a suggested passphrase: 6 × 4 characters
#: of base32 is 120 random bits, and easy to copy by hand.
PASSPHRASE_GROUPS = 6
MIN_PASSPHRASE = 12
AGE_FILTER = "Encrypted bundles (*.age)"
_PASTED = "Paste the key below"


def suggest_passphrase() -> str:
    """A strong passphrase in the recovery key's style (no 0/O or 1/I/L to confuse)."""
    groups = format_recovery_key(os.urandom(RECOVERY_KEY_BYTES)).split("-")
    return "-".join(groups[:PASSPHRASE_GROUPS])


def bundle_file_name(what: str, today: date) -> str:
    """``handover-2026-11-23.age``: what it is and when, never whom it is about."""
    return f"{what}-{today.isoformat()}.age"


def check_destination(dest: Path) -> None:
    """On the worker, before an export: the folder exists and no file is there."""
    if dest.exists():
        raise InvalidInput("A file of that name is already there. Choose another name: "
                           "sgdesk never overwrites a file.", field="dest")
    if not dest.parent.is_dir():
        raise InvalidInput("That folder does not exist. Choose another.", field="dest")


def bold_label(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class ProtectionChooser(QWidget):
    """"Protect the file with: ( ) a passphrase  ( ) <their> public key".

    :attr:`contacts_loaded` carries the address book's contacts (of ``kinds``)
    once read, so a form can offer their names."""

    contacts_loaded = Signal(list)

    def __init__(self, worker: DbWorker, session: Session, key_label: str, key_hint: str,
                 *, kinds: frozenset[ContactKind] = frozenset(ContactKind),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._contacts: list[Contact] = []
        self._kinds = kinds
        #: Whether the finished export was protected by a passphrase.
        self.passphrase_given = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bold_label("Protect the file with"))
        self.use_passphrase = QRadioButton("A &passphrase")
        self.use_key = QRadioButton(key_label)
        self.use_passphrase.setChecked(True)
        choice = QButtonGroup(self)
        choice.addButton(self.use_passphrase)
        choice.addButton(self.use_key)
        row = QHBoxLayout()
        row.addWidget(self.use_passphrase)
        row.addWidget(self.use_key)
        row.addStretch(1)
        layout.addLayout(row)
        self.forms = QStackedWidget()
        self.forms.addWidget(self._build_passphrase_form())
        self.forms.addWidget(self._build_key_form(key_hint))
        layout.addWidget(self.forms)
        self.use_key.toggled.connect(lambda key: self.forms.setCurrentIndex(1 if key else 0))
        worker.run(lambda: address_book.list_contacts(session),
                   on_done=while_alive(self, self._show_contacts),
                   on_error=while_alive(self, self._contacts_failed))

    # -- building -------------------------------------------------------------------
    def _build_passphrase_form(self) -> QWidget:
        self.passphrase_form = InlineForm()
        form = self.passphrase_form
        self.passphrase = QLineEdit(suggest_passphrase())
        self.passphrase.setFont(monospace_font())
        self.passphrase.setDragEnabled(False)
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        self.suggest_button = QPushButton("Suggest a&nother")
        self.copy_button = QPushButton("C&opy")
        for button in (self.suggest_button, self.copy_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        form.add_field("passphrase", "Pass&phrase:", self.passphrase, beside=buttons,
                       hint="Write it down and give it to them separately: never in the same "
                            "email, envelope or memory stick as the file.")
        self.written_down = form.add_field(
            "written_down", "", QCheckBox("I have &written the passphrase down"))
        self.suggest_button.clicked.connect(self._suggest)
        self.copy_button.clicked.connect(lambda: clipboard_guard().copy(self.passphrase.text()))
        self.written_down.toggled.connect(lambda _on: form.refresh())
        form.set_validator(self._passphrase_errors)
        return form

    def _build_key_form(self, key_hint: str) -> QWidget:
        self.key_form = InlineForm()
        form = self.key_form
        self.contact = form.add_field("contact", "From the a&ddress book:", QComboBox())
        self.contact.addItem(_PASTED)
        self.contact.setEnabled(False)
        self.public_key = form.add_field("public_key", "Public &key:", QLineEdit(),
                                         hint=key_hint)
        self.public_key.setFont(monospace_font())
        self.public_key.setPlaceholderText("age1…")
        self.contact.activated.connect(self._contact_chosen)
        self.public_key.textEdited.connect(lambda _t: self.contact.setCurrentIndex(0))
        form.set_validator(self._key_errors)
        return form

    # -- what the dialog asks -----------------------------------------------------------
    @property
    def uses_passphrase(self) -> bool:
        return self.use_passphrase.isChecked()

    @property
    def form(self) -> InlineForm:
        return self.passphrase_form if self.uses_passphrase else self.key_form

    def check(self) -> bool:
        """Show every problem; ``True`` when the protection chosen is complete."""
        self.form.touch_all()
        if self.form.is_valid():
            return True
        self.form.focus_first_error()
        return False

    def encryption(self) -> Encryption:
        """What :meth:`check` accepted, for the export."""
        if self.uses_passphrase:
            return Encryption(passphrase=self.passphrase.text(), described_as="passphrase")
        contact = self.chosen_contact()
        return Encryption(recipients=(checked_recipient(self.public_key.text()),),
                          described_as=contact.name if contact else "a public key")

    def chosen_contact(self) -> Contact | None:
        index = self.contact.currentIndex()
        return self._contacts[index - 1] if index > 0 else None

    def choose_contact(self, name: str) -> bool:
        """Protect with the key of the contact called ``name`` (as if picked from
        the list); ``False`` if the address book holds nobody of that name."""
        for number, contact in enumerate(self._contacts, start=1):
            if contact.name.casefold() == " ".join(name.split()).casefold():
                self.use_key.setChecked(True)
                self.contact.setCurrentIndex(number)
                self._contact_chosen(number)
                return True
        return False

    def finish(self) -> None:
        """After the export: the passphrase was shown once and leaves the screen."""
        self.passphrase_given = self.uses_passphrase
        self.passphrase.clear()
        self.passphrase_form.untouch_all()
        self.setEnabled(False)

    # -- internals --------------------------------------------------------------------
    def _suggest(self) -> None:
        self.passphrase.setText(suggest_passphrase())
        self.written_down.setChecked(False)
        self.passphrase_form.clear_error("passphrase")

    def _passphrase_errors(self) -> FieldErrors:
        errors: FieldErrors = {}
        if len(self.passphrase.text().strip()) < MIN_PASSPHRASE:
            errors["passphrase"] = (f"Use at least {MIN_PASSPHRASE} characters, or the "
                                    "suggested passphrase.")
        if not self.written_down.isChecked():
            errors["written_down"] = ("Tick this once the passphrase is written down: without "
                                      "it the file cannot be opened.")
        return errors

    def _key_errors(self) -> FieldErrors:
        if not self.public_key.text().strip():
            return {"public_key": "Paste their public key, or choose them from the address "
                                  "book."}
        return collect_errors(lambda: checked_recipient(self.public_key.text()))

    def _show_contacts(self, contacts: Any) -> None:
        self._contacts = [c for c in contacts if c.kind in self._kinds]
        for contact in self._contacts:
            self.contact.addItem(f"{contact.name} ({contact.kind.label})")
        self.contact.setEnabled(bool(self._contacts))
        self.contacts_loaded.emit(self._contacts)

    def _contacts_failed(self, exc: BaseException) -> None:
        self.key_form.show_failure(exc)

    def _contact_chosen(self, index: int) -> None:
        contact = self.chosen_contact()
        if index > 0 and contact is not None:
            self.public_key.setText(contact.public_key)
            self.key_form.clear_error("public_key")


class DestinationForm(InlineForm):
    """"Save as: [path] [Choose…]", suggested in the home folder."""

    def __init__(self, file_name: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._caption = caption
        self.dest = QLineEdit(str(Path.home() / file_name))
        self.choose_button = QPushButton("C&hoose…")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self._choose)
        self.add_field("dest", "&Save as:", self.dest, beside=self.choose_button)
        self.set_validator(lambda: collect_errors(lambda: check_filled(
            self.dest.text(), "dest", "Choose where to save the file.")))

    def path(self) -> Path:
        return Path(self.dest.text().strip()).expanduser()

    def check(self) -> bool:
        self.touch_all()
        if self.is_valid():
            return True
        self.focus_first_error()
        return False

    def _choose(self) -> None:
        current = Path(self.dest.text().strip() or str(Path.home())).expanduser()
        chosen = choose_save_path(self, self._caption, current, AGE_FILTER)
        if chosen is not None:
            if not chosen.suffix:
                chosen = chosen.with_suffix(".age")
            self.dest.setText(str(chosen))
            self.clear_error("dest")


#: An export as a panel runs it: to ``dest``, sealed with ``encryption``.
ExportJob = Callable[[Path, Encryption, StageProgress, IsCancelled], WrittenBundle]


class ExportPanel(QWidget):
    """The lower half of every export: how it is protected, where it is saved,
    the progress line and what happened.

    :meth:`start` checks both forms and runs the export on the worker;
    :attr:`working_changed` lets the dialog hide its own buttons meanwhile (the
    progress line's Cancel is then the only way out) and :attr:`exported`
    carries the :class:`WrittenBundle` once the file is there."""

    working_changed = Signal(bool)
    exported = Signal(object)

    def __init__(self, worker: DbWorker, session: Session, *, key_label: str, key_hint: str,
                 file_stem: str, caption: str,
                 kinds: frozenset[ContactKind] = frozenset(ContactKind),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.written: WrittenBundle | None = None
        self._elsewhere: dict[str, InlineForm] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.protection = ProtectionChooser(worker, session, key_label, key_hint, kinds=kinds)
        layout.addWidget(self.protection)
        layout.addSpacing(6)
        self.file_form = DestinationForm(bundle_file_name(file_stem, date.today()), caption)
        layout.addWidget(self.file_form)
        layout.addStretch(1)
        self.task = BundleTask(worker)
        layout.addWidget(self.task)
        self.outcome = wrapped_label()
        self.outcome.setAccessibleName("Outcome")
        self.outcome.hide()
        layout.addWidget(self.outcome)

    def errors_shown_in(self, form: InlineForm, *fields: str) -> None:
        """A service's :class:`InvalidInput` for ``fields`` goes under that field
        of ``form`` (a field of the dialog's own, such as the new school)."""
        for field in fields:
            self._elsewhere[field] = form

    def start(self, stage: str, export: ExportJob) -> bool:
        """Check the protection and the file, then run ``export`` with progress and
        Cancel; ``False`` (the first problem focused) if something is missing."""
        if self.task.running or self.written is not None:
            return False
        if not (self.protection.check() and self.file_form.check()):
            return False
        encryption, dest = self.protection.encryption(), self.file_form.path()

        def job(progress: StageProgress, cancelled: IsCancelled) -> WrittenBundle:
            check_destination(dest)
            return export(dest, encryption, progress, cancelled)

        self.show_outcome("")
        self._set_working(True)
        self.task.start(stage, job, self._exported, self._failed)
        return True

    def done_text(self, what: str, written: WrittenBundle, who: str) -> str:
        """"The <what> was saved as <name> (<size>) in <folder>." and how ``who``
        opens it: the passphrase, given separately, or only their key."""
        path = written.path
        how = (f"Give {who} the passphrase you wrote down separately."
               if self.protection.passphrase_given else f"Only {who}'s key opens it.")
        return (f"The {what} was saved as {path.name} ({size_text(written.size)}) in "
                f"{path.parent}. {how}")

    def show_outcome(self, text: str, *, error: bool = False) -> None:
        self.outcome.setText(text)
        self.outcome.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.outcome.setVisible(bool(text))
        grow_to_fit(self.window())

    def _exported(self, written: Any) -> None:
        self.written = written
        self.protection.finish()
        self.file_form.setEnabled(False)
        self._set_working(False)
        self.exported.emit(written)

    def _failed(self, exc: BaseException) -> None:
        self._set_working(False)
        field = exc.field if isinstance(exc, InvalidInput) else ""
        if field == "dest":
            self.file_form.show_error("dest", str(exc))
        elif field in self._elsewhere:
            self._elsewhere[field].show_error(field, str(exc))
        else:
            self.show_outcome(describe(exc), error=not isinstance(exc, Cancelled))

    def _set_working(self, working: bool) -> None:
        self.protection.setEnabled(not working and self.written is None)
        self.file_form.setEnabled(not working and self.written is None)
        self.working_changed.emit(working)

"""File → New store…: the DSL's first meeting with sgdesk.

Two pages. The first asks for the school, the DSL's own account and where the
store file goes. The second shows the recovery key, once, and will not finish
until the DSL has confirmed they have it. Only then is the store created, on the
database worker; if that fails the wizard stays open with everything typed and
says what went wrong under the field concerned.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from sgdesk.models.errors import InvalidInput, StoreExists, WriteFailed
from sgdesk.models.recovery_key import last_group
from sgdesk.models.users import Role, validate_display_name, validate_login, validate_new_password
from sgdesk.services.pdf.recovery_sheet import render_recovery_sheet
from sgdesk.services.session import UnlockResult
from sgdesk.services.store_creation import NewStoreDetails, create_store, new_recovery_key
from sgdesk.ui.clipboard_guard import clipboard_guard
from sgdesk.ui.form_helpers import (
    HINT_COLOUR,
    BusyBar,
    FieldErrors,
    InlineForm,
    check_filled,
    check_repeat,
    choose_save_path,
    collect_errors,
    monospace_font,
    password_edit,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.pdf_output import print_pdf, save_pdf
from sgdesk.ui.worker import DbWorker

RECOVERY_SHEET_FILE_NAME = "sgdesk-recovery-sheet.pdf"
_KEY_GROUPS_PER_LINE = 7


class StoreDetailsPage(QWizardPage):
    """Page 1: the school, the DSL's account and the store file."""

    def __init__(self, default_path: Path) -> None:
        super().__init__()
        self.setTitle("Your school and your account")
        self.setSubTitle("sgdesk keeps your school's safeguarding records in one encrypted "
                         "file. You will be its Designated Safeguarding Lead and can add "
                         "colleagues later.")
        layout = QVBoxLayout(self)
        self.form = InlineForm()
        form = self.form
        self.school_name = form.add_field("school_name", "&School name:", QLineEdit())
        self.display_name = form.add_field("display_name", "Your na&me:", QLineEdit())
        form.add_text("Your role:", Role.DSL.label)
        self.login = form.add_field(
            "login", "&User name:", QLineEdit(),
            hint="What you type to sign in, for example jsmith.")
        self.password = form.add_field(
            "password", "&Password:", password_edit(),
            hint="At least 10 characters. Three random words work well.")
        self.repeat = form.add_field("repeat", "&Repeat password:", password_edit())
        self.store_path = QLineEdit(str(default_path))
        self.choose_button = QPushButton("&Choose…")
        self.choose_button.clicked.connect(self._choose_path)
        form.add_field("store_path", "Store &file:", self.store_path, beside=self.choose_button)
        layout.addWidget(form)
        form.set_validator(self._errors)
        form.changed.connect(self.completeChanged)

    def details(self) -> NewStoreDetails:
        return NewStoreDetails(self.school_name.text(), self.display_name.text(),
                               self.login.text(), self.password.text())

    def path(self) -> Path:
        return Path(self.store_path.text().strip()).expanduser()

    def isComplete(self) -> bool:
        return self.form.is_valid()

    def _errors(self) -> FieldErrors:
        password = self.password.text()
        return collect_errors(
            lambda: self.details().validated(),
            lambda: validate_display_name(self.display_name.text()),
            lambda: validate_login(self.login.text()),
            lambda: validate_new_password(password, self.login.text()),
            lambda: check_repeat(password, self.repeat.text()),
            lambda: check_filled(self.store_path.text(), "store_path",
                                 "Choose where to keep the store file."),
        )

    def _choose_path(self) -> None:
        chosen = choose_save_path(self, "Where to keep the store", self.path(),
                                  "sgdesk stores (*.sgdesk)", confirm_overwrite=False)
        if chosen is not None:
            self.form.clear_error("store_path")
            self.store_path.setText(str(chosen))


class RecoveryKeyPage(QWizardPage):
    """Page 2: the recovery key, shown once, and the DSL's confirmation they have it."""

    def __init__(self, details_page: StoreDetailsPage) -> None:
        super().__init__()
        self._details_page = details_page
        self.raw_key: bytes | None = None
        self.formatted_key = ""
        self.creating = False
        self.setTitle("Your recovery key")
        self.setSubTitle("The recovery key is the only way back in if every password is "
                         "forgotten. sgdesk shows it only now: print it and keep it in the "
                         "school safe.")
        layout = QVBoxLayout(self)

        self.key_label = QLabel()
        self.key_label.setFont(monospace_font(16))
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                               | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.key_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.key_label.setMargin(12)
        self.key_label.setAccessibleName("Recovery key")
        layout.addWidget(self.key_label)

        actions = QHBoxLayout()
        self.print_button = QPushButton("&Print recovery sheet…")
        self.save_button = QPushButton("Save recovery sheet as P&DF…")
        self.copy_button = QPushButton("C&opy")
        self.print_button.clicked.connect(self._print_sheet)
        self.save_button.clicked.connect(self._save_sheet)
        self.copy_button.clicked.connect(self._copy_key)
        for button in (self.print_button, self.save_button, self.copy_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.action_note = wrapped_label(colour=HINT_COLOUR)
        layout.addWidget(self.action_note)

        layout.addSpacing(12)
        heading = QLabel("Before you create the store")
        bold = heading.font()
        bold.setBold(True)
        heading.setFont(bold)
        layout.addWidget(heading)
        self.confirmed = QCheckBox("I have printed or &written down the recovery key")
        layout.addWidget(self.confirmed)
        self.form = InlineForm()
        self.group = QLineEdit()
        self.group.setFont(monospace_font())
        self.group.setMaxLength(4)
        self.group.setFixedWidth(self.group.fontMetrics().horizontalAdvance("WWWW") * 2)
        self.form.add_field("last_group", "&Type the last group of the key to confirm:",
                            self.group)
        layout.addWidget(self.form)
        layout.addStretch(1)
        self.busy = BusyBar()
        layout.addWidget(self.busy)

        self.form.set_validator(self._errors)
        self.form.changed.connect(self.completeChanged)
        self.confirmed.toggled.connect(self.completeChanged)

    def initializePage(self) -> None:
        """Make the key on first arrival only: going Back to fix a field must not
        invalidate a sheet already printed."""
        if self.raw_key is None:
            self.raw_key, self.formatted_key = new_recovery_key()
            groups = self.formatted_key.split("-")
            self.key_label.setText("-".join(groups[:_KEY_GROUPS_PER_LINE]) + "-\n"
                                   + "-".join(groups[_KEY_GROUPS_PER_LINE:]))

    def cleanupPage(self) -> None:
        """Keep the confirmation when the DSL goes Back (Qt would reset it)."""

    def isComplete(self) -> bool:
        return not self.creating and self.confirmed.isChecked() and self.form.is_valid()

    def validatePage(self) -> bool:
        wizard = self.wizard()
        assert isinstance(wizard, NewStoreWizard)
        return wizard.finish_requested()

    def _errors(self) -> FieldErrors:
        typed = self.group.text().strip().upper()
        if typed == last_group(self.formatted_key):
            return {}
        message = ("Type the last four characters of the key shown above."
                   if len(typed) < 4 else "That is not the last group of the key shown above.")
        return {"last_group": message}

    def _sheet(self) -> bytes:
        details = self._details_page.details()
        return render_recovery_sheet(" ".join(details.school_name.split()),
                                     self._details_page.path().name, self.formatted_key,
                                     " ".join(details.display_name.split()))

    def _print_sheet(self) -> None:
        if print_pdf(self, self._sheet()):
            self.action_note.setText("The recovery sheet was sent to the printer.")

    def _save_sheet(self) -> None:
        saved = save_pdf(self, self._sheet(), RECOVERY_SHEET_FILE_NAME)
        if saved is not None:
            self.action_note.setText(f"Saved to {saved}. Print it, keep it safe, then "
                                     "delete the file.")

    def _copy_key(self) -> None:
        clipboard_guard().copy(self.formatted_key)
        self.action_note.setText("Copied. sgdesk clears the clipboard when it locks.")


class NewStoreWizard(QWizard):
    """Creates a store and signs its DSL in; emits :attr:`store_created` with the
    :class:`UnlockResult`. The caller owns the session from then on.

    A store set up from a handover (``handover_setup_wizard``) adds a
    ``first_page`` and fills the store another way (:meth:`creation_job`)."""

    store_created = Signal(object)

    def __init__(self, worker: DbWorker, default_path: Path,
                 parent: QWidget | None = None, *,
                 first_page: QWizardPage | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._result: UnlockResult | None = None
        self.setWindowTitle("New store")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Create store")
        self.details_page = StoreDetailsPage(default_path)
        self.recovery_page = RecoveryKeyPage(self.details_page)
        if first_page is not None:
            self.addPage(first_page)
        self.addPage(self.details_page)
        self.addPage(self.recovery_page)
        self.resize(640, 600)

    def finish_requested(self) -> bool:
        """Called when Finish is pressed: start creating; close once it has worked."""
        if self._result is not None:
            return True
        if not self.recovery_page.creating:
            self._start_creation()
        return False

    def reject(self) -> None:
        """Cancel is refused while the store is being created: the job cannot be
        stopped half-way, and its result must not be lost."""
        if not self.recovery_page.creating:
            super().reject()

    def _start_creation(self) -> None:
        page = self.recovery_page
        assert page.raw_key is not None
        path, details, raw = self.details_page.path(), self.details_page.details(), page.raw_key
        self._set_creating(True)
        self._worker.run(self.creation_job(path, details, raw),
                         on_done=while_alive(self, self._created),
                         on_error=while_alive(self, self._failed))

    def creation_job(self, path: Path, details: NewStoreDetails,
                     recovery_key: bytes) -> Callable[[], UnlockResult]:
        """The worker job that makes the store (built here, on the GUI thread)."""
        return lambda: create_store(path, details, recovery_key)

    def _set_creating(self, creating: bool) -> None:
        page = self.recovery_page
        page.creating = creating
        page.form.set_message("")
        if creating:
            page.busy.start("Creating the store and protecting it with your password…")
        else:
            page.busy.stop()
        page.completeChanged.emit()
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not creating)

    def _created(self, result: Any) -> None:
        self._set_creating(False)
        self._result = result
        self.store_created.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_creating(False)
        field = ("store_path" if isinstance(exc, StoreExists | WriteFailed)
                 else exc.field if isinstance(exc, InvalidInput) else "")
        if field in {"school_name", "display_name", "login", "password", "store_path"}:
            self.back()
            self.details_page.form.show_error(field, str(exc))
        else:
            self.recovery_page.form.show_failure(exc)

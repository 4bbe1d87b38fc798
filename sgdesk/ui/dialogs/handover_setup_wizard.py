"""File → New store from a handover…: the new DSL sets up sgdesk from the file the
previous DSL made.

Three pages. The first opens the handover: the file, and the passphrase or
``age-keygen`` key file that protects it; reading, decrypting and checking the
whole bundle run on the database worker with progress and Cancel. The other two
are the New store wizard's own — the new DSL's account (the school's name comes
from the handover) and the recovery key, confirmed before anything is written —
and only then is the store made from the handover's records.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget, QWizard, QWizardPage

from sgdesk.models.bundles import BundleKind
from sgdesk.models.errors import BundleRefused, InvalidInput
from sgdesk.services.bundle_building import IsCancelled, StageProgress
from sgdesk.services.bundle_import import counted, stamp_day
from sgdesk.services.bundle_keys import identities_from_key_file
from sgdesk.services.bundle_reading import OpenedBundle, open_bundle
from sgdesk.services.handover_import import create_store_from_handover
from sgdesk.services.locations import AppLocations
from sgdesk.services.session import UnlockResult
from sgdesk.services.store_creation import NewStoreDetails
from sgdesk.ui.bundle_task import BundleTask, choose_open_path, read_bundle_file
from sgdesk.ui.dialogs.new_store_wizard import NewStoreWizard
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import FieldErrors, InlineForm, wrapped_label
from sgdesk.ui.worker import DbWorker

KEY_FILE_FILTER = "age key files (*.txt *.key);;All files (*)"
_PASSPHRASE_REASONS = frozenset({"needs_passphrase", "wrong_passphrase"})


def handover_summary(bundle: OpenedBundle) -> str:
    """What the handover holds, in a sentence, for the person to recognise it."""
    manifest = bundle.manifest
    pupils = counted(manifest.counts.get("pupils", 0), "pupil")
    concerns = counted(manifest.counts.get("concerns", 0), "concern")
    return (f"Handover from {manifest.school}, made {stamp_day(manifest.created_at)} by "
            f"{manifest.created_by}: {pupils} and {concerns}, with every "
            "version and the audit trail. Checked: nothing is missing or altered.")


class HandoverBundlePage(QWizardPage):
    """Page 1: which file, and what opens it. Next opens and checks it."""

    def __init__(self, worker: DbWorker) -> None:
        super().__init__()
        self.bundle: OpenedBundle | None = None
        self.setTitle("The handover file")
        self.setSubTitle("Choose the file the previous DSL made for you, and give the "
                         "passphrase or key file that opens it. Your own user name and "
                         "password come next: nobody's old password travels.")
        layout = QVBoxLayout(self)
        self.form = InlineForm()
        form = self.form
        self.path = QLineEdit()
        self.path.setPlaceholderText("handover-….age")
        self.choose_button = QPushButton("C&hoose…")
        self.choose_key_button = QPushButton("Choose &key file…")
        self.form.add_field("file", "Handover &file:", self.path, beside=self.choose_button)
        self.passphrase = form.add_field(
            "passphrase", "Pass&phrase:", QLineEdit(),
            hint="The passphrase the previous DSL gave you separately.")
        self.passphrase.setDragEnabled(False)
        self.key_file = form.add_field(
            "key_file", "Or a &key file:", QLineEdit(), beside=self.choose_key_button,
            hint="Only if the handover was made for your age public key: the key file "
                 "made with age-keygen (it holds a line starting AGE-SECRET-KEY-1).")
        layout.addWidget(form)
        layout.addStretch(1)
        self.summary = wrapped_label()
        self.summary.setAccessibleName("The handover")
        self.summary.hide()
        layout.addWidget(self.summary)
        self.task = BundleTask(worker)
        layout.addWidget(self.task)
        form.set_validator(self._errors)
        form.changed.connect(self.completeChanged)
        for edit in (self.path, self.passphrase, self.key_file):
            edit.textChanged.connect(lambda _t: self._forget())
        self.choose_button.clicked.connect(self._choose_file)
        self.choose_key_button.clicked.connect(self._choose_key_file)

    def isComplete(self) -> bool:
        return not self.task.running and self.form.is_valid()

    def validatePage(self) -> bool:
        """Next: go on once the handover has been opened; else open it now and go on
        by itself when that works."""
        if self.bundle is not None:
            return True
        self.form.touch_all()
        if self.form.is_valid() and not self.task.running:
            self._open()
        return False

    def _errors(self) -> FieldErrors:
        errors: FieldErrors = {}
        if not self.path.text().strip():
            errors["file"] = "Choose the handover file."
        if self.passphrase.text() and self.key_file.text().strip():
            errors["key_file"] = ("Give the passphrase or a key file, not both: a handover "
                                  "is protected by one of them.")
        return errors

    def _open(self) -> None:
        path = Path(self.path.text().strip()).expanduser()
        key_file = self.key_file.text().strip()
        passphrase = self.passphrase.text()

        def job(progress: StageProgress, cancelled: IsCancelled) -> OpenedBundle:
            identities = identities_from_key_file(Path(key_file).expanduser()) \
                if key_file else ()
            data = read_bundle_file(path)
            return open_bundle(data, identities=identities, passphrase=passphrase or None,
                               progress=progress, cancelled=cancelled)

        self.form.set_message("")
        self._set_working(True)
        self.task.start("Reading the file", job, self._opened, self._failed)

    def _opened(self, bundle: Any) -> None:
        self._set_working(False)
        if bundle.manifest.kind is not BundleKind.HANDOVER:
            self.form.show_error("file", f"This bundle is a {bundle.manifest.kind.label.lower()}"
                                 ", not a handover of a whole store. Set up or open your "
                                 "store first, then import it with File \u2192 Import bundle.")
            return
        self.bundle = bundle
        self.summary.setText(handover_summary(bundle))
        self.summary.show()
        wizard = self.wizard()
        assert isinstance(wizard, HandoverSetupWizard)
        wizard.handover_opened(bundle)
        wizard.next()
        wizard.details_page.display_name.setFocus()  # the school's name is the handover's

    def _failed(self, exc: BaseException) -> None:
        self._set_working(False)
        field, message = "file", describe(exc)
        if isinstance(exc, InvalidInput) and exc.field == "key_file":
            field = "key_file"
        elif isinstance(exc, BundleRefused) and exc.reason in _PASSPHRASE_REASONS:
            field = "passphrase"
        elif isinstance(exc, BundleRefused) and exc.reason == "wrong_key":
            field = "key_file"
            message = ("The key in that file does not open this handover: it was made for "
                       "another key. Ask the previous DSL which public key they used."
                       if self.key_file.text().strip() else
                       "This handover was made for an age key, not a passphrase. Choose the "
                       "key file that holds your secret key (made with age-keygen).")
        elif not isinstance(exc, BundleRefused):
            self.form.set_message(message)
            return
        self.form.show_error(field, message)

    def _forget(self) -> None:
        """Something changed: the handover must be opened again, and what the last
        try said no longer holds (it depended on all three fields)."""
        self.bundle = None
        self.summary.hide()
        for name in ("file", "passphrase", "key_file"):
            self.form.clear_error(name)

    def _set_working(self, working: bool) -> None:
        """While opening, the progress line's Cancel is the only one shown."""
        self.form.setEnabled(not working)
        self.wizard().button(QWizard.WizardButton.CancelButton).setVisible(not working)
        self.completeChanged.emit()

    def _choose_file(self) -> None:
        chosen = choose_open_path(self, "Choose the handover file", _start(self.path))
        if chosen is not None:
            self.path.setText(str(chosen))
            self.form.clear_error("file")

    def _choose_key_file(self) -> None:
        chosen = choose_open_path(self, "Choose your age key file", _start(self.key_file),
                                  KEY_FILE_FILTER)
        if chosen is not None:
            self.key_file.setText(str(chosen))
            self.form.clear_error("key_file")


def _start(field: QLineEdit) -> Path:
    return Path(field.text().strip() or str(Path.home())).expanduser()


class HandoverSetupWizard(NewStoreWizard):
    """The New store wizard with the handover page first; the store it makes holds
    the handed-over records, and the new DSL is signed in to it."""

    def __init__(self, worker: DbWorker, default_path: Path,
                 locations: AppLocations | None = None, parent: QWidget | None = None) -> None:
        self.bundle_page = HandoverBundlePage(worker)
        super().__init__(worker, default_path, parent, first_page=self.bundle_page)
        self._locations = locations
        self.setWindowTitle("New store from a handover")
        self.setButtonText(self.WizardButton.FinishButton, "&Set up store")

    def handover_opened(self, bundle: OpenedBundle) -> None:
        """The school is the handover's; the account is the new DSL's own."""
        page = self.details_page
        page.school_name.setText(bundle.manifest.school)
        page.school_name.setReadOnly(True)
        page.setTitle("Your account")
        page.setSubTitle(f"You take over {bundle.manifest.school}'s records as its Designated "
                         "Safeguarding Lead. Choose your own user name and password: "
                         "nobody's old password comes across.")

    def reject(self) -> None:
        """Cancel while the handover is being opened stops that first."""
        self.bundle_page.task.cancel()
        super().reject()

    def creation_job(self, path: Path, details: NewStoreDetails,
                     recovery_key: bytes) -> Callable[[], UnlockResult]:
        bundle, locations = self.bundle_page.bundle, self._locations
        assert bundle is not None  # the handover page opened it before this page
        return lambda: create_store_from_handover(path, bundle, details, recovery_key,
                                                  locations=locations)

"""This school's public key: shown, copied and printed for partners.

Partners encrypt files to this key so that only this store can open them. The key
is public, so the dialog shows it in full, copies it, and prints or saves a sheet
with a QR code (no password is offered for that PDF: it is meant to be shared).
Reading the key, and rendering the sheet, run on the database worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from sgdesk.services.pdf.public_key_sheet import public_key_sheet_pdf
from sgdesk.services.school_identity import school_public_key
from sgdesk.services.session import Session
from sgdesk.ui.clipboard_guard import clipboard_guard
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    HINT_COLOUR,
    add_status_lines,
    dialog_layout,
    monospace_font,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.pdf_output import print_pdf, save_pdf
from sgdesk.ui.worker import DbWorker

#: Names no school: the file may be listed in recent documents and folders.
KEY_SHEET_FILE_NAME = "school-public-key.pdf"


def _intro(school: str) -> str:
    return (f"Partner agencies and schools use this key to send encrypted files to {school}. "
            "It is safe to share: it can lock files for this school, but it cannot open "
            "anything.")


class SchoolKeyDialog(QDialog):
    """The school's ``age1…`` key in a read-only field, with Copy, Print and Save."""

    def __init__(self, worker: DbWorker, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._school = ""
        self.setWindowTitle("This school's public key")
        layout = dialog_layout(self, width=640)
        self.intro = wrapped_label(_intro("this school"))
        layout.addWidget(self.intro)
        layout.addSpacing(8)

        caption = QLabel("&Public key:")
        self.key_field = QLineEdit()
        self.key_field.setReadOnly(True)
        self.key_field.setFont(monospace_font())
        self.key_field.setAccessibleName("This school's public key")
        self.key_field.setPlaceholderText("Reading the key…")
        self.key_field.setMinimumWidth(
            self.key_field.fontMetrics().horizontalAdvance("m" * 64) + 12)
        caption.setBuddy(self.key_field)
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setToolTip("Copy the key to paste into an email or letter")
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_field, 1)
        key_row.addWidget(self.copy_button)
        layout.addWidget(caption)
        layout.addLayout(key_row)
        self.note = wrapped_label(colour=HINT_COLOUR)
        self.note.hide()
        layout.addWidget(self.note)
        layout.addWidget(wrapped_label(
            "Before a partner relies on the key, they should check it with you, for example "
            "by reading the first and last lines of the key on the key sheet to you over the "
            "phone.",
            HINT_COLOUR))
        self.message, self.busy = add_status_lines(layout)

        buttons = QHBoxLayout()
        self.print_button = QPushButton("P&rint key sheet…")
        self.save_button = QPushButton("&Save key sheet as PDF…")
        for button in (self.copy_button, self.print_button, self.save_button):
            button.setAutoDefault(False)
            button.setEnabled(False)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        self.copy_button.clicked.connect(self.copy_key)
        self.print_button.clicked.connect(
            lambda: self._with_sheet(lambda data: self._printed(print_pdf(self, data)),
                                     "Preparing the key sheet to print…"))
        self.save_button.clicked.connect(
            lambda: self._with_sheet(self._save, "Preparing the key sheet…"))
        self.key_field.setFocus()
        self._load()

    @property
    def public_key(self) -> str:
        return self.key_field.text()

    def copy_key(self) -> None:
        clipboard_guard().copy(self.public_key)
        self._show_note("Copied. Paste it into your message to the partner.")

    # -- loading --------------------------------------------------------------------
    def _load(self) -> None:
        session = self._session
        self.busy.start("Reading the key…")
        self._worker.run(lambda: (session.school_name, school_public_key(session)),
                         on_done=while_alive(self, self._show_key),
                         on_error=while_alive(self, self._failed))

    def _show_key(self, loaded: Any) -> None:
        self._school, key = loaded
        self.busy.stop()
        self.key_field.setText(key)
        self.key_field.setPlaceholderText("")
        self.key_field.selectAll()
        self.intro.setText(_intro(self._school))
        self._enable(True)

    # -- the sheet ------------------------------------------------------------------
    def _with_sheet(self, use: Callable[[bytes], object], busy_text: str) -> None:
        """Render the key sheet on the worker, then hand it to ``use``."""
        school, key = self._school, self.public_key
        produced_by = self._session.user.display_name

        def done(data: Any) -> None:
            self.busy.stop()
            self._enable(True)
            use(data)

        self._show_note("")
        self._enable(False)
        self.busy.start(busy_text)
        self._worker.run(lambda: public_key_sheet_pdf(school, key, produced_by),
                         on_done=while_alive(self, done),
                         on_error=while_alive(self, self._failed))

    def _printed(self, sent: bool) -> None:
        if sent:
            self._show_note("The key sheet was sent to the printer.")

    def _save(self, data: bytes) -> None:
        saved = save_pdf(self, data, KEY_SHEET_FILE_NAME, offer_password=False)
        if saved is not None:
            self._show_note(f"Saved as {saved}.")

    # -- state ----------------------------------------------------------------------
    def _failed(self, exc: BaseException) -> None:
        self.busy.stop()
        self._enable(bool(self.public_key))
        self.message.setText(describe(exc))
        self.message.show()

    def _enable(self, enabled: bool) -> None:
        for button in (self.copy_button, self.print_button, self.save_button):
            button.setEnabled(enabled)

    def _show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

"""File → Hand over to a new DSL…: the whole store in one encrypted file.

The DSL chooses how the file is protected — a passphrase (sgdesk suggests a
strong one, to be written down and given separately) or the new DSL's public
key, pasted or picked from the address book — and where it goes. The export
runs on the database worker with a progress bar and a Cancel button; cancelling
leaves no file behind. The file's name says nothing about the school's pupils.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from sgdesk.services.handover_export import export_handover
from sgdesk.services.locations import AppLocations
from sgdesk.services.session import Session
from sgdesk.ui.bundle_protection import ExportPanel
from sgdesk.ui.form_helpers import dialog_layout
from sgdesk.ui.worker import DbWorker

INTRO = ("A handover puts this whole store into one encrypted file for the DSL who takes "
         "over from you: every record and every version, the audit trail, settings, "
         "templates and the address book. They set up sgdesk from it with their own "
         "password; nobody's password or recovery key goes in the file.")


class HandoverExportDialog(QDialog):
    """Choose the protection and the file, then export with progress and Cancel."""

    def __init__(self, worker: DbWorker, session: Session, locations: AppLocations | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._locations = locations
        self.setWindowTitle("Hand over to a new DSL")
        layout = dialog_layout(self, INTRO, width=640)
        self.panel = ExportPanel(
            worker, session, key_label="The new DSL's public &key",
            key_hint="The age1… key the new DSL gave you (they can make one with "
                     "age-keygen). Check it with them, for example by phone.",
            file_stem="handover", caption="Save the handover as")
        layout.addWidget(self.panel, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(
            "&Save handover", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.export_button.setDefault(True)  # once in the dialog, so Return presses it
        self.panel.working_changed.connect(self._working)
        self.panel.exported.connect(self._exported)
        self.panel.protection.passphrase.setFocus()

    def export(self) -> None:
        """Check the form, then export on the worker with progress and Cancel."""
        session, locations = self._session, self._locations
        self.panel.start("Reading records", lambda dest, encryption, progress, cancelled:
                         export_handover(session, dest, encryption, locations=locations,
                                         progress=progress, cancelled=cancelled))

    def _exported(self, written: Any) -> None:
        self.export_button.hide()
        close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        close.setText("Close")
        self.panel.show_outcome(self.panel.done_text("handover", written, "the new DSL")
                                + " They choose File \u2192 New store from a handover… to set "
                                "up from it.")
        close.setFocus()

    def _working(self, working: bool) -> None:
        """While exporting, the progress line's Cancel is the only way out."""
        self.buttons.setVisible(not working)
        if not working and self.panel.written is None:
            self.export_button.setFocus()

"""Settings: when the store locks itself, and quick unlock with the system keyring.

The idle time is a store-wide rule the DSL sets; quick unlock is each user's own
choice for this computer, off by default, and simply unavailable (said plainly)
where the computer has no keyring.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QSizePolicy, QSpinBox, QWidget

from sgdesk.models.errors import InvalidInput, KeyringUnavailable
from sgdesk.services import preferences, users
from sgdesk.services.session import Session
from sgdesk.ui.form_helpers import FormPanel, dialog_layout
from sgdesk.ui.worker import DbWorker

KEYRING_NOT_AVAILABLE = ("Not available on this computer: it has no system keyring sgdesk "
                         "can use. Nothing was changed.")


class SettingsDialog(QDialog):
    """Idle lock minutes and quick unlock. Emits :attr:`idle_minutes_changed` after a
    new idle time is saved, so the running idle timer can follow it."""

    idle_minutes_changed = Signal(int)

    def __init__(self, worker: DbWorker, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._saved: tuple[int, bool] = (preferences.DEFAULT_IDLE_LOCK_MINUTES, False)
        self.setWindowTitle("Settings")
        layout = dialog_layout(self)
        self.panel = FormPanel("&Save")
        form = self.panel.form
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(1, preferences.MAX_IDLE_LOCK_MINUTES)
        self.idle_minutes.setValue(preferences.DEFAULT_IDLE_LOCK_MINUTES)
        self.idle_minutes.setSuffix(" minutes")
        self.idle_minutes.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        can_set_idle = session.user.role.can_manage_users
        self.idle_minutes.setEnabled(can_set_idle)
        form.add_field("idle_lock_minutes", "&Lock after idle for:", self.idle_minutes,
                       hint="sgdesk locks itself when nobody has used it for this long."
                       if can_set_idle else
                       "Only the Designated Safeguarding Lead can change this.")
        self.quick_unlock = QCheckBox("&Quick unlock with this computer's keyring")
        form.add_field("quick_unlock", "", self.quick_unlock,
                       hint="Unlock without typing your password, on this computer only, "
                            "while you are signed in to it. Anyone who can use your "
                            "computer account could then open the store.")
        layout.addWidget(self.panel)
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.reject)
        self.panel.run(worker, lambda: (preferences.idle_lock_minutes(session),
                                        users.has_quick_unlock(session)),
                       self._show_saved, busy_text="Loading settings…")

    def _show_saved(self, saved: Any) -> None:
        self._saved = saved
        minutes, quick = saved
        self.idle_minutes.setValue(minutes)
        self.quick_unlock.setChecked(quick)

    def _save(self) -> None:
        session = self._session
        old_minutes, had_quick = self._saved
        minutes, quick = self.idle_minutes.value(), self.quick_unlock.isChecked()

        def apply() -> None:
            # Quick unlock first: if the keyring fails, nothing at all has changed.
            if quick and not had_quick:
                try:
                    users.enable_quick_unlock(session)
                except KeyringUnavailable as exc:
                    raise InvalidInput(KEYRING_NOT_AVAILABLE, field="quick_unlock") from exc
            elif had_quick and not quick:
                users.disable_quick_unlock(session)
            if minutes != old_minutes:
                preferences.set_idle_lock_minutes(session, minutes)

        def saved(_none: object) -> None:
            self._saved = (minutes, quick)
            if minutes != old_minutes:
                self.idle_minutes_changed.emit(minutes)
            self.accept()

        self.panel.run(self._worker, apply, saved, busy_text="Saving…",
                       on_error=lambda _exc: self.quick_unlock.setChecked(had_quick))

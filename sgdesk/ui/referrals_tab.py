"""The Referrals tab of a pupil's record: each referral made for the pupil, where it
stands (draft or final, sent, decision due, feedback or how overdue it is, chases
and escalations), and the way into drafting and tracking.

Only the DSL and deputies start referrals and record what happened; anyone who can
read the file can open one read-only. LADO referrals are about an adult and are
started from the staff-allegation register, never here. Every read and write runs
on the database worker; :attr:`changed` says something was saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QVBoxLayout, QWidget

from sgdesk.models.referrals import ReferralKind
from sgdesk.services import referrals
from sgdesk.services.concerns import REVIEWER_ROLES
from sgdesk.services.referrals import ReferralRecord
from sgdesk.services.session import Session
from sgdesk.ui.body_maps_tab import fill_table, read_only_table
from sgdesk.ui.dialogs.referral_dialog import ReferralDialog
from sgdesk.ui.dialogs.referral_tracking_dialog import (
    ReferralTrackingDialog,
    due_text,
    feedback_text,
    follow_ups_text,
    sending_text,
)
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import (
    HINT_COLOUR,
    add_status_lines,
    while_alive,
    wrapped_label,
)
from sgdesk.ui.record_text import day_text
from sgdesk.ui.worker import DbWorker

#: The kinds started from a pupil's file (LADO comes from the adult register).
PUPIL_KINDS = tuple(kind for kind in ReferralKind if kind.about_a_pupil)
FEEDBACK_COLUMN = 5


@dataclass(frozen=True)
class _Listing:
    records: list[ReferralRecord]
    today: date


def referral_row(record: ReferralRecord, today: date) -> tuple[str, ...]:
    """One line of the list, as the DSL reads it."""
    tracking = record.tracking
    return (record.content.kind.label, "Final" if record.state == "final" else "Draft",
            day_text(record.created_at.astimezone().date()), sending_text(tracking.sending),
            due_text(record.decision_due) or "—", feedback_text(record, today),
            follow_ups_text(tracking))


class ReferralsTab(QWidget):
    """A pupil's referrals: the list, and buttons to start, open and track them."""

    changed = Signal()

    HEADINGS = ("Kind", "State", "Started", "Sent", "Decision due", "Feedback",
                "Chases and escalations")

    def __init__(self, worker: DbWorker, session: Session, pupil_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._pupil_id = pupil_id
        self._listing = _Listing([], date.min)
        self.can_record = session.user.role in REVIEWER_ROLES
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped_label(
            "Referrals made for this pupil. Open one to read or finish the draft and print "
            "the form or letter; record how it was sent, the feedback, chases and escalations "
            "as they happen. LADO referrals are started from the adult register."
            if self.can_record else
            "Referrals made for this pupil. You can open and read them; only the DSL and "
            "deputies start referrals and record what happened.", HINT_COLOUR))
        self.message, self.busy = add_status_lines(layout)

        self.table = read_only_table(self.HEADINGS, FEEDBACK_COLUMN)
        self.table.setAccessibleName("This pupil's referrals, newest first")
        self.table.setWordWrap(True)
        self.empty = wrapped_label("No referrals have been made for this pupil.", HINT_COLOUR)
        self.empty.hide()
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)

        self.start_button = QPushButton("S&tart a referral…")
        self.start_menu = QMenu(self.start_button)
        for kind in PUPIL_KINDS:
            action = self.start_menu.addAction(kind.label)
            action.triggered.connect(lambda _checked=False, k=kind: self.start(k))
        self.start_button.setMenu(self.start_menu)
        self.open_button = QPushButton("&Open…")
        self.open_button.setToolTip("Enter, or double-click the referral")
        self.sending_button = QPushButton("Record &sending…")
        self.feedback_button = QPushButton("Record &feedback…")
        self.chase_button = QPushButton("&Chase or escalate…")
        buttons = QHBoxLayout()
        for button in (self.start_button, self.open_button, self.sending_button,
                       self.feedback_button, self.chase_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        for button in (self.start_button, self.sending_button, self.feedback_button,
                       self.chase_button):
            button.setVisible(self.can_record)

        self.open_button.clicked.connect(self.open_selected)
        self.sending_button.clicked.connect(lambda: self.track_selected("sending"))
        self.feedback_button.clicked.connect(lambda: self.track_selected("feedback"))
        self.chase_button.clicked.connect(lambda: self.track_selected("follow_up"))
        self.table.activated.connect(lambda _index: self.open_selected())
        self.table.selectionModel().currentRowChanged.connect(
            lambda _now, _before: self._update_buttons())
        self._update_buttons()
        self.reload()

    @property
    def records(self) -> list[ReferralRecord]:
        """The referrals as listed, newest first."""
        return list(self._listing.records)

    def selected(self) -> ReferralRecord | None:
        row = self.table.currentRow()
        records = self._listing.records
        return records[row] if 0 <= row < len(records) else None

    # -- reading ------------------------------------------------------------------------
    def reload(self) -> None:
        session, pupil_id = self._session, self._pupil_id

        def read() -> _Listing:
            return _Listing(referrals.referrals_for_pupil(session, pupil_id)[::-1],
                            session.db.clock().astimezone().date())

        self.busy.start("Reading referrals…")
        self._worker.run(read, on_done=while_alive(self, self._loaded),
                         on_error=while_alive(self, self._failed))

    def _loaded(self, listing: _Listing) -> None:
        self.busy.stop()
        self.message.hide()
        chosen = self.selected()
        self._listing = listing
        fill_table(self.table, [referral_row(r, listing.today) for r in listing.records])
        bold = QFont(self.table.font())
        bold.setBold(True)
        for row, record in enumerate(listing.records):
            if record.feedback_overdue(listing.today):
                self.table.item(row, FEEDBACK_COLUMN).setFont(bold)
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(listing.records))
        self.empty.setVisible(not listing.records)
        if listing.records:
            ids = [r.id for r in listing.records]
            self.table.selectRow(ids.index(chosen.id) if chosen and chosen.id in ids else 0)
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self.busy.stop()
        self.message.setText(f"The referrals could not be read. {describe(exc)}")
        self.message.show()

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for button in (self.open_button, self.sending_button, self.feedback_button,
                       self.chase_button):
            button.setEnabled(chosen)

    # -- starting, opening, tracking ----------------------------------------------------
    def start(self, kind: ReferralKind) -> None:
        """Start a draft of ``kind`` on the worker, then open it in the editor."""
        if not self.can_record or self.busy.active:
            return
        session, pupil_id = self._session, self._pupil_id
        self.busy.start("Starting the referral…")
        self._worker.run(lambda: referrals.start_referral(session, kind, pupil_id=pupil_id),
                         on_done=while_alive(self, self._started),
                         on_error=while_alive(self, self._start_failed))

    def _started(self, referral_id: str) -> None:
        self.busy.stop()
        self.reload()
        self.changed.emit()
        self.open_referral(referral_id)

    def _start_failed(self, exc: BaseException) -> None:
        self.busy.stop()
        self.message.setText(f"The referral was not started. {describe(exc)}")
        self.message.show()

    def open_selected(self) -> None:
        record = self.selected()
        if record is not None:
            self.open_referral(record.id)

    def open_referral(self, referral_id: str) -> ReferralDialog:
        dialog = ReferralDialog(self._worker, self._session, referral_id, parent=self)
        self._show_dialog(dialog)
        return dialog

    def track_selected(self, section: str) -> ReferralTrackingDialog | None:
        record = self.selected()
        if record is None or not self.can_record:
            return None
        dialog = ReferralTrackingDialog(self._worker, self._session, record.id, parent=self)
        dialog.focus_section(section)
        self._show_dialog(dialog)
        return dialog

    def _show_dialog(self, dialog: ReferralDialog | ReferralTrackingDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _id: (self.reload(), self.changed.emit()))
        dialog.open()

"""The records workspace shown while a store is unlocked: the search box across the
top, the pupil list on the left, and on the right the home view, a pupil's record
or the search results.

Keyboard first: Ctrl+F goes to the search box (Down moves into the results, Enter
opens the first, Esc clears it), Alt+H goes home, Ctrl+N logs a concern for the
open pupil. Every read runs on the database worker; :meth:`clear` empties every
widget when the store locks.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.sendco import SendcoRecordKind
from sgdesk.models.sharing import TransferAwaiting
from sgdesk.models.users import Role
from sgdesk.services import drafts, pupils
from sgdesk.services.concerns import REVIEWER_ROLES
from sgdesk.services.drafts import WaitingDraft
from sgdesk.services.home import HomeReading, read_home
from sgdesk.services.sendco_input import SendcoRequestEntry
from sgdesk.services.session import Session
from sgdesk.ui.drafts import DraftableDialog
from sgdesk.ui.error_text import describe
from sgdesk.ui.home_view import HomeDetails, HomeView
from sgdesk.ui.pupil_list_view import PupilListView
from sgdesk.ui.pupil_record_view import (
    CASEWORK_TAB,
    CONCERNS_TAB,
    PupilRecordView,
    open_concern_dialog,
)
from sgdesk.ui.search_view import SearchView
from sgdesk.ui.worker import DbWorker


class RecordsWorkspace(QWidget):
    """Emits :attr:`problem` with words for the status bar when a read failed."""

    problem = Signal(str)

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session: Session | None = None
        #: Bumped on start and clear, so answers for an earlier session are dropped.
        self._generation = 0

        self.home_action = self._action("&Home", "Alt+H", self.show_home)
        self.find_action = self._action("&Find…", QKeySequence.StandardKey.Find,
                                        self.focus_search)
        self.log_concern_action = self._action("&Log a concern…", "Ctrl+N",
                                               self._log_concern)
        self.add_pupil_action = self._action("&Add pupil…", None, self.add_pupil)

        self.home_button = QToolButton()
        self.home_button.setDefaultAction(self.home_action)
        self.home_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.home_button.setToolTip("Back to the home view (Alt+H)")
        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText("Search pupils and concerns (Ctrl+F)")
        self.search_field.setAccessibleName("Search pupils and concerns")
        self.search_field.setClearButtonEnabled(True)
        top = QHBoxLayout()
        top.addWidget(self.home_button)
        top.addWidget(self.search_field, 1)

        self.pupil_list = PupilListView()
        self.home_view = HomeView()
        self.record_view = PupilRecordView(worker)
        self.search_view = SearchView(worker, self.pupil_list.name_of)
        self.right = QStackedWidget()
        for page in (self.home_view, self.record_view, self.search_view):
            self.right.addWidget(page)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.pupil_list)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 700])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.search_field.textChanged.connect(self._search_changed)
        self.search_field.installEventFilter(self)
        self.search_field.returnPressed.connect(self.search_view.open_first)
        self.pupil_list.pupil_chosen.connect(self.open_pupil)
        self.pupil_list.add_requested.connect(self.add_pupil)
        self.search_view.pupil_chosen.connect(self.open_pupil)
        self.search_view.concern_chosen.connect(self._open_found_concern)
        self.home_view.concern_chosen.connect(self._open_home_concern)
        self.home_view.referral_chosen.connect(self._open_home_referral)
        self.home_view.draft_chosen.connect(self._open_draft)
        self.home_view.case_chosen.connect(self._open_home_case)
        self.home_view.retention_chosen.connect(self.open_retention)
        self.home_view.access_request_chosen.connect(self.open_access_request)
        self.home_view.sendco_chosen.connect(self._open_sendco_request)
        self.home_view.transfer_chosen.connect(self._open_home_transfer)
        self.record_view.changed.connect(self.refresh)
        self.right.currentChanged.connect(self._set_actions_enabled)
        self._set_actions_enabled()

    def _action(self, text: str, shortcut: str | QKeySequence.StandardKey | None,
                slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    @property
    def actions_for_menu(self) -> list[QAction]:
        return [self.home_action, self.find_action, self.log_concern_action,
                self.add_pupil_action]

    # -- session ----------------------------------------------------------------------
    def start(self, session: Session, details: HomeDetails) -> None:
        """Show the home view for a freshly unlocked session and read the lists."""
        self._session = session
        self._generation += 1
        self.home_view.show_details(details)
        self.record_view.start(session)
        self.search_view.start(session)
        self.pupil_list.add_button.setVisible(session.user.role.can_write)
        self.right.setCurrentWidget(self.home_view)
        self._set_actions_enabled()
        self.refresh()

    def refresh(self) -> None:
        """Re-read the pupil list and the home lists (after anything was saved)."""
        session = self._session
        if session is None:
            return
        self._worker.run(lambda: pupils.list_pupils(session),
                         on_done=self._while_current(self.pupil_list.set_entries),
                         on_error=self._while_current(self._report))
        self._worker.run(lambda: read_home(session),
                         on_done=self._while_current(self._show_home),
                         on_error=self._while_current(self._report))

    def clear(self) -> None:
        """Empty every view: no child's data stays in the widget tree once locked."""
        self._session = None
        self._generation += 1
        self.search_field.clear()
        self.search_view.clear()
        self.pupil_list.clear()
        self.record_view.clear()
        self.home_view.clear()
        self.right.setCurrentWidget(self.home_view)
        self._set_actions_enabled()

    def _while_current[T](self, show: Callable[[T], None]) -> Callable[[T], None]:
        """A worker callback that does nothing if the session ended (or restarted)
        since the job was queued."""
        generation = self._generation

        def call(value: T) -> None:
            if generation == self._generation:
                show(value)

        return call

    def _show_home(self, found: HomeReading) -> None:
        if self._session is not None:
            self.home_view.show_lists(found.lists, self._session.user.role in REVIEWER_ROLES)
            self.home_view.show_overdue_referrals(found.overdue_referrals)
            self.home_view.show_drafts(found.drafts)
            self.home_view.show_clocks(found.clocks)
            self.home_view.show_transfers(found.transfers)
            self.home_view.show_retention(found.retention)
            self.home_view.show_access_requests(found.access_requests)
            self.home_view.show_sendco_input(found.sendco_asked, found.sendco_answered,
                                             self._session.user.role is Role.SENDCO)

    def _report(self, exc: BaseException) -> None:
        self.problem.emit(describe(exc))

    def _set_actions_enabled(self) -> None:
        session = self._session
        writer = session is not None and session.user.role.can_write
        for action in (self.home_action, self.find_action):
            action.setEnabled(session is not None)
        self.add_pupil_action.setEnabled(writer)
        self.log_concern_action.setEnabled(writer and self._record_shown())

    def _record_shown(self) -> bool:
        return (self.right.currentWidget() is self.record_view
                and self.record_view.pupil_id is not None)

    # -- navigation -------------------------------------------------------------------
    def show_home(self) -> None:
        self.right.setCurrentWidget(self.home_view)

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def open_pupil(self, pupil_id: str, tab: int | None = None,
                   then_open_concern: str | None = None) -> None:
        self.record_view.show_pupil(pupil_id, tab, then_open_concern)
        self.right.setCurrentWidget(self.record_view)
        self._set_actions_enabled()  # the page may already have been showing

    def _open_found_concern(self, concern_id: str, pupil_ids: tuple[str, ...]) -> None:
        """A concern found by search opens on the open pupil's file if it involves
        them, else on the first child's."""
        current = self.record_view.pupil_id
        pupil_id = current if current in pupil_ids else pupil_ids[0]
        self.open_pupil(pupil_id, CONCERNS_TAB, concern_id)

    def _open_home_concern(self, concern_id: str, pupil_id: str) -> None:
        if self._session is not None:
            open_concern_dialog(self._worker, self._session, concern_id, pupil_id, self,
                                self._concern_changed)

    def _open_home_referral(self, referral_id: str, _pupil_id: str) -> None:
        from sgdesk.ui.dialogs.referral_tracking_dialog import ReferralTrackingDialog

        if self._session is None:
            return
        dialog = ReferralTrackingDialog(self._worker, self._session, referral_id, self)
        dialog.focus_section("follow_up")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _id: self._concern_changed())
        dialog.open()

    def _open_home_transfer(self, transfer: TransferAwaiting) -> None:
        """Record the receipt for a CP file sent (or, from there, open the pupil's file)."""
        from sgdesk.ui.dialogs.record_receipt_dialog import RecordReceiptDialog

        if self._session is None:
            return
        dialog = RecordReceiptDialog(self._worker, self._session, transfer, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda _id: self.refresh())
        dialog.pupil_file_wanted.connect(self.open_pupil)
        dialog.open()

    def open_retention(self, pupil_id: str = "") -> None:
        """The retention dialog (DSL), on ``pupil_id``'s file if given; a file
        destroyed there leaves every view at once."""
        from sgdesk.ui.dialogs.retention_dialog import RetentionDialog

        if self._session is None:
            return
        dialog = RetentionDialog(self._worker, self._session, self, select_pupil=pupil_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.refresh)
        dialog.pupil_destroyed.connect(self.forget_pupil)
        dialog.open()

    def open_access_request(self, sar_id: str = "") -> None:
        """The subject access requests, on ``sar_id`` if given."""
        from sgdesk.ui.dialogs.subject_access_dialog import SubjectAccessDialog

        if self._session is None:
            return
        dialog = SubjectAccessDialog(self._worker, self._session, self, select_id=sar_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()

    def _open_sendco_request(self, entry: SendcoRequestEntry) -> None:
        """The concern or case the question is about, on the pupil's file."""
        request = entry.request
        if request.record_kind is SendcoRecordKind.CONCERN:
            self.open_pupil(request.pupil_id, then_open_concern=request.record_id)
        else:
            self.open_pupil(request.pupil_id, CASEWORK_TAB)

    def forget_pupil(self, pupil_id: str) -> None:
        """A destroyed file: if it is on screen, go home; lists are read again."""
        if self.record_view.pupil_id == pupil_id:
            self.show_home()
        self.refresh()

    def _open_home_case(self, pupil_id: str) -> None:
        self.open_pupil(pupil_id, CASEWORK_TAB)

    def _open_draft(self, draft: WaitingDraft) -> None:
        """Open the form a kept draft belongs to; the form puts the draft back."""
        if self._session is None:
            return
        dialog = draft_form(self._worker, self._session, draft, self)
        if dialog is not None:
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.saved.connect(lambda *_: self._concern_changed())  # type: ignore[attr-defined]
            dialog.open()

    def _concern_changed(self) -> None:
        self.refresh()
        if self.record_view.pupil_id is not None:
            self.record_view.reload()

    def _log_concern(self) -> None:
        if self._record_shown():
            self.record_view.log_concern()

    def add_pupil(self) -> None:
        from sgdesk.ui.dialogs.pupil_form import PupilFormDialog

        if self._session is None or not self._session.user.role.can_write:
            return
        dialog = PupilFormDialog(self._worker, self._session, None, self)
        dialog.saved.connect(self._pupil_added)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _pupil_added(self, pupil_id: str) -> None:
        self.refresh()
        self.open_pupil(pupil_id)

    # -- search -----------------------------------------------------------------------
    def _search_changed(self, text: str) -> None:
        self.search_view.search(text)
        if text.strip():
            self.right.setCurrentWidget(self.search_view)
        elif self.right.currentWidget() is self.search_view:
            self.right.setCurrentWidget(self.record_view if self.record_view.pupil_id
                                        else self.home_view)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the search box: Down moves into the results, Esc clears the search."""
        if watched is self.search_field and isinstance(event, QKeyEvent) \
                and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down and self.search_view.model.rowCount():
                self.search_view.focus_results()
                return True
            if event.key() == Qt.Key.Key_Escape and self.search_field.text():
                self.search_field.clear()
                return True
        return super().eventFilter(watched, event)


def draft_form(worker: DbWorker, session: Session, draft: WaitingDraft,
               parent: QWidget) -> DraftableDialog | None:
    """The form ``draft`` was typed in, for the same record (new or amended)."""
    kind, ref = draft.kind, draft.ref
    pupil_id = drafts.kind_ref_pupil(kind, ref) or None
    if kind == "concern":
        from sgdesk.ui.dialogs.concern_form import ConcernFormDialog

        return (ConcernFormDialog(worker, session, pupil_id=pupil_id, parent=parent)
                if ref.startswith("new:") else
                ConcernFormDialog(worker, session, concern_id=ref, parent=parent))
    if kind == "review":
        from sgdesk.ui.dialogs.review_dialog import ReviewDialog

        return ReviewDialog(worker, session, ref, parent=parent)
    if kind == "body_map" and pupil_id:
        from sgdesk.ui.dialogs.body_map_dialog import BodyMapDialog

        concern_id = ref.split(":")[2] or None
        return BodyMapDialog(worker, session, pupil_id, concern_id=concern_id, parent=parent)
    if kind == "pupil":
        from sgdesk.ui.dialogs.pupil_form import PupilFormDialog

        return PupilFormDialog(worker, session, pupil_id, parent)
    if kind == "referral":
        from sgdesk.ui.dialogs.referral_dialog import ReferralDialog

        return ReferralDialog(worker, session, ref, parent)
    return None

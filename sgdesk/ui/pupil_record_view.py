"""One pupil's record: a header (name, date of birth, year, SEND, leaving, how long
the file is kept) and tabs — Profile, Concerns, and the tabs later work fills.

Opening a pupil is one job on the database worker that reads everything the view
needs (register entry, history, family, every concern on the file with the
label-leak rule applied); the view then fills its models at once. Answers to an
earlier opening are dropped if another pupil was asked for meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.pupils import Pupil, SendStatus
from sgdesk.services import concerns, pupils, retention
from sgdesk.services.concerns import ConcernEntry
from sgdesk.services.pupils import PupilRecord
from sgdesk.services.retention import FileRetention
from sgdesk.services.session import Session
from sgdesk.ui.concern_list_model import ConcernListModel
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import warn, while_alive
from sgdesk.ui.pdf_output import print_pdf, save_pdf
from sgdesk.ui.pupil_profile import build_profile
from sgdesk.ui.record_text import day_text, retention_text
from sgdesk.ui.worker import DbWorker

PROFILE_TAB, CONCERNS_TAB, BODY_MAPS_TAB, CHRONOLOGY_TAB, REFERRALS_TAB, CASEWORK_TAB = range(6)
CONCERN_LIST_PDF_NAME = "concern-list.pdf"

@dataclass(frozen=True)
class PupilFile:
    """Everything the record view shows, read in one worker job."""

    record: PupilRecord
    concerns: list[ConcernEntry]
    kept: FileRetention


def read_pupil_file(session: Session, pupil_id: str) -> PupilFile:
    """Worker job: the register entry with its history and family, the file's
    concerns as this pupil's file shows them, and its retention review date."""
    return PupilFile(pupils.get_pupil(session, pupil_id),
                     concerns.concerns_on_file(session, pupil_id),
                     retention.file_retention(session, pupil_id))


def summary_line(pupil: Pupil) -> str:
    """``Born 1 Jan 2013 · Year 8, form 8R · SEN support (K)``."""
    born = (f"Born {day_text(pupil.date_of_birth)}" if pupil.date_of_birth else
            f"Expected {day_text(pupil.expected_date_of_birth)}")
    year = f"Year {pupil.year_group}" if pupil.year_group.isdigit() else pupil.year_group
    school = ", ".join(t for t in (year, f"form {pupil.form}" if pupil.form else "") if t)
    send = pupil.send_status.label if pupil.send_status is not SendStatus.NONE else "No SEND"
    return " · ".join(t for t in (born, school, send) if t)


def leaving_line(pupil: Pupil) -> str:
    if pupil.date_left is None:
        return ""
    where = f" to {pupil.destination_school}" if pupil.destination_school else ""
    return f"Left on {day_text(pupil.date_left)}{where}."


def _plain(object_name: str = "") -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)
    return label


class PupilRecordView(QWidget):
    """Emits :attr:`changed` after anything on the record was saved (so the pupil
    list and home view refresh) and :attr:`pupil_opened` when a pupil is shown."""

    changed = Signal()
    pupil_opened = Signal(str)

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session: Session | None = None
        self._file: PupilFile | None = None
        self._wanted: str | None = None
        self._generation = 0
        self._then_open: str | None = None

        self.name = _plain("heading")
        self.name.setAccessibleName("Pupil")
        self.summary = _plain()
        self.left = _plain("banner")
        self.left.hide()
        self.retention = _plain("detail")
        self.message = _plain("error")
        self.message.hide()

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_profile_tab(), "Profile")
        self.tabs.addTab(self._build_concerns_tab(), "Concerns")
        self._case_to_show: str | None = None
        #: Tabs built for one pupil when chosen, so opening a pupil stays one worker job.
        self._pupil_tabs = {
            BODY_MAPS_TAB: PupilTab(self._body_maps_tab),
            CHRONOLOGY_TAB: PupilTab(self._chronology_tab),
            REFERRALS_TAB: PupilTab(self._referrals_tab),
            CASEWORK_TAB: PupilTab(self._casework_tab),
        }
        for index, title in ((BODY_MAPS_TAB, "Body maps"), (CHRONOLOGY_TAB, "Chronology"),
                             (REFERRALS_TAB, "Referrals"), (CASEWORK_TAB, "Casework")):
            self.tabs.addTab(self._pupil_tabs[index], title)
        self.tabs.currentChanged.connect(lambda _index: self._fill_pupil_tabs())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.name)
        layout.addWidget(self.summary)
        layout.addWidget(self.left)
        layout.addWidget(self.retention)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

    # -- building ---------------------------------------------------------------------
    def _build_profile_tab(self) -> QWidget:
        self.amend_button = QPushButton("A&mend details…")
        self.leaving_button = QPushButton("Record lea&ving…")
        self.family_button = QPushButton("Lin&k family…")
        self.amend_button.clicked.connect(self.amend_details)
        self.leaving_button.clicked.connect(self.record_leaving)
        self.family_button.clicked.connect(self.link_family)
        buttons = QHBoxLayout()
        for button in (self.amend_button, self.leaving_button, self.family_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.profile_scroll = QScrollArea()
        self.profile_scroll.setWidgetResizable(True)
        self.profile_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.profile_scroll.setAccessibleName("Register details")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(buttons)
        layout.addWidget(self.profile_scroll, 1)
        return tab

    def _build_concerns_tab(self) -> QWidget:
        self.concern_model = ConcernListModel()
        self.concern_table = QTableView()
        self.concern_table.setModel(self.concern_model)
        self.concern_table.setAccessibleName("Concerns on this pupil's file")
        self.concern_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.concern_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.concern_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.concern_table.setTabKeyNavigation(False)
        self.concern_table.setWordWrap(False)
        self.concern_table.verticalHeader().hide()
        header = self.concern_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(0)  # size to the rows in view, not thousands
        header.setStretchLastSection(True)
        self.concern_table.activated.connect(self._concern_activated)
        self.no_concerns = _plain("detail")
        self.no_concerns.setText("No concerns are on this pupil's file.")

        self.log_button = QPushButton("Log a &concern…")
        self.log_button.setToolTip("Ctrl+N")
        self.print_button = QPushButton("Prin&t concern list…")
        self.save_button = QPushButton("&Save concern list as PDF…")
        self.log_button.clicked.connect(self.log_concern)
        self.print_button.clicked.connect(lambda: self._concern_list_pdf(self._print))
        self.save_button.clicked.connect(lambda: self._concern_list_pdf(self._save))
        buttons = QHBoxLayout()
        buttons.addWidget(self.log_button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(buttons)
        layout.addWidget(self.no_concerns)
        layout.addWidget(self.concern_table, 1)
        return tab

    # -- state ------------------------------------------------------------------------
    @property
    def pupil_id(self) -> str | None:
        """The pupil shown (or being opened)."""
        return self._wanted

    @property
    def can_write(self) -> bool:
        return self._session is not None and self._session.user.role.can_write

    def start(self, session: Session) -> None:
        self._session = session
        for button in (self.amend_button, self.leaving_button, self.family_button,
                       self.log_button):
            button.setVisible(session.user.role.can_write)

    def show_pupil(self, pupil_id: str, tab: int | None = None,
                   then_open_concern: str | None = None) -> None:
        """Open ``pupil_id`` (one worker job), on ``tab`` if given, and then open a
        concern if asked. Asking again for the pupil being opened does nothing more."""
        if tab is not None:
            self.tabs.setCurrentIndex(tab)
        if pupil_id == self._wanted:
            loaded = self._file is not None and self._file.record.pupil.id == pupil_id
            if then_open_concern is not None and loaded:
                self.open_concern(then_open_concern)
            elif then_open_concern is not None:
                self._then_open = then_open_concern
            return
        self._wanted = pupil_id
        self._then_open = then_open_concern
        self.reload()

    def reload(self) -> None:
        session, pupil_id = self._session, self._wanted
        if session is None or pupil_id is None:
            return
        self._generation += 1
        generation = self._generation
        self._worker.run(lambda: read_pupil_file(session, pupil_id),
                         on_done=lambda found: self._show(generation, found),
                         on_error=lambda exc: self._failed(generation, exc))

    def clear(self) -> None:
        """Forget the pupil and the session: nothing about a child stays in the widget
        tree while the store is locked."""
        self._session = None
        self._file = None
        self._wanted = None
        self._then_open = None
        self._generation += 1
        for label in (self.name, self.summary, self.left, self.retention, self.message):
            label.clear()
        self.left.hide()
        self.message.hide()
        self._set_profile(QWidget())
        for tab in self._pupil_tabs.values():
            tab.show_pupil(None)
        self.concern_model.set_rows([])
        self.tabs.setTabText(CONCERNS_TAB, "Concerns")
        self.tabs.setCurrentIndex(PROFILE_TAB)

    # -- showing ----------------------------------------------------------------------
    def _show(self, generation: int, found: PupilFile) -> None:
        if generation != self._generation:
            return
        self._file = found
        pupil = found.record.pupil
        self.name.setText(pupil.display_name)
        self.summary.setText(summary_line(pupil))
        self.left.setText(leaving_line(pupil))
        self.left.setVisible(pupil.has_left)
        self.retention.setText(retention_text(found.kept))
        self.message.hide()
        self.leaving_button.setEnabled(not pupil.has_left)
        self._set_profile(build_profile(found.record, self.open_sibling))
        self.concern_model.set_rows(found.concerns)
        self.no_concerns.setVisible(not found.concerns)
        self.concern_table.setVisible(bool(found.concerns))
        for button in (self.print_button, self.save_button):
            button.setEnabled(bool(found.concerns))
        self.tabs.setTabText(CONCERNS_TAB, f"Concerns ({len(found.concerns)})")
        self._fill_pupil_tabs()
        self.pupil_opened.emit(pupil.id)
        concern_id, self._then_open = self._then_open, None
        if concern_id is not None:
            self.open_concern(concern_id)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._wanted = None  # asking for this pupil again tries again
            self.message.setText(describe(exc))
            self.message.show()

    def _set_profile(self, page: QWidget) -> None:
        old = self.profile_scroll.takeWidget()
        self.profile_scroll.setWidget(page)
        if old is not None:
            old.deleteLater()

    def _fill_pupil_tabs(self) -> None:
        """Build the chosen per-pupil tab for the pupil shown; drop any other tab's
        content that belongs to another pupil."""
        pupil_id = self._file.record.pupil.id if self._file and self._session else None
        for index, tab in self._pupil_tabs.items():
            if index == self.tabs.currentIndex():
                tab.show_pupil(pupil_id)
            elif tab.pupil_id != pupil_id:
                tab.show_pupil(None)  # never leave another pupil's records in the tree

    def _body_maps_tab(self, pupil_id: str) -> QWidget:
        from sgdesk.ui.body_maps_tab import BodyMapsTab

        return self._connected(BodyMapsTab(self._worker, self._live_session(), pupil_id))

    def _chronology_tab(self, pupil_id: str) -> QWidget:
        from sgdesk.ui.chronology_tab import ChronologyTab

        tab = ChronologyTab(self._worker, self._live_session(), pupil_id)
        tab.case_chosen.connect(self.open_case)
        return self._connected(tab)

    def _referrals_tab(self, pupil_id: str) -> QWidget:
        from sgdesk.ui.referrals_tab import ReferralsTab

        return self._connected(ReferralsTab(self._worker, self._live_session(), pupil_id))

    def open_case(self, pupil_id: str, case_id: str) -> None:
        """Show a case on its pupil's Casework tab (a sibling's from a family line)."""
        self.show_pupil(pupil_id, CASEWORK_TAB)
        self._fill_pupil_tabs()
        if pupil_id == self._pupil_tabs[CASEWORK_TAB].pupil_id:
            self._pupil_tabs[CASEWORK_TAB].content().show_case(case_id)  # type: ignore[attr-defined]
        else:  # the pupil is still being read: choose the case once the tab is built
            self._case_to_show = case_id

    def _casework_tab(self, pupil_id: str) -> QWidget:
        from sgdesk.ui.casework_tab import CaseworkTab

        tab = CaseworkTab(self._worker, self._live_session(), pupil_id)
        if self._case_to_show is not None:
            tab.show_case(self._case_to_show)
            self._case_to_show = None
        return self._connected(tab)

    def _live_session(self) -> Session:
        assert self._session is not None  # tabs are built only while a pupil is shown
        return self._session

    def _connected[T: QWidget](self, tab: T) -> T:
        tab.changed.connect(self._saved)  # type: ignore[attr-defined]
        return tab

    def open_sibling(self, pupil_id: str) -> None:
        self.show_pupil(pupil_id, PROFILE_TAB)

    # -- concerns ---------------------------------------------------------------------
    def _concern_activated(self, index: QModelIndex) -> None:
        entry = self.concern_model.entry(index.row())
        if entry is not None:
            self.open_concern(entry.id)

    def open_concern(self, concern_id: str) -> None:
        if self._session is not None and self._wanted is not None:
            open_concern_dialog(self._worker, self._session, concern_id, self._wanted, self,
                                self._saved)

    def log_concern(self) -> None:
        """Ctrl+N: a new concern with this pupil already added."""
        from sgdesk.ui.dialogs.concern_form import ConcernFormDialog

        if self._session is None or self._wanted is None or not self.can_write:
            return
        dialog = ConcernFormDialog(self._worker, self._session, pupil_id=self._wanted,
                                   parent=self)
        dialog.saved.connect(self._saved)
        _open(dialog)

    def _concern_list_pdf(self, deliver: Callable[[bytes], object]) -> None:
        """Build the concern list PDF on the worker, then print or save it."""
        from sgdesk.services.pdf.concern_report import concern_list_pdf

        session, pupil_id = self._session, self._wanted
        if session is None or pupil_id is None:
            return
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)

        def done(data: bytes) -> None:
            self._pdf_finished()
            deliver(data)

        def failed(exc: BaseException) -> None:
            self._pdf_finished()
            warn(self, "Concern list", exc)

        self._worker.run(lambda: concern_list_pdf(session, pupil_id),
                         on_done=while_alive(self, done), on_error=while_alive(self, failed))

    def _pdf_finished(self) -> None:
        for button in (self.print_button, self.save_button):
            button.setEnabled(bool(self.concern_model.rowCount()))

    def _print(self, data: bytes) -> None:
        print_pdf(self, data)

    def _save(self, data: bytes) -> None:
        save_pdf(self, data, CONCERN_LIST_PDF_NAME)

    # -- register details -------------------------------------------------------------
    def amend_details(self) -> None:
        from sgdesk.ui.dialogs.pupil_form import PupilFormDialog

        if self._session is not None and self._wanted is not None:
            dialog = PupilFormDialog(self._worker, self._session, self._wanted, self)
            dialog.saved.connect(self._saved)
            _open(dialog)

    def record_leaving(self) -> None:
        from sgdesk.ui.dialogs.leaving_dialog import LeavingDialog

        if self._session is not None and self._wanted is not None:
            dialog = LeavingDialog(self._worker, self._session, self._wanted, self)
            dialog.saved.connect(self._saved)
            _open(dialog)

    def link_family(self) -> None:
        from sgdesk.ui.dialogs.family_dialog import FamilyDialog

        if self._session is not None and self._wanted is not None:
            dialog = FamilyDialog(self._worker, self._session, self._wanted, self)
            dialog.saved.connect(self._saved)
            _open(dialog)

    def _saved(self, *_ignored: object) -> None:
        """Something on the record was saved: reread it, and let the other per-pupil
        tabs be built afresh when next chosen (a new concern changes the chronology)."""
        for index, tab in self._pupil_tabs.items():
            if index != self.tabs.currentIndex():
                tab.show_pupil(None)
        self.reload()
        self.changed.emit()


def open_concern_dialog(worker: DbWorker, session: Session, concern_id: str, pupil_id: str,
                        parent: QWidget, on_changed: Callable[[], object]) -> None:
    """Open a concern as ``pupil_id``'s file shows it; ``on_changed`` after a save."""
    from sgdesk.ui.concern_view import ConcernViewDialog

    dialog = ConcernViewDialog(worker, session, concern_id, pupil_id, parent)
    dialog.changed.connect(on_changed)
    _open(dialog)


def _open(dialog: QDialog) -> None:
    """Open without blocking (never ``exec``), so a lock can close it."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


class PupilTab(QWidget):
    """A tab whose content belongs to one pupil: built by ``build(pupil_id)`` when
    asked, replaced when the pupil changes, emptied when there is no pupil."""

    def __init__(self, build: Callable[[str], QWidget]) -> None:
        super().__init__()
        self._build = build
        self.pupil_id: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def content(self) -> QWidget | None:
        item = self.layout().itemAt(0)
        return item.widget() if item is not None else None

    def show_pupil(self, pupil_id: str | None) -> None:
        if pupil_id == self.pupil_id:
            return
        layout = self.layout()
        while (item := layout.takeAt(0)) is not None:
            if (old := item.widget()) is not None:
                old.deleteLater()
        self.pupil_id = pupil_id
        if pupil_id is not None:
            layout.addWidget(self._build(pupil_id))

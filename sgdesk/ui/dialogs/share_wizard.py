"""File → Share records with a partner…: selected records of selected pupils, for
a strategy discussion or a partner agency, with a preview of exactly what leaves.

Three pages. *What to share*: the pupils, the kinds of record, to whom, why and
on what legal basis, and whether staff names are replaced. *What will leave*:
every record that goes, the other children found in them (struck out unless
the DSL ticks to leave one named; the preview is worked out again at once), the
staff aliases and the printed pages. *Protect and save*: a passphrase or the
recipient's key (preselected when the recipient is in the address book), the
file, then the export with progress and Cancel. The share is logged by the
service: what, to whom, when, why and on what legal basis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from sgdesk.models.address_book import Contact
from sgdesk.models.pupils import PupilListEntry
from sgdesk.models.sharing import (
    LEGAL_BASIS_CHOICES,
    PreviewRecord,
    SharedKind,
    SharePreview,
    ShareRequest,
    share_problems,
)
from sgdesk.services import pupils
from sgdesk.services.bundle_building import IsCancelled, StageProgress
from sgdesk.services.bundle_import import counted
from sgdesk.services.bundle_sharing import export_share, share_preview
from sgdesk.services.record_dates import day_text
from sgdesk.services.session import Session
from sgdesk.ui.bundle_protection import ExportPanel, bold_label
from sgdesk.ui.bundle_task import BundleTask
from sgdesk.ui.error_text import describe
from sgdesk.ui.form_helpers import HINT_COLOUR, FieldErrors, InlineForm, wrapped_label
from sgdesk.ui.pupil_picker import PupilPicker, pupil_line
from sgdesk.ui.text_table_model import TextTableModel
from sgdesk.ui.worker import DbWorker

#: What a new share offers ticked: the concerns, the usual reason to share.
DEFAULT_KINDS = frozenset({SharedKind.CONCERNS})
PreviewRow = tuple[str, PreviewRecord]


class PreviewRecordsModel(TextTableModel[PreviewRow]):
    """Every record that will leave: whose, what, when, how many versions."""

    def headers(self) -> tuple[str, ...]:
        return ("Pupil", "Record", "Date", "Versions")

    def cells(self, row: PreviewRow) -> tuple[str, ...]:
        pupil, record = row
        return (pupil, record.title, day_text(record.on), str(record.versions))


def preview_summary(preview: SharePreview) -> str:
    """A sentence on what leaves and what is struck out."""
    records = sum(len(p.records) for p in preview.pupils)
    parts = [f"{counted(records, 'record')} of {counted(len(preview.pupils), 'pupil')} will "
             f"leave, with {counted(len(preview.pdfs), 'printed PDF')} for a reader without "
             "sgdesk."]
    if preview.redactions:
        parts.append(f"{counted(preview.redactions, 'mention')} of other children "
                     f"{'is' if preview.redactions == 1 else 'are'} struck out.")
    return " ".join(parts)


class ShareRequestPage(QWizardPage):
    """Page 1: whose records, which kinds, to whom, why, on what basis."""

    def __init__(self, worker: DbWorker, session: Session,
                 pupil_ids: Sequence[str]) -> None:
        super().__init__()
        self._wanted = list(pupil_ids)
        self.setTitle("What to share")
        self.setSubTitle("Choose whose records, which kinds, and who they are for. The next "
                         "page shows exactly what would leave, before anything does.")
        layout = QVBoxLayout(self)
        self.form = InlineForm()
        form = self.form

        self.picker = PupilPicker("Type part of a name, then Return to add the pupil")
        self.chosen = QListWidget()
        self.chosen.setAccessibleName("Pupils whose records are shared")
        self.chosen.setMaximumHeight(self.chosen.fontMetrics().lineSpacing() * 5)
        remove = QAction(self.chosen)
        remove.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self._remove_selected)
        self.chosen.addAction(remove)
        pupils_box = QWidget()
        column = QVBoxLayout(pupils_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.picker)
        column.addWidget(self.chosen)
        pupils_box.setFocusProxy(self.picker.edit)  # the label and errors lead to it
        form.add_field("pupil_ids", "&Pupils:", pupils_box,
                       hint="Select a pupil in the list and press Delete to take them out.")
        self.picker.edit.setAccessibleName("Add a pupil")

        kinds_box = QWidget()
        grid = QGridLayout(kinds_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.kinds: dict[SharedKind, QCheckBox] = {}
        for number, kind in enumerate(SharedKind):
            box = QCheckBox(kind.label)
            box.setChecked(kind in DEFAULT_KINDS)
            box.toggled.connect(lambda _on: form.refresh())
            grid.addWidget(box, number // 2, number % 2)
            self.kinds[kind] = box
        kinds_box.setFocusProxy(self.kinds[SharedKind.PUPIL_DETAILS])
        form.add_field("kinds", "&Kinds of record:", kinds_box)

        self.recipient = form.add_field(
            "recipient", "&Recipient:", QLineEdit(),
            hint="The agency or person, as the log should name them, for example "
                 "Northshire MASH. Names in the address book are offered as you type.")
        self.purpose = form.add_field(
            "purpose", "P&urpose:", QLineEdit(),
            hint="Why they are being shared, for example a strategy discussion on 3 March.")
        self.legal_basis = form.add_field("legal_basis", "&Legal basis:", QComboBox())
        self.legal_basis.setEditable(True)
        self.legal_basis.addItems(LEGAL_BASIS_CHOICES)
        self.legal_basis.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.legal_basis.setMinimumContentsLength(40)
        self.legal_basis.setToolTip("Choose one, or type the basis in your own words.")
        self.basis_text = form.add_text("", "")  # the whole basis: the box shows a part
        self.basis_text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.legal_basis.currentTextChanged.connect(self._show_basis)
        self._show_basis(self.legal_basis.currentText())
        self.anonymise = form.add_field(
            "anonymise", "", QCheckBox("Replace staff &names with \u201cStaff member 1\u201d, "
                                       "\u201cStaff member 2\u201d\u2026"))
        layout.addWidget(form)
        layout.addStretch(1)
        self.task = BundleTask(worker)
        layout.addWidget(self.task)

        form.set_validator(self._errors)
        form.changed.connect(self.completeChanged)
        self.picker.chosen.connect(self._add)
        for edit in (self.recipient, self.purpose):
            edit.textChanged.connect(lambda _t: self._changed())
        self.legal_basis.currentTextChanged.connect(lambda _t: self._changed())
        self.anonymise.toggled.connect(lambda _on: self._changed())
        for box in self.kinds.values():
            box.toggled.connect(lambda _on: self._changed())
        worker.run(lambda: pupils.list_pupils(session),
                   on_done=self._register_read, on_error=form.show_failure)

    # -- what the wizard asks ---------------------------------------------------------
    def pupil_ids(self) -> tuple[str, ...]:
        return tuple(str(self.chosen.item(i).data(Qt.ItemDataRole.UserRole))
                     for i in range(self.chosen.count()))

    def request(self, include_children: Sequence[str] = ()) -> ShareRequest:
        return ShareRequest(
            pupil_ids=self.pupil_ids(),
            kinds=frozenset(k for k, box in self.kinds.items() if box.isChecked()),
            recipient=self.recipient.text(),
            purpose=self.purpose.text(),
            legal_basis=self.legal_basis.currentText(),
            include_children=tuple(include_children),
            anonymise_staff=self.anonymise.isChecked(),
        )

    def offer_names(self, contacts: list[Contact]) -> None:
        """Complete the recipient from the address book's names."""
        completer = QCompleter([c.name for c in contacts], self.recipient)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.recipient.setCompleter(completer)

    # -- QWizardPage -----------------------------------------------------------------
    def isComplete(self) -> bool:
        return not self.task.running

    def validatePage(self) -> bool:
        """Next: show the preview, worked out on the worker first."""
        wizard = self.wizard()
        assert isinstance(wizard, ShareWizard)
        if wizard.preview is not None:
            return True
        self.form.touch_all()
        if self.form.is_valid():
            wizard.work_out_preview(self.task)
        else:
            self.form.focus_first_error()
        return False

    # -- internals --------------------------------------------------------------------
    def _errors(self) -> FieldErrors:
        errors: FieldErrors = {}
        for name, message in share_problems(self.request()):
            errors.setdefault(name, message)
        return errors

    def _show_basis(self, text: str) -> None:
        self.basis_text.setText(text)
        edit = self.legal_basis.lineEdit()
        if edit is not None:  # it is editable, so there is one
            edit.setCursorPosition(0)

    def _changed(self) -> None:
        """What to share changed: the preview must be worked out again."""
        wizard = self.wizard()
        if isinstance(wizard, ShareWizard):
            wizard.forget_preview()

    def _register_read(self, entries: Any) -> None:
        self.picker.set_register(entries)
        by_id = {e.id: e for e in entries}
        for pupil_id in self._wanted:
            if pupil_id in by_id:
                self._add(by_id[pupil_id])
        self.picker.edit.setFocus()

    def _add(self, entry: PupilListEntry) -> None:
        if entry.id in self.pupil_ids():
            return
        item = QListWidgetItem(pupil_line(entry))
        item.setData(Qt.ItemDataRole.UserRole, entry.id)
        self.chosen.addItem(item)
        self.picker.exclude(set(self.pupil_ids()))
        self.form.clear_error("pupil_ids")
        self._changed()

    def _remove_selected(self) -> None:
        row = self.chosen.currentRow()
        if row >= 0:
            self.chosen.takeItem(row)
            self.picker.exclude(set(self.pupil_ids()))
            self.form.refresh()
            self._changed()


class SharePreviewPage(QWizardPage):
    """Page 2: exactly what will leave, and which other children stay named."""

    def __init__(self, worker: DbWorker) -> None:
        super().__init__()
        self.setTitle("What will leave")
        self.setSubTitle("Check every record before anything leaves. Other children found in "
                         "these records are struck out unless you tick to leave them named.")
        layout = QVBoxLayout(self)
        self.summary = wrapped_label()
        self.summary.setAccessibleName("What will leave")
        layout.addWidget(self.summary)
        self.records = PreviewRecordsModel()
        self.table = QTableView()
        self.table.setModel(self.records)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleName("Records that will leave")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.children_heading = bold_label("Other children found in these records")
        layout.addWidget(self.children_heading)
        self.children_box = QWidget()
        self.children_layout = QVBoxLayout(self.children_box)
        self.children_layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.children_box)
        self.details = wrapped_label(colour=HINT_COLOUR)
        layout.addWidget(self.details)
        self.task = BundleTask(worker)
        layout.addWidget(self.task)
        self.include: dict[str, QCheckBox] = {}

    def isComplete(self) -> bool:
        return not self.task.running

    def show_preview(self, preview: SharePreview) -> None:
        names = {p.pupil_id: p.name for p in preview.pupils}
        self.summary.setText(preview_summary(preview))
        self.records.set_rows([(names[p.pupil_id], r) for p in preview.pupils
                               for r in p.records])
        focused = next((i for i, b in self.include.items() if b.hasFocus()), None)
        for box in self.include.values():
            box.deleteLater()
        self.include = {}
        for child in preview.other_children:
            text = f"Leave {child.name} named ({'; '.join(child.found_as)})"
            box = QCheckBox(text)
            box.setChecked(child.included)
            if child.kept_parts and not child.included:
                box.setToolTip("Struck out, except " + ", ".join(child.kept_parts)
                               + ": a child named in the share has that name too.")
            box.toggled.connect(self._include_changed)
            self.children_layout.addWidget(box)
            self.include[child.pupil_id] = box
        self.children_box.setEnabled(True)
        if focused in self.include:
            self.include[focused].setFocus()
        has_children = bool(self.include)
        self.children_heading.setVisible(has_children)
        self.children_box.setVisible(has_children)
        lines = [f"{real} appears as {alias}." for real, alias in preview.staff]
        lines += list(preview.notes)
        lines.append("Printed for a reader without sgdesk: "
                     + "; ".join(d for p in preview.pupils for _, d in p.pdfs) + "."
                     if preview.pdfs else "Nothing is printed.")
        self.details.setText("\n".join(lines))

    def included(self) -> tuple[str, ...]:
        return tuple(i for i, box in self.include.items() if box.isChecked())

    def _include_changed(self) -> None:
        self.children_box.setEnabled(False)
        wizard = self.wizard()
        assert isinstance(wizard, ShareWizard)
        wizard.forget_preview()
        wizard.work_out_preview(self.task)


class ShareSendPage(QWizardPage):
    """Page 3: protect, save, and nothing leaves until the DSL presses Save."""

    def __init__(self, worker: DbWorker, session: Session) -> None:
        super().__init__()
        self.setTitle("Protect and save")
        self.setSubTitle("The file opens only with the recipient's key or the passphrase. "
                         "Send it securely; the share is recorded in the bundle log.")
        layout = QVBoxLayout(self)
        self.panel = ExportPanel(
            worker, session, key_label="Their public &key",
            key_hint="The age1… key the recipient gave you. Check it with them, for "
                     "example by phone.",
            file_stem="share", caption="Save the share as")
        layout.addWidget(self.panel)
        self.panel.working_changed.connect(lambda _w: self.completeChanged.emit())

    def initializePage(self) -> None:
        """The recipient's key, if the address book knows them by that name."""
        wizard = self.wizard()
        assert isinstance(wizard, ShareWizard)
        self.panel.protection.choose_contact(wizard.request_page.recipient.text())

    def cleanupPage(self) -> None:
        """Keep what was chosen when going Back (Qt would reset it)."""

    def isComplete(self) -> bool:
        return not self.panel.task.running

    def validatePage(self) -> bool:
        """Save (the export, with progress); once saved, the button closes."""
        if self.panel.written is not None:
            return True
        wizard = self.wizard()
        assert isinstance(wizard, ShareWizard)
        wizard.export()
        return False


class ShareWizard(QWizard):
    """What to share → what will leave → protect and save."""

    def __init__(self, worker: DbWorker, session: Session, pupil_ids: Sequence[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.preview: SharePreview | None = None
        self.setWindowTitle("Share records with a partner")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Save share")
        self.request_page = ShareRequestPage(worker, session, pupil_ids)
        self.preview_page = SharePreviewPage(worker)
        self.send_page = ShareSendPage(worker, session)
        for page in (self.request_page, self.preview_page, self.send_page):
            self.addPage(page)
        self.send_page.panel.protection.contacts_loaded.connect(self.request_page.offer_names)
        self.send_page.panel.working_changed.connect(self._busy)
        self.send_page.panel.exported.connect(self._exported)
        self.resize(760, 680)

    def forget_preview(self) -> None:
        self.preview = None

    def work_out_preview(self, task: BundleTask) -> None:
        """The preview for what page 1 says and page 2 ticks, on the worker; from
        page 1 the wizard then moves on by itself."""
        request = self.request_page.request(self.preview_page.included())
        session = self._session

        def job(_progress: StageProgress, _cancelled: IsCancelled) -> SharePreview:
            return share_preview(session, request)

        self._busy(True)
        task.start("Working out what would leave", job, self._previewed, self._not_previewed,
                   can_cancel=False)

    def _previewed(self, preview: Any) -> None:
        self._busy(False)
        self.preview = preview
        self.preview_page.show_preview(preview)
        if self.currentPage() is self.request_page:
            self.next()

    def _not_previewed(self, exc: BaseException) -> None:
        self._busy(False)
        self.request_page.form.show_failure(exc)
        if self.currentPage() is not self.request_page:
            self.preview_page.summary.setText(describe(exc))
            self.preview_page.children_box.setEnabled(True)

    def export(self) -> None:
        request = self.request_page.request(self.preview_page.included())
        session = self._session
        self.send_page.panel.start(
            "Choosing records", lambda dest, encryption, progress, cancelled: export_share(
                session, request, dest, encryption, progress=progress, cancelled=cancelled))

    def _exported(self, written: Any) -> None:
        panel = self.send_page.panel
        panel.show_outcome(panel.done_text("share", written, "the recipient")
                           + " It is recorded in the bundle log.")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Close")
        self.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self.button(QWizard.WizardButton.CancelButton).hide()

    def _busy(self, busy: bool) -> None:
        """While a job runs only its own Cancel shows, and pages cannot change."""
        self.button(QWizard.WizardButton.BackButton).setEnabled(not busy)
        self.button(QWizard.WizardButton.CancelButton).setVisible(not busy)
        page = self.currentPage()
        if page is not None:
            page.completeChanged.emit()

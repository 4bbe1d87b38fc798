"""File → Import bundle…: a partner's share or another school's CP file transfer.

Two steps. First the file is read, decrypted with this school's key (or a
passphrase, asked for only when the bundle needs one) and checked whole, on the
database worker. Then a preview says what it would add, and asks, for each
incoming pupil who may already be on the register, whether they are the same
child: Import stays disabled until every question has an answer. Importing
writes everything in one transaction or nothing; nothing here is overwritten.

A CP file transfer, once imported, offers a receipt to save for the sending
school; a receipt coming back closes the transfer it acknowledges.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.bundles import BundleKind
from sgdesk.models.errors import BundleRefused, Cancelled
from sgdesk.services.bundle_building import IsCancelled, StageProgress
from sgdesk.services.bundle_import import (
    ImportOutcome,
    ImportPlan,
    PupilQuestion,
    apply_import,
    counted,
    describe,
    open_for_import,
    plan_import,
)
from sgdesk.services.bundle_reading import OpenedBundle
from sgdesk.services.record_dates import moment_text
from sgdesk.services.session import Session
from sgdesk.services.transfer_receipts import export_receipt, take_receipt, transfer_received
from sgdesk.ui.bundle_protection import AGE_FILTER, bundle_file_name, check_destination
from sgdesk.ui.bundle_task import BundleTask, choose_open_path, read_bundle_file
from sgdesk.ui.error_text import describe as describe_error
from sgdesk.ui.form_helpers import (
    ERROR_COLOUR,
    HINT_COLOUR,
    InlineForm,
    check_filled,
    choose_save_path,
    collect_errors,
    dialog_layout,
    grow_to_fit,
    wrapped_label,
)
from sgdesk.ui.text_table_model import TextTableModel
from sgdesk.ui.worker import DbWorker

INTRO = ("Import an encrypted bundle sent to this school: a partner agency's share, a CP "
         "file transferred from another school, or the receipt for a CP file sent from here. "
         "sgdesk checks all of it first and shows what it would add. Nothing already here "
         "is changed or overwritten.")
#: How each kind of record is named in the preview's counts.
RECORD_NAMES = {"pupils": "pupils", "concerns": "concerns", "body_maps": "body maps",
                "chronology_events": "chronology events", "referrals": "referrals",
                "cases": "casework cases"}
#: Reasons for which the person's answer is a passphrase.
PASSPHRASE_REASONS = frozenset({"needs_passphrase", "wrong_passphrase"})


def plan_counts(plan: ImportPlan) -> list[tuple[str, int]]:
    """The preview's table: what would be added, in words, with how many."""
    rows = [(f"New {RECORD_NAMES.get(table, table.replace('_', ' '))}", n)
            for table, n in plan.new_records.items() if n]
    rows += [(label, n) for label, n in (
        ("Pupils already here (the same record)", plan.known_pupils),
        ("Pupils to confirm (below)", len(plan.questions)),
        ("Newer versions of records already here", plan.new_versions),
        ("Versions added beside the ones here", plan.beside_versions),
        ("Already here and unchanged", plan.unchanged),
    ) if n]
    return rows


def outcome_text(outcome: ImportOutcome) -> str:
    if outcome.log_id is None:
        return "Nothing was added: everything in this bundle is already here."
    parts = [f"{counted(outcome.records_added, 'record')} added"]
    if outcome.versions_added:
        parts.append(f"{counted(outcome.versions_added, 'newer version')} added")
    if outcome.versions_beside:
        parts.append(f"{counted(outcome.versions_beside, 'version')} added beside the ones "
                     "here")
    return ("Imported: " + ", ".join(parts) + ". The import is recorded in the audit trail.")


def receipt_text(receipt: OpenedBundle) -> str:
    """What a receipt says, for the person to check before it closes the transfer."""
    details = receipt.manifest.details
    try:
        when = moment_text(datetime.fromisoformat(str(details["acknowledged_at"])))
    except (KeyError, ValueError):
        when = "a date it does not give"
    return (f"A receipt from {details.get('receiving_school') or receipt.manifest.school}: "
            f"{details.get('acknowledged_by', 'someone')} confirmed on {when} that they have "
            "the CP file sent from here. Recording it closes that transfer.")


class CountsModel(TextTableModel[tuple[str, int]]):
    def headers(self) -> tuple[str, ...]:
        return ("What", "How many")

    def cells(self, row: tuple[str, int]) -> tuple[str, ...]:
        return (row[0], str(row[1]))


class PupilQuestionBox(QFrame):
    """"Is <incoming> the same pupil as <local> here?" with a yes and a no."""

    def __init__(self, question: PupilQuestion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.setFrameShape(QFrame.Shape.StyledPanel)
        text = (f"Is {question.incoming} the same pupil as {question.local} here? "
                f"({question.why})")
        self.label = wrapped_label(text)
        self.yes = QRadioButton("Yes, the same pupil: file the records under this school's "
                                "entry")
        self.no = QRadioButton("No, a different pupil: add them to the register")
        self.group = QButtonGroup(self)
        for button in (self.yes, self.no):
            button.setAccessibleDescription(text)
            self.group.addButton(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.yes)
        layout.addWidget(self.no)

    def answer(self) -> bool | None:
        if self.yes.isChecked():
            return True
        return False if self.no.isChecked() else None


class ImportBundleDialog(QDialog):
    """Choose a bundle, see what it adds, answer the questions, import."""

    imported = Signal()

    def __init__(self, worker: DbWorker, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self.plan: ImportPlan | None = None
        self.receipt: OpenedBundle | None = None
        self.outcome: ImportOutcome | None = None
        self.all_done = False
        self.questions: list[PupilQuestionBox] = []
        self.setWindowTitle("Import bundle")
        layout = dialog_layout(self, width=720)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_choose_page())
        self.pages.addWidget(self._build_preview_page())
        layout.addWidget(self.pages, 1)
        self.task = BundleTask(worker)
        layout.addWidget(self.task)
        self.message = wrapped_label()
        self.message.setAccessibleName("Outcome")
        self.message.hide()
        layout.addWidget(self.message)
        self.receipt_button = QPushButton()
        self.receipt_button.setAutoDefault(False)
        self.receipt_button.hide()
        self.receipt_button.clicked.connect(self.save_receipt)
        layout.addWidget(self.receipt_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.action_button = self.buttons.addButton("&Open",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._act)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.action_button.setDefault(True)  # once in the dialog, so Return presses it
        self.path.setFocus()

    # -- building -------------------------------------------------------------------
    def _build_choose_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(wrapped_label(INTRO))
        layout.addSpacing(8)
        self.file_form = InlineForm()
        self.path = QLineEdit()
        self.path.setPlaceholderText("The .age file you were sent")
        self.choose_button = QPushButton("C&hoose…")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self._choose_file)
        self.file_form.add_field("file", "Bundle &file:", self.path, beside=self.choose_button)
        self.file_form.set_validator(lambda: collect_errors(lambda: check_filled(
            self.path.text(), "file", "Choose the bundle file to import.")))
        layout.addWidget(self.file_form)
        self.passphrase_form = InlineForm()
        self.passphrase = self.passphrase_form.add_field(
            "passphrase", "Pass&phrase:", QLineEdit(),
            hint="The passphrase the sender gave you separately.")
        self.passphrase.setDragEnabled(False)
        self.passphrase_form.hide()
        layout.addWidget(self.passphrase_form)
        layout.addStretch(1)
        self.path.textEdited.connect(lambda _t: self._forget_passphrase())
        return page

    def _build_preview_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = wrapped_label()
        self.summary.setAccessibleName("What this bundle holds")
        layout.addWidget(self.summary)
        layout.addSpacing(8)
        self.counts = CountsModel()
        self.counts_view = QTableView()
        self.counts_view.setModel(self.counts)
        self.counts_view.verticalHeader().hide()
        self.counts_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts_view.setTabKeyNavigation(False)
        self.counts_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.counts_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.counts_view.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.counts_view.setAccessibleName("What the import would add")
        self.counts_label = QLabel("What the import would &add:")
        self.counts_label.setBuddy(self.counts_view)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.counts_view, 1)
        self.questions_label = QLabel("Pupils who may already be on the register:")
        layout.addWidget(self.questions_label)
        self.questions_area = QScrollArea()
        self.questions_area.setWidgetResizable(True)
        self.questions_area.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self.questions_area, 1)
        self.still_to_answer = wrapped_label(colour=HINT_COLOUR)
        layout.addWidget(self.still_to_answer)
        layout.addStretch(0)  # takes the room only when the lists are hidden (a receipt)
        return page

    # -- step 1: open and check -------------------------------------------------------
    def _act(self) -> None:
        if self.task.running:
            return
        if self.all_done:
            self.accept()
        elif self.receipt is not None:
            self.record_receipt()
        elif self.plan is None:
            self.open_bundle()
        else:
            self.import_bundle()

    def open_bundle(self) -> None:
        """Read, decrypt and check the chosen file, and plan the import (on the worker)."""
        self.file_form.touch_all()
        if not self.file_form.is_valid():
            self.file_form.focus_first_error()
            return
        path = Path(self.path.text().strip()).expanduser()
        passphrase = self.passphrase.text() if self.passphrase_form.isVisibleTo(self) else ""
        session = self._session

        def job(progress: StageProgress, cancelled: IsCancelled) -> ImportPlan | OpenedBundle:
            data = read_bundle_file(path)
            bundle = open_for_import(session, data, passphrase or None, progress=progress,
                                     cancelled=cancelled)
            if bundle.manifest.kind is BundleKind.RECEIPT:
                return bundle
            progress("Comparing with the records here", -1)
            return plan_import(session, bundle)

        self._show_message("")
        self._set_working(True)
        self.task.start("Reading the file", job, self._opened, self._open_failed)

    def _opened(self, found: Any) -> None:
        if isinstance(found, ImportPlan):
            self._planned(found)
        else:
            self._receipt_opened(found)

    def _planned(self, plan: Any) -> None:
        self._set_working(False)
        self.plan = plan
        self.passphrase.clear()
        self.summary.setText(describe(plan))
        self.counts.set_rows(plan_counts(plan))
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        self.questions = [PupilQuestionBox(q) for q in plan.questions]
        for box in self.questions:
            box.group.buttonToggled.connect(lambda _b, _on: self._update_import_button())
            column.addWidget(box)
        column.addStretch(1)
        self.questions_area.setWidget(holder)
        self.questions_label.setVisible(bool(self.questions))
        self.questions_area.setVisible(bool(self.questions))
        self.action_button.setText("&Import")
        self.pages.setCurrentIndex(1)
        self.resize(max(self.width(), 720), max(self.height(), 520))
        self._update_import_button()
        first = self.questions[0].yes if self.questions else self.counts_view
        first.setFocus()

    def _receipt_opened(self, receipt: OpenedBundle) -> None:
        self._set_working(False)
        self.receipt = receipt
        self.passphrase.clear()
        self.summary.setText(receipt_text(receipt))
        for widget in (self.counts_label, self.counts_view, self.questions_label,
                       self.questions_area, self.still_to_answer):
            widget.hide()
        self.action_button.setText("&Record receipt")
        self.pages.setCurrentIndex(1)
        self.action_button.setFocus()

    def record_receipt(self) -> None:
        """Close the transfer the receipt acknowledges (on the worker)."""
        receipt, session = self.receipt, self._session
        assert receipt is not None

        def job(_progress: StageProgress, _cancelled: IsCancelled) -> object:
            return take_receipt(session, receipt)

        self._show_message("")
        self._set_working(True)
        self.task.start("Recording the receipt", job, self._receipt_recorded,
                        self._import_failed, can_cancel=False)

    def _receipt_recorded(self, _details: Any) -> None:
        self._finish("The receipt is recorded and the transfer is closed.")
        self.imported.emit()

    def _open_failed(self, exc: BaseException) -> None:
        self._set_working(False)
        if isinstance(exc, BundleRefused) and exc.reason in PASSPHRASE_REASONS:
            self.passphrase_form.show()
            self.passphrase_form.show_error("passphrase", str(exc))
            self.passphrase.clear()
            self.passphrase.setFocus()
        elif isinstance(exc, BundleRefused):
            self.file_form.show_error("file", str(exc))
        else:
            self._show_message(describe_error(exc), error=not isinstance(exc, Cancelled))

    def _forget_passphrase(self) -> None:
        """A different file: its protection is not known yet."""
        self.passphrase.clear()
        self.passphrase_form.hide()

    def _choose_file(self) -> None:
        current = Path(self.path.text().strip() or str(Path.home())).expanduser()
        chosen = choose_open_path(self, "Choose the bundle to import", current)
        if chosen is not None:
            self.path.setText(str(chosen))
            self._forget_passphrase()
            self.file_form.clear_error("file")
            self.action_button.setFocus()

    # -- step 2: answer and import -----------------------------------------------------
    def answers(self) -> dict[str, bool] | None:
        """Incoming pupil id → "the same pupil", or ``None`` while any is unanswered."""
        found = {box.question.incoming_id: box.answer() for box in self.questions}
        if any(answer is None for answer in found.values()):
            return None
        return {key: bool(answer) for key, answer in found.items()}

    def _update_import_button(self) -> None:
        plan = self.plan
        if plan is None or self.all_done:
            return
        unanswered = sum(box.answer() is None for box in self.questions)
        if unanswered:
            note = (f"Answer the question for each pupil above ({unanswered} still to "
                    "answer). Import stays unavailable until every one is answered.")
        elif not plan.adds_anything and not self.questions:
            note = "Nothing to import: everything in this bundle is already here."
        else:
            note = ""
        self.still_to_answer.setText(note)
        self.still_to_answer.setVisible(bool(note))
        self.action_button.setEnabled(
            not unanswered and (plan.adds_anything or bool(self.questions)))

    def import_bundle(self) -> None:
        """Write what the preview showed, with the answers given (on the worker)."""
        plan, answers = self.plan, self.answers()
        if plan is None or answers is None:
            return
        session = self._session

        def job(_progress: StageProgress, cancelled: IsCancelled) -> ImportOutcome:
            return apply_import(session, plan, answers, cancelled=cancelled)

        self._show_message("")
        self._set_working(True)
        self.task.start("Importing (all or nothing)", job, self._imported, self._import_failed)

    def _imported(self, outcome: Any) -> None:
        self.outcome = outcome
        for box in self.questions:
            box.setEnabled(False)
        self.still_to_answer.hide()
        self._finish(outcome_text(outcome))
        plan = self.plan
        if plan is not None and plan.bundle.manifest.kind is BundleKind.TRANSFER:
            self.receipt_button.setText(
                f"Save a &receipt for {plan.bundle.manifest.school}…")
            self.receipt_button.show()
            self.receipt_button.setFocus()
        if outcome.log_id is not None:
            self.imported.emit()

    def _finish(self, text: str) -> None:
        self.all_done = True
        self._set_working(False)
        self.action_button.setText("&Done")
        self.action_button.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()
        self._show_message(text)
        self.action_button.setFocus()

    def save_receipt(self) -> None:
        """A receipt bundle for the school that sent the CP file, sealed to its key."""
        plan, session = self.plan, self._session
        if plan is None or self.task.running:
            return
        school = plan.bundle.manifest.school
        dest = choose_save_path(self, "Save the receipt as",
                                Path.home() / bundle_file_name("receipt", date.today()),
                                AGE_FILTER)
        if dest is None:
            return
        received = transfer_received(plan.bundle)

        def job(_progress: StageProgress, _cancelled: IsCancelled) -> Path:
            check_destination(dest)
            return export_receipt(session, received, dest).path

        def saved(path: Any) -> None:
            self._set_working(False)
            self.receipt_button.hide()
            self._show_message(f"The receipt was saved as {path.name} in {path.parent}. Send "
                               f"it to {school}: only they can open it, and it closes the "
                               "transfer on their side.")

        def failed(exc: BaseException) -> None:
            self._set_working(False)
            self._show_message(describe_error(exc), error=True)

        self._set_working(True)
        self.task.start("Saving the receipt", job, saved, failed, can_cancel=False)

    def _import_failed(self, exc: BaseException) -> None:
        self._set_working(False)
        self._show_message(describe_error(exc), error=not isinstance(exc, Cancelled))

    # -- state ------------------------------------------------------------------------
    def _set_working(self, working: bool) -> None:
        """While a job runs, the progress line's Cancel is the only way out."""
        self.pages.setEnabled(not working)
        self.buttons.setVisible(not working)
        if not working:
            self._update_import_button()

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.message.setVisible(bool(text))
        grow_to_fit(self)

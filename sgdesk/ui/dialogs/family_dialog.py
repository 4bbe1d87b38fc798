"""Link brothers and sisters at the school into a family, so later chronologies can
be read together.

Linking makes a new family of exactly the pupils on the list. A pupil who was in
another family moves on their own: the rest of that family stays linked to each
other, and a pupil taken off this list is no longer linked to the ones on it. The
dialog says so, by name, before anything is saved.
"""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import (
    QEvent,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import PupilListEntry, filter_pupils
from sgdesk.services import pupils
from sgdesk.services.session import Session
from sgdesk.ui.form_helpers import (
    HINT_COLOUR,
    FieldErrors,
    FormPanel,
    collect_errors,
    dialog_layout,
    grow_to_fit,
    wrapped_label,
)
from sgdesk.ui.pupil_picker import PupilMatchModel
from sgdesk.ui.record_text import names_text
from sgdesk.ui.worker import DbWorker

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def spoken_name(entry: PupilListEntry) -> str:
    """"Example, Amy" as a person says it: "Amy Example"."""
    surname, _comma, forename = entry.sort_name.partition(", ")
    return f"{forename} {surname}".strip()


def _listing(entry: PupilListEntry) -> str:
    extras = [entry.year_group] if entry.year_group else []
    if entry.has_left:
        extras.append("left")
    if entry.family_id:
        extras.append("in a family")
    return entry.sort_name + (f" ({', '.join(extras)})" if extras else "")


class FamilyDialog(QDialog):
    """The pupil's family: who is in it, finding others to add, and its name.

    :attr:`saved` carries the pupil's id once the family is linked.
    """

    saved = Signal(str)

    def __init__(self, worker: DbWorker, session: Session, pupil_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session = session
        self._pupil_id = pupil_id
        self._family_id: str | None = None
        self._entries: dict[str, PupilListEntry] = {}
        self.setWindowTitle("Family")
        layout = dialog_layout(self, "Link brothers and sisters at this school into one "
                                     "family, so their records can be read together.",
                               width=600)
        self.panel = FormPanel("&Link family")
        form = self.panel.form
        self.members = form.add_field("members", "In this &family:", QListWidget(),
                                      beside=self._button("&Take off the list", self._take_off))
        self.find_edit = form.add_field("find", "Find a &pupil:", QLineEdit(),
                                   hint="Type part of a name, press Down to reach the matches, "
                                        "then Return to add one.")
        self.matches_model = PupilMatchModel(self, describe=_listing)
        self.matches = form.add_field("matches", "&Matches:", QListView(),
                                      beside=self._button("&Add to family", self._add_chosen))
        self.matches.setModel(self.matches_model)
        self.label = form.add_field("label", "Family &name:", QLineEdit(),
                                    hint="How the family is shown, for example the surname "
                                         "used at home.")
        for view, rows in ((self.members, 4), (self.matches, 6)):
            view.setFixedHeight(view.fontMetrics().lineSpacing() * rows + 10)
        self.moves_note = wrapped_label(colour=HINT_COLOUR)
        self.moves_note.hide()
        cast(QVBoxLayout, self.panel.layout()).insertWidget(1, self.moves_note)
        layout.addWidget(self.panel)
        form.set_validator(self._errors)
        self.find_edit.textChanged.connect(self._refilter)
        self.find_edit.installEventFilter(self)
        self.matches.installEventFilter(self)
        self.members.installEventFilter(self)
        self.matches.doubleClicked.connect(lambda _index: self._add_chosen())
        self.panel.submitted.connect(self._save)
        self.panel.cancelled.connect(self.reject)

        def load() -> tuple[pupils.PupilRecord, list[PupilListEntry]]:
            return pupils.get_pupil(session, pupil_id), pupils.list_pupils(session)

        self.panel.run(worker, load, self._show, busy_text="Opening the register…",
                       on_error=lambda _exc: self.panel.action_button.setEnabled(False))

    def _button(self, text: str, action: Any) -> QPushButton:
        button = QPushButton(text)
        button.setAutoDefault(False)
        button.clicked.connect(action)
        return button

    # -- who is on the list ------------------------------------------------------------
    def member_ids(self) -> list[str]:
        return [self.members.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.members.count())]

    def add_member(self, pupil_id: str) -> None:
        entry = self._entries.get(pupil_id)
        if entry is None or pupil_id in self.member_ids():
            return
        item = QListWidgetItem(_listing(entry) if pupil_id != self._pupil_id
                               else f"{entry.sort_name} (this pupil)")
        item.setData(Qt.ItemDataRole.UserRole, pupil_id)
        self.members.addItem(item)
        self._members_changed()

    def _show(self, loaded: Any) -> None:
        record, entries = loaded
        self._entries = {e.id: e for e in entries}
        pupil = record.pupil
        self._family_id = pupil.family_id
        for member_id in [pupil.id, *(p.id for p in record.family)]:
            self.add_member(member_id)
        self.label.setText(f"{pupil.legal_surname} family")
        self.find_edit.setFocus()

    def _take_off(self) -> None:
        row = self.members.currentRow()
        if row < 0 or self.member_ids()[row] == self._pupil_id:
            return  # the pupil whose family this is stays on the list
        self.members.takeItem(row)
        self._members_changed()

    def _add_chosen(self) -> None:
        index = self.matches.currentIndex()
        if index.isValid():
            self.add_member(index.data(Qt.ItemDataRole.UserRole))
            self.find_edit.clear()
            self.find_edit.setFocus()

    def _members_changed(self) -> None:
        self.panel.form.clear_error("members")
        self._refilter()
        self._explain_moves()

    def _refilter(self) -> None:
        members = set(self.member_ids())
        text = self.find_edit.text()
        found = filter_pupils(list(self._entries.values()), text) if text.strip() else []
        self.matches_model.set_rows([e for e in found if e.id not in members])
        if self.matches_model.rowCount():
            self.matches.setCurrentIndex(self.matches_model.index(0))

    def _explain_moves(self) -> None:
        """Say, by name, whose family links change beyond the list itself."""
        members = self.member_ids()
        notes = []
        for member_id in members:
            entry = self._entries[member_id]
            if entry.family_id is None or entry.family_id == self._family_id:
                continue
            staying = [spoken_name(e) for e in self._entries.values()
                       if e.family_id == entry.family_id and e.id not in members]
            if not staying:
                continue
            name = spoken_name(entry)
            after = (f"{staying[0]} will no longer be linked to {name}" if len(staying) == 1
                     else f"{names_text(staying)} stay linked to each other")
            notes.append(f"{name} is already linked to {names_text(staying)}. Linking moves only "
                         f"{name}: {after} unless you add them too.")
        dropped = [spoken_name(e) for e in self._entries.values()
                   if self._family_id and e.family_id == self._family_id
                   and e.id not in members]
        if dropped:
            notes.append(f"{names_text(dropped)} will no longer be linked to the pupils on this "
                         "list.")
        self.moves_note.setText("\n".join(notes))
        self.moves_note.setVisible(bool(notes))
        grow_to_fit(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down from the search goes to the matches; Return there adds the pupil; Delete
        takes one off the list. Return in the search or matches never links the family
        half-chosen."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.find_edit and key == Qt.Key.Key_Down and self.matches_model.rowCount():
            self.matches.setFocus()
            return True
        if watched is self.find_edit and key in _ENTER_KEYS:
            if self.matches_model.rowCount() == 1:
                self._add_chosen()
            return True
        if watched is self.matches and key in _ENTER_KEYS:
            self._add_chosen()
            return True
        if watched is self.members and key == Qt.Key.Key_Delete:
            self._take_off()
            return True
        return super().eventFilter(watched, event)

    # -- saving --------------------------------------------------------------------------
    def _errors(self) -> FieldErrors:
        return collect_errors(self._check_members)

    def _check_members(self) -> None:
        if len(self.member_ids()) < 2:
            raise InvalidInput("Add at least one brother or sister to link with this pupil.",
                               field="members")

    def _save(self) -> None:
        if not self._entries:
            return  # the register did not load: nothing to link
        session, ids, label = self._session, self.member_ids(), self.label.text()
        self.panel.run(self._worker, lambda: pupils.link_family(session, ids, label),
                       self._saved, busy_text="Linking the family…",
                       fields={"": "members", "reason": ""})

    def _saved(self, _family_id: Any) -> None:
        self.saved.emit(self._pupil_id)
        self.accept()

"""The pupil register forms — add, amend, leaving, family — on real encrypted stores.

Every store call goes through ``on_worker``: the connection lives on the worker.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox
from pytestqt.qtbot import QtBot

from sgdesk.models.pupils import HouseholdMember
from sgdesk.services import drafts, pupils
from sgdesk.services.session import Session
from sgdesk.ui import form_helpers
from sgdesk.ui.dialogs.family_dialog import FamilyDialog
from sgdesk.ui.dialogs.leaving_dialog import LeavingDialog
from sgdesk.ui.dialogs.pupil_form import PupilFormDialog
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_pupil
from tests.ui.conftest import on_worker, shot, shown

VALID_UPN = "A123456789012"  # check letter computed below, so the test cannot drift
VALID_NHS = "9434765919"


def valid_upn() -> str:
    """A UPN whose check letter is right, found by asking the model's own rule."""
    from sgdesk.models.errors import InvalidInput
    from sgdesk.models.pupils import validate_upn

    for letter in "ABCDEFGHJKLMNPQRTUVWXYZ":
        try:
            return validate_upn(letter + VALID_UPN[1:])
        except InvalidInput:
            continue
    raise AssertionError("no check letter fits")


def save_by_keyboard(qtbot: QtBot, dialog: PupilFormDialog) -> None:
    focused = QApplication.focusWidget() or dialog
    qtbot.keyClick(focused, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def tab(qtbot: QtBot, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)


def open_form(qtbot: QtBot, worker: DbWorker, session: Session,
              pupil_id: str | None = None) -> PupilFormDialog:
    dialog = shown(qtbot, PupilFormDialog(worker, session, pupil_id))
    qtbot.waitUntil(lambda: worker.pending == 0 and dialog.save_button.isEnabled())
    return dialog


def current(worker: DbWorker, session: Session, pupil_id: str) -> pupils.PupilRecord:
    return on_worker(worker, lambda: pupils.get_pupil(session, pupil_id))


# -- adding ------------------------------------------------------------------------------
def test_add_a_pupil_by_keyboard_only(qtbot, worker, session) -> None:
    dialog = open_form(qtbot, worker, session)
    dialog.legal_forename.setFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "Amelia")
    tab(qtbot)
    qtbot.keyClicks(QApplication.focusWidget(), "Example")
    tab(qtbot)
    qtbot.keyClicks(QApplication.focusWidget(), "Millie")
    tab(qtbot)  # also known as
    qtbot.keyClicks(QApplication.focusWidget(), "Amelia Oldname")
    tab(qtbot, 2)  # past "Not born yet" to the date of birth
    assert QApplication.focusWidget() is dialog.date_of_birth
    qtbot.keyClicks(dialog.date_of_birth, "3/4/2015")
    tab(qtbot)
    assert dialog.date_of_birth.text() == "03/04/2015"  # tidied when left
    assert QApplication.focusWidget() is dialog.gender
    shot(dialog, "pupil_form_new")
    with qtbot.waitSignal(dialog.saved, timeout=30_000) as saved:
        save_by_keyboard(qtbot, dialog)
    record = current(worker, session, saved.args[0])
    assert (record.pupil.legal_forename, record.pupil.legal_surname) == ("Amelia", "Example")
    assert record.pupil.preferred_name == "Millie"
    assert record.pupil.aliases == ("Amelia Oldname",)
    assert record.pupil.date_of_birth == date(2015, 4, 3)
    assert record.pupil.key_adults_known is None
    assert record.version == 1
    assert not dialog.isVisible()


def test_return_in_a_field_does_not_save(qtbot, worker, session) -> None:
    dialog = open_form(qtbot, worker, session)
    qtbot.keyClicks(dialog.legal_forename, "Amelia")
    qtbot.keyClicks(dialog.legal_surname, "Example")
    qtbot.keyClicks(dialog.date_of_birth, "03/04/2015")
    qtbot.keyClick(dialog.date_of_birth, Qt.Key.Key_Return)
    qtbot.wait(50)  # nothing is expected to happen; give any stray save a chance to start
    assert dialog.isVisible() and worker.pending == 0
    assert on_worker(worker, lambda: pupils.list_pupils(session)) == []


def test_invalid_upn_nhs_number_and_future_birth_are_said_inline_and_nothing_saved(
        qtbot, worker, session) -> None:
    dialog = open_form(qtbot, worker, session)
    qtbot.keyClicks(dialog.legal_forename, "Amelia")
    qtbot.keyClicks(dialog.legal_surname, "Example")
    future = date.today() + timedelta(days=3)
    qtbot.keyClicks(dialog.date_of_birth, future.strftime("%d/%m/%Y"))
    qtbot.keyClicks(dialog.upn, "A12345")
    dialog.upn.setFocus()
    tab(qtbot)  # leaving the field is when its check speaks
    assert "13 characters" in dialog.error_text("upn")
    qtbot.keyClicks(dialog.nhs_number, "9434765918")
    dialog.nhs_number.setFocus()
    tab(qtbot)
    assert "check digit" in dialog.error_text("nhs_number")
    save_by_keyboard(qtbot, dialog)
    assert dialog.error_text("date_of_birth") == "A date of birth cannot be in the future."
    assert dialog.date_of_birth.hasFocus()  # the first problem, scrolled into view
    shot(dialog, "pupil_form_errors")
    assert worker.pending == 0
    assert on_worker(worker, lambda: pupils.list_pupils(session)) == []
    # Correcting them lets it save, with the UPN normalised.
    for edit, text in ((dialog.date_of_birth, "03/04/2015"), (dialog.upn, valid_upn().lower()),
                       (dialog.nhs_number, "943 476 5919")):
        edit.selectAll()
        qtbot.keyClicks(edit, text)
    assert dialog.error_text("upn") == ""
    with qtbot.waitSignal(dialog.saved, timeout=30_000) as saved:
        save_by_keyboard(qtbot, dialog)
    pupil = current(worker, session, saved.args[0]).pupil
    assert (pupil.upn, pupil.nhs_number) == (valid_upn(), VALID_NHS)


def test_an_unreadable_date_and_a_taken_upn_are_said_under_their_fields(
        qtbot, worker, session) -> None:
    on_worker(worker, lambda: add_pupil(session, "Other", "Child", upn=valid_upn()))
    dialog = open_form(qtbot, worker, session)
    qtbot.keyClicks(dialog.legal_forename, "Amelia")
    qtbot.keyClicks(dialog.legal_surname, "Example")
    qtbot.keyClicks(dialog.date_of_birth, "31/02/2015")
    save_by_keyboard(qtbot, dialog)
    assert dialog.error_text("date_of_birth").startswith("There is no such date.")
    dialog.date_of_birth.clear()
    qtbot.keyClicks(dialog.date_of_birth, "01/02/2015")
    qtbot.keyClicks(dialog.upn, valid_upn())
    save_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_text("upn") != "", timeout=30_000)
    assert "already on the register" in dialog.error_text("upn")
    assert dialog.isVisible() and dialog.legal_forename.text() == "Amelia"
    assert len(on_worker(worker, lambda: pupils.list_pupils(session))) == 1


def test_an_unborn_sibling_has_an_expected_date(qtbot, worker, session) -> None:
    dialog = open_form(qtbot, worker, session)
    qtbot.keyClicks(dialog.legal_forename, "Baby")
    qtbot.keyClicks(dialog.legal_surname, "Example")
    qtbot.keyClick(dialog.not_born, Qt.Key.Key_Space)
    assert dialog.date_of_birth.isHidden() and not dialog.expected_date_of_birth.isHidden()
    save_by_keyboard(qtbot, dialog)
    assert dialog.error_text("expected_date_of_birth") == "Enter the date the baby is expected."
    due = date.today() + timedelta(days=60)
    qtbot.keyClicks(dialog.expected_date_of_birth, due.strftime("%d/%m/%Y"))
    with qtbot.waitSignal(dialog.saved, timeout=30_000) as saved:
        save_by_keyboard(qtbot, dialog)
    pupil = current(worker, session, saved.args[0]).pupil
    assert (pupil.date_of_birth, pupil.expected_date_of_birth) == (None, due)


# -- rows ------------------------------------------------------------------------------------
def fill_names(qtbot: QtBot, dialog: PupilFormDialog) -> None:
    qtbot.keyClicks(dialog.legal_forename, "Amelia")
    qtbot.keyClicks(dialog.legal_surname, "Example")
    qtbot.keyClicks(dialog.date_of_birth, "03/04/2015")


def test_household_rows_are_added_by_keyboard_and_round_trip(qtbot, worker, session) -> None:
    dialog = open_form(qtbot, worker, session)
    fill_names(qtbot, dialog)
    rows = dialog.household
    rows.add_button.setFocus()
    qtbot.keyClick(rows.add_button, Qt.Key.Key_Space)
    assert QApplication.focusWidget() is rows.editor(0, "name")
    qtbot.keyClicks(QApplication.focusWidget(), "Sam Example")
    tab(qtbot)
    qtbot.keyClicks(QApplication.focusWidget(), "Mother")
    tab(qtbot)
    qtbot.keyClicks(QApplication.focusWidget(), "01/02/1985")
    tab(qtbot)  # lives with the child: on
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    tab(qtbot)  # parental responsibility: on
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    tab(qtbot, 3)  # past "regular visitor" and "Remove" to "Add a person"
    assert QApplication.focusWidget() is rows.add_button
    qtbot.keyClick(rows.add_button, Qt.Key.Key_Space)
    qtbot.keyClicks(QApplication.focusWidget(), "Lee Visitor")
    tab(qtbot)
    qtbot.keyClicks(QApplication.focusWidget(), "Mum's partner")
    tab(qtbot, 4)  # date, lives with, parental responsibility: to "regular visitor"
    assert isinstance(QApplication.focusWidget(), QCheckBox)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    rows.add_row()  # a row added and never filled in is not a person
    shot(dialog, "pupil_form_household")
    with qtbot.waitSignal(dialog.saved, timeout=30_000) as saved:
        save_by_keyboard(qtbot, dialog)
    pupil_id = saved.args[0]
    assert current(worker, session, pupil_id).pupil.household == (
        HouseholdMember("Sam Example", "Mother", date(1985, 2, 1), True, True, False),
        HouseholdMember("Lee Visitor", "Mum's partner", None, False, False, True),
    )
    again = open_form(qtbot, worker, session, pupil_id)
    assert again.household.row_count == 2
    assert again.household.state()[1]["name"] == "Lee Visitor"
    assert again.household.state()[0]["date_of_birth"] == "01/02/1985"


def test_a_bad_row_is_named_and_a_row_can_be_removed_by_keyboard(qtbot, worker, session) -> None:
    dialog = open_form(qtbot, worker, session)
    fill_names(qtbot, dialog)
    dialog.household.add_row({"name": "", "relationship": "Uncle"})
    dialog.household.add_row({"name": "Jo", "date_of_birth": "1985"})
    save_by_keyboard(qtbot, dialog)
    assert dialog.error_text("household") == "Household member 1: enter the name."
    remove = dialog.household.remove_button(0)
    remove.setFocus()
    qtbot.keyClick(remove, Qt.Key.Key_Space)
    assert dialog.household.row_count == 1
    assert QApplication.focusWidget() is dialog.household.editor(0, "name")
    save_by_keyboard(qtbot, dialog)
    assert dialog.error_text("household").startswith("Household member 1, date of birth: Type")
    assert worker.pending == 0


def test_agencies_allow_one_lead_professional(qtbot, worker, session) -> None:
    dialog = open_form(qtbot, worker, session)
    fill_names(qtbot, dialog)
    dialog.agencies.add_row({"name": "CAMHS", "is_lead_professional": True})
    dialog.agencies.add_row({"name": "Early Help", "is_lead_professional": True})
    save_by_keyboard(qtbot, dialog)
    assert "Only one agency" in dialog.error_text("agencies")
    dialog.agencies.editor(0, "is_lead_professional").click()
    with qtbot.waitSignal(dialog.saved, timeout=30_000) as saved:
        save_by_keyboard(qtbot, dialog)
    agencies = current(worker, session, saved.args[0]).pupil.agencies
    assert [(a.name, a.is_lead_professional) for a in agencies] == [
        ("CAMHS", False), ("Early Help", True)]


def test_knows_nothing_about_key_adults_is_stored_as_false(qtbot, worker, session) -> None:
    dialog = open_form(qtbot, worker, session)
    fill_names(qtbot, dialog)
    assert not dialog.key_adults.isEnabled()  # "not yet asked" to start with
    dialog.key_adults_choice.button(1).click()  # listed below: a row to fill appears
    assert dialog.key_adults.row_count == 1 and dialog.key_adults.isEnabled()
    save_by_keyboard(qtbot, dialog)
    assert "List the key adults" in dialog.error_text("key_adults")
    qtbot.keyClicks(dialog.key_adults.editor(0, "name"), "Pat Coach")
    form_helpers.set_next_answer(False)  # "take them off?" — no: the choice goes back
    dialog.key_adults_choice.button(2).click()
    assert dialog.key_adults_choice.checkedId() == 1 and dialog.key_adults.row_count == 1
    form_helpers.set_next_answer(True)
    dialog.key_adults_choice.button(2).click()
    assert dialog.key_adults.row_count == 0 and not dialog.key_adults.isEnabled()
    shot(dialog, "pupil_form_key_adults")
    with qtbot.waitSignal(dialog.saved, timeout=30_000) as saved:
        save_by_keyboard(qtbot, dialog)
    pupil = current(worker, session, saved.args[0]).pupil
    assert pupil.key_adults_known is False and pupil.key_adults == ()


def test_ehcp_notes_show_only_for_an_ehcp(qtbot, worker, session) -> None:
    dialog = open_form(qtbot, worker, session)
    assert dialog.ehcp_section_d.isHidden()
    fill_names(qtbot, dialog)
    dialog.send_status.setCurrentIndex(2)
    assert not dialog.ehcp_section_d.isHidden() and not dialog.ehcp_section_h.isHidden()
    qtbot.keyClicks(dialog.send_since, "01/09/2022")
    dialog.ehcp_section_d.setPlainText("Needs a consistent adult at transitions")
    dialog.ehcp_section_h.setPlainText("Short breaks")
    qtbot.keyClicks(dialog.communication_needs, "Uses a red card to show distress")
    shot(dialog, "pupil_form_ehcp")
    with qtbot.waitSignal(dialog.saved, timeout=30_000) as saved:
        save_by_keyboard(qtbot, dialog)
    pupil = current(worker, session, saved.args[0]).pupil
    assert pupil.send_status.value == "ehcp" and pupil.send_since == date(2022, 9, 1)
    assert pupil.ehcp_section_h == "Short breaks"
    assert pupil.communication_needs == "Uses a red card to show distress"


# -- amending ----------------------------------------------------------------------------
def test_amending_requires_a_reason_and_keeps_version_one(qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example", year_group="Year 4",
                                              key_adults_known=False))
    dialog = open_form(qtbot, worker, session, amy.id)
    assert dialog.legal_forename.text() == "Amy"
    assert dialog.year_group.currentText() == "Year 4"
    assert dialog.key_adults_choice.checkedId() == 2
    dialog.legal_surname.selectAll()
    qtbot.keyClicks(dialog.legal_surname, "Newname")
    save_by_keyboard(qtbot, dialog)
    assert dialog.error_text("reason") == "Say why the record is being amended."
    assert dialog.reason.hasFocus()
    shot(dialog, "pupil_form_amend_reason")
    qtbot.keyClicks(dialog.reason, "Change of name by deed poll")
    with qtbot.waitSignal(dialog.saved, timeout=30_000):
        save_by_keyboard(qtbot, dialog)
    record = current(worker, session, amy.id)
    assert record.version == 2
    assert record.pupil.legal_surname == "Newname" and record.pupil.key_adults_known is False
    assert [v.pupil.legal_surname for v in record.history] == ["Example", "Newname"]
    assert record.history[1].reason == "Change of name by deed poll"


def test_an_amendment_someone_else_beat_keeps_the_form(qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    dialog = open_form(qtbot, worker, session, amy.id)
    on_worker(worker, lambda: pupils.amend_pupil(session, replace(amy, form="4B"), "Form", 1))
    qtbot.keyClicks(dialog.gp, "Hill Surgery")
    qtbot.keyClicks(dialog.reason, "GP added")
    save_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: "changed by someone else" in dialog.error_text("reason"),
                    timeout=30_000)
    assert dialog.isVisible() and dialog.gp.text() == "Hill Surgery"


# -- drafts and discarding -----------------------------------------------------------------
def test_draft_round_trip_covers_every_field_and_rows(qtbot, worker, session) -> None:
    first = open_form(qtbot, worker, session)
    fill_names(qtbot, first)
    qtbot.keyClicks(first.upn, "A12")  # half-typed text is kept as typed
    first.send_status.setCurrentIndex(2)
    first.ehcp_section_d.setPlainText("Section D text")
    first.household.add_row({"name": "Sam", "relationship": "Mother", "lives_with_child": True})
    first.key_adults_choice.button(1).click()
    qtbot.keyClicks(first.key_adults.editor(0, "name"), "Pat Coach")
    first.agencies.add_row({"name": "CAMHS", "is_lead_professional": True})
    state = first.draft_state()
    assert state is not None
    on_worker(worker, lambda: drafts.save_drafts(session, [("pupil", "new", state)]))
    first.reject()  # what a lock does: no question, the draft stays

    second = open_form(qtbot, worker, session)
    qtbot.waitUntil(lambda: second.legal_forename.text() == "Amelia")
    assert second.draft_state() == state
    assert second.upn.text() == "A12" and second.ehcp_section_d.toPlainText() == "Section D text"
    assert not second.ehcp_section_d.isHidden()
    assert second.household.state()[0]["lives_with_child"] is True
    assert second.key_adults_choice.checkedId() == 1
    assert second.key_adults.state()[0]["name"] == "Pat Coach"
    assert "put back" in second.intro.text()


def test_an_untouched_form_keeps_no_draft_and_closes_without_asking(
        qtbot, worker, session) -> None:
    dialog = open_form(qtbot, worker, session)
    assert dialog.draft_state() is None
    qtbot.keyClick(dialog.legal_forename, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_escape_asks_before_discarding_typed_text(qtbot, worker, session) -> None:
    dialog = open_form(qtbot, worker, session)
    qtbot.keyClicks(dialog.legal_forename, "Amelia")
    form_helpers.set_next_answer(False)
    qtbot.keyClick(dialog.legal_forename, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.legal_forename.text() == "Amelia"
    form_helpers.set_next_answer(True)
    qtbot.keyClick(dialog.legal_forename, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


# -- leaving -------------------------------------------------------------------------------
def open_leaving(qtbot: QtBot, worker: DbWorker, session: Session,
                 pupil_id: str) -> LeavingDialog:
    dialog = shown(qtbot, LeavingDialog(worker, session, pupil_id))
    qtbot.waitUntil(lambda: worker.pending == 0 and dialog.panel.action_button.isEnabled())
    return dialog


def test_leaving_stores_the_date_and_destination(qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example",
                                              date_of_birth=date(2013, 5, 6)))
    dialog = open_leaving(qtbot, worker, session, amy.id)
    assert "06/05/2038" in dialog.retention_note.text()
    qtbot.keyClicks(dialog.date_left, "20/07/2025")
    qtbot.keyClicks(dialog.destination, "Hilltop Academy")
    shot(dialog, "leaving")
    with qtbot.waitSignal(dialog.saved, timeout=30_000):
        qtbot.keyClick(dialog.destination, Qt.Key.Key_Return)
    record = current(worker, session, amy.id)
    assert (record.pupil.date_left, record.pupil.destination_school) == (
        date(2025, 7, 20), "Hilltop Academy")
    assert record.version == 2 and record.history[0].pupil.date_left is None


def test_leaving_checks_dates_and_asks_for_a_destination(qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example",
                                              date_of_birth=date(2013, 5, 6)))
    dialog = open_leaving(qtbot, worker, session, amy.id)
    qtbot.keyClicks(dialog.date_left, "01/01/2012")
    dialog.panel.action_button.click()
    form = dialog.panel.form
    assert form.error_text("date_left") == "The leaving date is before the date of birth."
    assert "Enter the school" in form.error_text("destination")
    dialog.date_left.setText((date.today() + timedelta(days=1)).strftime("%d/%m/%Y"))
    assert form.error_text("date_left") == "The leaving date cannot be in the future."
    shot(dialog, "leaving_errors")
    assert current(worker, session, amy.id).version == 1
    dialog.date_left.setText("20/07/2025")
    dialog.not_known.click()
    assert not dialog.destination.isEnabled()
    with qtbot.waitSignal(dialog.saved, timeout=30_000):
        dialog.panel.action_button.click()
    record = current(worker, session, amy.id)
    assert record.pupil.destination_school == "Not known"
    assert record.history[-1].reason == "Left the school (destination: Not known)"


# -- families ------------------------------------------------------------------------------
def open_family(qtbot: QtBot, worker: DbWorker, session: Session,
                pupil_id: str) -> FamilyDialog:
    dialog = shown(qtbot, FamilyDialog(worker, session, pupil_id))
    qtbot.waitUntil(lambda: worker.pending == 0 and dialog.panel.action_button.isEnabled())
    return dialog


def test_family_dialog_links_two_pupils(qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    ben = on_worker(worker, lambda: add_pupil(session, "Ben", "Example"))
    on_worker(worker, lambda: add_pupil(session, "Cara", "Other"))
    dialog = open_family(qtbot, worker, session, amy.id)
    qtbot.keyClicks(dialog.find_edit, "ben exa")
    assert dialog.matches.model().rowCount() == 1
    qtbot.keyClick(dialog.find_edit, Qt.Key.Key_Down)  # into the matches
    qtbot.keyClick(dialog.matches, Qt.Key.Key_Return)  # adds Ben
    assert dialog.member_ids() == [amy.id, ben.id]
    shot(dialog, "family")
    with qtbot.waitSignal(dialog.saved, timeout=30_000):
        dialog.panel.action_button.click()
    family = {current(worker, session, p.id).pupil.family_id for p in (amy, ben)}
    assert len(family) == 1 and None not in family


def test_family_dialog_says_when_a_pupil_is_in_another_family(qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    ben = on_worker(worker, lambda: add_pupil(session, "Ben", "Other"))
    cara = on_worker(worker, lambda: add_pupil(session, "Cara", "Other"))
    on_worker(worker, lambda: pupils.link_family(session, [ben.id, cara.id], "Other"))
    dialog = open_family(qtbot, worker, session, amy.id)
    save_attempt = dialog.panel.action_button
    save_attempt.click()
    assert "at least one brother or sister" in dialog.panel.form.error_text("members")
    dialog.add_member(ben.id)
    assert dialog.moves_note.text() == (
        "Ben Other is already linked to Cara Other. Linking moves only Ben Other: Cara Other "
        "will no longer be linked to Ben Other unless you add them too.")
    shot(dialog, "family_moves")
    with qtbot.waitSignal(dialog.saved, timeout=30_000):
        save_attempt.click()
    assert current(worker, session, ben.id).pupil.family_id == current(
        worker, session, amy.id).pupil.family_id
    assert current(worker, session, cara.id).family == ()  # no longer linked to anyone


def test_family_dialog_starts_with_the_current_family(qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    ben = on_worker(worker, lambda: add_pupil(session, "Ben", "Example"))
    on_worker(worker, lambda: pupils.link_family(session, [amy.id, ben.id], "Example"))
    dialog = open_family(qtbot, worker, session, ben.id)
    assert set(dialog.member_ids()) == {amy.id, ben.id}
    assert dialog.label.text() == "Example family"
    dialog.members.setCurrentRow(dialog.member_ids().index(ben.id))
    qtbot.keyClick(dialog.members, Qt.Key.Key_Delete)  # this pupil stays; Delete does nothing
    assert dialog.member_ids() == [ben.id, amy.id]
    dialog.members.setCurrentRow(dialog.member_ids().index(amy.id))
    qtbot.keyClick(dialog.members, Qt.Key.Key_Delete)
    assert dialog.member_ids() == [ben.id]
    assert "Amy Example will no longer be linked" in dialog.moves_note.text()


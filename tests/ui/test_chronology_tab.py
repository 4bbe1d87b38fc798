"""The Chronology tab: derived and hand-recorded lines, filters, adding an event by
keyboard, the family's chronology (each child's line from their own file), who may
change what is significant, and opening what a line came from."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sgdesk.models.chronology import ChronologyEvent, EventKind
from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.pupils import Pupil, SendStatus
from sgdesk.models.users import Role
from sgdesk.services import body_maps, chronology, concerns, pupils, users
from sgdesk.services.session import Session
from sgdesk.ui.chronology_tab import BodyMapViewDialog, ChronologyTab
from sgdesk.ui.concern_view import ConcernViewDialog
from sgdesk.ui.dialogs.chronology_event_dialog import ChronologyEventDialog
from sgdesk.ui.form_helpers import set_next_answer, set_next_save_path
from sgdesk.ui.pdf_output import set_next_pdf_password
from sgdesk.ui.worker import DbWorker
from tests.body_map_helpers import map_of
from tests.helpers import WHEN, add_pupil, concern_content, log_about
from tests.ui.conftest import on_worker, shot, shown, widget_texts


def open_tab(qtbot: QtBot, worker: DbWorker, session: Session, pupil_id: str) -> ChronologyTab:
    tab = shown(qtbot, ChronologyTab(worker, session, pupil_id))
    tab.resize(1200, 700)
    settle(qtbot, tab)
    return tab


def settle(qtbot: QtBot, tab: ChronologyTab) -> None:
    qtbot.waitUntil(lambda: tab._worker.pending == 0 and not tab.busy.active)


def record_event(worker: DbWorker, session: Session, kind: EventKind, day: date, text: str,
                 **owner: str) -> str:
    return on_worker(worker, lambda: chronology.add_event(
        session, ChronologyEvent.of_kind(kind, day, text, **owner)))


def column(tab: ChronologyTab, name: str) -> list[str]:
    model = tab.model
    headers = model.FAMILY_HEADERS if model.family else model.HEADERS
    index = headers.index(name)
    return [model.index(row, index).data() for row in range(model.rowCount())]


def type_in(qtbot: QtBot, text: str) -> None:
    """Type into whatever has the keyboard focus, then Tab on, as a person would."""
    focused = QApplication.focusWidget()
    assert focused is not None
    if text:
        qtbot.keyClicks(focused, text)
    qtbot.keyClick(focused, Qt.Key.Key_Tab)


def test_the_tab_lists_concerns_decisions_and_recorded_events_in_date_order(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    on_worker(worker, lambda: log_about(session, amy, facts="Came in without a coat again"))
    record_event(worker, session, EventKind.ADDRESS_CHANGE, WHEN.date() - timedelta(days=40),
                 "Moved in with grandmother", pupil_id=amy.id)

    tab = open_tab(qtbot, worker, session, amy.id)
    assert column(tab, "From") == ["Recorded event", "Concern"]
    assert column(tab, "Event")[0] == "Change of address: Moved in with grandmother"
    assert "Came in without a coat again" in column(tab, "Event")[1]
    assert not tab.model.family and "Child" not in tab.model.HEADERS
    assert tab.whole_family.isHidden()  # no family linked: nothing to toggle
    assert tab.summary.text().startswith("All 2 entries on this pupil's chronology")
    assert "Moved in with grandmother" in tab.details.toPlainText()  # the first line, in full
    shot(tab, "chronology_tab")


def test_filters_narrow_the_list_and_say_what_is_shown(qtbot: QtBot, worker: DbWorker,
                                                       session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    on_worker(worker, lambda: log_about(session, amy))  # Neglect, significant, 02/11/2026
    record_event(worker, session, EventKind.OTHER, date(2026, 3, 1), "Won a prize",
                 pupil_id=amy.id)
    record_event(worker, session, EventKind.SUSPENSION, date(2026, 5, 1), "Two days",
                 pupil_id=amy.id)
    tab = open_tab(qtbot, worker, session, amy.id)
    assert tab.model.rowCount() == 3

    tab.significant_only.click()
    assert column(tab, "Event") == ["Suspension: Two days", column(tab, "Event")[1]]
    assert tab.summary.text().startswith("Showing 2 of 3 entries")
    assert "Significant entries only" in tab.summary.text()

    tab.significant_only.click()
    tab.start.setFocus()
    qtbot.keyClicks(tab.start, "1/4/2026")
    qtbot.keyClick(tab.start, Qt.Key.Key_Return)
    assert column(tab, "Date") == ["01/05/2026", "02/11/2026"]
    qtbot.keyClicks(tab.end, "31/10/2026")
    qtbot.keyClick(tab.end, Qt.Key.Key_Return)
    assert column(tab, "Date") == ["01/05/2026"]

    qtbot.keyClicks(tab.end, "x")  # "31/10/2026x" cannot be read: said next to the dates
    qtbot.keyClick(tab.end, Qt.Key.Key_Return)
    assert "day/month/year" in tab.date_error.text() and tab.date_error.isVisible()
    assert column(tab, "Date") == ["01/05/2026"]  # the list stays as it was

    tab.clear_filters()
    assert tab.model.rowCount() == 3 and tab.date_error.isHidden()
    category = tab.categories.menu().actions()
    assert [a.text() for a in category] == ["Neglect"]
    category[0].setChecked(True)
    assert column(tab, "From") == ["Concern"]
    assert tab.categories.text() == "Categories: Neglect"
    tab.clear_filters()
    sources = {a.data(): a for a in tab.sources.menu().actions()}
    sources["event"].setChecked(True)
    assert column(tab, "From") == ["Recorded event", "Recorded event"]
    shot(tab, "chronology_tab_filtered")


def test_adding_an_event_by_keyboard(qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    tab = open_tab(qtbot, worker, session, amy.id)
    assert tab.model.rowCount() == 0
    assert "Nothing is on this pupil's chronology yet" in tab.summary.text()

    tab.add_button.setFocus()
    qtbot.keyClick(tab.add_button, Qt.Key.Key_Space)
    dialog = tab.findChild(ChronologyEventDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded and dialog.kind.hasFocus())
    assert dialog.about.isHidden()  # no family: nothing to choose
    assert dialog.significant.isChecked()  # "Change of address" is significant by default
    type_in(qtbot, "Oth")  # the kind, chosen by typing; "Other" is not significant
    assert dialog.kind.currentData() is EventKind.OTHER
    assert not dialog.significant.isChecked()
    type_in(qtbot, "05/10/2026")  # date
    type_in(qtbot, "25:00")  # a time that does not exist
    assert "There is no such time" in dialog.panel.form.error_text("happened_at_time")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    dialog.at_time.selectAll()
    type_in(qtbot, "16:45")
    type_in(qtbot, "Mother says the family is being evicted")  # what happened
    type_in(qtbot, "Phone call from mother")  # source
    type_in(qtbot, "Told the DSL")  # outcome
    assert dialog.panel.form.error_text("happened_at_time") == ""
    with qtbot.waitSignal(tab.changed):
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, tab)
    assert column(tab, "Event") == ["Other: Mother says the family is being evicted"]
    assert column(tab, "Time") == ["16:45"]
    assert column(tab, "Significant") == ["No"]
    assert tab.current_entry() is not None and tab.current_entry().source_kind == "event"


def test_an_event_needs_a_date_and_what_happened(qtbot: QtBot, worker: DbWorker,
                                                 session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    dialog = shown(qtbot, ChronologyEventDialog(worker, session, pupil_id=amy.id))
    qtbot.waitUntil(lambda: dialog.loaded)
    dialog.panel.action_button.click()
    form = dialog.panel.form
    assert form.error_text("happened_on") == "Enter the date it happened."
    assert form.error_text("event") == "Say what happened."
    assert dialog.isVisible() and dialog.happened_on.hasFocus()
    dialog.happened_on.setText(f"{date.today() + timedelta(days=3):%d/%m/%Y}")
    dialog.happened_on.editingFinished.emit()
    assert form.error_text("happened_on") == "The date cannot be in the future."
    shot(dialog, "chronology_event_dialog_errors")


def linked_family(worker: DbWorker, session: Session) -> tuple[Pupil, Pupil, str]:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example",
                                              date_of_birth=date(2013, 1, 1)))
    ben = on_worker(worker, lambda: add_pupil(session, "Ben", "Example",
                                              date_of_birth=date(2015, 1, 1)))
    family_id = on_worker(worker, lambda: pupils.link_family(session, [amy.id, ben.id],
                                                             "Example"))
    return amy, ben, family_id


def test_the_family_view_shows_siblings_lines_each_from_their_own_file(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy, ben, family_id = linked_family(worker, session)
    concern_id = on_worker(worker, lambda: concerns.log_concern(session, concern_content(
        InvolvedChild(amy.id, ChildRole.VICTIM),
        InvolvedChild(ben.id, ChildRole.ALLEGED_PERPETRATOR), facts="A fight at home")))
    record_event(worker, session, EventKind.MOVE_OF_SCHOOL, date(2026, 6, 1), "Ben moved up",
                 pupil_id=ben.id)
    record_event(worker, session, EventKind.HOUSEHOLD_CHANGE, date(2026, 7, 1),
                 "Father left the home", family_id=family_id)

    tab = open_tab(qtbot, worker, session, amy.id)
    assert tab.whole_family.isVisible()
    assert "Concern" in column(tab, "From")
    assert "Ben moved up" not in widget_texts(tab)
    assert not any("perpetrator" in t.lower() for t in widget_texts(tab))

    tab.whole_family.click()
    settle(qtbot, tab)
    assert tab.showing_family
    assert column(tab, "Child") == ["Ben Example", "Whole family", "Amy Example",
                                    "Ben Example"]
    events = dict(zip(column(tab, "Child"), column(tab, "Event"), strict=False))
    assert events["Whole family"] == "Change in household: Father left the home"
    amy_line = next(tab.model.entry(r) for r in range(4)
                    if tab.model.entry(r).pupil_id == amy.id)
    ben_line = next(tab.model.entry(r) for r in range(4)
                    if tab.model.entry(r).source_kind == "concern"
                    and tab.model.entry(r).pupil_id == ben.id)
    # Amy's line never says Ben's role, nor Ben's says Amy's.
    assert "perpetrator" not in (amy_line.event + amy_line.outcome).lower()
    assert "victim" not in (ben_line.event + ben_line.outcome).lower()
    shot(tab, "chronology_tab_family")

    # Opening Ben's concern line opens the concern as Ben's file shows it.
    row = next(r for r in range(4) if tab.model.entry(r) is ben_line)
    tab.table.setFocus()
    tab.table.selectRow(row)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    view = tab.findChild(ConcernViewDialog)
    assert view is not None
    qtbot.waitUntil(lambda: view.record is not None)
    assert view.record.id == concern_id and view.record.pupil_id == ben.id
    view.close()

    tab.this_pupil.click()
    settle(qtbot, tab)
    assert not tab.showing_family and "Ben moved up" not in widget_texts(tab)


def test_only_the_dsl_or_a_deputy_may_mark_a_line_significant(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example",
                                              send_status=SendStatus.EHCP))  # SENDCO's sight
    on_worker(worker, lambda: log_about(session, amy))
    tab = open_tab(qtbot, worker, session, amy.id)
    assert tab.significance_button.isVisible()
    assert column(tab, "Significant") == ["Yes"]
    assert tab.significance_button.text() == "Mark not si&gnificant"
    with qtbot.waitSignal(tab.changed):
        tab.significance_button.click()
    settle(qtbot, tab)
    assert column(tab, "Significant") == ["No"]
    assert tab.significance_button.text() == "Mark si&gnificant"

    sendco = on_worker(worker, lambda: users.add_user(session, "Sam Senco", "ssenco",
                                                      Role.SENDCO, "colleague password"))
    as_sendco = Session(session.store, session.db, sendco, session.master_key)
    theirs = open_tab(qtbot, worker, as_sendco, amy.id)
    assert theirs.significance_button.isHidden() and theirs.add_button.isVisible()
    assert column(theirs, "Significant") == ["No"]


def test_a_hand_recorded_line_opens_to_be_amended_with_a_reason(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    record_event(worker, session, EventKind.MISSING_EPISODE, date(2026, 2, 2),
                 "Missing overnight", pupil_id=amy.id)
    tab = open_tab(qtbot, worker, session, amy.id)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    dialog = tab.findChild(ChronologyEventDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.amending and dialog.what_happened.toPlainText() == "Missing overnight"
    dialog.what_happened.setPlainText("Missing overnight; found by police at 6am")
    dialog.panel.action_button.click()
    assert dialog.panel.form.error_text("reason") == "Say why the record is being amended."
    assert dialog.isVisible()
    shot(dialog, "chronology_event_dialog_amend")
    dialog.reason.setText("Police told us where she was found")
    with qtbot.waitSignal(tab.changed):
        dialog.panel.action_button.click()
    settle(qtbot, tab)
    assert column(tab, "Event") == ["Missing episode: Missing overnight; found by police at 6am"]
    record = on_worker(worker, lambda: chronology.get_event(session,
                                                            tab.current_entry().source_id))
    assert [v.reason for v in record.versions][-1] == "Police told us where she was found"




def test_a_pupil_with_a_family_may_record_an_event_about_the_whole_family(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy, _ben, family_id = linked_family(worker, session)
    dialog = shown(qtbot, ChronologyEventDialog(worker, session, pupil_id=amy.id))
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.about.isVisible() and dialog.about.pupil.isChecked()
    dialog.kind.setCurrentIndex(dialog.kind.findData(EventKind.HOUSEHOLD_CHANGE))
    dialog.happened_on.setText("03/03/2026")
    dialog.at_time.setText("9.05")
    dialog.what_happened.setPlainText("Mother's new partner moved in")
    dialog.about.family.click()
    shot(dialog, "chronology_event_dialog_family")
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.panel.action_button.click()
    record = on_worker(worker, lambda: chronology.get_event(session, saved.args[0]))
    assert record.current.family_id == family_id and record.current.pupil_id is None
    assert f"{record.current.happened_at_time:%H:%M}" == "09:05"
    family = on_worker(worker, lambda: chronology.family_chronology(session, family_id))
    assert [e.child_name for e in family if e.source_id == saved.args[0]] == ["Whole family"]


def test_a_body_map_line_opens_the_map_read_only(qtbot: QtBot, worker: DbWorker,
                                                 session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    map_id = on_worker(worker, lambda: body_maps.add_body_map(session, map_of(amy.id)))
    tab = open_tab(qtbot, worker, session, amy.id)
    assert column(tab, "From") == ["Body map"]
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    viewer = tab.findChild(BodyMapViewDialog)
    assert viewer is not None
    qtbot.waitUntil(lambda: viewer.viewer.record is not None)
    assert viewer.viewer.record.id == map_id
    assert viewer.viewer.amend_button.isHidden()


def test_escape_asks_before_throwing_an_event_away_and_a_draft_comes_back(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    dialog = shown(qtbot, ChronologyEventDialog(worker, session, pupil_id=amy.id))
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.draft_state() is None  # nothing typed: nothing to keep or ask about
    dialog.what_happened.setPlainText("Left school at lunch without permission")
    dialog.at_time.setText("12:30")
    set_next_answer(False)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    state = dialog.draft_state()
    assert state is not None and state["event"] == "Left school at lunch without permission"

    again = shown(qtbot, ChronologyEventDialog(worker, session, pupil_id=amy.id))
    qtbot.waitUntil(lambda: again.loaded)
    again.restore_draft(state)  # as after a lock
    assert again.what_happened.toPlainText() == "Left school at lunch without permission"
    assert again.at_time.text() == "12:30"
    assert "back" in again.panel.form.message()

    set_next_answer(True)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_save_as_pdf_writes_the_view_shown_as_filtered(qtbot: QtBot, worker: DbWorker,
                                                      session: Session, tmp_path: Path) -> None:
    amy, _ben, family_id = linked_family(worker, session)
    record_event(worker, session, EventKind.EXCLUSION, date(2026, 1, 9), "Excluded",
                 family_id=family_id)
    tab = open_tab(qtbot, worker, session, amy.id)
    tab.whole_family.click()
    settle(qtbot, tab)
    tab.significant_only.click()
    target = tmp_path / "out.pdf"
    set_next_save_path(target)
    set_next_pdf_password("")
    tab.save_button.click()
    qtbot.waitUntil(lambda: target.exists())
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(target).pages).split())
    assert "OFFICIAL-SENSITIVE" in text
    assert "Family chronology" in text and "Significant entries only" in text
    assert "Whole family Permanent exclusion: Excluded" in text

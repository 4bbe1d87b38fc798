"""The Casework tab: opening a case and recording a visit by keyboard, the reason a
child was not seen alone asked for under its field, clocks said in words in the
header, the plan's actions and the closure, a SENDCO reading only, correcting an
earlier visit or meeting with a reason, and the case notes, the assessment and the
plan saved as PDFs under names that name nobody."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox
from pytestqt.qtbot import QtBot

from sgdesk.models.casework import (
    CaseContent,
    CaseKind,
    Meeting,
    MeetingKind,
    Plan,
    PlanAction,
    Visit,
)
from sgdesk.models.pupils import Pupil, SendStatus
from sgdesk.models.users import Role
from sgdesk.models.working_days import add_working_days
from sgdesk.services import casework, drafts, users
from sgdesk.services.record_dates import day_text
from sgdesk.services.school_calendar import working_calendar
from sgdesk.services.session import Session
from sgdesk.ui import pdf_output
from sgdesk.ui.casework_tab import CaseworkTab
from sgdesk.ui.dialogs.case_dialogs import (
    AssessmentDialog,
    CloseCaseDialog,
    MeetingDialog,
    OpenCaseDialog,
    PlanDialog,
    VisitDialog,
)
from sgdesk.ui.dialogs.case_form import CaseForm
from sgdesk.ui.pdf_output import set_next_pdf_password
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_pupil
from tests.ui.conftest import on_worker, shot, shown


def open_tab(qtbot: QtBot, worker: DbWorker, session: Session, pupil_id: str) -> CaseworkTab:
    tab = shown(qtbot, CaseworkTab(worker, session, pupil_id))
    tab.resize(1100, 800)
    settle(qtbot, tab)
    return tab


def settle(qtbot: QtBot, tab: CaseworkTab) -> None:
    qtbot.waitUntil(lambda: tab._worker.pending == 0 and not tab.busy.active)


def opened[F: CaseForm](qtbot: QtBot, tab: CaseworkTab, form: type[F]) -> F:
    """The form the tab just opened, read from the store and holding the keyboard."""
    dialog = tab.findChild(form)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded and dialog.isActiveWindow())
    return dialog


def type_in(qtbot: QtBot, text: str) -> None:
    """Type into whatever has the keyboard focus (Space ticks a box), then Tab on."""
    focused = QApplication.focusWidget()
    assert focused is not None
    if isinstance(focused, QCheckBox) and text == " ":
        qtbot.keyClick(focused, Qt.Key.Key_Space)
    elif text:
        qtbot.keyClicks(focused, text)
    qtbot.keyClick(focused, Qt.Key.Key_Tab)


def save_by_keyboard(qtbot: QtBot, tab: CaseworkTab, dialog: CaseForm) -> None:
    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S,
                       Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, tab)


def open_case(worker: DbWorker, session: Session, pupil: Pupil, kind: CaseKind,
              started_on: date) -> str:
    return on_worker(worker, lambda: casework.open_case(session, CaseContent(
        kind=kind, pupil_id=pupil.id, family_id=None, lead_practitioner="Jo Bloggs",
        supervisor="Sam Social", started_on=started_on)))


def today(worker: DbWorker, session: Session) -> date:
    return on_worker(worker, lambda: session.db.clock().astimezone().date())


def test_a_case_is_opened_and_a_visit_recorded_by_keyboard(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    tab = open_tab(qtbot, worker, session, amy.id)
    assert tab.empty.isVisible() and not tab.visit_button.isEnabled()

    tab.open_case_button.setFocus()
    qtbot.keyClick(tab.open_case_button, Qt.Key.Key_Space)
    dialog = opened(qtbot, tab, OpenCaseDialog)
    assert QApplication.focusWidget() is dialog.kind
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)  # Early Help -> Child in need (s17)
    type_in(qtbot, "")
    assert dialog.lead.text() == "Jo Bloggs"  # the signed-in DSL, suggested
    type_in(qtbot, "")
    assert QApplication.focusWidget() is dialog.lead_declined
    type_in(qtbot, "")  # the school leads; the reasons box, disabled, is passed by
    type_in(qtbot, "Sam Social")
    assert QApplication.focusWidget() is dialog.started_on
    shot(dialog, "case_open_dialog")
    save_by_keyboard(qtbot, tab, dialog)

    assert [r.current.kind for r in tab.records] == [CaseKind.S17]
    assert tab.model.index(0, 3).data() == "Open"
    day = today(worker, session)
    due = on_worker(worker, lambda: add_working_days(day, 45, working_calendar(session)))
    assert tab.clocks.text() == (f"Assessment due (45 working days): {due:%A} {day_text(due)}"
                                 " — 45 working days left")

    tab.visit_button.setFocus()
    qtbot.keyClick(tab.visit_button, Qt.Key.Key_Space)
    visit = opened(qtbot, tab, VisitDialog)
    assert QApplication.focusWidget() is visit.on  # now, already filled in
    type_in(qtbot, "")
    type_in(qtbot, "")  # who: the DSL, suggested
    type_in(qtbot, "Home, with mother present")
    type_in(qtbot, "Check how Amy is settling")
    type_in(qtbot, " ")  # the child was seen
    type_in(qtbot, " ")  # ... alone
    assert not visit.not_alone_reason.isEnabled()  # skipped: no reason needed
    type_in(qtbot, "I like my new room")
    assert visit.reason.text() == "Visit recorded"
    save_by_keyboard(qtbot, tab, visit)

    record = tab.records[0]
    assert record.version == 2 and record.versions[-1].reason == "Visit recorded"
    seen = record.current.visits[0]
    assert (seen.who, seen.child_seen, seen.seen_alone) == ("Jo Bloggs", True, True)
    text = tab.summary.toPlainText()
    assert "Child seen alone" in text and "I like my new room" in text
    shot(tab, "casework_tab")


def test_a_child_seen_but_not_alone_needs_a_reason_under_its_field(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    open_case(worker, session, amy, CaseKind.EARLY_HELP, today(worker, session))
    tab = open_tab(qtbot, worker, session, amy.id)
    tab.visit_button.click()
    visit = opened(qtbot, tab, VisitDialog)
    visit.child_seen.click()
    assert visit.not_alone_reason.isEnabled()
    visit.panel.action_button.click()
    assert visit.form.error_text("not_seen_alone_reason") == \
        "Say why the child was not seen alone."
    assert visit.isVisible() and QApplication.focusWidget() is visit.not_alone_reason
    shot(visit, "case_visit_dialog_error")

    qtbot.keyClicks(visit.not_alone_reason, "Mother would not leave the room")
    assert visit.form.error_text("not_seen_alone_reason") == ""
    with qtbot.waitSignal(visit.saved):
        visit.panel.action_button.click()
    settle(qtbot, tab)
    assert "Child NOT seen alone: Mother would not leave the room" in \
        tab.summary.toPlainText()


def test_a_visit_typed_before_a_lock_comes_back(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    open_case(worker, session, amy, CaseKind.EARLY_HELP, today(worker, session))
    tab = open_tab(qtbot, worker, session, amy.id)
    tab.visit_button.click()
    visit = opened(qtbot, tab, VisitDialog)
    assert visit.draft_state() is None  # nothing typed yet
    visit.where.setText("Grandmother's flat")
    visit.child_seen.click()
    state = visit.draft_state()
    assert state is not None
    on_worker(worker, lambda: drafts.save_drafts(
        session, [(visit.draft_kind, visit.draft_ref, state)]))
    visit.reject()  # as a lock closes it
    qtbot.waitUntil(lambda: tab.findChild(VisitDialog) is None)

    tab.visit_button.click()
    again = opened(qtbot, tab, VisitDialog)
    assert again.where.text() == "Grandmother's flat" and again.child_seen.isChecked()
    assert "before the store was locked" in again.form.message()


def test_the_header_says_when_a_clock_is_overdue_and_when_it_is_met(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    started = today(worker, session) - timedelta(days=100)
    open_case(worker, session, amy, CaseKind.S17, started)
    tab = open_tab(qtbot, worker, session, amy.id)
    assert "Assessment due (45 working days): OVERDUE since" in tab.clocks.text()
    assert "working days late" in tab.clocks.text()
    shot(tab, "casework_tab_overdue")

    tab.assessment_button.click()
    assessment = opened(qtbot, tab, AssessmentDialog)
    shot(assessment, "case_assessment_dialog")
    assessment.approved_by.setText("Sam Social")
    assessment.panel.action_button.click()
    assert assessment.form.error_text("approved_on") == "Give the date of the approval."
    assessment.approved_by.clear()
    assessment.completed_on.set_day(started + timedelta(days=30))
    assessment.notes[next(iter(assessment.notes))].setPlainText("Speech delay")
    with qtbot.waitSignal(assessment.saved):
        assessment.panel.action_button.click()
    settle(qtbot, tab)
    assert tab.clocks.text().endswith("— met")
    assert "Speech delay" in tab.summary.toPlainText()


def test_a_strategy_discussion_starts_the_conference_clock(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    open_case(worker, session, amy, CaseKind.S47, today(worker, session))
    tab = open_tab(qtbot, worker, session, amy.id)
    assert tab.clocks.text() == "No clocks running."
    tab.meeting_button.click()
    meeting = opened(qtbot, tab, MeetingDialog)
    meeting.kind.setCurrentIndex(meeting.kind.findData(MeetingKind.STRATEGY_DISCUSSION))
    meeting.next_date.setText("31/02/2027")
    meeting.panel.action_button.click()
    assert meeting.form.error_text("decisions").startswith("Record what was decided")
    assert meeting.form.error_text("next_date").startswith("There is no such date.")
    meeting.decisions.setPlainText("Section 47 enquiries; ICPC to be convened")
    meeting.next_date.clear()
    shot(meeting, "case_meeting_dialog")
    with qtbot.waitSignal(meeting.saved):
        meeting.panel.action_button.click()
    settle(qtbot, tab)
    assert tab.clocks.text().startswith(
        "Initial child protection conference due (15 working days): ")
    assert tab.clocks.text().endswith(" — 15 working days left")
    assert "Strategy discussion" in tab.summary.toPlainText()


def test_plan_actions_show_and_a_closed_case_stops_its_clocks(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    open_case(worker, session, amy, CaseKind.S17, today(worker, session))
    tab = open_tab(qtbot, worker, session, amy.id)
    tab.plan_button.click()
    plan = opened(qtbot, tab, PlanDialog)
    plan.outcomes.setPlainText("Amy attends every day")
    plan.action_rows.add_row({"who": "Mr Green", "what": "Morning check-in", "done": True,
                          "cancelled": True})
    plan.panel.action_button.click()
    assert "not both" in plan.form.error_text("actions")
    shot(plan, "case_plan_dialog")
    cancelled = plan.action_rows.editor(0, "cancelled")
    assert isinstance(cancelled, QCheckBox)
    cancelled.setChecked(False)
    with qtbot.waitSignal(plan.saved):
        plan.panel.action_button.click()
    settle(qtbot, tab)
    assert "Morning check-in" in tab.summary.toPlainText()

    tab.close_button.click()
    closing = opened(qtbot, tab, CloseCaseDialog)
    closing.panel.action_button.click()
    assert closing.form.error_text("closure_reason") == "Say why the case is closing."
    closing.closure_reason.setPlainText("Needs met; stepped down to universal support")
    with qtbot.waitSignal(closing.saved):
        closing.panel.action_button.click()
    settle(qtbot, tab)
    assert tab.model.index(0, 3).data().startswith("Closed ")
    assert tab.clocks.text() == "The case is closed: its clocks have stopped."
    assert not tab.visit_button.isEnabled() and tab.print_button.isEnabled()


def test_a_sendco_reads_cases_but_changes_nothing(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example",
                                              send_status=SendStatus.EHCP))  # SENDCO's sight
    open_case(worker, session, amy, CaseKind.EARLY_HELP, today(worker, session))
    sendco = on_worker(worker, lambda: users.add_user(session, "Sam Senco", "ssenco",
                                                      Role.SENDCO, "colleague password"))
    as_sendco = Session(session.store, session.db, sendco, session.master_key)
    tab = open_tab(qtbot, worker, as_sendco, amy.id)
    assert len(tab.records) == 1 and tab.summary.isVisible()
    for button in (tab.open_case_button, *tab.edit_buttons):
        assert button.isHidden()
    assert tab.print_button.isVisible() and tab.save_button.isVisible()
    assert tab.edit(VisitDialog) is None and tab.open_case() is None
    assert tab.findChild(CaseForm) is None
    shot(tab, "casework_tab_sendco")


def test_the_notes_the_assessment_and_the_plan_are_saved_as_pdfs(
        qtbot: QtBot, worker: DbWorker, session: Session, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    case_id = open_case(worker, session, amy, CaseKind.S17, today(worker, session))
    case = on_worker(worker, lambda: casework.get_case(session, case_id)).current
    on_worker(worker, lambda: casework.amend_case(session, case_id, replace(
        case, plan=Plan("Amy attends every day", (PlanAction("Mr Green", "Morning check-in"),))),
        "Plan agreed", 1))
    tab = open_tab(qtbot, worker, session, amy.id)
    assert [a.text() for a in tab.save_button.menu().actions()] == [
        "Save the case notes as PDF…", "Save the assessment as PDF…", "Save the plan as PDF…"]
    assert [a.text() for a in tab.print_button.menu().actions()] == [
        "Print the case notes…", "Print the assessment…", "Print the plan…"]
    suggested: list[str] = []

    def choose(_parent: object, _caption: str, start: Path, _filter: str) -> Path:
        suggested.append(start.name)
        return tmp_path / f"{len(suggested)}.pdf"

    monkeypatch.setattr(pdf_output, "choose_save_path", choose)
    texts = []
    for which in ("notes", "assessment", "plan"):
        set_next_pdf_password("")
        tab.save_actions[which].trigger()
        target = tmp_path / f"{len(suggested) + 1}.pdf"
        qtbot.waitUntil(target.exists)
        settle(qtbot, tab)
        texts.append(" ".join("".join(p.extract_text() for p in PdfReader(target).pages)
                              .split()))
    assert suggested == ["case-notes.pdf", "assessment.pdf", "plan.pdf"]
    notes, assessment, plan = texts
    assert "Case notes" in notes and "Parenting capacity" in notes and "Morning check-in" in notes
    assert "Parenting capacity" in assessment and "Morning check-in" not in assessment
    assert "Mr Green Morning check-in" in plan and "Parenting capacity" not in plan


def case_with_a_visit_and_a_meeting(worker: DbWorker, session: Session, pupil: Pupil) -> str:
    """An Early Help case with a visit two days ago and a meeting yesterday."""
    now = on_worker(worker, session.db.clock)
    return on_worker(worker, lambda: casework.open_case(session, CaseContent(
        kind=CaseKind.EARLY_HELP, pupil_id=pupil.id, family_id=None,
        lead_practitioner="Jo Bloggs", supervisor="", started_on=now.date() - timedelta(days=10),
        visits=(Visit(now - timedelta(days=2), "Jo Bloggs", "Home", "Check-in",
                      child_seen=True, seen_alone=True, child_words="I am fine"),),
        meetings=(Meeting(MeetingKind.EARLY_HELP_REVIEW, now - timedelta(days=1),
                          attendees="Jo Bloggs", decisions="Carry on",
                          next_date=now.date() + timedelta(days=30)),))))


def test_an_earlier_visit_is_amended_by_keyboard_with_a_reason(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    case_with_a_visit_and_a_meeting(worker, session, amy)
    tab = open_tab(qtbot, worker, session, amy.id)
    assert [tab.entry_model.index(r, 1).data() for r in range(2)] == ["Meeting", "Visit"]
    assert not tab.amend_visit_button.isEnabled()

    qtbot.keyClick(tab, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is tab.entries
    qtbot.keyClick(tab.entries, Qt.Key.Key_Down)
    qtbot.keyClick(tab.entries, Qt.Key.Key_Down)
    assert tab.chosen_entry() is not None and tab.chosen_entry().kind == "visit"
    assert tab.amend_visit_button.isEnabled() and not tab.amend_meeting_button.isEnabled()
    shot(tab, "casework_tab_entries")
    qtbot.keyClick(tab.entries, Qt.Key.Key_Return)
    visit = opened(qtbot, tab, VisitDialog)
    assert visit.windowTitle() == "Amend a visit"
    assert visit.purpose.text() == "Check-in" and visit.seen_alone.isChecked()
    assert visit.child_words.toPlainText() == "I am fine"
    assert visit.reason.text() == ""  # a correction's reason is the person's own

    type_in(qtbot, "")  # date and time
    type_in(qtbot, "")  # who
    type_in(qtbot, "")  # where
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A,
                   Qt.KeyboardModifier.ControlModifier)
    type_in(qtbot, "Check-in after the move")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert visit.form.error_text("reason") == "Say why the record is being amended."
    assert QApplication.focusWidget() is visit.reason
    shot(visit, "case_visit_amend_dialog")
    type_in(qtbot, "Purpose was recorded wrongly")
    save_by_keyboard(qtbot, tab, visit)

    record = tab.records[0]
    assert record.version == 2
    assert record.versions[-1].reason == "Purpose was recorded wrongly"
    assert [v.purpose for v in record.current.visits] == ["Check-in after the move"]
    assert record.current.visits[0].child_words == "I am fine"
    assert record.versions[0].content.visits[0].purpose == "Check-in"  # kept in the history
    assert len(record.current.meetings) == 1
    assert "Check-in after the move" in tab.summary.toPlainText()
    assert tab.chosen_entry() is not None and tab.chosen_entry().kind == "visit"


def test_an_earlier_meeting_is_amended_in_its_place(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    case_id = case_with_a_visit_and_a_meeting(worker, session, amy)
    tab = open_tab(qtbot, worker, session, amy.id)
    tab.entries.selectRow(0)
    assert tab.amend(VisitDialog) is None  # a meeting is chosen
    tab.amend_meeting_button.click()
    meeting = opened(qtbot, tab, MeetingDialog)
    assert meeting.windowTitle() == "Amend a meeting"
    assert meeting.kind.currentData() is MeetingKind.EARLY_HELP_REVIEW
    assert meeting.decisions.toPlainText() == "Carry on"
    saved = on_worker(worker, lambda: casework.get_case(session, case_id)).current.meetings[0]
    assert meeting.next_date.day() == saved.next_date
    meeting.decisions.setPlainText("")
    meeting.reason.setText("Decisions were missed out")
    meeting.panel.action_button.click()
    assert meeting.form.error_text("decisions").startswith("Record what was decided")
    meeting.decisions.setPlainText("Carry on; refer to the family hub")
    with qtbot.waitSignal(meeting.saved):
        meeting.panel.action_button.click()
    settle(qtbot, tab)
    record = tab.records[0]
    assert [m.decisions for m in record.current.meetings] == [
        "Carry on; refer to the family hub"]
    assert record.current.meetings[0].next_date == saved.next_date
    assert record.versions[0].content.meetings[0].decisions == "Carry on"


def test_the_schools_decision_not_to_lead_is_recorded_with_its_reasons(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    tab = open_tab(qtbot, worker, session, amy.id)
    tab.open_case_button.click()
    dialog = opened(qtbot, tab, OpenCaseDialog)
    assert not dialog.lead_declined_reason.isEnabled()
    dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.S47))
    assert not dialog.lead_declined.isEnabled()  # a social worker always leads s47
    dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.EARLY_HELP))
    dialog.lead.setText("Family hub key worker")
    dialog.lead_declined.click()
    assert dialog.lead_declined_reason.isEnabled()
    dialog.panel.action_button.click()
    assert dialog.form.error_text("lead_declined_reason") == \
        "Give the reasons the school cannot act as lead practitioner."
    assert dialog.isVisible() and QApplication.focusWidget() is dialog.lead_declined_reason
    shot(dialog, "case_open_dialog_declined")
    qtbot.keyClicks(dialog.lead_declined_reason, "No one trained in Early Help this term")
    assert dialog.form.error_text("lead_declined_reason") == ""
    with qtbot.waitSignal(dialog.saved):
        dialog.panel.action_button.click()
    settle(qtbot, tab)

    case = tab.records[0].current
    assert (case.lead_practitioner, case.lead_declined, case.lead_declined_reason) == (
        "Family hub key worker", True, "No one trained in Early Help this term")
    assert tab.heading.text().endswith(
        "\nThe school decided it cannot act as lead practitioner: No one trained in Early "
        "Help this term")
    shot(tab, "casework_tab_declined")

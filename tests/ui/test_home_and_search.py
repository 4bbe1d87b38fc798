"""The home view's lists and search as you type, in the main window on real
encrypted stores."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget
from pytestqt.qtbot import QtBot

from sgdesk.models.casework import CaseContent, CaseKind
from sgdesk.models.concerns import Action, Decision, Review
from sgdesk.models.pupils import SendStatus
from sgdesk.models.users import Role
from sgdesk.services import casework, concerns, drafts
from sgdesk.ui.dialogs.concern_form import ConcernFormDialog
from sgdesk.ui.main_window import MainWindow
from sgdesk.ui.pupil_record_view import CASEWORK_TAB
from sgdesk.ui.search_view import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, HTML_ROLE, highlighted_html
from tests.helpers import add_colleague, add_pupil, close, log_about, make_store
from tests.ui.conftest import WindowFactory, shot, unlocked_on, wait_idle, widget_texts

TODAY = date.today()


def make_concerns(path: Path) -> None:
    """Amy has a concern awaiting review; Ben's was reviewed with one overdue action
    and one due in two days."""
    session, _ = make_store(path)
    amy = add_pupil(session, "Amy", "Example", year_group="Year 3",
                    send_status=SendStatus.SEN_SUPPORT)
    ben = add_pupil(session, "Ben", "Sample", year_group="Year 5")
    log_about(session, amy, facts="A bruise on the left forearm, seen at lunch")
    reviewed = log_about(session, ben, facts="Said he sleeps on the sofa")
    actions = (Action("Call his mother", "Jo Bloggs", TODAY - timedelta(days=3)),
               Action("Check in with Ben", "Jo Bloggs", TODAY + timedelta(days=2)))
    concerns.record_review(session, reviewed, Review(
        Decision.MONITOR, "Watch for a pattern", "Jo Bloggs", "DSL", TODAY, actions), 1)
    add_colleague(session, "sendco", Role.SENDCO)
    close(session)


def lines(section_list: QListWidget) -> list[str]:
    return [section_list.item(r).text() for r in range(section_list.count())]


def test_home_lists_what_awaits_the_dsl(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    make_concerns(store_path)
    window = unlocked_on(qtbot, make_window, store_path)
    home = window.home_view
    qtbot.waitUntil(lambda: home.recently_logged.list.count() == 2)
    assert lines(home.awaiting_review.list) == ["Amy Example — 02/11/2026 — Neglect"]
    due = TODAY - timedelta(days=3)
    assert lines(home.overdue_actions.list) == [
        f"Due {due:%d/%m/%Y} — Ben Sample — Call his mother — owner: Jo Bloggs"]
    assert lines(home.due_this_week.list)[0].startswith("Due ")
    assert "Check in with Ben" in lines(home.due_this_week.list)[0]
    assert not home.awaiting_review.empty.isVisible()
    shot(window, "home_view_dsl")


def test_a_sendco_sees_recent_concerns_only_and_calm_empty_states(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    make_concerns(store_path)
    window = unlocked_on(qtbot, make_window, store_path, "sendco", "colleague password")
    home = window.home_view
    qtbot.waitUntil(lambda: home.recently_logged.list.count() == 1)  # Amy has SEND, Ben not
    for section in (home.awaiting_review, home.overdue_actions, home.due_this_week):
        assert not section.isVisible()
    texts = " ".join(widget_texts(home))
    assert "Call his mother" not in texts and "Ben Sample" not in texts


def test_an_empty_store_says_so_calmly(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    session, _ = make_store(store_path)
    close(session)
    window = unlocked_on(qtbot, make_window, store_path)
    home = window.home_view
    assert home.awaiting_review.empty.isVisible()
    assert home.awaiting_review.empty.text() == "Nothing is waiting for review."
    assert not home.awaiting_review.list.isVisible()
    shot(window, "home_view_empty")


def search_for(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Ctrl+F, then type as a person does; wait for the answer to what was typed."""
    workspace = window.workspace
    qtbot.keyClick(workspace.pupil_list.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is workspace.search_field
    with qtbot.waitSignal(workspace.search_view.results_shown, timeout=5000):
        qtbot.keyClicks(workspace.search_field, text)


def test_search_finds_typed_text_and_highlights_it(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    make_concerns(store_path)
    window = unlocked_on(qtbot, make_window, store_path)
    search_for(qtbot, window, "forea")
    view = window.workspace.search_view
    assert view.isVisible()
    assert view.model.rowCount() == 1
    first = view.model.index(0)
    assert first.data().startswith("Concern about Example, Amy")
    assert f"{HIGHLIGHT_OPEN}forearm{HIGHLIGHT_CLOSE}" in first.data(HTML_ROLE)
    shot(window, "search_results")

    window.workspace.search_field.clear()
    search_for(qtbot, window, "Ben")
    assert view.model.index(0).data().startswith("Pupil")
    qtbot.keyClick(window.workspace.search_field, Qt.Key.Key_Down)
    assert window.focusWidget() is view.results
    qtbot.keyClick(view.results, Qt.Key.Key_Return)
    record = window.workspace.record_view
    qtbot.waitUntil(lambda: record.isVisible() and record.name.text() == "Ben Sample")


def test_a_stale_answer_never_replaces_a_newer_search(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    make_concerns(store_path)
    window = unlocked_on(qtbot, make_window, store_path)
    workspace = window.workspace
    gate = threading.Event()
    window.worker.run(gate.wait)  # hold the worker so the search waits in the queue
    qtbot.keyClicks(workspace.search_field, "forearm")
    qtbot.waitUntil(lambda: workspace.search_view.status.text() == "Searching…")
    qtbot.keyClick(workspace.search_field, Qt.Key.Key_Escape)  # cleared before it ran
    assert workspace.search_field.text() == ""
    gate.set()
    wait_idle(qtbot, window)
    assert workspace.search_view.model.rowCount() == 0
    assert window.home_view.isVisible()


def test_snippets_are_escaped_before_highlighting() -> None:
    assert highlighted_html(("a <b>", "x&y", " end")) == (
        f"a &lt;b&gt;{HIGHLIGHT_OPEN}x&amp;y{HIGHLIGHT_CLOSE} end")


def test_unsaved_work_kept_by_a_lock_is_listed_and_opens_with_its_text(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    session, _ = make_store(store_path)
    amy = add_pupil(session, "Amy", "Example")
    drafts.save_drafts(session, [("concern", f"new:{amy.id}",
                                  {"facts": "She said her uncle shouts at night"})])
    close(session)
    window = unlocked_on(qtbot, make_window, store_path)
    home = window.home_view
    assert home.drafts.isVisible()
    (line,) = lines(home.drafts.list)
    assert line.startswith("A concern about Amy Example — not saved, kept ")
    home.drafts.list.setCurrentRow(0)
    home.drafts.list.itemActivated.emit(home.drafts.list.item(0))
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ConcernFormDialog)))
    form = next(d for d in window.findChildren(ConcernFormDialog) if d.isVisible())
    qtbot.waitUntil(lambda: "uncle shouts" in form.editors["facts"].toPlainText())
    form.reject()  # as a lock would: the draft stays


def test_an_overdue_casework_clock_is_on_the_home_view_and_opens_the_case(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    session, _ = make_store(store_path)
    amy = add_pupil(session, "Amy", "Example")
    started = TODAY - timedelta(days=90)  # far more than 45 working days ago
    casework.open_case(session, CaseContent(CaseKind.S17, amy.id, None, "Jo Bloggs",
                                            "Priya Shah, practice supervisor", started))
    close(session)
    window = unlocked_on(qtbot, make_window, store_path)
    home = window.home_view
    (line,) = lines(home.case_clocks.list)
    assert line.startswith("Amy Example — Child in need (section 17): ")
    assert "OVERDUE, was due" in line
    home.case_clocks.list.itemActivated.emit(home.case_clocks.list.item(0))
    record = window.workspace.record_view
    qtbot.waitUntil(lambda: record.isVisible() and record.pupil_id == amy.id)
    assert record.tabs.currentIndex() == CASEWORK_TAB


def test_a_cp_file_awaiting_receipt_is_on_the_home_view_and_opens_its_receipt(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path, tmp_path: Path
) -> None:
    from sgdesk.services.bundle_building import Encryption
    from sgdesk.services.bundle_sharing import export_transfer
    from sgdesk.storage import age_keys
    from sgdesk.ui.dialogs.record_receipt_dialog import RecordReceiptDialog

    session, _ = make_store(store_path)
    amy = add_pupil(session, "Amy", "Example")
    partner = age_keys.public_key_of(age_keys.new_identity())
    export_transfer(session, amy.id, TODAY - timedelta(days=30), "Riverside Academy",
                    tmp_path / "t.age", Encryption((partner,)))
    close(session)
    window = unlocked_on(qtbot, make_window, store_path)
    home = window.home_view
    (line,) = lines(home.transfers.list)
    assert line.startswith("Amy Example — CP file sent to Riverside Academy: receipt ")
    assert "OVERDUE, was due" in line
    shot(window, "home_transfer_awaiting_receipt")
    home.transfers.list.itemActivated.emit(home.transfers.list.item(0))
    qtbot.waitUntil(lambda: window.findChild(RecordReceiptDialog) is not None)
    dialog = window.findChild(RecordReceiptDialog)
    assert isinstance(dialog, RecordReceiptDialog)
    qtbot.waitUntil(lambda: dialog.isVisible() and not dialog.working)
    assert (dialog.pupil.text(), dialog.new_school.text()) == ("Amy Example", "Riverside Academy")
    assert dialog.due.text().endswith("(overdue)")
    dialog.open_pupil_button.click()  # the pupil's file is one button away
    record = window.workspace.record_view
    qtbot.waitUntil(lambda: record.isVisible() and record.pupil_id == amy.id)
    assert not [d for d in window.findChildren(RecordReceiptDialog) if d.isVisible()]


def test_a_file_due_for_retention_review_is_on_the_dsls_home_view_and_opens_the_review(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    from sgdesk.services import pupils
    from sgdesk.ui.dialogs.retention_dialog import RetentionDialog

    session, _ = make_store(store_path)
    old = add_pupil(session, "Olwen", "Example", date_of_birth=date(1990, 3, 1))
    pupils.record_leaving(session, old.id, date(2006, 7, 20), "Sixth form college", 1)
    close(session)
    window = unlocked_on(qtbot, make_window, store_path)
    home = window.home_view
    assert home.retention.isVisible()
    (line,) = lines(home.retention.list)
    assert line == "Olwen Example (left 20/07/2006) — file review was due 01/03/2015"
    home.retention.list.itemActivated.emit(home.retention.list.item(0))
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(RetentionDialog)))
    dialog = next(d for d in window.findChildren(RetentionDialog) if d.isVisible())
    shot(dialog, "retention_from_home")
    dialog.reject()


def test_an_open_subject_access_request_is_on_the_home_view_and_opens_it(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    from sgdesk.models.subject_access import Relationship, RequestDetails
    from sgdesk.services import subject_access
    from sgdesk.ui.dialogs.subject_access_dialog import SubjectAccessDialog

    session, _ = make_store(store_path)
    amy = add_pupil(session, "Amy", "Example")
    received = TODAY - timedelta(days=40)
    subject_access.log_request(session, amy.id, RequestDetails(
        "Kim Example", Relationship.PARENT, received))
    close(session)
    window = unlocked_on(qtbot, make_window, store_path)
    home = window.home_view
    (line,) = lines(home.access_requests.list)
    assert line.startswith("Amy Example — subject access request from Kim Example: OVERDUE")
    home.access_requests.list.itemActivated.emit(home.access_requests.list.item(0))
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SubjectAccessDialog)))
    dialog = next(d for d in window.findChildren(SubjectAccessDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.selected_entry() is not None)
    dialog.reject()


def test_a_question_for_the_sendco_is_on_their_home_view_and_opens_the_concern(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    from sgdesk.models.pupils import SendStatus
    from sgdesk.models.sendco import SendcoRecordKind
    from sgdesk.services import sendco_input

    session, _ = make_store(store_path)
    add_colleague(session, "sendco", Role.SENDCO)
    amy = add_pupil(session, "Amy", "Example", send_status=SendStatus.SEN_SUPPORT)
    concern_id = log_about(session, amy)
    sendco_input.ask_sendco(session, SendcoRecordKind.CONCERN, concern_id, amy.id,
                            "Is this behaviour new for her?")
    close(session)
    window = unlocked_on(qtbot, make_window, store_path, "sendco", "colleague password")
    home = window.home_view
    assert home.sendco_input.title.text() == "SENDCO input asked of you"
    (line,) = lines(home.sendco_input.list)
    assert line.startswith("Amy Example — concern: SENDCO input asked ")
    assert line.endswith("by Jo Bloggs, not yet given")
    shot(window, "home_sendco_question")
    home.sendco_input.list.itemActivated.emit(home.sendco_input.list.item(0))
    record = window.workspace.record_view
    qtbot.waitUntil(lambda: record.isVisible() and record.pupil_id == amy.id)

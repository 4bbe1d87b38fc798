"""The Referrals tab of a pupil's record, what a SENDCO may do there, and overdue
referral feedback on the DSL's home view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from sgdesk.models.pupils import SendStatus
from sgdesk.models.referrals import (
    Feedback,
    FeedbackOutcome,
    FollowUp,
    ReferralKind,
    Sending,
    SendMethod,
)
from sgdesk.models.users import Role
from sgdesk.models.working_days import add_working_days
from sgdesk.services import referrals
from sgdesk.services.session import Session
from sgdesk.ui.dialogs.referral_dialog import ReferralDialog
from sgdesk.ui.dialogs.referral_tracking_dialog import ReferralTrackingDialog
from sgdesk.ui.referrals_tab import FEEDBACK_COLUMN, ReferralsTab
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_colleague, add_pupil, close, make_store, reopen
from tests.ui.conftest import WindowFactory, on_worker, shot, unlocked_on
from tests.ui.test_referral_dialog import FRIDAY_AFTERNOON, NOW, open_tab, stop_clock


def sent_referral(session: Session, pupil_id: str, kind: ReferralKind,
                  sent_at: datetime) -> str:
    referral_id = referrals.start_referral(session, kind, pupil_id=pupil_id)
    referrals.record_sending(session, referral_id,
                             Sending(SendMethod.PHONE, sent_at, "Front door (MASH)"), 1)
    return referral_id


def cell(tab: ReferralsTab, row: int, column: int) -> str:
    return tab.table.item(row, column).text()


def test_the_tab_says_plainly_where_each_referral_stands(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    stop_clock(session)
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    ben = on_worker(worker, lambda: add_pupil(session, "Ben", "Other"))
    answered = on_worker(worker, lambda: sent_referral(session, amy.id, ReferralKind.EARLY_HELP,
                                                       FRIDAY_AFTERNOON - timedelta(days=7)))
    on_worker(worker, lambda: referrals.record_feedback(
        session, answered, Feedback(FRIDAY_AFTERNOON.date() - timedelta(days=5),
                                    FeedbackOutcome.EARLY_HELP), 2))
    overdue = on_worker(worker, lambda: sent_referral(session, amy.id, ReferralKind.CSC,
                                                      FRIDAY_AFTERNOON))
    on_worker(worker, lambda: referrals.add_follow_up(
        session, overdue, FollowUp(NOW.date(), "Jo Bloggs", "Phoned"), 2))
    on_worker(worker, lambda: sent_referral(session, ben.id, ReferralKind.POLICE,
                                            FRIDAY_AFTERNOON))
    tab = open_tab(qtbot, worker, session, amy.id)
    assert tab.table.rowCount() == 2  # only Amy's
    assert [cell(tab, r, 0) for r in range(2)] == [ReferralKind.CSC.label,
                                                   ReferralKind.EARLY_HELP.label]
    assert cell(tab, 0, 1) == "Draft"
    assert cell(tab, 0, 3) == f"Phone, {FRIDAY_AFTERNOON.astimezone():%d/%m/%Y %H:%M}"
    assert cell(tab, 0, 4) == "Monday 06/10/2031"
    assert cell(tab, 0, FEEDBACK_COLUMN) == ("Awaiting feedback — OVERDUE: the decision was "
                                             "due Monday 06/10/2031")
    assert tab.table.item(0, FEEDBACK_COLUMN).font().bold()
    assert cell(tab, 0, 6) == "1 chase"
    assert cell(tab, 1, FEEDBACK_COLUMN).startswith("Early Help (received ")
    assert not tab.table.item(1, FEEDBACK_COLUMN).font().bold()
    assert cell(tab, 1, 6) == "None"
    shot(tab, "referrals_tab")

    tab.table.setFocus()
    tab.table.selectRow(0)
    tab.chase_button.click()
    qtbot.waitUntil(lambda: (d := tab.findChild(ReferralTrackingDialog)) is not None
                    and d.record is not None)
    tracking = tab.findChild(ReferralTrackingDialog)
    assert tracking.follow_up_kind.hasFocus()
    assert tracking.history.rowCount() == 1
    tracking.reject()

    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)  # Enter opens the referral
    qtbot.waitUntil(lambda: (d := tab.findChild(ReferralDialog)) is not None
                    and d.record is not None)
    editor = tab.findChild(ReferralDialog)
    assert editor.record.id == overdue
    editor.reject()


def test_an_empty_tab_says_so(qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    tab = open_tab(qtbot, worker, session, amy.id)
    assert tab.empty.isVisible() and not tab.table.isVisible()
    assert not tab.open_button.isEnabled()


def test_a_sendco_reads_referrals_but_changes_nothing(
        qtbot: QtBot, worker: DbWorker, session: Session, store_path: Path) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example",
                                              send_status=SendStatus.EHCP))  # SENDCO's sight
    on_worker(worker, lambda: add_colleague(session, "sendco", Role.SENDCO))
    on_worker(worker, lambda: sent_referral(session, amy.id, ReferralKind.CSC,
                                            datetime.now(UTC) - timedelta(days=1)))
    on_worker(worker, lambda: close(session))
    sendco = on_worker(worker, lambda: reopen(store_path, "sendco", "colleague password"))
    try:
        tab = open_tab(qtbot, worker, sendco, amy.id)
        assert tab.table.rowCount() == 1
        assert tab.open_button.isVisible() and tab.open_button.isEnabled()
        for button in (tab.start_button, tab.sending_button, tab.feedback_button,
                       tab.chase_button):
            assert not button.isVisible()
        assert "only the DSL and deputies" in " ".join(
            w.text() for w in tab.findChildren(type(tab.empty)))
        tab.open_button.click()
        qtbot.waitUntil(lambda: (d := tab.findChild(ReferralDialog)) is not None
                        and d.record is not None and not d.working)
        editor = tab.findChild(ReferralDialog)
        assert editor.intro.text().startswith("You are reading this referral")
        assert all(e.isReadOnly() for e in editor.editors.values()
                   if isinstance(e, QLineEdit | QPlainTextEdit))
        assert not editor.consent.isEnabled()
        for button in (editor.save_button, editor.finalise_button, editor.amend_button,
                       editor.save_amendment_button):
            assert not button.isVisible()
        assert editor.print_form_button.isVisible()
        shot(editor, "referral_editor_sendco")
        editor.reject()
    finally:
        on_worker(worker, lambda: close(sendco))


def test_the_home_view_lists_overdue_feedback_and_opens_its_tracking(
        qtbot: QtBot, make_window: WindowFactory, store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = add_pupil(session, "Amy", "Example")
    sent_at = datetime.now(UTC) - timedelta(days=10)
    referral_id = sent_referral(session, amy.id, ReferralKind.CSC, sent_at)
    close(session)
    window = unlocked_on(qtbot, make_window, store_path)
    section = window.home_view.overdue_referrals
    qtbot.waitUntil(lambda: section.list.count() == 1)
    due = add_working_days(sent_at.astimezone().date(), 1)
    assert section.list.item(0).text() == (
        f"Amy Example — {ReferralKind.CSC.label}, sent {sent_at.astimezone():%d/%m/%Y}, "
        f"decision was due {due:%d/%m/%Y}")
    assert section.isVisible()
    shot(window, "home_view_overdue_referral")
    section.list.setFocus()
    section.list.setCurrentRow(0)
    qtbot.keyClick(section.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: (d := window.findChild(ReferralTrackingDialog)) is not None
                    and d.record is not None)
    dialog = window.findChild(ReferralTrackingDialog)
    assert dialog.record.id == referral_id
    assert dialog.overdue.isVisible()
    QApplication.processEvents()
    dialog.reject()

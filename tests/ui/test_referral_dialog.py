"""The referral editor (draft, missing information, finalise, print) and the tracking
dialog (sending, decision due in working days, feedback, chases and escalations)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from sgdesk.models.referrals import FeedbackOutcome, ReferralKind, Sending, SendMethod
from sgdesk.services import referrals
from sgdesk.services.session import Session
from sgdesk.ui import form_helpers, pdf_output
from sgdesk.ui.dialogs.referral_dialog import ReferralDialog
from sgdesk.ui.dialogs.referral_tracking_dialog import ReferralTrackingDialog
from sgdesk.ui.referrals_tab import ReferralsTab
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_pupil, log_about
from tests.ui.conftest import on_worker, shot, shown

CTRL = Qt.KeyboardModifier.ControlModifier
#: A Wednesday; the referral below goes on the Friday before, so the decision was
#: due on the Monday and is overdue today.
NOW = datetime(2031, 10, 8, 12, 0, tzinfo=UTC)
FRIDAY_AFTERNOON = datetime(2031, 10, 3, 15, 30, tzinfo=UTC)


def stop_clock(session: Session) -> None:
    """The store's clock stopped at :data:`NOW` (for this test's store only), so
    working-day answers do not depend on the day the tests run."""
    session.db.clock = lambda: NOW


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
          ) -> None:
    """A key pressed where the keyboard focus is, as a real key would be."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


def type_into(qtbot: QtBot, editor: QLineEdit | QPlainTextEdit, text: str) -> None:
    editor.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(editor, text)


def open_tab(qtbot: QtBot, worker: DbWorker, session: Session, pupil_id: str) -> ReferralsTab:
    tab = shown(qtbot, ReferralsTab(worker, session, pupil_id))
    tab.resize(1100, 500)
    qtbot.waitUntil(lambda: not tab.busy.active)
    return tab


def editor_from(qtbot: QtBot, tab: ReferralsTab) -> ReferralDialog:
    """The editor the tab opened, once filled in from the store and active."""
    qtbot.waitUntil(lambda: (d := tab.findChild(ReferralDialog)) is not None
                    and d.record is not None and not d.working and d.isActiveWindow(),
                    timeout=15_000)
    dialog = tab.findChild(ReferralDialog)
    assert dialog is not None
    return dialog


def missing_text(dialog: ReferralDialog) -> str:
    return dialog.missing_list.text()


def test_a_referral_is_drafted_checked_finalised_and_printed(
        qtbot: QtBot, worker: DbWorker, session: Session, tmp_path: Path) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example",
                                              gp="Dr Well, Hilltop Surgery"))
    for facts in ("Seen crying by the gate", "Said she had not eaten since Friday",
                  "Bruise on the left forearm"):
        on_worker(worker, lambda f=facts: log_about(session, amy, facts=f))
    tab = open_tab(qtbot, worker, session, amy.id)
    assert [a.text() for a in tab.start_menu.actions()] == [
        k.label for k in ReferralKind if k is not ReferralKind.LADO]
    tab.start_menu.actions()[0].trigger()  # children's social care
    dialog = editor_from(qtbot, tab)
    assert dialog.record.content.kind is ReferralKind.CSC
    assert dialog.intro.text().startswith("A draft")
    assert "From the pupil register — amend the register to change these" in " ".join(
        w.text() for w in dialog.findChildren(type(dialog.intro)))
    assert "No concern chosen to draw on" in missing_text(dialog)
    assert "Consent not recorded" in missing_text(dialog)
    assert "No GP recorded" not in missing_text(dialog)

    # Two concerns picked by keyboard: arrows move, Space ticks.
    picker = dialog.picker
    assert picker.count() == 3
    picker.setFocus(Qt.FocusReason.TabFocusReason)
    picker.setCurrentRow(0)
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Space)
    assert len(picker.chosen()) == 2
    assert "No concern chosen to draw on" not in missing_text(dialog)

    type_into(qtbot, dialog.editors["reason"], "Amy is hungry at school and has a bruise.")
    type_into(qtbot, dialog.editors["child_location_now"], "In school until 3.15 pm")
    type_into(qtbot, dialog.editors["wishes_and_feelings"], "She wants to stay at home.")
    assert "No reason for the referral" not in missing_text(dialog)
    dialog.consent.setFocus(Qt.FocusReason.TabFocusReason)
    press(qtbot, Qt.Key.Key_Down)  # "Parents consented"
    assert "Consent not recorded" not in missing_text(dialog)
    dialog.resize(1090, 700)  # a laptop screen at 125% (offscreen screens are smaller)
    shot(dialog, "referral_editor")

    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        press(qtbot, Qt.Key.Key_S, CTRL)
    saved = on_worker(worker, lambda: referrals.get_referral(session, dialog.record.id))
    assert saved.version == 2
    assert saved.content.reason == "Amy is hungry at school and has a bruise."
    assert len(saved.content.concern_ids) == 2
    assert not dialog.has_changes()

    # Finalising with gaps asks first, then records that they were known.
    still_missing = missing_text(dialog)
    assert "No current address" in still_missing
    form_helpers.set_next_answer(True)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.finalise_button.click()
    assert dialog.is_final
    final = on_worker(worker, lambda: referrals.get_referral(session, dialog.record.id))
    assert final.state == "final"
    assert "with information missing" in final.versions[-1].reason
    assert "No current address" in final.versions[-1].reason
    for name in ("reason", "child_location_now", "referrer_contact"):
        editor = dialog.editors[name]
        assert isinstance(editor, QLineEdit | QPlainTextEdit) and editor.isReadOnly()
    assert not dialog.consent.isEnabled()
    assert not dialog.save_button.isVisible() and not dialog.finalise_button.isVisible()
    assert dialog.amend_button.isVisible()
    shot(dialog, "referral_final")

    # The form saved as a PDF, and the letter printed.
    target = tmp_path / "form.pdf"
    form_helpers.set_next_save_path(target)
    pdf_output.set_next_pdf_password("")
    dialog.save_form_button.click()
    qtbot.waitUntil(target.exists, timeout=15_000)
    assert target.read_bytes().startswith(b"%PDF")
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "letter-printed.pdf"
    printer.setOutputFileName(str(printed))
    pdf_output.set_next_printer(printer)
    dialog.print_letter_button.click()
    qtbot.waitUntil(lambda: printed.exists() and printed.stat().st_size > 0, timeout=15_000)

    # The tab lists it as final, not sent yet.
    qtbot.waitUntil(lambda: bool(tab.records) and tab.records[0].state == "final")
    dialog.reject()


def test_an_amendment_needs_a_reason(qtbot: QtBot, worker: DbWorker,
                                     session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    referral_id = on_worker(worker, lambda: referrals.start_referral(
        session, ReferralKind.EARLY_HELP, pupil_id=amy.id))
    on_worker(worker, lambda: referrals.finalise(session, referral_id, 1,
                                                 missing_acknowledged=True))
    dialog = ReferralDialog(worker, session, referral_id)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.reject())
    shown(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.record is not None and not dialog.working)
    assert dialog.is_final and dialog.editors["reason"].isReadOnly()
    dialog.amend_button.click()
    assert not dialog.editors["reason"].isReadOnly()
    assert dialog.reason_box.hasFocus()
    type_into(qtbot, dialog.editors["harm_type"], "Neglect")
    dialog.save_amendment_button.click()
    assert dialog.error_text("reason_for_amending") == "Say why the record is being amended."
    type_into(qtbot, dialog.reason_box, "Added the type of harm.")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        press(qtbot, Qt.Key.Key_S, CTRL)
    record = on_worker(worker, lambda: referrals.get_referral(session, referral_id))
    assert record.content.harm_type == "Neglect"
    assert record.versions[-1].reason == "Added the type of harm."
    assert dialog.editors["harm_type"].isReadOnly() and dialog.amend_button.isVisible()


def test_typing_survives_a_lock_and_escape_asks_first(qtbot: QtBot, worker: DbWorker,
                                                       session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    referral_id = on_worker(worker, lambda: referrals.start_referral(
        session, ReferralKind.PREVENT, pupil_id=amy.id))
    first = ReferralDialog(worker, session, referral_id)
    qtbot.addWidget(first, before_close_func=lambda d: d.reject())
    shown(qtbot, first)
    qtbot.waitUntil(lambda: first.record is not None and not first.working)
    assert first.draft_state() is None  # nothing typed, nothing worth keeping
    type_into(qtbot, first.editors["reason"], "Talk of an online group")
    form_helpers.set_next_answer(False)
    press(qtbot, Qt.Key.Key_Escape)
    assert first.isVisible()  # kept, as asked
    state = first.draft_state()
    assert state is not None and state["reason"] == "Talk of an online group"
    first.reject()  # what a lock does, after saving the draft

    second = ReferralDialog(worker, session, referral_id)
    qtbot.addWidget(second, before_close_func=lambda d: d.reject())
    second.restore_draft(state)
    shown(qtbot, second)
    qtbot.waitUntil(lambda: second.record is not None and not second.working)
    assert second.editors["reason"].toPlainText() == "Talk of an online group"
    assert second.note.isVisible()
    form_helpers.set_next_answer(True)
    second.editors["reason"].setFocus()
    press(qtbot, Qt.Key.Key_Escape)
    assert not second.isVisible()


def tracking(qtbot: QtBot, worker: DbWorker, session: Session,
             referral_id: str) -> ReferralTrackingDialog:
    dialog = ReferralTrackingDialog(worker, session, referral_id)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.record is not None and not dialog.working)
    return dialog


def record_and_wait(qtbot: QtBot, dialog: ReferralTrackingDialog, button_name: str) -> None:
    version = dialog.record.version
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        getattr(dialog, button_name).click()
    assert dialog.record.version == version + 1


def test_sending_on_a_friday_is_due_monday_then_chased_escalated_and_answered(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    stop_clock(session)
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    referral_id = on_worker(worker, lambda: referrals.start_referral(
        session, ReferralKind.CSC, pupil_id=amy.id))
    dialog = tracking(qtbot, worker, session, referral_id)
    assert "Record the sending to start the clock" in dialog.due.text()
    assert not dialog.overdue.isVisible()

    dialog.method.setCurrentIndex(dialog.method.findData(SendMethod.PORTAL))
    dialog.sent_at.set_value(FRIDAY_AFTERNOON)
    dialog.record_sending()  # no recipient yet: said under the field, nothing recorded
    assert dialog.sending_form.error_text("recipient") == "Say who the referral was sent to."
    shot(dialog, "referral_tracking_new")
    type_into(qtbot, dialog.recipient, "Front door (MASH)")
    type_into(qtbot, dialog.reference, "MASH-1234")
    record_and_wait(qtbot, dialog, "sending_button")
    assert dialog.due.text() == "Decision due Monday 06/10/2031 (one working day after " \
                                "sending)."
    assert dialog.overdue.isVisible()
    assert "Overdue" in dialog.overdue.text() and "Monday 06/10/2031" in dialog.overdue.text()
    assert "MASH-1234" in dialog.sent_summary.text()

    dialog.focus_section("follow_up")
    assert dialog.follow_up_kind.hasFocus()
    dialog.follow_up_on.clear()
    type_into(qtbot, dialog.follow_up_on, "07/10/2031")
    type_into(qtbot, dialog.follow_up_note, "Phoned the front door; no decision yet.")
    record_and_wait(qtbot, dialog, "follow_up_button")
    assert dialog.follow_up_note.toPlainText() == ""
    assert dialog.follow_up_form.error_text("note") == ""  # cleared, not a mistake
    dialog.follow_up_kind.setCurrentIndex(1)  # the first escalation stage
    dialog.follow_up_on.clear()
    type_into(qtbot, dialog.follow_up_on, "08/10/2031")
    type_into(qtbot, dialog.follow_up_note, "Asked the team manager for a decision today.")
    type_into(qtbot, dialog.follow_up_outcome, "Promised by 4 pm")
    record_and_wait(qtbot, dialog, "follow_up_button")
    rows = [[dialog.history.item(r, c).text() for c in range(5)]
            for r in range(dialog.history.rowCount())]
    assert [r[0] for r in rows] == ["07/10/2031", "08/10/2031"]
    assert rows[0][1] == "Chase" and rows[0][4] == "Not yet known"
    assert rows[1][1] == "Escalation: Ask the social worker's team manager"
    assert rows[1][4] == "Promised by 4 pm"
    shot(dialog, "referral_tracking_overdue")

    dialog.received_on.clear()
    type_into(qtbot, dialog.received_on, "08/10/2031")
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(FeedbackOutcome.S17_ASSESSMENT))
    record_and_wait(qtbot, dialog, "feedback_button")
    assert not dialog.overdue.isVisible()
    assert dialog.feedback_summary.text().startswith("Child in need assessment (section 17), "
                                                     "received 08/10/2031")
    record = on_worker(worker, lambda: referrals.get_referral(session, referral_id))
    assert record.tracking.sending == Sending(SendMethod.PORTAL, FRIDAY_AFTERNOON,
                                              "Front door (MASH)", "MASH-1234")
    assert [f.escalation_stage for f in record.tracking.follow_ups] == [
        "", "Ask the social worker's team manager"]
    shot(dialog, "referral_tracking")


def test_no_further_action_needs_the_reasons(qtbot: QtBot, worker: DbWorker,
                                             session: Session) -> None:
    stop_clock(session)
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    referral_id = on_worker(worker, lambda: referrals.start_referral(
        session, ReferralKind.CSC, pupil_id=amy.id))
    on_worker(worker, lambda: referrals.record_sending(
        session, referral_id, Sending(SendMethod.PHONE, FRIDAY_AFTERNOON, "MASH"), 1))
    dialog = tracking(qtbot, worker, session, referral_id)
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(FeedbackOutcome.NO_FURTHER_ACTION))
    dialog.record_feedback()
    assert "reasons given for no further action" in dialog.feedback_form.error_text("notes")
    assert dialog.record.version == 2

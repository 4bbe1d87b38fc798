"""LADO referrals from the register of allegations about adults: started and reopened
from the register, drafted without any child section, finalised, printed and
tracked; the DSL's alone, never on a pupil's file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from sgdesk.models.adult_concerns import (
    AdultCapacity,
    AdultConcern,
    AdultConcernKind,
    HarmThreshold,
)
from sgdesk.models.errors import PermissionDenied
from sgdesk.models.referrals import ReferralKind
from sgdesk.models.users import Role
from sgdesk.services import adult_concerns, referrals
from sgdesk.services.session import Session
from sgdesk.ui import form_helpers, pdf_output
from sgdesk.ui.dialogs.adult_register_dialog import AdultRegisterDialog
from sgdesk.ui.dialogs.referral_dialog import ALLEGATION_NOTE, ReferralDialog
from sgdesk.ui.dialogs.referral_tracking_dialog import ReferralTrackingDialog
from sgdesk.ui.worker import DbWorker
from tests.helpers import WHEN, add_colleague, add_pupil, close, reopen
from tests.ui.conftest import on_worker, shot, shown

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def allegation(name: str = "Mr Sam Example", **changes: object) -> AdultConcern:
    content = AdultConcern(
        AdultConcernKind.ALLEGATION, name, AdultCapacity.STAFF, "Teaching assistant",
        "Ms Teacher", "Class teacher", WHEN, WHEN + timedelta(hours=1), "Year 4 classroom",
        "Grabbed a pupil by the arm and pulled him out of the line.",
        children="A Year 4 boy, upset but not hurt", thresholds=(HarmThreshold.HARMED,))
    return replace(content, **changes)  # type: ignore[arg-type]


def press(qtbot: QtBot, key: Qt.Key,
          modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


def open_register(qtbot: QtBot, worker: DbWorker, session: Session) -> AdultRegisterDialog:
    register = shown(qtbot, AdultRegisterDialog(worker, session))
    qtbot.waitUntil(lambda: worker.pending == 0)
    return register


def choose_first_by_keyboard(qtbot: QtBot, register: AdultRegisterDialog) -> None:
    """Alt+R goes to the list; Down moves onto the first record, which is then read."""
    press(qtbot, Qt.Key.Key_R, ALT)
    assert register.table.hasFocus()
    press(qtbot, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: "LADO referral" in detail(register))


def detail(register: AdultRegisterDialog) -> str:
    """The detail pane as read aloud: table cells run on as one line."""
    return " ".join(register.detail_text().split())


def referral_dialog(qtbot: QtBot, register: AdultRegisterDialog,
                    not_this: ReferralDialog | None = None) -> ReferralDialog:
    """The referral editor the register opened, filled in and active."""
    def opened() -> ReferralDialog | None:
        return next((d for d in register.findChildren(ReferralDialog)
                     if d is not not_this and d.isVisible()), None)
    qtbot.waitUntil(lambda: (d := opened()) is not None and d.record is not None
                    and not d.working and d.isActiveWindow(), timeout=15_000)
    found = opened()
    assert found is not None
    return found


def shown_text(dialog: ReferralDialog) -> str:
    """Every label a person can see in the form (what a screen reader would read)."""
    return " ".join(label.text() for label in dialog.findChildren(QLabel)
                    if label.isVisibleTo(dialog))


def test_the_dsl_drafts_finalises_and_saves_a_lado_referral_from_the_register(
        qtbot: QtBot, worker: DbWorker, session: Session, tmp_path: Path) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    record_id = on_worker(worker, lambda: adult_concerns.record_adult_concern(
        session, allegation()))
    register = open_register(qtbot, worker, session)
    assert not register.lado_button.isEnabled()  # nothing chosen yet
    choose_first_by_keyboard(qtbot, register)
    assert "LADO referral: none drafted yet" in detail(register)
    assert register.lado_button.isEnabled()
    assert not register.lado_tracking_button.isEnabled()

    press(qtbot, Qt.Key.Key_D, ALT)  # LADO referral…
    dialog = referral_dialog(qtbot, register)
    assert dialog.is_lado
    assert dialog.record.content.kind is ReferralKind.LADO
    assert dialog.record.content.adult_concern_id == record_id
    assert dialog.editors["reason"].hasFocus()

    # The allegation from the register, read-only; nothing about a child on file.
    qtbot.waitUntil(lambda: "Mr Sam Example" in shown_text(dialog))
    text = shown_text(dialog)
    for words in ("Mr Sam Example", "Member of staff, Teaching assistant",
                  "Grabbed a pupil by the arm", "A Year 4 boy, upset but not hurt",
                  "Has harmed a child, or may have", ALLEGATION_NOTE, "About the allegation"):
        assert words in text
    for words in ("About the child", "Concerns this referral draws on", "Parents and consent",
                  "Where the child is now", "wishes and feelings", "capacity to keep"):
        assert words not in text
    assert not dialog.picker.isVisibleTo(dialog)
    assert not dialog.consent.isVisibleTo(dialog)
    for name in ("child_location_now", "parental_capacity", "wishes_and_feelings",
                 "consent_reason"):
        assert not dialog.editors[name].isVisibleTo(dialog)
    for name in ("reason", "harm_type", "action_taken", "referrer_contact"):
        assert dialog.editors[name].isVisibleTo(dialog)
    assert "Consent not recorded" not in dialog.missing_list.text()
    assert "No reason for the referral" in dialog.missing_list.text()
    assert "What the LADO would have to call back about" in dialog.missing_hint.text()

    qtbot.keyClicks(dialog.editors["reason"], "A pupil was grabbed by the arm by an adult.")
    assert "No reason for the referral" not in dialog.missing_list.text()
    assert "No contact details for the referrer" in dialog.missing_list.text()
    dialog.resize(1090, 700)
    shot(dialog, "lado_referral_draft")
    dialog.scroll.ensureWidgetVisible(dialog.editors["action_taken"])
    shot(dialog, "lado_referral_draft_end")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        press(qtbot, Qt.Key.Key_S, CTRL)
    assert on_worker(worker, lambda: referrals.get_referral(
        session, dialog.record.id)).content.reason.startswith("A pupil was grabbed")

    # Finalised knowing the referrer's contact is missing: the version says so.
    form_helpers.set_next_answer(True)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        press(qtbot, Qt.Key.Key_E, ALT)
    assert dialog.is_final
    final = on_worker(worker, lambda: referrals.get_referral(session, dialog.record.id))
    assert final.state == "final"
    assert "No contact details for the referrer" in final.versions[-1].reason
    reason = dialog.editors["reason"]
    assert isinstance(reason, QPlainTextEdit | QLineEdit) and reason.isReadOnly()
    assert ALLEGATION_NOTE in shown_text(dialog)  # the summary stays until reopened
    shot(dialog, "lado_referral_final")

    # The LADO form saved as a PDF (no password) carries the allegation.
    target = tmp_path / "lado-form.pdf"
    form_helpers.set_next_save_path(target)
    pdf_output.set_next_pdf_password("")
    dialog.save_form_button.click()
    qtbot.waitUntil(target.exists, timeout=15_000)
    printed = " ".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Referral to the LADO" in printed
    assert "Mr Sam Example" in printed and "Grabbed a pupil by the arm" in printed
    letter = tmp_path / "lado-letter.pdf"
    form_helpers.set_next_save_path(letter)
    pdf_output.set_next_pdf_password("")
    dialog.save_letter_button.click()
    qtbot.waitUntil(letter.exists, timeout=15_000)
    assert "An allegation about Mr Sam Example" in " ".join(
        p.extract_text() for p in PdfReader(letter).pages)

    dialog.close_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: "LADO referral: Final" in detail(register))
    assert "Sent: Not sent yet" in detail(register)
    assert register.lado_tracking_button.isEnabled()

    # Reopening from the register opens the same referral, not a second one. (The
    # offscreen platform does not hand activation back as a window manager would.)
    register.activateWindow()
    qtbot.waitUntil(register.isActiveWindow)
    register.table.setFocus()
    press(qtbot, Qt.Key.Key_D, ALT)
    again = referral_dialog(qtbot, register, not_this=dialog)
    assert again.record.id == final.id and again.is_final and again.is_lado
    qtbot.waitUntil(lambda: "Mr Sam Example" in shown_text(again))
    assert "as it stood when the referral was finalised" in shown_text(again)
    assert [r.id for r in on_worker(worker, lambda: referrals.referrals_for_adult_concern(
        session, record_id))] == [final.id]
    again.reject()
    assert on_worker(worker, lambda: referrals.referrals_for_pupil(session, amy.id)) == []


def test_lado_tracking_records_the_sending_without_a_pupil(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    record_id = on_worker(worker, lambda: adult_concerns.record_adult_concern(
        session, allegation()))
    referral_id = on_worker(worker, lambda: referrals.start_referral(
        session, ReferralKind.LADO, adult_concern_id=record_id))
    register = open_register(qtbot, worker, session)
    choose_first_by_keyboard(qtbot, register)
    qtbot.waitUntil(lambda: "LADO referral: Draft, not finalised" in detail(register))
    press(qtbot, Qt.Key.Key_T, ALT)  # LADO tracking…
    qtbot.waitUntil(lambda: (t := register.findChild(ReferralTrackingDialog)) is not None
                    and t.record is not None and not t.working, timeout=15_000)
    tracking = register.findChild(ReferralTrackingDialog)
    assert tracking is not None and tracking.record.id == referral_id
    assert tracking.heading.text().startswith("LADO (allegation about an adult)")
    tracking.sent_at.set_value(datetime.now(UTC) - timedelta(hours=1))
    qtbot.keyClicks(tracking.recipient, "Duty LADO")
    with qtbot.waitSignal(tracking.saved, timeout=10_000):
        tracking.sending_button.click()
    qtbot.waitUntil(lambda: "to Duty LADO" in detail(register))
    assert "Feedback: Awaiting feedback" in detail(register)
    assert "note the LADO consultation" in detail(register)
    tracking.reject()
    register.resize(1080, 680)
    shot(register, "adult_register_lado")


def test_a_low_level_concern_has_no_lado_referral_button(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    record_id = on_worker(worker, lambda: adult_concerns.record_adult_concern(
        session, allegation(kind=AdultConcernKind.LOW_LEVEL, thresholds=())))
    register = open_register(qtbot, worker, session)
    register.table.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: detail(register) != "")
    assert "Low-level concern about" in detail(register)
    assert "LADO referral" not in detail(register)
    assert not register.lado_button.isEnabled()
    register.open_lado_referral()  # refused quietly: the button is off for a reason
    qtbot.waitUntil(lambda: worker.pending == 0)
    assert register.findChild(ReferralDialog) is None
    assert on_worker(worker, lambda: referrals.referrals_for_adult_concern(
        session, record_id)) == []


def test_a_deputy_cannot_start_or_read_a_lado_referral(
        qtbot: QtBot, worker: DbWorker, session: Session, store_path: Path) -> None:
    record_id = on_worker(worker, lambda: adult_concerns.record_adult_concern(
        session, allegation()))
    on_worker(worker, lambda: referrals.start_referral(session, ReferralKind.LADO,
                                                       adult_concern_id=record_id))
    on_worker(worker, lambda: add_colleague(session, "deputy", Role.DEPUTY_DSL))
    on_worker(worker, lambda: close(session))
    deputy = on_worker(worker, lambda: reopen(store_path, "deputy", "colleague password"))
    try:
        register = open_register(qtbot, worker, deputy)
        assert register.model.rowCount() == 0
        assert not register.lado_button.isEnabled()
        assert not register.lado_tracking_button.isEnabled()
        register.open_lado_referral()
        assert register.findChild(ReferralDialog) is None
        for call in (lambda: referrals.referrals_for_adult_concern(deputy, record_id),
                     lambda: referrals.start_referral(deputy, ReferralKind.LADO,
                                                      adult_concern_id=record_id)):
            with pytest.raises(PermissionDenied):
                on_worker(worker, call)
    finally:
        on_worker(worker, lambda: close(deputy))

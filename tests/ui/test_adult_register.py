"""The register of allegations and low-level concerns about adults, driven by keyboard."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from sgdesk.models.adult_concerns import (
    AdultCapacity,
    AdultConcern,
    AdultConcernKind,
    HarmThreshold,
)
from sgdesk.models.users import Role
from sgdesk.services import adult_concerns
from sgdesk.services.session import Session
from sgdesk.ui.dialogs.adult_concern_form import AdultConcernForm
from sgdesk.ui.dialogs.adult_register_dialog import AdultRegisterDialog
from sgdesk.ui.form_helpers import set_next_answer
from sgdesk.ui.worker import DbWorker
from tests.helpers import WHEN, add_colleague, close, make_store, reopen
from tests.ui.conftest import WindowFactory, on_worker, shot, shown, unlock, unlocked_on


def low_level(name: str, **changes: object) -> AdultConcern:
    content = AdultConcern(
        AdultConcernKind.LOW_LEVEL, name, AdultCapacity.STAFF, "Teaching assistant",
        "Ms Teacher", "Class teacher", WHEN, WHEN + timedelta(hours=1), "Year 4 classroom",
        "Gave a pupil a lift home without telling anyone.")
    return replace(content, **changes)  # type: ignore[arg-type]


def open_register(qtbot: QtBot, worker: DbWorker, session: Session) -> AdultRegisterDialog:
    dialog = shown(qtbot, AdultRegisterDialog(worker, session))
    qtbot.waitUntil(lambda: worker.pending == 0)
    return dialog


def the_form(qtbot: QtBot, dialog: AdultRegisterDialog) -> AdultConcernForm:
    qtbot.waitUntil(lambda: any(f.isVisible() for f in dialog.findChildren(AdultConcernForm)))
    form = next(f for f in dialog.findChildren(AdultConcernForm) if f.isVisible())
    qtbot.waitUntil(form.isActiveWindow)  # keys go where a person's would
    return form


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_and_tab(qtbot: QtBot, text: str = "") -> None:
    if text:
        qtbot.keyClicks(focused(), text)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)


def test_the_dsl_records_a_low_level_concern_by_keyboard(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    on_worker(worker, lambda: adult_concerns.record_adult_concern(
        session, low_level("Mr Sam Example")))
    dialog = open_register(qtbot, worker, session)
    assert dialog.model.rowCount() == 1
    assert not dialog.patterns.isVisible()

    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    form = the_form(qtbot, dialog)
    assert form.kind is AdultConcernKind.LOW_LEVEL
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.panel.form.error_text("adult_name") == (
        "Give the name of the adult the concern is about.")
    shot(form, "adult_concern_form_errors")
    assert focused() is form._editors["adult_name"]

    type_and_tab(qtbot, "mr sam  EXAMPLE")          # adult's name (a second way of writing it)
    type_and_tab(qtbot)                              # works here as: member of staff
    type_and_tab(qtbot, "Teaching assistant")        # job or position
    type_and_tab(qtbot, "Mrs Raiser")                # raised by
    type_and_tab(qtbot, "Office manager")            # their role
    type_and_tab(qtbot)                              # when it happened: now
    type_and_tab(qtbot)                              # when it was raised: now
    type_and_tab(qtbot, "Car park")                  # where
    qtbot.keyClicks(focused(), "Seen giving a pupil a lift home again.")
    assert focused() is form._editors["what_happened"]
    assert form.panel.form.error_text("what_happened") == ""
    qtbot.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: not form.isVisible())
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2 and "Car park" in dialog.detail_text())
    assert [e.content.adult_name for e in dialog.model.rows] == [
        "mr sam  EXAMPLE", "Mr Sam Example"]
    assert dialog.patterns.count() == 1
    assert dialog.patterns.item(0).text() == "2 low-level concerns about mr sam EXAMPLE"
    assert "Version 1 (current): Recorded by Jo Bloggs" in dialog.detail_text()
    shot(dialog, "adult_register")


def test_amending_needs_a_reason_and_the_history_shows_it(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    on_worker(worker, lambda: adult_concerns.record_adult_concern(session, low_level(
        "Ms Dana Other", kind=AdultConcernKind.ALLEGATION, thresholds=(HarmThreshold.RISK,),
        happened_at=WHEN + timedelta(seconds=7, microseconds=5))))  # finer than the form shows
    dialog = open_register(qtbot, worker, session)
    assert dialog.model.index(0, 4).data() == "LADO overdue (due Tue 3 Nov 2026)"
    assert not dialog.amend_button.isEnabled()
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: dialog.amend_button.isEnabled())

    qtbot.keyClick(dialog, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    form = the_form(qtbot, dialog)
    lado_date = form._editors["lado_consulted_on"]
    assert isinstance(lado_date, QLineEdit)
    lado_date.setFocus()
    qtbot.keyClicks(lado_date, WHEN.strftime("%d/%m/%Y"))
    qtbot.keyClick(lado_date, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "Pat Lado")
    qtbot.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form._errors() == {"reason": "Say why the record is being amended."}
    assert form.panel.form.error_text("reason") == "Say why the record is being amended."
    assert focused() is form._editors["reason"]
    shot(form, "adult_concern_amend")
    assert on_worker(worker, lambda: len(
        adult_concerns.get_adult_concern(session, dialog.model.rows[0].id).versions)) == 1

    qtbot.keyClicks(focused(), "LADO consulted by phone")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not form.isVisible())
    qtbot.waitUntil(lambda: "Version 2 (current)" in dialog.detail_text())
    text = dialog.detail_text()
    assert "Why: LADO consulted by phone" in text
    assert "Changed: LADO consulted on, LADO's name" in text
    assert "Version 1: Recorded by Jo Bloggs" in text
    assert dialog.model.index(0, 4).data() == "Open"

    dialog.version_box.setCurrentIndex(1)  # the original stays readable
    assert "You are looking at version 1" in dialog.detail_text()
    assert "Pat Lado" not in dialog.detail_text().split("History")[0]
    shot(dialog, "adult_register_history")


def test_a_deputy_is_told_the_register_is_the_dsls_alone(
        qtbot: QtBot, worker: DbWorker, session: Session, store_path: Path) -> None:
    on_worker(worker, lambda: adult_concerns.record_adult_concern(
        session, low_level("Mr Sam Example")))
    on_worker(worker, lambda: add_colleague(session, "deputy", Role.DEPUTY_DSL))
    on_worker(worker, lambda: close(session))
    deputy = on_worker(worker, lambda: reopen(store_path, "deputy", "colleague password"))
    try:
        dialog = open_register(qtbot, worker, deputy)
        assert dialog.message.text() == ("Only the Designated Safeguarding Lead can see "
                                         "allegations and low-level concerns about adults.")
        assert dialog.model.rowCount() == 0
        assert not dialog.allegation_button.isEnabled()
        assert not dialog.low_level_button.isEnabled()
    finally:
        on_worker(worker, lambda: close(deputy))


def test_typed_text_survives_a_lock_as_a_draft(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    form = shown(qtbot, AdultConcernForm(worker, session, kind=AdultConcernKind.ALLEGATION))
    assert form.draft_state() is None  # nothing typed, nothing worth keeping
    form._fill(low_level("Mr Sam Example", kind=AdultConcernKind.ALLEGATION,
                         thresholds=(HarmThreshold.OFFENCE,), review_on=WHEN.date()))
    state = form.draft_state()
    assert state is not None
    again = shown(qtbot, AdultConcernForm(worker, session, kind=AdultConcernKind.ALLEGATION))
    again.restore_draft(state)
    assert again.content() == form.content()
    assert again.content().thresholds == (HarmThreshold.OFFENCE,)

    set_next_answer(False)  # Escape asks before throwing typed text away
    qtbot.keyClick(again, Qt.Key.Key_Escape)
    assert again.isVisible()
    set_next_answer(True)
    qtbot.keyClick(again, Qt.Key.Key_Escape)
    assert not again.isVisible()
    qtbot.waitUntil(lambda: worker.pending == 0)


def test_the_records_menu_opens_the_register_for_the_dsl_only(
        qtbot: QtBot, make_window: WindowFactory, store_path: Path) -> None:
    session, _ = make_store(store_path)
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    close(session)
    window = unlocked_on(qtbot, make_window, store_path, "deputy", "colleague password")
    assert not window.adult_register_action.isEnabled()
    window.lock()
    unlock(qtbot, window)
    assert window.adult_register_action.isEnabled()
    window.adult_register_action.trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in
                                window.findChildren(AdultRegisterDialog)))

"""Records → Retention and destruction: reviews due, legal holds, the destruction
log and the periods, driven by keyboard and buttons as a DSL would."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from sgdesk.models.pupils import Pupil
from sgdesk.models.retention import RetentionKind
from sgdesk.models.users import Role
from sgdesk.services import retention
from sgdesk.services.session import Session
from sgdesk.ui.dialogs.retention_dialog import DestroyDialog, ReasonDialog, RetentionDialog
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_colleague, add_pupil, close, log_about, make_store, reopen
from tests.ui.conftest import (
    WindowFactory,
    on_worker,
    shot,
    shown,
    unlock,
    unlocked_on,
    widget_texts,
)

LEFT = date(2017, 7, 20)


def leaver(session: Session, forename: str, surname: str, born: date) -> Pupil:
    return add_pupil(session, forename, surname, date_of_birth=born, date_left=LEFT)


def with_leavers(worker: DbWorker, session: Session) -> tuple[Pupil, Pupil]:
    """Dora is due (born 1990); Sam comes due within 90 days."""
    def build() -> tuple[Pupil, Pupil]:
        today = session.db.clock().astimezone().date()
        dora = leaver(session, "Dora", "Due", date(1990, 3, 14))
        soon = date(today.year - 25, today.month, 1)
        sam = leaver(session, "Sam", "Soon", date(soon.year + (soon.month == 12),
                                                  soon.month % 12 + 1, 1))
        log_about(session, dora, facts="Left alone at the bus stop")
        leaver(session, "Yan", "Young", date(2012, 5, 1))  # not due for years
        return dora, sam

    return on_worker(worker, build)


def open_dialog(qtbot: QtBot, worker: DbWorker, session: Session) -> RetentionDialog:
    dialog = shown(qtbot, RetentionDialog(worker, session))
    qtbot.waitUntil(lambda: worker.pending == 0 and not dialog.busy.active)
    return dialog


def visible[W: QWidget](qtbot: QtBot, parent: QWidget, kind: type[W]) -> W:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in parent.findChildren(kind)))
    found = next(d for d in parent.findChildren(kind) if d.isVisible())
    qtbot.waitUntil(found.isActiveWindow)
    return found


def gone(widget: QWidget) -> bool:
    """Closed (and, deleted on close, perhaps deleted already)."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_the_dsl_reviews_holds_and_destroys_a_file(qtbot: QtBot, worker: DbWorker,
                                                   session: Session) -> None:
    dora, sam = with_leavers(worker, session)
    dialog = open_dialog(qtbot, worker, session)
    model = dialog.review_model
    assert [r.pupil_id for r in model.rows] == [dora.id, sam.id]
    assert model.data(model.index(0, 5)) == "Due now"
    assert model.data(model.index(1, 5)).startswith("Due in ")
    assert not dialog.destroy_button.isEnabled()
    dialog.review_table.setFocus()
    qtbot.keyClick(dialog.review_table, Qt.Key.Key_Home)
    selected = dialog.selected_review()
    assert selected is not None and selected.pupil_id == dora.id
    assert dialog.destroy_button.isEnabled() and dialog.hold_button.isEnabled()
    shot(dialog, "retention_reviews")

    # a hold, placed from the review list, blocks the Destroy button
    dialog.hold_button.click()
    hold = visible(qtbot, dialog, ReasonDialog)
    hold.panel.action_button.click()  # no reason yet: said under the field
    assert "Say why" in hold.panel.form.error_text("reason")
    qtbot.keyClicks(focused(), "Relevant to the public inquiry")
    shot(hold, "retention_place_hold")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(hold))
    qtbot.waitUntil(lambda: worker.pending == 0 and not dialog.busy.active)
    assert dialog.notice.text() == "Legal hold placed."
    assert model.data(model.index(0, 5)) == "On legal hold (due now)"
    dialog.review_table.selectRow(0)
    assert not dialog.destroy_button.isEnabled()

    # lifted again from the holds tab
    dialog.tabs.setCurrentIndex(1)
    dialog.hold_table.selectRow(0)
    assert dialog.lift_button.isEnabled()
    dialog.lift_button.click()
    lift = visible(qtbot, dialog, ReasonDialog)
    qtbot.keyClicks(lift.reason, "The inquiry has closed")
    lift.panel.action_button.click()
    qtbot.waitUntil(lambda: gone(lift))
    qtbot.waitUntil(lambda: worker.pending == 0 and not dialog.busy.active)
    assert dialog.hold_model.data(dialog.hold_model.index(0, 4)).startswith("Lifted ")
    shot(dialog, "retention_holds")

    # destroyed: the name must be typed as shown
    dialog.tabs.setCurrentIndex(0)
    dialog.review_table.selectRow(0)
    dialog.destroy_button.click()
    destroy = visible(qtbot, dialog, DestroyDialog)
    qtbot.waitUntil(lambda: destroy.pupil.text() == "Dora Due")
    assert "Concerns about this child only: 1" in destroy.removes.text()
    assert destroy.review.text().startswith("14/03/2015 (Child protection file")
    qtbot.keyClicks(destroy.reason, "Reviewed: no reason to keep it")
    qtbot.keyClicks(destroy.confirm, "Dora Dew")
    destroy.panel.action_button.click()
    assert destroy.panel.form.error_text("confirm_text").startswith("Type the pupil's name")
    shot(destroy, "retention_destroy_confirm")
    destroy.confirm.clear()
    qtbot.keyClicks(destroy.confirm, "Dora Due")
    with qtbot.waitSignal(dialog.pupil_destroyed, timeout=20_000) as destroyed:
        destroy.panel.action_button.click()
        assert destroy.working  # busy until the store is rewritten
        shot(destroy, "retention_destroy_busy")
    assert destroyed.args == [dora.id]
    qtbot.waitUntil(lambda: gone(destroy), timeout=20_000)
    qtbot.waitUntil(lambda: worker.pending == 0 and not dialog.busy.active)
    assert dialog.tabs.currentIndex() == 2
    log = dialog.log_model
    assert log.data(log.index(0, 2)) == "D. D., born 1990"
    assert log.data(log.index(0, 3)) == "Reviewed: no reason to keep it"
    assert [r.pupil_name for r in model.rows] == ["Sam Soon"]
    assert "Dora Due" not in " ".join(widget_texts(dialog))
    shot(dialog, "retention_log")


def test_the_periods_change_the_review_list(qtbot: QtBot, worker: DbWorker,
                                            session: Session) -> None:
    with_leavers(worker, session)
    dialog = open_dialog(qtbot, worker, session)
    dialog.tabs.setCurrentIndex(3)
    box = dialog.years[RetentionKind.CP_FILE]
    assert box.value() == 25
    box.setValue(10)
    shot(dialog, "retention_periods")
    dialog.save_periods_button.click()
    qtbot.waitUntil(lambda: worker.pending == 0 and not dialog.busy.active)
    assert dialog.periods_note.text().startswith("Saved.")
    assert "Yan Young" in [r.pupil_name for r in dialog.review_model.rows]
    rules = on_worker(worker, lambda: retention.retention_rules(session))
    assert rules.years_for(RetentionKind.CP_FILE) == 10


def test_the_window_opens_on_one_pupils_review(qtbot: QtBot, worker: DbWorker,
                                               session: Session) -> None:
    _dora, sam = with_leavers(worker, session)
    dialog = shown(qtbot, RetentionDialog(worker, session, select_pupil=sam.id))
    qtbot.waitUntil(lambda: worker.pending == 0 and not dialog.busy.active)
    selected = dialog.selected_review()
    assert selected is not None and selected.pupil_id == sam.id
    assert dialog.hold_button.isEnabled() and not dialog.destroy_button.isEnabled()


def test_a_hold_can_be_placed_on_any_pupil_from_the_register(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    with_leavers(worker, session)
    dialog = open_dialog(qtbot, worker, session)
    dialog.tabs.setCurrentIndex(1)
    dialog.picker.edit.setFocus()
    qtbot.keyClicks(dialog.picker.edit, "Yan")
    qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_Return)
    hold = visible(qtbot, dialog, ReasonDialog)
    assert "Young, Yan" in widget_texts(hold)
    qtbot.keyClicks(hold.reason, "Police request to keep")
    qtbot.keyClick(hold.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(hold))
    qtbot.waitUntil(lambda: worker.pending == 0 and not dialog.busy.active)
    assert [(e.pupil_name, e.hold.reason, e.hold.active) for e in dialog.hold_model.rows] == [
        ("Yan Young", "Police request to keep", True)]


def test_a_deputy_is_told_and_shown_nothing(qtbot: QtBot, worker: DbWorker,
                                            store_path: Path) -> None:
    def build() -> Session:
        session, _ = make_store(store_path)
        leaver(session, "Dora", "Due", date(1990, 3, 14))
        add_colleague(session, "deputy", Role.DEPUTY_DSL)
        close(session)
        return reopen(store_path, "deputy", "colleague password")

    deputy = on_worker(worker, build)
    try:
        dialog = open_dialog(qtbot, worker, deputy)
        assert dialog.message.text().startswith("Only the Designated Safeguarding Lead")
        assert dialog.review_model.rowCount() == 0
        assert not any(b.isEnabled() for b in (dialog.hold_button, dialog.destroy_button,
                                               dialog.lift_button, dialog.save_periods_button))
        shot(dialog, "retention_deputy")
    finally:
        on_worker(worker, lambda: close(deputy))


def test_the_records_menu_offers_retention_to_the_dsl_only(
        qtbot: QtBot, make_window: WindowFactory, store_path: Path) -> None:
    session, _ = make_store(store_path)
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    close(session)
    window = unlocked_on(qtbot, make_window, store_path, "deputy", "colleague password")
    assert not window.retention_action.isEnabled()
    window.lock()
    unlock(qtbot, window)
    assert window.retention_action.isEnabled()
    window.retention_action.trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(RetentionDialog)))

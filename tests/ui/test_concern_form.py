"""The concern form, driven by the keyboard alone, on real encrypted stores.

Keys always go to whichever widget has focus, so these tests also check that Tab
visits the fields in the order they read. Store calls go through ``on_worker``:
the connection lives on the worker thread.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from sgdesk.models.concerns import ChildRole, Decision, InvolvedChild, Review, changed_fields
from sgdesk.models.pupils import Pupil
from sgdesk.services import concerns, drafts
from sgdesk.services.session import Session
from sgdesk.ui import form_helpers
from sgdesk.ui.dialogs.concern_form import ConcernFormDialog
from sgdesk.ui.worker import DbWorker
from tests.helpers import WHEN, add_pupil, concern_content
from tests.ui.conftest import WindowFactory, on_worker, shot, unlock, wait_idle

CTRL = Qt.KeyboardModifier.ControlModifier


# -- driving the keyboard -----------------------------------------------------------------
def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
          times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(focused(), key, modifier)


def tab_to(qtbot: QtBot, widget: QWidget, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``widget`` has focus; fail if it never does."""
    for _ in range(40):
        if focused() is widget:
            return
        if backwards:
            press(qtbot, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        else:
            press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget.accessibleName()!r}")


def type_text(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def replace_text(qtbot: QtBot, text: str) -> None:
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, text)


def tab_and_type(qtbot: QtBot, text: str) -> None:
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, text)


def form(qtbot: QtBot, worker: DbWorker, session: Session, **kwargs: Any) -> ConcernFormDialog:
    """A shown form that, however the test ends, is closed as a lock closes it (without
    asking), so no "Discard?" question can wait for an answer that never comes."""
    dialog = ConcernFormDialog(worker, session, **kwargs)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.reject())
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    return dialog


def opened(qtbot: QtBot, worker: DbWorker, session: Session, **kwargs: Any) -> ConcernFormDialog:
    """:func:`form`, once it has been filled in from the store."""
    dialog = form(qtbot, worker, session, **kwargs)
    qtbot.waitUntil(lambda: not dialog.working and dialog.body.isEnabled(), timeout=30_000)
    return dialog


def save(qtbot: QtBot, dialog: ConcernFormDialog) -> str:
    """Ctrl+S, and the id the form reports once the store has the concern."""
    with qtbot.waitSignal(dialog.saved, timeout=30_000) as saved:
        press(qtbot, Qt.Key.Key_S, CTRL)
    return str(saved.args[0])


def fill_everything_after_children(qtbot: QtBot, dialog: ConcernFormDialog) -> None:
    """From the categories list: tick Neglect, then type the four sections and the action."""
    tab_to(qtbot, dialog.categories)
    press(qtbot, Qt.Key.Key_Home)
    press(qtbot, Qt.Key.Key_Down)   # two columns: Sexual abuse, under Physical abuse
    press(qtbot, Qt.Key.Key_Right)  # Neglect, beside it
    press(qtbot, Qt.Key.Key_Space)
    assert dialog.categories.checked() == ("Neglect",)
    tab_to(qtbot, dialog.editors["facts"])
    type_text(qtbot, "Amy had no coat and was shivering at 8.15.")
    tab_and_type(qtbot, "My mum said I can't wear it, it's the baby's now.")
    tab_and_type(qtbot, "Where is your coat?")
    tab_and_type(qtbot, "The breakfast club lead said Amy is often hungry.")
    tab_and_type(qtbot, "Mrs Khan, breakfast club lead")
    tab_and_type(qtbot, "I think the family may be struggling since the new baby.")
    tab_and_type(qtbot, "Gave Amy a spare coat. Told the DSL at 8.30.")
    assert focused() is dialog.editors["immediate_action"]


# -- logging a concern ----------------------------------------------------------------------
def test_a_concern_logged_by_keyboard_alone_keeps_the_four_sections_apart(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example", year_group="5"))
    dialog = opened(qtbot, worker, session, pupil_id=amy.id)
    shot(dialog, "concern_form_empty")
    assert focused() is dialog.editors["reporter_name"]
    assert dialog.editors["reporter_name"].text() == "Jo Bloggs"  # the signed-in user
    replace_text(qtbot, "Sam Patel")  # logged on a colleague's behalf
    press(qtbot, Qt.Key.Key_Tab)
    replace_text(qtbot, "Class teacher")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.happened
    type_text(qtbot, "021120250815")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.noticed  # one Tab leaves the date, not one per part
    type_text(qtbot, "021120250820")
    tab_and_type(qtbot, "School gate")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.children_box.rows[0].role  # Amy, pre-added as the subject
    fill_everything_after_children(qtbot, dialog)
    shot(dialog, "concern_form_filled")
    shot(dialog.body, "concern_form_filled_whole")
    concern_id = save(qtbot, dialog)
    assert not dialog.isVisible()

    stored = on_worker(worker, lambda: concerns.get_concern(session, concern_id))
    content = stored.current
    assert (content.reporter_name, content.reporter_role) == ("Sam Patel", "Class teacher")
    assert content.happened_at.astimezone().strftime("%d/%m/%Y %H:%M") == "02/11/2025 08:15"
    assert content.noticed_at.astimezone().strftime("%d/%m/%Y %H:%M") == "02/11/2025 08:20"
    assert content.location == "School gate"
    assert content.children == (InvolvedChild(amy.id, ChildRole.SUBJECT, False),)
    assert content.categories == ("Neglect",)
    assert content.facts == "Amy had no coat and was shivering at 8.15."
    assert content.child_words == "My mum said I can't wear it, it's the baby's now."
    assert content.questions_asked == "Where is your coat?"
    assert content.others_reported == "The breakfast club lead said Amy is often hungry."
    assert content.others_source == "Mrs Khan, breakfast club lead"
    assert content.opinion == "I think the family may be struggling since the new baby."
    assert content.immediate_action == "Gave Amy a spare coat. Told the DSL at 8.30."
    assert content.review is None
    assert stored.versions[0].saved_by == "Jo Bloggs"


def test_several_children_each_keep_their_role_and_show_name_choice(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    ben = on_worker(worker, lambda: add_pupil(session, "Ben", "Sample", year_group="6"))
    on_worker(worker, lambda: add_pupil(session, "Cara", "Sampson"))
    on_worker(worker, lambda: concerns.add_label(session, "tag", "Playground"))
    dialog = opened(qtbot, worker, session, pupil_id=amy.id)
    picker = dialog.children_box.picker
    tab_to(qtbot, picker.edit)
    type_text(qtbot, "samp")
    assert picker.model.rowCount() == 2  # Ben Sample and Cara Sampson; Amy is already in
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Up)
    assert picker.current_match().id == ben.id
    shot(dialog, "concern_form_picker")
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Return took the match; it did not save or close
    ben_row = dialog.children_box.rows[1]
    assert ben_row.pupil_id == ben.id and focused() is ben_row.role
    press(qtbot, Qt.Key.Key_Down)  # Subject -> Victim
    assert ben_row.role.currentData() is ChildRole.VICTIM
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is ben_row.name_shown
    press(qtbot, Qt.Key.Key_Space)
    assert ben_row.name_shown.isChecked()
    # Amy's own show-name box stays off; she stays the subject.
    tab_to(qtbot, dialog.tags)
    press(qtbot, Qt.Key.Key_Home)
    press(qtbot, Qt.Key.Key_Space)
    assert dialog.tags.checked() == ("Playground",)
    fill_everything_after_children(qtbot, dialog)
    concern_id = save(qtbot, dialog)

    content = on_worker(worker, lambda: concerns.get_concern(session, concern_id)).current
    assert content.children == (InvolvedChild(amy.id, ChildRole.SUBJECT, False),
                                InvolvedChild(ben.id, ChildRole.VICTIM, True))
    assert content.tags == ("Playground",)


def test_a_child_can_be_removed_and_a_concern_needs_at_least_one(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    dialog = opened(qtbot, worker, session, pupil_id=amy.id)
    tab_to(qtbot, dialog.children_box.rows[0].remove)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not dialog.children_box.rows)
    assert focused() is dialog.children_box.picker.edit
    assert dialog.error_text("children") == "Add the child or children the concern is about."
    type_text(qtbot, "amy")
    press(qtbot, Qt.Key.Key_Return)
    assert [r.pupil_id for r in dialog.children_box.rows] == [amy.id]
    assert dialog.error_text("children") == ""


# -- inline checks ----------------------------------------------------------------------------
def test_future_and_noticed_before_happened_show_inline_and_nothing_is_saved(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    dialog = opened(qtbot, worker, session, pupil_id=amy.id)
    replace_text(qtbot, "S")
    assert dialog.error_text("reporter_name") == ""
    press(qtbot, Qt.Key.Key_Backspace)
    assert dialog.error_text("reporter_name") == ""  # not while typing
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.error_text("reporter_name") == "Say who is concerned."  # once left
    tab_to(qtbot, dialog.happened)
    type_text(qtbot, "010120990900")
    assert dialog.error_text("happened_at") == ""
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.error_text("happened_at") == "When it happened cannot be in the future."
    press(qtbot, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)  # back, on the day
    type_text(qtbot, "021120251000")
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.error_text("happened_at") == ""
    type_text(qtbot, "021120250930")  # noticed half an hour before it happened
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.error_text("noticed_at") == "It cannot have been noticed before it happened."
    tab_to(qtbot, dialog.editors["others_reported"])
    type_text(qtbot, "A parent rang")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.editors["others_source"]

    press(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible() and not dialog.working
    assert dialog.error_text("categories") == "Choose at least one category."
    assert dialog.error_text("others_source") == "Say who reported this information."
    assert dialog.error_text("noticed_at") == "It cannot have been noticed before it happened."
    assert focused() is dialog.editors["reporter_name"]  # the first problem
    assert dialog.message.text() == ("Not saved yet: 4 fields need attention. Each says what "
                                     "is wrong under it.")
    shot(dialog, "concern_form_errors")
    assert on_worker(worker, lambda: concerns.concerns_on_file(session, amy.id)) == []


def test_a_problem_the_service_reports_shows_under_its_field(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    dialog = opened(qtbot, worker, session, pupil_id="not-a-pupil")
    assert dialog.children_box.rows[0].name.text() == "A pupil not on the register"
    fill_everything_after_children(qtbot, dialog)
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: dialog.error_text("children") != "", timeout=30_000)
    assert dialog.error_text("children") == "A child in this concern is not on the register."
    assert dialog.isVisible() and dialog.body.isEnabled()


def test_a_failed_save_keeps_every_word_and_says_so_at_the_top(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    dialog = opened(qtbot, worker, session, pupil_id=amy.id)
    fill_everything_after_children(qtbot, dialog)
    before = dialog.draft_state()
    on_worker(worker, session.lock)  # the store goes away under the form
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=30_000)
    assert dialog.message.text().startswith("The concern was not saved: The store is locked.")
    assert "Everything you typed is still here." in dialog.message.text()
    assert dialog.isVisible() and dialog.body.isEnabled() and dialog.save_button.isEnabled()
    assert dialog.draft_state() == before
    assert dialog.editors["facts"].toPlainText() == "Amy had no coat and was shivering at 8.15."
    shot(dialog, "concern_form_save_failed")


# -- amending -------------------------------------------------------------------------------
def test_an_amendment_needs_a_reason_and_keeps_the_original_and_the_review(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy: Pupil = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    happened = WHEN.replace(second=37)  # the form shows minutes; the seconds must survive
    content = replace(concern_content(InvolvedChild(amy.id, ChildRole.SUBJECT),
                                      opinion="Worried."),
                      happened_at=happened, noticed_at=WHEN.replace(minute=5, second=12))
    concern_id = on_worker(worker, lambda: concerns.log_concern(session, content))
    review = Review(Decision.MONITOR, "Keep an eye on attendance.", "Jo Bloggs", "DSL",
                    WHEN.date())
    on_worker(worker, lambda: concerns.record_review(session, concern_id, review, 1))

    dialog = opened(qtbot, worker, session, concern_id=concern_id)
    assert dialog.windowTitle() == "Amend a concern"
    assert dialog.editors["facts"].toPlainText() == "Seen crying by the gate"
    assert dialog.happened.value() == WHEN  # to the minute
    assert dialog.draft_state() is None  # filled from the store, nothing typed yet
    tab_to(qtbot, dialog.editors["facts"])
    press(qtbot, Qt.Key.Key_End, CTRL)
    type_text(qtbot, ". Later: a bruise on her arm.")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.error_text("reason") == "Say why the record is being amended."
    assert focused() is dialog.editors["reason"]
    shot(dialog, "concern_form_amend_reason")
    type_text(qtbot, "The bruise was seen after the first entry.")
    assert save(qtbot, dialog) == concern_id

    stored = on_worker(worker, lambda: concerns.get_concern(session, concern_id))
    assert [v.number for v in stored.versions] == [1, 2, 3]
    assert stored.original.content.facts == "Seen crying by the gate"
    latest = stored.versions[-1]
    assert latest.content.facts == "Seen crying by the gate. Later: a bruise on her arm."
    assert latest.reason == "The bruise was seen after the first entry."
    assert latest.content.review == review
    assert changed_fields(stored.versions[1].content, latest.content) == ["facts"]
    assert latest.content.happened_at == happened
    assert latest.content.opinion == "Worried."


# -- leaving ------------------------------------------------------------------------------------
def test_escape_asks_before_discarding_typing_and_no_keeps_the_form(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    dialog = opened(qtbot, worker, session, pupil_id=amy.id)
    tab_to(qtbot, dialog.editors["facts"])
    type_text(qtbot, "Half a sentence")
    form_helpers.set_next_answer(False)
    press(qtbot, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert dialog.editors["facts"].toPlainText() == "Half a sentence"
    form_helpers.set_next_answer(True)
    press(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert on_worker(worker, lambda: concerns.concerns_on_file(session, amy.id)) == []


def test_escape_on_an_untouched_form_closes_without_asking(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    dialog = opened(qtbot, worker, session, pupil_id=amy.id)
    form_helpers.set_next_answer(False)
    press(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert form_helpers.confirm(None, "", "", "") is False  # the queued answer was not used


def test_closing_the_window_asks_too(qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    dialog = opened(qtbot, worker, session, pupil_id=amy.id)
    tab_to(qtbot, dialog.editors["location"])
    type_text(qtbot, "Hall")
    form_helpers.set_next_answer(False)
    dialog.close()  # as the title bar's close button does
    assert dialog.isVisible()


# -- drafts -------------------------------------------------------------------------------------
def test_draft_state_round_trips_every_field_children_and_roles(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    ben = on_worker(worker, lambda: add_pupil(session, "Ben", "Sample"))
    first = opened(qtbot, worker, session, pupil_id=amy.id)
    assert first.draft_state() is None
    assert first.draft_kind == "concern" and first.draft_ref == f"new:{amy.id}"
    tab_to(qtbot, first.children_box.picker.edit)
    type_text(qtbot, "ben")
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Down, times=2)  # Alleged perpetrator
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Space)
    fill_everything_after_children(qtbot, first)
    state = first.draft_state()
    assert state is not None
    assert state["children"] == [
        {"pupil_id": amy.id, "role": "subject", "name_shown_to_others": False},
        {"pupil_id": ben.id, "role": "alleged_perpetrator", "name_shown_to_others": True},
    ]
    first.reject()  # what a lock does: no question asked

    # Given back before the form has even loaded, as after an unlock.
    second = form(qtbot, worker, session, pupil_id=amy.id)
    second.restore_draft(state)
    qtbot.waitUntil(lambda: not second.working, timeout=30_000)
    assert second.draft_state() == state
    assert second.content() == first.content()
    assert second.note.isVisible()


def test_a_kept_draft_comes_back_when_the_form_opens(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    first = opened(qtbot, worker, session, pupil_id=amy.id)
    tab_to(qtbot, first.editors["child_words"])
    type_text(qtbot, "He said not to tell")
    state = first.draft_state()
    assert state is not None
    first.reject()
    on_worker(worker, lambda: drafts.save_drafts(session, [("concern", f"new:{amy.id}", state)]))

    second = opened(qtbot, worker, session, pupil_id=amy.id)
    assert second.editors["child_words"].toPlainText() == "He said not to tell"
    shot(second, "concern_form_draft_back")
    form_helpers.set_next_answer(True)
    press(qtbot, Qt.Key.Key_Escape)  # discarded on purpose: the draft goes too
    qtbot.waitUntil(lambda: worker.pending == 0)
    assert on_worker(worker, lambda: drafts.load_draft(session, "concern", f"new:{amy.id}")) \
        is None


def test_every_field_is_labelled_and_text_boxes_pass_tab_on(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    dialog = opened(qtbot, worker, session, pupil_id=amy.id)
    stops = [w for w in dialog.body.findChildren(QWidget)
             if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisible()
             and not isinstance(w.parentWidget(), QAbstractSpinBox | QComboBox)]  # their parts
    assert len(stops) >= 17
    for widget in stops:
        if isinstance(widget, QPlainTextEdit):
            assert widget.tabChangesFocus()
        if not isinstance(widget, QCheckBox):  # a check box is named by its own text
            assert widget.accessibleName(), type(widget).__name__
    assert dialog.minimumWidth() >= 720
    assert isinstance(dialog.children_box.rows[0].role, QComboBox)


def test_a_lock_keeps_the_typing_and_the_form_brings_it_back_after_unlocking(
        qtbot: QtBot, make_window: WindowFactory, closed_store: Path) -> None:
    window = make_window()
    window.open_store(closed_store)
    unlock(qtbot, window)
    session = window.session
    assert session is not None
    amy = on_worker(window.worker, lambda: add_pupil(session, "Amy", "Example"))
    first = ConcernFormDialog(window.worker, session, pupil_id=amy.id, parent=window)
    first.open()
    qtbot.waitUntil(lambda: not first.working, timeout=30_000)
    tab_to(qtbot, first.editors["child_words"])
    type_text(qtbot, "He said not to tell")
    press(qtbot, Qt.Key.Key_L, CTRL)  # lock: no question asked, the form closes
    assert not first.isVisible()
    wait_idle(qtbot, window)

    unlock(qtbot, window)
    again = window.session
    assert again is not None
    second = ConcernFormDialog(window.worker, again, pupil_id=amy.id, parent=window)
    second.open()
    qtbot.waitUntil(lambda: not second.working, timeout=30_000)
    assert second.editors["child_words"].toPlainText() == "He said not to tell"
    assert second.note.isVisible()
    second.reject()

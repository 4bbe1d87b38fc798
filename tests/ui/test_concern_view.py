"""The concern view (current version, history, changes) and the DSL review dialog,
on real encrypted stores. Store calls go through ``on_worker``: the connection
lives on the worker thread."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QTextBrowser, QWidget
from pytestqt.qtbot import QtBot

from sgdesk.models.concerns import (
    FIELD_LABELS,
    KEPT_APART_SECTIONS,
    ChildRole,
    Decision,
    InvolvedChild,
)
from sgdesk.models.pupils import Pupil, SendStatus
from sgdesk.models.users import Role
from sgdesk.services import concerns, drafts
from sgdesk.services.session import Session
from sgdesk.ui import form_helpers, pdf_output
from sgdesk.ui.concern_view import ConcernViewDialog
from sgdesk.ui.dialogs.body_map_dialog import BodyMapDialog
from sgdesk.ui.dialogs.concern_form import ConcernFormDialog
from sgdesk.ui.dialogs.review_dialog import ReviewDialog
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_colleague, add_pupil, close, concern_content, log_about, reopen
from tests.ui.conftest import on_worker, shot, shown

FOUR_SECTIONS = {
    "facts": "Seen crying by the gate at home time",
    "child_words": "He said 'my arm hurts'",
    "questions_asked": "What happened?",
    "others_reported": "Dinner staff saw a bruise",
    "others_source": "Mrs Dinner, midday supervisor",
    "opinion": "I think he was frightened to go home",
}
SCALE = os.environ.get("QT_SCALE_FACTOR", "")


def snap(widget: QWidget, name: str) -> None:
    shot(widget, f"{name}@{SCALE}" if SCALE else name)


def open_view(qtbot: QtBot, worker: DbWorker, session: Session, concern_id: str,
              pupil: Pupil) -> ConcernViewDialog:
    view = shown(qtbot, ConcernViewDialog(worker, session, concern_id, pupil.id))
    qtbot.waitUntil(lambda: view.record is not None and not view.busy.active)
    return view


def every_text(root: QWidget) -> str:
    """All the words a person (or a screen reader) can get at in the dialog."""
    texts = [label.text() for label in root.findChildren(QLabel)]
    texts += [browser.toPlainText() for browser in root.findChildren(QTextBrowser)]
    for listing in root.findChildren(QListWidget):
        texts += [listing.item(row).text() for row in range(listing.count())]
    texts += [widget.accessibleName() for widget in root.findChildren(QWidget)]
    return "\n".join(texts)


def marked_text(browser: QTextBrowser) -> tuple[str, str]:
    """(struck-through text, underlined text) in what the browser shows."""
    struck, underlined = [], []
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().fontStrikeOut():
                struck.append(fragment.text())
            if fragment.charFormat().fontUnderline():
                underlined.append(fragment.text())
            it += 1
        block = block.next()
    return " ".join(struck), " ".join(underlined)


def press(qtbot: QtBot, window: QWidget, key: Qt.Key,
          modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed wherever the keyboard focus is in ``window``."""
    qtbot.keyClick(window.focusWidget(), key, modifier)


def type_here(qtbot: QtBot, window: QWidget, text: str) -> None:
    qtbot.keyClicks(window.focusWidget(), text)


def amend(worker: DbWorker, session: Session, concern_id: str, reason: str, **changes: object):
    def job() -> int:
        current = concerns.get_concern(session, concern_id)
        return concerns.amend_concern(session, concern_id, replace(current.current, **changes),
                                      reason, current.versions[-1].number)

    return on_worker(worker, job)


# -- the current version ------------------------------------------------------------
def test_view_shows_the_four_sections_in_order_under_their_headings(
        qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    concern_id = on_worker(worker, lambda: log_about(session, amy, **FOUR_SECTIONS,
                                                     immediate_action="Told the DSL at once"))
    view = open_view(qtbot, worker, session, concern_id, amy)
    text = view.document.toPlainText()
    places = [text.index(FIELD_LABELS[name]) for name in KEPT_APART_SECTIONS]
    assert places == sorted(places)
    for name in KEPT_APART_SECTIONS:  # each section's own text follows its own heading
        assert places[KEPT_APART_SECTIONS.index(name)] < text.index(FOUR_SECTIONS[name])
    assert text.index(FOUR_SECTIONS["others_source"]) > places[2]
    assert "This section is opinion, not fact." in text
    assert text.index(FIELD_LABELS["immediate_action"]) > places[3]
    assert "Awaiting the DSL's review" in text
    assert "This child's role\nSubject" in text
    assert view.review_button.text() == "Record DSL &review…"
    snap(view, "concern_view_current")

    view.document.setFocus()  # every part is reachable by Tab, in reading order
    reached = []
    for _ in range(8):
        press(qtbot, view, Qt.Key.Key_Tab)
        reached.append(view.focusWidget())
    assert reached[:7] == [view.history, view.show_changes, view.amend_button,
                           view.review_button, view.body_map_button, view.print_button,
                           view.pdf_button]
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Escape)
    assert not view.isVisible()


def test_user_text_is_shown_as_text_never_as_markup(qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    concern_id = on_worker(worker, lambda: log_about(
        session, amy, facts="<b>not bold</b> & <a href='x'>no link</a>\nsecond line"))
    view = open_view(qtbot, worker, session, concern_id, amy)
    text = view.document.toPlainText()
    assert "<b>not bold</b> & <a href='x'>no link</a>" in text
    assert "\nsecond line" in text or "\u2028second line" in text


# -- one child's label never leaks to another -----------------------------------------
def test_another_childs_role_never_shows_and_their_name_only_when_the_dsl_chose(
        qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    ben = on_worker(worker, lambda: add_pupil(session, "Ben", "Sample"))
    content = concern_content(InvolvedChild(amy.id, ChildRole.VICTIM),
                              InvolvedChild(ben.id, ChildRole.ALLEGED_PERPETRATOR))
    concern_id = on_worker(worker, lambda: concerns.log_concern(session, content))

    from_amy = open_view(qtbot, worker, session, concern_id, amy)
    seen = every_text(from_amy)
    assert "Victim" in seen and "Another child" in seen
    assert "perpetrator" not in seen.lower()
    assert "Ben" not in seen and "Sample" not in seen

    from_ben = open_view(qtbot, worker, session, concern_id, ben)  # the walk can see roles
    assert "Alleged perpetrator" in every_text(from_ben)
    assert "Victim" not in every_text(from_ben)

    amend(worker, session, concern_id, "DSL agreed Ben may be named on Amy's file",
          children=(InvolvedChild(amy.id, ChildRole.VICTIM),
                    InvolvedChild(ben.id, ChildRole.ALLEGED_PERPETRATOR, True)))
    from_amy.reload()
    qtbot.waitUntil(lambda: len(from_amy.record.versions) == 2)
    from_amy.history.setCurrentRow(1)
    from_amy.show_changes.setChecked(True)
    seen = every_text(from_amy)
    assert "Ben Sample" in seen
    assert "perpetrator" not in seen.lower()
    for row in range(2):  # no version of the history shows Ben's role either
        from_amy.history.setCurrentRow(row)
        assert "perpetrator" not in every_text(from_amy).lower()


# -- amendments and what changed --------------------------------------------------------
def test_an_amended_concern_lists_both_versions_and_shows_what_changed(
        qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    concern_id = on_worker(worker, lambda: log_about(session, amy))
    amend(worker, session, concern_id, "Facts made more precise",
          facts="Seen sobbing by the main gate")
    view = open_view(qtbot, worker, session, concern_id, amy)

    assert view.history.count() == 2
    original, amended = view.history.item(0).text(), view.history.item(1).text()
    assert original.startswith("Version 1 (Original) — saved by Jo Bloggs")
    assert "Reason: Facts made more precise" in amended
    assert "Changed: Facts: what was seen or heard" in amended
    assert view.history.currentRow() == 1
    assert "Seen sobbing by the main gate" in view.document.toPlainText()

    view.history.setCurrentRow(0)
    assert "Seen crying by the gate" in view.document.toPlainText()
    assert "an earlier version" in view.document.toPlainText()

    view.history.setCurrentRow(1)
    qtbot.keyClick(view.show_changes, Qt.Key.Key_Space)
    assert view.show_changes.isChecked()
    text = view.document.toPlainText()
    assert "What changed in version 2" in text and "Facts made more precise" in text
    struck, underlined = marked_text(view.document)
    assert "crying" in struck and "sobbing" in underlined and "main" in underlined
    assert "sobbing" not in struck and "crying" not in underlined
    snap(view, "concern_view_changes")


def test_a_sendco_sees_no_review_button(qtbot, worker, session, store_path: Path) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example",
                                              send_status=SendStatus.EHCP))  # SENDCO's sight
    concern_id = on_worker(worker, lambda: log_about(session, amy))
    on_worker(worker, lambda: add_colleague(session, "sam", Role.SENDCO))
    on_worker(worker, lambda: close(session))
    sendco = on_worker(worker, lambda: reopen(store_path, "sam", "colleague password"))
    try:
        view = open_view(qtbot, worker, sendco, concern_id, amy)
        assert view.review_button.isHidden()
        assert not view.amend_button.isHidden()
        assert "Seen crying by the gate" in view.document.toPlainText()
    finally:
        view.close()
        on_worker(worker, lambda: close(sendco))


# -- the DSL review ------------------------------------------------------------------
def open_review(qtbot: QtBot, view: ConcernViewDialog) -> ReviewDialog:
    view.review_button.setFocus()
    qtbot.keyClick(view.review_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in view.findChildren(ReviewDialog)))
    dialog = next(d for d in view.findChildren(ReviewDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.panel.isEnabled() and not dialog.panel.working)
    return dialog


def test_review_by_keyboard_refuses_an_empty_reason_then_records_the_decision(
        qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    concern_id = on_worker(worker, lambda: log_about(session, amy))
    view = open_view(qtbot, worker, session, concern_id, amy)
    dialog = open_review(qtbot, view)
    assert dialog.signed_name.text() == "Jo Bloggs"
    assert dialog.signed_role.text() == "Designated Safeguarding Lead"
    assert dialog.focusWidget() is dialog.decision

    type_here(qtbot, dialog, "Mon")  # keyboard search in the list of decisions
    assert dialog.decision.currentData() is Decision.MONITOR
    press(qtbot, dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "including a decision not to refer" in dialog.panel.form.error_text("reasons")
    assert dialog.focusWidget() is dialog.reasons
    assert dialog.isVisible()
    snap(dialog, "review_dialog_error")
    assert len(on_worker(worker, lambda: concerns.get_concern(session, concern_id)).versions) == 1

    type_here(qtbot, dialog, "Low-level; watch for a pattern over the next month.")
    assert dialog.panel.form.error_text("reasons") == ""
    press(qtbot, dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.actions_editor.add_button
    press(qtbot, dialog, Qt.Key.Key_Space)  # adds a row and puts the cursor in it
    type_here(qtbot, dialog, "Check in with Amy weekly")
    press(qtbot, dialog, Qt.Key.Key_Tab)
    type_here(qtbot, dialog, "Class teacher")
    press(qtbot, dialog, Qt.Key.Key_Tab)
    type_here(qtbot, dialog, "20/11/2026")
    snap(dialog, "review_dialog")
    with qtbot.waitSignal(dialog.saved, timeout=30_000), \
            qtbot.waitSignal(view.changed, timeout=30_000):
        press(qtbot, dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    review = on_worker(worker, lambda: concerns.get_concern(session, concern_id)).current.review
    assert review is not None and review.decision is Decision.MONITOR
    assert review.actions[0].owner == "Class teacher"
    qtbot.waitUntil(lambda: len(view.record.versions) == 2)
    text = view.document.toPlainText()
    assert "Monitor" in text and "watch for a pattern" in text and "Check in with Amy" in text
    assert "Awaiting the DSL's review" not in text
    assert view.review_button.text() == "Change DSL &review…"
    view.document.verticalScrollBar().setValue(view.document.verticalScrollBar().maximum())
    snap(view, "concern_view_reviewed")


def test_changing_a_review_is_prefilled_and_needs_a_reason(qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    concern_id = on_worker(worker, lambda: log_about(session, amy))
    view = open_view(qtbot, worker, session, concern_id, amy)
    dialog = open_review(qtbot, view)
    dialog.decision.setCurrentIndex(dialog.decision.findData(Decision.NO_FURTHER_ACTION))
    dialog.reasons.setPlainText("Explained by a fall at football, seen by staff.")
    with qtbot.waitSignal(dialog.saved, timeout=30_000):
        dialog.panel.action_button.click()
    qtbot.waitUntil(lambda: len(view.record.versions) == 2 and not view.busy.active)

    change = open_review(qtbot, view)
    assert change.decision.currentData() is Decision.NO_FURTHER_ACTION
    assert "fall at football" in change.reasons.toPlainText()
    assert change.reason is not None and change.draft_state() is None
    change.outcome.setPlainText("No further concerns after a month.")
    change.closed_on.setText("30/11/2026")
    change.panel.action_button.click()
    assert change.panel.form.error_text("reason") == "Say why you are changing the review."
    snap(change, "review_dialog_change")
    change.reason.setText("Closing after a month of monitoring")
    with qtbot.waitSignal(change.saved, timeout=30_000):
        change.panel.action_button.click()
    qtbot.waitUntil(lambda: len(view.record.versions) == 3 and not view.busy.active)
    assert "Closing after a month of monitoring" in view.history.item(2).text()
    assert "Closed" in view.document.toPlainText()


def test_review_closing_without_an_outcome_is_refused_inline(qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    concern_id = on_worker(worker, lambda: log_about(session, amy))
    dialog = shown(qtbot, ReviewDialog(worker, session, concern_id))
    qtbot.waitUntil(lambda: dialog.panel.isEnabled())
    dialog.decision.setCurrentIndex(dialog.decision.findData(Decision.EARLY_HELP))
    dialog.reasons.setPlainText("Family agreed to Early Help")
    dialog.closed_on.setText("2/11/2026")
    dialog.panel.action_button.click()
    assert dialog.panel.form.error_text("outcome") == \
        "Record the outcome before closing the concern."
    dialog.closed_on.setText("31/31/2026")
    dialog.panel.action_button.click()
    assert "dd/mm/yyyy" in dialog.panel.form.error_text("closed_on")
    assert dialog.isVisible()


def test_review_draft_round_trip_and_escape_asks_first(qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    concern_id = on_worker(worker, lambda: log_about(session, amy))
    dialog = shown(qtbot, ReviewDialog(worker, session, concern_id))
    qtbot.waitUntil(lambda: dialog.panel.isEnabled())
    assert dialog.draft_state() is None and dialog.draft_ref == concern_id
    dialog.decision.setCurrentIndex(dialog.decision.findData(Decision.REFER_CSC))
    dialog.reasons.setPlainText("Disclosure of harm at home")
    row = dialog.actions_editor.add_row()
    row.description.setText("Call the front door")
    row.owner.setText("DSL")
    state = dialog.draft_state()
    assert state is not None

    form_helpers.set_next_answer(False)  # "keep typing"
    qtbot.keyClick(dialog.reasons, Qt.Key.Key_Escape)
    assert dialog.isVisible()

    on_worker(worker, lambda: drafts.save_drafts(session, [("review", concern_id, state)]))
    again = shown(qtbot, ReviewDialog(worker, session, concern_id))
    qtbot.waitUntil(lambda: again.panel.isEnabled())
    assert again.draft_state() == state  # offered back on opening

    form_helpers.set_next_answer(True)  # "discard"
    with qtbot.waitSignal(again.rejected):
        qtbot.keyClick(again.reasons, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: worker.pending == 0)
    assert on_worker(worker, lambda: drafts.load_draft(session, "review", concern_id)) is None


# -- print and amend buttons -----------------------------------------------------------
def test_save_as_pdf_writes_the_record(qtbot, worker, session, tmp_path: Path) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    concern_id = on_worker(worker, lambda: log_about(session, amy))
    view = open_view(qtbot, worker, session, concern_id, amy)
    target = tmp_path / "out.pdf"
    form_helpers.set_next_save_path(target)
    pdf_output.set_next_pdf_password("")
    view.pdf_button.click()
    qtbot.waitUntil(target.exists, timeout=30_000)
    assert target.read_bytes().startswith(b"%PDF")


def test_amend_opens_the_concern_form_for_this_concern(qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    concern_id = on_worker(worker, lambda: log_about(session, amy))
    view = open_view(qtbot, worker, session, concern_id, amy)
    qtbot.keyClick(view.amend_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.findChild(ConcernFormDialog) is not None)
    assert view.findChild(ConcernFormDialog).isVisible()


def test_add_a_body_map_opens_a_map_linked_to_this_concern(qtbot, worker, session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))
    concern_id = on_worker(worker, lambda: log_about(session, amy))
    view = open_view(qtbot, worker, session, concern_id, amy)
    qtbot.keyClick(view.body_map_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.findChild(BodyMapDialog) is not None)
    dialog = view.findChild(BodyMapDialog)
    assert dialog.isVisible()
    assert dialog.draft_ref == f"new:{amy.id}:{concern_id}"

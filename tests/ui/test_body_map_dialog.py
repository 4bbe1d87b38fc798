"""The body-map dialog, used the way a DSL without a mouse would: arrows and Enter on
the outline, Tab into the mark's details, Ctrl+S; then read back from the store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from sgdesk.models.body_maps import BodyMapContent, BodyView, Mark, MarkType
from sgdesk.models.pupils import Pupil
from sgdesk.services import body_maps
from sgdesk.services.session import Session
from sgdesk.ui.body_map_canvas import MARK_FILL, BodyMapCanvas
from sgdesk.ui.dialogs.body_map_dialog import BodyMapDialog
from sgdesk.ui.form_helpers import set_next_answer
from sgdesk.ui.worker import DbWorker
from tests.helpers import WHEN, add_pupil, log_about
from tests.ui.conftest import on_worker, shot, shown

#: The child's left forearm in the front view: on the viewer's right.
LEFT_FOREARM = (0.79, 0.49)


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
          times: int = 1) -> None:
    """A key press sent where the keyboard focus is, as a real key would be."""
    for _ in range(times):
        target = QApplication.focusWidget()
        assert target is not None
        qtbot.keyClick(target, key, modifier)


def open_dialog(qtbot: QtBot, worker: DbWorker, session: Session, pupil_id: str,
                **kwargs: object) -> BodyMapDialog:
    dialog = shown(qtbot, BodyMapDialog(worker, session, pupil_id, **kwargs))  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: dialog.ready and not dialog.working)
    return dialog


def place_by_keyboard(qtbot: QtBot, dialog: BodyMapDialog) -> tuple[float, float]:
    """From the middle of the outline to the child's left forearm, then Enter."""
    canvas = dialog.canvas
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    press(qtbot, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier, times=5)  # 0.5 -> 0.75
    press(qtbot, Qt.Key.Key_Right, times=4)  # -> 0.79
    press(qtbot, Qt.Key.Key_Up, times=2)  # 0.5 -> 0.49
    shown_at = canvas.crosshair
    press(qtbot, Qt.Key.Key_Return)
    return shown_at


def fill_details_by_keyboard(qtbot: QtBot, dialog: BodyMapDialog) -> None:
    """Tab from the outline into the details: type, width, height."""
    press(qtbot, Qt.Key.Key_Tab)  # past the last mark: on to the site
    form = dialog.mark_form
    assert QApplication.focusWidget() in (form.site, form.site.lineEdit())
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.mark_type
    press(qtbot, Qt.Key.Key_Down)  # the first type: bruise
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "3")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "2,5")


def save(qtbot: QtBot, dialog: BodyMapDialog) -> str:
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    map_id: str = saved.args[0]
    return map_id


@pytest.fixture
def pupil(worker: DbWorker, session: Session) -> Pupil:
    return on_worker(worker, lambda: add_pupil(session, "Amy", "Example"))


@pytest.fixture
def pupil_id(pupil: Pupil) -> str:
    return pupil.id


def test_a_map_is_completed_by_keyboard_only(qtbot: QtBot, worker: DbWorker, session: Session,
                                             pupil_id: str) -> None:
    dialog = open_dialog(qtbot, worker, session, pupil_id)
    shown_at = place_by_keyboard(qtbot, dialog)
    assert shown_at == LEFT_FOREARM
    assert dialog.canvas.site_under_crosshair() == "left forearm, inner"
    fill_details_by_keyboard(qtbot, dialog)
    map_id = save(qtbot, dialog)

    record = on_worker(worker, lambda: body_maps.get_body_map(session, map_id))
    mark = record.current.marks[0]
    assert (mark.view, mark.x, mark.y) == (BodyView.FRONT, *shown_at)
    assert mark.site == "left forearm, inner"  # named from the region map
    assert (mark.mark_type, mark.width_cm, mark.height_cm) == (MarkType.BRUISE, 3.0, 2.5)
    assert record.current.completed_by_name == session.user.display_name
    assert record.current.pupil_id == pupil_id


def test_the_site_follows_the_childs_sides_in_front_and_back(
        qtbot: QtBot, worker: DbWorker, session: Session, pupil_id: str) -> None:
    dialog = open_dialog(qtbot, worker, session, pupil_id)
    dialog.canvas.placed.emit(BodyView.FRONT, 0.79, 0.49)
    assert dialog.mark_form.site.currentText() == "left forearm, inner"
    dialog.canvas.placed.emit(BodyView.FRONT, 0.21, 0.49)
    assert dialog.mark_form.site.currentText() == "right forearm, inner"
    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # the back view
    assert dialog.canvas.view is BodyView.BACK
    dialog.canvas.placed.emit(BodyView.BACK, 0.79, 0.49)
    assert dialog.mark_form.site.currentText() == "right forearm, outer"
    assert [e.site for e in dialog.entries] == [
        "left forearm, inner", "right forearm, inner", "right forearm, outer"]


def test_delete_removes_an_unsaved_mark(qtbot: QtBot, worker: DbWorker, session: Session,
                                        pupil_id: str) -> None:
    dialog = open_dialog(qtbot, worker, session, pupil_id)
    place_by_keyboard(qtbot, dialog)
    press(qtbot, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier, times=4)
    press(qtbot, Qt.Key.Key_Return)
    assert len(dialog.entries) == 2
    assert dialog.canvas.current == 2
    press(qtbot, Qt.Key.Key_Delete)
    assert [(e.x, e.y) for e in dialog.entries] == [LEFT_FOREARM]
    assert dialog.canvas.current == 0
    assert [m.number for m in dialog.canvas.marks] == [1]


def test_tab_walks_the_marks_then_leaves_and_ctrl_tab_leaves_at_once(
        qtbot: QtBot, worker: DbWorker, session: Session, pupil_id: str) -> None:
    dialog = open_dialog(qtbot, worker, session, pupil_id)
    for x in (0.3, 0.5, 0.7):
        dialog.canvas.placed.emit(BodyView.FRONT, x, 0.3)
    dialog.view_choice.setFocus()
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.canvas and dialog.canvas.current == 0
    visited = []
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Tab)
        visited.append(dialog.canvas.current)
    assert visited == [1, 2, 3]
    assert dialog.mark_form.heading.text().startswith("Mark 3")
    press(qtbot, Qt.Key.Key_Tab)  # after the last mark: on to its details
    assert QApplication.focusWidget() in (dialog.mark_form.site, dialog.mark_form.site.lineEdit())
    press(qtbot, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is dialog.canvas and dialog.canvas.current == 3
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is not dialog.canvas


def test_a_mark_keeps_its_place_at_two_window_sizes(
        qtbot: QtBot, worker: DbWorker, session: Session, pupil_id: str) -> None:
    dialog = open_dialog(qtbot, worker, session, pupil_id)
    dialog.resize(900, 700)
    shown_at = place_by_keyboard(qtbot, dialog)
    fill_details_by_keyboard(qtbot, dialog)
    map_id = save(qtbot, dialog)

    reopened = open_dialog(qtbot, worker, session, pupil_id, map_id=map_id)
    canvas = reopened.canvas
    assert [(m.x, m.y) for m in canvas.marks] == [shown_at]
    drawn_at = []
    for size in ((900, 700), (1500, 1050)):
        reopened.resize(*size)
        qtbot.waitUntil(lambda s=size: reopened.width() == s[0])
        QApplication.processEvents()
        centre = canvas.position_of(*shown_at)
        drawn_at.append((round(centre.x()), round(centre.y()), canvas.drawing_rect().width()))
        assert canvas.point_at(centre) == pytest.approx(shown_at, abs=1e-4)
        assert_mark_drawn_at(canvas, shown_at)  # the red of the mark really is there
    assert drawn_at[0] != drawn_at[1]  # two different sizes, the same spot on the body
    shot(reopened, "body_map_dialog_large")


def assert_mark_drawn_at(canvas: BodyMapCanvas, point: tuple[float, float]) -> None:
    """The mark's red is painted at the point (beside its number, which is white)."""
    image = canvas.grab().toImage()
    ratio = image.devicePixelRatio()
    centre = canvas.position_of(*point)
    probe = QColor(image.pixel(round((centre.x() + canvas._radius() * 0.6) * ratio),
                               round(centre.y() * ratio)))
    assert abs(probe.red() - MARK_FILL.red()) < 30 and abs(probe.green() - MARK_FILL.green()) < 30


def test_amending_needs_a_reason_and_keeps_the_saved_version(
        qtbot: QtBot, worker: DbWorker, session: Session, pupil_id: str) -> None:
    mark = Mark(BodyView.FRONT, 0.79, 0.49, "left forearm, inner", MarkType.BRUISE, 3, 2,
                WHEN - timedelta(minutes=5))
    content = BodyMapContent(pupil_id, None, "Ms Teacher", "Class teacher", WHEN, (mark,))
    map_id = on_worker(worker, lambda: body_maps.add_body_map(session, content))

    dialog = open_dialog(qtbot, worker, session, pupil_id, map_id=map_id)
    assert [e.saved for e in dialog.entries] == [True]
    dialog.view_choice.setFocus()
    press(qtbot, Qt.Key.Key_Tab, times=2)  # into the outline, then to mark 1
    assert QApplication.focusWidget() is dialog.canvas and dialog.canvas.current == 1
    press(qtbot, Qt.Key.Key_Delete)  # a saved mark is never deleted in place
    assert len(dialog.entries) == 1
    dialog.mark_form.width_edit.setText("4")
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.error_text("reason") == "Say why the record is being amended."
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.reason, "Measured again with a ruler")
    save(qtbot, dialog)

    record = on_worker(worker, lambda: body_maps.get_body_map(session, map_id))
    assert [v.number for v in record.versions] == [1, 2]
    assert record.versions[0].content == content
    assert record.current.marks[0].width_cm == 4
    assert record.current.marks[0].seen_at == mark.seen_at  # untouched times stay exact
    assert record.versions[1].reason == "Measured again with a ruler"


def test_save_shows_the_unfinished_marks_problem_under_its_field(
        qtbot: QtBot, worker: DbWorker, session: Session, pupil_id: str) -> None:
    dialog = open_dialog(qtbot, worker, session, pupil_id)
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.message_text() == "Place at least one mark on the outline."
    dialog.canvas.placed.emit(BodyView.FRONT, 0.5, 0.3)
    dialog.canvas.placed.emit(BodyView.FRONT, 0.79, 0.49)
    dialog._select(0)
    dialog.mark_form.mark_type.setCurrentIndex(0)
    dialog.mark_form.width_edit.setText("2")
    dialog.mark_form.height_edit.setText("2")
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.mark_form.heading.text().startswith("Mark 2")  # taken to the unfinished one
    assert dialog.error_text("mark_type") == "Choose the type of mark from the list."
    assert dialog.error_text("width_cm").startswith("Give the mark's width")
    assert dialog.message_text().startswith("Mark 2:")
    assert dialog.isVisible()
    shot(dialog, "body_map_dialog_errors")


def test_a_draft_brings_back_the_marks(qtbot: QtBot, worker: DbWorker, session: Session,
                                       pupil: Pupil, pupil_id: str) -> None:
    concern_id = on_worker(worker, lambda: log_about(session, pupil))
    dialog = open_dialog(qtbot, worker, session, pupil_id, concern_id=concern_id)
    assert dialog.draft_state() is None
    dialog.canvas.placed.emit(BodyView.FRONT, 0.79, 0.49)
    dialog.mark_form.child_explanation.setPlainText("I fell off my bike")
    dialog.notes.setPlainText("Seen in the classroom")
    state = dialog.draft_state()
    assert state is not None
    dialog.reject()  # as a lock closes it: nothing asked

    again = open_dialog(qtbot, worker, session, pupil_id, concern_id=concern_id)
    again.restore_draft(state)
    assert again.entries == dialog.entries
    assert again.notes.toPlainText() == "Seen in the classroom"
    assert again.mark_form.child_explanation.toPlainText() == "I fell off my bike"
    again.mark_form.mark_type.setCurrentIndex(0)
    again.mark_form.width_edit.setText("1")
    again.mark_form.height_edit.setText("1")
    map_id = save(qtbot, again)
    record = on_worker(worker, lambda: body_maps.get_body_map(session, map_id))
    assert record.current.concern_id == concern_id
    assert record.current.marks[0].child_explanation == "I fell off my bike"


def test_escape_asks_before_throwing_marks_away(qtbot: QtBot, worker: DbWorker,
                                                session: Session, pupil_id: str) -> None:
    dialog = open_dialog(qtbot, worker, session, pupil_id)
    dialog.canvas.placed.emit(BodyView.FRONT, 0.5, 0.3)
    set_next_answer(False)
    press(qtbot, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    set_next_answer(True)
    press(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_dialog_with_several_marks_looks_right(qtbot: QtBot, worker: DbWorker,
                                                   session: Session, pupil_id: str) -> None:
    dialog = open_dialog(qtbot, worker, session, pupil_id)
    for x, y in ((0.79, 0.49), (0.21, 0.45), (0.5, 0.33), (0.62, 0.8)):
        dialog.canvas.placed.emit(BodyView.FRONT, x, y)
        dialog.mark_form.mark_type.setCurrentIndex(0)
    dialog._select(0)
    dialog.canvas.setFocus()
    assert isinstance(QApplication.focusWidget(), QWidget)
    shot(dialog, "body_map_dialog")

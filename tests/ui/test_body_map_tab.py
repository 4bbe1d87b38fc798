"""The Body maps tab: the pupil's maps, one read-only, and comparing over time."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sgdesk.models.body_maps import BodyMapContent, BodyView, Mark, MarkType
from sgdesk.services import body_maps
from sgdesk.services.session import Session
from sgdesk.ui.body_maps_tab import BodyMapsTab
from sgdesk.ui.dialogs.body_map_dialog import BodyMapDialog
from sgdesk.ui.worker import DbWorker
from tests.helpers import WHEN, add_pupil
from tests.ui.conftest import on_worker, shot, shown

LEFT_FOREARM = (0.79, 0.49)


def add_map(worker: DbWorker, session: Session, pupil_id: str, days_ago: int,
            *points: tuple[float, float], view: BodyView = BodyView.FRONT) -> str:
    at = WHEN - timedelta(days=days_ago)
    marks = tuple(Mark(view, x, y, "left forearm, inner" if (x, y) == LEFT_FOREARM
                       else "chest, left side", MarkType.BRUISE, 2, 1, at) for x, y in points)
    content = BodyMapContent(pupil_id, None, "Ms Teacher", "Class teacher", at, marks)
    return on_worker(worker, lambda: body_maps.add_body_map(session, content))


def open_tab(qtbot: QtBot, worker: DbWorker, session: Session, pupil_id: str) -> BodyMapsTab:
    tab = shown(qtbot, BodyMapsTab(worker, session, pupil_id))
    tab.resize(1100, 760)
    qtbot.waitUntil(lambda: not tab.busy.active)
    return tab


def compare(qtbot: QtBot, tab: BodyMapsTab) -> None:
    tab.pages.setCurrentIndex(1)
    qtbot.waitUntil(lambda: worker_idle(tab) and tab.compare.summary.text() != "")


def worker_idle(tab: BodyMapsTab) -> bool:
    return tab._worker.pending == 0


def test_the_overlay_shows_only_this_pupils_earlier_maps(qtbot: QtBot, worker: DbWorker,
                                                          session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example")).id
    ben = on_worker(worker, lambda: add_pupil(session, "Ben", "Other")).id
    for days_ago in (90, 60, 30):
        add_map(worker, session, amy, days_ago, LEFT_FOREARM)
    add_map(worker, session, amy, 0, LEFT_FOREARM, (0.6, 0.33))
    add_map(worker, session, ben, 45, (0.2, 0.2))
    add_map(worker, session, ben, 40, (0.25, 0.8))

    tab = open_tab(qtbot, worker, session, amy)
    assert tab.list.rowCount() == 4
    compare(qtbot, tab)
    canvas = tab.compare.canvas
    assert [(m.x, m.y) for m in canvas.marks] == [LEFT_FOREARM, (0.6, 0.33)]  # the newest
    assert sorted({(m.x, m.y) for m in canvas._earlier}) == [LEFT_FOREARM]  # Amy's earlier
    assert len(canvas._earlier) == 3
    assert tab.compare.by_site.item(0, 0).text() == "left forearm, inner"
    assert tab.compare.by_site.item(0, 1).text() == "4"  # the repeated site heads the table
    shot(tab, "body_maps_tab_compare")

    other = open_tab(qtbot, worker, session, ben)
    compare(qtbot, other)
    assert [(m.x, m.y) for m in other.compare.canvas.marks] == [(0.25, 0.8)]
    assert [(m.x, m.y) for m in other.compare.canvas._earlier] == [(0.2, 0.2)]


def test_the_date_range_limits_the_overlay(qtbot: QtBot, worker: DbWorker,
                                           session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example")).id
    for days_ago in (90, 60, 30, 0):
        add_map(worker, session, amy, days_ago, LEFT_FOREARM)
    tab = open_tab(qtbot, worker, session, amy)
    compare(qtbot, tab)
    assert len(tab.compare.canvas._earlier) == 3
    start = (WHEN - timedelta(days=45)).astimezone().date()
    tab.compare.start.set_day(start)
    tab.compare.end.set_day(date(2099, 1, 1))
    tab.compare.show_button.click()
    qtbot.waitUntil(lambda: worker_idle(tab) and len(tab.compare.canvas._earlier) == 1)
    assert tab.compare.by_site.item(0, 1).text() == "2"
    tab.compare.end.setText("01/01/2000")
    tab.compare.show_button.click()
    assert tab.compare.error.text() == "The 'to' date is before the 'from' date."


def test_a_map_opens_read_only_with_its_history_and_can_be_amended(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    amy = on_worker(worker, lambda: add_pupil(session, "Amy", "Example")).id
    add_map(worker, session, amy, 3, LEFT_FOREARM, (0.6, 0.33))
    tab = open_tab(qtbot, worker, session, amy)
    viewer = tab.viewer
    assert viewer.history.count() == 1
    assert [(m.number, m.x, m.y) for m in viewer.canvas.marks] == [(1, *LEFT_FOREARM),
                                                                   (2, 0.6, 0.33)]
    assert "left forearm, inner" in viewer.details.toPlainText()
    viewer.marks.selectRow(1)
    assert viewer.canvas.current == 2
    assert "chest, left side" in viewer.details.toPlainText()
    shot(tab, "body_maps_tab_map")

    changed: list[bool] = []
    tab.changed.connect(lambda: changed.append(True))
    viewer.amend_button.click()
    dialog = tab.findChild(BodyMapDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.ready and not dialog.working)
    dialog.mark_form.width_edit.setText("5")
    dialog.reason.setText("Measured again")
    with qtbot.waitSignal(tab.changed):
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: worker_idle(tab) and tab.viewer.history.count() == 2)
    assert changed == [True]
    assert "Measured again" in viewer.history.item(1).text()

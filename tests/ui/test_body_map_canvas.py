"""The outline widget on its own: where marks land, the keyboard, the overlay.
(Its paint time is a benchmark figure: bench/body_map_figures.py.)"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from sgdesk.models.body_maps import BodyView
from sgdesk.ui.body_map_canvas import EARLIER_TEXT, BodyMapCanvas, CanvasMark, EarlierMark
from tests.ui.conftest import shot, shown


def canvas_at(qtbot: QtBot, width: int, height: int,
              view: BodyView = BodyView.FRONT) -> BodyMapCanvas:
    canvas = shown(qtbot, BodyMapCanvas(view))
    canvas.resize(width, height)
    qtbot.waitUntil(lambda: canvas.width() == width)
    return canvas


def test_a_click_gives_the_same_point_at_any_size(qtbot: QtBot) -> None:
    canvas = canvas_at(qtbot, 300, 500)
    with qtbot.waitSignal(canvas.placed) as placed:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton,
                         pos=canvas.position_of(0.79, 0.49).toPoint())
    view, x, y = placed.args
    assert view is BodyView.FRONT
    assert (x, y) == (canvas.crosshair[0], canvas.crosshair[1])
    assert abs(x - 0.79) < 0.01 and abs(y - 0.49) < 0.01
    canvas.resize(700, 900)
    qtbot.waitUntil(lambda: canvas.width() == 700)
    assert canvas.point_at(canvas.position_of(x, y)) == (x, y)


def test_the_drawing_keeps_its_proportions_centred(qtbot: QtBot) -> None:
    canvas = canvas_at(qtbot, 800, 700)  # wider than the body: space either side
    rect = canvas.drawing_rect()
    assert rect.height() == 2 * rect.width()
    assert abs((rect.left() - 0) - (canvas.width() - rect.right())) < 1.5
    head = canvas_at(qtbot, 500, 800, BodyView.HEAD_FRONT)
    assert head.drawing_rect().width() == head.drawing_rect().height()


def test_a_click_off_the_drawing_places_nothing(qtbot: QtBot) -> None:
    canvas = canvas_at(qtbot, 800, 600)
    placed: list[object] = []
    canvas.placed.connect(lambda *args: placed.append(args))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPointF(5, 300).toPoint())
    assert placed == []


def test_arrows_move_the_crosshair_in_even_steps_and_enter_places(qtbot: QtBot) -> None:
    canvas = canvas_at(qtbot, 300, 500)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    qtbot.keyClick(canvas, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert canvas.crosshair == (0.49, 0.525)  # 4 units across, 20 down of 400 x 800
    for _ in range(200):
        qtbot.keyClick(canvas, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
    assert canvas.crosshair == (0.49, 0.0)  # held at the edge of the drawing
    with qtbot.waitSignal(canvas.placed) as placed:
        qtbot.keyClick(canvas, Qt.Key.Key_Enter)
    assert placed.args[1:] == [0.49, 0.0]


def test_delete_asks_to_remove_only_an_unsaved_current_mark(qtbot: QtBot) -> None:
    canvas = canvas_at(qtbot, 300, 500)
    canvas.set_marks([CanvasMark(1, 0.3, 0.3, removable=False), CanvasMark(2, 0.6, 0.6)])
    asked: list[int] = []
    canvas.remove_requested.connect(asked.append)
    canvas.setFocus()
    canvas.set_current(1)
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    canvas.set_current(2)
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert asked == [2]


def test_the_overlay_is_drawn_faded_with_its_dates(qtbot: QtBot) -> None:
    canvas = canvas_at(qtbot, 420, 760)
    canvas.set_marks([CanvasMark(1, 0.79, 0.49)])
    before = canvas.grab().toImage()
    canvas.set_earlier([EarlierMark(0.79, 0.49, "3 Mar 2026"), EarlierMark(0.785, 0.495,
                                                                              "12 Apr 2026")])
    after = canvas.grab().toImage()
    assert before != after
    # the date labels sit to the right of the mark, in the faded text colour
    ratio = after.devicePixelRatio()
    centre = canvas.position_of(0.79, 0.49)
    row = round(centre.y() * ratio)
    start = round((centre.x() + canvas._radius() + 3) * ratio)
    greys = [QColor(after.pixel(x, y)) for x in range(start, start + round(40 * ratio))
             for y in range(row - 6, row + 6)]
    assert any(abs(c.red() - EARLIER_TEXT.red()) < 60 and c.red() < 200 for c in greys)
    canvas.setFocus()
    shot(canvas, "body_map_canvas_overlay")

"""One body-map outline on screen, with its numbered marks, placed by mouse or keyboard.

The outline is drawn from its SVG with :class:`QSvgRenderer`, so it stays crisp at
any size; it keeps its proportions and sits centred under a caption that says how
the outline faces the reader ("Facing you: the child's right is on your left").

Positions are always the model's: ``x`` and ``y`` in 0..1 of the view's drawing,
from the viewer's left and from the top. The widget's size only decides where a
point is painted, never what is stored, so a mark placed in a small window lands
on the same spot of the body in a large one.

Keyboard (a DSL must be able to complete a map without a mouse): the arrow keys
move a cross-hair (Shift+arrow in bigger steps) and the caption names the body
site under it; Enter places a mark there. Tab and Shift+Tab step through the marks
(the current one is ringed); Tab after the last mark moves on to the next field as
usual, and Ctrl+Tab moves on at once. Tab cannot be taken over entirely: a canvas
that swallowed it would trap a keyboard user. Delete removes the current mark if
it has not been saved yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QWidget

from sgdesk.models.body_maps import BodyView, Region, site_at
from sgdesk.services.resources import body_map_regions, body_map_svg

#: Cross-hair steps in drawing units (the whole body is 400 wide): about 1 cm and 5 cm
#: on a child, the same on screen across and down whatever the view's proportions.
SMALL_STEP = 4.0
BIG_STEP = 20.0
#: Positions are kept to four decimals: finer than any mouse, and they read back equal.
PLACES = 4

MARK_FILL = QColor("#b3261e")
CURRENT_RING = QColor("#0b5cad")
CROSSHAIR = QColor("#0b5cad")
EARLIER_FILL = QColor(90, 70, 140, 70)
EARLIER_LINE = QColor(90, 70, 140, 170)
EARLIER_TEXT = QColor("#4d4d4d")
CAPTION_TEXT = QColor("#1f1f1f")
SIDE_TEXT = QColor("#6b6b6b")
MARGIN = 8.0

KEY_HELP = ("Arrow keys move the cross-hair, Shift with an arrow in bigger steps; Enter "
            "places a mark there. Tab and Shift+Tab step through the marks; Tab after the "
            "last mark, or Ctrl+Tab at any time, moves on to the next field. Delete removes "
            "the current mark if it is not saved yet.")
READ_ONLY_HELP = ("Tab and Shift+Tab step through the marks; Tab after the last mark, or "
                  "Ctrl+Tab at any time, moves on.")

#: Which side of the drawing is which, as small words beside the outline.
_SIDE_WORDS = {
    BodyView.FRONT: ("Child's right", "Child's left"),
    BodyView.HEAD_FRONT: ("Child's right", "Child's left"),
    BodyView.BACK: ("Child's left", "Child's right"),
    BodyView.HEAD_BACK: ("Child's left", "Child's right"),
    BodyView.LEFT_SIDE: ("Front", "Back"),
    BodyView.RIGHT_SIDE: ("Back", "Front"),
}


@dataclass(frozen=True)
class CanvasMark:
    """A mark of the map being shown: its number on the whole map and where it is."""

    number: int
    x: float
    y: float
    removable: bool = True


@dataclass(frozen=True)
class EarlierMark:
    """A mark from an earlier map, drawn faded with the day it was seen."""

    x: float
    y: float
    label: str


def clamp(value: float) -> float:
    return round(min(1.0, max(0.0, value)), PLACES)


class BodyMapCanvas(QWidget):
    """Draws one view with its marks; reports where a person wants a mark.

    The canvas does not own the marks: the form that uses it keeps the list, draws
    it here with :meth:`set_marks`, and answers :attr:`placed` and
    :attr:`remove_requested` by changing that list.
    """

    placed = Signal(object, float, float)  # view, x, y
    current_changed = Signal(int)  # number of the ringed mark, 0 for none
    remove_requested = Signal(int)  # number of the current (unsaved) mark

    def __init__(self, view: BodyView = BodyView.FRONT, *,
                 regions: Sequence[Region] | None = None, interactive: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._regions = tuple(body_map_regions() if regions is None else regions)
        self._interactive = interactive
        self._marks: tuple[CanvasMark, ...] = ()
        self._earlier: tuple[EarlierMark, ...] = ()
        self._current = 0
        self._cross = (0.5, 0.5)
        self._outline_cache: tuple[tuple[int, int, float], QPixmap] | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(220, 300)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.set_view(view)

    # -- what is shown ---------------------------------------------------------------
    @property
    def view(self) -> BodyView:
        return self._view

    def set_view(self, view: BodyView) -> None:
        self._view = view
        self._renderer = QSvgRenderer(QByteArray(body_map_svg(view)))
        self._renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self._outline_cache = None
        self._cross = (0.5, 0.5)
        self.setAccessibleName(f"Body map, {view.label}")
        self.setAccessibleDescription(
            f"{view.viewer_note} {KEY_HELP if self._interactive else READ_ONLY_HELP}")
        self.update()

    @property
    def marks(self) -> tuple[CanvasMark, ...]:
        return self._marks

    def set_marks(self, marks: Sequence[CanvasMark]) -> None:
        """The marks on this view; the current mark stays current if it is still there."""
        self._marks = tuple(marks)
        if self._current and not self._mark(self._current):
            self._set_current(0)
        self.update()

    def set_earlier(self, marks: Sequence[EarlierMark]) -> None:
        """Earlier maps' marks on this view, drawn faded under the map's own."""
        self._earlier = tuple(marks)
        self.update()

    @property
    def current(self) -> int:
        return self._current

    def set_current(self, number: int) -> None:
        """Ring mark ``number`` (0 for none); a number not on this view rings none."""
        self._set_current(number if self._mark(number) else 0)

    @property
    def crosshair(self) -> tuple[float, float]:
        return self._cross

    def set_crosshair(self, x: float, y: float) -> None:
        self._cross = (clamp(x), clamp(y))
        self.update()

    def site_under_crosshair(self) -> str | None:
        return site_at(self._regions, self._view, *self._cross)

    # -- geometry ---------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(360, 640)

    def caption_text(self) -> str:
        return f"{self._view.label}. {self._view.viewer_note}"

    def _caption_height(self, width: float) -> float:
        metrics = QFontMetricsF(self._caption_font())
        text_height = metrics.boundingRect(QRectF(0, 0, width, 1000),
                                           int(Qt.TextFlag.TextWordWrap),
                                           self.caption_text()).height()
        return text_height + metrics.height() * 2.4  # the cross-hair line and the side words

    def drawing_rect(self) -> QRectF:
        """Where the outline is painted: its proportions kept, centred in the space left."""
        width = self.width() - 2 * MARGIN
        top = MARGIN + self._caption_height(width)
        height = max(1.0, self.height() - top - MARGIN)
        view_w, view_h = self._view.size
        scale = min(width / view_w, height / view_h)
        w, h = view_w * scale, view_h * scale
        return QRectF(MARGIN + (width - w) / 2, top + (height - h) / 2, w, h)

    def position_of(self, x: float, y: float) -> QPointF:
        """Where a normalised point is painted in this widget now."""
        rect = self.drawing_rect()
        return QPointF(rect.left() + x * rect.width(), rect.top() + y * rect.height())

    def point_at(self, where: QPointF) -> tuple[float, float] | None:
        """The normalised point under a widget position, or None off the drawing."""
        rect = self.drawing_rect()
        if not rect.contains(where):
            return None
        return (clamp((where.x() - rect.left()) / rect.width()),
                clamp((where.y() - rect.top()) / rect.height()))

    def _radius(self) -> float:
        metrics = QFontMetricsF(self._number_font())
        return max(metrics.horizontalAdvance("88") / 2 + 4, metrics.height() / 2 + 2)

    def _mark(self, number: int) -> CanvasMark | None:
        return next((m for m in self._marks if m.number == number), None)

    def _mark_near(self, where: QPointF) -> CanvasMark | None:
        radius = self._radius()
        for mark in reversed(self._marks):  # the one painted on top first
            centre = self.position_of(mark.x, mark.y)
            if (centre - where).manhattanLength() <= radius * 1.4:
                return mark
        return None

    # -- keyboard and mouse -------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        """Tab steps through the marks before leaving; Ctrl+Tab leaves at once."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, mods = event.key(), event.modifiers()
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                backwards = key == Qt.Key.Key_Backtab or bool(
                    mods & Qt.KeyboardModifier.ShiftModifier)
                if not mods & Qt.KeyboardModifier.ControlModifier and self._step_marks(
                        backwards):
                    return True
                self.focusNextPrevChild(not backwards)  # the current mark stays current
                return True
        return super().event(event)

    def _step_marks(self, backwards: bool) -> bool:
        """Ring the next (or previous) mark; False when there is none left that way."""
        numbers = [m.number for m in self._marks]
        if not numbers:
            return False
        if self._current not in numbers:
            if backwards:
                return False
            self._set_current(numbers[0])
            return True
        index = numbers.index(self._current) + (-1 if backwards else 1)
        if index < 0:
            self._set_current(0)
            return True
        if index >= len(numbers):
            return False
        self._set_current(numbers[index])
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0),
                 Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        if self._interactive and key in steps:
            step = BIG_STEP if event.modifiers() & Qt.KeyboardModifier.ShiftModifier \
                else SMALL_STEP
            view_w, view_h = self._view.size
            dx, dy = steps[key]
            self.set_crosshair(self._cross[0] + dx * step / view_w,
                               self._cross[1] + dy * step / view_h)
        elif self._interactive and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.placed.emit(self._view, *self._cross)
        elif self._interactive and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            mark = self._mark(self._current)
            if mark is not None and mark.removable:
                self.remove_requested.emit(mark.number)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        where = event.position()
        near = self._mark_near(where)
        if near is not None:
            self._set_current(near.number)
            return
        point = self.point_at(where)
        if point is not None and self._interactive:
            self.set_crosshair(*point)
            self.placed.emit(self._view, *point)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Coming in by Tab starts before the first mark; by Shift+Tab, at the last."""
        if event.reason() == Qt.FocusReason.TabFocusReason:
            self._set_current(0)
        elif event.reason() == Qt.FocusReason.BacktabFocusReason and self._marks:
            self._set_current(self._marks[-1].number)
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def _set_current(self, number: int) -> None:
        if number != self._current:
            self._current = number
            self.current_changed.emit(number)
            self.update()

    # -- painting -----------------------------------------------------------------------
    def _caption_font(self) -> QFont:
        return QFont(self.font())

    def _number_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        return font

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        rect = self.drawing_rect()
        self._paint_caption(painter, rect)
        painter.drawPixmap(rect.topLeft(), self._outline(rect))
        if self._interactive and self.hasFocus():  # under the marks, so their dates read
            self._paint_crosshair(painter, rect)
        self._paint_earlier(painter)
        self._paint_marks(painter)
        if self.hasFocus():
            painter.setPen(QPen(CROSSHAIR, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        painter.end()

    def _outline(self, rect: QRectF) -> QPixmap:
        """The outline at this size, drawn once per size (a resize redraws it)."""
        ratio = self.devicePixelRatioF()
        key = (round(rect.width()), round(rect.height()), ratio)
        if self._outline_cache is None or self._outline_cache[0] != key:
            pixmap = QPixmap(round(key[0] * ratio), round(key[1] * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            outline = QPainter(pixmap)
            outline.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._renderer.render(outline, QRectF(0, 0, key[0], key[1]))
            outline.end()
            self._outline_cache = (key, pixmap)
        return self._outline_cache[1]

    def _paint_caption(self, painter: QPainter, rect: QRectF) -> None:
        width = self.width() - 2 * MARGIN
        painter.setFont(self._caption_font())
        painter.setPen(CAPTION_TEXT)
        metrics = QFontMetricsF(painter.font())
        caption = metrics.boundingRect(QRectF(MARGIN, MARGIN, width, 1000),
                                       int(Qt.TextFlag.TextWordWrap), self.caption_text())
        painter.drawText(QRectF(MARGIN, MARGIN, width, caption.height()),
                         int(Qt.TextFlag.TextWordWrap), self.caption_text())
        line_top = MARGIN + caption.height()
        painter.setFont(self._small_font())
        if self._interactive and self.hasFocus():
            site = self.site_under_crosshair() or "off the body"
            painter.setPen(CROSSHAIR)
            painter.drawText(QRectF(MARGIN, line_top, width, metrics.height()),
                             int(Qt.AlignmentFlag.AlignLeft), f"Cross-hair: {site}")
        left, right = _SIDE_WORDS[self._view]
        painter.setPen(SIDE_TEXT)
        side_top = rect.top() - metrics.height() * 1.2
        painter.drawText(QRectF(rect.left(), side_top, rect.width(), metrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft), left)
        painter.drawText(QRectF(rect.left(), side_top, rect.width(), metrics.height()),
                         int(Qt.AlignmentFlag.AlignRight), right)

    def _paint_earlier(self, painter: QPainter) -> None:
        """Faded hollow circles, each with its day; labels that would overlap step down."""
        if not self._earlier:
            return
        radius = self._radius() * 0.75
        painter.setFont(self._small_font())
        metrics = QFontMetricsF(painter.font())
        taken: list[QRectF] = []
        for mark in self._earlier:
            centre = self.position_of(mark.x, mark.y)
            painter.setPen(QPen(EARLIER_LINE, 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(EARLIER_FILL)
            painter.drawEllipse(centre, radius, radius)
            label = QRectF(centre.x() + self._radius() + 3, centre.y() - metrics.height() / 2,
                           metrics.horizontalAdvance(mark.label) + 2, metrics.height())
            while any(label.intersects(other) for other in taken):
                label.translate(0, metrics.height())
            taken.append(label)
            painter.setPen(EARLIER_TEXT)
            painter.drawText(label, int(Qt.AlignmentFlag.AlignLeft), mark.label)

    def _paint_marks(self, painter: QPainter) -> None:
        radius = self._radius()
        painter.setFont(self._number_font())
        for mark in self._marks:
            centre = self.position_of(mark.x, mark.y)
            if mark.number == self._current:
                painter.setPen(QPen(CURRENT_RING, 3))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(centre, radius + 4, radius + 4)
            painter.setPen(QPen(QColor("white"), 1.5))
            painter.setBrush(MARK_FILL)
            painter.drawEllipse(centre, radius, radius)
            painter.drawText(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius,
                                    2 * radius), int(Qt.AlignmentFlag.AlignCenter),
                             str(mark.number))

    def _paint_crosshair(self, painter: QPainter, rect: QRectF) -> None:
        centre = self.position_of(*self._cross)
        painter.setPen(QPen(CROSSHAIR, 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(rect.left(), centre.y()), QPointF(rect.right(), centre.y()))
        painter.drawLine(QPointF(centre.x(), rect.top()), QPointF(centre.x(), rect.bottom()))
        painter.setPen(QPen(CROSSHAIR, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, 6, 6)

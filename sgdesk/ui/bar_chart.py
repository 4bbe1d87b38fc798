"""A plain bar chart painted with QPainter (QtCharts is not shipped with sgdesk).

It draws one :class:`~sgdesk.models.reports.Chart`: a bar per label with its figure
written beside it; a figure that is not shown (``<5``, withheld) has no bar, only
its text. The chart is a picture for sighted readers: its accessible name is the
chart's title and its description lists every figure, and the screens that use it
put a table of the same figures next to it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from sgdesk.models.reports import Chart

BAR_COLOUR = QColor("#3f5f7f")  # 6.6:1 against white: a bar reads on any light theme
_GAP = 6.0
_ROW_HEIGHT = 22
_PLOT_HEIGHT = 170


def chart_description(chart: Chart) -> str:
    """Every figure in words, for a screen reader: "Sep 2025: 171; Oct 2025: <5"."""
    return "; ".join(f"{label}: {text}" for label, text in zip(chart.labels, chart.texts,
                                                                strict=True))


class BarChart(QWidget):
    """One chart; :meth:`set_chart` replaces it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chart: Chart | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the table beside it carries the figures

    @property
    def chart(self) -> Chart | None:
        return self._chart

    def set_chart(self, chart: Chart | None) -> None:
        self._chart = chart
        self.setAccessibleName(chart.title if chart else "")
        self.setAccessibleDescription(chart_description(chart) if chart else "")
        self.updateGeometry()
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        if self._chart is None:
            return QSize(320, line)
        if self._chart.horizontal:
            return QSize(420, len(self._chart.labels) * max(_ROW_HEIGHT, line + 6) + line + 8)
        return QSize(420, _PLOT_HEIGHT + 3 * line + 12)  # the figure, two lines of label

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._chart is None or not self._chart.labels:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        if self._chart.horizontal:
            self._paint_rows(painter, self._chart)
        else:
            self._paint_columns(painter, self._chart)
        painter.end()

    def _largest(self, chart: Chart) -> float:
        return max([v for v in chart.values if v is not None] + [1.0])

    def _paint_rows(self, painter: QPainter, chart: Chart) -> None:
        """Labels on the left, bars running right, the figure after each bar."""
        metrics = QFontMetricsF(self.font())
        row = max(float(_ROW_HEIGHT), metrics.height() + 6)
        label_room = min(max(metrics.horizontalAdvance(label) for label in chart.labels) + 10,
                         self.width() * 0.45)
        text_room = max(metrics.horizontalAdvance(text) for text in chart.texts) + 10
        left = label_room
        room = max(self.width() - left - text_room, 10.0)
        largest = self._largest(chart)
        painter.drawLine(QPointF(left, 0), QPointF(left, row * len(chart.labels)))
        for index, (label, value, text) in enumerate(zip(chart.labels, chart.values,
                                                         chart.texts, strict=True)):
            top = index * row
            label_box = QRectF(0, top, label_room - 6, row)
            painter.drawText(label_box, Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(label, Qt.TextElideMode.ElideRight,
                                                label_box.width()))
            length = 0.0 if value is None else room * value / largest
            if length > 0:
                painter.fillRect(QRectF(left, top + 3, length, row - 6), BAR_COLOUR)
            painter.drawText(QRectF(left + length + 4, top, text_room, row),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_columns(self, painter: QPainter, chart: Chart) -> None:
        """Bars standing on a baseline, the figure above each and its label below (on
        two lines where one is too narrow, "Sep" over "2025")."""
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        base = self.height() - 2 * line - 6
        top = line + 4
        count = len(chart.labels)
        slot = self.width() / count
        width = max(min(slot - _GAP, 80.0), 2.0)
        largest = self._largest(chart)
        painter.drawLine(QPointF(0, base), QPointF(self.width(), base))
        for index, (label, value, text) in enumerate(zip(chart.labels, chart.values,
                                                         chart.texts, strict=True)):
            centre = slot * index + slot / 2
            height = 0.0 if value is None else (base - top) * value / largest
            if height > 0:
                painter.fillRect(QRectF(centre - width / 2, base - height, width, height),
                                 BAR_COLOUR)
            painter.drawText(QRectF(centre - slot / 2, base - height - line - 2, slot, line),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, text)
            painter.drawText(QRectF(centre - slot / 2 + 1, base + 3, slot - 2, 2 * line),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                             | Qt.TextFlag.TextWordWrap, label)

"""The oversight report on paper: the period, what a governors' copy hides and how,
then each part of the report as a bar chart (ReportLab's own) with the table of the
same figures beneath it, so the page reads without the chart and prints in grey.

The figures come already built (:func:`sgdesk.services.reports.oversight_report`),
so the page shows exactly what the screen showed; a hidden number is not in the
report at all, only its ``<5`` or ``withheld``.
"""

from __future__ import annotations

import math

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer

from sgdesk.models.reports import (
    GOVERNORS_NOTE,
    REPORT_TITLE,
    WITHHELD_NOTE,
    Chart,
    OversightReport,
    ReportSection,
    period_text,
    report_sections,
)
from sgdesk.services.pdf.layout import (
    MARGIN,
    SANS,
    STYLES,
    boxed,
    data_table,
    heading,
    key_value_table,
    para,
    render_pdf,
)
from sgdesk.services.pdf.record_parts import LABEL_WIDTH, record_frame
from sgdesk.services.session import Session

REPORT_KIND = "sgdesk oversight report"
GOVERNORS_TITLE = f"{REPORT_TITLE} for governors"
#: The width of the text on a portrait A4 page (ReportLab pads the frame by 6 pt a side).
TEXT_WIDTH = A4[0] - 2 * MARGIN - 12
_BAR = colors.HexColor("#3f5f7f")  # dark enough to print as a clear grey
_LABEL_SIZE = 7.5
_BAR_ROOM = 13  # points per bar in a horizontal chart
_MANY_BARS = 12  # beyond this, a vertical chart's labels are turned on end
_ROWS_KEPT_WITH_CHART = 14  # a table this short is never parted from its chart


def oversight_report_pdf(session: Session, report: OversightReport) -> bytes:
    """The report as a PDF. Runs on the worker."""
    story: list[Flowable] = [key_value_table([
        ("School", session.school_name or "Not recorded"),
        ("Period", period_text(report)),
        ("Prepared for", "Governors" if report.for_governors
         else "The DSL (every number shown)"),
    ], LABEL_WIDTH)]
    if report.for_governors:
        story.append(boxed([para(GOVERNORS_NOTE, STYLES.body), para(WITHHELD_NOTE, STYLES.body)]))
    for section in report_sections(report):
        story += _section(section)
    title = GOVERNORS_TITLE if report.for_governors else REPORT_TITLE
    return render_pdf(record_frame(session, title, REPORT_KIND), story)


def _section(section: ReportSection) -> list[Flowable]:
    """Heading, note, chart and figures on one page, unless the table is long enough
    to run on (then the heading, note and chart still stay together)."""
    opening: list[Flowable] = [*heading(section.title), para(section.note, STYLES.body)]
    if section.chart is not None:
        opening += [bar_chart_drawing(section.chart, TEXT_WIDTH), Spacer(1, 3 * mm)]
    figures = len(section.header) - 1
    if figures == 1:
        widths: tuple[float, ...] = (95 * mm, 35 * mm)
    else:
        widths = (58 * mm, *[(TEXT_WIDTH - 58 * mm) / figures] * figures)
    rest: list[Flowable] = []
    if section.figures:
        rest.append(key_value_table(section.figures, 60 * mm))
    rest.append(data_table(section.header, section.rows, widths))
    if len(section.rows) <= _ROWS_KEPT_WITH_CHART:
        return [KeepTogether([*opening, *rest])]
    return [KeepTogether(opening), *rest]


def bar_chart_drawing(chart: Chart, width: float) -> Drawing:
    """A bar chart of ``chart`` with each bar's figure written on it; a hidden figure
    has no bar, only its ``<5`` or ``withheld``."""
    values = [0.0 if v is None else v for v in chart.values]
    longest = max((stringWidth(label, SANS, _LABEL_SIZE) for label in chart.labels), default=0)
    if chart.horizontal:
        label_room = min(longest + 8, width * 0.45)
        height = len(values) * _BAR_ROOM + 30
        drawing = Drawing(width, height)
        bars: HorizontalBarChart | VerticalBarChart = HorizontalBarChart()
        bars.x, bars.y = label_room, 20
        bars.width, bars.height = width - label_room - 40, height - 28
        bars.categoryAxis.labels.boxAnchor = "e"
        bars.categoryAxis.labels.dx = -4
        bars.categoryAxis.reverseDirection = True  # first row at the top, as in the table
        bars.barLabels.boxAnchor = "w"
        bars.barLabels.dx = 3
    else:
        on_end = len(values) > _MANY_BARS
        label_room = longest + 10 if on_end else 24
        height = 120 + label_room
        drawing = Drawing(width, height)
        bars = VerticalBarChart()
        bars.x, bars.y = 30, label_room
        bars.width, bars.height = width - 40, height - label_room - 10
        if on_end:
            bars.categoryAxis.labels.angle = 90
            bars.categoryAxis.labels.boxAnchor = "e"
        else:
            bars.categoryAxis.labels.boxAnchor = "n"
        bars.barLabels.boxAnchor = "s"
        bars.barLabels.dy = 2
    bars.data = [values]
    bars.categoryAxis.categoryNames = list(chart.labels)
    bars.categoryAxis.labels.fontName = SANS
    bars.categoryAxis.labels.fontSize = _LABEL_SIZE
    step = _axis_step(max(values, default=0.0))
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueStep = step
    bars.valueAxis.valueMax = step * math.ceil(max([*values, step]) * 1.12 / step)
    bars.valueAxis.labels.fontName = SANS
    bars.valueAxis.labels.fontSize = _LABEL_SIZE
    bars.valueAxis.labelTextFormat = _axis_number
    bars.bars[0].fillColor = _BAR
    bars.bars[0].strokeColor = None
    bars.barLabelFormat = "values"
    bars.barLabelArray = [list(chart.texts)]
    bars.barLabels.fontName = SANS
    bars.barLabels.fontSize = _LABEL_SIZE
    drawing.add(bars)
    return drawing


def _axis_step(largest: float) -> float:
    """A round step (1, 2 or 5 times a power of ten, at least 1) giving about five ticks."""
    step = 1.0
    while largest / step > 5:
        for factor in (2, 2.5, 2):  # 1 -> 2 -> 5 -> 10
            step *= factor
            if largest / step <= 5:
                break
    return step


def _axis_number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"

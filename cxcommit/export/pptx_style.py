"""What every native chart of the deck shares: colours as PowerPoint takes them, values as a chart
holds them (None where a cell is hidden or missing), the value axis and data labels as a share, a gap in
percentage points or a mean, bars' names with ``(n<5)`` for a hidden group, and one point's written label."""
from __future__ import annotations

import pandas as pd
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.util import Pt

from cxcommit.charts.theme import suppressed_label
from cxcommit.text import without_controls

INK = "222222"
SHARE, POINTS, MEAN = "0%", '0" pts"', "0.0"  # number formats: a share, a gap in percentage points, a mean


def rgb(colour: str) -> RGBColor:
    """The library's own colours (``#RRGGBB``, ``RRGGBB`` or plotly's ``rgb(r, g, b)``)."""
    colour = colour.strip()
    if colour.startswith("rgb"):
        return RGBColor(*(int(float(v)) for v in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]))
    return RGBColor.from_string(colour.lstrip("#").upper())


def numbers(values) -> list:
    """Chart values: floats, None where there is no value (a suppressed or missing cell)."""
    return [None if pd.isna(v) else float(v) for v in values]


def style_chart(chart, *, legend: bool, number_format: str, maximum: float | None = None) -> None:
    """The value axis in ``number_format`` (:data:`SHARE`, :data:`POINTS` or :data:`MEAN`) from 0."""
    chart.has_title = False  # the slide's title says it
    chart.font.size = Pt(14)
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(14)
    axis = chart.value_axis
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = rgb("#e6e6e6")
    axis.tick_labels.font.size = Pt(13)
    axis.tick_labels.number_format = number_format
    axis.tick_labels.number_format_is_linked = False
    axis.minimum_scale = 0
    if maximum is not None:
        axis.maximum_scale = maximum
    chart.category_axis.tick_labels.font.size = Pt(13)
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW


def labels(plot, number_format: str) -> None:
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = number_format
    labels.number_format_is_linked = False
    labels.font.size = Pt(13)
    labels.position = XL_LABEL_POSITION.OUTSIDE_END


def colour_series(chart, colours: list[str]) -> None:
    for series, colour in zip(chart.plots[0].series, colours):
        fill = series.format.fill
        fill.solid()
        fill.fore_color.rgb = rgb(colour)
        series.format.line.color.rgb = rgb(colour)


def categories(table: pd.DataFrame, minimum: int, column: str = "group") -> list[str]:
    """The bars' names from ``column``; a hidden row's with ``(n<5)`` after it."""
    return [without_controls(f"{r[column]} ({suppressed_label(minimum)})" if r["suppressed"] else str(r[column]))
            for r in table.to_dict("records")]


def point_text(point, text: str, position, *, size: int = 12) -> None:
    """A data label of one point that says ``text``."""
    label = point.data_label
    label.has_text_frame = True
    label.text_frame.text = without_controls(text)
    label.position = position
    for paragraph in label.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.color.rgb = rgb(INK)

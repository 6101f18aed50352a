"""The deck's charts over waves and across units: a line per group over the waves (bars where there
is one wave), each line's latest value written at its end, and the scatter of business outcomes
against a sign, its dots named."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.util import Inches, Pt

from cxcommit.charts.scatter import dot_labels
from cxcommit.charts.theme import QUALITATIVE
from cxcommit.export.pptx_bars import bars
from cxcommit.export.pptx_cover import Cover
from cxcommit.export.pptx_data import CategoryData, XyData
from cxcommit.export.pptx_style import MEAN, SHARE, categories, numbers, point_text, rgb, style_chart
from cxcommit.text import without_controls
from cxcommit.vocabulary import column_label


def lines(slide, box, table: pd.DataFrame, value: str, minimum: int, *, number_format: str, maximum=None):
    """A line per group over the waves, each one's latest value written at its end; with one wave,
    that wave's bars (a trend needs two waves), their values written, hidden groups named with ``n<5``."""
    waves = list(dict.fromkeys(table.sort_values("_order")["wave"])) if "_order" in table else list(
        dict.fromkeys(table["wave"]))
    if len(waves) == 1:
        shown = table.assign(_v=np.where(table["suppressed"], np.nan, table[value].astype(float)))
        return bars(slide, box, categories(shown, minimum),
                     {without_controls(waves[0]): numbers(shown["_v"])}, number_format=number_format,
                     colours=[QUALITATIVE[0]], maximum=maximum)
    data = CategoryData()
    data.categories = [without_controls(wave) for wave in waves]
    for group, part in table.groupby("group", sort=False):
        values = part.assign(_v=np.where(part["suppressed"], np.nan, part[value].astype(float))).set_index("wave")["_v"]
        data.add_series(without_controls(group), numbers(values.reindex(waves)))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, *box, data).chart
    style_chart(chart, legend=True, number_format=number_format, maximum=maximum)
    ends = []  # (series, its last shown point, value): each line's latest value written at its end
    for series, colour in zip(chart.plots[0].series, QUALITATIVE * 4):
        series.format.line.color.rgb = rgb(colour)
        series.format.line.width = Pt(2.5)
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = rgb(colour)
        series.smooth = False
        shown = [(i, v) for i, v in enumerate(series.values) if v is not None]
        if shown:
            ends.append((series, *shown[-1]))
    span = maximum or max((value for *_, value in ends), default=1) or 1
    for (series, point, value), where in zip(ends, end_positions([(p, v) for _, p, v in ends], span)):
        point_text(series.points[point], f"{value:.0%}" if number_format == SHARE else f"{value:.1f}", where, size=12)
    return chart


CLOSE_ENDS = 0.07  # of the value axis: end labels closer than this would print over each other


def end_positions(ends: list[tuple[int, float]], span: float) -> list:
    """Where each line's end label goes (``ends``: its last point and value; ``span``: the value
    axis' range): right of the point; where lines end at one point with values closer than
    :data:`CLOSE_ENDS` of the axis, the lowest of them below its point, the highest above, one
    between them right.

    >>> [str(p).split()[0] for p in end_positions([(5, 0.25), (5, 0.21), (5, 0.21), (5, 0.67)], 1.0)]
    ['ABOVE', 'BELOW', 'RIGHT', 'RIGHT']
    """
    positions = [XL_LABEL_POSITION.RIGHT] * len(ends)
    order = sorted(range(len(ends)), key=lambda i: (ends[i][0], ends[i][1]))
    clusters = [[order[0]]] if order else []
    for before, now in zip(order, order[1:]):
        if ends[now][0] == ends[before][0] and ends[now][1] - ends[before][1] < CLOSE_ENDS * span:
            clusters[-1].append(now)
        else:
            clusters.append([now])
    for cluster in (c for c in clusters if len(c) > 1):
        positions[cluster[0]], positions[cluster[-1]] = XL_LABEL_POSITION.BELOW, XL_LABEL_POSITION.ABOVE
    return positions


def pay(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    return lines(slide, box, table, "p", minimum, number_format=SHARE, maximum=1)


def index_waves(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    return lines(slide, box, table, "mean_signs", minimum, number_format=MEAN, maximum=8)


def axis_limits(values: np.ndarray) -> tuple[float, float]:
    """A scatter axis' range: the values with a twentieth of their spread either side, out to a
    round step (1, 2 or 5 × a power of ten, five to eight steps), so the lowest dot sits above the
    axis that crosses at the bottom-left, clear of its numbers.

    >>> axis_limits(np.array([1.3, 22.1])), axis_limits(np.array([-2.3, 28.5])), axis_limits(np.array([4.0]))
    ((0.0, 25.0), (-5.0, 35.0), (3.6, 4.4))
    """
    low, high = float(np.min(values)), float(np.max(values))
    pad = (high - low) / 20 or max(abs(high), 1.0) / 10
    rough = (high - low + 2 * pad) / 8
    power = 10 ** math.floor(math.log10(rough))
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= rough)
    return round(math.floor((low - pad) / step) * step, 9) + 0.0, round(math.ceil((high + pad) / step) * step, 9) + 0.0


def outcomes(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple, columns: tuple[str, ...] = ()):
    """The business units as dots, one outcome against another; the axes cross at the bottom-left
    (never through a dot or a name) and the dots carry their units' names by the dashboard's rule
    (:func:`cxcommit.charts.scatter.dot_labels`: every one that has room, else the most extreme first),
    fitted to this chart's plot area and type."""
    x, y = columns
    unit = "business_unit" if "business_unit" in table else table.columns[0]
    shown = table[~table["suppressed"].astype(bool)] if "suppressed" in table else table
    shown = shown[shown[x].notna() & shown[y].notna()]
    xs, ys = shown[x].to_numpy(float), shown[y].to_numpy(float)
    data = XyData()
    series = data.add_series("Business units")
    for a, b in zip(xs, ys):
        series.add_data_point(a, b)
    chart = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, *box, data).chart
    chart.has_legend = False
    chart.has_title = False
    chart.font.size = Pt(14)
    limits = (axis_limits(xs), axis_limits(ys)) if len(xs) else None
    for axis, column, span in ((chart.category_axis, x, limits and limits[0]), (chart.value_axis, y, limits and limits[1])):
        axis.has_title = True
        axis.axis_title.text_frame.text = without_controls(column_label(column))
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
        axis.tick_labels.font.size = Pt(13)
        axis.has_major_gridlines = axis is chart.value_axis
        axis.crosses = XL_AXIS_CROSSES.MINIMUM  # at the bottom-left corner, not through the dots at 0
        if span:
            axis.minimum_scale, axis.maximum_scale = span
    dots = chart.plots[0].series[0]
    dots.marker.size = 11
    dots.marker.format.fill.solid()
    dots.marker.format.fill.fore_color.rgb = rgb(cover.accent)
    dots.format.line.fill.background()
    # the plot area in points: the box less the value axis' title and numbers (left), the other's (below)
    width, height = (box[2] - Inches(1.0)) / 12700, (box[3] - Inches(0.9)) / 12700
    names, sides = dot_labels(xs, ys, [str(u) for u in shown[unit]], width=width, height=height, font=11, dot=11,
                              limits=limits)
    for point, name, side in zip(dots.points, names, sides):
        if name:
            point_text(point, name, XL_LABEL_POSITION.LEFT if side == "middle left" else XL_LABEL_POSITION.RIGHT,
                       size=11)
    return chart

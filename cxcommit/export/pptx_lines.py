"""The deck's charts over waves and across units: a line per group over the waves (bars where there
is one wave), each line's latest value written at its end, and the scatter of business outcomes
against a sign, its dots named."""
from __future__ import annotations

import numpy as np
import pandas as pd
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.util import Pt

from cxcommit.charts.scatter import dot_labels
from cxcommit.charts.theme import QUALITATIVE
from cxcommit.export.pptx_bars import bars
from cxcommit.export.pptx_cover import Cover
from cxcommit.export.pptx_data import CategoryData, XyData
from cxcommit.export.pptx_style import MEAN, SHARE, categories, numbers, point_text, rgb, style_chart
from cxcommit.text import without_controls
from cxcommit.vocabulary import column_label


def lines(slide, box, table: pd.DataFrame, value: str, minimum: int, *, percent: bool, maximum=None):
    """A line per group over the waves, each one's latest value written at its end; with one wave,
    that wave's bars (a trend needs two waves), their values written, hidden groups named with ``n<5``."""
    waves = list(dict.fromkeys(table.sort_values("_order")["wave"])) if "_order" in table else list(
        dict.fromkeys(table["wave"]))
    if len(waves) == 1:
        shown = table.assign(_v=np.where(table["suppressed"], np.nan, table[value].astype(float)))
        return bars(slide, box, categories(shown, minimum),
                     {without_controls(waves[0]): numbers(shown["_v"])}, number_format=SHARE if percent else MEAN,
                     colours=[QUALITATIVE[0]], maximum=maximum)
    data = CategoryData()
    data.categories = [without_controls(wave) for wave in waves]
    for group, part in table.groupby("group", sort=False):
        values = part.assign(_v=np.where(part["suppressed"], np.nan, part[value].astype(float))).set_index("wave")["_v"]
        data.add_series(without_controls(group), numbers(values.reindex(waves)))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, *box, data).chart
    style_chart(chart, legend=True, number_format=SHARE if percent else MEAN, maximum=maximum)
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
        point_text(series.points[point], f"{value:.0%}" if percent else f"{value:.1f}", where, size=12)
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
    return lines(slide, box, table, "p", minimum, percent=True, maximum=1)


def index_waves(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    return lines(slide, box, table, "mean_signs", minimum, percent=False, maximum=8)


def outcomes(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple, columns: tuple[str, ...] = ()):
    x, y = columns
    unit = "business_unit" if "business_unit" in table else table.columns[0]
    shown = table[~table["suppressed"].astype(bool)] if "suppressed" in table else table
    shown = shown[shown[x].notna() & shown[y].notna()]
    data = XyData()
    series = data.add_series("Business units")
    for a, b in zip(shown[x].astype(float), shown[y].astype(float)):
        series.add_data_point(a, b)
    chart = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, *box, data).chart
    chart.has_legend = False
    chart.has_title = False
    chart.font.size = Pt(14)
    for axis, column in ((chart.category_axis, x), (chart.value_axis, y)):
        axis.has_title = True
        axis.axis_title.text_frame.text = without_controls(column_label(column))
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
        axis.tick_labels.font.size = Pt(13)
        axis.has_major_gridlines = axis is chart.value_axis
    chart.plots[0].series[0].marker.size = 11
    chart.plots[0].series[0].marker.format.fill.solid()
    chart.plots[0].series[0].marker.format.fill.fore_color.rgb = rgb(cover.accent)
    chart.plots[0].series[0].format.line.fill.background()
    names, sides = dot_labels(shown[x].to_numpy(float), shown[y].to_numpy(float), [str(u) for u in shown[unit]],
                              width=900, height=380, font=12)
    for point, name, side in zip(chart.plots[0].series[0].points, names, sides):
        if name:  # the dots' names by the dashboard's rule: all that have room, the most extreme first
            point_text(point, name, XL_LABEL_POSITION.LEFT if side == "middle left" else XL_LABEL_POSITION.RIGHT,
                        size=11)
    return chart

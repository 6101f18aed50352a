"""The deck's native charts: each slide kind's library table as a PowerPoint chart whose data can
be edited (the signs × groups heatmap as a table with coloured cells). A hidden (suppressed) group
appears by name with no value."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from plotly.colors import sample_colorscale
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Inches, Pt

from cxcommit.charts.scatter import dot_labels
from cxcommit.charts.theme import (DIVERGING, LEADERS_COLOR, MARK, QUALITATIVE, STAFF_COLOR, SUPPRESSED_COLOR,
                                   SUPPRESSED_TEXT, muted, suppressed_label)
from cxcommit.export.pptx_cover import Cover
from cxcommit.export.pptx_data import CategoryData, XyData
from cxcommit.text import pct, points, shorten, shorten_all, without_controls
from cxcommit.vocabulary import column_label

INK = "222222"
PALE = muted(DIVERGING)  # the colours of cells whose difference may be chance
LONG_CATEGORY = 45  # characters: a longer bar name is written smaller, to stay on one line


def rgb(colour: str) -> RGBColor:
    """The library's own colours (``#RRGGBB``, ``RRGGBB`` or plotly's ``rgb(r, g, b)``)."""
    colour = colour.strip()
    if colour.startswith("rgb"):
        return RGBColor(*(int(float(v)) for v in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]))
    return RGBColor.from_string(colour.lstrip("#").upper())


def _numbers(values) -> list:
    """Chart values: floats, None where there is no value (a suppressed or missing cell)."""
    return [None if pd.isna(v) else float(v) for v in values]


def _style_chart(chart, *, legend: bool, percent: bool, maximum: float | None = None) -> None:
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
    axis.tick_labels.number_format = "0%" if percent else "0.0"
    axis.tick_labels.number_format_is_linked = False
    axis.minimum_scale = 0
    if maximum is not None:
        axis.maximum_scale = maximum
    chart.category_axis.tick_labels.font.size = Pt(13)
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW


def _labels(plot, percent: bool) -> None:
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = "0%" if percent else "0.0"
    labels.number_format_is_linked = False
    labels.font.size = Pt(13)
    labels.position = XL_LABEL_POSITION.OUTSIDE_END


def _colour_series(chart, colours: list[str]) -> None:
    for series, colour in zip(chart.plots[0].series, colours):
        fill = series.format.fill
        fill.solid()
        fill.fore_color.rgb = rgb(colour)
        series.format.line.color.rgb = rgb(colour)


def _categories(table: pd.DataFrame, minimum: int, column: str = "group") -> list[str]:
    """The bars' names from ``column``; a hidden row's with ``(n<5)`` after it."""
    return [without_controls(f"{r[column]} ({suppressed_label(minimum)})" if r["suppressed"] else str(r[column]))
            for r in table.to_dict("records")]


def _bars(slide, box, categories, series: dict[str, list], *, percent: bool, colours: list[str], maximum=None,
          horizontal: bool = True):
    data = CategoryData()
    data.categories = categories
    for name, values in series.items():
        data.add_series(name, values)
    kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    chart = slide.shapes.add_chart(kind, *box, data).chart
    _style_chart(chart, legend=len(series) > 1, percent=percent, maximum=maximum)
    _labels(chart.plots[0], percent)
    _colour_series(chart, colours)
    if horizontal:
        _first_on_top(chart)
    return chart


def _first_on_top(chart) -> None:
    """Bars in table order from the top, as on screen, the value axis still at the bottom; every bar
    named (smaller type for many, or for names too long for one line: a name that wraps makes
    LibreOffice drop every other one), never every other one."""
    axis = chart.category_axis
    axis.reverse_order = True
    axis.crosses = XL_AXIS_CROSSES.MAXIMUM  # the value axis crosses at the last (lowest) bar
    count = len(chart.plots[0].categories)
    longest = max((len(str(name)) for name in chart.plots[0].categories), default=0)
    size = 13 if count <= 10 else 11 if count <= 16 else 9
    axis.tick_labels.font.size = Pt(min(size, 10) if longest > LONG_CATEGORY else size)
    element = axis._element
    skip = element.find(qn("c:tickLblSkip"))
    if skip is None:  # its place in the schema: before these, if present
        skip = OxmlElement("c:tickLblSkip")
        later = [element.find(qn(tag)) for tag in ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")]
        later = [e for e in later if e is not None]
        if later:
            later[0].addprevious(skip)
        else:
            element.append(skip)
    skip.set("val", "1")


def _commitment(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    """Two panels, as on the dashboard: mean signs met (of 8) and the share fully committed, the
    groups in the table's order in both."""
    left, top, width, height = box
    half = Emu(int(width * 0.5))
    mean = _bars(slide, (left, top, half, height), _categories(table, minimum),
                 {"Mean signs met (of 8)": _numbers(table["mean_signs"])}, percent=False, colours=[cover.accent],
                 maximum=8)
    share = _bars(slide, (left + half, top, width - half, height), _categories(table, minimum),
                  {"Share fully committed": _numbers(table["p"])}, percent=True, colours=[QUALITATIVE[2]])
    for chart, name in ((mean, "Mean signs met (of 8)"), (share, "Share fully committed")):
        chart.has_title = True
        chart.chart_title.text_frame.text = name
        chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
    return mean


def gap_category(row: dict, minimum: int) -> str:
    """A perception-gap bar pair's name: the item, the gap in points (● where significant) and both
    sides' n (executives | staff, as the slide's footnote says); a hidden row says why it has no bars."""
    if row["suppressed"]:
        return without_controls(f"{row['label']} ({suppressed_label(minimum)}: too few executives or staff)")
    mark = f"{MARK} " if bool(row.get("significant", False)) else ""
    return without_controls(f"{row['label']} · {mark}{points(row['gap'], signed=True)} · "
                            f"n {int(row['n_leaders']):,} | {int(row['n_staff']):,}")


def _perception_gap(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    return _bars(slide, box, [gap_category(r, minimum) for r in table.to_dict("records")],
                 {"Executives": _numbers(table["p_leaders"]), "Staff (managers and employees)": _numbers(table["p_staff"])},
                 percent=True, colours=[LEADERS_COLOR, STAFF_COLOR], maximum=1)


def _gap_to_target(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    table = table.assign(_gap=table["gap"].astype(float)).sort_values("_gap", ascending=False, na_position="last")
    return _bars(slide, box, _categories(table, minimum, "label"), {"Points short of 100%": _numbers(table["gap"])}, percent=True,
                 colours=[DIVERGING[0][1]])


def variation_category(row: dict, short: dict | None = None) -> str:
    """An item's bar name on one line: the item (``short``: as the bars' names were cut apart), then its
    lowest and highest group with their shares (each cut short, "…": one line per bar, every bar named)."""
    return without_controls(f"{(short or {}).get(row['label']) or shorten(row['label'], 32)}: "
                            f"{shorten(row['lowest'], 18)} {pct(row['min_p'])} to "
                            f"{shorten(row['highest'], 18)} {pct(row['max_p'])}")


def _variation(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    """Each item's bar from its lowest to its highest group's share; the bar's name says both
    groups and their shares (a data label beside a floating bar wraps and crowds in small bars)."""
    data, short = CategoryData(), dict(zip(table["label"], shorten_all([str(x) for x in table["label"]], 32)))
    data.categories = [variation_category(row, short) for row in table.to_dict("records")]
    data.add_series("Lowest unit", _numbers(table["min_p"]))
    data.add_series("Range to the highest unit", _numbers(table["range"]))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_STACKED, *box, data).chart
    _style_chart(chart, legend=False, percent=True, maximum=1)
    _first_on_top(chart)
    lowest, spread = chart.plots[0].series
    lowest.format.fill.background()  # the bar floats from the lowest share to the highest
    spread.format.fill.solid()
    spread.format.fill.fore_color.rgb = rgb(cover.accent)
    chart.plots[0].gap_width = 60
    return chart


def _point_text(point, text: str, position, *, size: int = 12) -> None:
    """A data label of one point that says ``text``."""
    label = point.data_label
    label.has_text_frame = True
    label.text_frame.text = without_controls(text)
    label.position = position
    for paragraph in label.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.color.rgb = rgb(INK)


def _lines(slide, box, table: pd.DataFrame, value: str, minimum: int, *, percent: bool, maximum=None):
    """A line per group over the waves, each one's latest value written at its end; with one wave,
    that wave's bars (a trend needs two waves), their values written, hidden groups named with ``n<5``."""
    waves = list(dict.fromkeys(table.sort_values("_order")["wave"])) if "_order" in table else list(
        dict.fromkeys(table["wave"]))
    if len(waves) == 1:
        shown = table.assign(_v=np.where(table["suppressed"], np.nan, table[value].astype(float)))
        return _bars(slide, box, _categories(shown, minimum),
                     {without_controls(waves[0]): _numbers(shown["_v"])}, percent=percent,
                     colours=[QUALITATIVE[0]], maximum=maximum)
    data = CategoryData()
    data.categories = [without_controls(wave) for wave in waves]
    for group, part in table.groupby("group", sort=False):
        values = part.assign(_v=np.where(part["suppressed"], np.nan, part[value].astype(float))).set_index("wave")["_v"]
        data.add_series(without_controls(group), _numbers(values.reindex(waves)))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, *box, data).chart
    _style_chart(chart, legend=True, percent=percent, maximum=maximum)
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
        _point_text(series.points[point], f"{value:.0%}" if percent else f"{value:.1f}", where, size=12)
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


def _pay(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    return _lines(slide, box, table, "p", minimum, percent=True, maximum=1)


def _index_waves(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    return _lines(slide, box, table, "mean_signs", minimum, percent=False, maximum=8)


def _outcomes(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple, columns: tuple[str, ...] = ()):
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
            _point_text(point, name, XL_LABEL_POSITION.LEFT if side == "middle left" else XL_LABEL_POSITION.RIGHT,
                        size=11)
    return chart


def _sign_cell(row: dict, minimum: int, limit: float) -> tuple[str, dict]:
    """A shown or hidden cell of the heatmap table: its text and style (fill, colour, bold). A cell
    that differs from the rest (``significant``) in full colour, bold, after the mark; else muted."""
    if row["suppressed"]:
        return suppressed_label(minimum), {"fill": SUPPRESSED_COLOR, "colour": SUPPRESSED_TEXT}
    diff = float(row["diff"]) if pd.notna(row["diff"]) else 0.0
    marked = bool(row.get("significant", False))
    fill = sample_colorscale(DIVERGING if marked else PALE, [min(max(0.5 + diff / (2 * limit), 0.0), 1.0)])[0]
    dark = marked and abs(diff) > 0.6 * limit
    return (f"{MARK} {pct(row['p'])}" if marked else pct(row["p"]),
            {"fill": fill, "colour": "#ffffff" if dark else INK, "bold": marked})


def table_type(items: list[str], crowded: int, width: int, height: int) -> tuple[int, float]:
    """The heatmap table's type size and the share of its width its questions take: 14, 11 or 8 pt
    by how many rows or columns there are, the questions a quarter of the width (a third for long
    ones), and smaller type still while the questions, wrapped in their column, would make the table
    taller than its box (a row a line per ~0.5 em of width, 1.2 em a line, 0.1 in of margins).

    >>> table_type(["Han Solo"] * 5, 10, Inches(12), Inches(4.5))
    (11, 0.24)
    >>> table_type(["How likely are you to recommend Python to a colleague, friend, or family member?"] * 9, 9,
    ...            Inches(12), Inches(4.5))
    (10, 0.32)
    """
    labels = 0.32 if len(items) > 14 or max(map(len, items), default=0) > 40 else 0.24
    size = 14 if crowded <= 8 else 11 if crowded <= 14 else 8
    column = width * labels / 914400  # inches
    while size > 8:
        per_line = max(1, int(column / (size * 0.5 / 72)))
        rows = [math.ceil(len(item) / per_line) * size * 1.2 / 72 + 0.1 for item in items]
        if sum(rows) + size * 2.6 / 72 + 0.1 <= height / 914400:  # the head: two lines of group names
            break
        size -= 1
    return size, labels


def _signs(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    """The heatmap as a table: items down, groups across; share in each cell, coloured by the
    difference to the other groups; hidden cells grey with ``n<5``. A cell that differs from the rest
    (the table's ``significant``) is in full colour, its number bold after a ●; every other cell in
    the muted colours (:func:`cxcommit.charts.theme.muted`), as on the dashboard's heatmap; the
    slide's footnote says what the mark means."""
    items = list(dict.fromkeys(table["label"]))
    groups = list(dict.fromkeys(table["group"]))
    cells = {(r["label"], r["group"]): r for r in table.to_dict("records")}
    diffs = table.loc[~table["suppressed"], "diff"].astype(float).abs().dropna()
    limit = max(0.05, float(np.ceil(diffs.max() * 20) / 20) if len(diffs) else 0.05)
    left, top, width, height = box
    shape = slide.shapes.add_table(len(items) + 1, len(groups) + 1, left, top, width,
                                   min(height, Inches(0.5) * (len(items) + 1)))
    grid = shape.table
    crowded = max(len(groups), len(items))  # many columns or many rows: smaller type, so the table fits
    size, labels = table_type(items, crowded, width, height)
    grid.columns[0].width = Emu(int(width * labels))
    for j in range(len(groups)):
        grid.columns[j + 1].width = Emu(int(width * (1 - labels) / len(groups)))
    # group names: a long one wraps between words, not inside one (a bold letter up to 0.75 em, 0.2 in of margins)
    longest_word = max((len(word) for group in groups for word in str(group).split()), default=1)
    head = max(7, min(size, 12, int((width * (1 - labels) / len(groups) / 914400 - 0.2) * 72 / (0.75 * longest_word))))

    def write(cell, text, *, fill: str, colour: str = INK, bold: bool = False, align=PP_ALIGN.CENTER, size=size):
        if crowded > 14:  # many rows: thin margins keep each to a line or two
            cell.margin_top = cell.margin_bottom = Inches(0.01)
        cell.fill.solid()
        cell.fill.fore_color.rgb = rgb(fill)
        cell.vertical_anchor = MSO_ANCHOR.MIDDLE
        cell.text = without_controls(text)
        paragraph = cell.text_frame.paragraphs[0]
        paragraph.alignment = align
        for run in paragraph.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, rgb(colour)

    write(grid.cell(0, 0), "", fill="#ffffff")
    for j, group in enumerate(groups):
        write(grid.cell(0, j + 1), str(group), fill="#ffffff", bold=True, size=head)
    for i, label in enumerate(items):
        write(grid.cell(i + 1, 0), label, fill="#ffffff", align=PP_ALIGN.LEFT)
        for j, group in enumerate(groups):
            row = cells.get((label, group))
            if row is None:
                write(grid.cell(i + 1, j + 1), "", fill="#ffffff")
            else:
                text, style = _sign_cell(row, minimum, limit)
                write(grid.cell(i + 1, j + 1), text, **style)
    return shape


DRAW = {"commitment": _commitment, "signs": _signs, "variation": _variation, "perception_gap": _perception_gap,
        "gap_to_target": _gap_to_target, "pay": _pay, "index_waves": _index_waves}


def draw(page, kind: str, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple, columns: tuple[str, ...] = ()):
    """The native chart of a slide of ``kind`` on ``page`` in ``box``; the scatter of outcomes plots ``columns``."""
    if kind == "outcomes":
        return _outcomes(page, table, minimum, cover, box, columns)
    return DRAW[kind](page, table, minimum, cover, box)

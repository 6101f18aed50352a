"""The deck's bar charts: commitment per group, the perception gap, the gap to a target and the
spread of each item across groups, each as a native PowerPoint chart whose data can be edited; a
hidden (suppressed) group appears by name with no value."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Pt

from cxcommit.charts.common import whole_of
from cxcommit.charts.theme import DIVERGING, LEADERS_COLOR, MARK, QUALITATIVE, STAFF_COLOR, suppressed_label
from cxcommit.export.pptx_cover import Cover
from cxcommit.export.pptx_data import CategoryData
from cxcommit.export.pptx_style import MEAN, POINTS, SHARE, categories, colour_series, labels, numbers, rgb, style_chart
from cxcommit.text import pct, points, shorten, shorten_all, without_controls

LONG_CATEGORY = 45  # characters: a longer bar name is written smaller, to stay on one line


def bars(slide, box, categories, series: dict[str, list], *, number_format: str, colours: list[str], maximum=None,
          horizontal: bool = True):
    data = CategoryData()
    data.categories = categories
    for name, values in series.items():
        data.add_series(name, values)
    kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    chart = slide.shapes.add_chart(kind, *box, data).chart
    style_chart(chart, legend=len(series) > 1, number_format=number_format, maximum=maximum)
    labels(chart.plots[0], number_format)
    colour_series(chart, colours)
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


def commitment(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    """Two panels, as on the dashboard: mean signs met (of 8) and the share fully committed, the
    groups in the table's order in both."""
    left, top, width, height = box
    half = Emu(int(width * 0.5))
    mean = bars(slide, (left, top, half, height), categories(table, minimum),
                 {"Mean signs met (of 8)": numbers(table["mean_signs"])}, number_format=MEAN, colours=[cover.accent],
                 maximum=8)
    share = bars(slide, (left + half, top, width - half, height), categories(table, minimum),
                  {"Share fully committed": numbers(table["p"])}, number_format=SHARE, colours=[QUALITATIVE[2]])
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


def perception_gap(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    return bars(slide, box, [gap_category(r, minimum) for r in table.to_dict("records")],
                 {"Executives": numbers(table["p_leaders"]), "Staff (managers and employees)": numbers(table["p_staff"])},
                 number_format=SHARE, colours=[LEADERS_COLOR, STAFF_COLOR], maximum=1)


def gap_to_target(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    """Each item's gap to everyone answering favourably, largest on top: a difference of two shares,
    so its bars, labels and axis are in percentage points ("74 pts"), not a share of anyone."""
    table = table.assign(_gap=table["gap"].astype(float)).sort_values("_gap", ascending=False, na_position="last")
    top = np.nanmax(pd.to_numeric(whole_of(table)["gap"], errors="coerce").to_numpy(float) * 100, initial=0.0)
    return bars(slide, box, categories(table, minimum, "label"), {"Points short of 100%": numbers(table["_gap"] * 100)},
                number_format=POINTS, colours=[DIVERGING[0][1]],
                maximum=max(10, math.ceil(top / 10) * 10))  # a page of the chart: the whole chart's axis


def variation_category(row: dict, short: dict | None = None) -> str:
    """An item's bar name on one line: the item (``short``: as the bars' names were cut apart), then its
    lowest and highest group with their shares (each cut short, "…": one line per bar, every bar named)."""
    return without_controls(f"{(short or {}).get(row['label']) or shorten(row['label'], 32)}: "
                            f"{shorten(row['lowest'], 18)} {pct(row['min_p'])} to "
                            f"{shorten(row['highest'], 18)} {pct(row['max_p'])}")


def variation(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    """Each item's bar from its lowest to its highest group's share; the bar's name says both
    groups and their shares (a data label beside a floating bar wraps and crowds in small bars)."""
    data, short = CategoryData(), dict(zip(table["label"], shorten_all([str(x) for x in table["label"]], 32)))
    data.categories = [variation_category(row, short) for row in table.to_dict("records")]
    data.add_series("Lowest unit", numbers(table["min_p"]))
    data.add_series("Range to the highest unit", numbers(table["range"]))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_STACKED, *box, data).chart
    style_chart(chart, legend=False, number_format=SHARE, maximum=1)
    _first_on_top(chart)
    lowest, spread = chart.plots[0].series
    lowest.format.fill.background()  # the bar floats from the lowest share to the highest
    spread.format.fill.solid()
    spread.format.fill.fore_color.rgb = rgb(cover.accent)
    chart.plots[0].gap_width = 60
    return chart

"""Horizontal bars with interval whiskers: the commitment index per group, and gaps to a target or the best group."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cxcommit.charts.common import (choice, error_bars, grouping_word, index_hover, numbers, pick, points_ticks, require,
                                    share_label, texts, whisker_labels, whole_of)
from cxcommit.charts.layout import AXIS_BELOW, finish, mark_lowest, panels, short_ticks
from cxcommit.charts.options import ChartOptions
from cxcommit.charts.theme import BELOW, colorway, ink, interval, pct, row_height, suppressed_trace
from cxcommit.text import ALL_GROUP, escape_html, points

GAP_VALUES = ("gap", "p")


def commitment_chart(index_table: pd.DataFrame, *, pooled=(), options: ChartOptions = ChartOptions()) -> go.Figure:
    """Mean signs met (0–8) and share fully committed per group, each with its interval.

    Input: :func:`cxcommit.analyses.commitment.commitment_index` by one grouping. Highest mean on top;
    the groups merged when published (``pooled``: "Other units", …) below the others, whatever their
    mean (they are no unit to rank); suppressed groups at the bottom, shown as ``n<5``.
    """
    require(index_table, ["group", "n", "mean_signs", "mean_ci_low", "mean_ci_high", "p", "ci_low", "ci_high",
                          "suppressed"], "commitment_chart",
            "cxcommit.analyses.commitment.commitment_index(survey, by=...)")
    dark = options.dark
    rank = np.where(index_table["suppressed"].astype(bool), 0, np.where(index_table["group"].isin(list(pooled)), 1, 2))
    table = index_table.assign(_rank=rank, _mean=numbers(index_table["mean_signs"])).sort_values(
        ["_rank", "_mean"], na_position="first", kind="stable")  # first is drawn lowest
    shown, hidden = table[~table["suppressed"]], table[table["suppressed"]]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=("Mean signs met (of 8)", "Share fully committed"))
    hover = [index_hover(r, options.confidence) for r in shown.to_dict("records")]
    custom = [[g] for g in shown["group"]]
    for col, (x, low, high, colour) in enumerate((("mean_signs", "mean_ci_low", "mean_ci_high", colorway(dark)[0]),
                                                  ("p", "ci_low", "ci_high", colorway(dark)[2])), start=1):
        fig.add_trace(go.Bar(y=texts(shown["group"]), x=numbers(shown[x]), orientation="h", marker_color=colour,
                             error_x={**error_bars(shown[x], shown[low], shown[high]), "color": ink(dark)},
                             hovertext=hover, hoverinfo="text", customdata=custom, showlegend=False), row=1, col=col)
        fig.add_trace(whisker_labels(shown[x], shown[high], texts(shown["group"]),
                                     [f"{v:.1f}" if col == 1 else pct(v) for v in numbers(shown[x])]), row=1, col=col)
        if len(hidden):
            fig.add_trace(suppressed_trace([0] * len(hidden), hidden["group"].tolist(), hidden["group"].tolist(),
                                           options.min_group_size), row=1, col=col)
    top = np.nanmax(numbers(shown["ci_high"]), initial=0.0)
    fig.update_xaxes(range=[0, 8.9], tickvals=list(range(9)), title_text="Signs met (0–8)", row=1, col=1)
    fig.update_xaxes(range=[0, max(0.1, top * 1.25)], tickformat=".0%", title_text="Share fully committed", row=1, col=2)
    fig.update_yaxes(categoryorder="array", categoryarray=texts(table["group"]), showgrid=False)
    short_ticks(fig, "y", texts(table["group"]))
    return finish(fig, f"Commitment index by {grouping_word(index_table, 'by')}",
                  f"Bars: estimate · whiskers: {options.confidence:.0%} interval · fully committed = yes to all 8 signs "
                  "(scored: at least 6 of the 8 answered, a gap not met)",
                  height=200 + len(table) * row_height(options.presentation), options=options)


def _gap_hover(row: dict, value: str, with_interval: bool, confidence: float) -> str:
    """A bar's hover: group, item, n and share; the target or best group; the gap with its interval."""
    text = (f"<b>{escape_html(row['group'])}</b><br>{escape_html(row['label'])}<br>n = {int(row['n']):,} · "
            f"share {pct(row['p'])}")
    if "target" in row:
        text += f"<br>Target: {pct(row['target'])}"
    if "best_group" in row:  # judged on estimates net of chance (cxcommit.analyses.gaps.gap_to_best)
        text += (f" · estimated {pct(row['p_shrunk'])}<br>Best: {escape_html(row['best_tied'])} "
                 f"(estimated {pct(row['best_shrunk'])})")
    if value == "gap":
        text += f"<br>Gap: {pct(row['gap'], signed=True)}"
    if with_interval:
        text += f" ({interval(row['ci_low'], row['ci_high'], confidence, points=True)})"
    return text


def _gap_title(table: pd.DataFrame) -> str:
    if "target" in table:
        return f"Gap to the target of {pct(table['target'].iloc[0])}"
    return "Gap to the best group" if "best_group" in table else "Shares"


def _gap_subtitle(table: pd.DataFrame, value: str, axis: str, panel_count: int, with_interval: bool,
                  confidence: float) -> str:
    """What the bars show; with a panel per item (``panel_count`` > 1), also how the groups are ordered."""
    what = "largest gap on top" if value == "gap" else "largest on top"
    if panel_count > 1:
        what = (f"{axis[0].lower()}{axis[1:]} · {grouping_word(table, 'many')} ordered by their mean over the "
                f"{panel_count} items, {what}")
    return f"Bars: estimate · whiskers: {confidence:.0%} interval · {what}" if with_interval else what.capitalize()


def _bar_text(v: float, value: str) -> str:
    """A bar's number: a gap in points, a share in per cent."""
    return points(v) if value == "gap" and np.isfinite(v) else pct(v)


def _gap_panel(fig: go.Figure, part: pd.DataFrame, bar: str, value: str, where: dict, with_interval: bool,
               options: ChartOptions) -> None:
    """One panel's bars (shown rows) and grey ``n<5`` marks (hidden rows)."""
    shown, hidden = part[~part["suppressed"]], part[part["suppressed"]]
    hover = [_gap_hover(r, value, with_interval, options.confidence) for r in shown.to_dict("records")]
    fig.add_trace(go.Bar(y=texts(shown[bar]), x=numbers(shown[value]), orientation="h", showlegend=False,
                         marker_color=BELOW if value == "gap" else colorway(options.dark)[0],
                         error_x={**error_bars(shown[value], shown["ci_low"], shown["ci_high"]),
                                  "color": ink(options.dark)} if with_interval else None,
                         hovertext=hover, hoverinfo="text",
                         customdata=[[g, i] for g, i in zip(shown["group"], shown["item"])]), **where)
    fig.add_trace(whisker_labels(shown[value], shown["ci_high"] if with_interval else None, texts(shown[bar]),
                                 [_bar_text(v, value) for v in numbers(shown[value])]), **where)
    if len(hidden):
        fig.add_trace(suppressed_trace([0] * len(hidden), hidden[bar].tolist(), hidden["group"].tolist(),
                                       options.min_group_size), **where)


def gap_bars(table: pd.DataFrame, *, value: str = "gap", item: str | None = None,
             options: ChartOptions = ChartOptions()) -> go.Figure:
    """Per group, the gap to a target or to the best group as bars with their intervals; ``value="p"``
    draws the shares instead.

    Input: :func:`cxcommit.analyses.gaps.gap_to_target` or :func:`cxcommit.analyses.gaps.gap_to_best`. With one group
    (e.g. the whole organisation) and several items: one bar per item, largest gap on top. With
    several groups and items: one panel per item (four a row, one scale), groups ordered by their
    mean over the items, largest on top; ``item`` (an item id) picks one item.
    """
    require(table, ["item", "label", "group", "n", "p", value, "suppressed"], "gap_bars",
            "cxcommit.analyses.gaps.gap_to_target(...) or cxcommit.analyses.gaps.gap_to_best(...)")
    choice(value, GAP_VALUES, "value", "gap_bars")
    table = pick(table, "item", item, "gap_bars")
    labels = list(dict.fromkeys(table["label"]))
    single = table["group"].nunique() == 1 and len(labels) > 1  # items are the bars, in one panel
    bar, panel = ("label", "group") if single else ("group", "label")
    order = table.assign(_v=numbers(table[value])).groupby(bar, sort=False)["_v"].mean()
    bars = order.sort_values(na_position="first", kind="stable").index.tolist()  # first is drawn lowest
    names = list(dict.fromkeys(table[panel]))
    fig, positions, height = panels(names if not single else [None], 4, len(bars), options.presentation)
    with_interval = value == "gap" and {"ci_low", "ci_high"} <= set(table.columns)
    for name, part in table.groupby(panel, sort=False):
        where = dict(zip(("row", "col"), positions[None if single else name]))
        _gap_panel(fig, part, bar, value, where, with_interval, options)
    title = _gap_title(table)
    axis = {"gap": f"{title} (percentage points)", "p": share_label(table)}[value]
    whole = whole_of(table)  # a page of bars told across slides: the whole chart's axis
    ends = numbers(whole["ci_high"]) if with_interval else numbers(whole[value])
    lowest = min(0.0, float(np.nanmin(numbers(whole[value]), initial=0.0)))
    span = [lowest, max(0.05, float(np.nanmax(ends, initial=0.0))) * 1.2]  # room for the numbers
    fig.update_xaxes(range=span, **(points_ticks(*span) if value == "gap" else {"tickformat": ".0%"}))
    if len(positions) == 1:
        fig.update_xaxes(title_text=axis)
    fig.update_yaxes(categoryorder="array", categoryarray=texts(bars), range=[-0.6, len(bars) - 0.4], showgrid=False)
    short_ticks(fig, "y", texts(bars))
    subtitle = _gap_subtitle(table, value, axis, 0 if single else len(names), with_interval, options.confidence)
    heading = title + (f": “{escape_html(labels[0])}”" if len(labels) == 1 else "")
    if single and table["group"].iloc[0] != ALL_GROUP:
        heading += f" — {escape_html(table['group'].iloc[0])}"
    fig = finish(fig, heading, subtitle, height=height, options=options)
    panel_rows = len({row for row, _ in positions.values()})
    return mark_lowest(fig, panel_rows * len(bars), options.presentation, below=AXIS_BELOW + (panel_rows - 1) * 60)

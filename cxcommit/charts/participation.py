"""Participation per group in one wave: a bar per group with its rate and counts written on it, the
low ones flagged, and the threshold drawn."""
from __future__ import annotations

import plotly.graph_objects as go
import pandas as pd

from cxcommit.charts.common import numbers, pick, require, texts
from cxcommit.charts.layout import finish, short_ticks
from cxcommit.charts.options import ChartOptions
from cxcommit.charts.theme import SUPPRESSED_COLOR, ink, row_height, suppressed_label
from cxcommit.text import escape_html

HEALTHY, LOW = "#2166ac", "#d6604d"


def participation_chart(table: pd.DataFrame, wave: str, *, threshold: float, grouping: str = "business unit",
                        options: ChartOptions = ChartOptions()) -> go.Figure:
    """Response rate per group in ``wave``, lowest on top, each bar labelled "72 % (147 of 204)",
    bars below ``threshold`` red and marked "low", the threshold a dashed line; groups with no rate
    (too few respondents, or a unit without its headcount) grey with the reason.

    Input: :func:`cxcommit.analyses.participation.participation`; ``grouping``: what its groups are,
    in words, for the title ("business unit", "division").
    """
    require(table, ["group", "wave", "respondents", "headcount", "rate", "low", "suppressed"], "participation_chart",
            "cxcommit.analyses.participation.participation(survey, metrics, by)")
    rows = pick(table, "wave", wave, "participation_chart")
    rows = rows.assign(_rate=numbers(rows["rate"])).sort_values("_rate", ascending=False, na_position="first",
                                                              kind="stable")
    names = texts(rows["group"])
    rate = numbers(rows["rate"])
    shown = ~pd.isna(rate)
    labels = [f"{r:.0%} ({int(k):,} of {int(n):,}){' · low' if low else ''}" if ok else
              (suppressed_label(options.min_group_size) if hidden else "no headcount")
              for r, k, n, low, ok, hidden in zip(rate, rows["respondents"].fillna(0), rows["headcount"].fillna(0),
                                                  rows["low"], shown, rows["suppressed"])]
    colours = [(LOW if low else HEALTHY) if ok else SUPPRESSED_COLOR for low, ok in zip(rows["low"], shown)]
    fig = go.Figure(go.Bar(y=names, x=[r if ok else 0.02 for r, ok in zip(rate, shown)], orientation="h",
                           marker_color=colours, text=[escape_html(t) for t in labels], textposition="outside",
                           cliponaxis=False, hoverinfo="text", hovertext=[f"<b>{escape_html(g)}</b><br>{escape_html(t)}"
                                                                          for g, t in zip(names, labels)],
                           customdata=[[g] for g in rows["group"]], showlegend=False))
    fig.add_vline(x=threshold, layer="below", line_dash="dash", line_color=ink(options.dark), line_width=1,
                  annotation_text=f"{threshold:.0%}", annotation_position="top")
    top = max(1.0, float(pd.Series(rate).max(skipna=True) or 0))
    fig.update_xaxes(range=[0, top * 1.3], tickformat=".0%", title_text="Respondents of the headcount")
    fig.update_yaxes(categoryorder="array", categoryarray=names, showgrid=False)
    short_ticks(fig, "y", names)
    return finish(fig, f"Participation by {escape_html(grouping)}, {escape_html(wave)}",
                  f"Respondents of the headcount · red: below {threshold:.0%} (low) · grey: no rate "
                  f"(fewer than {options.min_group_size} answered, or no headcount)",
                  height=200 + len(rows) * row_height(options.presentation), options=options)

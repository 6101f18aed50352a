"""Participation per group in one wave: a bar per group, its rate and counts in a column right of the
bars, the low ones flagged, and the threshold drawn."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxcommit.charts.common import numbers, pick, require, texts
from cxcommit.charts.layout import PLOT_WIDTH, SLIDE_WIDTH, finish, label_room, short_ticks
from cxcommit.charts.options import ChartOptions
from cxcommit.charts.theme import SUPPRESSED_COLOR, font_size, ink, row_height, suppressed_label
from cxcommit.text import escape_html

HEALTHY, LOW = "#2166ac", "#d6604d"
LABEL_PAD = 14  # px between the bars' end (or 100 %) and the column of numbers


def participation_chart(table: pd.DataFrame, wave: str, *, threshold: float, grouping: str = "business unit",
                        options: ChartOptions = ChartOptions()) -> go.Figure:
    """Response rate per group in ``wave``, lowest on top, each bar's "72 % (147 of 204)" in a column
    right of 100 % (so the threshold's dashed line never crosses a number), bars below ``threshold``
    red and marked "low"; groups with no rate (too few respondents, or a unit without its headcount)
    grey with the reason. The axis ends where the numbers need room, its ticks at most at 100 % (or at
    the highest rate, when an out-of-date headcount gives one above 100 %). The subtitle explains
    only the colours drawn, and counts the wave's respondents in no bar
    (``table.attrs["outside"]``: pooled "Other …" groups, which have no headcount of their own, and
    respondents without a group), a count under the minimum group size not given.

    Input: :func:`cxcommit.analyses.participation.participation`; ``grouping``: what its groups are,
    in words, for the title ("business unit", "division").
    """
    require(table, ["group", "wave", "respondents", "headcount", "rate", "low", "suppressed"], "participation_chart",
            "cxcommit.analyses.participation.participation(survey, metrics, by)")
    rows = pick(table, "wave", wave, "participation_chart")
    rows = rows.assign(_rate=numbers(rows["rate"])).sort_values("_rate", ascending=False, na_position="first",
                                                              kind="stable")
    names, rate = texts(rows["group"]), numbers(rows["rate"])
    shown = ~np.isnan(rate)
    labels = [f"{r:.0%} ({int(k):,} of {int(n):,}){' · low' if low else ''}" if ok else
              (suppressed_label(options.min_group_size) if hidden else "no headcount")
              for r, k, n, low, ok, hidden in zip(rate, rows["respondents"].fillna(0), rows["headcount"].fillna(0),
                                                  rows["low"], shown, rows["suppressed"])]
    low = rows["low"].fillna(False).to_numpy(bool) & shown
    colours = [(LOW if bad else HEALTHY) if ok else SUPPRESSED_COLOR for bad, ok in zip(low, shown)]
    hover = [f"<b>{escape_html(g)}</b><br>{escape_html(t)}" for g, t in zip(names, labels)]
    fig = go.Figure(go.Bar(y=names, x=np.where(shown, rate, 0.02), orientation="h", marker_color=colours,
                           hoverinfo="text", hovertext=hover, customdata=[[g] for g in rows["group"]],
                           showlegend=False))
    edge = max(1.0, float(np.nanmax(rate, initial=0.0)))
    fig.add_trace(go.Scatter(x=[edge] * len(names), y=names, mode="markers+text", name="Values",
                             text=[escape_html(t) for t in labels], textposition="middle right",
                             marker={"size": 2 * LABEL_PAD, "color": "rgba(0,0,0,0)"}, cliponaxis=False,
                             hoverinfo="text", hovertext=hover, showlegend=False))
    fig.add_vline(x=threshold, layer="below", line_dash="dash", line_color=ink(options.dark), line_width=1,
                  annotation_text=f"{threshold:.0%}", annotation_position="top right", annotation_yshift=0)
    ticks = np.arange(0, np.floor(edge * 5 + 1e-9) + 1) / 5  # 0 %, 20 %, … up to 100 % (or the highest rate)
    fig.update_xaxes(range=[0, _axis_end(edge, labels, names, options.presentation)], tickvals=ticks,
                     tickformat=".0%", title_text="Respondents of the headcount")
    fig.update_yaxes(categoryorder="array", categoryarray=names, showgrid=False, range=[-0.5, len(names) + 0.3])
    short_ticks(fig, "y", names)
    return finish(fig, f"Participation by {escape_html(grouping)}, {escape_html(wave)}",
                  " · ".join(filter(None, [_subtitle(low.any(), rows, shown, threshold, options.min_group_size),
                                           _outside_note(table, wave, grouping, options.min_group_size)])),
                  height=200 + (len(rows) + 1) * row_height(options.presentation), options=options)


def _axis_end(edge: float, labels: list[str], names: list[str], presentation: bool) -> float:
    """Where the rate axis ends: ``edge`` (100 % or the highest rate) plus the room the column of
    numbers needs right of it, from their width in pixels at the chart's font and width."""
    plot = (SLIDE_WIDTH if presentation else PLOT_WIDTH) - label_room(names, presentation)
    need = LABEL_PAD + 4 + max(map(len, labels), default=0) * 0.58 * font_size(presentation)
    return edge / max(0.3, 1 - need / plot)


def _subtitle(any_low: bool, rows: pd.DataFrame, shown: np.ndarray, threshold: float, minimum: int) -> str:
    """What the bars are, the threshold's line, and a word for each colour only where one is drawn."""
    parts = ["Respondents of the headcount", f"dashed line: {threshold:.0%}"]
    if any_low:
        parts.append(f"red: below {threshold:.0%} (low)")
    reasons = [why for why, drawn in ((f"fewer than {minimum} answered", (rows["suppressed"].to_numpy(bool)).any()),
                                      ("no headcount", (~shown & ~rows["suppressed"].to_numpy(bool)).any())) if drawn]
    if reasons:
        parts.append(f"grey: no rate ({' or '.join(reasons)})")
    return " · ".join(parts)


def _outside_note(table: pd.DataFrame, wave: str, grouping: str, minimum: int) -> str:
    """Why the bars of ``wave`` add up to fewer than its respondents, from ``table.attrs["outside"]``
    (:func:`cxcommit.analyses.participation.participation`): "14 respondents in “Other divisions”
    (no headcount of its own) not shown"; a count under ``minimum`` is not given. Empty when none."""
    outside = table.attrs.get("outside", {}).get(wave, {})
    parts = [(n, f"in “{escape_html(name)}” (no headcount of its own)") for name, n in outside.get("pooled", {}).items()]
    if outside.get("without"):
        parts.append((outside["without"], f"without a {escape_html(grouping)}"))
    return "; ".join(f"{n:,} respondents {where} not shown" if n >= minimum else f"respondents {where} not shown "
                     f"(fewer than {minimum})" for n, where in parts if n)

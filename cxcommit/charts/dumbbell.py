"""Leaders against staff: each item's two shares as dots joined by a line, a panel per group."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cxcommit.charts.common import numbers, pick, require, share_label, texts
from cxcommit.charts.layout import TICK_CHARS, finish, panels, short_ticks
from cxcommit.charts.options import ChartOptions
from cxcommit.charts.theme import LEADERS_COLOR, NEUTRAL, STAFF_COLOR, interval, pct, suppressed_trace
from cxcommit.errors import SettingsError
from cxcommit.text import ALL_GROUP, escape_html, shorten


def _gap_hover(row: dict, leaders: str, staff: str, confidence: float) -> str:
    spread = interval(row["ci_low"], row["ci_high"], confidence, points=True)
    return (f"<b>{escape_html(row['group'])}</b><br>{escape_html(row['label'])}<br>{leaders}: {pct(row['p_leaders'])} "
            f"(n = {int(row['n_leaders']):,})"
            f"<br>{staff}: {pct(row['p_staff'])} (n = {int(row['n_staff']):,})<br>Gap: {pct(row['gap'], signed=True)}"
            + (f" ({spread})" if spread else ""))


def _group_panel(fig: go.Figure, part: pd.DataFrame, where: dict, sides: tuple[str, str], legend: bool,
                 options: ChartOptions) -> None:
    """One group's dumbbells (shown items) and grey ``n<5`` marks (hidden items)."""
    leaders, staff = sides
    shown, hidden = part[~part["suppressed"]], part[part["suppressed"]]
    rows = shown.to_dict("records")
    hover = [_gap_hover(r, leaders, staff, options.confidence) for r in rows]
    fig.add_trace(go.Scatter(x=[v for r in rows for v in (r["p_leaders"], r["p_staff"], None)],
                             y=[v for r in rows for v in (escape_html(r["label"]),) * 2 + (None,)], mode="lines",
                             line={"color": NEUTRAL, "width": 3}, hoverinfo="skip", showlegend=False), **where)
    for side, colour, who in (("p_leaders", LEADERS_COLOR, leaders), ("p_staff", STAFF_COLOR, staff)):
        fig.add_trace(go.Scatter(x=numbers(shown[side]), y=texts(shown["label"]), mode="markers", name=who,
                                 marker={"color": colour, "size": 11}, legendgroup=who, showlegend=legend,
                                 hovertext=hover, hoverinfo="text",
                                 customdata=[[g, i] for g, i in zip(shown["group"], shown["item"])]), **where)
    if len(hidden):
        fig.add_trace(suppressed_trace([0] * len(hidden), hidden["label"].tolist(), hidden["group"].tolist(),
                                       options.min_group_size), **where)


def gap_dumbbell(perception_gap_table: pd.DataFrame, *, group: str | None = None, leaders: str = "Executives",
                 staff: str = "Staff", options: ChartOptions = ChartOptions()) -> go.Figure:
    """Leaders' share and staff's share of each item, two dots joined by a line; the gap and its
    interval on hover. Largest gap on top.

    Input: :func:`cxcommit.analyses.gaps.perception_gap`. With several groups, one panel per group (three
    a row) unless ``group`` picks one.
    """
    require(perception_gap_table, ["item", "label", "group", "n_leaders", "p_leaders", "n_staff", "p_staff", "gap",
                                   "ci_low", "ci_high", "suppressed"], "gap_dumbbell",
            "cxcommit.analyses.gaps.perception_gap(survey, by=...)")
    if perception_gap_table.empty:  # e.g. published for a large minimum, every role is "Other roles"
        raise SettingsError(f"gap_dumbbell: nobody to compare: the table has no {leaders.lower()} or no "
                            f"{staff.lower()}.", hint="With a large minimum group size, roles may be reported only "
                                                      "as \"Other roles\": try a smaller minimum.")
    table = pick(perception_gap_table, "group", group, "gap_dumbbell")
    leaders, staff = (escape_html(shorten(who, TICK_CHARS)) for who in (leaders, staff))  # legend names
    order = table.assign(_gap=numbers(table["gap"])).groupby("label", sort=False)["_gap"].mean()
    labels = order.sort_values(ascending=False, na_position="last", kind="stable").index.tolist()
    groups = list(dict.fromkeys(table["group"]))
    fig, positions, height = panels(groups, 3, len(labels), options.presentation)
    for number, (name, part) in enumerate(table.groupby("group", sort=False)):
        _group_panel(fig, part, dict(zip(("row", "col"), positions[name])), (leaders, staff), number == 0, options)
    fig.update_xaxes(range=[-0.03, 1.03], tickvals=[0, 0.25, 0.5, 0.75, 1], tickformat=".0%", zeroline=False)
    fig.update_xaxes(title_text=share_label(table), row=positions[groups[-1]][0])
    fig.update_yaxes(categoryorder="array", categoryarray=texts(labels[::-1]), range=[-0.6, len(labels) - 0.4],
                     showgrid=False)
    short_ticks(fig, "y", texts(labels))
    where = f" — {escape_html(groups[0])}" if len(groups) == 1 and groups[0] != ALL_GROUP else ""
    return finish(fig, f"{leaders} vs {staff}: how each side sees the signs{where}",
                  f"Gap = {leaders.lower()} minus {staff.lower()}; largest gap on top; hover for its "
                  f"{options.confidence:.0%} interval", height=height, options=options)

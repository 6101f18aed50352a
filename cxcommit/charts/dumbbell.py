"""Leaders against staff: each item's two shares as dots joined by a line, a panel per group."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cxcommit.charts.common import numbers, pick, require, share_label, texts
from cxcommit.charts.layout import TICK_CHARS, finish, mark_lowest, panels, short_ticks
from cxcommit.charts.options import ChartOptions
from cxcommit.charts.theme import (LEADERS_COLOR, MARK, NEUTRAL, STAFF_COLOR, interval, pct, suppressed_label,
                                   suppressed_trace)
from cxcommit.errors import SettingsError
from cxcommit.text import ALL_GROUP, escape_html, points, shorten, shorten_all


def _gap_hover(row: dict, leaders: str, staff: str, confidence: float) -> str:
    spread = interval(row["ci_low"], row["ci_high"], confidence, points=True)
    return (f"<b>{escape_html(row['group'])}</b><br>{escape_html(row['label'])}<br>{leaders}: {pct(row['p_leaders'])} "
            f"(n = {int(row['n_leaders']):,})"
            f"<br>{staff}: {pct(row['p_staff'])} (n = {int(row['n_staff']):,})<br>Gap: {pct(row['gap'], signed=True)}"
            + (f" ({spread})" if spread else ""))


GAP_AT = 1.24  # where each row's gap is written, right of the 100% line


def _ends(rows: list[dict]) -> tuple[list[str], list[str]]:
    """Where each side's number goes: outside its dot, the higher share's to the right."""
    leaders = ["middle right" if (r["p_leaders"] or 0) >= (r["p_staff"] or 0) else "middle left" for r in rows]
    return leaders, ["middle left" if side == "middle right" else "middle right" for side in leaders]


def _gap_text(row: dict, with_n: bool) -> str:
    """A row's gap in points (``●`` where significant), with both sides' n where the row label has no room."""
    mark = f"{MARK} " if bool(row.get("significant", False)) else ""
    text = f"{mark}{points(row['gap'], signed=True)}"
    return text + (f" · n {int(row['n_leaders']):,} | {int(row['n_staff']):,}" if with_n else "")


def _group_panel(fig: go.Figure, part: pd.DataFrame, where: dict, sides: tuple[str, str], legend: bool,
                 options: ChartOptions, with_n: bool) -> None:
    """One group's dumbbells (shown items: each share written beside its dot, the gap at the right)
    and grey ``n<5`` marks (hidden items: too few on one side or both)."""
    leaders, staff = sides
    shown, hidden = part[~part["suppressed"]], part[part["suppressed"]]
    rows = shown.to_dict("records")
    hover = [_gap_hover(r, leaders, staff, options.confidence) for r in rows]
    labels = texts(shown["label"])
    fig.add_trace(go.Scatter(x=[v for r in rows for v in (r["p_leaders"], r["p_staff"], None)],
                             y=[v for r in rows for v in (escape_html(r["label"]),) * 2 + (None,)], mode="lines",
                             line={"color": NEUTRAL, "width": 3}, hoverinfo="skip", showlegend=False), **where)
    for (side, colour, who), position in zip((("p_leaders", LEADERS_COLOR, leaders), ("p_staff", STAFF_COLOR, staff)),
                                             _ends(rows)):
        fig.add_trace(go.Scatter(x=numbers(shown[side]), y=labels, mode="markers+text", name=who,
                                 text=[pct(v) for v in shown[side]], textposition=position, cliponaxis=False,
                                 textfont={"color": colour}, marker={"color": colour, "size": 11}, legendgroup=who,
                                 showlegend=legend, hovertext=hover, hoverinfo="text",
                                 customdata=[[g, i] for g, i in zip(shown["group"], shown["item"])]), **where)
    fig.add_trace(go.Scatter(x=[GAP_AT - 0.1] * len(rows), y=labels, mode="text", name="Gap", showlegend=False,
                             text=[_gap_text(r, with_n) for r in rows], textposition="middle right",
                             hovertext=hover, hoverinfo="text", cliponaxis=False), **where)
    if len(hidden):
        fig.add_trace(suppressed_trace([0] * len(hidden), hidden["label"].tolist(), hidden["group"].tolist(),
                                       options.min_group_size).update(
            text=[f"{suppressed_label(options.min_group_size)}: too few {leaders.lower()} or {staff.lower()}"]
            * len(hidden)), **where)


def _row_names(table: pd.DataFrame, labels: list, sides: tuple[str, str]) -> list[str]:
    """Each item's row name with both sides' n under it (one group: the n are the row's own)."""
    n = {r["label"]: r for r in table.to_dict("records")}
    short = dict(zip(labels, shorten_all([str(label) for label in labels], TICK_CHARS)))  # kept apart
    names = []
    for label in labels:
        row, name = n[label], escape_html(short[label])
        if not bool(row["suppressed"]):
            name += (f"<br><span style='font-size:0.85em'>{sides[0].lower()} n={int(row['n_leaders']):,}, "
                     f"{sides[1].lower()} n={int(row['n_staff']):,}</span>")
        names.append(name)
    return names


def gap_dumbbell(perception_gap_table: pd.DataFrame, *, group: str | None = None, leaders: str = "Executives",
                 staff: str = "Staff", options: ChartOptions = ChartOptions()) -> go.Figure:
    """Leaders' share and staff's share of each item, two dots joined by a line, each share written
    beside its dot; the gap in points written at the right (● where ``significant``: Holm over the
    items); both sides' n under each item's name (one group) or under its gap (a panel per group).
    A row hidden because one side has too few answers says so in grey. Largest gap on top; the
    interval of the gap is in the hover and the table.

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
    # one panel on screen: both sides' n under each item's name; else (a panel per group, or a slide,
    # whose rows are too low for two lines) under each gap
    single = len(groups) == 1 and not options.presentation
    for number, (name, part) in enumerate(table.groupby("group", sort=False)):
        _group_panel(fig, part, dict(zip(("row", "col"), positions[name])), (leaders, staff), number == 0, options,
                     with_n=not single)
    fig.update_xaxes(range=[-0.12, GAP_AT + (0.45 if not single else 0.1)], tickvals=[0, 0.25, 0.5, 0.75, 1], tickformat=".0%",
                     zeroline=False)
    fig.update_xaxes(title_text=share_label(table), row=positions[groups[-1]][0])
    fig.update_yaxes(categoryorder="array", categoryarray=texts(labels[::-1]), range=[-0.6, len(labels) - 0.4],
                     showgrid=False)
    if single:
        fig.update_yaxes(tickmode="array", tickvals=texts(labels), ticktext=_row_names(table, labels, (leaders, staff)))
    else:
        short_ticks(fig, "y", texts(labels))
    where = f" — {escape_html(groups[0])}" if len(groups) == 1 and groups[0] != ALL_GROUP else ""
    n_where = "under each item" if single else f"under each gap ({leaders.lower()} | {staff.lower()})"
    fig = finish(fig, f"{leaders} vs {staff}: how each side sees the signs{where}",
                  f"Shares beside the dots · at the right: gap ({leaders.lower()} minus {staff.lower()}, points), "
                  f"{MARK} where it holds after adjusting for the items tested (Holm) · n {n_where} · "
                 "largest gap on top", height=height * (1.25 if single else 1), options=options)
    panel_rows = len({row for row, _ in positions.values()})
    # a dumbbell's row is one line (its dots and numbers), its axis numbers only under it: lower than a bar's
    return mark_lowest(fig, panel_rows * len(labels), options.presentation, below=50 + (panel_rows - 1) * 60,
                       per_row=20 if options.presentation else None)

"""How far groups spread: each item's lowest to highest group (variation), or every group as a dot (spread)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxcommit.charts.common import grouping_word, numbers, require, share_label, texts, with_shares
from cxcommit.charts.layout import TICK_CHARS, finish, mark_lowest, short_ticks
from cxcommit.charts.options import ChartOptions
from cxcommit.charts.theme import (ABOVE, BELOW, NEUTRAL, colorway, hover_text, ink, pct, row_height,
                                   suppressed_label)
from cxcommit.text import escape_html, points, shorten


def _variation_hover(row: dict, groups: str, groups_word: str) -> str:
    return (f"<b>{escape_html(row['label'])}</b><br>All respondents: {pct(row['p'])}"
            + (f" (n = {int(row['n']):,})" if "n" in row else "")
            + f"<br>{groups_word} from {pct(row['min_p'])} ({escape_html(row['lowest'])}) to {pct(row['max_p'])} "
              f"({escape_html(row['highest'])})"
            + f"<br>Share of variance between {groups}, net of chance (ω²): {pct(row['omega_sq'])}"
            + f"<br>SD of true shares between {groups}: {points(row['between_sd'], short=False)}"
            + (f"<br>Test of equal shares: adjusted p = {float(row['p_adj']):.2g}" if "p_adj" in row else ""))


END_NAME = 16  # characters of a group's name at a bar's end: with its share, it fits the room beside 0 % and 100 %


def variation_chart(variation_table: pd.DataFrame, *, groups: str = "units",
                    options: ChartOptions = ChartOptions()) -> go.Figure:
    """Per item, the range of group shares (lowest to highest group, named) with the pooled share,
    ranked by the between-group share of variance net of chance (ω²), top first: the share of the spread
    beyond what chance would make, not the width of the bar, so a short bar with little noise may rank
    above a long one; a name at either end may stand for several groups tied there.

    Input: :func:`cxcommit.analyses.variation.variation`. Items whose test of equal shares is significant
    (after adjustment) are drawn in blue, the others in grey.
    """
    require(variation_table, ["label", "p", "min_p", "max_p", "lowest", "highest", "omega_sq", "between_sd",
                             "significant"],
            "variation_chart", "cxcommit.analyses.variation.variation(survey, by=...)")
    dark = options.dark
    table = variation_table.sort_values("omega_sq", ascending=False, kind="stable")
    rows = table.to_dict("records")
    labels = texts(table["label"])
    groups, groups_word = escape_html(groups), escape_html(groups.capitalize())
    fig = go.Figure()
    for significant, colour, name in ((True, ABOVE, f"{groups_word} differ (significant)"),
                                      (False, NEUTRAL, "Difference could be chance")):
        part = [r for r in rows if bool(r["significant"]) == significant]
        if part:  # one trace of segments, each item's min to max, broken by None
            fig.add_trace(go.Scatter(x=[v for r in part for v in (r["min_p"], r["max_p"], None)],
                                     y=[v for r in part for v in (escape_html(r["label"]),) * 2 + (None,)],
                                     mode="lines", line={"color": colour, "width": 7}, name=name, hoverinfo="skip"))
    hover = [_variation_hover(r, groups, groups_word) for r in rows]
    for end, names, side in (("min_p", "lowest", "middle left"), ("max_p", "highest", "middle right")):
        fig.add_trace(go.Scatter(x=table[end], y=labels, mode="markers+text",
                                 text=[f"{escape_html(shorten(name, END_NAME))} {pct(v)}" if side == "middle right" else
                                       f"{pct(v)} {escape_html(shorten(name, END_NAME))}"
                                       for name, v in zip(table[names], table[end])],
                                 textposition=side, marker={"color": ink(dark), "size": 6}, cliponaxis=False,
                                 hovertext=hover, hoverinfo="text", showlegend=False))
    fig.add_trace(go.Scatter(x=table["p"], y=labels, mode="markers", name="All respondents",
                             marker={"symbol": "diamond", "size": 11, "color": colorway(dark)[1],
                                     "line": {"color": ink(dark), "width": 1}},
                             hovertext=hover, hoverinfo="text"))
    fig.update_xaxes(range=[-0.85, 1.85], tickvals=np.linspace(0, 1, 6), tickformat=".0%", zeroline=False,
                     title_text=f"{share_label(table)} ({groups} from lowest to highest)")
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    short_ticks(fig, "y", list(labels))
    fig = finish(fig, f"Where {groups} disagree most",
                 f"Each bar: lowest to highest of the {groups} · ◆ all respondents · "
                 f"ranked by how much of the spread is beyond chance (ω²)",
                 height=200 + len(table) * row_height(options.presentation) * 1.3, options=options)
    return mark_lowest(fig, len(table), options.presentation)


def _hidden_note(table: pd.DataFrame, min_group_size: int) -> str:
    """`` · hidden (n<5): A · n<5 on some items: B, C, D and 2 more`` for the groups hidden on every
    item, then those hidden on some (shown as dots, maybe named at an end, on the others); else nothing."""
    everywhere = table.groupby("group", observed=True, sort=False)["suppressed"].all()
    hidden = list(dict.fromkeys(table.loc[table["suppressed"], "group"]))
    label = suppressed_label(min_group_size)
    parts = [(f"hidden ({label})", [g for g in hidden if everywhere[g]]),
             (f"{label} on some items", [g for g in hidden if not everywhere[g]])]
    return "".join(f" · {what}: " + ", ".join(texts(names[:4])) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
                   for what, names in parts if names)


def _end_names(shown: pd.DataFrame) -> go.Scatter:
    """The lowest and the highest group of each item named beside its dot, with its share."""
    shown = shown.assign(_p=numbers(shown["p"]))
    ends = pd.concat([shown.loc[shown.groupby("item")["_p"].idxmin()].assign(_side="middle left"),
                      shown.loc[shown.groupby("item")["_p"].idxmax()].assign(_side="middle right")])
    ends = ends[~ends.index.duplicated(keep="first")]  # one group shown: named once
    text = [f"{pct(p)} {escape_html(shorten(g, END_NAME))}" if side == "middle left" else
            f"{escape_html(shorten(g, END_NAME))} {pct(p)}"
            for g, p, side in zip(ends["group"], ends["_p"], ends["_side"])]
    return go.Scatter(x=ends["_p"], y=ends["_y"], mode="text", text=text, textposition=list(ends["_side"]),
                      cliponaxis=False, hoverinfo="skip", showlegend=False, name="Lowest and highest")


def spread_chart(rates_table: pd.DataFrame, *, overall: pd.DataFrame | None = None,
                 options: ChartOptions = ChartOptions()) -> go.Figure:
    """How far groups spread: per item, each shown group as a dot on the share axis, with a line at
    the organisation's share.

    Input: :func:`cxcommit.analyses.rates.rates` by one grouping; ``overall``: :func:`cxcommit.analyses.rates.rates`
    without ``by`` for the organisation line (without it, the pooled share of the shown groups).
    Dots are blue / orange where the group is significantly above / below the rest. The lowest and
    the highest group of each item are named beside their dots, with their shares (naming every
    dot would bury them: 30 units share a row).
    """
    require(rates_table, ["item", "label", "group", "n", "k", "p", "suppressed"], "spread_chart",
            "cxcommit.analyses.rates.rates(survey, by=...)")
    table = with_shares(rates_table)
    items = list(dict.fromkeys(table["item"]))
    labels = dict(zip(table["item"], table["label"]))
    shown = table[~table["suppressed"] & table["p"].notna()].copy()
    shown["_y"] = shown["item"].map({item: i for i, item in enumerate(items)})
    shown["_y"] += (shown.groupby("item")["p"].rank(method="first") % 5 - 2) * 0.08  # jitter by rank: no overlap
    significant = shown["significant"].astype(bool) if "significant" in shown else False
    diff = numbers(shown["diff"]) if "diff" in shown else np.zeros(len(shown))
    kinds = np.where(significant & (diff > 0), "above", np.where(significant & (diff < 0), "below", "other"))
    fig = go.Figure()
    share_word = share_label(table)
    for kind, colour, name in (("other", NEUTRAL, "Not clearly different from the rest"),
                               ("above", ABOVE, "Above the rest (significant)"),
                               ("below", BELOW, "Below the rest (significant)")):
        part = shown[kinds == kind]
        fig.add_trace(go.Scatter(x=numbers(part["p"]), y=part["_y"], mode="markers", name=name,
                                 marker={"color": colour, "size": 9, "opacity": 0.85, "line": {"width": 0}},
                                 hovertext=[hover_text(r, confidence=options.confidence, share_word=share_word)
                                            for r in part.to_dict("records")], hoverinfo="text",
                                 customdata=[[g, i] for g, i in zip(part["group"], part["item"])]))
    fig.add_trace(_end_names(shown))
    if overall is not None:
        organisation, line_name = overall.set_index("item")["p"], "All respondents"
    else:
        sums = shown.groupby("item")[["k", "n"]].sum()
        organisation, line_name = sums["k"] / sums["n"], "Shown groups together"
    fig.add_trace(go.Scatter(x=[organisation.get(i) for i in items], y=list(range(len(items))), mode="markers",
                             name=line_name,
                             marker={"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": ink(options.dark)}},
                             hovertext=[f"<b>{line_name}</b><br>{escape_html(labels[i])}: {pct(organisation.get(i))}"
                                        for i in items], hoverinfo="text"))
    note = _hidden_note(table, options.min_group_size)
    fig.update_xaxes(range=[-0.85, 1.85], tickvals=np.linspace(0, 1, 6), tickformat=".0%", title_text=share_word,
                     zeroline=False)
    fig.update_yaxes(tickvals=list(range(len(items))), ticktext=texts(shorten(labels[i], TICK_CHARS) for i in items),
                     autorange="reversed",
                     showgrid=False, zeroline=False)
    return finish(fig, f"How far each {grouping_word(table)} spreads",
                  f"One dot per {grouping_word(table)}, the lowest and highest named · | the {line_name.lower()}{note}",
                  height=200 + len(items) * row_height(options.presentation) * 1.6, options=options)

"""The best group on each item, named, with how far the others are behind it: one row per item."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxcommit.charts.common import grouping_word, require, share_label, texts
from cxcommit.charts.layout import finish, short_ticks
from cxcommit.charts.options import ChartOptions
from cxcommit.charts.theme import ABOVE, NEUTRAL, colorway, ink, pct, row_height, suppressed_label
from cxcommit.text import escape_html, points, shorten

BEHIND_AT = 1.22  # where each row's "how many are behind" is written, right of the 100% line


def best_rows(gap_to_best_table: pd.DataFrame) -> pd.DataFrame:
    """One row per item from :func:`cxcommit.analyses.gaps.gap_to_best`: ``item``, ``label``,
    ``best_group``, ``n_best_tied``, ``best_p`` (its observed share), ``best_shrunk`` (its estimate net
    of chance, on which it was picked), ``median_p`` and ``median_shrunk`` (the median observed share
    and the median estimate of the other shown groups), ``median_gap`` (their median gap to the best,
    between estimates), ``behind`` (how many of them are behind it beyond chance: the gap's interval
    above 0), ``others`` (how many shown groups besides the best), ``all_tied`` (every other group is
    tied with the best: no group is best), ``most_tied`` (more than half the shown groups tie at the
    top, or none is behind the best beyond chance: naming one of them as best would mislead; true
    wherever ``all_tied`` is) and ``hidden`` (groups under the minimum); largest median gap first.

    The median estimate is never above the best's: the best has the highest estimate, and the chart
    draws estimates for that reason (an observed share may lie below the others' median)."""
    shown = gap_to_best_table[~gap_to_best_table["suppressed"].astype(bool)]
    shown = shown.assign(_p=shown["p"].astype(float), _shrunk=shown["p_shrunk"].astype(float),
                         _gap=shown["gap"].astype(float), _behind=shown["ci_low"].astype(float) > 0,
                         _best=shown["group"] == shown["best_group"])
    others = shown[~shown["_best"]].groupby("item", sort=False)
    best = shown[shown["_best"]].set_index("item")
    rows = pd.DataFrame({"median_p": others["_p"].median(), "median_shrunk": others["_shrunk"].median(),
                         "median_gap": others["_gap"].median(), "behind": others["_behind"].sum(),
                         "others": others.size()})
    rows = best[["label", "best_group", "n_best_tied", "best_p", "best_shrunk"]].join(rows, how="inner")
    rows["all_tied"] = rows["n_best_tied"].astype(float) - 1 >= rows["others"]
    rows["most_tied"] = rows["all_tied"] | (rows["n_best_tied"].astype(float) * 2 > rows["others"] + 1) | (
        rows["behind"] == 0)
    hidden = gap_to_best_table[gap_to_best_table["suppressed"].astype(bool)].groupby("item").size()
    rows["hidden"] = hidden.reindex(rows.index, fill_value=0).astype(int)
    return rows.reset_index().sort_values("median_gap", ascending=False, kind="stable").reset_index(drop=True)


def _best_name(row: dict) -> str:
    """The best group's name, how many tie with it and its estimate, marked "est." (the heatmap and
    the variation chart give observed shares, which differ); where all or most tie, that they do
    ("all 9 tied", "34 of 36 tie at the top"), naming none."""
    if row["all_tied"]:
        return f"all {int(row['others']) + 1} tied, highest est. {pct(row['best_shrunk'])}"
    if row["most_tied"]:
        return (f"{int(row['n_best_tied'])} of {int(row['others']) + 1} tie at the top, highest est. "
                f"{pct(row['best_shrunk'])}")
    tied = int(row["n_best_tied"]) - 1 if pd.notna(row["n_best_tied"]) else 0
    return (escape_html(shorten(row["best_group"], 28)) + (f" (+{tied} tied)" if tied > 0 else "")
            + f" est. {pct(row['best_shrunk'])}")


def _best_hover(row: dict) -> str:
    """The best group's hover: its name (where all tie, that none is best), estimate and observed share."""
    if row["most_tied"]:
        who = "all" if row["all_tied"] else f"{int(row['n_best_tied'])} of"
        return (f"No best: {who} {int(row['others']) + 1} tied at the top<br>Highest estimate net of chance: "
                f"{pct(row['best_shrunk'])}")
    return (f"{escape_html(row['best_group'])}<br>Estimate net of chance: {pct(row['best_shrunk'])}"
            f"<br>Observed share: {pct(row['best_p'])}")


def _side(x: float) -> str:
    """Where a best dot's text goes: left of a dot right of the middle, so that it keeps clear of the
    "behind" column; right of one left of it, so that it keeps clear of the item labels."""
    return "top left" if x >= 0.45 else "top right"


def _best_dots(part: list[dict], name: str, color: str) -> go.Scatter:
    """The best dots of ``part`` (rows with a best, or rows where all tie) with their texts and hovers."""
    return go.Scatter(x=[r["best_shrunk"] for r in part], y=texts(r["label"] for r in part), mode="markers+text",
                      name=name, text=[_best_name(r) for r in part], textposition=[_side(r["best_shrunk"]) for r in part],
                      cliponaxis=False, marker={"color": color, "size": 13},
                      customdata=[[r["best_group"], r["item"]] for r in part],
                      hovertext=[_best_hover(r) for r in part], hoverinfo="text")


def _rows(rows: list[dict], labels: list[str], word: str, options: ChartOptions) -> go.Figure:
    """The figure's traces: the line from the median to the best, the two dots with their texts, and
    how many are behind at the right."""
    fig = go.Figure(go.Scatter(x=[v for r in rows for v in (r["median_shrunk"], r["best_shrunk"], None)],
                               y=[v for label in labels for v in (label, label, None)], mode="lines",
                               line={"color": NEUTRAL, "width": 3}, hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scatter(x=[r["median_shrunk"] for r in rows], y=labels, mode="markers+text", name=f"Median {word}",
                             text=[pct(r["median_shrunk"]) for r in rows], textposition="middle left", cliponaxis=False,
                             marker={"color": colorway(options.dark)[1], "size": 11},
                             hovertext=[f"Median estimate: {pct(r['median_shrunk'])}<br>Median observed share: "
                                        f"{pct(r['median_p'])}" for r in rows], hoverinfo="text"))
    for name, part, color in _best_kinds(rows, word):
        if part:
            fig.add_trace(_best_dots(part, name, color))
    fig.add_trace(go.Scatter(x=[BEHIND_AT] * len(rows), y=labels, mode="text", name="Behind", showlegend=False,
                             text=[_behind_text(r) for r in rows], textfont={"color": ink(options.dark)},
                             hoverinfo="skip", cliponaxis=False))
    return fig


def _best_kinds(rows: list[dict], word: str) -> list[tuple[str, list[dict], str]]:
    """The rows with a best (its colour), those where all tie and those where most do (grey, no best)."""
    return [(f"Best {word}", [r for r in rows if not r["most_tied"]], ABOVE),
            ("All tied: no best", [r for r in rows if r["all_tied"]], NEUTRAL),
            ("Most tied at the top: no best", [r for r in rows if r["most_tied"] and not r["all_tied"]], NEUTRAL)]


def _behind_text(row: dict) -> str:
    """How many are behind the best beyond chance ("none behind" where none is), and the median gap."""
    behind = f"{int(row['behind'])} of {int(row['others'])} behind" if row["behind"] else "none behind"
    return f"{behind}<br>median {points(row['median_gap'])}"


def best_group_chart(gap_to_best_table: pd.DataFrame, *, group_word: str | None = None,
                     options: ChartOptions = ChartOptions()) -> go.Figure:
    """Per item, the best group named with its estimated share (a dot at the right end), the median
    estimate of the other groups (a dot at the left end), and at the right how many of the others
    are behind the best beyond chance. Largest median gap on top.

    Input: :func:`cxcommit.analyses.gaps.gap_to_best` (rows per group and item; :func:`best_rows`
    summarises them). The best is the group with the highest estimate net of chance (shrunk toward
    the mean, so a small group's lucky share does not win); "+2 tied" counts the groups whose
    estimate lies within its interval; where every group ties, or most do, or none is behind the best
    beyond chance, no group is named best and the row says so ("34 of 36 tie at the top", "none behind").
    The dots are the estimates the best was picked on (the observed shares are in the hovers): drawn
    as observed, a best group could sit below the others' median. The gaps are between the same
    estimates (Morris 1983, as in the analysis); where all tie, the highest estimate is drawn in grey. ``group_word``: what one group is called ("business unit"; default: read off the table). Groups under the minimum group size take no part and are counted in the subtitle.
    """
    require(gap_to_best_table, ["item", "label", "group", "p", "p_shrunk", "best_group", "n_best_tied", "best_p",
                                "best_shrunk", "gap", "ci_low", "suppressed"], "best_group_chart", "cxcommit.analyses.gaps.gap_to_best(survey, by=...)")
    rows = best_rows(gap_to_best_table).to_dict("records")
    word = escape_html(group_word) if group_word else grouping_word(gap_to_best_table)
    labels = texts(r["label"] for r in rows)
    fig = _rows(rows, labels, word, options)
    fig.update_xaxes(range=[-0.1, BEHIND_AT + 0.12], tickvals=np.linspace(0, 1, 5), tickformat=".0%", zeroline=False,
                     title_text=f"{share_label(gap_to_best_table)}, estimated net of chance")
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels, showgrid=False)
    short_ticks(fig, "y", labels)
    hidden = max((r["hidden"] for r in rows), default=0)
    note = (f" · {hidden} {word}s hidden ({suppressed_label(options.min_group_size)}) take no part" if hidden else "")
    return finish(fig, f"The best {word} on each item, and how far the others are behind",
                  f"Best: highest estimate net of chance (est.), not the observed share · +k: tied within its interval; "
                  f"all or most tied, or none behind: no best · median estimate of the other {word}s at the left · at the right: how many are behind the best beyond "
                  f"chance ({options.confidence:.0%} interval), and the median gap · largest median gap on top{note}",
                  height=220 + len(rows) * row_height(options.presentation) * 1.8, options=options)

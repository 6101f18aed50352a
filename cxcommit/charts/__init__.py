"""One function per chart: a library table in, a plotly Figure out (never streamlit).

Each function takes the table a library function returns (named in its docstring), keyword
options, and ``presentation`` / ``dark`` (see :func:`cxcommit.charts.theme.apply_theme`). A suppressed
row never shows a number — not as text, hover or custom data; it is drawn as a grey ``n<5``
(the minimum group size is the ``min_group_size`` option). Where a chart marks a group, its
``customdata`` starts with the group's name, so a click can tell which group was chosen.

Names and labels from the data (groups, items, waves, grouping and metric names) are drawn as
text, never read as plotly's tags: each enters the figure through
:func:`~cxcommit.text.escape_html` (``customdata`` keeps them as they are, for the click).

>>> from cxcommit.demo import load_demo
>>> from cxcommit.analyses.rates import rates
>>> fig = signs_heatmap(rates(load_demo(), by="division"))
>>> fig.layout.title.text
'The signs by division'
"""
from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cxcommit.analyses.groups import ALL_GROUP
from cxcommit.charts.theme import (ABOVE, BELOW, DIVERGING, LEADERS_COLOR, NEUTRAL, SEQUENTIAL, STAFF_COLOR,
                                   apply_theme, colorway, font_size, hover_text, ink, interval, pct, place_header,
                                   row_height, suppressed_cells, suppressed_hover, suppressed_label, suppressed_trace)
from cxcommit.errors import SettingsError
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.stats.correlation import correlation
from cxcommit.text import escape_html, shorten
from cxcommit.vocabulary import column_label, grouping_text

__all__ = ["caption", "commitment_chart", "gap_bars", "gap_dumbbell", "index_trend_chart", "pay_scatter",
           "pay_trend_chart", "signs_heatmap", "spread_chart", "trend_chart", "variation_chart"]

HEATMAP_SORTS = ("score", "size", "name")
HEATMAP_COLOURS = ("diff", "p")
GAP_VALUES = ("gap", "p")
SHARE_COLUMNS = ("sign_7", "fully_committed")


# --- helpers -------------------------------------------------------------------------------------------------

def _require(table: pd.DataFrame, columns: list[str], chart: str, producer: str) -> None:
    missing = [c for c in columns if c not in table]
    if missing:
        raise SettingsError(f"{chart} needs the column(s) {', '.join(missing)}; the table it got has "
                            f"{', '.join(map(str, table.columns)) or 'no columns'}.",
                            hint=f"Pass the table that {producer} returns.")


def _choice(value: str, allowed: tuple[str, ...], name: str, chart: str) -> None:
    if value not in allowed:
        raise SettingsError(f"Unknown {name} {value!r} for {chart}.", hint=f"Use one of: {', '.join(allowed)}.")


def _texts(values) -> list[str]:
    """Names or labels from the data as plotly should draw them (:func:`~cxcommit.text.escape_html`)."""
    return [escape_html(v) for v in values]


TICK_CHARS = 40  # a category's name on an axis is cut to this many characters ("…"); the hover has it whole


def _short_ticks(fig: go.Figure, axis: str, categories: list[str], **where) -> None:
    """Name the categories of ``axis`` ("x" or "y"), given as drawn (:func:`_texts`), with at most
    :data:`TICK_CHARS` characters each, so that a unit named in 100 characters does not squeeze the
    plot into a strip. The categories themselves (and the clicks' ``customdata``) stay whole."""
    categories = [c for c in dict.fromkeys(categories) if c is not None]
    texts = [escape_html(shorten(html.unescape(c), TICK_CHARS)) for c in categories]
    if texts != categories:
        update = fig.update_xaxes if axis == "x" else fig.update_yaxes
        update(tickmode="array", tickvals=categories, ticktext=texts, **where)


def _numbers(values) -> np.ndarray:
    return pd.Series(values).to_numpy(dtype=float, na_value=np.nan)


def _pick(table: pd.DataFrame, column: str, value, chart: str) -> pd.DataFrame:
    """Rows where ``column`` is ``value`` (all rows when ``value`` is None); an unknown value lists the known ones."""
    if value is None:
        return table
    if value not in set(table[column]):
        raise SettingsError(f"{chart}: there is no {column} {value!r} in this table.",
                            hint=f"Use one of: {', '.join(map(str, dict.fromkeys(table[column])))}.")
    return table[table[column] == value]


def _grouping_word(table: pd.DataFrame) -> str:
    """``business unit`` for a table by business unit: the grouping column right after ``group``."""
    columns = list(table.columns)
    after = columns[columns.index("group") + 1] if "group" in columns[:-1] else "n"
    return "group" if after in ("n", "wave", "item", "label") else escape_html(grouping_text(after))


def share_label(table: pd.DataFrame) -> str:
    """What a share of this table is called: ``Share answering yes`` (yes/no items) or ``Share favourable``."""
    if "scale" in table:
        return "Share answering yes" if (table["scale"] == "yes_no").all() else "Share favourable"
    signs = "item" in table and set(table["item"]) <= set(SIGN_IDS)
    return "Share answering yes" if signs else "Share favourable"


def _with_shares(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of items that have a share (not pure averages); an item hidden in every group stays."""
    by_item = table.groupby("item", sort=False)
    keep = by_item["p"].transform(lambda p: p.notna().any()) | by_item["suppressed"].transform("all")
    return table[keep.astype(bool)]


def _wave_order(table: pd.DataFrame) -> list[str]:
    """Waves in time order, merged from each group's own (time-ordered) waves: each wave comes after
    every wave some group has before it (ties in order of first appearance)."""
    first = list(dict.fromkeys(table["wave"]))
    before: dict = {wave: set() for wave in first}
    for _, part in table.groupby("group", sort=False):
        waves = list(dict.fromkeys(part["wave"]))
        for earlier, later in zip(waves, waves[1:]):
            before[later].add(earlier)
    order: list[str] = []
    while len(order) < len(first):
        ready = [wave for wave in first if wave not in order and before[wave] <= set(order)]
        order.append(ready[0] if ready else next(wave for wave in first if wave not in order))
    return order


def _errors(value, low, high) -> dict:
    """Asymmetric error bars from an interval (plotly wants distances, not ends)."""
    return {"type": "data", "symmetric": False, "array": _numbers(high) - _numbers(value),
            "arrayminus": _numbers(value) - _numbers(low), "width": 3}


def _finish(fig: go.Figure, title: str, subtitle: str, *, height: float, presentation: bool,
            dark: bool) -> go.Figure:
    place_header(fig, title, subtitle, height=int(height), presentation=presentation)
    return apply_theme(fig, presentation=presentation, dark=dark)


def _panels(keys: list, columns: int, rows_each: int, presentation: bool) -> tuple[go.Figure, dict, int]:
    """Small multiples on one scale: the figure, each key's (row, col), and a height that fits.

    Up to ``columns`` a row, in as few rows as that allows, spread evenly over them (4 panels at
    3 a row: 2 + 2). Every panel has the same x scale; the lowest panel of each column carries its
    tick labels, and empty places draw nothing.
    """
    count = max(1, len(keys))
    rows = math.ceil(count / columns)
    columns = math.ceil(count / rows)
    width = {1: 90, 2: 60, 3: 40}.get(columns, 26)  # characters a panel title has room for on a wide screen
    titles = ["<br>".join(textwrap.wrap(escape_html(k), width)[:2]) for k in keys] if len(keys) > 1 else None
    height = 180 + rows * (rows_each * row_height(presentation) + 60)
    fig = make_subplots(rows=rows, cols=columns, shared_yaxes=True, subplot_titles=titles,
                        vertical_spacing=min(0.12, 90 / height), horizontal_spacing=0.05)
    positions = {key: (i // columns + 1, i % columns + 1) for i, key in enumerate(keys)}
    lowest = {col: max(r for r, c in positions.values() if c == col) for _, col in positions.values()}
    for row in range(1, rows + 1):
        for col in range(1, columns + 1):
            if (row, col) not in positions.values():
                fig.update_xaxes(visible=False, row=row, col=col)
                fig.update_yaxes(visible=False, row=row, col=col)
            else:
                fig.update_xaxes(showticklabels=row == lowest[col], row=row, col=col)
    fig.update_xaxes(matches="x")
    return fig, positions, height


def _hidden_suffix(waves: list[str], min_group_size: int) -> str:
    if not waves:
        return ""
    which = ", ".join(_texts(waves)) if len(waves) <= 2 else f"{len(waves)} waves"
    return f" ({suppressed_label(min_group_size)} in {which})"


def _lines_over_waves(fig: go.Figure, table: pd.DataFrame, *, y: str, colours: dict, hover: Callable,
                      min_group_size: int, low: str | None = None, high: str | None = None,
                      position: tuple[int, int] | None = None, legend: bool = True) -> None:
    """One line per group across waves; a suppressed wave is a break in the line and named in the legend."""
    for group, part in table.groupby("group", sort=False):
        hidden = part["suppressed"].to_numpy(dtype=bool)
        values = np.where(hidden, np.nan, _numbers(part[y]))
        errors = None
        if low and high:
            errors = _errors(values, np.where(hidden, np.nan, _numbers(part[low])),
                             np.where(hidden, np.nan, _numbers(part[high])))
            errors.update(color=colours[group])
        rows = part.to_dict("records")
        fig.add_trace(go.Scatter(
            x=_texts(part["wave"]), y=values, mode="lines+markers", connectgaps=False, error_y=errors,
            name=escape_html(shorten(group, TICK_CHARS)) + _hidden_suffix(part.loc[hidden, "wave"].tolist(), min_group_size),
            legendgroup=str(group), showlegend=legend, line={"color": colours[group]},
            hovertext=[suppressed_hover(f"{r['group']} · {r['wave']}", min_group_size)
                       if r["suppressed"] else hover(r) for r in rows],
            hoverinfo="text", customdata=[[r["group"], r["wave"]] for r in rows],
        ), **({"row": position[0], "col": position[1]} if position else {}))


def _group_colours(table: pd.DataFrame, dark: bool) -> dict:
    palette = colorway(dark)
    return {g: palette[i % len(palette)] for i, g in enumerate(dict.fromkeys(table["group"]))}


def _wave_axis(fig: go.Figure, table: pd.DataFrame) -> None:
    """Waves as categories in time order, on every x axis."""
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=_texts(_wave_order(table)))


def _index_hover(row: dict, confidence: float) -> str:
    """Hover of a commitment-index row: n, mean signs met and share fully committed, with intervals."""
    lines = [f"<b>{escape_html(row['group'])}</b>" + (f" · {escape_html(row['wave'])}" if "wave" in row else ""),
             f"n = {int(row['n']):,}",
             (f"Mean signs met: {float(row['mean_signs']):.1f} of 8 ({confidence:.0%} interval "
              f"{float(row['mean_ci_low']):.1f}–{float(row['mean_ci_high']):.1f})")]
    if pct(row.get("p")):
        spread = interval(row.get("ci_low"), row.get("ci_high"), confidence)
        lines.append(f"Fully committed (all 8): {pct(row['p'])}" + (f" ({spread})" if spread else ""))
    return "<br>".join(lines)


# --- charts --------------------------------------------------------------------------------------------------

def _column_order(table: pd.DataFrame, sort: str) -> list:
    """Groups by overall score (mean share, best first), size (most answers first) or name; from shown
    cells only, so groups hidden everywhere go last (by name)."""
    shown = table[~table["suppressed"]]
    score = {"score": shown.groupby("group")["p"].mean(), "size": shown.groupby("group")["n"].max()}.get(sort)
    if score is None:
        return sorted(dict.fromkeys(table["group"]), key=str)
    score = score.astype(float).dropna()
    return sorted(dict.fromkeys(table["group"]), key=lambda g: (g not in score, -score.get(g, 0.0), str(g)))


def _colour_scale(z: np.ndarray, color: str, share_word: str) -> dict:
    """Heatmap colours: diverging and symmetric around 0 for a difference (ticks in points), sequential for a share."""
    if color == "p":
        ticks = np.linspace(0, 1, 5)
        return {"colorscale": SEQUENTIAL, "zmin": 0, "zmax": 1, "colorbar": {
            "title": {"text": share_word}, "tickvals": ticks, "ticktext": [pct(t) for t in ticks], "thickness": 14}}
    limit = max(0.05, math.ceil(np.nanmax(np.abs(z), initial=0.0) * 20) / 20)  # up to the next 5 points
    step = 0.1 if limit > 0.2 else 0.05
    ticks = np.arange(-(limit // step), limit // step + 1) * step
    return {"colorscale": DIVERGING, "zmid": 0, "zmin": -limit, "zmax": limit, "colorbar": {
        "title": {"text": "Difference to<br>the others (points)"}, "tickvals": ticks, "thickness": 14,
        "ticktext": [f"{t * 100:+.0f}" if round(t * 100) else "0" for t in ticks]}}


def signs_heatmap(rates_table: pd.DataFrame, *, sort: str = "score", color: str = "diff", values: bool | None = None,
                  min_group_size: int = 5, confidence: float = 0.95, presentation: bool = False,
                  dark: bool = False) -> go.Figure:
    """Items (rows) by groups (columns): colour = difference to the rest of the organisation
    (``color="diff"``, diverging, centred at 0) or the share itself (``color="p"``); number = share.

    Input: :func:`cxcommit.analyses.rates.rates` by one grouping. ``sort`` orders the columns by overall
    score (mean share over the items, best first), ``size`` (most answers first) or ``name``; groups
    hidden everywhere go last. ``values``: write the share in each cell (default: when the columns
    leave room, up to 32, or 16 in ``presentation``); the hover always has it. Each cell's
    ``customdata`` is ``[group, item]``.
    """
    _require(rates_table, ["item", "label", "group", "n", "p", "diff", "suppressed"], "signs_heatmap",
             "cxcommit.analyses.rates.rates(survey, by=...)")
    _choice(sort, HEATMAP_SORTS, "sort", "signs_heatmap")
    _choice(color, HEATMAP_COLOURS, "color", "signs_heatmap")
    table = _with_shares(rates_table)
    groups, items = _column_order(table, sort), list(dict.fromkeys(table["item"]))
    cells = {(r["item"], r["group"]): r for r in table.to_dict("records")}
    grid = [[cells.get((i, g)) for g in groups] for i in items]
    shown = [[c is not None and not c["suppressed"] for c in line] for line in grid]
    z = np.array([[float(c[color]) if ok and pd.notna(c[color]) else np.nan for c, ok in zip(line, oks)]
                  for line, oks in zip(grid, shown)])
    share_word = share_label(table)
    values = len(groups) <= (16 if presentation else 32) if values is None else values
    text = [[pct(c["p"]) if ok and values else "" for c, ok in zip(line, oks)] for line, oks in zip(grid, shown)]
    hover = [[hover_text(c, confidence=confidence, min_group_size=min_group_size, share_word=share_word)
              if c is not None else "" for c in line] for line in grid]
    customdata = [[[g, i] for g in groups] for i in items]
    labels = list(dict(zip(table["item"], table["label"])).values())
    x, y = _texts(groups), _texts(labels)
    chars = max(4, len(suppressed_label(min_group_size)))  # "100%" or "n<150" fits in a column of ~840/groups px
    cell_font = int(min(font_size(presentation), max(6, 840 / len(groups) / (0.62 * chars))))
    fig = go.Figure(go.Heatmap(
        z=z, x=x, y=y, text=text, texttemplate="%{text}", textfont={"size": cell_font}, hoverinfo="skip",
        customdata=customdata, xgap=2, ygap=2, name="Share", **_colour_scale(z, color, share_word)))
    hidden = [[c is not None and bool(c["suppressed"]) for c in line] for line in grid]
    cells = suppressed_cells(hidden, groups, labels, customdata, min_group_size, font=cell_font, labelled=values)
    fig.add_trace(cells.update(hoverinfo="skip"))
    # Clicks select points of scatter traces, not heatmap cells: an invisible marker on each cell
    # carries the cell's hover and its [group, item] to the click.
    present = [(g, label, cell, h) for line, label, hovers, ids in zip(grid, y, hover, customdata)
               for g, cell, h in zip(x, ids, hovers) if h]
    fig.add_trace(go.Scatter(
        x=[g for g, _, _, _ in present], y=[label for _, label, _, _ in present], mode="markers",
        marker={"symbol": "square", "size": 30, "color": "rgba(0,0,0,0)"}, hovertext=[h for *_, h in present],
        hoverinfo="text", customdata=[cell for _, _, cell, _ in present], showlegend=False, name="Cells",
        hoverlabel={"bgcolor": "white", "bordercolor": "#999999", "font": {"color": "#222222"}},
        selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 1}}))
    fig.update_layout(hovermode="closest", hoverdistance=-1, clickmode="event+select")
    column = 600 / len(groups)  # pixels a column has on a laptop screen (more on a wide one)
    longest = max(len(shorten(g, TICK_CHARS)) for g in groups) * 0.58 * font_size(presentation)
    many, crowded = longest > 0.9 * column, column < 1.8 * font_size(presentation)
    fig.update_xaxes(tickangle=-90 if crowded else -40 if many else 0, showgrid=False, tickmode="array",
                     tickvals=x, ticktext=_texts(shorten(g, TICK_CHARS) for g in groups),  # every column named
                     tickfont={"size": min(font_size(presentation), max(9, int(column / 1.4)))})
    fig.update_yaxes(autorange="reversed", showgrid=False)
    _short_ticks(fig, "y", y)
    what = "difference to the other groups together (blue above, orange below)" if color == "diff" else "the share"
    number = f"Number: {share_word.lower()} · " if values else f"Hover for the {share_word.lower()} · "
    return _finish(fig, f"The signs by {_grouping_word(table)}",
                   f"{number}colour: {what} · grey: fewer than {min_group_size} answers, no number",
                   height=170 + len(items) * row_height(presentation) * 1.3 + (130 if many else 30),
                   presentation=presentation, dark=dark)


def commitment_chart(index_table: pd.DataFrame, *, min_group_size: int = 5, confidence: float = 0.95,
                     presentation: bool = False, dark: bool = False) -> go.Figure:
    """Mean signs met (0–8) and share fully committed per group, each with its interval.

    Input: :func:`cxcommit.analyses.commitment.commitment_index` by one grouping. Highest mean on top;
    suppressed groups at the bottom, shown as ``n<5``.
    """
    _require(index_table, ["group", "n", "mean_signs", "mean_ci_low", "mean_ci_high", "p", "ci_low", "ci_high",
                           "suppressed"], "commitment_chart",
             "cxcommit.analyses.commitment.commitment_index(survey, by=...)")
    table = index_table.assign(_mean=_numbers(index_table["mean_signs"])).sort_values("_mean", na_position="first")
    shown, hidden = table[~table["suppressed"]], table[table["suppressed"]]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=("Mean signs met (of 8)", "Share fully committed (all 8 signs)"))
    hover = [_index_hover(r, confidence) for r in shown.to_dict("records")]
    custom = [[g] for g in shown["group"]]
    for col, (x, low, high, colour) in enumerate((("mean_signs", "mean_ci_low", "mean_ci_high", colorway(dark)[0]),
                                                  ("p", "ci_low", "ci_high", colorway(dark)[2])), start=1):
        fig.add_trace(go.Bar(y=_texts(shown["group"]), x=_numbers(shown[x]), orientation="h", marker_color=colour,
                             error_x={**_errors(shown[x], shown[low], shown[high]), "color": ink(dark)},
                             hovertext=hover, hoverinfo="text", customdata=custom, showlegend=False), row=1, col=col)
        if len(hidden):
            fig.add_trace(suppressed_trace([0] * len(hidden), hidden["group"].tolist(), hidden["group"].tolist(),
                                           min_group_size), row=1, col=col)
    top = np.nanmax(_numbers(shown["ci_high"]), initial=0.0)
    fig.update_xaxes(range=[0, 8], dtick=1, title_text="Signs met (0–8)", row=1, col=1)
    fig.update_xaxes(range=[0, max(0.1, top * 1.1)], tickformat=".0%", title_text="Share fully committed", row=1, col=2)
    fig.update_yaxes(categoryorder="array", categoryarray=_texts(table["group"]), showgrid=False)
    _short_ticks(fig, "y", _texts(table["group"]))
    return _finish(fig, f"Commitment index by {_grouping_word(index_table)}",
                   f"Bars: estimate · whiskers: {confidence:.0%} interval · fully committed = yes to all 8 signs",
                   height=200 + len(table) * row_height(presentation), presentation=presentation, dark=dark)


def variation_chart(variation_table: pd.DataFrame, *, groups: str = "units", presentation: bool = False,
                    dark: bool = False) -> go.Figure:
    """Per item, the range of group shares (lowest to highest group, named) with the pooled share,
    ranked by the between-group share of variance (most disagreement on top).

    Input: :func:`cxcommit.analyses.variation.variation`. Items whose test of equal shares is significant
    (after adjustment) are drawn in blue, the others in grey.
    """
    _require(variation_table, ["label", "p", "min_p", "max_p", "lowest", "highest", "between_share", "significant"],
             "variation_chart", "cxcommit.analyses.variation.variation(survey, by=...)")
    table = variation_table.sort_values("between_share", ascending=False, kind="stable")
    rows = table.to_dict("records")
    labels = _texts(table["label"])
    groups, groups_word = escape_html(groups), escape_html(groups.capitalize())
    fig = go.Figure()
    for significant, colour, name in ((True, ABOVE, f"{groups_word} differ (significant)"),
                                      (False, NEUTRAL, "Difference could be chance")):
        part = [r for r in rows if bool(r["significant"]) == significant]
        if part:  # one trace of segments, each item's min to max, broken by None
            fig.add_trace(go.Scatter(x=[v for r in part for v in (r["min_p"], r["max_p"], None)],
                                     y=[v for r in part for v in (escape_html(r["label"]),) * 2 + (None,)],
                                     mode="lines", line={"color": colour, "width": 7}, name=name, hoverinfo="skip"))
    hover = [f"<b>{escape_html(r['label'])}</b><br>Organisation: {pct(r['p'])}"
             + (f" (n = {int(r['n']):,})" if "n" in r else "")
             + f"<br>{groups_word} from {pct(r['min_p'])} ({escape_html(r['lowest'])}) to {pct(r['max_p'])} "
               f"({escape_html(r['highest'])})"
             + f"<br>Share of variance between {groups}: {pct(r['between_share'])}"
             + (f"<br>Test of equal shares: adjusted p = {float(r['p_adj']):.2g}" if "p_adj" in r else "")
             for r in rows]
    for end, names, side in (("min_p", "lowest", "middle left"), ("max_p", "highest", "middle right")):
        fig.add_trace(go.Scatter(x=table[end], y=labels, mode="markers+text",
                                 text=[escape_html(shorten(name, 24)) for name in table[names]],  # full on hover
                                 textposition=side, marker={"color": ink(dark), "size": 6}, cliponaxis=False,
                                 hovertext=hover, hoverinfo="text", showlegend=False))
    fig.add_trace(go.Scatter(x=table["p"], y=labels, mode="markers", name="Organisation",
                             marker={"symbol": "diamond", "size": 11, "color": colorway(dark)[1],
                                     "line": {"color": ink(dark), "width": 1}},
                             hovertext=hover, hoverinfo="text"))
    fig.update_xaxes(range=[-0.3, 1.3], tickvals=np.linspace(0, 1, 6), tickformat=".0%", zeroline=False,
                     title_text=f"{share_label(table)} ({groups} from lowest to highest)")
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    _short_ticks(fig, "y", list(labels))
    return _finish(fig, f"Where {groups} disagree most",
                   f"Each bar runs from the lowest to the highest of the {groups}; ◆ the organisation; "
                   f"most disagreement on top", height=200 + len(table) * row_height(presentation) * 1.3,
                   presentation=presentation, dark=dark)


def spread_chart(rates_table: pd.DataFrame, *, overall: pd.DataFrame | None = None, min_group_size: int = 5,
                 confidence: float = 0.95, presentation: bool = False, dark: bool = False) -> go.Figure:
    """How far groups spread: per item, each shown group as a dot on the share axis, with a line at
    the organisation's share.

    Input: :func:`cxcommit.analyses.rates.rates` by one grouping; ``overall``: :func:`cxcommit.analyses.rates.rates`
    without ``by`` for the organisation line (without it, the pooled share of the shown groups).
    Dots are blue / orange where the group is significantly above / below the rest.
    """
    _require(rates_table, ["item", "label", "group", "n", "k", "p", "suppressed"], "spread_chart",
             "cxcommit.analyses.rates.rates(survey, by=...)")
    table = _with_shares(rates_table)
    items = list(dict.fromkeys(table["item"]))
    labels = dict(zip(table["item"], table["label"]))
    shown = table[~table["suppressed"] & table["p"].notna()].copy()
    shown["_y"] = shown["item"].map({item: i for i, item in enumerate(items)})
    shown["_y"] += (shown.groupby("item")["p"].rank(method="first") % 5 - 2) * 0.08  # jitter by rank: no overlap
    significant = shown["significant"].astype(bool) if "significant" in shown else False
    diff = _numbers(shown["diff"]) if "diff" in shown else np.zeros(len(shown))
    kinds = np.where(significant & (diff > 0), "above", np.where(significant & (diff < 0), "below", "other"))
    fig = go.Figure()
    share_word = share_label(table)
    for kind, colour, name in (("other", NEUTRAL, "Not clearly different from the rest"),
                               ("above", ABOVE, "Above the rest (significant)"),
                               ("below", BELOW, "Below the rest (significant)")):
        part = shown[kinds == kind]
        fig.add_trace(go.Scatter(x=_numbers(part["p"]), y=part["_y"], mode="markers", name=name,
                                 marker={"color": colour, "size": 9, "opacity": 0.85, "line": {"width": 0}},
                                 hovertext=[hover_text(r, confidence=confidence, share_word=share_word)
                                            for r in part.to_dict("records")], hoverinfo="text",
                                 customdata=[[g, i] for g, i in zip(part["group"], part["item"])]))
    if overall is not None:
        organisation, line_name = overall.set_index("item")["p"], "Organisation"
    else:
        sums = shown.groupby("item")[["k", "n"]].sum()
        organisation, line_name = sums["k"] / sums["n"], "Shown groups together"
    fig.add_trace(go.Scatter(x=[organisation.get(i) for i in items], y=list(range(len(items))), mode="markers",
                             name=line_name, marker={"symbol": "line-ns", "size": 26, "line": {"width": 3,
                                                                                               "color": ink(dark)}},
                             hovertext=[f"<b>{line_name}</b><br>{escape_html(labels[i])}: {pct(organisation.get(i))}"
                                        for i in items], hoverinfo="text"))
    hidden_rows = table[table["suppressed"]]
    hidden = list(dict.fromkeys(hidden_rows["group"]))
    note = (f" · hidden ({suppressed_label(min_group_size)}): " + ", ".join(_texts(hidden[:4]))
            + (f" and {len(hidden) - 4} more" if len(hidden) > 4 else "")) if hidden else ""
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title_text=share_word)
    fig.update_yaxes(tickvals=list(range(len(items))), ticktext=_texts(shorten(labels[i], TICK_CHARS) for i in items),
                     autorange="reversed",
                     showgrid=False, zeroline=False)
    return _finish(fig, f"How far each {_grouping_word(table)} spreads",
                   f"One dot per {_grouping_word(table)}; | the {line_name.lower()}{note}",
                   height=200 + len(items) * row_height(presentation) * 1.6, presentation=presentation, dark=dark)


def _gap_hover(row: dict, leaders: str, staff: str, confidence: float) -> str:
    spread = interval(row["ci_low"], row["ci_high"], confidence, points=True)
    return (f"<b>{escape_html(row['group'])}</b><br>{escape_html(row['label'])}<br>{leaders}: {pct(row['p_leaders'])} "
            f"(n = {int(row['n_leaders']):,})"
            f"<br>{staff}: {pct(row['p_staff'])} (n = {int(row['n_staff']):,})<br>Gap: {pct(row['gap'], signed=True)}"
            + (f" ({spread})" if spread else ""))


def gap_dumbbell(perception_gap_table: pd.DataFrame, *, group: str | None = None, leaders: str = "Executives",
                 staff: str = "Employees", min_group_size: int = 5, confidence: float = 0.95,
                 presentation: bool = False, dark: bool = False) -> go.Figure:
    """Leaders' share and staff's share of each item, two dots joined by a line; the gap and its
    interval on hover. Largest gap on top.

    Input: :func:`cxcommit.analyses.gaps.perception_gap`. With several groups, one panel per group (three
    a row) unless ``group`` picks one.
    """
    _require(perception_gap_table, ["item", "label", "group", "n_leaders", "p_leaders", "n_staff", "p_staff", "gap",
                                    "ci_low", "ci_high", "suppressed"], "gap_dumbbell",
             "cxcommit.analyses.gaps.perception_gap(survey, by=...)")
    if perception_gap_table.empty:  # e.g. published for a large minimum, every role is "Other roles"
        raise SettingsError(f"gap_dumbbell: nobody to compare: the table has no {leaders.lower()} or no "
                            f"{staff.lower()}.", hint="With a large minimum group size, roles may be reported only "
                                                      "as \"Other roles\": try a smaller minimum.")
    table = _pick(perception_gap_table, "group", group, "gap_dumbbell")
    leaders, staff = (escape_html(shorten(who, TICK_CHARS)) for who in (leaders, staff))  # legend names
    order = table.assign(_gap=_numbers(table["gap"])).groupby("label", sort=False)["_gap"].mean()
    labels = order.sort_values(ascending=False, na_position="last", kind="stable").index.tolist()
    groups = list(dict.fromkeys(table["group"]))
    fig, positions, height = _panels(groups, 3, len(labels), presentation)
    for number, (name, part) in enumerate(table.groupby("group", sort=False)):
        shown, hidden = part[~part["suppressed"]], part[part["suppressed"]]
        where = dict(zip(("row", "col"), positions[name]))
        rows = shown.to_dict("records")
        hover = [_gap_hover(r, leaders, staff, confidence) for r in rows]
        fig.add_trace(go.Scatter(x=[v for r in rows for v in (r["p_leaders"], r["p_staff"], None)],
                                 y=[v for r in rows for v in (escape_html(r["label"]),) * 2 + (None,)], mode="lines",
                                 line={"color": NEUTRAL, "width": 3}, hoverinfo="skip", showlegend=False), **where)
        for side, colour, who in (("p_leaders", LEADERS_COLOR, leaders), ("p_staff", STAFF_COLOR, staff)):
            fig.add_trace(go.Scatter(x=_numbers(shown[side]), y=_texts(shown["label"]), mode="markers", name=who,
                                     marker={"color": colour, "size": 11}, legendgroup=who, showlegend=number == 0,
                                     hovertext=hover, hoverinfo="text",
                                     customdata=[[g, i] for g, i in zip(shown["group"], shown["item"])]), **where)
        if len(hidden):
            fig.add_trace(suppressed_trace([0] * len(hidden), hidden["label"].tolist(), hidden["group"].tolist(),
                                           min_group_size), **where)
    fig.update_xaxes(range=[-0.03, 1.03], tickvals=[0, 0.25, 0.5, 0.75, 1], tickformat=".0%", zeroline=False)
    fig.update_xaxes(title_text=share_label(table), row=positions[groups[-1]][0])
    fig.update_yaxes(categoryorder="array", categoryarray=_texts(labels[::-1]), range=[-0.6, len(labels) - 0.4],
                     showgrid=False)
    _short_ticks(fig, "y", _texts(labels))
    where = f" — {escape_html(groups[0])}" if len(groups) == 1 and groups[0] != "All respondents" else ""
    return _finish(fig, f"{leaders} vs {staff}: how each side sees the signs{where}",
                   f"Gap = {leaders.lower()} minus {staff.lower()}; largest gap on top; hover for its "
                   f"{confidence:.0%} interval", height=height, presentation=presentation, dark=dark)


def gap_bars(table: pd.DataFrame, *, value: str = "gap", item: str | None = None, min_group_size: int = 5,
             confidence: float = 0.95, presentation: bool = False, dark: bool = False) -> go.Figure:
    """Per group, the gap to a target or to the best group as bars with their intervals; ``value="p"``
    draws the shares instead.

    Input: :func:`cxcommit.analyses.gaps.gap_to_target` or :func:`cxcommit.analyses.gaps.gap_to_best`. With one group
    (e.g. the whole organisation) and several items: one bar per item, largest gap on top. With
    several groups and items: one panel per item (four a row, one scale), groups ordered by their
    mean over the items, largest on top; ``item`` (an item id) picks one item.
    """
    _require(table, ["item", "label", "group", "n", "p", value, "suppressed"], "gap_bars",
             "cxcommit.analyses.gaps.gap_to_target(...) or cxcommit.analyses.gaps.gap_to_best(...)")
    _choice(value, GAP_VALUES, "value", "gap_bars")
    table = _pick(table, "item", item, "gap_bars")
    labels = list(dict.fromkeys(table["label"]))
    single = table["group"].nunique() == 1 and len(labels) > 1  # items are the bars, in one panel
    bar, panel = ("label", "group") if single else ("group", "label")
    order = table.assign(_v=_numbers(table[value])).groupby(bar, sort=False)["_v"].mean()
    bars = order.sort_values(na_position="first", kind="stable").index.tolist()  # first is drawn lowest
    panels = list(dict.fromkeys(table[panel]))
    fig, positions, height = _panels(panels if not single else [None], 4, len(bars), presentation)
    with_interval = value == "gap" and {"ci_low", "ci_high"} <= set(table.columns)
    for name, part in table.groupby(panel, sort=False):
        shown, hidden = part[~part["suppressed"]], part[part["suppressed"]]
        where = dict(zip(("row", "col"), positions[None if single else name]))
        hover = [f"<b>{escape_html(r['group'])}</b><br>{escape_html(r['label'])}<br>n = {int(r['n']):,} · "
                 f"share {pct(r['p'])}"
                 + (f"<br>Target: {pct(r['target'])}" if "target" in r else "")
                 + (f"<br>Best: {escape_html(r['best_group'])} ({pct(r['best_p'])})" if "best_group" in r else "")
                 + (f"<br>Gap: {pct(r['gap'], signed=True)}" if value == "gap" else "")
                 + (f" ({interval(r['ci_low'], r['ci_high'], confidence, points=True)})" if with_interval else "")
                 for r in shown.to_dict("records")]
        fig.add_trace(go.Bar(y=_texts(shown[bar]), x=_numbers(shown[value]), orientation="h", showlegend=False,
                             marker_color=BELOW if value == "gap" else colorway(dark)[0],
                             error_x={**_errors(shown[value], shown["ci_low"], shown["ci_high"]),
                                      "color": ink(dark)} if with_interval else None,
                             hovertext=hover, hoverinfo="text",
                             customdata=[[g, i] for g, i in zip(shown["group"], shown["item"])]), **where)
        if len(hidden):
            fig.add_trace(suppressed_trace([0] * len(hidden), hidden[bar].tolist(), hidden["group"].tolist(),
                                           min_group_size), **where)
    if "target" in table:
        title = f"Gap to the target of {pct(table['target'].iloc[0])}"
    else:
        title = "Gap to the best group" if "best_group" in table else "Shares"
    axis = {"gap": f"{title} (percentage points)", "p": share_label(table)}[value]
    fig.update_xaxes(tickformat=".0%", rangemode="tozero")
    if len(positions) == 1:
        fig.update_xaxes(title_text=axis)
    fig.update_yaxes(categoryorder="array", categoryarray=_texts(bars), range=[-0.6, len(bars) - 0.4], showgrid=False)
    _short_ticks(fig, "y", _texts(bars))
    what = "largest gap on top" if value == "gap" else "largest on top"
    if not single and len(panels) > 1:
        what = f"{axis[0].lower()}{axis[1:]} · {_grouping_word(table)}s ordered by their mean over the {len(panels)} items, {what}"
    subtitle = f"Bars: estimate · whiskers: {confidence:.0%} interval · {what}" if with_interval else what.capitalize()
    heading = title + (f": “{escape_html(labels[0])}”" if len(labels) == 1 else "")
    if single and table["group"].iloc[0] != ALL_GROUP:
        heading += f" — {escape_html(table['group'].iloc[0])}"
    return _finish(fig, heading, subtitle, height=height, presentation=presentation, dark=dark)


def trend_chart(trends_table: pd.DataFrame, *, item: str | None = None, min_group_size: int = 5,
                confidence: float = 0.95, presentation: bool = False, dark: bool = False) -> go.Figure:
    """Share per wave, a line per group, with interval whiskers; waves in time order.

    Input: :func:`cxcommit.analyses.trends.trends`. With several items, one panel per item unless ``item``
    (an item id) picks one. A hidden wave breaks the line and is named in the legend.
    """
    _require(trends_table, ["item", "label", "group", "wave", "n", "p", "ci_low", "ci_high", "suppressed"],
             "trend_chart", "cxcommit.analyses.trends.trends(survey, by=...)")
    table = _pick(trends_table, "item", item, "trend_chart")
    labels = list(dict.fromkeys(table["label"]))
    fig, positions, height = _panels(labels, 2, 8, presentation)
    colours = _group_colours(table, dark)
    share_word = share_label(table)

    def hover(row: dict) -> str:
        return hover_text({**row, "group": f"{row['group']} · {row['wave']}"}, confidence=confidence,
                          share_word=share_word)

    for number, (name, part) in enumerate(table.groupby("label", sort=False)):
        _lines_over_waves(fig, part, y="p", low="ci_low", high="ci_high", colours=colours, hover=hover,
                          min_group_size=min_group_size, position=positions[name], legend=number == 0)
    _wave_axis(fig, table)
    fig.update_yaxes(range=[0, 1], tickformat=".0%")
    fig.update_yaxes(title_text=share_word, col=1)
    title = f"“{escape_html(labels[0])}” over waves" if len(labels) == 1 else "The items over waves"
    return _finish(fig, title, f"Whiskers: {confidence:.0%} interval · a break in a line: a hidden wave "
                   f"(fewer than {min_group_size} answers)", height=max(height, 420), presentation=presentation,
                   dark=dark)


def pay_trend_chart(pay_alignment_table: pd.DataFrame, *, min_group_size: int = 5, confidence: float = 0.95,
                    presentation: bool = False, dark: bool = False) -> go.Figure:
    """Is executive pay moving toward CX? Sign 7's share (top) and the share of executive incentive
    tied to CX (bottom, when unit metrics are known) over waves, a line per group.

    Input: :func:`cxcommit.analyses.pay.pay_alignment`. A hidden wave shows neither number for that group.
    """
    _require(pay_alignment_table, ["group", "wave", "n", "p", "ci_low", "ci_high", "incentive_share", "suppressed"],
             "pay_trend_chart", "cxcommit.analyses.pay.pay_alignment(survey, metrics, by=...)")
    table = pay_alignment_table
    incentive = _numbers(table["incentive_share"])
    has_incentive = bool(np.isfinite(incentive[~table["suppressed"].to_numpy(dtype=bool)]).any())
    titles = ["Sign 7: executive pay tied to CX (share answering yes)"]
    titles += ["Share of executive incentive tied to CX (mean over units)"] if has_incentive else []
    fig = make_subplots(rows=len(titles), cols=1, shared_xaxes=True, vertical_spacing=0.1, subplot_titles=titles)
    colours = _group_colours(table, dark)
    _lines_over_waves(fig, table, y="p", low="ci_low", high="ci_high", colours=colours, position=(1, 1),
                      min_group_size=min_group_size,
                      hover=lambda r: hover_text({**r, "group": f"{r['group']} · {r['wave']}"}, confidence=confidence,
                                                 share_word="Sign 7, share answering yes"))
    # short axis titles (the panel titles say the rest): two squeezed panels' titles must not run into each other
    fig.update_yaxes(range=[0, 1], tickformat=".0%", title_text="Share yes" if has_incentive else "Share answering yes",
                     row=1, col=1)
    if has_incentive:
        _lines_over_waves(fig, table, y="incentive_share", colours=colours, position=(2, 1), legend=False,
                          min_group_size=min_group_size,
                          hover=lambda r: f"<b>{escape_html(r['group'])} · {escape_html(r['wave'])}</b><br>"
                                          "Incentive tied to CX: "
                                          + (f"{r['incentive_share']:.1f}% (mean of {r['units']:.0f} units)"
                                             if pd.notna(r["incentive_share"]) else "no unit metrics"))
        fig.update_yaxes(rangemode="tozero", ticksuffix="%", title_text="Incentive", row=2, col=1)
    _wave_axis(fig, table)
    fig.update_xaxes(title_text="Wave", row=len(titles), col=1)
    return _finish(fig, "Is executive pay moving toward CX?",
                   f"Whiskers: {confidence:.0%} interval · a break in a line: a hidden wave (fewer "
                   f"than {min_group_size} answers)", height=(340 if presentation else 320) * len(titles) + 160,
                   presentation=presentation, dark=dark)


def _axis_format(column: str, values: np.ndarray) -> dict:
    if column in SHARE_COLUMNS or (column == "p" and np.nanmax(values, initial=0) <= 1):
        return {"tickformat": ".0%"}
    return {"ticksuffix": "%"} if column.endswith("_pct") else {}


def _value_text(column: str, value: float) -> str:
    if column in SHARE_COLUMNS:
        return pct(value)
    return f"{value:.1f}%" if column.endswith("_pct") else f"{value:.2f}".rstrip("0").rstrip(".")


def pay_scatter(units: pd.DataFrame, *, x: str, y: str, unit: str = "business_unit", confidence: float = 0.95,
                presentation: bool = False, dark: bool = False) -> go.Figure:
    """Units as points with a least-squares line; Pearson r, its interval and n in an annotation
    (computed with :func:`cxcommit.stats.correlation.correlation`, the same as
    :func:`cxcommit.analyses.pay.pay_relations`).

    Input: :func:`cxcommit.analyses.pay.unit_table` (one row per shown unit); ``x``, ``y``: two of its
    columns, e.g. ``exec_incentive_cx_pct`` and ``customer_nps``. ``layout.meta`` holds the numbers.
    """
    _require(units, [unit, x, y], "pay_scatter", "cxcommit.analyses.pay.unit_table(survey, metrics)")
    table = units[~units["suppressed"].astype(bool)] if "suppressed" in units else units
    xs, ys = _numbers(table[x]), _numbers(table[y])
    stats = correlation(xs, ys, confidence)
    keep = np.isfinite(xs) & np.isfinite(ys)
    x_label, y_label = escape_html(column_label(x)), escape_html(column_label(y))
    fig = go.Figure(go.Scatter(
        x=xs[keep], y=ys[keep], mode="markers", name="Units", marker={"color": colorway(dark)[0], "size": 10},
        hovertext=[f"<b>{escape_html(u)}</b><br>{x_label}: {_value_text(x, a)}<br>{y_label}: {_value_text(y, b)}"
                   for u, a, b in zip(table[unit][keep], xs[keep], ys[keep])],
        hoverinfo="text", customdata=[[u] for u in table[unit][keep]]))
    if keep.sum() >= 2 and np.ptp(xs[keep]) > 0:
        slope, intercept = np.polyfit(xs[keep], ys[keep], 1)
        ends = np.array([xs[keep].min(), xs[keep].max()])
        fig.add_trace(go.Scatter(x=ends, y=intercept + slope * ends, mode="lines", name="Least-squares line",
                                 line={"color": colorway(dark)[1], "dash": "dash"}, hoverinfo="skip"))
    text = (f"r = {stats['r']:.2f} ({confidence:.0%} interval {stats['ci_low']:.2f} to {stats['ci_high']:.2f}), "
            f"n = {stats['n']} units" if np.isfinite(stats["r"]) else
            f"Too few units (n = {stats['n']}) or no spread: no correlation")
    fig.update_layout(meta={k: (float(v) if k != "n" else int(v)) for k, v in stats.items()})
    fig.update_xaxes(title_text=x_label, **_axis_format(x, xs))
    fig.update_yaxes(title_text=y_label, **_axis_format(y, ys))
    return _finish(fig, f"{y_label} against {x_label[0].lower() + x_label[1:]}",
                   f"{text} · one dot per unit, averaged over the waves shown · dashed: least-squares line",
                   height=560 if presentation else 480, presentation=presentation, dark=dark)


def index_trend_chart(index_waves_table: pd.DataFrame, *, min_group_size: int = 5, confidence: float = 0.95,
                      presentation: bool = False, dark: bool = False) -> go.Figure:
    """Mean signs met (0–8) per wave, a line per group, with interval whiskers.

    Input: :func:`cxcommit.analyses.commitment.index_over_waves`.
    """
    _require(index_waves_table, ["group", "wave", "n", "mean_signs", "mean_ci_low", "mean_ci_high", "suppressed"],
             "index_trend_chart", "cxcommit.analyses.commitment.index_over_waves(survey, by=...)")
    fig = go.Figure()
    _lines_over_waves(fig, index_waves_table, y="mean_signs", low="mean_ci_low", high="mean_ci_high",
                      colours=_group_colours(index_waves_table, dark), min_group_size=min_group_size,
                      hover=lambda r: _index_hover(r, confidence))
    _wave_axis(fig, index_waves_table)
    fig.update_xaxes(title_text="Wave")
    fig.update_yaxes(range=[0, 8], dtick=1, title_text="Mean signs met (0–8)")
    return _finish(fig, "Commitment index over waves", f"Whiskers: {confidence:.0%} interval · a break in a line: "
                   f"a hidden wave (fewer than {min_group_size} answers)", height=560 if presentation else 480,
                   presentation=presentation, dark=dark)


def caption(filters: dict, waves=None, min_group_size: int = 5) -> str:
    """The line under a chart saying what it reflects.

    >>> caption({"division": ["Digital"]}, ["2026-Q2", "2026-Q3"], 5)
    'Division: Digital · Waves: 2026-Q2, 2026-Q3 · groups under 5 answers hidden'
    >>> caption({}, None, 7)
    'All respondents · All waves · groups under 7 answers hidden'
    """
    parts = [f"{str(name).replace('_', ' ').capitalize()}: "
             f"{', '.join(map(str, [values] if isinstance(values, str) else values))}"
             for name, values in filters.items() if values is not None and len(values)]
    waves = [waves] if isinstance(waves, str) else list(waves or [])
    parts = (parts or ["All respondents"]) + [f"Waves: {', '.join(map(str, waves))}" if waves else "All waves"]
    return " · ".join(parts + [f"groups under {min_group_size} answers hidden"])

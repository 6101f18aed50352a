"""The signs (or items) by group as a heatmap: colour the difference to the rest or the share, number the share."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxcommit.charts.common import choice, grouping_word, numbers, require, share_label, texts, whole_of, with_shares
from cxcommit.charts.layout import (MIN_CELL_FONT, cell_font, column_names, finish, heatmap_height, mark_lowest,
                                    short_ticks)
from cxcommit.charts.options import ChartOptions
from cxcommit.charts.theme import (DIVERGING, MARK, SEQUENTIAL, hover_text, mark_note, muted, pct,
                                   suppressed_cells, suppressed_label)
from cxcommit.vocabulary import items_noun
from cxcommit.text import points

HEATMAP_SORTS = ("score", "size", "name", "table")
HEATMAP_COLOURS = ("diff", "p")


def column_order(table: pd.DataFrame, sort: str) -> list:
    """Groups by overall score (mean share, best first), size (most answers first) or name; from shown
    cells only, so groups hidden everywhere go last (by name); or as they first come in the table
    (``table``: a page of a heatmap told across slides keeps the whole one's order)."""
    if sort == "table":
        return list(dict.fromkeys(table["group"]))
    shown = table[~table["suppressed"]]
    score = {"score": shown.groupby("group")["p"].mean(), "size": shown.groupby("group")["n"].max()}.get(sort)
    if score is None:
        return sorted(dict.fromkeys(table["group"]), key=str)
    score = score.astype(float).dropna()
    return sorted(dict.fromkeys(table["group"]), key=lambda g: (g not in score, -score.get(g, 0.0), str(g)))


def colour_scale(z: np.ndarray, color: str, share_word: str) -> dict:
    """Heatmap colours: diverging and symmetric around 0 for a difference (ticks in points), sequential for a share."""
    if color == "p":
        ticks = np.linspace(0, 1, 5)
        return {"colorscale": SEQUENTIAL, "zmin": 0, "zmax": 1, "colorbar": {
            "title": {"text": share_word}, "tickvals": ticks, "ticktext": [pct(t) for t in ticks], "thickness": 14}}
    limit = max(0.05, math.ceil(np.nanmax(np.abs(z), initial=0.0) * 20) / 20)  # up to the next 5 points
    step = math.ceil(round(limit / 2 / 0.05, 9)) * 0.05  # at most five ticks: a slide's colour bar is short
    count = math.floor(limit / step + 1e-9)
    ticks = np.arange(-count, count + 1) * step
    return {"colorscale": DIVERGING, "zmid": 0, "zmin": -limit, "zmax": limit, "colorbar": {
        "title": {"text": "Difference to<br>the others (points)"}, "tickvals": ticks, "thickness": 14,
        "ticktext": [f"{t * 100:+.0f}" if round(t * 100) else "0" for t in ticks]}}


def _grid(table: pd.DataFrame, groups: list, items: list) -> list[list[dict | None]]:
    """Each item's row of cells, one per group in order; None where the table has no row."""
    cells = {(r["item"], r["group"]): r for r in table.to_dict("records")}
    return [[cells.get((i, g)) for g in groups] for i in items]


def _shown(cell: dict | None) -> bool:
    return cell is not None and not cell["suppressed"]


def _marked(cell: dict | None) -> bool:
    """A shown cell that differs from the rest (rates' ``significant``: adjusted and at least the
    minimum difference)."""
    return _shown(cell) and bool(cell.get("significant", False))


def _number(cell: dict | None, values: bool, *, marked: bool) -> str:
    """What a cell of the muted layer (``marked`` False) or of the marked layer says: the share (when
    ``values``), after the mark on the marked layer; empty where the cell belongs to the other layer."""
    if not _shown(cell) or _marked(cell) != marked:
        return ""
    if not marked:
        return pct(cell["p"]) if values else ""
    return f"{MARK} {pct(cell['p'])}" if values else MARK


def _cell_layers(grid: list, color: str, values: bool, share_word: str,
                 options: ChartOptions) -> tuple[np.ndarray, np.ndarray, list, list, list]:
    """Each cell's colour value (NaN when hidden), whether it is marked, its number (when ``values``;
    a marked cell's, with the mark, in ``marks``) and its hover."""
    z = np.array([[float(c[color]) if _shown(c) and pd.notna(c[color]) else np.nan for c in line] for line in grid])
    marked = np.array([[_marked(c) for c in line] for line in grid], dtype=bool).reshape(z.shape)
    text = [[_number(c, values, marked=False) for c in line] for line in grid]
    marks = [[_number(c, values, marked=True) for c in line] for line in grid]
    hover = [[hover_text(c, confidence=options.confidence, min_group_size=options.min_group_size,
                         share_word=share_word) if c is not None else "" for c in line] for line in grid]
    return z, marked, text, marks, hover


def _click_markers(grid: list, x: list, y: list, hover: list, customdata: list) -> go.Scatter:
    """Clicks select points of scatter traces, not heatmap cells: an invisible marker on each cell
    carries the cell's hover and its [group, item] to the click."""
    present = [(g, label, cell, h) for line, label, hovers, ids in zip(grid, y, hover, customdata)
               for g, cell, h in zip(x, ids, hovers) if h]
    return go.Scatter(
        x=[g for g, _, _, _ in present], y=[label for _, label, _, _ in present], mode="markers",
        marker={"symbol": "square", "size": 30, "color": "rgba(0,0,0,0)"}, hovertext=[h for *_, h in present],
        hoverinfo="text", customdata=[cell for _, _, cell, _ in present], showlegend=False, name="Cells",
        hoverlabel={"bgcolor": "white", "bordercolor": "#999999", "font": {"color": "#222222"}},
        selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 1}})


def orientation(groups: list, labels: list, widest: int, presentation: bool,
                transpose: bool | None) -> tuple[bool, int]:
    """Whether to draw the groups down the side (``transpose``) and the cells' font size. The groups
    run across unless their columns are too narrow for a cell's number (under
    :data:`~cxcommit.charts.layout.MIN_CELL_FONT`, e.g. 30 units beside the 8 signs' names) and the
    items across would give wider cells: then the groups go down, one row each, the items across."""
    across = cell_font(len(groups), labels, widest, presentation)
    down = cell_font(len(labels), groups, widest, presentation)
    if transpose is None:
        transpose = across < MIN_CELL_FONT and down > across
    return transpose, down if transpose else across


def _fit(table: pd.DataFrame, groups: list, labels: list, values: bool | None, transpose: bool | None,
         options: ChartOptions) -> tuple[bool, int, bool]:
    """Whether the heatmap turns, its cells' font size and whether they write their shares (see
    :func:`signs_heatmap`): room for "● 100%" where a cell is marked, else "100%", and for "n<5"."""
    any_mark = "significant" in table and bool((table["significant"].astype(bool) & ~table["suppressed"]).any())
    widest = max(6 if any_mark else 4, len(suppressed_label(options.min_group_size)))
    transpose, font = orientation(groups, labels, widest, options.presentation, transpose)
    return transpose, max(font, 6), font >= MIN_CELL_FONT if values is None else values


def groups_run_down(rates_table: pd.DataFrame, *, transpose: bool | None = None,
                    options: ChartOptions = ChartOptions()) -> bool:
    """Whether :func:`signs_heatmap` draws this table's groups down the side, one row each (True), or
    across, one column each: what a page's controls call the groups ("Sort rows by"), and what a
    slide paging a tall heatmap splits (its rows).

    >>> from cxcommit.analyses.rates import rates
    >>> from cxcommit.demo import load_demo
    >>> groups_run_down(rates(load_demo(), by="division")), groups_run_down(rates(load_demo(), by="business_unit"))
    (False, True)
    """
    table = with_shares(rates_table)
    groups = list(dict.fromkeys(table["group"]))
    labels = list(dict(zip(table["item"], table["label"])).values())
    return _fit(table, groups, labels, None, transpose, options)[0]


def _subtitle(table: pd.DataFrame, values: bool, share_word: str, color: str, options: ChartOptions) -> str:
    """How to read the cells; on a slide in one line, the speaker notes and the method line saying
    the rest (the family of tests)."""
    if options.presentation and values:
        what = "above/below the others" if color == "diff" else "the share"
        mark = f" · {MARK} beyond chance and {points(options.min_difference, short=False, exact=True)}" if "significant" in table else ""
        return (f"{share_word} · colour: {what}{mark} · grey {suppressed_label(options.min_group_size)}: "
                f"fewer than {options.min_group_size} answers")
    what = "difference to the other groups together (blue above, orange below)" if color == "diff" else "the share"
    number = (f"Number: {share_word.lower()}" if values else
              f"Too many rows and columns to write the {share_word.lower()} in each cell: choose fewer items, or "
              "read the table")
    hidden = suppressed_label(options.min_group_size)
    note = f" · {mark_note(options.min_difference)}" if "significant" in table else ""
    return f"{number} · colour: {what} · grey {hidden}: fewer than {options.min_group_size} answers, no number{note}"


def signs_heatmap(rates_table: pd.DataFrame, *, sort: str = "score", color: str = "diff", values: bool | None = None,
                  transpose: bool | None = None, options: ChartOptions = ChartOptions()) -> go.Figure:
    """Items (rows) by groups (columns): colour = difference to the rest of the organisation
    (``color="diff"``, diverging, centred at 0) or the share itself (``color="p"``); number = share.

    Input: :func:`cxcommit.analyses.rates.rates` by one grouping. ``sort`` orders the groups by overall
    score (mean share over the items, best first), ``size`` (most answers first) or ``name``; groups
    hidden everywhere go last. Each cell's ``customdata`` is ``[group, item]``.

    Every cell is read without hovering: a shown cell writes its share, a hidden one (grey) writes
    ``n<5``. Where the groups' columns are too narrow for that (:func:`orientation`; 30 units beside
    the signs' names on a laptop), the chart turns: one row per group (in the sort order, best on
    top), the items across; ``transpose`` forces either way. ``values``: write the shares (default:
    when the cells leave room at :data:`~cxcommit.charts.layout.MIN_CELL_FONT` or more, in either
    orientation; else the subtitle says so and points to the table).

    A cell that differs from the rest (the table's ``significant``: adjusted for the number of
    tests and at least the minimum difference, ``options.min_difference``) is drawn in full colour
    with a mark (●) before its number, by the second trace; every other shown cell in a muted colour,
    by the first (which holds every shown cell's value), so the colours cannot tell a difference
    chance could produce as a real one. The subtitle says what the mark means. The colour bar shows
    the full colours, or the muted ones where no cell differs from the rest (the colours then drawn):
    every heatmap says what its colours mean.
    """
    require(rates_table, ["item", "label", "group", "n", "p", "diff", "suppressed"], "signs_heatmap",
            "cxcommit.analyses.rates.rates(survey, by=...)")
    choice(sort, HEATMAP_SORTS, "sort", "signs_heatmap")
    choice(color, HEATMAP_COLOURS, "color", "signs_heatmap")
    presentation, min_group_size = options.presentation, options.min_group_size
    table = with_shares(rates_table)
    groups, items = column_order(table, sort), list(dict.fromkeys(table["item"]))
    labels = list(dict(zip(table["item"], table["label"])).values())
    share_word = share_label(table)
    transpose, font, values = _fit(table, groups, labels, values, transpose, options)
    grid = _grid(table, groups, items)
    customdata = [[[g, i] for g in groups] for i in items]
    rows, columns = (groups, labels) if transpose else (labels, groups)
    if transpose:  # one row per group: every cell list turned
        grid, customdata = [list(line) for line in zip(*grid)], [list(line) for line in zip(*customdata)]
    z, marked, text, marks, hover = _cell_layers(grid, color, values, share_word, options)
    x, y = texts(columns), texts(rows)
    whole = whole_of(rates_table)  # a page of a heatmap told across slides: the whole one's colours
    scale = colour_scale(z if whole is rates_table else numbers(whole.loc[~whole["suppressed"].astype(bool), "diff"]),
                         color, share_word)
    fig = go.Figure(go.Heatmap(  # every shown cell, muted: what may be chance does not shout
        z=z, x=x, y=y, text=text, texttemplate="%{text}", textfont={"size": font}, hoverinfo="skip",
        customdata=customdata, xgap=2, ygap=2, name="Share", **{**scale, "colorscale": muted(scale["colorscale"])},
        showscale=not marked.any()))  # the colour bar: the muted colours where no cell is in full colour
    fig.add_trace(go.Heatmap(  # the cells that differ from the rest, in full colour, with the mark
        z=np.where(marked, z, np.nan), x=x, y=y, text=marks, texttemplate="%{text}", hoverinfo="skip",
        textfont={"size": font}, customdata=customdata, xgap=2, ygap=2, name="Differs from the rest",
        hoverongaps=False, **scale, showscale=bool(marked.any())))
    hidden = [[c is not None and bool(c["suppressed"]) for c in line] for line in grid]
    hidden_font = cell_font(len(columns), rows, len(suppressed_label(min_group_size)), presentation)
    cells = suppressed_cells(hidden, columns, rows, customdata, min_group_size, font=max(6, min(font, hidden_font)),
                             labelled=values or hidden_font >= 7)
    fig.add_trace(cells.update(hoverinfo="skip"))
    fig.add_trace(_click_markers(grid, x, y, hover, customdata))
    fig.update_layout(hovermode="closest", hoverdistance=-1, clickmode="event+select")
    names, angle, names_px, names_font = column_names(columns, rows, presentation)
    fig.update_xaxes(tickangle=angle, showgrid=False, tickmode="array", tickvals=x, ticktext=names,  # every column named
                     tickfont={"size": names_font},
                     side="top" if transpose else "bottom")  # a long heatmap names its columns where it starts
    # the ranges fixed to the cells: the click markers would widen them, and on a low slide squeeze the cells
    fig.update_yaxes(range=[len(rows) - 0.5, -0.5], autorange=False, showgrid=False)
    fig.update_xaxes(range=[-0.5, len(columns) - 0.5], autorange=False)
    short_ticks(fig, "y", y)
    fig = finish(fig, f"The {items_noun(items)} by {grouping_word(table, 'by')}",
                 _subtitle(table, values, share_word, color, options),
                 height=heatmap_height(len(rows), names_px, presentation), options=options)
    if transpose:  # the column names above the cells: room for them under the header
        fig.layout.margin.t += names_px
    # the lowest it reads at: turned, its names are in the top margin already
    return mark_lowest(fig, len(rows), presentation, below=0 if transpose else names_px, per_row=LOWEST_CELL[presentation])


LOWEST_CELL = (18, 24)  # pixels a row of cells needs for its numbers (dashboard, presentation)

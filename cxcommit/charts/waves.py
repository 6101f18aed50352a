"""Lines over waves, one per group: a share per wave, sign 7 and the incentive share, the commitment index."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cxcommit.charts.common import (error_bars, group_colours, grouping_word, index_hover, numbers, pick, require,
                                    share_label, texts, whisker_labels)
from cxcommit.charts.layout import PLOT_WIDTH, SLIDE_WIDTH, TICK_CHARS, dodge, finish, mark_lowest, panels
from cxcommit.charts.options import ChartOptions
from cxcommit.charts.theme import (font_size, hover_text, pct, row_height, suppressed_hover, suppressed_label,
                                   suppressed_trace)
from cxcommit.text import escape_html, shorten_all


def wave_order(table: pd.DataFrame) -> list[str]:
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


def _hidden_suffix(waves: list[str], min_group_size: int) -> str:
    if not waves:
        return ""
    which = ", ".join(texts(waves)) if len(waves) <= 2 else f"{len(waves)} waves"
    return f" ({suppressed_label(min_group_size)} in {which})"


SLIDE_SQUEEZE = 0.4  # a slide may draw a chart's plot this low against its own height (story.screen.Screen.squeeze)
LOWEST_PLOT = 120  # px: the lowest a slide draws the plot of a chart of lines that says its lowest height (mark_lowest)
WAVE_AXIS = (70, 90)  # px under such a plot: the waves (slanted in two panels side by side) and the axis' title
MIN_END_FONT = 12  # px: a line's end value is never written smaller; the chart is drawn higher instead


@dataclass(frozen=True)
class Room:
    """Where a panel's end labels go: its y axis from ``low`` to ``high`` over ``pixels`` of plot
    height, the lowest it may be drawn at (a slide fits a chart to its screen), and the most labels
    ``labels`` that may end at one wave. The labels are spaced a line of their font apart at that
    height, so they are at least that far apart at any height a slide or page draws; their font is
    the chart's, smaller (down to :data:`MIN_END_FONT`) where that many lines would not fit the plot,
    and :attr:`plot` is the plot height they need (more than ``pixels`` when even that is too big)."""

    low: float
    high: float
    pixels: float
    presentation: bool = False
    labels: int = 1

    @property
    def font(self) -> int:
        """The end labels' font size: the chart's, or the largest that stacks ``labels`` in the plot."""
        fits = int(self.pixels / max(1, self.labels) / 1.3 - 1)
        return max(MIN_END_FONT, min(font_size(self.presentation) + 1, fits))  # the theme writes annotations at +1

    @property
    def plot(self) -> float:
        """The plot height (px) the labels are spaced for: ``pixels``, or the stack of labels if taller."""
        return max(self.pixels, self.labels * (self.font + 1) * 1.3)

    @property
    def per_unit(self) -> float:
        return self.plot / (self.high - self.low)

    @property
    def gap(self) -> float:
        """The least distance between two labels' centres, in the axis' units: a line of text."""
        return (self.font + 1) * 1.3 / self.per_unit


def _lines_over_waves(fig: go.Figure, table: pd.DataFrame, *, y: str, colours: dict, hover: Callable,
                      min_group_size: int, room: Room, low: str | None = None, high: str | None = None,
                      position: tuple[int, int] | None = None, legend: bool = True, fmt: Callable = pct) -> None:
    """One line per group across waves, its latest value written at its end (``fmt``; moved apart
    from its neighbours' where they would overlap, :func:`_end_labels`); a suppressed wave is a break
    in the line and named in the legend."""
    ends = []
    for group, part in table.groupby("group", sort=False):
        hidden = part["suppressed"].to_numpy(dtype=bool)
        values = np.where(hidden, np.nan, numbers(part[y]))
        errors = None
        if low and high:
            errors = error_bars(values, np.where(hidden, np.nan, numbers(part[low])),
                                np.where(hidden, np.nan, numbers(part[high])))
            errors.update(color=colours[group])
        rows = part.to_dict("records")
        x = texts(part["wave"])
        fig.add_trace(go.Scatter(
            x=x, y=values, mode="lines+markers", connectgaps=False, error_y=errors,
            name=escape_html(_short_groups(colours)[group]) + _hidden_suffix(part.loc[hidden, "wave"].tolist(), min_group_size),
            legendgroup=str(group), showlegend=legend, line={"color": colours[group]},
            hovertext=[suppressed_hover(f"{r['group']} · {r['wave']}", min_group_size)
                       if r["suppressed"] else hover(r) for r in rows],
            hoverinfo="text", customdata=[[r["group"], r["wave"]] for r in rows],
        ), **({"row": position[0], "col": position[1]} if position else {}))
        shown = np.flatnonzero(np.isfinite(values))
        if len(shown):
            ends.append((x[shown[-1]], float(values[shown[-1]]), fmt(values[shown[-1]]), colours[group]))
    _end_labels(fig, ends, room, position)


def _axis_of(fig: go.Figure, position: tuple[int, int] | None) -> str:
    """The y axis (``y``, ``y2``, …) of the panel at ``position`` (row, col) of a figure with subplots."""
    if position is None:
        return "y"
    axis = fig.get_subplot(*position).yaxis.plotly_name  # "yaxis", "yaxis2", …
    return "y" + axis.removeprefix("yaxis")


PLOT_MARGINS = 250  # pixels of a line chart's height above and below its plot: title, subtitle, legend, wave axis
END_OFFSET = 16  # pixels from a line's last point to its value: room for a connector when moved


def _end_labels(fig: go.Figure, ends: list[tuple[str, float, str, str]], room: Room,
                position: tuple[int, int] | None) -> None:
    """Each line's latest value (wave, value, text, colour) beside its last point, in its colour;
    values closer than a line of text are moved apart (:func:`dodge`) and joined to their point by a
    thin line in that colour: all of them together, a line that ends a wave early too (its value
    sits right of its point, where the other lines' values may be). A label's height is in the axis'
    units, so it stays beside its line when a slide draws the chart lower or higher."""
    where = {"row": position[0], "col": position[1]} if position else {}
    placed = dodge([end[1] for end in ends], room.gap, room.low, room.high)
    for (wave, value, text, colour), at in zip(ends, placed):
        moved = abs(at - value) * room.per_unit >= 2
        fig.add_annotation(x=wave, y=value, text=text, showarrow=True, arrowhead=0, arrowwidth=1,
                           arrowcolor=colour if moved else "rgba(0,0,0,0)", ax=END_OFFSET, ay=at,
                           axref="pixel", ayref=_axis_of(fig, position), xanchor="left",
                           yanchor="middle", font={"color": colour}, name="latest value", **where)


def one_wave(table: pd.DataFrame) -> str | None:
    """The wave, when the table has only one: a trend needs two, so the charts draw that wave's bars."""
    waves = list(dict.fromkeys(table["wave"]))
    return waves[0] if len(waves) == 1 else None


def _bars_of_one_wave(fig: go.Figure, table: pd.DataFrame, *, y: str, colours: dict, hover: Callable,
                      min_group_size: int, room: Room | None = None, low: str | None = None, high: str | None = None,
                      position: tuple[int, int] | None = None, legend: bool = True, fmt: Callable = pct) -> None:
    """The one wave as a bar per group, its value written on it, whiskers for its interval; a hidden
    group as a grey ``n<5`` (what :func:`_lines_over_waves` draws when there is a trend). More groups
    than the palette has colours: one colour (a repeated colour would pair groups that have nothing in
    common; the axis names them), and the numbers written small enough to stay apart."""
    where = {"row": position[0], "col": position[1]} if position else {}
    shown, hidden = table[~table["suppressed"]], table[table["suppressed"]]
    values = numbers(shown[y])
    errors = error_bars(values, shown[low], shown[high]) if low and high else None
    short = _short_groups(colours)
    x = texts(short[g] for g in shown["group"])
    many = len(colours) > len(set(colours.values()))
    fill = [next(iter(colours.values()))] * len(shown) if many else [colours[g] for g in shown["group"]]
    presentation = bool(room and room.presentation)
    size = min(font_size(presentation), max(8, int(BAR_ROOM[presentation] / max(1, len(colours)) / 2.4)))
    fig.add_trace(go.Bar(x=x, y=values, marker_color=fill, error_y=errors,
                         showlegend=False, hovertext=[hover(r) for r in shown.to_dict("records")], hoverinfo="text",
                         customdata=[[g, w] for g, w in zip(shown["group"], shown["wave"])], name="One wave"),
                  **where)
    fig.add_trace(whisker_labels(values, shown[high] if high else None, x,
                                 [fmt(v) if np.isfinite(v) else "no data" for v in values], upright=True)
                  .update(textfont={"size": size}), **where)
    if len(hidden):
        names = [short[g] for g in hidden["group"]]
        fig.add_trace(suppressed_trace(texts(names), [0] * len(hidden), hidden["group"].tolist(), min_group_size)
                      .update(textposition="top center"), **where)


BAR_ROOM = (PLOT_WIDTH * 0.9, SLIDE_WIDTH * 0.9)  # pixels the bars of one wave share across (dashboard, slide)


def _short_groups(groups) -> dict:
    """Each of the chart's groups (all of them, whichever a panel draws) by its name as drawn: cut at
    :data:`TICK_CHARS`, two names cut alike keeping the ends that tell them apart."""
    groups = list(groups)
    return dict(zip(groups, shorten_all(groups, TICK_CHARS)))


def _draw(table: pd.DataFrame) -> Callable:
    """Lines over the waves, or the bars of the one wave there is."""
    return _bars_of_one_wave if one_wave(table) is not None else _lines_over_waves


def _one_wave_note(table: pd.DataFrame, options: ChartOptions) -> str:
    return (f"Only {escape_html(one_wave(table))} is in the data shown: a trend needs two waves, so the bars show that "
            f"wave · whiskers: {options.confidence:.0%} interval · grey {suppressed_label(options.min_group_size)}: "
            f"fewer than {options.min_group_size} answers")


def _wave_axis(fig: go.Figure, table: pd.DataFrame) -> None:
    """Waves as categories in time order, on every x axis (groups, in table order, for one wave)."""
    if one_wave(table) is not None:
        fig.update_xaxes(type="category", categoryorder="array",
                         categoryarray=texts(_short_groups(dict.fromkeys(table["group"])).values()))
        return
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=texts(wave_order(table)))


def _whiskers_note(options: ChartOptions, table: pd.DataFrame | None = None) -> str:
    if table is not None and one_wave(table) is not None:
        return _one_wave_note(table, options)
    return (f"Whiskers: {options.confidence:.0%} interval · the latest value at the end of each line · a break in a "
            f"line: a hidden wave (fewer than {options.min_group_size} answers)")


def trend_chart(trends_table: pd.DataFrame, *, item: str | None = None,
                options: ChartOptions = ChartOptions()) -> go.Figure:
    """Share per wave, a line per group, with interval whiskers; waves in time order.

    Input: :func:`cxcommit.analyses.trends.trends`. With several items, one panel per item unless ``item``
    (an item id) picks one. A hidden wave breaks the line and is named in the legend.
    """
    require(trends_table, ["item", "label", "group", "wave", "n", "p", "ci_low", "ci_high", "suppressed"],
            "trend_chart", "cxcommit.analyses.trends.trends(survey, by=...)")
    table = pick(trends_table, "item", item, "trend_chart")
    labels = list(dict.fromkeys(table["label"]))
    fig, positions, height = panels(labels, 2, 8, options.presentation)
    colours = group_colours(table, options.dark)
    share_word = share_label(table)

    def hover(row: dict) -> str:
        return hover_text({**row, "group": f"{row['group']} · {row['wave']}"}, confidence=options.confidence,
                          share_word=share_word)

    room = Room(0, 1, 8 * row_height(options.presentation) * (SLIDE_SQUEEZE if options.presentation else 1.0),
                options.presentation, _most_ends(table))
    for number, (name, part) in enumerate(table.groupby("label", sort=False)):
        _draw(table)(fig, part, y="p", low="ci_low", high="ci_high", colours=colours, hover=hover, room=room,
                     min_group_size=options.min_group_size, position=positions[name], legend=number == 0)
    _wave_axis(fig, table)
    fig.update_yaxes(range=[0, 1], tickformat=".0%")
    fig.update_yaxes(title_text=share_word, col=1)
    title = f"“{escape_html(labels[0])}”" if len(labels) == 1 else "The items"
    title += f" in {escape_html(one_wave(table))}" if one_wave(table) is not None else " over waves"
    return _sized_ends(finish(fig, title, _whiskers_note(options, table), height=max(height, 420), options=options), room)


def _incentive_hover(row: dict) -> str:
    return (f"<b>{escape_html(row['group'])} · {escape_html(row['wave'])}</b><br>Incentive tied to CX: "
            + (f"{row['incentive_share']:.1f}% (mean of {row['units']:.0f} units)"
               if pd.notna(row["incentive_share"]) else "no unit metrics"))


def pay_trend_chart(pay_alignment_table: pd.DataFrame, *, options: ChartOptions = ChartOptions()) -> go.Figure:
    """Is executive pay moving toward CX? Sign 7's share and the share of executive incentive tied to
    CX (when unit metrics are known) over waves, a line per group: on a page one panel above the
    other; in presentation side by side, each with its own y axis and title, as tall as the other
    line charts (a screen is wider than tall: two stacked panels would not fit a laptop's).

    Input: :func:`cxcommit.analyses.pay.pay_alignment`. A hidden wave shows neither number for that group.
    """
    require(pay_alignment_table, ["group", "wave", "n", "p", "ci_low", "ci_high", "incentive_share", "suppressed"],
            "pay_trend_chart", "cxcommit.analyses.pay.pay_alignment(survey, metrics, by=...)")
    table = pay_alignment_table
    incentive = numbers(table["incentive_share"])
    shown = ~table["suppressed"].to_numpy(dtype=bool)
    has_incentive = bool(np.isfinite(incentive[shown]).any())
    fig, second, height, panel = _pay_panels(has_incentive, options.presentation)
    colours = group_colours(table, options.dark)
    draw = _draw(table)
    draw(fig, table, y="p", low="ci_low", high="ci_high", colours=colours, position=(1, 1),
         min_group_size=options.min_group_size, room=(room := _room(1, panel, table, options)),
         hover=lambda r: hover_text({**r, "group": f"{r['group']} · {r['wave']}"}, confidence=options.confidence,
                                    share_word="Sign 7, share answering yes"))
    # short axis titles (the panel titles say the rest): two squeezed panels' titles must not run into each other
    fig.update_yaxes(range=[0, 1], tickformat=".0%", title_text="Share yes" if has_incentive else "Share answering yes",
                     row=1, col=1)
    if has_incentive:
        top = float(np.nanmax(incentive[shown])) * 1.15 or 1.0
        draw(fig, table, y="incentive_share", colours=colours, position=second, legend=False,
             min_group_size=options.min_group_size, hover=_incentive_hover, fmt=lambda v: f"{v:.1f}%",
             room=_room(top, panel, table, options))
        fig.update_yaxes(range=[0, top], ticksuffix="%", title_text="Incentive", row=second[0], col=second[1])
    _wave_axis(fig, table)
    axis = "Wave" if one_wave(table) is None else grouping_word(table, "axis")
    for row, col in {(1, 1), second} if second == (1, 2) else [second if has_incentive else (1, 1)]:
        fig.update_xaxes(title_text=axis, row=row, col=col)  # under each panel side by side, under the lowest stacked
    if second == (1, 2):
        fig.update_xaxes(tickangle=30)  # two narrow panels: their waves slanted alike
    fig = finish(fig, "Is executive pay moving toward CX?" if one_wave(table) is None else
                 f"Executive pay and CX in {escape_html(one_wave(table))}", _whiskers_note(options, table),
                 height=height, options=options)
    return _sized_ends(mark_lowest(fig, 0, options.presentation, below=WAVE_AXIS[options.presentation] + room.plot), room)


def _pay_panels(has_incentive: bool, presentation: bool) -> tuple[go.Figure, tuple[int, int], int, float]:
    """The pay chart's panels: the figure, the incentive panel's (row, col), the height and each
    panel's plot height: side by side in presentation (560 high, like the other line charts), else
    stacked (sign 7 above)."""
    side = presentation and has_incentive
    titles = ["Sign 7: executive pay tied to CX (share answering yes)"]
    titles += ["Share of executive incentive tied to CX (mean over units)"] if has_incentive else []
    if side:
        titles = [title.replace(" (", "<br>(") for title in titles]
    fig = make_subplots(rows=1 if side else len(titles), cols=2 if side else 1, shared_xaxes=not side,
                        vertical_spacing=0.1, horizontal_spacing=0.16, subplot_titles=titles)
    height = 560 if side else (340 if presentation else 320) * len(titles) + 160
    panel = height - PLOT_MARGINS - 40 if side else (height - PLOT_MARGINS) / len(titles)
    return fig, (1, 2) if side else (2, 1), height, panel


def index_trend_chart(index_waves_table: pd.DataFrame, *, options: ChartOptions = ChartOptions()) -> go.Figure:
    """Mean signs met (0–8) per wave, a line per group, with interval whiskers.

    Input: :func:`cxcommit.analyses.commitment.index_over_waves`.
    """
    require(index_waves_table, ["group", "wave", "n", "mean_signs", "mean_ci_low", "mean_ci_high", "suppressed"],
            "index_trend_chart", "cxcommit.analyses.commitment.index_over_waves(survey, by=...)")
    fig = go.Figure()
    table = index_waves_table
    height = 560 if options.presentation else 480
    _draw(table)(fig, table, y="mean_signs", low="mean_ci_low", high="mean_ci_high",
                 colours=group_colours(table, options.dark), min_group_size=options.min_group_size,
                 room=(room := _room(8, height - PLOT_MARGINS, table, options)),
                 hover=lambda r: index_hover(r, options.confidence), fmt=lambda v: f"{v:.1f}")
    _wave_axis(fig, table)
    fig.update_xaxes(title_text="Wave" if one_wave(table) is None else grouping_word(table, "axis"))
    fig.update_yaxes(range=[0, 8], dtick=1, title_text="Mean signs met (0–8)")
    title = "Commitment index over waves" if one_wave(table) is None else f"Commitment index in {escape_html(one_wave(table))}"
    fig = finish(fig, title, _whiskers_note(options, table), height=height, options=options)
    return _sized_ends(mark_lowest(fig, 0, options.presentation, below=WAVE_AXIS[options.presentation] + room.plot), room)


def _sized_ends(fig: go.Figure, room: Room) -> go.Figure:
    """The lines' end values in the font they were spaced for (the theme sizes every annotation alike)."""
    return fig.update_annotations(font_size=room.font, selector={"name": "latest value"})


def _most_ends(table: pd.DataFrame) -> int:
    """The most lines that may end at one wave: the groups drawn."""
    return max(1, int(table.loc[~table["suppressed"].astype(bool), "group"].nunique()))


def _room(top: float, pixels: float, table: pd.DataFrame, options: ChartOptions) -> Room:
    """The end labels' room on an axis from 0 to ``top``: a page draws the plot ``pixels`` high, a
    slide down to :data:`LOWEST_PLOT` (the chart's lowest height says so, :func:`mark_lowest`)."""
    return Room(0, top, LOWEST_PLOT if options.presentation else pixels, options.presentation, _most_ends(table))

"""The look of every chart: colours, fonts, the suppressed-cell style and how numbers read in a hover.

plotly reads a few tags (``<b>``, ``<br>``, ``<a href>`` …) and entities in every text it draws:
titles, axis ticks, legends, hovers, annotations. Names and labels from the data enter a figure
only through :func:`~cxcommit.text.escape_html`, so that they are drawn as the characters they
hold; the hover helpers here take them as they are and escape them.

All palettes are safe for the common kinds of colour blindness: the diverging scale runs from
orange-brown (below the rest of the organisation) through a light neutral to blue (above it),
never red against green; the sequential scale is a single blue hue; the qualitative palette is
Okabe & Ito (2008), "Color Universal Design".
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxcommit.text import escape_html, pct, without_controls  # noqa: F401 — charts format numbers here

FONT_FAMILY = ('system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", '
               '"Liberation Sans", sans-serif')
# Difference to the rest: orange-brown below, blue above (ColorBrewer PuOr/RdBu end colours).
DIVERGING = [[0.0, "#b35806"], [0.2, "#e08214"], [0.4, "#fdd9a8"], [0.5, "#f7f7f7"], [0.6, "#c6dbef"],
             [0.8, "#4393c3"], [1.0, "#2166ac"]]
BELOW, ABOVE, NEUTRAL = "#b35806", "#2166ac", "#9a9a9a"
SEQUENTIAL = [[0.0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"], [1.0, "#08306b"]]
# Okabe–Ito, reordered so the first colours read well on white and on a dark background.
QUALITATIVE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SUPPRESSED_COLOR = "#d9d9d9"
# A cell that differs from the rest (rates' ``significant``): this mark and the full colour; every other
# cell in a muted colour (:func:`muted`), so that colour alone never reads as a real difference.
MARK = "●"
SUPPRESSED_TEXT = "#505050"
LEADERS_COLOR, STAFF_COLOR = "#0072B2", "#E69F00"

_LOOKS = {  # (font, title, tick) sizes and line scale
    False: {"font": 13, "title": 18, "subtitle": 12, "line": 1.0},
    True: {"font": 18, "title": 26, "subtitle": 16, "line": 1.6},
}
_BACKGROUNDS = {
    False: {"paper": "white", "plot": "white", "font": "#222222", "grid": "#e6e6e6", "line": "#999999"},
    True: {"paper": "rgba(0,0,0,0)", "plot": "rgba(0,0,0,0)", "font": "#ececec", "grid": "rgba(255,255,255,0.16)",
           "line": "rgba(255,255,255,0.45)"},
}


def font_size(presentation: bool = False) -> int:
    """The base font size of a chart, larger for projecting in a meeting."""
    return _LOOKS[presentation]["font"]


def row_height(presentation: bool = False) -> int:
    """Pixels per row of a chart with one row per item or group."""
    return 40 if presentation else 28


def ink(dark: bool = False) -> str:
    """The text colour, for marks that must read like text (the organisation's line)."""
    return _BACKGROUNDS[bool(dark)]["font"]


def colorway(dark: bool = False) -> list[str]:
    """The qualitative palette; black becomes light grey on a dark background."""
    return [("#d0d0d0" if dark and c == "#000000" else c) for c in QUALITATIVE]


def apply_theme(fig: go.Figure, *, presentation: bool = False, dark: bool = False) -> go.Figure:
    """Fonts, colours, backgrounds and line widths of ``fig`` (changed in place and returned).

    ``presentation``: larger fonts, thicker lines and bigger markers, for a projector.
    ``dark``: transparent backgrounds and light text, for a dark page or slide.
    """
    look, back = _LOOKS[bool(presentation)], _BACKGROUNDS[bool(dark)]
    fig.update_layout(
        font={"family": FONT_FAMILY, "size": look["font"], "color": back["font"]},
        title={"font": {"size": look["title"]}, "subtitle": {"font": {"size": look["subtitle"]}},
               "x": 0, "xanchor": "left", "xref": "container", "pad": {"l": 12}},
        paper_bgcolor=back["paper"], plot_bgcolor=back["plot"], colorway=colorway(dark),
        legend={"bgcolor": "rgba(0,0,0,0)", "font": {"size": look["font"]}},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": look["font"]}},
    )
    fig.update_annotations(font={"size": look["font"] + 1})
    fig.update_annotations(font={"color": back["font"]}, selector={"yref": "paper"})  # titles; a line's value keeps its colour
    axes = {"gridcolor": back["grid"], "linecolor": back["line"], "zerolinecolor": back["line"],
            "title_font_size": look["font"], "automargin": True}
    fig.update_xaxes(**axes)
    fig.update_yaxes(**axes)
    for axis in (*fig.select_xaxes(), *fig.select_yaxes()):  # a size the chart chose (a heatmap's column names) stays
        if axis.tickfont.size is None:
            axis.tickfont.size = look["font"] - 1
    for trace in fig.data:
        if trace.type == "scatter":
            trace.line.width = (trace.line.width or 2) * look["line"]
            if not isinstance(trace.marker.size, (list, tuple)):
                trace.marker.size = (trace.marker.size or 8) * look["line"]
        for error in ("error_x", "error_y"):  # whiskers given as data (``visible`` is unset: plotly shows them)
            if trace.type in ("scatter", "bar") and trace[error].array is not None and trace[error].visible is not False:
                trace[error].thickness = 1.5 * look["line"]
    return fig


def wrap(text: str, limit: int, separator: str = " · ") -> str:
    """``text`` broken into lines (``<br>``) of at most about ``limit`` characters, at ``separator``."""
    lines: list[str] = []
    for part in text.split(separator):
        if lines and len(lines[-1]) + len(separator) + len(part) <= limit:
            lines[-1] += separator + part
        else:
            lines.append(part)
    return "<br>".join(lines)


def place_header(fig: go.Figure, title: str, subtitle: str = "", *, height: int, presentation: bool = False,
                 width: int = 900) -> go.Figure:
    """Title, subtitle, legend and panel titles stacked above the plot, none covering another.

    Pixel positions need the figure's ``height``; ``width`` is the plot width to expect (the
    figure itself stays responsive). The subtitle wraps at " · "; a legend of up to six entries (ten on a slide)
    runs across under the subtitle (wrapping as plotly does), a longer one down the right-hand side.
    """
    look = _LOOKS[bool(presentation)]
    subtitle = wrap(subtitle, int(width / (0.58 * look["subtitle"]))) if subtitle else ""
    entries = [t.name or "" for t in fig.data if t.type in ("scatter", "bar") and t.showlegend is not False]
    below_title = 14 + look["title"] * 1.4 + (subtitle.count("<br>") + 1) * look["subtitle"] * 1.5 * bool(subtitle)
    across = len(entries) <= (10 if presentation else 6)  # a slide is wide: two rows of names before a side list
    legend_rows = math.ceil(sum(len(name) * 0.58 * look["font"] + 44 for name in entries) / width)
    legend_h = look["font"] * 1.9 * legend_rows if across and len(entries) >= 2 else 0
    panel_titles = look["font"] * 1.9 if any(a.yref == "paper" for a in fig.layout.annotations) else 0
    fig.update_layout(
        height=height, showlegend=len(entries) >= 2,
        title={"text": title, "subtitle": {"text": subtitle}, "yref": "container", "y": 1 - 14 / height,
               "yanchor": "top"},
        legend=({"orientation": "h", "yref": "container", "y": 1 - (below_title + 6) / height, "yanchor": "top",
                 "x": 0, "xanchor": "left"} if across else
                {"orientation": "v", "yref": "paper", "y": 1, "yanchor": "top", "x": 1.02, "xanchor": "left"}),
        margin={"t": int(below_title + legend_h + panel_titles + 16), "l": 10, "r": 10, "b": 10},
    )
    return fig


def muted(scale: list, keep: float = 0.3) -> list:
    """``scale`` (a plotly colour scale of ``#rrggbb`` colours) faded toward its lightest neutral,
    ``#f7f7f7``, keeping ``keep`` of each colour's distance from it: the colours of cells whose
    difference may be chance. Direction stays readable (pale blue, pale orange); strength does not shout.

    >>> muted([[0, "#000000"], [1, "#f7f7f7"]], keep=0.5)
    [[0, 'rgb(124, 124, 124)'], [1, 'rgb(247, 247, 247)']]
    """
    def fade(colour: str) -> str:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
        return "rgb({}, {}, {})".format(*(round(247 + (c - 247) * keep) for c in channels))
    return [[stop, fade(colour)] for stop, colour in scale]


def mark_note(min_difference: float) -> str:
    """What the mark on a heatmap cell means, for a legend or a footnote.

    >>> mark_note(0.05)
    '● differs from the rest: adjusted for the number of tests and at least 5 points; pale: within chance or smaller'
    """
    points = round(min_difference * 100, 6)
    return (f"{MARK} differs from the rest: adjusted for the number of tests and at least {points:g} "
            f"point{'' if points == 1 else 's'}; pale: within chance or smaller")


def suppressed_label(min_group_size: int) -> str:
    """The text a suppressed cell shows instead of a number: ``n<5`` (published data hide a cell
    for one reason only, too few answers)."""
    return f"n<{min_group_size}"


def suppressed_hover(group: str, min_group_size: int) -> str:
    """The hover text of a suppressed cell: says why, shows no number about the group (``group``:
    its name as in the data)."""
    return f"<b>{escape_html(group)}</b><br>Hidden: fewer than {min_group_size} answers"


def interval(low, high, confidence: float, points: bool = False) -> str:
    """``95% interval 61%–74%`` (or in points); empty where either end is missing."""
    if pct(low) == "" or pct(high) == "":
        return ""
    ends = (f"{float(low) * 100:+.0f} to {float(high) * 100:+.0f} points" if points
            else f"{pct(low)}–{pct(high)}")
    return f"{confidence:.0%} interval {ends}"


def hover_text(row: pd.Series | dict, *, confidence: float = 0.95, min_group_size: int = 5,
               share_word: str = "Share yes") -> str:
    """What one cell says on hover: group, item, n, share with interval, difference to the rest and
    change since the previous wave (each in points with its interval; the wave compared with named).

    Only the columns the row has are used (names and labels as in the data); a suppressed row gets
    :func:`suppressed_hover`.
    """
    get = row.get
    group = get("group", "")
    if bool(get("suppressed", False)):
        return suppressed_hover(group, min_group_size)
    lines = [f"<b>{escape_html(group)}</b>"] + ([escape_html(get("label"))] if get("label") is not None else [])
    if pd.notna(get("n", None)):
        lines.append(f"n = {int(get('n')):,}")
    if pct(get("p", None)):
        spread = interval(get("ci_low", None), get("ci_high", None), confidence)
        lines.append(f"{share_word}: {pct(get('p'))}" + (f" ({spread})" if spread else ""))
    if pct(get("diff", None)):
        mark = " (significant)" if bool(get("significant", False)) else ""
        spread = interval(get("diff_low", None), get("diff_high", None), confidence, points=True)
        lines.append(f"Difference to the rest: {pct(get('diff'), signed=True)}" + (f" ({spread})" if spread else "")
                     + mark)
    if pct(get("change_prev", None)) and get("prev_wave", None) is not None:
        mark = " (significant)" if bool(get("change_prev_significant", False)) else ""
        spread = interval(get("change_prev_low", None), get("change_prev_high", None), confidence, points=True)
        lines.append(f"Since {escape_html(get('prev_wave'))}: {pct(get('change_prev'), signed=True)}"
                     + (f" ({spread})" if spread else "") + mark)
    return "<br>".join(lines)


def suppressed_trace(x: list, y: list, groups: list[str], min_group_size: int, **options) -> go.Scatter:
    """Grey ``n<5`` labels at (x, y) standing in for suppressed groups: no number, a hover that says
    why. ``y`` (names of groups or items on a category axis) and ``groups`` as in the data."""
    return go.Scatter(x=x, y=[escape_html(v) for v in y], mode="text",
                      text=[suppressed_label(min_group_size)] * len(groups), textfont={"color": "#8a8a8a"}, textposition="middle right", name="Hidden",
                      hovertext=[suppressed_hover(g, min_group_size) for g in groups],
                      hoverinfo="text", customdata=[[g] for g in groups], showlegend=False, **options)


def suppressed_cells(hidden: list[list[bool]], x: list, y: list, customdata: list, min_group_size: int,
                     font: int = 11, labelled: bool = True) -> go.Heatmap:
    """A heatmap layer that greys out the hidden cells of a grid (``hidden``: True per hidden cell)
    and labels them ``n<5`` (unless not ``labelled``: cells too narrow for a word); no number, a
    hover that says why (``x``, ``y``: the groups' and items' names as in the data). Lay it over the
    heatmap of the shown cells."""
    return go.Heatmap(
        z=np.where(np.asarray(hidden, dtype=bool), 1.0, np.nan), x=[escape_html(v) for v in x],
        y=[escape_html(v) for v in y], xgap=2, ygap=2, showscale=False,
        hoverongaps=False, colorscale=[[0, SUPPRESSED_COLOR], [1, SUPPRESSED_COLOR]], name="Hidden",
        text=[[suppressed_label(min_group_size) if h and labelled else "" for h in line] for line in hidden],
        texttemplate="%{text}", textfont={"color": SUPPRESSED_TEXT, "size": font}, customdata=customdata,
        hovertext=[[suppressed_hover(g, min_group_size) if h else "" for g, h in zip(x, line)] for line in hidden],
        hoverinfo="text")


def printable_figure(fig: go.Figure) -> go.Figure:
    """``fig``, or a copy of it with every text free of control characters (:func:`~cxcommit.text.without_controls`):
    plotly.js cannot draw them into an image ("error 525") and no SVG can hold them. The chart
    functions escape the data's text already; writers call this too, for any figure."""
    spec = fig.to_plotly_json()
    printable = _printable(spec)
    return fig if printable is spec else go.Figure(printable)


def _printable(value):
    """``value`` (a figure's JSON-like parts) without control characters in its text; the very same
    object where there were none."""
    if isinstance(value, str):
        return without_controls(value)
    if isinstance(value, dict):
        items = {key: _printable(part) for key, part in value.items()}
        return value if all(items[key] is part for key, part in value.items()) else items
    if isinstance(value, (list, tuple)):
        parts = [_printable(part) for part in value]
        return value if all(new is old for new, old in zip(parts, value)) else type(value)(parts)
    if isinstance(value, np.ndarray) and value.dtype == object:
        parts = [_printable(part) for part in value.tolist()]
        return value if all(new is old for new, old in zip(parts, value.tolist())) else np.array(parts, dtype=object)
    return value

"""Where things go on a chart: panels, axis ticks, the header, and the pixel rules of thumb that size them."""
from __future__ import annotations

import html
import math
import textwrap

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cxcommit.charts.options import ChartOptions
from cxcommit.charts.theme import apply_theme, font_size, place_header, row_height
from cxcommit.text import escape_html, shorten, shorten_all

TICK_CHARS = 40  # a category's name on an axis is cut to this many characters ("…"); the hover has it whole
LAPTOP_COLUMNS = 600  # pixels the columns of a heatmap have together on a laptop screen (more on a wide one)
CELL_ROOM = 840  # pixels the cells' numbers may take together across a heatmap


def short_ticks(fig: go.Figure, axis: str, categories: list[str], **where) -> None:
    """Name the categories of ``axis`` ("x" or "y"), given as drawn (:func:`~cxcommit.charts.common.texts`),
    with at most :data:`TICK_CHARS` characters each, so that a unit named in 100 characters does not
    squeeze the plot into a strip; two names cut alike keep the ends that tell them apart
    (:func:`~cxcommit.text.shorten_all`). The categories themselves (and the clicks' ``customdata``) stay whole."""
    categories = [c for c in dict.fromkeys(categories) if c is not None]
    texts = [escape_html(t) for t in shorten_all([html.unescape(c) for c in categories], TICK_CHARS)]
    if texts != categories:
        update = fig.update_xaxes if axis == "x" else fig.update_yaxes
        update(tickmode="array", tickvals=categories, ticktext=texts, **where)


def finish(fig: go.Figure, title: str, subtitle: str, *, height: float, options: ChartOptions) -> go.Figure:
    """The header placed for ``height`` pixels and the theme applied."""
    place_header(fig, title, subtitle, height=int(height), presentation=options.presentation,
                 width=SLIDE_WIDTH if options.presentation else PLOT_WIDTH)
    return apply_theme(fig, presentation=options.presentation, dark=options.dark)


LOWEST_ROW = (18, 22)  # pixels a bar, a dumbbell or a row of cells needs for its name and number (dashboard, slide)
AXIS_BELOW = 70  # pixels a value axis' numbers and title take under the plot


def mark_lowest(fig: go.Figure, rows: int, presentation: bool, *, below: int = AXIS_BELOW,
                per_row: int | None = None) -> go.Figure:
    """Say in ``layout.meta["lowest_height"]`` the lowest ``fig`` reads at: its margins, what is under
    its plot (``below``), and ``rows`` rows (bars, dumbbells, cells) of ``per_row`` pixels
    (:data:`LOWEST_ROW`). A slide short of room draws the chart down to that and no lower; it tells a
    taller chart over several slides instead (``cxcommit.story.screen.heights``, ``story.paging``).

    >>> fig = mark_lowest(go.Figure(layout={"height": 600, "margin": {"t": 100, "b": 10}}), 8, True)
    >>> fig.layout.meta["lowest_height"]
    356
    """
    per_row = LOWEST_ROW[presentation] if per_row is None else per_row
    lowest = (fig.layout.margin.t or 0) + (fig.layout.margin.b or 0) + below + rows * per_row
    meta = dict(fig.layout.meta) if isinstance(fig.layout.meta, dict) else {}
    fig.update_layout(meta={**meta, "lowest_height": int(min(lowest, fig.layout.height or lowest))})
    return fig


def panels(keys: list, columns: int, rows_each: int, presentation: bool) -> tuple[go.Figure, dict, int]:
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


def dodge(values, gap: float, low: float = -math.inf, high: float = math.inf) -> np.ndarray:
    """Positions for labels at ``values`` (one axis), at least ``gap`` apart and each as near its
    value as the others allow: labels that would overlap gather in a stack centred on their values'
    mean, stacks merging until none overlaps (a one-dimensional dodge, as ggrepel does along one
    axis), then kept within [``low``, ``high``]. The order of the values is kept.

    >>> dodge([0.50, 0.51, 0.90], 0.05).round(3).tolist()
    [0.48, 0.53, 0.9]
    >>> dodge([0.99, 1.0], 0.05, high=1.0).round(3).tolist()
    [0.95, 1.0]
    """
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    stacks: list[list[float]] = []  # [labels, sum of their values]
    for value in values[order]:
        stacks.append([1, value])
        while len(stacks) > 1:
            (n1, s1), (n2, s2) = stacks[-2], stacks[-1]
            if (s2 / n2 - (n2 - 1) / 2 * gap) - (s1 / n1 + (n1 - 1) / 2 * gap) >= gap * (1 - 1e-9):
                break
            stacks[-2:] = [[n1 + n2, s1 + s2]]
    placed = np.concatenate([s / n + (np.arange(n) - (n - 1) / 2) * gap for n, s in stacks]) if stacks else values
    for i in range(len(placed)):  # within the bounds, still apart: up from the bottom, then down from the top
        placed[i] = max(placed[i], low, placed[i - 1] + gap if i else -math.inf)
    for i in reversed(range(len(placed))):
        placed[i] = min(placed[i], high, placed[i + 1] - gap if i + 1 < len(placed) else math.inf)
    result = np.empty_like(values)
    result[order] = placed
    return result


# --- a heatmap's cells ---------------------------------------------------------------------------------------

PLOT_WIDTH = 900  # pixels a chart has across on a laptop screen (1366 wide, sidebar open); more on a wide one
SLIDE_WIDTH = 1160  # the same in the presentation (1366 wide, no sidebar, the slide's padding)
COLOUR_BAR = (130, 230)  # pixels the colour bar and its title take right of the cells (dashboard, presentation)
MIN_CELL_FONT = 9  # a cell's number smaller than this cannot be read on a projector: the heatmap turns instead


def label_room(names: list[str], presentation: bool) -> float:
    """Pixels the row names (as cut on the axis, :data:`TICK_CHARS`) take left of the cells."""
    longest = max((len(shorten(name, TICK_CHARS)) for name in names), default=0)
    return 12 + longest * 0.58 * font_size(presentation)


def cell_font(columns: int, rows: list[str], widest: int, presentation: bool) -> int:
    """The font size that writes ``widest`` characters ("● 100%": 6, "n<150": 5) in each of
    ``columns`` cells beside the row names ``rows`` in :data:`PLOT_WIDTH` pixels (:data:`SLIDE_WIDTH`
    in ``presentation``) less the colour bar, at most the
    chart's own; below :data:`MIN_CELL_FONT` the cells are too narrow for numbers."""
    width = SLIDE_WIDTH if presentation else PLOT_WIDTH
    room = max(width * 0.4, width - COLOUR_BAR[presentation] - label_room(rows, presentation))
    return int(min(font_size(presentation), room / max(1, columns) / (0.62 * widest)))


def names_too_wide(names: list[str], presentation: bool, room: float = PLOT_WIDTH * 0.6) -> bool:
    """Whether the longest column name (as cut on the axis) is wider than its column of ``room`` / columns."""
    longest = max(len(shorten(name, TICK_CHARS)) for name in names) * 0.58 * font_size(presentation)
    return longest > 0.9 * (room / len(names))


def tick_angle(names: list[str], presentation: bool) -> int:
    """Column names upright (-90°) when the columns are narrower than two letters, slanted (-40°)
    when a name is wider than its column, else level."""
    crowded = PLOT_WIDTH * 0.6 / len(names) < 1.8 * font_size(presentation)
    return -90 if crowded else -40 if names_too_wide(names, presentation) else 0


def tick_font(columns: int, presentation: bool) -> int:
    """The font size of the column names: smaller when the columns are narrow, never under 9."""
    return min(font_size(presentation), max(9, int(PLOT_WIDTH * 0.6 / columns / 1.4)))


def names_height(names: list[str], presentation: bool) -> int:
    """Pixels the column names take at the angle :func:`tick_angle` gives them."""
    font = tick_font(len(names), presentation)
    longest = max(len(shorten(name, TICK_CHARS)) for name in names) * 0.58 * font
    angle = tick_angle(names, presentation)
    return int(font * 1.6 + (longest if angle == -90 else longest * 0.65 if angle == -40 else 0))


def column_names(names: list[str], rows: list[str], presentation: bool) -> tuple[list[str], int, int, int]:
    """The column names as drawn (escaped; cut at :data:`TICK_CHARS`), their angle, the pixels they
    take and their font size: level and wrapped onto up to :data:`NAME_LINES` lines where their
    columns hold at least :data:`LEVEL_CHARS` characters a line, at :func:`tick_font` or down to
    :data:`SMALLEST_NAME_FONT` on a slide (a longer name cut there, "…": a slanted name takes a
    slide's height from its rows, and the hover has it whole), else at :func:`tick_angle`."""
    width = (SLIDE_WIDTH if presentation else PLOT_WIDTH) - COLOUR_BAR[presentation] - label_room(rows, presentation)
    largest = tick_font(len(names), presentation)
    smallest = min(largest, SMALLEST_NAME_FONT) if presentation else largest
    for font in range(largest, smallest - 1, -1):
        lines = _level(names, int(width / max(1, len(names)) / (NAME_CHAR * font)), cut=presentation and font == smallest)
        if lines:
            return (["<br>".join(escape_html(line) for line in name) for name in lines], 0,
                    int(font * 1.3 * max(map(len, lines)) + 12), font)
    return ([escape_html(name) for name in shorten_all(names, TICK_CHARS)], tick_angle(names, presentation),
            names_height(names, presentation), largest)


def _level(names: list[str], chars: int, cut: bool) -> list[list[str]] | None:
    """Each name's lines, written level at ``chars`` a line (:func:`_wrapped`); None where the columns
    hold fewer than :data:`LEVEL_CHARS` or a word is longer than a line (``cut``: then cut, "…")."""
    if chars < LEVEL_CHARS:
        return None
    wrapped = _distinct_wrapped(names, chars)
    if max(len(line) for name in wrapped for line in name) <= chars:
        return wrapped
    return [[shorten(line, chars) for line in name] for name in wrapped] if cut else None


def _distinct_wrapped(names: list[str], chars: int) -> list[list[str]]:
    """Each name cut (:func:`~cxcommit.text.shorten_all`) and wrapped (:func:`_wrapped`) so that two
    different names never read the same: cut shorter, keeping the ends that tell them apart, until
    every cut name fits its lines whole (wrapping cuts only at the end, which may be what tells two
    names apart) or is as short as a line."""
    width = TICK_CHARS
    while True:
        cut = shorten_all(names, width)
        wrapped = [_wrapped(name, chars) for name in cut]
        if all(" ".join(lines) == name for lines, name in zip(wrapped, cut)) or width <= LEVEL_CHARS:
            return wrapped
        width -= 2


NAME_CHAR = 0.55  # a column name's letter, on average, in ems of its font (the page's sans serif)
SMALLEST_NAME_FONT = 13  # pixels: a slide's column names are made this small before they are slanted
LEVEL_CHARS = 8  # characters a line a column name needs to be written level, wrapped
NAME_LINES = 4  # lines a level column name takes at most


def _wrapped(name: str, chars: int) -> list[str]:
    """``name`` wrapped at ``chars`` a line (a longer word kept whole), at most
    :data:`NAME_LINES` lines, the last ending in "…" where the name goes on.

    >>> _wrapped("How difficult do you expect learning R to be?", 10)
    ['How', 'difficult', 'do you', 'expect le…']
    """
    lines = textwrap.wrap(name, chars, break_long_words=False) or [""]
    if len(lines) <= NAME_LINES:
        return lines
    return lines[:NAME_LINES - 1] + [shorten(" ".join(lines[NAME_LINES - 1:]), chars)]


def heatmap_height(rows: int, names_px: int, presentation: bool = False) -> float:
    """A heatmap's height in pixels: the header, its rows (a long heatmap, one row per unit, gets
    lower rows) and its column names (``names_px``: :func:`column_names`)."""
    per_row = row_height(presentation) * (1.3 if rows <= 12 else 1.0)
    return 170 + rows * per_row + names_px

"""The deck's heatmap of items × groups as a table with coloured cells: each cell's share, coloured by
its difference to the other groups together (full colour and bold where it differs by more than
chance, muted elsewhere), hidden cells grey with ``n<5``."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from plotly.colors import sample_colorscale
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from cxcommit.charts.common import whole_of
from cxcommit.charts.theme import DIVERGING, MARK, SUPPRESSED_COLOR, SUPPRESSED_TEXT, muted, suppressed_label
from cxcommit.export.pptx_cover import Cover
from cxcommit.export.pptx_style import INK, rgb
from cxcommit.text import pct, without_controls

PALE = muted(DIVERGING)  # the colours of cells whose difference may be chance
ROW_HEIGHT = Inches(0.8)  # the most a row takes: a page of few rows spreads them down the slide up to this
LEGEND_HEIGHT = Inches(0.45)  # the colour scale under the table


def _sign_cell(row: dict, minimum: int, limit: float) -> tuple[str, dict]:
    """A shown or hidden cell of the heatmap table: its text and style (fill, colour, bold). A cell
    that differs from the rest (``significant``) in full colour, bold, after the mark; else muted."""
    if row["suppressed"]:
        return suppressed_label(minimum), {"fill": SUPPRESSED_COLOR, "colour": SUPPRESSED_TEXT}
    diff = float(row["diff"]) if pd.notna(row["diff"]) else 0.0
    marked = bool(row.get("significant", False))
    fill = sample_colorscale(DIVERGING if marked else PALE, [min(max(0.5 + diff / (2 * limit), 0.0), 1.0)])[0]
    dark = marked and abs(diff) > 0.6 * limit
    return (f"{MARK} {pct(row['p'])}" if marked else pct(row["p"]),
            {"fill": fill, "colour": "#ffffff" if dark else INK, "bold": marked})


def row_heights(items: list[str], size: int, column: float) -> tuple[float, list[float]]:
    """The inches the table's head (two lines of group names) and each question's row take at
    ``size`` points, the questions wrapped in their ``column`` (inches): a letter ~0.55 em wide,
    0.2 in of margins across, 1.2 em a line, 0.1 in of margins down.

    >>> head, rows = row_heights(["Han Solo", "A question long enough to wrap onto a second line"], 14, 3.0)
    >>> round(head, 2), [round(row, 2) for row in rows]
    (0.61, [0.33, 0.57])
    """
    per_line = max(1, int((column - 0.2) / (size * 0.55 / 72)))
    return size * 2.6 / 72 + 0.1, [math.ceil(len(item) / per_line) * size * 1.2 / 72 + 0.1 for item in items]


def table_type(items: list[str], crowded: int, width: int, height: int) -> tuple[int, float]:
    """The heatmap table's type size and the share of its width its questions take: 14, 11 or 8 pt
    by how many rows or columns there are, the questions a quarter of the width (a third for long
    ones), and smaller type still while the questions, wrapped in their column, would make the table
    taller than its box (:func:`row_heights`).

    >>> table_type(["Han Solo"] * 5, 10, Inches(12), Inches(4.5))
    (11, 0.24)
    >>> table_type(["How likely are you to recommend Python to a colleague, friend, or family member?"] * 9, 9,
    ...            Inches(12), Inches(4.5))
    (10, 0.32)
    """
    labels = 0.32 if len(items) > 14 or max(map(len, items), default=0) > 40 else 0.24
    size = 14 if crowded <= 8 else 11 if crowded <= 14 else 8
    while size > 8:
        head, rows = row_heights(items, size, width * labels / 914400)
        if head + sum(rows) <= height / 914400:
            break
        size -= 1
    return size, labels


def spread_rows(grid, items: list[str], size: int, column: float, height: int) -> int:
    """Each row's height: what its question needs (:func:`row_heights`), and the room left in the
    box shared out among the rows up to :data:`ROW_HEIGHT` each, so a page of few rows is spread
    down its slide and a page of many keeps to its box. Returns the table's height (EMU)."""
    head, rows = row_heights(items, size, column)
    spare = max(0.0, height / 914400 - head - sum(rows)) / max(1, len(rows) + 1)
    grid.rows[0].height = Emu(int(min(head + spare, ROW_HEIGHT / 914400) * 914400))
    for row, need in zip(list(grid.rows)[1:], rows):
        row.height = Emu(int(max(need, min(need + spare, ROW_HEIGHT / 914400)) * 914400))
    return min(height, sum(row.height for row in grid.rows))


def signs(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    """The heatmap as a table: items down, groups across; share in each cell, coloured by the
    difference to the other groups; hidden cells grey with ``n<5``. A cell that differs from the rest
    (the table's ``significant``) is in full colour, its number bold after a ●; every other cell in
    the muted colours (:func:`cxcommit.charts.theme.muted`), as on the dashboard's heatmap; the
    slide's footnote says what the mark means."""
    items = list(dict.fromkeys(table["label"]))
    groups = list(dict.fromkeys(table["group"]))
    cells = {(r["label"], r["group"]): r for r in table.to_dict("records")}
    whole = whole_of(table)  # a page of a heatmap told across slides: the whole one's colours
    diffs = whole.loc[~whole["suppressed"].astype(bool), "diff"].astype(float).abs().dropna()
    limit = max(0.05, float(np.ceil(diffs.max() * 20) / 20) if len(diffs) else 0.05)
    left, top, width, height = box
    height -= LEGEND_HEIGHT  # the colour scale under the table
    shape = slide.shapes.add_table(len(items) + 1, len(groups) + 1, left, top, width, height)
    grid = shape.table
    crowded = max(len(groups), len(items))  # many columns or many rows: smaller type, so the table fits
    size, labels = table_type(items, crowded, width, height)
    drawn = spread_rows(grid, items, size, width * labels / 914400, height)
    shape.height = Emu(int(drawn))
    grid.columns[0].width = Emu(int(width * labels))
    for j in range(len(groups)):
        grid.columns[j + 1].width = Emu(int(width * (1 - labels) / len(groups)))
    # group names: a long one wraps between words, not inside one (a bold letter up to 0.75 em, 0.2 in of margins)
    longest_word = max((len(word) for group in groups for word in str(group).split()), default=1)
    head = max(7, min(size, 12, int((width * (1 - labels) / len(groups) / 914400 - 0.2) * 72 / (0.75 * longest_word))))

    def write(cell, text, *, fill: str, colour: str = INK, bold: bool = False, align=PP_ALIGN.CENTER, size=size):
        if crowded > 14:  # many rows: thin margins keep each to a line or two
            cell.margin_top = cell.margin_bottom = Inches(0.01)
        cell.fill.solid()
        cell.fill.fore_color.rgb = rgb(fill)
        cell.vertical_anchor = MSO_ANCHOR.MIDDLE
        cell.text = without_controls(text)
        paragraph = cell.text_frame.paragraphs[0]
        paragraph.alignment = align
        for run in paragraph.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, rgb(colour)

    write(grid.cell(0, 0), "", fill="#ffffff")
    for j, group in enumerate(groups):
        write(grid.cell(0, j + 1), str(group), fill="#ffffff", bold=True, size=head)
    for i, label in enumerate(items):
        write(grid.cell(i + 1, 0), label, fill="#ffffff", align=PP_ALIGN.LEFT)
        for j, group in enumerate(groups):
            row = cells.get((label, group))
            if row is None:
                write(grid.cell(i + 1, j + 1), "", fill="#ffffff")
            else:
                text, style = _sign_cell(row, minimum, limit)
                write(grid.cell(i + 1, j + 1), text, **style)
    marked = bool((table["significant"].astype(bool) & ~table["suppressed"].astype(bool)).any()) \
        if "significant" in table else False
    colour_legend(slide, (left, top + drawn + Inches(0.1), width, LEGEND_HEIGHT - Inches(0.1)), limit, marked=marked)
    return shape


def legend_steps(limit: float) -> list[float]:
    """The differences the colour scale shows, from ``-limit`` to ``limit``: 10-point steps beyond 20
    points, else 5, always 0 in the middle.

    >>> legend_steps(0.15), legend_steps(0.3)
    ([-0.15, -0.1, -0.05, 0.0, 0.05, 0.1, 0.15], [-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3])
    >>> legend_steps(0.55)[-1]
    0.5
    """
    step = 0.1 if limit > 0.2 else 0.05
    count = math.floor(limit / step + 1e-9)  # never beyond the scale's end (0.55: to 0.5)
    return [round(k * step, 9) + 0.0 for k in range(-count, count + 1)]


def colour_legend(slide, box: tuple, limit: float, *, marked: bool):
    """What the cells' colours mean, under the table: a strip of swatches from ``-limit`` to ``limit``
    (the table's own scale), each saying its difference in points, after the words "Colour: difference
    to the other groups together". In full colour when some cell differs beyond chance (``marked``),
    as those cells are drawn; else in the muted colours every cell then has."""
    left, top, width, height = box
    words = slide.shapes.add_textbox(left, top, Emu(int(width * 0.45)), height)
    words.text_frame.word_wrap = True
    words.text_frame.text = ("Colour: difference to the other groups together, in points "
                             + ("(full colour and ●: beyond chance)" if marked else "(muted: within chance)"))
    paragraph = words.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.RIGHT
    for run in paragraph.runs:
        run.font.size, run.font.color.rgb = Pt(11), rgb(INK)
    steps = legend_steps(limit)
    strip = slide.shapes.add_table(1, len(steps), left + Emu(int(width * 0.47)), top, Emu(int(width * 0.53)), height)
    for j, step in enumerate(steps):
        cell = strip.table.cell(0, j)
        fill = sample_colorscale(DIVERGING if marked else PALE, [0.5 + step / (2 * limit)])[0]
        cell.fill.solid()
        cell.fill.fore_color.rgb = rgb(fill)
        cell.vertical_anchor = MSO_ANCHOR.MIDDLE
        cell.margin_top = cell.margin_bottom = Inches(0.01)
        cell.margin_left = cell.margin_right = Inches(0.02)  # "+60" on one line in a strip of 13
        cell.text = f"{step * 100:+.0f}" if round(step * 100) else "0"
        paragraph = cell.text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.CENTER
        dark = marked and abs(step) > 0.6 * limit
        for run in paragraph.runs:
            run.font.size, run.font.color.rgb = Pt(11 if len(steps) <= 9 else 10), rgb("#ffffff" if dark else INK)
    strip.table.rows[0].height = height
    return strip

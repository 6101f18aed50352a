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

from cxcommit.charts.theme import DIVERGING, MARK, SUPPRESSED_COLOR, SUPPRESSED_TEXT, muted, suppressed_label
from cxcommit.export.pptx_cover import Cover
from cxcommit.export.pptx_style import INK, rgb
from cxcommit.text import pct, without_controls

PALE = muted(DIVERGING)  # the colours of cells whose difference may be chance


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


def table_type(items: list[str], crowded: int, width: int, height: int) -> tuple[int, float]:
    """The heatmap table's type size and the share of its width its questions take: 14, 11 or 8 pt
    by how many rows or columns there are, the questions a quarter of the width (a third for long
    ones), and smaller type still while the questions, wrapped in their column, would make the table
    taller than its box (a row a line per ~0.5 em of width, 1.2 em a line, 0.1 in of margins).

    >>> table_type(["Han Solo"] * 5, 10, Inches(12), Inches(4.5))
    (11, 0.24)
    >>> table_type(["How likely are you to recommend Python to a colleague, friend, or family member?"] * 9, 9,
    ...            Inches(12), Inches(4.5))
    (10, 0.32)
    """
    labels = 0.32 if len(items) > 14 or max(map(len, items), default=0) > 40 else 0.24
    size = 14 if crowded <= 8 else 11 if crowded <= 14 else 8
    column = width * labels / 914400  # inches
    while size > 8:
        per_line = max(1, int(column / (size * 0.5 / 72)))
        rows = [math.ceil(len(item) / per_line) * size * 1.2 / 72 + 0.1 for item in items]
        if sum(rows) + size * 2.6 / 72 + 0.1 <= height / 914400:  # the head: two lines of group names
            break
        size -= 1
    return size, labels


def signs(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    """The heatmap as a table: items down, groups across; share in each cell, coloured by the
    difference to the other groups; hidden cells grey with ``n<5``. A cell that differs from the rest
    (the table's ``significant``) is in full colour, its number bold after a ●; every other cell in
    the muted colours (:func:`cxcommit.charts.theme.muted`), as on the dashboard's heatmap; the
    slide's footnote says what the mark means."""
    items = list(dict.fromkeys(table["label"]))
    groups = list(dict.fromkeys(table["group"]))
    cells = {(r["label"], r["group"]): r for r in table.to_dict("records")}
    diffs = table.loc[~table["suppressed"], "diff"].astype(float).abs().dropna()
    limit = max(0.05, float(np.ceil(diffs.max() * 20) / 20) if len(diffs) else 0.05)
    left, top, width, height = box
    shape = slide.shapes.add_table(len(items) + 1, len(groups) + 1, left, top, width,
                                   min(height, Inches(0.5) * (len(items) + 1)))
    grid = shape.table
    crowded = max(len(groups), len(items))  # many columns or many rows: smaller type, so the table fits
    size, labels = table_type(items, crowded, width, height)
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
    return shape

"""An editable PowerPoint deck of the slides (:func:`cxcommit.story.slides.deck`): native charts whose
data can be edited in PowerPoint, the signs × groups heatmap as a table with coloured cells.

16:9, large type for the back of the room. Every number comes from the library table behind the
slide, so it matches the dashboard; a hidden (suppressed) group appears by name with no value.

Names from the data stay text: the workbook behind each native chart (the one PowerPoint opens to
edit its data) holds categories and series names as text, never as a formula or a link, and
control characters, which no PowerPoint file can hold, are removed from all text.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
from PIL import Image
from plotly.colors import sample_colorscale
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.xmlchemy import OxmlElement
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from cxcommit.charts.theme import (DIVERGING, LEADERS_COLOR, QUALITATIVE, STAFF_COLOR, SUPPRESSED_COLOR,
                                   SUPPRESSED_TEXT, suppressed_label)
from cxcommit.errors import SettingsError
from cxcommit.export.chart_data import CategoryData, XyData
from cxcommit.export.cover import Cover
from cxcommit.story.kinds import KINDS
from cxcommit.story.slides import Slide
from cxcommit.story.takeaways import takeaway
from cxcommit.text import pct, without_controls
from cxcommit.vocabulary import column_label

WIDTH, HEIGHT = Emu(12_192_000), Emu(6_858_000)  # 13.333 × 7.5 inches: PowerPoint's 16:9
MARGIN = Inches(0.6)
INK, GREY = "222222", "595959"
def _add_logo(slide, logo: bytes, right: int, top: int, width: int, height: int) -> None:
    """``logo`` as large as fits a box ``width`` × ``height`` (EMU) whose top right corner is at
    (``right``, ``top``), its aspect ratio kept: a wide wordmark is as wide as the box, never wider."""
    with Image.open(io.BytesIO(logo)) as image:
        pixels_wide, pixels_high = image.size
    scale = min(width / pixels_wide, height / pixels_high)
    shown_wide, shown_high = int(pixels_wide * scale), int(pixels_high * scale)
    slide.shapes.add_picture(io.BytesIO(logo), right - shown_wide, top, width=shown_wide, height=shown_high)


def _rgb(colour: str) -> RGBColor:
    """The library's own colours (``#RRGGBB``, ``RRGGBB`` or plotly's ``rgb(r, g, b)``)."""
    colour = colour.strip()
    if colour.startswith("rgb"):
        return RGBColor(*(int(float(v)) for v in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]))
    return RGBColor.from_string(colour.lstrip("#").upper())


def _numbers(values) -> list:
    """Chart values: floats, None where there is no value (a suppressed or missing cell)."""
    return [None if pd.isna(v) else float(v) for v in values]


def _text(slide, text: str, left, top, width, height, *, size: int, bold: bool = False, colour: str = INK,
          align=PP_ALIGN.LEFT):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(without_controls(text).split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, _rgb(colour)
    return box


def _frame(deck, cover: Cover, title: str, footnote: str):
    """A blank 16:9 slide with the accent bar, the title, the logo and the footnote."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    bar = slide.shapes.add_shape(1, 0, 0, WIDTH, Inches(0.12))  # 1: rectangle
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(cover.accent)
    bar.line.fill.background()
    room = WIDTH - 2 * MARGIN - (Inches(1.6) if cover.logo else 0)
    size = 28 if len(title) <= 80 else 24 if len(title) <= 100 else 20  # two lines at most
    _text(slide, title, MARGIN, Inches(0.35), room, Inches(1.0), size=size, bold=True)
    if cover.logo:
        _add_logo(slide, cover.logo, WIDTH - MARGIN, Inches(0.3), Inches(1.5), Inches(0.7))
    if footnote:
        _text(slide, footnote, MARGIN, HEIGHT - Inches(0.85), WIDTH - 2 * MARGIN, Inches(0.7), size=12, colour=GREY)
    return slide


CHART_BOX = (MARGIN, Inches(1.45), WIDTH - 2 * MARGIN, Inches(5.1))


def _style_chart(chart, *, legend: bool, percent: bool, maximum: float | None = None) -> None:
    chart.has_title = False  # the slide's title says it
    chart.font.size = Pt(14)
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(14)
    axis = chart.value_axis
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb("#e6e6e6")
    axis.tick_labels.font.size = Pt(13)
    axis.tick_labels.number_format = "0%" if percent else "0.0"
    axis.tick_labels.number_format_is_linked = False
    axis.minimum_scale = 0
    if maximum is not None:
        axis.maximum_scale = maximum
    chart.category_axis.tick_labels.font.size = Pt(13)
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW


def _labels(plot, percent: bool) -> None:
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = "0%" if percent else "0.0"
    labels.number_format_is_linked = False
    labels.font.size = Pt(13)
    labels.position = XL_LABEL_POSITION.OUTSIDE_END


def _colour_series(chart, colours: list[str]) -> None:
    for series, colour in zip(chart.plots[0].series, colours):
        fill = series.format.fill
        fill.solid()
        fill.fore_color.rgb = _rgb(colour)
        series.format.line.color.rgb = _rgb(colour)


def _categories(table: pd.DataFrame, minimum: int, column: str = "group") -> list[str]:
    """The bars' names from ``column``; a hidden row's with ``(n<5)`` after it."""
    return [without_controls(f"{r[column]} ({suppressed_label(minimum)})" if r["suppressed"] else str(r[column]))
            for r in table.to_dict("records")]


def _bars(slide, box, categories, series: dict[str, list], *, percent: bool, colours: list[str], maximum=None,
          horizontal: bool = True):
    data = CategoryData()
    data.categories = categories
    for name, values in series.items():
        data.add_series(name, values)
    kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    chart = slide.shapes.add_chart(kind, *box, data).chart
    _style_chart(chart, legend=len(series) > 1, percent=percent, maximum=maximum)
    _labels(chart.plots[0], percent)
    _colour_series(chart, colours)
    if horizontal:
        _first_on_top(chart)
    return chart


def _first_on_top(chart) -> None:
    """Bars in table order from the top, as on screen, the value axis still at the bottom; every bar
    named (smaller type for many), never every other one."""
    axis = chart.category_axis
    axis.reverse_order = True
    axis.crosses = XL_AXIS_CROSSES.MAXIMUM  # the value axis crosses at the last (lowest) bar
    count = len(chart.plots[0].categories)
    axis.tick_labels.font.size = Pt(13 if count <= 10 else 11 if count <= 16 else 9)
    element = axis._element
    skip = element.find(qn("c:tickLblSkip"))
    if skip is None:  # its place in the schema: before these, if present
        skip = OxmlElement("c:tickLblSkip")
        later = [element.find(qn(tag)) for tag in ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")]
        later = [e for e in later if e is not None]
        if later:
            later[0].addprevious(skip)
        else:
            element.append(skip)
    skip.set("val", "1")


def _commitment(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    return _bars(slide, box, _categories(table, minimum), {"Mean signs met (of 8)": _numbers(table["mean_signs"])},
                 percent=False, colours=[cover.accent], maximum=8)


def _perception_gap(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    return _bars(slide, box, _categories(table, minimum, "label"), {"Executives": _numbers(table["p_leaders"]), "Employees": _numbers(table["p_staff"])},
                 percent=True, colours=[LEADERS_COLOR, STAFF_COLOR], maximum=1)


def _gap_to_target(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    table = table.assign(_gap=table["gap"].astype(float)).sort_values("_gap", ascending=False, na_position="last")
    return _bars(slide, box, _categories(table, minimum, "label"), {"Points short of 100%": _numbers(table["gap"])}, percent=True,
                 colours=[DIVERGING[0][1]])


def _variation(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    data = CategoryData()
    data.categories = [without_controls(label) for label in table["label"]]  # the units at either end: in the lines
    data.add_series("Lowest unit", _numbers(table["min_p"]))
    data.add_series("Range to the highest unit", _numbers(table["range"]))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_STACKED, *box, data).chart
    _style_chart(chart, legend=False, percent=True, maximum=1)
    _first_on_top(chart)
    lowest, spread = chart.plots[0].series
    lowest.format.fill.background()  # the bar floats from the lowest share to the highest
    spread.format.fill.solid()
    spread.format.fill.fore_color.rgb = _rgb(cover.accent)
    chart.plots[0].gap_width = 60
    return chart


def _lines(slide, box, table: pd.DataFrame, value: str, *, percent: bool, maximum=None):
    waves = list(dict.fromkeys(table.sort_values("_order")["wave"])) if "_order" in table else list(
        dict.fromkeys(table["wave"]))
    data = CategoryData()
    data.categories = [without_controls(wave) for wave in waves]
    for group, part in table.groupby("group", sort=False):
        values = part.assign(_v=np.where(part["suppressed"], np.nan, part[value].astype(float))).set_index("wave")["_v"]
        data.add_series(without_controls(group), _numbers(values.reindex(waves)))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, *box, data).chart
    _style_chart(chart, legend=True, percent=percent, maximum=maximum)
    for series, colour in zip(chart.plots[0].series, QUALITATIVE * 4):
        series.format.line.color.rgb = _rgb(colour)
        series.format.line.width = Pt(2.5)
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = _rgb(colour)
        series.smooth = False
    return chart


def _pay(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    return _lines(slide, box, table, "p", percent=True, maximum=1)


def _index_waves(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    return _lines(slide, box, table, "mean_signs", percent=False, maximum=8)


def _outcomes(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple, columns: tuple[str, ...] = ()):
    x, y = columns
    shown = table[~table["suppressed"].astype(bool)] if "suppressed" in table else table
    shown = shown[shown[x].notna() & shown[y].notna()]
    data = XyData()
    series = data.add_series("Business units")
    for a, b in zip(shown[x].astype(float), shown[y].astype(float)):
        series.add_data_point(a, b)
    chart = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, *box, data).chart
    chart.has_legend = False
    chart.has_title = False
    chart.font.size = Pt(14)
    for axis, column in ((chart.category_axis, x), (chart.value_axis, y)):
        axis.has_title = True
        axis.axis_title.text_frame.text = without_controls(column_label(column))
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
        axis.tick_labels.font.size = Pt(13)
        axis.has_major_gridlines = axis is chart.value_axis
    chart.plots[0].series[0].marker.size = 11
    chart.plots[0].series[0].marker.format.fill.solid()
    chart.plots[0].series[0].marker.format.fill.fore_color.rgb = _rgb(cover.accent)
    chart.plots[0].series[0].format.line.fill.background()
    return chart


def _signs(slide, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple):
    """The heatmap as a table: items down, groups across; share in each cell, coloured by the
    difference to the other groups; hidden cells grey with ``n<5`` or ``hidden``."""
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
    size = 14 if crowded <= 8 else 11 if crowded <= 14 else 8
    labels = 0.32 if len(items) > 14 else 0.24  # many rows: a question on one line keeps each row low
    grid.columns[0].width = Emu(int(width * labels))
    for j in range(len(groups)):
        grid.columns[j + 1].width = Emu(int(width * (1 - labels) / len(groups)))
    head = min(size, 12)  # group names: a long one wraps between words, not inside one

    def write(cell, text, *, fill: str, colour: str = INK, bold: bool = False, align=PP_ALIGN.CENTER, size=size):
        if crowded > 14:  # many rows: thin margins keep each to a line or two
            cell.margin_top = cell.margin_bottom = Inches(0.01)
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(fill)
        cell.vertical_anchor = MSO_ANCHOR.MIDDLE
        cell.text = without_controls(text)
        paragraph = cell.text_frame.paragraphs[0]
        paragraph.alignment = align
        for run in paragraph.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, _rgb(colour)

    write(grid.cell(0, 0), "", fill="#ffffff")
    for j, group in enumerate(groups):
        write(grid.cell(0, j + 1), str(group), fill="#ffffff", bold=True, size=head)
    for i, label in enumerate(items):
        write(grid.cell(i + 1, 0), label, fill="#ffffff", align=PP_ALIGN.LEFT)
        for j, group in enumerate(groups):
            row = cells.get((label, group))
            if row is None:
                write(grid.cell(i + 1, j + 1), "", fill="#ffffff")
            elif row["suppressed"]:
                write(grid.cell(i + 1, j + 1), suppressed_label(minimum),
                      fill=SUPPRESSED_COLOR, colour=SUPPRESSED_TEXT)
            else:
                diff = float(row["diff"]) if pd.notna(row["diff"]) else 0.0
                fill = sample_colorscale(DIVERGING, [min(max(0.5 + diff / (2 * limit), 0.0), 1.0)])[0]
                dark = abs(diff) > 0.6 * limit
                write(grid.cell(i + 1, j + 1), pct(row["p"]), fill=fill, colour="#ffffff" if dark else INK)
    return shape


DRAW = {"commitment": _commitment, "signs": _signs, "variation": _variation, "perception_gap": _perception_gap,
        "gap_to_target": _gap_to_target, "pay": _pay, "index_waves": _index_waves}


def write_deck(slides: list[Slide], cover: Cover = Cover(), *, min_group_size: int = 5,
               include: list[str] | None = None) -> bytes:
    """The .pptx file of ``slides`` (``include``: the kinds to keep, in deck order; default all) after
    a title slide made from ``cover``.

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> from cxcommit.story.slides import deck
    >>> data = write_deck(deck(load_demo(), load_demo_metrics()), include=["findings", "signs"])
    >>> len(Presentation(io.BytesIO(data)).slides)
    3
    """
    unknown = sorted(set(include or ()) - {s.kind for s in slides} - set(KINDS))
    if unknown:
        raise SettingsError(f"Unknown slide kind(s): {', '.join(unknown)}.",
                            hint="Choose from: " + ", ".join(s.kind for s in slides) + ".")
    chosen = [s for s in slides if include is None or s.kind in include]
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _title_slide(deck, cover)
    for slide in chosen:
        _slide(deck, cover, slide, min_group_size)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _slide(deck, cover: Cover, slide: Slide, min_group_size: int) -> None:
    """One slide of the deck: its takeaway as the title, its native chart (or its bullets) and any
    lines under the chart, its method and caption as the footnote."""
    footnote = " ".join(part for part in (slide.method, slide.caption) if part)
    page = _frame(deck, cover, takeaway(slide, min_group_size) or slide.title, footnote)
    if slide.kind == "findings" or slide.table is None:
        _bullets(page, slide.bullets)
        return
    box = CHART_BOX
    if slide.bullets:  # plain-words lines under a shorter chart
        box = (*CHART_BOX[:3], CHART_BOX[3] - Inches(1.8))
        _text(page, "\n".join(slide.bullets), MARGIN, CHART_BOX[1] + box[3] + Inches(0.1), WIDTH - 2 * MARGIN,
              Inches(1.7), size=13)
    if slide.kind == "outcomes":
        _outcomes(page, slide.table, min_group_size, cover, box, slide.columns)
    else:
        DRAW[slide.kind](page, slide.table, min_group_size, cover, box)


def _title_slide(deck, cover: Cover) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    band = slide.shapes.add_shape(1, 0, 0, Inches(0.35), HEIGHT)
    band.fill.solid()
    band.fill.fore_color.rgb = _rgb(cover.accent)
    band.line.fill.background()
    _text(slide, cover.title, Inches(1.0), Inches(2.0), WIDTH - Inches(2.0), Inches(1.6), size=40, bold=True)
    _text(slide, "\n".join(cover.details), Inches(1.0), Inches(3.8), WIDTH - Inches(2.0), Inches(2.8), size=20,
          colour=GREY)
    if cover.logo:
        _add_logo(slide, cover.logo, WIDTH - MARGIN, Inches(0.5), Inches(2.5), Inches(1.0))


def _bullets(slide, lines: tuple[str, ...]) -> None:
    box = slide.shapes.add_textbox(MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, Inches(5.0))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = without_controls(f"{i + 1}.  {line}")
        run.font.size = Pt(22)
        run.font.color.rgb = _rgb(INK)
        paragraph.space_after = Pt(14)

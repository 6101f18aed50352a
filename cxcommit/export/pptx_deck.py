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

from pptx import Presentation
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from cxcommit.errors import SettingsError
from cxcommit.export.pptx_charts import DRAW, INK, draw, rgb
from cxcommit.export.pptx_cover import Cover, add_logo
from cxcommit.story.kinds import KINDS
from cxcommit.story.slides import Slide
from cxcommit.text import without_controls

__all__ = ["DRAW", "Cover", "write_deck"]

WIDTH, HEIGHT = Emu(12_192_000), Emu(6_858_000)  # 13.333 × 7.5 inches: PowerPoint's 16:9
MARGIN = Inches(0.6)
GREY = "595959"
FOOTNOTE = Inches(0.8)  # the footnote's box at the foot of a slide, under the chart


def footnote_size(text: str, sizes: tuple[int, ...] = (12, 10, 9, 8, 7)) -> int:
    """The largest type size (points) at which ``text`` fits the footnote's box: a character about
    0.6 of the size wide across the slide's width, lines 1.2 of the size apart in the box less its
    insets (three lines at 12 points hold about 360 characters).

    >>> footnote_size("x" * 300), footnote_size("x" * 500), footnote_size("x" * 1000)
    (12, 10, 7)
    """
    width, height = (WIDTH - 2 * MARGIN) / 12700, FOOTNOTE / 12700 - 7.2  # points; 0.05 in inset above and below
    for size in sizes:
        if len(text) <= int(width / (0.6 * size)) * int(height / (1.2 * size)):
            return size
    return sizes[-1]


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
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, rgb(colour)
    return box


def _frame(deck, cover: Cover, title: str, footnote: str):
    """A blank 16:9 slide with the accent bar, the title, the logo and the footnote."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    bar = slide.shapes.add_shape(1, 0, 0, WIDTH, Inches(0.12))  # 1: rectangle
    bar.fill.solid()
    bar.fill.fore_color.rgb = rgb(cover.accent)
    bar.line.fill.background()
    room = WIDTH - 2 * MARGIN - (Inches(1.6) if cover.logo else 0)
    size = 28 if len(title) <= 80 else 24 if len(title) <= 100 else 20  # two lines at most
    _text(slide, title, MARGIN, Inches(0.35), room, Inches(1.0), size=size, bold=True)
    if cover.logo:
        add_logo(slide, cover.logo, WIDTH - MARGIN, Inches(0.3), Inches(1.5), Inches(0.7))
    if footnote:
        _text(slide, footnote, MARGIN, HEIGHT - FOOTNOTE - Inches(0.05), WIDTH - 2 * MARGIN, FOOTNOTE,
              size=footnote_size(footnote), colour=GREY)  # method, significance, methods page, filters
    return slide


CHART_BOX = (MARGIN, Inches(1.45), WIDTH - 2 * MARGIN, Inches(5.1))


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
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _title_slide(deck, cover)
    for slide in slides:
        if include is None or slide.kind in include:
            _add_slide(deck, slide, cover, min_group_size)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _add_slide(deck, slide: Slide, cover: Cover, min_group_size: int) -> None:
    """One slide: its heading (its takeaway) as the title, the method and caption as the footnote,
    its chart (under it, its plain-words lines) or, without a table, its lines as a numbered list,
    and its speaker notes (:func:`cxcommit.story.notes.speaker_notes`) on its notes page."""
    footnote = " ".join(part for part in (slide.method, slide.caption) if part)
    page = _frame(deck, cover, slide.heading, footnote)
    if slide.notes:
        page.notes_slide.notes_text_frame.text = without_controls(slide.notes)
    if slide.kind == "findings" or slide.table is None:
        _bullets(page, slide.bullets)
        return
    box = CHART_BOX
    if slide.bullets:  # plain-words lines under a shorter chart
        box = (*CHART_BOX[:3], CHART_BOX[3] - Inches(1.8))
        _text(page, "\n".join(slide.bullets), MARGIN, CHART_BOX[1] + box[3] + Inches(0.1), WIDTH - 2 * MARGIN,
              Inches(1.7), size=13)
    draw(page, slide.kind, slide.table, min_group_size, cover, box, slide.columns)


def _title_slide(deck, cover: Cover) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    band = slide.shapes.add_shape(1, 0, 0, Inches(0.35), HEIGHT)
    band.fill.solid()
    band.fill.fore_color.rgb = rgb(cover.accent)
    band.line.fill.background()
    _text(slide, cover.title, Inches(1.0), Inches(2.0), WIDTH - Inches(2.0), Inches(1.6), size=40, bold=True)
    _text(slide, "\n".join(cover.details), Inches(1.0), Inches(3.8), WIDTH - Inches(2.0), Inches(2.8), size=20,
          colour=GREY)
    if cover.logo:
        add_logo(slide, cover.logo, WIDTH - MARGIN, Inches(0.5), Inches(2.5), Inches(1.0))


def _bullets(slide, lines: tuple[str, ...]) -> None:
    box = slide.shapes.add_textbox(MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, Inches(5.0))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = without_controls(f"{i + 1}.  {line}")
        run.font.size = Pt(22)
        run.font.color.rgb = rgb(INK)
        paragraph.space_after = Pt(14)

"""Fitting a slide to a screen: the presentation page draws each slide's chart at the height that
leaves room for its heading, bullets, caption and buttons (:func:`chart_height`), drops bullets
where chart and words cannot both fit (:func:`for_screen`) and keeps the chart's title and legend in
place at the new height (:func:`fit`). A slide is anything with ``figure``, ``heading``, ``bullets``
and ``caption`` (:class:`cxcommit.story.slides.Slide`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Protocol

import plotly.graph_objects as go


class Slide(Protocol):
    """What fitting reads of a slide (:class:`cxcommit.story.slides.Slide`, a page being fitted)."""

    figure: go.Figure | None
    heading: str
    bullets: tuple[str, ...]
    caption: str


@dataclass(frozen=True)
class Screen:
    """A screen a slide is shown on, and the parts of the presentation page around its chart, in CSS
    pixels. The defaults are those of the dashboard's presentation mode (``pages/present.py`` and
    its style in ``ui/shell.py``, where 1rem is 20px): change them together with that style.

    ``frame``: the padding above and below the slide, its title, one line of caption, the row of
    buttons and the gaps between them. ``side``: the padding left and right of a bullet's text.
    Each bullet takes ``bullet`` plus ``line`` per line of text of about ``char`` pixels per
    character; each further line of caption ``caption_line``, of ``caption_char``, up to
    ``caption_lines`` (the presentation's style cuts a longer caption there); each further line
    of the heading (a takeaway often takes two) ``title_line``, of ``title_char``. A chart's plot
    (the figure less its title, legend and margins) is never drawn lower than ``squeeze`` of its own
    height: lower, its rows and panels would crowd each other, so the page scrolls instead.
    """

    width: int = 1920
    height: int = 1080
    frame: int = 270
    side: int = 224
    bullet: int = 24
    line: int = 32
    char: float = 9.0
    caption_line: int = 28
    caption_char: float = 8.0
    caption_lines: int = 3
    title_line: int = 56
    title_char: float = 19.0
    squeeze: float = 0.4

    def per_line(self, char: float | None = None) -> int:
        """How many characters a line of bullet (``char``: of caption) holds on this screen."""
        return max(20, int((self.width - self.side) / (char or self.char)))

    def lines(self, text: str, char: float | None = None) -> int:
        """How many lines ``text`` takes as a bullet (``char``: as a caption) on this screen, an
        estimate that errs on more."""
        return max(1, math.ceil(len(text) / self.per_line(char)))


LONG_HEADING = 90  # characters: a longer heading is shown a size smaller in the presentation (heading_level)
SMALLER_HEADING = 0.8  # that size against the usual, in width and line height


def heading_level(slide: Slide) -> int:
    """The markdown level the presentation heads ``slide`` with: 2, or 3 (a size smaller) for a
    heading over :data:`LONG_HEADING` characters, so a long takeaway leaves its chart room."""
    return 2 if len(slide.heading) <= LONG_HEADING else 3


GROW = 2.0  # a short chart is drawn up to this much taller on a large screen: a slide should fill it


def chart_height(slide: Slide, screen: Screen = Screen()) -> int | None:
    """The height to draw ``slide``'s chart at so the whole slide (title, chart, bullets, caption,
    buttons) fits ``screen`` without scrolling, using the room there is: up to ``GROW`` times the
    chart's own height, and never its plot less than ``screen.squeeze`` of its own. None for a
    slide without a chart.

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> from cxcommit.story.slides import deck
    >>> slides = deck(load_demo(), load_demo_metrics(), caption="Demo data")
    >>> [chart_height(s) for s in slides[1:4]], chart_height(slides[6]), chart_height(slides[6], Screen(1366, 768))
    ([810, 766, 722], 810, 442)
    """
    if slide.figure is None:
        return None
    lowest, room, own = heights(slide, screen)
    return max(lowest, min(room, int(own * GROW)))


def heights(slide: Slide, screen: Screen) -> tuple[int, int, int]:
    """The lowest a slide's chart may be drawn, the room the screen leaves it, and its own height.
    The lowest is what the chart says it reads at (``layout.meta["lowest_height"]``: a heatmap's
    header, column names and rows of cells just high enough for their numbers), else its margins and
    ``screen.squeeze`` of the rest."""
    layout = slide.figure.layout
    own = int(layout.height or 450)
    margins = (layout.margin.t or 0) + (layout.margin.b or 0)
    lowest = math.ceil(margins + screen.squeeze * (own - margins))
    if isinstance(layout.meta, dict) and "lowest_height" in layout.meta:
        lowest = int(layout.meta["lowest_height"])
    bullets = sum(screen.bullet + screen.lines(line) * screen.line for line in slide.bullets)
    caption = (min(screen.lines(slide.caption, screen.caption_char), screen.caption_lines) - 1) * screen.caption_line
    scale = 1.0 if len(slide.heading) <= LONG_HEADING else SMALLER_HEADING
    heading = (screen.lines(slide.heading, screen.title_char * scale) - 1) * int(screen.title_line * scale)
    return lowest, screen.height - screen.frame - bullets - caption - heading, own


def for_screen(slide: Slide, screen: Screen = Screen()) -> Slide:
    """``slide`` as shown on ``screen``: where its chart and explanation bullets cannot both fit, the
    bullets go, last first, until the chart fits (the chart is the slide; the dashboard and the
    deck keep the words). A slide that fits, or has no chart, comes back as it is.

    >>> from cxcommit.demo import load_demo
    >>> from cxcommit.story.slides import deck
    >>> variation = next(s for s in deck(load_demo()) if s.kind == "variation")
    >>> len(variation.bullets), len(for_screen(variation).bullets), len(for_screen(variation, Screen(1280, 720)).bullets)
    (1, 1, 0)
    """
    while slide.figure is not None and slide.bullets:
        lowest, room, _ = heights(slide, screen)
        if room >= lowest:
            break
        slide = replace(slide, bullets=slide.bullets[:-1])
    return slide


def fit(figure: go.Figure, height: int | None) -> go.Figure:
    """``figure`` drawn ``height`` pixels high (a copy; ``figure`` is not changed), its title and
    legend kept where they were, in pixels from the top. A figure already that high comes back as is.

    The chart functions place the title and legend in fractions of the figure's height
    (:func:`cxcommit.charts.theme.place_header`); a different height would move them over each other.
    """
    old = figure.layout.height
    if height is None or old is None or height == old:
        return figure
    fitted = go.Figure(figure)
    for part in (fitted.layout.title, fitted.layout.legend):
        if part.yref == "container" and part.y is not None:
            part.y = 1 - (1 - part.y) * old / height
    fitted.update_layout(height=height)
    return fitted

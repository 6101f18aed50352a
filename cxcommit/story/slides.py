"""The story a leadership meeting hears, in order: one slide per chart, with the caption saying
what it reflects. The dashboard's presentation mode steps through it; the deck exporter writes it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pandas as pd
import plotly.graph_objects as go

from cxcommit.errors import NotApplicable
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings
from cxcommit.story.chapters import CHAPTERS, Look, Plan, method_text
from cxcommit.story.notes import speaker_notes
from cxcommit.story.order import in_chart_order


@dataclass(frozen=True)
class Slide:
    """A title, a chart (None for a text slide), bullet lines and the caption; for the deck writer
    also which chapter it tells (``kind``: :data:`cxcommit.story.chapters.CHAPTERS`), the library
    table behind it, for a scatter the two columns it plots (``columns``), its message in one line
    (``takeaway``: empty where none can be read off the table), how its chart was made (``method``)
    and what the presenter should know (``notes``: :func:`cxcommit.story.notes.speaker_notes`).
    Every medium heads the slide with :attr:`heading`."""

    title: str
    figure: go.Figure | None
    caption: str
    bullets: tuple[str, ...] = field(default_factory=tuple)
    kind: str = ""
    table: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    columns: tuple[str, ...] = ()
    takeaway: str = ""
    method: str = ""
    notes: str = ""

    @property
    def heading(self) -> str:
        """What the slide is headed with in the deck, the HTML report and the presentation: its
        takeaway, else its chapter's title."""
        return self.takeaway or self.title


SIGNS_TITLE = "Executive commitment to customer experience"


def deck_title(survey: Survey) -> str:
    """The title a deck or report of ``survey`` opens with: the 8 signs' subject where they are
    mapped; otherwise the survey's own questions, counted (never "commitment" or "signs").

    >>> from cxcommit.demo import load_demo
    >>> deck_title(load_demo())
    'Executive commitment to customer experience'
    """
    if survey.has_signs:
        return SIGNS_TITLE
    count = len(survey.item_ids)
    return f"Survey results: {count} question{'' if count == 1 else 's'} by group"


def deck(survey: Survey, metrics: UnitMetrics | None = None, *, settings: Settings = Settings(), caption: str = "",
         presentation: bool = True, dark: bool = False) -> list[Slide]:
    """The slides, one per chapter of the story (:data:`cxcommit.story.chapters.CHAPTERS`), in order;
    a chapter that does not apply to these data (:class:`~cxcommit.errors.NotApplicable`), whose table
    has nothing to tell (:meth:`cxcommit.story.chapters.Chapter.tells`: no rows, or one wave for a
    chapter over waves) or that has nothing to show is left out. Any other error is raised. Each
    table is kept in the order its chart draws it (:func:`cxcommit.story.order.in_chart_order`).

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> [s.title for s in deck(load_demo(), load_demo_metrics())][:3]
    ['What to lead with', 'Commitment by division', 'The 8 signs by division']
    """
    plan, look = Plan.of(survey, metrics, settings), Look(presentation, dark)
    slides = []
    for chapter in CHAPTERS:
        if not chapter.applies(plan):
            continue
        try:
            table = chapter.analysis(plan)
        except NotApplicable:  # e.g. no role grouping for the perception gap
            continue
        shown = chapter.show(plan, table, look) if chapter.tells(table) else None
        if shown is None or (shown.figure is None and not shown.bullets):
            continue
        method = method_text(chapter, table, shown, settings)
        slides.append(Slide(chapter.title(plan), shown.figure, caption, shown.bullets, chapter.kind,
                            in_chart_order(chapter.kind, table), shown.plotted, chapter.takeaway(table, shown, settings),
                            method, speaker_notes(method, table, respondents=survey.size, caption=caption,
                                                  settings=settings)))
    return slides


@dataclass(frozen=True)
class Screen:
    """A screen a slide is shown on, and the parts of the presentation page around its chart, in CSS
    pixels. The defaults are those of the dashboard's presentation mode (``pages/present.py`` and
    its style in ``ui/shell.py``, where 1rem is 20px): change them together with that style.

    ``frame``: the padding above and below the slide, its title, one line of caption, the row of
    buttons and the gaps between them. ``side``: the padding left and right of a bullet's text.
    Each bullet takes ``bullet`` plus ``line`` per line of text of about ``char`` pixels per
    character; each further line of caption ``caption_line``, of ``caption_char``; each further line
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
    title_line: int = 56
    title_char: float = 19.0
    squeeze: float = 0.5

    def lines(self, text: str, char: float | None = None) -> int:
        """How many lines ``text`` takes as a bullet (``char``: as a caption) on this screen, an
        estimate that errs on more."""
        per_line = max(20, int((self.width - self.side) / (char or self.char)))
        return max(1, math.ceil(len(text) / per_line))


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
    >>> slides = deck(load_demo(), load_demo_metrics(), caption="Demo data")
    >>> [chart_height(s) for s in slides[1:4]], chart_height(slides[6]), chart_height(slides[6], Screen(1366, 768))
    ([810, 766, 722], 810, 499)
    """
    if slide.figure is None:
        return None
    lowest, room, own = _heights(slide, screen)
    return max(lowest, min(room, int(own * GROW)))


def _heights(slide: Slide, screen: Screen) -> tuple[int, int, int]:
    """The lowest a slide's chart may be drawn, the room the screen leaves it, and its own height."""
    layout = slide.figure.layout
    own = int(layout.height or 450)
    margins = (layout.margin.t or 0) + (layout.margin.b or 0)
    lowest = math.ceil(margins + screen.squeeze * (own - margins))
    bullets = sum(screen.bullet + screen.lines(line) * screen.line for line in slide.bullets)
    caption = (screen.lines(slide.caption, screen.caption_char) - 1) * screen.caption_line
    scale = 1.0 if len(slide.heading) <= LONG_HEADING else SMALLER_HEADING
    heading = (screen.lines(slide.heading, screen.title_char * scale) - 1) * int(screen.title_line * scale)
    return lowest, screen.height - screen.frame - bullets - caption - heading, own


def for_screen(slide: Slide, screen: Screen = Screen()) -> Slide:
    """``slide`` as shown on ``screen``: where its chart and explanation bullets cannot both fit, the
    bullets go, last first, until the chart fits (the chart is the slide; the dashboard and the
    deck keep the words). A slide that fits, or has no chart, comes back as it is.

    >>> from cxcommit.demo import load_demo
    >>> variation = next(s for s in deck(load_demo()) if s.kind == "variation")
    >>> len(variation.bullets), len(for_screen(variation).bullets), len(for_screen(variation, Screen(1366, 768)).bullets)
    (1, 1, 0)
    """
    while slide.figure is not None and slide.bullets:
        lowest, room, _ = _heights(slide, screen)
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

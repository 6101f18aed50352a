"""The story a leadership meeting hears, in order: one slide per chart, with the caption saying
what it reflects. The dashboard's presentation mode steps through it; the deck exporter writes it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd
import plotly.graph_objects as go

from cxcommit.analyses.groups import left_out
from cxcommit.analyses.rates import rated_items
from cxcommit.errors import NotApplicable
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.model.survey import Survey
from cxcommit.privacy.publish import generalised_values
from cxcommit.settings import Settings
from cxcommit.story.chapters import CHAPTERS, Chapter, Look, Plan, Shown, method_text
from cxcommit.story.directions import direction_line
from cxcommit.story.notes import speaker_notes
from cxcommit.story.order import in_chart_order
from cxcommit.text import counted
from cxcommit.vocabulary import left_out_text
from cxcommit.story.paging import numbered, page_key, paginate, rows_line, titled


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
    page: tuple[int, int] = (1, 1)

    @property
    def heading(self) -> str:
        """What the slide is headed with in the deck, the HTML report and the presentation: its
        takeaway, else its chapter's title, and where its chart takes more than one slide which one
        (``page``: number, count; :mod:`cxcommit.story.paging`)."""
        return numbered(self.takeaway or self.title, self.page)


SIGNS_TITLE = "Executive commitment to customer experience"


def deck_title(survey: Survey) -> str:
    """The title a deck or report of ``survey`` opens with: the 8 signs' subject where they are
    mapped; otherwise the survey's own questions counted as the Overview's tile "Items rated" counts
    them: those with a favourable answer (:func:`~cxcommit.analyses.rates.rated_items`; a factual
    question, direction "none", or a number is not rated), every question mapped where none is rated
    (never "commitment" or "signs").

    >>> from cxcommit.demo import load_demo
    >>> deck_title(load_demo())
    'Executive commitment to customer experience'
    """
    if survey.has_signs:
        return SIGNS_TITLE
    rated = len(rated_items(survey))
    count = counted(rated, "rated question") if rated else counted(len(survey.item_ids), "question")
    by_group = any(name != "wave" for name in survey.groupings)  # a survey of everyone together is not "by group"
    return f"Survey results: {count}" + (" by group" if by_group else "")


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
        by = chapter.by(plan)
        table = in_chart_order(chapter.kind, table, generalised_values(plan.survey, by) if by else ())
        shown = chapter.show(plan, table, look) if chapter.tells(table) else None
        if shown is None or (shown.figure is None and not shown.bullets):
            continue
        slides += _chapter_slides(chapter, plan, table, shown, look, caption)
    return slides


def _chapter_slides(chapter: Chapter, plan: Plan, table: pd.DataFrame, shown: Shown, look: Look,
                    caption: str) -> list[Slide]:
    """A chapter's slide, or its slides where its chart is too tall for one (:mod:`cxcommit.story.paging`):
    each page the chapter's chart over its share of the rows, with the takeaway and method of the
    whole chart, and notes on what it shows."""
    settings, title = plan.settings, chapter.title(plan)  # table: in its chart's order (deck)
    takeaway, method = chapter.takeaway(table, shown, settings), method_text(chapter, table, shown, settings)
    by = chapter.by(plan)
    left = left_out_text(left_out(plan.survey, by), plan.survey.groupings.get(by, by)) if by else ""
    method = f"{method} {left[:1].upper()}{left[1:]}." if left else method
    method = " ".join(filter(None, (method, direction_line(plan.survey, table))))
    pages, key = _pages(chapter, plan, table, shown, look, takeaway or title)
    slides = []
    for number, (part, figure) in enumerate(pages, 1):
        page = (number, len(pages))
        notes = speaker_notes(method, part, respondents=plan.survey.size, caption=caption, settings=settings)
        if len(pages) > 1:
            notes = f"{rows_line(part, key, table, page)}\n{notes}"
            figure = titled(figure, shown.figure.layout.title.text, page)
        slides.append(Slide(title, figure, caption,
                            shown.bullets if number == 1 else (), chapter.kind, part, shown.plotted, takeaway,
                            method, notes, page))
    return slides


def _pages(chapter: Chapter, plan: Plan, ordered: pd.DataFrame, shown: Shown, look: Look,
           heading: str) -> tuple[list[tuple[pd.DataFrame, object]], str | None]:
    """The chapter's table in pages (one where its chart fits a slide), each with its chart in
    ``look``, and the column it is paged by. Decided on the presentation's look whatever ``look``
    is, so every medium pages alike; a paged heatmap keeps the whole one's orientation."""
    presenting = Look(True, look.dark)
    key = page_key(chapter.kind, ordered, presenting.options(plan.settings)) if shown.figure is not None else None
    if key is None:
        return [(ordered, shown.figure)], None
    paged = replace(presenting, turned=key == "group" if chapter.kind == "signs" else None)
    pages = paginate(ordered, key, lambda part: chapter.show(plan, part, paged).figure, heading, shown.bullets,
                     whole=shown.figure if look == presenting else None)
    if len(pages) == 1:
        return [(ordered, shown.figure)], key
    if look != presenting:  # the deck: each page drawn again in its own look
        drawn = replace(look, turned=paged.turned)
        pages = [(part, chapter.show(plan, part, drawn).figure) for part, _ in pages]
    return pages, key

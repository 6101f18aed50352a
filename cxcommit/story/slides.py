"""The story a leadership meeting hears, in order: one slide per chart, with the caption saying
what it reflects. The dashboard's presentation mode steps through it; the deck exporter writes it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pandas as pd
import plotly.graph_objects as go

from cxcommit import charts
from cxcommit.analyses.commitment import commitment_index, index_over_waves
from cxcommit.analyses.findings import findings
from cxcommit.analyses.gaps import gap_to_target, perception_gap
from cxcommit.analyses.pay import incentive_metric, metrics_coverage, pay_alignment, unit_fit, unit_table
from cxcommit.analyses.rates import rates
from cxcommit.analyses.summary import default_grouping
from cxcommit.analyses.variation import explain, variation
from cxcommit.charts.options import ChartOptions
from cxcommit.errors import CxcommitError
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings


@dataclass(frozen=True)
class Slide:
    """A title, a chart (None for a text slide), bullet lines and the caption; for the deck writer
    also what the chart shows (``kind``), the library table behind it and, for a scatter, the two
    columns it plots (``columns``)."""

    title: str
    figure: go.Figure | None
    caption: str
    bullets: tuple[str, ...] = field(default_factory=tuple)
    kind: str = ""
    table: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    columns: tuple[str, ...] = ()


def deck(survey: Survey, metrics: UnitMetrics | None = None, *, settings: Settings = Settings(), caption: str = "",
         presentation: bool = True, dark: bool = False) -> list[Slide]:
    """The slides, in order; a slide whose analysis has nothing to show with these data is left out.

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> [s.title for s in deck(load_demo(), load_demo_metrics())][:3]
    ['What to lead with', 'Commitment by division', 'The 8 signs by division']
    """
    options = ChartOptions.from_settings(settings, presentation=presentation, dark=dark)
    signs = list(SIGN_IDS) if survey.has_signs else None
    top = default_grouping(survey, "division")
    unit = default_grouping(survey, "business_unit")
    def chart(draw, table):
        return draw(table, options=options), (), table

    makers = [
        ("findings", "What to lead with",
         lambda: (None, tuple(findings(survey, metrics, settings=settings)["headline"]), None)),
        ("commitment", f"Commitment by {_word(top)}",
         lambda: chart(charts.commitment_chart, commitment_index(survey, top, settings=settings))),
        ("signs", f"The {'8 signs' if signs else 'items'} by {_word(top)}",
         lambda: chart(charts.signs_heatmap, rates(survey, top, items=signs, settings=settings)) if top
         else (None, (), None)),  # one column of everyone: nothing to compare
        ("variation", f"Where {_word(unit, plural=True)} disagree",
         lambda: _variation(survey, unit, signs, settings, options)),
        ("perception_gap", "Do executives see what their staff see?",
         lambda: chart(charts.gap_dumbbell, perception_gap(survey, None, items=signs, settings=settings))),
        ("gap_to_target", "How far from full commitment?" if signs else "How far from everyone agreeing?",
         lambda: chart(charts.gap_bars, gap_to_target(survey, None, items=signs, settings=settings))),
        ("pay", "Is executive pay tied to CX?", lambda: _pay(survey, metrics, top, settings, options)),
        ("index_waves", "Commitment over waves",
         lambda: chart(charts.index_trend_chart, index_over_waves(survey, top, settings=settings))),
    ]
    if metrics is not None:
        makers.append(("outcomes", "Pay alignment and customer outcomes",
                       lambda: _outcomes(survey, metrics, settings, options)))
    slides = []
    for kind, title, make in makers:
        try:
            figure, bullets, table = make()
        except CxcommitError:  # e.g. no role grouping for the perception gap: the slide is left out
            continue
        if figure is not None or bullets:
            columns = tuple(table.attrs.get("plotted", ())) if table is not None else ()
            slides.append(Slide(title, figure, caption, tuple(bullets), kind, table, columns))
    return slides


@dataclass(frozen=True)
class Screen:
    """A screen a slide is shown on, and the parts of the presentation page around its chart, in CSS
    pixels. The defaults are those of the dashboard's presentation mode (``pages/present.py`` and
    its style in ``ui/shell.py``, where 1rem is 20px): change them together with that style.

    ``frame``: the padding above and below the slide, its title, one line of caption, the row of
    buttons and the gaps between them. ``side``: the padding left and right of a bullet's text.
    Each bullet takes ``bullet`` plus ``line`` per line of text of about ``char`` pixels per
    character; each further line of caption ``caption_line``, of ``caption_char``. A chart's plot
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
    squeeze: float = 0.6

    def lines(self, text: str, char: float | None = None) -> int:
        """How many lines ``text`` takes as a bullet (``char``: as a caption) on this screen, an
        estimate that errs on more."""
        per_line = max(20, int((self.width - self.side) / (char or self.char)))
        return max(1, math.ceil(len(text) / per_line))


GROW = 2.0  # a short chart is drawn up to this much taller on a large screen: a slide should fill it


def chart_height(slide: Slide, screen: Screen = Screen()) -> int | None:
    """The height to draw ``slide``'s chart at so the whole slide (title, chart, bullets, caption,
    buttons) fits ``screen`` without scrolling, using the room there is: up to ``GROW`` times the
    chart's own height, and never its plot less than ``screen.squeeze`` of its own. None for a
    slide without a chart.

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> slides = deck(load_demo(), load_demo_metrics(), caption="Demo data")
    >>> [chart_height(s) for s in slides[1:4]], chart_height(slides[6]), chart_height(slides[6], Screen(1366, 768))
    ([810, 810, 634], 810, 558)
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
    return lowest, screen.height - screen.frame - bullets - caption, own


def for_screen(slide: Slide, screen: Screen = Screen()) -> Slide:
    """``slide`` as shown on ``screen``: where its chart and explanation bullets cannot both fit, the
    bullets go, last first, until the chart fits (the chart is the slide; the dashboard and the
    deck keep the words). A slide that fits, or has no chart, comes back as it is.

    >>> from cxcommit.demo import load_demo
    >>> variation = next(s for s in deck(load_demo()) if s.kind == "variation")
    >>> len(variation.bullets), len(for_screen(variation).bullets), len(for_screen(variation, Screen(1366, 768)).bullets)
    (2, 2, 0)
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


def _word(grouping: str | None, plural: bool = False) -> str:
    words = {"business_unit": ("unit", "units"), "division": ("division", "divisions"), "region": ("region", "regions"),
             "role": ("role", "roles")}
    named = grouping if grouping and len(grouping) <= 24 else None  # a long name (a question) reads badly twice
    singular, many = words.get(grouping, (grouping or "group", f"{named} groups" if named else "groups"))
    return many if plural else singular


def _variation(survey, by, items, settings, options):
    table = variation(survey, by, items=items, settings=settings)
    if table.empty:
        return None, (), None
    groups = _word(by, plural=True)
    lines = tuple(explain(row, settings.confidence, groups) for row in table.head(2).to_dict("records"))
    table.attrs["groups"] = groups  # what the groups are called, for the takeaway
    return charts.variation_chart(table, groups=groups, options=options), lines, table


def _pay(survey, metrics, by, settings, options):
    """Sign 7 and the incentive share over waves; under it, what the unit metrics leave out."""
    table = pay_alignment(survey, metrics, by, settings=settings)
    return charts.pay_trend_chart(table, options=options), metrics_coverage(survey, metrics), table


def _outcomes(survey, metrics, settings, options):
    units = unit_table(survey, metrics, settings)
    incentive = incentive_metric(metrics)
    outcomes = [m for m in metrics.metrics if m != incentive]
    if not outcomes:
        return None, (), None
    pay = incentive or "sign_7"  # without an incentive share, sign 7 stands for pay alignment
    units.attrs["plotted"] = (pay, outcomes[0])
    fit = unit_fit(units, pay, outcomes[0], confidence=settings.confidence)
    return (charts.pay_scatter(units, x=pay, y=outcomes[0], fit=fit, options=options),
            metrics_coverage(survey, metrics), units)  # and what the metrics leave out

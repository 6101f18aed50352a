"""The story a leadership meeting hears, in order: one slide per chart, with the caption saying
what it reflects. The dashboard's presentation mode steps through it; the deck exporter writes it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go

from cxcommit import charts
from cxcommit.commitment import commitment_index, index_over_waves
from cxcommit.errors import CxcommitError
from cxcommit.findings import findings
from cxcommit.gaps import gap_to_target, perception_gap
from cxcommit.instrument import SIGN_IDS
from cxcommit.pay import pay_alignment, unit_table
from cxcommit.rates import rates
from cxcommit.settings import Settings
from cxcommit.summary import default_grouping
from cxcommit.survey import Survey
from cxcommit.unit_metrics import UnitMetrics
from cxcommit.variation import explain, variation


@dataclass(frozen=True)
class Slide:
    """A title, a chart (None for a text slide), bullet lines and the caption."""

    title: str
    figure: go.Figure | None
    caption: str
    bullets: tuple[str, ...] = field(default_factory=tuple)


def deck(survey: Survey, metrics: UnitMetrics | None = None, *, settings: Settings = Settings(), caption: str = "",
         presentation: bool = True, dark: bool = False) -> list[Slide]:
    """The slides, in order; a slide whose analysis has nothing to show with these data is left out.

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> [s.title for s in deck(load_demo(), load_demo_metrics())][:3]
    ['What to lead with', 'Commitment by division', 'The 8 signs by division']
    """
    style = {"presentation": presentation, "dark": dark}
    options = {**style, "min_group_size": settings.min_group_size, "confidence": settings.confidence}
    signs = list(SIGN_IDS) if survey.has_signs else None
    top = default_grouping(survey, "division")
    unit = default_grouping(survey, "business_unit")
    makers = [
        ("What to lead with", lambda: (None, tuple(findings(survey, metrics, settings=settings)["headline"]))),
        (f"Commitment by {_word(top)}",
         lambda: (charts.commitment_chart(commitment_index(survey, top, settings=settings), **options), ())),
        (f"The {'8 signs' if signs else 'items'} by {_word(top)}",
         lambda: (charts.signs_heatmap(rates(survey, top, items=signs, settings=settings),
                                       **options), ())),
        (f"Where {_word(unit, plural=True)} disagree", lambda: _variation(survey, unit, signs, settings, style)),
        ("Do executives see what their staff see?",
         lambda: (charts.gap_dumbbell(perception_gap(survey, None, items=signs, settings=settings), **options), ())),
        ("How far from full commitment?",
         lambda: (charts.gap_bars(gap_to_target(survey, None, items=signs, settings=settings), **options), ())),
        ("Is executive pay tied to CX?",
         lambda: (charts.pay_trend_chart(pay_alignment(survey, metrics, top, settings=settings), **options), ())),
        ("Commitment over waves",
         lambda: (charts.index_trend_chart(index_over_waves(survey, top, settings=settings), **options), ())),
    ]
    if metrics is not None:
        makers.append(("Pay alignment and customer outcomes", lambda: _outcomes(survey, metrics, settings, style)))
    slides = []
    for title, make in makers:
        try:
            figure, bullets = make()
        except CxcommitError:  # e.g. no role grouping for the perception gap: the slide is left out
            continue
        if figure is not None or bullets:
            slides.append(Slide(title, figure, caption, tuple(bullets)))
    return slides


def _word(grouping: str | None, plural: bool = False) -> str:
    words = {"business_unit": ("unit", "units"), "division": ("division", "divisions"), "region": ("region", "regions"),
             "role": ("role", "roles")}
    singular, many = words.get(grouping, (grouping or "group", f"{grouping or 'group'} groups"))
    return many if plural else singular


def _variation(survey, by, items, settings, style):
    table = variation(survey, by, items=items, settings=settings)
    if table.empty:
        return None, ()
    lines = tuple(explain(row, settings.confidence, _word(by, plural=True)) for row in table.head(2).to_dict("records"))
    return charts.variation_chart(table, groups=_word(by, plural=True), **style), lines


def _outcomes(survey, metrics, settings, style):
    from cxcommit.pay import incentive_metric

    units = unit_table(survey, metrics, settings)
    outcomes = [m for m in metrics.metrics if m != incentive_metric(metrics)]
    if not outcomes:
        return None, ()
    return charts.pay_scatter(units, x=incentive_metric(metrics), y=outcomes[0], confidence=settings.confidence,
                              **style), ()

"""The story, once: each chapter's kind, its title, the analysis behind it, its chart and the lines
under it, its takeaway, how its chart was made (its method) and its table's name in the workbook.

The deck and the presentation page (:func:`cxcommit.story.slides.deck`), the HTML report, the
workbook (:func:`cxcommit.export.workbook_tables.analysis_tables`) and the command line's ``--slides``
(:data:`cxcommit.story.kinds.KINDS`, the chapters' kinds) all read :data:`CHAPTERS`, in its order.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from cxcommit import charts
from cxcommit.analyses.commitment import commitment_index, index_over_waves
from cxcommit.analyses.findings import findings
from cxcommit.analyses.gaps import gap_to_target, perception_gap
from cxcommit.analyses.pay import (incentive_metric, metrics_coverage, pay_alignment, pay_relations, unit_fit,
                                   unit_table)
from cxcommit.analyses.rates import everyone_shares, rated_items, rates
from cxcommit.analyses.summary import default_grouping
from cxcommit.analyses.tables import item_scales
from cxcommit.analyses.variation import variation
from cxcommit.charts.options import ChartOptions
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.model.survey import Survey
from cxcommit.privacy.publish import generalised_values
from cxcommit.settings import Settings
from cxcommit.story import methods_refs as ref, takeaways
from cxcommit.story.methods_refs import cite
from cxcommit.story.report_text import family_size, significance_line
from cxcommit.vocabulary import LONGEST_NOUN, grouping_nouns


@dataclass(frozen=True)
class Plan:
    """What the story is told about: the survey (filtered), its unit metrics, the settings, and what
    it compares: the 8 signs (``signs``; None: every item), the top grouping (``top``: division if
    there is one) and the units (``unit``: business unit if there is one)."""

    survey: Survey
    metrics: UnitMetrics | None
    settings: Settings
    signs: tuple[str, ...] | None
    top: str | None
    unit: str | None

    @classmethod
    def of(cls, survey: Survey, metrics: UnitMetrics | None = None, settings: Settings = Settings()) -> Plan:
        return cls(survey, metrics, settings, SIGN_IDS if survey.has_signs else None,
                   default_grouping(survey, "division"), default_grouping(survey, "business_unit"))

    @property
    def items(self) -> list[str]:
        """The items the analyses take: the 8 signs, or every item with a favourable answer (a factual
        question or a number has no share for a chart of shares; the method says it is left out)."""
        return rated_items(self.survey) if self.signs is None else list(self.signs)

    @cached_property
    def everyone(self) -> dict[str, float]:
        """Each item's share among everyone (:func:`cxcommit.analyses.rates.everyone_shares`), worked
        out once: a chart told across slides is drawn many times while its pages are fitted."""
        return everyone_shares(self.survey, self.items, self.settings)

    @cached_property
    def unit_standouts(self) -> pd.DataFrame:
        """The units that stand out from the rest on an item (:func:`cxcommit.story.takeaways.standouts`
        of the rates by unit), worked out once for the variation chapter's pages."""
        shares = rates(self.survey, self.unit, items=self.items, settings=self.settings)
        return takeaways.standouts(shares, self.settings, generalised_values(self.survey, self.unit))

    @property
    def by_top(self) -> str:
        """`` by division`` (the top grouping in words), or nothing without one."""
        return f" by {self.nouns(self.top)[0]}" if self.top else ""

    def nouns(self, grouping: str | None, longest: int | None = None) -> tuple[str, str]:
        """One and many groups of ``grouping`` in words, a question quoted as asked
        (:func:`cxcommit.vocabulary.grouping_nouns` with the survey's label)."""
        return grouping_nouns(grouping, longest=longest, label=self.survey.groupings.get(grouping) if grouping else None)


@dataclass(frozen=True)
class Look:
    """How the charts are drawn: large for presenting, and on a dark page; ``turned``: the heatmap's
    orientation where the story has decided it (a heatmap paged across slides keeps the whole one's,
    :mod:`cxcommit.story.paging`; None: the heatmap's own choice)."""

    presentation: bool = True
    dark: bool = False
    turned: bool | None = None

    def options(self, settings: Settings) -> ChartOptions:
        """What every chart takes: this look, the minimum group size and the confidence."""
        return ChartOptions.from_settings(settings, presentation=self.presentation, dark=self.dark)


@dataclass(frozen=True)
class Shown:
    """What a chapter shows on its slide: the chart (None: words only), the lines under it, and what
    the takeaway needs besides the table: the two columns a scatter plots (``plotted``), what the
    groups are called (``groups``), for a scatter the relation it shows (``relation``:
    :func:`cxcommit.analyses.pay.unit_fit` with the family's Holm p-value, ``x`` and ``y``), and the
    groups that stand out from the rest (``standouts``: :func:`cxcommit.story.takeaways.standouts`),
    each item's scale (``scales``: :func:`cxcommit.analyses.tables.item_scales`), so that a title ranks
    only items whose favourable answer means the same, as the Overview's finding does, each item's
    share among everyone (``everyone``: :func:`cxcommit.analyses.rates.everyone_shares`), and the groups
    publishing merged (``pooled``), which a takeaway never names best or worst."""

    figure: go.Figure | None
    bullets: tuple[str, ...] = ()
    plotted: tuple[str, ...] = ()
    groups: str = ""
    relation: dict | None = None
    standouts: pd.DataFrame | None = field(default=None, compare=False)
    scales: dict | None = field(default=None, compare=False)
    everyone: dict | None = field(default=None, compare=False)
    pooled: tuple[str, ...] = ()  # groups merged when published ("Other regions"): a takeaway never names them


@dataclass(frozen=True)
class Chapter:
    """One chapter of the story. ``analysis`` makes its table (raising
    :class:`~cxcommit.errors.NotApplicable` where it does not apply to the data); ``show`` draws its
    slide from that table (None: nothing to show); ``takeaway`` reads its message off the table, what
    is shown and the settings (empty: none; :mod:`cxcommit.story.takeaways`); ``method`` says how its
    chart was made (``{share}``, ``{share_lower}``, ``{item}``, ``{answering}`` and ``{groups}`` filled
    in by :func:`method_text`); ``sheet`` names its table in
    the workbook, where ``more`` adds further tables (name, analysis). ``needs_metrics``: told only
    with unit metrics. ``methods``: the sections of docs/methods.md its method line cites
    (:mod:`cxcommit.story.methods_refs`); ``marks``: the family of tests its chart marks
    significance in (:data:`cxcommit.story.report_text.FAMILIES`; empty: it marks none); ``by``: the
    grouping its chart breaks the survey down by (None: none, or roles); ``least``: the fewest rows
    its chart needs to show anything (a scatter of one unit shows no relation)."""

    kind: str
    title: Callable[[Plan], str]
    sheet: Callable[[Plan], str]
    analysis: Callable[[Plan], pd.DataFrame]
    show: Callable[[Plan, pd.DataFrame, Look], Shown | None]
    takeaway: Callable[[pd.DataFrame, Shown, Settings], str] = lambda table, shown, settings: ""
    method: str = ""
    needs_metrics: bool = False
    more: tuple[tuple[str, Callable[[Plan], pd.DataFrame]], ...] = ()
    methods: tuple[str, ...] = ()
    marks: str = ""
    over_waves: bool = False
    by: Callable[[Plan], str | None] = lambda plan: None
    least: int = 1

    def applies(self, plan: Plan) -> bool:
        return plan.metrics is not None or not self.needs_metrics

    def tells(self, table: pd.DataFrame) -> bool:
        """Whether ``table`` has a story for this chapter: rows (at least ``least``), and for a chapter
        told over waves (``over_waves``) at least two waves (:func:`waves_shown`) — one wave has no
        trend to speak of, so its slide is left out rather than drawn as a column of dots or titled
        "rose"; one unit has no relation across units, so its scatter is left out."""
        return len(table) >= max(1, self.least) and (not self.over_waves or waves_shown(table) >= 2)


def waves_shown(table: pd.DataFrame) -> int:
    """How many waves ``table`` shows a value in (hidden rows do not count).

    >>> waves_shown(pd.DataFrame({"wave": ["W1", "W1", "W2"], "suppressed": [False, False, True]}))
    1
    """
    if "wave" not in table:
        return 0
    shown = table[~table["suppressed"].astype(bool)] if "suppressed" in table else table
    return int(shown["wave"].nunique())


def method_text(chapter: Chapter, table: pd.DataFrame | None, shown: Shown, settings: Settings = Settings()) -> str:
    """How ``chapter``'s chart was made, in the words of its items (signs and yes, or items and
    favourable); where it marks significance, in which family of tests and from what size
    (:func:`cxcommit.story.report_text.significance_line`); and where docs/methods.md explains it.

    >>> from cxcommit.demo import load_demo
    >>> plan = Plan.of(load_demo())
    >>> signs = CHAPTERS[2]
    >>> print(method_text(signs, signs.analysis(plan), Shown(None)))  # doctest: +ELLIPSIS
    Share answering yes; colour: difference to all the other groups together, in points: full and ● where marked, pale elsewhere. Marked: differs from the rest after adjusting for the ... comparisons of this breakdown (Benjamini–Hochberg) and by at least 5 points. Methods: docs/methods.md §Differences, §What significant means.
    """
    items = table is not None and "item" in table
    share = charts.share_label(table) if items else "Share answering yes"
    signs = items and table["item"].isin(SIGN_IDS).all()
    text = chapter.method.format(
        share=share, share_lower=share.lower(), item="sign" if signs else "item",
        answering="answering yes" if share.endswith("yes") else "answering favourably", groups=shown.groups or "units")
    marked = significance_line(settings, family_size(table), chapter.marks) if chapter.marks and table is not None else ""
    return " ".join(part for part in (text, marked, cite(*chapter.methods) if chapter.methods else "") if part)


def _chart(draw: Callable[..., go.Figure]) -> Callable[[Plan, pd.DataFrame, Look], Shown]:
    """A chapter whose slide is ``draw``'s chart of its table, with the usual options."""
    return lambda plan, table, look: Shown(draw(table, options=look.options(plan.settings)))


def _end(row: dict, end: str, groups: str) -> str:
    """The group at one end (``lowest`` or ``highest``) of an item's spread, ties counted."""
    count = int(row[f"n_{end}"])
    return str(row[end]) if count == 1 else f"{count} {groups} tied: {row[end]}"


def spread_line(table: pd.DataFrame, groups: str) -> str:
    """The variation chart in one paragraph: the order it uses (ω², rank 1 on top) and, for the
    item on top and the item at the bottom, the share and the {groups} at each end.

    >>> table = pd.DataFrame({"label": ["A", "B"], "min_p": [0.2, 0.5], "max_p": [0.8, 0.6], "lowest": ["X", "Y"],
    ...                       "n_lowest": [1, 1], "highest": ["Z", "V and W"], "n_highest": [1, 2],
    ...                       "omega_sq": [0.07, 0.0], "rank": [1, 2]})
    >>> spread_line(table, "units")
    'Ranked by ω², the share of the variation in answers that lies between units net of chance, largest on top. Top: “A”, from 20% (X) to 80% (Z), ω² 7%. Bottom: “B”, from 50% (Y) to 60% (2 units tied: V and W), ω² 0%.'
    """
    rows = table.sort_values("rank", kind="stable").to_dict("records")
    ends = [("Top", rows[0])] + ([("Bottom", rows[-1])] if len(rows) > 1 else [])
    said = " ".join(f"{where}: “{row['label']}”, from {row['min_p']:.0%} ({_end(row, 'lowest', groups)}) to "
                    f"{row['max_p']:.0%} ({_end(row, 'highest', groups)}), ω² {row['omega_sq']:.0%}."
                    for where, row in ends)
    return (f"Ranked by ω², the share of the variation in answers that lies between {groups} net of chance, "
            f"largest on top. {said}")


def _variation(plan: Plan, table: pd.DataFrame, look: Look) -> Shown:
    """The spread of each item across the units; under it, in one paragraph, the order and the units
    at each end (:func:`spread_line`). The takeaway also reads which units stand out from the rest
    (the heatmap's marks), so the two never disagree."""
    groups = plan.nouns(plan.unit, longest=LONGEST_NOUN)[1]
    return Shown(charts.variation_chart(table, groups=groups, options=look.options(plan.settings)),
                 (spread_line(table, groups),), groups=groups, standouts=plan.unit_standouts,
                 pooled=generalised_values(plan.survey, plan.unit))


def _commitment(plan: Plan, table: pd.DataFrame, look: Look) -> Shown:
    """The commitment chart; its takeaway leaves out the groups merged when published."""
    return Shown(charts.commitment_chart(table, pooled=generalised_values(plan.survey, plan.top),
                                         options=look.options(plan.settings)),
                 pooled=generalised_values(plan.survey, plan.top))


def _pay(plan: Plan, table: pd.DataFrame, look: Look) -> Shown:
    """Sign 7 and the incentive share over waves; under it, what the unit metrics leave out."""
    return Shown(charts.pay_trend_chart(table, options=look.options(plan.settings)),
                 tuple(metrics_coverage(plan.survey, plan.metrics)))


def outcome_pair(metrics: UnitMetrics) -> tuple[str, str] | None:
    """The relation the story tells and the dashboard's scatter opens on: pay alignment (the
    incentive share, else sign 7) against the first outcome metric (NPS, CSAT…); None without an
    outcome metric. Pay against sign 7 is not the default: both measure pay alignment, so their
    relation says nothing about customers.

    >>> from cxcommit.demo import load_demo_metrics
    >>> outcome_pair(load_demo_metrics())
    ('exec_incentive_cx_pct', 'customer_nps')
    """
    incentive = incentive_metric(metrics)
    outcomes = [m for m in metrics.metrics if m != incentive]
    if not outcomes:
        return None
    return incentive or "sign_7", outcomes[0]  # without an incentive share, sign 7 stands for pay alignment


def _outcomes(plan: Plan, table: pd.DataFrame, look: Look) -> Shown | None:
    """The relation of :func:`outcome_pair`, per unit, weighted by answers; under it, what the
    metrics leave out. None without an outcome metric."""
    pair = outcome_pair(plan.metrics)
    if pair is None:
        return None
    pay, outcome = pair
    relations = pay_relations(plan.survey, plan.metrics, settings=plan.settings)
    fit = unit_fit(table, pay, outcome, confidence=plan.settings.confidence, relations=relations)
    figure = charts.pay_scatter(table, x=pay, y=outcome, fit=fit, options=look.options(plan.settings))
    return Shown(figure, tuple(metrics_coverage(plan.survey, plan.metrics)), plotted=(pay, outcome),
                 relation={**fit, "x": pay, "y": outcome})


CHAPTERS = (
    Chapter("findings", lambda plan: "What to lead with", lambda plan: "Findings",
            lambda plan: findings(plan.survey, plan.metrics, settings=plan.settings),
            # each with the n the Overview shows under it: both sides of a comparison
            lambda plan, table, look: Shown(None, tuple(f"{row.headline} ({row.base})" for row in table.itertuples())),
            methods=(ref.HEADLINES,)),
    Chapter("commitment", lambda plan: f"Commitment by {plan.nouns(plan.top)[0]}",
            lambda plan: f"Commitment{plan.by_top}",
            lambda plan: commitment_index(plan.survey, plan.top, settings=plan.settings),
            _commitment, lambda table, shown, settings: takeaways.commitment(table, settings, shown.pooled),
            "Mean number of the 8 signs each respondent says yes to (of those who answered at least 6; a sign "
            "left unanswered is not met), and the share fully committed (yes to all 8), per group.", methods=(ref.COMMITMENT_INDEX,), by=lambda plan: plan.top),
    Chapter("signs", lambda plan: f"The {'8 signs' if plan.signs else 'items'} by {plan.nouns(plan.top)[0]}",
            lambda plan: f"{'Signs' if plan.signs else 'Items'}{plan.by_top}",
            lambda plan: rates(plan.survey, plan.top, items=plan.items, settings=plan.settings),
            # without a grouping, one column of everyone: nothing to compare on a slide
            # the table comes in its chart's order (story.order): a page of it keeps the whole one's columns
            lambda plan, table, look: Shown(charts.signs_heatmap(table, sort="table", transpose=look.turned,
                                                                 options=look.options(plan.settings)),
                                                 scales=item_scales(plan.survey),
                                                 everyone=plan.everyone)
            if plan.top else None,
            lambda table, shown, settings: takeaways.signs(table, settings, shown.scales, shown.everyone),
            "{share}; colour: difference to all the other groups together, in points: full and ● where marked, "
            "pale elsewhere.",
            methods=(ref.DIFFERENCES, ref.SIGNIFICANT), marks="screen", by=lambda plan: plan.top),
    Chapter("variation", lambda plan: f"Where {plan.nouns(plan.unit, longest=LONGEST_NOUN)[1]} disagree",
            lambda plan: f"Variation across {plan.nouns(plan.unit)[1]}",
            lambda plan: variation(plan.survey, plan.unit, items=plan.items, settings=plan.settings),
            _variation,
            lambda table, shown, settings: takeaways.variation(table, shown.groups, settings, shown.standouts),
            "Each bar runs from the lowest to the highest {share_lower} among the {groups} shown, ranked by "
            "how much of the spread is beyond chance (ω²), top first: a short bar may rank above a long one.",
            methods=(ref.VARIATION, ref.EQUAL_SHARES), by=lambda plan: plan.unit),
    Chapter("perception_gap", lambda plan: "Do executives see what their staff see?", lambda plan: "Perception gap",
            lambda plan: perception_gap(plan.survey, None, items=plan.items, settings=plan.settings),
            _chart(charts.gap_dumbbell), lambda table, shown, settings: takeaways.perception_gap(table, settings),
            "{share} among executives and among their staff (managers and employees), per {item}.",
            methods=(ref.PERCEPTION_GAP,)),
    Chapter("gap_to_target",
            lambda plan: "How far from full commitment?" if plan.signs else "How far from everyone answering favourably?",
            lambda plan: "Gap to full commitment" if plan.signs else "Gap to target",
            lambda plan: gap_to_target(plan.survey, None, items=plan.items, settings=plan.settings),
            _chart(charts.gap_bars), lambda table, shown, settings: takeaways.gap_to_target(table, settings),
            "Points short of everyone {answering} (100%), per {item}.", methods=(ref.SHARES, ref.RANKINGS)),
    Chapter("pay", lambda plan: "Is executive pay tied to CX?", lambda plan: f"Pay alignment{plan.by_top}",
            lambda plan: pay_alignment(plan.survey, plan.metrics, plan.top, settings=plan.settings),
            _pay, lambda table, shown, settings: takeaways.pay(table, settings),
            "Sign 7 (executive pay tied to CX objectives): share answering yes per wave.", methods=(ref.TRENDS,),
            over_waves=True, by=lambda plan: plan.top),
    Chapter("index_waves", lambda plan: "Commitment over waves", lambda plan: "Commitment over waves",
            lambda plan: index_over_waves(plan.survey, plan.top, settings=plan.settings),
            _chart(charts.index_trend_chart), lambda table, shown, settings: takeaways.index_waves(table, settings),
            "Mean signs met (of 8) per wave.", methods=(ref.COMMITMENT_INDEX, ref.TRENDS), over_waves=True, by=lambda plan: plan.top),
    Chapter("outcomes", lambda plan: "Pay alignment and customer outcomes", lambda plan: "Pay and outcomes by unit",
            lambda plan: unit_table(plan.survey, plan.metrics, plan.settings),
            _outcomes, lambda table, shown, settings: takeaways.outcomes(shown.relation, settings),
            "One point per business unit: survey shares pooled and unit metrics averaged over the waves shown; "
            "Pearson r and line weighted by each unit's answers; stated from 10 units and after adjusting for "
            "the relations tested (Holm).", needs_metrics=True,
            more=(("Pay and outcomes correlations",
                   lambda plan: pay_relations(plan.survey, plan.metrics, settings=plan.settings)),),
            methods=(ref.CORRELATIONS,), by=lambda plan: plan.unit, least=3),
)


def page_heading(kind: str, table: pd.DataFrame, settings: Settings = Settings(), *, fallback: str,
                 groups: str = "", standouts: pd.DataFrame | None = None, scales: dict | None = None,
                 everyone: dict | None = None) -> str:
    """The heading a dashboard page puts over the chart of chapter ``kind``: the chapter's takeaway
    read off ``table`` as the deck and the presentation read it (so for the same data the page, the
    slide and the report say the same thing), else ``fallback`` (the page's own question). A chapter
    over waves with fewer than two waves has no takeaway: its fallback.

    >>> from cxcommit.demo import load_demo
    >>> from cxcommit.analyses.gaps import gap_to_target
    >>> target = gap_to_target(load_demo(), None, items=list(SIGN_IDS))
    >>> page_heading("gap_to_target", target, fallback="How far from full commitment?")
    'Furthest from full commitment: “Executive pay tied to CX”, 75 points short of everyone saying yes'
    """
    chapter = next(chapter for chapter in CHAPTERS if chapter.kind == kind)
    if not chapter.tells(table):
        return fallback
    shown = Shown(None, groups=groups, standouts=standouts, scales=scales, everyone=everyone)
    return chapter.takeaway(table, shown, settings) or fallback

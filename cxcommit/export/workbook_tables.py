"""The tables behind the story's charts, by a readable name: what the workbook export holds (and the
Export page offers one by one)."""
from __future__ import annotations

import pandas as pd

from cxcommit.errors import NotApplicable
from cxcommit.export.table_export import hide_suppressed
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings
from cxcommit.story.chapters import CHAPTERS, Plan


def analysis_tables(survey: Survey, metrics: UnitMetrics | None = None, *,
                    settings: Settings = Settings()) -> dict[str, pd.DataFrame]:
    """The tables behind the dashboard's charts for ``survey`` (filter it first), by a readable name.

    The tables of the story's chapters (:data:`cxcommit.story.chapters.CHAPTERS`), as the slide deck
    shows them (:func:`cxcommit.story.slides.deck`), in its order, each the library function's table
    with its own columns:

    - ``Findings``: :func:`cxcommit.analyses.findings.findings`;
    - ``Commitment by <division>``: :func:`cxcommit.analyses.commitment.commitment_index` by the top grouping;
    - ``Signs by <division>``: :func:`cxcommit.analyses.rates.rates` of the 8 signs (``Items by …`` without them);
    - ``Variation across <units>``: :func:`cxcommit.analyses.variation.variation`;
    - ``Perception gap``: :func:`cxcommit.analyses.gaps.perception_gap` over the whole organisation;
    - ``Gap to full commitment`` (``Gap to target`` without the signs): :func:`cxcommit.analyses.gaps.gap_to_target`;
    - ``Pay alignment by <division>``: :func:`cxcommit.analyses.pay.pay_alignment`;
    - ``Commitment over waves``: :func:`cxcommit.analyses.commitment.index_over_waves` by the top grouping;
    - with ``metrics``: ``Pay and outcomes by unit`` (:func:`cxcommit.analyses.pay.unit_table`) and
      ``Pay and outcomes correlations`` (:func:`cxcommit.analyses.pay.pay_relations`).

    An analysis these data cannot give (it raises :class:`~cxcommit.errors.NotApplicable`, e.g.
    the perception gap without a role grouping) or whose table has no rows is left out; any other
    error is raised. A row with
    ``suppressed`` true keeps ``suppressed`` and ``suppression`` and has no number: where a table
    carries one there anyway (``pay_alignment``'s ``incentive_share`` and ``units`` of a hidden
    wave, which its chart does not show either; ``gap_to_target``'s ``target``), it is emptied.

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> list(analysis_tables(load_demo(), load_demo_metrics()))  # doctest: +NORMALIZE_WHITESPACE
    ['Findings', 'Commitment by division', 'Signs by division', 'Variation across units', 'Perception gap',
     'Gap to full commitment', 'Pay alignment by division', 'Commitment over waves', 'Pay and outcomes by unit',
     'Pay and outcomes correlations']
    """
    plan = Plan.of(survey, metrics, settings)
    tables = {}
    for chapter in CHAPTERS:
        if not chapter.applies(plan):
            continue
        for name, make in ((chapter.sheet(plan), chapter.analysis), *chapter.more):
            try:
                table = make(plan)
            except NotApplicable:  # e.g. no role grouping for the perception gap: the table is left out
                continue
            if len(table):
                tables[name] = hide_suppressed(table)
    return tables

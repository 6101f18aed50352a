"""``analyze``: an analysis view of the survey, filtered by ``--division`` and ``--wave``, printed as a
table, CSV or JSON (:func:`cxcommit.cli.tables.write_table`)."""
from __future__ import annotations

import pandas as pd

from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.findings import findings
from cxcommit.analyses.gaps import gap_to_best, gap_to_target, perception_gap
from cxcommit.analyses.pay import pay_alignment, pay_relations
from cxcommit.analyses.rates import rates
from cxcommit.analyses.summary import default_grouping
from cxcommit.analyses.trends import trends
from cxcommit.analyses.variation import variation
from cxcommit.cli.inputs import filtered, metrics, settings_from, survey_from
from cxcommit.cli.output import say
from cxcommit.cli.tables import write_table
from cxcommit.errors import SettingsError
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings
from cxcommit.stats.families import SCREEN, STATEMENT
from cxcommit.story.report_text import format_table, significance_meaning, view_of


def analyze(args) -> int:
    """An analysis view (``--view``) of the survey, filtered by ``--division`` and ``--wave``."""
    settings = settings_from(args)
    survey = filtered(args, survey_from(args, settings))
    table = _analyze(args, survey, settings)
    if args.output == "table":
        for line in table_header(survey, settings, table):
            say(line)
        say(format_table(table))
    else:
        write_table(table, args.output)
    return 0


def table_header(survey: Survey, settings: Settings, table: pd.DataFrame) -> list[str]:
    """The lines above a printed table: under a filter, what "the rest" is; where the table says
    what is significant, what that means."""
    rest = view_of(survey, settings).rest
    return ([rest] if rest else []) + (
        [significance_meaning(settings)] if "significant" in table else [])


def _analyze(args, survey: Survey, settings: Settings) -> pd.DataFrame:
    unit_metrics = metrics(args, survey if args.view in ("pay", "relations", "findings") else None)
    by = args.by or []
    one = by[0] if by else default_grouping(survey, "division" if args.view == "pay" else "business_unit")
    return VIEW_TABLES[args.view](survey, args, by, one, unit_metrics, settings)


def _gaps(survey, args, by, one, unit_metrics, settings):
    gap = {"perception": perception_gap, "target": gap_to_target, "best": gap_to_best}[args.gap]
    return gap(survey, _needs(one, "gaps"), items=args.items, settings=settings)


def _relations(survey, args, by, one, unit_metrics, settings):
    if unit_metrics is None:
        raise SettingsError("The relations view needs unit metrics.", hint="Add --metrics UNIT_METRICS.csv.")
    return pay_relations(survey, unit_metrics, settings=settings)


# Each view's table: (survey, args, groupings named, the one grouping to use, unit metrics, settings) -> table
VIEW_TABLES = {
    "rates": lambda survey, args, by, one, unit_metrics, settings: rates(
        survey, by or None, items=args.items, settings=settings, p_adjust=args.p_adjust or SCREEN),
    "index": lambda survey, args, by, one, unit_metrics, settings: commitment_index(
        survey, by or None, settings=settings),
    "variation": lambda survey, args, by, one, unit_metrics, settings: variation(
        survey, _needs(one, "variation"), items=args.items, settings=settings, p_adjust=args.p_adjust or STATEMENT),
    "gaps": _gaps,
    "trends": lambda survey, args, by, one, unit_metrics, settings: trends(
        survey, by[0] if by else None, items=args.items, settings=settings),
    "pay": lambda survey, args, by, one, unit_metrics, settings: pay_alignment(
        survey, unit_metrics, one, settings=settings),
    "relations": _relations,
    "findings": lambda survey, args, by, one, unit_metrics, settings: findings(
        survey, unit_metrics, by=one, settings=settings),
}


def _needs(by: str | None, view: str) -> str:
    if by is None:
        raise SettingsError(f"The {view} view compares groups, but this survey has no grouping with two or more values.",
                            hint="Map a column such as Department or Region as a grouping, or name one with --by.")
    return by

"""``summary`` and ``analyze``: a table per item and group, or an analysis view, printed as a
table, CSV or JSON."""
from __future__ import annotations

import sys

import pandas as pd

from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.findings import findings
from cxcommit.analyses.gaps import gap_to_best, gap_to_target, perception_gap
from cxcommit.analyses.pay import pay_alignment, pay_relations
from cxcommit.analyses.rates import rates
from cxcommit.analyses.summary import default_grouping, item_summary
from cxcommit.analyses.trends import trends
from cxcommit.analyses.variation import variation
from cxcommit.cli.inputs import filtered, metrics, read, settings_from
from cxcommit.cli.output import say
from cxcommit.errors import SettingsError
from cxcommit.export.table_export import to_csv_bytes
from cxcommit.model.survey import Survey
from cxcommit.privacy.load import published_survey
from cxcommit.settings import Settings
from cxcommit.stats.families import SCREEN, STATEMENT
from cxcommit.story.report_text import format_summary, format_table


def summary(args) -> int:
    """n, favourable share, interval and mean per item and group."""
    settings = settings_from(args)
    survey = published_survey(*read(args, settings), settings)
    table = item_summary(survey, by=args.by, settings=settings, items=args.items)
    if args.output == "table":
        say(format_summary(table, settings.min_group_size))
    else:
        _write(table, args.output)
    return 0


def analyze(args) -> int:
    """An analysis view (``--view``) of the survey, filtered by ``--division`` and ``--wave``."""
    settings = settings_from(args)
    survey = published_survey(*read(args, settings), settings)
    table = _analyze(args, survey, settings)
    if args.output == "table":
        say(format_table(table))
    else:
        _write(table, args.output)
    return 0


def _write(table: pd.DataFrame, output: str) -> None:
    if output == "json":
        sys.stdout.write(table.to_json(orient="records", indent=2, force_ascii=False) + "\n")
    else:  # csv, as the dashboard's: no text a spreadsheet would run as a formula
        sys.stdout.write(to_csv_bytes(table).decode("utf-8-sig"))


def _analyze(args, survey: Survey, settings: Settings) -> pd.DataFrame:
    survey = filtered(args, survey)
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

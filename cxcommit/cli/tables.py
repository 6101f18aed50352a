"""``summary`` and ``analyze``: a table per item and group, or an analysis view, printed as a
table, CSV or JSON."""
from __future__ import annotations

import datetime
import json
import math
import numbers
import sys

import numpy as np
import pandas as pd

from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.findings import findings
from cxcommit.analyses.gaps import gap_to_best, gap_to_target, perception_gap
from cxcommit.analyses.pay import pay_alignment, pay_relations
from cxcommit.analyses.rates import rates
from cxcommit.analyses.summary import default_grouping, item_summary
from cxcommit.analyses.trends import trends
from cxcommit.analyses.variation import variation
from cxcommit.cli.inputs import filtered, metrics, settings_from, survey_from
from cxcommit.cli.output import say
from cxcommit.errors import SettingsError
from cxcommit.export.table_export import to_csv_bytes
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings
from cxcommit.stats.families import SCREEN, STATEMENT
from cxcommit.story.report_text import format_summary, format_table, significance_meaning, view_of


def summary(args) -> int:
    """n, favourable share, interval and mean per item and group."""
    settings = settings_from(args)
    survey = survey_from(args, settings)
    table = item_summary(survey, by=args.by, settings=settings, items=args.items)
    if args.output == "table":
        say(format_summary(table, settings.min_group_size))
    else:
        _write(table, args.output)
    return 0


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
        _write(table, args.output)
    return 0


def _write(table: pd.DataFrame, output: str) -> None:
    if output == "json":
        sys.stdout.write(json_records(table) + "\n")
    else:  # csv, as the dashboard's: no text a spreadsheet would run as a formula
        sys.stdout.write(to_csv_bytes(table).decode("utf-8-sig"))


def json_records(table: pd.DataFrame) -> str:
    """``table`` as a JSON list of records, numbers in full: Python's shortest form that reads back
    as the same float, so a p-value of 1e-15 stays 1e-15 (pandas' ``to_json`` keeps 10 decimals and
    would write 0.0). Missing and non-finite values are null; dates are ISO text.

    >>> print(json_records(pd.DataFrame({"group": ["A"], "p_value": [1.2345e-15], "n": [12], "mean": [None]})))
    [
      {
        "group": "A",
        "p_value": 1.2345e-15,
        "n": 12,
        "mean": null
      }
    ]
    """
    names = [str(name) for name in table.columns]
    records = [dict(zip(names, map(_json_value, row))) for row in table.itertuples(index=False, name=None)]
    return json.dumps(records, indent=2, ensure_ascii=False, allow_nan=False)


def _json_value(value):
    """One cell as JSON holds it: null, a bool, a whole number, a finite float, a list or text."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_json_value(v) for v in value]
    if value is None or pd.isna(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (pd.Timestamp, datetime.date)):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


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

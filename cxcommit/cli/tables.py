"""``summary``: a table per item and group, printed as a table, CSV or JSON; and how a table is
written as CSV or JSON (for ``analyze`` too: :mod:`cxcommit.cli.views`). Only what ``summary`` needs is
imported (no analysis beyond the summary), so that it starts reading sooner."""
from __future__ import annotations

import datetime
import json
import math
import numbers
import sys

import numpy as np
import pandas as pd

from cxcommit.analyses.summary import item_summary
from cxcommit.cli.inputs import settings_from, survey_from
from cxcommit.cli.output import say
from cxcommit.export.table_export import to_csv_bytes
from cxcommit.story.report_text import format_summary


def summary(args) -> int:
    """n, favourable share, interval and mean per item and group."""
    settings = settings_from(args)
    survey = survey_from(args, settings)
    table = item_summary(survey, by=args.by, settings=settings, items=args.items)
    if args.output == "table":
        say(format_summary(table, settings.min_group_size))
    else:
        write_table(table, args.output)
    return 0


def write_table(table: pd.DataFrame, output: str) -> None:
    """``table`` on stdout as JSON or CSV."""
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

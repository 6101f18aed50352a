"""Reading response dates and naming survey periods (waves) from them."""
from __future__ import annotations

import re

import pandas as pd

_SLASHED = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})")
_QUARTER = r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$"


def parse_dates(values: pd.Series) -> pd.Series:
    """Timestamps for date texts in the usual export styles (ISO, US m/d/y, European d/m/y).

    Slashed dates are read month first unless some first number is above 12. Unreadable
    values become NaT.
    """
    text = values.astype("string")
    quarter = text.str.extract(_QUARTER)
    found = quarter[0].notna()
    if found.any():  # "2026-Q3" is the quarter's first day
        month = (quarter.loc[found, 1].astype(int) - 1) * 3 + 1
        text = text.mask(found, quarter.loc[found, 0] + "-" + month.astype("string").str.zfill(2) + "-01")
    firsts = text.str.extract(_SLASHED)[0].dropna().astype(int)
    dayfirst = bool(len(firsts)) and bool((firsts > 12).any())
    return pd.to_datetime(text, format="mixed", dayfirst=dayfirst, errors="coerce")


def date_part(values: pd.Series) -> pd.Series:
    """The date of date-and-time texts ("2026-07-01 08:15:00" -> "2026-07-01"), so that a million
    timestamps become a few hundred dates to parse."""
    return values.astype("string").str.strip().str.split(r"[ T]", n=1, regex=True).str[0]


def period_label(stamps: pd.Series, period: str) -> pd.Series:
    """Period names: ``2026-Q3`` for quarters, ``2026-07`` for months, ``2026`` for years.

    >>> period_label(pd.Series(pd.to_datetime(["2026-08-01"])), "quarter").tolist()
    ['2026-Q3']
    """
    if period == "quarter":
        labels = stamps.dt.year.astype("Int64").astype("string") + "-Q" + stamps.dt.quarter.astype("Int64").astype("string")
    elif period == "month":
        labels = stamps.dt.strftime("%Y-%m")
    else:
        labels = stamps.dt.year.astype("Int64").astype("string")
    return labels.astype("string")

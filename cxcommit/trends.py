"""Trends over waves: each group's share per wave, change since the previous and the first wave, slope."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.gaps import _two_sample_p, newcombe_interval
from cxcommit.rates import rates
from cxcommit.settings import Settings
from cxcommit.summary import resolve_grouping
from cxcommit.survey import Survey

TREND_COLUMNS = ["item", "label", "group", "wave", "n", "k", "p", "ci_low", "ci_high", "change_prev",
                 "change_prev_low", "change_prev_high", "change_prev_p", "change_first", "change_first_p", "slope",
                 "suppressed"]


def trends(survey: Survey, by: str | None = None, *, items: list[str] | None = None,
           settings: Settings = Settings()) -> pd.DataFrame:
    """Share per wave for each group (or the whole organisation), and how it moved.

    A group that is missing or suppressed in a wave is compared with its last shown wave, so units
    that appear or vanish between waves are handled.

    Returns one row per item, group and wave (waves in time order) with ``n, k, p, ci_low, ci_high``
    and:

    - ``change_prev``: p minus p of the group's previous shown wave, with its Newcombe interval
      (``change_prev_low``, ``change_prev_high``) and two-proportion test p (``change_prev_p``);
    - ``change_first``, ``change_first_p``: the same against the group's first shown wave;
    - ``slope``: change per wave of a least-squares line through the group's shown waves,
      weighted by n (the same on each row of the group);
    - ``suppressed``: as in :func:`cxcommit.rates.rates`.
    """
    by_list = [by, "wave"] if by else ["wave"]
    table = rates(survey, by_list, items=items, settings=settings)
    if by:
        table = table.drop(columns=["group"]).rename(columns={resolve_grouping(survey, by): "group"})
    else:
        table = table.assign(group="All respondents")
    wave_order = {w: i for i, w in enumerate(survey.responses["wave"].cat.categories)}
    table = table.assign(_order=table["wave"].map(wave_order)).sort_values(["item", "group", "_order"])
    for column in TREND_COLUMNS[9:16]:
        table[column] = np.nan
    for _, part in table.groupby(["item", "group"], sort=False):
        shown = part[~part["suppressed"] & part["p"].notna()]
        if shown.empty:
            continue
        k, n, p = (shown[c].to_numpy(dtype=float) for c in ("k", "n", "p"))
        prev_k, prev_n = np.r_[np.nan, k[:-1]], np.r_[np.nan, n[:-1]]
        low, high = newcombe_interval(k, n, prev_k, prev_n, settings.confidence)
        first_k, first_n = np.full(len(k), k[0]), np.full(len(n), n[0])
        x = shown["_order"].to_numpy(dtype=float)
        slope = np.polyfit(x, p, 1, w=np.sqrt(n))[0] if len(shown) >= 2 else np.nan
        index = shown.index
        table.loc[index, "change_prev"] = p - np.r_[np.nan, p[:-1]]
        table.loc[index, "change_prev_low"], table.loc[index, "change_prev_high"] = low, high
        table.loc[index, "change_prev_p"] = _two_sample_p(k, n, prev_k, prev_n)
        table.loc[index, "change_first"] = np.where(np.arange(len(p)) > 0, p - p[0], np.nan)
        table.loc[index, "change_first_p"] = np.where(np.arange(len(p)) > 0, _two_sample_p(k, n, first_k, first_n), np.nan)
        table.loc[index, "slope"] = slope
    return table[TREND_COLUMNS].reset_index(drop=True)


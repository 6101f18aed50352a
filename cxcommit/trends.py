"""Trends over waves: each group's share per wave, change since the previous and the first wave, slope."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.gaps import newcombe_interval
from cxcommit.groups import ALL_GROUP
from cxcommit.rates import rates, two_proportion_p
from cxcommit.settings import Settings
from cxcommit.summary import resolve_grouping
from cxcommit.survey import Survey

TREND_COLUMNS = ["item", "label", "group", "wave", "n", "k", "p", "ci_low", "ci_high", "change_prev",
                 "change_prev_low", "change_prev_high", "change_prev_p", "change_first", "change_first_p", "slope",
                 "suppressed", "suppression"]


def per_wave(table: pd.DataFrame, survey: Survey, by: str | None, first: list[str] = ()) -> pd.DataFrame:
    """A table computed by ``[by, "wave"]`` (or ``["wave"]``) with the grouping as ``group``
    (everyone: ``All respondents``) and ``_order``, the wave's place in time; sorted by the
    columns ``first``, then group, then wave."""
    if by:
        table = table.drop(columns=["group"]).rename(columns={resolve_grouping(survey, by): "group"})
    else:
        table = table.assign(group=ALL_GROUP)
    order = {wave: i for i, wave in enumerate(survey.frame["wave"].cat.categories)}
    table = table.assign(_order=table["wave"].map(order))
    return table.sort_values([*first, "group", "_order"], kind="stable").reset_index(drop=True)


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
      weighted by n (the same on each row of the group; null with one wave);
    - ``suppressed``, ``suppression``: as in :func:`cxcommit.rates.rates`.
    """
    table = per_wave(rates(survey, [by, "wave"] if by else ["wave"], items=items, settings=settings), survey, by,
                     first=["item"])
    for column in TREND_COLUMNS[9:16]:
        table[column] = np.nan
    shown = table[~table["suppressed"] & table["p"].notna()].copy()
    k, n, p = (shown[c].to_numpy(dtype=float) for c in ("k", "n", "p"))
    by_group = shown.groupby(["item", "group"], sort=False)
    prev_k, prev_n, prev_p = (by_group[c].shift(1).to_numpy(dtype=float) for c in ("k", "n", "p"))
    first_k, first_n, first_p = (by_group[c].transform("first").to_numpy(dtype=float) for c in ("k", "n", "p"))
    later = by_group.cumcount().to_numpy() > 0
    low, high = newcombe_interval(k, n, prev_k, prev_n, settings.confidence)
    x = shown["_order"].to_numpy(dtype=float)
    sums = pd.DataFrame({"item": shown["item"], "group": shown["group"], "w": n, "wx": n * x, "wy": n * p,
                         "wxx": n * x * x, "wxy": n * x * p}).groupby(["item", "group"], sort=False).transform("sum")
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (sums["w"] * sums["wxy"] - sums["wx"] * sums["wy"]) / (sums["w"] * sums["wxx"] - sums["wx"] ** 2)
    index = shown.index
    table.loc[index, "change_prev"] = p - prev_p
    table.loc[index, "change_prev_low"] = low
    table.loc[index, "change_prev_high"] = high
    table.loc[index, "change_prev_p"] = two_proportion_p(k, n, prev_k, prev_n)
    table.loc[index, "change_first"] = np.where(later, p - first_p, np.nan)
    table.loc[index, "change_first_p"] = np.where(later, two_proportion_p(k, n, first_k, first_n), np.nan)
    table.loc[index, "slope"] = slope.to_numpy()
    return table[TREND_COLUMNS]

"""Trends over waves: each group's share per wave, change since the previous and the first wave, slope."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.analyses.groups import ALL_GROUP, run_starts, sorted_codes
from cxcommit.analyses.rates import rates_table
from cxcommit.analyses.tables import arrays, text
from cxcommit.model.derived import key
from cxcommit.model.survey import resolve_grouping
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings
from cxcommit.stats.intervals import newcombe_interval
from cxcommit.stats.significance import two_proportion_p

TREND_COLUMNS = ["item", "label", "group", "wave", "n", "k", "p", "ci_low", "ci_high", "change_prev",
                 "change_prev_low", "change_prev_high", "change_prev_p", "change_first", "change_first_p", "slope",
                 "suppressed", "suppression"]


def per_wave(table: pd.DataFrame, survey: Survey, by: str | None) -> pd.DataFrame:
    """A table computed by ``[by, "wave"]`` (or ``["wave"]``) with the grouping as ``group``
    (everyone: ``All respondents``) and ``_order``, the wave's place in time; sorted by group,
    then wave."""
    if by:
        table = table.drop(columns=["group"]).rename(columns={resolve_grouping(survey, by): "group"})
    else:
        table = table.assign(group=ALL_GROUP)
    order = {wave: i for i, wave in enumerate(survey.frame["wave"].cat.categories)}
    table = table.assign(_order=table["wave"].map(order))
    return table.sort_values(["group", "_order"], kind="stable").reset_index(drop=True)


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
    - ``suppressed``, ``suppression``: as in :func:`cxcommit.analyses.rates.rates`.
    """
    return survey.derived.get(key("trends", by, None if items is None else tuple(items), settings),
                              lambda: _trends(survey, by, items, settings))


def _trends(survey: Survey, by: str | None, items: list[str] | None, settings: Settings) -> pd.DataFrame:
    rated = rates_table(survey, [by, "wave"] if by else ["wave"], items=items, settings=settings)
    by_name = resolve_grouping(survey, by) if by else None
    read = arrays(rated, "item", "wave", "n", "k", "p", "suppressed", *([by_name] if by else []))
    groups_all = read[by_name] if by else np.full(len(rated), ALL_GROUP, object)
    rank = {wave: i for i, wave in enumerate(survey.frame["wave"].cat.categories)}
    when = np.array([rank.get(wave, np.nan) for wave in read["wave"]], dtype=float)
    block = np.column_stack([sorted_codes(read["item"]), sorted_codes(groups_all)])  # one item and group
    order = np.lexsort((when, block[:, 1], block[:, 0]))  # item, group, wave in time
    columns = {name: rated[name].array.take(order) for name in ("item", "label", "wave", "n", "k", "p", "ci_low",
                                                                 "ci_high", "suppressed", "suppression")}
    columns["group"] = text(groups_all[order])
    for name in TREND_COLUMNS[9:16]:
        columns[name] = np.full(len(order), np.nan)
    shown = np.flatnonzero(~read["suppressed"][order] & ~np.isnan(read["p"][order]))  # positions in the result
    if len(shown):
        rows = order[shown]  # the same rows of the rates table
        k, n, p, x = read["k"][rows], read["n"][rows], read["p"][rows], when[rows]
        heads = run_starts(block[rows])  # each item and group's first shown wave
        run = np.repeat(np.arange(len(heads)), np.diff(np.r_[heads, len(rows)]))  # each row's item and group
        first = heads[run]
        later = np.arange(len(rows)) != first
        prev_k, prev_n, prev_p = (np.where(later, np.roll(values, 1), np.nan) for values in (k, n, p))
        low, high = newcombe_interval(k, n, prev_k, prev_n, settings.confidence)
        w, wx, wy, wxx, wxy = (np.add.reduceat(values, heads)[run] for values in (n, n * x, n * p, n * x * x, n * x * p))
        with np.errstate(invalid="ignore", divide="ignore"):
            columns["slope"][shown] = (w * wxy - wx * wy) / (w * wxx - wx**2)
        columns["change_prev"][shown] = p - prev_p
        columns["change_prev_low"][shown], columns["change_prev_high"][shown] = low, high
        columns["change_prev_p"][shown] = two_proportion_p(k, n, prev_k, prev_n)
        columns["change_first"][shown] = np.where(later, p - p[first], np.nan)
        columns["change_first_p"][shown] = np.where(later, two_proportion_p(k, n, k[first], n[first]), np.nan)
    return pd.DataFrame({name: columns[name] for name in TREND_COLUMNS})

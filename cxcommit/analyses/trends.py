"""Trends over waves: each group's share per wave, change since the previous and the first wave, slope."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.analyses.groups import ALL_GROUP, run_starts, sorted_codes
from cxcommit.analyses.panels import paired_trend_changes
from cxcommit.analyses.rates import rates_table
from cxcommit.analyses.tables import arrays, items_asked, text
from cxcommit.io.dates import parse_dates
from cxcommit.model.derived import key
from cxcommit.model.survey import resolve_grouping
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings
from cxcommit.stats.adjust import adjust_p
from cxcommit.stats.difference import score_difference
from cxcommit.stats.families import STATEMENT, significant
from cxcommit.stats.trend import share_slope

TREND_COLUMNS = ["item", "label", "group", "wave", "n", "k", "p", "ci_low", "ci_high", "prev_wave", "change_prev",
                 "change_prev_low", "change_prev_high", "change_prev_p", "change_prev_method", "change_prev_p_holm",
                 "change_prev_significant", "change_first", "change_first_low", "change_first_high", "change_first_p",
                 "change_first_method", "change_first_p_holm", "change_first_significant", "slope", "slope_low",
                 "slope_high", "slope_per", "slope_method", "suppressed", "suppression"]
CHANGE_COLUMNS = ("change_prev", "change_prev_low", "change_prev_high", "change_prev_p", "change_first",
                  "change_first_low", "change_first_high", "change_first_p", "slope", "slope_low", "slope_high")


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

    A group that is missing or suppressed in a wave is compared with its last shown wave, named in
    ``prev_wave``, so units that appear or vanish between waves are handled and the reader knows
    which wave a change is from.

    Returns one row per item, group and wave (waves in time order) with ``n, k, p, ci_low, ci_high``
    and:

    - ``prev_wave``, ``change_prev``: the wave compared with and p minus p there, with its interval
      (``change_prev_low``, ``change_prev_high``) and p-value (``change_prev_p``): the
      Miettinen–Nurminen score test and interval, one method for both, or where people answered
      more than one wave the cluster-robust test and interval that pairs their answers
      (:mod:`cxcommit.analyses.panels`); ``change_prev_method`` names it;
      ``change_prev_p_holm``: Holm over the family of every change since a previous wave in this
      breakdown (every item, group and wave, whichever ``items`` are asked: a change is a
      statement); ``change_prev_significant``: that below 1 − confidence and the change at least
      ``settings.min_difference``;
    - ``change_first`` …: the same against the group's first shown wave (its own Holm family);
    - ``slope``, ``slope_low``, ``slope_high``: change per ``slope_per`` (``"year"`` where every wave
      label is a date or period such as 2026-Q1, so unevenly spaced waves count by their time;
      ``"wave"`` otherwise) of the least-squares line through the group's answers, with a
      heteroskedasticity-robust interval (:func:`cxcommit.stats.trend.share_slope`), or where people
      answered more than one wave one with people as clusters (:mod:`cxcommit.analyses.panels`),
      named in ``slope_method``; the same on each row of the group, null with one wave;
    - ``suppressed``, ``suppression``: as in :func:`cxcommit.analyses.rates.rates`.
    """
    whole = survey.derived.get(key("trends", by, settings), lambda: _trends(survey, by, settings))
    if items is None:
        return whole
    wanted = [survey.item(i).id for i in items]
    return items_asked(whole, wanted)


def wave_times(survey: Survey) -> tuple[np.ndarray, str]:
    """Each wave's place in time, in time order, and its unit: decimal years where every wave label
    reads as a date or period (2026-Q1, 2025-03, 2024), else 0, 1, 2, … per wave."""
    labels = list(survey.frame["wave"].cat.categories)
    stamps = parse_dates(pd.Series(labels, dtype=object))
    if len(labels) and stamps.notna().all() and stamps.is_unique:
        years = stamps.dt.year + (stamps.dt.day_of_year - 1) / 365.25
        return years.to_numpy(dtype=float), "year"
    return np.arange(len(labels), dtype=float), "wave"


def _trends(survey: Survey, by: str | None, settings: Settings) -> pd.DataFrame:
    rated = rates_table(survey, [by, "wave"] if by else ["wave"], settings=settings)
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
    columns.update({name: np.full(len(order), np.nan) for name in CHANGE_COLUMNS})
    prev_wave = np.full(len(order), None, dtype=object)
    methods = np.full((3, len(order)), None, dtype=object)  # of the changes since the previous and the first wave, the slope
    times, per = wave_times(survey)
    shown = np.flatnonzero(~read["suppressed"][order] & ~np.isnan(read["p"][order]))  # positions in the result
    if len(shown):
        rows = order[shown]  # the same rows of the rates table
        x = times[when[rows].astype(int)]
        changes = _changes(read["k"][rows], read["n"][rows], x, block[rows], settings)
        later, first = changes.pop("_later"), changes.pop("_first")
        prev_wave[shown] = np.where(later, np.roll(read["wave"][rows], 1), None)
        shown_rows = {"item": read["item"][rows], "group": groups_all[rows], "wave": read["wave"][rows],
                      "k": read["k"][rows], "n": read["n"][rows], "x": x}
        methods[:, shown] = paired_trend_changes(survey, by, settings, changes, shown_rows, later, first)
        for name, values in changes.items():
            columns[name][shown] = values
    columns["prev_wave"] = text(prev_wave)
    for name, values in zip(("change_prev_method", "change_first_method", "slope_method"), methods):
        columns[name] = text(values)
    for change in ("change_prev", "change_first"):
        columns[f"{change}_p_holm"] = adjust_p(columns[f"{change}_p"], STATEMENT)
        columns[f"{change}_significant"] = significant(columns[f"{change}_p_holm"], columns[change], settings)
    columns["slope_per"] = text(np.where(np.isnan(columns["slope"]), None, per))
    return pd.DataFrame({name: columns[name] for name in TREND_COLUMNS})


def _changes(k: np.ndarray, n: np.ndarray, x: np.ndarray, block: np.ndarray, settings: Settings) -> dict[str, np.ndarray]:
    """For shown rows in item, group, wave order: the change since the previous and the first shown
    wave of the same item and group (score test and interval), and the slope over time ``x``;
    ``_later`` marks the rows that have a previous wave, ``_first`` each row's first shown wave."""
    heads = run_starts(block)  # each item and group's first shown wave
    run = np.repeat(np.arange(len(heads)), np.diff(np.r_[heads, len(k)]))  # each row's item and group
    first = heads[run]
    later = np.arange(len(k)) != first
    prev_k, prev_n = (np.where(later, np.roll(values, 1), np.nan) for values in (k, n))
    since_prev = score_difference(k, n, prev_k, prev_n, settings.confidence)
    since_first = score_difference(k, n, np.where(later, k[first], np.nan), np.where(later, n[first], np.nan),
                                   settings.confidence)
    slope, low, high = share_slope(k, n, x, heads, settings.confidence)
    return {"change_prev": since_prev.diff, "change_prev_low": since_prev.low, "change_prev_high": since_prev.high,
            "change_prev_p": since_prev.p_value, "change_first": since_first.diff, "change_first_low": since_first.low,
            "change_first_high": since_first.high, "change_first_p": since_first.p_value,
            "slope": slope[run], "slope_low": low[run], "slope_high": high[run], "_later": later, "_first": first}

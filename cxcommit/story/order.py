"""The order a chapter's table is told in: the order its chart on the dashboard draws it, top first,
so the deck (whose native charts draw the table's rows in order) and the dashboard agree, and the
bar a title names first is the first bar.

- ``commitment``: groups by mean signs met, highest first; the groups merged when published
  ("Other units") after them, hidden groups last (:func:`cxcommit.charts.commitment_chart`).
- ``signs``: columns (groups) by their mean share over the items, highest first; hidden columns
  last (:func:`cxcommit.charts.heatmap.column_order` with ``sort="score"``, the dashboard's default).
- ``perception_gap``: items by the gap between executives and their staff, largest first
  (:func:`cxcommit.charts.gap_dumbbell`).
- ``gap_to_target``: items by points short of 100%, largest first (:func:`cxcommit.charts.gap_bars`).
- ``variation``: items by ω², largest first (:func:`cxcommit.charts.variation_chart`).
Other tables (waves, units of a scatter, findings) keep their order.
"""
from __future__ import annotations

import pandas as pd

from cxcommit.charts.heatmap import column_order

ROW_KEYS = {"commitment": "group", "signs": "item", "perception_gap": "label", "gap_to_target": "label",
            "variation": "item"}  # the column naming a chart's rows (a heatmap's columns are its groups)


def _by(table: pd.DataFrame, key: str, column: str, pooled=()) -> pd.DataFrame:
    """Rows grouped by ``key`` (a group or an item), the keys by their mean ``column`` over the shown
    rows, largest first; then the ``pooled`` keys, likewise; keys with no shown value last; rows within
    a key keep their order."""
    shown = table[~table["suppressed"].astype(bool)] if "suppressed" in table else table
    score = pd.to_numeric(shown[column], errors="coerce").groupby(shown[key], sort=False, observed=True).mean()
    keys = list(dict.fromkeys(table[key]))
    rank = {k: i for i, k in enumerate(sorted(keys, key=lambda k: (pd.isna(score.get(k)), k in pooled,
                                                                  -score.get(k, 0.0) if pd.notna(score.get(k)) else 0.0)))}
    return table.iloc[table[key].map(rank).argsort(kind="stable")].reset_index(drop=True)


def in_chart_order(kind: str, table: pd.DataFrame, pooled=()) -> pd.DataFrame:
    """``table`` (a chapter's, :data:`cxcommit.story.chapters.CHAPTERS`) in the order its chart draws
    it, first row on top (a copy; ``table`` is not changed); ``pooled``: the groups merged when
    published, which the commitment chart draws after the others.

    >>> table = pd.DataFrame({"group": ["A", "B", "C"], "mean_signs": [3.0, 5.0, None],
    ...                       "suppressed": [False, False, True]})
    >>> in_chart_order("commitment", table)["group"].tolist()
    ['B', 'A', 'C']
    """
    if table is None or table.empty:
        return table
    if kind == "commitment":
        return _by(table, ROW_KEYS[kind], "mean_signs", tuple(pooled))
    if kind == "signs":
        rank = {group: i for i, group in enumerate(column_order(table, "score"))}
        return table.iloc[table["group"].map(rank).argsort(kind="stable")].reset_index(drop=True)
    if kind in ("perception_gap", "gap_to_target"):
        return _by(table, ROW_KEYS[kind], "gap")
    if kind == "variation" and "omega_sq" in table:
        return table.sort_values("omega_sq", ascending=False, kind="stable").reset_index(drop=True)
    return table

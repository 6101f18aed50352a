"""Commitment gaps: leaders' self-assessment vs staff's view, distance to a target, distance to the best unit."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.analyses.groups import ALL_GROUP, sorted_codes
from cxcommit.analyses.rates import rates, rates_table
from cxcommit.analyses.tables import arrays, nullable, text
from cxcommit.errors import NotApplicable
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.model.derived import key
from cxcommit.model.survey import resolve_grouping
from cxcommit.model.survey import Survey
from cxcommit.privacy.suppression import blank_suppressed, suppression_reason
from cxcommit.settings import Settings
from cxcommit.stats.intervals import newcombe_interval
from cxcommit.stats.significance import two_proportion_p


def perception_gap(survey: Survey, by: str | None = "business_unit", *, items: list[str] | None = None,
                   leaders: str = "executive", staff: str = "employee", settings: Settings = Settings()) -> pd.DataFrame:
    """Leaders' share minus staff's share of the same item in the same group.

    Built on the group × role rates, so both sides obey the minimum group size. Swapping ``leaders`` and ``staff`` reverses every gap and interval.

    Returns one row per item and group: ``item, label, group, n_leaders, p_leaders, n_staff,
    p_staff, gap, ci_low, ci_high`` (Newcombe hybrid score interval), ``p_value`` (two-proportion
    z-test or Fisher's exact test), ``suppressed`` (either side suppressed: no numbers) and
    ``suppression`` (``"small"`` where either side has too few answers or nobody).
    """
    return survey.derived.get(key("perception_gap", by, None if items is None else tuple(items), leaders, staff, settings),
                              lambda: _perception_gap(survey, by, items, leaders, staff, settings))


def _perception_gap(survey: Survey, by: str | None, items: list[str] | None, leaders: str, staff: str,
                    settings: Settings) -> pd.DataFrame:
    items = list(items) if items is not None else [i for i in SIGN_IDS if i in survey.item_ids] or list(survey.item_ids)
    if "role" not in survey.frame:
        raise NotApplicable("The perception gap compares roles, but this survey has no role grouping.",
                           hint="Map the column that says whether a respondent is an executive, manager or employee "
                                "to the attribute 'role'.")
    keys, sides = _role_sides(survey, by, items, leaders, staff, settings)
    return _gap_table(keys, sides["leaders"], sides["staff"], settings.confidence)


def _role_sides(survey: Survey, by: str | None, items: list[str], leaders: str, staff: str,
                settings: Settings) -> tuple[list[tuple], dict[str, dict[str, np.ndarray]]]:
    """The (item, label, group) keys either side has, sorted, and each side's ``n``, ``k``, ``p``
    and ``hidden`` (suppressed or nobody) per key, from the group × role rates."""
    table = rates_table(survey, [by, "role"] if by else ["role"], items=items, settings=settings)
    by_name = resolve_grouping(survey, by) if by else None
    read = arrays(table, "item", "label", "role", "n", "k", "p", "suppressed", *([by_name] if by else []))
    item, label, hidden_side = read["item"], read["label"], read["suppressed"]
    group = read[by_name] if by else np.full(len(table), ALL_GROUP, object)
    numbers = {name: read[name] for name in ("n", "k", "p")}
    role = np.array([str(r).casefold() for r in read["role"]], dtype=object)  # "executive" names the role Executive
    rows = {side: {key: i for i, key in enumerate(zip(item, label, group)) if role[i] == wanted.casefold()}
            for side, wanted in (("leaders", leaders), ("staff", staff))}
    keys = sorted(rows["leaders"].keys() | rows["staff"].keys())  # (item, label, group), as an outer join sorts
    sides = {}
    for side, found in rows.items():
        at = np.array([found.get(key, -1) for key in keys], dtype=np.int64)
        absent = at < 0
        sides[side] = {name: np.where(absent, np.nan, values[at]) for name, values in numbers.items()}
        sides[side]["hidden"] = absent | hidden_side[at]
    return keys, sides


def _gap_table(keys: list[tuple], leaders_side: dict, staff_side: dict, confidence: float) -> pd.DataFrame:
    """The perception gap's rows: the gap, its interval and p-value per key; item, then largest gap first."""
    hidden = leaders_side["hidden"] | staff_side["hidden"]
    k1, n1, k2, n2 = leaders_side["k"], leaders_side["n"], staff_side["k"], staff_side["n"]
    low, high = newcombe_interval(k1, n1, k2, n2, confidence)
    gap = leaders_side["p"] - staff_side["p"]
    values = {"n_leaders": n1, "p_leaders": leaders_side["p"], "n_staff": n2, "p_staff": staff_side["p"], "gap": gap,
              "ci_low": low, "ci_high": high, "p_value": two_proportion_p(k1, n1, k2, n2)}
    item_codes = sorted_codes(np.array([key[0] for key in keys], dtype=object))
    order = np.lexsort((np.where(np.isnan(gap) | hidden, np.inf, -gap), item_codes))  # item, then largest gap first
    columns = {name: text([keys[i][position] for i in order]) for position, name in enumerate(("item", "label", "group"))}
    for name, numbers_of in values.items():
        shown = np.where(hidden, np.nan, numbers_of)[order]
        columns[name] = nullable(shown, integer=name in ("n_leaders", "n_staff"))
    columns["suppressed"] = hidden[order]
    columns["suppression"] = suppression_reason(hidden)[order]
    return pd.DataFrame(columns)


def gap_to_target(survey: Survey, by: str | None = "business_unit", *, items: list[str] | None = None,
                  target: float = 1.0, settings: Settings = Settings()) -> pd.DataFrame:
    """How far each group's share is below ``target`` (default 1.0: everyone says yes).

    Columns: the rates columns ``item, label, group, n, p`` plus ``target``, ``gap`` (target − p)
    and its interval ``ci_low``, ``ci_high`` (target minus the share's interval), ``suppressed``, ``suppression``.
    """
    table = rates(survey, by, items=items, settings=settings)
    return table.assign(target=target, gap=target - table["p"], gap_ci_low=target - table["ci_high"],
                        gap_ci_high=target - table["ci_low"])[
        ["item", "label", "group", "n", "p", "target", "gap", "gap_ci_low", "gap_ci_high", "suppressed",
         "suppression"]].rename(
        columns={"gap_ci_low": "ci_low", "gap_ci_high": "ci_high"})


def gap_to_best(survey: Survey, by: str = "business_unit", *, items: list[str] | None = None,
                settings: Settings = Settings()) -> pd.DataFrame:
    """Each group's distance to the best shown group of the same item.

    Columns: ``item, label, group, n, p, best_group, best_p, gap`` (best − p, ≥ 0),
    ``ci_low, ci_high`` (Newcombe interval of the difference; null for the best group itself),
    ``suppressed``, ``suppression``.
    """
    table = rates(survey, by, items=items, settings=settings)
    parts = []
    for _, part in table.groupby("item", sort=False):
        shown = part[~part["suppressed"]]
        part = part.copy()
        if shown.empty:
            part = part.assign(best_group=None, best_p=np.nan, gap=np.nan, ci_low=np.nan, ci_high=np.nan)
        else:
            best = shown.loc[shown["p"].astype(float).idxmax()]
            low, high = newcombe_interval(best["k"], best["n"], part["k"].to_numpy(dtype=float),
                                          part["n"].to_numpy(dtype=float), settings.confidence)
            itself = (part["group"] == best["group"]).to_numpy()  # the best group against itself: no interval
            part = part.assign(best_group=best["group"], best_p=best["p"], gap=best["p"] - part["p"],
                               ci_low=np.where(itself, np.nan, low), ci_high=np.where(itself, np.nan, high))
        parts.append(part)
    result = pd.concat(parts, ignore_index=True)
    result = blank_suppressed(result, result["suppressed"].to_numpy(), columns=("gap", "ci_low", "ci_high"))
    return result[["item", "label", "group", "n", "p", "best_group", "best_p", "gap", "ci_low", "ci_high",
                   "suppressed", "suppression"]]


def groups_by_largest_gap(perception_gap_table: pd.DataFrame) -> list[str]:
    """The groups of a :func:`perception_gap` table shown (not suppressed), the one whose largest
    gap on any item is widest first: the order to talk about them in.

    >>> from cxcommit.demo import load_demo
    >>> groups_by_largest_gap(perception_gap(load_demo(), "division"))[:2]
    ['Retail Banking', 'Digital']
    """
    shown = perception_gap_table[~perception_gap_table["suppressed"]]
    widest = shown.assign(_gap=shown["gap"].astype(float)).groupby("group", sort=False)["_gap"].max()
    return [str(group) for group in widest.sort_values(ascending=False, kind="stable").index]

"""Commitment gaps: leaders' self-assessment vs staff's view, distance to a target, distance to the best unit."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from cxcommit.analyses.extremes import extreme, shrunken_shares
from cxcommit.analyses.groups import ALL_GROUP, NO_ANSWER, sorted_codes
from cxcommit.analyses.rates import rated_items, rates, rates_table
from cxcommit.analyses.tables import arrays, items_asked, nullable, text
from cxcommit.errors import NotApplicable
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.model.derived import key
from cxcommit.model.survey import resolve_grouping
from cxcommit.model.survey import Survey
from cxcommit.privacy.suppression import blank_suppressed, suppression_reason
from cxcommit.settings import Settings
from cxcommit.privacy.publish import generalised_values, is_own
from cxcommit.stats.adjust import adjust_p
from cxcommit.stats.difference import score_difference
from cxcommit.stats.families import STATEMENT, significant
from cxcommit.stats.shrinkage import difference_sd


def perception_gap(survey: Survey, by: str | None = "business_unit", *, items: list[str] | None = None,
                   leaders: str = "executive", staff: str | None = None, settings: Settings = Settings()) -> pd.DataFrame:
    """Leaders' share minus staff's share of the same item in the same group.

    ``staff`` names one role (e.g. ``"employee"``); by default (None) it is everyone else who named
    a role: managers and employees alike (the roles pooled when published, "Other roles", are left
    out: they may hold leaders). Built on the group × role rates, so both sides obey the minimum
    group size. Swapping ``leaders`` and ``staff`` reverses every gap and interval.

    Returns one row per item and group: ``item, label, group, n_leaders, p_leaders, n_staff,
    p_staff, gap, ci_low, ci_high, p_value`` (the Miettinen–Nurminen score test and interval, one
    method for both), ``p_holm`` (Holm over the family: every item × group of this breakdown,
    whichever ``items`` are asked), ``significant`` (``p_holm`` below 1 − confidence and the gap at
    least ``settings.min_difference``), ``suppressed`` (either side suppressed: no numbers) and
    ``suppression`` (``"small"`` where either side has too few answers or nobody).
    """
    whole = survey.derived.get(key("perception_gap", by, leaders, staff, settings),
                               lambda: _perception_gap(survey, by, leaders, staff, settings))
    if items is None:
        return whole
    wanted = [survey.item(i).id for i in items]
    return items_asked(whole, wanted)


def _perception_gap(survey: Survey, by: str | None, leaders: str, staff: str | None,
                    settings: Settings) -> pd.DataFrame:
    items = [i for i in SIGN_IDS if i in survey.item_ids] or rated_items(survey)
    if "role" not in survey.frame:
        raise NotApplicable("The perception gap compares roles, but this survey has no role grouping.",
                           hint="Map the column that says whether a respondent is an executive, manager or employee "
                                "to the attribute 'role'.")
    keys, sides = _role_sides(survey, by, items, leaders, staff, settings)
    return _gap_table(keys, sides["leaders"], sides["staff"], settings)


def _is_staff(role: np.ndarray, leaders: str, staff: str | None, pooled: set[str]) -> np.ndarray:
    """Which rows' roles are on the staff side: the role named, or every named role but the
    leaders' and those pooled when published."""
    if staff is not None:
        return role == staff.casefold()
    return (role != leaders.casefold()) & (role != NO_ANSWER.casefold()) & ~np.isin(role, list(pooled))


def _role_sides(survey: Survey, by: str | None, items: list[str], leaders: str, staff: str | None,
                settings: Settings) -> tuple[list[tuple], dict[str, dict[str, np.ndarray]]]:
    """The (item, label, group) keys either side has, sorted, and each side's ``n``, ``k``, ``p``
    and ``hidden`` (suppressed or nobody) per key, from the group × role rates (the staff side
    summed over its roles: a suppressed row holds no answers in published data, so the sums miss
    nobody)."""
    table = rates_table(survey, [by, "role"] if by else ["role"], items=items, settings=settings)
    by_name = resolve_grouping(survey, by) if by else None
    read = arrays(table, "item", "label", "role", "n", "k", *([by_name] if by else []))
    group = read[by_name] if by else np.full(len(table), ALL_GROUP, object)
    role = np.array([str(r).casefold() for r in read["role"]], dtype=object)  # "executive" names the role Executive
    pooled = {value.casefold() for value in generalised_values(survey, "role")}
    chosen = {"leaders": role == leaders.casefold(), "staff": _is_staff(role, leaders, staff, pooled)}
    row_keys = list(zip(read["item"], read["label"], group))
    keys = sorted({row_keys[i] for side in chosen.values() for i in np.flatnonzero(side)})
    place = {row_key: i for i, row_key in enumerate(keys)}
    sides = {}
    for side, rows in chosen.items():
        rows = np.flatnonzero(rows)
        at = np.array([place[row_keys[i]] for i in rows], dtype=np.int64)
        n, k = (np.bincount(at, weights=np.nan_to_num(read[name][rows]), minlength=len(keys)) for name in ("n", "k"))
        hidden = n < settings.min_group_size
        with np.errstate(invalid="ignore", divide="ignore"):
            sides[side] = {"n": np.where(hidden, np.nan, n), "k": np.where(hidden, np.nan, k),
                           "p": np.where(hidden, np.nan, k / n), "hidden": hidden}
    return keys, sides


def _gap_table(keys: list[tuple], leaders_side: dict, staff_side: dict, settings: Settings) -> pd.DataFrame:
    """The perception gap's rows: the gap, its interval and p-values per key; item, then largest gap first."""
    hidden = leaders_side["hidden"] | staff_side["hidden"]
    k1, n1, k2, n2 = leaders_side["k"], leaders_side["n"], staff_side["k"], staff_side["n"]
    compared = score_difference(k1, n1, k2, n2, settings.confidence)
    gap = leaders_side["p"] - staff_side["p"]
    p_holm = adjust_p(np.where(hidden, np.nan, compared.p_value), STATEMENT)
    values = {"n_leaders": n1, "p_leaders": leaders_side["p"], "n_staff": n2, "p_staff": staff_side["p"], "gap": gap,
              "ci_low": compared.low, "ci_high": compared.high, "p_value": compared.p_value, "p_holm": p_holm}
    item_codes = sorted_codes(np.array([key[0] for key in keys], dtype=object))
    order = np.lexsort((np.where(np.isnan(gap) | hidden, np.inf, -gap), item_codes))  # item, then largest gap first
    columns = {name: text([keys[i][position] for i in order]) for position, name in enumerate(("item", "label", "group"))}
    for name, numbers_of in values.items():
        shown = np.where(hidden, np.nan, numbers_of)[order]
        columns[name] = nullable(shown, integer=name in ("n_leaders", "n_staff"))
    columns["significant"] = significant(np.where(hidden, np.nan, p_holm), gap, settings)[order]
    columns["suppressed"] = hidden[order]
    columns["suppression"] = suppression_reason(hidden)[order]
    return pd.DataFrame(columns)


def gap_to_target(survey: Survey, by: str | None = "business_unit", *, items: list[str] | None = None,
                  target: float = 1.0, settings: Settings = Settings()) -> pd.DataFrame:
    """How far each group's share is below ``target`` (default 1.0: everyone says yes).

    Columns: the rates columns ``item, label, scale, group, n, p`` plus ``target``, ``gap`` (target − p)
    and its interval ``ci_low``, ``ci_high`` (target minus the share's interval), ``suppressed``, ``suppression``.
    Items without a favourable answer (numeric, or factual questions) have no gap: no rows.
    """
    table = rates(survey, by, items=rated_items(survey, items), settings=settings)
    return table.assign(target=target, gap=target - table["p"], gap_ci_low=target - table["ci_high"],
                        gap_ci_high=target - table["ci_low"])[
        ["item", "label", "scale", "group", "n", "p", "target", "gap", "gap_ci_low", "gap_ci_high", "suppressed",
         "suppression"]].rename(
        columns={"gap_ci_low": "ci_low", "gap_ci_high": "ci_high"})


def gap_to_best(survey: Survey, by: str = "business_unit", *, items: list[str] | None = None,
                settings: Settings = Settings()) -> pd.DataFrame:
    """Each group's distance to the best group of the same item, judged on empirical-Bayes estimates.

    The group with the highest observed share is often a small group that was lucky (the winner's
    curse), and every gap to it too large. So each group's true share is estimated by shrinking its
    share toward the item's mean (:func:`cxcommit.analyses.extremes.shrunken_shares`: normal–normal
    model, DerSimonian–Laird τ², Morris 1983 intervals), the best group is the one with the highest
    estimate, and each gap is the difference of the two estimates with its posterior interval
    (:func:`cxcommit.stats.shrinkage.difference_sd`). Groups shown (not suppressed) take part;
    respondents who left the grouping blank do not (their row has no estimate or gap). A group
    publishing merged from small ones ("Other regions") has its estimate and gap but is never the
    best nor counted tied with it: a remainder is not a group a leader can act on.

    Columns: ``item, label, group, n, p`` (observed share), ``p_shrunk`` (estimated true share),
    ``best_group`` (highest estimate), ``best_tied`` (the groups tied with it — whose estimate lies
    in its interval — named as in ``"A, B and 3 others"``, the best first) and ``n_best_tied`` (how
    many), ``best_p`` (the best group's observed share), ``best_shrunk`` (its estimate), ``gap``
    (best_shrunk − p_shrunk, ≥ 0 but for a merged remainder, which may lie above the best), ``ci_low,
    ci_high`` (the gap's interval; null for the best group itself), ``suppressed``, ``suppression``.
    Items without a favourable answer (numeric, or factual questions) have no best group: no rows.
    """
    table = rates(survey, by, items=rated_items(survey, items), settings=settings)
    read = arrays(table, "item", "group", "k", "n", "suppressed")
    family = sorted_codes(read["item"])
    taking_part = ~read["suppressed"] & (read["group"] != NO_ANSWER) & (read["n"] > 0)
    fit = shrunken_shares(np.where(taking_part, read["k"], np.nan), read["n"], family, settings.confidence)
    best_of, named, n_tied = _best_per_item(fit, read["group"], family, taking_part & is_own(survey, by, read["group"]))
    has, rows = best_of >= 0, np.arange(len(table))
    at = np.where(has, best_of, 0)
    z = special.ndtri(1 - (1 - settings.confidence) / 2)
    with np.errstate(invalid="ignore"):
        gap, half = fit.estimate[at] - fit.estimate, z * difference_sd(fit, at, rows)
    interval = has & (at != rows)  # the best group against itself: no interval
    result = table.assign(p_shrunk=fit.estimate, best_group=text(named["best_group"]), best_tied=text(named["best_tied"]),
                          n_best_tied=nullable(np.where(has, n_tied, np.nan), integer=True),
                          best_p=np.where(has, table["p"].to_numpy(dtype=float, na_value=np.nan)[at], np.nan),
                          best_shrunk=np.where(has, fit.estimate[at], np.nan), gap=np.where(has, gap, np.nan),
                          ci_low=np.where(interval, gap - half, np.nan), ci_high=np.where(interval, gap + half, np.nan))
    result = blank_suppressed(result, result["suppressed"].to_numpy(), columns=("p_shrunk", "gap", "ci_low", "ci_high"))
    return result[["item", "label", "group", "n", "p", "p_shrunk", "best_group", "best_tied", "n_best_tied", "best_p",
                   "best_shrunk", "gap", "ci_low", "ci_high", "suppressed", "suppression"]]


def _best_per_item(fit, groups: np.ndarray, family: np.ndarray, taking_part: np.ndarray):
    """Per row, its item's best row (-1 where none), the best group's name and the groups tied with
    it (:func:`cxcommit.analyses.extremes.extreme`), and how many are tied."""
    best_of, n_tied = np.full(len(groups), -1), np.zeros(len(groups), dtype=np.int64)
    named = {name: np.full(len(groups), None, dtype=object) for name in ("best_group", "best_tied")}
    for code in np.unique(family):
        rows = family == code
        best = extreme(fit, groups, taking_part & rows, pick="highest")
        if best is not None:
            best_of[rows], n_tied[rows] = best.at, len(best.tied)
            named["best_group"][rows], named["best_tied"][rows] = groups[best.at], best.names
    return best_of, named, n_tied


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

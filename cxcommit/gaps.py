"""Commitment gaps: leaders' self-assessment vs staff's view, distance to a target, distance to the best unit."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.errors import MappingError
from cxcommit.instrument import SIGN_IDS
from cxcommit.groups import ALL_GROUP
from cxcommit.privacy import blank_suppressed, suppression_reason
from cxcommit.rates import rates, two_proportion_p
from cxcommit.summary import resolve_grouping
from cxcommit.settings import Settings
from cxcommit.survey import Survey


def newcombe_interval(k1, n1, k2, n2, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval for p1 − p2 (Newcombe 1998, method 10), from Wilson limits."""
    from cxcommit.intervals import wilson

    k1, n1, k2, n2 = (np.asarray(x, dtype=float) for x in (k1, n1, k2, n2))
    l1, u1 = wilson(k1, n1, confidence)
    l2, u2 = wilson(k2, n2, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = k1 / n1, k2 / n2
        low = p1 - p2 - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        high = p1 - p2 + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return low, high


def perception_gap(survey: Survey, by: str | None = "business_unit", *, items: list[str] | None = None,
                   leaders: str = "executive", staff: str = "employee", settings: Settings = Settings()) -> pd.DataFrame:
    """Leaders' share minus staff's share of the same item in the same group.

    Built on the group × role rates, so both sides obey the minimum group size and
    complementary suppression. Swapping ``leaders`` and ``staff`` reverses every gap and interval.

    Returns one row per item and group: ``item, label, group, n_leaders, p_leaders, n_staff,
    p_staff, gap, ci_low, ci_high`` (Newcombe hybrid score interval), ``p_value`` (two-proportion
    z-test or Fisher's exact test), ``suppressed`` (either side suppressed: no numbers) and
    ``suppression`` (``"small"`` where either side is small or has nobody, else ``"complementary"``).
    """
    items = list(items) if items is not None else [i for i in SIGN_IDS if i in survey.item_ids] or list(survey.item_ids)
    if "role" not in survey.frame:
        raise MappingError("The perception gap compares roles, but this survey has no role grouping.",
                           hint="Map the column that says whether a respondent is an executive, manager or employee "
                                "to the attribute 'role'.")
    by_list = [by, "role"] if by else ["role"]
    table = rates(survey, by_list, items=items, settings=settings)
    by_name = resolve_grouping(survey, by) if by else None
    key = ["item", "label"] + ([by_name] if by else [])
    sides = {}
    for name, role in (("leaders", leaders), ("staff", staff)):
        side = table[table["role"] == role].set_index(key)[["n", "k", "p", "suppressed", "suppression"]]
        sides[name] = side.add_suffix(f"_{name}")
    joined = sides["leaders"].join(sides["staff"], how="outer").reset_index()
    hidden = joined["suppressed_leaders"].fillna(True).astype(bool) | joined["suppressed_staff"].fillna(True).astype(bool)
    k1, n1 = joined["k_leaders"].to_numpy(dtype=float), joined["n_leaders"].to_numpy(dtype=float)
    k2, n2 = joined["k_staff"].to_numpy(dtype=float), joined["n_staff"].to_numpy(dtype=float)
    low, high = newcombe_interval(k1, n1, k2, n2, settings.confidence)
    result = pd.DataFrame({
        "item": joined["item"], "label": joined["label"],
        "group": joined[by_name] if by else ALL_GROUP,
        "n_leaders": joined["n_leaders"], "p_leaders": joined["p_leaders"],
        "n_staff": joined["n_staff"], "p_staff": joined["p_staff"],
        "gap": joined["p_leaders"] - joined["p_staff"], "ci_low": low, "ci_high": high,
        "p_value": two_proportion_p(k1, n1, k2, n2), "suppressed": hidden.to_numpy(),
        "suppression": _reason(joined, hidden.to_numpy()),
    })
    result = blank_suppressed(result, hidden.to_numpy())
    numbers = ["n_leaders", "p_leaders", "n_staff", "p_staff", "gap", "ci_low", "ci_high", "p_value"]
    result[numbers] = result[numbers].astype("Float64")
    result[["n_leaders", "n_staff"]] = result[["n_leaders", "n_staff"]].round().astype("Int64")
    return result.sort_values(["item", "gap"], ascending=[True, False], na_position="last").reset_index(drop=True)


def _reason(joined: pd.DataFrame, hidden: np.ndarray) -> np.ndarray:
    """Why a gap is hidden: "small" where either side is small or absent, else "complementary"."""
    small = np.zeros(len(joined), dtype=bool)
    for side in ("leaders", "staff"):
        reason = joined[f"suppression_{side}"]
        small |= (reason.eq("small") | joined[f"n_{side}"].isna() & reason.isna()).to_numpy(dtype=bool)
    return suppression_reason(small & hidden, hidden)


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

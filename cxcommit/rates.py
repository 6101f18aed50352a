"""Rates per item and group, compared with the rest of the organisation."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from cxcommit.adjust import adjust_p
from cxcommit.errors import MappingError
from cxcommit.groups import Groups, count_item, make_groups
from cxcommit.intervals import proportion_interval
from cxcommit.privacy import blank_suppressed, complementary_suppression
from cxcommit.settings import Settings
from cxcommit.survey import Survey

RATE_COLUMNS = ["item", "label", "scale", "group", "n", "k", "p", "ci_low", "ci_high", "mean", "n_dont_know",
                "diff", "p_value", "p_adj", "significant", "suppressed"]


def sibling_sets(groups: Groups, frame: pd.DataFrame) -> list[list[str]]:
    """Which cells of a breakdown share a published total (see :mod:`cxcommit.privacy`)."""
    sets = [["item"]]
    names = list(groups.names)
    if len(names) >= 2:
        sets += [["item", name] for name in names]
    if "division" in frame and "division" not in names:
        sets.append(["item", "division"])
    return sets


def _parent_divisions(survey: Survey, groups: Groups) -> pd.Series | None:
    """For a breakdown by business unit alone: each unit's division (its most common one)."""
    if groups.names != ("business_unit",) or "division" not in survey.responses:
        return None
    pairs = survey.responses[["business_unit", "division"]].dropna().astype(str)
    modal = pairs.groupby("business_unit")["division"].agg(lambda s: s.mode().iat[0])
    return groups.frame["business_unit"].map(modal)


def compare_to_rest(k: np.ndarray, n: np.ndarray, min_rest: int) -> tuple[np.ndarray, np.ndarray]:
    """Difference of each group's share to the share of everyone else, and its two-sided p-value.

    Pooled two-proportion z-test; Fisher's exact test where an expected count is below 5. Null
    where the rest has fewer than ``min_rest`` answers (it would reveal a small group) or there
    is only one group.
    """
    k_rest, n_rest = k.sum() - k, n.sum() - n
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = k / n - k_rest / n_rest
        pooled = (k + k_rest) / (n + n_rest)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n + 1 / n_rest))
        z = np.where(se > 0, diff / se, 0.0)
    p_value = 2 * stats.norm.sf(np.abs(z))
    expected = np.minimum.reduce([n * pooled, n * (1 - pooled), n_rest * pooled, n_rest * (1 - pooled)])
    for i in np.flatnonzero((expected < 5) & (n > 0) & (n_rest > 0)):
        table = [[k[i], n[i] - k[i]], [k_rest[i], n_rest[i] - k_rest[i]]]
        p_value[i] = stats.fisher_exact(np.asarray(table, dtype=np.int64)).pvalue
    hidden = (n_rest < min_rest) | (n <= 0)
    return np.where(hidden, np.nan, diff), np.where(hidden, np.nan, p_value)


def rates(survey: Survey, by: str | list[str] | None = None, *, items: list[str] | None = None,
          settings: Settings = Settings(), p_adjust: str = "holm") -> pd.DataFrame:
    """n, favourable share with interval, mean, and the difference to the rest of the organisation.

    Parameters
    ----------
    survey : the imported survey (filter it first with :meth:`Survey.subset`).
    by : none, one or two groupings, e.g. ``"division"`` or ``["division", "role"]``.
    items : item ids (default: all mapped items).
    settings : minimum group size, interval method and level, "don't know" rule.
    p_adjust : ``holm`` (default), ``bh`` (Benjamini–Hochberg), ``bonferroni`` or ``none``;
        the family is every test in the returned table.

    Returns
    -------
    One row per item and group, with the columns of :func:`cxcommit.summary.item_summary`
    (``item, label, scale, group, n, k, p, ci_low, ci_high, mean, n_dont_know``), one column per
    grouping (and ``division`` for a breakdown by business unit), and:

    - ``diff``: p minus the share of everyone else in the table (the group itself excluded);
    - ``p_value``: two-sided pooled two-proportion z-test of that difference, Fisher's exact test
      where an expected count is below 5; ``p_adj``: adjusted for multiple comparisons;
    - ``significant``: ``p_adj`` below 1 − confidence;
    - ``suppressed``: fewer answers than the minimum group size, or suppressed so that a small
      group cannot be worked out by subtraction (see :mod:`cxcommit.privacy`). Every number of a
      suppressed row is null. ``diff`` is also null where everyone else together is fewer than
      the minimum.

    References: Wilson (1927); Fisher's exact test; Holm (1979); Benjamini & Hochberg (1995).

    >>> from cxcommit.demo import load_demo
    >>> table = rates(load_demo(), by="division", items=["sign_7"])
    >>> table.loc[table["diff"] > 0.1, "group"].tolist()
    ['Digital', 'Retail Banking']
    """
    groups = make_groups(survey, by)
    wanted = survey.items if items is None else [survey.item(i) for i in items]
    if not wanted:
        raise MappingError("No question of this survey is mapped to an item, so there is nothing to count.",
                           hint="Map at least one rated question (yes/no, Likert, 0–10) to an item in the mapping; "
                                "`check` lists the columns and why they were not used.")
    parents = _parent_divisions(survey, groups)
    parts = []
    for item in wanted:
        counts = count_item(survey.responses[item.id].to_numpy(dtype=np.float64), item, groups, settings)
        n, k = counts.n, counts.k
        favourable = item.scale.favourable_from is not None
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(n > 0, k / n, np.nan) if favourable else np.full(len(n), np.nan)
            mean = np.where(counts.n_valid > 0, counts.total / counts.n_valid, np.nan)
        low, high = proportion_interval(k, n, method=settings.ci_method, confidence=settings.confidence)
        diff, p_value = compare_to_rest(k, n, settings.min_group_size) if favourable and groups.names else (
            np.full(len(n), np.nan), np.full(len(n), np.nan))
        part = groups.frame.copy()
        if parents is not None:
            part["division"] = parents.to_numpy()
        part = part.assign(item=item.id, label=item.label, scale=item.scale.kind, n=n, k=k if favourable else np.nan,
                           p=p, ci_low=np.where(favourable, low, np.nan), ci_high=np.where(favourable, high, np.nan),
                           mean=np.nan if item.scale.kind == "yes_no" else mean, n_dont_know=counts.n_dont_know,
                           diff=diff, p_value=p_value)
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    primary = (table["n"] < settings.min_group_size).to_numpy()
    flags = complementary_suppression(table, primary, sibling_sets(groups, table))
    table = blank_suppressed(table, flags)
    table["p_adj"] = adjust_p(table["p_value"].to_numpy(dtype=float), p_adjust)
    table["significant"] = (table["p_adj"] < 1 - settings.confidence).fillna(False).astype(bool)
    extra = [c for c in table.columns if c not in RATE_COLUMNS]
    return _typed(table[RATE_COLUMNS[:4] + extra + RATE_COLUMNS[4:]])


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    for column in ("n", "k", "n_dont_know"):
        table[column] = table[column].round().astype("Int64")
    for column in ("p", "ci_low", "ci_high", "mean", "diff", "p_value", "p_adj"):
        table[column] = table[column].astype("Float64")
    return table

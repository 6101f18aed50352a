"""How far business units (or any groups) disagree on each item."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

from cxcommit.adjust import adjust_p
from cxcommit.groups import NO_ANSWER
from cxcommit.rates import rates
from cxcommit.settings import Settings
from cxcommit.survey import Survey

VARIATION_COLUMNS = ["item", "label", "n_groups", "n", "p", "min_p", "max_p", "range", "sd", "between_share",
                     "lowest", "highest", "statistic", "dof", "p_value", "method", "p_adj", "significant", "rank"]
MONTE_CARLO_TABLES = 9999


def homogeneity_test(k: np.ndarray, n: np.ndarray, seed: int = 0) -> tuple[float, int, float, str]:
    """Chi-square test that all groups share one favourable rate: (statistic, dof, p, method).

    The Pearson statistic of the groups x (favourable, not) table, Σ (k − n p̂)² / (n p̂ (1 − p̂)),
    with groups − 1 degrees of freedom (the same as scipy.stats.chi2_contingency without
    correction; written out because scipy's per-table overhead is most of a dashboard redraw).
    Where more than a fifth of the expected counts are below 5, the p-value comes from 9,999
    Monte Carlo tables with the same margins (scipy.stats.chi2_contingency with MonteCarloMethod)
    instead of the chi-square distribution.
    """
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    k, n = k[n > 0], n[n > 0]
    pooled = k.sum() / n.sum() if len(n) else 0.0
    if len(n) < 2 or not 0 < pooled < 1:
        return 0.0, max(len(n) - 1, 0), 1.0, "chi-square"
    statistic, dof = float(np.sum((k - n * pooled) ** 2 / (n * pooled * (1 - pooled)))), len(n) - 1
    expected = np.concatenate([n * pooled, n * (1 - pooled)])
    if (expected < 5).mean() > 0.2:
        method = stats.MonteCarloMethod(n_resamples=MONTE_CARLO_TABLES, rng=np.random.default_rng(seed))
        exact = stats.chi2_contingency(np.column_stack([k, n - k]), correction=False, method=method)
        return statistic, dof, float(exact.pvalue), "Monte Carlo exact"
    return statistic, dof, float(special.chdtrc(dof, statistic)), "chi-square"


def variation(survey: Survey, by: str = "business_unit", *, items: list[str] | None = None,
              settings: Settings = Settings(), p_adjust: str = "holm") -> pd.DataFrame:
    """Per item, how much the groups' favourable shares differ, ranked "where units disagree most".

    Only groups shown (not suppressed) take part; respondents who left the grouping blank do not.

    Returns one row per item with a favourable share and at least two groups shown:

    - ``n_groups``, ``n``, ``p``: groups taking part, their answers, and the pooled share;
    - ``min_p``, ``max_p``, ``range``, ``sd``: spread of the group shares (``sd`` unweighted, ddof 1);
    - ``between_share``: share of the answers' variance that lies between groups
      (η² = Σ n_g (p_g − p)² / (N p (1 − p)), the R² of the answer on group dummies);
    - ``lowest``, ``highest``: the groups at either end;
    - ``statistic``, ``dof``, ``p_value``, ``method``: chi-square test of homogeneity
      (Monte Carlo exact p where expected counts are small), ``p_adj`` over all items
      (Holm by default), ``significant``;
    - ``rank``: 1 for the item with the largest between-group share.
    """
    table = rates(survey, by, items=items, settings=settings)
    shown = (~table["suppressed"] & table["p"].notna() & (table["group"] != NO_ANSWER)).to_numpy()
    items_column = table["item"].to_numpy(dtype=object)[shown]
    n_all, k_all = (table[name].to_numpy(dtype=float, na_value=np.nan)[shown] for name in ("n", "k"))
    groups_column = table["group"].to_numpy(dtype=object)[shown]
    labels = dict(zip(table["item"], table["label"]))
    rows = []
    for item in dict.fromkeys(items_column):  # items in table order, each a block of rows
        part = items_column == item
        n, k, names = n_all[part], k_all[part], groups_column[part]
        if len(n) < 2:  # one group shown: no spread to speak of
            continue
        shares = k / n
        statistic, dof, p_value, method = homogeneity_test(k, n)
        rows.append({
            "item": item, "label": labels[item], "n_groups": len(n), "n": int(n.sum()), "p": k.sum() / n.sum(),
            "min_p": shares.min(), "max_p": shares.max(), "range": shares.max() - shares.min(),
            "sd": float(np.std(shares, ddof=1)) if len(shares) > 1 else np.nan,
            "between_share": statistic / n.sum(),  # the chi-square statistic is N x eta squared
            "lowest": names[int(np.argmin(shares))], "highest": names[int(np.argmax(shares))],
            "statistic": statistic, "dof": dof, "p_value": p_value, "method": method,
        })
    rows.sort(key=lambda row: -row["between_share"])  # stable: ties keep table order
    result = pd.DataFrame(rows, columns=[c for c in VARIATION_COLUMNS if c not in ("p_adj", "significant", "rank")])
    result["p_adj"] = adjust_p(result["p_value"].to_numpy(dtype=float), p_adjust)
    result["significant"] = result["p_adj"] < 1 - settings.confidence
    result["rank"] = pd.array(np.arange(1, len(result) + 1), dtype="Int64")
    return result[VARIATION_COLUMNS]


def explain(row, confidence: float = 0.95, groups: str = "units") -> str:
    """One row of :func:`variation` in plain words, for a reader who does not read p-values.

    >>> explain({"label": "Pay tied to CX", "n_groups": 3, "min_p": 0.2, "max_p": 0.6, "lowest": "A",
    ...          "highest": "C", "between_share": 0.08, "p_adj": 0.001, "method": "chi-square"})
    'Pay tied to CX: from 20% (A) to 60% (C) across 3 units. Differences this large would rarely arise by chance if all units felt the same (chi-square test, adjusted p = 0.001); 8% of the variation in answers lies between units.'
    """
    get = row.get if isinstance(row, dict) else row.__getitem__
    spread = (f"{get('label')}: from {get('min_p'):.0%} ({get('lowest')}) to {get('max_p'):.0%} ({get('highest')}) "
              f"across {get('n_groups')} {groups}.")
    p_adj = get("p_adj")
    test = f"{get('method')} test, adjusted p = {p_adj:.3f}" if p_adj >= 0.001 else f"{get('method')} test, adjusted p < 0.001"
    if p_adj < 1 - confidence:
        verdict = (f" Differences this large would rarely arise by chance if all {groups} felt the same "
                   f"({test}); {get('between_share'):.0%} of the variation in answers lies between {groups}.")
    else:
        verdict = (f" The differences are within what chance alone could produce ({test}): "
                   f"do not single out a unit on this item.")
    return spread + verdict

"""How far business units (or any groups) disagree on each item."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

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

    Where more than a fifth of the expected counts are below 5, the p-value comes from 9,999
    Monte Carlo tables with the same margins (scipy.stats.chi2_contingency with MonteCarloMethod)
    instead of the chi-square distribution.
    """
    table = np.column_stack([k, n - k])
    table = table[table.sum(axis=1) > 0]
    if len(table) < 2 or (table.sum(axis=0) == 0).any():
        return 0.0, max(len(table) - 1, 0), 1.0, "chi-square"
    result = stats.chi2_contingency(table, correction=False)
    if (result.expected_freq < 5).mean() > 0.2:
        method = stats.MonteCarloMethod(n_resamples=MONTE_CARLO_TABLES, rng=np.random.default_rng(seed))
        exact = stats.chi2_contingency(table, correction=False, method=method)
        return float(result.statistic), int(result.dof), float(exact.pvalue), "Monte Carlo exact"
    return float(result.statistic), int(result.dof), float(result.pvalue), "chi-square"


def variation(survey: Survey, by: str = "business_unit", *, items: list[str] | None = None,
              settings: Settings = Settings(), p_adjust: str = "holm") -> pd.DataFrame:
    """Per item, how much the groups' favourable shares differ, ranked "where units disagree most".

    Only groups shown (not suppressed) take part; respondents who left the grouping blank do not.

    Returns one row per item with a favourable share:

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
    table = table[~table["suppressed"] & table["p"].notna() & (table["group"] != NO_ANSWER)]
    rows = []
    for item, part in table.groupby("item", sort=False):
        n = part["n"].to_numpy(dtype=float)
        k = part["k"].to_numpy(dtype=float)
        shares = part["p"].to_numpy(dtype=float)
        pooled = k.sum() / n.sum()
        between = float(np.sum(n * (shares - pooled) ** 2) / (n.sum() * pooled * (1 - pooled))) if 0 < pooled < 1 else 0.0
        statistic, dof, p_value, method = homogeneity_test(k, n)
        rows.append({
            "item": item, "label": part["label"].iat[0], "n_groups": len(part), "n": int(n.sum()), "p": pooled,
            "min_p": shares.min(), "max_p": shares.max(), "range": shares.max() - shares.min(),
            "sd": float(np.std(shares, ddof=1)) if len(shares) > 1 else np.nan, "between_share": between,
            "lowest": part["group"].iat[int(np.argmin(shares))], "highest": part["group"].iat[int(np.argmax(shares))],
            "statistic": statistic, "dof": dof, "p_value": p_value, "method": method,
        })
    result = pd.DataFrame(rows, columns=[c for c in VARIATION_COLUMNS if c not in ("p_adj", "significant", "rank")])
    result["p_adj"] = adjust_p(result["p_value"].to_numpy(dtype=float), p_adjust)
    result["significant"] = result["p_adj"] < 1 - settings.confidence
    result["rank"] = result["between_share"].rank(ascending=False, method="first").astype("Int64")
    return result.sort_values("rank").reset_index(drop=True)[VARIATION_COLUMNS]

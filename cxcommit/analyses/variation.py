"""How far business units (or any groups) disagree on each item."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

from cxcommit.analyses.groups import NO_ANSWER, run_starts
from cxcommit.analyses.rates import rates_table
from cxcommit.analyses.tables import arrays, text
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings
from cxcommit.stats.adjust import adjust_p

VARIATION_COLUMNS = ["item", "label", "n_groups", "n", "p", "min_p", "max_p", "range", "sd", "between_share",
                     "lowest", "highest", "statistic", "dof", "p_value", "method", "p_adj", "significant", "rank"]
TEXT_COLUMNS = ("item", "label", "lowest", "highest", "method")
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
    read = arrays(rates_table(survey, by, items=items, settings=settings), "item", "label", "group", "n", "k", "p",
                  "suppressed")
    labels = dict(zip(read["item"], read["label"]))
    shown = ~read["suppressed"] & ~np.isnan(read["p"]) & (read["group"] != NO_ANSWER)
    items_all, groups_all, n_all, k_all = (read[name][shown] for name in ("item", "group", "n", "k"))
    columns: dict[str, list] = {name: [] for name in VARIATION_COLUMNS[:-3]}
    starts = run_starts(items_all)
    for start, stop in zip(starts, [*starts[1:], len(items_all)]):  # items in table order, each a block of rows
        if stop - start < 2:  # one group shown: no spread to speak of
            continue
        n, k, names = n_all[start:stop], k_all[start:stop], groups_all[start:stop]
        shares = k / n
        statistic, dof, p_value, method = homogeneity_test(k, n)
        item = items_all[start]
        for name, value in zip(columns, (
                item, labels[item], stop - start, int(n.sum()), k.sum() / n.sum(), shares.min(), shares.max(),
                shares.max() - shares.min(), float(np.std(shares, ddof=1)),
                statistic / n.sum(),  # between_share: the chi-square statistic is N x eta squared
                names[int(np.argmin(shares))], names[int(np.argmax(shares))], statistic, dof, p_value, method)):
            columns[name].append(value)
    order = np.argsort(-np.asarray(columns["between_share"], dtype=float), kind="stable")  # ties keep table order
    result = {name: (text(np.asarray(values, dtype=object)[order]) if name in TEXT_COLUMNS
                     else np.asarray(values)[order]) if values
              else np.array([], dtype=object if name in TEXT_COLUMNS else float)
              for name, values in columns.items()}
    result["p_adj"] = adjust_p(result["p_value"].astype(float), p_adjust)
    result["significant"] = result["p_adj"] < 1 - settings.confidence
    result["rank"] = pd.array(np.arange(1, len(order) + 1), dtype="Int64")
    return pd.DataFrame(result, columns=VARIATION_COLUMNS)


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

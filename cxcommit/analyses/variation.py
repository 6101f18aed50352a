"""How far business units (or any groups) disagree on each item, ranked on a measure corrected for chance.

References
----------
- Hays, W. L. (1963). Statistics for Psychologists. Holt, Rinehart and Winston (ω²).
- Olejnik, S. & Algina, J. (2003). Generalized eta and omega squared statistics. Psychological
  Methods 8(4), 434–447.
- DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical trials. Controlled Clinical Trials
  7(3), 177–188 (the between-group SD net of sampling variance).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from cxcommit.analyses.groups import NO_ANSWER, run_starts
from cxcommit.analyses.rates import rates_table
from cxcommit.analyses.tables import arrays, text
from cxcommit.model.survey import Survey
from cxcommit.privacy.publish import is_own
from cxcommit.settings import Settings
from cxcommit.stats.adjust import adjust_p
from cxcommit.stats.shrinkage import dersimonian_laird
from cxcommit.text import counted, name_list, points
from cxcommit.vocabulary import one_group, quoted

VARIATION_COLUMNS = ["item", "label", "n_groups", "n", "p", "min_p", "max_p", "range", "sd", "between_share",
                     "omega_sq", "between_sd", "lowest", "n_lowest", "answers_lowest", "highest", "n_highest",
                     "answers_highest", "statistic", "dof",
                     "p_value", "method", "p_adj", "significant", "rank"]
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
        from scipy import stats  # here: scipy.stats takes most of a second to import

        method = stats.MonteCarloMethod(n_resamples=MONTE_CARLO_TABLES, rng=np.random.default_rng(seed))
        exact = stats.chi2_contingency(np.column_stack([k, n - k]), correction=False, method=method)
        return statistic, dof, float(exact.pvalue), "Monte Carlo exact"
    return statistic, dof, float(special.chdtrc(dof, statistic)), "chi-square"


def variation(survey: Survey, by: str = "business_unit", *, items: list[str] | None = None,
              settings: Settings = Settings(), p_adjust: str = "holm") -> pd.DataFrame:
    """Per item, how much the groups' favourable shares differ, ranked "where units disagree most".

    Only groups shown (not suppressed) take part; respondents who left the grouping blank do not.
    Items are ranked on ω², which is corrected for chance: with many small groups the raw spread
    (range, SD, η²) is large even where every group feels the same (η² alone averages
    (G − 1) / (N − 1) then, 0.07 for 64 groups of 14), so it would rank items on noise.

    Returns one row per item with a favourable share and at least two groups shown:

    - ``n_groups``, ``n``, ``p``: groups taking part, their answers, and the pooled share;
    - ``min_p``, ``max_p``, ``range``, ``sd``: description of the observed group shares (``sd``
      unweighted, ddof 1); they include sampling noise and are driven by the smallest groups;
    - ``between_share``: η² = SSB / SST, the observed share of the answers' variance between groups
      (the R² of the 0/1 answer on group dummies), not corrected for chance;
    - ``omega_sq``: ω² = (SSB − (G − 1) MSW) / (SST + MSW), floored at 0 — the share of variance
      between groups in the population, net of what G groups produce by chance (one-way ANOVA of
      the 0/1 answer on groups; Hays 1963; Olejnik & Algina 2003). The ranking and the chart use it;
    - ``between_sd``: τ, the SD of the groups' true shares net of sampling variance (DerSimonian–
      Laird 1986, with each group's sampling variance p(1 − p) / n_g at the pooled share p, since
      a small group's own share of 0 or 1 would claim no sampling error); 0 where the spread is
      within chance;
    - ``lowest``, ``highest``: the groups at either end, every group tied at the extreme share named
      as a tie (``"A, B and 54 others"``); ``n_lowest``, ``n_highest``: how many are tied there;
      ``answers_lowest``, ``answers_highest``: how many answers those groups hold together (an end
      resting on a few answers is said with them, :func:`end_name`). A
      group publishing merged from small ones ("Other regions") is never an end: no one can act on
      a remainder, so ``min_p``, ``max_p`` and ``range`` are those of the other groups (where two or
      more are shown), while the test and ω² take it in;
    - ``statistic``, ``dof``, ``p_value``, ``method``: chi-square test of homogeneity
      (Monte Carlo exact p where expected counts are small), ``p_adj`` over all items
      (Holm by default), ``significant``;
    - ``rank``: 1 for the item with the largest ω² (ties keep the table's item order).
    """
    read = arrays(rates_table(survey, by, items=items, settings=settings), "item", "label", "group", "n", "k", "p",
                  "suppressed")
    labels = dict(zip(read["item"], read["label"]))
    shown = ~read["suppressed"] & ~np.isnan(read["p"]) & (read["group"] != NO_ANSWER)
    items_all, groups_all, n_all, k_all = (read[name][shown] for name in ("item", "group", "n", "k"))
    own_all = is_own(survey, by, groups_all)
    columns: dict[str, list] = {name: [] for name in VARIATION_COLUMNS[:-3]}
    starts = run_starts(items_all)
    for start, stop in zip(starts, [*starts[1:], len(items_all)]):  # items in table order, each a block of rows
        if stop - start < 2:  # one group shown: no spread to speak of
            continue
        item = items_all[start]
        row = {"item": item, "label": labels[item],
               **_spread(k_all[start:stop].astype(float), n_all[start:stop].astype(float), groups_all[start:stop],
                         own_all[start:stop])}
        for name in columns:
            columns[name].append(row[name])
    order = np.argsort(-np.asarray(columns["omega_sq"], dtype=float), kind="stable")  # ties keep table order
    result = {name: (text(np.asarray(values, dtype=object)[order]) if name in TEXT_COLUMNS
                     else np.asarray(values)[order]) if values
              else np.array([], dtype=object if name in TEXT_COLUMNS else float)
              for name, values in columns.items()}
    result["p_adj"] = adjust_p(result["p_value"].astype(float), p_adjust)
    result["significant"] = result["p_adj"] < 1 - settings.confidence
    result["rank"] = pd.array(np.arange(1, len(order) + 1), dtype="Int64")
    return pd.DataFrame(result, columns=VARIATION_COLUMNS)


def _spread(k: np.ndarray, n: np.ndarray, names: np.ndarray, own: np.ndarray | None = None) -> dict:
    """One item's spread over its groups (``k`` favourable of ``n``): the columns of :func:`variation`.
    The ends (``min_p``, ``max_p``, ``range``, ``lowest``, ``highest``) are those of the ``own`` groups
    (not merged remainders) where two or more are; the tests and ω² take every group."""
    shares, total, favourable = k / n, n.sum(), k.sum()
    pick = own if own is not None and own.sum() >= 2 else slice(None)
    ends, end_names, end_sizes = shares[pick], names[pick], n[pick]
    pooled, groups = favourable / total, len(n)
    statistic, dof, p_value, method = homogeneity_test(k, n)
    sst = favourable - favourable**2 / total  # Σ (y − ȳ)² of the 0/1 answers
    ssb = float(np.sum(k**2 / n) - favourable**2 / total)
    msw = (sst - ssb) / (total - groups) if total > groups else np.nan
    omega = max(0.0, (ssb - (groups - 1) * msw) / (sst + msw)) if sst > 0 and np.isfinite(msw) else 0.0
    tau2 = dersimonian_laird(shares, pooled * (1 - pooled) / n)[0][0] if 0 < pooled < 1 else 0.0
    lowest, highest = (np.flatnonzero(np.isclose(ends, end, rtol=1e-12, atol=0)) for end in (ends.min(), ends.max()))
    return {"n_groups": groups, "n": int(total), "p": pooled, "min_p": ends.min(), "max_p": ends.max(),
            "range": ends.max() - ends.min(), "sd": float(np.std(shares, ddof=1)),
            "between_share": statistic / total,  # η²: the chi-square statistic is N x eta squared
            "omega_sq": omega, "between_sd": float(np.sqrt(tau2)),
            "lowest": name_list(end_names[lowest]), "n_lowest": len(lowest), "answers_lowest": int(end_sizes[lowest].sum()),
            "highest": name_list(end_names[highest]), "n_highest": len(highest),
            "answers_highest": int(end_sizes[highest].sum()),
            "statistic": statistic, "dof": dof, "p_value": p_value, "method": method}


SMALL_END = 30  # answers: an end of an item's spread resting on fewer is named with them


def end_name(row, end: str) -> str:
    """The group(s) at one ``end`` ("lowest", "highest") of a :func:`variation` row as a sentence
    names them: "(tied)" where several are, and their answers where fewer than :data:`SMALL_END`
    (a share of 0% from 5 answers is not one from 500: the reader weighs it).

    >>> end_name({"lowest": "Portugal", "n_lowest": 1, "answers_lowest": 5}, "lowest")
    'Portugal, 5 answers'
    >>> end_name({"highest": "Spain", "n_highest": 2, "answers_highest": 130}, "highest")
    'Spain (tied)'
    """
    tied, answers = row.get(f"n_{end}"), row.get(f"answers_{end}")  # a row without them: its name alone
    name = str(row[end]) + (" (tied)" if tied is not None and pd.notna(tied) and int(tied) > 1 else "")
    if answers is not None and pd.notna(answers) and int(answers) < SMALL_END:
        name += f", {counted(int(answers), 'answer')}"
    return name


def explain(row, confidence: float = 0.95, groups: str = "units", marked: str = "") -> str:
    """One row of :func:`variation` in plain words, for a reader who does not read p-values; groups
    tied at either end are said to be tied, with their number. ``marked``: the groups that differ
    from the rest on this item by :func:`cxcommit.analyses.rates.rates` (the heatmap's marks), in
    words; where the test of all groups together finds nothing beyond chance, they are named rather
    than "no unit singled out", so the two views never contradict each other. ``groups``: many groups
    in words (:func:`cxcommit.vocabulary.grouping_nouns`), one of them read from it
    (:func:`cxcommit.vocabulary.one_group`); a label that ends a sentence (a question) is quoted
    before its colon.

    >>> explain({"label": "Pay tied to CX", "n_groups": 58, "min_p": 0.2, "max_p": 1.0, "lowest": "A",
    ...          "n_lowest": 1, "highest": "B, C and 54 others", "n_highest": 56, "omega_sq": 0.05,
    ...          "between_sd": 0.08, "p_adj": 0.001, "method": "chi-square"})
    'Pay tied to CX: from 20% (A) to 100% (56 units tied: B, C and 54 others) across 58 units. Differences this large would rarely arise by chance if all units felt the same (chi-square test, adjusted p = 0.001): net of chance, 5% of the variation in answers lies between units, and their true shares differ by about 8 points (SD).'
    >>> explain({"label": "Are you a fan?", "n_groups": 3, "min_p": 0.2, "max_p": 0.4, "lowest": "A",
    ...          "n_lowest": 1, "highest": "B", "n_highest": 1, "p_adj": 0.4, "method": "chi-square"}, groups="regions")
    '“Are you a fan?”: from 20% (A) to 40% (B) across 3 regions. The differences are within what chance alone could produce (chi-square test, adjusted p = 0.400): do not single out a region on this item.'
    """
    get = row.get if isinstance(row, dict) else row.__getitem__
    ends = {end: get(end) if int(get(f"n_{end}")) == 1 else f"{int(get(f'n_{end}'))} {groups} tied: {get(end)}"
            for end in ("lowest", "highest")}
    label = str(get("label"))
    spread = (f"{quoted(label) if label.rstrip()[-1:] in '?.!' else label}: from {get('min_p'):.0%} ({ends['lowest']}) to {get('max_p'):.0%} ({ends['highest']}) "
              f"across {get('n_groups')} {groups}.")
    p_adj = get("p_adj")
    test = f"{get('method')} test, adjusted p = {p_adj:.3f}" if p_adj >= 0.001 else f"{get('method')} test, adjusted p < 0.001"
    if p_adj < 1 - confidence:
        verdict = (f" Differences this large would rarely arise by chance if all {groups} felt the same "
                   f"({test}): net of chance, {get('omega_sq'):.0%} of the variation in answers lies between "
                   f"{groups}, and their true shares differ by about {points(get('between_sd'), short=False)} (SD).")
    elif marked:
        verdict = (f" Across all {groups} together, the differences are within what chance alone could produce "
                   f"({test}); on its own, {marked} differs from the rest (marked on the heatmap).")
    else:
        one = one_group(groups)
        verdict = (f" The differences are within what chance alone could produce ({test}): "
                   f"do not single out {'an' if one[:1] in 'aeio' else 'a'} {one} on this item.")  # "a unit", "an office"
    return spread + verdict

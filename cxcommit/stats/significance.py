"""Tests of two shares, many pairs at once: arrays of counts in, arrays of p-values out."""
from __future__ import annotations

import numpy as np
from scipy import special, stats


def two_proportion_p(k1, n1, k2, n2) -> np.ndarray:
    """Two-sided p of p1 = p2: pooled two-proportion z-test, Fisher's exact test where an expected
    count is below 5; NaN where either side is empty or unknown."""
    shape = np.shape(k1)
    k1, n1, k2, n2 = (np.asarray(x, dtype=float).ravel() for x in (k1, n1, k2, n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = (k1 + k2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = np.where(se > 0, (k1 / n1 - k2 / n2) / se, 0.0)
        p_value = 2 * special.ndtr(-np.abs(z))  # the normal tail (stats.norm.sf)
        expected = np.minimum.reduce([n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)])
    usable = (n1 > 0) & (n2 > 0)
    small = np.flatnonzero((expected < 5) & usable)
    p_value[small] = fisher_exact_p(k1[small], n1[small], k2[small], n2[small])
    return np.where(usable, p_value, np.nan).reshape(shape)


FISHER_TIES = 1 + 1e-14  # tables as likely as the observed one, within rounding, count (as in scipy)


def fisher_exact_p(k1, n1, k2, n2) -> np.ndarray:
    """Two-sided p of Fisher's exact test for many 2 × 2 tables [[k1, n1 − k1], [k2, n2 − k2]] at once:
    the probability, given the margins, of every table no more likely than the one observed.

    The same p as ``scipy.stats.fisher_exact(table).pvalue`` (a test checks it), with one vectorised
    call of ``scipy.stats.hypergeom.pmf`` over all tables' supports instead of a call per table.
    """
    k1, n1, k2, n2 = (np.asarray(x, dtype=np.int64).ravel() for x in (k1, n1, k2, n2))
    total, yes = n1 + n2, k1 + k2
    low, high = np.maximum(0, n1 - (total - yes)), np.minimum(yes, n1)  # the possible values of k1
    sizes = high - low + 1
    owner = np.repeat(np.arange(len(k1)), sizes)
    support = low[owner] + np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    chance = stats.hypergeom.pmf(support, total[owner], n1[owner], yes[owner])
    observed = stats.hypergeom.pmf(k1, total, n1, yes)
    kept = np.where(chance <= observed[owner] * FISHER_TIES, chance, 0.0)
    return np.minimum(np.bincount(owner, weights=kept, minlength=len(k1)), 1.0)

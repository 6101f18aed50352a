"""The difference of two shares, p1 − p2, with one method for its test and its interval: the
Miettinen–Nurminen score statistic, so that the interval excludes 0 exactly when p < 1 − confidence.

The score statistic for a difference d is

    z(d) = (p̂1 − p̂2 − d) / √V(d),   V(d) = (p̃1 (1 − p̃1) / n1 + p̃2 (1 − p̃2) / n2) · N / (N − 1),

where p̃1, p̃2 are the maximum-likelihood shares under p1 − p2 = d (a closed-form root of a cubic,
Farrington & Manning 1990) and N = n1 + n2. The test of "no difference" is z(0) against the normal
distribution; the interval is every d whose test is not rejected, {d : |z(d)| < z₁₋α/₂}, found by
bisection on all pairs at once (z(d) falls as d rises). It keeps its level with small counts and
shares near 0 or 1, where the Wald interval fails, so it serves every table, large or small: one
method, no switch to Fisher's exact test at an arbitrary expected count.

The p-value is ``statsmodels.stats.proportion.test_proportions_2indep(..., method="score")``'s, for
many pairs at once. The interval is not statsmodels' ``confint_proportions_2indep(method="score")``:
its cubic (statsmodels 0.14–0.15) has ``count0`` where ``nobs0`` belongs in the linear coefficient, so
its restricted shares do not maximise the likelihood when d ≠ 0 (a known, open report); the tests
check the shares and the limits against the likelihood maximised numerically with scipy instead.

References
----------
- Miettinen, O. & Nurminen, M. (1985). Comparative analysis of two rates. Statistics in Medicine
  4(2), 213–226.
- Farrington, C. P. & Manning, G. (1990). Test statistics and sample size formulae for comparative
  binomial trials with null hypothesis of non-zero risk difference or non-unity relative risk.
  Statistics in Medicine 9(12), 1447–1454.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

BISECTIONS = 45  # halvings of a span of at most 2: the limits to within 6e-14


@dataclass(frozen=True)
class Difference:
    """p1 − p2 per pair (``diff``), its interval (``low``, ``high``) and the two-sided p-value of
    "no difference"; NaN where either side has no answers."""

    diff: np.ndarray
    low: np.ndarray
    high: np.ndarray
    p_value: np.ndarray


def score_difference(k1, n1, k2, n2, confidence: float = 0.95) -> Difference:
    """The Miettinen–Nurminen test and interval of p1 − p2 for arrays of counts (any shape).

    >>> result = score_difference([30], [50], [20], [60])
    >>> [round(float(x[0]), 4) for x in (result.diff, result.low, result.high, result.p_value)]
    [0.2667, 0.0793, 0.4364, 0.0054]
    """
    shape = np.broadcast(k1, n1, k2, n2).shape
    k1, n1, k2, n2 = (np.broadcast_to(np.asarray(x, dtype=float), shape).ravel() for x in (k1, n1, k2, n2))
    usable = (n1 > 0) & (n2 > 0)
    k1, n1, k2, n2 = (np.where(usable, x, fallback) for x, fallback in ((k1, 0.0), (n1, 1.0), (k2, 0.0), (n2, 1.0)))
    diff = k1 / n1 - k2 / n2
    p_value = 2 * special.ndtr(-np.abs(score_statistic(k1, n1, k2, n2, np.zeros_like(diff))))
    z = float(special.ndtri(1 - (1 - confidence) / 2))
    low = _root(k1, n1, k2, n2, z, -1.0, diff)
    high = _root(k1, n1, k2, n2, -z, diff, 1.0)
    shown = [np.where(usable, x, np.nan).reshape(shape) for x in (diff, low, high, p_value)]
    return Difference(*shown)


def score_statistic(k1, n1, k2, n2, d) -> np.ndarray:
    """z(d) of the Miettinen–Nurminen score test of p1 − p2 = d (0 where the variance is 0 and the
    observed difference is d itself)."""
    p1, p2 = k1 / n1, k2 / n2
    r1, r2 = restricted_shares(k1, n1, k2, n2, d)
    total = n1 + n2
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = (r1 * (1 - r1) / n1 + r2 * (1 - r2) / n2) * total / (total - 1)
        gap = p1 - p2 - d
        z = gap / np.sqrt(variance)
    return np.where(variance > 0, z, np.where(gap == 0, 0.0, np.copysign(np.inf, gap)))


def restricted_shares(k1, n1, k2, n2, d) -> tuple[np.ndarray, np.ndarray]:
    """The maximum-likelihood shares (p̃1, p̃2) under p1 − p2 = d: the root of Farrington and
    Manning's cubic in p̃2 that lies in [0, 1]; at d = 0, the pooled share."""
    d = np.asarray(d, dtype=float)
    total, yes = n1 + n2, k1 + k2
    b = (n1 + 2 * n2) * d - total - yes
    c = (n2 * d - total - 2 * k2) * d + yes
    e = k2 * d * (1 - d)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = (b / (3 * total)) ** 3 - b * c / (6 * total**2) + e / (2 * total)
        p = np.sign(q) * np.sqrt(np.maximum((b / (3 * total)) ** 2 - c / (3 * total), 0.0))
        angle = (np.pi + np.arccos(np.clip(np.where(p != 0, q / p**3, 1.0), -1.0, 1.0))) / 3
        r2 = np.clip(2 * p * np.cos(angle) - b / (3 * total), 0.0, 1.0)
    r2 = np.where(d == 0, yes / total, r2)
    r1 = np.clip(r2 + d, 0.0, 1.0)
    return r1, r2


def _root(k1, n1, k2, n2, target: float, low, high) -> np.ndarray:
    """The d in [low, high] where the falling z(d) crosses ``target``, by bisection for all pairs at
    once; the bound itself where z never reaches ``target`` inside (a limit of −1 or 1)."""
    low = np.broadcast_to(np.asarray(low, dtype=float), k1.shape).copy()
    high = np.broadcast_to(np.asarray(high, dtype=float), k1.shape).copy()
    for _ in range(BISECTIONS):
        middle = (low + high) / 2
        above = score_statistic(k1, n1, k2, n2, middle) > target
        low = np.where(above, middle, low)
        high = np.where(above, high, middle)
    return (low + high) / 2

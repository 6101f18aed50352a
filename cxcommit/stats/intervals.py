"""Confidence intervals for a share k/n, as a registry of named, vectorised methods (the difference
of two shares has its own method: :mod:`cxcommit.stats.difference`).

Each method takes arrays ``k`` (successes) and ``n`` (trials) and a confidence level and
returns ``(low, high)`` arrays, NaN where ``n == 0``.

References
----------
- Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
  JASA 22(158), 209–212.
- Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial limits illustrated
  in the case of the binomial. Biometrika 26(4), 404–413.
- Agresti, A. & Coull, B. A. (1998). Approximate is better than "exact" for interval estimation
  of binomial proportions. The American Statistician 52(2), 119–126.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import special

from cxcommit.errors import SettingsError

Interval = tuple[np.ndarray, np.ndarray]


def _z(confidence: float) -> float:
    return float(special.ndtri(1 - (1 - confidence) / 2))  # the normal quantile (stats.norm.ppf)


def _prepare(k, n) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    empty = n <= 0
    return k, np.where(empty, np.nan, n), empty


def wilson(k, n, confidence: float = 0.95) -> Interval:
    """Wilson score interval (Wilson 1927), without continuity correction."""
    k, n, _ = _prepare(k, n)
    z = _z(confidence)
    p = k / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def clopper_pearson(k, n, confidence: float = 0.95) -> Interval:
    """Exact (Clopper–Pearson 1934) interval from beta quantiles."""
    k, n, _ = _prepare(k, n)
    alpha = 1 - confidence
    from scipy import stats  # here: scipy.stats takes most of a second to import

    with np.errstate(invalid="ignore"):
        low = np.where(k > 0, stats.beta.ppf(alpha / 2, k, n - k + 1), 0.0)
        high = np.where(k < n, stats.beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    nan = np.isnan(n)
    return np.where(nan, np.nan, low), np.where(nan, np.nan, high)


def agresti_coull(k, n, confidence: float = 0.95) -> Interval:
    """Agresti–Coull (1998) interval: a Wald interval around the adjusted share."""
    k, n, _ = _prepare(k, n)
    z = _z(confidence)
    n_adj = n + z**2
    p_adj = (k + z**2 / 2) / n_adj
    half = z * np.sqrt(p_adj * (1 - p_adj) / n_adj)
    return np.clip(p_adj - half, 0, 1), np.clip(p_adj + half, 0, 1)


CI_METHODS: dict[str, Callable[..., Interval]] = {
    "wilson": wilson,
    "clopper_pearson": clopper_pearson,
    "agresti_coull": agresti_coull,
}


def proportion_interval(k, n, *, method: str = "wilson", confidence: float = 0.95) -> Interval:
    """Interval for k/n by a registered method name.

    >>> low, high = proportion_interval([8], [10])
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.4902, 0.9433)
    """
    try:
        func = CI_METHODS[method]
    except KeyError:
        raise SettingsError(
            f"Unknown interval method {method!r}.", hint=f"Use one of: {', '.join(CI_METHODS)}."
        ) from None
    return func(k, n, confidence)

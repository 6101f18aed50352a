"""Correlation of two arrays: Pearson r (weighted or not) with its interval, p-value, n and effective
n; the (weighted) least-squares line."""
from __future__ import annotations

import numpy as np
from scipy import special


def _pairs(x: np.ndarray, y: np.ndarray, weights: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """The pairs where ``x``, ``y`` and the weight are finite (and the weight positive), with weights
    summing to 1 (equal weights without ``weights``)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y) & np.isfinite(w) & (w > 0)
    x, y, w = x[keep], y[keep], w[keep]
    return x, y, w / w.sum() if len(w) else w


def effective_n(weights: np.ndarray) -> float:
    """Kish's effective sample size of weighted observations, (Σw)² / Σw²: n for equal weights, less
    the more unequal they are (Kish 1965, *Survey Sampling*, section 11.7)."""
    weights = np.asarray(weights, dtype=float)
    return float(weights.sum() ** 2 / (weights**2).sum()) if len(weights) else 0.0


def correlation(x: np.ndarray, y: np.ndarray, confidence: float = 0.95, weights: np.ndarray | None = None) -> dict:
    """Pearson r of ``x`` and ``y`` over the pairs where both (and the weight) are numbers; each pair
    weighted by ``weights`` (e.g. a unit's number of answers) or equally.

    Returns ``r`` (weighted: the weighted covariance over the product of the weighted standard
    deviations, as statsmodels' ``DescrStatsW(...).corrcoef``), ``n`` (pairs), ``n_eff`` (Kish's
    effective n, :func:`effective_n`; n without weights), the Fisher-z interval ``ci_low``,
    ``ci_high`` (tanh(atanh r ± z/√(n_eff − 3))) and the two-sided ``p_value`` of r = 0 from
    t = r √((n_eff − 2) / (1 − r²)) on n_eff − 2 degrees of freedom. Without weights these are
    scipy.stats.pearsonr's r, p-value and interval (Fisher 1921). The interval needs n_eff > 3, the
    p-value n_eff > 2; r needs at least 4 pairs and spread in both arrays (else NaN).
    """
    x, y, w = _pairs(x, y, weights)
    n, n_eff = len(x), effective_n(w)
    blank = {"r": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "n": n, "n_eff": n_eff}
    if n < 4 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return blank
    dx, dy = x - w @ x, y - w @ y
    r = float(np.clip((w @ (dx * dy)) / np.sqrt((w @ dx**2) * (w @ dy**2)), -1.0, 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = r * np.sqrt((n_eff - 2) / (1 - r**2)) if abs(r) < 1 else np.copysign(np.inf, r)
        p_value = 2 * special.stdtr(n_eff - 2, -abs(t)) if n_eff > 2 else np.nan
        half = special.ndtri(1 - (1 - confidence) / 2) / np.sqrt(n_eff - 3) if n_eff > 3 else np.nan
    z = np.arctanh(r)
    return {**blank, "r": r, "ci_low": float(np.tanh(z - half)), "ci_high": float(np.tanh(z + half)),
            "p_value": float(p_value)}


def least_squares(x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> tuple[float, float]:
    """Slope and intercept of the least-squares line of ``y`` on ``x`` over the pairs where both (and
    the weight) are numbers, each weighted by ``weights`` or equally (numpy.polyfit of degree 1 with
    ``w=√weights``); NaN, NaN with fewer than two pairs or no spread in ``x``."""
    x, y, w = _pairs(x, y, weights)
    if len(x) < 2 or np.ptp(x) == 0:
        return np.nan, np.nan
    dx = x - w @ x
    slope = float((w @ (dx * (y - w @ y))) / (w @ dx**2))
    return slope, float(w @ y - slope * (w @ x))

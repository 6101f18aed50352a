"""Correlation of two arrays: Pearson r with its interval, p-value and n; the least-squares line."""
from __future__ import annotations

import numpy as np
from scipy import stats


def correlation(x: np.ndarray, y: np.ndarray, confidence: float = 0.95) -> dict:
    """Pearson r, its Fisher-z interval, p-value and n (scipy.stats.pearsonr)."""
    keep = ~np.isnan(x) & ~np.isnan(y)
    x, y = x[keep], y[keep]
    if len(x) < 4 or np.std(x) == 0 or np.std(y) == 0:
        return {"r": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "n": len(x)}
    result = stats.pearsonr(x, y)
    interval = result.confidence_interval(confidence_level=confidence)
    return {"r": result.statistic, "ci_low": interval.low, "ci_high": interval.high, "p_value": result.pvalue,
            "n": len(x)}


def least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of the least-squares line of ``y`` on ``x`` over the pairs where both are
    finite (numpy.polyfit, degree 1); NaN, NaN with fewer than two pairs or no spread in ``x``."""
    keep = np.isfinite(x) & np.isfinite(y)
    if keep.sum() < 2 or np.ptp(x[keep]) == 0:
        return np.nan, np.nan
    slope, intercept = np.polyfit(x[keep], y[keep], 1)
    return slope, intercept

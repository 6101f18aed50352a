"""Correlation of two arrays: Pearson r with its interval, p-value and n."""
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

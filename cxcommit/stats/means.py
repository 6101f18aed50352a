"""Two means compared from their summaries: Welch's t test, and the standard error a t interval implies."""
from __future__ import annotations

import numpy as np
from scipy import special


def standard_error(mean, high, n, confidence: float = 0.95) -> np.ndarray:
    """The standard error of a mean behind its t interval's upper end ``high`` (mean + t·se, t the
    two-sided quantile with n − 1 degrees of freedom): se = (high − mean) / t. NaN for n < 2."""
    mean, high, n = (np.asarray(v, dtype=float) for v in (mean, high, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        t = special.stdtrit(np.where(n > 1, n - 1, np.nan), 1 - (1 - confidence) / 2)
        return (high - mean) / t


def welch_test(mean1, se1, n1, mean2, se2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Difference of two means (``mean1 − mean2``) and the two-sided p-value of Welch's t test from
    each mean's standard error and n, with Welch–Satterthwaite degrees of freedom (Welch 1947), as
    ``scipy.stats.ttest_ind_from_stats(..., equal_var=False)``. Vectorised; NaN where an n is below 2
    or both standard errors are 0."""
    mean1, se1, n1, mean2, se2, n2 = (np.asarray(v, dtype=float) for v in (mean1, se1, n1, mean2, se2, n2))
    v1, v2 = se1**2, se2**2
    with np.errstate(invalid="ignore", divide="ignore"):
        dof = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        t = (mean1 - mean2) / np.sqrt(v1 + v2)
        p = 2 * special.stdtr(dof, -np.abs(t))
    return mean1 - mean2, np.where((n1 > 1) & (n2 > 1), p, np.nan)

"""Multiple-comparison adjustment of p-values, as a registry of named methods.

References
----------
- Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scand. J. Statist. 6, 65–70.
- Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57(1), 289–300.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cxcommit.errors import SettingsError


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment (controls the family-wise error rate)."""
    m = len(p)
    order = np.argsort(p)
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg step-up adjustment (controls the false discovery rate): the same arithmetic,
    in the same order, as ``scipy.stats.false_discovery_control(p, method="bh")`` (tests/test_analyses.py
    checks them equal to the last bit), without importing scipy.stats, which takes most of a second."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p)
    adjusted = p[order] * (m / np.arange(1, m + 1))
    np.minimum.accumulate(adjusted[::-1], out=adjusted[::-1])
    out = np.empty(m)
    out[order] = adjusted
    return np.clip(out, 0, 1)


def bonferroni(p: np.ndarray) -> np.ndarray:
    return np.minimum(p * len(p), 1.0)


P_ADJUST: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "holm": holm, "bh": benjamini_hochberg, "bonferroni": bonferroni, "none": lambda p: p.copy(),
}


def adjust_p(p, method: str = "holm") -> np.ndarray:
    """Adjusted p-values; NaN entries stay NaN and are not counted in the family.

    >>> adjust_p([0.01, 0.04, 0.03, float("nan")]).round(2).tolist()
    [0.03, 0.06, 0.06, nan]
    """
    if method not in P_ADJUST:
        raise SettingsError(f"Unknown p-value adjustment {method!r}.", hint=f"Use one of: {', '.join(P_ADJUST)}.")
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    present = ~np.isnan(p)
    if present.any():
        out[present] = P_ADJUST[method](p[present])
    return out

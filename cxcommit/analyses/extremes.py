"""Naming an extreme group — the furthest, the best, the most improved — without the winner's curse.

The group with the most extreme observed number is, more often than not, a small group that was
lucky (or unlucky). So every extreme cxcommit names is chosen on empirical-Bayes estimates
(:mod:`cxcommit.stats.shrinkage`), given with an interval, and named together with the groups it
cannot be told apart from.

**Tie rule.** Groups whose shrunken estimate lies inside the extreme group's interval are tied
with it: the extreme is said as "A and B (tied)", or "A, B and 3 others (tied)", never as A alone.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxcommit.stats.shrinkage import Shrunk, shrink, tied_with_extreme
from cxcommit.text import name_list


def share_variance(k, n, family) -> np.ndarray:
    """Sampling variance of each share k / n at its family's pooled share p̄ = (K + ½) / (N + 1),
    p̄ (1 − p̄) / n: a small group's own share of 0 or 1 would claim no sampling error at all, and
    the half keeps p̄ off 0 and 1 where every group agrees."""
    k, n, family = np.asarray(k, dtype=float), np.asarray(n, dtype=float), np.asarray(family, dtype=np.int64)
    used = np.isfinite(k) & np.isfinite(n) & (n > 0)
    size = int(family.max()) + 1 if len(family) else 0
    pooled = ((np.bincount(family[used], weights=k[used], minlength=size) + 0.5)
              / (np.bincount(family[used], weights=n[used], minlength=size) + 1))[family]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(used, pooled * (1 - pooled) / n, np.nan)


def change_variance(k, n, k_before, n_before) -> np.ndarray:
    """Sampling variance of a change of share between two independent waves, p̃ (1 − p̃) (1 / n +
    1 / n_before), at the group's share over both waves p̃ = (k + k_before + ½) / (n + n_before + 1)
    (the variance under no change, as a score test uses; the half keeps it off 0)."""
    k, n, k_before, n_before = (np.asarray(x, dtype=float) for x in (k, n, k_before, n_before))
    pooled = (k + k_before + 0.5) / (n + n_before + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pooled * (1 - pooled) * (1 / n + 1 / n_before)


@dataclass(frozen=True)
class Extreme:
    """The extreme row ``at`` and the rows tied with it (``tied``, the extreme first, then by
    estimate); ``names``: how to say them (``"A"``, ``"A and B"``, ``"A, B and 3 others"``)."""

    at: int
    tied: np.ndarray
    names: str
    estimate: float
    low: float
    high: float

    @property
    def is_tie(self) -> bool:
        return len(self.tied) > 1


def extreme(fit: Shrunk, names, where, *, pick: str) -> Extreme | None:
    """The row of ``fit`` with the lowest, highest or largest (in absolute value) estimate among the
    rows ``where`` is true, with the rows tied with it (see the module's tie rule), or None.

    ``pick``: ``"lowest"``, ``"highest"`` or ``"largest"`` (the farthest from 0 either way; ties
    are then rows on the same side whose estimate lies in the extreme's interval)."""
    estimate = np.where(np.asarray(where, dtype=bool), fit.estimate, np.nan)
    if np.isnan(estimate).all():
        return None
    if pick == "largest":
        at = int(np.nanargmax(np.abs(estimate)))
        pick = "lowest" if estimate[at] < 0 else "highest"
    lowest = pick == "lowest"
    at = int(np.nanargmin(estimate) if lowest else np.nanargmax(estimate))
    tied = np.flatnonzero(tied_with_extreme(estimate, fit.low, fit.high, lowest=lowest))
    tied = tied[np.argsort(estimate[tied] if lowest else -estimate[tied], kind="stable")]
    tied = np.r_[at, tied[tied != at]]
    names = np.asarray(names, dtype=object)
    return Extreme(at, tied, name_list(names[tied]), float(fit.estimate[at]), float(fit.low[at]),
                   float(fit.high[at]))


def shrunken_shares(k, n, family, confidence: float) -> Shrunk:
    """Empirical-Bayes estimates of each group's true share, within its family (e.g. one item across
    units), at the sampling variances of :func:`share_variance`."""
    return shrink(np.asarray(k, dtype=float) / np.asarray(n, dtype=float), share_variance(k, n, family), family,
                  confidence=confidence)

"""Empirical-Bayes (shrunken) estimates: how far a group's number is real, once chance is allowed for.

A group's observed share ``y_g`` (or its mean, or its change since a wave) is its true value plus
sampling noise of variance ``v_g``; the true values of the groups of one family (one item across
units, say) vary around a common mean ``μ`` with variance ``τ²``. Under this normal–normal model
the best estimate of a group's true value pulls its observed value toward ``μ`` — the more, the
noisier the group:

    θ̂_g = μ̂ + B_g (y_g − μ̂),   B_g = τ² / (τ² + v_g)

so a small unit at 100 % no longer ranks first on luck (the winner's curse). ``τ²`` is the
DerSimonian–Laird moment estimate and ``μ̂`` the random-effects mean, weighted 1 / (v_g + τ²).

The interval is θ̂_g ± z s_g, where s_g² approximates the posterior variance as Morris (1983,
section 3) does, extended to unequal variances: with S_g = 1 − B_g,

    s_g² = v_g B_g + S_g² Var(μ̂) + 2 / (G − 3) · S_g² (y_g − μ̂)²

— the first term is the posterior variance were μ and τ² known, the second the price of
estimating μ, the third (for G > 3 groups) the price of estimating τ². For equal variances this
is Morris's formula (his eq. 3.4) with his B̂ replaced by the DL estimate of v / (v + τ²).
Differences of two groups' true values (:func:`difference_sd`) add the covariance the shared
estimate of μ brings, S_i S_j Var(μ̂); the τ² terms are treated as independent.

Every function works on many families at once: ``family`` numbers each row's family (0, 1, …),
so a table of 30 units × 8 items is one call.

References
----------
- DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical trials. Controlled Clinical
  Trials 7(3), 177–188.
- Morris, C. N. (1983). Parametric empirical Bayes inference: theory and applications. JASA 78(381),
  47–55.
- Henderson, C. R. (1975). Best linear unbiased estimation and prediction under a selection model.
  Biometrics 31(2), 423–447 (the prediction error variances the tests check s_g against).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special


@dataclass(frozen=True)
class Shrunk:
    """Per row: ``estimate`` (θ̂_g), ``sd`` (s_g), ``low``/``high`` (θ̂_g ∓ z s_g), ``weight`` (B_g,
    0 = pulled all the way to the mean, 1 = left as observed); per family: ``tau2`` (τ²), ``mean``
    (μ̂), ``mean_var`` (Var(μ̂)), ``groups`` (G). NaN where a row's ``y`` or ``v`` is not a number."""

    estimate: np.ndarray
    sd: np.ndarray
    low: np.ndarray
    high: np.ndarray
    weight: np.ndarray
    tau2: np.ndarray
    mean: np.ndarray
    mean_var: np.ndarray
    groups: np.ndarray
    family: np.ndarray


def _families(y, v, family) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    y, v = np.asarray(y, dtype=float), np.asarray(v, dtype=float)
    family = np.zeros(len(y), dtype=np.int64) if family is None else np.asarray(family, dtype=np.int64)
    used = np.isfinite(y) & np.isfinite(v) & (v > 0)
    size = int(family.max()) + 1 if len(family) else 0
    return y, v, family, used, size


def _sum(values: np.ndarray, family: np.ndarray, used: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(family[used], weights=values[used], minlength=size)


def dersimonian_laird(y, v, family=None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per family: ``(tau2, mean, mean_var, groups)`` — the DerSimonian–Laird between-group variance
    τ² = max(0, (Q − (G − 1)) / (Σw − Σw² / Σw)) with w = 1 / v and Q = Σ w (y − ȳ_w)², the
    random-effects mean μ̂ = Σ w* y / Σ w* with w* = 1 / (v + τ²), its variance 1 / Σ w*, and G.

    Rows with a non-finite ``y`` or ``v`` ≤ 0 take no part. τ² is NaN for a family of fewer than two;
    a family where no row takes part (every group hidden, or a family code with no rows) has no
    mean either: μ̂ and Var(μ̂) are NaN, not 1 / 0.

    >>> tau2, mean, mean_var, groups = dersimonian_laird([0.2, 0.4, np.nan], [0.01, 0.01, 0.01], [0, 0, 1])
    >>> [round(x, 4) for x in mean.tolist()], [round(x, 4) for x in mean_var.tolist()], groups.tolist()
    ([0.3, nan], [0.01, nan], [2.0, 0.0])

    >>> tau2, mean, _, _ = dersimonian_laird([0.2, 0.5, 0.6], [0.01, 0.01, 0.02])
    >>> round(float(tau2[0]), 4), round(float(mean[0]), 4)
    (0.0312, 0.4217)
    """
    y, v, family, used, size = _families(y, v, family)
    w = np.where(used, 1 / np.where(used, v, 1), 0.0)
    groups = _sum(np.ones(len(y)), family, used, size)
    sw, sw2, swy = (_sum(values, family, used, size) for values in (w, w * w, w * np.where(used, y, 0)))
    with np.errstate(invalid="ignore", divide="ignore"):
        fixed = swy / sw
        q = _sum(w * (np.where(used, y, 0) - fixed[family]) ** 2, family, used, size)
        tau2 = np.where(groups >= 2, np.maximum(0.0, (q - (groups - 1)) / (sw - sw2 / sw)), np.nan)
        w_star = np.where(used, 1 / (np.where(used, v, 1) + tau2[family]), 0.0)
        sw_star = _sum(w_star, family, used, size)
        mean = _sum(w_star * np.where(used, y, 0), family, used, size) / sw_star
        mean_var = np.where(groups > 0, 1 / sw_star, np.nan)
    return tau2, np.where(groups > 0, mean, np.nan), mean_var, groups


def shrink(y, v, family=None, *, confidence: float = 0.95, tau_uncertainty: bool = True) -> Shrunk:
    """Empirical-Bayes estimates of each row's true value, with intervals (see the module's text).

    ``y``: observed values; ``v``: their sampling variances (> 0); ``family``: each row's family
    (rows of one family are shrunk toward their own mean). ``tau_uncertainty=False`` leaves out
    Morris's term for estimating τ² (the variance is then the prediction error variance of the
    mixed model at the estimated τ²). A family of one row is left as observed, with its own interval.

    >>> fit = shrink([0.2, 0.5, 0.6, 0.9], [0.01, 0.01, 0.02, 0.04])
    >>> [round(float(x), 3) for x in fit.estimate]
    [0.252, 0.503, 0.576, 0.73]
    """
    y, v, family, used, size = _families(y, v, family)
    tau2, mean, mean_var, groups = dersimonian_laird(y, v, family)
    single = groups[family] < 2
    t2, mu, mv, g = (np.where(single, np.nan, values[family]) for values in (tau2, mean, mean_var, groups))
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = np.where(single, 1.0, t2 / (t2 + v))
        pulled = 1 - weight
        estimate = np.where(single, y, mu + weight * (y - mu))
        variance = v * weight + np.where(single, 0.0, pulled**2 * mv)
        if tau_uncertainty:
            variance = variance + np.where(g > 3, 2 / (g - 3) * pulled**2 * (y - mu) ** 2, 0.0)
    sd = np.where(used, np.sqrt(variance), np.nan)
    estimate, weight = np.where(used, estimate, np.nan), np.where(used, weight, np.nan)
    z = special.ndtri(1 - (1 - confidence) / 2)
    return Shrunk(estimate, sd, estimate - z * sd, estimate + z * sd, weight, tau2, mean, mean_var, groups, family)


def difference_sd(fit: Shrunk, i, j) -> np.ndarray:
    """Posterior SD of θ_i − θ_j for rows ``i`` and ``j`` of one family each (arrays of row numbers):
    √(s_i² + s_j² − 2 S_i S_j Var(μ̂)), where the shared estimate of μ makes the two errors covary."""
    i, j = np.asarray(i), np.asarray(j)
    same = (fit.family[i] == fit.family[j]) & (i != j)
    covariance = np.where(same, (1 - fit.weight[i]) * (1 - fit.weight[j]) * fit.mean_var[fit.family[i]], 0.0)
    return np.sqrt(np.maximum(fit.sd[i] ** 2 + fit.sd[j] ** 2 - 2 * covariance, 0.0) * (i != j))


def tied_with_extreme(estimate, low, high, *, lowest: bool) -> np.ndarray:
    """Which rows cannot be told apart from the extreme one (the lowest estimate, or the highest):
    the extreme itself and every row whose estimate lies inside the extreme's interval. This is the
    rule for saying "A and B (tied)" instead of naming A alone: B is as plausible a true value for
    A's group as A's own estimate. NaN rows are never tied."""
    estimate, low, high = (np.asarray(x, dtype=float) for x in (estimate, low, high))
    valid = ~np.isnan(estimate)
    if not valid.any():
        return np.zeros(len(estimate), dtype=bool)
    at = np.flatnonzero(valid)[(np.argmin if lowest else np.argmax)(estimate[valid])]
    return valid & (estimate >= low[at]) & (estimate <= high[at])

"""The trend of a share over time: the least-squares line through every answer, from counts.

For answers y (1 favourable, 0 not) at times t, the slope of the ordinary least-squares line
y = a + b·t is the n-weighted line through the waves' shares. Its standard error is the
heteroskedasticity-robust (HC1) one, Σ_w c_w² E_w / S_xx² · N / (N − 2), with c_w the wave's time
minus the answers' mean time, S_xx = Σ_w n_w c_w² and E_w = k_w (1 − f_w)² + (n_w − k_w) f_w² the
squared residuals of the wave around the line's value f_w; the interval is the normal one. It is
what ``statsmodels.OLS(y, [1, t]).fit(cov_type="HC1")`` gives on the answers themselves (a test
checks it), for many lines at once. Waves count by their time, so unevenly spaced waves weigh as
far apart as they are.

References: White, H. (1980). A heteroskedasticity-consistent covariance matrix estimator.
Econometrica 48(4), 817–838; MacKinnon, J. G. & White, H. (1985), J. Econometrics 29, 305–325 (HC1).
"""
from __future__ import annotations

import numpy as np
from scipy import special


def share_slope(k, n, x, starts, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slope and interval of the line through each run of waves: ``k`` favourable of ``n`` answers at
    times ``x``, runs beginning at ``starts`` (one line each). NaN for a run with a single time or
    fewer than three answers."""
    k, n, x = (np.asarray(values, dtype=float) for values in (k, n, x))
    starts = np.asarray(starts, dtype=np.int64)
    if not len(starts):
        return np.zeros(0), np.zeros(0), np.zeros(0)
    run = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(k)]))
    x = x - x[starts][run]  # times from each line's first: sums of 2025² lose the digits that matter
    w, wx, wy, wxx, wxy = (np.add.reduceat(values, starts) for values in (n, n * x, k, n * x * x, k * x))
    with np.errstate(invalid="ignore", divide="ignore"):
        sxx = wxx - wx**2 / w
        slope = np.where(sxx > 1e-12 * np.maximum(wxx, 1), (wxy - wx * wy / w) / sxx, np.nan)
        intercept = (wy - slope * wx) / w
        fitted = intercept[run] + slope[run] * x
        squared = k * (1 - fitted) ** 2 + (n - k) * fitted**2
        centred = x - (wx / w)[run]
        meat = np.add.reduceat(centred**2 * squared, starts)
        se = np.sqrt(meat / sxx**2 * w / (w - 2))
    se = np.where(w > 2, se, np.nan)
    z = float(special.ndtri(1 - (1 - confidence) / 2))
    return slope, slope - z * se, slope + z * se

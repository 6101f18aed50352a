"""Differences of two shares when answers are not independent: respondents nested in business units
(:func:`cluster_difference`), people who answered two waves (:func:`paired_difference`) and the line
through waves some people answered more than once (:func:`clustered_slope`).

Both are the CR1 cluster-robust ("sandwich") variance of an ordinary least-squares regression of the
0/1 answer on a 0/1 indicator (the group, or the later wave), computed from counts rather than rows.
The coefficient of the indicator is exactly the difference the tables show (p of the group minus p
of the rest, or p of a wave minus p of the earlier one), so the estimate does not move; only its
standard error grows (units) or shrinks (the same people answering again) by as much as the data
say. It is what ``statsmodels.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": cluster},
use_t=True)`` gives, small-sample factor ``G/(G − 1) · (N − 1)/(N − 2)`` included (the tests check it).

**Why CR1 and not GEE.** A GEE with an exchangeable working correlation (Liang & Zeger 1986) weights
units by their size and intra-unit correlation, so its difference is no longer p of the group minus
p of the rest: the table would show one number and test another. With an independence working
correlation GEE is this same regression with a robust variance (CR0, no small-sample factor). On the
demo the exchangeable GEE gives close differences and standard errors (a test shows it), so nothing
is lost by keeping the number the table shows.

**Reference distribution.** Student's t with G − 1 degrees of freedom, G the number of clusters
(Cameron & Miller 2015, section VI: the usual advice, and Stata's, for a cluster-robust t statistic;
the normal, statsmodels' default, rejects too often with tens of clusters). The test and the interval
use the same standard error and quantile, so the interval excludes 0 exactly when p < 1 − confidence.

**Too few clusters.** Below :data:`MIN_CLUSTERS` clusters the sandwich variance is itself too noisy
to trust, and a group with a single cluster has no within-group spread at all (its residuals sum to
zero): :func:`cluster_difference` computes the numbers anyway (``clusters`` and ``group_clusters`` say
how many) and :func:`clusterable` says where a caller should use them; elsewhere the caller uses the
unclustered score test and says so.

References
----------
- Liang, K.-Y. & Zeger, S. L. (1986). Longitudinal data analysis using generalized linear models.
  Biometrika 73(1), 13–22.
- Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference.
  Journal of Human Resources 50(2), 317–372.
- MacKinnon, J. G. & Webb, M. D. (2017). Wild bootstrap inference for wildly different cluster
  sizes. Journal of Applied Econometrics 32(2), 233–254 (few treated clusters over-reject).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

MIN_CLUSTERS = 10  # clusters (units) an item needs before its comparisons are clustered
MIN_GROUP_CLUSTERS = 2  # clusters a group needs: with one, its own spread between units is unknown


class ClusteredDifference(NamedTuple):
    """A difference of two shares with its cluster-robust standard error, interval and p-value;
    ``clusters`` is G (the degrees of freedom are G − 1), ``group_clusters`` the clusters the first
    share's group spans (for :func:`paired_difference`: the people in the later wave)."""

    diff: np.ndarray
    se: np.ndarray
    low: np.ndarray
    high: np.ndarray
    p_value: np.ndarray
    clusters: np.ndarray
    group_clusters: np.ndarray


def sum_by(values: np.ndarray, owner: np.ndarray, size: int) -> np.ndarray:
    """``values`` (any leading axes, cells on the last) summed by ``owner`` (an index per cell below
    ``size``): one bincount over every leading row at once."""
    values = np.asarray(values, dtype=float)
    lead, cells = values.shape[:-1], values.shape[-1]
    rows = int(np.prod(lead, dtype=np.int64))
    index = (np.arange(rows, dtype=np.int64)[:, None] * size + np.asarray(owner, dtype=np.int64)).ravel()
    return np.bincount(index, weights=values.reshape(rows, cells).ravel(), minlength=rows * size).reshape(*lead, size)


def _finish(diff, total, observations, clusters, group_clusters, confidence: float) -> ClusteredDifference:
    """The CR1 standard error from the sandwich's sum of squared cluster scores ``total``, and the
    t(G − 1) test and interval from it."""
    from scipy import special  # here: the summary's start does not wait for scipy (a third of a second)

    with np.errstate(invalid="ignore", divide="ignore"):
        factor = clusters / (clusters - 1) * (observations - 1) / (observations - 2)
        se = np.sqrt(np.maximum(factor * total, 0.0))
        df = np.where(clusters > 1, clusters - 1, np.nan)
        statistic = np.where(se > 0, diff / se, np.where(diff == 0, 0.0, np.nan))
        p_value = 2 * special.stdtr(df, -np.abs(statistic))  # the t tail (stats.t.sf)
        half = special.stdtrit(df, 1 - (1 - confidence) / 2) * se
    low, high = np.clip(diff - half, -1, 1), np.clip(diff + half, -1, 1)
    return ClusteredDifference(diff, se, low, high, p_value, clusters, group_clusters)


def cluster_difference(k, n, group, cluster, n_groups: int, *, alone=None, confidence: float = 0.95) -> ClusteredDifference:
    """Each group's share minus the share of everyone else, with a cluster-robust variance.

    Parameters
    ----------
    k, n : favourable answers and answers per cell, a cell being one group's people in one cluster;
        cells on the last axis, any leading axes (one row per item, say).
    group, cluster : each cell's group (below ``n_groups``) and cluster (a business unit; a unit split
        between two groups has a cell in each, with the same cluster).
    alone : cells whose people are each a cluster of their own (people with no unit), or None.
    confidence : level of the interval.

    Returns
    -------
    :class:`ClusteredDifference`, arrays with the leading axes and one entry per group: ``diff`` = p_g − p_rest,
    ``se`` its CR1 standard error, ``low``/``high`` and ``p_value`` from t with G − 1 degrees of freedom.
    NaN where the group or the rest has no answer.

    The score of cluster c for the group's coefficient is S_gc/n_g − R_gc/n_rest, S_gc the group's
    residuals in c (k_gc − p_g·n_gc) and R_gc the rest's (k_rest,c − p_rest·n_rest,c); clusters where
    the group is absent share one closed form, so the whole sum is a few sums over cells.

    Two groups of three units each (30 people a unit):

    >>> result = cluster_difference([10, 14, 20, 21, 25, 19], [30] * 6, [0, 0, 0, 1, 1, 1], [0, 1, 2, 3, 4, 5], 2)
    >>> [round(float(x), 4) for x in (result.diff[0], result.se[0], result.p_value[0])]
    [-0.2333, 0.1016, 0.0701]
    """
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    group, cluster = np.asarray(group, dtype=np.int64), np.asarray(cluster, dtype=np.int64)
    alone = np.zeros(k.shape[-1], dtype=bool) if alone is None else np.asarray(alone, dtype=bool)
    size = int(cluster.max(initial=-1)) + 1
    kc, nc = (sum_by(np.where(alone, 0.0, x), cluster, size) for x in (k, n))  # cluster totals
    kg, ng = sum_by(k, group, n_groups), sum_by(n, group, n_groups)
    big_k, big_n = k.sum(axis=-1, keepdims=True), n.sum(axis=-1, keepdims=True)
    kr, nr = big_k - kg, big_n - ng
    with np.errstate(invalid="ignore", divide="ignore"):
        pg, pr = kg / ng, kr / nr
        # every cluster as if the group were absent: sum of (k_c - p_rest n_c)^2 = A - 2 p B + p^2 C
        k_alone, n_alone = np.where(alone, k, 0.0).sum(axis=-1), np.where(alone, n, 0.0).sum(axis=-1)
        moments = [((kc * kc).sum(axis=-1) + k_alone)[..., None], ((kc * nc).sum(axis=-1) + k_alone)[..., None],
                   ((nc * nc).sum(axis=-1) + n_alone)[..., None]]
        absent = (moments[0] - 2 * pr * moments[1] + pr * pr * moments[2]) / (nr * nr)
        # the clusters where the group is present, corrected cell by cell
        kcc, ncc = np.take(kc, cluster, axis=-1), np.take(nc, cluster, axis=-1)
        pgc, prc, ngc, nrc = (np.take(x, group, axis=-1) for x in (pg, pr, ng, nr))
        as_absent = np.where(alone, k - 2 * prc * k + prc * prc * n,
                             (kcc - prc * ncc) ** 2) / (nrc * nrc)
        present = np.where(alone, (k - 2 * pgc * k + pgc * pgc * n) / (ngc * ngc),
                           ((k - pgc * n) / ngc - ((kcc - k) - prc * (ncc - n)) / nrc) ** 2)
        total = absent + sum_by(np.where(n > 0, present - as_absent, 0.0), group, n_groups)
        diff = pg - pr
    clusters = ((nc > 0).sum(axis=-1) + n_alone)[..., None] * np.ones_like(diff)
    group_clusters = sum_by(np.where(alone, n, (n > 0).astype(float)), group, n_groups)
    usable = (ng > 0) & (nr > 0)
    out = _finish(diff, total, big_n, clusters, group_clusters, confidence)
    return ClusteredDifference(*(np.where(usable, x, np.nan) for x in out[:5]), clusters, group_clusters)


def clusterable(result: ClusteredDifference, min_clusters: int = MIN_CLUSTERS,
                min_group_clusters: int = MIN_GROUP_CLUSTERS) -> np.ndarray:
    """Where a :func:`cluster_difference` can be trusted: at least ``min_clusters`` clusters in all,
    at least ``min_group_clusters`` in the group, and a standard error above 0 (the answers vary)."""
    return ((result.clusters >= min_clusters) & (result.group_clusters >= min_group_clusters)
            & (result.se > 0) & np.isfinite(result.p_value))


def paired_difference(k1, n1, k2, n2, pairs, both, first, second, *, confidence: float = 0.95) -> ClusteredDifference:
    """p2 − p1 between two waves where some people answered both, with the pairing in its variance.

    Parameters
    ----------
    k1, n1, k2, n2 : favourable answers and answers in the earlier and the later wave.
    pairs : people who answered in both (counted in n1 and in n2); ``both`` of them favourable in
        both waves, ``first`` favourable in the earlier wave, ``second`` in the later one.

    The variance is v1 + v2 − 2·Cov, Cov = Σ over paired people of (y1 − p1)(y2 − p2) / (n1·n2)
    with v = p(1 − p)/n, times the CR1 factor: the cluster-robust variance of the regression on the
    two waves stacked with people as clusters (G = n1 + n2 − pairs of them). Without pairs it is
    the unpooled variance of two independent shares (times the factor). t with G − 1 degrees of
    freedom, as :func:`cluster_difference`.

    Ten people answered both of two waves of 12 and 10, six of them yes both times:

    >>> result = paired_difference(5, 12, 8, 10, pairs=10, both=6, first=6, second=8)
    >>> [round(float(x), 4) for x in (result.diff, result.se, result.p_value)]
    [0.3833, 0.1365, 0.017]
    """
    k1, n1, k2, n2, pairs, both, first, second = (np.asarray(x, dtype=float)
                                                  for x in (k1, n1, k2, n2, pairs, both, first, second))
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = k1 / n1, k2 / n2
        cov = both - p2 * first - p1 * second + p1 * p2 * pairs  # sum of (y1 - p1)(y2 - p2) over pairs
        total = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2 - 2 * cov / (n1 * n2)
    out = _finish(p2 - p1, total, n1 + n2, n1 + n2 - pairs, n2, confidence)
    usable = (n1 > 0) & (n2 > 0)
    return ClusteredDifference(*(np.where(usable, x, np.nan) for x in out[:5]), out.clusters, out.group_clusters)


def clustered_slope(k, n, x, starts, pair_rows, pair_moments, people, *, confidence: float = 0.95) -> ClusteredDifference:
    """The least-squares line through each run's answers over time (as
    :func:`cxcommit.stats.trend.share_slope`) with people as clusters: the slope's CR1 variance adds to
    the answers' own squared residuals twice the cross products of each person's residuals in two waves.

    Parameters
    ----------
    k, n, x : favourable answers, answers and time of each row (a wave of one line); runs of rows
        beginning at ``starts``, one line each.
    pair_rows : (earlier, later) row positions of two waves of one run, for every such pair.
    pair_moments : (pairs, both, first, second) for each pair of rows, as :func:`paired_difference`.
    people : different people per run (G), each counted once however many waves they answered.

    Returns :class:`ClusteredDifference` per run: ``diff`` the slope per unit of ``x``; t with G − 1
    degrees of freedom; NaN for a run with a single time or fewer than three answers.
    """
    k, n, x, people = (np.asarray(values, dtype=float) for values in (k, n, x, people))
    starts = np.asarray(starts, dtype=np.int64)
    run = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(k)]))
    x = x - x[starts][run]  # times from each line's first
    w, wx, wy, wxx, wxy = (np.add.reduceat(values, starts) for values in (n, n * x, k, n * x * x, k * x))
    earlier, later = (np.asarray(rows, dtype=np.int64) for rows in pair_rows)
    pairs, both, first, second = (np.asarray(values, dtype=float) for values in pair_moments)
    with np.errstate(invalid="ignore", divide="ignore"):
        sxx = wxx - wx**2 / w
        slope = np.where(sxx > 1e-12 * np.maximum(wxx, 1), (wxy - wx * wy / w) / sxx, np.nan)
        fitted = ((wy - slope * wx) / w)[run] + slope[run] * x
        centred = x - (wx / w)[run]
        own = np.add.reduceat(centred**2 * (k * (1 - fitted) ** 2 + (n - k) * fitted**2), starts)
        # sum over people in both waves of their residuals' product: (y1 - f1)(y2 - f2)
        products = both - fitted[later] * first - fitted[earlier] * second + fitted[earlier] * fitted[later] * pairs
        cross = np.bincount(run[earlier], weights=centred[earlier] * centred[later] * products, minlength=len(starts))
        total = (own + 2 * cross) / sxx**2
    out = _finish(slope, total, w, people, w, confidence)
    usable = (w > 2) & ~np.isnan(slope)
    return ClusteredDifference(*(np.where(usable, values, np.nan) for values in out[:5]), out.clusters, out.group_clusters)

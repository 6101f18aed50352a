"""The difference of two shares: the Miettinen–Nurminen score test and interval
(cxcommit.stats.difference) against statsmodels, and the interval agreeing with the test."""
import warnings

import numpy as np
import pytest
from scipy import optimize
from hypothesis import given, settings, strategies as st
from statsmodels.stats import proportion as sm_proportion

from cxcommit.stats.difference import restricted_shares, score_difference

# The p-value of "no difference" against statsmodels 0.15 (its restricted shares at d = 0 are the
# pooled share, which is right). Its score interval is not used as a reference: its cubic has count0
# where nobs0 belongs (an open report against statsmodels), so the limits are checked against the
# likelihood maximised numerically (scipy.optimize.minimize_scalar) instead.
# (k1, n1, k2, n2) -> p from test_proportions_2indep(k1, n1, k2, n2, method="score", compare="diff").pvalue
P_REFERENCES = [((30, 50, 20, 60), 0.005367950506863102), ((49, 50, 30, 60), 2.914083761016286e-08),
                ((7, 34, 1, 34), 0.02498393)]


@pytest.mark.parametrize("counts, p_value", P_REFERENCES)
def test_p_value_matches_statsmodels_score_test(counts, p_value):
    assert score_difference(*([c] for c in counts)).p_value[0] == pytest.approx(p_value, rel=1e-6)


def test_interval_near_the_published_miettinen_nurminen_interval():
    # Fagerland, Lydersen & Laake (2017), Statistical Analysis of Contingency Tables, 7/34 vs 1/34:
    # Miettinen-Nurminen 0.028 to 0.340 without the N/(N-1) factor; with it (as here) a little wider
    result = score_difference([7], [34], [1], [34])
    assert 0.026 < result.low[0] < 0.028 and 0.340 < result.high[0] < 0.35


def _sm_p(k1, n1, k2, n2):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm_proportion.test_proportions_2indep(k1, n1, k2, n2, method="score", compare="diff").pvalue


def _likelihood_z(k1, n1, k2, n2, d):
    """z(d) with the restricted shares found by maximising the likelihood numerically (scipy)."""
    def minus_log_likelihood(r2):
        r1 = r2 + d
        terms = [(k1, r1), (n1 - k1, 1 - r1), (k2, r2), (n2 - k2, 1 - r2)]
        return -sum(count * np.log(max(share, 1e-300)) for count, share in terms if count)
    bounds = (max(0, -d), min(1, 1 - d))
    found = optimize.minimize_scalar(minus_log_likelihood, bounds=bounds, method="bounded", options={"xatol": 1e-13}).x
    r2 = min((found, *bounds), key=minus_log_likelihood)  # the bounded search stops short of a maximum on an edge
    r1 = r2 + d
    variance = (r1 * (1 - r1) / n1 + r2 * (1 - r2) / n2) * (n1 + n2) / (n1 + n2 - 1)
    return (k1 / n1 - k2 / n2 - d) / np.sqrt(variance), r2


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 60), st.integers(1, 3000), st.data())
def test_p_value_matches_statsmodels_and_limits_are_where_the_score_test_reaches_alpha(n1, n2, data):
    k1, k2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    result = score_difference([k1], [n1], [k2], [n2])
    expected = _sm_p(k1, n1, k2, n2)
    if not np.isnan(expected):  # statsmodels gives NaN where both sides are all yes or all no
        assert result.p_value[0] == pytest.approx(expected, rel=1e-9, abs=1e-300)
    for limit, z in ((result.low[0], 1.959963984540054), (result.high[0], -1.959963984540054)):  # scipy.stats.norm.ppf(0.975)
        if -1 + 1e-9 < limit < 1 - 1e-9:
            assert _likelihood_z(k1, n1, k2, n2, limit)[0] == pytest.approx(z, abs=1e-4)  # the optimiser stops at 1e-13 in a share


@pytest.mark.parametrize("counts", [(30, 50, 20, 60), (3, 8, 200, 250), (1, 2, 0, 1), (0, 5, 40, 41)])
@pytest.mark.parametrize("d", [-0.9, -0.5, 0.0, 0.2, 0.6])
def test_restricted_shares_maximise_the_likelihood(counts, d):
    k1, n1, k2, n2 = (np.array([float(c)]) for c in counts)
    if not max(0, -d) <= min(1, 1 - d):
        return
    r1, r2 = restricted_shares(k1, n1, k2, n2, np.array([d]))
    assert r2[0] == pytest.approx(_likelihood_z(*counts, d)[1], abs=1e-6)
    assert r1[0] - r2[0] == pytest.approx(d, abs=1e-12)


def test_interval_excludes_zero_exactly_when_p_is_below_alpha():
    rng = np.random.default_rng(3)
    n1, n2 = rng.integers(1, 60, 20000), rng.integers(1, 3000, 20000)
    k1, k2 = rng.integers(0, n1 + 1), rng.integers(0, n2 + 1)
    for confidence in (0.9, 0.95, 0.99):
        result = score_difference(k1, n1, k2, n2, confidence)
        excludes = (result.low > 0) | (result.high < 0)
        near = np.abs(result.p_value - (1 - confidence)) < 1e-9  # on the edge, either is right
        assert ((excludes == (result.p_value < 1 - confidence)) | near).all()
        assert (result.low <= result.diff).all() and (result.diff <= result.high).all()


def test_edge_cases_all_or_nothing_and_empty_sides():
    result = score_difference([0, 5, 0, 3, 2], [5, 5, 5, 0, 4], [0, 7, 7, 1, 0], [7, 7, 7, 2, 0])
    assert result.p_value[:2].tolist() == [1.0, 1.0]  # no difference, nothing to test
    assert result.low[0] < 0 < result.high[0] and result.low[1] < 0 < result.high[1]
    assert result.diff[2] == -1 and result.low[2] == -1 and result.p_value[2] < 0.001
    assert np.isnan([result.diff[3], result.low[3], result.p_value[4]]).all()  # a side without answers


def test_shapes_broadcast():
    result = score_difference(np.array([[3, 4], [5, 6]]), 10, np.array([[30], [40]]), 100)
    assert result.p_value.shape == (2, 2)

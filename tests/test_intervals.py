"""Intervals against statsmodels, and their invariants."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from cxcommit.errors import SettingsError
from cxcommit.stats.intervals import CI_METHODS, proportion_interval

# Reference values from statsmodels 0.15.0:
#   from statsmodels.stats.proportion import proportion_confint
#   proportion_confint(k, n, alpha=0.05, method="wilson" | "beta" | "agresti_coull")
REFERENCES = [
    ("wilson", 8, 10, 0.95, 0.49016247153664183, 0.9433178485456247),
    ("wilson", 0, 10, 0.95, 0.0, 0.27753279986288926),
    ("wilson", 10, 10, 0.95, 0.7224672001371106, 1.0),
    ("wilson", 321, 827, 0.95, 0.3555261975092487, 0.4218079761337095),
    ("wilson", 3, 7, 0.90, 0.186443190363956, 0.7105229089864071),
    ("clopper_pearson", 8, 10, 0.95, 0.4439045376923585, 0.9747892736731666),
    ("clopper_pearson", 0, 10, 0.95, 0.0, 0.30849710781876083),
    ("agresti_coull", 8, 10, 0.95, 0.47936759056615064, 0.9541127295161159),
]


@pytest.mark.parametrize("method, k, n, confidence, low, high", REFERENCES)
def test_matches_statsmodels(method, k, n, confidence, low, high):
    got_low, got_high = proportion_interval([k], [n], method=method, confidence=confidence)
    assert got_low[0] == pytest.approx(low, abs=1e-12)
    assert got_high[0] == pytest.approx(high, abs=1e-12)


def test_matches_statsmodels_over_a_grid():
    from statsmodels.stats.proportion import proportion_confint

    sm_names = {"wilson": "wilson", "clopper_pearson": "beta", "agresti_coull": "agresti_coull"}
    ks, ns = np.meshgrid(np.arange(0, 40), np.arange(1, 40))
    mask = ks <= ns
    k, n = ks[mask], ns[mask]
    for method, sm in sm_names.items():
        low, high = proportion_interval(k, n, method=method)
        ref_low, ref_high = proportion_confint(k, n, alpha=0.05, method=sm)
        np.testing.assert_allclose(low, np.clip(ref_low, 0, 1), atol=1e-10)
        np.testing.assert_allclose(high, np.clip(ref_high, 0, 1), atol=1e-10)


def test_empty_group_has_no_interval():
    low, high = proportion_interval([0], [0])
    assert np.isnan(low[0]) and np.isnan(high[0])


def test_unknown_method_lists_the_valid_ones():
    with pytest.raises(SettingsError) as caught:
        proportion_interval([1], [2], method="wald")
    assert caught.value.hint == "Use one of: wilson, clopper_pearson, agresti_coull."


@given(n=st.integers(1, 100_000), data=st.data(), method=st.sampled_from(list(CI_METHODS)),
       confidence=st.floats(0.5, 0.999))
def test_interval_contains_the_share(n, data, method, confidence):
    k = data.draw(st.integers(0, n))
    low, high = proportion_interval([k], [n], method=method, confidence=confidence)
    p = k / n
    assert 0 <= low[0] <= p + 1e-12 and p - 1e-12 <= high[0] <= 1

"""Trends over waves: the slope of a share with its interval, against statsmodels on the answers
themselves, and the columns that say which wave a change is from."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from cxcommit import Settings
from cxcommit.analyses.trends import trends, wave_times
from cxcommit.privacy.view import view
from cxcommit.stats.trend import share_slope


def _answers(k, n, x):
    y = np.concatenate([np.r_[np.ones(int(a)), np.zeros(int(b - a))] for a, b in zip(k, n)])
    t = np.concatenate([np.full(int(b), float(v)) for b, v in zip(n, x)])
    return y, t


@pytest.mark.parametrize("k, n, x", [
    ([20, 25, 40], [100, 90, 120], [2025.0, 2025.25, 2026.0]),  # uneven spacing
    ([3, 9, 4, 12], [10, 15, 12, 20], [0, 1, 2, 3]),
    ([0, 5], [8, 5], [0, 1]),  # all or nothing in a wave
])
def test_slope_and_interval_match_statsmodels_ols_hc1_on_the_answers(k, n, x):
    y, t = _answers(k, n, x)
    fit = sm.OLS(y, sm.add_constant(t)).fit(cov_type="HC1")  # statsmodels: the reference
    low, high = fit.conf_int(alpha=0.05)[1]
    slope, ours_low, ours_high = share_slope(k, n, x, [0])
    assert slope[0] == pytest.approx(fit.params[1], rel=1e-10)
    assert (ours_low[0], ours_high[0]) == pytest.approx((low, high), rel=1e-8)


def test_several_lines_at_once_and_one_wave_has_no_slope():
    k, n, x = [20, 25, 40, 5, 7], [100, 90, 120, 30, 30], [0, 1, 2, 0, 0]
    slope, low, high = share_slope(k, n, x, [0, 3])
    alone, _, _ = share_slope(k[:3], n[:3], x[:3], [0])
    assert slope[0] == pytest.approx(alone[0]) and np.isnan([slope[1], low[1], high[1]]).all()


def test_wave_times_count_quarters_as_time(demo):
    times, per = wave_times(demo)
    assert per == "year" and np.diff(times) == pytest.approx(0.25, abs=0.01)


def test_change_names_the_wave_it_is_from_when_a_wave_is_skipped(demo):
    waves = list(demo.frame["wave"].cat.categories)
    without = view(demo, wave=[w for w in waves if w != waves[-2]])
    table = trends(without, "division", items=["sign_7"])
    last = table[table["wave"] == waves[-1]]
    assert set(last["prev_wave"]) == {waves[-3]}  # the hidden wave is skipped, and the table says so


def test_trend_family_is_the_breakdown_whatever_items_are_asked(demo):
    whole = trends(demo, "division")
    alone = trends(demo, "division", items=["sign_7"])
    pd.testing.assert_frame_equal(alone, whole[whole["item"] == "sign_7"].reset_index(drop=True))
    moved = whole["change_prev_significant"].to_numpy(dtype=bool)
    assert (whole.loc[moved, "change_prev_p_holm"] < 0.05).all()
    assert (whole.loc[moved, "change_prev"].abs() >= Settings().min_difference).all()
    marked = whole[moved]
    assert ((marked["change_prev_low"] > 0) | (marked["change_prev_high"] < 0)).all()

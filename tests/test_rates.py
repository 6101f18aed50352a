"""Rates against the rest of the organisation, adjustment, and complementary suppression."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from hypothesis import given, settings as hsettings, strategies as st

from cxcommit import Settings
from cxcommit.adjust import adjust_p
from cxcommit.privacy import complementary_suppression
from cxcommit.rates import compare_to_rest, fisher_exact_p, rates


def test_difference_to_the_rest_matches_statsmodels_z_test():
    # from statsmodels.stats.proportion import proportions_ztest
    # proportions_ztest([30, 20], [50, 60])[1] -> 0.005160770215537237
    diff, p = compare_to_rest(np.array([30.0, 20.0]), np.array([50.0, 60.0]), min_rest=5)
    assert diff[0] == pytest.approx(30 / 50 - 20 / 60)
    assert p[0] == pytest.approx(0.005160770215537237, rel=1e-12)
    assert diff[1] == pytest.approx(-diff[0]) and p[1] == pytest.approx(p[0])


def test_small_expected_counts_use_fishers_exact_test():
    # scipy.stats.fisher_exact([[2, 1], [40, 57]]).pvalue -> 0.5706493506493505
    diff, p = compare_to_rest(np.array([2.0, 40.0]), np.array([3.0, 97.0]), min_rest=3)
    assert p[0] == pytest.approx(0.5706493506493505, rel=1e-12)


def test_no_difference_when_the_rest_is_too_small_to_show():
    diff, p = compare_to_rest(np.array([40.0, 2.0]), np.array([90.0, 4.0]), min_rest=5)
    assert np.isnan(diff[0]) and np.isnan(p[0])  # the rest is the 4-person group
    assert not np.isnan(diff[1])


@pytest.mark.parametrize("method, expected", [
    # statsmodels.stats.multitest.multipletests(p, method="holm" | "fdr_bh")[1]
    ("holm", [0.04, 0.09, 0.09, 0.2, 0.0025]),
    ("bh", [0.025, 0.05, 0.05, 0.2, 0.0025]),
])
def test_adjustment_matches_statsmodels(method, expected):
    assert adjust_p([0.01, 0.04, 0.03, 0.2, 0.0005], method) == pytest.approx(expected, rel=1e-12)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=40), st.sampled_from(["holm", "bh", "bonferroni"]))
def test_adjusted_p_is_never_below_raw_p(p, method):
    adjusted = adjust_p(p, method)
    assert (adjusted >= np.asarray(p) - 1e-12).all() and (adjusted <= 1).all()


def test_rates_by_two_groupings(demo):
    table = rates(demo, by=["division", "role"], items=["sign_1"])
    assert {"division", "role"} <= set(table.columns)
    assert len(table) == 18 and table["group"].iloc[0] == "Commercial Banking · Executive"
    assert table["role"].tolist()[:3] == ["Executive", "Manager", "Employee"]
    shown = table[~table["suppressed"]]
    assert shown["n"].sum() <= rates(demo, items=["sign_1"])["n"].iloc[0]


def test_executives_differ_significantly_from_the_rest(demo):
    table = rates(demo, by="role", items=["sign_1"]).set_index("group")
    assert table.at["Executive", "diff"] > 0.1 and bool(table.at["Executive", "significant"])


def _has_lonely_suppressed_cell(table, columns):
    for _, part in table.groupby(columns, observed=True):
        if len(part) >= 2 and part["suppressed"].sum() == 1:
            return True
    return False


@hsettings(deadline=None, max_examples=25)
@given(st.integers(3, 40))
def test_no_sibling_set_has_exactly_one_suppressed_cell(demo, minimum):
    settings = Settings(min_group_size=minimum)
    one_way = rates(demo, by="business_unit", items=["sign_7", "nps"], settings=settings)
    assert not _has_lonely_suppressed_cell(one_way, ["item"])
    assert not _has_lonely_suppressed_cell(one_way, ["item", "division"])
    two_way = rates(demo, by=["business_unit", "role"], items=["sign_7"], settings=settings)
    assert not _has_lonely_suppressed_cell(two_way, ["item", "business_unit"])
    assert not _has_lonely_suppressed_cell(two_way, ["item", "role"])
    for table in (one_way, two_way):
        assert (table.loc[~table["suppressed"], "n"] >= minimum).all()
        hidden = table[table["suppressed"]]
        assert hidden[["n", "k", "p", "ci_low", "ci_high", "mean", "diff", "p_value", "p_adj"]].isna().all().all()


@hsettings(deadline=None, max_examples=15)
@given(st.integers(3, 200))
def test_suppression_says_why_a_row_is_hidden(demo, minimum):
    """"small" exactly where the group has fewer answers than the minimum (its n at the lowest
    minimum, 3, with nothing hidden around it), "complementary" for the other hidden rows."""
    table = rates(demo, by="business_unit", items=["sign_7"], settings=Settings(min_group_size=minimum))
    counts = rates(demo, by="business_unit", items=["sign_7"], settings=Settings(min_group_size=3))
    assert not counts["suppressed"].any()  # the demo's smallest unit has more than 3 answers
    n = dict(zip(counts["group"], counts["n"]))
    for group, hidden, why in zip(table["group"], table["suppressed"], table["suppression"]):
        expected = "small" if n[group] < minimum else "complementary" if hidden else None
        assert (why if isinstance(why, str) else None) == expected, group


@given(st.lists(st.integers(0, 30), min_size=1, max_size=12), st.integers(3, 10))
def test_complementary_suppression_leaves_no_set_with_one_hidden_cell(sizes, minimum):
    table = pd.DataFrame({"item": "x", "n": sizes})
    flags = complementary_suppression(table, table["n"].to_numpy() < minimum, [["item"]])
    assert flags.sum() != 1 or len(sizes) == 1
    assert (flags | (table["n"].to_numpy() >= minimum)).all()  # every small cell stays hidden


def test_adding_an_empty_unit_changes_no_other_row(demo):
    from dataclasses import replace

    responses = demo.responses.copy()
    responses["business_unit"] = responses["business_unit"].cat.add_categories(["Ghost Unit"])
    with_ghost = replace(demo, frame=responses, cache={})
    before = rates(demo, by="business_unit")
    after = rates(with_ghost, by="business_unit")
    pd.testing.assert_frame_equal(before, after)


@hsettings(deadline=None, max_examples=200)
@given(st.integers(1, 80), st.integers(1, 80), st.data())
def test_fisher_exact_p_matches_scipy_on_any_table(n1, n2, data):
    k1, k2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    expected = stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue  # scipy.stats.fisher_exact, two-sided
    assert fisher_exact_p([k1], [n1], [k2], [n2])[0] == pytest.approx(expected, rel=1e-12, abs=1e-300)

"""Robust rankings: shrunken estimates, bias-corrected between-group variance, ties named as ties."""
import numpy as np
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from cxcommit.analyses.commitment import commitment_index
from cxcommit.stats.shrinkage import dersimonian_laird, difference_sd, shrink, tied_with_extreme

Y = np.array([0.62, 0.71, 0.55, 0.80, 0.48, 0.66])
V = np.array([0.004, 0.010, 0.006, 0.020, 0.008, 0.005])


# --- shrinkage ------------------------------------------------------------------------------------

def test_dersimonian_laird_matches_statsmodels():
    tau2, mean, mean_var, groups = dersimonian_laird(Y, V)
    # r = statsmodels.stats.meta_analysis.combine_effects(Y, V, method_re="dl")
    # r.tau2, r.mean_effect_re, r.sd_eff_w_re ** 2
    # -> (0.0014081151832459177, 0.6175012278699328, 0.0013954671487819773)
    assert tau2[0] == pytest.approx(0.0014081151832459177, rel=1e-10)
    assert mean[0] == pytest.approx(0.6175012278699328, rel=1e-10)
    assert mean_var[0] == pytest.approx(0.0013954671487819773, rel=1e-10)
    assert groups[0] == 6


def _henderson(y, v, tau2):
    """Henderson's (1975) mixed model equations for y = μ + u + e, u ~ N(0, τ² I), e ~ N(0, diag v):
    the BLUP of μ + u_g and the prediction error covariance of (μ + u), from the inverse of the
    coefficient matrix — a computation independent of the shrinkage formula."""
    g = len(y)
    x, z, r_inv = np.ones((g, 1)), np.eye(g), np.diag(1 / v)
    lhs = np.block([[x.T @ r_inv @ x, x.T @ r_inv @ z], [z.T @ r_inv @ x, z.T @ r_inv @ z + np.eye(g) / tau2]])
    solution = np.linalg.solve(lhs, np.concatenate([x.T @ r_inv @ y, z.T @ r_inv @ y]))
    c = np.linalg.inv(lhs)
    contrast = np.hstack([np.ones((g, 1)), np.eye(g)])  # θ_g = μ + u_g
    return contrast @ solution, contrast @ c @ contrast.T


def test_shrunken_estimates_and_variances_match_henderson_mixed_model_equations():
    fit = shrink(Y, V, tau_uncertainty=False)
    blup, pev = _henderson(Y, V, fit.tau2[0])
    assert fit.estimate == pytest.approx(blup, rel=1e-10)
    assert fit.sd**2 == pytest.approx(np.diag(pev), rel=1e-10)
    i, j = np.triu_indices(len(Y), 1)
    assert difference_sd(fit, i, j) ** 2 == pytest.approx(pev[i, i] + pev[j, j] - 2 * pev[i, j], rel=1e-10)
    assert np.all(difference_sd(fit, np.arange(6), np.arange(6)) == 0)


def test_morris_term_for_equal_variances_is_his_formula():
    y, v = np.array([0.3, 0.45, 0.5, 0.55, 0.7, 0.9]), np.full(6, 0.01)
    fit = shrink(y, v)
    k, b = len(y), 1 - fit.weight[0]  # Morris's B: the share pulled to the mean
    # Morris (1983), eq. 3.4: v* = V (1 − (k − 1) / k · B) + 2 / (k − 3) · B² (y − ȳ)²
    morris = 0.01 * (1 - (k - 1) / k * b) + 2 / (k - 3) * b**2 * (y - y.mean()) ** 2
    assert fit.sd**2 == pytest.approx(morris, rel=1e-10)
    assert fit.estimate == pytest.approx(y.mean() + (1 - b) * (y - y.mean()), rel=1e-10)


def test_families_are_shrunk_apart_in_one_call():
    other = np.array([0.1, 0.3, 0.2, 0.25])
    both = shrink(np.r_[Y, other], np.r_[V, np.full(4, 0.003)], np.r_[np.zeros(6), np.ones(4)].astype(int))
    first, second = shrink(Y, V), shrink(other, np.full(4, 0.003))
    assert both.estimate == pytest.approx(np.r_[first.estimate, second.estimate], rel=1e-12)
    assert both.sd == pytest.approx(np.r_[first.sd, second.sd], rel=1e-12)


def test_no_heterogeneity_pulls_everyone_to_the_mean_and_nan_rows_stay_out():
    fit = shrink([0.5, 0.52, np.nan, 0.49], [0.01, 0.01, 0.01, 0.01])
    assert fit.tau2[0] == 0 and np.isnan(fit.estimate[2])
    assert fit.estimate[[0, 1, 3]] == pytest.approx(np.full(3, np.mean([0.5, 0.52, 0.49])))
    lone = shrink([0.7], [0.01])  # one group: nothing to borrow from
    assert lone.estimate[0] == 0.7 and lone.sd[0] == pytest.approx(0.1)


def test_a_family_with_no_group_taking_part_has_no_mean_and_raises_no_warning():
    """An item whose every group is hidden (Google Forms by wave: one question answered by 8, all
    under the minimum) is a family with no rows: its mean and the mean's variance are undefined
    (NaN), not 1 / 0, and the other families are shrunk as if it were not there."""
    import warnings

    y, v = np.array([0.2, 0.5, 0.6, np.nan, np.nan]), np.array([0.01, 0.01, 0.02, 0.01, 0.01])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tau2, mean, mean_var, groups = dersimonian_laird(y, v, [0, 0, 0, 1, 1])
        fit = shrink(y, v, [0, 0, 0, 1, 1])
    assert groups.tolist() == [3, 0] and np.isnan([tau2[1], mean[1], mean_var[1]]).all()
    alone = shrink(y[:3], v[:3])
    np.testing.assert_allclose(fit.estimate[:3], alone.estimate)
    np.testing.assert_allclose(fit.sd[:3], alone.sd)
    assert np.isnan(fit.estimate[3:]).all() and np.isnan(fit.sd[3:]).all()


def test_ties_are_the_rows_inside_the_extremes_interval():
    estimate, low, high = np.array([0.4, 0.42, 0.6, np.nan]), np.array([0.3, 0.35, 0.5, np.nan]), np.array(
        [0.5, 0.5, 0.7, np.nan])
    assert tied_with_extreme(estimate, low, high, lowest=True).tolist() == [True, True, False, False]
    assert tied_with_extreme(estimate, low, high, lowest=False).tolist() == [False, False, True, False]


# --- variation ------------------------------------------------------------------------------------

def _answers(demo, item):
    values = demo.frame[[item, "business_unit"]].copy()
    values = values[values[item].notna()]
    return values.assign(y=(values[item] == 1).astype(float), g=values["business_unit"].astype(str))


def test_omega_squared_matches_statsmodels_anova(demo):
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    from cxcommit.analyses.variation import variation

    row = variation(demo, items=["sign_5"]).iloc[0]
    anova = sm.stats.anova_lm(smf.ols("y ~ C(g)", _answers(demo, "sign_5")).fit())
    ssb, ssw = anova["sum_sq"].to_numpy()
    groups, msw = anova["df"].iat[0] + 1, anova["mean_sq"].iat[1]
    # sm.stats.anova_lm(smf.ols("y ~ C(g)", answers).fit()): SSB 95.540686, SSW 1218.173654, df 29 and 5249
    # -> ω² = (SSB − 29 MSW) / (SST + MSW) = 0.06759061356608255
    assert row["omega_sq"] == pytest.approx((ssb - (groups - 1) * msw) / (ssb + ssw + msw), rel=1e-9)
    assert row["omega_sq"] == pytest.approx(0.06759061356608255, rel=1e-9)
    assert row["omega_sq"] < row["between_share"]


def test_between_sd_is_the_dersimonian_laird_tau_of_the_group_shares(demo):
    from statsmodels.stats.meta_analysis import combine_effects

    from cxcommit.analyses.variation import variation

    answers = _answers(demo, "sign_5")
    shares = answers.groupby("g")["y"].agg(["mean", "count"])
    pooled = answers["y"].mean()
    result = combine_effects(shares["mean"].to_numpy(), (pooled * (1 - pooled) / shares["count"]).to_numpy(),
                             method_re="dl")
    # numpy.sqrt(combine_effects(shares, pooled * (1 - pooled) / n, method_re="dl").tau2) -> 0.13173810976226183
    assert variation(demo, items=["sign_5"])["between_sd"].iat[0] == pytest.approx(np.sqrt(result.tau2), rel=1e-9)
    assert np.sqrt(result.tau2) == pytest.approx(0.13173810976226183, rel=1e-9)


def test_spread_from_chance_alone_ranks_near_zero_while_eta_squared_does_not():
    from cxcommit.analyses.variation import _spread

    rng = np.random.default_rng(14)
    n = np.full(64, 14.0)
    k = rng.binomial(14, 0.6, size=64).astype(float)  # 64 groups with one true share
    row = _spread(k, n, np.array([f"Unit {i}" for i in range(64)], dtype=object))
    assert row["between_share"] > 0.04  # η² near its chance level (G − 1) / (N − 1) = 0.07
    assert row["omega_sq"] < 0.02 and row["between_sd"] < 0.05


def test_groups_tied_at_an_end_are_named_as_ties():
    from cxcommit.analyses.variation import _spread, explain

    names = np.array(["Unit A", "Unit B", "Unit C", "Unit D"], dtype=object)
    row = _spread(np.array([5.0, 10, 3, 8]), np.array([5.0, 10, 9, 8]), names)
    assert (row["highest"], row["n_highest"]) == ("Unit A, Unit B and Unit D", 3)
    assert (row["lowest"], row["n_lowest"]) == ("Unit C", 1)
    words = explain({"label": "Sign", **row, "p_adj": 0.5}, groups="units")
    assert "to 100% (3 units tied: Unit A, Unit B and Unit D)" in words and "from 33% (Unit C)" in words


@pytest.mark.parametrize(("groups", "said"), [("units", "a unit"), ("regions", "a region"),
                                               ("groups by “Which character shot first?”",
                                                "a group by “Which character shot first?”")])
def test_the_variation_line_names_the_groups_compared(groups, said):
    """No "unit" on a survey grouped by region; a question ending in "?" is quoted before its colon."""
    from cxcommit.analyses.variation import explain

    row = {"label": "Are you a fan of the franchise?", "n_groups": 3, "min_p": 0.2, "max_p": 0.4, "lowest": "A",
           "n_lowest": 1, "highest": "B", "n_highest": 1, "p_adj": 0.5, "method": "chi-square"}
    words = explain(row, groups=groups)
    assert words.startswith("“Are you a fan of the franchise?”: from") and "?:" not in words
    assert words.endswith(f"do not single out {said} on this item.")
    assert explain({**row, "label": "Pay tied to CX"}, groups=groups).startswith("Pay tied to CX: from")


# --- extremes: best, furthest, most improved ----------------------------------------------------

def _reference_shrinkage(y, v):
    """Shrunken estimates from statsmodels' DL fit and the normal–normal posterior mean."""
    from statsmodels.stats.meta_analysis import combine_effects

    fit = combine_effects(y, v, method_re="dl")
    weight = fit.tau2 / (fit.tau2 + v)
    return fit.mean_effect_re + weight * (y - fit.mean_effect_re)


def test_the_best_group_is_chosen_on_shrunken_shares_not_on_a_small_lucky_group(demo):
    from cxcommit.analyses.gaps import gap_to_best

    table = gap_to_best(demo, "business_unit", items=["sign_7"])
    shown = table[~table["suppressed"]]
    k, n = (shown["p"] * shown["n"]).to_numpy(dtype=float).round(), shown["n"].to_numpy(dtype=float)
    pooled = (k.sum() + 0.5) / (n.sum() + 1)
    reference = _reference_shrinkage(k / n, pooled * (1 - pooled) / n)
    assert shown["p_shrunk"].to_numpy() == pytest.approx(reference, rel=1e-9)
    raw_top = shown.loc[shown["p"].astype(float).idxmax()]
    assert (raw_top["group"], int(raw_top["n"])) == ("Branches South", 88)  # highest observed: 43 % of 88
    assert table["best_group"].iat[0] == shown.loc[shown["p_shrunk"].idxmax(), "group"] == "Customer Platforms"
    assert table["n_best_tied"].iat[0] == 8 and table["best_tied"].iat[0].startswith("Customer Platforms, ")
    assert (shown["gap"] >= 0).all()
    assert shown["gap"].to_numpy() == pytest.approx(shown["best_shrunk"] - shown["p_shrunk"])
    others = shown[shown["group"] != shown["best_group"]]
    assert ((others["ci_low"] < others["gap"]) & (others["gap"] < others["ci_high"])).all()
    south = others.set_index("group").loc["Branches South"]
    assert south["ci_low"] < 0 < south["ci_high"]  # tied with the best: its gap may be nothing


def test_the_furthest_unit_is_named_on_its_shrunken_mean_with_an_interval(demo):
    from scipy import stats

    from cxcommit.analyses.findings import findings

    index = commitment_index(demo, "business_unit")
    shown = index[~index["suppressed"]]
    mean, n = shown["mean_signs"].to_numpy(dtype=float), shown["n"].to_numpy(dtype=float)
    se = (shown["mean_ci_high"].to_numpy(dtype=float) - mean) / stats.t.ppf(0.975, n - 1)
    reference = _reference_shrinkage(mean, se**2)
    row = findings(demo).set_index("kind").loc["furthest_unit"]
    assert row["value"] == pytest.approx(reference.min(), rel=1e-9)
    assert row["group"] == shown["group"].iat[int(np.argmin(reference))] == "Procurement"
    assert row["headline"] == ("Procurement is furthest from full commitment: about 1.8 of 8 signs on average "
                               "(likely 1.6 to 2.0)")


def _planted(units: int = 12, size: int = 60, before: float = 0.25, after: float = 0.85, seed: int = 3):
    """A survey of ``units`` alike units in two waves, but Unit 00 moves from ``before`` to ``after`` on sign 1."""
    import pandas as pd

    from cxcommit import load_survey

    rng = np.random.default_rng(seed)
    rows = []
    for wave in ("2025-Q1", "2025-Q2"):
        for unit in range(units):
            for person in range(size):
                row = {"respondent_id": f"{wave}-{unit}-{person}", "wave": wave, "business_unit": f"Unit {unit:02d}"}
                for sign in range(1, 9):
                    share = (before if wave == "2025-Q1" else after) if (sign, unit) == (1, 0) else 0.5
                    row[f"sign_{sign}"] = "Yes" if rng.random() < share else "No"
                rows.append(row)
    return load_survey(pd.DataFrame(rows).to_csv(index=False).encode(), name="planted.csv")


def test_the_mover_is_the_largest_shrunken_change_and_alike_units_have_no_furthest():
    from cxcommit.analyses.findings import findings
    from cxcommit.analyses.trends import trends

    survey = _planted()
    table = findings(survey).set_index("kind")
    move = trends(survey, "business_unit", items=["sign_1"])
    last = move[move["wave"] == "2025-Q2"].set_index("group")
    first = move[move["wave"] == "2025-Q1"].set_index("group")
    k, n, k0, n0 = (frame[c].to_numpy(dtype=float) for frame, c in ((last, "k"), (last, "n"), (first, "k"),
                                                                     (first, "n")))
    pooled = (k + k0 + 0.5) / (n + n0 + 1)
    reference = _reference_shrinkage(k / n - k0 / n0, pooled * (1 - pooled) * (1 / n + 1 / n0))
    assert table.loc["mover", "group"] == "Unit 00" and table.loc["mover", "item"] == "sign_1"
    assert table.loc["mover", "value"] == pytest.approx(reference[0], rel=1e-9)
    assert table.loc["mover", "value"] < last.loc["Unit 00", "change_prev"]  # pulled toward the other units
    assert table.loc["mover", "headline"].startswith("Unit 00: “CX on the executive agenda” moved about +35 points "
                                                     "since 2025-Q1 (likely +14 to +55 points)")
    # twelve alike units: none is named furthest from full commitment
    assert table.loc["furthest_unit", "headline"].startswith("No unit stands out as furthest from full commitment: "
                                                             "all 12 are too close to tell apart")
    assert np.isnan(table.loc["furthest_unit", "group"])


def test_a_change_whose_estimate_may_be_nothing_is_no_mover():
    from cxcommit.analyses.findings import _mover
    from cxcommit.analyses.trends import trends
    from cxcommit.settings import Settings

    # four units of 100, one moving from 30 % to 60 %: the change holds after Holm, but with four
    # units Morris's term for estimating τ² widens the estimate's interval across 0
    survey = _planted(units=4, size=100, before=0.3, after=0.6, seed=1)
    moves = trends(survey, "business_unit")
    last = moves[moves["wave"] == "2025-Q2"]
    assert last["change_prev_significant"].astype(bool).sum() == 1
    sign_1 = last[last["item"] == "sign_1"]
    k, n = sign_1["k"].to_numpy(dtype=float), sign_1["n"].to_numpy(dtype=float)
    before = moves[(moves["wave"] == "2025-Q1") & (moves["item"] == "sign_1")]
    k0, n0 = before["k"].to_numpy(dtype=float), before["n"].to_numpy(dtype=float)
    pooled = (k + k0 + 0.5) / (n + n0 + 1)
    fit = shrink(k / n - k0 / n0, pooled * (1 - pooled) * (1 / n + 1 / n0))
    assert fit.low[0] < 0 < fit.high[0]
    assert _mover(survey, None, by="business_unit", focus=None, settings=Settings()) is None


def test_the_weakest_item_compares_only_items_whose_favourable_means_the_same():
    from conftest import REALDATA

    from cxcommit import load_survey
    from cxcommit.analyses.findings import findings
    from cxcommit.analyses.rates import rates_table

    survey = load_survey(REALDATA / "carpentries_instructor_training_post2018.csv")
    overall = rates_table(survey)
    lowest = overall.loc[overall["p"].astype(float).idxmin(), "item"]
    assert survey.item(lowest).scale.points == 3  # top-1 box of a 3-point scale: not comparable
    row = findings(survey).set_index("kind").loc["weakest_sign"]
    assert survey.item(row["item"]).scale.points == 5
    # the latest wave, as the favourable bar per item the finding links to
    assert row["headline"] == ("Weakest in 2018-Q3: “New information” — only 38% answer 4–5 (the weakest of the 14 "
                               "items on the 5-point scale)")


@hsettings(deadline=None, max_examples=50)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0.001, 0.1)), min_size=2, max_size=30), st.randoms())
def test_each_estimate_lies_between_its_observation_and_the_mean_whatever_the_row_order(rows, rng):
    y, v = (np.array(column) for column in zip(*rows))
    fit = shrink(y, v)
    low, high = np.minimum(y, fit.mean[0]), np.maximum(y, fit.mean[0])
    assert np.all((fit.estimate >= low - 1e-12) & (fit.estimate <= high + 1e-12))
    assert np.all((fit.weight >= 0) & (fit.weight <= 1) & (fit.sd > 0))
    order = list(range(len(y)))
    rng.shuffle(order)
    again = shrink(y[order], v[order])
    assert again.estimate == pytest.approx(fit.estimate[order], rel=1e-9, abs=1e-12)

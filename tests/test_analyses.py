"""Commitment index, variation, gaps, trends, pay alignment and findings: reference values and invariants."""
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.multitest import multipletests
from hypothesis import example, given, settings as hsettings, strategies as st
from scipy import stats

from cxcommit import Settings, apply_mapping, load_demo_metrics, load_survey, read_raw, suggest_mapping
from cxcommit.analyses.commitment import commitment_index, index_distribution, signs_met
from cxcommit.analyses.findings import findings
from cxcommit.analyses.favourability import favourability
from cxcommit.analyses.gaps import gap_to_best, gap_to_target, perception_gap
from cxcommit.analyses.pay import pay_alignment, pay_relations, relation_caveat, unit_table
from cxcommit.analyses.rates import rates
from cxcommit.analyses.trends import trends, wave_times
from cxcommit.analyses.variation import homogeneity_test, variation
from cxcommit.demo import load_demo
from cxcommit.errors import NotApplicable
from cxcommit.stats.correlation import correlation, least_squares
from conftest import REALDATA


# --- commitment index -------------------------------------------------------------------------

def test_signs_met_counts_gaps_as_not_met_and_leaves_out_who_answered_fewer_than_six(demo):
    settings = Settings(dont_know="missing")
    met = signs_met(demo, settings)
    signs = demo.frame[[f"sign_{i}" for i in range(1, 9)]]  # published: 1 yes, 0 no, -1 don't know, NaN none
    answered = (signs.notna() & (signs != -1)).sum(axis=1).to_numpy()
    # scored, but too few of their class are, so the index leaves them out (cxcommit.privacy.publish)
    left_out = demo.index_excluded("missing")
    assert not left_out[answered < 6].any() and left_out.sum() > 0
    scored = (answered >= 6) & ~left_out
    assert np.array_equal(np.isnan(met), ~scored)
    assert np.array_equal(met[scored], (signs == 1).sum(axis=1).to_numpy()[scored])  # a gap is not met
    assert ((answered >= 6) & (answered < 8)).sum() > 1000  # scored with a gap, not dropped
    # every class (people sharing all published values in a wave) has 0 or at least 5 scored
    classes = demo.frame[list(demo.groupings)].astype(str).agg("|".join, axis=1)
    per_class = pd.Series(scored).groupby(classes.to_numpy()).sum()
    assert ((per_class == 0) | (per_class >= 5)).all()


def test_the_role_comparison_keeps_staff_who_cannot_judge_a_sign(demo):
    table = commitment_index(demo, "role", settings=Settings(dont_know="missing")).set_index("group")
    lost = table["n_incomplete"] / (table["n"] + table["n_incomplete"])
    # dropping everyone with a gap lost 51 % of employees and 56 % of executives; scoring a gap as not met keeps over
    # a thousand employees who could not judge one or two signs. Left out: those whose combination of
    # attributes had a sign's answers withheld, and the classes where fewer than 5 of a sign's answers
    # would be of people the index leaves out (the rates less the index would tell them); with
    # "don't know" as missing, those are many: about a quarter of every role
    assert lost["Employee"] < 0.25 and lost["Executive"] < 0.3
    assert table.loc["Employee", "n_partial"] > 1000
    # fully committed = yes to all 8 signs, among the scored
    assert (table["k"] <= table["n"]).all() and (table["p"] == table["k"] / table["n"]).all()


def test_index_mean_interval_matches_statsmodels(demo):
    from statsmodels.stats.weightstats import DescrStatsW

    met = signs_met(demo)
    digital = (demo.responses["division"] == "Digital").to_numpy() & ~np.isnan(met)
    low, high = DescrStatsW(met[digital]).tconfint_mean(alpha=0.05)
    row = commitment_index(demo, by="division").set_index("group").loc["Digital"]
    assert (row["mean_ci_low"], row["mean_ci_high"]) == pytest.approx((low, high), rel=1e-10)
    assert row["k"] == int(np.isclose(met[digital], 8).sum()) and row["n"] == digital.sum()


@pytest.mark.parametrize("pair", [("Digital", "Operations"), ("Commercial Banking", "Wealth Management")])
def test_welch_test_from_the_index_intervals_matches_scipy_on_the_respondents(demo, pair):
    """The commitment title compares two groups' mean signs met from the index table alone."""
    from cxcommit.stats.means import standard_error, welch_test

    met = signs_met(demo)
    table = commitment_index(demo, by="division").set_index("group")
    sides = [met[(demo.responses["division"] == name).to_numpy() & ~np.isnan(met)] for name in pair]
    rows = [table.loc[name] for name in pair]
    se = [standard_error(r["mean_signs"], r["mean_ci_high"], r["n"]) for r in rows]
    diff, p = welch_test(rows[0]["mean_signs"], se[0], rows[0]["n"], rows[1]["mean_signs"], se[1], rows[1]["n"])
    reference = stats.ttest_ind(*sides, equal_var=False)  # scipy.stats.ttest_ind(digital, operations, equal_var=False)
    assert p == pytest.approx(reference.pvalue, rel=1e-8) and diff == pytest.approx(sides[0].mean() - sides[1].mean())


def test_index_needs_all_eight_signs():
    survey = load_survey(REALDATA / "surveymonkey_538_starwars.csv")
    with pytest.raises(NotApplicable) as caught:
        commitment_index(survey)
    assert caught.value.message.startswith("The commitment index needs all 8 signs; the mapping lacks sign_1")


def test_distribution_adds_up(demo):
    table = index_distribution(demo, by="division")
    shares = table.groupby("group")["share"].sum()
    assert np.allclose(shares.astype(float), 1.0)
    assert set(table["signs_met"]) == set(range(9))


def test_dont_know_as_missing_makes_more_respondents_incomplete(demo):
    default = commitment_index(demo).iloc[0]
    strict = commitment_index(demo, settings=Settings(dont_know="missing")).iloc[0]
    assert strict["n_incomplete"] > default["n_incomplete"]


# --- variation ----------------------------------------------------------------------------------

def test_homogeneity_statistic_matches_statsmodels():
    # statsmodels.stats.proportion.proportions_chisquare([10, 25, 40], [50, 60, 70])[:2]
    # -> (16.555102040816323, 0.00025415886837922664)
    statistic, dof, p, method = homogeneity_test(np.array([10.0, 25, 40]), np.array([50.0, 60, 70]))
    assert (statistic, p) == pytest.approx((16.555102040816323, 0.00025415886837922664), rel=1e-10)
    assert (dof, method) == (2, "chi-square")


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(1, 400)), min_size=2, max_size=12))
def test_homogeneity_statistic_matches_scipy_on_any_table(cells):

    n = np.array([max(a, b) for a, b in cells], dtype=float)
    k = np.array([min(a, b) for a, b in cells], dtype=float)
    statistic, dof, p, method = homogeneity_test(k, n)
    table = np.column_stack([k, n - k])
    if (table.sum(axis=0) == 0).any():
        assert (statistic, p) == (0.0, 1.0)
        return
    reference = stats.chi2_contingency(table, correction=False)
    assert statistic == pytest.approx(reference.statistic, rel=1e-9, abs=1e-9)
    assert dof == reference.dof
    if method == "chi-square":
        assert p == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-12)


def test_small_counts_use_a_seeded_monte_carlo_p():
    first = homogeneity_test(np.array([1.0, 4, 0]), np.array([5.0, 5, 6]))
    again = homogeneity_test(np.array([1.0, 4, 0]), np.array([5.0, 5, 6]))
    assert first == again and first[3] == "Monte Carlo exact" and 0 < first[2] < 1


def test_between_share_is_the_r_squared_of_unit_dummies(demo):
    import statsmodels.formula.api as smf

    table = variation(demo, items=["sign_5"])
    values = demo.frame[["sign_5", "business_unit"]].copy()
    values = values[values["sign_5"].notna()]
    values["yes"] = (values["sign_5"] == 1).astype(float)
    values["business_unit"] = values["business_unit"].astype(str)
    r2 = smf.ols("yes ~ C(business_unit)", data=values).fit().rsquared
    assert table["between_share"].iat[0] == pytest.approx(r2, rel=1e-9)
    # every published unit takes part: 29 units on their own and "Other units" (no tiny unit)
    assert table["n_groups"].iat[0] == values["business_unit"].nunique() == 29 + 1
    assert "Innovation Lab" not in set(values["business_unit"])


def test_variation_is_ranked_and_planted_spread_is_found(demo):
    table = variation(demo)
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert table["omega_sq"].is_monotonic_decreasing  # ranked net of chance, not on η²
    assert table["item"].iat[0] == "prac_measures" and bool(table["significant"].iat[0])


# --- gaps ---------------------------------------------------------------------------------------

def test_perception_gap_finds_the_planted_units(demo):
    table = perception_gap(demo)
    mean_gap = table[~table["suppressed"]].groupby("group")["gap"].mean().astype(float)
    assert set(mean_gap.nlargest(3).index) == {"Claims", "Corporate Clients", "Contact Centre"}


def test_perception_gap_staff_are_everyone_below_the_executives(demo):
    # issue 14: managers (a quarter of the demo) were left out of the perception gap
    table = perception_gap(demo, None, items=["sign_1"]).iloc[0]
    roles = demo.frame["role"].astype(str)
    answered = demo.values("sign_1") == demo.values("sign_1")  # answered (not NaN)
    assert int(table["n_staff"]) == int((roles.isin(["Manager", "Employee"]).to_numpy() & answered).sum())
    assert int(table["n_leaders"]) == int(((roles == "Executive").to_numpy() & answered).sum())
    employees = perception_gap(demo, None, items=["sign_1"], staff="employee").iloc[0]
    assert int(employees["n_staff"]) < int(table["n_staff"])


def test_perception_gap_uses_one_method_and_a_fixed_holm_family(demo):
    table = perception_gap(demo, "division")
    shown = table[~table["suppressed"]]
    for row in shown.head(5).itertuples():
        # statsmodels.stats.proportion.test_proportions_2indep(k1, n1, k2, n2, method="score").pvalue
        expected = sm_proportion.test_proportions_2indep(round(row.p_leaders * row.n_leaders), row.n_leaders,
                                                         round(row.p_staff * row.n_staff), row.n_staff,
                                                         method="score").pvalue
        assert row.p_value == pytest.approx(expected, rel=1e-9)
    # statsmodels.stats.multitest.multipletests(p, method="holm")[1] over every shown gap of the breakdown
    assert shown["p_holm"].to_numpy(dtype=float) == pytest.approx(
        multipletests(shown["p_value"].to_numpy(dtype=float), method="holm")[1], rel=1e-12)
    alone = perception_gap(demo, "division", items=["sign_2"])
    pd.testing.assert_frame_equal(alone, table[table["item"] == "sign_2"].reset_index(drop=True))
    marked = table[table["significant"]]
    assert len(marked) and ((marked["ci_low"] > 0) | (marked["ci_high"] < 0)).all()
    assert (marked["gap"].abs() >= 0.05).all() and (marked["p_holm"] < 0.05).all()


def test_perception_gap_reverses_when_the_sides_swap(demo):
    forward = perception_gap(demo, by="division", staff="employee").set_index(["item", "group"]).sort_index()
    backward = perception_gap(demo, by="division", leaders="employee", staff="executive").set_index(
        ["item", "group"]).sort_index()
    assert forward["suppressed"].equals(backward["suppressed"])
    shown = ~forward["suppressed"]  # e.g. "Other divisions": no executives in it, so no gap
    assert shown.sum() > 0.8 * len(forward)
    assert np.allclose(forward.loc[shown, "gap"].astype(float), -backward.loc[shown, "gap"].astype(float))
    assert np.allclose(forward.loc[shown, "ci_low"].astype(float), -backward.loc[shown, "ci_high"].astype(float))


def test_gap_to_target_and_to_best(demo):
    target = gap_to_target(demo, by="division", items=["sign_7"])
    assert np.allclose((target["gap"] + target["p"]).astype(float), 1.0)
    best = gap_to_best(demo, items=["sign_7"])
    shown = best[~best["suppressed"]]
    assert (shown["gap"].astype(float) >= -1e-12).all()
    assert shown.loc[shown["gap"].astype(float).idxmin(), "group"] == shown["best_group"].iat[0]
    assert best[best["suppressed"]]["gap"].isna().all()


# --- trends -------------------------------------------------------------------------------------

def test_trend_changes_follow_the_shares(demo):
    table = trends(demo, by="division", items=["sign_7"])
    retail = table[table["group"] == "Retail Banking"].reset_index(drop=True)
    assert retail["wave"].tolist() == list(demo.report.waves)
    assert retail["change_prev"].iloc[1:].to_numpy() == pytest.approx(np.diff(retail["p"].astype(float)))
    assert retail["slope"].iat[0] > 0.05 and retail["change_first_p"].iat[-1] < 0.001


def test_units_that_appear_late_are_handled(tmp_path):
    raw = pd.read_csv("data/demo_responses.csv", keep_default_na=False, dtype=str)
    early = (raw["business_unit"] == "Payments") & ~raw["wave"].isin(["2026-Q2", "2026-Q3"])
    raw[~early].to_csv(tmp_path / "late.csv", index=False)
    survey = load_survey(tmp_path / "late.csv")
    table = trends(survey, by="business_unit", items=["sign_1"])
    late = table[table["group"] == "Payments"]
    assert late["wave"].tolist() == ["2026-Q2", "2026-Q3"] and not late["suppressed"].any()
    frame = survey.frame[(survey.frame["business_unit"] == "Payments") & survey.frame["sign_1"].notna()]
    assert late["n"].tolist() == frame.groupby("wave", observed=True).size().tolist()
    assert np.isnan(late["change_prev"].iat[0]) and late["change_prev"].iat[1] == pytest.approx(
        late["p"].iat[1] - late["p"].iat[0])
    # a unit too small to report in a wave (the demo's Innovation Lab) is never a group of its own
    assert "Innovation Lab" not in set(trends(load_demo(), by="business_unit", items=["sign_1"])["group"])


def test_filtering_to_one_division_recomputes_only_it(demo):
    digital = demo.filter(division="Digital")
    table = trends(digital, by="business_unit", items=["sign_1"])
    # Innovation Lab (2 people a wave) leaves Digital: it is reported within "Other units" of "Other divisions"
    assert set(table["group"]) == {"Mobile App", "Online Banking", "Data & Analytics", "Customer Platforms"}
    frame = demo.frame[demo.frame["division"] == "Digital"]
    assert set(table["group"]) == set(frame["business_unit"].astype(str))



def _paired_reference(survey, division, earlier, later, item="sign_1"):
    """statsmodels' OLS of the answers of ``division`` in two waves, stacked, on the later wave, with
    each person a cluster (their two answers are not independent): (diff, low, high, p)."""
    import statsmodels.api as sm

    frame = pd.DataFrame({"person": survey.person_codes(), "wave": survey.values("wave").astype(str),
                          "division": survey.values("division").astype(str), "y": survey.values(item)}).dropna()
    part = frame[(frame["division"] == division) & frame["wave"].isin([earlier, later])]
    fit = sm.OLS(part["y"].to_numpy(float), sm.add_constant((part["wave"] == later).to_numpy(float))).fit(
        cov_type="cluster", cov_kwds={"groups": part["person"].to_numpy()}, use_t=True)
    return fit.params[1], *fit.conf_int()[1], fit.pvalues[1]


def test_trend_changes_pair_the_people_who_answered_both_waves():
    from test_clustered import _imported, _panel_csv
    from cxcommit.privacy.publish import publish

    survey = publish(_imported(_panel_csv(waves=4)), 5)
    table = trends(survey, by="division", items=["sign_1"])
    row = table[(table["group"] == "D1") & (table["wave"] == "Wave 2")].iloc[0]
    assert row["change_prev_method"] == row["change_first_method"] == "cluster-robust (people in both waves)"
    got = (row["change_prev"], row["change_prev_low"], row["change_prev_high"], row["change_prev_p"])
    assert got == pytest.approx(_paired_reference(survey, "D1", "Wave 1", "Wave 2"), rel=1e-9)
    last = table[(table["group"] == "D2") & (table["wave"] == "Wave 3")].iloc[0]
    got = (last["change_first"], last["change_first_low"], last["change_first_high"], last["change_first_p"])
    assert got == pytest.approx(_paired_reference(survey, "D2", "Wave 1", "Wave 3"), rel=1e-9)
    # a wave left out by a filter: the change is from the wave before it, paired over those two waves
    skipped = trends(survey.filter(wave=["Wave 1", "Wave 3"]), by="division", items=["sign_1"])
    row = skipped[(skipped["group"] == "D0") & (skipped["wave"] == "Wave 3")].iloc[0]
    assert row["prev_wave"] == "Wave 1"
    got = (row["change_prev"], row["change_prev_low"], row["change_prev_high"], row["change_prev_p"])
    assert got == pytest.approx(_paired_reference(survey, "D0", "Wave 1", "Wave 3"), rel=1e-9)
    # the slope: the line through the answers with each person a cluster, over waves 1 to 4
    import statsmodels.api as sm

    frame = pd.DataFrame({"person": survey.person_codes(), "wave": survey.values("wave").astype(str),
                          "division": survey.values("division").astype(str), "y": survey.values("sign_1")}).dropna()
    part = frame[frame["division"] == "D1"]
    fit = sm.OLS(part["y"].to_numpy(float), sm.add_constant(part["wave"].str[-1].astype(float).to_numpy())).fit(
        cov_type="cluster", cov_kwds={"groups": part["person"].to_numpy()}, use_t=True)
    line = table[table["group"] == "D1"].iloc[0]
    assert line["slope_method"] == "cluster-robust (people in both waves)" and line["slope_per"] == "wave"
    assert (line["slope"], line["slope_low"], line["slope_high"]) == pytest.approx((fit.params[1], *fit.conf_int()[1]),
                                                                                   rel=1e-9)
    # without wave 3, waves 1, 2 and 4 stand at 0, 1 and 3 (the waves' places): the line weighs them so
    kept = part[part["wave"] != "Wave 3"]
    fit = sm.OLS(kept["y"].to_numpy(float), sm.add_constant(kept["wave"].str[-1].astype(float).to_numpy())).fit(
        cov_type="cluster", cov_kwds={"groups": kept["person"].to_numpy()}, use_t=True)
    line = trends(survey.filter(wave=["Wave 1", "Wave 2", "Wave 4"]), by="division", items=["sign_1"])
    line = line[line["group"] == "D1"].iloc[0]
    assert (line["slope"], line["slope_low"], line["slope_high"]) == pytest.approx((fit.params[1], *fit.conf_int()[1]),
                                                                                   rel=1e-9)
    # only intervals and p-values come out of the pairing: the table has the columns it has without it
    assert list(table.columns) == list(trends(load_demo(), by="division", items=["sign_1"]).columns)
    assert not any("pair" in column for column in table.columns)


def test_trends_without_repeat_respondents_keep_the_score_test(demo):
    table = trends(demo, by="division", items=["sign_7"])
    changed = table["change_prev"].notna()
    assert set(table.loc[changed, "change_prev_method"]) == {"score (Miettinen–Nurminen)"}
    assert table.loc[~changed, "change_prev_method"].isna().all()
    assert set(table["slope_method"].dropna()) == {"least squares, robust (HC1)"}


# --- pay alignment ------------------------------------------------------------------------------

def test_correlation_matches_scipy_and_fisher_z():
    # scipy.stats.pearsonr([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 7, 8]): r 0.9014600868406593,
    # confidence_interval() -> (0.3349310458848851, 0.9892764833634093)
    result = correlation(np.array([1.0, 2, 3, 4, 5, 6]), np.array([2.0, 1, 4, 3, 7, 8]))
    assert result["r"] == pytest.approx(0.9014600868406593)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((0.3349310458848851, 0.9892764833634093))
    z = np.arctanh(result["r"])
    assert result["ci_low"] == pytest.approx(np.tanh(z - 1.959963984540054 / np.sqrt(3)))


def test_welch_test_matches_scipy():
    from cxcommit.stats.means import standard_error, welch_test

    means, sds, ns = np.array([5.2, 3.0, 4.1]), np.array([2.0, 1.1, 0.4]), np.array([400, 12, 30])
    # scipy.stats.t.interval(0.95, n - 1, loc=mean, scale=sd / sqrt(n))[1]: the interval's upper end
    high = stats.t.interval(0.95, ns - 1, loc=means, scale=sds / np.sqrt(ns))[1]
    se = standard_error(means, high, ns, 0.95)
    np.testing.assert_allclose(se, sds / np.sqrt(ns), rtol=1e-12)
    diff, p = welch_test(means, se, ns, np.array([2.5, 2.0, 4.0]), np.array([0.09, 0.5, 0.05]), np.array([300, 8, 25]))
    # scipy.stats.ttest_ind_from_stats(m1, sd1, n1, m2, sd2, n2, equal_var=False).pvalue, sd2 = se2 * sqrt(n2)
    other = np.array([300, 8, 25])
    reference = stats.ttest_ind_from_stats(means, sds, ns, np.array([2.5, 2.0, 4.0]),
                                           np.array([0.09, 0.5, 0.05]) * np.sqrt(other), other, equal_var=False).pvalue
    np.testing.assert_allclose(p, reference, rtol=1e-10)
    np.testing.assert_allclose(diff, means - [2.5, 2.0, 4.0])
    # scipy.stats.ttest_ind_from_stats(5.2, 2.0, 400, 2.5, 1.8, 300, equal_var=False).pvalue: 2.612909132978979e-63
    assert welch_test(5.2, 2.0 / 20, 400, 2.5, 1.8 / np.sqrt(300), 300)[1] == pytest.approx(2.612909132978979e-63, rel=1e-8)
    assert np.isnan(welch_test(5.0, 0.1, 1, 4.0, 0.1, 10)[1])  # one answer: no test


def test_pay_alignment_rises_in_retail(demo):
    table = pay_alignment(demo, load_demo_metrics(), by="division")
    retail = table[table["group"] == "Retail Banking"]
    assert retail["incentive_share"].iat[-1] - retail["incentive_share"].iat[0] > 25
    assert retail["p"].iat[-1] > retail["p"].iat[0] + 0.3
    assert (retail["units"] == 5).all()


def test_correlation_matches_scipy_without_weights():
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=25), rng.normal(size=25)
    y += 0.5 * x
    result = correlation(x, y, confidence=0.9)
    expected = stats.pearsonr(x, y)  # scipy.stats.pearsonr(x, y) and .confidence_interval(0.9)
    interval = expected.confidence_interval(confidence_level=0.9)
    assert (result["r"], result["p_value"]) == pytest.approx((expected.statistic, expected.pvalue), rel=1e-12)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((interval.low, interval.high), rel=1e-12)
    assert result["n"] == result["n_eff"] == 25
    assert correlation(x, y, 0.9, weights=np.full(25, 7.0)) == pytest.approx(result)  # equal weights: the same


def test_weighted_correlation_matches_statsmodels():
    x, y, w = np.array([1.0, 2, 3, 4, 5, 6]), np.array([2.0, 1, 4, 3, 7, 8]), np.array([1.0, 2, 3, 1, 2, 3])
    result = correlation(x, y, weights=w)
    # DescrStatsW(np.column_stack([x, y]), weights=w).corrcoef[0, 1]; also scipy.stats.pearsonr of the
    # rows repeated w times (frequency weights): 0.9406697670176919
    assert result["r"] == pytest.approx(0.9406697670176919, rel=1e-12)
    assert result["n"] == 6 and result["n_eff"] == pytest.approx(144 / 28)  # Kish: (Σw)² / Σw² = 12² / 28
    # 2 * scipy.stats.t.sf(r * sqrt((n_eff - 2) / (1 - r²)), n_eff - 2): 0.014456161176548408
    assert result["p_value"] == pytest.approx(0.014456161176548408, rel=1e-10)
    # tanh(atanh(r) ∓ scipy.stats.norm.ppf(0.975) / sqrt(n_eff - 3)): 0.38415458092137805, 0.995807429818156
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((0.38415458092137805, 0.995807429818156), rel=1e-10)
    # statsmodels.api.WLS(y, sm.add_constant(x), weights=w).fit().params: [-0.88613861, 1.47029703]
    assert least_squares(x, y, w) == pytest.approx((1.4702970297029703, -0.8861386138613861), rel=1e-10)
    assert least_squares(x, y) == pytest.approx(tuple(np.polyfit(x, y, 1)))  # numpy.polyfit(x, y, 1)


@hsettings(deadline=None, max_examples=40)
@given(st.lists(st.tuples(st.floats(-5, 5), st.floats(-5, 5), st.integers(1, 300)), min_size=4, max_size=30),
       st.floats(0.1, 50))
@example(points=[(0.0, 0.0, 1), (0.0, 0.0, 1), (0.0, 0.0, 1), (1.0, 1.0, 7)], scale=1.0)  # n_eff 1.9: no test
def test_weighted_correlation_invariants(points, scale):
    """r lies in its interval and in [−1, 1]; scaling every weight changes nothing; the effective n
    lies between 1 and n."""
    x, y, w = (np.array(v, dtype=float) for v in zip(*points))
    result = correlation(x, y, weights=w)
    assert 1 - 1e-9 <= result["n_eff"] <= result["n"] + 1e-9
    if np.isnan(result["r"]):
        return
    assert -1 <= result["r"] <= 1
    if result["n_eff"] > 2:  # the test needs n_eff − 2 > 0 degrees of freedom
        assert 0 <= result["p_value"] <= 1
    else:
        assert np.isnan(result["p_value"])
    if result["n_eff"] > 3:
        assert result["ci_low"] - 1e-12 <= result["r"] <= result["ci_high"] + 1e-12
    scaled = correlation(x, y, weights=w * scale)
    assert scaled["r"] == pytest.approx(result["r"], abs=1e-9) and scaled["n_eff"] == pytest.approx(result["n_eff"])


def test_pay_relations_are_weighted_by_answers_without_part_whole_overlap(demo):
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.weightstats import DescrStatsW

    metrics = load_demo_metrics()
    table = pay_relations(demo, metrics)
    units = unit_table(demo, metrics).dropna()  # the 29 units with unit metrics ("Other units …" have none)
    rows = table.set_index(["x", "y"])
    for (x, y), row in rows.iterrows():
        weighted = DescrStatsW(units[[x, y]].to_numpy(float), weights=units["respondents"].to_numpy(float))
        assert row["r"] == pytest.approx(weighted.corrcoef[0, 1], rel=1e-10)  # DescrStatsW(...).corrcoef
    sizes = units["respondents"].to_numpy(float)
    assert table["n_eff"].to_numpy() == pytest.approx(sizes.sum() ** 2 / (sizes**2).sum())  # Kish's effective n
    # statsmodels.stats.multitest.multipletests(p_value, method="holm")[1]: the family of the seven relations
    assert table["p_holm"].to_numpy() == pytest.approx(multipletests(table["p_value"], method="holm")[1], rel=1e-12)
    # sign 7 against the other seven signs, never against the index that counts it
    assert ("sign_7", "mean_signs") not in rows.index
    whole = DescrStatsW(units[["sign_7", "mean_signs"]].to_numpy(float), weights=units["respondents"].to_numpy(float))
    part = rows.at[("sign_7", "other_signs"), "r"]
    assert part == pytest.approx(0.64, abs=0.01) and whole.corrcoef[0, 1] == pytest.approx(0.70, abs=0.01)
    shares = rates(demo, "business_unit", items=[f"sign_{i}" for i in range(1, 9)]).pivot(
        index="group", columns="item", values="p").loc[units["business_unit"]]
    assert units["other_signs"].to_numpy() == pytest.approx(shares.drop(columns="sign_7").sum(axis=1).to_numpy())
    assert units["sign_7"].to_numpy() == pytest.approx(shares["sign_7"].to_numpy())  # pooled over the waves
    assert table["enough_units"].all() and table["stated"].all() and (table["n"] == 29).all()
    assert rows.at[("exec_incentive_cx_pct", "sign_7"), "r"] > 0.9
    assert rows.at[("mean_signs", "customer_nps"), "r"] > 0.8
    # units shown on their own, with metrics: "Other units …" groups have none, Innovation Lab is within one
    named = set(demo.frame["business_unit"].astype(str)) & set(metrics.frame["business_unit"])
    assert len(named) == 29 and "Innovation Lab" not in named


def test_a_relation_on_too_few_units_is_shown_but_not_stated(demo):
    table = pay_relations(demo.filter(division=["Digital"]), load_demo_metrics())
    assert (table["n"] == 4).all() and table["r"].notna().all()  # the numbers are still there
    assert not table["enough_units"].any() and not table["stated"].any()
    assert relation_caveat(table.iloc[0]) == "too few units to tell (4 units; at least 10 needed)"
    assert relation_caveat({"n": 12, "r": 0.3, "enough_units": True, "p_holm": 0.2}) == (
        "within what chance alone could produce across 12 units")
    assert relation_caveat({"n": 12, "r": 0.8, "enough_units": True, "p_holm": 0.001}) == ""


# --- findings -----------------------------------------------------------------------------------

def test_the_pay_finding_says_when_the_change_is_within_chance(demo):
    from statsmodels.stats.proportion import test_proportions_2indep

    def last(survey):
        return findings(survey, load_demo_metrics()).set_index("kind").at["pay_trend", "headline"]

    recent = demo.filter(wave=["2026-Q2", "2026-Q3"], division=["Digital"])
    assert last(recent).startswith("Executive pay tied to CX: 46% said yes in 2026-Q2, 44% in 2026-Q3 (no change "
                                   "beyond chance);")
    assert " beyond chance" not in last(demo)  # 20% to 31%: a real change
    answers = [recent.responses.loc[recent.responses["wave"] == w, "sign_7"].dropna() for w in ("2026-Q3", "2026-Q2")]
    # statsmodels.stats.proportion.test_proportions_2indep(k1, n1, k2, n2).pvalue: well above 0.05
    assert test_proportions_2indep(*[int((a == 1).sum()) if i % 2 == 0 else len(a) for a in answers
                                     for i in (0, 1)]).pvalue > 0.5


def test_findings_lead_with_facts_and_never_name_a_suppressed_unit(demo):
    table = findings(demo, load_demo_metrics())
    assert table["kind"].tolist()[:4] == ["weakest_sign", "perception_gap", "furthest_unit", "disagreement"]
    # the latest wave, as the favourable bar per item it links to: the same item, share and n
    assert table["headline"].iat[0] == "Weakest in 2026-Q3: “CEO trades short-term results for CX” — only 25% say yes"
    bars = favourability(demo, items=[f"sign_{i}" for i in range(1, 9)]).set_index("item")
    weakest = table.iloc[0]
    assert bars["favourable"].idxmin() == weakest["item"] and bars.at[weakest["item"], "n"] == weakest["n"]
    gap = table.set_index("kind").loc["perception_gap"]  # rests on both sides: the smaller is n, both are said
    assert gap["base"] == "n = 5 executives, 164 staff" and gap["n"] == 5
    assert "Corporate Clients" in table["headline"].iat[1] or "Claims" in table["headline"].iat[1]
    assert not table["headline"].str.contains("Innovation Lab").any()
    assert (table["n"] >= 5).all()


@hsettings(deadline=None, max_examples=10)
@given(st.integers(3, 200))
def test_no_analysis_returns_a_number_from_fewer_than_the_minimum(minimum):
    demo = load_demo(minimum)  # published for the minimum: a survey published for 5 is not analysed for more
    settings = Settings(min_group_size=minimum)
    index = commitment_index(demo, by="business_unit", settings=settings)
    assert (index.loc[~index["suppressed"], "n"] >= minimum).all()
    assert index.loc[index["suppressed"], ["n", "mean_signs", "p"]].isna().all().all()
    gaps = perception_gap(demo, by="division", settings=settings)
    shown = gaps[~gaps["suppressed"]]
    assert (shown["n_leaders"] >= minimum).all() and (shown["n_staff"] >= minimum).all()
    moves = trends(demo, by="division", items=["sign_7"], settings=settings)
    assert (moves.loc[~moves["suppressed"], "n"] >= minimum).all()


def test_trend_slope_matches_weighted_polyfit(demo):
    table = trends(demo, by="division", items=["sign_7"])
    retail = table[table["group"] == "Retail Banking"]
    n, p = retail["n"].to_numpy(dtype=float), retail["p"].to_numpy(dtype=float)
    # numpy.polyfit weights multiply residuals, so sqrt(n) gives least squares weighted by n; the
    # demo's waves are quarters, so the slope is per year: times from cxcommit.analyses.trends.wave_times
    times, per = wave_times(demo)
    reference = np.polyfit(times, p, 1, w=np.sqrt(n))[0]
    assert per == "year" and retail["slope"].iat[0] == pytest.approx(reference, rel=1e-9)


def test_blank_grouping_values_are_not_compared_as_a_unit():
    survey = load_survey(REALDATA / "surveymonkey_538_starwars.csv")
    table = variation(survey, "region")
    assert not (table["lowest"] == "(no answer)").any() and not (table["highest"] == "(no answer)").any()
    assert survey.frame["region"].isna().any()  # blank regions there are, but they are no unit
    regions = set(survey.frame["region"].dropna().astype(str))
    raw = read_raw(REALDATA / "surveymonkey_538_starwars.csv")
    imported = apply_mapping(raw, suggest_mapping(raw)).frame  # as imported: every row
    # the nine census regions, each large enough to keep its name (none generalised)
    assert regions == set(imported["region"].dropna().astype(str)) and len(regions) == 9
    assert (table["n_groups"] <= len(regions)).all()


def test_the_incentive_share_follows_the_filters(demo):
    metrics = load_demo_metrics()
    whole = pay_alignment(demo, metrics, by=None)
    digital = pay_alignment(demo.filter(division=["Digital"]), metrics, by=None)
    units = demo.filter(division=["Digital"]).codes("business_unit")[1]
    expected = metrics.frame[metrics.frame["business_unit"].isin(units)].groupby("wave")[
        "exec_incentive_cx_pct"].mean()
    assert digital.set_index("wave")["incentive_share"].to_dict() == pytest.approx(expected.to_dict())
    assert not np.allclose(digital["incentive_share"], whole["incentive_share"])


def test_the_best_group_has_no_interval_against_itself(demo):
    from cxcommit.analyses.gaps import gap_to_best

    table = gap_to_best(demo, "business_unit", items=["sign_5"])
    best = table[table["group"] == table["best_group"]]
    assert len(best) == 1 and float(best["gap"].iloc[0]) == 0
    assert best[["ci_low", "ci_high"]].isna().all().all()
    others = table[(table["group"] != table["best_group"]) & ~table["suppressed"]]
    assert others[["ci_low", "ci_high"]].notna().all().all()


def test_a_survey_without_groupings_gets_no_heatmap_slide():
    from conftest import REALDATA
    from cxcommit import load_survey
    from cxcommit.story.slides import deck

    survey = load_survey(REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv")
    assert "signs" not in [s.kind for s in deck(survey)]


def test_a_table_the_survey_keeps_is_handed_out_as_a_copy(demo):
    survey = demo.filter(division="Digital")
    first = trends(survey, "business_unit", items=["sign_7"])
    first.loc[:, "p"] = 0.0
    again = trends(survey, "business_unit", items=["sign_7"])
    assert again["p"].dropna().gt(0).any() and again is not first
    gaps = perception_gap(survey, "business_unit")
    gaps["gap"] = 9.0
    assert not perception_gap(survey, "business_unit")["gap"].eq(9.0).any()


def test_a_merged_remainder_is_never_the_best_group_but_keeps_its_gap(demo):
    """"Other divisions" (groups merged when published) is drawn with its estimate and gap, but the
    best is picked among the groups a leader can act on, even where the remainder's estimate is highest."""
    from cxcommit.analyses.gaps import gap_to_best
    from cxcommit.privacy.publish import generalised_values

    pooled = set(generalised_values(demo, "division"))
    assert pooled
    table = gap_to_best(demo, "division")
    assert not set(table["best_group"].dropna()) & pooled
    remainder = table[table["group"].isin(pooled) & ~table["suppressed"]]
    assert remainder["p_shrunk"].notna().all() and remainder["gap"].notna().all()
    top = table.loc[table.groupby("item")["p_shrunk"].idxmax()]
    assert top["group"].isin(pooled).any()  # on some item the remainder's estimate is highest: the rule bites there
    for item, part in table[~table["suppressed"]].groupby("item"):
        own = part[~part["group"].isin(pooled)]
        assert part["best_group"].iloc[0] == own.loc[own["p_shrunk"].idxmax(), "group"], item


@pytest.mark.parametrize("by", ["division", "business_unit"])
def test_a_merged_remainder_is_never_named_at_either_end_of_an_items_spread(demo, by):
    """The variation's lowest and highest (a title's "from 25% (Procurement) to 80% (…)") are groups a
    leader can act on, never "Other divisions"; the remainder still counts in the test and ω²."""
    from cxcommit.analyses.rates import rates
    from cxcommit.analyses.variation import _spread, variation
    from cxcommit.privacy.publish import generalised_values

    pooled = set(generalised_values(demo, by))
    table = variation(demo, by)
    shown = rates(demo, by)
    shown = shown[~shown["suppressed"].astype(bool) & shown["p"].notna()]
    for row in table.to_dict("records"):
        part = shown[(shown["item"] == row["item"]) & ~shown["group"].isin(pooled)]
        assert not {row["lowest"], row["highest"]} & pooled
        assert row["min_p"] == pytest.approx(part["p"].astype(float).min())
        assert row["max_p"] == pytest.approx(part["p"].astype(float).max())
    k, n, names = np.array([9.0, 2, 5, 6]), np.array([10.0, 10, 10, 10]), np.array(["Other regions", "A", "B", "C"])
    own = _spread(k, n, names, np.array([False, True, True, True]))
    every = _spread(k, n, names)
    assert (own["highest"], own["max_p"], own["lowest"]) == ("C", 0.6, "A") and every["highest"] == "Other regions"
    assert own["omega_sq"] == every["omega_sq"] and own["p_value"] == every["p_value"]


@pytest.mark.parametrize("division", [None, "Digital", "Retail Banking", "Operations"])
def test_no_finding_names_a_merged_remainder(demo, division):
    """A finding names a group a leader can act on: "Other units" (units merged when published) may
    be in every fit, but is never the furthest unit, the largest gap or the mover."""
    from cxcommit.analyses.findings import findings
    from cxcommit.privacy.publish import is_own
    from cxcommit.privacy.publish import generalised_values

    survey = demo.filter(division=[division]) if division else demo
    pooled = set(generalised_values(survey, "business_unit"))
    assert pooled
    facts = findings(survey)
    assert not set(facts["group"].dropna()) & pooled
    assert not any(name in headline for name in pooled for headline in facts["headline"])
    assert is_own(survey, "business_unit", np.array(["Other units", "Mortgages"])).tolist() == [False, True]
    assert is_own(survey, None, np.array(["Other units"])).tolist() == [True]


def test_a_takeaway_never_names_a_merged_remainder_leading_trailing_or_standing_out(demo):
    """"Other divisions" made to lead on commitment is still drawn, but the title names the best of
    the divisions a leader can act on; nor is it a group that "stands out" on the variation slide."""
    from cxcommit.analyses.commitment import commitment_index
    from cxcommit.analyses.rates import rates
    from cxcommit.privacy.publish import generalised_values
    from cxcommit.story import takeaways

    pooled = generalised_values(demo, "division")
    table = commitment_index(demo, "division")
    table.loc[table["group"].isin(pooled), "mean_signs"] = 7.9
    assert takeaways.commitment(table).startswith("Other divisions leads")  # without the rule: the remainder
    said = takeaways.commitment(table, pooled=pooled)
    assert said.startswith("Digital leads") and "Other divisions" not in said
    shares = rates(demo, "division")
    shares = shares.assign(confirmed=True)
    assert set(takeaways.standouts(shares, pooled=pooled)["group"]).isdisjoint(pooled)
    assert not set(takeaways.standouts(shares)["group"]).isdisjoint(pooled)


@pytest.mark.parametrize("seed", range(5))
def test_benjamini_hochberg_is_scipys_and_statsmodels(seed):
    """Our step-up adjustment (written out so that scipy.stats need not be imported) against both
    libraries: scipy.stats.false_discovery_control(p, method="bh") to the last bit, statsmodels'
    multipletests(p, method="fdr_bh")[1] to rounding; ties and p-values of 0 and 1 included."""
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    from cxcommit.stats.adjust import benjamini_hochberg

    rng = np.random.default_rng(seed)
    for _ in range(200):
        p = rng.random(int(rng.integers(1, 80))) ** rng.uniform(0.2, 5)
        p[rng.random(len(p)) < 0.1] = rng.choice([0.0, 1.0])
        if rng.random() < 0.5:
            p = np.round(p, 2)
        ours = benjamini_hochberg(p)
        assert np.array_equal(ours, stats.false_discovery_control(p, method="bh"))
        assert ours == pytest.approx(multipletests(p, method="fdr_bh")[1], rel=1e-12, abs=1e-15)

"""Commitment index, variation, gaps, trends, pay alignment and findings: reference values and invariants."""
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.multitest import multipletests
from hypothesis import given, settings as hsettings, strategies as st

from cxcommit import Settings, apply_mapping, load_demo_metrics, load_survey, read_raw, suggest_mapping
from cxcommit.analyses.commitment import commitment_index, index_distribution, signs_met
from cxcommit.analyses.findings import findings
from cxcommit.analyses.gaps import gap_to_best, gap_to_target, perception_gap
from cxcommit.analyses.pay import pay_alignment, pay_relations
from cxcommit.analyses.trends import trends, wave_times
from cxcommit.analyses.variation import homogeneity_test, variation
from cxcommit.demo import load_demo
from cxcommit.errors import NotApplicable
from cxcommit.stats.correlation import correlation
from cxcommit.stats.intervals import newcombe_interval
from conftest import REALDATA


# --- commitment index -------------------------------------------------------------------------

def test_signs_met_prorates_gaps_and_leaves_out_who_answered_fewer_than_six(demo):
    settings = Settings(dont_know="missing")
    met = signs_met(demo, settings)
    signs = demo.frame[[f"sign_{i}" for i in range(1, 9)]]  # published: 1 yes, 0 no, -1 don't know, NaN none
    answered = (signs.notna() & (signs != -1)).sum(axis=1).to_numpy()
    # scored, but too few of their class are, so the index leaves them out (cxcommit.privacy.publish)
    left_out = demo.index_excluded("missing")
    assert not left_out[answered < 6].any() and left_out.sum() > 0
    scored = (answered >= 6) & ~left_out
    assert np.array_equal(np.isnan(met), ~scored)
    assert np.allclose(met[scored], 8 * (signs == 1).sum(axis=1).to_numpy()[scored] / answered[scored])
    assert ((answered >= 6) & (answered < 8)).sum() > 1000  # prorated, no longer dropped
    # every class (people sharing all published values in a wave) has 0 or at least 5 scored
    classes = demo.frame[list(demo.groupings)].astype(str).agg("|".join, axis=1)
    per_class = pd.Series(scored).groupby(classes.to_numpy()).sum()
    assert ((per_class == 0) | (per_class >= 5)).all()


def test_the_role_comparison_keeps_staff_who_cannot_judge_a_sign(demo):
    table = commitment_index(demo, "role", settings=Settings(dont_know="missing")).set_index("group")
    lost = table["n_incomplete"] / (table["n"] + table["n_incomplete"])
    # dropping everyone with a gap lost 51 % of employees and 56 % of executives; now a few percent
    assert lost["Employee"] < 0.05 and lost["Executive"] < 0.05
    assert table.loc["Employee", "n_prorated"] > 1000
    # fully committed = yes to every sign answered, among the scored
    assert (table["k"] <= table["n"]).all() and (table["p"] == table["k"] / table["n"]).all()


def test_index_mean_interval_matches_statsmodels(demo):
    from statsmodels.stats.weightstats import DescrStatsW

    met = signs_met(demo)
    digital = (demo.responses["division"] == "Digital").to_numpy() & ~np.isnan(met)
    low, high = DescrStatsW(met[digital]).tconfint_mean(alpha=0.05)
    row = commitment_index(demo, by="division").set_index("group").loc["Digital"]
    assert (row["mean_ci_low"], row["mean_ci_high"]) == pytest.approx((low, high), rel=1e-10)
    assert row["k"] == int(np.isclose(met[digital], 8).sum()) and row["n"] == digital.sum()


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
    from scipy import stats

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

def test_newcombe_interval_matches_statsmodels():
    # statsmodels.stats.proportion.confint_proportions_2indep(30, 50, 20, 60, method="newcomb")
    # -> (0.07959456180478794, 0.4297612232971172)
    low, high = newcombe_interval(30, 50, 20, 60)
    assert (float(low), float(high)) == pytest.approx((0.07959456180478794, 0.4297612232971172), rel=1e-10)


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


def test_pay_alignment_rises_in_retail(demo):
    table = pay_alignment(demo, load_demo_metrics(), by="division")
    retail = table[table["group"] == "Retail Banking"]
    assert retail["incentive_share"].iat[-1] - retail["incentive_share"].iat[0] > 25
    assert retail["p"].iat[-1] > retail["p"].iat[0] + 0.3
    assert (retail["units"] == 5).all()


def test_pay_relations_across_units(demo):
    table = pay_relations(demo, load_demo_metrics()).set_index(["x", "y"])
    assert table.at[("exec_incentive_cx_pct", "sign_7"), "r"] > 0.8
    assert table.at[("mean_signs", "customer_nps"), "r"] > 0.7
    # units shown on their own, with metrics: "Other units …" groups have none, Innovation Lab is within one
    units = set(demo.frame["business_unit"].astype(str)) & set(load_demo_metrics().frame["business_unit"])
    assert len(units) == 29 and "Innovation Lab" not in units
    assert (table["n"] == len(units)).all()


# --- findings -----------------------------------------------------------------------------------

def test_findings_lead_with_facts_and_never_name_a_suppressed_unit(demo):
    table = findings(demo, load_demo_metrics())
    assert table["kind"].tolist()[:4] == ["weakest_sign", "perception_gap", "furthest_unit", "disagreement"]
    assert table["headline"].iat[0] == "Weakest: “Executive pay tied to CX” — only 25% say yes"
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

"""Cluster-robust comparisons (respondents nested in units) and paired waves (repeat respondents),
against statsmodels' cluster-robust OLS on the 0/1 answers expanded from the counts."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from cxcommit import Settings, apply_mapping, read_raw, suggest_mapping
from cxcommit.analyses.clustering import nested_in_units, unit_difference
from cxcommit.analyses.groups import make_groups
from cxcommit.analyses.panels import paired_change, paired_counts
from cxcommit.model.combine import combine_surveys
from cxcommit.privacy.publish import publish
from cxcommit.stats.clustered import MIN_CLUSTERS, cluster_difference, clusterable, paired_difference

sm = pytest.importorskip("statsmodels.api")

# (group, cluster, n, k) cells; cluster -1: people with no unit, each a cluster of their own.
# Unit 3 is split between groups 0 and 1; group 2 is one unit (5).
SPLIT = [(0, 0, 20, 12), (0, 1, 15, 5), (0, 3, 8, 6), (1, 3, 10, 2), (1, 2, 25, 9), (1, 4, 12, 7), (2, 5, 30, 21),
         (1, -1, 4, 3), (0, 6, 9, 4)]
BALANCED = [(0, 0, 30, 10), (0, 1, 30, 14), (0, 2, 30, 20), (1, 3, 30, 21), (1, 4, 30, 25), (1, 5, 30, 19)]

# Reference values from statsmodels 0.15.0, the cells expanded to one 0/1 answer per person
# (``_expanded`` below: a cluster per unit, one per person without a unit):
#   fit = sm.OLS(y, sm.add_constant(in_group)).fit(cov_type="cluster", cov_kwds={"groups": cluster}, use_t=True)
#   fit.params[1], fit.bse[1], fit.pvalues[1], *fit.conf_int()[1]
REFERENCES = [
    (SPLIT, 3, 0, 0.0007122507122505478, 0.13628793443187837, 0.9959330026229513, -0.3029561910523755, 0.3043806924768766),
    (SPLIT, 3, 1, -0.1736011477761834, 0.10627693694670225, 0.13341665239209088, -0.41040092005722617, 0.06319862450485936),
    (SPLIT, 3, 2, 0.23398058252427192, 0.04729489717073494, 0.000580878472130082, 0.1286009846374617, 0.3393601804110822),
    (BALANCED, 2, 0, -0.23333333333333284, 0.10163321594829282, 0.07013605796510179, -0.49458983214731733, 0.027923165480651657),
    (BALANCED, 2, 1, 0.23333333333333328, 0.1016332159482927, 0.07013605796510113, -0.027923165480650936, 0.4945898321473175),
]


def _arrays(cells):
    group, cluster, n, k = (np.array(column) for column in zip(*cells))
    return k, n, group, np.maximum(cluster, 0), cluster < 0


def _expanded(cells, wanted):
    """One row per person: the 0/1 answer, whether in group ``wanted``, and the cluster."""
    y, in_group, cluster, lone = [], [], [], 1000
    for group, unit, n, k in cells:
        y += [1.0] * k + [0.0] * (n - k)
        in_group += [float(group == wanted)] * n
        cluster += list(range(lone, lone + n)) if unit < 0 else [unit] * n
        lone += n if unit < 0 else 0
    return np.array(y), sm.add_constant(np.array(in_group)), np.array(cluster)


@pytest.mark.parametrize("cells, n_groups, group, diff, se, p_value, low, high", REFERENCES)
def test_cluster_difference_matches_statsmodels(cells, n_groups, group, diff, se, p_value, low, high):
    k, n, groups, clusters, alone = _arrays(cells)
    got = cluster_difference(k, n, groups, clusters, n_groups, alone=alone)
    for name, expected in (("diff", diff), ("se", se), ("p_value", p_value), ("low", low), ("high", high)):
        assert getattr(got, name)[group] == pytest.approx(expected, rel=1e-10, abs=1e-13), name


def test_cluster_difference_matches_statsmodels_on_random_tables():
    rng = np.random.default_rng(7)
    for _ in range(5):
        cells = [(int(rng.integers(0, 3)), unit, int(n), int(rng.binomial(n, rng.uniform(0.1, 0.9))))
                 for unit, n in enumerate(rng.integers(3, 40, size=14))]
        cells += [(0, -1, 3, 1), (2, 13, 5, 5)]  # people without a unit; unit 13 split between groups 1 (or 0, 2) and 2
        k, n, groups, clusters, alone = _arrays(cells)
        got = cluster_difference(np.stack([k, n - k]), np.stack([n, n]), groups, clusters, 3, alone=alone)
        for wanted in range(3):
            if not (groups == wanted).any():
                continue
            fit = sm.OLS(*_expanded(cells, wanted)[:2]).fit(cov_type="cluster",
                                                           cov_kwds={"groups": _expanded(cells, wanted)[2]}, use_t=True)
            assert got.diff[0, wanted] == pytest.approx(fit.params[1], abs=1e-12)
            assert got.se[0, wanted] == pytest.approx(fit.bse[1], rel=1e-9)
            assert got.p_value[0, wanted] == pytest.approx(fit.pvalues[1], rel=1e-8, abs=1e-14)
            assert got.se[1, wanted] == pytest.approx(fit.bse[1], rel=1e-9)  # the unfavourable share: the same spread
            assert got.diff[1, wanted] == pytest.approx(-fit.params[1], abs=1e-12)


def test_one_unit_groups_and_few_clusters_are_not_clustered():
    k, n, groups, clusters, alone = _arrays(SPLIT)
    got = cluster_difference(k, n, groups, clusters, 3, alone=alone)
    assert got.group_clusters.tolist() == [4, 7, 1]  # group 1: three units and four people without one
    assert got.clusters.tolist() == [11, 11, 11]  # seven units and four people
    assert clusterable(got, min_clusters=10).tolist() == [True, True, False]  # group 2 is one unit
    assert not clusterable(got, min_clusters=12).any()
    assert MIN_CLUSTERS == 10


def test_clusters_without_spread_give_no_clustered_test():
    k, n = np.array([10, 10, 0, 0]), np.array([10, 10, 10, 10])
    got = cluster_difference(k, n, np.array([0, 0, 1, 1]), np.arange(4), 2)
    assert got.se.tolist() == [0.0, 0.0] and not clusterable(got, min_clusters=2).any()


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(1, 30), st.floats(0, 1)), min_size=4, max_size=20),
       st.floats(0.8, 0.99))
def test_interval_excludes_zero_exactly_when_p_is_below_alpha(cells, confidence):
    groups = np.array([g for g, _, _ in cells])
    n = np.array([size for _, size, _ in cells], dtype=float)
    k = np.round(n * np.array([share for _, _, share in cells]))
    got = cluster_difference(k, n, groups, np.arange(len(cells)), 3, confidence=confidence)
    usable = clusterable(got, min_clusters=2, min_group_clusters=1)
    excludes = (got.low > 0) | (got.high < 0)
    significant = got.p_value < 1 - confidence
    clipped = (got.low <= -1) | (got.high >= 1)
    assert ((excludes == significant) | ~usable | clipped).all()


# Reference from statsmodels 0.15.0: the two waves stacked, people as clusters
#   y = np.r_[y1, y2]; later = np.r_[np.zeros(12), np.ones(10)]; person = np.r_[ids1, ids2]
#   fit = sm.OLS(y, sm.add_constant(later)).fit(cov_type="cluster", cov_kwds={"groups": person}, use_t=True)
IDS_1, Y_1 = np.arange(12), np.array([1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0.0])
IDS_2, Y_2 = np.array([0, 1, 2, 3, 4, 5, 20, 21, 22, 23]), np.array([1, 1, 1, 0, 1, 1, 1, 0, 1, 1.0])


def test_paired_difference_matches_statsmodels():
    paired = IDS_2 < 12
    got = paired_difference(Y_1.sum(), 12, Y_2.sum(), 10, paired.sum(), (Y_1[IDS_2[paired]] * Y_2[paired]).sum(),
                            Y_1[IDS_2[paired]].sum(), Y_2[paired].sum())
    assert float(got.diff) == pytest.approx(0.38333333333333336, abs=1e-14)  # fit.params[1]
    assert float(got.se) == pytest.approx(0.1759566444915927, rel=1e-10)  # fit.bse[1]
    assert float(got.p_value) == pytest.approx(0.04572560032161746, rel=1e-9)  # fit.pvalues[1]
    assert float(got.low) == pytest.approx(0.008290623393505059, rel=1e-9)  # fit.conf_int()[1]
    assert float(got.high) == pytest.approx(0.7583760432731617, rel=1e-10)
    assert float(got.clusters) == 16  # 12 + 10 answers from 16 people


def test_paired_difference_without_pairs_is_two_independent_shares():
    got = paired_difference(12, 40, 21, 35, 0, 0, 0, 0)
    p1, p2 = 12 / 40, 21 / 35
    factor = 75 / 74 * 74 / 73  # G/(G - 1) (N - 1)/(N - 2), G = N = 75
    assert float(got.se) == pytest.approx(np.sqrt(factor * (p1 * (1 - p1) / 40 + p2 * (1 - p2) / 35)), rel=1e-12)


# ---- the demo: divisions compared with units as clusters ---------------------------------------

def _demo_rows(demo, item_id, settings):
    from cxcommit.analyses.groups import item_masks

    values = demo.values(item_id).astype(float)
    base, yes, _, _ = item_masks(values, demo.item(item_id), settings)
    division, unit = demo.codes("division")[0][base], demo.codes("business_unit")[0][base]
    return yes[base].astype(float), division, unit


def test_demo_divisions_match_statsmodels_cluster_by_unit(demo):
    settings = Settings()
    groups = make_groups(demo, "division")
    got = unit_difference(demo, groups, [demo.item("sign_7")], settings)
    y, division, unit = _demo_rows(demo, "sign_7", settings)
    for position, code in enumerate(groups.keys[:, 0]):
        in_group = (division == code).astype(float)
        fit = sm.OLS(y, sm.add_constant(in_group)).fit(cov_type="cluster", cov_kwds={"groups": unit}, use_t=True)
        assert got.diff[0, position] == pytest.approx(fit.params[1], abs=1e-12)
        assert got.se[0, position] == pytest.approx(fit.bse[1], rel=1e-9)
        assert got.p_value[0, position] == pytest.approx(fit.pvalues[1], rel=1e-7, abs=1e-15)


def test_gee_exchangeable_gives_close_results_on_the_demo(demo):
    """Why CR1 (:mod:`cxcommit.stats.clustered`): an exchangeable GEE weights units, so its difference
    moves a little, yet its standard errors are close; CR1 keeps the table's difference."""
    settings = Settings()
    groups = make_groups(demo, "division")
    got = unit_difference(demo, groups, [demo.item("sign_7")], settings)
    y, division, unit = _demo_rows(demo, "sign_7", settings)
    order = np.argsort(unit, kind="stable")
    for position, code in enumerate(groups.keys[:, 0]):
        x = sm.add_constant((division == code).astype(float))
        gee = sm.GEE(y[order], x[order], groups=unit[order], family=sm.families.Gaussian(),
                     cov_struct=sm.cov_struct.Exchangeable()).fit()
        assert gee.params[1] == pytest.approx(got.diff[0, position], abs=0.01)  # e.g. Digital 0.156 vs 0.162
        assert gee.bse[1] == pytest.approx(got.se[0, position], rel=0.1)  # 0.0200 vs 0.0202


def test_only_groupings_above_units_are_clustered(demo):
    nested = {by: nested_in_units(demo, make_groups(demo, by)) for by in ("division", "business_unit", "role", "wave")}
    assert nested == {"division": True, "business_unit": False, "role": False, "wave": False}
    assert unit_difference(demo, make_groups(demo, "role"), list(demo.items), Settings()) is None


def test_clustering_widens_the_demo_divisions_intervals(demo):
    from cxcommit.analyses.groups import count_items

    settings = Settings()
    groups = make_groups(demo, "division")
    got = unit_difference(demo, groups, list(demo.items), settings)
    counts = count_items(demo, list(demo.items), groups, settings)
    k, n = np.stack([c.k for c in counts]), np.stack([c.n for c in counts])
    k_rest, n_rest = k.sum(axis=1, keepdims=True) - k, n.sum(axis=1, keepdims=True) - n
    with np.errstate(invalid="ignore", divide="ignore"):
        p, q = k / n, k_rest / n_rest
        independent = np.sqrt(p * (1 - p) / n + q * (1 - q) / n_rest)
    used = clusterable(got)
    ratio = got.se[used] / independent[used]
    assert 2.0 < np.median(ratio) < 2.5 and ratio.max() > 3.2  # the issue: a median 2.2 times, up to 3.4


# ---- repeat respondents across waves -------------------------------------------------------------

def _panel_csv(seed: int = 3, waves: int = 3) -> bytes:
    """Twelve units in three divisions; in each unit ten people answer every wave, five are new each wave;
    a person's answers lean on their own level, so the waves agree within a person."""
    rng = np.random.default_rng(seed)
    rows, level = [], {}
    for wave in range(waves):
        for unit in range(12):
            for person in range(15):
                pid = f"P{unit}-{person}" if person < 10 else f"N{wave}-{unit}-{person}"
                own = level.setdefault(pid, rng.normal(0, 1.5))
                yes = rng.random() < 1 / (1 + np.exp(-(own + 0.3 * wave)))
                rows.append({"respondent_id": pid, "wave": f"Wave {wave + 1}", "division": f"D{unit % 3}",
                             "business_unit": f"U{unit}", "role": "Employee", "region": "North",
                             "sign_1": "Yes" if yes else "No", "sign_2": "Yes" if rng.random() < 0.5 else "No"})
    return pd.DataFrame(rows).to_csv(index=False).encode()


def _imported(data: bytes, name: str = "panel.csv"):
    raw = read_raw(data, name)
    return apply_mapping(raw, suggest_mapping(raw))


def test_import_report_counts_people_in_more_than_one_wave():
    survey = _imported(_panel_csv())
    assert survey.report.repeat_respondents == 120
    assert any(note.startswith("120 respondent id(s) answered in more than one wave") for note in survey.report.notes)
    published = publish(survey, 5)
    assert published.persons.dtype.kind == "i" and published.persons.max() < survey.size  # numbers, not ids
    assert np.bincount(published.persons).max() == 3  # one person's three waves


def test_combined_files_count_people_across_files():
    survey = _imported(_panel_csv())
    files = [survey.filter(wave=[wave]) for wave in ("Wave 1", "Wave 2", "Wave 3")]
    combined = combine_surveys(files)
    assert combined.report.repeat_respondents == 120
    assert sum("answered in more than one wave" in note for note in combined.report.notes) == 1
    assert publish(combined, 5).person_codes() is not None


def test_no_repeat_no_pairing(demo):
    assert demo.person_codes() is None and demo.report.repeat_respondents == 0
    assert paired_counts(demo, "division", list(demo.items), Settings()) is None


def _panel_frame(survey) -> pd.DataFrame:
    """One row per answer: the person, the wave, the division and the answer to sign 1 (1 yes, 0 no)."""
    return pd.DataFrame({"person": survey.person_codes(), "wave": survey.values("wave").astype(str),
                         "division": survey.values("division").astype(str), "y": survey.values("sign_1")})


def test_paired_counts_match_a_merge_of_the_two_waves():
    survey = publish(_imported(_panel_csv()), 5)
    settings = Settings()
    counts = paired_counts(survey, "division", [survey.item("sign_1")], settings)
    frame = _panel_frame(survey)
    groups = make_groups(survey, "division").frame["division"].tolist()
    for earlier, later in ((0, 1), (1, 2), (0, 2)):
        one, two = (frame[frame["wave"] == counts.waves[w]] for w in (earlier, later))
        both = one.merge(two, on=["person", "division"]).dropna(subset=["y_x", "y_y"])
        for position, division in enumerate(groups):
            part = both[both["division"] == division]
            assert counts.pairs[0, position, earlier, later] == len(part)
            assert counts.both[0, position, earlier, later] == ((part["y_x"] == 1) & (part["y_y"] == 1)).sum()
            assert counts.first[0, position, earlier, later] == (part["y_x"] == 1).sum()
    assert counts.pairs[:, :, 1, 0].sum() == 0  # only earlier-later


def test_paired_change_matches_statsmodels_cluster_by_person():
    survey = publish(_imported(_panel_csv()), 5)
    settings = Settings()
    counts = paired_counts(survey, "division", [survey.item("sign_1")], settings)
    frame = _panel_frame(survey)
    division = make_groups(survey, "division").frame["division"].tolist().index("D1")
    part = frame[(frame["division"] == "D1") & frame["wave"].isin(["Wave 1", "Wave 2"])].dropna(subset=["y"])
    one, two = part[part["wave"] == "Wave 1"], part[part["wave"] == "Wave 2"]
    got = paired_change(counts, 0, division, 0, 1, one["y"].sum(), len(one), two["y"].sum(), len(two), 0.95)
    fit = sm.OLS(part["y"].to_numpy(float), sm.add_constant((part["wave"] == "Wave 2").to_numpy(float))).fit(
        cov_type="cluster", cov_kwds={"groups": part["person"].to_numpy()}, use_t=True)
    assert float(got.diff) == pytest.approx(fit.params[1], abs=1e-12)
    assert float(got.se) == pytest.approx(fit.bse[1], rel=1e-9)
    assert float(got.p_value) == pytest.approx(fit.pvalues[1], rel=1e-8)
    independent = paired_change(counts._replace(pairs=counts.pairs * 0, both=counts.both * 0, first=counts.first * 0,
                                                second=counts.second * 0),
                                0, division, 0, 1, one["y"].sum(), len(one), two["y"].sum(), len(two), 0.95)
    assert float(got.se) < float(independent.se)  # people agree with themselves: the change is surer


def test_the_check_command_says_how_many_answered_more_than_one_wave():
    from cxcommit.story.report_text import describe_survey

    text = describe_survey(publish(_imported(_panel_csv()), 5))
    assert "Notes:\n  120 respondent id(s) answered in more than one wave." in text
    assert "pairs the answers of the people who answered both" in text


def test_paired_changes_use_the_pairing_only_where_people_repeat(demo):
    from cxcommit.analyses.clustering import SCORE, compare_with_units
    from cxcommit.analyses.panels import PAIRED, paired_changes

    survey = publish(_imported(_panel_csv()), 5)
    settings = Settings()
    frame = pd.DataFrame({"wave": survey.values("wave").astype(str), "division": survey.values("division").astype(str),
                          "y": survey.values("sign_1")}).dropna()
    counts = frame.groupby(["division", "wave"])["y"].agg(["sum", "count"])
    rows = {"item": ["sign_1", "sign_1"], "group": ["D0", "D2"], "earlier": ["Wave 1", "Wave 2"],
            "later": ["Wave 2", "Wave 3"]}
    for name, column, wave in (("k1", "sum", "earlier"), ("n1", "count", "earlier"), ("k2", "sum", "later"),
                               ("n2", "count", "later")):
        rows[name] = np.array([counts.loc[(g, w), column] for g, w in zip(rows["group"], rows[wave])], dtype=float)
    given = np.array([0.5, np.nan]), np.array([0.6, np.nan]), np.array([0.01, np.nan])
    low, high, p_value, method = paired_changes(survey, "division", [survey.item("sign_1")], settings, rows, *given)
    assert method.tolist() == [PAIRED, None] and np.isnan(p_value[1])  # no change, no method
    direct = paired_change(paired_counts(survey, "division", [survey.item("sign_1")], settings), 0,
                           make_groups(survey, "division").frame["division"].tolist().index("D0"), 0, 1,
                           rows["k1"][0], rows["n1"][0], rows["k2"][0], rows["n2"][0], 0.95)
    assert (low[0], high[0], p_value[0]) == (float(direct.low), float(direct.high), float(direct.p_value))
    untouched = paired_changes(demo, "division", [demo.item("sign_1")], settings,
                               {**rows, "group": ["Digital", "Digital"]}, *given)
    assert untouched[3].tolist() == [SCORE, None] and untouched[2][0] == 0.01
    cells = compare_with_units(demo, make_groups(demo, "role"), [demo.item("sign_1")], settings,
                               *(np.full((1, 3), 0.5) for _ in range(3)))
    assert cells[3].tolist() == [[SCORE] * 3]  # roles are not nested in units


def test_clustered_slope_matches_statsmodels_cluster_by_person():
    from cxcommit.stats.clustered import clustered_slope

    rng = np.random.default_rng(5)
    times = np.array([0.0, 0.25, 0.75, 1.0])  # uneven spacing
    rows = [(person, wave, float(rng.random() < 1 / (1 + np.exp(-(level + 0.5 * times[wave])))))
            for person, level in enumerate(rng.normal(size=30)) for wave in range(4) if rng.random() < 0.7]
    person, wave, y = (np.array(column) for column in zip(*rows))
    k, n = np.bincount(wave, weights=y, minlength=4), np.bincount(wave, minlength=4).astype(float)
    answers = [dict(zip(person[wave == w], y[wave == w])) for w in range(4)]
    pairs = [(a, b) for a in range(4) for b in range(a + 1, 4)]
    moments = np.array([[len(both := set(answers[a]) & set(answers[b])), sum(answers[a][p] * answers[b][p] for p in both),
                         sum(answers[a][p] for p in both), sum(answers[b][p] for p in both)] for a, b in pairs]).T
    got = clustered_slope(k, n, times, [0], tuple(np.array(pairs).T), moments, [len(set(person))])
    fit = sm.OLS(y, sm.add_constant(times[wave])).fit(cov_type="cluster", cov_kwds={"groups": person}, use_t=True)
    assert got.diff[0] == pytest.approx(fit.params[1], abs=1e-12)
    assert got.se[0] == pytest.approx(fit.bse[1], rel=1e-9)
    assert got.p_value[0] == pytest.approx(fit.pvalues[1], rel=1e-8)
    assert (got.low[0], got.high[0]) == pytest.approx(tuple(fit.conf_int()[1]), rel=1e-9)


@hsettings(max_examples=60, deadline=None)
@given(st.integers(2, 60), st.integers(2, 60), st.data())
def test_a_paired_change_reverses_with_its_waves(n1, n2, data):
    pairs = data.draw(st.integers(0, min(n1, n2)))
    both = data.draw(st.integers(0, pairs))
    first, second = data.draw(st.integers(both, pairs)), data.draw(st.integers(both, pairs))
    k1 = data.draw(st.integers(first, n1 - (pairs - first)))
    k2 = data.draw(st.integers(second, n2 - (pairs - second)))
    forward = paired_difference(k1, n1, k2, n2, pairs, both, first, second)
    backward = paired_difference(k2, n2, k1, n1, pairs, both, second, first)
    assert float(backward.diff) == pytest.approx(-float(forward.diff), abs=1e-12)
    assert float(backward.se) == pytest.approx(float(forward.se), rel=1e-9, abs=1e-12)
    assert float(forward.se) >= 0


def test_an_empty_cell_changes_nothing():
    k, n, groups, clusters, alone = _arrays(SPLIT)
    before = cluster_difference(k, n, groups, clusters, 3, alone=alone)
    after = cluster_difference(np.r_[k, 0], np.r_[n, 0], np.r_[groups, 1], np.r_[clusters, 9], 3, alone=np.r_[alone, False])
    for name in ("diff", "se", "p_value", "clusters", "group_clusters"):
        np.testing.assert_array_equal(getattr(after, name), getattr(before, name))

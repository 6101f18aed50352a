"""The per-item summary: values, suppression, groupings."""
import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from cxcommit import SUMMARY_COLUMNS, Settings, SettingsError, item_summary, load_survey
from cxcommit.analyses import groups
from cxcommit.demo import load_demo
from cxcommit.instrument.scales import DONT_KNOW
from cxcommit.stats.intervals import wilson
from conftest import REALDATA


def test_yes_share_counts_dont_know_in_the_base(demo):
    table = item_summary(demo, items=["sign_7"])
    answers = demo.frame["sign_7"]  # published: 1 yes, 0 no, DONT_KNOW, NaN (none, or withheld)
    yes, no, dk = (answers == 1).sum(), (answers == 0).sum(), (answers == DONT_KNOW).sum()
    # the file's answers, less those withheld (too few in their group) and those of people left out
    imported = (pd.read_csv("data/demo_responses.csv", usecols=["sign_7"], keep_default_na=False)["sign_7"] != "").sum()
    gone = imported - (yes + no + dk) - demo.disclosure.answers_withheld["sign_7"]
    assert 0 <= gone <= sum(demo.disclosure.left_out.values())
    row = table.iloc[0]
    assert (row["n"], row["k"], row["n_dont_know"]) == (yes + no + dk, yes, dk)
    assert row["p"] == pytest.approx(yes / (yes + no + dk))
    low, high = wilson([yes], [yes + no + dk])
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low[0], high[0]))
    missing = item_summary(demo, items=["sign_7"], settings=Settings(dont_know="missing")).iloc[0]
    assert (missing["n"], missing["k"]) == (yes + no, yes)


def test_likert_favourable_is_top_two_boxes_and_mean_is_on_the_scale(demo):
    values = demo.frame["ceo_ownership"].dropna()  # the published answers, on the scale 1 (strongly disagree)–5
    assert set(values) == {1, 2, 3, 4, 5}
    row = item_summary(demo, items=["ceo_ownership"]).iloc[0]
    assert row["n"] == len(values)
    assert row["k"] == (values >= 4).sum()
    assert row["mean"] == pytest.approx(values.mean())


def test_nps_favourable_is_promoters(demo):
    scores = demo.frame["nps"].dropna()  # everyone published answered it
    assert len(scores) == 5458 - sum(demo.disclosure.left_out.values()) == 5455
    row = item_summary(demo, items=["nps"]).iloc[0]
    assert (row["n"], row["k"]) == (len(scores), (scores >= 9).sum())


def test_groups_below_the_minimum_are_suppressed_and_say_so(demo):
    table = item_summary(demo, by="business_unit", items=["sign_1"])
    # Innovation Lab (2 people a wave) is no group of its own: it is reported within "Other units"
    assert "Innovation Lab" not in set(table["group"])
    assert not table.set_index("group").at["Other units", "suppressed"]
    # a cell without answers (all withheld) is suppressed, with no number; nothing else is, to protect another
    table = item_summary(demo, by=["business_unit", "wave"], items=["sign_7"])
    answered = demo.frame.groupby(["business_unit", "wave"], observed=True)["sign_7"].count()
    answered.index = [f"{unit} · {wave}" for unit, wave in answered.index]
    table = table.set_index("group")
    assert set(table.index) == set(answered.index)
    assert table["suppressed"].to_dict() == (answered < 5).to_dict() and table["suppressed"].sum() == 1
    assert (answered[answered < 5] == 0).all()  # a published cell holds no answers or at least 5
    hidden = table[table["suppressed"]]
    assert hidden[["n", "k", "p", "ci_low", "ci_high", "mean", "n_dont_know"]].isna().all().all()


@hsettings(deadline=None, max_examples=30)
@given(st.integers(3, 60))
def test_no_number_from_fewer_than_the_minimum_leaves_the_library(minimum):
    demo = load_demo(minimum)  # published for the minimum the settings ask for
    for by in (None, "business_unit", "role", "region"):
        table = item_summary(demo, by=by, settings=Settings(min_group_size=minimum))
        shown = table[~table["suppressed"]]
        assert (shown["n"] >= minimum).all()
        hidden = table[table["suppressed"]]
        assert hidden[["n", "k", "p", "ci_low", "ci_high", "mean", "n_dont_know"]].isna().all().all()


def test_json_keys_and_columns(demo):
    table = item_summary(demo, by="division")
    assert list(table.columns) == SUMMARY_COLUMNS
    records = table.to_dict(orient="records")
    assert {"item", "group", "n", "k", "p", "ci_low", "ci_high", "mean", "suppressed"} <= set(records[0])


def test_group_by_any_export_column_by_its_name():
    survey = load_survey(REALDATA / "surveymonkey_538_starwars.csv")
    table = item_summary(survey, by="Gender", items=["seen_films_star_wars"])
    # "Other": people whose combination of groupings is too small keep no gender of their own
    # those who gave no gender are no group: left out of the breakdown, counted in everyone
    assert set(table["group"]) == {"Female", "Male", "Other"}
    left_out = sum(survey.disclosure.left_out.values())
    assert survey.report.rows_kept == 1186 and left_out == 5 and len(survey.frame) == 1186 - left_out
    blank = groups.left_out(survey, "Gender")
    assert blank == 132 and survey.frame["Gender"].isna().sum() == blank
    answered = survey.frame["seen_films_star_wars"].notna()
    assert table["n"].sum() == (answered & survey.frame["Gender"].notna()).sum()
    everyone = item_summary(survey, items=["seen_films_star_wars"])
    assert everyone["n"].sum() == answered.sum() == 1186 - left_out


def test_unknown_grouping_lists_the_valid_ones_and_explains_ignored_columns(demo):
    with pytest.raises(SettingsError) as caught:
        item_summary(demo, by="Department")
    assert caught.value.message == "There is no grouping 'Department' in this survey."
    assert caught.value.hint.startswith("Group by one of: 'wave', 'division', 'business_unit'")
    with pytest.raises(SettingsError) as caught:
        item_summary(demo, by="comment")
    assert "'comment' cannot be a grouping: it is free text." in caught.value.message


def test_settings_reject_a_minimum_below_three():
    with pytest.raises(SettingsError) as caught:
        Settings(min_group_size=2)
    assert "at least 3" in caught.value.message


def test_points_and_counts_are_singular_for_one():
    """Numbers meet their units in the singular for one: "median 1 pt", "1 point", "1 item"."""
    from cxcommit.text import counted, points
    assert [points(x) for x in (0.01, 0.012, -0.009, 0.0, 0.25)] == ["1 pt", "1 pt", "−1 pt", "0 pts", "25 pts"]
    assert points(0.01, short=False) == "1 point" and points(0.01, signed=True) == "+1 pt"
    assert points(0.025, short=False, exact=True) == "2.5 points"
    assert [counted(n, "unit") for n in (1, 30)] == ["1 unit", "30 units"]

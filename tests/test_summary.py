"""The per-item summary: values, suppression, groupings."""
import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from cxcommit import SUMMARY_COLUMNS, Settings, SettingsError, item_summary, load_survey
from cxcommit.intervals import wilson
from conftest import REALDATA


def test_yes_share_counts_dont_know_in_the_base(demo):
    table = item_summary(demo, items=["sign_7"])
    answers = pd.read_csv("data/demo_responses.csv", usecols=["sign_7"], keep_default_na=False)["sign_7"]
    yes, no, dk = (answers == "Yes").sum(), (answers == "No").sum(), (answers == "Don't know").sum()
    row = table.iloc[0]
    assert (row["n"], row["k"], row["n_dont_know"]) == (yes + no + dk, yes, dk)
    assert row["p"] == pytest.approx(yes / (yes + no + dk))
    low, high = wilson([yes], [yes + no + dk])
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low[0], high[0]))
    missing = item_summary(demo, items=["sign_7"], settings=Settings(dont_know="missing")).iloc[0]
    assert (missing["n"], missing["k"]) == (yes + no, yes)


def test_likert_favourable_is_top_two_boxes_and_mean_is_on_the_scale(demo):
    answers = pd.read_csv("data/demo_responses.csv", usecols=["ceo_ownership"])["ceo_ownership"].dropna()
    order = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
    values = answers.map({label: i + 1 for i, label in enumerate(order)})
    row = item_summary(demo, items=["ceo_ownership"]).iloc[0]
    assert row["n"] == len(values)
    assert row["k"] == (values >= 4).sum()
    assert row["mean"] == pytest.approx(values.mean())


def test_nps_favourable_is_promoters(demo):
    scores = pd.read_csv("data/demo_responses.csv", usecols=["nps"])["nps"]
    row = item_summary(demo, items=["nps"]).iloc[0]
    assert (row["n"], row["k"]) == (len(scores), (scores >= 9).sum())


def test_groups_below_the_minimum_are_suppressed_and_say_so(demo):
    table = item_summary(demo, by="business_unit", items=["sign_1"])
    tiny = table[table["group"] == "Innovation Lab"].iloc[0]
    assert bool(tiny["suppressed"])
    assert all(pd.isna(tiny[c]) for c in ("n", "k", "p", "ci_low", "ci_high", "mean", "n_dont_know"))
    # Innovation Lab (4 answers) could be recovered from the Digital total, so the smallest other Digital
    # unit is suppressed with it (complementary suppression); no other unit is touched.
    assert table.loc[table["suppressed"], "group"].tolist() == ["Innovation Lab", "Online Banking"]


@hsettings(deadline=None, max_examples=30)
@given(st.integers(3, 60))
def test_no_number_from_fewer_than_the_minimum_leaves_the_library(demo, minimum):
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
    table = item_summary(survey, by="Gender", items=["have_you_seen_any_of_the_6_films_in_the"])
    assert set(table["group"]) == {"Female", "Male", "(no answer)"}
    assert table["n"].sum() == 1186


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

"""Participation (respondents / headcount) per unit, division and wave."""
import numpy as np
import pandas as pd
import pytest

from cxcommit.analyses.participation import (LOW_PARTICIPATION, PARTICIPATION_COLUMNS, participation,
                                             participation_applies)
from cxcommit.demo import load_demo, load_demo_metrics
from cxcommit.errors import NotApplicable
from cxcommit.io.unit_metrics import UnitMetrics, read_unit_metrics
from cxcommit.privacy.view import view


@pytest.fixture(scope="module")
def demo():
    return load_demo(), load_demo_metrics()


def test_the_headcount_column_is_the_rates_base_not_a_metric(demo):
    metrics = demo[1]
    assert metrics.headcount == "headcount"
    assert "headcount" not in metrics.metrics and "headcount" in metrics.frame
    table = read_unit_metrics(b"business_unit,wave,Employees invited,nps\nA,W1,40,10\n", "m.csv")
    assert table.headcount == "Employees invited" and table.metrics == ("nps",)


def test_a_units_rate_is_its_respondents_over_its_headcount(demo):
    survey, metrics = demo
    table = participation(survey, metrics)
    assert list(table.columns) == PARTICIPATION_COLUMNS
    row = table[(table["group"] == "Cards") & (table["wave"] == "2026-Q3")].iloc[0]
    answered = int(((survey.values("business_unit") == "Cards") & (survey.values("wave") == "2026-Q3")).sum())
    headcount = metrics.frame.set_index(["business_unit", "wave"]).at[("Cards", "2026-Q3"), "headcount"]
    assert row["respondents"] == answered and row["headcount"] == headcount
    assert row["rate"] == pytest.approx(answered / headcount)
    assert row["low"] == (answered / headcount < LOW_PARTICIPATION)
    shown = table.dropna(subset=["rate"])
    assert (shown["respondents"] <= shown["headcount"]).all()  # the demo's headcounts are plausible


def test_a_unit_below_the_minimum_shows_no_rate_and_no_respondents(demo):
    survey, metrics = demo
    table = participation(survey, metrics)
    tiny = table[table["group"] == "Innovation Lab"]
    assert len(tiny) == 6 and tiny["suppressed"].all()
    assert tiny["rate"].isna().all() and tiny["respondents"].isna().all() and not tiny["low"].any()
    assert (table.loc[~table["suppressed"], "respondents"] >= 5).all()
    assert not table["group"].str.startswith("Other").any()  # a generalised group has no headcount


def test_a_division_sums_its_units_headcounts_and_the_organisation_all(demo):
    survey, metrics = demo
    divisions = participation(survey, metrics, "division")
    frame = metrics.frame[metrics.frame["wave"] == "2026-Q2"]
    digital = divisions[(divisions["group"] == "Digital") & (divisions["wave"] == "2026-Q2")].iloc[0]
    assert digital["headcount"] == frame.loc[frame["division"] == "Digital", "headcount"].sum()
    assert digital["units"] == 5
    whole = participation(survey, metrics, None)
    assert list(whole["wave"]) == list(survey.codes("wave")[1])
    assert whole.loc[whole["wave"] == "2026-Q2", "headcount"].iat[0] == frame["headcount"].sum()
    assert whole.loc[whole["wave"] == "2026-Q2", "respondents"].iat[0] == int((survey.values("wave") == "2026-Q2").sum())


def test_a_filter_by_division_keeps_its_units_and_the_waves_order(demo):
    survey, metrics = demo
    table = participation(view(survey, division=["Digital"]), metrics)
    assert set(table["group"]) == {"Customer Platforms", "Data & Analytics", "Innovation Lab", "Mobile App",
                                   "Online Banking"}


def test_a_division_with_a_unit_lacking_its_headcount_shows_no_rate(demo):
    survey, metrics = demo
    frame = metrics.frame.copy()
    frame.loc[(frame["business_unit"] == "Cards") & (frame["wave"] == "2026-Q3"), "headcount"] = np.nan
    table = participation(survey, UnitMetrics(frame, metrics.metrics, "m.csv", headcount="headcount"), "division")
    retail = table[(table["group"] == "Retail Banking")].set_index("wave")
    assert pd.isna(retail.at["2026-Q3", "rate"]) and retail.at["2026-Q3", "units_without_headcount"] == 1
    assert not pd.isna(retail.at["2026-Q2", "rate"])


def test_without_a_headcount_participation_does_not_apply(demo):
    survey, metrics = demo
    with pytest.raises(NotApplicable, match="headcount"):
        participation(survey, UnitMetrics(metrics.frame, metrics.metrics, "m.csv"))
    with pytest.raises(NotApplicable, match="headcount"):
        participation(survey, None)
    with pytest.raises(NotApplicable, match="business unit or division"):
        participation(survey, metrics, "role")


@pytest.mark.parametrize("filters, applies", [({}, True), ({"division": ["Digital"], "wave": ["2026-Q3"]}, True),
                                              ({"role": ["Executive"]}, False), ({"region": []}, True)])
def test_participation_applies_only_where_the_headcount_narrows_with_the_filters(filters, applies):
    assert participation_applies(filters) is applies

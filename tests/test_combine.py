"""Several exports combined into one survey."""
from dataclasses import replace

import pandas as pd
import pytest

from cxcommit import MappingError, load_survey
from cxcommit.combine import combine_surveys
from cxcommit.rates import rates
from conftest import REALDATA


def test_two_waves_combined_give_the_same_rates_as_the_whole(demo):
    waves = list(demo.report.waves)
    parts = [demo.filter(wave=[w]) for w in waves[:3]]
    both = combine_surveys(parts)
    whole = demo.filter(wave=waves[:3])
    assert both.size == whole.size
    assert both.report.waves == tuple(waves[:3])
    pd.testing.assert_frame_equal(rates(both, "business_unit"), rates(whole, "business_unit"))


def test_the_report_adds_up_and_names_each_file():
    first = load_survey(REALDATA / "qualtrics_qualtRics_sample.csv")
    second = load_survey(REALDATA / "qualtrics_qualtRics_sample_legacy.csv")
    both = combine_surveys([first, second])
    assert both.report.rows_kept == first.report.rows_kept + second.report.rows_kept
    assert both.report.rows_in_file == first.report.rows_in_file + second.report.rows_in_file
    assert all(p.problem.startswith(("qualtrics_qualtRics_sample.csv", "qualtrics_qualtRics_sample_legacy.csv"))
               for p in both.report.problems)


def test_an_item_on_two_scales_cannot_be_combined(demo):
    part = demo.filter(wave=[demo.report.waves[0]])
    items = tuple(replace(i, scale=replace(i.scale, high=i.scale.high + 1)) if i.id == "nps" else i for i in part.items)
    with pytest.raises(MappingError, match="different scales"):
        combine_surveys([part, replace(part, items=items)])


def test_nothing_to_combine_says_so():
    with pytest.raises(MappingError, match="no export"):
        combine_surveys([])

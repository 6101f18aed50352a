"""Several exports combined into one survey."""
from dataclasses import replace

import pandas as pd
import pytest

from cxcommit import MappingError, SettingsError, apply_mapping, read_raw, suggest_mapping
from cxcommit.analyses.rates import rates
from cxcommit.demo import import_demo
from cxcommit.model.combine import combine_surveys
from cxcommit.privacy.publish import publish
from conftest import REALDATA


def imported(path):
    """An export as imported (every row), what combine_surveys takes."""
    raw = read_raw(path)
    return apply_mapping(raw, suggest_mapping(raw))


def test_two_waves_combined_give_the_same_rates_as_the_whole(demo):
    everyone = import_demo()
    waves = list(everyone.report.waves)
    parts = [everyone.filter(wave=[w]) for w in waves[:3]]
    both = combine_surveys(parts)
    assert both.size == everyone.filter(wave=waves[:3]).size == sum(part.size for part in parts)
    assert both.report.waves == tuple(waves[:3])
    # published per wave, the combination is the whole published survey's first three waves
    published, whole = publish(both, 5), demo.filter(wave=waves[:3])
    assert published.size == whole.size < both.size
    pd.testing.assert_frame_equal(rates(published, "business_unit"), rates(whole, "business_unit"))


def test_the_report_adds_up_and_names_each_file():
    first = imported(REALDATA / "qualtrics_qualtRics_sample.csv")
    second = imported(REALDATA / "qualtrics_qualtRics_sample_legacy.csv")
    both = combine_surveys([first, second])
    # the two samples are one response (the same id, the same wave) in two layouts: one person
    from cxcommit.model.combine import REPEATED_ACROSS_FILES

    assert both.report.excluded[REPEATED_ACROSS_FILES] == 1
    assert both.report.rows_kept == first.report.rows_kept + second.report.rows_kept - 1 == both.size
    assert both.report.rows_in_file == first.report.rows_in_file + second.report.rows_in_file
    assert all(p.problem.startswith(("qualtrics_qualtRics_sample.csv", "qualtrics_qualtRics_sample_legacy.csv"))
               for p in both.report.problems)
    assert publish(both, 5).size <= both.size  # analysed once published


def test_published_surveys_are_not_combined(demo):
    with pytest.raises(SettingsError, match="published survey cannot be combined"):
        combine_surveys([demo.filter(wave=["2025-Q2"]), demo.filter(wave=["2025-Q3"])])


def test_an_item_on_two_scales_cannot_be_combined():
    everyone = import_demo()
    part = everyone.filter(wave=[everyone.report.waves[0]])
    items = tuple(replace(i, scale=replace(i.scale, high=i.scale.high + 1)) if i.id == "nps" else i for i in part.items)
    with pytest.raises(MappingError, match="different scales"):
        combine_surveys([part, replace(part, items=items)])


def test_nothing_to_combine_says_so():
    with pytest.raises(MappingError, match="no export"):
        combine_surveys([])


def test_a_respondent_in_two_files_of_one_wave_counts_once():
    """The importer keeps one row per respondent id and wave within a file; combining files does the
    same across them, so that a class of k rows is k people."""
    from cxcommit.model.combine import REPEATED_ACROSS_FILES

    demo = import_demo()
    wave = demo.filter(wave=["2026-Q3"])
    twice = combine_surveys([wave, wave])
    assert twice.size == wave.size
    assert twice.report.excluded[REPEATED_ACROSS_FILES] == wave.size

"""What a survey computes is kept once, bounded, and handed out read-only (cxcommit.model.derived):
a shared survey (the demo, a file opened with --data) cannot be changed by one session for another."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.rates import rates
from cxcommit.demo import load_demo
from cxcommit.model.derived import Derived, key


@pytest.fixture(scope="module")
def demo():
    return load_demo()


def test_a_table_changed_by_its_caller_is_not_changed_for_the_next(demo):
    first = rates(demo, "division")
    expected = first.copy()
    first["p"] = 0.0
    first.loc[0, "group"] = "Changed"
    pd.testing.assert_frame_equal(rates(demo, "division"), expected)
    index = commitment_index(demo, "division")
    del index[index.columns[-1]]
    assert commitment_index(demo, "division").shape[1] == index.shape[1] + 1


def test_arrays_are_handed_out_unwritable(demo):
    digital = demo.filter(division=["Digital"])
    codes, _ = digital.codes("business_unit")
    with pytest.raises(ValueError, match="read-only"):
        codes[0] = 3
    assert not digital.rows.flags.writeable


def test_the_cache_is_bounded_and_forgets_the_least_recently_used():
    cache = Derived(entries=3)
    for name in "abc":
        cache.get(key(name), lambda: np.arange(3))
    cache.get(key("a"), lambda: pytest.fail("kept"))  # used: now the most recent
    cache.get(key("d"), lambda: np.arange(3))
    assert len(cache) == 3 and key("b") not in cache and key("a") in cache


def test_a_filtered_or_replaced_survey_has_its_own_cache(demo):
    from dataclasses import replace

    rates(demo, "division")
    assert len(demo.derived) and not len(replace(demo).derived)
    assert demo.filter(wave=["2026-Q3"]).derived is not demo.derived


def test_sessions_reading_one_survey_at_once_get_the_same_tables(demo):
    survey = demo.filter(division=["Retail Banking", "Digital"])
    with ThreadPoolExecutor(8) as pool:
        tables = list(pool.map(lambda by: rates(survey, by), ["business_unit", "role"] * 8))
    for table in tables[2:]:
        pd.testing.assert_frame_equal(table, tables[0] if table["group"].iloc[0] == tables[0]["group"].iloc[0]
                                      else tables[1])

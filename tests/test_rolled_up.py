"""A filtered survey is counted as sums of the unfiltered survey's counts (cxcommit.analyses.groups.rolled_up):
the same groups, sizes and counts as a pass over its own rows, with no pass over them."""
from dataclasses import replace

import numpy as np
import pandas as pd
from hypothesis import given, settings as hsettings, strategies as st

from cxcommit.analyses.commitment import _histogram, commitment_index
from cxcommit.analyses.groups import count_items, make_groups
from cxcommit.analyses.rates import rates
from cxcommit.analyses.variation import variation
from cxcommit.model.derived import key
from cxcommit.model.survey import chosen_rows
from cxcommit.settings import Settings

GROUPINGS = ["division", "business_unit", "role", "wave"]


def with_blanks(demo, share: float, seed: int):
    """The demo with a share of each grouping's values left blank."""
    rng = np.random.default_rng(seed)
    frame = demo.frame.copy()
    for name in GROUPINGS:
        column = frame[name].copy()
        column[rng.random(len(frame)) < share] = np.nan
        frame[name] = column
    return replace(demo, frame=frame, base=None, filters=())


@st.composite
def filtered(draw, survey):
    """Filters on one to three groupings (each one or more values, blank never chosen), applied in one
    or two steps, and one or two groupings to break the view down by."""
    names = draw(st.lists(st.sampled_from(GROUPINGS), min_size=1, max_size=3, unique=True))
    filters = {name: draw(st.lists(st.sampled_from(survey.codes(name)[1]), min_size=1, max_size=4, unique=True))
               for name in names}
    by = draw(st.lists(st.sampled_from(GROUPINGS), min_size=0, max_size=2, unique=True))
    split = draw(st.integers(0, len(names) - 1))
    first, second = dict(list(filters.items())[:split]), dict(list(filters.items())[split:])
    view = survey.filter(**first).filter(**second) if first else survey.filter(**second)
    return view, filters, by


def own_rows(survey, filters: dict):
    """The same respondents as a survey of their own (their rows taken, found with pandas), counted
    from its own rows: no base to roll up from."""
    keep = np.ones(survey.size, dtype=bool)
    for name, values in filters.items():
        keep &= survey.frame[name].astype(object).isin(values).to_numpy()
    rows = np.flatnonzero(keep)
    return replace(survey, frame=survey.frame.take(rows).reset_index(drop=True),
                   levels={item: (codes.take(rows), values) for item, (codes, values) in survey.levels.items()},
                   classes=survey.classes.take(rows),
                   unscored={key: out.take(rows) for key, out in survey.unscored.items()},
                   selected=None, base=None, filters=())


@hsettings(deadline=None, max_examples=60)
@given(data=st.data(), share=st.sampled_from([0.0, 0.02, 0.3]), seed=st.integers(0, 3))
def test_a_filtered_survey_counts_what_its_own_rows_count(demo, data, share, seed):
    survey = with_blanks(demo, share, seed)
    view, filters, by = data.draw(filtered(survey))
    direct = own_rows(survey, filters)
    assert direct.size == view.size
    rolled, counted = make_groups(view, by), make_groups(direct, by)
    assert rolled.source is not None and counted.source is None
    pd.testing.assert_frame_equal(rolled.frame, counted.frame)
    np.testing.assert_array_equal(rolled.sizes, counted.sizes)
    items = [demo.item(i) for i in ("sign_1", "sign_7", "nps")]
    for mine, theirs in zip(count_items(view, items, rolled, Settings()), count_items(direct, items, counted, Settings())):
        for name in ("n", "k", "n_dont_know", "n_valid", "total", "total_sq"):
            np.testing.assert_allclose(getattr(mine, name), getattr(theirs, name), rtol=1e-12)
    np.testing.assert_array_equal(_histogram(view, by, Settings()), _histogram(direct, by, Settings()))
    np.testing.assert_array_equal(rolled.codes, counted.codes)  # made from the rows only when asked for


def test_analysing_a_filtered_survey_takes_none_of_its_rows(demo):
    digital = demo.filter(division="Digital", wave=["2026-Q2", "2026-Q3"])
    rates(digital, "business_unit")
    variation(digital, "business_unit")
    commitment_index(digital, ["business_unit", "role"])
    assert key("rows") not in digital.derived and key("responses") not in digital.derived
    assert digital.size == ((demo.frame["division"] == "Digital")
                            & demo.frame["wave"].isin(["2026-Q2", "2026-Q3"])).sum()


def test_a_units_division_is_its_most_common_one_in_the_view(demo):
    frame = demo.frame.copy()
    app = (frame["business_unit"] == "Mobile App").to_numpy()
    frame.loc[np.flatnonzero(app)[:1], "division"] = "Operations"  # one of its respondents misfiled
    survey = replace(demo, frame=frame)
    table = rates(survey, "business_unit", items=["sign_1"])
    assert table.set_index("group").loc["Mobile App", "division"] == "Digital"
    operations = rates(survey.filter(division="Operations"), "business_unit", items=["sign_1"])
    assert operations.set_index("group").loc["Mobile App", "division"] == "Operations"


def test_chosen_rows_by_comparison_and_by_lookup():
    codes = np.array([-1, 0, 3, 12, 5, 3, -1, 9], dtype=np.int8)
    assert chosen_rows(codes, [3, 9]).tolist() == [False, False, True, False, False, True, False, True]
    many = list(range(10))
    assert chosen_rows(codes, many).tolist() == [False, True, True, False, True, True, False, True]
    assert chosen_rows(codes.astype(np.int32), many).tolist() == chosen_rows(codes, many).tolist()


def test_a_mask_on_a_filtered_survey_is_a_mask_on_its_rows(demo):
    """A filter on a filtered survey selects among its rows: the mask is made one over the frame."""
    digital = demo.filter(division="Digital")
    executives = digital.filter(role="Executive")
    expected = (demo.frame["division"] == "Digital") & (demo.frame["role"] == "Executive")
    assert executives.rows.tolist() == np.flatnonzero(expected).tolist() and executives.size == expected.sum()
    # both filters remembered, on the unfiltered survey: its counts roll up from the base's
    assert executives.base is demo and executives.filters == (("division", ("Digital",)), ("role", ("Executive",)))
    assert make_groups(executives, "business_unit").source is not None

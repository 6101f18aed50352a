"""Filtered views cannot be subtracted from each other to reveal a small group (cxcommit.differencing).

Every check counts answers independently, with pandas on the responses, in the views a user
could reach from the one shown: without any one or more of its filters, and without one of a
filter's chosen values."""
from itertools import combinations

import numpy as np
import pandas as pd
from hypothesis import given, settings as hsettings, strategies as st

from cxcommit.commitment import commitment_index
from cxcommit.differencing import shown_size
from cxcommit.rates import rates
from cxcommit.settings import Settings

ITEM = "sign_7"


def reachable(filters: dict) -> list[dict]:
    """The filters of the views compared: some filters dropped, or one value of a filter dropped."""
    views = [{name: filters[name] for name in kept} for size in range(len(filters))
             for kept in combinations(filters, size)]
    for name, values in filters.items():
        views += [{**filters, name: [v for v in values if v != value]} for value in values if len(values) > 1]
    return views


def answers(demo, filters: dict, by: str) -> pd.Series:
    """Answers to the item per group in a view, counted with pandas."""
    frame = demo.responses
    keep = np.ones(len(frame), dtype=bool)
    for name, values in filters.items():
        keep &= frame[name].astype(str).isin(values).to_numpy()
    part = frame[keep]
    return part[part[ITEM].notna()].groupby(by, observed=True).size()


@st.composite
def views(draw, demo_units):
    filters = {}
    if draw(st.booleans()):
        filters["division"] = draw(st.lists(st.sampled_from(sorted(demo_units)), min_size=1, max_size=3, unique=True))
    if draw(st.booleans()):
        units = sorted(u for d in filters.get("division", demo_units) for u in demo_units[d])
        filters["business_unit"] = draw(st.lists(st.sampled_from(units), min_size=1, max_size=6, unique=True))
    if draw(st.booleans()):
        filters["wave"] = draw(st.lists(st.sampled_from(["2025-Q2", "2026-Q2", "2026-Q3"]), min_size=1, unique=True))
    if draw(st.booleans()):
        filters["role"] = [draw(st.sampled_from(["Executive", "Manager", "Employee"]))]
    return filters


def _units(demo) -> dict:
    pairs = demo.responses[["division", "business_unit"]].dropna().astype(str).drop_duplicates()
    return {d: sorted(part["business_unit"]) for d, part in pairs.groupby("division")}


@hsettings(deadline=None, max_examples=60)
@given(data=st.data(), minimum=st.integers(3, 12), by=st.sampled_from(["role", "business_unit", "wave"]))
def test_no_shown_cell_differs_from_a_reachable_view_by_fewer_than_the_minimum(demo, data, minimum, by):
    filters = data.draw(views(_units(demo)))
    view = demo.filter(**filters)
    table = rates(view, by, items=[ITEM], settings=Settings(min_group_size=minimum))
    shown = table[~table["suppressed"]].set_index("group")["n"].astype(int)
    assert (shown >= minimum).all()
    assert (shown == answers(demo, filters, by).reindex(shown.index)).all()
    for other in reachable(filters):
        counts = answers(demo, other, by).reindex(shown.index, fill_value=0)
        change = (counts - shown).abs()
        assert not ((change > 0) & (change < minimum)).any(), (filters, other, change[change < minimum])


def test_leaving_out_a_small_unit_hides_what_it_would_reveal(demo):
    digital = demo.filter(division="Digital")
    lab = (digital.responses["business_unit"] == "Innovation Lab").sum()
    assert 0 < lab < 5  # the demo's smallest unit
    rest = digital.filter(business_unit=[u for u in digital.codes("business_unit")[1] if u != "Innovation Lab"])
    overall = rates(rest, None, items=[ITEM])
    assert overall["suppressed"].all() and overall["suppression"].eq("difference").all()
    index = commitment_index(rest, "role")
    lab_roles = digital.responses.loc[digital.responses["business_unit"] == "Innovation Lab", "role"].astype(str)
    for row in index.itertuples():
        if row.group in set(lab_roles):  # the lab's executives or staff would be the difference
            assert row.suppressed
    assert shown_size(rest, 5) is None and shown_size(digital, 5) == digital.size


def test_an_unfiltered_survey_compares_with_nothing(demo):
    table = rates(demo, "business_unit", items=[ITEM])
    assert not table["suppression"].eq("difference").any()
    assert shown_size(demo, 5) == demo.size


def test_filters_that_leave_nobody_give_empty_tables_not_an_error(demo):
    nobody = demo.filter(division="Digital", business_unit=["Claims"])  # Claims is not in Digital
    assert nobody.size == 0
    for by in ("business_unit", "role", ["business_unit", "role"]):
        assert rates(nobody, by, items=[ITEM]).empty and commitment_index(nobody, by).empty
    assert rates(nobody, None, items=[ITEM])["suppressed"].all() and shown_size(nobody, 5) is None

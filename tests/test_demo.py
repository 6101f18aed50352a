"""The demo data holds the patterns data/README.md promises."""
import pandas as pd

from cxcommit import SIGN_IDS, Settings, item_summary, load_demo_metrics
from cxcommit.demo import OVERRATING_UNITS, RISING_DIVISION, TINY_UNIT, WAVES, import_demo


def _share(frame: pd.DataFrame, item: str) -> float:
    answered = frame[item].notna().sum()  # none where a group's answers are withheld (too few of them)
    return float((frame[item] == 1).sum() / answered) if answered else float("nan")


def test_size_and_shape(demo):
    r = import_demo().frame  # the file as imported: every row
    assert 5000 <= len(r) <= 6000 and len(r) == 5458
    assert r["division"].nunique() == 6 and r["business_unit"].nunique() == 30
    assert set(r["role"].unique()) == {"Executive", "Manager", "Employee"}
    assert list(demo.report.waves) == WAVES and demo.has_signs
    # as published for 5: a few people fit no group of 5 in their wave; small values are "Other …"
    p = demo.frame
    assert len(p) == 5455 == len(r) - sum(demo.disclosure.left_out.values())
    assert set(p["division"]) == set(r["division"]) | {"Other divisions"}
    assert set(p["role"]) == {"Executive", "Manager", "Employee", "Other roles"}
    units = set(p["business_unit"])
    # a unit too small to report leaves its division ("Other units"); no unit is pooled within its division
    assert units - set(r["business_unit"]) == {"Other units"}
    assert set(r["business_unit"]) - units == {TINY_UNIT}


def test_pay_alignment_rises_in_one_division_and_the_signs_follow(demo):
    metrics = load_demo_metrics().frame
    retail = metrics[metrics["division"] == RISING_DIVISION].groupby("wave")["exec_incentive_cx_pct"].mean()
    assert retail.iloc[0] < 10 and retail.iloc[-1] > 30
    r = demo.responses[demo.responses["division"] == RISING_DIVISION]
    first, last = r[r["wave"] == WAVES[0]], r[r["wave"] == WAVES[-1]]
    assert _share(last, "sign_7") - _share(first, "sign_7") > 0.3
    others = [s for s in SIGN_IDS if s != "sign_7"]
    assert sum(_share(last, s) - _share(first, s) for s in others) / len(others) > 0.15


def _gap(unit: pd.DataFrame) -> float:
    executives, employees = unit[unit["role"] == "Executive"], unit[unit["role"] == "Employee"]
    return sum(_share(executives, s) - _share(employees, s) for s in SIGN_IDS) / 8


def test_executives_rate_themselves_far_above_staff_in_some_units(demo):
    r = demo.frame  # as published: what the dashboard shows
    for unit in OVERRATING_UNITS:
        assert _gap(r[r["business_unit"] == unit]) > 0.4, unit
    # elsewhere, where executives' and employees' answers are shown, the gap is smaller
    others = [u for u in set(r["business_unit"]) if u not in OVERRATING_UNITS]
    gaps = {u: _gap(r[r["business_unit"] == u]) for u in others}
    shown = {u: g for u, g in gaps.items() if not pd.isna(g)}
    # a gap is shown wherever a unit's executives are published as such (elsewhere they are "Other roles")
    # and their answers to every sign are used (not where fewer than 5 of them answered one)
    answered = r[r["role"] == "Executive"].groupby("business_unit")[list(SIGN_IDS)].count()
    with_executives = set(answered.index[(answered > 0).all(axis=1)]) - set(OVERRATING_UNITS)
    assert set(shown) == with_executives and len(shown) >= 15
    assert max(shown.values()) < 0.4
    # Payments' few executives are mostly published within "Other roles"; in the file they are calm too
    r = import_demo().frame
    calm = r[r["business_unit"] == "Payments"]
    gap = sum(_share(calm[calm["role"] == "Executive"], s) - _share(calm[calm["role"] == "Employee"], s)
              for s in SIGN_IDS) / 8
    assert gap < 0.3


def test_one_unit_is_too_small_to_report_in_any_view(demo):
    imported = import_demo().frame
    tiny = imported[imported["business_unit"] == TINY_UNIT]
    assert len(tiny) == 4 and set(tiny["wave"]) == {"2026-Q2", "2026-Q3"}
    # published, it is no group of any view: its 2 people a wave leave Digital, within "Other units"
    assert TINY_UNIT not in set(demo.frame["business_unit"])
    for by in ("business_unit", ["business_unit", "wave"], ["business_unit", "role"], ["division", "business_unit"]):
        table = item_summary(demo, by=by, settings=Settings())
        assert not table["group"].str.contains(TINY_UNIT).any()
    changes = demo.disclosure.changes
    moved = changes[changes["value"] == TINY_UNIT]
    assert set(moved["wave"]) == {"2026-Q2", "2026-Q3"} and moved["all"].all()
    assert set(moved["reported_as"]) == {"Other units"}

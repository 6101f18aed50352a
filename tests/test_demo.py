"""The demo data holds the patterns data/README.md promises."""
import pandas as pd

from cxcommit import SIGN_IDS, Settings, item_summary, load_demo_metrics
from cxcommit.demo import OVERRATING_UNITS, RISING_DIVISION, TINY_UNIT, WAVES


def _share(frame: pd.DataFrame, item: str) -> float:
    return float((frame[item] == 1).sum() / frame[item].notna().sum())


def test_size_and_shape(demo):
    r = demo.responses
    assert 5000 <= len(r) <= 6000
    assert r["division"].nunique() == 6 and r["business_unit"].nunique() == 30
    assert set(r["role"].unique()) == {"Executive", "Manager", "Employee"}
    assert list(demo.report.waves) == WAVES and demo.has_signs


def test_pay_alignment_rises_in_one_division_and_the_signs_follow(demo):
    metrics = load_demo_metrics().frame
    retail = metrics[metrics["division"] == RISING_DIVISION].groupby("wave")["exec_incentive_cx_pct"].mean()
    assert retail.iloc[0] < 10 and retail.iloc[-1] > 30
    r = demo.responses[demo.responses["division"] == RISING_DIVISION]
    first, last = r[r["wave"] == WAVES[0]], r[r["wave"] == WAVES[-1]]
    assert _share(last, "sign_7") - _share(first, "sign_7") > 0.3
    others = [s for s in SIGN_IDS if s != "sign_7"]
    assert sum(_share(last, s) - _share(first, s) for s in others) / len(others) > 0.15


def test_executives_rate_themselves_far_above_staff_in_some_units(demo):
    r = demo.responses
    for unit in OVERRATING_UNITS:
        u = r[r["business_unit"] == unit]
        gap = sum(_share(u[u["role"] == "Executive"], s) - _share(u[u["role"] == "Employee"], s) for s in SIGN_IDS) / 8
        assert gap > 0.4, unit
    calm = r[r["business_unit"] == "Payments"]
    gap = sum(_share(calm[calm["role"] == "Executive"], s) - _share(calm[calm["role"] == "Employee"], s)
              for s in SIGN_IDS) / 8
    assert gap < 0.3


def test_one_unit_is_too_small_to_report_in_any_view(demo):
    assert (demo.responses["business_unit"] == TINY_UNIT).sum() == 4
    for by in ("business_unit",):
        table = item_summary(demo, by=by, settings=Settings())
        assert table[table["group"] == TINY_UNIT]["suppressed"].all()

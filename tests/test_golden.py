"""Golden tables: the demo data's main results, pinned. Any change to them must be deliberate:
rerun with UPDATE_GOLDEN=1 and review the diff of tests/golden/ before committing."""
import io
import os
from pathlib import Path

import pandas as pd
import pytest

from cxcommit import load_demo_metrics
from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.findings import findings
from cxcommit.analyses.gaps import perception_gap
from cxcommit.analyses.pay import pay_alignment
from cxcommit.analyses.rates import rates
from cxcommit.analyses.trends import trends
from cxcommit.analyses.variation import variation

GOLDEN = Path(__file__).parent / "golden"
TABLES = {
    "rates_by_division": lambda s: rates(s, "division"),
    "commitment_index_by_unit": lambda s: commitment_index(s, "business_unit"),
    "variation_by_unit": lambda s: variation(s, "business_unit"),
    "perception_gap_by_division": lambda s: perception_gap(s, "division"),
    "trends_sign_7_by_division": lambda s: trends(s, "division", items=["sign_7"]),
    "pay_alignment_by_division": lambda s: pay_alignment(s, load_demo_metrics(), "division"),
    "findings": lambda s: findings(s, load_demo_metrics()),
}


@pytest.mark.parametrize("name", list(TABLES))
def test_golden_table(demo, name):
    table = TABLES[name](demo).reset_index(drop=True)
    path = GOLDEN / f"{name}.csv"
    if os.environ.get("UPDATE_GOLDEN"):
        table.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")
    expected = pd.read_csv(path, keep_default_na=True)
    actual = pd.read_csv(io.StringIO(table.to_csv(index=False, float_format="%.10g")))  # same rounding
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False, rtol=1e-8, atol=1e-12)

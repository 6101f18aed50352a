"""The benchmark compares like with like: every peer of the end-to-end comparison (bench/e2e.py)
gives, from the same export, the numbers cxcommit's summary gives. (No timing here: speed is
measured by the benchmark scripts, never by tests.)"""
import contextlib
import io
import sys

import pandas as pd
import pytest

from conftest import ROOT, cli

sys.path[:0] = [str(ROOT / "bench")]
import e2e  # noqa: E402
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("bench") / "export.csv", 100_000, seed=11)  # no group under 5


def answer(tool, path) -> pd.DataFrame:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        tool(str(path))
    return pd.read_csv(io.StringIO(out.getvalue()))


@pytest.mark.parametrize("tool", [e2e.polars_answer, e2e.duckdb_answer], ids=["polars", "duckdb"])
def test_each_peer_gives_cxcommits_numbers(export, tool):
    result = cli("summary", export, "--by", "business_unit", "--format", "csv", "--items", *e2e.SIGNS)
    assert result.returncode == 0, result.stderr
    ours = pd.read_csv(io.StringIO(result.stdout)).rename(columns={"group": "unit"})
    theirs = answer(tool, export)
    signs = theirs[theirs["item"] != "fully committed"].merge(ours, on=["unit", "item"], suffixes=("", "_ours"))
    assert len(signs) == len(ours) == 8 * ours["unit"].nunique() and not ours["suppressed"].any()
    assert (signs["n"] == signs["n_ours"]).all() and (signs["k"] == signs["k_ours"]).all()
    assert (signs["n_dont_know"] == signs["n_dont_know_ours"]).all()
    for column in ("p", "ci_low", "ci_high"):  # the peers print 4 decimals
        assert (signs[column] - signs[f"{column}_ours"]).abs().max() < 5e-5
    fully = theirs[theirs["item"] == "fully committed"]
    assert len(fully) == ours["unit"].nunique() and (fully["k"] <= fully["n"]).all()

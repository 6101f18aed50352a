"""The command line, as a user runs it."""
import json
import subprocess
import sys

import pytest

from conftest import REALDATA, ROOT


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "cxcommit", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


@pytest.mark.parametrize("path", sorted(p.name for p in REALDATA.iterdir() if p.suffix in (".csv", ".xlsx")))
def test_check_reads_every_real_export(path):
    result = cli("check", REALDATA / path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"File:       {path}\nFormat:     ")
    assert "Responses:  " in result.stdout and "Traceback" not in result.stderr


def test_check_reports_detection_exclusions_and_personal_data():
    out = cli("check", REALDATA / "qualtrics_QT_dummy_enhancement2020.csv").stdout
    assert "Format:     Qualtrics, 3 header row(s) (detected)" in out
    assert "Responses:  61 in the file; 1 kept, 60 excluded" in out
    assert "  excluded: 60 × Qualtrics preview/test/spam response (Status 2)" in out
    assert "Personal data dropped (11 columns):" in out and "'program_contact_3_TEXT' (phone number)" in out


def test_check_on_the_demo_and_its_unit_metrics():
    out = cli("check", "data/demo_responses.csv").stdout
    assert "Responses:  5458 in the file; 5458 kept, 0 excluded" in out
    assert "  sign_7                       yes/no" in out
    metrics = cli("check", "data/demo_unit_metrics.csv").stdout
    assert "Kind:       unit metrics (business unit × wave)" in metrics
    assert "Rows:       180 — 30 business units, 6 waves" in metrics


def test_check_with_a_forced_format():
    result = cli("check", REALDATA / "surveymonkey_538_starwars.csv", "--format", "generic")
    assert result.returncode == 0 and "Format:     generic table, 1 header row(s)\n" in result.stdout


def test_summary_json_by_any_column():
    result = cli("summary", REALDATA / "surveymonkey_538_starwars.csv", "--by", "Location (Census Region)",
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert {"item", "group", "n", "k", "p", "ci_low", "ci_high", "mean", "suppressed"} <= set(records[0])
    assert all(r["n"] is None and r["p"] is None for r in records if r["suppressed"])
    assert all(r["n"] >= 5 for r in records if not r["suppressed"])


def test_summary_table_and_csv_on_the_demo():
    table = cli("summary", "data/demo_responses.csv", "--by", "business_unit", "--items", "sign_7").stdout
    assert "Innovation Lab" in table and "yes (n < 5)" in table
    csv = cli("summary", "data/demo_responses.csv", "--by", "division", "--format", "csv", "--min-group-size", "10")
    assert csv.stdout.splitlines()[0] == "item,label,scale,group,n,k,p,ci_low,ci_high,mean,n_dont_know,suppressed"


def test_summary_with_an_unknown_grouping_says_which_exist():
    result = cli("summary", "data/demo_responses.csv", "--by", "Department")
    assert result.returncode == 1
    assert "There is no grouping 'Department' in this survey." in result.stderr
    assert "Group by one of: 'wave', 'division'" in result.stderr


def test_mapping_suggest_edit_and_reuse(tmp_path):
    result = cli("mapping", "suggest", REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv")
    mapping = json.loads(result.stdout)
    assert mapping["cxcommit_mapping"] == 1 and mapping["format"] == "qualtrics"
    mapping["items"] = [m for m in mapping["items"] if m["item"] in ("q1", "nps")]
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(mapping))
    out = cli("summary", REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv", "--mapping", path,
              "--format", "json")
    assert {r["item"] for r in json.loads(out.stdout)} == {"q1", "nps"}


def test_demo_regenerates_the_committed_data(tmp_path):
    result = cli("demo", "--out", tmp_path)
    assert result.returncode == 0
    for name in ("demo_responses.csv", "demo_unit_metrics.csv", "template_responses.csv", "template_unit_metrics.csv"):
        assert (tmp_path / name).read_bytes() == (ROOT / "data" / name).read_bytes(), name


@pytest.mark.parametrize("view, first_columns", [
    ("rates", ["item", "label", "scale", "group", "n", "k", "p"]),
    ("index", ["group", "n", "mean_signs"]),
    ("variation", ["item", "label", "n_groups"]),
    ("gaps", ["item", "label", "group", "n_leaders"]),
    ("trends", ["item", "label", "group", "wave"]),
    ("pay", ["group", "wave", "n", "p"]),
    ("relations", ["x", "y", "r"]),
    ("findings", ["rank", "kind", "headline"]),
])
def test_analyze_every_view_as_json(view, first_columns):
    result = cli("analyze", "data/demo_responses.csv", "--metrics", "data/demo_unit_metrics.csv", "--view", view,
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert records and list(records[0])[:len(first_columns)] == first_columns


def test_analyze_with_filters_and_two_groupings():
    result = cli("analyze", "data/demo_responses.csv", "--view", "rates", "--by", "division", "role", "--items",
                 "sign_1", "--division", "Digital", "--wave", "2026-Q3", "--format", "json")
    records = json.loads(result.stdout)
    assert [r["group"] for r in records] == ["Digital · Executive", "Digital · Manager", "Digital · Employee"]


def test_analyze_table_formats_shares_and_correlations():
    gaps = cli("analyze", "data/demo_responses.csv", "--view", "gaps", "--items", "sign_1").stdout
    assert "Payments        15    100.0%      86   60.5%" in gaps
    relations = cli("analyze", "data/demo_responses.csv", "--metrics", "data/demo_unit_metrics.csv",
                    "--view", "relations").stdout
    assert "exec_incentive_cx_pct       sign_7 0.959  0.913   0.981" in relations


def test_analyze_on_a_survey_without_the_signs_says_what_is_missing():
    result = cli("analyze", REALDATA / "surveymonkey_538_starwars.csv", "--view", "index")
    assert result.returncode == 1
    assert "The commitment index needs all 8 signs" in result.stderr and "Traceback" not in result.stderr
    rates = cli("analyze", REALDATA / "surveymonkey_538_starwars.csv", "--view", "rates", "--by", "Gender")
    assert rates.returncode == 0 and "Female" in rates.stdout

"""The command line, as a user runs it: in this process (``cli``), and through ``python -m cxcommit``
where the exit code the shell sees is the point (``cli_process``)."""
import io
import json
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import REALDATA, ROOT, cli, cli_process
from cxcommit import apply_mapping, load_survey, read_raw, suggest_mapping


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
    assert "Personal data dropped (12 columns):" in out and "'program_contact_3_TEXT' (phone number)" in out
    assert "  'Q3' (looks like free-text answers: 61 distinct in 61 answers, 88 characters on average)\n" in out
    small = out.split("Small groups:\n", 1)[1]  # the one respondent kept is left out, and not counted under 5
    assert "  No number about fewer than 5 people or answers is shown. Reporting attributes: wave.\n" in small
    assert "  fewer than 5 respondent(s) fit no group of 5 in their wave and are left out of every number " \
           "(waves 2020-Q2)." in small


def test_check_on_the_demo_and_its_unit_metrics():
    out = cli("check", "data/demo_responses.csv").stdout
    assert "Responses:  5458 in the file; 5458 kept, 0 excluded" in out
    assert "  sign_7                       yes/no" in out
    # what publishing for the default minimum of 5 did, recounted with pandas on the published rows
    frame = load_survey(ROOT / "data" / "demo_responses.csv").frame
    attributes = ["division", "business_unit", "role", "region"]
    generalised = int(frame[attributes].apply(lambda c: c.astype(str).str.startswith("Other")).any(axis=1).sum())
    assert "\nSmall groups:\n  No number about fewer than 5 people or answers is shown. Reporting attributes: wave, " \
           "division, business unit, role, region.\n" in out
    assert (f"  {generalised:,} of {len(frame):,} respondents ({generalised / len(frame):.1%}) are reported with some "
            "attribute generalised") in out
    left_out = 5458 - len(frame)  # a count under the minimum is not told exactly
    assert 0 < left_out < 5
    assert "  fewer than 5 respondent(s) fit no group of 5 in their wave and are left out" in out
    assert f"  {left_out} respondent(s) fit no group" not in out
    raw = read_raw(ROOT / "data" / "demo_responses.csv")
    rows = apply_mapping(raw, suggest_mapping(raw)).frame  # as imported
    lab = rows.loc[rows["business_unit"] == "Innovation Lab", "wave"].astype(str).value_counts().sort_index()
    assert 0 < lab.max() < 5 and "Innovation Lab" not in set(frame["business_unit"].astype(str))
    # the unit of 2 leaves its division rather than be merged with a larger unit of Digital: the only unit
    # published that was not imported is "Other units", under "Other divisions" in each of the lab's waves
    assert set(frame["business_unit"].astype(str)) - set(rows["business_unit"].astype(str)) == {"Other units"}
    others = frame[frame["business_unit"] == "Other units"]
    assert set(lab.index) <= set(others["wave"].astype(str)) and set(others["division"]) == {"Other divisions"}
    assert (f"  Innovation Lab is reported within Other units in {', '.join(lab.index)}: "
            "fewer than 5 of its people answered there.") in out
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
    # the unit of 2 is not a row of its own, hidden or shown: it is within "Other units", shown
    assert "Innovation Lab" not in table and "(n < 5)" not in table and "Other units of" not in table
    frame = load_survey(ROOT / "data" / "demo_responses.csv").frame
    pooled = frame.loc[frame["business_unit"] == "Other units", "sign_7"]
    n, k = int(pooled.notna().sum()), int((pooled == 1).sum())
    assert n >= 5 and re.search(rf"\nsign_7 yes_no +Other units +{n} +{k} +{k / n:.1%} ", "\n" + table)
    csv = cli("summary", "data/demo_responses.csv", "--by", "division", "--format", "csv", "--min-group-size", "10")
    assert csv.stdout.splitlines()[0] == "item,label,scale,group,n,k,p,ci_low,ci_high,mean,n_dont_know,suppressed"


def test_summary_with_an_unknown_grouping_says_which_exist():
    result = cli_process("summary", "data/demo_responses.csv", "--by", "Department")
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
    # the roles of Digital in 2026-Q3 as published (small roles of a unit within "Other roles"), recounted
    frame = load_survey(ROOT / "data" / "demo_responses.csv").frame
    view = frame[(frame["division"] == "Digital") & (frame["wave"] == "2026-Q3")]
    roles = [role for role in frame["role"].cat.categories if (view["role"] == role).any()]
    assert roles == ["Manager", "Employee", "Other roles"]
    raw = read_raw(ROOT / "data" / "demo_responses.csv")
    rows = apply_mapping(raw, suggest_mapping(raw)).frame  # as imported, Digital had a few executives per unit
    imported = rows[(rows["division"] == "Digital") & (rows["wave"] == "2026-Q3")]
    executives = imported[imported["role"] == "Executive"].groupby("business_unit", observed=True).size()
    assert len(executives) and "Executive" not in roles  # none is reported as one: they are generalised
    assert [r["group"] for r in records] == [f"Digital · {role}" for role in roles]
    assert [r["n"] for r in records] == [int(view.loc[view["role"] == role, "sign_1"].notna().sum()) for role in roles]
    assert all(r["n"] >= 5 and not r["suppressed"] for r in records)


def test_analyze_table_formats_shares_and_correlations():
    from statsmodels.stats.weightstats import DescrStatsW

    gaps = cli("analyze", "data/demo_responses.csv", "--view", "gaps", "--items", "sign_1").stdout
    frame = load_survey(ROOT / "data" / "demo_responses.csv").frame  # published for 5, recounted with pandas
    unit = frame[frame["business_unit"] == "Corporate Clients"]
    sides = [unit.loc[unit["role"].isin(roles), "sign_1"].dropna() for roles in (["Executive"], ["Manager", "Employee"])]
    (n1, p1), (n2, p2) = [(len(answers), float((answers == 1).mean())) for answers in sides]
    assert f"Corporate Clients {n1:>9} {p1:>9.1%} {n2:>7} {p2:>7.1%} {p1 - p2:>6.1%}" in gaps  # 5 100.0% 167 59.3%
    relations = cli("analyze", "data/demo_responses.csv", "--metrics", "data/demo_unit_metrics.csv",
                    "--view", "relations").stdout
    # across the units reported on their own: sign 7's share pooled over the waves, against the incentive,
    # each unit weighted by its respondents (Kish's effective n for the interval)
    own = frame[~frame["business_unit"].astype(str).str.startswith("Other")]
    answered = own[own["sign_7"].notna()]
    shares = answered.groupby("business_unit", observed=True)["sign_7"].agg(lambda s: (s == 1).mean())
    weights = own.groupby("business_unit", observed=True).size().reindex(shares.index).to_numpy(float)
    metrics = pd.read_csv(ROOT / "data" / "demo_unit_metrics.csv").groupby("business_unit")["exec_incentive_cx_pct"].mean()
    both = np.column_stack([metrics.reindex(shares.index), shares])
    r = DescrStatsW(both, weights=weights).corrcoef[0, 1]  # statsmodels' weighted Pearson r
    n_eff = weights.sum() ** 2 / (weights**2).sum()
    z, half = np.arctanh(r), stats.norm.ppf(0.975) / np.sqrt(n_eff - 3)
    assert len(shares) == 29  # the 30 units but Innovation Lab
    assert (f"exec_incentive_cx_pct       sign_7 {r:.3f}  {np.tanh(z - half):.3f}   {np.tanh(z + half):.3f}  <0.001 <0.001 "
            f"{len(shares)} {n_eff:.3f}") in relations  # 0.966 0.927 0.985 … 29 27.472


def test_analyze_on_a_survey_without_the_signs_says_what_is_missing():
    result = cli("analyze", REALDATA / "surveymonkey_538_starwars.csv", "--view", "index")
    assert result.returncode == 1
    assert "The commitment index needs all 8 signs" in result.stderr and "Traceback" not in result.stderr
    rates = cli("analyze", REALDATA / "surveymonkey_538_starwars.csv", "--view", "rates", "--by", "Gender")
    assert rates.returncode == 0 and "Female" in rates.stdout


def test_every_view_the_parser_offers_has_a_table():
    from cxcommit.cli.parser import VIEWS
    from cxcommit.cli.views import VIEW_TABLES

    assert tuple(VIEW_TABLES) == VIEWS


@pytest.mark.parametrize("dont_know, base", [("not_yes", (0, 1, -1)), ("missing", (0, 1))])
def test_dont_know_sets_the_base_of_a_share(dont_know, base):
    result = cli("summary", "data/demo_responses.csv", "--by", "division", "--items", "sign_1", "--dont-know", dont_know,
                 "--format", "json")
    records = {r["group"]: r for r in json.loads(result.stdout)}
    frame = load_survey(ROOT / "data" / "demo_responses.csv").frame  # published for 5; "don't know" is -1
    for division, answers in frame.groupby("division", observed=True)["sign_1"]:
        row = records[division]
        assert row["n"] == int(answers.isin(base).sum()) and row["k"] == int((answers == 1).sum())
        assert row["p"] == pytest.approx(row["k"] / row["n"], abs=1e-15)
    assert "--dont-know" in cli("report", "--help").stdout and "--dont-know" in cli("analyze", "--help").stdout


def test_json_and_csv_keep_p_values_far_below_1e_10():
    from cxcommit.analyses.rates import rates

    expected = rates(load_survey(ROOT / "data" / "demo_responses.csv"), "business_unit").set_index(["item", "group"])
    smallest = expected["p_value"].min()
    assert 0 < smallest < 1e-15  # the demo's largest differences by unit
    tiny = expected["p_value"].between(1e-15, 1e-11)  # what pandas' to_json (10 decimals) writes as 0.0
    assert tiny.sum() >= 3
    assert {row["p_value"] for row in json.loads(expected[tiny].to_json(orient="records"))} == {0.0}
    json_rows = json.loads(cli("analyze", "data/demo_responses.csv", "--view", "rates", "--by", "business_unit",
                               "--format", "json").stdout)
    csv_rows = pd.read_csv(io.StringIO(cli("analyze", "data/demo_responses.csv", "--view", "rates", "--by",
                                           "business_unit", "--format", "csv").stdout))
    for rows in (pd.DataFrame(json_rows), csv_rows):
        got = rows.set_index(["item", "group"]).loc[expected.index]
        for column in ("p_value", "p_adj", "diff", "ci_low"):
            mask = expected[column].notna().to_numpy()
            assert (got[column].to_numpy()[mask] == expected[column].to_numpy(dtype=float)[mask]).all(), column
        assert got["p_value"].min() == smallest


@pytest.mark.parametrize("points, message", [
    ("60", "--min-difference 60: the smallest difference that matters is given in percentage points, from 0 to 50."),
    ("-1", "--min-difference -1: the smallest difference that matters is given in percentage points, from 0 to 50."),
    ("nan", "--min-difference nan: the smallest difference that matters is given in percentage points, from 0 to 50."),
])
def test_min_difference_out_of_range_is_refused_in_points(points, message):
    result = cli("analyze", "data/demo_responses.csv", "--view", "rates", "--min-difference", points)
    assert result.returncode == 1 and result.stderr.startswith(f"Error: {message}\nWhat to do: E.g. --min-difference 5")


def test_min_difference_is_in_points_and_said_above_the_table():
    from cxcommit.cli.inputs import settings_from
    from cxcommit.cli.parser import build_parser

    for command in ("summary", "analyze", "report"):
        args = build_parser().parse_args([command, "x.csv", "--min-difference", "12.5", "--dont-know", "missing",
                                          *(["--view", "rates"] if command == "analyze" else []),
                                          *(["--out", "d.pptx"] if command == "report" else [])])
        settings = settings_from(args)
        assert (settings.min_difference, settings.dont_know) == (0.125, "missing")
    assert settings_from(build_parser().parse_args(["summary", "x.csv"])).min_difference == 0.05
    table = cli("analyze", "data/demo_responses.csv", "--view", "rates", "--items", "sign_7", "--min-difference", "10",
                "--division", "Digital").stdout.splitlines()
    assert table[:2] == ["“difference to the rest” compares with the rest of this filtered view, not with all respondents",
                         "Significant: holds after adjusting for every comparison of its breakdown (Benjamini–Hochberg for "
                         "differences to the rest; Holm for perception gaps, changes over time, findings and slide titles) "
                         "and at least 10 points."]
    marked = {points: json.loads(cli("analyze", "data/demo_responses.csv", "--view", "rates", "--by", "business_unit",
                                     "--min-difference", points, "--format", "json").stdout)
              for points in ("5", "10", "15")}
    counts = [sum(row["significant"] for row in marked[points]) for points in ("5", "10", "15")]
    assert counts[0] > counts[1] > counts[2] > 0  # a larger smallest difference marks fewer rows
    assert all(abs(row["diff"]) >= 0.15 for row in marked["15"] if row["significant"])
    whole = cli("analyze", "data/demo_responses.csv", "--view", "rates", "--items", "sign_7").stdout
    assert "filtered view" not in whole and whole.startswith("Significant: ")
    fraction = cli("analyze", "data/demo_responses.csv", "--view", "index", "--min-difference", "0.05")
    assert fraction.returncode == 0
    assert "Note: --min-difference is in percentage points: 0.05 means 0.05 points, not 5." in fraction.stderr

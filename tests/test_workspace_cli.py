"""``python -m cxcommit workspace …`` and ``--survey``, as the monthly job runs them: in processes of
their own, on SQLite and on PostgreSQL, never a traceback."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from conftest import REALDATA, ROOT

DEMO = ROOT / "data" / "demo_responses.csv"
METRICS = ROOT / "data" / "demo_unit_metrics.csv"


@pytest.fixture
def cli(database_url):
    def run(*args):
        result = subprocess.run([sys.executable, "-m", "cxcommit", *map(str, args)], capture_output=True, text=True,
                                cwd=ROOT, env={**os.environ, "CXCOMMIT_DATABASE_URL": database_url})
        assert "Traceback" not in result.stderr, result.stderr
        return result
    return run


def test_the_monthly_job(cli, tmp_path):
    added = cli("workspace", "add", DEMO, "--survey", "CX pulse", "--metrics", METRICS)
    assert added.returncode == 0, added.stderr
    assert "Made the survey 'CX pulse'" in added.stdout and "wave 2026-Q3 (905 respondents)" in added.stdout
    [stored] = json.loads(cli("workspace", "list", "--format", "json").stdout)
    assert stored["survey"] == "CX pulse" and stored["respondents"] == 5458 and len(stored["waves"]) == 6
    assert stored["unit_metrics"] == "demo_unit_metrics.csv"
    # the stored survey gives the file's numbers, unit metrics included
    for view in (["--view", "rates", "--by", "division"], ["--view", "pay"]):
        from_file = cli("analyze", DEMO, *view, "--format", "csv", *(["--metrics", METRICS] if "pay" in view else []))
        stored_run = cli("analyze", "--survey", "CX pulse", *view, "--format", "csv")
        assert stored_run.returncode == 0, stored_run.stderr
        assert stored_run.stdout == from_file.stdout
    deck = tmp_path / "deck.pptx"
    assert cli("report", "--survey", "CX pulse", "--division", "Digital", "--out", deck).returncode == 0
    assert deck.stat().st_size > 10_000
    assert "exported CX pulse — deck.pptx" in cli("workspace", "log").stdout


SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the commands are the same on
# both: the store's own tests run every case on PostgreSQL too, and the monthly job runs here on both


@SQLITE_ONLY
def test_a_wave_is_added_checked_replaced_and_removed(cli, tmp_path):
    source = REALDATA / "surveymonkey_538_starwars.csv"
    assert cli("workspace", "add", source, "--survey", "Star Wars", "--wave", "2014").returncode == 0
    again = cli("workspace", "add", source, "--survey", "Star Wars", "--wave", "2014")
    assert again.returncode == 1 and "already has wave '2014'" in again.stderr and "--replace" in again.stderr
    assert "read with the survey's saved mapping" in again.stdout
    replaced = cli("workspace", "add", source, "--survey", "Star Wars", "--wave", "2014", "--replace")
    assert replaced.returncode == 0 and "replaced 2014" in replaced.stdout
    # next year's file lost a question and gained one: said before it is stored
    rows = list(csv.reader(io.StringIO(source.read_bytes().decode("latin-1"), newline="")))
    dropped = rows[0].index("Gender")
    later = tmp_path / "starwars_2015.csv"
    with later.open("w", encoding="latin-1", newline="") as out:
        csv.writer(out).writerows([[c for i, c in enumerate(row) if i != dropped] + ["New question" if n == 0 else "x"]
                                   for n, row in enumerate(rows)])
    second = cli("workspace", "add", later, "--survey", "Star Wars", "--wave", "2015")
    assert second.returncode == 0, second.stderr
    assert "Missing from this export" in second.stdout and "Gender" in second.stdout
    assert "New in this export, not stored unless mapped: 'New question" in second.stdout  # its two header rows read as one
    [stored] = json.loads(cli("workspace", "list", "--format", "json").stdout)
    assert [w["wave"] for w in stored["waves"]] == ["2014", "2015"]
    trend = cli("analyze", "--survey", "Star Wars", "--view", "trends", "--format", "json")
    assert trend.returncode == 0 and {"2014", "2015"} <= {r["wave"] for r in json.loads(trend.stdout)}
    assert cli("workspace", "remove", "--survey", "Star Wars", "--wave", "2014").returncode == 0
    assert cli("workspace", "rename", "--survey", "Star Wars", "--to", "Films").returncode == 0
    refused = cli("workspace", "delete", "--survey", "Films")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert cli("workspace", "delete", "--survey", "Films", "--yes").returncode == 0
    assert "holds no survey yet" in cli("workspace", "list").stdout
    log = cli("workspace", "log").stdout
    for action in ("deleted Films", "renamed Films", "removed Star Wars", "replaced Star Wars", "added Star Wars"):
        assert action in log


@SQLITE_ONLY
def test_what_is_named_is_checked(cli):
    both = cli("summary", DEMO, "--survey", "CX pulse")
    assert both.returncode == 1 and "Both a file" in both.stderr
    neither = cli("summary")
    assert neither.returncode == 1 and "--survey NAME" in neither.stderr
    unknown = cli("analyze", "--survey", "'); DROP TABLE waves; --", "--view", "rates")
    assert unknown.returncode == 1 and "no survey called" in unknown.stderr


def test_a_wrong_database_url_is_said_plainly(tmp_path):
    result = subprocess.run([sys.executable, "-m", "cxcommit", "workspace", "list"], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "CXCOMMIT_DATABASE_URL":
                                           f"postgresql+psycopg://ana:secret@/x?host={tmp_path}&connect_timeout=2"})
    assert result.returncode == 1 and "cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr and "secret" not in result.stderr

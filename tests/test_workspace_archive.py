"""The whole workspace as one file (cxcommit.store.archive), on SQLite and on a real PostgreSQL server
and from one to the other: what is imported is what was exported, to the last value (text with commas,
quotes, line breaks and formulas, blank and empty text apart, floats exact), the surveys analyse alike,
people are recognised across waves after the move; a file that is no workspace file, is damaged, too
large, newer or clashes with a survey here is refused, and nothing is changed."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import datetime, timezone

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from conftest import REALDATA, ROOT
from cxcommit import apply_mapping, read_raw, suggest_mapping
from cxcommit.analyses.rates import rates
from cxcommit.demo import import_demo, load_demo_metrics
from cxcommit.errors import FileTooLargeError, WorkspaceError
from cxcommit.io.limits import ReadLimits
from cxcommit.model.combine import combine_surveys
from cxcommit.privacy.publish import publish
from cxcommit.store import Workspace
from cxcommit.store import tables
from cxcommit.store.archive import FIXED, export_workspace, import_workspace

HOSTILE = "'); DROP TABLE waves; --"
ODD = ["=cmd|' /C calc'!A0", 'a, "quoted"\nsecond line', "Zürich – 東京 ✓", "-5", "@SUM(1)", "'quoted", "+1\r\n"]
FLOATS = [0.1 + 0.2, 1 / 3, 1e-300, -2.5e300, 5e-324, 123456789.12345679]


def imported(path, **options):
    raw = read_raw(path)
    return apply_mapping(raw, suggest_mapping(raw), **options)


def wave_of(survey, *labels):
    return combine_surveys([survey.filter(wave=list(labels))])


@pytest.fixture(scope="module")
def surveys(tmp_path_factory):
    """The demo, two real exports (the Carpentries one has a person who answered in two waves) and an
    export full of hostile values, each imported once."""
    export = tmp_path_factory.mktemp("hostile") / "hostile.csv"
    with export.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["ResponseId", "Division", "Business Unit", "Wave", "Q1"])
        for i in range(24):
            writer.writerow([f"R{i}", HOSTILE if i % 2 else ODD[i % len(ODD)], ODD[(i + 3) % len(ODD)],
                             "2026-Q1" if i < 12 else "2026-Q2", "Yes" if i % 3 else "No"])
    return {"CX pulse": import_demo(), "Star Wars": imported(REALDATA / "surveymonkey_538_starwars.csv"),
            "Training": imported(REALDATA / "carpentries_instructor_training_post2018.csv"),
            HOSTILE: imported(export)}


def odd_metrics():
    """The demo's unit metrics, a few values odd floats and one division blank."""
    metrics = load_demo_metrics()
    frame = metrics.frame.copy()
    frame.loc[: len(FLOATS) - 1, "customer_nps"] = FLOATS
    frame.loc[len(FLOATS), "csat_pct"] = np.nan
    frame["division"] = frame["division"].astype(object)
    frame.loc[len(FLOATS) + 1, "division"] = ODD[0]
    return replace(metrics, frame=frame, source=ODD[1])


def fill(workspace: Workspace, surveys) -> None:
    """A workspace as an organisation has it: surveys with waves added over time, unit metrics,
    settings, people, and an audit log with blank and empty surveys, line breaks and hostile names."""
    workspace.add("CX pulse", surveys["CX pulse"], by="ana@example.org")
    workspace.set_metrics("CX pulse", odd_metrics(), by="ana@example.org")
    workspace.add("Star Wars", surveys["Star Wars"], by=HOSTILE)
    for label in surveys["Training"].report.waves:
        workspace.add("Training", wave_of(surveys["Training"], label))
    workspace.add(HOSTILE, surveys[HOSTILE], by=ODD[2])
    workspace.log(ODD[0], "noted", "", "")
    workspace.log("ben@example.org", "noted", None, ODD[1])
    with workspace.engine.connect() as connection, connection.begin():
        connection.execute(tables.settings.insert(), [{"name": "min_group_size", "value": "7"},
                                                      {"name": "note", "value": json.dumps(ODD, ensure_ascii=False)}])
        connection.execute(tables.people.insert(), [
            {"email": "ana@example.org", "role": "admin", "divisions": "[]", "added_at": datetime.now(timezone.utc),
             "added_by": "local"},
            {"email": "vic@example.org", "role": "viewer", "divisions": json.dumps([HOSTILE, ODD[2]]),
             "added_at": datetime.now(timezone.utc), "added_by": ODD[0]}])


def snapshot(url: str, moves=("exported", "imported")) -> dict:
    """Every value the workspace at ``url`` holds, its own numbers replaced by what they stand for (a
    survey by its name, a wave by its survey and label): equal for a workspace and its import. Times
    in UTC; the audit log without its lines about moving the workspace."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        names = dict(connection.execute(sa.select(tables.surveys.c.id, tables.surveys.c.name)).all())
        imports = {r.id: (names[r.survey_id], r.source, _utc(r.added_at)) for r in connection.execute(sa.select(tables.imports))}
        waves = {r.id: (names[r.survey_id], r.label) for r in connection.execute(sa.select(tables.waves))}
        found = {}
        for table in FIXED:
            rows = [_plain(dict(row), names, imports) for row in connection.execute(sa.select(table)).mappings()]
            if table is tables.audit_log:
                rows = [row for row in rows if row["action"] not in moves]
            found[table.name] = sorted(rows, key=repr)
        for survey_id, name in names.items():
            for kind in ("responses", "groups"):
                rows = connection.execute(sa.text(f'SELECT * FROM "{kind}_{survey_id}"')).mappings().all()
                found[f"{kind} of {name}"] = sorted(
                    ({k: waves[v] if k == "wave_id" else v for k, v in row.items()} for row in rows), key=repr)
    engine.dispose()
    return found


def _plain(row: dict, names: dict, imports: dict) -> dict:
    out = {}
    for key, value in row.items():
        if key == "id":
            continue
        if isinstance(value, datetime):
            value = _utc(value)
        out[key] = names[value] if key == "survey_id" else imports[value][1:] if key == "import_id" else value
    return out


def _utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)


def same_survey(one: Workspace, other: Workspace, name: str) -> None:
    """The survey ``name`` analyses alike in both workspaces: same waves, rates, persons, unit metrics."""
    first, second = one.load(name), other.load(name)
    assert first.report.waves == second.report.waves and first.size == second.size
    assert first.report.repeat_respondents == second.report.repeat_respondents
    assert (first.persons is None) == (second.persons is None)
    if first.persons is not None:
        np.testing.assert_array_equal(first.persons, second.persons)
    for by in [g for g in first.groupings if g != "wave"][:2] + ["wave"]:
        pd.testing.assert_frame_equal(rates(publish(first, 5), by), rates(publish(second, 5), by))
    metrics, back = one.metrics(name), other.metrics(name)
    assert (metrics is None) == (back is None)
    if metrics is not None:
        pd.testing.assert_frame_equal(metrics.frame, back.frame)
        assert (metrics.metrics, metrics.source, metrics.headcount) == (back.metrics, back.source, back.headcount)


@pytest.fixture
def other_url(database_url, request, tmp_path):
    """A second fresh database on the same backend as ``database_url``: the other machine."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    with request.getfixturevalue("postgres_server").database() as url:
        yield url


def test_a_workspace_moves_whole(database_url, other_url, surveys, tmp_path):
    here = Workspace.open(database_url)
    fill(here, surveys)
    exported = export_workspace(here, tmp_path / "workspace.zip", by="ana@example.org")
    assert [s.name for s in exported.surveys] == ["CX pulse", "Star Wars", "Training", HOSTILE]
    assert exported.people == 2 and "workspace.zip" in exported.summary()
    assert here.audit()[0].action == "exported" and here.audit()[0].who == "ana@example.org"
    there = Workspace.open(other_url)
    done = import_workspace(there, exported.path, by="ben@example.org")
    assert [(s.name, s.waves) for s in done.surveys] == [(s.name, s.waves) for s in exported.surveys]
    assert set(done.settings) == {"person_key", "min_group_size", "note"} and done.people == 2 and not done.kept
    assert snapshot(database_url) == snapshot(other_url)
    for name in surveys:
        same_survey(here, there, name)
    assert [(s.name, [w.label for w in s.waves]) for s in here.surveys()] == \
        [(s.name, [w.label for w in s.waves]) for s in there.surveys()]
    log = there.audit()
    assert [e.action for e in log[:5]] == ["imported"] * 5 and log[0].who == "ben@example.org"
    assert {e.survey for e in log[:5]} == {None, *surveys}
    with sa.create_engine(other_url).connect() as connection:  # the hostile names are only text
        assert "waves" in sa.inspect(connection).get_table_names()
        copied = connection.execute(sa.text("SELECT wave_id FROM wave_columns ORDER BY wave_id")).scalars().all()
        assert copied == connection.execute(sa.text("SELECT id FROM waves ORDER BY id")).scalars().all()  # rebuilt


def test_from_sqlite_to_postgresql_and_back(postgres_server, surveys, tmp_path):
    sqlite = f"sqlite:///{tmp_path / 'here.db'}"
    fill(Workspace.open(sqlite), surveys)
    export_workspace(Workspace.open(sqlite), tmp_path / "one.zip")
    with postgres_server.database() as url:
        import_workspace(Workspace.open(url), tmp_path / "one.zip", by="ops")
        assert snapshot(url) == snapshot(sqlite)
        export_workspace(Workspace.open(url), tmp_path / "two.zip")
        back = f"sqlite:///{tmp_path / 'back.db'}"
        import_workspace(Workspace.open(back), tmp_path / "two.zip", by="ops")
        assert snapshot(back) == snapshot(sqlite)
        for name in surveys:
            same_survey(Workspace.open(sqlite), Workspace.open(back), name)
            same_survey(Workspace.open(sqlite), Workspace.open(url), name)


def test_people_are_recognised_in_waves_added_after_the_move(database_url, other_url, surveys, tmp_path):
    training = surveys["Training"]  # one person answered in 2018-Q2 and 2018-Q3
    earlier = [w for w in training.report.waves if w != "2018-Q3"]
    here = Workspace.open(database_url)
    here.add("Training", wave_of(training, *earlier))
    assert here.load("Training").report.repeat_respondents == 0
    export_workspace(here, tmp_path / "workspace.zip")
    there = Workspace.open(other_url)
    import_workspace(there, tmp_path / "workspace.zip", by="ops")
    for workspace in (here, there):
        workspace.add("Training", wave_of(training, "2018-Q3"))
    assert there.load("Training").report.repeat_respondents == 1
    same_survey(here, there, "Training")


def small_file(url: str, folder, surveys, name: str = "Star Wars"):
    """A workspace file holding one survey, written from the workspace at ``url``."""
    workspace = Workspace.open(url)
    workspace.add(name, surveys["Star Wars"])
    return export_workspace(workspace, folder / "small.zip").path


def rewritten(path, target, change=None, drop=(), manifest=None):
    """A copy of the workspace file ``path`` with members changed (name -> bytes), dropped, or its
    manifest changed (a function of the manifest)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in drop:
                continue
            if info.filename == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            out.writestr(info.filename, (change or {}).get(info.filename, data))
    return target


def test_what_is_no_workspace_file_is_refused_and_nothing_changes(database_url, other_url, surveys, tmp_path):
    there = Workspace.open(other_url)  # this workspace's survey comes from there: both know people by one key
    there.add("Pulse", wave_of(surveys["CX pulse"], "2026-Q3"))
    pulse = export_workspace(there, tmp_path / "pulse.zip").path
    there.delete("Pulse")
    source = small_file(other_url, tmp_path, surveys)
    number = json.loads(zipfile.ZipFile(source).read("manifest.json"))["surveys"][0]["id"]
    whole = source.read_bytes()
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:
        archive.write(REALDATA / "surveymonkey_538_starwars.csv", "starwars.csv")
    (tmp_path / "truncated.zip").write_bytes(whole[: len(whole) // 2])
    members = zipfile.ZipFile(source).infolist()
    damaged = bytearray(whole)
    inner = next(i for i in members if i.filename.startswith("responses_"))
    damaged[inner.header_offset + 60: inner.header_offset + 90] = b"\x00" * 30
    (tmp_path / "damaged.zip").write_bytes(bytes(damaged))
    cases = {
        REALDATA / "surveymonkey_538_starwars.csv": "not a zip file",
        tmp_path / "export.zip": "is not a cxcommit workspace file: it has no manifest.json",
        tmp_path / "truncated.zip": "not a zip file, or a damaged one",
        tmp_path / "damaged.zip": "cannot be unpacked",
        rewritten(source, tmp_path / "version.zip", manifest=lambda m: {**m, "version": 2}): "newer cxcommit (file format 2",
        rewritten(source, tmp_path / "schema.zip", manifest=lambda m: {**m, "schema": "0099"}):
            "newer cxcommit: its workspace schema '0099' is unknown",
        rewritten(source, tmp_path / "other.zip", manifest=lambda m: {**m, "format": "something"}): "does not say",
        rewritten(source, tmp_path / "json.zip", change={"manifest.json": b"{not json"}): "manifest.json is not JSON",
        rewritten(source, tmp_path / "missing.zip", drop=("waves.csv",)): "it has no waves.csv",
        rewritten(source, tmp_path / "rows.zip", change={"waves.csv": b'"id","survey_id","import_id","label",'
                                                                      b'"respondents"\n'}):
            "waves.csv in it has 0 rows, its manifest.json says 1",
        rewritten(source, tmp_path / "column.zip", change={"response_columns.csv": b'"survey_id","name",'
                  b'"column_name","kind","position"\n%d,"x","x""; DROP TABLE waves; --","item",1\n' % number},
                  manifest=lambda m: {**m, "tables": [{**t, "rows": 1} if t["table"] == "response_columns" else t
                                                      for t in m["tables"]]}):
            "a survey's column is called",
        rewritten(source, tmp_path / "wave.zip", change={"waves.csv": b'"id","survey_id","import_id","label",'
                                                                      b'"respondents"\n1,%d,999,"x",1\n' % number}):
            "its waves refer to an import their survey does not have",
        tmp_path: "is a folder",
        tmp_path / "nothing.zip": "There is no file",
    }
    workspace = Workspace.open(database_url)
    import_workspace(workspace, pulse, by="ops")
    before = snapshot(database_url, moves=())
    for path, message in cases.items():
        with pytest.raises(WorkspaceError) as refused:
            import_workspace(workspace, path, by="ops")
        assert message in refused.value.message, path
        assert ("Update cxcommit" in refused.value.hint) == ("newer" in message), path
        assert snapshot(database_url, moves=()) == before, path


def test_a_survey_already_here_is_named_and_nothing_is_imported(database_url, other_url, surveys, tmp_path):
    source = small_file(other_url, tmp_path, surveys, name=HOSTILE)
    workspace = Workspace.open(database_url)
    import_workspace(workspace, source, by="ops")
    before = snapshot(database_url, moves=())
    with pytest.raises(WorkspaceError, match="already has a survey called") as refused:
        import_workspace(workspace, source, by="ops")  # a second time
    assert repr(HOSTILE) in refused.value.message and "rename" in refused.value.hint.lower()
    assert "delete" in refused.value.hint
    assert snapshot(database_url, moves=()) == before
    workspace.rename(HOSTILE, "Star Wars, 2014")
    assert [s.name for s in import_workspace(workspace, source, by="ops").surveys] == [HOSTILE]
    same_survey(workspace, Workspace.open(other_url), HOSTILE)


def test_a_file_of_an_older_schema_is_read(database_url, other_url, surveys, tmp_path):
    source = small_file(other_url, tmp_path, surveys)  # as the first schema wrote it: no people, no audit log
    older = rewritten(source, tmp_path / "older.zip", drop=("people.csv", "audit_log.csv"), manifest=lambda m: {
        **m, "schema": "0001", "tables": [t for t in m["tables"] if t["table"] not in ("people", "audit_log")]})
    workspace = Workspace.open(database_url)
    done = import_workspace(workspace, older, by="ops")
    assert [s.name for s in done.surveys] == ["Star Wars"] and done.people == 0 and done.audit == 0
    same_survey(workspace, Workspace.open(other_url), "Star Wars")
    newest = rewritten(source, tmp_path / "newest.zip", drop=("people.csv",), manifest=lambda m: {
        **m, "tables": [t for t in m["tables"] if t["table"] != "people"]})
    with pytest.raises(WorkspaceError, match="does not list people.csv"):  # the newest schema has every table
        import_workspace(Workspace.open(other_url), newest, by="ops")


def test_sizes_are_checked_before_unpacking(database_url, other_url, surveys, tmp_path):
    source = small_file(other_url, tmp_path, surveys)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in original.infolist():
            data = original.read(info)
            out.writestr(info, data + b"\n" * (50 * 1024 ** 2) if info.filename.startswith("groups_") else data)
    assert bomb.stat().st_size < 1024 ** 2  # 50 MB of line breaks pack small
    workspace = Workspace.open(database_url)
    with pytest.raises(FileTooLargeError, match=r"groups_\d+\.csv in bomb\.zip unpacks to 52\.4 MB") as refused:
        import_workspace(workspace, bomb, by="ops", limits=ReadLimits(max_bytes=10 * 1024 ** 2))
    assert "CXCOMMIT_MAX_BYTES" in refused.value.hint
    with pytest.raises(FileTooLargeError, match=r"responses_\d+\.csv in small\.zip has 1,187 lines"):
        import_workspace(workspace, source, by="ops", limits=ReadLimits(max_rows=1000))
    with pytest.raises(FileTooLargeError, match="small.zip is"):
        import_workspace(workspace, source, by="ops", limits=ReadLimits(max_bytes=1000))
    assert workspace.surveys() == [] and workspace.audit() == []


def test_a_person_key_in_use_on_both_sides_is_not_mixed(database_url, other_url, surveys, tmp_path):
    training = surveys["Training"]
    there = Workspace.open(other_url)
    there.add("Training", training)
    export_workspace(there, tmp_path / "workspace.zip")
    here = Workspace.open(database_url)
    here.add("Star Wars", surveys["Star Wars"])  # has respondent ids: a key of its own, in use
    with pytest.raises(WorkspaceError, match="recognise a person across waves by another key") as refused:
        import_workspace(here, tmp_path / "workspace.zip", by="ops")
    assert "empty workspace" in refused.value.hint
    assert [s.name for s in here.surveys()] == ["Star Wars"]
    here.delete("Star Wars")  # the key is no longer in use: the file's comes in
    import_workspace(here, tmp_path / "workspace.zip", by="ops")
    here.add("Star Wars", surveys["Star Wars"])
    assert snapshot(database_url)["settings"] == snapshot(other_url)["settings"]


def test_settings_and_people_here_keep_their_values(database_url, other_url, surveys, tmp_path):
    there = Workspace.open(other_url)
    fill(there, {**surveys, "Training": wave_of(surveys["Training"], "2016-Q2")})
    export_workspace(there, tmp_path / "workspace.zip")
    here = Workspace.open(database_url)
    with here.engine.connect() as connection, connection.begin():
        connection.execute(tables.settings.insert().values(name="min_group_size", value="10"))
        connection.execute(tables.people.insert().values(email="vic@example.org", role="analyst", divisions="[]",
                                                         added_at=datetime.now(timezone.utc), added_by="local"))
    done = import_workspace(here, tmp_path / "workspace.zip", by="ops")
    assert done.kept == ("the setting min_group_size", "vic@example.org's role") and done.people == 1
    assert "Kept as they were" in "\n".join(done.summary())
    with here.engine.connect() as connection:
        assert connection.execute(sa.select(tables.settings.c.value).where(
            tables.settings.c.name == "min_group_size")).scalar() == "10"
        assert connection.execute(sa.select(tables.people.c.role).where(
            tables.people.c.email == "vic@example.org")).scalar() == "analyst"


def test_the_formulas_are_not_formulas_in_the_file(database_url, surveys, tmp_path):
    workspace = Workspace.open(database_url)
    workspace.add(HOSTILE, surveys[HOSTILE])
    path = export_workspace(workspace, tmp_path / "workspace.zip").path
    with zipfile.ZipFile(path) as archive:
        groups = next(n for n in archive.namelist() if n.startswith("groups_"))
        cells = [cell for row in csv.reader(archive.read(groups).decode().splitlines(keepends=True)) for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells and "''quoted" in cells and not any(c.startswith(("=", "@", "+")) for c in cells)


def test_the_command_line_moves_a_workspace(database_url, other_url, tmp_path, monkeypatch):
    from conftest import cli

    monkeypatch.setenv("CXCOMMIT_DATABASE_URL", database_url)
    assert cli("workspace", "add", ROOT / "data" / "demo_responses.csv", "--survey", "CX pulse",
               "--metrics", ROOT / "data" / "demo_unit_metrics.csv").returncode == 0
    out = tmp_path / "workspace.zip"
    exported = cli("workspace", "export", "--out", out)
    assert exported.returncode == 0, exported.stderr
    assert f"Wrote the workspace to {out}" in exported.stdout and "'CX pulse' (6 waves, 5,458 respondents)" in exported.stdout
    assert "exported" in cli("workspace", "log").stdout
    again = cli("workspace", "import", out)
    assert again.returncode == 1 and "already has a survey called 'CX pulse'" in again.stderr
    unwritable = cli("workspace", "export", "--out", tmp_path / "no" / "such" / "folder.zip")
    assert unwritable.returncode == 1 and "cannot be written" in unwritable.stderr
    pay = cli("analyze", "--survey", "CX pulse", "--view", "pay", "--format", "csv").stdout
    assert pay.count("\n") > 5
    monkeypatch.setenv("CXCOMMIT_DATABASE_URL", other_url)
    moved = cli("workspace", "import", out)
    assert moved.returncode == 0, moved.stderr
    assert "Imported workspace.zip" in moved.stdout and "'CX pulse' (6 waves, 5,458 respondents)" in moved.stdout
    assert cli("analyze", "--survey", "CX pulse", "--view", "pay", "--format", "csv").stdout == pay  # unit metrics too
    (tmp_path / "cut.zip").write_bytes(out.read_bytes()[:5000])
    cut = subprocess.run([sys.executable, "-m", "cxcommit", "workspace", "import", tmp_path / "cut.zip"],
                         capture_output=True, text=True, cwd=ROOT, env={**os.environ, "CXCOMMIT_DATABASE_URL": other_url})
    assert cut.returncode == 1 and "cut.zip cannot be imported as a cxcommit workspace" in cut.stderr
    assert "What to do:" in cut.stderr and "Traceback" not in cut.stderr

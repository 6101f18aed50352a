"""The workspace when things go wrong at the same time, on SQLite and on a real PostgreSQL server:
an import killed half-way leaves nothing of it, two analysts adding waves at once both succeed (or
one is told plainly), and a reader never sees a wave half-added.

Nothing here sleeps for a fixed time: each test waits on what the database shows (the write-ahead
log growing, ``pg_stat_progress_copy``, ``pg_stat_activity``'s lock waits) or on an event."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from conftest import ROOT, cli
from cxcommit.demo import import_demo
from cxcommit.errors import WorkspaceError
from cxcommit.model.combine import combine_surveys
from cxcommit.store import Workspace
import cxcommit.store.engine as store_engine
import cxcommit.store.responses as responses
import cxcommit.store.tables as tables
import cxcommit.store.wave_columns as wave_columns

BIG = 300_000  # rows of the export killed while stored: its rows take a second or more to write
TIMEOUT = 120  # seconds any wait here may take before the test fails (the machine is shared)


def export(path: Path, rows: int, seed: int = 5) -> Path:
    """A survey export with ``rows`` respondents over 8 waves: id, wave, division, unit, role, region,
    the 8 signs and NPS, as the benchmark's (bench/generate.py) without its slow text columns."""
    rng = np.random.default_rng(seed)
    pick = lambda values, p=None: pa.array(np.asarray(values)[rng.choice(len(values), rows, p=p)])  # noqa: E731
    columns = {
        "ResponseId": pa.array(np.char.add("R_", np.arange(rows).astype(str))),
        "Wave": pick([f"20{24 + w // 4}-Q{w % 4 + 1}" for w in range(8)]),
        "Division": pick([f"Division {chr(65 + i)}" for i in range(4)]),
        "Business Unit": pick([f"Unit {i:02d}" for i in range(12)]),
        "Role": pick(["Executive", "Manager", "Employee"], [0.12, 0.25, 0.63]),
        "Region": pick(["North", "South", "East", "West"]),
        **{f"sign_{s}": pick(["Yes", "No", "Don't know", ""], [0.5, 0.4, 0.07, 0.03]) for s in range(1, 9)},
        "NPS": pick([str(n) for n in range(11)]),
    }
    pacsv.write_csv(pa.table(columns), path)
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    return export(tmp_path_factory.mktemp("exports") / "big.csv", BIG)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return export(tmp_path_factory.mktemp("exports") / "small.csv", 2_000, seed=6)


@pytest.fixture(scope="module")
def demo():
    return import_demo()


def wave_of(survey, *labels):
    """The survey's waves ``labels`` as one survey of their own, as if imported from their own file."""
    return combine_surveys([survey.filter(wave=list(labels))])


def rows_by_wave(survey) -> dict:
    """Each wave's respondents with their groups and answers, as a set of rows (order aside)."""
    frame = survey.responses.drop(columns=["respondent_id"], errors="ignore")
    frame = frame.astype(object).where(frame.notna(), None)
    return {wave: set(map(tuple, part.drop(columns="wave").to_numpy().tolist()))
            for wave, part in frame.groupby("wave", observed=True)}


def wait_until(condition, what: str, process: subprocess.Popen | None = None) -> None:
    """Returns once ``condition()`` holds; fails if ``process`` ends first or TIMEOUT passes."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"the command ended (exit code {process.returncode}) before {what}: {process.stderr.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {TIMEOUT} s")
        time.sleep(0.005)


def insert_under_way(url: str):
    """A condition: some thousands of a survey's responses are being written in a transaction not
    committed yet (PostgreSQL: COPY's progress; SQLite: the write-ahead log grown by megabytes)."""
    if url.startswith("sqlite"):
        wal = Path(url.removeprefix("sqlite:///") + "-wal")
        before = wal.stat().st_size if wal.exists() else 0
        return lambda: wal.exists() and wal.stat().st_size > before + (3 << 20)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    query = sa.text("SELECT count(*) FROM pg_stat_progress_copy WHERE datname = current_database() "
                    "AND command = 'COPY FROM' AND tuples_processed > 20000")

    def copying() -> bool:
        with engine.connect() as connection:
            return bool(connection.execute(query).scalar())
    return copying


def killed_add(url: str, path: Path, *args: str) -> None:
    """``python -m cxcommit workspace add PATH ARGS`` on the workspace ``url``, killed (SIGKILL) while
    the responses are being written."""
    under_way = insert_under_way(url)
    process = subprocess.Popen([sys.executable, "-m", "cxcommit", "workspace", "add", str(path), *args],
                               cwd=ROOT, env={**os.environ, store_engine.DATABASE_ENV: url},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(under_way, "its responses were being written", process)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()  # nothing if killed already
        process.wait()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL


def stored_tables(workspace: Workspace) -> dict:
    """What the workspace holds, table by table: its surveys' rows and tables, waves, imports, columns and log."""
    with workspace.engine.connect() as connection:
        surveys = connection.execute(sa.select(tables.surveys.c.id, tables.surveys.c.name, tables.surveys.c.changed_at)
                                     .order_by(tables.surveys.c.id)).all()
        held = {name: connection.execute(sa.select(table).order_by(*table.c)).all()
                for name, table in [("waves", tables.waves), ("imports", tables.imports),
                                    ("columns", tables.response_columns), ("log", tables.audit_log)]}
        counts = {name: connection.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar()
                  for s in surveys for name in responses.table_names(s.id)}
    names = set(sa.inspect(workspace.engine).get_table_names())
    return {"surveys": surveys, **held, "rows": counts,
            "tables": sorted(n for n in names if n.startswith(("responses_", "groups_")))}


def test_a_killed_import_leaves_no_survey(database_url, big, demo, monkeypatch):
    workspace = Workspace.open(database_url)
    other = wave_of(demo, "2026-Q3")
    workspace.add("Other", other)
    before = stored_tables(workspace)
    killed_add(database_url, big, "--survey", "Big")
    assert stored_tables(workspace) == before  # no survey, wave, import, column, log line or table of it
    assert [s.name for s in workspace.surveys()] == ["Other"]
    assert workspace.load("Other").size == other.size
    monkeypatch.setenv(store_engine.DATABASE_ENV, database_url)
    done = cli("workspace", "add", big, "--survey", "Big")
    assert done.returncode == 0, done.stderr
    assert "Made the survey 'Big'" in done.stdout
    assert workspace.load("Big").size == BIG


def test_a_killed_wave_leaves_its_survey_as_it_was(database_url, big, small, monkeypatch):
    monkeypatch.setenv(store_engine.DATABASE_ENV, database_url)
    assert cli("workspace", "add", small, "--survey", "Pulse").returncode == 0
    workspace = Workspace.open(database_url)
    before, survey = stored_tables(workspace), workspace.load("Pulse")
    killed_add(database_url, big, "--survey", "Pulse", "--wave", "2026-Q1")
    assert stored_tables(workspace) == before  # its waves, rows, columns and change time as they were
    after = workspace.load("Pulse")
    assert after.report.waves == survey.report.waves
    assert after.responses.equals(survey.responses)
    done = cli("workspace", "add", big, "--survey", "Pulse", "--wave", "2026-Q1")
    assert done.returncode == 0, done.stderr
    [stored] = workspace.surveys()
    assert [w.label for w in stored.waves] == [*survey.report.waves, "2026-Q1"]
    assert workspace.load("Pulse").size == survey.size + BIG


class Gate:
    """Holds up every addition to the workspace at ``url`` until :meth:`open` (or the end of the
    block), so that additions started together are under way together: on PostgreSQL by a lock on
    ``imports`` (each addition reads the survey, then waits to write; :meth:`wait` counts the sessions
    waiting for a lock), on SQLite by holding the write lock (each addition waits to begin; :meth:`wait`
    counts those that connected to begin)."""

    def __init__(self, url: str, workspaces: list[Workspace]):
        self.url, self.began = url, threading.Semaphore(0)
        self.postgres = not url.startswith("sqlite")
        if self.postgres:
            self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
            self.holder = self.engine.connect()
            self.holder.begin()
            self.holder.exec_driver_sql("LOCK TABLE imports IN EXCLUSIVE MODE")  # reading it stays allowed
        else:
            self.holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            self.holder.execute("BEGIN IMMEDIATE")
            for workspace in workspaces:
                event.listen(workspace.engine, "engine_connect", lambda _connection: self.began.release())

    def wait(self, additions: int) -> None:
        """Returns once ``additions`` additions wait behind the gate."""
        if self.postgres:
            query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
            with self.engine.connect() as connection:
                wait_until(lambda: connection.execute(query).scalar() >= additions, f"{additions} additions waiting")
            return
        for _ in range(additions):
            assert self.began.acquire(timeout=TIMEOUT), f"{additions} additions did not begin"

    def open(self) -> None:
        """Lets the additions go on (nothing if they may already)."""
        if self.holder is None:
            return
        self.holder.rollback()
        self.holder.close()
        self.holder = None
        if self.postgres:
            self.engine.dispose()


def at_once(url: str, *additions):
    """Each ``(name, survey)`` added by a Workspace of its own, all started together and held up until
    every one is under way; what each returned or raised, in order."""
    workspaces = [Workspace.open(url) for _ in additions]
    gate = Gate(url, workspaces)
    try:
        with ThreadPoolExecutor(len(additions)) as pool:
            try:
                futures = [pool.submit(w.add, name, survey, by=f"analyst {i}")
                           for i, (w, (name, survey)) in enumerate(zip(workspaces, additions))]
                gate.wait(len(additions))
            finally:
                gate.open()
            return [f.exception(timeout=TIMEOUT) or f.result() for f in futures]
    finally:
        for workspace in workspaces:
            workspace.engine.dispose()


def test_two_waves_added_at_once_are_both_stored(database_url, demo):
    workspace = Workspace.open(database_url)
    workspace.add("Pulse", wave_of(demo, "2025-Q2"))
    one, two = at_once(database_url, ("Pulse", wave_of(demo, "2025-Q3")), ("Pulse", wave_of(demo, "2025-Q4")))
    assert not isinstance(one, Exception) and not isinstance(two, Exception), (one, two)
    back = workspace.load("Pulse")
    assert sorted(back.report.waves) == ["2025-Q2", "2025-Q3", "2025-Q4"]
    assert back.size == wave_of(demo, "2025-Q2", "2025-Q3", "2025-Q4").size
    assert rows_by_wave(back) == rows_by_wave(wave_of(demo, "2025-Q2", "2025-Q3", "2025-Q4"))


def test_a_new_survey_made_twice_at_once_holds_both_waves(database_url, demo):
    one, two = at_once(database_url, ("Pulse", wave_of(demo, "2025-Q3")), ("Pulse", wave_of(demo, "2025-Q4")))
    assert not isinstance(one, Exception) and not isinstance(two, Exception), (one, two)
    assert sorted([one.created, two.created]) == [False, True]  # one made it, the other added to it
    workspace = Workspace.open(database_url)
    [stored] = workspace.surveys()
    assert sorted(w.label for w in stored.waves) == ["2025-Q3", "2025-Q4"]
    assert rows_by_wave(workspace.load("Pulse")) == rows_by_wave(wave_of(demo, "2025-Q3", "2025-Q4"))
    assert len(stored_tables(workspace)["tables"]) == 2  # one survey's two tables


def test_the_same_wave_added_twice_at_once_is_stored_once(database_url, demo):
    workspace = Workspace.open(database_url)
    workspace.add("Pulse", wave_of(demo, "2025-Q2"))
    wave = wave_of(demo, "2025-Q3")
    outcomes = at_once(database_url, ("Pulse", wave), ("Pulse", wave))
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1, outcomes
    assert isinstance(refused[0], WorkspaceError) and "'Pulse' already has wave '2025-Q3'" in str(refused[0])
    assert "nothing was added" in str(refused[0])
    assert [w.label for w in workspace.surveys()[0].waves] == ["2025-Q2", "2025-Q3"]
    assert workspace.load("Pulse").size == wave_of(demo, "2025-Q2", "2025-Q3").size
    assert len(stored_tables(workspace)["imports"]) == 2


@contextmanager
def held_after_writing(monkeypatch):
    """Additions stopped once their responses are written, before they commit: yields (written, go),
    two events: ``written`` is set when an addition stops, ``go`` lets it go on."""
    written, go, write = threading.Event(), threading.Event(), responses.write

    def write_then_wait(connection, table, rows):
        write(connection, table, rows)
        if table.startswith("responses_"):
            written.set()
            assert go.wait(TIMEOUT)
    monkeypatch.setattr(responses, "write", write_then_wait)
    try:
        yield written, go
    finally:
        go.set()


def test_a_reader_never_sees_a_wave_half_added(database_url, demo, monkeypatch):
    workspace, writer = Workspace.open(database_url), Workspace.open(database_url)
    first = wave_of(demo, "2025-Q2")
    workspace.add("Pulse", first)
    with ThreadPoolExecutor(1) as pool, held_after_writing(monkeypatch) as (written, go):  # go set before the pool waits
        adding = pool.submit(writer.add, "Pulse", wave_of(demo, "2025-Q3"))
        assert written.wait(TIMEOUT)  # every response of 2025-Q3 written, not committed
        during = workspace.load("Pulse")
        assert during.report.waves == ("2025-Q2",) and during.size == first.size
        assert [w.label for w in workspace.surveys()[0].waves] == ["2025-Q2"]
        go.set()
        adding.result(timeout=TIMEOUT)
    assert workspace.load("Pulse").report.waves == ("2025-Q2", "2025-Q3")


def test_a_wave_stored_while_a_survey_is_read_is_read_whole(database_url, demo, monkeypatch):
    """The survey's rows are read after its waves: a wave stored in between (here, just before its
    responses are read) makes the reader read the survey again, never a survey with a wave's rows
    but not the wave, or the reverse."""
    workspace, writer = Workspace.open(database_url), Workspace.open(database_url)
    workspace.add("Pulse", wave_of(demo, "2025-Q2"))
    read, reads = wave_columns.read, []

    def read_after_a_wave_is_added(connection, survey_id, columns):
        if not reads:
            writer.add("Pulse", wave_of(demo, "2025-Q3"))
        reads.append(survey_id)
        return read(connection, survey_id, columns)
    monkeypatch.setattr(wave_columns, "read", read_after_a_wave_is_added)
    back = workspace.load("Pulse")
    assert back.report.waves == ("2025-Q2", "2025-Q3")
    assert rows_by_wave(back) == rows_by_wave(wave_of(demo, "2025-Q2", "2025-Q3"))
    assert len(reads) == 2  # the survey's responses read twice: read again once it had changed


def test_a_writer_kept_waiting_too_long_is_told_so_on_sqlite(tmp_path, demo, monkeypatch):
    """SQLite only: a writer there waits up to WAIT_SECONDS for another's transaction, then stops with
    a message (PostgreSQL has no such limit: a writer waits until the other ends)."""
    url = f"sqlite:///{tmp_path / 'cxcommit.db'}"
    monkeypatch.setattr(store_engine, "WAIT_SECONDS", 0.2)
    workspace = Workspace.open(url)
    other = sqlite3.connect(tmp_path / "cxcommit.db", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process storing a large file
        with pytest.raises(WorkspaceError, match="The workspace is busy") as busy:
            workspace.add("Pulse", wave_of(demo, "2025-Q2"))
        assert "Nothing was changed" in str(busy.value) and "Try again" in busy.value.hint
    finally:
        other.rollback()
        other.close()
    workspace.add("Pulse", wave_of(demo, "2025-Q2"))
    assert [s.name for s in workspace.surveys()] == ["Pulse"]


def without_copies(workspace: Workspace) -> None:
    """Delete the copies of the waves' columns: the survey is then read from its responses table."""
    with workspace.engine.begin() as connection:
        connection.execute(tables.wave_columns.delete())


def test_a_survey_read_from_its_waves_copies_is_the_survey_its_responses_table_holds(database_url, demo):
    workspace = Workspace.open(database_url)
    workspace.add("Pulse", wave_of(demo, "2025-Q2", "2025-Q3"))
    workspace.add("Pulse", wave_of(demo, "2025-Q4"))  # a wave with another file's columns
    copied = workspace.load("Pulse")
    without_copies(workspace)
    recorded = workspace.load("Pulse")
    pd.testing.assert_frame_equal(copied.responses, recorded.responses)
    assert copied.report == recorded.report and copied.items == recorded.items


def test_removing_a_wave_removes_its_copy(database_url, demo):
    workspace = Workspace.open(database_url)
    workspace.add("Pulse", wave_of(demo, "2025-Q2", "2025-Q3"))
    workspace.remove_wave("Pulse", "2025-Q2")
    with workspace.engine.connect() as connection:
        kept = connection.execute(sa.select(tables.wave_columns.c.wave_id)).scalars().all()
        assert kept == connection.execute(sa.select(tables.waves.c.id)).scalars().all() and len(kept) == 1
    assert workspace.load("Pulse").report.waves == ("2025-Q3",)
    workspace.delete("Pulse")
    with workspace.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(tables.wave_columns)).scalar() == 0


def test_a_large_table_read_in_ranges_is_the_table_read_at_once(database_url, demo, monkeypatch):
    """A large survey is read by several connections over ranges of its rows (here made "large" by
    lowering the thresholds): the survey read is the same, row for row, as one connection reads it."""
    workspace = Workspace.open(database_url)
    workspace.add("Pulse", wave_of(demo, "2025-Q2", "2025-Q3", "2025-Q4"))
    without_copies(workspace)
    monkeypatch.setattr(responses, "SMALL_ROWS", 0)  # read through Arrow's drivers, however small
    once = workspace.load("Pulse")
    monkeypatch.setattr(responses, "PARALLEL_ROWS", 10)
    monkeypatch.setattr(responses, "PARALLEL_PAGES", 1)
    monkeypatch.setattr(responses, "_workers", lambda: 3)
    ranged = workspace.load("Pulse")
    pd.testing.assert_frame_equal(ranged.responses, once.responses)
    assert ranged.report == once.report


def test_rows_moved_on_disk_are_read_back_in_the_order_stored(database_url, demo, monkeypatch):
    """PostgreSQL writes an updated row where there is room, often at the table's end: the rows are read
    back by wave and row all the same (on SQLite the update leaves them where they were)."""
    workspace = Workspace.open(database_url)
    workspace.add("Pulse", wave_of(demo, "2025-Q2", "2025-Q3"))
    before = workspace.load("Pulse")
    without_copies(workspace)
    monkeypatch.setattr(responses, "SMALL_ROWS", 0)  # read through Arrow's drivers, however small
    answers, _ = responses.table_names(workspace.engine.connect().execute(sa.select(tables.surveys.c.id)).scalar())
    with workspace.engine.begin() as connection:
        first = connection.execute(sa.text(f'SELECT min(wave_id) FROM "{answers}"')).scalar()
        connection.execute(sa.text(f'UPDATE "{answers}" SET person = person WHERE wave_id = :w'), {"w": first})
        if connection.dialect.name == "postgresql":  # some of the first wave's rows now come after the second's
            physical = connection.execute(sa.text(f'SELECT wave_id, row_no FROM "{answers}"')).all()
            assert physical != sorted(physical)
    pd.testing.assert_frame_equal(workspace.load("Pulse").responses, before.responses)


def test_rows_out_of_order_are_sorted_by_their_keys_and_rows_in_order_kept_as_they_are():
    table = pa.table({"wave_id": [2, 1, 1, 2, 1], "row_no": [0, 5, 2, 1, 9], "x": [0.5, 1.5, 2.5, 3.5, 4.5]})
    assert responses.in_order(table, ("wave_id", "row_no")).to_pydict() == {
        "wave_id": [1, 1, 1, 2, 2], "row_no": [2, 5, 9, 0, 1], "x": [2.5, 1.5, 4.5, 0.5, 3.5]}
    ordered = responses.in_order(table, ("wave_id", "row_no"))
    assert responses.in_order(ordered, ("wave_id", "row_no")) is ordered
    assert responses.in_order(table, ()) is table


def test_a_reader_that_fails_is_a_message_naming_the_database(database_url, demo, monkeypatch):
    import adbc_driver_manager

    workspace = Workspace.open(database_url)
    workspace.add("Pulse", wave_of(demo, "2025-Q2"))
    without_copies(workspace)  # read from the responses table, through Arrow's drivers however small
    monkeypatch.setattr(responses, "SMALL_ROWS", 0)

    def lost(*_):
        raise adbc_driver_manager.OperationalError("server closed the connection unexpectedly",
                                                   status_code=adbc_driver_manager.AdbcStatusCode.IO)
    monkeypatch.setattr(responses, "_postgres_read", lost)
    monkeypatch.setattr(responses, "_adbc_read", lost)
    with pytest.raises(WorkspaceError) as raised:
        workspace.load("Pulse")
    assert str(raised.value).startswith(f"The survey's responses could not be read from {workspace.where}: ")
    assert "server closed the connection unexpectedly" in str(raised.value)
    assert raised.value.hint == "Check that the database is reachable, then open the survey again."

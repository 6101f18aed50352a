"""The database harness is real: ``database_url`` gives an empty database on SQLite and on a real
PostgreSQL server, values travel as bound parameters, and the server tests/postgres.py starts is
gone once it is stopped."""
import os
import subprocess
import sys

import psycopg
import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, func, inspect, insert, select, text

from postgres import PostgresMissing, scratch_folder, postgres_bin, postgres_server

HOSTILE = "'); DROP TABLE waves; --"


def _waves(metadata: MetaData) -> Table:
    return Table("waves", metadata, Column("id", Integer, primary_key=True), Column("label", Text, nullable=False))


@pytest.fixture
def engine(database_url):
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


def test_each_backend_gives_an_empty_database_of_its_kind(engine, request):
    assert engine.dialect.name == request.node.callspec.params["database_url"]
    assert inspect(engine).get_table_names() == []


def test_hostile_text_is_stored_and_read_back_as_text(engine):
    waves = _waves(MetaData())
    waves.metadata.create_all(engine)
    values = [HOSTILE, "Zürich \"Q3\" \\ 100%", "'; SELECT pg_sleep(10); --"]
    with engine.begin() as connection:
        connection.execute(insert(waves), [{"label": value} for value in values])
    with engine.connect() as connection:
        assert connection.execute(select(waves.c.label).order_by(waves.c.id)).scalars().all() == values
        found = connection.execute(text("SELECT id FROM waves WHERE label = :label"), {"label": HOSTILE}).scalar_one()
    assert found == 1
    assert inspect(engine).has_table("waves")


def test_the_server_is_postgresql(postgres_server):
    with postgres_server.database() as url:
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                version = connection.execute(text("SELECT version()")).scalar_one()
        finally:
            engine.dispose()
    assert version.startswith("PostgreSQL ")


def _count(engine, table: Table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_two_connections_see_each_others_committed_rows_only(postgres_server):
    with postgres_server.database() as url:
        first, second = create_engine(url), create_engine(url)
        try:
            waves = _waves(MetaData())
            waves.metadata.create_all(first)
            with first.connect() as writer:
                writer.execute(insert(waves), {"label": "2024 Q1"})
                assert _count(second, waves) == 0  # not yet committed
                writer.commit()
            assert _count(second, waves) == 1
            with second.begin() as connection:
                connection.execute(insert(waves), {"label": "2024 Q2"})
            assert _count(first, waves) == 2
        finally:
            first.dispose()
            second.dispose()


def test_another_process_reaches_the_database_by_its_url(postgres_server):
    """A URL as ``CXCOMMIT_DATABASE_URL`` carries it: what a dashboard process given it writes, the
    tests read."""
    script = ("import os; from sqlalchemy import create_engine, text\n"
              "with create_engine(os.environ['CXCOMMIT_DATABASE_URL']).begin() as c:\n"
              "    c.execute(text('CREATE TABLE waves (label text)'))\n"
              "    c.execute(text('INSERT INTO waves VALUES (:label)'), {'label': os.environ['LABEL']})\n")
    with postgres_server.database() as url:
        subprocess.run([sys.executable, "-c", script], check=True,
                       env={**os.environ, "CXCOMMIT_DATABASE_URL": url, "LABEL": HOSTILE})
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                assert connection.execute(text("SELECT label FROM waves")).scalars().all() == [HOSTILE]
        finally:
            engine.dispose()


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the server's backends and workers)."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):  # it ended meanwhile
            continue
        if fields[1] == str(pid):
            found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie, dead but not yet collected, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the server's processes from /proc (Linux)")
def test_the_server_and_its_folder_are_gone_once_stopped_also_after_a_failure():
    with pytest.raises(ZeroDivisionError):
        with postgres_server() as server:
            pid, folder = server.pid, server.folder
            with server.connect() as connection:
                assert connection.execute("SELECT pg_backend_pid()").fetchone()[0] in _children(pid)
                workers = _children(pid)
            assert len(workers) >= 3, workers  # checkpointer, writers, a backend …
            1 / 0  # a failing test
    assert not _alive(pid)
    assert not any(map(_alive, workers)), [w for w in workers if _alive(w)]
    assert not folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host=str(folder), port=5432, user="postgres", connect_timeout=2)


def test_the_newest_postgresql_is_chosen_by_version_number(tmp_path):
    for version in ("9.6", "15", "16"):
        (tmp_path / version / "bin").mkdir(parents=True)
        for program in ("initdb", "postgres"):
            (tmp_path / version / "bin" / program).touch()
    (tmp_path / "17" / "bin").mkdir(parents=True)  # a client-only install: no initdb
    assert postgres_bin(tmp_path) == tmp_path / "16" / "bin"


def test_missing_postgresql_says_what_to_install(tmp_path):
    with pytest.raises(PostgresMissing, match="install Debian's `postgresql` package"):
        postgres_bin(tmp_path, path=str(tmp_path))


def test_the_cluster_goes_in_memory_only_where_there_is_room(tmp_path):
    assert scratch_folder(str(tmp_path), room=0) == str(tmp_path)
    assert scratch_folder(str(tmp_path), room=1 << 60) is None  # e.g. Docker's 64 MB /dev/shm
    assert scratch_folder(str(tmp_path / "absent")) is None

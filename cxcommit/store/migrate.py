"""The workspace's schema brought up to date with Alembic (the migrations are in
``cxcommit/store/migrations``): on opening a workspace, in one transaction, one process at a time.

Developers add a migration with ``alembic -c cxcommit/store/alembic.ini revision -m "…"`` and write
its ``upgrade``; a migration never loses a wave (tests/test_workspace_migrations.py upgrades a
workspace made with the first schema, data in it).
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from cxcommit.store.engine import WRITE

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LOCK = 716_400_016  # PostgreSQL advisory lock held while a process upgrades the schema


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest schema's revision."""
    return ScriptDirectory.from_config(config()).get_current_head()


def revision(connection: Connection) -> str | None:
    """The revision the database is at (None: an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, to: str = "head") -> None:
    """Bring the schema to revision ``to``, if it is not there already; another process upgrading at the
    same moment waits for this one (SQLite's write lock, PostgreSQL's advisory lock) and then finds
    nothing left to do."""
    wanted = head() if to == "head" else to
    with engine.connect() as connection:
        if revision(connection) == wanted:
            return
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK})")
        command.upgrade(config(connection), to)


def revisions() -> tuple[str, ...]:
    """Every schema revision this cxcommit knows, the newest first."""
    return tuple(script.revision for script in ScriptDirectory.from_config(config()).walk_revisions())

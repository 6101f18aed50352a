"""The workspace's schema brought up to date with Alembic (the migrations are in
``cxcommit/store/migrations``): on opening a workspace, in one transaction, one process at a time.

Developers add a migration with ``alembic -c cxcommit/store/alembic.ini revision -m "…"`` and write
its ``upgrade``; a migration never loses a wave (tests/test_workspace_migrations.py upgrades a
workspace made with the first schema, data in it).
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cxcommit.store.engine import WRITE

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LOCK = 716_400_016  # PostgreSQL advisory lock held while a process upgrades the schema
HEAD = "0003"  # the newest migration's revision (a test checks it against migrations/): opening a
# workspace at it needs no Alembic, whose import alone takes longer than reading a small survey


def config(connection: Connection | None = None):
    from alembic.config import Config  # only to migrate: see HEAD

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest schema's revision."""
    return HEAD


def revision(connection: Connection) -> str | None:
    """The revision the database is at (None: an empty database), read from Alembic's own table."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


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
        from alembic import command  # only to migrate: see HEAD

        command.upgrade(config(connection), to)


def revisions() -> tuple[str, ...]:
    """Every schema revision this cxcommit knows, the newest first."""
    from alembic.script import ScriptDirectory  # only when asked: see HEAD

    return tuple(script.revision for script in ScriptDirectory.from_config(config()).walk_revisions())

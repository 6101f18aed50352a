"""Where the workspace lives and how to reach it: ``CXCOMMIT_DATABASE_URL`` (any SQLAlchemy URL, e.g.
``postgresql+psycopg://user:password@host/cxcommit`` for a team), else the SQLite file
``cxcommit.db`` in the data folder (:func:`data_folder`).

A database that cannot be reached, a URL that cannot be read, or a driver that is missing becomes a
:class:`cxcommit.errors.WorkspaceError` naming the database (never its password) and what to do.

SQLite is opened for several processes at once (the CLI beside the dashboard, two analysts):
write-ahead logging, so that readers never wait for a writer, and a writer waits its turn (up to
:data:`WAIT_SECONDS`) instead of failing; a transaction that writes takes the write lock when it
begins (``BEGIN IMMEDIATE``), so that two additions never both read first and then collide.
"""
from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from cxcommit.errors import WorkspaceError

DATABASE_ENV = "CXCOMMIT_DATABASE_URL"
DATA_FOLDER_ENV = "CXCOMMIT_DATA"
WAIT_SECONDS = 60  # how long a writer waits for another's transaction to end (SQLite)
WRITE = {"cxcommit_write": True}  # execution options of a connection that writes (see :func:`writing`)


def data_folder() -> Path:
    """The folder of the default workspace: ``CXCOMMIT_DATA`` if set, else ``cxcommit`` in the user's
    data folder (``$XDG_DATA_HOME``, by default ``~/.local/share``)."""
    if os.environ.get(DATA_FOLDER_ENV):
        return Path(os.environ[DATA_FOLDER_ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cxcommit"


def database_url() -> str:
    """The workspace's database: ``CXCOMMIT_DATABASE_URL``, else ``cxcommit.db`` in :func:`data_folder`."""
    return os.environ.get(DATABASE_ENV) or f"sqlite:///{data_folder() / 'cxcommit.db'}"


def shown_url(url: str) -> str:
    """The URL as it may be shown: the password hidden; an unreadable URL only by its scheme."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 — an unreadable URL is named by its start only (it may hold a password)
        return url.split(":", 1)[0] + ":…"


def connect(url: str | None = None) -> Engine:
    """An engine for the workspace at ``url`` (default :func:`database_url`), checked by connecting once."""
    url = url or database_url()
    try:
        parsed = make_url(url)
    except Exception as error:  # noqa: BLE001 — SQLAlchemy's ArgumentError and ValueError alike
        raise WorkspaceError(f"The workspace database URL {shown_url(url)!r} cannot be read.",
                             hint=f"Set {DATABASE_ENV} to a URL such as postgresql+psycopg://user:password@host/cxcommit, "
                                  "or unset it to use the default SQLite file.") from error
    engine = _engine(parsed, url)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa.exc.SQLAlchemyError as error:
        engine.dispose()
        raise WorkspaceError(f"The workspace database {shown_url(url)} cannot be reached: {driver_reason(error)}.",
                             hint="Check that the database server is running and that the URL, user and password "
                                  f"in {DATABASE_ENV} are right.") from error
    return engine


def _engine(parsed, url: str) -> Engine:
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        return sa.create_engine(parsed, pool_pre_ping=True)
    except WorkspaceError:
        raise
    except Exception as error:  # noqa: BLE001 — an unknown dialect or a driver that is not installed
        raise WorkspaceError(f"The workspace database {shown_url(url)} cannot be used: {driver_reason(error)}.",
                             hint="Use sqlite:///PATH or postgresql+psycopg://…; install the driver the URL names "
                                  "(psycopg for PostgreSQL).") from error


def _sqlite_engine(parsed) -> Engine:
    if parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).expanduser().resolve().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WorkspaceError(f"The workspace folder {folder} cannot be created: {error.strerror}.",
                                 hint=f"Set {DATA_FOLDER_ENV} to a folder you can write to.") from error
    engine = sa.create_engine(parsed, connect_args={"timeout": WAIT_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # transactions begun below, not by the driver
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get("cxcommit_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def driver_reason(error: Exception) -> str:
    """The driver's own words for ``error`` on one line, without SQLAlchemy's wrapping or a password."""
    original = getattr(error, "orig", None) or error
    text = " ".join(str(original).split())
    return text[:300].rstrip(".") or type(original).__name__

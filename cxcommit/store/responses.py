"""A survey's responses in two tables of its own, for cxcommit and a BI tool alike:

- ``groups_<survey id>``: one row a combination of groupings that occurs (``cell``), one text column
  per grouping (division, business unit, role, region, the export's questions used as groupings);
- ``responses_<survey id>``: one row a respondent in a wave: its ``wave_id`` (``waves``), ``row_no`` (its
  row in the file), ``person`` (a keyed hash of the respondent id, so that a person answering in two
  waves is one person without the id being kept; NULL without ids), ``cell`` (its groupings), and one
  column per item holding the scale value (NULL for no answer, -1 for "don't know" on yes/no and
  agreement scales, :data:`cxcommit.instrument.scales.DONT_KNOW`).

``SELECT g.division, AVG(r.sign_1) FROM responses_1 r JOIN groups_1 g USING (cell)`` is the share of
yes to sign 1 by division (blank and "don't know" aside). The columns are named from the survey's ids,
made safe (:func:`column_name`) and recorded in ``response_columns``; a wave that brings a new grouping or
item adds a column, blank before. Identifiers are quoted by the dialect, every value is a parameter.
Rows go in through the driver's bulk path (executemany on SQLite, COPY on PostgreSQL) and come out as
Arrow columns (:func:`read`): for the workspace file, and for a wave that has no copy of its columns
(:mod:`cxcommit.store.wave_columns`, what a survey is read from).
"""
from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cxcommit.errors import WorkspaceError
from cxcommit.store.engine import WAIT_SECONDS, driver_reason, shown_url

KEYS = ("wave_id", "row_no", "person", "cell")  # the responses table's own columns
BATCH = 50_000  # rows written at a time (:func:`write_table`; SQLite's executemany)


def table_names(survey_id: int) -> tuple[str, str]:
    """The survey's responses and groups tables."""
    return f"responses_{survey_id}", f"groups_{survey_id}"


def column_name(name: str, taken: set[str]) -> str:
    """A column name for the grouping or item ``name``: lower case letters, digits and _, at most 60
    characters, never one of :data:`KEYS` or a name in ``taken``.

    >>> column_name("Sign 1 (CX agenda)", set()), column_name("row_no", set()), column_name("a", {"a"})
    ('sign_1_cx_agenda', 'c_row_no', 'a_2')
    """
    base = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")[:56] or "c"
    if base[0].isdigit() or base in KEYS:
        base = f"c_{base}"
    candidate, n = base, 1
    while candidate in taken or candidate in KEYS:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


def responses_table(name: str, items: list[str]) -> sa.Table:
    return sa.Table(name, sa.MetaData(),
                    sa.Column("wave_id", sa.Integer, nullable=False, index=True),
                    sa.Column("row_no", sa.Integer, nullable=False),
                    sa.Column("person", sa.BigInteger),
                    sa.Column("cell", sa.Integer, nullable=False),
                    *(sa.Column(item, sa.Float) for item in items))


def groups_table(name: str, groupings: list[str]) -> sa.Table:
    return sa.Table(name, sa.MetaData(), sa.Column("cell", sa.Integer, primary_key=True, autoincrement=False),
                    *(sa.Column(grouping, sa.Text) for grouping in groupings))


def create(connection: Connection, survey_id: int) -> None:
    answers, groups = table_names(survey_id)
    responses_table(answers, []).create(connection)
    groups_table(groups, []).create(connection)


def drop(connection: Connection, survey_id: int) -> None:
    answers, groups = table_names(survey_id)
    responses_table(answers, []).drop(connection, checkfirst=True)
    groups_table(groups, []).drop(connection, checkfirst=True)


def add_columns(connection: Connection, table: str, columns: list[str], kind: sa.types.TypeEngine) -> None:
    """New columns of type ``kind`` for ``table`` (blank for the rows already in it)."""
    preparer = connection.dialect.identifier_preparer
    type_ = kind.compile(dialect=connection.dialect)
    for column in columns:
        connection.exec_driver_sql(f"ALTER TABLE {preparer.quote(table)} ADD COLUMN {preparer.quote(column)} {type_}")


def write(connection: Connection, table: str, rows: dict[str, list]) -> None:
    """Insert ``rows`` (column name -> a list of values, None for blank) into ``table`` within the
    connection's transaction, through the driver's bulk path."""
    names = list(rows)
    total = len(rows[names[0]]) if names else 0
    if not total:
        return
    preparer = connection.dialect.identifier_preparer
    target = f"{preparer.quote(table)} ({', '.join(preparer.quote(n) for n in names)})"
    cursor = connection.connection.driver_connection.cursor()
    try:
        if connection.dialect.name == "postgresql":
            with cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for values in zip(*(rows[n] for n in names)):
                    copy.write_row(values)
            return
        marks = ", ".join(["?"] * len(names))
        for start in range(0, total, BATCH):
            cursor.executemany(f"INSERT INTO {target} VALUES ({marks})",
                               zip(*(rows[n][start:start + BATCH] for n in names)))
    finally:
        cursor.close()


def write_table(connection: Connection, table: str, rows) -> None:
    """Write the Arrow table ``rows`` into ``table`` a batch at a time (:func:`write`): a batch's
    values become Python objects, never the whole table's at once."""
    for batch in rows.to_batches(max_chunksize=BATCH):
        write(connection, table, {name: batch.column(name).to_pylist() for name in batch.schema.names})


INT, FLOAT, TEXT = "int", "float", "text"  # how a column is read (see :func:`read`)


def read(connection: Connection, table: str, columns: dict[str, str], order: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """Every row of ``table`` (``columns``: name -> :data:`INT`, :data:`FLOAT` or :data:`TEXT`) as
    numpy arrays (:func:`arrays`: int64, float64 or objects), read by :func:`read_arrow`."""
    return arrays(read_arrow(connection, table, columns, order), columns)


def arrays(arrow, columns: dict[str, str]) -> dict[str, np.ndarray]:
    """The Arrow table's ``columns`` as numpy arrays of the width they have there: whole numbers with -1
    blank, other numbers with NaN blank, text as objects (None blank). A column without blanks is
    not copied where Arrow's and numpy's layouts agree (memory is the cost here: a fresh page costs
    more than the arithmetic done on it)."""
    out = {}
    for name, kind in columns.items():
        column = arrow.column(name)
        if kind == INT and column.null_count:
            column = column.fill_null(-1)
        out[name] = column.to_numpy(zero_copy_only=False)
    return out


def read_arrow(connection: Connection, table: str, columns: dict[str, str], order: tuple[str, ...] = ()):
    """Every row of ``table`` as one Arrow table of the columns ``columns`` (name -> :data:`INT`,
    :data:`FLOAT` or :data:`TEXT`: int64, float64 or string), blanks null, in the ``order`` of those
    columns (or ``("rowid",)``, as stored, on SQLite). A small table is read through ``connection``
    itself; a larger one as Arrow columns, never a Python object per value, through Arrow's own
    drivers (ADBC), two connections at once over ranges of its rows when large (each reads without
    Python's lock: two cores read a million rows in about half the time). They read what
    ``connection``'s transaction sees: on PostgreSQL they take its snapshot; on SQLite they read in
    transactions of their own, and the caller checks nothing changed meanwhile
    (:func:`cxcommit.store.loading.load_survey`) or holds the write lock."""
    import pyarrow as pa

    if _small(connection, table):
        return _fetched(connection, table, columns, order)
    from adbc_driver_manager import Error as ReaderError

    names = list(columns)
    try:
        if connection.dialect.name == "postgresql":
            parts = _postgres(connection, table, names)
        else:
            parts = _adbc(connection, table, names, order)
    except ReaderError as error:
        raise WorkspaceError(f"The survey's responses could not be read from {shown_url(str(connection.engine.url))}: "
                             f"{driver_reason(error)}.",
                             hint="Check that the database is reachable, then open the survey again.") from error
    arrow = pa.concat_tables([pa.table({name: part.column(name).cast(arrow_type(kind))
                                        for name, kind in columns.items()}) for part in parts])
    return arrow if connection.dialect.name == "sqlite" else in_order(arrow, order)


SMALL_ROWS = 20_000  # a table of at most this many rows is read through the connection itself


def _small(connection: Connection, table: str) -> bool:
    quoted = connection.dialect.identifier_preparer.quote(table)
    return connection.exec_driver_sql(
        f"SELECT count(*) FROM (SELECT 1 FROM {quoted} LIMIT {SMALL_ROWS + 1}) AS counted").scalar_one() <= SMALL_ROWS


def _fetched(connection: Connection, table: str, columns: dict[str, str], order: tuple[str, ...]):
    import pyarrow as pa

    rows = connection.exec_driver_sql(_select(connection, table, list(columns), order)).all()
    return pa.table({name: pa.array([row[i] for row in rows], type=arrow_type(kind))
                     for i, (name, kind) in enumerate(columns.items())})


def arrow_type(kind: str):
    """The Arrow type a column of ``kind`` (:data:`INT`, :data:`FLOAT` or :data:`TEXT`) is read as."""
    import pyarrow as pa

    return {TEXT: pa.string(), INT: pa.int64(), FLOAT: pa.float64()}[kind]


def stored_order(connection: Connection) -> tuple[str, ...]:
    """The order responses are read back in: as stored on SQLite (``rowid``: written by wave, then the
    file's row), by wave and row on PostgreSQL."""
    return ("rowid",) if connection.dialect.name == "sqlite" else ("wave_id", "row_no")


def in_order(arrow, order: tuple[str, ...]):
    """``arrow`` in the order of the columns ``order`` (none blank); as it is when it is in order
    already, as a table read in the order it was written is."""
    if not order or arrow.num_rows < 2:
        return arrow
    keys = [arrow.column(name).to_numpy() for name in order]
    later, tied = np.zeros(arrow.num_rows - 1, bool), np.ones(arrow.num_rows - 1, bool)
    for key in keys:
        later |= tied & (key[1:] > key[:-1])
        tied &= key[1:] == key[:-1]
    if (later | tied).all():
        return arrow
    return arrow.take(np.lexsort(keys[::-1]))


def _select(connection: Connection, table: str, names: list[str], order: tuple[str, ...] = ()) -> str:
    preparer = connection.dialect.identifier_preparer
    return (f"SELECT {', '.join(preparer.quote(n) for n in names)} FROM {preparer.quote(table)}"
            + (f" ORDER BY {', '.join(order)}" if order else ""))


PARALLEL_ROWS = 200_000  # a table with more rows than this is read by several connections at once (SQLite)
PARALLEL_PAGES = 2_000  # a table with more pages than this (about 130,000 responses) likewise (PostgreSQL)


def _workers() -> int:
    return min(os.cpu_count() or 1, 4)


def _adbc(connection: Connection, table: str, names: list[str], order: tuple[str, ...]) -> list:
    """SQLite's rows as Arrow tables, read by ADBC from the database file (read-only), in order: a
    large table read in ``rowid`` order is read in ranges of rows, one thread and connection each.
    The column types are inferred over all the rows of a range (one batch): a column blank in its
    first rows is typed by the values after them."""
    path = connection.engine.url.database
    query = _select(connection, table, names, order)
    if order != ("rowid",):
        return [_adbc_read(path, query)]
    top = _adbc_read(path, f"SELECT max(rowid) FROM {connection.dialect.identifier_preparer.quote(table)}"
                     ).column(0)[0].as_py()
    workers = _workers()
    if not top or top < PARALLEL_ROWS or workers < 2:
        return [_adbc_read(path, query)]
    bounds = [round(top * i / workers) for i in range(workers + 1)]
    ranged = [query.replace(" ORDER BY", f" WHERE rowid > {low} AND rowid <= {high} ORDER BY", 1)
              for low, high in zip(bounds, bounds[1:])]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda q: _adbc_read(path, q), ranged))


def _adbc_read(path: str, query: str):
    import adbc_driver_sqlite.dbapi as adbc

    with adbc.connect(f"file:{path}?mode=ro") as reader, reader.cursor() as cursor:
        # another connection may hold a lock a moment (recovering the log after a process was killed,
        # or the reader beside this one): wait for it as every writer does, never fail at once
        cursor.execute(f"PRAGMA busy_timeout = {WAIT_SECONDS * 1000}")
        cursor.fetchall()
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(1 << 30)})
        cursor.execute(query)
        return cursor.fetch_arrow_table()


def _postgres(connection: Connection, table: str, names: list[str]) -> list:
    """PostgreSQL's rows as Arrow tables, read by ADBC (binary COPY) in the snapshot of
    ``connection``'s transaction (exported to each reader), a large table in ranges of its pages,
    one thread and connection each; in no particular order."""
    snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
    query = _select(connection, table, names)
    pages = connection.exec_driver_sql(
        "SELECT pg_relation_size(%(t)s::regclass) / current_setting('block_size')::int",
        {"t": connection.dialect.identifier_preparer.quote(table)}).scalar_one()
    workers = _workers()
    queries = [query]
    if workers > 1 and pages > PARALLEL_PAGES:
        bounds = [round(pages * i / workers) for i in range(workers)] + [None]  # the last: to the end
        queries = [query + f" WHERE ctid >= '({low},0)'::tid" + (f" AND ctid < '({high},0)'::tid" if high else "")
                   for low, high in zip(bounds, bounds[1:])]
    uri = connection.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    if len(queries) == 1:
        return [_postgres_read(uri, snapshot, query)]
    with ThreadPoolExecutor(max_workers=len(queries)) as pool:
        return list(pool.map(lambda q: _postgres_read(uri, snapshot, q), queries))


def _postgres_read(uri: str, snapshot: str, query: str):
    import adbc_driver_postgresql.dbapi as adbc

    with adbc.connect(uri, autocommit=True) as reader, reader.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        cursor.execute(query)
        arrow = cursor.fetch_arrow_table()
        cursor.execute("COMMIT")
        return arrow

"""Each stored wave's responses once more, column by column: one Arrow IPC stream per wave
(zstd-compressed: row, person, cell and one column per item, named as in the responses table), in the
table ``wave_columns``, written in the transaction that stores the wave and deleted with it.

The responses table (:mod:`cxcommit.store.responses`) is the record: what a BI tool queries and the
workspace file carries. A survey is read back from these copies instead, a few large values rather
than a row per respondent: a database sends rows field by field (PostgreSQL spends about 40 ns of a
core per field, half a second for a million responses of 13 columns, before the client decodes them),
while a wave's columns arrive as one value and decode at memory speed. A wave without its copy (none
should be) is read from the responses table (:func:`read` returns None).
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection

import cxcommit.store.responses as responses
import cxcommit.store.tables as tables

_TYPES = {"row_no": pa.int32(), "person": pa.int64(), "cell": pa.int32()}
_OPTIONS = pa.ipc.IpcWriteOptions(compression="zstd")


def encode(rows: pa.Table) -> bytes:
    """One wave's rows (``row_no``, ``person``, ``cell`` and item columns, without ``wave_id``) as an
    Arrow IPC stream: whole numbers at their stored width, answers as float32 (every scale value is
    a small whole number, or -1 for "don't know": exact in float32)."""
    columns = {name: rows.column(name).cast(_TYPES.get(name, pa.float32())) for name in rows.column_names}
    table = pa.table(columns).combine_chunks()  # one batch: a driver's many small ones would each be a block
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=_OPTIONS) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def write(connection: Connection, survey_id: int, rows: pa.Table) -> None:
    """Store the copy of each wave in ``rows`` (the responses of one or more waves, with ``wave_id``),
    each in the order it is read back (by row)."""
    rows = responses.in_order(rows, ("wave_id", "row_no"))
    waves = rows.column("wave_id").to_numpy()
    cuts = np.flatnonzero(np.diff(waves)) + 1
    body = rows.drop_columns(["wave_id"])
    for start, end in zip(np.r_[0, cuts], np.r_[cuts, len(waves)]):
        if end > start:
            connection.execute(tables.wave_columns.insert().values(
                wave_id=int(waves[start]), survey_id=survey_id, answers=encode(body.slice(start, end - start))))


def read(connection: Connection, survey_id: int, items: list[str]):
    """The survey's responses from its waves' copies, by wave and row: ``wave_id`` (int64), ``row_no``
    and ``cell`` (int32), ``person`` (int64, null blank) and the ``items`` columns (float32, null blank;
    blank for the waves that lack one); None when a wave has no copy."""
    found = _fetch(connection, sa.select(tables.waves.c.id, tables.wave_columns.c.answers)
                   .select_from(tables.waves.outerjoin(tables.wave_columns,
                                                       tables.wave_columns.c.wave_id == tables.waves.c.id))
                   .where(tables.waves.c.survey_id == survey_id).order_by(tables.waves.c.id))
    if any(answers is None for _, answers in found):
        return None
    types = {"wave_id": pa.int64(), **_TYPES, **{item: pa.float32() for item in items}}
    parts = []
    for wave_id, answers in found:
        part = pa.ipc.open_stream(pa.py_buffer(answers)).read_all()
        parts.append({"wave_id": [pa.array(np.full(part.num_rows, wave_id, np.int64))]} | {
            name: part.column(name).chunks if name in part.column_names else [pa.nulls(part.num_rows, type=kind)]
            for name, kind in types.items() if name != "wave_id"})
    return pa.table({name: pa.chunked_array([chunk for part in parts for chunk in part[name]], type=kind)
                     for name, kind in types.items()})


def _fetch(connection: Connection, query) -> list[tuple]:
    """The rows of ``query``; from PostgreSQL in its binary format (a copy arrives as its bytes, not
    twice as many hexadecimal digits to decode)."""
    if connection.dialect.name != "postgresql":
        return connection.execute(query).all()
    compiled = query.compile(dialect=connection.dialect)
    cursor = connection.connection.driver_connection.cursor(binary=True)
    try:
        return cursor.execute(str(compiled), compiled.params).fetchall()
    finally:
        cursor.close()


def build(connection: Connection, survey_id: int, item_columns: list[str]) -> None:
    """Store the copy of every wave of the survey from its responses table (committed already: it is
    read as :func:`cxcommit.store.responses.read_arrow` reads), replacing any."""
    answers, _ = responses.table_names(survey_id)
    rows = responses.read_arrow(connection, answers, {**{key: responses.INT for key in responses.KEYS},
                                                      **{column: responses.FLOAT for column in item_columns}},
                                responses.stored_order(connection))
    connection.execute(tables.wave_columns.delete().where(tables.wave_columns.c.survey_id == survey_id))
    write(connection, survey_id, rows)

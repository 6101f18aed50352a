"""Adding an imported survey's waves to a stored survey, in one transaction: the survey's row (made
the first time), its responses table and any new columns, the import with its report, the waves,
every response, and the audit log's line. A process killed half-way leaves nothing of it; a wave
already stored is refused unless it is to be replaced."""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from cxcommit.errors import MappingError, WorkspaceError
from cxcommit.mapping.mapping_file import mapping_from_dict
from cxcommit.model.combine import scale_clashes
from cxcommit.model.survey import Survey
import cxcommit.store.responses as responses
import cxcommit.store.tables as tables
import cxcommit.store.wave_columns as wave_columns
from cxcommit.store.records import report_json

PERSON_KEY = "person_key"  # the setting holding the key that turns respondent ids into person numbers


@dataclass(frozen=True)
class Added:
    """What an addition did: the survey, the waves added with their respondents, and those replaced."""

    survey: str
    waves: tuple[tuple[str, int], ...]
    replaced: tuple[str, ...] = ()
    created: bool = False


def add_waves(connection: Connection, name: str, survey: Survey, *, by: str, now, replace: bool) -> Added:
    """Store the waves of ``survey`` (as imported) in the survey ``name``, made if new (see the module)."""
    if survey.minimum is not None:
        raise WorkspaceError("A published survey cannot be stored: the workspace keeps the survey as imported.",
                             hint="Add the survey apply_mapping made.")
    row, created = _survey_row(connection, name, survey, now)
    frame = survey.responses
    labels = [str(w) for w in frame["wave"].cat.categories]
    replaced = _clear_waves(connection, row, name, labels, replace)
    if not created:
        _check_scales(mapping_from_dict(json.loads(row.mapping)), survey, name)
    columns = _columns(connection, row.id, survey)
    import_id = connection.execute(tables.imports.insert().values(
        survey_id=row.id, source=survey.report.source, added_at=now, added_by=by, mapping=survey.mapping.to_json(),
        columns=json.dumps({"groupings": dict(survey.groupings), "items": [i.id for i in survey.items]},
                           ensure_ascii=False),
        report=report_json(survey.report))).inserted_primary_key[0]
    counts = np.bincount(frame["wave"].cat.codes.to_numpy(), minlength=len(labels))
    wave_ids = [connection.execute(tables.waves.insert().values(
        survey_id=row.id, import_id=import_id, label=label, respondents=int(count))).inserted_primary_key[0]
        for label, count in zip(labels, counts)]
    answers, groups = responses.table_names(row.id)
    cells, new_cells = _cells(connection, groups, frame, columns)
    responses.write(connection, groups, new_cells)
    rows = _rows(connection, survey, wave_ids, cells, columns)
    responses.write_table(connection, answers, rows)
    wave_columns.write(connection, row.id, rows)
    connection.execute(tables.surveys.update().where(tables.surveys.c.id == row.id).values(
        mapping=survey.mapping.to_json(), changed_at=now))
    return Added(name, tuple((label, int(count)) for label, count in zip(labels, counts)), replaced, created)


def _survey_row(connection: Connection, name: str, survey: Survey, now):
    """The stored survey ``name``, made (with its responses table) if there is none yet; and whether it
    was. Its row stays locked until the transaction ends: another addition to it (or another making it)
    waits its turn and then reads what this one stored (PostgreSQL; on SQLite writers take turns already)."""
    found = locked_survey(connection, name)
    if found is not None:
        return found, False
    made = connection.execute(upsert(connection, tables.surveys).values(
        name=name, mapping=survey.mapping.to_json(), created_at=now, changed_at=now)
        .on_conflict_do_nothing(index_elements=["name"]).returning(tables.surveys.c.id)).scalar()
    if made is not None:
        responses.create(connection, made)
    return locked_survey(connection, name), made is not None  # made by another addition that ended meanwhile


def locked_survey(connection: Connection, name: str):
    """The row of the survey ``name`` (None: there is none), locked for this transaction (PostgreSQL)."""
    return connection.execute(sa.select(tables.surveys).where(tables.surveys.c.name == name).with_for_update()).first()


def upsert(connection: Connection, table: sa.Table):
    """An INSERT into ``table`` that can be told what to do when the row is there already (ON CONFLICT)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _clear_waves(connection: Connection, row, name: str, labels: list[str], replace: bool) -> tuple[str, ...]:
    """Remove the stored waves ``labels`` of the survey when replacing; else refuse any that is stored."""
    stored = connection.execute(
        sa.select(tables.waves.c.id, tables.waves.c.label, tables.imports.c.source, tables.imports.c.added_by,
                  tables.imports.c.added_at)
        .join(tables.imports, tables.imports.c.id == tables.waves.c.import_id)
        .where(tables.waves.c.survey_id == row.id, tables.waves.c.label.in_(labels))).all()
    if not stored:
        return ()
    if not replace:
        first = stored[0]
        raise WorkspaceError(
            f"{name!r} already has wave {first.label!r} (from {first.source}, added by {first.added_by} on "
            f"{first.added_at:%Y-%m-%d})" + (f" and {len(stored) - 1} more of this file's waves" if len(stored) > 1 else "")
            + ": nothing was added.",
            hint="Replace it (--replace, or Replace on the Data page), name this file's wave differently (--wave), "
                 "or remove the stored wave first.")
    remove_waves(connection, row.id, [w.id for w in stored])
    return tuple(w.label for w in stored)


def remove_waves(connection: Connection, survey_id: int, wave_ids: list[int]) -> None:
    """Delete waves and their responses; an import left with no wave goes too."""
    table = responses.responses_table(responses.table_names(survey_id)[0], [])
    connection.execute(table.delete().where(table.c.wave_id.in_(wave_ids)))
    connection.execute(tables.wave_columns.delete().where(tables.wave_columns.c.wave_id.in_(wave_ids)))
    connection.execute(tables.waves.delete().where(tables.waves.c.id.in_(wave_ids)))
    empty = sa.select(tables.imports.c.id).where(
        tables.imports.c.survey_id == survey_id,
        ~sa.exists().where(tables.waves.c.import_id == tables.imports.c.id))
    connection.execute(tables.imports.delete().where(tables.imports.c.id.in_(empty)))


def _check_scales(saved, survey: Survey, name: str) -> None:
    """An item stored on one scale cannot come back on another: its waves could not be compared."""
    conflicts = [f"{item}: {before.describe()} so far, {now.describe()} in {survey.report.source}"
                 for item, before, now in scale_clashes({m.item: m.make_scale() for m in saved.items}, survey.items)]
    if conflicts:
        raise MappingError(f"This file measures questions of {name!r} on other scales than its stored waves: "
                           + "; ".join(conflicts) + ". Nothing was added.",
                           hint="Map the question to the same scale as before, or give it another id.")


def _columns(connection: Connection, survey_id: int, survey: Survey) -> dict[str, tuple[str, str]]:
    """The survey's groupings and items (name -> (column, kind)), adding the columns the stored
    survey does not have yet to its tables."""
    stored = {r.name: (r.column_name, r.kind) for r in connection.execute(
        sa.select(tables.response_columns).where(tables.response_columns.c.survey_id == survey_id))}
    wanted = {name: "grouping" for name in survey.groupings if name != "wave"}
    wanted.update({item.id: "item" for item in survey.items})
    clash = [name for name, kind in wanted.items() if name in stored and stored[name][1] != kind]
    if clash:
        raise MappingError(f"{', '.join(map(repr, clash))} held {'answers' if stored[clash[0]][1] == 'item' else 'groups'} "
                           "in the stored waves and holds the other in this file. Nothing was added.",
                           hint="Give it another id in this file's mapping.")
    taken = {column for column, _ in stored.values()}
    new: dict[str, list[str]] = {"grouping": [], "item": []}
    for name, kind in wanted.items():
        if name not in stored:
            stored[name] = (responses.column_name(name, taken), kind)
            taken.add(stored[name][0])
            new[kind].append(stored[name][0])
            connection.execute(tables.response_columns.insert().values(
                survey_id=survey_id, name=name, column_name=stored[name][0], kind=kind, position=len(taken)))
    answers, groups = responses.table_names(survey_id)
    responses.add_columns(connection, groups, new["grouping"], sa.Text())
    responses.add_columns(connection, answers, new["item"], sa.Float())
    return {name: stored[name] for name in wanted}


def _cells(connection: Connection, table: str, frame: pd.DataFrame, columns: dict) -> tuple[np.ndarray, dict]:
    """Each row's cell (its combination of groupings) in the groups table ``table``, and the cells
    to add to it (column -> values) for combinations it does not hold yet."""
    groupings = [(name, column) for name, (column, kind) in columns.items() if kind == "grouping"]
    if not groupings:
        keys = np.zeros(len(frame), dtype=np.int64)
        combos = [()]
    else:
        rows, keys = _combinations([frame[name].cat.codes.to_numpy().astype(np.int64) + 1 for name, _ in groupings])
        combos = [tuple(None if c == 0 else str(frame[name].cat.categories[c - 1]) for (name, _), c in zip(groupings, row))
                  for row in rows]
    groups = responses.groups_table(table, [column for _, column in groupings])
    known = {tuple(held[1:]): held[0] for held in connection.execute(sa.select(groups))}  # in this transaction
    next_cell = max(known.values(), default=-1) + 1
    ids, new = [], {"cell": [], **{column: [] for _, column in groupings}}
    for combo in combos:
        if combo not in known:
            known[combo] = next_cell
            next_cell += 1
            new["cell"].append(known[combo])
            for (_, column), value in zip(groupings, combo):
                new[column].append(value)
        ids.append(known[combo])
    return np.asarray(ids, dtype=np.int64)[np.asarray(keys).ravel()], new


def _combinations(codes: list[np.ndarray]) -> tuple[list[tuple], np.ndarray]:
    """The distinct rows of the code columns ``codes`` (0 blank) and each row's index among them: one
    number per row where the combinations can be numbered in 62 bits, else rows compared whole."""
    sizes = [int(c.max(initial=0)) + 1 for c in codes]
    if float(np.prod(sizes, dtype=np.float64)) < 2.0 ** 62:
        uniques, keys = np.unique(np.ravel_multi_index(codes, sizes), return_inverse=True)
        return list(zip(*(u.tolist() for u in np.unravel_index(uniques, sizes)))), keys
    uniques, keys = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
    return [tuple(row) for row in uniques.tolist()], keys


def _rows(connection: Connection, survey: Survey, wave_ids: list[int], cells: np.ndarray, columns: dict) -> pa.Table:
    """The responses' rows in the order they are read back (by wave, then the file's row): so SQLite
    reads them in the order stored (``rowid``), without sorting."""
    frame = survey.responses
    waves = frame["wave"].cat.codes.to_numpy()
    order = np.lexsort((frame["source_row"].to_numpy(), waves))
    frame = frame.take(order)
    rows = {
        "wave_id": pa.array(np.asarray(wave_ids, dtype=np.int64)[waves[order]]),
        "row_no": pa.array(frame["source_row"].to_numpy()),
        "person": pa.array(_persons(connection, frame["respondent_id"]) if "respondent_id" in frame
                           else [None] * len(frame), type=pa.int64()),
        "cell": pa.array(cells[order]),
    }
    for name, (column, kind) in columns.items():
        if kind == "item":
            rows[column] = pa.array(frame[name].to_numpy(), from_pandas=True)  # NaN: blank
    return pa.table(rows)


def _persons(connection: Connection, ids: pd.Series) -> list:
    """Each row's person: a keyed hash of its respondent id (the workspace's own key) as a 53-bit
    number (exact in any numeric type a BI tool reads it as), None where blank. The same id gives the same person in every wave added; the id itself
    is not kept."""
    key = _person_key(connection)
    codes, uniques = pd.factorize(ids.astype("string").str.strip().replace("", pd.NA), use_na_sentinel=True)
    hashed = np.array([int.from_bytes(hashlib.blake2b(str(u).encode(), key=key, digest_size=8).digest(), "big") >> 11
                       for u in uniques] + [None], dtype=object)
    return hashed[codes].tolist()  # code -1 (blank) takes the last entry, None


def _person_key(connection: Connection) -> bytes:
    select = sa.select(tables.settings.c.value).where(tables.settings.c.name == PERSON_KEY)
    found = connection.execute(select).scalar()
    if found is None:  # the first key, unless another addition stores one first (then its key)
        connection.execute(upsert(connection, tables.settings).values(name=PERSON_KEY, value=json.dumps(
            secrets.token_hex(32))).on_conflict_do_nothing(index_elements=["name"]))
        found = connection.execute(select).scalar_one()
    return bytes.fromhex(json.loads(found))

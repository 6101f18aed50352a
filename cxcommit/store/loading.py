"""A stored survey read back as it was imported: its groupings from the groups table, its answers
from the responses table (:mod:`cxcommit.store.responses`), its items from the mappings the files were
added with, and its import report the files' reports added up over the waves still stored
(:func:`cxcommit.model.combine.combined_report`)."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cxcommit.errors import WorkspaceError

from cxcommit.mapping.mapping_file import mapping_from_dict
from cxcommit.model.answers import item_of
from cxcommit.model.combine import combined_report
from cxcommit.model.importer import distinct_labels
from cxcommit.model.levels import level_codes
from cxcommit.model.persons import numbered, repeat_note, repeated_people
from cxcommit.model.survey import Survey, ordered_categories
import cxcommit.store.responses as responses
import cxcommit.store.tables as tables
import cxcommit.store.wave_columns as wave_columns
from cxcommit.store.records import report_from_json
from cxcommit.stats.tallies import code_type


ATTEMPTS = 3  # reads of a survey changed by someone else while it was read, before giving up


def load_survey(engine: Engine, name: str, find) -> Survey:
    """The stored survey ``name`` with every wave, as imported; ``find(connection, name)`` gives its
    row of ``surveys`` (or says there is none). Its rows are read again if it changed while read."""
    for _ in range(ATTEMPTS):
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":  # every statement sees the same snapshot
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                row = find(connection, name)
                stored = _read(connection, row)
            with engine.connect() as check:
                if find(check, name).changed_at == row.changed_at:
                    return _survey(row, *stored)
    raise WorkspaceError(f"{name!r} kept changing while it was being read.",
                         hint="Open it again in a moment, once the waves being added are stored.")


def _read(connection: Connection, row) -> tuple:
    columns = {r.name: (r.column_name, r.kind) for r in connection.execute(
        sa.select(tables.response_columns).where(tables.response_columns.c.survey_id == row.id)
        .order_by(tables.response_columns.c.position))}
    imports = connection.execute(sa.select(tables.imports).where(tables.imports.c.survey_id == row.id)
                                 .order_by(tables.imports.c.id)).all()
    waves = connection.execute(sa.select(tables.waves).where(tables.waves.c.survey_id == row.id)
                               .order_by(tables.waves.c.id)).all()
    answers, groups = responses.table_names(row.id)
    items = {column: responses.FLOAT for column, kind in columns.values() if kind == "item"}
    kinds = {key: responses.INT for key in responses.KEYS} | items
    copied = wave_columns.read(connection, row.id, list(items))
    data = (responses.arrays(copied, kinds) if copied is not None else
            responses.read(connection, answers, kinds, order=responses.stored_order(connection)))
    cells = responses.read(connection, groups, {"cell": responses.INT, **{
        column: responses.TEXT for column, kind in columns.values() if kind == "grouping"}})
    return columns, imports, waves, data, cells


def _survey(row, columns: dict, imports, waves, data: dict, cells: dict) -> Survey:
    frame, persons = _frame(data, cells, columns, waves)
    mapping = mapping_from_dict(json.loads(row.mapping), row.name)
    survey_items, levels = _items(frame, data, columns, imports, mapping)
    sources = {}
    for record in imports:
        sources.update(json.loads(record.columns)["groupings"])
    repeats = repeated_people(persons, frame["wave"].cat.codes.to_numpy()) if persons is not None else 0
    report = _report(imports, waves, frame, repeats)
    groupings = {name: sources.get(name, name) for name in frame
                 if name == "wave" or columns.get(name, ("", ""))[1] == "grouping"}
    return Survey(pd.DataFrame(frame, copy=False), survey_items, groupings, mapping, report, levels=levels,
                  persons=persons if repeats else None)


def _frame(data: dict, cells: dict, columns: dict, waves) -> tuple[dict, np.ndarray | None]:
    """The frame's row columns: the file's row, the wave and each grouping as categoricals (looked up
    from each row's cell); and each row's person (None when no row has one). The rows come by wave:
    a wave's code is its run's number. Codes are made per cell, then spread to the rows at their
    smallest width (a million rows' memory costs more than the arithmetic on it)."""
    frame: dict[str, object] = {"source_row": data["row_no"].astype(np.int32, copy=False)}
    labels = {w.id: w.label for w in waves}
    wave_ids = data["wave_id"]
    starts = np.flatnonzero(np.r_[True, wave_ids[1:] != wave_ids[:-1]]) if len(wave_ids) else np.array([], int)
    runs = wave_ids[starts]
    if len(set(runs.tolist())) != len(runs):  # never: both readers give the rows by wave
        raise AssertionError("a stored survey's rows were read out of wave order")
    wave_codes = np.repeat(np.arange(len(runs), dtype=code_type(len(runs))), np.diff(np.r_[starts, len(wave_ids)]))
    frame["wave"] = ordered_categories(pd.Series(pd.Categorical.from_codes(
        wave_codes, categories=[labels[int(w)] for w in runs])), "wave")
    position = np.full(int(cells["cell"].max(initial=-1)) + 2, -1, dtype=np.int32)
    position[cells["cell"]] = np.arange(len(cells["cell"]), dtype=np.int32)
    at = position[data["cell"]]
    for name, (column, kind) in columns.items():
        if kind == "grouping":
            codes, uniques = pd.factorize(pd.Series(cells[column], dtype=object), use_na_sentinel=True)
            shown = np.append(codes, -1).astype(code_type(len(uniques)))[at]  # a row without a cell (none should be) is blank
            frame[name] = ordered_categories(pd.Series(pd.Categorical.from_codes(shown, categories=list(uniques))), name)
    return frame, numbered(data["person"])  # a keyed person number per row, -1 blank; None: nobody twice


def _items(frame: dict, data: dict, columns: dict, imports, mapping) -> tuple[tuple, dict]:
    """The items stored, in the order first added, as the latest mapping that has each defines it, with
    their answers and level codes added to ``frame``."""
    entries = {}
    for record in [*imports, None]:  # the survey's own mapping last: the latest labels win
        for entry in (mapping if record is None else mapping_from_dict(json.loads(record.mapping), record.source)).items:
            if entry.item in columns and columns[entry.item][1] == "item":
                entries[entry.item] = entry
    items = distinct_labels([item_of(entries[name]) for name, (_, kind) in columns.items()
                             if kind == "item" and name in entries])
    levels = {}
    for item in items:
        frame[item.id] = data[columns[item.id][0]].astype(np.float32, copy=False)
        coded = level_codes(frame[item.id], item)
        if coded is not None:
            levels[item.id] = coded
    return items, levels


def _report(imports, waves, frame: dict, repeats: int):
    """The import reports of the files added, over the waves still stored: each with its waves and rows
    left, the files' reports added up when there are several."""
    left: dict[int, list] = {}
    for wave in waves:
        left.setdefault(wave.import_id, []).append(wave)
    reports = []
    for record in imports:
        report = report_from_json(record.report)
        notes = tuple(n for n in report.notes if n != repeat_note(report.repeat_respondents))
        reports.append(replace(report, rows_kept=sum(w.respondents for w in left.get(record.id, [])),
                               waves=tuple(w.label for w in left.get(record.id, [])), notes=notes, repeat_respondents=0))
    stored = tuple(w.label for w in waves)  # by id: the order they were stored in
    if len(reports) == 1:
        report = reports[0]
        return replace(report, repeat_respondents=repeats,
                       notes=report.notes + ((repeat_note(repeats),) if repeats else ()),
                       waves=tuple(str(w) for w in frame["wave"].cat.categories), waves_stored=stored)
    return replace(combined_report(reports, pd.DataFrame({"wave": frame["wave"]}), repeats), waves_stored=stored)

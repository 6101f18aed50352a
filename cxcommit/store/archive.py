"""The whole workspace as one file, to move it to another machine: :func:`export_workspace` writes a
.zip holding ``manifest.json`` (the file's format, the workspace's schema revision, when and by whom
it was written, its surveys and tables) and one CSV per table as stored (:mod:`cxcommit.store.tables`,
and each survey's ``responses_N`` and ``groups_N``, :mod:`cxcommit.store.responses`), every value exact
(:mod:`cxcommit.store.archive_files`); :func:`import_workspace` reads one into a workspace.

An import is all or nothing (one transaction). The surveys are numbered anew in the workspace they
come into, their tables named for the new numbers. A survey of the same name already there, a file
that is no workspace file, is damaged, or was written by a newer cxcommit, is refused before
anything is stored. The settings come along, the key that recognises a person across waves among
them: a person in the imported surveys is recognised in the waves added after the move. Settings and
people the workspace has already keep their values here (the summary names those that differ).
The audit log comes along, and says who exported and who imported.

>>> import tempfile, pathlib
>>> from cxcommit.demo import import_demo
>>> from cxcommit.store import Workspace
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> here = Workspace.open(f"sqlite:///{folder / 'here.db'}")
>>> _ = here.add("Pulse", import_demo().filter(wave=["2025-Q4"]), by="ana@example.org")
>>> exported = export_workspace(here, folder / "workspace.zip", by="ana@example.org")
>>> there = Workspace.open(f"sqlite:///{folder / 'there.db'}")
>>> [(s.name, s.waves, s.respondents) for s in import_workspace(there, exported.path, by="ben@example.org").surveys]
[('Pulse', 1, 897)]
"""
from __future__ import annotations

import json
import os
import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from cxcommit.errors import WorkspaceError
from cxcommit.io.limits import ReadLimits, size_text
import cxcommit.store.migrate as migrate
import cxcommit.store.responses as responses
import cxcommit.store.tables as tables
import cxcommit.store.wave_columns as wave_columns
from cxcommit.store.adding import PERSON_KEY
from cxcommit.store.archive_files import (ESCAPE_NOTE, FORMAT, MANIFEST, VERSION, Reader, column_types, kind_names,
                                          write_table)
from cxcommit.store.engine import WRITE
from cxcommit.store.workspace import LOCAL, MAX_NAME, Workspace

FIXED = (tables.settings, tables.surveys, tables.imports, tables.waves, tables.response_columns, tables.unit_metrics,
         tables.people, tables.audit_log)  # the workspace's own tables, in the order they are imported
_COLUMN = re.compile(r"[a-z][a-z0-9_]{0,63}\Z")  # a responses column's name (responses.column_name)


@dataclass(frozen=True)
class Moved:
    """A survey in a workspace file: its name, waves and respondents."""

    name: str
    waves: int
    respondents: int

    def __str__(self) -> str:
        return f"{self.name!r} ({self.waves} wave{'s' * (self.waves != 1)}, {self.respondents:,} respondents)"


@dataclass(frozen=True)
class Exported:
    path: Path
    surveys: tuple[Moved, ...]
    people: int
    audit: int  # lines of the audit log
    size: int  # bytes

    def summary(self) -> str:
        return (f"Wrote the workspace to {self.path} ({size_text(self.size)}): "
                + (", ".join(map(str, self.surveys)) if self.surveys else "no survey")
                + f"; {self.people} people who may sign in; {self.audit:,} lines of the audit log.")


@dataclass(frozen=True)
class Imported:
    source: str
    exported_at: str
    exported_by: str
    surveys: tuple[Moved, ...]
    settings: tuple[str, ...]  # the settings taken from the file
    people: int  # people added
    kept: tuple[str, ...]  # settings and people that differ in the file, kept as they were here
    audit: int  # lines of the audit log brought

    def summary(self) -> list[str]:
        lines = [f"Imported {self.source} (written {self.exported_at[:16].replace('T', ' ')} UTC by {self.exported_by}): "
                 + (", ".join(map(str, self.surveys)) if self.surveys else "no survey")
                 + f"; {len(self.settings)} setting(s), {self.people} people who may sign in, {self.audit:,} lines "
                   "of the audit log."]
        if self.kept:
            lines.append("Kept as they were in this workspace (the file has other values): " + ", ".join(self.kept) + ".")
        return lines


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- export ------------------------------------------------------------------------------------------


def export_workspace(workspace: Workspace, target: str | Path, *, by: str = LOCAL) -> Exported:
    """Write the whole workspace to ``target`` (a .zip, see the module), as one moment of it: nobody's
    change is half in it. The file appears whole or not at all; the audit log says who exported it."""
    target = Path(target)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with _snapshot(workspace.engine) as connection, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            manifest = _write(connection, archive, by)
        os.replace(partial, target)
    except OSError as error:
        raise WorkspaceError(f"The workspace cannot be written to {target}: {error.strerror or error}.",
                             hint="Choose a folder you can write to, with room for the file.") from error
    finally:
        partial.unlink(missing_ok=True)
    surveys = tuple(Moved(s["name"], len(s["waves"]), s["respondents"]) for s in manifest["surveys"])
    rows = {entry["table"]: entry["rows"] for entry in manifest["tables"]}
    exported = Exported(target, surveys, rows["people"], rows["audit_log"], target.stat().st_size)
    workspace.log(by, "exported", None, f"the whole workspace to {target.name}: "
                  + (", ".join(map(str, surveys)) if surveys else "no survey"))
    return exported


@contextmanager
def _snapshot(engine):
    """A connection that sees one moment of the workspace: one REPEATABLE READ transaction on PostgreSQL;
    on SQLite a transaction holding the write lock, since the responses are read through a connection of
    their own (:func:`cxcommit.store.responses.read_arrow`) and nobody may change them meanwhile."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        else:
            connection.execution_options(**WRITE)
        with connection.begin():
            yield connection


def _write(connection, archive: zipfile.ZipFile, by: str) -> dict:
    """Write every table into ``archive``, then the manifest; return the manifest."""
    entries, stored = [], {}
    for table in FIXED:
        query = sa.select(table).order_by(*table.primary_key.columns)  # unit_metrics: as stored
        rows = connection.execute(query).all()
        stored[table.name] = pa.table({name: pa.array([row[i] for row in rows], type=kind)
                                       for i, (name, kind) in enumerate(column_types(table).items())})
        entries.append(_add(archive, table.name, stored[table.name]))
    surveys = []
    for survey_id, name in zip(stored["surveys"]["id"].to_pylist(), stored["surveys"]["name"].to_pylist()):
        answers, groups = _survey_tables(connection, survey_id, stored["response_columns"])
        waves = stored["waves"].filter(pc.equal(stored["waves"]["survey_id"], survey_id))
        entries += [_add(archive, f"responses_{survey_id}", answers), _add(archive, f"groups_{survey_id}", groups)]
        surveys.append({"id": survey_id, "name": name, "respondents": answers.num_rows,
                        "persons": answers["person"].null_count < answers.num_rows,
                        "waves": [{"wave": label, "respondents": n} for label, n in
                                  zip(waves["label"].to_pylist(), waves["respondents"].to_pylist())]})
    manifest = {"format": FORMAT, "version": VERSION, "schema": migrate.head(), "exported_at": _now().isoformat(),
                "exported_by": by, "text": ESCAPE_NOTE, "surveys": surveys, "tables": entries}
    archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def _add(archive: zipfile.ZipFile, name: str, table: pa.Table) -> dict:
    write_table(archive, f"{name}.csv", table)
    return {"table": name, "file": f"{name}.csv", "rows": table.num_rows, "columns": kind_names(table.schema)}


def _survey_tables(connection, survey_id: int, columns: pa.Table) -> tuple[pa.Table, pa.Table]:
    """The survey's responses (in the order stored) and groups tables, blanks null."""
    mine = sorted((p, c, k) for s, c, k, p in zip(*(columns[n].to_pylist() for n in
                                                     ("survey_id", "column_name", "kind", "position")))
                  if s == survey_id)
    answers, groups = responses.table_names(survey_id)
    return (responses.read_arrow(connection, answers, {**{key: responses.INT for key in responses.KEYS}, **{
                c: responses.FLOAT for _, c, k in mine if k == "item"}}, responses.stored_order(connection)),
            responses.read_arrow(connection, groups, {"cell": responses.INT, **{
                c: responses.TEXT for _, c, k in mine if k == "grouping"}}, ("cell",)))


# --- import ------------------------------------------------------------------------------------------


def import_workspace(workspace: Workspace, source: str | Path, *, by: str, limits: ReadLimits | None = None) -> Imported:
    """Read the workspace file ``source`` (see the module) into ``workspace``, all of it or nothing,
    within the read limits (default :meth:`ReadLimits.from_env`)."""
    limits = ReadLimits.from_env() if limits is None else limits
    with Reader(Path(source), limits) as reader:
        fixed = {table.name: reader.table(f"{table.name}.csv", column_types(table), optional=True) for table in FIXED}
        _check(reader, fixed)
        try:
            with workspace.engine.connect().execution_options(**WRITE) as connection, connection.begin():
                return _import(connection, reader, fixed, by)
        except sa.exc.IntegrityError as error:
            raise WorkspaceError(f"{reader.name} could not be imported: "
                                 f"{' '.join(str(error.orig).split())[:300]}. Nothing was imported.",
                                 hint="If someone changed this workspace meanwhile, import the file again; else "
                                      "export the workspace again on the machine it came from.") from error
        except (sa.exc.DBAPIError, *_driver_errors(workspace)) as error:
            raise WorkspaceError(f"{reader.name} could not be stored in this workspace: "
                                 f"{' '.join(str(getattr(error, 'orig', error)).split())[:300]}. Nothing was "
                                 "imported.", hint="Check the database, then import the file again.") from error


def _driver_errors(workspace: Workspace) -> tuple[type, ...]:
    """The database driver's own errors (raised by its bulk path, which SQLAlchemy does not wrap)."""
    return (workspace.engine.dialect.loaded_dbapi.Error,)


def _check(reader: Reader, fixed: dict[str, pa.Table]) -> None:
    """The file's tables agree with each other: what refers to a survey or an import finds it, and a
    responses column has a name as the workspace makes them."""
    surveys = set(fixed["surveys"]["id"].to_pylist())
    if len(surveys) != fixed["surveys"].num_rows:
        raise reader.damaged("two of its surveys have the same number")
    for name in ("imports", "waves", "response_columns", "unit_metrics"):
        if not set(fixed[name]["survey_id"].to_pylist()) <= surveys:
            raise reader.damaged(f"its {name} refer to a survey it does not have")
    if not set(zip(fixed["waves"]["survey_id"].to_pylist(), fixed["waves"]["import_id"].to_pylist())) <= set(
            zip(fixed["imports"]["survey_id"].to_pylist(), fixed["imports"]["id"].to_pylist())):
        raise reader.damaged("its waves refer to an import their survey does not have")
    for column, kind in zip(fixed["response_columns"]["column_name"].to_pylist(),
                            fixed["response_columns"]["kind"].to_pylist()):
        if not _COLUMN.match(column or "") or column in responses.KEYS or kind not in ("item", "grouping"):
            raise reader.damaged(f"a survey's column is called {column!r} ({kind!r})")
    for name in fixed["surveys"]["name"].to_pylist():
        if not name or len(name) > MAX_NAME:
            raise reader.damaged(f"a survey is called {name!r}")


def _import(connection, reader: Reader, fixed: dict[str, pa.Table], by: str) -> Imported:
    persons_here = _persons_in_use(connection)
    said = any(isinstance(s, dict) and s.get("persons") for s in reader.manifest["surveys"])
    _check_key(connection, reader, fixed["settings"], persons_here, said)  # before the work, as the file says
    names = fixed["surveys"]["name"].to_pylist()
    taken = connection.execute(sa.select(tables.surveys.c.name).where(tables.surveys.c.name.in_(names))).scalars().all()
    if taken:
        raise WorkspaceError(
            f"This workspace already has {'surveys' if len(taken) > 1 else 'a survey'} called "
            f"{', '.join(map(repr, sorted(taken)))}, which {reader.name} holds too. Nothing was imported.",
            hint="Rename or delete it here first (`python -m cxcommit workspace rename --survey NAME --to NEW`, or "
                 "`workspace delete`), or rename it in the workspace the file came from and export again.")
    moved, persons_there = [], False
    rows = {name: fixed[name].to_pylist() for name in ("imports", "waves", "response_columns", "unit_metrics")}
    for row in fixed["surveys"].to_pylist():
        survey, named = _import_survey(connection, reader, rows, row)
        moved.append(survey)
        persons_there = persons_there or named
    _check_key(connection, reader, fixed["settings"], persons_here, persons_there)  # as the responses are
    settings, kept = _settings(connection, fixed["settings"], persons_there)
    people, kept_people = _people(connection, fixed["people"])
    manifest = reader.manifest
    audit = [{k: v for k, v in row.items() if k != "id"} for row in fixed["audit_log"].to_pylist()]
    if audit:
        connection.execute(tables.audit_log.insert(), audit)
    now, source = _now(), f"{reader.name}, written {str(manifest.get('exported_at'))[:10]} by {manifest.get('exported_by')}"
    connection.execute(tables.audit_log.insert(), [
        {"at": now, "who": by, "action": "imported", "survey": s.name, "detail": f"{s} from {source}"} for s in moved]
        + [{"at": now, "who": by, "action": "imported", "survey": None,
            "detail": f"{source}: {len(moved)} survey(s), {len(settings)} setting(s), {people} people, "
                      f"{len(audit):,} lines of the audit log"}])
    return Imported(reader.name, str(manifest.get("exported_at")), str(manifest.get("exported_by")), tuple(moved),
                    settings, people, kept + kept_people, len(audit))


def _import_survey(connection, reader: Reader, rows: dict[str, list[dict]], row: dict) -> tuple[Moved, bool]:
    """Store one survey of the file (``row``; ``rows``: the file's imports, waves, response columns and
    unit metrics) under a new number; and whether any of its responses has a person."""
    old = row.pop("id")
    new = connection.execute(tables.surveys.insert().values(**row)).inserted_primary_key[0]
    mine = {name: [r for r in found if r["survey_id"] == old] for name, found in rows.items()}
    columns = sorted(mine["response_columns"], key=lambda r: r["position"])
    _survey_columns(connection, new, columns)
    import_ids = {r["id"]: connection.execute(tables.imports.insert().values(
        {**{k: v for k, v in r.items() if k != "id"}, "survey_id": new})).inserted_primary_key[0]
        for r in sorted(mine["imports"], key=lambda r: r["id"])}
    wave_ids = {r["id"]: connection.execute(tables.waves.insert().values(
        survey_id=new, import_id=import_ids[r["import_id"]], label=r["label"], respondents=r["respondents"]
    )).inserted_primary_key[0] for r in sorted(mine["waves"], key=lambda r: r["id"])}
    if mine["unit_metrics"]:
        connection.execute(tables.unit_metrics.insert(), [{**r, "survey_id": new} for r in mine["unit_metrics"]])
    named = _survey_rows(connection, reader, (old, new), columns, wave_ids)
    return Moved(row["name"], len(wave_ids), sum(r["respondents"] for r in mine["waves"])), named


def _survey_columns(connection, survey_id: int, columns: list[dict]) -> None:
    """The survey's responses and groups tables, with its columns."""
    responses.create(connection, survey_id)
    answers, groups = responses.table_names(survey_id)
    for column in columns:
        connection.execute(tables.response_columns.insert().values(**{**column, "survey_id": survey_id}))
    responses.add_columns(connection, groups, [c["column_name"] for c in columns if c["kind"] == "grouping"], sa.Text())
    responses.add_columns(connection, answers, [c["column_name"] for c in columns if c["kind"] == "item"], sa.Float())


def _survey_rows(connection, reader: Reader, ids: tuple[int, int], columns: list[dict], wave_ids: dict) -> bool:
    """Copy the survey's responses and groups from the file (survey ``ids[0]``) to its tables here
    (``ids[1]``), each response in its wave's new number; whether any response has a person."""
    old, new = ids
    answers, groups = responses.table_names(new)
    items = {c["column_name"]: pa.float64() for c in columns if c["kind"] == "item"}
    stored = reader.table(f"responses_{old}.csv", {key: pa.int64() for key in responses.KEYS} | items)
    if stored["wave_id"].null_count or not set(np.unique(stored["wave_id"].to_numpy())) <= set(wave_ids):
        raise reader.damaged(f"responses_{old}.csv in it has responses in waves its survey does not have")
    named = stored["person"].null_count < stored.num_rows
    at = stored.column_names.index("wave_id")
    stored = stored.set_column(at, "wave_id", pa.array(_renumber(stored["wave_id"], wave_ids)))
    responses.write_table(connection, answers, stored)
    wave_columns.write(connection, new, stored)
    del stored
    cells = reader.table(f"groups_{old}.csv", {"cell": pa.int64()} | {c["column_name"]: pa.string() for c in columns
                                                                      if c["kind"] == "grouping"})
    responses.write_table(connection, groups, cells)
    return named


def _renumber(values: pa.ChunkedArray, new: dict[int, int]) -> np.ndarray:
    """``values`` (numbers the file gave) as the numbers ``new`` gives them here."""
    old = np.fromiter(new, dtype=np.int64, count=len(new))
    order = np.argsort(old)
    return np.fromiter(new.values(), dtype=np.int64, count=len(new))[order][
        np.searchsorted(old[order], values.to_numpy())]


def _persons_in_use(connection) -> bool:
    """Whether a response stored in this workspace has a person (then its key must stay)."""
    for survey_id in connection.execute(sa.select(tables.surveys.c.id)).scalars():
        table = responses.responses_table(responses.table_names(survey_id)[0], [])
        if connection.execute(sa.select(table.c.person).where(table.c.person.is_not(None)).limit(1)).first():
            return True
    return False


def _check_key(connection, reader: Reader, settings: pa.Table, persons_here: bool, persons_there: bool) -> None:
    """Refuse a file whose surveys recognise people by another key than this workspace's, when both
    have people: one of them would no longer recognise its people in the waves added later."""
    if not (persons_here and persons_there):
        return
    theirs = dict(zip(settings["name"].to_pylist(), settings["value"].to_pylist())).get(PERSON_KEY)
    ours = connection.execute(sa.select(tables.settings.c.value).where(tables.settings.c.name == PERSON_KEY)).scalar()
    if theirs != ours:
        raise WorkspaceError(
            f"The surveys in {reader.name} recognise a person across waves by another key than the surveys in this "
            "workspace: after importing, people in the waves added later could not be matched in one of them. "
            "Nothing was imported.",
            hint="Import the file into an empty workspace (a new database), or delete this workspace's surveys first.")


def _settings(connection, settings: pa.Table, persons_there: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Take the file's settings this workspace does not have, and its person key when the file's
    surveys have people (:func:`_check_key` refused a clash). The settings taken, and those kept
    here though the file's differ."""
    here = dict(connection.execute(sa.select(tables.settings.c.name, tables.settings.c.value)).all())
    taken, kept = [], []
    for name, value in zip(settings["name"].to_pylist(), settings["value"].to_pylist()):
        if name not in here:
            connection.execute(tables.settings.insert().values(name=name, value=value))
            taken.append(name)
        elif here[name] != value and name == PERSON_KEY and persons_there:
            connection.execute(tables.settings.update().where(tables.settings.c.name == name).values(value=value))
            taken.append(name)
        elif here[name] != value and name != PERSON_KEY:
            kept.append(f"the setting {name}")
    return tuple(taken), tuple(kept)


def _people(connection, people: pa.Table) -> tuple[int, tuple[str, ...]]:
    """Add the file's people this workspace does not have; those it has keep their role and divisions
    here (named when the file's differ)."""
    here = {row.email: row for row in connection.execute(sa.select(tables.people))}
    rows = [row for row in people.to_pylist() if row["email"] not in here]
    if rows:
        connection.execute(tables.people.insert(), rows)
    kept = tuple(f"{row['email']}'s role" for row in people.to_pylist() if row["email"] in here and
                 (here[row["email"]].role, here[row["email"]].divisions) != (row["role"], row["divisions"]))
    return len(rows), kept

"""The workspace: an organisation's surveys, each with its waves, mapping, unit metrics and import
reports, kept in a database (:mod:`cxcommit.store.engine`) that the command line and the dashboard
share, with an audit log of who changed or exported what.

>>> import tempfile, pathlib
>>> from cxcommit.demo import import_demo
>>> folder = tempfile.mkdtemp()
>>> workspace = Workspace.open(f"sqlite:///{pathlib.Path(folder) / 'cxcommit.db'}")
>>> added = workspace.add("Pulse", import_demo().filter(wave=["2025-Q3", "2025-Q4"]), by="ana@example.org")
>>> [(s.name, [w.label for w in s.waves]) for s in workspace.surveys()]
[('Pulse', ['2025-Q3', '2025-Q4'])]
>>> workspace.load("Pulse").size == sum(n for _, n in added.waves)
True
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cxcommit.errors import CxcommitError, WorkspaceError
from cxcommit.io.raw_table import RawTable
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.mapping.mapping_file import mapping_from_dict
from cxcommit.mapping.schema import Mapping
from cxcommit.model.survey import Survey
from cxcommit.privacy.scope import Access
from cxcommit.settings import Settings
import cxcommit.store.migrate as migrate
import cxcommit.store.responses as responses
import cxcommit.store.tables as tables
from cxcommit.store.adding import Added, add_waves, locked_survey, remove_waves
from cxcommit.store.engine import WAIT_SECONDS, WRITE, connect, shown_url
from cxcommit.store.intake import Intake, prepare
from cxcommit.store.loading import load_survey
from cxcommit.store.people import Person, delete_person, read_access, read_people, write_person
from cxcommit.store.records import metrics_from, metrics_meta, metrics_rows

LOCAL = "local"  # who does what on a laptop, where nobody signs in
ANALYSIS_SETTINGS = "analysis"  # the settings row holding the workspace's Settings (JSON)


@dataclass(frozen=True)
class StoredWave:
    label: str
    respondents: int
    source: str
    added_at: datetime
    added_by: str


@dataclass(frozen=True)
class StoredSurvey:
    name: str
    waves: tuple[StoredWave, ...]
    changed_at: datetime
    metrics: str | None  # the file the unit metrics came from, if any

    @property
    def respondents(self) -> int:
        return sum(w.respondents for w in self.waves)


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    who: str
    action: str
    survey: str | None
    detail: str


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Workspace:
    """The workspace in one database (see the module)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None) -> "Workspace":
        """The workspace at ``url`` (default: ``CXCOMMIT_DATABASE_URL`` or the SQLite file), its schema
        brought up to date."""
        engine = connect(url)
        try:
            migrate.upgrade(engine)
        except sa.exc.SQLAlchemyError as error:
            raise WorkspaceError(f"The workspace database {shown_url(str(engine.url))} could not be prepared: "
                                 f"{' '.join(str(getattr(error, 'orig', error)).split())[:300]}.",
                                 hint="Check that the database user may create tables.") from error
        return cls(engine)

    @property
    def where(self) -> str:
        """The database, as it may be shown (no password)."""
        return shown_url(self.engine.url.render_as_string(hide_password=False))

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A connection in a transaction that writes, committed at the end of the block. On SQLite a
        writer waits for another's transaction to end: past :data:`~cxcommit.store.engine.WAIT_SECONDS`
        it gives up, with a message (PostgreSQL waits as long as it takes)."""
        try:
            with self.engine.connect().execution_options(**WRITE) as connection, connection.begin():
                yield connection
        except sa.exc.OperationalError as error:
            if "database is locked" not in str(error.orig):
                raise
            raise WorkspaceError(f"The workspace is busy: another change has been under way for over {WAIT_SECONDS} "
                                 "seconds. Nothing was changed.",
                                 hint="Try again once the other change is stored (a large file takes a while).") from error

    def surveys(self) -> list[StoredSurvey]:
        """Every stored survey with its waves (in the order added), the most recently changed first."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(tables.surveys).order_by(tables.surveys.c.changed_at.desc(),
                                                                         tables.surveys.c.id.desc())).all()
            waves = connection.execute(
                sa.select(tables.waves.c.survey_id, tables.waves.c.label, tables.waves.c.respondents,
                          tables.imports.c.source, tables.imports.c.added_at, tables.imports.c.added_by)
                .join(tables.imports, tables.imports.c.id == tables.waves.c.import_id)
                .order_by(tables.waves.c.id)).all()
        return [StoredSurvey(row.name, tuple(StoredWave(w.label, w.respondents, w.source, w.added_at, w.added_by)
                                             for w in waves if w.survey_id == row.id),
                             row.changed_at, json.loads(row.metrics)["source"] if row.metrics else None)
                for row in rows]

    def latest(self) -> str | None:
        """The survey changed most recently (None in an empty workspace)."""
        with self.engine.connect() as connection:
            return connection.execute(sa.select(tables.surveys.c.name).order_by(
                tables.surveys.c.changed_at.desc(), tables.surveys.c.id.desc()).limit(1)).scalar()

    def _row(self, connection, name: str, *, lock: bool = False):
        """The row of the survey ``name`` (locked for the transaction when ``lock``), or a message that
        names the surveys there are."""
        row = (locked_survey(connection, name) if lock else
               connection.execute(sa.select(tables.surveys).where(tables.surveys.c.name == name)).first())
        if row is None:
            known = connection.execute(sa.select(tables.surveys.c.name).order_by(tables.surveys.c.name)).scalars().all()
            raise WorkspaceError(f"The workspace has no survey called {name!r}.",
                                 hint=("Its surveys are: " + ", ".join(map(repr, known)) + "." if known else
                                       "It is empty: add a survey with `python -m cxcommit workspace add FILE --survey NAME`."))
        return row

    def version(self, name: str) -> tuple[int, str]:
        """What changes whenever the survey's data do: to know a copy in memory is current."""
        with self.engine.connect() as connection:
            row = self._row(connection, name)
        return row.id, row.changed_at.isoformat()

    def mapping(self, name: str) -> Mapping | None:
        """The mapping the survey's next wave is read with (None: no such survey yet)."""
        with self.engine.connect() as connection:
            text = connection.execute(sa.select(tables.surveys.c.mapping).where(tables.surveys.c.name == name)).scalar()
        return None if text is None else mapping_from_dict(json.loads(text), name)

    def load(self, name: str) -> Survey:
        """The stored survey ``name`` with all its waves, as imported (publish it before analysing)."""
        return load_survey(self.engine, name, self._row)

    def prepare(self, name: str, raw: RawTable, *, mapping: Mapping | None = None, wave: str | None = None,
                settings: Settings = Settings()) -> Intake:
        """The export ``raw`` imported for the survey ``name`` and checked against it, not stored yet
        (:func:`cxcommit.store.intake.prepare`): add ``intake.survey`` to store it."""
        name = _survey_name(name)
        return prepare(name, raw, saved=self.mapping(name), stored_waves=self.waves(name), mapping=mapping, wave=wave,
                       settings=settings)

    def waves(self, name: str) -> tuple[str, ...]:
        """The waves stored for the survey ``name``, in the order added (none if there is no such survey)."""
        with self.engine.connect() as connection:
            return tuple(connection.execute(
                sa.select(tables.waves.c.label).join(tables.surveys, tables.surveys.c.id == tables.waves.c.survey_id)
                .where(tables.surveys.c.name == name).order_by(tables.waves.c.id)).scalars())

    def add(self, name: str, survey: Survey, *, by: str = LOCAL, replace: bool = False) -> Added:
        """Store the waves of ``survey`` (as imported) in the survey ``name``, made if new; a wave
        already stored is refused unless ``replace``. All of it or nothing (one transaction)."""
        name = _survey_name(name)
        try:
            with self._writing() as connection:
                added = add_waves(connection, name, survey, by=by, now=_now(), replace=replace)
                self._log(connection, by, "replaced" if added.replaced else "added", name,
                          f"{survey.report.source}: wave(s) " + ", ".join(f"{label} ({n:,} respondents)"
                                                                         for label, n in added.waves)
                          + (f"; replaced {', '.join(added.replaced)}" if added.replaced else ""))
        except sa.exc.IntegrityError as error:  # another addition got there first
            raise WorkspaceError(f"{name!r} was changed by someone else while this file was being added: nothing was "
                                 "added.", hint="Look at the workspace's waves again, then add the file again.") from error
        return added

    def remove_wave(self, name: str, label: str, *, by: str = LOCAL) -> None:
        """Delete the wave ``label`` of the survey ``name`` and its responses; the survey goes with its last wave."""
        with self._writing() as connection:
            row = self._row(connection, name, lock=True)
            wave = connection.execute(sa.select(tables.waves).where(
                tables.waves.c.survey_id == row.id, tables.waves.c.label == label)).first()
            if wave is None:
                labels = connection.execute(sa.select(tables.waves.c.label).where(
                    tables.waves.c.survey_id == row.id).order_by(tables.waves.c.id)).scalars().all()
                raise WorkspaceError(f"{name!r} has no wave {label!r}.",
                                     hint="Its waves are: " + ", ".join(map(repr, labels)) + ".")
            remove_waves(connection, row.id, [wave.id])
            self._log(connection, by, "removed", name, f"wave {label} ({wave.respondents:,} respondents)")
            left = connection.execute(sa.select(sa.func.count()).where(tables.waves.c.survey_id == row.id)).scalar()
            if left:
                connection.execute(tables.surveys.update().where(tables.surveys.c.id == row.id).values(changed_at=_now()))
            else:
                self._drop(connection, row)

    def delete(self, name: str, *, by: str = LOCAL) -> None:
        """Delete the survey ``name`` with every wave."""
        with self._writing() as connection:
            row = self._row(connection, name, lock=True)
            self._drop(connection, row)
            self._log(connection, by, "deleted", name, "the survey with all its waves")

    def _drop(self, connection, row) -> None:
        for table in (tables.wave_columns, tables.waves, tables.imports, tables.response_columns, tables.unit_metrics):
            connection.execute(table.delete().where(table.c.survey_id == row.id))
        connection.execute(tables.surveys.delete().where(tables.surveys.c.id == row.id))
        responses.drop(connection, row.id)

    def rename(self, name: str, new: str, *, by: str = LOCAL) -> None:
        new = _survey_name(new)
        try:
            with self._writing() as connection:
                row = self._row(connection, name, lock=True)
                connection.execute(tables.surveys.update().where(tables.surveys.c.id == row.id).values(name=new))
                self._log(connection, by, "renamed", new, f"renamed from {name}")
        except sa.exc.IntegrityError as error:
            raise WorkspaceError(f"There is already a survey called {new!r}: {name!r} keeps its name.",
                                 hint="Choose another name.") from error

    def set_metrics(self, name: str, metrics: UnitMetrics, *, by: str = LOCAL) -> None:
        """Store ``metrics`` as the survey's unit metrics (replacing any stored)."""
        with self._writing() as connection:
            row = self._row(connection, name, lock=True)
            connection.execute(tables.unit_metrics.delete().where(tables.unit_metrics.c.survey_id == row.id))
            rows = metrics_rows(metrics)
            if rows:
                connection.execute(tables.unit_metrics.insert(), [{"survey_id": row.id, **r} for r in rows])
            connection.execute(tables.surveys.update().where(tables.surveys.c.id == row.id).values(
                metrics=metrics_meta(metrics), changed_at=_now()))
            self._log(connection, by, "added metrics", name, f"unit metrics from {metrics.source}")

    def metrics(self, name: str) -> UnitMetrics | None:
        with self.engine.connect() as connection:
            row = self._row(connection, name)
            if not row.metrics:
                return None
            rows = connection.execute(sa.select(tables.unit_metrics).where(tables.unit_metrics.c.survey_id == row.id)
                                      ).mappings().all()
        return metrics_from(row.metrics, [dict(r) for r in rows])

    def people(self) -> list[Person]:
        """Everyone who may use the workspace when people sign in, admins first."""
        with self.engine.connect() as connection:
            return read_people(connection)

    def access(self, email: str | None) -> Access | None:
        """What the person signed in as ``email`` may do; None: nothing (unknown, empty or malformed)."""
        with self.engine.connect() as connection:
            return read_access(connection, email)

    def set_person(self, email: str, role: str, divisions=(), *, by: str = LOCAL) -> Access:
        """Give ``email`` the ``role`` (and, a viewer, only ``divisions``), added if new (see
        :mod:`cxcommit.store.people`); the last admin cannot be made anything else."""
        access = Access(role, tuple(divisions))
        try:
            with self._writing() as connection:
                self._log(connection, by, "set access", None, write_person(connection, email, access, by=by, now=_now()))
        except sa.exc.IntegrityError as error:  # added by someone else at the same moment
            raise WorkspaceError(f"{email} was added by someone else at the same moment: nothing was changed.",
                                 hint="Look at the workspace's people again.") from error
        return access

    def remove_person(self, email: str, *, by: str = LOCAL) -> None:
        """Take ``email``'s access away (never the last admin's)."""
        with self._writing() as connection:
            self._log(connection, by, "removed access", None, delete_person(connection, email))

    def settings(self) -> Settings:
        """The workspace's settings: what every session starts from (the minimum group size is also the
        smallest anyone but an administrator may set). The defaults until an administrator saves some."""
        with self.engine.connect() as connection:
            text = connection.execute(sa.select(tables.settings.c.value).where(
                tables.settings.c.name == ANALYSIS_SETTINGS)).scalar()
        if text is None:
            return Settings()
        try:
            return Settings(**{k: v for k, v in json.loads(text).items() if k in Settings.__dataclass_fields__})
        except (ValueError, TypeError, CxcommitError):  # stored by another version: the defaults, never a failure
            return Settings()

    def save_settings(self, settings: Settings, *, by: str = LOCAL) -> None:
        """Make ``settings`` the workspace's (see :meth:`settings`)."""
        value = json.dumps({name: getattr(settings, name) for name in Settings.__dataclass_fields__})
        with self._writing() as connection:
            changed = connection.execute(tables.settings.update().where(
                tables.settings.c.name == ANALYSIS_SETTINGS).values(value=value)).rowcount
            if not changed:
                connection.execute(tables.settings.insert().values(name=ANALYSIS_SETTINGS, value=value))
            self._log(connection, by, "changed settings", None, value)

    def log(self, who: str, action: str, survey: str | None, detail: str) -> None:
        """Record in the audit log that ``who`` did ``action`` (e.g. "exported") on ``survey``."""
        with self._writing() as connection:
            self._log(connection, who, action, survey, detail)

    @staticmethod
    def _log(connection, who: str, action: str, survey: str | None, detail: str) -> None:
        connection.execute(tables.audit_log.insert().values(at=_now(), who=who, action=action, survey=survey,
                                                            detail=detail))

    def audit(self, limit: int = 200) -> list[AuditEntry]:
        """The latest ``limit`` lines of the audit log, newest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(tables.audit_log).order_by(tables.audit_log.c.id.desc())
                                      .limit(limit)).all()
        return [AuditEntry(r.at, r.who, r.action, r.survey, r.detail) for r in rows]


MAX_NAME = 200


def _survey_name(name: str) -> str:
    """A survey's name as given, trimmed; refused when empty or too long."""
    name = " ".join(str(name).split())
    if not name or len(name) > MAX_NAME:
        raise WorkspaceError(f"A survey needs a name of 1 to {MAX_NAME} characters.",
                             hint="Name it after what it measures, e.g. 'CX commitment pulse'.")
    return name

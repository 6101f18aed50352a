"""The workspace's tables, as the latest migration leaves them (:mod:`cxcommit.store.migrations`).

Every table is tidy, for a BI tool as much as for cxcommit: ``surveys`` (one row a survey, its
saved mapping), ``imports`` (one row a file added: who added it, when,
with which mapping, and its import report), ``waves`` (one row a wave of a survey), ``response_columns``
(what each column of a survey's responses table holds), ``wave_columns`` (each wave's responses again, one
Arrow stream a wave, for reading a survey fast: :mod:`cxcommit.store.wave_columns`), ``unit_metrics`` (one row a unit, wave and
metric), ``settings`` (one row a workspace setting), ``people`` (who may do what) and ``audit_log`` (who
did what). A survey's responses are in a table of their own (:mod:`cxcommit.store.responses`), one row a
respondent in a wave and one column a grouping or an item, since every survey asks its own questions.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
STAMP = sa.DateTime(timezone=True)

settings = sa.Table(
    "settings", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),  # JSON
)

surveys = sa.Table(
    "surveys", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("mapping", sa.Text, nullable=False),  # the mapping JSON the next wave is read with
    sa.Column("metrics", sa.Text),  # JSON: source, metrics, headcount, problems of the unit metrics stored
    sa.Column("created_at", STAMP, nullable=False),
    sa.Column("changed_at", STAMP, nullable=False),
)

imports = sa.Table(
    "imports", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("source", sa.Text, nullable=False),  # the file's name
    sa.Column("added_at", STAMP, nullable=False),
    sa.Column("added_by", sa.Text, nullable=False),
    sa.Column("mapping", sa.Text, nullable=False),  # JSON
    sa.Column("columns", sa.Text, nullable=False),  # JSON: the groupings (name -> export column) and items it has
    sa.Column("report", sa.Text, nullable=False),  # JSON: the import report
)

waves = sa.Table(
    "waves", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("respondents", sa.Integer, nullable=False),
    sa.UniqueConstraint("survey_id", "label", name="uq_waves_survey_label"),
)

wave_columns = sa.Table(  # each wave's responses once more, as one Arrow IPC stream (cxcommit.store.wave_columns)
    "wave_columns", metadata,
    sa.Column("wave_id", sa.Integer, sa.ForeignKey("waves.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("answers", sa.LargeBinary, nullable=False),
)

response_columns = sa.Table(
    "response_columns", metadata,
    sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("name", sa.String(200), primary_key=True),  # the grouping or item id in the survey
    sa.Column("column_name", sa.String(64), nullable=False),  # its column in the responses table
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),  # the order the columns were added in
)

unit_metrics = sa.Table(
    "unit_metrics", metadata,
    sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("business_unit", sa.Text, nullable=False),
    sa.Column("division", sa.Text),
    sa.Column("wave", sa.Text, nullable=False),
    sa.Column("metric", sa.Text, nullable=False),
    sa.Column("value", sa.Float),
)

people = sa.Table(
    "people", metadata,
    sa.Column("email", sa.String(320), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),  # admin, analyst or viewer
    sa.Column("divisions", sa.Text, nullable=False),  # JSON list: a viewer's divisions; [] for everything
    sa.Column("added_at", STAMP, nullable=False),
    sa.Column("added_by", sa.Text, nullable=False),
)

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", STAMP, nullable=False, index=True),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("action", sa.String(32), nullable=False),  # added, replaced, removed, renamed, exported, …
    sa.Column("survey", sa.Text),
    sa.Column("detail", sa.Text, nullable=False),
)
